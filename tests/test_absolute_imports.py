"""The absolutize codemod, statement by statement."""

from __future__ import annotations

import libcst as cst
import pytest

from fixup.codemods.absolute_imports import Target, absolutize
from fixup.codemods.nodes import code


def rewrite(source: str, module: str | None) -> str:
    statement = cst.parse_statement(source)
    assert isinstance(statement, cst.SimpleStatementLine)
    node = statement.body[0]
    assert isinstance(node, cst.ImportFrom)
    return code(absolutize(node, Target(module)))


@pytest.mark.parametrize(
    "source, module, expected",
    [
        ("from . import x", "pkg", "from pkg import x"),
        ("from .  import x", "pkg", "from pkg import x"),  # the dots' spacing goes with them
        ("from.mod import x", "pkg.mod", "from pkg.mod import x"),
        ("from .mod  import x", "pkg.mod", "from pkg.mod  import x"),  # the user's spacing stays
        (
            "from ..a.b import (c,  # why\n    d as e,\n)",
            "pkg.a.b",
            "from pkg.a.b import (c,  # why\n    d as e,\n)",
        ),
        ("from .mod import *", "pkg.mod", "from pkg.mod import *"),
        ("from .. import config as cfg, util", None, "import config as cfg, util"),
        ("from .. import (a,\n    b)", None, "import a, b"),
    ],
)
def test_absolutize(source: str, module: str | None, expected: str) -> None:
    assert rewrite(source + "\n", module) == expected


def test_parenthesised_names_with_comments_cannot_become_a_plain_import() -> None:
    with pytest.raises(ValueError, match="carry comments"):
        rewrite("from .. import (a,  # keep\n    b)\n", None)


@pytest.mark.parametrize(
    "source",
    [
        "from ..a.b import (c,  # why\n    d as e,\n)",
        "from . import x",
        "from.mod import y as z",
        "from .. \\\n    import (w)",
    ],
)
def test_absolutized_source_equals_the_full_rewrite(source: str) -> None:
    from fixup.codemods.absolute_imports import absolutized_source

    statement = cst.parse_statement(source + "\n")
    assert isinstance(statement, cst.SimpleStatementLine)
    node = statement.body[0]
    assert isinstance(node, cst.ImportFrom)
    target = Target("pkg.a.b")
    assert absolutized_source(node, code(node), target) == code(absolutize(node, target))


def test_an_unusual_header_falls_back_to_generating_the_statement() -> None:
    from fixup.codemods.absolute_imports import absolutized_source

    source = "from .a . b import c"  # spaces inside the dotted name
    node = cst.parse_statement(source + "\n").body[0]
    assert isinstance(node, cst.ImportFrom)
    assert absolutized_source(node, source, Target("pkg.a.b")) == "from pkg.a.b import c"
