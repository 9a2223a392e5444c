"""RawStore.read_body inflates bodies with zlib in C: the bytes gzip.decompress gave, and a clear
CorruptBodyError naming the URL for any body file that is cut short, corrupt or tampered with."""

from __future__ import annotations

import gzip
import io
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from spiders.rawstore import CorruptBodyError, RawStore

URL = "http://s.example/a.html"
BODY = "<html><body><p>北京市退休人员每月划入100元。</p></body></html>".encode() * 50


def _stored(tmp_path: Path) -> tuple[RawStore, Path]:
    store = RawStore(tmp_path / "raw", fsync=False)
    page = store.put(URL, BODY)
    return store, store.body_path(page.body_sha256)


def test_a_stored_body_reads_back_as_its_bytes(tmp_path: Path) -> None:
    store, _ = _stored(tmp_path)
    page = store.known(URL)
    assert page is not None and store.read_body(page) == BODY


def test_a_gzip_member_with_a_file_name_in_its_header_reads_back(tmp_path: Path) -> None:
    store, path = _stored(tmp_path)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="page.html", mode="wb", fileobj=buffer, mtime=0) as handle:
        handle.write(BODY)
    path.write_bytes(buffer.getvalue())
    assert store.read_body(store.known(URL)) == BODY  # type: ignore[arg-type]


def test_zero_padding_after_the_member_is_read_through_as_gzip_does(tmp_path: Path) -> None:
    store, path = _stored(tmp_path)
    path.write_bytes(path.read_bytes() + b"\0" * 16)
    assert store.read_body(store.known(URL)) == BODY  # type: ignore[arg-type]


def _cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _flip_middle(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def _wrong_crc(data: bytes) -> bytes:
    crc, size = struct.unpack("<II", data[-8:])
    return data[:-8] + struct.pack("<II", crc ^ 1, size)


def _wrong_length(data: bytes) -> bytes:
    crc, size = struct.unpack("<II", data[-8:])
    return data[:-8] + struct.pack("<II", crc, size + 1)


def _second_member(data: bytes) -> bytes:
    return data + gzip.compress(b"<p>more</p>")


def _not_gzip(data: bytes) -> bytes:
    return b"<html>plain</html>"


@pytest.mark.parametrize(
    "damage",
    [_cut, _flip_middle, _wrong_crc, _wrong_length, _second_member, _not_gzip, lambda data: b""],
    ids=["truncated", "corrupt-data", "wrong-crc", "wrong-length", "second-member", "not-gzip", "empty"],
)
def test_a_damaged_body_file_is_a_corrupt_body_error_naming_the_url(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    store, path = _stored(tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CorruptBodyError, match=URL):
        store.read_body(store.known(URL))  # type: ignore[arg-type]


def test_a_missing_body_file_is_a_corrupt_body_error_naming_the_url(tmp_path: Path) -> None:
    store, path = _stored(tmp_path)
    path.unlink()
    with pytest.raises(CorruptBodyError, match=URL):
        store.read_body(store.known(URL))  # type: ignore[arg-type]


def test_a_store_opened_by_a_relative_path_reads_its_bodies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _stored(tmp_path)
    monkeypatch.chdir(tmp_path)
    store = RawStore(Path("raw"), fsync=False)
    assert store.read_body(store.known(URL)) == BODY  # type: ignore[arg-type]
