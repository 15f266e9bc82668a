"""Mutating valid files at random: loading only ever ends in reported problems.

Whatever a clerk's editor does to a file (a stray character, a lost line, a pasted tab, a
truncated save, a value of the wrong type), `load_corpus` either returns a Corpus or raises
PolicyError whose problems all point into a real file — never any other exception.
"""

import os
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.corpus import load_corpus
from generator.problems import PolicyError

MINI = Path(__file__).parent / "fixtures" / "mini"
FILES = sorted(p.relative_to(MINI).as_posix() for p in MINI.rglob("*.yaml"))
EXAMPLES = int(os.environ.get("POLICYKB_FUZZ_EXAMPLES", "150"))

SNIPPETS = [":", ": ", "-", "- ", "\t", "'", '"', "&a ", "*a", "#", "[", "]", "{", "}", "\n", "  ",
            "\x0b", "\ufeff", "市委", "１", "—", "%", "@", "!!python/object:os.system", "<<: *a", "---\n",
            "2019-13-45", "~", "null", "true", "1e999", "0x1F", "？"]
VALUES = [None, True, 0, -1, 3.5, "", "文本", "UPPER", [], {}, ["a"], {"x": 1}, "2019-01-01", "a" * 400]


def _mutate_text(text: str, data) -> str:
    lines = text.split("\n")
    op = data.draw(st.sampled_from(["insert", "delete", "duplicate", "swap", "truncate", "indent"]))
    i = data.draw(st.integers(0, max(len(lines) - 1, 0)))
    if op == "insert":
        col = data.draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:col] + data.draw(st.sampled_from(SNIPPETS)) + lines[i][col:]
    elif op == "delete" and len(lines) > 1:
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "swap" and len(lines) > 1:
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "truncate":
        return text[: data.draw(st.integers(0, len(text)))]
    elif op == "indent":
        lines[i] = data.draw(st.sampled_from([" ", "   ", "\t"])) + lines[i]
    return "\n".join(lines)


def _mutate_data(text: str, data) -> str:
    tree = yaml.safe_load(text)
    paths = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for n, v in enumerate(node):
                walk(v, path + (n,))

    walk(tree, ())
    path = data.draw(st.sampled_from(paths[1:] or [()]))
    if not path:
        return yaml.safe_dump(data.draw(st.sampled_from(VALUES)), allow_unicode=True)
    parent = tree
    for part in path[:-1]:
        parent = parent[part]
    action = data.draw(st.sampled_from(["replace", "remove", "rename"]))
    if action == "replace" or isinstance(parent, list):
        parent[path[-1]] = data.draw(st.sampled_from(VALUES))
    elif action == "remove":
        del parent[path[-1]]
    else:
        parent[str(path[-1]) + "x"] = parent.pop(path[-1])
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_mutations_only_ever_yield_reported_problems(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("fuzz") / "policies"
    shutil.copytree(MINI, root)
    for _ in range(data.draw(st.integers(1, 3))):
        rel = data.draw(st.sampled_from(FILES))
        path = root / rel
        text = path.read_text(encoding="utf-8")
        mutate = data.draw(st.sampled_from([_mutate_text, _mutate_data]))
        try:
            text = mutate(text, data)
        except yaml.YAMLError:
            continue  # an earlier text mutation left nothing to mutate as data
        path.write_text(text, encoding="utf-8")
    try:
        load_corpus(root, display_base=root)
    except PolicyError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert (root / problem.path).is_file(), problem
            assert problem.line >= 1 and problem.column >= 1
            assert problem.message and "Traceback" not in problem.message
