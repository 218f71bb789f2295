"""Reading and writing source files without changing anything fixup did not mean to change.

A file is decoded once into text with ``\\n`` line endings, and its format (encoding, BOM,
line endings) is remembered so that writing it back reproduces every byte fixup left alone.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass


class SourceError(Exception):
    """A file fixup cannot read as Python source; the message names the reason."""


@dataclass(frozen=True)
class TextFormat:
    """How a file's text is stored on disk."""

    #: The codec that decodes the file (from a PEP 263 cookie or the BOM; UTF-8 otherwise).
    encoding: str = "utf-8"
    #: The line ending the file uses: ``"\\n"``, ``"\\r\\n"``, or ``""`` for mixed endings,
    #: which are kept as they are (the text is then not normalised).
    newline: str = "\n"


def decode(data: bytes) -> tuple[str, TextFormat]:
    """Decode source bytes; raise SourceError with a one-line reason when that is impossible."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "unknown encoding" in str(exc.msg) or "encoding problem" in str(exc.msg):
            raise SourceError(str(exc.msg)) from None
        encoding = "utf-8"  # undecodable first lines: let the decode below say where
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"cannot decode as {encoding} (byte {exc.start}: {data[exc.start : exc.start + 1]!r})"
        ) from None
    if encoding == "utf-8-sig":
        text = text.removeprefix("\ufeff")
    if "\r" not in text:  # nearly every file: one scan for a character, not three counts
        return text, TextFormat(encoding, "\n")
    crlf = text.count("\r\n")
    if not crlf:
        return text, TextFormat(encoding, "\n")
    if crlf == text.count("\n") and crlf == text.count("\r"):
        return text.replace("\r\n", "\n"), TextFormat(encoding, "\r\n")
    return text, TextFormat(encoding, "")


def encode(text: str, fmt: TextFormat) -> bytes:
    """The bytes to write for ``text`` so that the file keeps its format."""
    if fmt.newline == "\r\n":
        text = text.replace("\n", "\r\n")
    # "utf-8-sig" writes the BOM back.
    return text.encode(fmt.encoding)


def on_disk(text: str, fmt: TextFormat) -> str:
    """``text`` with the file's own line endings, as a diff against the file must show it."""
    return text.replace("\n", "\r\n") if fmt.newline == "\r\n" else text
