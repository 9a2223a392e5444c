"""Which links of a page the crawler follows: articles, listing pages, pagination, and off-site links.

``extractors.links.page_links`` (the parser's own view of a page's links) says which links are
articles and listings; this module adds what only the crawler needs — pagination (by anchor text,
rel and URL shape), off-site filtering by host:port, and a permissive URL-shape fallback so that
article pages with unusual URLs on layouts never seen before are still fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from posixpath import splitext
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from extractors.links import NON_CONTENT_PATH, classify_link
from extractors.urls import canonical_url, site_of

# Links to these never hold an article: stylesheets, scripts, images, media, office files, archives.
ASSET_EXTENSIONS = frozenset(
    [
        ".css",
        ".js",
        ".mjs",
        ".json",
        ".xml.gz",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".bmp",
        ".svg",
        ".ico",
        ".webp",
        ".avif",
        ".woff",
        ".woff2",
        ".ttf",
        ".eot",
        ".mp3",
        ".mp4",
        ".m4a",
        ".avi",
        ".mov",
        ".wmv",
        ".flv",
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".zip",
        ".rar",
        ".7z",
        ".gz",
        ".tar",
        ".apk",
        ".exe",
    ]
)
ASSET_SUFFIXES = tuple(ASSET_EXTENSIONS)
# Distinct URLs remembered by the URL caches (navigation and related links repeat on every page).
URL_CACHE_SIZE = 1 << 16
# Schemes a crawler cannot fetch.
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "sms:", "data:", "#")
# Anchor texts of pagination links (Chinese and English sites).
PAGINATION_TEXTS = frozenset(
    {
        "下一页",
        "下页",
        "上一页",
        "上页",
        "尾页",
        "末页",
        "首页",
        "next",
        "prev",
        "previous",
        "»",
        "«",
        "›",
        "‹",
        ">",
        "<",
        ">>",
        "<<",
        "后页",
        "前页",
    }
)
# URL shapes of pagination: ?page=2, /page/2/, list_2.html, index_3.html, /list/2.html, p2/.
PAGINATION_URL = re.compile(
    r"(?:[?&](?:page|p|pn|pg|pageno|page_no|paged|pageindex)=\d+)|(?:/page/\d+/?$)|(?:/(?:list|index|default)[_-]\d+\.\w+$)|(?:/p\d+/?$)",
    re.I,
)
# Path stems of listing pages: section indexes, category and tag pages.
LISTING_STEMS = frozenset(
    {
        "",
        "index",
        "list",
        "default",
        "home",
        "category",
        "categories",
        "tag",
        "tags",
        "archive",
        "archives",
        "column",
        "channel",
        "news",
        "sitemap",
    }
)
LISTING_SEGMENTS = frozenset(
    {
        "list",
        "category",
        "categories",
        "tag",
        "tags",
        "column",
        "channel",
        "archive",
        "archives",
        "topic",
        "topics",
        "zhuanti",
    }
)
# A run of digits this long in the last path segment (or an id= query) marks an article page.
ARTICLE_DIGITS = re.compile(r"\d{3,}")
ARTICLE_QUERY = re.compile(r"(?:^|&)(?:id|aid|article_?id|newsid|docid|tid|p)=\w+", re.I)
# Document extensions of article pages.
PAGE_EXTENSIONS = frozenset({".html", ".htm", ".shtml", ".php", ".asp", ".aspx", ".jsp", ""})


@dataclass(frozen=True, slots=True)
class Link:
    """One <a href> of a page: absolute URL, anchor text and rel."""

    url: str
    text: str = ""
    rel: str = ""


@dataclass(frozen=True, slots=True)
class CrawlLinks:
    """Canonical URLs a page offers the crawler, by what they lead to."""

    articles: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()  # category / section pages, always worth a (conditional) visit
    pagination: tuple[
        str, ...
    ] = ()  # next pages of the current listing, followed only while new articles appear
    offsite: tuple[str, ...] = ()  # article- or listing-shaped links to other sites, never fetched


@lru_cache(maxsize=URL_CACHE_SIZE)
def canonical(url: str) -> str:
    """extractors.urls.canonical_url, cached: the crawler asks for the same URLs again and again."""
    return canonical_url(url)


@lru_cache(maxsize=URL_CACHE_SIZE)
def absolute(base_url: str, href: str) -> str:
    """The canonical absolute URL of an href on a page whose base is ``base_url`` (cached)."""
    return canonical_url(urljoin(base_url, href))


def extract_links(html: str, base_url: str) -> list[Link]:
    """Every <a href> of an HTML text, canonical and absolute against <base href> or the page URL."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = urljoin(base_url, next(iter(tree.xpath("//base/@href")), None) or base_url)
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}/"
    links = []
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(SKIP_SCHEMES):
            continue
        # Join site-absolute and absolute hrefs against a base shared by every page, so the cache hits.
        join_base = (
            ""
            if href.startswith(("http://", "https://"))
            else origin
            if href[:1] == "/" and href[:2] != "//"
            else base
        )
        text = " ".join(anchor.text_content().split())
        links.append(Link(absolute(join_base, href), text, (anchor.get("rel") or "").lower()))
    return links


@lru_cache(maxsize=URL_CACHE_SIZE)
def netloc_of(url: str) -> str:
    """host[:port] of a canonical URL: the unit of "same site" (ports count on loopback)."""
    return urlsplit(canonical(url)).netloc


def is_asset(url: str) -> bool:
    """True for links to files that are not pages (images, scripts, PDFs …)."""
    return urlsplit(url).path.lower().endswith(ASSET_SUFFIXES)


def is_pagination(link: Link) -> bool:
    """True for "next page" links: by anchor text (下一页, 2, »), rel=next/prev, or URL shape."""
    text = link.text.strip().lower()
    return (
        text in PAGINATION_TEXTS
        or (text.isdigit() and len(text) <= 4)
        or link.rel in ("next", "prev")
        or bool(PAGINATION_URL.search(link.url))
    )


def looks_like_listing(url: str) -> bool:
    """True for section / category / tag pages: a directory path or a listing stem."""
    path = urlsplit(url).path
    segments = [s for s in path.lower().split("/") if s]
    stem, ext = splitext(segments[-1]) if segments else ("", "")
    if path.endswith("/") or not segments:
        return not ARTICLE_DIGITS.search(segments[-1] if segments else "")
    return ext in PAGE_EXTENSIONS and (
        stem in LISTING_STEMS
        or any(s in LISTING_SEGMENTS for s in segments[:-1])
        and not ARTICLE_DIGITS.search(stem)
    )


def looks_like_article(url: str) -> bool:
    """True for article pages: a document path (…/12345.html, /2025/06/slug.html) or an id= query."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if looks_like_listing(url) and not ARTICLE_QUERY.search(parts.query):
        return False
    if ARTICLE_QUERY.search(parts.query):
        return True
    if not segments:
        return False
    stem, ext = splitext(segments[-1].lower())
    if ext not in PAGE_EXTENSIONS:
        return False
    return bool(ARTICLE_DIGITS.search(segments[-1])) or (ext != "" and stem not in LISTING_STEMS)


def crawl_links(html: str, page_url: str, allowed: frozenset[str]) -> CrawlLinks:
    """The links of an HTML page the crawler may follow, sorted (see classify_links)."""
    return classify_links(extract_links(html, page_url), page_url, allowed)


def classify_links(links: list[Link], page_url: str, allowed: frozenset[str]) -> CrawlLinks:
    """Sort links into articles, listings, pagination and off-site; drop assets, self-links and
    non-content views. Article and listing rules are extractors.links.classify_link's, plus ours."""
    here, site = canonical(page_url), site_of(page_url)
    buckets: dict[str, dict[str, None]] = {
        name: {} for name in ("articles", "listings", "pagination", "offsite")
    }
    for link in links:
        url = canonical(link.url)
        if url == here or is_asset(url):
            continue
        bucket = _bucket(link, url, classify_link(url, link.text, site))
        if bucket is None:
            continue
        if netloc_of(url) not in allowed:
            bucket = "offsite"
        buckets[bucket].setdefault(url, None)
    return CrawlLinks(**{name: tuple(urls) for name, urls in buckets.items()})


def has_article_id(url: str) -> bool:
    """True when the URL carries an id: digits in its last path segment or an id= query."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    return bool(
        ARTICLE_QUERY.search(parts.query) or (segments and ARTICLE_DIGITS.search(segments[-1]))
    )


def _bucket(link: Link, url: str, parser_kind: str | None) -> str | None:
    """Which bucket a link belongs to, or None for links the crawler ignores; checked in order."""
    if parser_kind is None:  # not a fetchable page (javascript:, mailto:, no host)
        return None
    if is_pagination(link):  # 下一页 / 2 / rel=next / ?page=2: paging of the current listing
        return "pagination"
    if looks_like_listing(url):  # section, category and tag pages (a directory without an id)
        return "listings"
    if NON_CONTENT_PATH.search(
        urlsplit(url).path
    ):  # print views, admin, login, search: never content
        return None
    if parser_kind == "article" or has_article_id(url):  # the parser's rule, or an id (/news/123/)
        return "articles"
    if parser_kind == "listing":  # the parser's listing rule (更多 links, ?cid= …)
        return "listings"
    if looks_like_article(url):  # permissive fallback: a document path on a layout not seen before
        return "articles"
    return None
