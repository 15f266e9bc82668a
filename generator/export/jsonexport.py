"""The whole corpus as one JSON document, with the JSON Schema that describes it, for other
systems. Entities are dumped from the typed model (``model_dump(mode="json")``) in id order,
so two exports of the same data are byte-identical and diff well."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..corpus import Corpus
from ..model import (
    CaseSetFile,
    DocumentFile,
    IndicatorStandardFile,
    ResponsibilityListFile,
    Role,
    StudySessionFile,
    Term,
    Unit,
)
from .files import write_bytes_atomic

FORMAT = "policykb-corpus"
VERSION = 1


class CorpusExport(BaseModel):
    """全面从严治党政策知识库的全部数据（文件、清单、标准、情形、专题学习、术语、单位、角色）。"""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, title="policykb 语料导出")

    schema_ref: str | None = Field(default=None, alias="$schema", description="本文档的 JSON Schema 文件")
    format: Literal["policykb-corpus"] = Field(description="格式标识")
    version: Literal[1] = Field(description="格式版本")
    documents: list[DocumentFile] = Field(description="政策文件，按标识排序")
    lists: list[ResponsibilityListFile] = Field(description="责任清单")
    standards: list[IndicatorStandardFile] = Field(description="指标评价标准")
    cases: list[CaseSetFile] = Field(description="问责与容错情形")
    study: list[StudySessionFile] = Field(description="专题学习")
    terms: list[Term] = Field(description="术语")
    units: list[Unit] = Field(description="单位")
    roles: list[Role] = Field(description="角色")


def _by_id(table: dict) -> list[dict]:
    return [table[key].model_dump(mode="json") for key in sorted(table)]


def corpus_document(corpus: Corpus, schema_ref: str | None = None) -> dict:
    """The export as plain JSON data (keys in model order, entities in id order)."""
    document = {"$schema": schema_ref} if schema_ref else {}
    document.update({
        "format": FORMAT,
        "version": VERSION,
        "documents": _by_id(corpus.documents),
        "lists": _by_id(corpus.lists),
        "standards": _by_id(corpus.standards),
        "cases": _by_id(corpus.case_sets),
        "study": _by_id(corpus.studies),
        "terms": _by_id(corpus.terms),
        "units": _by_id(corpus.units),
        "roles": _by_id(corpus.roles),
    })
    return document


def corpus_schema() -> dict:
    schema = CorpusExport.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _dumps(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def schema_path_for(target: Path) -> Path:
    """``corpus.json`` → ``corpus.schema.json`` beside it."""
    target = Path(target)
    stem = target.name[:-5] if target.name.endswith(".json") else target.name
    return target.with_name(f"{stem}.schema.json")


def write_corpus_json(corpus: Corpus, target: Path) -> Path:
    """Write the export and its schema beside it; returns the schema's path."""
    schema_path = schema_path_for(target)
    write_bytes_atomic(schema_path, _dumps(corpus_schema()))
    write_bytes_atomic(Path(target), _dumps(corpus_document(corpus, schema_path.name)))
    return schema_path
