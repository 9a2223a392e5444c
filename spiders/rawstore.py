"""The immutable raw page store: content-addressed bodies, an append-only page index and a crawl ledger.

Layout under ``<data_dir>/raw``::

    bodies/ab/abcdef….html.gz   gzip of the body bytes, named by the sha256 of the (uncompressed) bytes
    pages.jsonl                 one RawPage per line, appended; the last line for a URL is its latest version
    ledger.jsonl                one LedgerEntry per line per URL per crawl, with the crawl id

A body file is written to a temporary file, fsync'd and renamed into place before its index line is
appended, flushed and fsync'd, so a killed writer leaves either a whole page or nothing; a torn last
line (killed mid-append) is skipped with a warning on read and cut off before the next append.
Ledger lines are flushed but not fsync'd (a killed process loses none; a power cut may lose the
last few outcomes, never a stored page).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import tempfile
import threading
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from extractors.urls import canonical_url
from spiders.records import LEDGER_STATES, LedgerEntry, RawPage

logger = logging.getLogger(__name__)

BODIES_DIR = "bodies"
PAGES_INDEX = "pages.jsonl"
LEDGER_FILE = "ledger.jsonl"
BODY_SUFFIX = ".html.gz"
# gzip level 3: ~5x smaller Chinese HTML at a small fraction of the cost of level 9.
GZIP_LEVEL = 3
# zlib window bits of a gzip stream (16 + the largest window): zlib reads the header and checks the
# CRC-32 and length in C, where gzip.decompress parses them in Python for every body.
GZIP_WBITS = 16 + zlib.MAX_WBITS
# Headers worth keeping with a page: what decoding and conditional requests need.
KEPT_HEADERS = (
    "content-type",
    "etag",
    "last-modified",
    "content-length",
    "content-encoding",
    "location",
)


class RawStoreError(RuntimeError):
    """The raw store on disk is not usable (unreadable index line, corrupt body)."""


class CorruptBodyError(RawStoreError):
    """A stored body no longer matches the sha256 it is filed under."""


def _fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(path: Path, data: bytes, *, fsync: bool) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if fsync:
        _fsync_dir(path.parent)


def _repair_tail(path: Path) -> None:
    """Cut a torn last line (no trailing newline) off an append-only JSONL file before appending."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb+") as handle:
        data = handle.read()
        if data.endswith(b"\n"):
            return
        keep = data.rfind(b"\n") + 1
        logger.warning(
            "%s: cutting a torn last line (%d bytes) left by an interrupted write",
            path,
            len(data) - keep,
        )
        handle.truncate(keep)


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Parse each complete line of a JSONL file; a torn last line is skipped with a warning."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        lines = handle.read().split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as exc:
            if number == len(lines):  # no newline after it: an append that was cut short
                logger.warning("%s:%d: skipping a torn last line (%s)", path, number, exc)
                continue
            raise RawStoreError(
                f"{path}:{number}: unreadable index line ({exc}); move the file aside to rebuild"
            ) from exc


def _gunzip(data: bytes) -> bytes:
    """The bytes of a stored body file: one gzip member, inflated and checked by zlib. EOFError when
    the file is cut short, zlib.error when it is corrupt (bad header, data, CRC-32 or length); a file
    with more after its member goes to gzip.decompress, which reads further members or refuses."""
    inflater = zlib.decompressobj(GZIP_WBITS)
    body = inflater.decompress(data)
    if not inflater.eof:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")
    return gzip.decompress(data) if inflater.unused_data else body


def _page_to_json(page: RawPage) -> dict[str, Any]:
    """A RawPage as a JSON-ready dict."""
    data = asdict(page)
    data["fetched_at"] = page.fetched_at.isoformat()
    return data


def _page_from_json(data: Mapping[str, Any]) -> RawPage:
    """A RawPage from its index line."""
    return RawPage(
        url=data["url"],
        final_url=data["final_url"],
        status=int(data["status"]),
        headers=dict(data.get("headers") or {}),
        fetched_at=datetime.fromisoformat(data["fetched_at"]),
        body_sha256=data["body_sha256"],
        size=int(data["size"]),
        kind=data.get("kind", "article"),
    )


def kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers worth storing, with lower-cased names."""
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    return {name: lowered[name] for name in KEPT_HEADERS if name in lowered}


class RawStore:
    """Content-addressed store of fetched pages plus the ledger of every URL a crawl scheduled."""

    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        self.root = Path(root)
        self.fsync = fsync  # benchmarks may turn fsync off; crawls keep it on
        self._latest: dict[str, RawPage] = {}
        self._tails_repaired = False
        # put() may run in a worker thread while record() runs in the crawl's thread: one lock per file.
        self._put_lock = threading.Lock()
        self._ledger_lock = threading.Lock()
        self._ready_lock = threading.Lock()
        for data in _read_jsonl(self.index_path):
            page = _page_from_json(data)
            self._latest[page.url] = page

    @property
    def index_path(self) -> Path:
        return self.root / PAGES_INDEX

    @property
    def ledger_path(self) -> Path:
        return self.root / LEDGER_FILE

    @cached_property
    def _bodies_root(self) -> str:
        """The directory of the body files, as a str (`_body_file` joins each body's name to it)."""
        return str(self.root / BODIES_DIR)

    def _body_file(self, sha256: str) -> str:
        """Where the body with this sha256 lives, as a str: read_body opens one per page, and
        pathlib's joins cost more than the open."""
        return f"{self._bodies_root}{os.sep}{sha256[:2]}{os.sep}{sha256[2:]}{BODY_SUFFIX}"

    def body_path(self, sha256: str) -> Path:
        """Where the body with this sha256 lives."""
        return Path(self._body_file(sha256))

    def __len__(self) -> int:
        """Number of distinct URLs stored (any kind)."""
        return len(self._latest)

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and canonical_url(url) in self._latest

    def known(self, url: str) -> RawPage | None:
        """The latest stored version of ``url`` (canonicalised), or None."""
        return self._latest.get(canonical_url(url))

    def pages(self, kind: str | None = "article") -> Iterator[RawPage]:
        """The latest stored version of every URL, of one kind (None: all kinds), in first-stored order."""
        for page in list(self._latest.values()):
            if kind is None or page.kind == kind:
                yield page

    def read_body(self, page: RawPage) -> bytes:
        """The exact bytes fetched for ``page``; raises CorruptBodyError if they no longer match."""
        path = self._body_file(page.body_sha256)
        try:
            with open(path, "rb") as handle:
                body = _gunzip(handle.read())
        except (OSError, EOFError, zlib.error) as exc:
            raise CorruptBodyError(f"{path}: cannot read the body of {page.url} ({exc})") from exc
        if hashlib.sha256(body).hexdigest() != page.body_sha256:
            raise CorruptBodyError(
                f"{path}: body of {page.url} does not match its sha256; re-crawl it"
            )
        return body

    def put(
        self,
        url: str,
        body: bytes,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        fetched_at: datetime | None = None,
        kind: str = "article",
        final_url: str | None = None,
    ) -> RawPage:
        """Store a fetched page; a body identical to the URL's latest version adds nothing and returns it."""
        with self._put_lock:
            key = canonical_url(url)
            sha = hashlib.sha256(body).hexdigest()
            latest = self._latest.get(key)
            if latest is not None and latest.body_sha256 == sha and latest.kind == kind:
                return latest
            self._write_body(sha, body)
            page = RawPage(
                url=key,
                final_url=final_url or url,
                status=status,
                headers=kept_headers(headers or {}),
                fetched_at=fetched_at or datetime.now(UTC),
                body_sha256=sha,
                size=len(body),
                kind=kind,
            )
            self._append(self.index_path, _page_to_json(page))
            self._latest[key] = page
            return page

    def _write_body(self, sha: str, body: bytes) -> None:
        """Write a body under its content address unless it is already there."""
        path = self.body_path(sha)
        if path.exists():
            return
        _atomic_write(
            path, gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0), fsync=self.fsync
        )

    def _append(self, path: Path, data: Mapping[str, Any], *, durable: bool = True) -> None:
        """Append one JSON line, flushed, and fsync'd when ``durable`` (the caller holds the file's lock)."""
        self._ready_for_writes()
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        with path.open("ab") as handle:
            handle.write(line.encode("utf-8"))
            handle.flush()
            if durable and self.fsync:
                os.fsync(handle.fileno())

    def _ready_for_writes(self) -> None:
        """Once per store: create the directory and cut torn last lines off both JSONL files."""
        with self._ready_lock:
            if self._tails_repaired:
                return
            self.root.mkdir(parents=True, exist_ok=True)
            _repair_tail(self.index_path)
            _repair_tail(self.ledger_path)
            self._tails_repaired = True

    def record(self, entry: LedgerEntry, *, crawl_id: str | None = None) -> None:
        """Append where one scheduled URL ended to the ledger."""
        if entry.state not in LEDGER_STATES:
            raise ValueError(
                f"ledger state {entry.state!r} for {entry.url} is not one of {LEDGER_STATES}"
            )
        data = asdict(entry)
        data["at"] = entry.at.isoformat()
        data["crawl_id"] = crawl_id
        with self._ledger_lock:
            self._append(self.ledger_path, data, durable=False)

    def ledger(self, crawl_id: str | None = None) -> list[LedgerEntry]:
        """Ledger entries in the order written, of one crawl or (None) of all crawls."""
        return [
            LedgerEntry(
                url=d["url"],
                state=d["state"],
                reason=d.get("reason"),
                at=datetime.fromisoformat(d["at"]),
                status=d.get("status"),
            )
            for d in _read_jsonl(self.ledger_path)
            if crawl_id is None or d.get("crawl_id") == crawl_id
        ]

    def crawl_ids(self) -> list[str]:
        """Ids of the crawls in the ledger, oldest first."""
        seen: dict[str, None] = {}
        for data in _read_jsonl(self.ledger_path):
            if data.get("crawl_id"):
                seen.setdefault(data["crawl_id"], None)
        return list(seen)
