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
# A numbered page of a listing named like its first page (list-13_2.html of list-13.html, node_5678_2.htm):
# pagination only when it pages the current listing (see same_listing).
NUMBERED_PAGE_URL = re.compile(r"[_-]\d{1,4}\.\w+$")
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
# Dated permalinks /2025/03/05/slug/ or /2025/03/slug.html (WordPress and most blogs): an article even
# with a trailing slash and no id (edge_blog). A bare /2025/03/ is a monthly archive (a listing).
DATED_PERMALINK = re.compile(r"/(?:19|20)\d{2}/[01]?\d/(?:[0-3]?\d/)?[^/]*[a-z][^/]*/?$", re.I)
# Elements whose links are site navigation (menus, header, footer, breadcrumbs): such a link leads to a
# section or a static page (about, contact, topic), not to an article (gov_cms, edge_blog, dede_cms).
NAV_TAGS = frozenset({"header", "nav", "footer"})
NAV_TOKEN = re.compile(
    r"^(?:(?:sub|main|site|top|global)[-_]?)?"
    r"(?:nav|navbar|navigation|menu|header|head|footer|foot|top|topbar|bottom|copyright|breadcrumbs?|crumbs?)"
    r"(?:[-_]?(?:bar|wrap|box|inner|list|links))?$",
    re.I,
)
# A <header>/<footer> inside these belongs to the content (a post's title block), not to the site.
CONTENT_TAGS = frozenset({"article", "main"})
# Past this share of a page's links, "navigation" is not believed (an unclosed <div id="header"> that
# lxml stretches over the whole page); the page's links are then judged by URL alone.
NAV_MAX_SHARE = 0.8
NAV_MIN_LINKS = 10  # the share rule applies to pages with at least this many links
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
    nav: bool = False  # inside the site's header, menu, footer or breadcrumbs


@dataclass(frozen=True, slots=True)
class CrawlLinks:
    """Canonical URLs a page offers the crawler, by what they lead to."""

    articles: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()  # category / section pages, always worth a (conditional) visit
    pagination: tuple[
        str, ...
    ] = ()  # next pages of the current listing, followed only while new articles appear
    offsite: tuple[str, ...] = ()  # article- or listing-shaped links to other sites, never fetched
    navigation: frozenset[str] = (
        frozenset()
    )  # the listings linked from the site's menus, header, footer


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
    return tree_links(tree, base_url)


def tree_links(tree: etree._Element, base_url: str) -> list[Link]:
    """Every <a href> of a parsed page (see extract_links)."""
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
        rel = (anchor.get("rel") or "").lower()
        try:
            url = absolute(join_base, href)
        except ValueError:  # a malformed href (bad port, broken IPv6 literal): not a link to follow
            continue
        links.append(Link(url, text, rel, in_navigation(anchor)))
    return trust_navigation(links)


def is_nav_element(element: etree._Element) -> bool:
    """True for a <header>/<nav>/<footer> or an element whose id or class names a menu, header or footer."""
    if element.tag in NAV_TAGS:
        return True
    tokens = [element.get("id") or "", *(element.get("class") or "").split()]
    return any(NAV_TOKEN.match(token) for token in tokens if token)


def in_navigation(anchor: etree._Element) -> bool:
    """True for a link in the site's navigation: a nav element above it and no <article>/<main>."""
    nav = False
    for element in anchor.iterancestors():
        if element.tag in CONTENT_TAGS:
            return False
        nav = nav or is_nav_element(element)
    return nav


def trust_navigation(links: list[Link]) -> list[Link]:
    """The links, with their navigation flag dropped when nearly all of a page's links carry it."""
    navigation = sum(link.nav for link in links)
    if len(links) >= NAV_MIN_LINKS and navigation > NAV_MAX_SHARE * len(links):
        return [Link(link.url, link.text, link.rel) for link in links]
    return links


@lru_cache(maxsize=URL_CACHE_SIZE)
def netloc_of(url: str) -> str:
    """host[:port] of a canonical URL: the unit of "same site" (ports count on loopback)."""
    return urlsplit(canonical(url)).netloc


def is_asset(url: str) -> bool:
    """True for links to files that are not pages (images, scripts, PDFs …)."""
    return urlsplit(url).path.lower().endswith(ASSET_SUFFIXES)


def is_pagination(link: Link, page_url: str = "") -> bool:
    """True for "next page" links: by anchor text (下一页, 2, »), rel=next/prev, or the URL shape of a
    page of the current listing (list-13.html is not a page of the home page: dede_cms)."""
    text = link.text.strip().lower()
    return (
        text in PAGINATION_TEXTS
        or (text.isdigit() and len(text) <= 4)
        or link.rel in ("next", "prev")
        or is_paging_url(link.url, page_url)
    )


def is_paging_url(url: str, page_url: str = "") -> bool:
    """True for a URL shaped like a numbered page (?page=2, index_2.html, list-13_2.html) of the listing
    at ``page_url``; without a page URL, for any URL of a common paging shape."""
    if not page_url:
        return bool(PAGINATION_URL.search(url))
    shaped = PAGINATION_URL.search(url) or NUMBERED_PAGE_URL.search(url)
    return bool(shaped) and same_listing(url, page_url)


# Steps that reduce a listing URL's path to the listing it pages through, in order: /page/2/, /p2/,
# _2 or -2 before the extension, the extension, index/default, a trailing slash.
PAGE_NUMBER_STEPS = (r"/page/\d+/?$", r"/p\d+/?$", r"[_-]\d+(?=\.\w+$)")
PLAIN_STEPS = (r"\.\w+$", r"/(?:index|default)$", r"/$")
PAGE_QUERY = re.compile(r"^(?:page|p|pn|pg|pageno|page_no|paged|pageindex)$", re.I)


def listing_key(url: str, steps: tuple[str, ...]) -> str:
    """host, path reduced by ``steps`` (regexes removed in order), and the query without page numbers."""
    parts = urlsplit(url)
    path = parts.path
    for step in steps:
        path = re.sub(step, "", path, flags=re.I)
    query = "&".join(
        q for q in parts.query.split("&") if q and not PAGE_QUERY.match(q.split("=", 1)[0])
    )
    return f"{parts.netloc}{path}?{query}"


def same_listing(url: str, page_url: str) -> bool:
    """True when ``url`` is another page of the listing at ``page_url`` (list-13_2.html of list-13.html,
    /page/2/ of /, index_3.html of index.html), not a different section."""
    paged = listing_key(url, PAGE_NUMBER_STEPS + PLAIN_STEPS)
    return paged in {
        listing_key(page_url, PLAIN_STEPS),  # page 2 of this first page
        listing_key(page_url, PAGE_NUMBER_STEPS + PLAIN_STEPS),  # page 3 of this page 2
    }


def looks_like_listing(url: str) -> bool:
    """True for section / category / tag pages: a directory path or a listing stem."""
    path = urlsplit(url).path
    if DATED_PERMALINK.search(path):  # /2025/03/05/slug/ is a post, not a directory (edge_blog)
        return False
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
    if DATED_PERMALINK.search(parts.path):
        return True
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


def crawl_links(html: str | etree._Element, page_url: str, allowed: frozenset[str]) -> CrawlLinks:
    """The links of an HTML page (text or parsed tree) the crawler may follow, sorted (see classify_links)."""
    links = extract_links(html, page_url) if isinstance(html, str) else tree_links(html, page_url)
    return classify_links(links, page_url, allowed)


def classify_links(links: list[Link], page_url: str, allowed: frozenset[str]) -> CrawlLinks:
    """Sort links into articles, listings, pagination and off-site; drop assets, self-links and
    non-content views. Article and listing rules are extractors.links.classify_link's, plus ours."""
    here, site = canonical(page_url), site_of(page_url)
    buckets: dict[str, dict[str, None]] = {
        name: {} for name in ("articles", "listings", "pagination", "offsite")
    }
    navigation: set[str] = set()
    for link in links:
        url = canonical(link.url)
        if url == here or is_asset(url):
            continue
        bucket = _bucket(link, url, classify_link(url, link.text, site), here)
        if bucket is None:
            continue
        if netloc_of(url) not in allowed:
            bucket = "offsite"
        buckets[bucket].setdefault(url, None)
        if link.nav and bucket == "listings":
            navigation.add(url)
    return CrawlLinks(
        **{name: tuple(urls) for name, urls in buckets.items()}, navigation=frozenset(navigation)
    )


def has_article_id(url: str) -> bool:
    """True when the URL carries an id: digits in its last path segment or an id= query."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    return bool(
        ARTICLE_QUERY.search(parts.query) or (segments and ARTICLE_DIGITS.search(segments[-1]))
    )


def _bucket(link: Link, url: str, parser_kind: str | None, page_url: str = "") -> str | None:
    """Which bucket a link belongs to, or None for links the crawler ignores; checked in order."""
    path = urlsplit(url).path
    # not a fetchable page (javascript:, mailto:, no host)
    if parser_kind is None:
        return None
    # print views, admin, login, search: never content
    if NON_CONTENT_PATH.search(path):
        return None
    # header, menu, footer: sections and static pages, visited (conditionally) by every crawl
    if link.nav:
        return "listings"
    # 下一页 / 2 / rel=next, or ?page=2 / index_2.html of this very listing
    if is_pagination(link, page_url):
        return "pagination"
    # /2025/03/05/slug/: a blog post despite the trailing slash (edge_blog)
    if DATED_PERMALINK.search(path):
        return "articles"
    # section, category and tag pages (a directory without an id)
    if looks_like_listing(url):
        return "listings"
    # the parser's rule, or an id (/news/123/)
    if parser_kind == "article" or has_article_id(url):
        return "articles"
    # the parser's listing rule (更多 links, ?cid= …)
    if parser_kind == "listing":
        return "listings"
    # permissive fallback: a document path on a layout not seen before
    if looks_like_article(url):
        return "articles"
    return None
