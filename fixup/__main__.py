from fixup.cli import main

main()
