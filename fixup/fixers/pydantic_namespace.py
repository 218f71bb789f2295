"""Clear Pydantic v2's protected ``model_`` namespace for models whose fields live in it.

## What it does

Pydantic v2 reserves the ``model_`` prefix for its own API (``model_dump``, ``model_validate``...).
A field in it (``model_name: str`` on a ``BaseModel``) makes every import of the module warn
*Field "model_name" has conflict with protected namespace "model_"*; test suites that turn
warnings into errors, and the next Pydantic method of that name, break on it. Pydantic 2.10
narrowed the default namespaces to ``model_validate`` and ``model_dump``: when the project's
requirements (pyproject.toml, setup.cfg, ``requirements*.txt``) pin ``pydantic>=2.10``, only
fields under those prefixes are concerned.

The default fix changes no behaviour: the model's configuration gets ``protected_namespaces=()``.
It is merged into an existing ``model_config = ConfigDict(...)`` (or ``SettingsConfigDict``),
a ``model_config = {...}`` dict, or a v1-style ``class Config:``; otherwise
``model_config = ConfigDict(protected_namespaces=())`` is added at the top of the class body and
``ConfigDict`` imported from ``pydantic`` when the module does not bind it. A model that inherits
the setting from a base in the project needs nothing (configuration is inherited).

With ``[tool.fixup.pydantic-namespace] rename = true`` the field is renamed instead, and its
wire name kept: ``model_name: str`` becomes ``name: str = Field(alias="model_name")``, and the
model's configuration gets ``populate_by_name=True`` so that both names construct it. The new
name drops the ``model_`` prefix (``model_name`` -> ``name``); when the class (or a base in the
project) already has that name, or it is a ``BaseModel`` attribute (``copy``, ``json``...),
a trailing underscore is added (``name_``). Every use the fixer can prove is a use of that
model's field is renamed too: ``Model(model_name=...)`` keywords, ``obj.model_name`` where
``obj`` is annotated with the model, built by ``Model(...)``, or ``self`` in its methods. What it
cannot prove (``item.model_name`` on an object of unknown type, ``getattr(obj, "model_name")``,
``obj.model_dump()`` without ``by_alias=True``, whose keys change) is reported with its file and
line, and the fix is then **unsafe** (applied only with ``--unsafe-fixes``).

Only Pydantic v2 projects are repaired: the requirements say ``pydantic>=2`` (or name
``pydantic`` unpinned, which installs v2, or ``pydantic-settings``), or the code uses the v2 API
(``ConfigDict``, ``model_config``, ``field_validator``, ``model_validator``, ``model_dump``).
Pydantic v1 (``class Config``, a ``pydantic<2`` pin) has no protected namespace.

## What it won't touch

- Pydantic v1 projects, and projects where nothing says which major version is used.
- SQLModel classes (SQLModel configures its own namespaces), dataclasses, and classes whose
  bases fixup cannot read.
- A model whose configuration already sets ``protected_namespaces``: an explicit choice that
  still covers the field is reported, not overridden.
- A field that shadows a ``BaseModel`` attribute (``model_fields``, ``model_copy``...): the
  configuration cannot repair that, so it is reported (``rename = true`` renames it).
- A configuration it cannot read (``model_config = make_config()``), or a class whose body is
  on the ``class`` line: reported.

## Example

```diff
 from pydantic import BaseModel
+from pydantic import ConfigDict


 class ModelInfo(BaseModel):
+    model_config = ConfigDict(protected_namespaces=())
     model_name: str
     model_version: str
```

## References

- Pydantic, ``protected_namespaces``:
  https://docs.pydantic.dev/latest/api/config/#pydantic.config.ConfigDict.protected_namespaces
- Pydantic 2.10 release notes (default namespaces narrowed to ``model_validate``/``model_dump``):
  https://github.com/pydantic/pydantic/releases/tag/v2.10.0
- Pydantic, ``populate_by_name`` and ``Field(alias=...)``:
  https://docs.pydantic.dev/latest/concepts/alias/
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from fixup.codemods.instance_attribute_uses import (
    AttributeUses,
    ClassRefs,
    find_uses,
    rename_uses,
)
from fixup.codemods.nodes import dotted_name, is_docstring
from fixup.fix import Diagnostic, FileChange, Fix, Plan, Provenance
from fixup.fixers import FixerContext, Option
from fixup.fixers._model_classes import (
    NEUTRAL_ROOTS,
    PYDANTIC_ROOTS,
    ClassFacts,
    Field,
    facts,
    lineage,
    locate,
)
from fixup.project import Project

ORDER = 60
NAME = __name__.rpartition(".")[2].replace("_", "-")

OPTIONS = {
    "rename": Option(
        False,
        'Rename the fields (model_name -> name = Field(alias="model_name")) instead of clearing '
        "protected_namespaces in the model's configuration.",
    ),
}

#: ``BaseModel`` attributes a field may not shadow (Pydantic warns or fails either way).
BASEMODEL_ATTRIBUTES = frozenset(
    {
        "model_config", "model_fields", "model_computed_fields", "model_extra",
        "model_fields_set", "model_construct", "model_copy", "model_dump", "model_dump_json",
        "model_json_schema", "model_parametrized_name", "model_post_init", "model_rebuild",
        "model_validate", "model_validate_json", "model_validate_strings", "copy", "dict",
        "json", "parse_obj", "parse_raw", "parse_file", "from_orm", "construct", "schema",
        "schema_json", "validate", "update_forward_refs", "fields",
    }
)  # fmt: skip
#: The cheap prefilter: an annotated ``model_...`` member (indented, or after ``class X(...):``).
_FIELD_SCAN = re.compile(r"(?:^[ \t]+|\):[ \t]*)model_\w+[ \t]*:", re.M)
_V2_CODE = re.compile(
    r"\b(ConfigDict|model_config|field_validator|model_validator|model_dump|pydantic_settings)\b"
)
_REQUIREMENT = re.compile(
    r"""(?:^|["'\s])pydantic(?!-)(?:\[[^\]]*\])?[ \t]*(?:(==|>=|~=|>|<=|<)[ \t]*(\d+)(?:\.(\d+))?)?""",
    re.M | re.I,
)
_DUMPS = re.compile(r"\.(model_dump|model_dump_json|dict|json)\((?![^)]*by_alias\s*=\s*True)")


@dataclass
class _Target:
    path: str
    cls: ClassFacts
    fields: list[Field]
    #: (path, class name) of its bases in the project.
    bases: frozenset[tuple[str, str]] = frozenset()
    #: Field name -> new name (rename mode).
    renames: dict[str, str] = field(default_factory=dict)


def plan(ctx: FixerContext) -> Plan:
    project = ctx.project
    out = Plan()
    paths = [p for p in project.files_containing("model_") if _FIELD_SCAN.search(project.files[p])]
    if not paths:
        return out
    namespaces = _namespaces(project)
    if not namespaces:
        return out
    rename = bool(ctx.options["rename"])
    targets = [
        t for path in sorted(paths) for t in _targets(project, path, namespaces, rename, out)
    ]
    if rename:
        fix = _rename_fix(project, targets, out)
        if fix is not None:
            out.fixes.append(fix)
        return out
    # A class whose base gets the setting inherits it.
    configured = {(t.path, t.cls.name) for t in targets}
    targets = [t for t in targets if not t.bases & configured]
    for path in dict.fromkeys(t.path for t in targets):
        group = [t for t in targets if t.path == path]
        fix = _namespace_fix(project, path, group, out)
        if fix is not None:
            out.fixes.append(fix)
    return out


# ---------------------------------------------------------------- which Pydantic


def _namespaces(project: Project) -> tuple[str, ...]:
    """The protected namespaces of the project's Pydantic, () for v1 or an unknown version."""
    lower: tuple[int, int] | None = None
    upper_below_2 = False
    named = False
    for text in _requirement_texts(project):
        for match in _REQUIREMENT.finditer(text):
            named = True
            operator, major, minor = match.group(1), match.group(2), match.group(3)
            if operator is None:
                continue
            version = (int(major), int(minor or 0))
            if operator in ("<", "<=") and version <= (2, 0):
                upper_below_2 = True
            elif operator in ("==", ">=", "~=", ">"):
                # The oldest Pydantic any requirement admits: a project that still supports
                # v1 (FastAPI's `pydantic>=1.7.4,<3`) must not get v2-only config.
                lower = version if lower is None else min(lower, version)
        if re.search(r"pydantic[-_]settings", text, re.I):
            lower = lower or (2, 0)
    if upper_below_2 or (lower is not None and lower < (2, 0)):
        return ()
    if lower is None and not named:
        code = any(_V2_CODE.search(project.files[p]) for p in project.files_containing("pydantic"))
        if not code:
            return ()
    if lower is not None and lower >= (2, 10):
        return ("model_validate", "model_dump")
    return ("model_",)


def _requirement_texts(project: Project) -> list[str]:
    texts = [
        text
        for path, text in project.evidence.items()
        if path.rpartition("/")[2] in ("pyproject.toml", "setup.cfg")
    ]
    folders = {""} | {r.strip("/") for r in project.roots.paths}
    folders |= {f.rpartition("/")[0] for f in folders}
    for folder in sorted(folders):
        base = project.root / folder if folder else project.root
        for candidate in sorted(base.glob("requirements*.txt")):
            try:
                texts.append(candidate.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
    return texts


# ---------------------------------------------------------------- the targets


def _targets(
    project: Project, path: str, namespaces: tuple[str, ...], rename: bool, out: Plan
) -> list[_Target]:
    found = facts(project, path)
    if found is None:
        return []
    targets = []
    for cls in found.classes:
        mine = [f for f in cls.fields if not f.class_var and f.name.startswith("model_")]
        if not mine:
            continue
        resolved = lineage(project, path, cls)
        # Only plain Pydantic models: a base from elsewhere may configure the namespaces.
        if resolved is None or not resolved[1] & PYDANTIC_ROOTS:
            continue
        if resolved[1] - PYDANTIC_ROOTS - NEUTRAL_ROOTS:
            continue
        chain = resolved[0]
        shadowing = [f for f in mine if f.name in BASEMODEL_ATTRIBUTES]
        protected = _protected(chain)
        concerned = [
            f
            for f in mine
            if f not in shadowing and any(f.name.startswith(ns) for ns in (protected or ()))
        ]
        if protected is None:
            concerned = [f for f in mine if f not in shadowing]
            concerned = [f for f in concerned if any(f.name.startswith(n) for n in namespaces)]
        elif protected and concerned:
            out.diagnostics.append(
                Diagnostic(
                    f"{cls.name}.{concerned[0].name} is in a namespace its configuration "
                    f"protects on purpose (protected_namespaces={protected!r}): left alone",
                    path=path,
                    line=concerned[0].line,
                    fixer=NAME,
                )
            )
            concerned = []
        if not rename:
            for item in shadowing:
                out.diagnostics.append(
                    Diagnostic(
                        f"{cls.name}.{item.name} shadows the BaseModel attribute of that name: "
                        f"rename the field (Field(alias={item.name!r}) keeps the wire name), or "
                        f"set [tool.fixup.{NAME}] rename = true",
                        path=path,
                        line=item.line,
                        fixer=NAME,
                    )
                )
        wanted = concerned + (shadowing if rename else [])
        if wanted:
            bases = frozenset((p, c.name) for p, c in chain[1:])
            targets.append(_Target(path, cls, sorted(wanted, key=lambda f: f.line), bases))
    return targets


def _protected(chain: Sequence[tuple[str, ClassFacts]]) -> tuple[str, ...] | None:
    """The ``protected_namespaces`` the class's own or inherited configuration sets, or None."""
    for _, cls in chain:
        if cls.config is None:
            continue
        value = dict(cls.config.values).get("protected_namespaces")
        if value is None:
            continue
        try:
            literal = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return ("model_",)  # a value it cannot read: treat it as a deliberate choice
        if isinstance(literal, str):
            return (literal,)
        return tuple(str(item) for item in literal if isinstance(item, str))
    return None


# ---------------------------------------------------------------- the default fix


def _namespace_fix(project: Project, path: str, targets: list[_Target], out: Plan) -> Fix | None:
    before = project.files[path]
    module = _configure(project, path, targets, {"protected_namespaces": "()"}, out)
    if module is None or module.code == before:
        return None
    described = "; ".join(f"{t.cls.name} ({', '.join(f.name for f in t.fields)})" for t in targets)
    return Fix(
        fixer=NAME,
        title=f"Set protected_namespaces=() on {', '.join(t.cls.name for t in targets)}",
        explanation=(
            f"Fields in Pydantic v2's protected namespace: {described}. Defining such a class "
            "warns ('Field ... has conflict with protected namespace'). protected_namespaces=() "
            "lets the model use these names; fields, validation and serialisation do not change."
        ),
        changes=(FileChange(path, before, module.code),),
        provenance=tuple(
            Provenance(f"{path}:{t.cls.line}: class {t.cls.name} (Pydantic v2 model)", path=path)
            for t in targets
        ),
    )


def _configure(
    project: Project,
    path: str,
    targets: list[_Target],
    settings: dict[str, str],
    out: Plan,
    module: cst.Module | None = None,
) -> cst.Module | None:
    """``module`` (the file by default) with ``settings`` (key -> source) merged into the
    configuration of each target class; None when one of them cannot be configured."""
    for target in targets:
        config = target.cls.config
        if config is not None and config.form == "other":
            out.diagnostics.append(
                Diagnostic(
                    f"{target.cls.name} has fields in Pydantic's protected namespace "
                    f"({', '.join(f.name for f in target.fields)}), but its model_config is "
                    "not a ConfigDict(...) call or a dict literal: set "
                    f"{', '.join(f'{k}={v}' for k, v in settings.items())} by hand",
                    path=path,
                    line=config.line,
                    fixer=NAME,
                )
            )
            return None
    module = module if module is not None else project.parse(path)
    found = facts(project, path)
    imported = found.imported() if found is not None else {}
    config_dict = next((k for k, v in imported.items() if v == "pydantic.ConfigDict"), None)
    needs_import = False
    if config_dict is None:
        module_alias = next((k for k, v in imported.items() if v == "pydantic"), None)
        if module_alias is not None:
            config_dict = f"{module_alias}.ConfigDict"
        else:
            config_dict = "ConfigDict"
            needs_import = any(t.cls.config is None for t in targets)
    names = {t.cls.name for t in targets}
    editor = _ConfigEditor(names, settings, config_dict)
    module = module.visit(editor)
    for target in targets:
        if target.cls.name in editor.one_line:
            out.diagnostics.append(
                Diagnostic(
                    f"{target.cls.name} has fields in Pydantic's protected namespace, but its "
                    "body is on the class's line: set "
                    f"{', '.join(f'{k}={v}' for k, v in settings.items())} by hand",
                    path=path,
                    line=target.cls.line,
                    fixer=NAME,
                )
            )
            return None
    return _import_from_pydantic(module, "ConfigDict") if needs_import else module


def _import_from_pydantic(module: cst.Module, name: str) -> cst.Module:
    """``module`` with ``name`` imported from pydantic: added to the first ``from pydantic
    import ...`` line (in order when its names are sorted), else on a new line."""
    body = list(module.body)
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        small = statement.body[0]
        if (
            isinstance(small, cst.ImportFrom)
            and not small.relative
            and dotted_name(small.module) == "pydantic"
            and not isinstance(small.names, cst.ImportStar)
        ):
            aliases = list(small.names)
            written = [dotted_name(a.name) or "" for a in aliases]
            position = len(aliases)
            if written == sorted(written):
                position = sum(1 for w in written if w < name)
            new = cst.ImportAlias(cst.Name(name))
            if position == len(aliases):
                last = aliases[-1]
                comma = (
                    last.comma if isinstance(last.comma, cst.Comma) else cst.MaybeSentinel.DEFAULT
                )
                aliases[-1] = last.with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
                aliases.append(new.with_changes(comma=comma))
            else:
                aliases.insert(
                    position,
                    new.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                )
            body[index] = statement.with_changes(body=[small.with_changes(names=aliases)])
            return module.with_changes(body=body)
    # libcst.codemod imports libcst.matchers (0.3 s): only a fix that adds an import pays it.
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, "pydantic", name)
    return AddImportsVisitor(context).transform_module(module)


class _ConfigEditor(cst.CSTTransformer):
    """Merge settings into one top-level class's configuration (or add ``model_config``)."""

    def __init__(self, class_names: set[str], settings: dict[str, str], config_dict: str) -> None:
        super().__init__()
        self.class_names = class_names
        self.settings = settings
        self.config_dict = config_dict
        self.depth = 0
        #: Classes whose body is on the ``class`` line: left alone.
        self.one_line: set[str] = set()

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.depth += 1
        return self.depth == 1

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self.depth -= 1
        if self.depth != 0 or original_node.name.value not in self.class_names:
            return updated_node
        if not isinstance(updated_node.body, cst.IndentedBlock):
            self.one_line.add(original_node.name.value)  # ``class A(BaseModel): x: int``
            return updated_node
        body: list[cst.BaseStatement] = list(updated_node.body.body)
        for index, statement in enumerate(body):
            merged = self._merge(statement)
            if merged is not None:
                body[index] = merged
                return updated_node.with_changes(body=updated_node.body.with_changes(body=body))
        setting = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        line = cst.parse_statement(f"model_config = {self.config_dict}({setting})\n")
        at = 1 if body and is_docstring(body[0]) else 0
        following = body[at] if at < len(body) else None
        if isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            # The new line takes the blank lines above the statement it goes before (its
            # comments stay with it).
            blank = 0
            while (
                blank < len(following.leading_lines)
                and following.leading_lines[blank].comment is None
            ):
                blank += 1
            line = line.with_changes(leading_lines=following.leading_lines[:blank])
            body[at] = following.with_changes(leading_lines=following.leading_lines[blank:])
        body.insert(at, line)
        return updated_node.with_changes(body=updated_node.body.with_changes(body=body))

    def _merge(self, statement: cst.BaseStatement) -> cst.BaseStatement | None:
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
            lines = [
                cst.parse_statement(f"{k} = {v}\n")
                for k, v in self.settings.items()
                if k not in _assigned(statement)
            ]
            body = [*statement.body.body, *lines]
            return statement.with_changes(body=statement.body.with_changes(body=body))
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        small = statement.body[0]
        if isinstance(small, cst.Assign):
            targets = [dotted_name(t.target) for t in small.targets]
        elif isinstance(small, cst.AnnAssign):
            targets = [dotted_name(small.target)]
        else:
            return None
        if targets != ["model_config"] or small.value is None:
            return None
        value = small.value
        if isinstance(value, cst.Call):
            present = {a.keyword.value for a in value.args if a.keyword is not None}
            args = list(value.args)
            for key, source in self.settings.items():
                if key in present:
                    continue
                new = cst.Arg(
                    keyword=cst.Name(key),
                    value=cst.parse_expression(source),
                    equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(""),
                        whitespace_after=cst.SimpleWhitespace(""),
                    ),
                )
                args = _append(args, new, value.whitespace_before_args)
            value = value.with_changes(args=args)
        elif isinstance(value, cst.Dict):
            present = {
                str(e.key.evaluated_value)
                for e in value.elements
                if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)
            }
            elements = list(value.elements)
            for key, source in self.settings.items():
                if key in present:
                    continue
                element = cst.DictElement(
                    cst.SimpleString(f'"{key}"'), cst.parse_expression(source)
                )
                elements = _append_element(elements, element, value.lbrace.whitespace_after)
            value = value.with_changes(elements=elements)
        else:
            return None
        return statement.with_changes(body=[small.with_changes(value=value)])


def _assigned(node: cst.ClassDef) -> set[str]:
    names = set()
    for statement in node.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    names |= {dotted_name(t.target) or "" for t in small.targets}
    return names


def _opening(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """What separates items: the opening's line break and indent, or one space on one line."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace
    return cst.SimpleWhitespace(" ")


def _append(
    args: list[cst.Arg], new: cst.Arg, opening: cst.BaseParenthesizableWhitespace
) -> list[cst.Arg]:
    if not args:
        return [new]
    last = args[-1]
    if isinstance(last.comma, cst.Comma):  # a trailing comma: keep one after the new item
        new = new.with_changes(comma=last.comma)
        last = last.with_changes(comma=cst.Comma(whitespace_after=_opening(opening)))
    else:
        new = new.with_changes(whitespace_after_arg=last.whitespace_after_arg)
        last = last.with_changes(
            comma=cst.Comma(whitespace_after=_opening(opening)),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
    return [*args[:-1], last, new]


def _append_element(
    elements: list[cst.BaseDictElement],
    new: cst.DictElement,
    opening: cst.BaseParenthesizableWhitespace,
) -> list[cst.BaseDictElement]:
    if not elements:
        return [new]
    last = elements[-1]
    if isinstance(last.comma, cst.Comma):
        new = new.with_changes(comma=last.comma)
    last = last.with_changes(comma=cst.Comma(whitespace_after=_opening(opening)))
    return [*elements[:-1], last, new]


# ---------------------------------------------------------------- the rename


def _new_name(old: str, taken: set[str]) -> str | None:
    rest = old.removeprefix("model_")
    for candidate in (rest, f"{rest}_"):
        if (
            candidate.isidentifier()
            and not keyword.iskeyword(candidate)
            and not candidate.startswith(("_", "model_"))
            and candidate not in taken
            and candidate not in BASEMODEL_ATTRIBUTES
        ):
            return candidate
    return None


def _choose_names(project: Project, target: _Target, out: Plan) -> bool:
    cls = target.cls
    resolved = lineage(project, target.path, cls)
    taken = set().union(*(c.members for _, c in resolved[0])) if resolved else set(cls.members)
    for item in target.fields:
        new = None
        if not (item.alias or item.dynamic_alias):
            new = _new_name(item.name, taken | set(target.renames.values()))
        if new is None:
            why = "it has an alias already" if item.alias or item.dynamic_alias else "no free name"
            out.diagnostics.append(
                Diagnostic(
                    f"{cls.name}.{item.name} is in Pydantic's protected namespace and left alone "
                    f"({why}): rename it by hand",
                    path=target.path,
                    line=item.line,
                    fixer=NAME,
                )
            )
            return False
        target.renames[item.name] = new
    return True


def _rename_fix(project: Project, targets: list[_Target], out: Plan) -> Fix | None:
    targets = [t for t in targets if _choose_names(project, t, out)]
    if not targets:
        return None
    renames: dict[str, dict[int, str]] = {}
    notes: list[Diagnostic] = []
    for target in targets:
        for path in sorted(project.files_containing(target.cls.name)):
            refs = _class_refs(project, path, target)
            if refs is None:
                continue
            uses = AttributeUses()
            tree = project.parse(path)
            for old, new in target.renames.items():
                find_uses(tree, refs, old, new, (), uses)
            renames.setdefault(path, {}).update(uses.renames)
            for line, what in uses.unsure:
                if "(**" in what:
                    continue  # with populate_by_name the old key still validates: the alias
                notes.append(Diagnostic(f"{what}; left alone", path=path, line=line, fixer=NAME))
            for number, text in enumerate(project.files[path].splitlines(), 1):
                if _DUMPS.search(text):
                    notes.append(
                        Diagnostic(
                            f"a dump without by_alias=True may be of {target.cls.name}: its keys "
                            f"would become {', '.join(target.renames.values())}",
                            path=path,
                            line=number,
                            fixer=NAME,
                        )
                    )
    notes = list(dict.fromkeys(notes))
    changes = []
    for path in sorted({*renames, *(t.path for t in targets)}):
        module = rename_uses(project.parse(path), renames.get(path, {}))
        own = [t for t in targets if t.path == path]
        if own:
            module = _rename_declarations(project, path, own, module)
            configured = _configure(project, path, own, {"populate_by_name": "True"}, out, module)
            if configured is None:
                return None
            module = configured
        before = project.files[path]
        if module.code != before:
            changes.append(FileChange(path, before, module.code))
    out.diagnostics.extend(notes)
    names = ", ".join(f"{t.cls.name}.{o} -> {n}" for t in targets for o, n in t.renames.items())
    return Fix(
        fixer=NAME,
        title=f"Rename {names} (an alias keeps the wire name)",
        explanation=(
            "Fields in Pydantic v2's protected namespace are renamed, with Field(alias=...) "
            "keeping the name clients send and receive, and populate_by_name=True so that both "
            "names construct the model; the uses fixup can prove are renamed with them."
            + (
                f" {len(notes)} possible use{'s' * (len(notes) != 1)} could not be proved "
                "(reported), so this fix is unsafe until they are checked."
                if notes
                else ""
            )
        ),
        changes=tuple(changes),
        provenance=tuple(
            Provenance(f"{t.path}:{t.cls.line}: class {t.cls.name}", path=t.path) for t in targets
        ),
        safe=not notes,
    )


def _class_refs(project: Project, path: str, target: _Target) -> ClassRefs | None:
    found = facts(project, path)
    if found is None:
        return None
    names: set[str] = set()
    defined_here = target.cls.name if path == target.path else None
    if defined_here:
        names.add(defined_here)
    for local, absolute in found.imports:
        located = locate(project, path, local)
        if located is not None and located[0] == target.path and located[1] == target.cls:
            names.add(local)
        elif project.resolve_from(path, absolute) == target.path:
            names.add(f"{local}.{target.cls.name}")
    return ClassRefs(frozenset(names), defined_here) if names else None


def _rename_declarations(
    project: Project, path: str, targets: list[_Target], module: cst.Module
) -> cst.Module:
    found = facts(project, path)
    imported = found.imported() if found is not None else {}
    field_name = next((k for k, v in imported.items() if v == "pydantic.Field"), None)
    module = module.visit(
        _FieldRenamer({t.cls.name: t.renames for t in targets}, field_name or "Field")
    )
    return _import_from_pydantic(module, "Field") if field_name is None else module


class _FieldRenamer(cst.CSTTransformer):
    def __init__(self, renames: dict[str, dict[str, str]], field_call: str) -> None:
        super().__init__()
        self.renames = renames
        self.field_call = field_call
        self.stack: list[dict[str, str]] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        top = not self.stack
        self.stack.append(self.renames.get(node.name.value, {}) if top else {})
        return top

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self.stack.pop()
        return updated_node

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        old = dotted_name(updated_node.target)
        new = self.stack[-1].get(old or "") if self.stack else None
        if new is None or old is None:
            return updated_node
        alias = cst.Arg(
            keyword=cst.Name("alias"),
            value=cst.SimpleString(f'"{old}"'),
            equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""),
                whitespace_after=cst.SimpleWhitespace(""),
            ),
        )
        value = updated_node.value
        called = dotted_name(value.func) if isinstance(value, cst.Call) else None
        if isinstance(value, cst.Call) and called and called.rpartition(".")[2] == "Field":
            value = value.with_changes(
                args=_append(list(value.args), alias, value.whitespace_before_args)
            )
        elif value is None:
            value = cst.Call(cst.parse_expression(self.field_call), [alias])
        else:
            default = cst.Arg(value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            value = cst.Call(cst.parse_expression(self.field_call), [default, alias])
        return updated_node.with_changes(
            target=cst.Name(new),
            value=value,
            equal=updated_node.equal
            if isinstance(updated_node.equal, cst.AssignEqual)
            else cst.AssignEqual(),
        )
