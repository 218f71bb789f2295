"""Which fixers run: repairs by default, refactors when asked for."""

from __future__ import annotations

from pathlib import Path

from fixup.fixers import select_fixers
from tests.golden import run_cli


def names(*args: object, **kwargs: object) -> list[str]:
    return [f.name for f in select_fixers(*args, **kwargs)]  # type: ignore[arg-type]


def test_refactors_run_only_when_asked_for() -> None:
    default = names((), ())
    assert "split-models" not in default
    assert {"relative-imports", "deleted-classes", "duplicate-models"} <= set(default)
    assert "split-models" in names((), (), {"split-models": {"max-lines": 300}})
    assert names(("split-models",), ()) == ["split-models"]


def test_a_healthy_oversized_models_module_is_not_split_by_default(tmp_path: Path) -> None:
    classes = "\n\n".join(
        f"class {domain}{kind}:\n" + "".join(f"    field_{n}: int = {n}\n" for n in range(30))
        for domain in ("Auth", "Billing", "Catalog", "Shipping")
        for kind in ("Request", "Response", "Record", "Summary", "Filter")
    )
    (tmp_path / "models.py").write_text(classes)
    (tmp_path / "main.py").write_text("from models import AuthRequest\n")
    code, _, stderr = run_cli("--check", "--no-cache", str(tmp_path))
    assert code == 0, stderr
    assert "Nothing to fix." in stderr
    code, _, stderr = run_cli("--check", "--no-cache", "--select", "split-models", str(tmp_path))
    assert code == 1, stderr


def test_list_says_which_fixers_run_by_default_and_why() -> None:
    code, stdout, _ = run_cli("list")
    assert code == 0
    assert "runs on request (--select split-models or [tool.fixup.split-models])" in stdout
    assert stdout.count("runs by default: a repair") == len(names((), ()))
