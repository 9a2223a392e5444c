"""Canonical URLs: the same page under tracking parameters or fragments is one URL."""

from __future__ import annotations

import re
from json.encoder import encode_basestring
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from extractors.keys import sha256_text

# Query parameters that only track the visitor; a URL differing only in these is the same page.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = frozenset(
    {"from", "spm", "share", "share_from", "fromsource", "source", "ref", "src", "gclid", "fbclid",
     "_hsenc", "_hsmi", "mc_cid", "mc_eid", "wxfrom", "isappinstalled", "scene", "clicktime",
     "enterid", "timestamp"}
)
DEFAULT_PORTS = {"http": 80, "https": 443}
# canonical_json({"url": …}) with the URL as a JSON string (keys.canonical_json: no spaces, non-ASCII kept).
ARTICLE_KEY_JSON = '{{"url":{url}}}'
ARTICLE_ID_CHARS = 16  # stable_hash's default length
# Session ids some servers put in the path as a parameter (Java ;jsessionid=, PHP ;phpsessid=, ASP
# ;aspsessionid…=): the page is the same for every visitor, so they are dropped (trs_jsp crawl case).
SESSION_PATH_PARAM = re.compile(r";(?:jsessionid|phpsessid|aspsessionid\w*|sid|sessionid)=[^/;?#]*", re.I)


# A URL already in canonical form: http(s), a lower-case host without port or user, a path of plain
# characters and nothing after it (no query, fragment, parameter, escape or space): canonical_url
# gives it back unchanged, without the urllib split and join (a tenth of a page's parse).
_PLAIN_CANONICAL = re.compile(r"https?://[a-z0-9.-]+/[A-Za-z0-9._~/-]*")


def is_tracking_param(name: str) -> bool:
    """True for query parameters that never change the page (utm_*, from, spm …)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default port, fragment, session path parameters
    (;jsessionid=…) and tracking parameters, sort the query."""
    if _PLAIN_CANONICAL.fullmatch(url):
        return url
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = _netloc(scheme, parts)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    path = SESSION_PATH_PARAM.sub("", parts.path) or "/"
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def _netloc(scheme: str, parts: SplitResult) -> str:
    """host[:port] lower-cased without the scheme's default port; a port that is not a number
    ("host:{{PORT}}" in a template) is kept as written rather than failing the whole page."""
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return parts.netloc.rpartition("@")[2].lower()
    return host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"


def site_of(url: str) -> str:
    """The host of a URL, lower-cased, without port: the `site` field of an article."""
    return (urlsplit(url).hostname or "").lower()


def article_id(url: str) -> str:
    """Stable id of an article: a hash of its canonical URL."""
    return canonical_article_id(canonical_url(url))


def canonical_article_id(canonical: str) -> str:
    """``article_id`` from the canonical_url of a page's URL, for a caller that has it already (one pass,
    not two): ``stable_hash({"url": canonical})`` with its canonical JSON written out (4x faster than
    json.dumps with options, the same bytes; tests/test_extract_speedups.py holds them equal)."""
    return sha256_text(ARTICLE_KEY_JSON.format(url=encode_basestring(canonical)))[:ARTICLE_ID_CHARS]
