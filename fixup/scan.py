"""Cheap, string- and comment-aware text scans that find candidate statements without parsing.

A fixer uses these to decide which few statements to hand to libcst, so that a large tree is
not parsed whole. A scan never edits: libcst makes every edit. When a scan cannot be sure
(a statement that does not start its line, for instance), it says so and the caller parses
the whole file instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Strings (with any prefix, triple-quoted first), comments, and the thing we look for.
_TOKENS = r"""
    (?P<str>(?i:[rbuft]{0,2})(?:'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))
  | (?P<com>\#[^\n]*)
  | (?P<hit>%s)
"""
_STATEMENT_END = re.compile(r"[()#;\n]|\\\n")


@dataclass(frozen=True)
class Span:
    """A statement's source: ``text[start:end]``, starting at its first keyword."""

    start: int
    end: int
    #: 1-based line of ``start``.
    line: int


@dataclass(frozen=True)
class ScanResult:
    spans: tuple[Span, ...]
    #: True when a hit does not start a logical line (``try: from . import x``): parse the file.
    needs_full_parse: bool = False


class StatementScanner:
    """Finds simple statements that begin with a pattern, outside strings and comments.

    ``StatementScanner(r"from[ \\t]*\\.")`` finds relative imports.
    """

    def __init__(self, pattern: str) -> None:
        self._hit = re.compile(r"\b" + pattern)
        self._tokens = re.compile(_TOKENS % (r"\b" + pattern), re.X | re.S)

    def scan(self, text: str) -> ScanResult:
        last = None
        for last in self._hit.finditer(text):  # noqa: B007 - only the last one matters
            pass
        if last is None:
            return ScanResult(())
        spans: list[Span] = []
        full_parse = False
        # Strings and comments are tokenised only up to the last hit (imports sit near the
        # top); a string that opens before it is still read to its end.
        for match in self._tokens.finditer(text):
            if match.start() >= last.end():
                break
            if match.lastgroup != "hit":
                continue
            start = match.start()
            line_start = text.rfind("\n", 0, start) + 1
            if text[line_start:start].strip(" \t\f"):
                full_parse = True
                continue
            end = statement_end(text, start)
            if end is None:
                full_parse = True
                continue
            spans.append(Span(start, end, text.count("\n", 0, start) + 1))
        return ScanResult(tuple(spans), full_parse)


def statement_end(text: str, start: int) -> int | None:
    """Where the simple statement starting at ``start`` ends (before ``;``, a comment, or the
    newline that closes it); None if it cannot tell (an unclosed bracket)."""
    depth = 0
    pos = start
    while True:
        match = _STATEMENT_END.search(text, pos)
        if match is None:
            return _before_blanks(text, start, len(text)) if depth == 0 else None
        char = match.group()
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == "#":
            if depth == 0:
                return _before_blanks(text, start, match.start())
            newline = text.find("\n", match.end())
            if newline < 0:
                return None
            pos = newline + 1
            continue
        elif char in (";", "\n") and depth == 0:
            return _before_blanks(text, start, match.start())
        pos = match.end()


def _before_blanks(text: str, start: int, pos: int) -> int:
    while pos > start and text[pos - 1] in " \t\f\r\n":
        pos -= 1
    return pos
