"""The embedded sample site: a deterministic 社保网-style site, its facts, and a streaming generator for benchmarks.

    generate_site(out_dir, n_articles=48, seed=7) -> SiteFacts    write the site (and return its facts)
    iter_site_pages(n_articles, seed=7) -> Iterator[SitePage]     the same pages in memory, streaming
    iter_site_articles(n_articles, seed=7)                        (article page, its ArticleFacts), streaming
    load_facts(path=SAMPLE_FACTS_PATH) -> SiteFacts               the committed facts
    start_urls(base_url) -> list[str]                             where a crawl starts

Regenerate the committed copy with ``python -m pipelines.sample_site``.
"""

from __future__ import annotations

from pipelines.sample_site.records import (
    ArticleFacts,
    ChangedRegion,
    ExpectedClaim,
    ExpectedRule,
    FactsFileError,
    ParagraphFact,
    SiteFacts,
    SitePage,
    TrapFact,
)
from pipelines.sample_site.site import (
    SAMPLE_FACTS_PATH,
    SAMPLE_SITE_DIR,
    SiteDirError,
    generate_site,
    iter_site_articles,
    iter_site_pages,
    load_facts,
    start_urls,
)

__all__ = [
    "SAMPLE_FACTS_PATH", "SAMPLE_SITE_DIR", "ArticleFacts", "ChangedRegion", "ExpectedClaim", "ExpectedRule",
    "FactsFileError", "ParagraphFact", "SiteDirError", "SiteFacts", "SitePage", "TrapFact", "generate_site",
    "iter_site_articles", "iter_site_pages", "load_facts", "start_urls",
]
