"""The corpus JSON export: valid against the schema written beside it, stable, complete."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from generator.corpus import load_corpus
from generator.export.jsonexport import CorpusExport, write_corpus_json

MINI = Path(__file__).parent / "fixtures" / "mini"


def test_export_validates_against_its_schema_and_round_trips(tmp_path):
    corpus = load_corpus(MINI)
    schema_path = write_corpus_json(corpus, tmp_path / "corpus.json")
    assert schema_path == tmp_path / "corpus.schema.json"
    data = json.loads((tmp_path / "corpus.json").read_text(encoding="utf-8"))
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert list(data) == ["$schema", "format", "version", "documents", "lists", "standards", "cases",
                          "study", "terms", "units", "roles"]
    assert data["$schema"] == "corpus.schema.json"
    assert [d["id"] for d in data["documents"]] == ["ceshi-fangan"]
    assert [t["id"] for t in data["terms"]] == ["sanzhong-yida", "tanxin-tanhua"]
    assert [u["id"] for u in data["units"]] == ["shijiwei", "shiwei", "shiwei-ban"]  # id order
    exported = CorpusExport.model_validate_json((tmp_path / "corpus.json").read_text(encoding="utf-8"))
    assert exported.documents[0] == corpus.documents["ceshi-fangan"]
    assert exported.standards[0] == corpus.standards["ceshi-biaozhun-2019"]
    assert exported.study[0] == corpus.studies["ceshi-xuexi"]


def test_schema_rejects_what_the_model_rejects(tmp_path):
    write_corpus_json(load_corpus(MINI), tmp_path / "c.json")
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    schema = json.loads((tmp_path / "c.schema.json").read_text(encoding="utf-8"))
    data["documents"][0]["kind"] = "通知书"
    data["units"][0]["colour"] = "红"
    errors = sorted(e.json_path for e in jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert errors == ["$.documents[0].kind", "$.units[0]"]


def test_two_exports_are_byte_identical(tmp_path):
    corpus = load_corpus(MINI)
    write_corpus_json(corpus, tmp_path / "a.json")
    write_corpus_json(load_corpus(MINI), tmp_path / "b.json")
    a, b = (tmp_path / "a.json").read_bytes(), (tmp_path / "b.json").read_bytes()
    assert a.replace(b"a.schema.json", b"X") == b.replace(b"b.schema.json", b"X")
    assert "测试市".encode() in a  # Chinese kept readable, not \\u-escaped
