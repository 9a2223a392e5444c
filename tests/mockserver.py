"""A threaded loopback HTTP server whose pages misbehave the ways real sites do, with a request log.

Pages (paths under the server's base URL):
    /robots.txt                     disallows /private/, names /sitemap.xml
    /sitemap.xml                    lists /articles/1.html and /articles/from-sitemap.html (linked nowhere else)
    /list/  /list/index_2.html      two listing pages with pagination (下一页 / 上一页 / page numbers)
    /articles/N.html                ordinary articles (ETag, Last-Modified, 304 on conditional requests)
    /articles/flaky.html            500 on the first request, then 200
    /articles/busy.html             429 with Retry-After: 1 on the first request, then 200
    /articles/loop-a.html           302 → loop-b → loop-a (a redirect loop)
    /articles/moved.html            301 → /articles/1.html (a URL the crawl already has)
    /articles/away.html             302 → the off-site server (another port on 127.0.0.1)
    /articles/gbk-nocharset.html    GBK body, no charset in header or meta (and no ETag / Last-Modified)
    /articles/mislabel.html         "charset=utf-8" header over a GBK body
    /articles/big.html              larger than the tests' DOWNLOAD_MAXSIZE
    /articles/truncated.html        Content-Length larger than the body, connection closed early
    /articles/cut.html              200 with an HTML body that stops before </body></html>
    /articles/dead.html             404
    /articles/feed.html             200 application/octet-stream (not HTML)
    /private/secret-100.html        disallowed by robots.txt
plus links to another loopback server and to an unresolvable host, asset links, and tracking-parameter
duplicates (utm_*, from=, spm=) of article links. ``MockSite.edit(slug, text)`` corrects an ordinary
article or the GBK page in place (its body, and so its ETag, changes; Last-Modified does not).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Fixed Last-Modified of every ordinary page, so conditional requests can be answered with 304.
LAST_MODIFIED = formatdate(1_767_225_600, usegmt=True)  # 2026-01-01
# How many ordinary articles each listing page links to.
PER_PAGE = 6
# Size of /articles/big.html: tests set DOWNLOAD_MAXSIZE below it.
BIG_SIZE = 300_000
GBK_TEXT = "退休人员医保个人账户每月划入金额为本人养老金的百分之二"
MISBEHAVING = (
    "flaky",
    "busy",
    "loop-a",
    "gbk-nocharset",
    "mislabel",
    "big",
    "truncated",
    "cut",
    "dead",
    "feed",
    "away",
)


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the server received."""

    method: str
    path: str  # path with query
    headers: dict[str, str]
    status: int
    at: float  # time.monotonic()


def article_html(n: int | str, related: tuple[str, ...] = (), text: str = "") -> str:
    """An ordinary article page with a related-links list."""
    links = "".join(f'<li><a href="{href}">相关文章</a></li>' for href in related)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试文章{n}</title>'
        '<link rel="stylesheet" href="/static/site.css"></head><body>'
        '<nav><a href="/list/">首页</a> <a href="/about/">关于</a></nav>'
        f"<article><h1>测试文章{n}</h1><p>{text or f'第{n}篇：退休人员每月划入一百元。'}</p></article>"
        f'<ul class="related">{links}</ul><img src="/img/logo.png"></body></html>'
    )


@dataclass
class MockSite:
    """State of the misbehaving site: articles per listing page, request counters and the request log."""

    n_articles: int = 12
    offsite_base: str = "http://offsite.invalid"
    delay: float = 0.0  # seconds each article response waits (to crash a crawl mid-way)
    edits: dict[str, str] = field(default_factory=dict)  # article slug → corrected paragraph text
    hits: list[Hit] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def paths(self, prefix: str = "/") -> list[str]:
        """Paths requested so far (GET), in order, starting with ``prefix``."""
        with self.lock:
            return [h.path for h in self.hits if h.path.startswith(prefix)]

    def add_article(self) -> int:
        """Publish one more article (it appears first on the first listing page); returns its number."""
        self.n_articles += 1
        return self.n_articles

    def edit(self, slug: str, text: str) -> None:
        """Correct article ``slug`` ("3", "gbk-nocharset") in place: it now says ``text``."""
        with self.lock:
            self.edits[slug] = text

    def article_numbers(self) -> list[int]:
        """Ordinary article numbers, newest first (as listings show them)."""
        return list(range(self.n_articles, 0, -1))

    def listing(self, page: int) -> str:
        """Listing page 1 or 2, with the misbehaving links spread over both."""
        numbers = self.article_numbers()
        chunk = numbers[:PER_PAGE] if page == 1 else numbers[PER_PAGE:]
        items = [
            f'<li><a href="/articles/{n}.html">文章{n}</a> <span>2026-01-0{1 + n % 9}</span></li>'
            for n in chunk
        ]
        if page == 1:
            items += [
                f'<li><a href="/articles/{name}.html">{name}</a></li>' for name in MISBEHAVING
            ]
            items += [
                '<li><a href="/private/secret-100.html">内部</a></li>',
                f'<li><a href="{self.offsite_base}/articles/999.html">外站</a></li>',
                '<li><a href="http://offsite.invalid/articles/998.html">外站2</a></li>',
                '<li><a href="/articles/1.html?utm_source=weibo&utm_medium=social">文章1</a></li>',
                '<li><a href="/articles/2.html?from=timeline">文章2</a></li>',
                '<li><a href="/articles/3.html?spm=a2c4g.11186623#comments">文章3</a></li>',
                '<li><a href="/static/manual.pdf">手册</a> <a href="javascript:void(0)">分享</a></li>',
            ]
            pager = '<a href="/list/index_2.html">2</a> <a href="/list/index_2.html">下一页</a>'
        else:
            items.append('<li><a href="/articles/moved.html">旧地址</a></li>')
            pager = '<a href="/list/">1</a> <a href="/list/">上一页</a>'
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>政策列表</title></head><body>'
            f'<ul class="list">{"".join(items)}</ul><div class="pager">{pager}</div></body></html>'
        )

    def article(self, n: int) -> str:
        """Ordinary article n; its related links carry tracking parameters."""
        related = (
            f"/articles/{n % self.n_articles + 1}.html?utm_source=related",
            f"/articles/{(n + 1) % self.n_articles + 1}.html?from=rec",
        )
        return article_html(n, related, self.edits.get(str(n), ""))


Response = tuple[int, dict[str, str], bytes]


def _html(text: str, charset: str | None = "utf-8") -> Response:
    """A 200 HTML response with ETag and Last-Modified."""
    body = text.encode(charset or "utf-8")
    ctype = f"text/html; charset={charset}" if charset else "text/html"
    return (
        200,
        {
            "Content-Type": ctype,
            "ETag": f'"{hashlib.sha1(body).hexdigest()[:16]}"',
            "Last-Modified": LAST_MODIFIED,
        },
        body,
    )


def _gbk_page(title: str, text: str = GBK_TEXT) -> bytes:
    """An article encoded in GBK with no charset declaration anywhere."""
    return f"<html><head><title>{title}</title></head><body><p>{text}</p></body></html>".encode(
        "gbk"
    )


def _first_then(
    site: MockSite, name: str, first: Response, then: Callable[[], Response]
) -> Response:
    """``first`` on the first request for ``name``, ``then()`` afterwards."""
    return first if site.counts[name] == 1 else then()


def route(site: MockSite, path: str) -> Response:
    """The response for one request path."""
    parts = urlsplit(path)
    name = parts.path
    if name == "/robots.txt":
        robots = f"User-agent: *\nDisallow: /private/\n\nSitemap: {site.base}/sitemap.xml\n"
        return 200, {"Content-Type": "text/plain"}, robots.encode()
    if name == "/sitemap.xml":
        locs = "".join(
            f"<url><loc>{site.base}{p}</loc></url>"
            for p in ("/articles/1.html", "/articles/from-sitemap.html")
        )
        xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
        return (
            200,
            {"Content-Type": "application/xml", "Last-Modified": LAST_MODIFIED},
            xml.encode(),
        )
    if name == "/list/":
        return _html(site.listing(1))
    if name == "/list/index_2.html":
        return _html(site.listing(2))
    if (
        name.startswith("/articles/")
        and name.removeprefix("/articles/").removesuffix(".html").isdigit()
    ):
        n = int(name.removeprefix("/articles/").removesuffix(".html"))
        if 1 <= n <= site.n_articles:
            if site.delay:
                time.sleep(site.delay)
            return _html(site.article(n))
    return _misbehaving(site, name)


def _misbehaving(site: MockSite, name: str) -> Response:
    """The pages built to misbehave (see the module docstring)."""
    slug = name.removeprefix("/articles/").removesuffix(".html")
    if slug == "flaky":
        return _first_then(
            site,
            slug,
            (500, {"Content-Type": "text/html"}, b"<html><body>oops</body></html>"),
            lambda: _html(article_html("flaky")),
        )
    if slug == "busy":
        return _first_then(
            site,
            slug,
            (
                429,
                {"Content-Type": "text/html", "Retry-After": "1"},
                b"<html><body>slow down</body></html>",
            ),
            lambda: _html(article_html("busy")),
        )
    if slug == "loop-a":
        return 302, {"Location": "/articles/loop-b.html"}, b""
    if slug == "loop-b":
        return 302, {"Location": "/articles/loop-a.html?utm_source=loop"}, b""
    if slug == "away":
        return 302, {"Location": f"{site.offsite_base}/articles/997.html"}, b""
    if slug == "moved":
        return 301, {"Location": "/articles/1.html"}, b""
    if slug == "gbk-nocharset":
        return (
            200,
            {"Content-Type": "text/html"},
            _gbk_page("无声明", site.edits.get(slug, GBK_TEXT)),
        )
    if slug == "mislabel":
        return 200, {"Content-Type": "text/html; charset=utf-8"}, _gbk_page("错标")
    if slug == "big":
        return _html(article_html("big", text="大" * BIG_SIZE))
    if slug == "cut":
        return 200, {"Content-Type": "text/html; charset=utf-8"}, article_html("cut").encode()[:200]
    if slug == "from-sitemap":
        return _html(article_html("from-sitemap"))
    if slug == "truncated":  # the handler sends it short; the status logged is what the client sees
        return 200, {"Content-Type": "text/html; charset=utf-8"}, article_html("truncated").encode()
    if slug == "feed":
        return 200, {"Content-Type": "application/octet-stream"}, b"\x00\x01binary"
    return 404, {"Content-Type": "text/html"}, b"<html><body>not found</body></html>"


class _Handler(BaseHTTPRequestHandler):
    """Serves ``route()`` and logs every request."""

    site: MockSite
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence the default stderr log
        return

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        site = self.site
        with site.lock:
            site.counts[
                urlsplit(self.path).path.removeprefix("/articles/").removesuffix(".html")
            ] += 1
        status, headers, body = route(site, self.path)
        if status == 200 and self._not_modified(headers):
            status, body = 304, b""
        with site.lock:
            site.hits.append(
                Hit("GET", self.path, dict(self.headers.items()), status, time.monotonic())
            )
        if self.path.startswith("/articles/truncated"):
            self._send_truncated()
            return
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _not_modified(self, headers: dict[str, str]) -> bool:
        """True when the request's validators match the page's."""
        etag = self.headers.get("If-None-Match")
        if etag is not None:
            return etag == headers.get("ETag")
        return self.headers.get("If-Modified-Since") == headers.get("Last-Modified") is not None

    def _send_truncated(self) -> None:
        """Promise more bytes than are sent, then close the connection."""
        body = article_html("truncated").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body) + 500))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True


class _QuietServer(ThreadingHTTPServer):
    """A threaded server that does not print clients hanging up (the crawler cancels oversize bodies)."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return


@contextmanager
def serve(site: MockSite) -> Iterator[str]:
    """Run ``site`` on 127.0.0.1 (ephemeral port) for the duration of the block; yields its base URL."""
    handler = type("Handler", (_Handler,), {"site": site})
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site.base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
