"""The pandas loader: published tables of any release as DataFrames with proper dtypes, and the list of releases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.commands._common import DEFAULT_DATA_DIR
from pipelines.publish import (
    MANIFEST_NAME,
    latest_version,
    published_dir,
    read_manifest,
    version_dirs,
)
from pipelines.schemas import TABLE_NAMES, UnknownTableError, pandas_dtype, schema_of

__all__ = [
    "DEFAULT_DATA_DIR",
    "DatasetError",
    "NoReleaseError",
    "UnknownTableError",
    "UnknownVersionError",
    "VersionInfo",
    "list_versions",
    "load",
    "load_diff",
    "release_path",
    "resolve_version",
]

# Error messages list at most this many versions (the newest ones).
MAX_LISTED_VERSIONS = 10
# Extra files of a release that load_diff reads.
DIFF_FILE = "diff.parquet"


class DatasetError(LookupError):
    """A release or table that was asked for does not exist."""


class NoReleaseError(DatasetError):
    """Nothing has been published in the data directory yet."""


class UnknownVersionError(DatasetError):
    """No release, or more than one, matches the version asked for."""


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One release as manifest.json describes it."""

    version: str
    parent: str | None
    created_at: datetime | None
    row_counts: Mapping[str, int]
    content_hash: str
    is_latest: bool
    path: Path
    pages: int | None = None
    code_version: str | None = None
    dagster_run_id: str | None = None
    diff_summary: Mapping[str, Any] = field(default_factory=dict)


def _version_info(path: Path, latest: str | None) -> VersionInfo:
    manifest = read_manifest(path)
    created = manifest.get("created_at")
    return VersionInfo(
        version=path.name,
        parent=manifest.get("parent"),
        created_at=datetime.fromisoformat(created) if created else None,
        row_counts=manifest.get("row_counts", {}),
        content_hash=manifest.get("content_hash", ""),
        is_latest=path.name == latest,
        path=path,
        pages=manifest.get("pages"),
        code_version=manifest.get("code_version"),
        dagster_run_id=manifest.get("dagster_run_id"),
        diff_summary=manifest.get("diff_summary", {}),
    )


def list_versions(data_dir: Path = DEFAULT_DATA_DIR) -> list[VersionInfo]:
    """Every complete release, oldest first (version ids sort by time)."""
    published = published_dir(data_dir)
    latest = _latest_or_newest(published)
    return [_version_info(path, latest) for path in version_dirs(published)]


def _latest_or_newest(published: Path) -> str | None:
    """What `latest` names; the newest version if a killed publish left `latest` missing."""
    latest = latest_version(published)
    if latest is None:
        versions = version_dirs(published)
        latest = versions[-1].name if versions else None
    return latest


def _listing(names: list[str]) -> str:
    shown = names[-MAX_LISTED_VERSIONS:]
    more = f" (and {len(names) - len(shown)} older)" if len(names) > len(shown) else ""
    return ", ".join(shown) + more


def resolve_version(name: str = "latest", data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """A full version id from "latest", a full id or a unique prefix of one."""
    published = published_dir(data_dir)
    names = [p.name for p in version_dirs(published)]
    if not names:
        raise NoReleaseError(
            f"no release in {published} yet; run `shebao-policy run --data-dir {data_dir}` first"
        )
    if name == "latest":
        return _latest_or_newest(published)  # type: ignore[return-value]
    if name in names:
        return name
    matches = [n for n in names if n.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UnknownVersionError(f"version {name!r} is ambiguous: {_listing(matches)}")
    raise UnknownVersionError(f"no version {name!r} in {published}; versions: {_listing(names)}")


def release_path(version: str = "latest", data_dir: Path = DEFAULT_DATA_DIR) -> Path:
    """The directory of a release."""
    return published_dir(data_dir) / resolve_version(version, data_dir)


def manifest(version: str = "latest", data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, Any]:
    """manifest.json of a release."""
    return read_manifest(release_path(version, data_dir))


def to_frame(table: pa.Table) -> pd.DataFrame:
    """A DataFrame: Int64 / boolean / str / float64 / datetime64[us, Asia/Shanghai], lists as lists."""
    frame = table.to_pandas(types_mapper=pandas_dtype)
    for column_field in table.schema:
        if pa.types.is_list(column_field.type):
            frame[column_field.name] = pd.Series(
                table.column(column_field.name).to_pylist(), index=frame.index, dtype=object
            )
    return frame


def load(
    table: str,
    version: str = "latest",
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One published table of a release as a DataFrame with proper dtypes (optionally some columns)."""
    schema = schema_of(table)
    unknown = [c for c in columns or () if c not in schema.names]
    if unknown:
        raise DatasetError(f"{table} has no column {unknown}; its columns: {', '.join(schema.names)}")
    path = release_path(version, data_dir) / f"{table}.parquet"
    if not path.is_file():
        raise DatasetError(f"{path} is missing; this release has {_tables_in(path.parent)}")
    return to_frame(pq.read_table(path, columns=list(columns) if columns else None))


def _tables_in(release: Path) -> str:
    present = [n for n in TABLE_NAMES if (release / f"{n}.parquet").is_file()]
    return ", ".join(present) or f"no tables (is {release / MANIFEST_NAME} from an older layout?)"


def load_diff(version: str = "latest", data_dir: Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """diff.parquet of a release: what changed against its parent, one row per field."""
    return to_frame(pq.read_table(release_path(version, data_dir) / DIFF_FILE))
