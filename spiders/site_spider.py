"""The one spider: follows listing, pagination, sitemap and article links and hands each page to the store.

It never parses fields. Incremental: an article URL already in the raw store is not fetched again,
listing pages are fetched with If-None-Match / If-Modified-Since, and pagination is followed only
while a listing page shows articles no earlier crawl met (or the next page was never fetched).

What a link's URL suggests (spiders.links) is checked against the page once fetched (spiders.pageshape):
a page fetched as an article with no headline or prose is stored as a "listing" (its pagination is
followed) or as "other" (a navigation page, never parsed); later crawls treat the URL as what it was
stored as — a listing is revisited conditionally, an article or other page is not fetched again.

Refresh mode (``refresh=True``) also asks again for every stored article of the crawled sites, with
the stored ETag / Last-Modified as validators (a page with neither is fetched whole): a 304 or the
same body is recorded unchanged, a body a site corrected in place is stored as a new version.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Request, Response
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from extractors.decoding import Decoded, UndecodableError, decode_html, header_charset
from extractors.urls import canonical_url
from spiders.alias import UrlAlias
from spiders.failures import failure_outcome
from spiders.ledger import (
    DUPLICATE,
    NOT_HTML,
    OFF_SITE,
    TOO_LARGE,
    TRUNCATED,
    CrawlLedger,
    reason_key,
)
from spiders.links import CrawlLinks, crawl_links, has_article_id, looks_like_listing, netloc_of
from spiders.pageshape import furniture_texts, judged_kind, parse_tree
from spiders.pipelines import FetchedPage
from spiders.rawstore import RawStore
from spiders.records import LedgerEntry, RawPage
from spiders.sitemaps import SitemapTooLarge, sitemap_xml

# Articles first: they are what the crawl is for, and storing them early keeps the queue short.
PRIORITY = {"article": 10, "listing": 0, "sitemap": 0, "robots": 5}
# Outcomes that do not change by asking again: an article that ended so is not refetched by later crawls
# (a truncated page, a timeout or a 5xx is retried next time).
FINAL_OUTCOMES = frozenset(
    {
        "skipped: too large",
        "skipped: not HTML",
        "skipped: redirect loop",
        "skipped: duplicate",
        "skipped: off-site",
        "failed: http 404",
        "failed: http 410",
    }
)
REMEMBERED = "remembered from an earlier crawl"
# Statuses of a robots.txt request that just mean "this site has none".
NO_ROBOTS_STATUSES = [401, 403, 404, 410]
# Request meta keys this spider owns (copied onto a retried request; Scrapy's own keys are not).
OWN_META = ("kind", "ledger_url", "handle_httpstatus_list", "navigation")
# Listing paragraphs remembered per site (footers repeat; summaries past this add nothing new).
FURNITURE_MAX = 2000
# Kinds a page is stored under once fetched: what the page turned out to be (see spiders.pageshape).
PAGE_KINDS = frozenset({"article", "listing", "other"})
# Kinds of pages whose pagination links are not followed (an article's "next page" is a related list).
UNPAGED_KINDS = frozenset({"article", "other"})
# Start URLs with these endings are sitemaps (any other sitemap is recognised by its root element).
SITEMAP_SUFFIXES = (".xml", ".xml.gz")
# Content types the crawler keeps; anything else is skipped as "not HTML".
HTML_TYPES = ("text/html", "application/xhtml")
XML_TYPES = ("text/xml", "application/xml")
# A page that does not end with </html> or </body> within this many bytes was cut off.
CLOSING_TAG_WINDOW = 2048
CLOSING_TAG = re.compile(rb"</(?:html|body)\s*>", re.I)
# Only a page that opens with <html> or <body> (within this many bytes) is expected to close it.
OPENING_TAG_WINDOW = 4096
OPENING_TAG = re.compile(rb"<(?:html|body)[\s>]", re.I)


def is_truncated(response: Response) -> bool:
    """True when the body lost its end: Twisted flagged it, or a page that opens <html>/<body> has no
    closing </body>/</html> near its end (a bare HTML fragment is left alone)."""
    if {"partial", "dataloss"} & set(response.flags):
        return True
    body = response.body
    return bool(OPENING_TAG.search(body[:OPENING_TAG_WINDOW])) and not CLOSING_TAG.search(
        body[-CLOSING_TAG_WINDOW:]
    )


def content_type(response: Response) -> str:
    """The Content-Type header as text ('' when absent)."""
    return (response.headers.get("Content-Type") or b"").decode("latin-1")


def validators(page: RawPage) -> dict[str, str]:
    """Conditional-request headers from a stored page's ETag and Last-Modified (empty when it had neither)."""
    headers = {}
    if etag := page.headers.get("etag"):
        headers["If-None-Match"] = etag
    if modified := page.headers.get("last-modified"):
        headers["If-Modified-Since"] = modified
    return headers


def charset_note(ctype: str, decoded: Decoded) -> str | None:
    """A ledger note when the page's declared charset was wrong or missing."""
    declared = header_charset(ctype)
    if declared and decoded.source != "header":
        return (
            f"charset: header says {declared}, re-decoded as {decoded.encoding} ({decoded.source})"
        )
    if decoded.source == "detected":
        return f"charset: none declared, detected {decoded.encoding}"
    return None


class SiteSpider(scrapy.Spider):
    """Crawls the sites of its start URLs into the raw store under ``data_dir``."""

    name = "site"

    def __init__(
        self,
        start_urls: list[str],
        data_dir: str | Path,
        crawl_id: str,
        on_outcome: Callable[[LedgerEntry], None] | None = None,
        url_alias: str = "",
        refresh: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # Record a site served on an ephemeral loopback port under a stable base URL.
        self.alias = UrlAlias.parse(url_alias)
        self.start_urls = [self.alias.fetch(u) for u in start_urls]
        stable = {self.alias.stable_netloc} if self.alias.stable_netloc else set()
        self.allowed = frozenset({netloc_of(u) for u in self.start_urls} | stable)
        self.allowed_domains = sorted({netloc.split(":")[0] for netloc in self.allowed})
        self.store = RawStore(Path(data_dir) / "raw")
        self.ledger = CrawlLedger(self.store, crawl_id, on_outcome)
        # The last outcome of every URL an earlier crawl met: such URLs are not "new" for the paging
        # rule, and an article that ended for good (404, too large, a loop …) is not fetched again.
        self.met_before = {entry.url: entry for entry in self.store.ledger()}
        # Ask again (conditionally) for stored articles too: a site may correct a page in place.
        self.refresh = refresh
        # Per site, the paragraphs its listing pages showed (footers, side boxes): see spiders.pageshape.
        self.furniture: dict[str, set[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        """One request per start URL (a sitemap if it names one, else a listing page), and one for
        each site's robots.txt, whose Sitemap: lines lead to the sitemaps."""
        for url in self.start_urls:
            kind = "sitemap" if url.lower().endswith(SITEMAP_SUFFIXES) else "listing"
            if (request := self.request(url, kind)) is not None:
                yield request
        origins = sorted({(urlsplit(u).scheme, netloc_of(u)) for u in self.start_urls})
        for scheme, netloc in origins:
            if (request := self.request(f"{scheme}://{netloc}/robots.txt", "robots")) is not None:
                request.meta["dont_obey_robotstxt"] = True
                request.meta["handle_httpstatus_list"] = [
                    *request.meta.get("handle_httpstatus_list", []),
                    *NO_ROBOTS_STATUSES,
                ]
                yield request
        if self.refresh:
            for request in self.refresh_requests():
                yield request

    def refresh_requests(self) -> Iterator[Request]:
        """Conditional requests for every stored article of the crawled sites, whichever listing,
        sitemap or related list led to it (pagination alone would not reach old ones)."""
        for page in self.store.pages("article"):
            if (
                netloc_of(page.url) in self.allowed
                and (request := self.request(page.url, "article")) is not None
            ):
                yield request

    def request(self, url: str, kind: str) -> Request | None:
        """A request for ``url`` (conditional for a stored listing, sitemap or robots.txt, and for a stored
        article in refresh mode), or None if already scheduled."""
        key = self.alias.key(url)
        if kind == "article" and self.settled_for_good(key):
            return None
        if not self.ledger.schedule(key):
            return None
        meta: dict[str, Any] = {"kind": kind, "ledger_url": key}
        headers = {}
        known = self.store.known(key) if kind != "article" or self.refresh else None
        if known is not None:
            meta["handle_httpstatus_list"] = [304]
            headers = validators(known)
        return Request(
            self.alias.fetch(url),
            callback=self.parse_page,
            errback=self.on_error,
            meta=meta,
            headers=headers,
            priority=PRIORITY[kind],
        )

    def settled_for_good(self, key: str) -> bool:
        """Record (and True) an article an earlier crawl found permanently unfetchable."""
        earlier = self.met_before.get(key)
        if earlier is None or reason_key(earlier.state, earlier.reason) not in FINAL_OUTCOMES:
            return False
        head = reason_key(earlier.state, earlier.reason).split(": ", 1)[1]
        self.ledger.finish(key, earlier.state, f"{head}; {REMEMBERED}", earlier.status)
        return True

    def parse_page(self, response: Response) -> Iterator[Any]:
        """Store the page, then follow its links; 304s follow the links of the stored copy."""
        url, kind = response.meta["ledger_url"], response.meta["kind"]
        if response.status == 304:
            yield from self.not_modified(url, kind)
            return
        if kind == "robots":
            yield from self.parse_robots(response, url)
            return
        ctype = content_type(response)
        if (sitemap := self.sitemap_of(response, url)) is not None:
            if sitemap:
                yield self.fetched(response, url, "sitemap", None)
                yield from self.follow_sitemap(sitemap, response.url)
            return
        if ctype and not ctype.lower().startswith(HTML_TYPES + XML_TYPES):
            self.ledger.finish(url, "skipped", f"{NOT_HTML}; {ctype}", response.status)
            return
        if is_truncated(response):
            yield from self.truncated(response, url)
            return
        try:
            decoded = decode_html(response.body, ctype or None)
        except UndecodableError as exc:
            self.ledger.finish(url, "failed", f"undecodable: {exc}", response.status)
            return
        tree = parse_tree(decoded.text)
        links = crawl_links(tree if tree is not None else "", response.url, self.allowed)
        shape_note = None
        if self.store.known(url) is None:  # judged once: a stored article stays one when refreshed
            kind, shape_note = self.judged(kind, tree, links, url, response.meta.get("navigation"))
        if kind == "listing":
            self.learn_furniture(url, tree)
        note = "; ".join(n for n in (shape_note, charset_note(ctype, decoded)) if n) or None
        yield self.fetched(response, url, kind, note)
        yield from self.follow(kind, links)

    def judged(
        self, kind: str, tree: Any, links: CrawlLinks, url: str, navigation: bool | None
    ) -> tuple[str, str | None]:
        """What a fetched page is (spiders.pageshape). A menu link with an article id (a "top stories"
        strip inside <div class="top">) is judged like an article link, but is never made "other"; a
        menu's slug page (/about-us/) is never taken for a post."""
        content_links = len(links.articles) + len(links.pagination)
        furniture = self.furniture.get(netloc_of(url), set())
        if not navigation:
            return judged_kind(kind, tree, content_links, url, furniture)
        if kind == "listing" and has_article_id(url):
            judged, note = judged_kind("article", tree, content_links, furniture=furniture)
            return (judged, note) if judged != "other" else (kind, None)
        return judged_kind(kind, tree, content_links)

    def learn_furniture(self, url: str, tree: Any) -> None:
        """Remember a listing page's paragraphs: on an article page they are the site's furniture."""
        if tree is None:
            return
        known = self.furniture.setdefault(netloc_of(url), set())
        if len(known) < FURNITURE_MAX:
            known.update(furniture_texts(tree))

    def fetched(self, response: Response, url: str, kind: str, note: str | None) -> FetchedPage:
        """The item the store pipeline writes."""
        headers = {
            k.decode("latin-1"): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()
        }
        return FetchedPage(
            url=url,
            final_url=self.alias.key(response.url),
            status=response.status,
            body=self.alias.rewrite(response.body),
            headers=headers,
            kind=kind,
            note=note,
        )

    def not_modified(self, url: str, kind: str) -> Iterator[Any]:
        """A 304 (a listing, or an article in refresh mode): record it unchanged and follow the links
        of the stored copy."""
        self.ledger.finish(url, "unchanged", "not modified (304)", 304)
        known = self.store.known(url)
        if known is None:
            return
        body = self.store.read_body(known)
        if known.kind == "robots":
            yield from self.robots_sitemaps(body)
            return
        if known.kind == "sitemap":
            yield from self.follow_sitemap(sitemap_xml(body) or b"", known.url)
            return
        tree = parse_tree(decode_html(body, known.headers.get("content-type")).text)
        if known.kind == "listing":
            self.learn_furniture(url, tree)
        links = crawl_links(
            tree if tree is not None else "", self.alias.fetch(known.final_url), self.allowed
        )
        yield from self.follow(known.kind, links)

    def parse_robots(self, response: Response, url: str) -> Iterator[Any]:
        """Keep robots.txt and follow its Sitemap: lines; a missing one is recorded skipped."""
        if response.status >= 400:
            self.ledger.finish(
                url, "skipped", f"no robots.txt (http {response.status})", response.status
            )
            return
        yield self.fetched(response, url, "robots", None)
        yield from self.robots_sitemaps(response.body)

    def robots_sitemaps(self, body: bytes) -> Iterator[Request]:
        """Requests for the same-site sitemaps a robots.txt names."""
        for line in body.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition(":")
            loc = value.strip()
            if name.strip().lower() != "sitemap" or not loc.startswith(("http://", "https://")):
                continue
            if not self.skip_offsite(loc) and (request := self.request(loc, "sitemap")) is not None:
                yield request

    def truncated(self, response: Response, url: str) -> Iterator[Request]:
        """Retry a cut-off page up to RETRY_TIMES; when retries run out, record it skipped: truncated."""
        tries = response.meta.get("truncated_retries", 0)
        if response.request is not None and tries < self.settings.getint("RETRY_TIMES"):
            meta = {key: response.meta[key] for key in OWN_META if key in response.meta}
            yield response.request.replace(
                meta={**meta, "truncated_retries": tries + 1}, dont_filter=True
            )
            return
        self.ledger.finish(
            url,
            "skipped",
            f"{TRUNCATED}; no closing </html> after {tries} retries",
            response.status,
        )

    def follow(self, kind: str, links: CrawlLinks) -> Iterator[Request]:
        """Requests for a page's unseen article and listing links, and its pagination while new articles
        appear (a listing's or a sitemap's; an article's and a navigation page's are not followed)."""
        self.record_offsite(links)
        new = 0
        for url in links.articles:
            if (request := self.link_request(url, "article")) is not None:
                new += self.alias.key(url) not in self.met_before
                yield request
        for url in links.listings:
            if (request := self.link_request(url, "listing")) is not None:
                request.meta["navigation"] = url in links.navigation
                yield request
        if kind in UNPAGED_KINDS:
            return
        for url in links.pagination:
            if (new or self.store.known(self.alias.key(url)) is None) and (
                request := self.request(url, "listing")
            ) is not None:
                yield request

    def link_request(self, url: str, guessed: str) -> Request | None:
        """A request for a linked page as what an earlier crawl found it to be (a URL that looked like an
        article but was a listing is visited again; one that looked like a listing but was an article
        is not), else as what its link suggests."""
        known = self.store.known(self.alias.key(url))
        kind = known.kind if known is not None and known.kind in PAGE_KINDS else guessed
        if kind == "listing":
            return self.request(url, "listing")
        return self.article_request(url)

    def article_request(self, url: str) -> Request | None:
        """A request for an article not stored before; a stored one is recorded unchanged, not fetched
        (in refresh mode it is asked for again, conditionally)."""
        key = self.alias.key(url)
        if self.ledger.seen(key):
            return None
        if not self.refresh and self.store.known(key) is not None:
            self.ledger.finish(key, "unchanged", "stored by an earlier crawl")
            return None
        return self.request(url, "article")

    def record_offsite(self, links: CrawlLinks) -> None:
        """Off-site links are never fetched; each is recorded once."""
        for url in links.offsite:
            self.skip_offsite(url)

    def skip_offsite(self, url: str) -> bool:
        """True (and recorded once as skipped: off-site) for a URL outside the start URLs' sites."""
        if netloc_of(url) in self.allowed:
            return False
        if not self.ledger.seen(url):
            self.ledger.finish(url, "skipped", OFF_SITE)
        return True

    def sitemap_of(self, response: Response, url: str) -> bytes | None:
        """The XML of a sitemap response (unpacked if gzipped; b"" when recorded skipped as too
        large), or None when the response is not a sitemap."""
        max_size = response.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        try:
            return sitemap_xml(response.body, max_size)
        except SitemapTooLarge as exc:
            self.ledger.finish(url, "skipped", f"{TOO_LARGE}; {exc}", response.status)
            return b""

    def follow_sitemap(self, body: bytes, url: str) -> Iterator[Request]:
        """Requests for each <loc> of a sitemap (nested sitemaps, listings, articles)."""
        try:
            sitemap = Sitemap(body)
        except Exception as exc:  # lxml raises several types on malformed XML
            self.logger.warning("unreadable sitemap %s: %s", url, exc)
            return
        for entry in sitemap:
            loc = canonical_url(entry["loc"])
            if self.skip_offsite(loc):
                continue
            if sitemap.type == "sitemapindex":
                request = self.request(loc, "sitemap")
            else:
                request = self.link_request(
                    loc, "listing" if looks_like_listing(loc) else "article"
                )
            if request is not None:
                yield request

    def on_error(self, failure: Failure) -> None:
        """Record the outcome of a request that failed or was ignored (robots, loop, too large …)."""
        request = failure.request  # type: ignore[attr-defined]
        url = request.meta.get("ledger_url", self.alias.key(request.url))
        state, reason, status = failure_outcome(failure, self.allowed)
        self.ledger.finish(url, state, reason, status)

    def on_dropped(self, request: Request, spider: Any = None) -> None:
        """The scheduler dropped a request (a redirect to a URL this crawl already fetched)."""
        url = request.meta.get("ledger_url", self.alias.key(request.url))
        target = self.alias.key(request.url)
        reason = f"{DUPLICATE}; redirects to {target}" if target != url else DUPLICATE
        self.ledger.finish(url, "skipped", reason)

    def on_closed(self, spider: Any = None, reason: str = "") -> None:
        """Every scheduled URL still without an outcome is recorded failed, so none vanishes."""
        self.ledger.close()
