from uploads.service import store

assert store("a.txt", b"abc", "text/plain").filename == "a.txt"
