"""Explicit pyarrow schemas of the five published tables, and converters from records to tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from extractors.records import Article, Claim
from pipelines.records import Candidate, Conflict, CreditRule, ParagraphRow

# Bumped whenever a column is added, removed, renamed or changes type; recorded in manifest.json.
SCHEMA_VERSION = 1

# Timezone of every published timestamp: the policies and the sites are Chinese (DESIGN.md).
TIMEZONE = "Asia/Shanghai"
TZINFO = ZoneInfo(TIMEZONE)
TIMESTAMP = pa.timestamp("us", tz=TIMEZONE)
STRINGS = pa.list_(pa.string())

ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("site", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("published_at", TIMESTAMP),
        pa.field("fetched_at", TIMESTAMP),
        pa.field("title_region", pa.string()),
        pa.field("content_sha256", pa.string(), nullable=False),
        pa.field("extractor", pa.string(), nullable=False),
        pa.field("alternate_urls", STRINGS),
        pa.field("encoding", pa.string()),
        pa.field("n_paragraphs", pa.int32()),
    ]
)

PARAGRAPHS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("ordinal", pa.int32(), nullable=False),
        pa.field("section", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("norm_hash", pa.string(), nullable=False),
        pa.field("cluster_id", pa.string()),
        pa.field("cluster_size", pa.int32()),
        pa.field("is_boilerplate", pa.bool_()),
    ]
)

CLAIMS = pa.schema(
    [
        pa.field("region", pa.string(), nullable=False),
        pa.field("region_code", pa.string(), nullable=False),
        pa.field("population", pa.string(), nullable=False),
        pa.field("age_min", pa.int32()),
        pa.field("age_max", pa.int32()),
        pa.field("method", pa.string()),
        pa.field("monthly_yuan", pa.float64()),
        pa.field("amount_yuan", pa.float64()),
        pa.field("period", pa.string()),
        pa.field("ratio_min", pa.float64()),
        pa.field("ratio_max", pa.float64()),
        pa.field("base", pa.string()),
        pa.field("approximate", pa.bool_()),
        pa.field("deduction_yuan", pa.float64()),
        pa.field("evidence", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("paragraph_ordinal", pa.int32(), nullable=False),
        pa.field("cluster_id", pa.string()),
        pa.field("evidence_more", STRINGS),
    ]
)

CREDIT_RULES = pa.schema(
    [
        pa.field("region", pa.string(), nullable=False),
        pa.field("region_code", pa.string(), nullable=False),
        pa.field("population", pa.string(), nullable=False),
        pa.field("age_min", pa.int32()),
        pa.field("age_max", pa.int32()),
        pa.field("method", pa.string()),
        pa.field("monthly_yuan", pa.float64()),
        pa.field("ratio_min", pa.float64()),
        pa.field("ratio_max", pa.float64()),
        pa.field("base", pa.string()),
        pa.field("approximate", pa.bool_()),
        pa.field("deduction_yuan", pa.float64()),
        pa.field("status", pa.string(), nullable=False),
        pa.field("n_mentions", pa.int32()),
        pa.field("n_independent_sources", pa.int32()),
        pa.field("first_seen", TIMESTAMP),
        pa.field("last_seen", TIMESTAMP),
        pa.field("source_urls", STRINGS),
        pa.field("evidence", STRINGS),
        pa.field("note", pa.string()),
        pa.field("n_sites", pa.int32()),
    ]
)

CONFLICTS = pa.schema(
    [
        pa.field("region", pa.string(), nullable=False),
        pa.field("region_code", pa.string(), nullable=False),
        pa.field("population", pa.string(), nullable=False),
        pa.field("age_min", pa.int32()),
        pa.field("age_max", pa.int32()),
        pa.field("field", pa.string(), nullable=False),
        # Every candidate as a JSON list of objects (value, n_mentions, n_independent_sources,
        # first_seen, last_seen, source_urls, evidence, n_sites, latest_published_at).
        pa.field("candidates", pa.string(), nullable=False),
        # The readable flattened form: one line per candidate, e.g. '{"monthly_yuan":140.0} — 2 sources, last 2026-03-01'.
        pa.field("candidate_values", STRINGS),
        pa.field("n_candidates", pa.int32()),
        pa.field("chosen", pa.string()),
        pa.field("status", pa.string(), nullable=False),
        pa.field("reason", pa.string()),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "paragraphs": PARAGRAPHS,
    "claims": CLAIMS,
    "credit_rules": CREDIT_RULES,
    "conflicts": CONFLICTS,
}
TABLE_NAMES = tuple(SCHEMAS)

# Columns that identify a row of each table; rows are written sorted by them.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id",),
    "paragraphs": ("article_id", "ordinal"),
    "claims": ("article_id", "paragraph_ordinal", "region_code", "population", "age_min", "age_max"),
    "credit_rules": ("region_code", "population", "age_min", "age_max"),
    "conflicts": ("region_code", "population", "age_min", "age_max", "field"),
}

# Extra sort columns that make the row order total where keys may repeat (one paragraph can
# state the same band twice, e.g. a fixed amount and a ratio).
TIEBREAK_COLUMNS: dict[str, tuple[str, ...]] = {"claims": ("evidence", "method", "monthly_yuan")}

# Columns that change without the content changing (a re-fetch of an unchanged page); left out
# of the content hash so that an identical re-run publishes nothing.
VOLATILE_COLUMNS: dict[str, tuple[str, ...]] = {"articles": ("fetched_at",)}


class UnknownTableError(KeyError):
    """A table name that is not one of the five published tables."""

    def __str__(self) -> str:
        return f"unknown table {self.args[0]!r}; known tables: {', '.join(TABLE_NAMES)}"


class MissingValueError(ValueError):
    """A required (non-nullable) column holds nulls."""


def check_required(table_name: str, table: pa.Table) -> pa.Table:
    """The table unchanged, or MissingValueError naming the column and the key of the first bad row.

    pyarrow accepts nulls in a non-nullable field without complaint; a published file must not."""
    for field in table.schema:
        if field.nullable or table.column(field.name).null_count == 0:
            continue
        bad = table.column(field.name).is_null().to_pylist().index(True)
        key = key_of(table_name, table.slice(bad, 1).to_pylist()[0])
        raise MissingValueError(
            f"{table_name}.{field.name} is required but null in {table.column(field.name).null_count} "
            f"row(s), first at key {key}"
        )
    return table


def schema_of(table_name: str) -> pa.Schema:
    """The schema of a published table, or UnknownTableError naming the known ones."""
    try:
        return SCHEMAS[table_name]
    except KeyError:
        raise UnknownTableError(table_name) from None


def key_of(table_name: str, row: Mapping[str, Any]) -> tuple[Any, ...]:
    """The key of a row (a dict as pyarrow's to_pylist gives) of the named table."""
    schema_of(table_name)
    return tuple(row[column] for column in KEY_COLUMNS[table_name])


def sort_key(key: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    """A total order on keys that may hold None: None sorts before every value."""
    return tuple((value is not None, value if value is not None else 0) for value in key)


def as_shanghai(value: datetime | None) -> datetime | None:
    """A timezone-aware datetime; a naive one is read as Asia/Shanghai wall time (DESIGN.md)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=TZINFO)


def _table(table_name: str, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Rows (dicts) → a table of the named schema, sorted by the table's key."""
    rows = list(rows)
    return _columns_table(table_name, {name: [row.get(name) for row in rows] for name in schema_of(table_name).names})


def _records_table(table_name: str, records: Iterable[Any]) -> pa.Table:
    """Flat records (dataclasses whose fields are named like the columns) → the named table, built
    column by column (no dict per row)."""
    return _columns_table(table_name, _record_columns(table_name, list(records)))


def _record_columns(table_name: str, records: Sequence[Any]) -> dict[str, list[Any]]:
    """The named table's columns read off records whose fields are named like them."""
    return {name: [getattr(record, name) for record in records] for name in schema_of(table_name).names}


def _columns_table(table_name: str, columns: dict[str, list[Any]]) -> pa.Table:
    """Columns → a table of the named schema, sorted by the table's key (then TIEBREAK_COLUMNS;
    None before every value, as `sort_key` orders; stable), required columns checked."""
    for name in _timestamp_columns(table_name):
        columns[name] = [as_shanghai(value) for value in columns[name]]
    table = pa.Table.from_pydict(columns, schema=schema_of(table_name))
    order = KEY_COLUMNS[table_name] + TIEBREAK_COLUMNS.get(table_name, ())
    if table.num_rows > 1:
        table = table.take(pc.sort_indices(table, sort_keys=[(name, "ascending", "at_start") for name in order]))
    return check_required(table_name, table)


@cache
def _timestamp_columns(table_name: str) -> tuple[str, ...]:
    """Names of the table's timestamp columns."""
    return tuple(field.name for field in schema_of(table_name) if field.type == TIMESTAMP)


def _article_row(article: Article, n_paragraphs: int | None = None) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "url": article.url,
        "site": article.site,
        "title": article.title,
        "published_at": article.published_at,
        "fetched_at": article.fetched_at,
        "title_region": article.title_region,
        "content_sha256": article.content_sha256,
        "extractor": article.extractor,
        "alternate_urls": list(article.alternate_urls),
        "encoding": article.encoding,
        "n_paragraphs": len(article.paragraphs) if n_paragraphs is None else n_paragraphs,
    }


def articles_table(articles: Iterable[Article], paragraph_counts: Iterable[int] | None = None) -> pa.Table:
    """Articles → the `articles` table (paragraph bodies live in `paragraphs`). `paragraph_counts`
    gives each article's number of body paragraphs when `articles` are bodiless (`stages.slim`)."""
    if paragraph_counts is None:
        return _table("articles", (_article_row(a) for a in articles))
    return _table("articles", (_article_row(a, n) for a, n in zip(articles, paragraph_counts, strict=True)))


def paragraphs_table(rows: Iterable[ParagraphRow]) -> pa.Table:
    """Paragraph rows → the `paragraphs` table."""
    return _records_table("paragraphs", rows)


def paragraphs_table_of(columns: dict[str, list[Any]]) -> pa.Table:
    """The `paragraphs` table from its columns (ParagraphRow's fields as lists), as the paragraphs
    stage builds it, with no record per row."""
    return _columns_table("paragraphs", columns)


def claims_table(claims: Iterable[Claim], cluster_ids: Sequence[str | None] | None = None) -> pa.Table:
    """Claims → the `claims` table; `cluster_ids`, when given (one per claim), are written as their
    clusters instead of the claims' own `cluster_id`."""
    listed = list(claims)
    columns = _record_columns("claims", listed)
    if cluster_ids is not None:
        if len(cluster_ids) != len(listed):
            raise ValueError(f"{len(cluster_ids)} cluster ids for {len(listed)} claims")
        columns["cluster_id"] = list(cluster_ids)
    return _columns_table("claims", columns)


def credit_rules_table(rules: Iterable[CreditRule]) -> pa.Table:
    """Credit rules → the `credit_rules` table."""
    return _records_table("credit_rules", rules)


def _iso(value: datetime | None) -> str | None:
    shanghai = as_shanghai(value)
    return None if shanghai is None else shanghai.isoformat()


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    """One candidate as a JSON-ready dict, its `value` decoded from canonical JSON when it is JSON."""
    try:
        value: Any = json.loads(candidate.value)
    except ValueError:
        value = candidate.value
    return {
        "value": value,
        "n_mentions": candidate.n_mentions,
        "n_independent_sources": candidate.n_independent_sources,
        "n_sites": candidate.n_sites,
        "first_seen": _iso(candidate.first_seen),
        "last_seen": _iso(candidate.last_seen),
        "latest_published_at": _iso(candidate.latest_published_at),
        "source_urls": list(candidate.source_urls),
        "evidence": list(candidate.evidence),
    }


def candidate_line(candidate: Candidate) -> str:
    """A readable one-line summary of a candidate: value, independent sources, last seen date."""
    sources = candidate.n_independent_sources
    last = as_shanghai(candidate.last_seen)
    when = f", last {last.date().isoformat()}" if last else ""
    return f"{candidate.value} — {sources} source{'s' if sources != 1 else ''}{when}"


def _conflict_row(conflict: Conflict) -> dict[str, Any]:
    return {
        "region": conflict.region,
        "region_code": conflict.region_code,
        "population": conflict.population,
        "age_min": conflict.age_min,
        "age_max": conflict.age_max,
        "field": conflict.field,
        "candidates": json.dumps(
            [candidate_json(c) for c in conflict.candidates], ensure_ascii=False, sort_keys=True
        ),
        "candidate_values": [candidate_line(c) for c in conflict.candidates],
        "n_candidates": len(conflict.candidates),
        "chosen": conflict.chosen,
        "status": conflict.status,
        "reason": conflict.reason,
    }


def conflicts_table(conflicts: Iterable[Conflict]) -> pa.Table:
    """Conflicts → the `conflicts` table (candidates as JSON plus a readable list)."""
    return _table("conflicts", (_conflict_row(c) for c in conflicts))


CONVERTERS: dict[str, Callable[[Iterable[Any]], pa.Table]] = {
    "articles": articles_table,
    "paragraphs": paragraphs_table,
    "claims": claims_table,
    "credit_rules": credit_rules_table,
    "conflicts": conflicts_table,
}


def pandas_dtype(arrow_type: pa.DataType) -> Any:
    """Nullable pandas dtypes for integers and booleans (Int64, boolean); None = pyarrow's default."""
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def with_pandas_metadata(table: pa.Table) -> pa.Table:
    """The table with pandas metadata naming those dtypes, so that a plain `pd.read_parquet` of
    the file gives Int64 ages and boolean flags instead of floats and objects."""
    frame = table.schema.empty_table().to_pandas(types_mapper=pandas_dtype)
    metadata = pa.Schema.from_pandas(frame, preserve_index=False).metadata or {}
    return table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})


def empty_table(table_name: str) -> pa.Table:
    """A table of the named schema with no rows."""
    return schema_of(table_name).empty_table()
