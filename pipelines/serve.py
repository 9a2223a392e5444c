"""Serve a static site directory over HTTP on 127.0.0.1 with ETag, Last-Modified and per-path Content-Type."""

from __future__ import annotations

import email.utils
import hashlib
import json
import posixpath
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The site's serving rules: per-path Content-Type overrides and files whose base-URL token is filled in.
SERVE_CONFIG_NAME = "_serve.json"
# Token in robots.txt / sitemaps replaced by the server's own base URL (sitemaps need absolute URLs).
BASE_URL_TOKEN = "{{BASE_URL}}"
# Content-Type by file extension when the config has no override for the path.
DEFAULT_TYPES: Mapping[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".json": "application/json",
}
FALLBACK_TYPE = "application/octet-stream"
SHUTDOWN_JOIN_S = 5.0  # how long to wait for the server thread after shutdown()


class ServeConfigError(ValueError):
    """The site's _serve.json is not valid JSON or has the wrong shape."""


def default_content_type(path: str) -> str:
    """Content-Type the server sends for ``path`` when nothing overrides it."""
    return DEFAULT_TYPES.get(posixpath.splitext(path)[1].lower(), FALLBACK_TYPE)


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """How a site root is served: Content-Type overrides and templated paths."""

    content_types: dict[str, str] = field(default_factory=dict)
    templated: frozenset[str] = frozenset()

    @classmethod
    def load(cls, root: Path) -> ServeConfig:
        """Read ``root/_serve.json`` (absent = no overrides)."""
        path = root / SERVE_CONFIG_NAME
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(dict(data.get("content_types", {})), frozenset(data.get("templated", ())))
        except (ValueError, AttributeError, TypeError) as exc:
            raise ServeConfigError(f"{path}: {exc}; regenerate the site with `python -m pipelines.sample_site`") from exc

    def to_json(self) -> str:
        """The config file text."""
        data = {"content_types": dict(sorted(self.content_types.items())), "templated": sorted(self.templated)}
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


class _Handler(BaseHTTPRequestHandler):
    """GET/HEAD of files under the root; conditional requests; no listings, no logging."""

    server: _SiteServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Quiet: tests and crawls would drown in access logs."""

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self._respond(send_body=False)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._respond(send_body=True)

    def _respond(self, send_body: bool) -> None:
        """Serve the file for the request path, a 304, or a 404."""
        url_path = unquote(urlsplit(self.path).path) or "/"
        found = self.server.resolve(url_path)
        if found is None:
            self._send(HTTPStatus.NOT_FOUND, b"<h1>404 Not Found</h1>", "text/html; charset=utf-8", {}, send_body)
            return
        body, content_type, mtime, stored = found
        headers = {"ETag": '"' + hashlib.sha256(stored).hexdigest() + '"',
                   "Last-Modified": email.utils.formatdate(mtime, usegmt=True)}
        if self._not_modified(headers["ETag"], mtime):
            self._send(HTTPStatus.NOT_MODIFIED, b"", None, headers, False)
            return
        self._send(HTTPStatus.OK, body, content_type, headers, send_body)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        """If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")]
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
            return int(mtime) <= since
        return False

    def _send(self, status: HTTPStatus, body: bytes, ctype: str | None, headers: dict[str, str], send_body: bool) -> None:
        """Write status, headers and (for GET) the body."""
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class _SiteServer(ThreadingHTTPServer):
    """A threading server that knows its site root and serving rules."""

    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.config = ServeConfig.load(self.root)
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"

    def resolve(self, url_path: str) -> tuple[bytes, str, float, bytes] | None:
        """(body, Content-Type, mtime, bytes as stored) of a URL path, or None (missing, a directory,
        outside the root, the config). The ETag hashes the stored bytes, so a templated file (robots.txt,
        sitemaps) keeps its validator when the site is served again on another port."""
        if url_path.endswith("/"):
            url_path += "index.html"
        file = (self.root / url_path.lstrip("/")).resolve()
        if not file.is_relative_to(self.root) or not file.is_file() or file.name == SERVE_CONFIG_NAME:
            return None
        stored = file.read_bytes()
        body = stored
        if url_path in self.config.templated:
            body = stored.replace(BASE_URL_TOKEN.encode(), self.base_url.encode())
        ctype = self.config.content_types.get(url_path, default_content_type(url_path))
        return body, ctype, file.stat().st_mtime, stored


@contextmanager
def serve_site(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (an ephemeral port) in a daemon thread; yields the base URL, no trailing slash."""
    if not Path(root).is_dir():
        raise FileNotFoundError(f"cannot serve {root}: not a directory (generate it with `python -m pipelines.sample_site`)")
    server = _SiteServer(Path(root))
    thread = threading.Thread(target=server.serve_forever, name=f"serve-site-{server.base_url}", daemon=True)
    thread.start()
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(SHUTDOWN_JOIN_S)
