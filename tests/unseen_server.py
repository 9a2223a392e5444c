"""A small loopback server for the unseen-layout crawl fixtures: static files, query-string pages,
redirects, chosen validators and Content-Types, and a log of every request it answered.

A site directory holds its pages as files; a URL with a query string is the file
``<path>@<query>`` (tracking parameters dropped, the rest sorted), e.g. ``/news/show.php?id=12&from=list``
is ``news/show.php@id=12``. ``_routes.json`` in the site root says how to serve it::

    {"redirects": {"/old/1.html": "/new/1.html"},      301 to the target
     "content_types": {"/a/b.htm": "text/html; charset=gbk"},
     "default_content_type": "text/html",               for page files (no charset unless given)
     "validators": "etag" | "last-modified" | "none",   what conditional requests can use
     "templated": ["/robots.txt"]}                       {{BASE_URL}} replaced by the server's base URL
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import json
import posixpath
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

ROUTES_NAME = "_routes.json"
EXPECTED_NAME = "expected.json"
BASE_URL_TOKEN = "{{BASE_URL}}"
PORT_TOKEN = "{{PORT}}"  # for links to the same server under another host name (localhost)
# Query parameters a real CMS ignores (visitor tracking), so the page is the same without them.
TRACKING_PREFIXES = ("utm_",)
TRACKING_NAMES = frozenset({"from", "spm", "share", "source", "ref"})
# Content-Type of files by extension; page files use the site's default_content_type.
FILE_TYPES = {
    ".gz": "application/x-gzip",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".css": "text/css",
    ".png": "image/png",
}
# A fixed Last-Modified for every page: the site never changes between the two crawls.
FIXED_MTIME = 1_760_000_000.0
SHUTDOWN_JOIN_S = 5.0  # how long to wait for the server thread after shutdown()


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the server answered."""

    host: str
    target: str  # path and query as requested
    status: int
    at: float


@dataclass
class Routes:
    """How one site directory is served (see the module docstring)."""

    redirects: dict[str, str] = field(default_factory=dict)
    content_types: dict[str, str] = field(default_factory=dict)
    default_content_type: str = "text/html"
    validators: str = "none"
    templated: frozenset[str] = frozenset()

    @classmethod
    def load(cls, root: Path) -> Routes:
        path = root / ROUTES_NAME
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return cls(
            redirects=dict(data.get("redirects", {})),
            content_types=dict(data.get("content_types", {})),
            default_content_type=data.get("default_content_type", "text/html"),
            validators=data.get("validators", "none"),
            templated=frozenset(data.get("templated", ())),
        )


def file_key(target: str) -> str:
    """The file path (relative to the root, '/'-led) of a request target: path@sorted-non-tracking-query."""
    parts = urlsplit(target)
    path = (
        unquote(parts.path.split(";")[0]) or "/"
    )  # ;jsessionid=… path parameters do not name a file
    if path.endswith("/"):
        path += "index.html"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k.lower() in TRACKING_NAMES or k.lower().startswith(TRACKING_PREFIXES))
    )
    return path + ("@" + "&".join(f"{k}={v}" for k, v in query) if query else "")


class _Handler(BaseHTTPRequestHandler):
    server: UnseenServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the server keeps its own log (UnseenServer.hits)."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        status, headers, body = self.server.answer(self.path, self.headers)
        self.server.log(self.headers.get("Host", ""), self.path, status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class UnseenServer(ThreadingHTTPServer):
    """Serves one fixture site directory on 127.0.0.1 and logs every request."""

    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.routes = Routes.load(self.root)
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.hits: list[Hit] = []
        self._lock = threading.Lock()

    def log(self, host: str, target: str, status: int) -> None:
        with self._lock:
            self.hits.append(Hit(host, target, status, time.monotonic()))

    def answer(self, target: str, request_headers: Any) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) for a GET of ``target``."""
        path = unquote(urlsplit(target).path.split(";")[0])
        if path in self.routes.redirects:
            return HTTPStatus.MOVED_PERMANENTLY, {"Location": self.routes.redirects[path]}, b""
        key = file_key(target)
        file = (self.root / key.lstrip("/")).resolve()
        if (
            not file.is_relative_to(self.root)
            or not file.is_file()
            or file.name in (ROUTES_NAME, EXPECTED_NAME)
        ):
            return (
                HTTPStatus.NOT_FOUND,
                {"Content-Type": "text/html"},
                b"<html><body>404</body></html>",
            )
        body = file.read_bytes()
        if path in self.routes.templated:
            body = self.fill_in(body, gzipped=path.endswith(".gz"))
        headers = {"Content-Type": self.content_type(path)}
        headers.update(self.validators(body))
        if self.not_modified(headers, request_headers):
            return HTTPStatus.NOT_MODIFIED, headers, b""
        return HTTPStatus.OK, headers, body

    def fill_in(self, body: bytes, *, gzipped: bool) -> bytes:
        """Replace the base-URL and port tokens (inside the gzip stream of a .gz file)."""
        text = gzip.decompress(body) if gzipped else body
        text = text.replace(BASE_URL_TOKEN.encode(), self.base_url.encode())
        text = text.replace(PORT_TOKEN.encode(), str(self.server_address[1]).encode())
        return gzip.compress(text, mtime=0) if gzipped else text

    def content_type(self, path: str) -> str:
        ext = posixpath.splitext(path)[1].lower()
        return self.routes.content_types.get(
            path, FILE_TYPES.get(ext, self.routes.default_content_type)
        )

    def validators(self, body: bytes) -> dict[str, str]:
        if self.routes.validators == "etag":
            return {"ETag": '"' + hashlib.sha256(body).hexdigest()[:16] + '"'}
        if self.routes.validators == "last-modified":
            return {"Last-Modified": email.utils.formatdate(FIXED_MTIME, usegmt=True)}
        return {}

    def not_modified(self, headers: dict[str, str], request_headers: Any) -> bool:
        etag, inm = headers.get("ETag"), request_headers.get("If-None-Match")
        if etag and inm:
            return etag in [t.strip() for t in inm.split(",")]
        ims = request_headers.get("If-Modified-Since")
        if headers.get("Last-Modified") and ims:
            try:
                return email.utils.parsedate_to_datetime(ims).timestamp() >= FIXED_MTIME
            except (TypeError, ValueError):
                return False
        return False


@contextmanager
def serve_unseen(root: Path) -> Iterator[UnseenServer]:
    """Serve a fixture site on 127.0.0.1 (ephemeral port) in a daemon thread."""
    server = UnseenServer(Path(root))
    thread = threading.Thread(target=server.serve_forever, name="unseen-site", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(SHUTDOWN_JOIN_S)
