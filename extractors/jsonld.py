"""The article a page describes in schema.org JSON-LD: headline, publication date and body text.

Script-rendered pages (an empty <div id="root"> filled by JavaScript) often carry the article only
there; other pages repeat their date in it. Bad JSON is skipped: a page's other sources still count.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

# A <script type="application/ld+json"> (the type read with J, S, O, N, L, D in either case). The page's
# few <script>s are found by lxml's tag walk and their type tested here: an XPath with this predicate
# over every element costs 4x more.
_JSONLD_LOWER = str.maketrans("JSONLD", "jsonld")
LD_JSON_TYPE = "ld+json"
# schema.org types of an article (NewsArticle, BlogPosting …); a WebPage or Organization is no article.
ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle",
                           "TechArticle", "AnalysisNewsArticle", "ReportageNews"})
# How deep to look into @graph lists and nested objects (schema.org graphs are shallow).
MAX_DEPTH = 4


@dataclass(frozen=True, slots=True)
class LinkedArticle:
    """The article fields a page states in JSON-LD (empty strings when absent)."""

    headline: str
    date_published: str
    body: str


def linked_article(root: etree._Element) -> LinkedArticle | None:
    """The first article object of the page's JSON-LD scripts, or None."""
    for script in _ld_scripts(root):
        try:
            data = json.loads(script.text or "")
        except ValueError:  # a template placeholder or a trailing comma: the page's other sources count
            continue
        for obj in _objects(data, 0):
            if _is_article(obj):
                return LinkedArticle(
                    headline=_text(obj.get("headline")),
                    date_published=_text(obj.get("datePublished") or obj.get("dateCreated")),
                    body=_text(obj.get("articleBody")),
                )
    return None


def _ld_scripts(root: etree._Element) -> Iterator[etree._Element]:
    """The page's JSON-LD <script> elements, in document order."""
    for script in root.getroottree().iter("script"):  # the whole document, as //script
        if LD_JSON_TYPE in (script.get("type") or "").translate(_JSONLD_LOWER):
            yield script


def body_lines(article: LinkedArticle) -> list[str]:
    """The non-empty lines of the article body."""
    return [line.strip() for line in article.body.splitlines() if line.strip()]


def _objects(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Every JSON object in a JSON-LD document, outer ones first (lists and @graph unrolled)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in data:
                yield from _objects(data[key], depth + 1)


def _is_article(obj: dict[str, Any]) -> bool:
    """True for an object typed as an article (@type may be a list)."""
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k in ARTICLE_TYPES for k in kinds)


def _text(value: Any) -> str:
    """A JSON-LD field as text ('' for anything that is not a string)."""
    return value.strip() if isinstance(value, str) else ""
