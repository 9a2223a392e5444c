"""What changed between two releases: rules and conflicts row by row, field by field, with evidence."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.schemas import KEY_COLUMNS, SCHEMAS, TABLE_NAMES, key_of, sort_key

# Tables compared row by row; the others (large, derived) are compared by counts only.
DIFFED_TABLES = ("credit_rules", "conflicts")
# Tables whose rows are counted as added/removed by key (cheap: one key column).
KEYED_COUNT_TABLES = ("articles",)

# Fields whose change means the published answer changed; other fields only change the support.
VALUE_FIELDS: dict[str, tuple[str, ...]] = {
    "credit_rules": ("region", "method", "monthly_yuan", "ratio_min", "ratio_max", "base",
                     "approximate", "deduction_yuan", "status"),
    "conflicts": ("region", "chosen", "status", "reason", "candidate_values"),
}
# Columns not compared: the raw candidates JSON is shown through its readable candidate_values.
IGNORED_FIELDS: dict[str, tuple[str, ...]] = {"conflicts": ("candidates", "n_candidates")}

# diff.md stays readable for a first release of a whole site; diff.parquet always has every row.
MAX_MARKDOWN_SECTIONS = 100
# Evidence sentences and URLs shown per side in diff.md.
MAX_MARKDOWN_LINES = 5

STRINGS = pa.list_(pa.string())
DIFF_SCHEMA = pa.schema(
    [
        pa.field("table", pa.string(), nullable=False),
        pa.field("change", pa.string(), nullable=False),  # added | removed | changed
        pa.field("kind", pa.string()),  # value | support for changed fields, null otherwise
        pa.field("key", pa.string(), nullable=False),  # readable, e.g. "北京市 retiree [70,∞)"
        pa.field("region", pa.string()),
        pa.field("region_code", pa.string()),
        pa.field("population", pa.string()),
        pa.field("age_min", pa.int32()),
        pa.field("age_max", pa.int32()),
        pa.field("field", pa.string()),  # null for whole-row added / removed
        pa.field("old", pa.string()),
        pa.field("new", pa.string()),
        pa.field("old_evidence", STRINGS),
        pa.field("new_evidence", STRINGS),
        pa.field("old_sources", STRINGS),
        pa.field("new_sources", STRINGS),
    ]
)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one key whose value differs between the releases."""

    field: str
    old: Any
    new: Any
    kind: str  # "value" | "support"


@dataclass(frozen=True, slots=True)
class RowChange:
    """One key of a diffed table that was added, removed or changed."""

    table: str
    change: str  # "added" | "removed" | "changed"
    key: tuple[Any, ...]
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None
    fields: tuple[FieldChange, ...] = ()

    @property
    def row(self) -> Mapping[str, Any]:
        """The newest side of the row (the old one for a removed row)."""
        return self.new if self.new is not None else self.old  # type: ignore[return-value]

    @property
    def is_value_change(self) -> bool:
        return self.change != "changed" or any(f.kind == "value" for f in self.fields)


@dataclass(frozen=True, slots=True)
class TableCount:
    """Row counts of one table on both sides, and keys added/removed where known."""

    old_rows: int
    new_rows: int
    added: int | None = None
    removed: int | None = None
    changed: int | None = None


@dataclass(frozen=True, slots=True)
class ReleaseDiff:
    """The difference between a release (or nothing) and a newer release."""

    old_version: str | None
    new_version: str
    changes: tuple[RowChange, ...]
    counts: Mapping[str, TableCount] = field(default_factory=dict)

    @property
    def rows(self) -> pa.Table:
        """One row per added/removed key and per changed field (the content of diff.parquet)."""
        return pa.Table.from_pylist([r for c in self.changes for r in _parquet_rows(c)], DIFF_SCHEMA)

    def summary(self) -> dict[str, Any]:
        """Counts per table, for Dagster metadata and manifest.json."""
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "tables": {
                name: {k: v for k, v in asdict(count).items() if v is not None}
                for name, count in self.counts.items()
            },
        }

    def summary_markdown(self) -> str:
        """The counts as a Markdown table."""
        return _summary_table(self.counts)

    def markdown(self) -> str:
        """diff.md: a title, the counts, then one section per change with evidence and URLs."""
        title = (
            f"# Release {self.new_version} against {self.old_version}"
            if self.old_version
            else f"# Release {self.new_version} (first release)"
        )
        parts = [title, "", _summary_table(self.counts)]
        for table in DIFFED_TABLES:
            parts.append(_table_sections(table, [c for c in self.changes if c.table == table]))
        return "\n".join(parts).rstrip() + "\n"


def _manifest_version(release: Path) -> str:
    """The version named in a release's manifest.json, else the directory name."""
    try:
        manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return release.name
    return str(manifest.get("version") or release.name)


def read_table(release: Path | None, name: str, columns: Sequence[str] | None = None) -> pa.Table:
    """A table of a release; an absent release or file (older release) reads as empty."""
    path = None if release is None else release / f"{name}.parquet"
    if path is None or not path.exists():
        schema = SCHEMAS[name]
        return schema.empty_table() if columns is None else pa.schema(
            [schema.field(c) for c in columns]).empty_table()
    return pq.read_table(path, columns=list(columns) if columns else None)


def diff_releases(
    old: Path | None, new: Path, *, old_name: str | None = None, new_name: str | None = None
) -> ReleaseDiff:
    """Compare two release directories (old None = first release); names default to the manifests'."""
    changes: list[RowChange] = []
    counts: dict[str, TableCount] = {}
    for table in DIFFED_TABLES:
        table_changes = diff_rows(
            table, read_table(old, table).to_pylist(), read_table(new, table).to_pylist()
        )
        changes.extend(table_changes)
        counts[table] = _count_changes(table, old, new, table_changes)
    for table in TABLE_NAMES:
        if table not in counts:
            counts[table] = _count_table(table, old, new)
    return ReleaseDiff(
        old_version=old_name or (_manifest_version(old) if old is not None else None),
        new_version=new_name or _manifest_version(new),
        changes=tuple(changes),
        counts=counts,
    )


def _count_changes(table: str, old: Path | None, new: Path, changes: Sequence[RowChange]) -> TableCount:
    kinds = [c.change for c in changes]
    return TableCount(
        old_rows=_num_rows(old, table),
        new_rows=_num_rows(new, table),
        added=kinds.count("added"),
        removed=kinds.count("removed"),
        changed=kinds.count("changed"),
    )


def _count_table(table: str, old: Path | None, new: Path) -> TableCount:
    """Row counts; for KEYED_COUNT_TABLES also keys added and removed."""
    if table not in KEYED_COUNT_TABLES:
        return TableCount(old_rows=_num_rows(old, table), new_rows=_num_rows(new, table))
    columns = KEY_COLUMNS[table]
    old_keys = set(zip(*read_table(old, table, columns).to_pydict().values(), strict=True))
    new_keys = set(zip(*read_table(new, table, columns).to_pydict().values(), strict=True))
    return TableCount(
        old_rows=_num_rows(old, table),
        new_rows=_num_rows(new, table),
        added=len(new_keys - old_keys),
        removed=len(old_keys - new_keys),
    )


def _num_rows(release: Path | None, table: str) -> int:
    path = None if release is None else release / f"{table}.parquet"
    if path is None or not path.exists():
        return 0
    return pq.ParquetFile(path).metadata.num_rows


def diff_rows(
    table: str, old_rows: Iterable[Mapping[str, Any]], new_rows: Iterable[Mapping[str, Any]]
) -> list[RowChange]:
    """Added, removed and changed keys of one table, in key order.

    A key that repeats (a release the uniqueness check would block) is matched occurrence by
    occurrence, so the diff still shows every row instead of silently keeping one."""
    old_by_key = _by_key(table, old_rows)
    new_by_key = _by_key(table, new_rows)
    changes: list[RowChange] = []
    for key in sorted(old_by_key.keys() | new_by_key.keys(), key=sort_key):
        before, after = old_by_key.get(key), new_by_key.get(key)
        if before is None:
            changes.append(RowChange(table, "added", key, None, after))
        elif after is None:
            changes.append(RowChange(table, "removed", key, before, None))
        else:
            fields = compare_fields(table, before, after)
            if fields:
                changes.append(RowChange(table, "changed", key, before, after, fields))
    return changes


def _by_key(table: str, rows: Iterable[Mapping[str, Any]]) -> dict[tuple[Any, ...], Mapping[str, Any]]:
    """Rows by key; the n-th repeat of a key gets the key plus (n,) so that none is lost."""
    found: dict[tuple[Any, ...], Mapping[str, Any]] = {}
    for row in rows:
        key = key_of(table, row)
        repeat = 0
        while key + ((repeat,) if repeat else ()) in found:
            repeat += 1
        found[key + ((repeat,) if repeat else ())] = row
    return found


def compare_fields(
    table: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[FieldChange, ...]:
    """The fields (outside the key) that differ, value fields first."""
    skipped = set(KEY_COLUMNS[table]) | set(IGNORED_FIELDS.get(table, ()))
    value_fields = VALUE_FIELDS.get(table, ())
    names = [n for n in SCHEMAS[table].names if n not in skipped]
    names.sort(key=lambda n: n not in value_fields)
    return tuple(
        FieldChange(n, old.get(n), new.get(n), "value" if n in value_fields else "support")
        for n in names
        if old.get(n) != new.get(n)
    )


def text_of(value: Any) -> str | None:
    """A field value as text for diff.parquet and diff.md (lists as JSON, times as ISO)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def readable_key(table: str, row: Mapping[str, Any]) -> str:
    """E.g. "北京市 retiree [70,∞)"; conflicts add the disputed field."""
    lo, hi = row.get("age_min"), row.get("age_max")
    band = "all ages" if lo is None and hi is None else (
        f"[{lo},{'∞' if hi is None else hi})" if lo is not None else f"(-∞,{hi})"
    )
    text = f"{row.get('region')} {row.get('population')} {band}"
    return f"{text} · {row['field']}" if table == "conflicts" else text


def evidence_of(table: str, row: Mapping[str, Any] | None) -> tuple[list[str], list[str]]:
    """(evidence sentences, source URLs) of a row; for a conflict, those of all its candidates."""
    if row is None:
        return [], []
    if table != "conflicts":
        return list(row.get("evidence") or []), list(row.get("source_urls") or [])
    evidence: dict[str, None] = {}
    sources: dict[str, None] = {}
    for candidate in json.loads(row.get("candidates") or "[]"):
        evidence.update(dict.fromkeys(candidate.get("evidence") or []))
        sources.update(dict.fromkeys(candidate.get("source_urls") or []))
    return list(evidence), list(sources)


def describe_row(table: str, row: Mapping[str, Any]) -> str:
    """The value fields of a row as "name=value, …" (the old/new text of an added/removed row)."""
    parts = [f"{n}={text_of(row.get(n))}" for n in VALUE_FIELDS[table]
             if n != "region" and row.get(n) is not None]
    return ", ".join(parts)


def _parquet_rows(change: RowChange) -> list[dict[str, Any]]:
    row = change.row
    old_evidence, old_sources = evidence_of(change.table, change.old)
    new_evidence, new_sources = evidence_of(change.table, change.new)
    common = {
        "table": change.table,
        "change": change.change,
        "key": readable_key(change.table, row),
        **{c: row.get(c) for c in ("region", "region_code", "population", "age_min", "age_max")},
        "old_evidence": old_evidence,
        "new_evidence": new_evidence,
        "old_sources": old_sources,
        "new_sources": new_sources,
    }
    if change.change != "changed":
        return [{**common, "kind": None, "field": None,
                 "old": describe_row(change.table, change.old) if change.old else None,
                 "new": describe_row(change.table, change.new) if change.new else None}]
    return [{**common, "kind": f.kind, "field": f.field, "old": text_of(f.old),
             "new": text_of(f.new)} for f in change.fields]


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    text = text_of(value)
    return "—" if text is None else text.replace("|", "\\|").replace("\n", " ")


def _summary_table(counts: Mapping[str, TableCount]) -> str:
    lines = ["| table | rows before | rows after | added | removed | changed |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, c in counts.items():
        lines.append(f"| {name} | {c.old_rows} | {c.new_rows} | {_cell(c.added)} | "
                     f"{_cell(c.removed)} | {_cell(c.changed)} |")
    return "\n".join(lines) + "\n"


def _table_sections(table: str, changes: Sequence[RowChange]) -> str:
    """The sections of one table: value changes first, then support-only changes."""
    if not changes:
        return f"## {table}\n\nNo changes.\n"
    ordered = sorted(changes, key=lambda c: not c.is_value_change)
    shown = ordered[:MAX_MARKDOWN_SECTIONS]
    parts = [f"## {table}\n"] + [_section(c) for c in shown]
    if len(ordered) > len(shown):
        parts.append(f"… and {len(ordered) - len(shown)} more changes (see diff.parquet).\n")
    return "\n".join(parts)


def _section(change: RowChange) -> str:
    title = change.change if change.is_value_change else "changed (support only)"
    lines = [f"### {title}: {readable_key(change.table, change.row)}", ""]
    if change.change == "changed":
        lines += ["| field | old | new |", "|---|---|---|"]
        lines += [f"| {f.field} | {_cell(f.old)} | {_cell(f.new)} |" for f in change.fields]
    else:
        side = change.new if change.change == "added" else change.old
        lines.append(f"Values: {describe_row(change.table, side or {})}")
    lines.append("")
    for label, side in (("before", change.old), ("after", change.new)):
        lines += _evidence_lines(change.table, label, side)
    return "\n".join(lines)


def _evidence_lines(table: str, label: str, row: Mapping[str, Any] | None) -> list[str]:
    if row is None:
        return []
    evidence, sources = evidence_of(table, row)
    lines = [f"**Evidence {label}:**", ""] + _bullets(evidence, "{}")
    return lines + [f"**Sources {label}:**", ""] + _bullets(sources, "<{}>")


def _bullets(items: Sequence[str], template: str) -> list[str]:
    """A Markdown list of at most MAX_MARKDOWN_LINES items, a blank line after it."""
    lines = [f"- {template.format(item)}" for item in items[:MAX_MARKDOWN_LINES]] or ["- (none)"]
    if len(items) > MAX_MARKDOWN_LINES:
        lines.append(f"- … {len(items) - MAX_MARKDOWN_LINES} more")
    return lines + [""]
