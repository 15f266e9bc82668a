"""The benchmark: each figure of the build and the search at sizes S, M, L, beside its anchor.

    python -m bench.run [S M L] [--seed 1] [--out bench-out] [--timeout 900]

For every size a synthetic corpus is written (``bench.synth``) and measured stage by stage, each
stage in its own process, which reports its own peak RSS (``getrusage``):

* ``load``      load + validate (``generator.corpus.load_corpus``)
* ``generate``  page generation (``generator.pages.generate``); writes the pages and the
  navigation out for the bare anchor build
* ``build``     ``policykb build``'s own code path (``generator.commands.build.build_all``) with
  the plugin's hooks timed, so the engine's share and ours are told apart; the search index
  build is the last part of it
* ``bare``      anchor: ``mkdocs build`` of the same Markdown and navigation, same theme and
  Markdown extensions, no plugin at all
* ``material``  anchor: the same with Material's stock ``search`` plugin (jieba, ``lang: zh``):
  the size of its ``search_index.json`` is the browser payload to beat
* ``query``     in-process search latency over ≥ 100 queries; then whole-process
  ``policykb search`` beside ``grep -rF`` of the same query over the data (the scan floor)
* ``browser``   headless Chromium typing into the site's search box: bytes of every response
  after the page loaded, for a first and a second query
* ``serve``     (M, or ``--serve``): ``mkdocs serve``, one YAML file edited, time until the
  changed page is served with the edit

Growth exponents compare M and L: log(fig_L / fig_M) / log(clauses_L / clauses_M), 1.0 = linear.
Results are printed as tables and written to ``<out>/bench-<sizes>.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
POLICYKB = str(Path(PY).with_name("policykb"))
MKDOCS = str(Path(PY).with_name("mkdocs"))
MIB = 1024 * 1024


# =========================================================================== stages (child side)


def stage_load(work: Path) -> dict:
    from generator.corpus import load_corpus

    t = time.perf_counter()
    corpus = load_corpus(work / "policies")
    return {"load_s": time.perf_counter() - t, **corpus.counts()}


def stage_generate(work: Path) -> dict:
    from generator.corpus import load_corpus
    from generator.pages import generate
    from generator.plugin import navigation

    corpus = load_corpus(work / "policies")
    t = time.perf_counter()
    pages = generate(corpus)
    seconds = time.perf_counter() - t
    docs = work / "bare" / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    for page in pages:
        path = docs / page.src_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page.markdown, encoding="utf-8")
    (work / "bare" / "nav.json").write_text(json.dumps(navigation(pages, []), ensure_ascii=False), encoding="utf-8")
    sizes = sorted(len(p.markdown.encode()) for p in pages)
    return {"generate_s": seconds, "pages": len(pages), "markdown_median_b": statistics.median(sizes),
            "markdown_max_b": sizes[-1]}


def stage_build(work: Path) -> dict:
    """``policykb build`` as the command runs it, with our own work told apart from the engine's.

    A full build runs on every core (pages rendered by forked children, the index, browser
    search data and downloads by another child), so shares are counted in CPU seconds: ours is
    loading, our plugin's hooks in this process (page generation, navigation, merging the
    artefacts) and the artefact child's whole CPU time; the engine's is the rest of the build's
    CPU time (this process and the page-rendering children)."""
    import resource

    from generator import plugin as plugin_module
    from generator.commands import build as build_cmd

    spent: dict[str, float] = {}
    for hook in [n for n in vars(plugin_module.PolicyPlugin) if n.startswith("on_")]:
        spent[hook] = 0.0
        setattr(plugin_module.PolicyPlugin, hook, _timed(getattr(plugin_module.PolicyPlugin, hook), spent, hook,
                                                         clock=time.process_time))
    artefacts: dict = {}
    for name in ("finish_artefacts", "write_artefacts"):
        setattr(plugin_module.PolicyPlugin, name, _keeping_report(getattr(plugin_module.PolicyPlugin, name), artefacts, name))
    load_s: dict[str, float] = {}
    load_cpu: dict[str, float] = {}
    build_cmd.load_corpus = _timed(_timed(build_cmd.load_corpus, load_s, "s"), load_cpu, "s", clock=time.process_time)
    site, index = work / "site", work / "search_index"
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, t = time.process_time(), time.perf_counter()
    build_cmd.build_all(ROOT / "mkdocs.yml", str(site), index, str(work / "policies"))
    total = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    total_cpu = time.process_time() - cpu + children_cpu
    forked = "finish_artefacts" in artefacts
    report = artefacts.get("finish_artefacts") or artefacts.get("write_artefacts") or {}
    ours_cpu = load_cpu.get("s", 0.0) + sum(spent.values()) + (report.get("cpu_s", 0.0) if forked else 0.0)
    html = sorted(p.stat().st_size for p in site.rglob("*.html") if "/assets/" not in p.as_posix())
    site_search = site / "assets" / "search" / "data"
    index_files = [p for p in index.rglob("*") if p.is_file()]
    return {
        "build_s": total, "build_cpu_s": total_cpu, "build_children_rss_b": after.ru_maxrss * 1024,
        "build_load_s": load_s.get("s", 0.0), "artefacts_forked": forked,
        "index_s": (report.get("index") or {}).get("seconds", 0.0),
        "site_search_s": report.get("site_search_s"), "downloads_s": report.get("downloads_s"),
        **{f"{part}_cpu_s": report.get(f"{part}_cpu_s") for part in ("index", "site_search", "downloads")},
        "artefacts_cpu_s": report.get("cpu_s"), "ours_cpu_s": ours_cpu, "engine_cpu_s": total_cpu - ours_cpu,
        "hooks_s": sum(spent.values()), **{f"hook_{k}_s": v for k, v in spent.items()},
        "html_pages": len(html), "html_median_b": statistics.median(html), "html_max_b": html[-1],
        "index_b": sum(p.stat().st_size for p in index_files),
        "site_search_b": sum(p.stat().st_size for p in site_search.rglob("*") if p.is_file()) if site_search.exists() else 0,
    }


def _keeping_report(method, into: dict, name: str):
    def kept(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            into[name] = dict(self.artefact_report or {})

    return kept


def _timed(function, totals: dict, key: str, clock=time.perf_counter):
    totals.setdefault(key, 0.0)

    def timed(*args, **kwargs):
        started = clock()
        try:
            return function(*args, **kwargs)
        finally:
            totals[key] += clock() - started

    return timed


def bare_config(work: Path, with_search: bool) -> Path:
    """mkdocs.yml for the generated Markdown alone: the project's theme and extensions, the same
    navigation, and no plugin (or only Material's stock search)."""
    import yaml

    project = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    name = "material" if with_search else "bare"
    config = {
        "site_name": project["site_name"], "docs_dir": str(work / "bare" / "docs"),
        "site_dir": str(work / f"site-{name}"), "use_directory_urls": True,
        "theme": project["theme"], "markdown_extensions": project["markdown_extensions"],
        "plugins": [{"search": {"lang": "zh"}}] if with_search else [],
        "nav": json.loads((work / "bare" / "nav.json").read_text(encoding="utf-8")),
        "validation": {"nav": {"omitted_files": "ignore", "not_found": "ignore"},
                       "links": {"not_found": "ignore", "anchors": "ignore", "unrecognized_links": "ignore"}},
    }
    path = work / f"mkdocs-{name}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# =========================================================================== the parent side


def run_child(argv: list[str], timeout: float, env=None) -> dict:
    """Run a process to completion (killed with its group after ``timeout``): wall seconds, output."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"timeout": True, "wall_s": time.perf_counter() - t}
    wall = time.perf_counter() - t
    return {"wall_s": wall, "code": proc.returncode, "stdout": out.decode("utf-8", "replace"),
            "stderr": err.decode("utf-8", "replace")[-3000:]}


def run_stage(name: str, work: Path, timeout: float, env) -> dict:
    """One stage in a fresh process; its JSON result plus wall time and peak RSS."""
    argv = [PY, "-c", "import sys, json, resource; from bench import run; from pathlib import Path; "
                      f"r = run.stage_{name}(Path(sys.argv[1])); "
                      "r['peak_rss_b'] = max(resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) * 1024; "
                      "print('RESULT ' + json.dumps(r))", str(work)]
    res = run_child(argv, timeout, env)
    if res.get("timeout"):
        return {"timeout": True, "wall_s": res["wall_s"]}
    found = [line for line in res["stdout"].splitlines() if line.startswith("RESULT ")]
    if res["code"] != 0 or not found:
        raise RuntimeError(f"stage {name} failed ({res['code']}):\n{res['stderr']}")
    return {**json.loads(found[-1][7:]), "wall_s": res["wall_s"]}


def timed_build(config: Path, timeout: float, env) -> dict:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = run_child([MKDOCS, "build", "-q", "-f", str(config)], timeout, env)
    if res.get("timeout"):
        return {"timeout": True, "wall_s": res["wall_s"]}
    if res["code"] != 0:
        raise RuntimeError(f"mkdocs build {config.name} failed:\n{res['stderr']}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall_s": res["wall_s"],
            "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)}


# --------------------------------------------------------------------------- queries


def benchmark_queries(corpus_root: Path, count: int = 120) -> list[str]:
    """Realistic queries: the search evaluation set, glossary terms, unit and role names, pairs."""
    import yaml

    queries: list[str] = []
    evaluation = ROOT / "tests" / "search_eval.yaml"
    if evaluation.exists():
        data = yaml.safe_load(evaluation.read_text(encoding="utf-8"))
        items = data.get("queries", data) if isinstance(data, dict) else data
        for item in items:
            q = item.get("query") if isinstance(item, dict) else None
            if isinstance(q, str) and ":" not in q and "：" not in q:
                queries.append(q)
    terms = yaml.safe_load((corpus_root / "glossary" / "terms.yaml").read_text(encoding="utf-8"))["terms"]
    queries += [t["term"] for t in terms]
    units = yaml.safe_load((corpus_root / "units" / "guangzhou.yaml").read_text(encoding="utf-8"))["units"]
    queries += [u["name"] for u in units]
    queries += [f"{a['term']} {b['term']}" for a, b in zip(terms, terms[7:])]
    return list(dict.fromkeys(queries))[:count]


def stage_query(work: Path) -> dict:
    from generator.search import search

    index = work / "search_index"
    queries = benchmark_queries(work / "policies")
    search(index, queries[0])  # open the index once: the CLI figure covers the cold case
    times, hits = [], 0
    for q in queries:
        t = time.perf_counter()
        found = search(index, q, limit=10)
        times.append(time.perf_counter() - t)
        hits += bool(found)
    return {"queries": len(queries), "answered": hits, **percentiles("query", times)}


def percentiles(prefix: str, values: list[float]) -> dict:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(math.ceil(q * len(ordered))) - 1)]  # noqa: E731
    return {f"{prefix}_p50_s": statistics.median(ordered), f"{prefix}_p95_s": pick(0.95)}


def whole_process_search(work: Path, queries: list[str], env) -> dict:
    cli, grep = [], []
    for q in queries:
        t = time.perf_counter()
        subprocess.run([POLICYKB, "search", "--index-dir", str(work / "search_index"), "--limit", "10", *q.split()],
                       cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True)
        cli.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run(["grep", "-rF", q.split()[0], str(work / "policies")], stdout=subprocess.DEVNULL)
        grep.append(time.perf_counter() - t)
    return {"cli_median_s": statistics.median(cli), "grep_median_s": statistics.median(grep)}


# --------------------------------------------------------------------------- browser


def stage_browser(work: Path, queries=("一把手 约谈", "述责述廉述德")) -> dict:
    """Bytes the browser receives for a first and a second query, as a static server sends them."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(work / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    out = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync"])
            page = browser.new_page()
            # Each file once (a browser asks for a file again only to hear it is unchanged),
            # whichever keystroke's search asked for it first.
            received: dict[str, int] = {}
            page.on("response", lambda r: received.setdefault(r.url, len(r.body())) if r.status == 200 else None)
            page.goto(url)
            page.wait_for_load_state("networkidle")
            out["page_load_b"] = sum(received.values())
            box = page.locator(".md-search__input")
            for n, q in enumerate(queries, 1):
                received.clear()
                box.click()
                box.fill("")
                box.type(q)
                page.wait_for_function("document.querySelector('[data-pkb-search]')"
                                       " && document.querySelector('[data-pkb-search]').getAttribute('data-pkb-state') === 'done'")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1000)  # responses still being read are counted too
                out[f"query{n}_b"] = sum(received.values())
                out[f"query{n}_files"] = len(received)
                out[f"query{n}_results"] = page.locator(".md-search-result__link").count()
            browser.close()
    finally:
        server.shutdown()
    return out


# --------------------------------------------------------------------------- serve


def serve_latency(work: Path, env, timeout: float = 600, dirty: bool = True) -> dict:
    """``mkdocs serve`` on the project's configuration; one provision edited; seconds until the
    page served shows the edit. ``dirty``: with ``--dirty`` (what ``policykb serve`` runs: only
    pages whose Markdown changed are rendered again); otherwise MkDocs renders every page."""
    import yaml

    project = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    project["docs_dir"] = str(ROOT / project.get("docs_dir", "docs"))
    project["site_dir"] = str(work / "site-serve")
    project["plugins"] = [{"search": {}} if p == "search" else p for p in project["plugins"]]
    for i, p in enumerate(project["plugins"]):
        if isinstance(p, dict) and "policykb" in p:
            project["plugins"][i] = {"policykb": {"policies_dir": str(work / "policies")}}
    config = work / "mkdocs-serve.yml"
    config.write_text(yaml.safe_dump(project, allow_unicode=True, sort_keys=False), encoding="utf-8")
    port = 18000 + os.getpid() % 1000
    target = work / "policies" / "documents" / "guangming-zhuti-zeren-banfa.yaml"
    original = target.read_text(encoding="utf-8")
    proc = subprocess.Popen([MKDOCS, "serve", *(["--dirty"] if dirty else []), "-f", str(config), "-a", f"127.0.0.1:{port}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    page_url = f"http://127.0.0.1:{port}/documents/guangming-zhuti-zeren-banfa/"
    marker = f"基准标记{os.getpid()}"
    try:
        t0 = time.perf_counter()
        first = poll(page_url, "光明区", t0 + timeout)
        if first is None:
            return {"serve_timeout": True}
        start_s = time.perf_counter() - t0
        time.sleep(1.0)
        target.write_text(original.replace("共7章30条,分为", f"共7章30条,{marker}分为", 1), encoding="utf-8")
        t1 = time.perf_counter()
        seen = poll(page_url, marker, t1 + timeout)
        return {"serve_start_s": start_s, "serve_edit_s": (time.perf_counter() - t1) if seen else None}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        target.write_text(original, encoding="utf-8")


def poll(url: str, needle: str, deadline: float):
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                body = r.read().decode("utf-8", "replace")
                if needle in body:
                    return body
        except OSError:
            pass
        time.sleep(0.1)
    return None


# --------------------------------------------------------------------------- one size


def measure(size: str, seed: int, out: Path, timeout: float, serve: bool, browser: bool) -> dict:
    from bench.synth import generate

    work = out / "work" / size
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "PYTHONWARNINGS": "ignore"}
    # Every run measures a cold build: no caches, no index or site from an earlier run (an
    # unchanged index is not rebuilt, and would hide the index build's cost).
    for old in ("cache", "search_index", "site"):
        shutil.rmtree(work / old, ignore_errors=True)
    generate(size, seed, work / "policies")
    r: dict = {"size": size}
    log = lambda msg: print(f"[{size}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    for name in ("load", "generate", "build"):
        log(name)
        res = run_stage(name, work, timeout, env)
        r.update({k: v for k, v in res.items() if k not in ("wall_s", "peak_rss_b")})
        r[f"{name}_wall_s"], r[f"{name}_rss_b"] = res["wall_s"], res.get("peak_rss_b")
        if res.get("timeout"):
            r[f"{name}_timeout"] = True
            return r
    log("rebuild after editing one file")
    edit_one_file(work / "policies")
    res = run_stage("build", work, timeout, env)
    if not res.get("timeout"):
        r["rebuild_s"], r["rebuild_cpu_s"] = res["build_s"], res["build_cpu_s"]
    for name, with_search in (("bare", False), ("material", True)):
        log(f"anchor {name}")
        res = timed_build(bare_config(work, with_search), timeout, env)
        r[f"{name}_build_s"] = None if res.get("timeout") else res["wall_s"]
        r[f"{name}_build_cpu_s"] = res.get("cpu_s")
        if with_search and not res.get("timeout"):
            index = work / "site-material" / "search" / "search_index.json"
            r["material_index_b"] = index.stat().st_size if index.exists() else None
    log("query")
    r.update({k: v for k, v in run_stage("query", work, timeout, env).items() if k not in ("wall_s", "peak_rss_b")})
    r.update(whole_process_search(work, benchmark_queries(work / "policies", 120)[::12], env))
    if browser:
        log("browser")
        r.update({k: v for k, v in run_stage("browser", work, timeout, env).items() if k not in ("wall_s", "peak_rss_b")})
    if serve:
        log("serve")
        r.update(serve_latency(work, env, timeout))
    derive(r)
    return r


def edit_one_file(policies: Path) -> Path:
    """What a policy editor does between two builds: one document's summary changed."""
    # A plain one-line summary, or the first line of a block one: the edit is text at its end.
    plain = re.compile(r"^(summary: (?:[^|>\"'\s]|[|>][-+]?\n[ ]+\S).*)$", re.M)
    for path in sorted((policies / "documents").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        edited = plain.sub(r"\1（已修订）", text, count=1)
        if edited != text:
            path.write_text(edited, encoding="utf-8")
            return path
    raise RuntimeError(f"no one-line summary to edit under {policies}")


def derive(r: dict) -> None:
    """Figures computed from the measured ones."""
    r["ours_s"], r["engine_s"] = r["ours_cpu_s"], r["engine_cpu_s"]
    r["ours_share_of_engine"] = r["ours_s"] / r["engine_s"] if r["engine_s"] > 0 else None
    # The issue's own count: load + validate + generate + glue + search index (Whoosh and the
    # browser's data), without the downloads (PDF, XLSX), which are reported on their own.
    if r.get("downloads_cpu_s") is not None:
        r["ours_core_s"] = r["ours_s"] - r["downloads_cpu_s"]
    r["overhead_vs_bare"] = r["build_s"] / r["bare_build_s"] if r.get("bare_build_s") else None
    r["peak_rss_b"] = max(r.get(f"{s}_rss_b") or 0 for s in ("load", "generate", "build"))
    if r.get("material_index_b") and r.get("query1_b"):
        r["query1_vs_material"] = r["query1_b"] / r["material_index_b"]
    if r.get("grep_median_s"):
        r["cli_vs_grep"] = r["cli_median_s"] / r["grep_median_s"]


# --------------------------------------------------------------------------- the report

ROWS = [  # key, label, unit, anchor key, anchor label, target (text)
    ("load_s", "load + validate", "s", None, "", ""),
    ("generate_s", "page generation", "s", None, "", ""),
    ("engine_s", "engine's share of policykb build (CPU)", "s", "bare_build_cpu_s", "bare mkdocs build, no plugin (CPU)", ""),
    ("ours_s", "our work (CPU: load…index, search data, downloads)", "s", "engine_s", "engine's share (CPU)", ""),
    ("ours_core_s", "  of it load…index and search data, no downloads (CPU)", "s", "engine_s", "engine's share (CPU)", "≤ 50 % of engine"),
    ("downloads_cpu_s", "  of it downloads: PDF handouts, XLSX (CPU)", "s", None, "", ""),
    ("build_cpu_s", "full policykb build, CPU of all processes", "s", "bare_build_cpu_s", "bare mkdocs build (CPU)", ""),
    ("build_s", "full policykb build (wall)", "s", "bare_build_s", "bare mkdocs build (wall)", "≤ 120 s at L"),
    ("rebuild_s", "policykb build again after one file edited (wall)", "s", "build_s", "first (cold) build", ""),
    ("index_s", "Whoosh index build (wall, beside the pages)", "s", None, "", "≤ 30 s"),
    ("site_search_s", "browser search data written (wall)", "s", None, "", ""),
    ("downloads_s", "downloads written (wall)", "s", None, "", ""),
    ("index_b", "Whoosh index size", "MiB", None, "", ""),
    ("query_p50_s", "in-process search p50", "ms", None, "", ""),
    ("query_p95_s", "in-process search p95", "ms", None, "", "≤ 50 ms"),
    ("cli_median_s", "policykb search, whole process (median)", "s", "grep_median_s", "grep -rF over policies/", "≤ 0.3 s S, ≤ 0.5 s L"),
    ("query1_b", "browser transfer, first query", "KB", "material_index_b", "Material search_index.json", "≤ 300 KB"),
    ("query2_b", "browser transfer, second query", "KB", "material_index_b", "Material search_index.json", ""),
    ("html_median_b", "page HTML median", "KB", None, "", "≤ 100 KB"),
    ("html_max_b", "page HTML max", "KB", None, "", ""),
    ("peak_rss_b", "peak RSS (largest single process)", "MiB", None, "", "≤ 1.5 GiB"),
    ("serve_edit_s", "mkdocs serve: edit → page served", "s", "serve_start_s", "serve start → first page", "≤ 3 s at M"),
]


def fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    if unit == "KB":
        return f"{value / 1000:.1f} KB"
    if unit == "MiB":
        return f"{value / MIB:.1f} MiB"
    return str(value)


def exponent(m: dict, l: dict, key: str):
    a, b = m.get(key), l.get(key)
    size_m, size_l = m.get("provisions"), l.get("provisions")
    if not a or not b or not size_m or not size_l or size_l == size_m:
        return None
    return math.log(b / a) / math.log(size_l / size_m)


def report(results: dict[str, dict]) -> str:
    lines = []
    for size, r in results.items():
        lines.append(f"\n== {size}: {r.get('documents')} documents, {r.get('provisions')} provisions, "
                     f"{r.get('indicators')} indicators, {r.get('units')} units, {r.get('roles')} roles; "
                     f"{r.get('pages')} pages ==")
        lines.append(f"{'figure':62} {'value':>12}   {'anchor':>12}  {'ratio':>7}  {'target'}")
        for key, label, unit, anchor, anchor_label, target in ROWS:
            value, base = r.get(key), r.get(anchor) if anchor else None
            ratio = f"{value / base:7.3f}" if value is not None and base else "       "
            lines.append(f"{label:62} {fmt(value, unit):>12}   {fmt(base, unit) if anchor else '':>12}  {ratio}  "
                         f"{target}{'  (anchor: ' + anchor_label + ')' if anchor else ''}")
    if "M" in results and "L" in results:
        m, l = results["M"], results["L"]
        lines.append(f"\n== growth exponent M → L (clauses ×{l['provisions'] / m['provisions']:.1f}; 1.0 = linear) ==")
        for key, label, unit, anchor, *_ in ROWS:
            e = exponent(m, l, key)
            ea = exponent(m, l, anchor) if anchor else None
            lines.append(f"{label:62} {('%.2f' % e) if e is not None else '—':>6}"
                         + (f"   anchor {ea:.2f}" if ea is not None else ""))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="policykb benchmark")
    parser.add_argument("sizes", nargs="*", default=["S"], choices=["S", "M", "L"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed to any one stage")
    parser.add_argument("--serve", action="store_true", help="measure mkdocs serve at every size (default: at M)")
    parser.add_argument("--no-browser", action="store_true", help="skip the headless Chromium stage")
    args = parser.parse_args(argv)
    args.out = args.out.resolve()
    results = {}
    for size in args.sizes:
        results[size] = measure(size, args.seed, args.out, args.timeout, serve=args.serve or size == "M",
                                browser=not args.no_browser)
        print(report({size: results[size]}), flush=True)
        (args.out / f"bench-{size}.json").write_text(json.dumps(results[size], ensure_ascii=False, indent=2), encoding="utf-8")
    if len(results) > 1:
        print(report(results))
    path = args.out / f"bench-{''.join(args.sizes)}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
