"""The pipeline's stages as plain functions (parse, dedup, extract, reconcile, tables) that the Dagster assets wrap."""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from extractors.claims import extract_claims
from extractors.html import ParseError, parse_html
from extractors.records import Article, Claim
from pipelines import schemas
from pipelines.dedup import (
    DEFAULT_SETTINGS,
    INDEX_FILENAME,
    ParagraphIndex,
    attach_clusters,
    cluster_paragraphs,
    merge_duplicate_articles,
    refresh_rows,
)
from pipelines.lsh_index import ParagraphIndexError
from pipelines.overrides import load_overrides
from pipelines.reconcile import Reconciliation, reconcile
from pipelines.records import ParagraphRow
from spiders.rawstore import RawStore, RawStoreError
from spiders.records import RawPage

LOG = logging.getLogger(__name__)

# The five published tables, in the order a release lists them.
TABLE_NAMES = ("articles", "paragraphs", "claims", "credit_rules", "conflicts")
# Beside the paragraph index: the article ids it holds, so articles gone since are removed from it.
INDEXED_IDS_NAME = "paragraph_index.articles.json"
# Articles clustered at a time: bounds the paragraphs stage's memory, big enough to amortise calls.
DEDUP_CHUNK = 5_000
# Rough paragraphs per article, to size the row batches of dedup's second pass like its article chunks.
ROWS_PER_ARTICLE = 30
# Scratch stream of first-pass paragraph rows under <data_dir>/work/ (removed when dedup finishes).
PENDING_ROWS_NAME = "paragraphs.pending.pickles"
# Records per Parquet row group when a stage streams its table (bounded memory, good compression).
TABLE_BATCH = 50_000
# Suffix of a stage's record stream under <data_dir>/work/ (a stream of pickles, one per record).
RECORDS_SUFFIX = ".pickles"
# HTTP statuses whose stored body is an article worth parsing (anything else is skipped with its status).
PARSEABLE_STATUSES = range(200, 300)
# Highest pickle protocol every supported Python reads; record streams are scratch files of one run.
PICKLE_PROTOCOL = 5


@dataclass(frozen=True, slots=True)
class ParseReport:
    """How parsing the raw store went: pages parsed and pages skipped with their URL and reason."""

    parsed: int
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def total(self) -> int:
        """Pages looked at."""
        return self.parsed + len(self.skipped)

    @property
    def parsed_share(self) -> float:
        """Share of pages whose body parsed (1.0 for an empty store: nothing failed)."""
        return self.parsed / self.total if self.total else 1.0


@dataclass(frozen=True, slots=True)
class ParsedPages:
    """Articles parsed from the raw store, with the report of what was skipped."""

    articles: list[Article]
    report: ParseReport


@dataclass(frozen=True, slots=True)
class Extraction:
    """Claims read from articles (clusters attached), with the articles whose extraction failed."""

    claims: list[Claim]
    failed: tuple[tuple[str, str], ...] = ()


# --------------------------------------------------------------------------- parse


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of up to `size` items (itertools.batched arrives only in Python 3.12)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def parse_page(store: RawStore, page: RawPage) -> Article:
    """Parse one stored page; raises ParseError, or RawStoreError for an unreadable body, with the reason."""
    if page.status not in PARSEABLE_STATUSES:
        raise ParseError(f"HTTP status {page.status}")
    body = store.read_body(page)
    content_type = _header(page.headers, "content-type")
    return parse_html(body, page.url, content_type=content_type, fetched_at=page.fetched_at)


def parse_store(store: RawStore, *, log: logging.Logger = LOG) -> ParsedPages:
    """Parse every stored article page, streaming; a page that fails is logged and counted, never fatal."""
    articles: list[Article] = []
    skipped: list[tuple[str, str]] = []
    for page in store.pages():
        try:
            articles.append(parse_page(store, page))
        except (ParseError, RawStoreError, OSError) as exc:
            skipped.append(_skip(page.url, str(exc), log))
        except Exception as exc:  # a parser bug on one page must not lose a 100k-page run
            skipped.append(_skip(page.url, f"{type(exc).__name__}: {exc}", log))
    return ParsedPages(articles=articles, report=ParseReport(len(articles), tuple(skipped)))


def _skip(url: str, reason: str, log: logging.Logger) -> tuple[str, str]:
    """Log a skipped page with its URL and reason; returns the pair for the report."""
    log.warning("skipped %s: %s", url, reason)
    return (url, reason)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by case-insensitive name."""
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


# --------------------------------------------------------------------------- dedup


def merge(articles: Iterable[Article]) -> list[Article]:
    """One Article per distinct article (duplicates under other URLs become `alternate_urls`),
    sorted by article_id: later stages stream in this order and their tables come out sorted."""
    return sorted(merge_duplicate_articles(articles), key=lambda article: article.article_id)


def dedup(articles: Sequence[Article], work_dir: Path) -> list[ParagraphRow]:
    """Cluster the articles' paragraphs against the index persisted in `work_dir` (then saved)."""
    return list(dedup_stream(articles, work_dir))


def dedup_stream(
    articles: Iterable[Article], work_dir: Path, chunk: int = DEDUP_CHUNK, *, log: logging.Logger = LOG
) -> Iterator[ParagraphRow]:
    """Paragraph rows of every article, in article order, holding one chunk at a time in memory.

    DEDUP's incremental recipe: each chunk joins the index persisted in `work_dir` (unchanged
    articles cost a fingerprint lookup) and its rows go to a scratch stream; once every article is
    in, the rows are re-read and `refresh_rows` gives them their final cluster ids and sizes (lookups
    only). Articles the index holds from an earlier run but that are gone now (merged into another
    URL) are removed in between, so cluster sizes count exactly the current articles.
    """
    path, pending = work_dir / INDEX_FILENAME, work_dir / PENDING_ROWS_NAME
    index = open_index(path, log)
    current: list[str] = []

    def first_pass() -> Iterator[ParagraphRow]:
        for batch in batched(articles, chunk):
            current.extend(article.article_id for article in batch)
            yield from cluster_paragraphs(batch, index, index.settings)

    write_records(pending, first_pass())
    for stale in indexed_ids(work_dir) - set(current):
        index.remove_article(stale)
    for rows in batched(read_records(pending), chunk * ROWS_PER_ARTICLE):
        yield from refresh_rows(rows, index, index.settings)
    pending.unlink()
    index.save(path)
    write_json_atomic(work_dir / INDEXED_IDS_NAME, sorted(current))


def open_index(path: Path, log: logging.Logger = LOG) -> ParagraphIndex:
    """The persisted paragraph index, or a new one when it was written by other code or settings
    (it is a cache: rebuilding it costs one full clustering, never a wrong answer)."""
    try:
        return ParagraphIndex.open(path, DEFAULT_SETTINGS)
    except ParagraphIndexError as exc:
        log.warning("rebuilding the paragraph index: %s", exc)
        path.unlink(missing_ok=True)
        (path.parent / INDEXED_IDS_NAME).unlink(missing_ok=True)
        return ParagraphIndex(DEFAULT_SETTINGS)


def indexed_ids(work_dir: Path) -> set[str]:
    """Article ids the persisted paragraph index holds (empty on a first run)."""
    path = work_dir / INDEXED_IDS_NAME
    return set(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else set()


# --------------------------------------------------------------------------- extract


def extract(
    articles: Iterable[Article], rows: Iterable[ParagraphRow], *, log: logging.Logger = LOG
) -> Extraction:
    """Claims of every article with their paragraph clusters; an article that fails is logged, not fatal."""
    claims: list[Claim] = []
    failed: list[tuple[str, str]] = []
    for article in articles:
        try:
            claims.extend(extract_claims(article))
        except Exception as exc:  # one article's extractor bug must not lose the run
            failed.append(_skip(article.url, f"{type(exc).__name__}: {exc}", log))
    return Extraction(claims=attach_clusters(claims, rows), failed=tuple(failed))


# --------------------------------------------------------------------------- reconcile


def reconcile_stage(
    claims: Sequence[Claim],
    articles: Iterable[Article],
    overrides_path: Path,
    *,
    log: logging.Logger = LOG,
) -> Reconciliation:
    """Reconcile claims into credit rules and conflicts, applying the reviewer's overrides."""
    overrides = load_overrides(overrides_path)
    by_id = {article.article_id: slim(article) for article in articles}
    result = reconcile(claims, by_id, overrides)
    for override in result.unmatched_overrides:
        log.warning("override in %s matched no rule: %s", overrides_path, override)
    return result


def slim(article: Article) -> Article:
    """The article without its body and links: what reconciliation needs, at a fraction of the memory."""
    return dataclasses.replace(article, paragraphs=(), links=type(article.links)())


# --------------------------------------------------------------------------- tables


TABLE_BUILDERS: dict[str, Callable[[Iterable[Any]], pa.Table]] = {
    "articles": schemas.articles_table,
    "paragraphs": schemas.paragraphs_table,
    "claims": schemas.claims_table,
    "credit_rules": schemas.credit_rules_table,
    "conflicts": schemas.conflicts_table,
}


def build_table(name: str, records: Iterable[Any]) -> pa.Table:
    """One published table (one of TABLE_NAMES) from its records."""
    return TABLE_BUILDERS[name](records)


def build_tables(
    articles: Iterable[Article],
    rows: Iterable[ParagraphRow],
    claims: Iterable[Claim],
    reconciliation: Reconciliation,
) -> dict[str, pa.Table]:
    """The five published tables, keyed by TABLE_NAMES."""
    return {
        "articles": build_table("articles", articles),
        "paragraphs": build_table("paragraphs", rows),
        "claims": build_table("claims", claims),
        "credit_rules": build_table("credit_rules", reconciliation.credit_rules),
        "conflicts": build_table("conflicts", reconciliation.conflicts),
    }


# --------------------------------------------------------------------------- work files


def write_records(path: Path, records: Iterable[Any]) -> int:
    """Write records as a stream of pickles (atomically: temp file + rename); returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with tmp.open("wb") as fh:
        for record in records:
            pickle.dump(record, fh, protocol=PICKLE_PROTOCOL)
            count += 1
    os.replace(tmp, path)
    return count


def read_records(path: Path) -> Iterator[Any]:
    """Stream the records of a file written by `write_records`, one at a time."""
    with path.open("rb") as fh:
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def write_stream(records_path: Path, table_path: Path, name: str, records: Iterable[Any]) -> int:
    """Stream records into a record file and the named table's Parquet file, one batch in memory."""
    for path in (records_path, table_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp_records = records_path.with_name(records_path.name + ".tmp")
    tmp_table = table_path.with_name(table_path.name + ".tmp")
    count = 0
    with tmp_records.open("wb") as fh, pq.ParquetWriter(tmp_table, schemas.schema_of(name)) as writer:
        for batch in batched(records, TABLE_BATCH):
            for record in batch:
                pickle.dump(record, fh, protocol=PICKLE_PROTOCOL)
            writer.write_table(build_table(name, batch))
            count += len(batch)
    os.replace(tmp_records, records_path)
    os.replace(tmp_table, table_path)
    return count


def write_table(path: Path, table: pa.Table) -> int:
    """Write a table as Parquet (atomically); returns its row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    return table.num_rows


# --------------------------------------------------------------------------- handles between assets


@dataclass(frozen=True, slots=True)
class RawPagesRef:
    """The raw store an asset run left behind: where it is and how many article pages it holds."""

    raw_dir: str
    pages: int


@dataclass(frozen=True, slots=True)
class WorkSet:
    """One stage's output on disk: its record stream, its Parquet table and the row count."""

    records: str  # pickle stream of the stage's records (read back with read_records)
    table: str  # Parquet file of the published table
    rows: int


@dataclass(frozen=True, slots=True)
class ArticleSet:
    """The articles stage's output plus how parsing went."""

    work: WorkSet
    parsed: int  # pages whose body parsed
    skipped: int  # pages skipped with a logged reason

    @property
    def parsed_share(self) -> float:
        """Share of looked-at pages whose body parsed (1.0 when there were none)."""
        total = self.parsed + self.skipped
        return self.parsed / total if total else 1.0


@dataclass(frozen=True, slots=True)
class CandidateRef:
    """A written release candidate and the figures its checks and the run summary need."""

    path: str
    rows: dict[str, int]
    pages: int
    parsed: int
    skipped: int
    unresolved: int

    @property
    def parsed_share(self) -> float:
        """Share of looked-at pages whose body parsed (1.0 when there were none)."""
        total = self.parsed + self.skipped
        return self.parsed / total if total else 1.0
