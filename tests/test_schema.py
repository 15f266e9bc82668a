"""Editor schemas and the 编写指南 come from the model and stay in step with it."""

import json
from pathlib import Path

from generator.corpus import load_corpus
from generator.model import FILE_KINDS
from generator.pages import make_environment
from generator.schema import render_schema, schema_file_name
from generator.views import guide

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "policies" / "schema"


def test_committed_schemas_match_the_model():
    stale = [schema_file_name(kind) for kind in FILE_KINDS
             if not (SCHEMA_DIR / schema_file_name(kind)).exists()
             or (SCHEMA_DIR / schema_file_name(kind)).read_text(encoding="utf-8") != render_schema(kind)]
    assert not stale, f"policies/schema/ is out of date for {stale}: run `policykb schema`"


def test_every_data_file_points_its_editor_at_the_right_schema():
    missing = []
    for path in sorted((ROOT / "policies").rglob("*.yaml")):
        kind = path.relative_to(ROOT / "policies").parts[0]
        expected = f"# yaml-language-server: $schema=../schema/{schema_file_name(kind)}"
        if expected not in path.read_text(encoding="utf-8").splitlines()[:3]:
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, "files without the schema line: " + ", ".join(missing)


def test_document_schema_names_required_fields_and_forbids_unknown_ones():
    schema = json.loads(render_schema("documents"))
    assert schema["required"] == ["id", "title", "kind", "body"]
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Provision"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Provision"}


def test_guide_examples_validate_as_a_corpus():
    corpus = load_corpus(ROOT / "generator" / "data" / "examples")
    assert corpus.counts()["documents"] == 1


def test_guide_page_lists_every_kind_with_fields_allowed_values_and_an_example():
    corpus = load_corpus(ROOT / "tests" / "fixtures" / "mini")
    (page,) = guide.pages(corpus, make_environment())
    assert page.url == "guide/" and page.title == "编写指南"
    md = page.markdown
    for heading in ("## 政策文件（`documents/`）", "## 指标评价标准（`standards/`）", "### 频次 {", "### 扣分 / 奖励情形 {"):
        assert heading in md
    assert "| `kind` | 取值之一：`实施办法` / `实施方案` /" in md
    assert "| `per` | 取值之一：`week` / `month` / `quarter` / `half_year` / `year` / `term` / `irregular` | 是 |" in md
    assert "```yaml\n# yaml-language-server: $schema=../schema/document.schema.json\nid: ceshi-fangan\n" in md
