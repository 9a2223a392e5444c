"""Dedup benchmark: paragraphs/s and peak memory of clustering, and boilerplate precision/recall, per site size.

Each size runs in its own child process (a clean heap, so the peak is this size's own): the
synthetic site of the sample-site generator is streamed, every article page is parsed with
`parse_html`, then `merge_duplicate_articles` + `cluster_paragraphs` are timed with the peak RSS
of that step (`benchmarks.memory.measure`). The boilerplate flag is scored against what the
generator knows: a paragraph rendered from one of its templates (`ParagraphFact.boilerplate_id`)
is boilerplate, a paragraph of no template whose text occurs in one distinct article is not.

    python -m benchmarks.bench_dedup --sizes 1000,10000
    python -m benchmarks.bench_dedup --sweep        # settings grid on the committed sample site
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import click

from benchmarks.memory import measure
from extractors.records import Article
from pipelines.dedup import (
    DEFAULT_SETTINGS,
    DedupSettings,
    ParagraphIndex,
    cluster_paragraphs,
    merge_duplicate_articles,
    refresh_rows,
)
from pipelines.normalise import normalise
from pipelines.records import ParagraphRow

# Host the synthetic pages are parsed under; never fetched.
BENCH_HOST = "http://bench.shebao.example"
DEFAULT_SIZES = "1000,10000"
# The incremental figure: add this share of the articles (at least INCREMENT_MIN) to an index of the rest.
INCREMENT_SHARE = 0.01
INCREMENT_MIN = 10
# Above this size the incremental figure is skipped: it builds the index a second time.
INCREMENT_MAX_ARTICLES = 20_000


@dataclass(slots=True)
class Truth:
    """What the generator wrote: per (url, normalised text) whether it came from a template."""

    templated: dict[tuple[str, str], bool]
    copies: Counter[str]  # normalised text -> distinct original articles holding it

    def label(self, url: str, text: str) -> bool | None:
        """True = boilerplate, False = written once, None = not scored (a shared non-template text)."""
        key = normalise(text)
        templated = self.templated.get((url, key))
        if templated is None:
            return None
        if templated:
            return True
        return False if self.copies[key] == 1 else None


def _rendered_articles(n_articles: int, seed: int) -> Iterator[Any]:
    from pipelines.sample_site.build import RenderedArticle, site_pages

    for item in site_pages(n_articles, seed):
        if isinstance(item, RenderedArticle):
            yield item


def site_corpus(n_articles: int, seed: int) -> tuple[list[Article], Truth, int]:
    """Parse every article page of the generated site; returns (articles, truth, pages skipped)."""
    from extractors.html import ParseError, parse_html
    from pipelines.sample_site.facts import article_facts

    articles, skipped = [], 0
    truth = Truth({}, Counter())
    for rendered in _rendered_articles(n_articles, seed):
        page = rendered.page
        try:
            article = parse_html(page.body, BENCH_HOST + page.path, content_type=page.content_type)
        except ParseError:
            skipped += 1
            continue
        articles.append(article)
        facts = article_facts(rendered)
        texts = {normalise(p.text): p.boilerplate_id is not None for p in facts.paragraphs}
        truth.templated.update(((article.url, text), flag) for text, flag in texts.items())
        if rendered.duplicate_of is None:
            truth.copies.update(texts.keys())
    return articles, truth, skipped


def facts_corpus(n_articles: int, seed: int) -> tuple[list[Article], Truth, int]:
    """The generated site's articles built from the generator's own facts, without HTML parsing
    (parse speed is the parse stage's benchmark; this isolates dedup at sizes parsing would dwarf)."""
    from extractors.keys import sha256_text
    from extractors.records import Paragraph
    from extractors.urls import article_id, site_of
    from pipelines.sample_site.facts import article_facts

    articles = []
    truth = Truth({}, Counter())
    for rendered in _rendered_articles(n_articles, seed):
        facts = article_facts(rendered)
        url = BENCH_HOST + facts.url_path
        paragraphs = tuple(Paragraph(i, p.text, None, p.kind) for i, p in enumerate(facts.paragraphs))
        articles.append(Article(
            article_id=article_id(url), url=url, site=site_of(url), title=facts.title,
            published_at=datetime.fromisoformat(facts.published_at), fetched_at=None,
            title_region=facts.title_region, content_sha256=sha256_text("\n".join(p.text for p in paragraphs)),
            extractor="facts", paragraphs=paragraphs,
        ))
        texts = {normalise(p.text): p.boilerplate_id is not None for p in facts.paragraphs}
        truth.templated.update(((url, text), flag) for text, flag in texts.items())
        if rendered.duplicate_of is None:
            truth.copies.update(texts.keys())
    return articles, truth, 0


def score(rows: Iterable[ParagraphRow], urls: dict[str, str], truth: Truth) -> dict[str, float | int]:
    """Precision and recall of `is_boilerplate` over the rows the generator labels."""
    tp = fp = fn = tn = 0
    for row in rows:
        label = truth.label(urls[row.article_id], row.text)
        if label is None:
            continue
        tp += label and row.is_boilerplate
        fn += label and not row.is_boilerplate
        fp += (not label) and row.is_boilerplate
        tn += (not label) and not row.is_boilerplate
    return {
        "boilerplate_precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "boilerplate_recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "scored_rows": tp + fp + fn + tn,
        "true_positives": tp, "false_positives": fp, "false_negatives": fn,
    }


def bench_one(n_articles: int, seed: int = 7, settings: DedupSettings = DEFAULT_SETTINGS,
              parse: bool = True) -> dict[str, Any]:
    """One size in this process: build the articles, then time and measure merge + clustering, then score."""
    articles, truth, skipped = (site_corpus if parse else facts_corpus)(n_articles, seed)
    cpu_started = time.process_time()
    with measure("dedup clustering", len(articles)) as m:
        merged = merge_duplicate_articles(articles, settings)
        rows = cluster_paragraphs(merged, settings=settings)
    cpu_seconds = time.process_time() - cpu_started
    urls = {a.article_id: a.url for a in merged}
    peak, before = m.peak_rss_mb, m.rss_before_mb
    added, add_seconds, refresh_seconds = (
        incremental_add(merged, settings) if n_articles <= INCREMENT_MAX_ARTICLES else (0, 0.0, 0.0))
    return {
        "articles": len(articles),
        "source": "parse_html" if parse else "generator facts",
        "skipped_pages": skipped,
        "merged_articles": len(merged),
        "paragraphs": len(rows),
        "boilerplate_rows": sum(r.is_boilerplate for r in rows),
        "clusters": len({r.cluster_id for r in rows}),
        "seconds": round(m.seconds, 3),
        "paragraphs_per_s": round(len(rows) / m.seconds, 1) if m.seconds else None,
        "cpu_seconds": round(cpu_seconds, 3),  # robust to a machine shared with other work
        "paragraphs_per_cpu_s": round(len(rows) / cpu_seconds, 1) if cpu_seconds else None,
        "peak_rss_mb": None if peak is None else round(peak, 1),
        "rss_before_mb": None if before is None else round(before, 1),
        "clustering_mb": None if peak is None or before is None else round(peak - before, 1),
        "incremental_articles": added,
        "incremental_seconds": round(add_seconds, 3) if added else None,
        "refresh_all_rows_seconds": round(refresh_seconds, 3) if added else None,
        "incremental_paragraphs_per_s": round(
            sum(len(a.paragraphs) for a in merged[-added:]) / add_seconds, 1) if added and add_seconds else None,
        **score(rows, urls, truth),
    }


def incremental_add(merged: Sequence[Article], settings: DedupSettings) -> tuple[int, float, float]:
    """Add the last INCREMENT_SHARE of the articles to an index holding the rest: (articles added,
    seconds to cluster them, seconds to re-derive every row's cluster size afterwards)."""
    added = max(INCREMENT_MIN, int(len(merged) * INCREMENT_SHARE))
    index = ParagraphIndex(settings)
    earlier = cluster_paragraphs(merged[:-added], index=index, settings=settings)
    started = time.perf_counter()
    rows = cluster_paragraphs(merged[-added:], index=index, settings=settings)
    clustered = time.perf_counter()
    refresh_rows(earlier + rows, index, settings)
    return added, clustered - started, time.perf_counter() - clustered


def bench_dedup(sizes: Sequence[int], seed: int = 7, parse: bool = True) -> list[dict[str, Any]]:
    """One result per size, each measured in a fresh child process (`parse=False`: articles from facts)."""
    context = multiprocessing.get_context("spawn")
    results = []
    for n in sizes:
        with context.Pool(1) as pool:
            results.append(pool.apply(bench_one, (n, seed, DEFAULT_SETTINGS, parse)))
    return results


# --------------------------------------------------------------------------- settings sweep


def sample_site_corpus() -> tuple[list[Article], Truth]:
    """The committed sample site, parsed, with its truth from the facts file."""
    from extractors.html import parse_html
    from pipelines.sample_site import SAMPLE_SITE_DIR, load_facts

    facts = load_facts()
    articles, truth = [], Truth({}, Counter())
    for fact in facts.articles:
        body = (SAMPLE_SITE_DIR / fact.path).read_bytes()
        article = parse_html(body, BENCH_HOST + fact.url_path, content_type=fact.content_type)
        articles.append(article)
        texts = {normalise(p.text): p.boilerplate_id is not None for p in fact.paragraphs}
        truth.templated.update(((article.url, text), flag) for text, flag in texts.items())
        if fact.duplicate_of is None:
            truth.copies.update(texts.keys())
    return articles, truth


def sweep(grid: Iterable[DedupSettings]) -> list[dict[str, Any]]:
    """Boilerplate precision/recall and cluster counts on the sample site for each candidate setting."""
    articles, truth = sample_site_corpus()
    merged = merge_duplicate_articles(articles)
    urls = {a.article_id: a.url for a in merged}
    out = []
    for settings in grid:
        rows = cluster_paragraphs(merged, settings=settings)
        out.append({"shingle_size": settings.shingle_size, "num_perm": settings.num_perm,
                    "threshold": settings.threshold, "min_articles": settings.boilerplate_min_articles,
                    "clusters": len({r.cluster_id for r in rows}), **score(rows, urls, truth)})
    return out


def default_grid() -> list[DedupSettings]:
    """Shingle sizes 2/3/4 × thresholds × permutations × boilerplate minimum, around the defaults."""
    return [
        DedupSettings(shingle_size=size, num_perm=perms, threshold=threshold, boilerplate_min_articles=minimum)
        for size in (2, 3, 4)
        for perms in (64, 128)
        for threshold in (0.5, 0.6, 0.7, 0.8, 0.9)
        for minimum in (2, 3)
    ]


@click.command()
@click.option("--sizes", default=DEFAULT_SIZES, show_default=True, help="Comma-separated article counts.")
@click.option("--seed", default=7, show_default=True, help="Seed of the synthetic site.")
@click.option("--from-facts", is_flag=True,
              help="Build articles from the generator's facts instead of parsing HTML (for 100k on a small machine).")
@click.option("--sweep", "do_sweep", is_flag=True,
              help="Instead: precision/recall of the boilerplate flag on the sample site for a grid of settings.")
def main(sizes: str, seed: int, from_facts: bool, do_sweep: bool) -> None:
    """Benchmark paragraph dedup on synthetic sites and print one JSON object per size."""
    if do_sweep:
        for result in sweep(default_grid()):
            click.echo(json.dumps(result, ensure_ascii=False))
        return
    for n in (int(s) for s in sizes.split(",") if s.strip()):
        for result in bench_dedup([n], seed=seed, parse=not from_facts):  # printed as each size finishes
            click.echo(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
