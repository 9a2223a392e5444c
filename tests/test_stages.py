"""The plain stage functions the Dagster assets wrap, on literal inputs (a real raw store, real files)."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from extractors.records import Article, Claim, Paragraph
from pipelines import stages
from pipelines.records import ParagraphRow
from spiders.rawstore import RawStore

SHANGHAI = timezone(timedelta(hours=8))
FETCHED = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

GOOD_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>北京退休人员医保个人账户每月划入多少</title></head>
<body><article><h1>北京退休人员医保个人账户每月划入多少</h1>
<p class="date">2025-06-05</p>
<p>北京市退休人员医保个人账户每月划入100元，70岁及以上每月划入110元。</p>
<p>个人账户资金可以用于支付门诊费用和药店购药费用，也可以家庭共济使用。</p>
</article></body></html>""".encode()
EMPTY_PAGE = b"<html><head><title>x</title></head><body></body></html>"


def article(article_id: str, texts: tuple[str, ...], published: str = "2025-06-05") -> Article:
    """An article with body paragraphs and just the metadata the stages read."""
    return Article(
        article_id=article_id,
        url=f"http://www.shebao.example/news/{article_id}.html",
        site="www.shebao.example",
        title=f"文章 {article_id}",
        published_at=datetime.fromisoformat(published).replace(tzinfo=SHANGHAI),
        fetched_at=FETCHED,
        title_region=None,
        content_sha256=article_id * 8,
        extractor="test",
        paragraphs=tuple(Paragraph(ordinal=i, text=t) for i, t in enumerate(texts)),
    )


CLAIM = Claim(
    region="北京市", region_code="110000", population="retiree", age_min=None, age_max=70,
    method="fixed", monthly_yuan=100.0, amount_yuan=100.0, period="month", ratio_min=None,
    ratio_max=None, base=None, approximate=False, deduction_yuan=None,
    evidence="北京市70岁以下退休人员每月划入100元。", article_id="a1", paragraph_ordinal=0,
)


@pytest.fixture
def store(tmp_path: Path) -> RawStore:
    return RawStore(tmp_path / "raw")


# --------------------------------------------------------------------------- parse


def test_parse_store_parses_good_pages_and_counts_skips_with_url_and_reason(store, caplog):
    store.put("http://www.shebao.example/news/1.html", GOOD_PAGE,
              headers={"content-type": "text/html; charset=utf-8"}, fetched_at=FETCHED)
    store.put("http://www.shebao.example/news/empty.html", EMPTY_PAGE,
              headers={"content-type": "text/html"}, fetched_at=FETCHED)
    store.put("http://www.shebao.example/news/gone.html", b"not found", status=404, fetched_at=FETCHED)
    with caplog.at_level(logging.WARNING, logger=stages.LOG.name):
        parsed = stages.parse_store(store)
    assert [a.url for a in parsed.articles] == ["http://www.shebao.example/news/1.html"]
    assert parsed.report.parsed == 1
    skipped = dict(parsed.report.skipped)
    assert set(skipped) == {"http://www.shebao.example/news/empty.html",
                            "http://www.shebao.example/news/gone.html"}
    assert "404" in skipped["http://www.shebao.example/news/gone.html"]
    assert "http://www.shebao.example/news/empty.html" in caplog.text
    assert parsed.report.parsed_share == pytest.approx(1 / 3)


def test_parse_store_skips_a_page_whose_body_file_is_corrupt(store):
    page = store.put("http://www.shebao.example/news/1.html", GOOD_PAGE, fetched_at=FETCHED)
    store.body_path(page.body_sha256).write_bytes(b"garbage")
    parsed = stages.parse_store(store)
    assert parsed.articles == []
    assert [url for url, _ in parsed.report.skipped] == ["http://www.shebao.example/news/1.html"]


def site_store(root: Path, n_articles: int = 16) -> RawStore:
    """A raw store holding the generated site's article pages (copies included), an empty page and a 404."""
    from pipelines.sample_site import iter_site_pages

    store = RawStore(root, fsync=False)
    for page in iter_site_pages(n_articles, seed=7):
        if page.kind == "article":
            store.put("http://www.shebao.example" + page.path, page.body,
                      headers={"content-type": page.content_type}, fetched_at=FETCHED)
    store.put("http://www.shebao.example/news/empty.html", EMPTY_PAGE, fetched_at=FETCHED)
    store.put("http://www.shebao.example/news/gone.html", b"not found", status=404, fetched_at=FETCHED)
    return store


def parse_and_merge_into(store: RawStore, work: Path, workers: int) -> stages.ArticlesWritten:
    return stages.parse_and_merge(store, work, work / "articles.pickles", work / "articles.parquet",
                                  workers=workers)


def test_parse_and_merge_writes_the_same_bytes_with_worker_processes_as_in_process(tmp_path, caplog):
    store = site_store(tmp_path / "raw")
    serial = parse_and_merge_into(store, tmp_path / "serial", workers=1)
    with caplog.at_level(logging.WARNING, logger=stages.LOG.name):
        pooled = stages.parse_and_merge(store, tmp_path / "pool", tmp_path / "pool" / "articles.pickles",
                                        tmp_path / "pool" / "articles.parquet", workers=2)
    assert pooled == serial
    assert serial.duplicates_merged > 0, "the generated site has copies under other URLs"
    assert {url for url, _ in pooled.report.skipped} == {"http://www.shebao.example/news/empty.html",
                                                         "http://www.shebao.example/news/gone.html"}
    assert "http://www.shebao.example/news/gone.html" in caplog.text
    for name in ("articles.pickles", "articles.parquet", stages.EXTRACTED_NAME, stages.PREPARED_NAME):
        assert (tmp_path / "pool" / name).read_bytes() == (tmp_path / "serial" / name).read_bytes(), name
    for scratch in stages.SCRATCH_PARTS.values():
        assert not (tmp_path / "pool" / scratch).exists(), f"scratch stream {scratch} is removed"


@pytest.mark.parametrize("workers", [1, 2])
def test_paragraph_rows_from_prepared_paragraphs_equal_rows_computed_in_the_stage(tmp_path, workers):
    store = site_store(tmp_path / "raw")
    work = tmp_path / "work"
    parse_and_merge_into(store, work, workers=workers)
    from_workers = paragraph_rows(lambda: stages.read_records(work / stages.PREPARED_NAME), work)
    in_stage = stages.dedup(stages.merge(stages.parse_store(store).articles), tmp_path / "fresh")
    assert from_workers == [dataclasses.asdict(row) for row in in_stage]
    assert any(row.is_boilerplate for row in in_stage), "the generated site repeats boilerplate"


def test_the_articles_stream_is_bodiless_and_the_prepared_paragraphs_carry_the_bodies(tmp_path):
    store = site_store(tmp_path / "raw", n_articles=6)
    work = tmp_path / "work"
    parse_and_merge_into(store, work, workers=1)
    articles = list(stages.read_records(work / "articles.pickles"))
    prepared = list(stages.read_records(work / stages.PREPARED_NAME))
    full = stages.merge(stages.parse_store(store).articles)
    assert all(a.paragraphs == () for a in articles)
    assert [p.article_id for p in prepared] == [a.article_id for a in full]
    assert [[text for _, _, text, *_ in p.paragraphs] for p in prepared] == [
        [paragraph.text for paragraph in a.paragraphs] for a in full]


def test_prepared_paragraphs_of_another_article_are_refused(tmp_path):
    from pipelines.dedup import PreparedMismatch, cluster_paragraphs, prepare_paragraphs

    arts = [article(f"a{i}", (f"第{i}篇自己的话。", BOILER)) for i in range(2)]
    swapped = [prepare_paragraphs(arts[1]), prepare_paragraphs(arts[0])]
    with pytest.raises(PreparedMismatch, match="a1"):
        cluster_paragraphs(arts, prepared=swapped)


def test_extracted_claims_join_their_paragraph_clusters_in_article_order(tmp_path):
    store = site_store(tmp_path / "raw", n_articles=6)
    work = tmp_path / "work"
    parse_and_merge_into(store, work, workers=1)
    extracted = list(stages.read_records(work / stages.EXTRACTED_NAME))
    articles = list(stages.read_records(work / stages.PREPARED_NAME))
    assert [e.article_id for e in extracted] == [a.article_id for a in articles]
    clusters = [stages.ArticleClusters(a.article_id, {ordinal: f"c{a.article_id}{ordinal}"
                                                      for ordinal, *_ in a.paragraphs}) for a in articles]
    failed: list[tuple[str, str]] = []
    groups = list(stages.attach_stream(extracted, clusters, failed))
    assert failed == []
    pairs = [(c, cluster) for group in groups for c, cluster in zip(group.claims, group.cluster_ids, strict=True)]
    assert pairs, "the generated site states credit rules"
    assert all(cluster == f"c{c.article_id}{c.paragraph_ordinal}" for c, cluster in pairs)
    table = tmp_path / "claims.parquet"
    stages.write_table_batches(table, "claims", stages.claims_tables(groups, size=5))
    assert sorted(stages.read_claims(table), key=repr) == sorted(
        (replace(c, cluster_id=cluster) for c, cluster in pairs), key=repr)


def test_an_extraction_error_is_a_logged_failure_of_that_article(caplog):
    records = [stages.Extracted("a1", "http://x.example/a1", error="ValueError: bad table"),
               stages.Extracted("a2", "http://x.example/a2", (replace(CLAIM, article_id="a2"),))]
    failed: list[tuple[str, str]] = []
    with caplog.at_level(logging.WARNING, logger=stages.LOG.name):
        groups = list(stages.attach_stream(records, [], failed))
    assert failed == [("http://x.example/a1", "ValueError: bad table")]
    assert [[c.article_id for c in g.claims] for g in groups] == [["a2"]]
    assert "http://x.example/a1" in caplog.text


@pytest.mark.parametrize(
    ("parsed", "skipped", "share"),
    [(0, 0, 1.0), (4, 0, 1.0), (3, 1, 0.75), (0, 2, 0.0)],
)
def test_parse_report_share(parsed, skipped, share):
    report = stages.ParseReport(parsed, tuple((f"u{i}", "r") for i in range(skipped)))
    assert report.parsed_share == share
    assert report.total == parsed + skipped


# --------------------------------------------------------------------------- dedup


BOILER = "个人账户资金可以用于支付门诊费用和药店购药费用，也可以家庭共济使用，具体以当地规定为准。"


def test_dedup_persists_the_index_and_drops_articles_that_are_gone(tmp_path):
    work = tmp_path / "work"
    three = [article(f"a{i}", (f"第{i}篇文章自己的一段话，内容各不相同，编号{i}。", BOILER)) for i in range(3)]
    first = stages.dedup(three, work)
    assert (work / "paragraph_index.pkl").exists()
    assert {r.cluster_size for r in first if r.text == BOILER} == {3}
    second = stages.dedup(three[:2], work)
    assert {r.cluster_size for r in second if r.text == BOILER} == {2}
    assert {r.article_id for r in second} == {"a0", "a1"}


def test_dedup_is_idempotent_across_runs(tmp_path):
    work = tmp_path / "work"
    arts = [article(f"a{i}", (f"独有的第{i}段文字，说的是别的事情{i}。", BOILER)) for i in range(2)]
    assert stages.dedup(arts, work) == stages.dedup(arts, work)


# --------------------------------------------------------------------------- extract


def test_extract_reads_claims_and_attaches_clusters():
    beijing = article("a1", ("北京市退休人员医保个人账户每月划入100元。",))
    rows = [ParagraphRow(article_id="a1", ordinal=0, section=None, text=beijing.paragraphs[0].text,
                         norm_hash="h", cluster_id="c-beijing", cluster_size=1, is_boilerplate=False)]
    result = stages.extract([beijing], rows)
    assert result.failed == ()
    assert result.claims, "the Beijing sentence states a rule"
    assert {c.region for c in result.claims} == {"北京市"}
    assert {c.cluster_id for c in result.claims} == {"c-beijing"}


# --------------------------------------------------------------------------- reconcile


def test_reconcile_stage_applies_overrides_and_logs_unmatched_ones(tmp_path, caplog):
    overrides = tmp_path / "overrides.toml"
    overrides.write_text(
        '[[override]]\nregion = "北京市"\npopulation = "retiree"\nage_max = 70\n'
        'method = "fixed"\nmonthly_yuan = 120.0\nreviewer = "t"\nnote = "checked"\ndate = 2026-01-01\n\n'
        '[[override]]\nregion = "上海市"\npopulation = "retiree"\n'
        'method = "fixed"\nmonthly_yuan = 140.0\nreviewer = "t"\nnote = "no such rule"\ndate = 2026-01-01\n',
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger=stages.LOG.name):
        result = stages.reconcile_stage([CLAIM], [article("a1", ("x",))], overrides)
    (rule,) = result.credit_rules
    assert (rule.monthly_yuan, rule.status) == (120.0, "overridden")
    assert len(result.unmatched_overrides) == 1
    assert "上海市" in caplog.text


def test_reconcile_stage_without_overrides_file(tmp_path):
    result = stages.reconcile_stage([CLAIM], [article("a1", ("x",))], tmp_path / "missing.toml")
    assert [r.monthly_yuan for r in result.credit_rules] == [100.0]


def test_slim_drops_body_but_keeps_what_reconciliation_reads():
    full = article("a1", ("一段", "两段"))
    slim = stages.slim(full)
    assert slim.paragraphs == ()
    assert (slim.article_id, slim.url, slim.published_at) == (full.article_id, full.url, full.published_at)


# --------------------------------------------------------------------------- tables and work files


def test_build_tables_names_the_five_tables_with_their_rows(tmp_path):
    result = stages.reconcile_stage([CLAIM], [article("a1", ("x",))], tmp_path / "none.toml")
    rows = [ParagraphRow("a1", 0, None, "x", "h", "c1", 1, False)]
    tables = stages.build_tables([article("a1", ("x",))], rows, [CLAIM], result)
    assert tuple(tables) == stages.TABLE_NAMES
    assert {name: t.num_rows for name, t in tables.items()} == {
        "articles": 1, "paragraphs": 1, "claims": 1, "credit_rules": 1, "conflicts": 0}


@pytest.mark.parametrize("records", [[], [CLAIM], [CLAIM, replace(CLAIM, article_id="a2")]])
def test_record_streams_round_trip(tmp_path, records):
    path = tmp_path / "work" / "claims.pickles"
    assert stages.write_records(path, records) == len(records)
    assert list(stages.read_records(path)) == records
    assert not path.with_name(path.name + ".tmp").exists()


def test_record_stream_is_read_lazily(tmp_path):
    path = tmp_path / "claims.pickles"
    stages.write_records(path, (replace(CLAIM, paragraph_ordinal=i) for i in range(1000)))
    stream = stages.read_records(path)
    assert next(stream).paragraph_ordinal == 0
    assert next(stream).paragraph_ordinal == 1


def test_write_table_writes_parquet_and_counts_rows(tmp_path):
    table = stages.build_table("claims", [CLAIM, CLAIM])
    path = tmp_path / "claims.parquet"
    assert stages.write_table(path, table) == 2
    import pyarrow.parquet as pq

    assert pq.read_table(path).num_rows == 2


def paragraph_rows(pairs, work, chunk=stages.DEDUP_CHUNK):
    """The rows of `paragraph_tables` as plain dicts."""
    return [row for table in stages.paragraph_tables(pairs, work, chunk) for row in table.to_pylist()]


def test_paragraph_tables_in_small_chunks_equal_one_chunk(tmp_path):
    arts = [article(f"a{i}", (f"第{i}篇自己的话，各不相同{i}。", BOILER)) for i in range(5)]
    whole = stages.dedup(arts, tmp_path / "one")
    chunked = stages.dedup(arts, tmp_path / "many", chunk=2)
    assert chunked == whole
    assert {r.cluster_size for r in chunked if r.text == BOILER} == {5}


@pytest.mark.parametrize("n", [0, 1, 3])
def test_claims_table_written_in_parts_reads_back_as_the_claims_with_their_clusters(tmp_path, n):
    claims = [replace(CLAIM, paragraph_ordinal=i, evidence_more=("又一句。",) * (i % 2)) for i in range(n)]
    groups = [stages.ArticleClaims((claim,), [f"c{claim.paragraph_ordinal}"]) for claim in claims]
    table = tmp_path / "claims.parquet"
    assert stages.write_table_batches(table, "claims", stages.claims_tables(groups, size=2)) == n
    assert list(stages.read_claims(table)) == [replace(c, cluster_id=f"c{c.paragraph_ordinal}") for c in claims]


def test_claims_read_back_share_one_object_per_repeated_string(tmp_path):
    # reconciliation holds every claim: a boilerplate sentence stated by thousands of articles
    # must not be a copy per claim
    claims = [replace(CLAIM, article_id=f"a{i}", evidence="每月划入个人账户。" + "很长" * 50) for i in range(4)]
    groups = [stages.ArticleClaims((claim,), [None if i % 2 else "c1"]) for i, claim in enumerate(claims)]
    table = tmp_path / "claims.parquet"
    stages.write_table_batches(table, "claims", stages.claims_tables(groups))
    read = list(stages.read_claims(table))
    assert read == [replace(c, cluster_id=None if i % 2 else "c1") for i, c in enumerate(claims)]
    assert len({id(c.evidence) for c in read}) == 1
    assert len({id(c.article_id) for c in read}) == 4


@pytest.mark.parametrize("values", [["x", None, "x", "y"], [1.5, None, 1.5], [None, None], []])
def test_shared_values_gives_the_column_as_python_values(values):
    import pyarrow as pa

    column = pa.array(values, type=pa.float64() if 1.5 in values else pa.string())
    assert stages.shared_values(column) == values
    assert stages.shared_values(column.dictionary_encode()) == values


def test_claims_table_refuses_cluster_ids_that_do_not_match_its_claims():
    from pipelines import schemas

    with pytest.raises(ValueError, match="2 cluster ids for 1 claims"):
        schemas.claims_table([CLAIM], ["c1", "c2"])


def test_dedup_rebuilds_an_index_written_by_other_code(tmp_path, caplog):
    work = tmp_path / "work"
    work.mkdir()
    (work / "paragraph_index.pkl").write_bytes(b"not an index")
    arts = [article(f"a{i}", (f"独有的第{i}段，内容不同{i}。", BOILER)) for i in range(2)]
    with caplog.at_level(logging.WARNING, logger=stages.LOG.name):
        rows = stages.dedup(arts, work)
    assert "rebuilding the paragraph index" in caplog.text
    assert {r.cluster_size for r in rows if r.text == BOILER} == {2}
    assert stages.dedup(arts, work) == rows


def test_prepared_paragraphs_join_an_index_that_already_holds_some_of_their_templates(tmp_path):
    from pipelines.dedup import DEFAULT_SETTINGS, ParagraphIndex, cluster_paragraphs

    work = tmp_path / "work"
    store = site_store(tmp_path / "raw")
    parse_and_merge_into(store, work, workers=1)
    arts = stages.merge(stages.parse_store(store).articles)
    prepared = list(stages.read_records(work / stages.PREPARED_NAME))
    index = ParagraphIndex(DEFAULT_SETTINGS)
    cluster_paragraphs(arts[:4], index)
    assert cluster_paragraphs(arts, index, prepared=prepared) == cluster_paragraphs(arts)
