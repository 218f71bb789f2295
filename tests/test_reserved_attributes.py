"""reserved-attributes: what it renames, what it leaves alone, and the repaired app's tables."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from fixup.cache import Cache
from fixup.codemods.mapped_column_rename import CannotRename, rename_mapped_member
from fixup.config import ConfigError
from fixup.fix import Plan
from fixup.fixers import FixerContext, get_fixer
from fixup.project import Project
from tests.golden import GOLDEN, build_project, collect, run_cli

MODELS = """\
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Asset(Base):
    __tablename__ = "assets"

    id = Column(Integer, primary_key=True)
{member}
"""


def plan(files: dict[str, str], tmp_path: Path, **options: object) -> tuple[Plan, Project]:
    project = Project.from_files(tmp_path, files)
    fixer = get_fixer("reserved-attributes")
    resolved = {"rename": {}, **options}
    ctx = FixerContext(project=project, options=resolved, cache=Cache(None, "reserved-attributes"))
    return fixer.plan(ctx), project


def after(files: dict[str, str], tmp_path: Path, **options: object) -> tuple[dict[str, str], Plan]:
    result, project = plan(files, tmp_path, **options)
    for fix in result.fixes:
        project = project.apply(fix)
    for text in project.files.values():
        ast.parse(text)
    again, _ = plan(dict(project.files), tmp_path, **options)
    assert not again.fixes, "a second run must change nothing"
    return dict(project.files), result


def app(member: str, **modules: str) -> dict[str, str]:
    files = {"app/__init__.py": "", "app/models.py": MODELS.format(member=member)}
    files.update({f"app/{name}.py": text for name, text in modules.items()})
    return files


def messages(result: Plan) -> str:
    return "\n".join(str(d) for d in result.diagnostics)


# ---------------------------------------------------------------- no-op cases


def test_noop_pydantic_model_with_metadata_field(tmp_path: Path) -> None:
    files = {
        "schemas.py": "from pydantic import BaseModel\n\n\nclass Out(BaseModel):\n    metadata: dict = {}\n"
    }
    result, _ = plan(files, tmp_path)
    assert not result.fixes and not result.diagnostics


def test_noop_class_that_is_not_a_declarative_model(tmp_path: Path) -> None:
    files = {"plain.py": "class Document:\n    metadata = {}\n    registry = None\n"}
    result, _ = plan(files, tmp_path)
    assert not result.fixes and not result.diagnostics


def test_noop_metadata_bound_to_a_metadata_object(tmp_path: Path) -> None:
    files = app("    metadata = MetaData()")
    result, _ = plan(files, tmp_path)
    assert not result.fixes


def test_noop_column_already_renamed(tmp_path: Path) -> None:
    files = app('    meta_data = Column("metadata", JSON)')
    result, _ = plan(files, tmp_path)
    assert not result.fixes and not result.diagnostics


# ---------------------------------------------------------------- the declaration


def test_renames_attribute_and_keeps_column_name(tmp_path: Path) -> None:
    files, result = after(app("    metadata = Column(JSON, nullable=True)  # sizes"), tmp_path)
    assert (
        '    meta_data = Column("metadata", JSON, nullable=True)  # sizes\n'
        in files["app/models.py"]
    )
    assert result.fixes[0].safe


def test_keeps_a_column_name_already_given(tmp_path: Path) -> None:
    files, _ = after(app('    metadata = Column("meta", JSON)'), tmp_path)
    assert '    meta_data = Column("meta", JSON)\n' in files["app/models.py"]


def test_keeps_a_name_keyword(tmp_path: Path) -> None:
    files, _ = after(app('    metadata = Column(JSON, name="meta")'), tmp_path)
    assert '    meta_data = Column(JSON, name="meta")\n' in files["app/models.py"]


def test_multiline_column_gets_the_name_on_its_own_line(tmp_path: Path) -> None:
    files, _ = after(
        app("    metadata = Column(\n        JSON,\n        default=dict,\n    )"), tmp_path
    )
    assert '    meta_data = Column(\n        "metadata",\n        JSON,\n' in files["app/models.py"]


def test_bare_mapped_annotation_gets_mapped_column() -> None:
    statement = cst.parse_statement("metadata: Mapped[dict]  # JSON\n")
    assert isinstance(statement, cst.SimpleStatementLine)
    new = rename_mapped_member(statement, "metadata", "meta_data", "mapped_column")
    assert cst.Module([new]).code == 'meta_data: Mapped[dict] = mapped_column("metadata")  # JSON\n'
    with pytest.raises(CannotRename):
        rename_mapped_member(statement, "metadata", "meta_data", None)


def test_deferred_column_is_named_inside(tmp_path: Path) -> None:
    files, _ = after(app("    metadata = deferred(Column(JSON))"), tmp_path)
    assert '    meta_data = deferred(Column("metadata", JSON))\n' in files["app/models.py"]


def test_relationship_is_only_renamed(tmp_path: Path) -> None:
    files, _ = after(app('    registry = relationship("Registry")'), tmp_path)
    assert '    registry_ = relationship("Registry")\n' in files["app/models.py"]


def test_unrewritable_declaration_is_reported(tmp_path: Path) -> None:
    result, _ = plan(app("    metadata = Column(*json_columns)"), tmp_path)
    assert not result.fixes
    assert "app/models.py:11: Asset.metadata is reserved" in messages(result)
    assert "unpacked" in messages(result)


# ---------------------------------------------------------------- the new name


def test_configured_name(tmp_path: Path) -> None:
    files, _ = after(
        app("    metadata = Column(JSON)"), tmp_path, rename={"metadata": "extra_data"}
    )
    assert '    extra_data = Column("metadata", JSON)\n' in files["app/models.py"]


def test_configured_name_that_collides_is_reported(tmp_path: Path) -> None:
    member = "    extra_data = Column(JSON)\n    metadata = Column(JSON)"
    result, _ = plan(app(member), tmp_path, rename={"metadata": "extra_data"})
    assert not result.fixes
    assert "already has `extra_data`" in messages(result)


def test_name_taken_by_a_base_class_in_another_module(tmp_path: Path) -> None:
    mixin = "from sqlalchemy import Column, Text\n\n\nclass Notes:\n    meta_data = Column(Text)\n"
    models = MODELS.format(member="    metadata = Column(JSON)").replace(
        "class Asset(Base):", "class Asset(Notes, Base):"
    )
    models = "from app.mixins import Notes\n" + models
    files, _ = after(
        {"app/__init__.py": "", "app/mixins.py": mixin, "app/models.py": models}, tmp_path
    )
    assert '    asset_metadata = Column("metadata", JSON)\n' in files["app/models.py"]


# ---------------------------------------------------------------- uses


def test_uses_proven_by_types_and_queries(tmp_path: Path) -> None:
    service = """\
from sqlalchemy import select

from app.models import Asset, Base


def one(db, pk):
    found = db.query(Asset).filter(Asset.id == pk).first()
    return found.metadata


def every(db):
    for asset in db.query(Asset).order_by(Asset.metadata.desc()).all():
        print(asset.metadata)
    rows = db.scalars(select(Asset).where(Asset.metadata["k"] == 1))
    return [row.metadata for row in rows]


def typed(asset: "Asset | None") -> dict:
    return asset.metadata if asset else {}


def tables(engine):
    Base.metadata.create_all(engine)
    Asset.metadata.create_all(engine)
    return db.query(Asset).filter_by(metadata=None)
"""
    files, result = after(app("    metadata = Column(JSON)", service=service), tmp_path)
    new = files["app/service.py"]
    assert new.count(".meta_data") == 6
    assert "Base.metadata.create_all(engine)" in new
    assert "Asset.metadata.create_all(engine)" in new
    assert "filter_by(meta_data=None)" in new
    assert result.fixes[0].safe, messages(result)


def test_module_import_forms(tmp_path: Path) -> None:
    uses = {
        "a": "import app.models as m\n\nx = m.Asset(metadata={})\n",
        "b": "import app.models\n\nx = app.models.Asset(metadata={})\n",
        "c": "from app import models\n\nx = models.Asset(metadata={})\n",
    }
    files, _ = after(app("    metadata = Column(JSON)", **uses), tmp_path)
    for name in uses:
        assert "(meta_data={})" in files[f"app/{name}.py"], name


def test_other_classes_keyword_is_not_renamed(tmp_path: Path) -> None:
    router = "from app.models import Asset\nfrom app.schemas import Out\n\n\ndef show(a: Asset):\n    return Out(metadata=a.metadata)\n"
    schemas = "from pydantic import BaseModel\n\n\nclass Out(BaseModel):\n    metadata: dict\n"
    files, _ = after(app("    metadata = Column(JSON)", router=router, schemas=schemas), tmp_path)
    assert "Out(metadata=a.meta_data)" in files["app/router.py"]


def test_ambiguous_class_level_use_makes_the_fix_unsafe(tmp_path: Path) -> None:
    env = "from app.models import Asset\n\ntarget_metadata = Asset.metadata\n"
    result, _ = plan(app("    metadata = Column(JSON)", env=env), tmp_path)
    assert not result.fixes[0].safe
    assert "app/env.py:3: `Asset.metadata`: on the class this may mean the column" in messages(
        result
    )


def test_pydantic_schema_reading_attributes_makes_the_fix_unsafe(tmp_path: Path) -> None:
    schemas = (
        "from pydantic import BaseModel\n\n\nclass Out(BaseModel):\n"
        "    class Config:\n        orm_mode = True\n\n    metadata: dict\n"
    )
    result, _ = plan(app("    metadata = Column(JSON)", schemas=schemas), tmp_path)
    assert not result.fixes[0].safe
    assert "app/schemas.py:8: Pydantic model Out reads `metadata`" in messages(result)


def test_unrelated_module_is_not_reported(tmp_path: Path) -> None:
    other = "def size(response):\n    return response.metadata\n"
    result, _ = plan(app("    metadata = Column(JSON)", other=other), tmp_path)
    assert result.fixes[0].safe and not result.diagnostics


# ---------------------------------------------------------------- the repaired app


def test_golden_seed_app_creates_its_tables_after_the_fix(tmp_path: Path) -> None:
    (case,) = [c for c in collect() if c.id == "reserved_attributes/fix_seed001_file_metadata"]
    assert case.path.is_relative_to(GOLDEN)
    project = build_project(case, tmp_path)
    code, _, stderr = run_cli("--select", "reserved-attributes", "--no-cache", str(project))
    assert code == 0, stderr
    script = """\
from sqlalchemy import create_engine, inspect
from sqlalchemy.orm import Session

from models.database_models import Base, Project, ProjectFile

engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
columns = [c["name"] for c in inspect(engine).get_columns("project_files")]
assert "metadata" in columns, columns
with Session(engine) as session:
    project = Project(name="p")
    session.add(ProjectFile(project=project, filename="a.stl", meta_data={"size": 3}))
    session.commit()
    stored = session.execute(ProjectFile.__table__.select()).mappings().one()
    assert stored["metadata"] == {"size": 3}, stored
    assert session.query(ProjectFile).one().size() == 3
print("ok")
"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-W", "error::sqlalchemy.exc.SAWarning", "-c", script],
        cwd=project / "backend",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_self_and_cls_in_the_class_and_its_subclasses(tmp_path: Path) -> None:
    member = (
        "    metadata = Column(JSON)\n\n"
        "    def size(self):\n        return self.metadata['size']\n\n"
        "    @classmethod\n    def newest(cls, db):\n"
        "        return db.query(cls).order_by(cls.metadata.desc())\n"
    )
    sub = (
        "from app.models import Asset\n\n\nclass Image(Asset):\n"
        "    def label(self):\n        return self.metadata['label']\n\n\n"
        "class Other:\n    def label(self):\n        return self.metadata\n"
    )
    files, result = after(app(member, sub=sub), tmp_path)
    assert "self.meta_data['size']" in files["app/models.py"]
    assert "cls.meta_data.desc()" in files["app/models.py"]
    assert "self.meta_data['label']" in files["app/sub.py"]
    assert "        return self.metadata\n" in files["app/sub.py"]
    assert result.fixes[0].safe, messages(result)


def test_two_reserved_names_never_get_the_same_new_name(tmp_path: Path) -> None:
    member = "    metadata = Column(JSON)\n    registry = Column(JSON)"
    result, _ = plan(app(member), tmp_path, rename={"metadata": "extra", "registry": "extra"})
    assert "already has `extra`" in messages(result)
    assert 'extra = Column("registry"' not in "".join(
        c.after or "" for f in result.fixes for c in f.changes
    )


@pytest.mark.parametrize("value", [3, "not a name", "metadata"])
def test_unusable_configured_name_is_a_configuration_error(tmp_path: Path, value: object) -> None:
    with pytest.raises(ConfigError, match="not a usable attribute name"):
        plan(app("    metadata = Column(JSON)"), tmp_path, rename={"metadata": value})


def test_mixin_column_is_reported_not_renamed(tmp_path: Path) -> None:
    mixin = (
        "from sqlalchemy import JSON, Column\n\n\nclass Tagged:\n"
        "    metadata = Column(JSON)\n\n\nclass Plain:\n    metadata = {}\n"
    )
    result, _ = plan({"app/__init__.py": "", "app/mixins.py": mixin}, tmp_path)
    assert not result.fixes
    assert [d.line for d in result.diagnostics] == [5]
    assert "Tagged.metadata is a column on a class without __tablename__" in messages(result)


def test_getattr_by_literal_name_is_reported(tmp_path: Path) -> None:
    service = (
        'from app.models import Asset\n\n\ndef read(a: Asset):\n    return getattr(a, "metadata")\n'
    )
    result, _ = plan(app("    metadata = Column(JSON)", service=service), tmp_path)
    assert not result.fixes[0].safe
    assert 'app/service.py:5: `getattr(..., "metadata")`' in messages(result)


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("from sqlalchemy.orm import Mapped, mapped_column", "mapped_column"),
        ("from sqlalchemy import orm\nfrom sqlalchemy.orm import Mapped", "orm.mapped_column"),
        (
            "import sqlalchemy.orm\nfrom sqlalchemy.orm import Mapped",
            "sqlalchemy.orm.mapped_column",
        ),
    ],
)
def test_bare_mapped_annotation_through_the_fixer(tmp_path: Path, imports: str, call: str) -> None:
    models = (
        f"{imports}\n\nfrom app.db import Base\n\n\nclass Asset(Base):\n"
        '    __tablename__ = "assets"\n\n    metadata: Mapped[dict]\n'
    )
    files, _ = after({"app/__init__.py": "", "app/models.py": models}, tmp_path)
    assert f'    meta_data: Mapped[dict] = {call}("metadata")\n' in files["app/models.py"]


# ---------------------------------------------------------------- the uses route handlers write


def renamed(files: dict[str, str], name: str, tmp_path: Path) -> tuple[str, Plan]:
    """The module ``app/<name>.py`` after the fix, and the plan; the fix must be safe."""
    new, result = after(app("    metadata = Column(JSON)", **files), tmp_path)
    assert result.fixes and result.fixes[0].safe, messages(result)
    return new[f"app/{name}.py"], result


def test_model_imported_inside_route_functions(tmp_path: Path) -> None:
    routes = """\
def create(db, info: dict):
    from app.models import Asset

    asset = Asset(metadata=info)
    db.add(asset)
    return asset


def show(db, pk):
    from app.models import Asset as A

    return db.query(A).filter(A.id == pk).first().metadata


def listed(db):
    from app import models

    return [a.metadata for a in db.query(models.Asset).all()]
"""
    new, _ = renamed({"routes": routes}, "routes", tmp_path)
    assert "Asset(meta_data=info)" in new
    assert ".first().meta_data" in new
    assert "[a.meta_data for a in db.query(models.Asset).all()]" in new


def test_name_another_import_binds_is_not_the_class(tmp_path: Path) -> None:
    routes = """\
def one(db):
    from app.models import Asset

    return db.get(Asset, 1).metadata


def two(storage):
    from app.storage import Asset

    return Asset(metadata={})
"""
    storage = "class Asset:\n    def __init__(self, metadata):\n        self.metadata = metadata\n"
    new, _ = after(app("    metadata = Column(JSON)", routes=routes, storage=storage), tmp_path)
    assert "db.get(Asset, 1).metadata" in new["app/routes.py"]
    assert "Asset(metadata={})" in new["app/routes.py"]


@pytest.mark.parametrize(
    "use",
    [
        "db.scalars(select(Asset)).first().metadata",
        "db.scalars(select(Asset).where(Asset.id == 1)).one().metadata",
        "db.scalars(select(Asset)).all()[0].metadata",
        "db.execute(select(Asset)).scalar_one().metadata",
        "db.execute(select(Asset)).scalars().first().metadata",
        "db.get(Asset, 1).metadata",
        "db.query(Asset).get(1).metadata",
        "db.query(Asset).filter(Asset.id == 1).first().metadata",
        "Asset.query.get(1).metadata",
        "Asset.query.filter_by(id=1).first_or_404().metadata",
        "db.get_or_404(Asset, 1).metadata",
    ],
)
def test_one_row_from_a_query(tmp_path: Path, use: str) -> None:
    service = f"from sqlalchemy import select\n\nfrom app.models import Asset\n\n\ndef f(db):\n    return {use}\n"
    new, _ = renamed({"service": service}, "service", tmp_path)
    assert use.replace(".metadata", ".meta_data") in new


def test_queries_and_results_kept_in_variables(tmp_path: Path) -> None:
    service = """\
from sqlalchemy import select

from app.models import Asset


async def loop(session):
    stmt = select(Asset).where(Asset.id > 0)
    result = await session.execute(stmt)
    for asset in result.scalars():
        print(asset.metadata)
    rows = (await session.scalars(stmt)).all()
    first = rows[0]
    return first.metadata, [r.metadata for r in list(rows)]


def legacy(db):
    q = db.query(Asset)
    q = q.filter(Asset.id > 0)
    return q.first().metadata
"""
    new, _ = renamed({"service": service}, "service", tmp_path)
    assert new.count("meta_data") == 4
    assert "metadata" not in new


def test_class_level_uses_in_queries(tmp_path: Path) -> None:
    service = """\
from sqlalchemy import select

from app.models import Asset


def f(db):
    return db.scalars(select(Asset.metadata).where(Asset.metadata.isnot(None))).all()
"""
    new, _ = renamed({"service": service}, "service", tmp_path)
    assert "select(Asset.meta_data).where(Asset.meta_data.isnot(None))" in new


def test_annotated_parameters_collections_and_returning_helpers(tmp_path: Path) -> None:
    crud = """\
from typing import Optional, Sequence

from app.models import Asset


def load(db, pk) -> Optional[Asset]:
    return db.get(Asset, pk)


def sizes(assets: Sequence[Asset], one: "Asset") -> list:
    return [a.metadata for a in assets] + [one.metadata]


def here(db):
    return load(db, 1).metadata
"""
    routes = "from app.crud import load\n\n\ndef show(db):\n    found = load(db, 1)\n    return found.metadata\n"
    new, result = after(app("    metadata = Column(JSON)", crud=crud, routes=routes), tmp_path)
    assert new["app/crud.py"].count(".meta_data") == 3
    assert "return found.meta_data" in new["app/routes.py"]
    assert result.fixes[0].safe, messages(result)


# ---------------------------------------------------------------- the base's MetaData


def test_metadata_objects_are_never_uses(tmp_path: Path) -> None:
    env = """\
from alembic import context
from sqlalchemy import MetaData
from sqlmodel import SQLModel

import app.models
from app import models
from app.models import Asset, Base

target_metadata = Base.metadata
also = app.models.Base.metadata
sqlmodel_metadata = SQLModel.metadata
reflected = MetaData()
reflected.reflect(bind=None)
print(models.Base.metadata.tables, reflected.metadata, Asset.metadata.sorted_tables)


def run(connection):
    context.configure(connection=connection, target_metadata=models.Base.metadata)
"""
    flask = """\
from flask_sqlalchemy import SQLAlchemy

from app.models import Asset

db = SQLAlchemy()
tables = db.Model.metadata.tables
"""
    files = app("    metadata = Column(JSON)", env=env, flask=flask)
    new, result = after(files, tmp_path)
    assert new["app/env.py"] == env and new["app/flask.py"] == flask
    assert result.fixes[0].safe and not result.diagnostics, messages(result)


# ---------------------------------------------------------------- what it cannot prove


def test_untyped_use_with_no_other_class_having_it_makes_the_fix_unsafe(tmp_path: Path) -> None:
    service = "from app.models import Asset\n\n\ndef read(row):\n    return row.metadata\n"
    result, _ = plan(app("    metadata = Column(JSON)", service=service), tmp_path)
    assert not result.fixes[0].safe
    assert (
        "app/service.py:5: `row.metadata`: cannot tell what `row` is, and no other class in the "
        "project has `metadata`: probably Asset.metadata" in messages(result)
    )


def test_untyped_use_where_another_class_has_it_is_reported_not_blocking(tmp_path: Path) -> None:
    service = (
        "from app.models import Asset\nfrom app.blobs import Blob\n\n\n"
        "def read(row):\n    return row.metadata\n\n\n"
        'def by_name(obj):\n    return getattr(obj, "metadata")\n'
    )
    blobs = "class Blob:\n    def __init__(self):\n        self.metadata = {}\n"
    result, _ = plan(app("    metadata = Column(JSON)", service=service, blobs=blobs), tmp_path)
    assert result.fixes[0].safe, messages(result)
    assert [(d.line, d.severity) for d in result.diagnostics] == [(6, "warning"), (10, "warning")]
    assert "an Asset or another class with `metadata` (Blob at app/blobs.py:3); not counted" in (
        messages(result)
    )


def test_untyped_use_in_a_module_that_never_names_the_model(tmp_path: Path) -> None:
    helpers = "def content_type(obj):\n    return obj.metadata['type']\n"
    blobs = "from pydantic import BaseModel\n\n\nclass Blob(BaseModel):\n    metadata: dict\n"
    # Both run beside the model: the API module imports them all.
    api = "from app import blobs, helpers, models\n"
    files = app("    metadata = Column(JSON)", helpers=helpers, blobs=blobs, api=api)
    result, _ = plan(files, tmp_path)
    assert result.fixes[0].safe
    assert [(d.path, d.severity) for d in result.diagnostics] == [("app/helpers.py", "info")]
    del files["app/blobs.py"]
    files["app/api.py"] = "from app import helpers, models\n"
    result, _ = plan(files, tmp_path)
    assert not result.fixes[0].safe and "app/helpers.py:2" in messages(result)


def test_use_on_an_object_that_is_the_model_on_some_paths_is_certain(tmp_path: Path) -> None:
    service = (
        "from app.models import Asset\nfrom app.blobs import Blob\n\n\n"
        "def read(db, flag):\n    x = db.get(Asset, 1) if flag else None\n"
        "    if flag:\n        x = db.get(Asset, 2)\n    else:\n        x = Blob()\n    return x.metadata\n"
    )
    blobs = "class Blob:\n    metadata = {}\n"
    result, _ = plan(app("    metadata = Column(JSON)", service=service, blobs=blobs), tmp_path)
    assert not result.fixes[0].safe
    assert "app/service.py:11: `x.metadata`: `x` is an Asset on some paths" in messages(result)


# ---------------------------------------------------------------- schemas


SCHEMA = """\
from pydantic import BaseModel, ConfigDict


class AssetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
{field}
"""


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (
            "    metadata: dict | None = None",
            '    metadata: dict | None = Field(default=None, validation_alias=AliasChoices("meta_data", "metadata"))',
        ),
        (
            "    metadata: dict",
            '    metadata: dict = Field(validation_alias=AliasChoices("meta_data", "metadata"))',
        ),
        (
            '    metadata: dict = Field(description="sizes")',
            '    metadata: dict = Field(description="sizes", validation_alias=AliasChoices("meta_data", "metadata"))',
        ),
    ],
)
def test_schema_reading_the_model_reads_the_new_attribute_first(
    tmp_path: Path, field: str, expected: str
) -> None:
    files, result = after(
        app("    metadata = Column(JSON)", schemas=SCHEMA.format(field=field)), tmp_path
    )
    schema = files["app/schemas.py"]
    assert expected in schema.splitlines()
    assert schema.startswith("from pydantic import AliasChoices, BaseModel, ConfigDict, Field\n")
    assert result.fixes[0].safe, messages(result)


def test_schema_with_an_alias_already_is_reported(tmp_path: Path) -> None:
    field = '    metadata: dict = Field(alias="meta")'
    result, _ = plan(
        app("    metadata = Column(JSON)", schemas=SCHEMA.format(field=field)), tmp_path
    )
    assert not result.fixes[0].safe
    assert "app/schemas.py:8: Pydantic model AssetOut reads `metadata`" in messages(result)
    assert "its Field already has an alias" in messages(result)


def test_schema_of_another_class_is_left_alone(tmp_path: Path) -> None:
    schemas = SCHEMA.format(field="    key: str\n    metadata: dict")
    files, result = after(app("    metadata = Column(JSON)", schemas=schemas), tmp_path)
    assert files["app/schemas.py"] == schemas
    assert result.fixes[0].safe and not result.diagnostics, messages(result)


def test_repaired_schema_reads_the_column_and_keeps_the_wire_name(tmp_path: Path) -> None:
    schemas = SCHEMA.format(field="    metadata: dict | None = None")
    files, _ = after(app("    metadata = Column(JSON)", schemas=schemas), tmp_path)
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    script = """\
from app.models import Asset
from app.schemas import AssetOut

out = AssetOut.model_validate(Asset(id=1, meta_data={"size": 3}))
assert out.model_dump() == {"id": 1, "metadata": {"size": 3}}, out
assert AssetOut.model_validate({"id": 2, "metadata": {}}).metadata == {}
print("ok")
"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-W", "error::sqlalchemy.exc.SAWarning", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_reading_columns_by_name_elsewhere_does_not_block(tmp_path: Path) -> None:
    script = (
        "def dump(obj):\n    return {c.name: getattr(obj, c.name) for c in obj.__table__.columns}\n"
    )
    files = app("    metadata = Column(JSON)", service="from app.models import Asset\n")
    files["tools/dump.py"] = script  # a standalone script: it never runs beside the model
    result, _ = plan(files, tmp_path)
    assert result.fixes[0].safe and not result.diagnostics, messages(result)
    files["app/dump.py"] = script
    files["app/service.py"] = "from app import dump\nfrom app.models import Asset\n"
    result, _ = plan(files, tmp_path)
    assert not result.fixes[
        0
    ].safe and "app/dump.py:1: dump() reads attributes by column name" in messages(result)


def test_subclasses_inherit_the_renamed_column(tmp_path: Path) -> None:
    member = "    metadata = Column(JSON)\n\n\nclass Photo(Asset):\n    pass"
    service = """\
from sqlalchemy import select

from app.models import Photo


class Thumbnail(Photo):
    pass


def f(db):
    Thumbnail(metadata={})
    return db.scalars(select(Photo).order_by(Photo.metadata.desc())).first().metadata
"""
    new, result = after(app(member, service=service), tmp_path)
    assert "Thumbnail(meta_data={})" in new["app/service.py"]
    assert "order_by(Photo.meta_data.desc())).first().meta_data" in new["app/service.py"]
    assert result.fixes[0].safe, messages(result)
