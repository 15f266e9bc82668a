"""工作日历: obligations by how often they recur, so a secretary can plan the year."""

from __future__ import annotations

from .. import urls
from ..corpus import Corpus
from ..pages import Page
from . import _site
from ._site import BUCKETS, link

SECTION = ("工作日历",)


def pages(corpus: Corpus, env):
    marker = _site.prepare(corpus, env)
    buckets: dict[str, list] = {b.slug: [] for b in BUCKETS}
    for ob in corpus.obligations:
        if ob.frequency is not None:
            buckets[_site.bucket_of(ob.frequency).slug].append(ob)
    template = env.get_template("calendar_bucket.md.j2")
    for bucket in BUCKETS:
        obligations = buckets[bucket.slug]
        if not obligations:
            continue
        for page in _site.paged(obligations, urls.calendar(bucket.slug)):
            sample = _site.uses_sample(corpus, {ob.source_id for ob in page.items})
            markdown = template.render(
                bucket=bucket, total=len(obligations), sample=sample,
                rows=[_site.obligation_row(corpus, ob, marker) for ob in page.items], pager=page.pager)
            yield Page(url=page.url, title=f"工作日历：{bucket.name}", markdown=markdown,
                       section=SECTION, order=(1, bucket.rank, page.number), sample=sample)
    rows = [{"name": link(b.name, urls.calendar(b.slug)), "count": len(buckets[b.slug])}
            for b in BUCKETS if buckets[b.slug]]
    without = sum(1 for ob in corpus.obligations if ob.frequency is None)
    yield Page(url=urls.calendar(), title="工作日历", section=SECTION, order=(50,),
               markdown=env.get_template("calendar_index.md.j2").render(rows=rows, without=without))
