"""Rename keyword arguments a model's constructor no longer has (its fields were renamed).

## What it does

A Pydantic model ignores keywords it does not define (``extra="ignore"`` is the default), so
``ReleaseWithImage(model_name=..., model_repository=...)`` after the schema's fields became
``image_name`` / ``image_repository`` builds a release whose image fields are ``None``: the data
is dropped without a word (field report 002). A SQLModel model does the same; a SQLAlchemy
declarative model and a dataclass fail with ``TypeError`` only when the call runs.

The fixer looks at every call of a project class that is a Pydantic model, a SQLModel model,
a SQLAlchemy declarative model or a dataclass, with the keywords the class accepts: its fields
and those of its bases in the project (and their literal aliases); for SQLAlchemy, any class
attribute. A keyword it does not accept is renamed when:

- **git history shows the field renamed**: an earlier version of the class's module defined
  the class with a field of the keyword's name, and the next version replaced it with one new
  field (the only field removed and the only one added, or the one at the same position while
  the others stayed in place); renames over several commits are followed to today's name; or
- **exactly one field** of the class is given by no keyword of the call (nor positionally),
  the call has one unknown keyword, and the two names are alike (``difflib`` ratio >= 0.6).

Only when the new name is not given by the call already. Each renamed keyword's provenance
names the commit that renamed the field. Otherwise the keyword is reported with the fields it
may have meant.

## What it won't touch

- Classes that accept keywords it cannot list: a custom ``__init__``, ``extra="allow"``, a
  ``model_validator(mode="before")`` / ``root_validator(pre=True)`` (it may read any key), an
  ``alias_generator`` or a non-literal alias, a base outside the project that is not
  ``BaseModel``/``SQLModel``/the declarative base (a third-party mixin may define fields).
- Calls that unpack ``*args`` or ``**kwargs`` (the unpacked mapping may hold the new name).
- Classes outside the project, and calls whose callee it cannot resolve to a project class.

## Example

```diff
 # app/api/v1/endpoints/releases.py
 return ReleaseWithImage(
     id=release.id,
-    model_name=release.model.name if release.model else None,
-    model_repository=release.model.repository if release.model else None,
+    image_name=release.model.name if release.model else None,
+    image_repository=release.model.repository if release.model else None,
 )
```

## References

- Pydantic, ``extra`` (unknown keywords are ignored by default):
  https://docs.pydantic.dev/latest/api/config/#pydantic.config.ConfigDict.extra
- SQLAlchemy's default declarative constructor (``TypeError`` for unknown keywords):
  https://docs.sqlalchemy.org/en/20/orm/mapping_styles.html#default-constructor
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from fixup.fix import Diagnostic, FileChange, Fix, Plan, Provenance
from fixup.fixers import FixerContext
from fixup.fixers._model_classes import (
    DATACLASS_DECORATORS,
    DECLARATIVE_ROOTS,
    NEUTRAL_ROOTS,
    PYDANTIC_ROOTS,
    SQLMODEL_ROOTS,
    CallFacts,
    ClassFacts,
    Keyword,
    facts,
    facts_of_text,
    lineage,
    locate,
)
from fixup.history import HistoryCommit, HistoryError
from fixup.index import FileFacts as IndexFacts
from fixup.index import ProjectIndex
from fixup.project import Project
from fixup.textio import SourceError, decode

ORDER = 65
NAME = __name__.rpartition(".")[2].replace("_", "-")

#: Versions of a class's module read, newest first, when looking for a rename.
HISTORY_DEPTH = 50
SIMILAR = 0.6
_CALL_SCAN = re.compile(r"\b([A-Z]\w*)\s*\(")
#: Attributes every declarative class has.
_DECLARATIVE_NAMES = frozenset({"metadata", "registry", "__table__", "__mapper__"})


@dataclass(frozen=True)
class _Model:
    path: str
    cls: ClassFacts
    kind: str
    #: Keywords the constructor accepts.
    accepted: frozenset[str]
    #: Fields in declaration order (bases first), the candidates for a rename.
    fields: tuple[str, ...]
    #: Field -> the alias that also sets it.
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass
class _Rename:
    keyword: Keyword
    new: str
    why: str
    provenance: Provenance


@dataclass
class _FileEdits:
    renames: list[_Rename] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)


def plan(ctx: FixerContext) -> Plan:
    project = ctx.project
    out = Plan()
    models: dict[tuple[str, str], _Model | None] = {}
    history: dict[tuple[str, str], dict[str, tuple[str, HistoryCommit | None]]] = {}
    edits: dict[str, _FileEdits] = {}
    backrefs = _backrefs(project)
    # The index knows every class of the project: only a file that calls one that can be a
    # model is read.
    candidates = _possible_models(ctx.index)
    for path in sorted(project.python_files()):
        text = project.files[path]
        if "=" not in text:
            continue
        called = _names_calling(ctx.index.facts(path), candidates, text)
        if not called:
            continue
        found = facts(project, path)
        if found is None:
            continue
        for call in found.calls:
            if call.callee.rpartition(".")[2] not in called:
                continue
            key = (path, call.callee)
            if key not in models:
                models[key] = _model(project, path, call.callee, backrefs)
            model = models[key]
            if model is None or call.unpacks:
                continue
            # ``_env_file=`` and other underscored keywords are the constructor's own options.
            unknown = [
                k
                for k in call.keywords
                if k.name not in model.accepted and not k.name.startswith("_")
            ]
            if not unknown:
                continue
            if (model.path, model.cls.name) not in history:
                history[model.path, model.cls.name] = _renames_in_history(ctx, model)
            renamed = history[model.path, model.cls.name]
            for item in _decide(model, call, unknown, renamed, out, path):
                edits.setdefault(path, _FileEdits()).renames.append(item)
                edits[path].classes.add(model.cls.name)
    for path, planned in edits.items():
        fix = _make_fix(project, path, planned)
        if fix is not None:
            out.fixes.append(fix)
    return out


# ---------------------------------------------------------------- the classes


#: The short names of the bases outside the project that make a class a model.
_MODEL_BASES = frozenset(
    name.rpartition(".")[2] for name in PYDANTIC_ROOTS | SQLMODEL_ROOTS | DECLARATIVE_ROOTS
)


def _names_calling(found: IndexFacts, candidates: set[str], text: str) -> set[str]:
    """The names by which a file can call one of ``candidates`` (``from app.schemas import
    Release as ReleaseOut`` calls it ``ReleaseOut``); empty when its index facts show that it
    reaches none of them (by an import, a class of its own, or ``schemas.Release``)."""
    imports = found.imports
    names = {
        asname or name
        for _, _, name, asname, _ in imports.from_imports
        if name in candidates or name == "*"
    }
    names.update(d.name for d in found.definitions if d.name in candidates)
    names.update(
        last
        for chain, _ in imports.attribute_reads
        if (last := chain.rpartition(".")[2]) in candidates
    )
    if "*" in names:  # a star import may bind any of them: the text tells which it calls
        names = candidates & set(_CALL_SCAN.findall(text))
    return names


def _possible_models(index: ProjectIndex) -> set[str]:
    """The names of the project's classes that can be models: Pydantic, SQLModel and mapped
    classes, dataclasses, and their subclasses (matched by name across modules: a superset of
    what `_model` confirms, so that only the files calling one are parsed)."""
    classes = [cls for path in index.paths() for cls in index.classes(path)]
    names = {
        cls.name
        for cls in classes
        if cls.kind != "plain"
        or cls.maps_table
        or any(d.rpartition(".")[2] == "dataclass" for d in cls.decorators)
        or any(b.rpartition(".")[2] in _MODEL_BASES for b in cls.bases)
    }
    grown = True
    while grown:
        before = len(names)
        names.update(
            cls.name for cls in classes if any(b.rpartition(".")[2] in names for b in cls.bases)
        )
        grown = len(names) > before
    return names


def _model(project: Project, path: str, callee: str, backrefs: set[str]) -> _Model | None:
    """The model class ``callee`` names in ``path``, with what its constructor accepts."""
    located = locate(project, path, callee)
    if located is None:
        return None
    resolved = lineage(project, *located)
    if resolved is None:
        return None
    chain, roots = resolved
    cls = located[1]
    if roots & SQLMODEL_ROOTS:
        kind = "sqlmodel"
    elif roots & PYDANTIC_ROOTS:
        kind = "pydantic"
    elif "declarative_base()" in roots or roots & DECLARATIVE_ROOTS:
        kind = "sqlalchemy"
    elif any(d in DATACLASS_DECORATORS for _, c in chain for d in c.decorators):
        kind = "dataclass"
    else:
        return None
    known = PYDANTIC_ROOTS | SQLMODEL_ROOTS | DECLARATIVE_ROOTS | NEUTRAL_ROOTS
    if roots - known - {"declarative_base()"}:
        return None  # a base outside the project may define fields
    classes = [c for _, c in chain]
    if kind == "dataclass":  # only dataclass bases contribute fields
        classes = [c for c in classes if set(c.decorators) & DATACLASS_DECORATORS]
    if any(c.init or c.dynamic for _, c in chain):
        return None
    for c in classes:
        settings = dict(c.keywords)
        if c.config is not None:
            settings.update(c.config.values)
        if "allow" in settings.get("extra", "") or "alias_generator" in settings:
            return None
        if c.config is not None and c.config.form == "other":
            return None
        if any(f.dynamic_alias for f in c.fields):
            return None
    if kind == "sqlalchemy":
        fields = [f.name for c in reversed(classes) for f in c.mapped if not f.primary_key]
        accepted = set().union(*(c.members for c in classes)) | _DECLARATIVE_NAMES
        accepted |= backrefs
    else:
        fields = [
            f.name
            for c in reversed(classes)
            for f in c.fields
            if not f.class_var and not f.name.startswith("_")
        ]
        accepted = set(fields) | {f.alias for c in classes for f in c.fields if f.alias}
        if kind == "sqlmodel":
            accepted |= set().union(*(c.members for c in classes))
    aliases = tuple((f.name, f.alias) for c in classes for f in c.fields if f.alias)
    return _Model(located[0], cls, kind, frozenset(accepted), tuple(dict.fromkeys(fields)), aliases)


def _backrefs(project: Project) -> set[str]:
    """Names ``relationship(..., backref="name")`` gives other classes (any class may get one)."""
    names: set[str] = set()
    for path in project.files_containing("backref"):
        names.update(
            re.findall(r"backref\s*=\s*(?:backref\()?\s*[\"'](\w+)[\"']", project.files[path])
        )
    return names


# ---------------------------------------------------------------- deciding


def _decide(
    model: _Model,
    call: CallFacts,
    unknown: list[Keyword],
    renamed: dict[str, tuple[str, HistoryCommit | None]],
    out: Plan,
    path: str,
) -> Iterator[_Rename]:
    given = {k.name for k in call.keywords}
    positional = set(model.fields[: call.positional]) if model.kind == "dataclass" else set()
    given |= {name for name, alias in model.aliases if alias in given}
    unmatched = [f for f in model.fields if f not in given and f not in positional]
    chosen: set[str] = set()
    for keyword in unknown:
        new, why, provenance = None, "", None
        if keyword.name in renamed:
            target, commit = renamed[keyword.name]
            if target in model.accepted and target not in given and target not in chosen:
                new = target
                when = (
                    f"{commit.sha[:8]} ({commit.subject})"
                    if commit is not None
                    else "the uncommitted changes"
                )
                why = f"renamed to `{target}` in {when}"
                provenance = Provenance(
                    f"{model.path}: {model.cls.name}.{keyword.name} became {target} in {when}",
                    commit=commit.sha if commit else None,
                    path=model.path,
                    date=commit.date if commit else None,
                    author=commit.author if commit else None,
                    subject=commit.subject if commit else None,
                )
        if new is None and len(unknown) == 1 and len(unmatched) == 1:
            only = unmatched[0]
            if _similarity(keyword.name, only) >= SIMILAR:
                new = only
                why = f"`{only}` is the only field of {model.cls.name} the call does not set"
                provenance = Provenance(
                    f"{model.path}:{model.cls.line}: {model.cls.name} has no `{keyword.name}`; "
                    f"`{only}` is its one field the call leaves unset",
                    path=model.path,
                )
        if new is not None and provenance is not None:
            chosen.add(new)
            yield _Rename(keyword, new, why, provenance)
            continue
        candidates = sorted(
            (f for f in unmatched if _similarity(keyword.name, f) >= SIMILAR / 1.5),
            key=lambda f: -_similarity(keyword.name, f),
        )[:3]
        hint = (
            f"; did you mean {', '.join(f'`{c}`' for c in candidates)}?"
            if candidates
            else f"; its fields: {', '.join(model.fields[:12])}"
        )
        effect = (
            "the value is silently dropped"
            if model.kind in ("pydantic", "sqlmodel")
            else "the call fails with TypeError"
        )
        out.diagnostics.append(
            Diagnostic(
                f"{model.cls.name}({keyword.name}=...): {model.cls.name} ({model.path}) has no "
                f"field `{keyword.name}`, so {effect}{hint}",
                path=path,
                line=keyword.line,
                fixer=NAME,
            )
        )


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


# ---------------------------------------------------------------- history


def _renames_in_history(
    ctx: FixerContext, model: _Model
) -> dict[str, tuple[str, HistoryCommit | None]]:
    """Old field name -> (today's name, the commit that renamed it; None for the working
    tree), from the class's past versions."""

    def names(cls: ClassFacts) -> list[str]:
        return list(dict.fromkeys([f.name for f in cls.fields] + [f.name for f in cls.mapped]))

    current = names(model.cls)
    chain: dict[str, tuple[str, HistoryCommit | None]] = {}
    newer, newer_commit = current, None
    package = ctx.project.package_of(model.path)
    for commit, text in _past_versions(ctx, model.path):
        old_facts = facts_of_text(text, package)
        cls = old_facts.class_named(model.cls.name) if old_facts is not None else None
        if cls is None:
            break  # the class did not exist (under this name) before
        older = names(cls)
        for old, new in _pair_renames(older, newer).items():
            today = chain[new][0] if new in chain else new if new in current else None
            if today is not None and old not in current and old not in chain:
                chain[old] = (today, newer_commit)
        newer, newer_commit = older, commit
    return chain


def _pair_renames(older: list[str], newer: list[str]) -> dict[str, str]:
    removed = [f for f in older if f not in newer]
    added = [f for f in newer if f not in older]
    if not removed or len(removed) != len(added):
        return {}
    if len(removed) == 1:
        return {removed[0]: added[0]}
    # Several at once: only when each new field took an old one's place, the rest unmoved.
    if len(older) != len(newer):
        return {}
    pairs = {}
    for before, after in zip(older, newer, strict=True):
        if before == after:
            continue
        if before not in removed or after not in added:
            return {}
        pairs[before] = after
    return pairs


def _past_versions(ctx: FixerContext, path: str) -> Iterator[tuple[HistoryCommit, str]]:
    """The texts ``path`` had, newest first, each with the commit that wrote it (the first is
    the committed version, which may equal today's). The one place this fixer reads git."""
    history = ctx.history.file_history(path)
    if isinstance(history, HistoryError):
        return  # no git, or git failed: no rename can be shown
    versions = [v for v in history.versions[:HISTORY_DEPTH] if v.blob is not None]
    blobs = ctx.history.blobs([v.blob for v in versions if v.blob is not None])
    try:
        for version, data in zip(versions, blobs, strict=False):
            if isinstance(data, HistoryError):
                return
            try:
                yield version.commit, decode(data)[0]
            except SourceError:
                return
    finally:
        blobs.close()


# ---------------------------------------------------------------- the fix


def _make_fix(project: Project, path: str, planned: _FileEdits) -> Fix | None:
    wanted = {(r.keyword.line, r.keyword.column): r.new for r in planned.renames}
    module = project.parse(path)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    by_node: dict[int, str] = {}
    for node, where in positions.items():
        if isinstance(node, cst.Arg) and node.keyword is not None:
            key = (where.start.line, where.start.column)
            if key in wanted:
                by_node[id(node)] = wanted[key]
    if len(by_node) != len(wanted):
        return None  # ast and libcst disagree on a position: change nothing
    after = module.visit(_KeywordRenamer(by_node)).code
    before = project.files[path]
    if after == before:
        return None
    pairs = ", ".join(sorted({f"{r.keyword.name} -> {r.new}" for r in planned.renames}))
    reasons = "; ".join(dict.fromkeys(f"`{r.keyword.name}`: {r.why}" for r in planned.renames))
    return Fix(
        fixer=NAME,
        title=f"Rename stale keyword{'s' * (len(planned.renames) != 1)} {pairs} in "
        f"{', '.join(sorted(planned.classes))}(...) calls",
        explanation=(
            f"{', '.join(sorted(planned.classes))} do{'es' * (len(planned.classes) == 1)} not define "
            f"these keywords; a Pydantic model drops unknown keywords silently, other models "
            f"fail with TypeError. {reasons}."
        ),
        changes=(FileChange(path, before, after),),
        provenance=tuple(dict.fromkeys(r.provenance for r in planned.renames)),
    )


class _KeywordRenamer(cst.CSTTransformer):
    def __init__(self, renames: dict[int, str]) -> None:
        super().__init__()
        self.renames = renames

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        new = self.renames.get(id(original_node))
        if new is None or updated_node.keyword is None:
            return updated_node
        return updated_node.with_changes(keyword=updated_node.keyword.with_changes(value=new))
