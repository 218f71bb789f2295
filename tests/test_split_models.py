"""split-models: turn an oversized models module into a package, every old import still working.

The golden cases (golden/split_models/) cover the seed shapes end to end through the CLI; these
tests pin single behaviours, and import the split packages in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import libcst as cst

from fixup.cache import Cache
from fixup.codemods.reference_graph import build_graph
from fixup.fix import Fix, Plan
from fixup.fixers import FixerContext, get_fixer
from fixup.project import Project
from tests.golden import GOLDEN, git, run_cli, tree

FIXER = get_fixer("split-models")


def run_plan(files: dict[str, str], **options: Any) -> Plan:
    resolved = {**FIXER.resolve_options(_config()), **options}
    project = Project.from_files(Path("/nonexistent"), files)
    return FIXER.plan(
        FixerContext(project=project, options=resolved, cache=Cache(None, FIXER.name))
    )


def _config() -> Any:
    from fixup.config import Config

    return Config()


def only_fix(plan: Plan) -> Fix:
    assert len(plan.fixes) == 1, plan.diagnostics
    return plan.fixes[0]


def files_after(files: dict[str, str], fix: Fix) -> dict[str, str]:
    after = dict(files)
    for change in fix.changes:
        if change.after is None:
            del after[change.path]
        else:
            after[change.path] = change.after
    return after


def import_in_subprocess(
    root: Path, files: dict[str, str], code: str
) -> subprocess.CompletedProcess[str]:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": ""},
    )


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


SHOP = dedent(
    '''
    """Shop models."""

    import enum
    from dataclasses import dataclass


    class Currency(str, enum.Enum):
        EUR = "eur"
        USD = "usd"


    def cents(amount: float) -> int:
        return round(amount * 100)


    @dataclass
    class Product:
        sku: str
        price: int
        currency: Currency = Currency.EUR


    @dataclass
    class ProductImage:
        product: Product
        url: str


    @dataclass
    class Order:
        number: str
        currency: Currency

        def add(self, price: float) -> int:
            return cents(price)


    @dataclass
    class OrderLine:
        order: Order
        quantity: int = 1
    '''
)


# ---------------------------------------------------------------- no-ops and skips


def test_noop_below_threshold() -> None:
    plan = run_plan({"models.py": SHOP})
    assert plan.fixes == [] and plan.diagnostics == []


def test_noop_module_not_named_models() -> None:
    plan = run_plan({"shop.py": SHOP}, **{"max-lines": 10, "min-classes": 2})
    assert plan.fixes == []


def test_noop_already_a_package() -> None:
    plan = run_plan({"models/__init__.py": SHOP}, modules=["models"])
    assert plan.fixes == []


def test_noop_when_configured_module_is_already_split_and_warns_on_a_typo() -> None:
    assert run_plan({"models/__init__.py": "", "models/a.py": ""}, modules=["models.py"]) == Plan()
    plan = run_plan({"models.py": SHOP}, modules=["modles.py"])
    assert plan.fixes == [] and [d.message for d in plan.diagnostics] == [
        "module 'modles.py' not found"
    ]


def test_skip_module_level_getattr() -> None:
    source = SHOP + "\n\ndef __getattr__(name):\n    raise AttributeError(name)\n"
    plan = run_plan({"models.py": source}, modules=["models.py"])
    assert plan.fixes == []
    assert ["__getattr__" in d.message for d in plan.diagnostics] == [True]


def test_skip_when_package_folder_exists() -> None:
    plan = run_plan({"models.py": SHOP, "models/extra.py": "X = 1\n"}, modules=["models.py"])
    assert plan.fixes == []
    assert "already exists" in plan.diagnostics[0].message


def test_skip_computed_all() -> None:
    source = SHOP + "\n__all__ = [n for n in dir() if n[0].isupper()]\n"
    plan = run_plan({"models.py": source}, modules=["models.py"])
    assert plan.fixes == [] and "__all__ is computed" in plan.diagnostics[0].message


# ---------------------------------------------------------------- grouping and imports


def test_groups_by_prefix_shared_enum_and_helper_placement() -> None:
    fix = only_fix(run_plan({"models.py": SHOP}, modules=["models.py"]))
    after = files_after({"models.py": SHOP}, fix)
    assert sorted(after) == [
        "models/__init__.py",
        "models/base.py",
        "models/order.py",
        "models/product.py",
    ]
    # The enum is used by both groups: base. The helper only by Order: it goes with Order.
    assert "class Currency" in after["models/base.py"]
    assert "def cents" in after["models/order.py"]
    assert "from models.base import Currency" in after["models/product.py"]
    assert "import enum" not in after["models/order.py"]  # only what its code uses
    assert "Move map:" in fix.explanation and "order.py: cents, Order, OrderLine" in fix.explanation


def test_classes_nothing_links_to_a_group() -> None:
    classes = [
        ("Prompt", ""), ("PromptList", ""), ("SyncToRepo", ""), ("PromptStep", ""),
        ("ApiResponse", ""), ("User", ""), ("UserLogin", ""),
        ("ScheduleConfig", ""), ("Deployment", "schedule: ScheduleConfig"),
    ]  # fmt: skip
    source = "".join(f"class {name}:\n    {body or 'x = 1'}\n\n\n" for name, body in classes)
    fix = only_fix(run_plan({"models.py": source}, modules=["models.py"]))
    # SyncToRepo sits among the prompt classes; ApiResponse between two groups is shared;
    # Deployment and the ScheduleConfig it names form their own module, named after Deployment.
    assert "  prompt.py: Prompt, PromptList, SyncToRepo, PromptStep\n" in fix.explanation
    assert "  base.py: ApiResponse\n" in fix.explanation
    assert fix.explanation.endswith("  deployment.py: ScheduleConfig, Deployment")


def test_definitions_move_verbatim() -> None:
    source = (
        GOLDEN / "split_models/fix_seed_pydantic_backend/before/backend/models.py"
    ).read_text()
    files = {"backend/models.py": source, "backend/main.py": "from models import Workflow\n"}
    fix = only_fix(run_plan(files))
    graph = build_graph(cst.parse_module(source))
    new_modules = [
        c.after for c in fix.changes if c.after is not None and not c.path.endswith("__init__.py")
    ]
    for statement in graph.statements:
        if statement.kind != "definition":
            continue
        code = graph.module.code_for_node(statement.node).strip("\n")
        homes = [text for text in new_modules if code in text]
        assert len(homes) == 1, f"{statement.name} is not in exactly one new module"


def test_package_named_as_the_app_imports_it() -> None:
    # No importer to go by: the module's import of its neighbour database.py shows the app runs
    # from backend/, so the package is `models`, not `backend.models`.
    source = "from database import Base\n\n\n" + SHOP.replace('"""Shop models."""\n', "")
    files = {"backend/models.py": source, "backend/database.py": "Base = object\n"}
    fix = only_fix(run_plan(files, modules=["backend/models.py"]))
    init = files_after(files, fix)["backend/models/__init__.py"]
    assert "from models.order import " in init and "backend.models" not in init


def test_comments_above_and_below_the_code_are_kept() -> None:
    source = "# Copyright the shop authors.\n\n" + SHOP + "# end of models\n"
    fix = only_fix(run_plan({"models.py": source}, modules=["models.py"]))
    after = files_after({"models.py": source}, fix)
    assert after["models/__init__.py"].startswith(
        '# Copyright the shop authors.\n\n"""Shop models."""\n'
    )
    assert after["models/order.py"].endswith("    quantity: int = 1\n# end of models\n")


def test_largest_new_module_continues_the_old_file() -> None:
    fix = only_fix(run_plan({"models.py": SHOP}, modules=["models.py"]))
    renamed = [c for c in fix.changes if c.renamed_from]
    assert [c.renamed_from for c in renamed] == ["models.py"]
    sizes = {
        c.path: len(c.after or "")
        for c in fix.changes
        if c.before is None and not c.path.endswith("__init__.py")
    }
    assert renamed[0].path == max(sizes, key=lambda p: sizes[p])
    assert [c.path for c in fix.changes if c.after is None] == ["models.py"]


def test_config_groups_and_invalid_group_name() -> None:
    groups = {"catalogue": ["Product*", "Currency"]}
    fix = only_fix(run_plan({"models.py": SHOP}, modules=["models.py"], groups=groups))
    paths = sorted(c.path for c in fix.changes if c.after is not None)
    assert "models/catalogue.py" in paths and "models/base.py" not in paths
    plan = run_plan({"models.py": SHOP}, modules=["models.py"], groups={"not-a-name": ["Order*"]})
    assert plan.fixes == [] and "not a valid module name" in plan.diagnostics[0].message


def test_cycle_is_merged_and_explained() -> None:
    source = dedent(
        """
        class Author:
            name = "anonymous"

            def books(self):
                return [Book()]


        class AuthorProfile:
            pass


        class Book:
            def author(self):
                return Author()


        class BookCover:
            pass


        class Publisher:
            pass


        class PublisherAddress:
            publisher = Publisher
        """
    )
    fix = only_fix(run_plan({"models.py": source}, modules=["models.py"]))
    assert "Merged: author and book import each other at import time" in fix.explanation
    created = sorted(c.path for c in fix.changes if c.before is None)
    assert created == ["models/__init__.py", "models/author.py", "models/publisher.py"]
    assert "  author.py: Author, AuthorProfile, Book, BookCover" in fix.explanation


def test_group_over_max_lines_splits_by_two_word_prefix() -> None:
    classes = ["AcmeUser", "AcmeUserCreate", "AcmeOrder", "AcmeOrderLine", "Invoice", "InvoiceLine"]
    source = (
        "".join(f"class {name}:\n    a = 1\n    b = 2\n\n\n" for name in classes).rstrip() + "\n"
    )
    fix = only_fix(run_plan({"models.py": source}, modules=["models.py"], **{"max-lines": 10}))
    created = sorted(c.path for c in fix.changes if c.before is None)
    assert created == [
        "models/__init__.py",
        "models/acme_order.py",
        "models/acme_user.py",
        "models/invoice.py",
    ]


def test_pydantic_forward_reference_across_modules_still_builds(tmp_path: Path) -> None:
    source = dedent(
        """
        from typing import List, Optional

        from pydantic import BaseModel


        class LogEntry(BaseModel):
            text: str


        class LogAnalytics(BaseModel):
            entries: List[LogEntry] = []
            tokens: Optional['TokenUsage'] = None


        class TokenUsage(BaseModel):
            input_tokens: int = 0


        class TokenBudget(BaseModel):
            limit: int
        """
    )
    files = {"models.py": source}
    fix = only_fix(run_plan(files, modules=["models.py"]))
    after = files_after(files, fix)
    assert "from models.token import TokenUsage" in after["models/log.py"]
    result = import_in_subprocess(
        tmp_path,
        after,
        """
        from models import LogAnalytics
        assert LogAnalytics(tokens={"input_tokens": 3}).tokens.input_tokens == 3
        """,
    )
    assert result.returncode == 0, result.stderr


MUTUAL_SCHEMAS = dedent(
    """
    from typing import List, Optional

    from pydantic import BaseModel


    class ProjectRead(BaseModel):
        id: int
        name: str


    class ProjectWithTasks(ProjectRead):
        tasks: List["TaskRead"] = []


    class TaskRead(BaseModel):
        id: int
        title: str


    class TaskWithProject(TaskRead):
        project: Optional["ProjectRead"] = None


    class TaskBoard(BaseModel):
        columns: List[TaskWithProject] = []
    """
)


def test_pydantic_models_naming_each_other_stay_apart_and_are_rebuilt(tmp_path: Path) -> None:
    files = {"schemas.py": MUTUAL_SCHEMAS, "api.py": "from schemas import TaskBoard\n"}
    fix = only_fix(run_plan(files, modules=["schemas.py"]))
    after = files_after(files, fix)
    assert "import each other" not in fix.explanation
    # project imports task for real; task's annotation of ProjectRead would close a cycle, so
    # it is imported for type checkers and the package rebuilds the models that need it.
    assert "from schemas.task import TaskRead\n" in after["schemas/project.py"]
    assert (
        "if TYPE_CHECKING:\n    from schemas.project import ProjectRead\n"
        in after["schemas/task.py"]
    )
    assert after["schemas/__init__.py"].count("model_rebuild()") == 2
    assert (
        "TaskWithProject.model_rebuild()\nTaskBoard.model_rebuild()\n"
        in after["schemas/__init__.py"]
    )
    result = import_in_subprocess(
        tmp_path,
        after,
        """
        from schemas import ProjectWithTasks, TaskBoard
        from api import TaskBoard as Board
        board = Board(columns=[{"id": 1, "title": "t", "project": {"id": 2, "name": "p"}}])
        assert board.columns[0].project.name == "p"
        assert ProjectWithTasks(id=1, name="p", tasks=[{"id": 3, "title": "x"}]).tasks[0].id == 3
        """,
    )
    assert result.returncode == 0, result.stderr


def test_pydantic_cycle_is_merged_when_module_level_code_needs_the_model() -> None:
    comments = "\n\nclass CommentRead(BaseModel):\n    body: str\n\n\nclass CommentCreate(BaseModel):\n    body: str\n"
    source = MUTUAL_SCHEMAS + comments + "\n\nTaskWithProject.model_rebuild()\n"
    fix = only_fix(run_plan({"schemas.py": source}, modules=["schemas.py"]))
    assert "Merged: project and task import each other at import time" in fix.explanation
    created = sorted(c.path for c in fix.changes if c.before is None)
    assert created == ["schemas/__init__.py", "schemas/comment.py", "schemas/task.py"]
    assert "model_rebuild" not in next(
        c.after for c in fix.changes if c.path.endswith("__init__.py")
    )
    # Without a third group the merge leaves one module: nothing to split.
    plan = run_plan(
        {"schemas.py": MUTUAL_SCHEMAS + "\n\nTaskWithProject.model_rebuild()\n"},
        modules=["schemas.py"],
    )
    assert plan.fixes == [] and "one group" in plan.diagnostics[0].message


SQLALCHEMY_FUTURE = dedent(
    """
    from __future__ import annotations

    from typing import Optional

    from sqlalchemy import ForeignKey, String
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


    class Base(DeclarativeBase):
        pass


    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(50))
        addresses: Mapped[list[Address]] = relationship(back_populates="user")


    class UserSetting(Base):
        __tablename__ = "user_settings"
        id: Mapped[int] = mapped_column(primary_key=True)
        user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


    class Address(Base):
        __tablename__ = "addresses"
        id: Mapped[int] = mapped_column(primary_key=True)
        user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
        user: Mapped[Optional[User]] = relationship(back_populates="addresses")


    class AddressLabel(Base):
        __tablename__ = "address_labels"
        id: Mapped[int] = mapped_column(primary_key=True)
        address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
        address: Mapped[Address] = relationship("Address")
    """
)


def test_sqlalchemy_mapped_classes_name_each_other_without_a_cycle(tmp_path: Path) -> None:
    files = {"db/__init__.py": "", "db/models.py": SQLALCHEMY_FUTURE}
    fix = only_fix(run_plan(files, modules=["db/models.py"]))
    after = files_after(files, fix)
    # Annotations only (future import): type checkers get the name, the registry resolves it.
    assert (
        "if TYPE_CHECKING:\n    from db.models.address import Address" in after["db/models/user.py"]
    )
    assert "from typing import TYPE_CHECKING, Optional" in after["db/models/address.py"]
    assert "import each other" not in fix.explanation
    result = import_in_subprocess(
        tmp_path,
        after,
        """
        from sqlalchemy.orm import configure_mappers
        import db.models as models
        from db.models import *
        configure_mappers()
        assert models.User.addresses.property.mapper.class_ is Address
        assert models.AddressLabel.address.property.mapper.class_ is Address
        """,
    )
    assert result.returncode == 0, result.stderr


def test_reexports_private_and_imported_names_that_importers_use(tmp_path: Path) -> None:
    source = SHOP.replace(
        "from dataclasses import dataclass", "from dataclasses import dataclass, field"
    )
    source += "\n\ndef _secret() -> str:\n    return 'x'\n"
    files = {
        "models.py": source,
        "app.py": "from models import _secret, dataclass\nimport models\nmodels.field\n",
        "star.py": "from models import *\nprint(enum.Enum, Order, cents)\n",
    }
    fix = only_fix(run_plan(files, modules=["models.py"]))
    after = files_after(files, fix)
    init = after["models/__init__.py"]
    # Private and imported names importers use come along ("X as X": an explicit re-export);
    # without an __all__ in the module, the star importer's free names go into the new __all__.
    assert "from models.base import Currency, _secret as _secret\n" in init
    assert "import enum\nfrom dataclasses import dataclass, field\n" in init
    assert init.endswith('    "OrderLine",\n    "dataclass",\n    "enum",\n    "field",\n]\n')
    result = import_in_subprocess(tmp_path, after, "import app, star")
    assert result.returncode == 0, result.stderr


def test_rewrite_importers() -> None:
    files = {
        "models.py": SHOP,
        "api.py": "from models import Order, Product, cents  # used by the API\nimport models\n",
        "only_orders.py": "from models import (\n    Order,  # the order\n    OrderLine,\n)\n",
    }
    fix = only_fix(run_plan(files, modules=["models.py"], **{"rewrite-importers": True}))
    after = files_after(files, fix)
    assert after["api.py"] == (
        "from models.order import Order, cents  # used by the API\n"
        "from models.product import Product\n"
        "import models\n"
    )
    assert (
        after["only_orders.py"]
        == "from models.order import (\n    Order,  # the order\n    OrderLine,\n)\n"
    )


def test_rewrite_importers_leaves_another_services_models_alone() -> None:
    files = {
        "shop/models.py": SHOP,
        "shop/api.py": "from models import Order\n",
        "billing/models.py": "class Order:\n    pass\n",
        "billing/api.py": "from models import Order\n",
    }
    fix = only_fix(run_plan(files, modules=["shop/models.py"], **{"rewrite-importers": True}))
    changed = sorted(c.path for c in fix.changes if c.before is not None and c.after is not None)
    assert changed == ["shop/api.py"]


def test_second_run_changes_nothing() -> None:
    files = {"models.py": SHOP}
    fix = only_fix(run_plan(files, modules=["models.py"]))
    assert run_plan(files_after(files, fix), modules=["models.py"]).fixes == []


# ---------------------------------------------------------------- the reference graph


def test_reference_graph_kinds_and_scopes() -> None:
    source = dedent(
        """
        from typing import Optional
        from sqlalchemy.orm import relationship


        class A(Base):
            b: Optional["B"] = None
            c = relationship("C", order_by="D.position")

            def f(self):
                E = 1
                return E + F


        class B: ...
        class C: ...
        class D: ...
        E = 2
        F = 3
        """
    )
    graph = build_graph(cst.parse_module(source))
    a = next(s for s in graph.statements if s.name == "A")
    assert a.uses["B"] == {"annotation"}  # a string annotation
    assert a.uses["C"] == a.uses["D"] == {"registry"}  # SQLAlchemy resolves these strings
    assert a.uses["Optional"] == {"runtime"}
    assert "E" not in a.uses  # the function's own E
    assert a.uses["F"] == {"runtime"}
    assert a.is_mapped and a.bases == ("Base",)
    assert [s.kind for s in graph.statements[:2]] == ["import", "import"]


# ---------------------------------------------------------------- the reviewable diff


def test_dry_run_diff_applies_with_git(tmp_path: Path) -> None:
    case = GOLDEN / "split_models/fix_shared_enums_and_helpers"
    for name in ("preview", "applied"):
        work = tmp_path / name
        subprocess.run(["cp", "-r", str(case / "before"), str(work)], check=True)
        git(work, "init", "-q", "-b", "main")
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", "before")
    code, diff, _ = run_cli(
        "--select", "split-models", "--dry-run", "--no-cache", str(tmp_path / "preview")
    )
    assert code == 0 and diff
    subprocess.run(
        ["git", "apply", "-"], input=diff, text=True, cwd=tmp_path / "preview", check=True
    )
    run_cli("--select", "split-models", "--no-cache", str(tmp_path / "applied"))
    assert tree(tmp_path / "preview") == tree(tmp_path / "applied") == tree(case / "after")


def test_branch_commit_keeps_history_of_moved_lines(tmp_path: Path) -> None:
    work = tmp_path / "project"
    subprocess.run(
        ["cp", "-r", str(GOLDEN / "split_models/fix_shared_enums_and_helpers/before"), str(work)],
        check=True,
    )
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "Schemas in one file")
    first = git(work, "rev-parse", "--short", "HEAD").strip()
    code, _, stderr = run_cli(
        "--select", "split-models", "--branch", "fixup/split", "--no-cache", str(work)
    )
    assert code == 0, stderr
    # project.py is the largest new module: git follows it back to schemas.py ...
    follow = git(
        work, "log", "--follow", "--format=%h", "fixup/split", "--", "app/schemas/project.py"
    )
    assert follow.split()[-1] == first
    # ... and blame finds the moved lines of every module in the original commit.
    blame = git(work, "blame", "-C", "-C", "fixup/split", "--", "app/schemas/task.py")
    line = next(line for line in blame.splitlines() if "class TaskRead(OrmModel):" in line)
    assert line.startswith("^" + first[:7]) or line.startswith(first[:7]), line
