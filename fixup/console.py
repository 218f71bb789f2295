"""Where fixup's messages go: rich's console on a terminal or when colour is asked for, plain
writes otherwise.

Output into a pipe or a file without colour (CI logs, editors, pre-commit, the benchmarks) is
plain text either way; only there rich is not imported, which saves a fifth of a warm run.
Every message is printed with ``markup=False``, so both consoles print the same characters.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol, TextIO


class Console(Protocol):
    """What fixup asks of a console: rich's ``Console`` has it, and so has ``PlainConsole``."""

    def print(
        self,
        *objects: Any,
        style: Any = None,
        markup: bool | None = None,
        highlight: bool | None = None,
        end: str = "\n",
    ) -> None: ...


class PlainConsole:
    """Writes each message as it is: no styles, no wrapping (rich's ``soft_wrap``)."""

    def __init__(self, file: TextIO | None = None, *, stderr: bool = False) -> None:
        self._file = file
        self._stderr = stderr

    @property
    def file(self) -> TextIO:
        # Looked up at each write, as rich does: click's test runner swaps sys.stderr.
        if self._file is not None:
            return self._file
        return sys.stderr if self._stderr else sys.stdout

    def print(
        self,
        *objects: Any,
        style: Any = None,
        markup: bool | None = None,
        highlight: bool | None = None,
        end: str = "\n",
    ) -> None:
        self.file.write(" ".join(str(o) for o in objects) + end)


def make_console(file: TextIO | None = None, *, stderr: bool = False, color: bool) -> Console:
    """A console for ``file`` (default stdout, or stderr): coloured when ``color``, even into a
    pipe; without colour, rich only on a terminal (its progress bar needs one)."""
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    if not color and not _isatty(stream):
        return PlainConsole(file, stderr=stderr)
    from rich.console import Console as RichConsole

    return RichConsole(
        file=file,
        stderr=stderr,
        highlight=False,
        emoji=False,  # `:memo:` in a message or a diff line stays as written
        soft_wrap=True,
        no_color=not color,
        force_terminal=True if color else None,
    )


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or bare stream
        return False
