"""The pipeline's stages as plain functions (parse, dedup, extract, reconcile, tables) that the Dagster assets wrap."""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import io
import itertools
import json
import logging
import operator
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import IO, Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from extractors.claims import extract_claims
from extractors.html import NO_LINKS, ParseError, parse_html
from extractors.records import Article, Claim, PageLinks, Paragraph
from pipelines import dedup as dedup_module
from pipelines import schemas
from pipelines.dedup import (
    DEFAULT_SETTINGS,
    INDEX_FILENAME,
    DuplicateMerger,
    ParagraphIndex,
    PreparedParagraphs,
    attach_clusters,
    body_near_duplicates,
    body_shingles,
    join_articles,
    merge_duplicate_articles,
    paragraph_columns,
    prepare_paragraphs,
)
from pipelines.forking import fork_context
from pipelines.lsh_index import ParagraphIndexError
from pipelines.overrides import load_overrides
from pipelines.reconcile import Reconciliation, reconcile
from pipelines.records import Candidate, Conflict, CreditRule, ParagraphRow
from spiders.rawstore import RawStore, RawStoreError
from spiders.records import RawPage

LOG = logging.getLogger(__name__)

# The five published tables, in the order a release lists them.
TABLE_NAMES = ("articles", "paragraphs", "claims", "credit_rules", "conflicts")
# Beside the paragraph index: the article ids it holds, so articles gone since are removed from it.
INDEXED_IDS_NAME = "paragraph_index.articles.json"
# Articles clustered at a time: bounds the paragraphs stage's memory, big enough to amortise calls.
DEDUP_CHUNK = 2_000
# Records per Parquet row group when a stage streams its table (bounded memory, good compression).
TABLE_BATCH = 50_000
# Suffix of a stage's record stream under <data_dir>/work/ (a stream of pickles, one per record).
RECORDS_SUFFIX = ".pickles"
# HTTP statuses whose stored body is an article worth parsing (anything else is skipped with its status).
PARSEABLE_STATUSES = range(200, 300)
# Highest pickle protocol every supported Python reads; record streams are scratch files of one run.
PICKLE_PROTOCOL = 5
# Scratch files of the articles stage, in the order of a ParsedPage's parts: each parsed page's
# bodiless article, claims (or extraction error), prepared paragraphs (records) and body n-gram
# hashes (uint32, read back only to confirm a near-identical pair), in store order; the merged
# articles' parts are copied from them, then they are removed.
SCRATCH_PARTS = {"article": "articles.parsed.pickles", "claims": "claims.parsed.pickles",
                 "paragraphs": "paragraphs.parsed.pickles", "shingles": "articles.shingles.u32"}
ARTICLE_PART, CLAIMS_PART, PARAGRAPHS_PART, SHINGLES_PART = range(len(SCRATCH_PARTS))
# Beside the articles stream: the claims of each article in the same order, before clusters are attached.
EXTRACTED_NAME = "claims.extracted.pickles"
# Beside the articles stream: the prepared paragraphs of each article in the same order, which the
# paragraphs stage clusters without masking or hashing a paragraph again. The name carries the
# record's layout (v2: with the paragraphs' text), so a work dir of an older version has no such
# file and the paragraphs asset asks for the articles asset to run again instead of misreading it.
PREPARED_NAME = "paragraphs.prepared.v2.pickles"
# Pages a parse worker takes at a time: amortises the round trip, small enough to keep the order streaming.
PARSE_CHUNK = 32
# Chunks queued per worker: keeps every worker busy while the merger catches up, and memory bounded.
CHUNKS_IN_FLIGHT_PER_WORKER = 3
# Records pickled field by field (see `_rebuild`): the frozen slotted dataclasses stages pass around
# (and `Extracted`, defined below).
RECORD_TYPES = (Article, Paragraph, PageLinks, Claim, ParagraphRow, CreditRule, Conflict, Candidate,
                PreparedParagraphs)


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


@dataclass(frozen=True, slots=True)
class Extracted:
    """The claims read from one article (clusters not attached yet), or why extraction failed."""

    article_id: str
    url: str
    claims: tuple[Claim, ...] = ()
    error: str | None = None


def extracted(article: Article) -> Extracted:
    """`extract_claims` of one article; an extractor bug becomes the record's error, not a crash."""
    try:
        return Extracted(article.article_id, article.url, tuple(extract_claims(article)))
    except Exception as exc:  # one article's extractor bug must not lose the run
        return Extracted(article.article_id, article.url, error=f"{type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- parse


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of up to `size` items (itertools.batched arrives only in Python 3.12)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def parse_page(store: RawStore, page: RawPage, *, with_links: bool = True) -> Article:
    """Parse one stored page; raises ParseError, or RawStoreError for an unreadable body, with the reason."""
    if page.status not in PARSEABLE_STATUSES:
        raise ParseError(f"HTTP status {page.status}")
    body = store.read_body(page)
    content_type = _header(page.headers, "content-type")
    # a redirected page is the article at the URL it landed on; the URL that was asked for stays as
    # an alternate (a link to it still leads there)
    url = page.final_url or page.url
    article = parse_html(body, url, content_type=content_type, fetched_at=page.fetched_at, with_links=with_links)
    if url != page.url and page.url not in article.alternate_urls:
        article = dataclasses.replace(article, alternate_urls=(*article.alternate_urls, page.url))
    return article


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


class Span(NamedTuple):
    """Where one record lies in a scratch file."""

    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class ArticleHead:
    """What merging duplicates reads of an article, and where its parts lie in the scratch files."""

    article_id: str
    url: str
    published_at: datetime | None
    title_region: str | None
    content_sha256: str
    alternate_urls: tuple[str, ...]
    n_paragraphs: int
    spans: tuple[Span, ...] = ()  # of its parts in their scratch files, in SCRATCH_PARTS order

    @classmethod
    def of(cls, article: Article) -> ArticleHead:
        return cls(article.article_id, article.url, article.published_at, article.title_region,
                   article.content_sha256, article.alternate_urls, len(article.paragraphs))


@dataclass(frozen=True, slots=True)
class ArticlesWritten:
    """What `parse_and_merge` wrote: distinct articles, pages parsed, pages skipped with reasons."""

    rows: int
    report: ParseReport
    article_ids: tuple[str, ...] = ()  # of the articles written, in their (ascending) order

    @property
    def duplicates_merged(self) -> int:
        """Parsed pages that turned out to be another URL of an article."""
        return self.report.parsed - self.rows


def parse_and_merge(store: RawStore, work_dir: Path, articles_path: Path, table_path: Path,
                    *, workers: int = 1, log: logging.Logger = LOG) -> ArticlesWritten:
    """`merge(parse_store(store).articles)` written as the articles stream (bodiless, `slim`), its
    Parquet table, each article's claims (EXTRACTED_NAME) and prepared paragraphs (PREPARED_NAME,
    which carry the bodies to the paragraphs stage), holding one article at a time instead of the
    whole store: pages are parsed, their claims extracted and their paragraphs prepared (by
    `workers` processes, in store order), written to scratch files, duplicates are merged on heads,
    then the merged articles' parts are read back by offset in article_id order."""
    scratch = [work_dir / name for name in SCRATCH_PARTS.values()]
    work_dir.mkdir(parents=True, exist_ok=True)
    skipped: list[tuple[str, str]] = []
    heads: list[ArticleHead] = []
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(path.open("w+b")) for path in scratch]

        def read(head: ArticleHead, part: int) -> bytes:
            files[part].flush()  # what was appended last may still sit in the write buffer
            return _pread(files[part], head.spans[part])

        def shingles_of(position: int) -> np.ndarray:
            return np.frombuffer(read(heads[position], SHINGLES_PART), dtype=np.uint32)

        merger = DuplicateMerger(shingles_of)
        for item in parse_pages(store, workers):
            if isinstance(item, PageSkip):
                skipped.append(_skip(item.url, item.reason, log))
                continue
            spans = tuple(Span(_append(fh, data), len(data)) for fh, data in zip(files, item.parts, strict=True))
            heads.append(dataclasses.replace(item.head, spans=spans))
            merger.add(item.head.article_id, item.head.content_sha256, item.head.title_region, item.signature)
        merged = _merged_heads(heads, merger)
        paths = ArticlePaths(articles_path, table_path, work_dir / EXTRACTED_NAME, work_dir / PREPARED_NAME)
        rows = write_articles(paths, (_merged_article(head, read) for head in merged))
    for path in scratch:
        path.unlink()
    return ArticlesWritten(rows=rows, report=ParseReport(len(heads), tuple(skipped)),
                           article_ids=tuple(head.article_id for head in merged))


def _merged_heads(heads: Sequence[ArticleHead], merger: DuplicateMerger) -> list[ArticleHead]:
    """One head per group of copies (the primary, the others' URLs as alternate_urls), by article_id."""
    # _merge_group reads and replaces only fields an ArticleHead has too
    merged: list[ArticleHead] = [
        dedup_module._merge_group([heads[i] for i in members])  # type: ignore[misc]
        for members in merger.groups()
    ]
    return sorted(merged, key=lambda head: head.article_id)


def _pread(fh: IO[bytes], span: Span) -> bytes:
    """The bytes of a span of a flushed scratch file, in one system call (its position, where
    appending goes on, is left alone)."""
    data = os.pread(fh.fileno(), span.length, span.offset)
    if len(data) != span.length:
        raise OSError(f"{fh.name}: {len(data)} of {span.length} bytes at offset {span.offset}; "
                      "the scratch file changed during the run")
    return data


def _append(fh: IO[bytes], data: bytes) -> int:
    """Append bytes to an open file; returns the offset they start at."""
    offset = fh.tell()
    fh.write(data)
    return offset


# --------------------------------------------------------------------------- parse in worker processes


@dataclass(frozen=True, slots=True)
class PageSkip:
    """A stored page that yielded no article, with the reason."""

    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """One page parsed and extracted: what merging reads, and the parts written to the scratch files
    (SCRATCH_PARTS) as bytes, so the main process copies them without unpickling: the bodiless
    article, its claims, its prepared paragraphs (records) and its body n-gram hashes (uint32)."""

    head: ArticleHead  # spans not set yet
    signature: np.ndarray | None  # MinHash of the body (dedup's `_body_signature`), None for no body
    parts: tuple[bytes, ...]


class PageParser:
    """Parses a stored page, extracts its claims, signs its body and prepares its paragraphs for
    clustering: the work `parse_pages` spreads over processes."""

    def __init__(self, store: RawStore) -> None:
        self.store = store
        self.near = body_near_duplicates()  # only its hashing is used
        self.cache: dict[str, Any] = {}

    def __call__(self, page: RawPage) -> ParsedPage | PageSkip:
        try:
            article = parse_page(self.store, page, with_links=False)
        except (ParseError, RawStoreError, OSError) as exc:
            return PageSkip(page.url, str(exc))
        except Exception as exc:  # a parser bug on one page must not lose a 100k-page run
            return PageSkip(page.url, f"{type(exc).__name__}: {exc}")
        signature = dedup_module._body_signature(article, self.near, self.cache)
        shingles = b"" if signature is None else body_shingles(article, self.near.shingle_size).tobytes()
        parts = (dump_record(slim(article)), dump_record(extracted(article)), dump_record(prepare_paragraphs(article)),
                 shingles)
        return ParsedPage(ArticleHead.of(article), signature, parts)


def parse_pages(store: RawStore, workers: int = 1, chunk: int = PARSE_CHUNK) -> Iterator[ParsedPage | PageSkip]:
    """`PageParser` over every stored article page, in store order, by `workers` processes (1 = in this
    process). Chunks of pages go to the workers and come back in the order they were sent, so the
    output does not depend on the worker count; only a few chunks are in flight at a time."""
    context = fork_context(workers)
    if context is None:
        yield from map(PageParser(store), store.pages())
        return
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(store,)) as pool:
        chunks = batched(store.pages(), chunk)
        pending: deque[Future[list[ParsedPage | PageSkip]]] = deque(
            pool.submit(_parse_chunk, batch)
            for batch in itertools.islice(chunks, workers * CHUNKS_IN_FLIGHT_PER_WORKER))
        while pending:
            done = pending.popleft().result()
            following = next(chunks, None)
            if following is not None:
                pending.append(pool.submit(_parse_chunk, following))
            yield from done


# The parser of a worker process, set once by `_start_worker`.
_WORKER_PARSER: PageParser | None = None


def _start_worker(store: RawStore) -> None:
    global _WORKER_PARSER
    _WORKER_PARSER = PageParser(store)


def _parse_chunk(pages: list[RawPage]) -> list[ParsedPage | PageSkip]:
    assert _WORKER_PARSER is not None, "parse worker used before _start_worker"
    return [_WORKER_PARSER(page) for page in pages]


class MergedArticle(NamedTuple):
    """One merged article as the articles stage writes it: its bodiless record with the group's
    alternate URLs (for the table, and as record bytes), and its claims and prepared paragraphs as
    record bytes from the scratch files."""

    article: Article
    record: bytes
    n_paragraphs: int
    claims: bytes
    paragraphs: bytes


def _merged_article(head: ArticleHead, read: Callable[[ArticleHead, int], bytes]) -> MergedArticle:
    """A merged head's parts read back (the article with its group's alternate URLs; its record is
    pickled again only when merging gave it other URLs)."""
    record = read(head, ARTICLE_PART)
    article: Article = pickle.loads(record)
    if article.alternate_urls != head.alternate_urls:
        article = dataclasses.replace(article, alternate_urls=head.alternate_urls)
        record = dump_record(article)
    return MergedArticle(article, record, head.n_paragraphs, read(head, CLAIMS_PART), read(head, PARAGRAPHS_PART))


@dataclass(frozen=True, slots=True)
class ArticlePaths:
    """Where the articles stage writes: its record stream (bodiless articles) and table, the claims
    stream and the prepared paragraphs stream (which holds the bodies)."""

    records: Path
    table: Path
    extracted: Path
    prepared: Path


def write_articles(paths: ArticlePaths, merged: Iterable[MergedArticle]) -> int:
    """The articles stream (bodiless) and table, plus the claims and prepared paragraphs streams beside
    them (all in the same article order, each file written atomically); returns the row count. The
    streams are written as the articles come (the prepared paragraphs hold the bodies); only a table
    batch of bodiless articles is held."""
    finals = (paths.records, paths.extracted, paths.prepared, paths.table)
    temporary = [path.with_name(path.name + ".tmp") for path in finals]
    for path in finals:
        path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with contextlib.ExitStack() as stack:
        records, claims, prepared = (stack.enter_context(path.open("wb")) for path in temporary[:3])
        table = stack.enter_context(pq.ParquetWriter(temporary[3], schemas.schema_of("articles")))
        for batch in batched(_streamed(merged, records, claims, prepared), TABLE_BATCH):
            table.write_table(schemas.articles_table([article for article, _ in batch],
                                                     paragraph_counts=[count for _, count in batch]))
            rows += len(batch)
    for tmp, final in zip(temporary, finals, strict=True):
        os.replace(tmp, final)
    return rows


def _streamed(merged: Iterable[MergedArticle], records: IO[bytes], claims: IO[bytes],
              prepared: IO[bytes]) -> Iterator[tuple[Article, int]]:
    """Each merged article's record bytes written to their streams; yields (article, paragraph count)."""
    for item in merged:
        records.write(item.record)
        claims.write(item.claims)
        prepared.write(item.paragraphs)
        yield item.article, item.n_paragraphs


def dedup(articles: Sequence[Article], work_dir: Path, chunk: int = DEDUP_CHUNK) -> list[ParagraphRow]:
    """Cluster the articles' paragraphs against the index persisted in `work_dir` (then saved)."""
    tables = paragraph_tables(lambda: map(prepare_paragraphs, articles), work_dir, chunk)
    return [ParagraphRow(**row) for table in tables for row in table.to_pylist()]


def paragraph_tables(prepared: Callable[[], Iterable[PreparedParagraphs]], work_dir: Path,
                     chunk: int = DEDUP_CHUNK, *, log: logging.Logger = LOG) -> Iterator[pa.Table]:
    """The paragraphs table of every article (`cluster_paragraphs`' rows) in article order, one table
    per chunk of articles, by two passes over their prepared paragraphs (`prepared()` starts a pass;
    the articles stage's PREPARED_NAME stream, from its parse workers), one chunk in memory at a time.

    DEDUP's incremental recipe: the first pass joins every article to the index persisted in
    `work_dir` (an unchanged article costs a fingerprint lookup). Articles the index holds from an
    earlier run but that are gone now (merged into another URL) are then removed and the index
    compacted, so cluster sizes count exactly the current articles. The second pass names every
    paragraph's cluster (lookups only). The index is saved once the last table is taken.
    """
    path = work_dir / INDEX_FILENAME
    index = open_index(path, log)
    current: list[str] = []
    for batch in batched(prepared(), chunk):
        join_articles(batch, index)
        current.extend(prep.article_id for prep in batch)
    for stale in indexed_ids(work_dir) - set(current):
        index.remove_article(stale)
    index.compact()
    for batch in batched(prepared(), chunk):
        yield schemas.paragraphs_table_of(paragraph_columns(batch, index, index.settings))
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


class ArticleClusters(NamedTuple):
    """The cluster of each paragraph of one article, as the paragraphs table holds them."""

    article_id: str
    by_ordinal: dict[int, str | None]


def paragraph_clusters(table_path: Path) -> Iterator[ArticleClusters]:
    """Per article of the paragraphs table, in its (article_id) order, its paragraphs' clusters,
    read column-wise from Parquet instead of unpickling whole rows."""
    current: ArticleClusters | None = None
    for batch in pq.ParquetFile(table_path).iter_batches(columns=["article_id", "ordinal", "cluster_id"]):
        columns = (batch.column(i).to_pylist() for i in range(3))
        for article_id, ordinal, cluster_id in zip(*columns, strict=True):
            if current is None or article_id != current.article_id:
                if current is not None:
                    yield current
                current = ArticleClusters(article_id, {})
            current.by_ordinal[ordinal] = cluster_id
    if current is not None:
        yield current


class ArticleClaims(NamedTuple):
    """One article's claims as extracted (no cluster set) and the paragraph cluster of each."""

    claims: tuple[Claim, ...]
    cluster_ids: list[str | None]


def attach_stream(
    extracted_records: Iterable[Extracted],
    clusters: Iterable[ArticleClusters],
    failed: list[tuple[str, str]],
    *,
    log: logging.Logger = LOG,
) -> Iterator[ArticleClaims]:
    """Per article its claims, already extracted by the articles stage (EXTRACTED_NAME), with their
    paragraph clusters beside them — what `extract` gives as one list, written by `claims_tables`
    without copying a record. Both inputs come in article_id order, so each article joins its own
    clusters and nothing else is held; an article whose extraction failed is logged and appended
    to `failed`."""
    pending = iter(clusters)
    head = next(pending, None)
    for record in extracted_records:
        while head is not None and head.article_id < record.article_id:
            head = next(pending, None)
        own = head.by_ordinal if head is not None and head.article_id == record.article_id else {}
        if record.error is not None:
            failed.append(_skip(record.url, record.error, log))
            continue
        yield ArticleClaims(record.claims, [own.get(claim.paragraph_ordinal) for claim in record.claims])


def claims_tables(groups: Iterable[ArticleClaims], size: int = TABLE_BATCH) -> Iterator[pa.Table]:
    """The claims table in parts of at least `size` rows (but the last) made of whole articles, so
    articles given in article_id order give a table sorted as a whole."""
    claims: list[Claim] = []
    cluster_ids: list[str | None] = []
    for group in groups:
        claims.extend(group.claims)
        cluster_ids.extend(group.cluster_ids)
        if len(claims) >= size:
            yield schemas.claims_table(claims, cluster_ids)
            claims, cluster_ids = [], []
    if claims:
        yield schemas.claims_table(claims, cluster_ids)


def read_claims(table_path: Path) -> Iterator[Claim]:
    """The rows of a claims table (`claims_tables`) as Claim records, a row group at a time: what
    reconciliation reads, column-wise rather than unpickling a record per claim. Equal strings of
    a row group are one object (`shared_values`): a boilerplate sentence is the evidence of
    thousands of claims, and reconciliation holds every claim."""
    names = [field.name for field in dataclasses.fields(Claim)]
    more = names.index("evidence_more")
    parquet = pq.ParquetFile(table_path, read_dictionary=[name for name in names if name != "evidence_more"])
    for batch in parquet.iter_batches(columns=names):
        columns = [shared_values(batch.column(name)) for name in names]
        columns[more] = [tuple(sentences) if sentences else () for sentences in columns[more]]
        for values in zip(*columns, strict=True):
            yield _rebuild(Claim, values)


def shared_values(column: pa.Array) -> list[Any]:
    """A column's values as Python objects, each distinct value one object (taken from the column's
    dictionary, encoded here unless it is already) rather than a copy per row; nested columns
    are converted row by row."""
    if not pa.types.is_dictionary(column.type):
        if pa.types.is_nested(column.type):
            return column.to_pylist()
        column = pc.dictionary_encode(column)
    values = np.array([*column.dictionary.to_pylist(), None], dtype=object)
    indices = pc.fill_null(column.indices, len(values) - 1).to_numpy()
    return values[indices].tolist()


# --------------------------------------------------------------------------- reconcile


def reconcile_stage(
    claims: Sequence[Claim],
    articles: Iterable[Article],
    overrides_path: Path,
    *,
    workers: int = 1,
    log: logging.Logger = LOG,
) -> Reconciliation:
    """Reconcile claims into credit rules and conflicts, applying the reviewer's overrides (keys
    spread over `workers` processes)."""
    overrides = load_overrides(overrides_path)
    by_id = {article.article_id: slim(article) for article in articles}
    result = reconcile(claims, by_id, overrides, workers=workers)
    for override in result.unmatched_overrides:
        log.warning("override in %s matched no rule: %s", overrides_path, override)
    return result


def slim(article: Article) -> Article:
    """The article without its body and links: what reconciliation needs, at a fraction of the memory."""
    if not article.paragraphs and article.links == NO_LINKS:
        return article  # already bodiless (the articles stream holds such articles)
    return dataclasses.replace(article, paragraphs=(), links=NO_LINKS)


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


@cache
def _slot_setters(record_type: type) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot descriptors' setters of a record type, in field order (they bypass `frozen`)."""
    return tuple(record_type.__dict__[f.name].__set__ for f in dataclasses.fields(record_type))


def _rebuild(record_type: type, values: tuple[Any, ...]) -> Any:
    """Unpickle a record from its field values, as dataclasses' own __setstate__ does, without
    looking its fields up again for every record (that lookup was most of reading a stream)."""
    record: Any = object.__new__(record_type)
    for setter, value in zip(_slot_setters(record_type), values, strict=True):
        setter(record, value)
    return record


def _reducer(record_type: type) -> Callable[[Any], tuple[Any, ...]]:
    names = [f.name for f in dataclasses.fields(record_type)]
    values = operator.attrgetter(*names) if len(names) > 1 else (lambda record: (getattr(record, names[0]),))

    def reduce(record: Any) -> tuple[Any, ...]:
        return _rebuild, (record_type, values(record))

    return reduce


# Per-stream pickling of RECORD_TYPES (copyreg's format: type -> reducer), built once.
RECORD_REDUCERS: dict[type, Callable[[Any], Any]] = {
    record_type: _reducer(record_type) for record_type in (*RECORD_TYPES, Extracted)
}


@cache
def _dispatch_table() -> dict[type, Callable[[Any], Any]]:
    """copyreg's reducers with RECORD_REDUCERS over them, merged once (a writer per record is common)."""
    return {**copyreg.dispatch_table, **RECORD_REDUCERS}


class RecordWriter:
    """Appends records to an open binary file, one self-contained pickle each (readable with
    `read_records`, or one at a time from its offset with `pickle.loads`)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.pickler = pickle.Pickler(fh, protocol=PICKLE_PROTOCOL)
        self.pickler.dispatch_table = _dispatch_table()

    def write(self, record: Any) -> int:
        """Append one record; returns the offset it starts at."""
        offset = self.fh.tell()
        self.pickler.dump(record)
        self.pickler.clear_memo()  # each pickle stands alone, so it can be read from its offset
        return offset


def dump_record(record: Any) -> bytes:
    """One record as `RecordWriter` writes it (a self-contained pickle), for writing elsewhere later."""
    buffer = io.BytesIO()
    RecordWriter(buffer).write(record)
    return buffer.getvalue()


def write_records(path: Path, records: Iterable[Any]) -> int:
    """Write records as a stream of pickles (atomically: temp file + rename); returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with tmp.open("wb") as fh:
        writer = RecordWriter(fh)
        for record in records:
            writer.write(record)
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


def write_table_batches(table_path: Path, name: str, tables: Iterable[pa.Table]) -> int:
    """Stream tables of the named schema into its Parquet file only (for a stage no later stage reads
    record by record), one table in memory; returns the row count."""
    table_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_table = table_path.with_name(table_path.name + ".tmp")
    count = 0
    with pq.ParquetWriter(tmp_table, schemas.schema_of(name)) as writer:
        for table in tables:
            writer.write_table(table)
            count += table.num_rows
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

    records: str  # pickle stream of the stage's records (read back with read_records); "" = table only
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
