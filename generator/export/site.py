"""The site's downloads: every export written into a built site under ``downloads/``, at the
URLs ``generator.urls`` gives, after MkDocs has built the pages that link to them."""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import astuple, dataclass
from pathlib import Path

from .. import urls
from ..corpus import Corpus
from ..workers import cpu_count

log = logging.getLogger("mkdocs.plugins.policykb.export")


@dataclass(frozen=True)
class Download:
    """One file on the 下载 page."""

    url: str
    title: str
    kind: str  # 讲义 / 任务分解表 / 自评表 / 数据
    description: str


def planned_downloads(corpus: Corpus) -> list[Download]:
    """Every file ``write_downloads`` writes, in the order the 下载 page lists them."""
    from .tasks import unit_sheet_ids

    sheets = "含各单位分表；可筛选" if unit_sheet_ids(corpus) else "可按单位筛选（单位较多，不另设分表）"
    found = [Download(urls.tasks_table("xlsx"), "任务分解表（Excel）", "任务分解表",
                      f"全部条款的责任分工，{sheets}"),
             Download(urls.tasks_table("csv"), "任务分解表（CSV）", "任务分解表",
                      "同上，UTF-8 编码（带 BOM），可用 Excel/WPS 直接打开")]
    for session in sorted(corpus.studies.values(), key=lambda s: s.id):
        found.append(Download(urls.handout_pdf(session.id), session.title, "讲义", "专题学习讲义（PDF，A4）"))
    for standard in sorted(corpus.standards.values(), key=lambda s: s.id):
        found.append(Download(urls.scorecard(standard.id), standard.title, "自评表",
                              "自评工作簿（Excel）：填写次数或 是/否，自动计算得分"))
    found.append(Download(urls.corpus_json(), "全部数据（JSON）", "数据", "供其他系统导入的完整数据"))
    found.append(Download(urls.corpus_json(schema=True), "数据结构（JSON Schema）", "数据",
                          "上述 JSON 文件的结构定义"))
    return found


@dataclass(frozen=True)
class Written:
    path: Path
    seconds: float
    cached: bool = False  # taken from the cache: its inputs had not changed


def write_downloads(corpus: Corpus, site_dir: Path, base_url: str = "", cache: Path | None = None) -> list[Written]:
    """Write every planned download into ``site_dir``; returns what was written and how long each took.

    ``base_url`` (the site's address, if known) makes the links in the 任务分解表 absolute.

    Every file is kept in a cache (``cache``, by default one per corpus folder in the user's
    cache) under a hash of exactly what it is made from (the rows of the table, the handout's
    HTML, the standard, the data files) and of the code that writes it: a file whose inputs
    did not change since an earlier build (every ``mkdocs serve`` rebuild after an edit
    elsewhere) is linked in, not written again."""
    from .files import write_bytes_atomic
    from .handout import handout_html, handout_of, pdf_of_html
    from .jsonexport import write_corpus_json
    from .scorecard import write_scorecard
    from .tasks import task_rows, unit_sheet_ids, write_tasks_csv, write_tasks_xlsx

    site_dir = Path(site_dir)
    cache = Path(cache) if cache is not None else download_cache(corpus)
    written: list[Written] = []
    used: set[str] = set()

    def timed(url: str, inputs, write) -> None:
        started = time.perf_counter()
        key = _key(url, inputs)
        used.add(key)
        hit = _from_cache(cache / key, site_dir / url, write)
        written.append(Written(site_dir / url, time.perf_counter() - started, hit))

    # Handout PDFs not in the cache are rendered by worker processes (when there are enough of
    # them) while this process writes the other files.
    handouts = [(urls.handout_pdf(s), handout_html(handout_of(corpus, s), base_url)) for s in sorted(corpus.studies)]
    workers = PdfWorkers([html for url, html in handouts if not _cached(cache, _key(url, html))])
    try:
        rows = [astuple(r) for r in task_rows(corpus, base_url)]
        sheets = [(u, [c.ref for c in corpus.clauses_by_unit.get(u, [])]) for u in unit_sheet_ids(corpus)]
        units = {u: (corpus.units[u].name if u in corpus.units else u) for u, _ in sheets}
        timed(urls.tasks_table("xlsx"), [rows, sheets, units, base_url], lambda p: write_tasks_xlsx(corpus, p, base_url))
        timed(urls.tasks_table("csv"), [rows, base_url], lambda p: write_tasks_csv(corpus, p, base_url))
        for standard_id in sorted(corpus.standards):
            standard = corpus.standards[standard_id]
            timed(urls.scorecard(standard_id), standard.model_dump_json(), lambda p, s=standard: write_scorecard(s, p))
        timed(urls.corpus_json(), source_digest(corpus), lambda p: write_corpus_json(corpus, p))
        pdfs = workers.results()
    finally:
        workers.close()
    # Rendered here (few, or no workers): each handout ends with a full collection (WeasyPrint's
    # font data sits in reference cycles); with everything built so far frozen, that collection
    # looks only at the handout's objects: at M 0.40 s → 0.22 s per handout.
    gc.freeze()
    try:
        for url, html in handouts:
            timed(url, html, lambda p, h=html: write_bytes_atomic(p, pdfs[h] if h in pdfs else pdf_of_html(h)))
    finally:
        gc.unfreeze()
    _prune(cache, used)
    total = sum(w.seconds for w in written)
    log.info("policykb: %d 个下载文件已写入（%.1f 秒，其中 %d 个未变、取自缓存）", len(written), total,
             sum(w.cached for w in written))
    return written


def download_cache(corpus: Corpus) -> Path:
    """The downloads cache of this corpus folder, in the user's cache (never in the project)."""
    from ..segment import cache_dir

    key = hashlib.sha256(str(Path(corpus.root).resolve()).encode()).hexdigest()[:12]
    return cache_dir().parent / "downloads" / key


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """The code the downloads are made with: every module and template of the generator and
    the versions of the libraries that write the files."""
    from importlib.metadata import version

    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *(root / "templates").rglob("*")]):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    for package in ("openpyxl", "weasyprint", "pydantic"):
        h.update(f"{package}={version(package)}".encode())
    return h.hexdigest()


def source_digest(corpus: Corpus) -> str:
    """Every data file of the corpus (name and bytes): what the whole-data export is made from."""
    root = Path(corpus.root)
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _key(url: str, inputs) -> str:
    text = inputs if isinstance(inputs, str) else json.dumps(inputs, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{code_digest()}\n{url}\n{text}".encode()).hexdigest()[:24]


class PdfWorkers:
    """Handout HTML → PDF bytes, rendered by one worker process per CPU, started at once and
    collected by ``results``. A province's corpus has hundreds of study sessions at ~0.2–0.4 s
    each. Plain subprocesses (``python -m generator.export.handout``), not forks: this may run
    in a thread of ``mkdocs serve``. With one CPU, few PDFs, or a failed worker, the PDFs left
    out are rendered by the caller."""

    MIN_PDFS = 8  # below this, starting workers (each loads WeasyPrint and the font) costs more

    def __init__(self, htmls: list[str]):
        self.htmls = list(dict.fromkeys(htmls))
        count = min(cpu_count(), len(self.htmls))
        self.folder = None
        self.procs: list[tuple[Path, list[str], subprocess.Popen]] = []
        if count < 2 or len(self.htmls) < self.MIN_PDFS:
            return
        self.folder = Path(tempfile.mkdtemp(prefix="policykb-pdf-"))
        for i in range(count):
            chunk = self.htmls[i::count]
            job = self.folder / f"{i}.json"
            job.write_text(json.dumps(chunk, ensure_ascii=False), encoding="utf-8")
            proc = subprocess.Popen([sys.executable, "-m", "generator.export.handout", str(job)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            self.procs.append((job, chunk, proc))

    def results(self) -> dict[str, bytes]:
        done: dict[str, bytes] = {}
        for job, chunk, proc in self.procs:
            _, err = proc.communicate()
            if proc.returncode != 0:
                log.warning("policykb: 讲义 PDF 子进程失败，改在本进程生成：%s", err.decode("utf-8", "replace")[-500:])
            for k, html in enumerate(chunk):
                pdf = job.with_name(f"{job.stem}-{k}.pdf")
                if pdf.exists():
                    done[html] = pdf.read_bytes()
        return done

    def close(self) -> None:
        """Stop workers still running (the build failed meanwhile) and remove their files."""
        for _, _, proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _cached(cache: Path, key: str) -> bool:
    return (cache / key / ".complete").exists()


def _from_cache(entry: Path, target: Path, write) -> bool:
    """Link the files of cache ``entry`` beside ``target`` (writing the entry first if it is
    missing); True when the entry was already there."""
    hit = (entry / ".complete").exists()
    if not hit:
        staging = entry.with_name(f".{entry.name}-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            write(staging / target.name)
            (staging / ".complete").touch()
            shutil.rmtree(entry, ignore_errors=True)
            os.replace(staging, entry)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    else:
        os.utime(entry)
    target.parent.mkdir(parents=True, exist_ok=True)
    for source in entry.iterdir():
        if source.name != ".complete":
            _link(source, target.parent / source.name)
    return hit


def _link(source: Path, target: Path) -> None:
    """``target`` becomes ``source``'s content in one step: a hard link (a copy across file
    systems) under a temporary name, renamed over whatever was there."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    try:
        os.link(source, temp)
    except OSError:
        shutil.copyfile(source, temp)
    os.replace(temp, target)


def _prune(cache: Path, used: set[str], grace: float = 600) -> None:
    """Drop entries this build did not use, once no build has used them for ``grace`` seconds
    (another build of the same corpus may be using them now)."""
    if not cache.is_dir():
        return
    now = time.time()
    for entry in cache.iterdir():
        if entry.name in used:  # (also removes the staging of killed builds, named ".<key>-<pid>")
            continue
        try:
            if now - entry.stat().st_mtime > grace:
                shutil.rmtree(entry, ignore_errors=True)
        except FileNotFoundError:
            pass
