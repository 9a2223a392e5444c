"""Write, audit, publish: tables → a candidate directory → an immutable version, `latest` swapped atomically.

Layout under `<data_dir>/published/`:

    .candidates/<stamp>-<pid>-<rand>-<host>/   written by write_candidate, outside the lock
    .lock                                        filelock held by promote
    <version>/                                   a release, renamed into place in one step
    latest -> <version>                          relative symlink, replaced in one step

Every step before the rename touches only the candidate; the rename and the symlink swap are
each atomic on one filesystem. A kill at any moment therefore leaves every earlier version and
`latest` readable. A kill between the rename and the swap leaves a complete newer version that
`latest` does not name yet: the next promote finds it and finishes the swap ("recovered").

The content hash is a SHA-256 over each table's schema and rows in their published order (the
converters of pipelines.schemas sort rows by key), leaving out `VOLATILE_COLUMNS` (fetch times
that change when an unchanged page is fetched again). File bytes are not hashed: Parquet metadata
holds the writer version and would make identical content look different. The manifest names
the hash's layout (`hash_version`); a release without one was hashed by layout 1, and promote
hashes a candidate by its parent's layout when they differ, so an unchanged dataset is never
published again just because the layout changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from pipelines.diff import ReleaseDiff, diff_releases
from pipelines.schemas import (
    SCHEMA_VERSION,
    SCHEMAS,
    TABLE_NAMES,
    VOLATILE_COLUMNS,
    check_required,
    with_pandas_metadata,
)

log = logging.getLogger(__name__)

PUBLISHED_DIRNAME = "published"
CANDIDATES_DIRNAME = ".candidates"
LOCK_NAME = ".lock"
LATEST_NAME = "latest"
MANIFEST_NAME = "manifest.json"
# zstd: smaller than snappy at similar read speed, and every pyarrow/pandas reader has it.
COMPRESSION = "zstd"
# A waiting publish gives up after this long; a publish of 100k articles takes far less.
DEFAULT_LOCK_TIMEOUT = 600.0
# A candidate whose writer we cannot check (another host) is stale after a day.
STALE_CANDIDATE_SECONDS = 24 * 3600
# Rows per slice when hashing: bounds memory, keeps the per-call overhead small. Slices are cut at
# fixed row numbers, so the hash depends on the rows, never on how a file groups them (50,000 =
# the stages' row group size, so releases hashed when slices followed row groups keep their hash).
HASH_BATCH_ROWS = 50_000
# Layout of the content hash: 1 = each column slice as JSON text (releases whose manifest has no
# hash_version), 2 = each column slice's Arrow values as bytes (9x faster: no Python object per cell).
HASH_VERSION = 2
HASH_VERSIONS = (1, 2)
# Read size when taking file digests.
DIGEST_BLOCK_BYTES = 1 << 20
# Version ids sort by time: UTC second, then the content hash prefix for uniqueness.
VERSION_STAMP = "%Y%m%dT%H%M%SZ"
HASH_PREFIX_LEN = 8
REPO_ROOT = Path(__file__).resolve().parents[1]
# git describe must never hang a publish.
GIT_TIMEOUT_SECONDS = 5.0


class PublishError(RuntimeError):
    """Publishing a release failed; earlier releases are untouched."""


class PublishLockedError(PublishError):
    """Another run held the publish lock for longer than the timeout."""


class CandidateError(PublishError):
    """A candidate directory is incomplete or its tables do not match the schemas."""


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What promote did: the version that is now latest, whether it is new, and why."""

    version: str
    path: Path
    published: bool
    parent: str | None
    reason: str
    content_hash: str = ""
    row_counts: Mapping[str, int] = field(default_factory=dict)
    diff_summary: Mapping[str, Any] = field(default_factory=dict)
    diff_markdown: str = ""


def published_dir(data_dir: Path) -> Path:
    """`<data_dir>/published`."""
    return Path(data_dir) / PUBLISHED_DIRNAME


# ---------------------------------------------------------------- durable writes


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_table(table: pa.Table, path: Path) -> None:
    """One Parquet file, flushed to disk before returning."""
    with open(path, "wb") as sink:
        pq.write_table(with_pandas_metadata(table), sink, compression=COMPRESSION)
        sink.flush()
        os.fsync(sink.fileno())


def _write_text(path: Path, text: str) -> None:
    """A text file written to a temporary name, fsynced and renamed over `path`."""
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8") as sink:
        sink.write(text)
        sink.flush()
        os.fsync(sink.fileno())
    os.replace(temporary, path)


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    _write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def read_manifest(release: Path) -> dict[str, Any]:
    """manifest.json of a release or candidate; CandidateError when missing or unreadable."""
    try:
        return json.loads((release / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CandidateError(f"{release / MANIFEST_NAME}: unreadable manifest ({error})") from error


def file_digest(path: Path) -> dict[str, Any]:
    """Size and SHA-256 of a file, recorded in manifest.json so a copy can be verified."""
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for block in iter(lambda: source.read(DIGEST_BLOCK_BYTES), b""):
            digest.update(block)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def verify_release(release: Path) -> list[str]:
    """Problems of a release directory (missing or altered files); empty when it is intact."""
    try:
        files = read_manifest(release).get("files", {})
    except CandidateError as error:
        return [str(error)]
    problems = [f"{release / n}: missing" for n in files if not (release / n).is_file()]
    problems += [
        f"{release / n}: content differs from manifest.json"
        for n, expected in files.items()
        if (release / n).is_file() and file_digest(release / n) != expected
    ]
    return problems


# ---------------------------------------------------------------- content hash


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot hash a {type(value).__name__}")


def content_hash(tables: Mapping[str, pa.Table], version: int = HASH_VERSION) -> str:
    """SHA-256 of the tables' schemas and rows in order, without VOLATILE_COLUMNS, by the named
    layout (HASH_VERSION)."""
    digest = _content_digest()
    for name in TABLE_NAMES:
        _hash_table(digest, name, tables[name], version)
    return digest.hexdigest()


def _content_digest() -> Any:
    """The content hash before any table (`_hash_table` adds them, in TABLE_NAMES order)."""
    return hashlib.sha256(f"schema_version={SCHEMA_VERSION}\n".encode())


def _hash_table(digest: Any, name: str, table: pa.Table, version: int = HASH_VERSION) -> None:
    """Add one table's schema and rows, without its VOLATILE_COLUMNS, to a content hash. Layout 1
    took the columns' types as the table spelled them (a list's item is `element` when read from
    Parquet); layout 2 takes the published schema's, whatever the table's origin."""
    _hash_header(digest, name, table.schema if version == 1 else SCHEMAS[name], table.num_rows, version)
    for start in range(0, table.num_rows, HASH_BATCH_ROWS):
        _hash_slice(digest, name, table.slice(start, HASH_BATCH_ROWS), version)


def _hash_header(digest: Any, name: str, schema: pa.Schema, num_rows: int, version: int) -> None:
    """What a content hash takes of a table before its rows: name, row count, columns and types."""
    if version not in HASH_VERSIONS:
        raise CandidateError(f"unknown content hash layout {version}; this version writes {HASH_VERSION}")
    digest.update(f"table={name} rows={num_rows}\n".encode())
    for column_field in schema:
        if column_field.name not in VOLATILE_COLUMNS.get(name, ()):
            digest.update(f"{column_field.name}:{column_field.type}\n".encode())


def _hash_slice(digest: Any, name: str, rows: pa.Table, version: int) -> None:
    """Add one HASH_BATCH_ROWS slice of a table (the last may be shorter) to a content hash."""
    rows = rows.drop_columns([c for c in VOLATILE_COLUMNS.get(name, ()) if c in rows.column_names])
    for column in rows.columns:
        if version == 1:
            digest.update(json.dumps(column.to_pylist(), default=_json_default, ensure_ascii=False).encode())
        else:
            for part in _value_bytes(column.combine_chunks()):
                digest.update(part)


def _write_hashed(name: str, tables: Mapping[str, pa.Table], path: Path, digest: Any) -> int:
    """Write one table of a candidate (conformed to its schema, flushed to disk) a HASH_BATCH_ROWS
    slice at a time, adding it to the content hash; a table given by its file (`TableFiles`) is
    read a batch at a time, so the candidate holds one slice, not the whole table. Returns its rows."""
    num_rows, given, batches = _table_batches(tables, name)
    _conform(name, given.empty_table())  # a table that cannot fit is refused before its first slice
    _hash_header(digest, name, SCHEMAS[name], num_rows, HASH_VERSION)
    schema = with_pandas_metadata(SCHEMAS[name].empty_table()).schema
    with open(path, "wb") as sink, pq.ParquetWriter(sink, schema, compression=COMPRESSION) as writer:
        for rows in _fixed_slices(batches, HASH_BATCH_ROWS):
            conformed = _conform(name, rows)
            writer.write_table(conformed.replace_schema_metadata(schema.metadata))
            _hash_slice(digest, name, conformed, HASH_VERSION)
        writer.close()
        sink.flush()
        os.fsync(sink.fileno())
    return num_rows


def _table_batches(tables: Mapping[str, pa.Table], name: str) -> tuple[int, pa.Schema, Iterator[pa.RecordBatch]]:
    """(row count, schema, record batches) of one table; read from its Parquet file a batch at a
    time when given as TableFiles."""
    if isinstance(tables, TableFiles):
        return tables.batches(name)
    table = tables[name]
    return table.num_rows, table.schema, iter(table.to_batches())


def _fixed_slices(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[pa.Table]:
    """The rows of record batches regrouped into tables of exactly `size` rows (the last may be
    shorter), whatever the batches' sizes: content hash slices fall at fixed row numbers."""
    pending: list[pa.Table] = []
    count = 0
    for batch in batches:
        pending.append(pa.Table.from_batches([batch]))
        count += batch.num_rows
        while count >= size:
            joined = pa.concat_tables(pending)
            yield joined.slice(0, size)
            rest = joined.slice(size)
            pending, count = ([rest] if rest.num_rows else []), rest.num_rows
    if count:
        yield pa.concat_tables(pending)


def _value_bytes(array: pa.Array) -> Iterator[Any]:
    """The values of an array as bytes, whatever its chunks or buffer offsets: which rows are null,
    then the values (nulls as zero / empty), strings and lists as their lengths then their
    contents, so two different columns of one type never give the same bytes."""
    yield np.packbits(array.is_null().to_numpy(zero_copy_only=False)).tobytes()
    kind = array.type
    if pa.types.is_list(kind):
        yield _little_endian(pc.list_value_length(array).fill_null(0))
        yield from _value_bytes(array.flatten())
    elif pa.types.is_string(kind):
        filled = array.fill_null("")
        offsets = np.frombuffer(filled.buffers()[1], dtype=np.int32)[filled.offset: filled.offset + len(filled) + 1]
        yield _little_endian(pc.binary_length(filled))
        data = filled.buffers()[2]
        if data is not None and len(filled):
            yield memoryview(data)[offsets[0]: offsets[-1]]
    elif pa.types.is_timestamp(kind):
        yield _little_endian(array.cast(pa.int64()).fill_null(0))
    elif pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        yield _little_endian(array.fill_null(pa.scalar(False if pa.types.is_boolean(kind) else 0, kind)))
    else:
        raise CandidateError(f"cannot hash a column of type {kind}; add it to publish._value_bytes")


def _little_endian(array: pa.Array) -> bytes:
    values = array.to_numpy(zero_copy_only=False)
    return values.astype(values.dtype.newbyteorder("<"), copy=False).tobytes()


# ---------------------------------------------------------------- candidates


class TableFiles(Mapping[str, pa.Table]):
    """Tables named by their Parquet files, each read only when asked for; `write_candidate` reads
    them a batch at a time."""

    def __init__(self, paths: Mapping[str, Path]) -> None:
        self.paths = dict(paths)

    def __getitem__(self, name: str) -> pa.Table:
        return pq.read_table(self.paths[name])

    def batches(self, name: str) -> tuple[int, pa.Schema, Iterator[pa.RecordBatch]]:
        """(row count, schema, record batches) of one table, its file read a batch at a time."""
        parquet = pq.ParquetFile(self.paths[name])
        return parquet.metadata.num_rows, parquet.schema_arrow, parquet.iter_batches(batch_size=HASH_BATCH_ROWS)

    def __contains__(self, name: object) -> bool:  # Mapping's default would read the table
        return name in self.paths

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def _conform(name: str, table: pa.Table) -> pa.Table:
    """The table with exactly the published schema, or CandidateError naming the difference."""
    schema = SCHEMAS[name]
    missing = [c for c in schema.names if c not in table.column_names]
    if missing:
        raise CandidateError(f"table {name!r} lacks columns {missing}; build it with pipelines.schemas")
    try:
        conformed = table if table.schema.equals(schema) else table.select(schema.names).cast(schema)
        return check_required(name, conformed)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as error:
        raise CandidateError(f"table {name!r} does not fit its schema: {error}") from error


def _candidate_name() -> str:
    stamp = datetime.now(UTC).strftime(VERSION_STAMP)
    return f"{stamp}-{os.getpid()}-{secrets.token_hex(3)}-{socket.gethostname()}"


def current_code_version() -> str:
    """The package version, with `git describe` of the checkout when there is one."""
    try:
        version = metadata.version("shebao-policy")
    except metadata.PackageNotFoundError:
        version = "unknown"
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=GIT_TIMEOUT_SECONDS, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version}+git.{described}" if described else version


def write_candidate(
    tables: Mapping[str, pa.Table],
    data_dir: Path,
    *,
    pages: int,
    run_id: str | None,
    code_version: str | None = None,
) -> Path:
    """Write the five tables and a draft manifest into a new candidate directory; return it.

    Tables are taken one at a time (conformed, written, hashed, let go), so a Mapping that reads
    each table only when asked for (`TableFiles`) holds one table in memory, not five."""
    unknown = sorted(set(tables) - set(TABLE_NAMES))
    missing = [n for n in TABLE_NAMES if n not in tables]
    if unknown or missing:
        raise CandidateError(f"a release needs exactly {list(TABLE_NAMES)}; missing {missing}, unknown {unknown}")
    candidate = published_dir(data_dir) / CANDIDATES_DIRNAME / _candidate_name()
    candidate.mkdir(parents=True)
    try:
        _write_candidate_files(candidate, tables, {
            "pages": pages,
            "dagster_run_id": run_id,
            "code_version": code_version or current_code_version(),
        })
    except BaseException:
        shutil.rmtree(candidate, ignore_errors=True)  # a failed write leaves nothing behind
        raise
    return candidate


def _write_candidate_files(candidate: Path, tables: Mapping[str, pa.Table], run: Mapping[str, Any]) -> None:
    """The tables (each conformed to its schema), then the draft manifest naming their digests, then
    the directory entry, on disk."""
    digest, rows = _content_digest(), {}
    for name in TABLE_NAMES:
        rows[name] = _write_hashed(name, tables, candidate / f"{name}.parquet", digest)
    _write_json(candidate / MANIFEST_NAME, {
        **run,
        "state": "candidate",
        "content_hash": digest.hexdigest(),
        "hash_version": HASH_VERSION,
        "schema_version": SCHEMA_VERSION,
        "row_counts": rows,
        "files": {f"{name}.parquet": file_digest(candidate / f"{name}.parquet") for name in TABLE_NAMES},
        "written_at": datetime.now(UTC).isoformat(),
    })
    _fsync_dir(candidate)


def _check_candidate(candidate: Path) -> dict[str, Any]:
    """The draft manifest of a complete candidate, or CandidateError saying what is missing."""
    if not candidate.is_dir():
        raise CandidateError(f"{candidate}: no such candidate directory")
    manifest = read_manifest(candidate)
    absent = [n for n in TABLE_NAMES if not (candidate / f"{n}.parquet").is_file()]
    if absent or manifest.get("state") != "candidate" or "content_hash" not in manifest:
        raise CandidateError(f"{candidate}: incomplete candidate (missing tables {absent}); write it again")
    return manifest


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_stale(path: Path, keep: Path | None) -> bool:
    """A leftover of a killed run: older than a day, or last written before the candidate being
    promoted by a process of this host that is gone (a live writer's candidate is never removed)."""
    modified = path.lstat().st_mtime_ns
    if time.time() - modified / 1e9 > STALE_CANDIDATE_SECONDS:
        return True
    _stamp, pid, _rand, host = (path.name.split("-", 3) + ["", "", "", ""])[:4]
    if host != socket.gethostname() or not pid.isdigit() or _process_alive(int(pid)):
        return False
    return keep is None or not keep.exists() or modified < keep.lstat().st_mtime_ns


def clean_leftovers(published: Path, keep: Path | None = None) -> list[Path]:
    """Remove candidates and temporary links left by killed runs (call under the lock)."""
    removed = []
    leftovers = list(published.glob(f".{LATEST_NAME}.tmp-*"))
    candidates = published / CANDIDATES_DIRNAME
    if candidates.is_dir():
        leftovers += [p for p in candidates.iterdir() if p != keep]
    for path in leftovers:
        if path.is_dir() and not path.is_symlink():
            if not _is_stale(path, keep):
                continue
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        log.info("removed leftover of an interrupted publish: %s", path)
        removed.append(path)
    return removed


# ---------------------------------------------------------------- versions and latest


def version_dirs(published: Path) -> list[Path]:
    """Complete releases (a manifest naming the directory), oldest first."""
    if not published.is_dir():
        return []
    found = []
    for path in published.iterdir():
        if path.name.startswith(".") or path.is_symlink() or not path.is_dir():
            continue
        try:
            if read_manifest(path).get("version") == path.name:
                found.append(path)
        except CandidateError:
            log.warning("ignoring %s: no readable manifest.json", path)
    return sorted(found, key=lambda p: p.name)


def latest_version(published: Path) -> str | None:
    """The version `latest` points at, or None before the first release."""
    link = published / LATEST_NAME
    if not link.is_symlink():
        return None
    target = Path(os.readlink(link)).name
    return target if (published / target / MANIFEST_NAME).is_file() else None


def _swap_latest(published: Path, version: str) -> None:
    """Point `latest` at `version`: a new relative symlink replaces the old one in one step."""
    temporary = published / f".{LATEST_NAME}.tmp-{os.getpid()}-{secrets.token_hex(3)}"
    os.symlink(version, temporary)
    try:
        os.replace(temporary, published / LATEST_NAME)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise PublishError(f"cannot replace {published / LATEST_NAME}: {error}") from error
    _fsync_dir(published)


def recover_latest(published: Path) -> str | None:
    """Make `latest` name the newest complete version (finishes a publish killed after its rename)."""
    versions = version_dirs(published)
    if not versions:
        return None
    newest = versions[-1].name
    if latest_version(published) != newest:
        log.warning("latest did not point at the newest complete version %s; fixing", newest)
        _swap_latest(published, newest)
    return newest


def new_version_id(content: str, parent: str | None, now: datetime | None = None) -> str:
    """`YYYYMMDDTHHMMSSZ-<hash8>`, strictly later than the parent's stamp."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    if parent:
        parent_moment = datetime.strptime(parent.split("-")[0], VERSION_STAMP).replace(tzinfo=UTC)
        moment = max(moment, parent_moment + timedelta(seconds=1))
    return f"{moment.strftime(VERSION_STAMP)}-{content[:HASH_PREFIX_LEN]}"


# ---------------------------------------------------------------- promote


def _acquire(lock: FileLock, published: Path, timeout: float) -> None:
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise PublishLockedError(
            f"another run is publishing into {published} (lock {lock.lock_file} held for more than "
            f"{timeout:.0f}s); wait for it to finish and run again"
        ) from None


def promote(
    candidate: Path,
    data_dir: Path,
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    now: datetime | None = None,
) -> PublishResult:
    """Under the publish lock: skip identical content, else diff, finish the manifest, rename, swap latest."""
    published = published_dir(data_dir)
    candidate = Path(candidate)
    if candidate.resolve().parent != (published / CANDIDATES_DIRNAME).resolve():
        raise CandidateError(
            f"{candidate} is not under {published / CANDIDATES_DIRNAME}: a release is renamed into "
            "place, so write it with write_candidate(…, data_dir) of the same data directory"
        )
    _check_candidate(candidate)  # fail fast, before waiting for the lock
    lock = FileLock(published / LOCK_NAME)
    _acquire(lock, published, lock_timeout)
    try:
        draft = _check_candidate(candidate)  # still there: another run's cleanup may not take it
        parent = recover_latest(published)
        clean_leftovers(published, keep=candidate)
        if parent and _same_content(candidate, draft, read_manifest(published / parent)):
            shutil.rmtree(candidate)
            return _unchanged(published, parent)
        return _promote_locked(candidate, published, draft, parent, now)
    finally:
        lock.release()


def _same_content(candidate: Path, draft: Mapping[str, Any], parent: Mapping[str, Any]) -> bool:
    """Whether a candidate holds its parent's content: by the draft's hash, or, when the parent was
    hashed by another layout, by the candidate's tables hashed the parent's way."""
    layout = parent.get("hash_version", 1)
    if layout == draft.get("hash_version", 1):
        return bool(parent.get("content_hash") == draft["content_hash"])
    if layout not in HASH_VERSIONS:
        log.warning("latest release hashed by layout %r, which this version does not know: publishing "
                    "the candidate as new content", layout)
        return False
    log.info("latest release hashed by layout %s: hashing the candidate that way to compare", layout)
    tables = TableFiles({name: candidate / f"{name}.parquet" for name in TABLE_NAMES})
    return bool(parent.get("content_hash") == content_hash(tables, layout))


def _unchanged(published: Path, version: str) -> PublishResult:
    manifest = read_manifest(published / version)
    return PublishResult(
        version=version,
        path=published / version,
        published=False,
        parent=manifest.get("parent"),
        reason=f"content equals {version}",
        content_hash=manifest["content_hash"],
        row_counts=manifest.get("row_counts", {}),
        diff_summary={},
    )


def _final_manifest(
    candidate: Path, draft: dict[str, Any], version: str, parent: str | None, now: datetime | None,
    diff: ReleaseDiff,
) -> dict[str, Any]:
    """The draft manifest completed with version, parent, creation time, diff counts and digests."""
    manifest = {key: value for key, value in draft.items() if key not in ("state", "written_at")}
    return manifest | {
        "version": version,
        "parent": parent,
        "created_at": (now or datetime.now(UTC)).astimezone(UTC).isoformat(),
        "diff_summary": diff.summary(),
        "files": {**draft.get("files", {}),
                  **{n: file_digest(candidate / n) for n in ("diff.md", "diff.parquet")}},
    }


def _promote_locked(
    candidate: Path, published: Path, draft: dict[str, Any], parent: str | None, now: datetime | None
) -> PublishResult:
    """Diff against the parent, finish the manifest, rename into place, swap `latest`."""
    version = new_version_id(draft["content_hash"], parent, now)
    diff = diff_releases(
        published / parent if parent else None, candidate, old_name=parent, new_name=version
    )
    markdown = diff.markdown()
    _write_text(candidate / "diff.md", markdown)
    _write_table(diff.rows, candidate / "diff.parquet")
    manifest = _final_manifest(candidate, draft, version, parent, now, diff)
    _write_json(candidate / MANIFEST_NAME, manifest)
    _fsync_dir(candidate)
    os.rename(candidate, published / version)
    _fsync_dir(published)
    _swap_latest(published, version)
    return PublishResult(
        version=version, path=published / version, published=True, parent=parent,
        reason=f"new content against {parent}" if parent else "first release",
        content_hash=manifest["content_hash"], row_counts=manifest["row_counts"],
        diff_summary=manifest["diff_summary"], diff_markdown=markdown,
    )


def publish(
    tables: Mapping[str, pa.Table],
    data_dir: Path,
    *,
    pages: int,
    run_id: str | None,
    code_version: str | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> PublishResult:
    """write_candidate + promote; the candidate is removed if promotion fails."""
    candidate = write_candidate(tables, data_dir, pages=pages, run_id=run_id, code_version=code_version)
    try:
        return promote(candidate, data_dir, lock_timeout=lock_timeout)
    finally:
        if candidate.exists():
            shutil.rmtree(candidate, ignore_errors=True)
