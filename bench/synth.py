"""A synthetic ``policies/`` tree at a chosen scale, built from the sample corpus.

Size S is the sample itself, copied. Larger sizes add *regions*: each region is the whole sample
re-issued by another (invented) city and district — its units, roles, documents, responsibility
list, indicator standards with their editions, case sets and study sessions — so registries,
lists, standards and editions grow in proportion with the clauses. Inside a region:

* place names in every text are replaced by the region's own (广州市 → 东川市, …), so unit and
  role names stay unique corpus-wide, as ``policykb validate`` requires;
* each sample document is re-issued as one document per top-level part (a 实施办法 with seven
  chapters becomes seven shorter documents), which gives thousands of documents at size L;
* clause texts that nothing quotes are recombined from real sentences of the sample (so the
  vocabulary, sentence length and term density are real, not random characters);
* the responsibility list gains items built the same way, annotated with the region's units.

Everything is derived from a seeded ``random.Random``: the same size and seed give the same
bytes. The glossary and the shared roles are not copied (one glossary serves the whole corpus).

    python -m bench.synth --size M --seed 1 -o /tmp/policies-M
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "policies"
SIZES = {"S": 1, "M": 10, "L": 100}  # regions (region 0 is the sample itself)

SCHEMA_OF = {
    "documents": "document", "lists": "list", "standards": "standard", "cases": "cases",
    "glossary": "glossary", "units": "units", "roles": "roles", "study": "study",
}
SHARED_FILES = {"glossary/terms.yaml", "roles/common.yaml"}  # one copy serves every region

# Characters real Chinese place names are commonly made of; pairs of them give plausible names.
PLACE_FIRST = "东西南北安宁平和兴华清永长新德丰泰嘉河湖江海山云龙凤金玉青阳临武文昌盛"
PLACE_SECOND = "川阳安宁平城山江河源丰泉林州溪口水台桥乡"
REAL_PLACES = ("深圳市光明区", "光明区", "深圳市", "深圳", "广州市", "广州", "XX市", "枣阳市", "枣阳")

SENTENCE_END = re.compile(r"(?<=[。；！？;])")
FREQUENCIES = [
    {"per": "year", "at_least": 1, "label": "每年至少1次"},
    {"per": "half_year", "label": "每半年1次"},
    {"per": "quarter", "label": "每季度1次"},
    {"per": "month", "label": "每月1次"},
    {"per": "term", "label": "任期内"},
]
CATEGORIES = ["政治建设", "思想建设", "组织建设", "作风建设", "纪律建设", "制度建设"]
LIST_ITEMS_PER_SECTION = 6


# --------------------------------------------------------------------------- reading the sample


def read_sample(root: Path) -> dict[str, dict]:
    """Relative path → parsed YAML of every data file of the sample."""
    data = {}
    for path in sorted(root.glob("*/*.yaml")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] in SCHEMA_OF:
            data[rel] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return data


def sentence_pool(sample: dict[str, dict]) -> list[str]:
    """Every sentence of every provision text of the sample, in file order."""
    pool: list[str] = []
    for rel, doc in sample.items():
        if rel.startswith("documents/"):
            for prov in walk_provisions(doc["body"]):
                for s in SENTENCE_END.split(prov.get("text") or ""):
                    s = s.strip()
                    if 8 <= len(s) <= 400:
                        pool.append(s)
    return pool


def walk_provisions(nodes):
    for node in nodes:
        yield node
        yield from walk_provisions(node.get("children", []))


def quoted_clauses(sample: dict[str, dict]) -> set[str]:
    """Clause refs whose text other files depend on (study excerpts), kept verbatim."""
    refs = set()
    for rel, doc in sample.items():
        if rel.startswith("study/"):
            refs.update(c["ref"] for c in doc["clauses"] if c.get("excerpt"))
    return refs


# --------------------------------------------------------------------------- one region


def place_names(rng: random.Random, regions: int) -> list[dict[str, str]]:
    """Five distinct invented place names per region (regions 1..n), none a real sample name."""
    pairs = [a + b for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
    rng.shuffle(pairs)
    needed = 5 * (regions - 1)
    if needed > len(pairs):
        raise SystemExit(f"too many regions for the place-name pool ({regions})")
    names = []
    for k in range(regions - 1):
        p = pairs[5 * k:5 * k + 5]
        names.append({
            "深圳市光明区": f"{p[0]}市{p[1]}区", "光明区": f"{p[1]}区", "深圳市": f"{p[0]}市", "深圳": p[0],
            "广州市": f"{p[2]}市", "广州": p[2], "XX市": f"{p[3]}市", "枣阳市": f"{p[4]}市", "枣阳": p[4],
        })
    return names


class Region:
    """The sample re-issued by region ``k`` (k ≥ 1)."""

    def __init__(self, k: int, sample: dict[str, dict], places: dict[str, str], pool: list[str],
                 protected: set[str], rng: random.Random, names_taken: set[str]):
        self.k, self.sample, self.places, self.pool = k, sample, places, pool
        self.protected, self.rng, self.names_taken = protected, rng, names_taken
        self.suffix = f"-r{k}"
        self.place_re = re.compile("|".join(map(re.escape, REAL_PLACES)))
        self.ids = {}  # top-level, unit and role ids of the sample → this region's ids
        self.part_of = {}  # (sample doc id, provision id) → this region's document id
        self.first_part = {}  # sample doc id → this region's first document id
        self._plan_ids()

    # ---- identifiers

    def _plan_ids(self) -> None:
        for rel, data in self.sample.items():
            kind = rel.split("/")[0]
            if rel in SHARED_FILES:
                continue
            if kind in ("units", "roles"):
                for member in data[kind]:
                    self.ids[member["id"]] = member["id"] + self.suffix
            elif kind == "documents":
                parts = self.document_parts(data)
                for j, part in enumerate(parts):
                    new_id = data["id"] + self.suffix + (f"-p{j + 1}" if len(parts) > 1 else "")
                    self.first_part.setdefault(data["id"], new_id)
                    for node in part:
                        for prov in walk_provisions([node]):
                            self.part_of[(data["id"], prov["id"])] = new_id
            elif kind != "glossary":
                self.ids[data["id"]] = data["id"] + self.suffix

    @staticmethod
    def document_parts(doc: dict) -> list[list[dict]]:
        """Top-level parts a document is re-issued as; whole when withdrawals point across."""
        if any(p.get("withdrawn") for p in walk_provisions(doc["body"])) or len(doc["body"]) == 1:
            return [doc["body"]]
        return [[node] for node in doc["body"]]

    def ref(self, ident):
        return self.ids.get(ident, ident)

    def refs(self, idents):
        return [self.ref(i) for i in idents]

    def doc_ref(self, doc_id):
        return self.first_part.get(doc_id, doc_id)

    def clause_ref(self, ref: str) -> str:
        doc, prov = ref.split("#", 1)
        return f"{self.part_of.get((doc, prov), self.doc_ref(doc))}#{prov}"

    # ---- texts

    def text(self, value):
        """Every string with the sample's place names replaced by this region's."""
        if isinstance(value, str):
            return self.place_re.sub(lambda m: self.places[m.group(0)], value)
        if isinstance(value, list):
            return [self.text(v) for v in value]
        if isinstance(value, dict):
            return {key: self.text(v) for key, v in value.items()}
        return value

    def recombined(self, n_min=1, n_max=3) -> str:
        return self.text("".join(self.rng.sample(self.pool, self.rng.randint(n_min, n_max))))

    def unique_name(self, name: str) -> str:
        """A registry name no other unit or role uses (names must mean one thing)."""
        renamed = self.text(name)
        if renamed == name or renamed in self.names_taken:
            renamed = f"{self.places['广州市']}{renamed}"
        while renamed in self.names_taken:
            renamed = f"{self.places['枣阳市']}{renamed}"
        self.names_taken.add(renamed)
        return renamed

    # ---- files

    def files(self) -> dict[str, dict]:
        out = {}
        for rel, data in self.sample.items():
            if rel in SHARED_FILES:
                continue
            kind, name = rel.split("/")
            stem = name[:-5] + self.suffix
            if kind == "documents":
                for doc in self.documents(data):
                    out[f"documents/{doc['id']}.yaml"] = doc
            else:
                out[f"{kind}/{stem}.yaml"] = getattr(self, kind)(copy.deepcopy(data))
        return out

    def documents(self, data: dict) -> list[dict]:
        parts = self.document_parts(data)
        docs = []
        for j, part in enumerate(parts):
            doc = self.text({k: copy.deepcopy(v) for k, v in data.items() if k not in ("body", "source")})
            doc["id"] = self.part_of[(data["id"], part[0]["id"])]
            if len(parts) > 1:
                label = part[0].get("heading") or part[0].get("num") or f"第{j + 1}部分"
                doc["title"] = f"{doc['title']}（{self.text(label)}）"[:300]
                if doc.get("short_title"):
                    doc["short_title"] = f"{doc['short_title']}（{j + 1}）"[:300]
            doc["issuer_units"] = self.refs(doc.get("issuer_units", []))
            doc["basis"] = [self.doc_ref(b) for b in doc.get("basis", [])]
            doc["sample"] = True
            doc["body"] = [self.provision(copy.deepcopy(node), data["id"]) for node in part]
            docs.append(doc)
        return docs

    def annotations(self, node: dict) -> dict:
        for key in ("units", "lead_units", "subjects"):
            if key in node:
                node[key] = self.refs(node[key])
        if "cites" in node:
            node["cites"] = [self.clause_ref(c) for c in node["cites"]]
        return node

    def provision(self, node: dict, doc_id: str) -> dict:
        node = self.annotations(node)
        for duty in node.get("duties", []):
            duty["subjects"] = self.refs(duty["subjects"])
        quotable = node.get("duties") or f"{doc_id}#{node['id']}" in self.protected
        if node.get("text") and not quotable:
            node["text"] = self.recombined()
            node["transcribed"] = False
            node.pop("corrections", None)
        node = self.text(node)
        node["children"] = [self.provision(child, doc_id) for child in node.get("children", [])]
        if not node["children"]:
            del node["children"]
        return node

    def lists(self, data: dict) -> dict:
        data = self.text(data)
        data.pop("source", None)
        data["id"] = self.ref(data["id"])
        data["document"] = self.doc_ref(data.get("document"))
        data["sample"] = True
        region_units = [self.ids[u["id"]] for rel, d in self.sample.items() if rel.startswith("units/") for u in d["units"]]
        for si, section in enumerate(data["sections"]):
            section["subject"] = self.ref(section["subject"])
            section["items"] = [self.annotations(item) for item in section.get("items", [])]
            for j in range(LIST_ITEMS_PER_SECTION):
                section["items"].append({
                    "id": f"s{si + 1}-{j + 1}", "num": f"{j + 1}.", "text": self.recombined(1, 2),
                    "units": self.rng.sample(region_units, 2), "category": self.rng.choice(CATEGORIES),
                    "frequency": dict(self.rng.choice(FREQUENCIES)), "transcribed": False,
                })
        data.pop("stated_count", None)
        return data

    def standards(self, data: dict) -> dict:
        data = self.text(data)
        data.pop("source", None)
        data["id"] = self.ref(data["id"])
        data["evaluated_roles"] = self.refs(data.get("evaluated_roles", []))
        if data.get("document"):
            data["document"] = self.doc_ref(data["document"])
        if data.get("edition"):
            data["edition"]["series"] += self.suffix
        data["sample"] = True
        for dim in data["dimensions"]:
            for ind in dim.get("indicators", []):
                ind["subjects"] = self.refs(ind.get("subjects", []))
                ind["cites"] = [self.clause_ref(c) for c in ind.get("cites", [])]
        return data

    def cases(self, data: dict) -> dict:
        data = self.text(data)
        data.pop("source", None)
        data["id"] = self.ref(data["id"])
        if data.get("document"):
            data["document"] = self.doc_ref(data["document"])
        if data.get("provision"):
            data["provision"] = self.clause_ref(data["provision"])
        data["sample"] = True
        return data

    def study(self, data: dict) -> dict:
        data = self.text(data)
        data["id"] = self.ref(data["id"])
        for item in data["clauses"]:
            item["ref"] = self.clause_ref(item["ref"])
        data["sample"] = True
        return data

    def units(self, data: dict) -> dict:
        return {"units": [self.member(u) for u in data["units"]]}

    def roles(self, data: dict) -> dict:
        return {"roles": [self.member(r) for r in data["roles"]]}

    def member(self, m: dict) -> dict:
        m = dict(m)
        m["id"] = self.ref(m["id"])
        if m.get("parent"):
            m["parent"] = self.ref(m["parent"])
        m["name"] = self.unique_name(m["name"])
        aliases = []
        for alias in m.get("aliases", []):
            renamed = self.text(alias)
            if renamed != alias and renamed not in self.names_taken:
                self.names_taken.add(renamed)
                aliases.append(renamed)
        m["aliases"] = aliases
        for key in ("region", "description"):
            if m.get(key):
                m[key] = self.text(m[key])
        if not m["aliases"]:
            del m["aliases"]
        return m


# --------------------------------------------------------------------------- writing


def dump(data: dict, kind: str) -> str:
    header = f"# yaml-language-server: $schema=../schema/{SCHEMA_OF[kind]}.schema.json\n"
    body = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=1 << 20)
    return header + body


def generate(size: str, seed: int, out: Path, sample_root: Path = SAMPLE) -> dict[str, int]:
    """Write the corpus of ``size`` to ``out`` (replaced); returns counts of what was written."""
    if size not in SIZES:
        raise SystemExit(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(sample_root, out, ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))
    regions = SIZES[size]
    if regions == 1:
        return {"regions": 1, "files": len(list(out.glob("*/*.yaml")))}
    rng = random.Random(seed)
    sample = read_sample(sample_root)
    pool, protected = sentence_pool(sample), quoted_clauses(sample)
    names_taken = {m["name"] for rel, d in sample.items() if rel.split("/")[0] in ("units", "roles")
                   for m in d[rel.split("/")[0]]}
    names_taken |= {a for rel, d in sample.items() if rel.split("/")[0] in ("units", "roles")
                    for m in d[rel.split("/")[0]] for a in m.get("aliases", [])}
    written = 0
    for k, places in enumerate(place_names(rng, regions), start=1):
        region = Region(k, sample, places, pool, protected, random.Random(f"{seed}-{k}"), names_taken)
        for rel, data in region.files().items():
            path = out / rel
            path.write_text(dump(data, rel.split("/")[0]), encoding="utf-8")
            written += 1
    return {"regions": regions, "files": len(list(out.glob("*/*.yaml")))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="S", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--out", required=True, type=Path)
    args = parser.parse_args(argv)
    counts = generate(args.size, args.seed, args.out)
    print(f"{args.out}: {counts['files']} files, {counts['regions']} regions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
