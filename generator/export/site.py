"""The site's downloads: every export written into a built site under ``downloads/``, at the
URLs ``generator.urls`` gives, after MkDocs has built the pages that link to them."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from .. import urls
from ..corpus import Corpus

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
    found = [Download(urls.tasks_table("xlsx"), "任务分解表（Excel）", "任务分解表",
                      "全部条款的责任分工，含各单位分表；可筛选"),
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


def write_downloads(corpus: Corpus, site_dir: Path, base_url: str = "") -> list[Written]:
    """Write every planned download into ``site_dir``; returns what was written and how long each took.

    ``base_url`` (the site's address, if known) makes the links in the 任务分解表 absolute."""
    from .handout import handout_of, write_handout_pdf
    from .jsonexport import write_corpus_json
    from .scorecard import write_scorecard
    from .tasks import write_tasks_csv, write_tasks_xlsx

    site_dir = Path(site_dir)
    written: list[Written] = []

    def timed(url: str, write) -> None:
        started = time.perf_counter()
        write(site_dir / url)
        written.append(Written(site_dir / url, time.perf_counter() - started))

    timed(urls.tasks_table("xlsx"), lambda p: write_tasks_xlsx(corpus, p, base_url))
    timed(urls.tasks_table("csv"), lambda p: write_tasks_csv(corpus, p, base_url))
    for study_id in sorted(corpus.studies):
        handout = handout_of(corpus, study_id)
        timed(urls.handout_pdf(study_id), lambda p, h=handout: write_handout_pdf(h, p, base_url))
    for standard_id in sorted(corpus.standards):
        timed(urls.scorecard(standard_id), lambda p, s=corpus.standards[standard_id]: write_scorecard(s, p))
    timed(urls.corpus_json(), lambda p: write_corpus_json(corpus, p))
    total = sum(w.seconds for w in written)
    log.info("policykb: %d 个下载文件已写入（%.1f 秒）", len(written), total)
    return written
