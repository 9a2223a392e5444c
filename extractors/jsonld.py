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

_LD_SCRIPTS = etree.XPath("//script[contains(translate(@type, 'JSONLD', 'jsonld'), 'ld+json')]")
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
    for script in _LD_SCRIPTS(root):
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
