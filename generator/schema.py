"""Editor support from the model: JSON Schemas for VS Code and the Chinese field reference.

Both are derived from ``generator.model`` alone, so they cannot disagree with the validator;
``tests/test_schema.py`` fails when the committed schemas in ``policies/schema/`` drift.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import types
import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .model import CLAUSE_REF_PATTERN, FILE_KIND_NAMES, FILE_KINDS, SLUG_PATTERN

SCHEMA_NAMES = {
    "documents": "document", "lists": "list", "standards": "standard", "cases": "cases",
    "glossary": "glossary", "units": "units", "roles": "roles", "study": "study",
}


def schema_file_name(kind: str) -> str:
    return f"{SCHEMA_NAMES[kind]}.schema.json"


def json_schema(kind: str) -> dict:
    """The JSON Schema of one file kind, as VS Code's YAML extension reads it."""
    schema = FILE_KINDS[kind].model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_file_name(kind),
        **schema,
        "title": f"policykb {FILE_KIND_NAMES[kind]}",
    }


def render_schema(kind: str) -> str:
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory``; only files whose content changes are rewritten."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in FILE_KINDS:
        path = directory / schema_file_name(kind)
        text = render_schema(kind)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".schema-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        written.append(path)
    return written


# --------------------------------------------------------------------------- field reference


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str
    required: bool
    default: str
    description: str
    allowed: tuple[str, ...]


@dataclass(frozen=True)
class ModelDoc:
    name: str  # class name, used as the anchor
    title: str  # first docstring line
    fields: tuple[FieldDoc, ...]


MODEL_TITLES = {
    "DocumentFile": "政策文件", "Provision": "条款", "YearRange": "年度区间", "Figure": "报告数据",
    "Source": "来源", "Correction": "原文笔误更正", "Frequency": "频次", "Target": "量化目标",
    "Withdrawal": "撤销去向", "Duty": "义务", "ResponsibilityListFile": "责任清单", "ListSection": "清单分组",
    "ListItem": "清单条目", "IndicatorStandardFile": "指标评价标准", "Dimension": "维度（六大建设）",
    "Indicator": "指标", "ScoreRule": "扣分 / 奖励情形", "Edition": "版本", "CaseSetFile": "问责 / 容错情形集",
    "CaseItem": "情形", "GlossaryFile": "术语表", "Term": "术语", "TermSource": "术语出处",
    "UnitsFile": "单位表", "Unit": "单位", "RolesFile": "角色表", "Role": "角色",
    "StudySessionFile": "专题学习", "StudyClause": "学习条款", "Excerpt": "摘录范围",
}

_SCALARS = {str: "文本", int: "整数", float: "数字", bool: "是否（true / false）", datetime.date: "日期（YYYY-MM-DD）"}


def _describe(annotation, nested: list[type[BaseModel]]) -> tuple[str, tuple[str, ...]]:
    """A type annotation → (Chinese type name, allowed values)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        pattern = next((getattr(m, "pattern", None) for m in meta if getattr(m, "pattern", None)), None)
        if pattern == SLUG_PATTERN:
            return "标识", ()
        if pattern == CLAUSE_REF_PATTERN:
            return "条款引用（文件标识#条款标识）", ()
        return _describe(base, nested)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _describe(args[0], nested) if len(args) == 1 else ("、".join(_describe(a, nested)[0] for a in args), ())
    if origin is list:
        inner, allowed = _describe(typing.get_args(annotation)[0], nested)
        return f"{inner}的列表", allowed
    if origin is typing.Literal:
        return "取值之一", tuple(str(a) for a in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "取值之一", tuple(str(m.value) for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in nested:
            nested.append(annotation)
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})", ()
    return _SCALARS.get(annotation, getattr(annotation, "__name__", str(annotation))), ()


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return ""
    if info.default_factory is not None:
        return "[]" if info.default_factory is list else ""
    value = info.default
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def field_reference(kind: str) -> list[ModelDoc]:
    """The file kind's model and every model nested in it, each with its fields described."""
    nested: list[type[BaseModel]] = [FILE_KINDS[kind]]
    docs = []
    i = 0
    while i < len(nested):
        cls = nested[i]
        fields = []
        for name, info in cls.model_fields.items():
            type_name, allowed = _describe(info.rebuild_annotation() if hasattr(info, "rebuild_annotation") else info.annotation, nested)
            fields.append(FieldDoc(info.alias or name, type_name, info.is_required(), _default(info),
                                   info.description or "", allowed))
        title = MODEL_TITLES.get(cls.__name__, cls.__name__)
        docs.append(ModelDoc(cls.__name__, title, tuple(fields)))
        i += 1
    return docs
