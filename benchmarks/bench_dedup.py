"""Dedup benchmark: paragraphs/s and peak memory of clustering, and boilerplate precision/recall, per site size.

Each size runs in its own child process (a clean heap, so the peak is this size's own): the
synthetic site of `pipelines.sample_site.iter_site_pages` is parsed with `parse_html`, then
`merge_duplicate_articles` + `cluster_paragraphs` are timed with the peak RSS of that step
(`benchmarks.memory.measure`). The boilerplate flag is scored against what the generator knows
it repeated (`SiteFacts.boilerplate`, positives) and wrote once (`unique_paragraphs`, negatives).

    python -m benchmarks.bench_dedup --sizes 1000,10000
"""

from __future__ import annotations

import json
import multiprocessing
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from benchmarks.memory import measure
from extractors.records import Article
from pipelines.dedup import (
    DEFAULT_SETTINGS,
    DedupSettings,
    cluster_paragraphs,
    merge_duplicate_articles,
)
from pipelines.normalise import normalise
from pipelines.records import ParagraphRow

# Host the synthetic pages are parsed under; never fetched.
BENCH_HOST = "http://bench.shebao.example"
DEFAULT_SIZES = "1000,10000"


def site_articles(n_articles: int, seed: int) -> list[Article]:
    """Parse every article page of the synthetic site of `n_articles` (skipped pages are counted, not fatal)."""
    from extractors.html import ParseError, parse_html
    from pipelines.sample_site import iter_site_pages

    articles = []
    for page in iter_site_pages(n_articles, seed=seed):
        if page.kind != "article":
            continue
        try:
            articles.append(parse_html(page.body, BENCH_HOST + page.path, content_type=page.content_type))
        except ParseError:
            continue
    return articles


def site_truth(n_articles: int, seed: int) -> tuple[set[str], set[str]]:
    """(normalised repeated texts, normalised single-article texts) that the generator wrote for this size."""
    from pipelines.sample_site import generate_site

    with tempfile.TemporaryDirectory(prefix="bench-dedup-") as tmp:
        facts = generate_site(Path(tmp), n_articles=n_articles, seed=seed)
    repeated = {normalise(text) for text in facts.boilerplate}
    unique = {normalise(text) for article in facts.articles for text in article.unique_paragraphs}
    return repeated, unique - repeated


def score(rows: Iterable[ParagraphRow], repeated: set[str], unique: set[str]) -> dict[str, float | int]:
    """Precision and recall of `is_boilerplate` over the rows whose text the generator classified."""
    tp = fp = fn = tn = 0
    for row in rows:
        text = normalise(row.text)
        truth = True if text in repeated else False if text in unique else None
        if truth is None:
            continue
        tp += truth and row.is_boilerplate
        fn += truth and not row.is_boilerplate
        fp += (not truth) and row.is_boilerplate
        tn += (not truth) and not row.is_boilerplate
    return {
        "boilerplate_precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "boilerplate_recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "scored_rows": tp + fp + fn + tn,
    }


def bench_one(n_articles: int, seed: int = 7, settings: DedupSettings = DEFAULT_SETTINGS) -> dict[str, Any]:
    """One size in this process: parse, then time and measure merge + clustering, then score."""
    articles = site_articles(n_articles, seed)
    with measure("dedup clustering", len(articles)) as m:
        merged = merge_duplicate_articles(articles, settings)
        rows = cluster_paragraphs(merged, settings=settings)
    repeated, unique = site_truth(n_articles, seed)
    return {
        "articles": len(articles),
        "merged_articles": len(merged),
        "paragraphs": len(rows),
        "boilerplate_rows": sum(r.is_boilerplate for r in rows),
        "clusters": len({r.cluster_id for r in rows}),
        "seconds": round(m.seconds, 3),
        "paragraphs_per_s": round(len(rows) / m.seconds, 1) if m.seconds else None,
        "peak_rss_mb": None if m.peak_rss_mb is None else round(m.peak_rss_mb, 1),
        "rss_before_mb": None if m.rss_before_mb is None else round(m.rss_before_mb, 1),
        **score(rows, repeated, unique),
    }


def sample_site_articles() -> tuple[list[Article], set[str], set[str]]:
    """The committed 48-article sample site, parsed, with its (repeated, unique) truth from the facts."""
    from extractors.html import parse_html
    from pipelines.sample_site import SAMPLE_SITE_DIR, load_facts

    facts = load_facts()
    articles = [
        parse_html((SAMPLE_SITE_DIR / fact.path.lstrip("/")).read_bytes(), BENCH_HOST + fact.path)
        for fact in facts.articles
    ]
    repeated = {normalise(text) for text in facts.boilerplate}
    unique = {normalise(text) for fact in facts.articles for text in fact.unique_paragraphs}
    return articles, repeated, unique - repeated


def sweep(grid: Iterable[DedupSettings]) -> list[dict[str, Any]]:
    """Boilerplate precision/recall and cluster counts on the sample site for each candidate setting."""
    articles, repeated, unique = sample_site_articles()
    merged = merge_duplicate_articles(articles)
    out = []
    for settings in grid:
        rows = cluster_paragraphs(merged, settings=settings)
        out.append({"shingle_size": settings.shingle_size, "num_perm": settings.num_perm,
                    "threshold": settings.threshold, "min_articles": settings.boilerplate_min_articles,
                    "clusters": len({r.cluster_id for r in rows}), **score(rows, repeated, unique)})
    return out


def default_grid() -> list[DedupSettings]:
    """Shingle sizes 2/3/4 × thresholds × permutations × boilerplate minimum, around the defaults."""
    return [
        DedupSettings(shingle_size=size, num_perm=perms, threshold=threshold, boilerplate_min_articles=minimum)
        for size in (2, 3, 4)
        for perms in (64, 128)
        for threshold in (0.5, 0.6, 0.7, 0.8, 0.9)
        for minimum in (2, 3, 4)
    ]


def bench_dedup(sizes: Sequence[int], seed: int = 7) -> list[dict[str, Any]]:
    """One result per size, each measured in a fresh child process."""
    context = multiprocessing.get_context("spawn")
    results = []
    for n in sizes:
        with context.Pool(1) as pool:
            results.append(pool.apply(bench_one, (n, seed)))
    return results


@click.command()
@click.option("--sizes", default=DEFAULT_SIZES, show_default=True, help="Comma-separated article counts.")
@click.option("--seed", default=7, show_default=True, help="Seed of the synthetic site.")
@click.option("--sweep", "do_sweep", is_flag=True,
              help="Instead: precision/recall of the boilerplate flag on the sample site for a grid of settings.")
def main(sizes: str, seed: int, do_sweep: bool) -> None:
    """Benchmark paragraph dedup on synthetic sites and print one JSON object per size."""
    if do_sweep:
        for result in sweep(default_grid()):
            click.echo(json.dumps(result, ensure_ascii=False))
        return
    for result in bench_dedup([int(s) for s in sizes.split(",") if s.strip()], seed=seed):
        click.echo(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
