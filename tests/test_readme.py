"""The README's fixer list is generated from the fixers' docstrings; this keeps them in sync.

``FIXUP_UPDATE_README=1 pytest tests/test_readme.py`` rewrites the section.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from fixup.fixers import all_fixers

README = Path(__file__).resolve().parent.parent / "README.md"
_SECTION = re.compile(r"(<!-- fixers:start[^>]*-->\n)(.*?)(<!-- fixers:end -->)", re.S)


def fixer_list() -> str:
    lines = []
    for fixer in all_fixers():
        lines.append(
            f"- **`{fixer.name}`**: {fixer.summary}. `fixup explain {fixer.name}` for details."
        )
    return "\n".join(lines) + "\n"


def test_readme_lists_every_fixer() -> None:
    text = README.read_text()
    match = _SECTION.search(text)
    assert match, "README.md has no fixers section"
    if os.environ.get("FIXUP_UPDATE_README") == "1":
        README.write_text(text[: match.start(2)] + fixer_list() + text[match.end(2) :])
        return
    assert match.group(2) == fixer_list()


def test_every_fixer_has_documentation_sections() -> None:
    for fixer in all_fixers():
        for heading in ("## What it does", "## What it won't touch", "## Example", "```diff"):
            assert heading in fixer.doc, f"{fixer.name}: docstring lacks {heading!r}"
