"""Public entry points: write the site and its facts, stream its pages, load the committed facts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from pipelines.sample_site.build import RenderedArticle, site_pages
from pipelines.sample_site.facts import FactsCollector, article_facts
from pipelines.sample_site.records import ArticleFacts, SiteFacts, SitePage, load_facts_file
from pipelines.serve import BASE_URL_TOKEN, SERVE_CONFIG_NAME, ServeConfig, default_content_type

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SITE_DIR = REPO / "data" / "sample_site"
SAMPLE_FACTS_PATH = REPO / "data" / "sample_facts.json"
DEFAULT_ARTICLES = 48
DEFAULT_SEED = 7


class SiteDirError(ValueError):
    """The output directory holds files that are not a generated site; refusing to overwrite them."""


def iter_site_pages(n_articles: int, seed: int = DEFAULT_SEED) -> Iterator[SitePage]:
    """Every page of the site, streamed in constant memory (benchmarks at 100k articles)."""
    for item in site_pages(n_articles, seed):
        yield item.page if isinstance(item, RenderedArticle) else item


def iter_site_articles(n_articles: int, seed: int = DEFAULT_SEED) -> Iterator[tuple[SitePage, ArticleFacts]]:
    """Article pages (copies included) with their facts, streamed: ground truth for benchmarks at scale.

    ``unique_paragraphs`` is left empty (it needs the whole site); ``paragraphs[].boilerplate_id``
    says which body paragraphs the generator repeated.
    """
    for item in site_pages(n_articles, seed):
        if isinstance(item, RenderedArticle):
            yield item.page, article_facts(item)


def start_urls(base_url: str) -> list[str]:
    """Where a crawl of the site starts: its home page."""
    return [base_url.rstrip("/") + "/"]


def _prepare(out_dir: Path) -> None:
    """Empty ``out_dir`` if it holds an earlier generated site; refuse anything else that is not empty."""
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / SERVE_CONFIG_NAME).exists():
            raise SiteDirError(f"{out_dir} is not empty and holds no {SERVE_CONFIG_NAME}: not overwriting it")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)


def _write(out_dir: Path, page: SitePage) -> None:
    """Write one page under the document root."""
    target = out_dir / page.path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page.body)


def generate_site(out_dir: Path, n_articles: int = DEFAULT_ARTICLES, seed: int = DEFAULT_SEED) -> SiteFacts:
    """Write the whole site under ``out_dir`` (its document root) with its serving rules; return its facts."""
    if n_articles < 1:
        raise ValueError(f"a site needs at least one article, got n_articles={n_articles}")
    out_dir = Path(out_dir)
    _prepare(out_dir)
    collector = FactsCollector(n_articles, seed)
    overrides: dict[str, str] = {}
    templated: set[str] = set()
    for item in site_pages(n_articles, seed):
        page = item.page if isinstance(item, RenderedArticle) else item
        if isinstance(item, RenderedArticle):
            collector.add(item)
        elif page.kind == "listing":
            collector.add_listing(page.path)
        if page.content_type != default_content_type(page.path):
            overrides[page.path] = page.content_type
        if BASE_URL_TOKEN.encode() in page.body:
            templated.add(page.path)
        _write(out_dir, page)
    config = ServeConfig(overrides, frozenset(templated))
    (out_dir / SERVE_CONFIG_NAME).write_text(config.to_json(), encoding="utf-8")
    return collector.finish()


def load_facts(path: Path = SAMPLE_FACTS_PATH) -> SiteFacts:
    """The facts of a generated site (default: the committed sample site)."""
    return load_facts_file(Path(path))
