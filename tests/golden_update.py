"""Golden files for extraction: build the expected output of each page, and rewrite them on request.

Run ``python -m tests.golden_update`` from the repository root after an intended extraction change,
then review ``git diff tests/golden`` like code. ``tests/test_golden.py`` compares field by field.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from extractors.claims import extract_claims
from extractors.html import parse_html
from extractors.records import Article

REPO = Path(__file__).resolve().parents[1]
GOLDEN_DIR = REPO / "tests" / "golden"
FIXTURES_DIR = REPO / "tests" / "fixtures" / "html"
SAMPLE_SITE_DIR = REPO / "data" / "sample_site"
SAMPLE_FACTS_PATH = REPO / "data" / "sample_facts.json"
# The sample site is recorded under this stable alias by the crawler, whatever port served it.
SAMPLE_BASE_URL = "http://sample-site.invalid"
# Pages are parsed as if fetched from this origin, so article ids and links are stable in the files.
GOLDEN_BASE_URL = "http://www.shebao.example"
# Fixture pages that are not articles (they test ParseError) have no golden file.
NOT_ARTICLES = frozenset({"listing_only.html"})
# Fixtures whose charset header lies, as the crawler would receive them.
FIXTURE_CONTENT_TYPES = {"lying_header_gbk.html": "text/html; charset=utf-8"}
ARTICLE_FIELDS = ("article_id", "url", "site", "title", "published_at", "title_region", "content_sha256",
                  "extractor", "encoding")


@dataclass(frozen=True, slots=True)
class GoldenPage:
    """One page with a golden file: where its bytes are, the URL and Content-Type it is parsed with."""

    golden: Path
    source: Path
    url: str
    content_type: str | None


def fixture_pages() -> Iterator[GoldenPage]:
    """The hand-made fixture pages of tests/fixtures/html."""
    for source in sorted(FIXTURES_DIR.glob("*.html")):
        if source.name not in NOT_ARTICLES:
            yield GoldenPage(GOLDEN_DIR / "fixtures" / f"{source.stem}.json", source,
                             f"{GOLDEN_BASE_URL}/fixtures/{source.name}", FIXTURE_CONTENT_TYPES.get(source.name))


def sample_facts() -> dict[str, Any]:
    """The sample site generator's facts (data/sample_facts.json); empty when the site is absent."""
    if not SAMPLE_FACTS_PATH.exists():
        return {}
    return json.loads(SAMPLE_FACTS_PATH.read_text(encoding="utf-8"))


def sample_site_pages() -> Iterator[GoldenPage]:
    """The sample site's article pages, with the Content-Type the server sends for each."""
    for article in sample_facts().get("articles", []):
        path = article["path"]
        name = path.removesuffix(".html").replace("/", "_")
        yield GoldenPage(GOLDEN_DIR / "sample_site" / f"{name}.json", SAMPLE_SITE_DIR / path,
                         f"{SAMPLE_BASE_URL}/{path}", article.get("content_type"))


def all_pages() -> list[GoldenPage]:
    """Every page that has (or should have) a golden file."""
    return [*fixture_pages(), *sample_site_pages()]


def article_snapshot(article: Article) -> dict[str, Any]:
    """The fields of an article a golden file pins, as JSON-ready values."""
    values = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    values["published_at"] = article.published_at.isoformat() if article.published_at else None
    return values


def snapshot(page: GoldenPage) -> dict[str, Any]:
    """Everything a golden file holds for one page: article fields, paragraphs, links, claims."""
    article = parse_html(page.source.read_bytes(), page.url, content_type=page.content_type)
    return {
        "source": page.source.relative_to(REPO).as_posix(),
        "url": page.url,
        "content_type": page.content_type,
        "article": article_snapshot(article),
        "paragraphs": [asdict(p) for p in article.paragraphs],
        "links": asdict(article.links),
        "claims": [asdict(claim) for claim in extract_claims(article)],
    }


def dump(value: dict[str, Any]) -> str:
    """Stable, reviewable JSON text (sorted keys, Chinese kept readable, one trailing newline)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> int:
    """Rewrite every golden file; print which ones changed."""
    changed = 0
    for page in all_pages():
        text = dump(snapshot(page))
        old = page.golden.read_text(encoding="utf-8") if page.golden.exists() else None
        if text != old:
            page.golden.parent.mkdir(parents=True, exist_ok=True)
            page.golden.write_text(text, encoding="utf-8")
            changed += 1
            print(f"{'updated' if old else 'created'} {page.golden.relative_to(REPO)}")
    print(f"{changed} golden file(s) changed; review with: git diff {GOLDEN_DIR.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
