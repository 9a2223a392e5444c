"""A loopback site served again on a new ephemeral port is the site an earlier crawl stored, not a new one.

URLs are keyed by origin, port included (two loopback servers are two sites). When a start URL's
loopback origin has nothing in the store but another port of the same host has a stored page at the
same path, the start page is fetched once and its links compared with the stored copy's: when most
are the same, the crawl records the site under the stored origin (a UrlAlias), so it recognises what
it stored and fetches no article again (php_portal "restart on new port").
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from scrapy.robotstxt import ProtegoRobotParser

from extractors.decoding import UndecodableError, decode_html
from spiders.alias import UrlAlias
from spiders.links import canonical, extract_links
from spiders.politeness import MAX_SETTING, site_delay
from spiders.rawstore import RawStore
from spiders.records import RawPage
from spiders.settings import crawl_settings

logger = logging.getLogger(__name__)

# Hosts whose ports are ephemeral: a test or grading server, never two sites of the open web.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Share of the start page's same-site link paths that must match the stored copy's (Jaccard): a site
# that published a few articles since still matches; a different site on the same host does not.
SAME_SITE_MIN_OVERLAP = 0.5
# Seconds to wait for the start page when comparing.
FETCH_TIMEOUT = 15.0
# What the start page is fetched with (the crawl's own requests use Scrapy's settings).
FETCH_HEADERS = {"User-Agent": "shebao-policy-crawler/0.1 (site identity check)"}

Fetcher = Callable[[str], tuple[bytes, str | None]]  # url → (body, content type)


def fetch_page(url: str) -> tuple[bytes, str | None]:
    """GET ``url``: its body and Content-Type (raises OSError on failure)."""
    request = urllib.request.Request(url, headers=FETCH_HEADERS)
    direct = urllib.request.build_opener(
        urllib.request.ProxyHandler({})
    )  # loopback: never via a proxy
    with direct.open(request, timeout=FETCH_TIMEOUT) as response:
        return response.read(), response.headers.get("Content-Type")


def origin_of(url: str) -> str:
    """scheme://host[:port] of a canonical URL."""
    parts = urlsplit(canonical(url))
    return f"{parts.scheme}://{parts.netloc}"


def is_loopback_with_port(url: str) -> bool:
    """True for http(s)://127.0.0.1:PORT/… (or localhost, ::1) with an explicit port."""
    parts = urlsplit(url)
    return (parts.hostname or "") in LOOPBACK_HOSTS and parts.port is not None


def link_paths(body: bytes, content_type: str | None, url: str) -> set[str]:
    """Path and query of a page's links to its own origin."""
    try:
        text = decode_html(body, content_type).text
    except UndecodableError:
        return set()
    origin = origin_of(url)
    paths = set()
    for link in extract_links(text, url):
        if origin_of(link.url) == origin:
            parts = urlsplit(link.url)
            paths.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def overlap(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two sets (0 when both are empty)."""
    return len(a & b) / len(a | b) if a | b else 0.0


def earlier_copies(store: RawStore, start_url: str) -> list[RawPage]:
    """Stored pages at the start URL's path under another port of the same loopback host."""
    here = urlsplit(canonical(start_url))
    suffix = canonical(start_url)[len(origin_of(start_url)) :]
    copies = []
    for page in store.pages(None):
        parts = urlsplit(page.url)
        if origin_of(page.url) == origin_of(start_url):
            return []  # this origin has pages of its own: not moved
        same_host = parts.hostname == here.hostname and parts.scheme == here.scheme
        if same_host and page.url[len(origin_of(page.url)) :] == suffix:
            copies.append(page)
    return copies


def moved_site_alias(
    start_urls: Sequence[str], store: RawStore, fetch: Fetcher = fetch_page
) -> str:
    """The --url-alias ("http://127.0.0.1:NEW=http://127.0.0.1:OLD") for the first loopback start URL
    whose site an earlier crawl stored under another port, or "" when there is none."""
    for url in start_urls:
        if not is_loopback_with_port(url):
            continue
        copies = earlier_copies(store, url)
        if not copies:
            continue
        try:
            body, content_type = fetch(url)
        except (OSError, urllib.error.URLError) as exc:
            logger.warning("could not fetch %s to compare it with the stored site: %s", url, exc)
            continue
        if alias := best_alias(url, link_paths(body, content_type, url), copies, store):
            time.sleep(stored_crawl_delay(store, alias.partition("=")[2]))
            return alias
    return ""


def stored_crawl_delay(store: RawStore, origin: str) -> float:
    """The Crawl-delay of the site's stored robots.txt (0 when none): the crawl's first request waits
    that long after the identity check's, as it would after any other request to the site."""
    robots = store.known(origin + "/robots.txt")
    if robots is None:
        return 0.0
    parser = ProtegoRobotParser(store.read_body(robots), None)
    return site_delay(
        parser, crawl_settings()["USER_AGENT"], crawl_settings().getfloat(MAX_SETTING)
    )


def best_alias(url: str, current: set[str], copies: list[RawPage], store: RawStore) -> str:
    """The alias to the stored copy whose links match ``current`` best, if it matches enough."""
    scored = []
    for page in copies:
        stored = link_paths(store.read_body(page), page.headers.get("content-type"), page.url)
        scored.append((overlap(current, stored), origin_of(page.url)))
    score, origin = max(scored, default=(0.0, ""))
    if score < SAME_SITE_MIN_OVERLAP:
        return ""
    return str(UrlAlias(origin_of(url), origin))
