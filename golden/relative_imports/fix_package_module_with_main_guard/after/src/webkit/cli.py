"""Run with `python -m webkit.cli`: the __main__ guard does not make this folder an import root."""
import typing as t

from webkit import typing as wt


def main() -> t.Any:
    return wt.ANY


if __name__ == "__main__":
    main()
