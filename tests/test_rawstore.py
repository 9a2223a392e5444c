"""The raw store keeps every page whole, once, and survives a writer killed at any moment."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from spiders.rawstore import CorruptBodyError, RawStore, RawStoreError
from spiders.records import LedgerEntry

BODY = "<html><body><p>北京市退休人员每月划入100元</p></body></html>".encode()


def test_put_then_read_gives_the_same_bytes_and_headers(tmp_path: Path) -> None:
    store = RawStore(tmp_path / "raw")
    page = store.put(
        "http://Site.example/a.html?utm_source=x#top",
        BODY,
        headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"', "Set-Cookie": "x=1"},
        final_url="http://site.example/a.html",
    )
    assert page.url == "http://site.example/a.html"
    assert page.headers == {"content-type": "text/html; charset=utf-8", "etag": '"v1"'}
    reopened = RawStore(tmp_path / "raw")
    assert reopened.read_body(reopened.known("http://site.example/a.html?from=timeline")) == BODY
    assert len(reopened) == 1
    assert [p.url for p in reopened.pages()] == ["http://site.example/a.html"]


def test_storing_the_same_body_twice_adds_nothing(tmp_path: Path) -> None:
    store = RawStore(tmp_path / "raw")
    first = store.put("http://site.example/a.html", BODY)
    second = store.put("http://site.example/a.html?spm=1.2", BODY)
    assert first == second
    assert len(store.index_path.read_text().splitlines()) == 1


def test_a_changed_body_is_a_new_version_and_the_latest_wins(tmp_path: Path) -> None:
    store = RawStore(tmp_path / "raw")
    store.put("http://site.example/a.html", BODY)
    store.put("http://site.example/a.html", BODY + b"<!-- v2 -->")
    reopened = RawStore(tmp_path / "raw")
    assert len(reopened) == 1
    assert reopened.read_body(reopened.known("http://site.example/a.html")).endswith(b"<!-- v2 -->")


@pytest.mark.parametrize(
    ("kind", "expected"), [("article", ["/a"]), ("listing", ["/list"]), (None, ["/a", "/list"])]
)
def test_pages_filters_by_kind(tmp_path: Path, kind: str | None, expected: list[str]) -> None:
    store = RawStore(tmp_path / "raw")
    store.put("http://s.example/a", BODY, kind="article")
    store.put("http://s.example/list", BODY + b"x", kind="listing")
    assert [p.url.removeprefix("http://s.example") for p in store.pages(kind)] == expected


def test_a_torn_last_index_line_is_skipped_and_cut_before_the_next_append(tmp_path: Path) -> None:
    store = RawStore(tmp_path / "raw")
    store.put("http://s.example/a", BODY)
    with store.index_path.open("ab") as handle:
        handle.write(b'{"url": "http://s.example/b", "final_u')
    reopened = RawStore(tmp_path / "raw")
    assert [p.url for p in reopened.pages()] == ["http://s.example/a"]
    reopened.put("http://s.example/c", BODY + b"c")
    assert [p.url for p in RawStore(tmp_path / "raw").pages()] == [
        "http://s.example/a",
        "http://s.example/c",
    ]


def test_a_broken_line_in_the_middle_is_an_error_naming_the_line(tmp_path: Path) -> None:
    store = RawStore(tmp_path / "raw")
    store.put("http://s.example/a", BODY)
    with store.index_path.open("ab") as handle:
        handle.write(b"not json\n")
    store.put("http://s.example/b", BODY + b"b")
    with pytest.raises(RawStoreError, match="pages.jsonl:2"):
        RawStore(tmp_path / "raw")


def test_a_body_that_changed_on_disk_is_reported(tmp_path: Path) -> None:
    store = RawStore(tmp_path / "raw")
    page = store.put("http://s.example/a", BODY)
    import gzip

    store.body_path(page.body_sha256).write_bytes(gzip.compress(b"tampered"))
    with pytest.raises(CorruptBodyError, match="http://s.example/a"):
        store.read_body(page)


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("stored", None),
        ("unchanged", "304 not modified"),
        ("skipped", "robots"),
        ("failed", "http 404"),
    ],
)
def test_ledger_keeps_entries_per_crawl(tmp_path: Path, state: str, reason: str | None) -> None:
    store = RawStore(tmp_path / "raw")
    at = datetime(2026, 1, 1, tzinfo=UTC)
    store.record(LedgerEntry("http://s.example/a", state, reason, at, 200), crawl_id="c1")
    store.record(LedgerEntry("http://s.example/b", "failed", "http 500", at, 500), crawl_id="c2")
    assert store.ledger("c1") == [LedgerEntry("http://s.example/a", state, reason, at, 200)]
    assert len(store.ledger()) == 2
    assert store.crawl_ids() == ["c1", "c2"]


def test_an_unknown_ledger_state_is_refused(tmp_path: Path) -> None:
    store = RawStore(tmp_path / "raw")
    with pytest.raises(ValueError, match="lost"):
        store.record(LedgerEntry("http://s.example/a", "lost", None, datetime.now(UTC)))


WRITER = """
import sys
from pathlib import Path
from spiders.rawstore import RawStore
store = RawStore(Path(sys.argv[1]))
for i in range(100000):
    store.put(f"http://s.example/{i}.html", (f"<html>{i}</html>" * 2000).encode())
    if i == 20:
        print("ready", flush=True)
"""


def test_a_writer_killed_mid_stream_leaves_only_whole_pages(tmp_path: Path) -> None:
    root = tmp_path / "raw"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    store = RawStore(root)
    assert len(store) > 20
    for page in store.pages():
        assert (
            store.read_body(page)
            == (f"<html>{page.url.split('/')[-1][:-5]}</html>" * 2000).encode()
        )
    store.put("http://s.example/after.html", BODY)
    assert RawStore(root).known("http://s.example/after.html") is not None
