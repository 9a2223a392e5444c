"""Links of a page sorted for the crawler: article pages, listing/pagination pages, everything else."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from extractors.cleaning import clean_text
from extractors.records import PageLinks
from extractors.urls import canonical_url, site_of

# Schemes a crawler can fetch; javascript:, mailto:, tel: and bare fragments are not links to pages.
FETCHABLE_SCHEMES = ("http", "https")
# File types that are page furniture or downloads, never articles or listings.
ASSET_SUFFIXES = (".css", ".js", ".json", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico",
                  ".bmp", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".mp3", ".mp4",
                  ".xml", ".txt", ".woff", ".woff2", ".ttf")
# Paths of views that are never articles or listings to follow: print versions, admin, login, search.
NON_CONTENT_PATH = re.compile(r"/(print|printpage|admin|login|logout|register|search|member|user|comment|share)(/|\.|$)|[_-]print\.", re.I)
# Anchor texts of pagination and listing links (下一页, 尾页, 更多, a bare page number …).
LISTING_TEXT = re.compile(r"^(下一页|上一页|下页|上页|首页|尾页|末页|更多|更多>>|查看更多|next|prev|previous|more|»|«|>|<|>>|<<|\d{1,4}|\[\d{1,4}\])$", re.I)
# URL paths of listing pages: index/list/category/tag/page directories, list_2.html, index_3.html, ?page=2.
LISTING_PATH = re.compile(
    r"(^/$|/$|/(index|list|lists|category|categories|cat|tag|tags|column|channel|topic|archive|archives)"
    r"(?:[_-]\d+)?(?:\.s?html?|\.php|\.aspx?)?$|/(list|index)[_-]\d+\.s?html?$|/page/\d+/?$)",
    re.I,
)
LISTING_QUERY = re.compile(r"(^|&)(page|p|pn|pageno|cid|catid|category|tag)=", re.I)
# Article pages: a last path segment with a numeric id of at least this many digits (/a/20250605/123.html).
ARTICLE_ID_DIGITS = 3
_ID = rf"\d{{{ARTICLE_ID_DIGITS},}}"
_ARTICLE_PATH = re.compile(rf"({_ID}[^/]*\.s?html?|/{_ID}/?|/[a-z0-9_-]*{_ID}[a-z0-9_-]*(?:\.s?html?)?)$", re.I)
_ARTICLE_QUERY = re.compile(r"(^|&)(id|aid|articleid|newsid|tid)=\d+", re.I)

# Resolved links are cached: navigation and related lists repeat the same hrefs on every page of a site.
LINK_CACHE_SIZE = 1 << 16

_ANCHOR_RE = re.compile(
    r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>(.*?)</a\s*>""", re.I | re.S
)
_TAG_RE = re.compile(r"<[^>]+>")
_ANCHORS = etree.XPath("/descendant::a[@href]")  # what //a[@href] selects, 2x faster in libxml2
_BASE_HREF = etree.XPath("//base/@href")
_BASE_RE = re.compile(r"""<base\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)""", re.I)


def classify_link(link: str, anchor_text: str, page_site: str) -> str | None:
    """'article', 'listing' or 'other' for an absolute URL; None when it is not a fetchable page."""
    kind, same_site_page = _classify_url(link, page_site)
    if kind == "other" and same_site_page and LISTING_TEXT.match(anchor_text):
        return "listing"
    return kind


@lru_cache(maxsize=LINK_CACHE_SIZE)
def _classify_url(link: str, page_site: str) -> tuple[str | None, bool]:
    """(kind by URL alone, whether the link is a same-site page that anchor text may call a listing)."""
    parts = urlsplit(link)
    if parts.scheme not in FETCHABLE_SCHEMES or not parts.hostname:
        return None, False
    path = parts.path or "/"
    if _bare_host(parts.hostname) != _bare_host(page_site) or path.lower().endswith(ASSET_SUFFIXES):
        return "other", False
    if NON_CONTENT_PATH.search(path):
        return "other", False
    if LISTING_PATH.search(path) or LISTING_QUERY.search(parts.query):
        return "listing", True
    if _ARTICLE_PATH.search(path) or _ARTICLE_QUERY.search(parts.query):
        return "article", True
    return "other", True


@lru_cache(maxsize=LINK_CACHE_SIZE)
def _resolve(join_base: str, href: str, page_site: str) -> tuple[str, str | None, bool]:
    """(canonical absolute URL, kind by URL, same-site page) of an href, cached: navigation and
    related lists repeat the same hrefs on every page of a site."""
    link = canonical_url(urljoin(join_base, href))
    return (link, *_classify_url(link, page_site))


def _bare_host(host: str) -> str:
    """Host without a leading www. or m. (desktop and mobile pages of one site are the same site)."""
    host = host.lower()
    for prefix in ("www.", "m.", "wap."):
        if host.startswith(prefix):
            return host[len(prefix):]
    return host


def _anchors_of_text(text: str) -> tuple[str | None, list[str], Callable[[str], str]]:
    """(base href, hrefs in order, anchor text of an href) from raw HTML with one regex pass, no parse."""
    base = _BASE_RE.search(text)
    inner: dict[str, str] = {}
    for match in _ANCHOR_RE.finditer(text):
        inner.setdefault(html.unescape(match.group(1) or match.group(2) or match.group(3) or ""), match.group(4))
    return (base.group(1) if base else None), list(inner), lambda href: clean_text(
        html.unescape(_TAG_RE.sub("", inner.get(href, ""))))


def _anchors_of_tree(tree: etree._Element) -> tuple[str | None, list[str], Callable[[str], str]]:
    """(base href, hrefs in order, anchor text of an href) of a parsed page; libxml2 collects the
    anchors once, and an anchor's text is read only when a link needs it (no second search)."""
    base = _BASE_HREF(tree)
    anchors = _ANCHORS(tree)
    hrefs = [a.get("href") for a in anchors]
    first: dict[str, etree._Element] = {}

    def text_of(href: str) -> str:
        if not first:
            for href_, anchor in zip(reversed(hrefs), reversed(anchors), strict=True):
                first[href_] = anchor  # reversed: the first anchor of an href wins
        anchor = first.get(href)
        return clean_text("".join(anchor.itertext())) if anchor is not None else ""

    return (str(base[0]) if base else None), hrefs, text_of


def page_links(tree_or_text: etree._Element | str, url: str) -> PageLinks:
    """The page's links, canonical and de-duplicated, split into articles, listings and other.

    An anchor text such as 下一页 or 更多 turns a same-site link whose URL says nothing into a
    listing; links whose URL already says article or listing keep that kind (their text is not read)."""
    base, hrefs, text_of = (_anchors_of_text(tree_or_text) if isinstance(tree_or_text, str)
                            else _anchors_of_tree(tree_or_text))
    base_url = urljoin(url, base) if base else url
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}/"
    page_site, own = site_of(url), canonical_url(url)
    seen: set[str] = {own}
    buckets: dict[str, list[str]] = {"article": [], "listing": [], "other": []}
    for raw in dict.fromkeys(hrefs):  # navigation repeats hrefs; resolve each once
        href = raw.strip()
        if not href or href[0] == "#":
            continue
        join_base = "" if href.startswith(("http://", "https://")) else origin if href[0] == "/" and href[:2] != "//" else base_url
        link, kind, same_site_page = _resolve(join_base, href, page_site)
        if link in seen or kind is None:
            continue
        if kind == "other" and same_site_page and LISTING_TEXT.match(text_of(raw)):
            kind = "listing"
        seen.add(link)
        buckets[kind].append(link)
    return PageLinks(tuple(buckets["article"]), tuple(buckets["listing"]), tuple(buckets["other"]))
