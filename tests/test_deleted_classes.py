"""deleted-classes: unit tests on real git repositories (the golden cases cover the CLI)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import libcst as cst

from fixup.cache import Cache
from fixup.codemods.definitions import (
    ImportSpec,
    OldDefinition,
    OldModule,
    add_imports,
    restore_definitions,
)
from fixup.config import Config
from fixup.fix import Plan
from fixup.fixers import FixerContext, deleted_classes
from fixup.git import file_history, find_repo
from fixup.history import History
from fixup.project import Project
from tests.golden import git


def write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))


def commit(root: Path, files: dict[str, str], message: str, day: int) -> str:
    write(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=day)
    return git(root, "rev-parse", "HEAD").strip()


def run(root: Path) -> tuple[Project, Plan]:
    project = Project.load(root, Config())
    ctx = FixerContext(
        project=project,
        options={},
        cache=Cache(None, "deleted-classes"),
        config=Config(),
        history=History.of(project, use_cache=False),
    )
    return project, deleted_classes.plan(ctx)


def applied(project: Project, plan: Plan) -> Project:
    for fix in plan.fixes:
        project = project.apply(fix)
    return project


def top_level_names(text: str) -> set[str]:
    return {
        node.name
        for node in ast.parse(text).body
        if isinstance(node, (ast.ClassDef, ast.FunctionDef))
    }


MODELS_V1 = """\
from pydantic import BaseModel


class User(BaseModel):
    name: str


class Team(BaseModel):
    title: str
"""
MODELS_WITHOUT_TEAM = """\
from pydantic import BaseModel


class User(BaseModel):
    name: str
"""
MAIN = "from models import Team, User\n"


# -------------------------------------------------------------------- no-op cases first


def test_noop_when_every_imported_name_is_defined(repo: Path) -> None:
    commit(repo, {"models.py": MODELS_V1, "main.py": MAIN}, "Add models", 0)
    _, plan = run(repo)
    assert plan.fixes == []
    assert plan.diagnostics == []


def test_noop_for_module_with_getattr(repo: Path) -> None:
    lazy = MODELS_WITHOUT_TEAM + "\n\ndef __getattr__(name):\n    raise AttributeError(name)\n"
    commit(repo, {"models.py": MODELS_V1, "main.py": MAIN}, "Add models", 0)
    commit(repo, {"models.py": lazy}, "Make models lazy", 1)
    _, plan = run(repo)
    assert plan.fixes == []
    assert [d.severity for d in plan.diagnostics] == ["info"]
    assert "__getattr__" in plan.diagnostics[0].message


def test_noop_for_dead_definition_nobody_imports(repo: Path) -> None:
    commit(repo, {"models.py": MODELS_V1, "main.py": "from models import User\n"}, "Add models", 0)
    commit(repo, {"models.py": MODELS_WITHOUT_TEAM}, "Drop teams", 1)
    _, plan = run(repo)
    assert plan.fixes == []
    assert plan.diagnostics == []


# -------------------------------------------------------------------- fixes


def test_restores_newest_version_of_edited_class(repo: Path) -> None:
    commit(repo, {"models.py": MODELS_V1, "main.py": MAIN}, "Add models", 0)
    edited = MODELS_V1.replace("    title: str\n", "    title: str\n    size: int = 0  # members\n")
    commit(repo, {"models.py": edited}, "Count team members", 1)
    commit(repo, {"models.py": MODELS_WITHOUT_TEAM}, "Rewrite models", 2)
    project, plan = run(repo)
    assert len(plan.fixes) == 1
    after = applied(project, plan).files["models.py"]
    assert "    size: int = 0  # members\n" in after
    assert top_level_names(after) == {"User", "Team"}


def test_provenance_names_last_and_removing_commit(repo: Path) -> None:
    had = commit(repo, {"models.py": MODELS_V1, "main.py": MAIN}, "Add models", 0)
    removed = commit(
        repo, {"models.py": MODELS_WITHOUT_TEAM}, "Add Specification Designer feature", 1
    )
    _, plan = run(repo)
    (provenance,) = plan.fixes[0].provenance
    assert provenance.commit == had
    assert provenance.subject == "Add models"
    assert provenance.author == "Golden Author"
    assert provenance.path == "models.py"
    assert f"removed in {removed[:7]}" in provenance.description
    assert "'Add Specification Designer feature'" in provenance.description


def test_project_in_a_subfolder_of_the_repository(repo: Path) -> None:
    backend = "claude-workflow-manager/backend"
    # Started as `python main.py` from backend/ (the entry script makes backend/ the import root).
    main = MAIN + 'if __name__ == "__main__":\n    print(User)\n'
    commit(repo, {f"{backend}/models.py": MODELS_V1, f"{backend}/main.py": main}, "Add models", 0)
    commit(repo, {f"{backend}/models.py": MODELS_WITHOUT_TEAM}, "Rewrite models", 1)
    project, plan = run(repo / "claude-workflow-manager")
    assert project.git is not None and project.git.prefix == "claude-workflow-manager"
    (fix,) = plan.fixes
    assert fix.paths == ("backend/models.py",)
    assert fix.provenance[0].path == "backend/models.py"
    assert "Team" in top_level_names(applied(project, plan).files["backend/models.py"])


def test_searches_the_feature_branch_history(repo: Path) -> None:
    commit(
        repo, {"models.py": MODELS_WITHOUT_TEAM, "main.py": "from models import User\n"}, "Start", 0
    )
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"models.py": MODELS_V1, "main.py": MAIN}, "Add teams on the branch", 1)
    commit(repo, {"models.py": MODELS_WITHOUT_TEAM}, "Oops, rewrite models", 2)
    project, plan = run(repo)
    assert plan.fixes[0].provenance[0].subject == "Add teams on the branch"
    assert "Team" in top_level_names(applied(project, plan).files["models.py"])


def test_removed_in_uncommitted_changes(repo: Path) -> None:
    commit(repo, {"models.py": MODELS_V1, "main.py": MAIN}, "Add models", 0)
    write(repo, {"models.py": MODELS_WITHOUT_TEAM})
    _, plan = run(repo)
    assert "removed in uncommitted changes" in plan.fixes[0].provenance[0].description


def test_module_attribute_access_through_an_alias(repo: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS_V1,
        "app/main.py": "import app.models as m\n\n\ndef teams():\n    return m.Team\n",
    }
    commit(repo, files, "Add models", 0)
    commit(repo, {"app/models.py": MODELS_WITHOUT_TEAM}, "Rewrite models", 1)
    _, plan = run(repo)
    (fix,) = plan.fixes
    assert "app/main.py:5 imports Team" in fix.explanation


def test_transitive_dependency_through_a_string_annotation(repo: Path) -> None:
    models = MODELS_V1 + textwrap.dedent("""

        class Usage(BaseModel):
            tokens: int


        class Analytics(BaseModel):
            usage: Optional['Usage'] = None
        """)
    models = "from typing import Optional\n" + models
    commit(
        repo, {"models.py": models, "main.py": "from models import Analytics\n"}, "Add analytics", 0
    )
    commit(repo, {"models.py": MODELS_V1}, "Drop analytics", 1)
    project, plan = run(repo)
    after = applied(project, plan).files["models.py"]
    assert {"Usage", "Analytics"} <= top_level_names(after)
    assert after.startswith("from typing import Optional\n")


def test_relative_import_from_the_package_itself(repo: Path) -> None:
    files = {
        "pkg/__init__.py": MODELS_V1,
        "pkg/api.py": "try:\n    from . import Team\nexcept ImportError:\n    raise\n",
    }
    commit(repo, files, "Add package", 0)
    commit(repo, {"pkg/__init__.py": MODELS_WITHOUT_TEAM}, "Drop teams", 1)
    project, plan = run(repo)
    (fix,) = plan.fixes
    assert "pkg/api.py:2 imports Team" in fix.explanation
    assert "Team" in top_level_names(applied(project, plan).files["pkg/__init__.py"])


def test_package_all_may_list_submodules(repo: Path) -> None:
    init = '__all__ = ["sub", "Team"]\n\n\nclass Team:\n    pass\n'
    commit(repo, {"pkg/__init__.py": init, "pkg/sub.py": "X = 1\n"}, "Add package", 0)
    commit(repo, {"pkg/__init__.py": '__all__ = ["sub", "Team"]\n'}, "Empty the package", 1)
    project, plan = run(repo)
    (fix,) = plan.fixes
    assert "pkg/__init__.py:1 lists Team in __all__" in fix.explanation
    assert plan.diagnostics == []
    assert top_level_names(applied(project, plan).files["pkg/__init__.py"]) == {"Team"}


def test_restores_a_re_export_from_a_parenthesised_import(repo: Path) -> None:
    models = "from schemas import (\n    Team,\n    User,\n)\n\nVERSION = 1\n"
    schemas = MODELS_V1
    commit(repo, {"schemas.py": schemas, "models.py": models, "main.py": MAIN}, "Re-export", 0)
    commit(repo, {"models.py": "from schemas import User\n\nVERSION = 1\n"}, "Trim", 1)
    project, plan = run(repo)
    after = applied(project, plan).files["models.py"]
    assert after == "from schemas import User, Team\n\nVERSION = 1\n"


def test_name_that_never_existed_is_reported_with_a_suggestion(repo: Path) -> None:
    commit(
        repo, {"models.py": MODELS_V1, "main.py": "import os\nfrom models import Teams\n"}, "Add", 0
    )
    _, plan = run(repo)
    assert plan.fixes == []
    (diagnostic,) = plan.diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.severity) == ("main.py", 2, "error")
    assert "did you mean `Team`?" in diagnostic.message


def test_definition_inside_a_block_is_reported_not_restored(repo: Path) -> None:
    guarded = MODELS_WITHOUT_TEAM + "\n\nif True:\n    class Team(BaseModel):\n        title: str\n"
    commit(repo, {"models.py": guarded, "main.py": MAIN}, "Add", 0)
    commit(repo, {"models.py": MODELS_WITHOUT_TEAM}, "Drop", 1)
    _, plan = run(repo)
    assert plan.fixes == []
    assert "inside an `if` block" in plan.diagnostics[0].message


def test_dependency_on_a_deleted_project_module_is_reported(repo: Path) -> None:
    models = "from legacy import Base\n\n\nclass Team(Base):\n    pass\n"
    files = {
        "legacy.py": "class Base:\n    pass\n",
        "models.py": models,
        "main.py": MAIN.replace("Team, User", "Team"),
    }
    commit(repo, files, "Add", 0)
    git(repo, "rm", "-q", "legacy.py")
    commit(repo, {"models.py": "X = 1\n"}, "Drop legacy", 1)
    _, plan = run(repo)
    assert plan.fixes == []
    assert "project module that no longer exists" in plan.diagnostics[0].message


def test_file_history_follows_renames_newest_first(repo: Path) -> None:
    first = commit(repo, {"schemas.py": MODELS_V1}, "Add schemas", 0)
    git(repo, "mv", "schemas.py", "models.py")
    second = commit(repo, {}, "Rename schemas to models", 1)
    found = find_repo(repo)
    assert found is not None
    history = file_history(found, "models.py")
    assert [(v.commit.sha, v.path) for v in history.versions] == [
        (second, "models.py"),
        (first, "schemas.py"),
    ]
    assert history.commits_searched == 2 and not history.shallow


# -------------------------------------------------------------------- codemods


def test_add_imports_joins_a_parenthesised_import_one_name_per_line() -> None:
    module = cst.parse_module(
        "from typing import (\n    List,  # lists\n    Optional,\n)\n\nX = 1\n"
    )
    new = add_imports(module, [ImportSpec("typing", "Dict"), ImportSpec("uuid")]).code
    assert (
        new
        == "from typing import (\n    List,  # lists\n    Optional,\n    Dict,\n)\nimport uuid\n\nX = 1\n"
    )


def test_restore_definitions_goes_before_its_later_neighbour_and_after_what_it_needs() -> None:
    old = OldModule("import a\n\n\nclass B(A):\n    pass\n\n\nclass C:\n    pass\n")
    current = cst.parse_module("import a\n\n\nclass C:\n    pass\n\n\nA = object\n")
    mirrored = restore_definitions(current, [OldDefinition(old, 1)]).code
    assert mirrored.index("class B") < mirrored.index("class C")
    needing = restore_definitions(current, [OldDefinition(old, 1, frozenset({"A"}))]).code
    assert needing.index("A = object") < needing.index("class B")


def test_restored_definition_takes_back_its_section_comment() -> None:
    old = OldModule("X = 1\n\n\n# --- Auth ---\n\nclass A:\n    pass\n\n\nclass B:\n    pass\n")
    current = cst.parse_module("X = 1\n\n\n# --- Auth ---\n\nclass B:\n    pass\n")
    restored = restore_definitions(current, [OldDefinition(old, 1)]).code
    assert restored == "X = 1\n\n\n# --- Auth ---\n\nclass A:\n    pass\n\n\nclass B:\n    pass\n"


def test_each_error_is_worded_as_its_use_fails(repo: Path) -> None:
    commit(repo, {"models.py": "class Team:\n    pass\n"}, "Add models", 0)
    commit(
        repo,
        {
            "models.py": '__all__ = ["Team", "Gone"]\n\n\nclass Team:\n    pass\n',
            "main.py": "import models\nfrom models import Lost\n\nprint(models.Missing)\n",
        },
        "Use models",
        1,
    )
    _, plan = run(repo)
    messages = {(d.path, d.line): d.message for d in plan.diagnostics}
    assert messages[("main.py", 2)].startswith("cannot import name `Lost` from `models`")
    assert messages[("main.py", 4)].startswith(
        "`models.Missing`: module `models` has no attribute `Missing`"
    )
    assert messages[("models.py", 1)].startswith(
        "`__all__` lists `Gone`, which `models` does not bind"
    )
