"""Asset check rules on literal rows, and real Dagster materialisations over a raw store filled in the test."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from pipelines import checks
from pipelines.assets import ASSETS
from pipelines.checks import CHECKS
from pipelines.commands.run import failed_blocking_checks, progress_line
from pipelines.resources import PipelineConfig
from spiders.rawstore import RawStore

FETCHED = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
SITE = "http://www.shebao.example"


def rule(region_code="110000", population="retiree", age_min=None, age_max=None, **values):
    """A credit-rules row as pyarrow's to_pylist gives it."""
    row = {"region": "北京市", "region_code": region_code, "population": population,
           "age_min": age_min, "age_max": age_max, "method": "fixed", "monthly_yuan": 100.0,
           "ratio_min": None, "ratio_max": None, "evidence": ["北京市每月划入100元。"],
           "source_urls": [f"{SITE}/news/1.html"]}
    return row | values


# --------------------------------------------------------------------------- check rules


@pytest.mark.parametrize(
    ("rows", "n_duplicates"),
    [
        ([rule()], 0),
        ([rule(age_max=70), rule(age_min=70)], 0),
        ([rule(), rule(population="employee")], 0),
        ([rule(age_max=70), rule(age_max=70, monthly_yuan=90.0)], 1),
        ([rule(), rule(), rule(region_code="310000"), rule(region_code="310000")], 2),
    ],
)
def test_duplicate_keys(rows, n_duplicates):
    assert len(checks.duplicate_keys(rows)) == n_duplicates


@pytest.mark.parametrize(
    ("values", "bad"),
    [
        ({}, False),
        ({"monthly_yuan": 1000.0}, False),
        ({"monthly_yuan": 1000.5}, True),
        ({"monthly_yuan": 0.0}, True),
        ({"monthly_yuan": -3.0}, True),
        ({"monthly_yuan": float("nan")}, True),
        ({"method": "ratio", "monthly_yuan": None, "ratio_min": 0.02, "ratio_max": 0.03}, False),
        ({"method": "ratio", "monthly_yuan": None, "ratio_min": 0.1, "ratio_max": 0.1}, False),
        ({"method": "ratio", "monthly_yuan": None, "ratio_min": 0.5, "ratio_max": 0.5}, True),
        ({"method": "ratio", "monthly_yuan": None, "ratio_min": 0.0, "ratio_max": 0.02}, True),
        ({"method": "ratio", "monthly_yuan": None, "ratio_min": 0.03, "ratio_max": 0.02}, True),
    ],
)
def test_insane_values(values, bad):
    assert bool(checks.insane_values([rule(**values)])) is bad


@pytest.mark.parametrize(
    ("values", "bad"),
    [
        ({}, False),
        ({"evidence": []}, True),
        ({"evidence": None}, True),
        ({"evidence": ["  "]}, True),
        ({"source_urls": []}, True),
    ],
)
def test_without_evidence(values, bad):
    assert bool(checks.without_evidence([rule(**values)])) is bad


@pytest.mark.parametrize(
    ("bands", "n_overlaps"),
    [
        ([(None, None)], 0),
        ([(None, 70), (70, None)], 0),
        ([(None, 70), (70, 80), (80, None)], 0),
        ([(None, 75), (70, None)], 1),
        ([(None, None), (70, None)], 1),
        ([(None, None), (None, 70), (70, None)], 2),
        ([(60, 70), (65, 66)], 1),
    ],
)
def test_overlapping_bands(bands, n_overlaps):
    rows = [rule(age_min=low, age_max=high) for low, high in bands]
    assert len(checks.overlapping_bands(rows)) == n_overlaps


def test_overlapping_bands_only_within_region_and_population():
    rows = [rule(), rule(region_code="310000", age_min=70), rule(population="employee", age_max=70)]
    assert checks.overlapping_bands(rows) == []


def test_failed_check_result_names_the_problems():
    result = checks.result(["a: ratio 0.5", "b: ratio 0.6"], "ok", "values out of range")
    assert not result.passed
    assert "values out of range: 2" in result.description
    assert "a: ratio 0.5" in result.description


@pytest.mark.parametrize(
    ("ids", "repeated"),
    [(["a", "b", "c"], []), (["a", "a", "b"], ["a"]), (["a", "b", "b", "b"], ["b"]), ([], [])],
)
def test_article_ids_audit_finds_repeats_in_a_sorted_stream(ids, repeated):
    result = checks.articles_unique_ids(ids)
    assert result.passed is (not repeated)
    assert result.metadata["problems"].value == len(repeated)


@pytest.mark.parametrize(
    ("keys", "n_problems"),
    [([("a", 0), ("a", 1), ("b", 0)], 0),
     ([("a", 0), ("a", 0)], 1),
     ([("a", 0), ("b", 0), ("a", 1)], 1),  # a's rows are split: its keys may repeat unseen
     ([], 0)],
)
def test_paragraph_key_audit_streams_one_article_at_a_time(keys, n_problems):
    audit = checks.ParagraphKeyAudit()
    for article_id, ordinal in keys:
        audit.see(article_id, ordinal)
    assert len(audit.repeated) == n_problems
    assert audit.result().passed is (n_problems == 0)


def test_run_history_connections_relax_sync_and_keep_wal_databases_open(tmp_path):
    import sqlalchemy

    from pipelines.commands.run import RunHistoryConnections

    path = tmp_path / "history.db"
    engine = sqlalchemy.create_engine(f"sqlite:///{path}", poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("CREATE TABLE events (x)")
        conn.commit()
    with RunHistoryConnections() as history:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            conn.exec_driver_sql("INSERT INTO events VALUES (1)")
            conn.commit()
        assert str(path) in history.kept
    assert history.kept == {}
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL again once the run is over


# --------------------------------------------------------------------------- materialisations

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="nav">首页 | 社保 | 医保</div><article><h1>{title}</h1><p class="date">{date}</p>
<p>{body}</p>
<p>个人账户的钱可以用来在定点药店买药，也能在门诊报销时使用，家人也可以共同使用。</p>
</article></body></html>"""

ARTICLES = [
    ("北京医保个人账户每月返多少钱", "2025-06-05", "北京市退休人员医保个人账户每月划入100元。"),
    ("深圳医保个人账户每月返多少钱", "2025-07-01", "深圳市退休人员每月按本人基本养老金的2.8%划入个人账户。"),
    ("上海医保个人账户每月返多少钱", "2025-08-01", "上海市退休人员个人账户每年划入1680元。"),
]


def fill_store(data_dir: Path, articles=ARTICLES) -> RawStore:
    """A raw store holding one page per (title, date, body)."""
    store = RawStore(data_dir / "raw")
    for i, (title, date, body) in enumerate(articles):
        html = PAGE.format(title=title, date=date, body=body)
        store.put(f"{SITE}/news/{i}.html", html.encode(), fetched_at=FETCHED,
                  headers={"content-type": "text/html; charset=utf-8"})
    return store


def materialize(data_dir: Path, **config) -> dg.ExecuteInProcessResult:
    """Every asset and check, no crawl, against a data dir; failures returned, not raised."""
    pipeline = PipelineConfig(data_dir=str(data_dir), crawl=False, **config)
    return dg.materialize([*ASSETS, *CHECKS], resources={"pipeline": pipeline}, raise_on_error=False)


@pytest.mark.slow
def test_materialising_everything_publishes_a_release_then_nothing_new(tmp_path):
    fill_store(tmp_path)
    first = materialize(tmp_path)
    assert first.success
    published = first.output_for_node("published_release")
    assert published.published
    latest = tmp_path / "published" / "latest"
    rules = pq.read_table(latest / "credit_rules.parquet").to_pylist()
    assert {r["region"] for r in rules} >= {"北京市", "深圳市", "上海市"}
    manifest = json.loads((latest / "manifest.json").read_text())
    assert manifest["dagster_run_id"] == first.run_id or first.run_id in json.dumps(manifest)
    meta = first.asset_materializations_for_node("articles")[0].metadata
    assert meta["rows"].value == 3 and meta["pages_skipped"].value == 0

    second = materialize(tmp_path)
    assert second.success
    again = second.output_for_node("published_release")
    assert not again.published
    assert again.version == published.version
    assert len([p for p in (tmp_path / "published").iterdir() if p.name != "latest" and p.is_dir()
                and (p / "manifest.json").exists()]) == 1


@pytest.mark.slow
def test_worker_processes_publish_the_same_release_as_the_run_process(tmp_path):
    hashes = []
    for workers in (1, 2):
        data_dir = tmp_path / f"workers{workers}"
        fill_store(data_dir)
        result = materialize(data_dir, workers=workers)
        assert result.success
        hashes.append(result.output_for_node("published_release").content_hash)
    assert hashes[0] == hashes[1]


@pytest.mark.slow
def test_a_blocking_check_stops_the_release(tmp_path):
    fill_store(tmp_path)
    overrides = tmp_path / "overrides.toml"
    overrides.write_text(
        '[[override]]\nregion = "深圳市"\npopulation = "retiree"\nmethod = "ratio"\n'
        'ratio_min = 0.5\nratio_max = 0.5\nbase = "individual_pension"\n'
        'reviewer = "test"\nnote = "a wrong ratio on purpose"\ndate = 2026-01-01\n', encoding="utf-8")
    result = materialize(tmp_path, overrides_path=str(overrides))
    assert not result.success
    assert [c.split(":")[0] for c in failed_blocking_checks(result)] == ["credit_rules_sane_values"]
    assert result.is_node_skipped("published_release") or not result.is_node_success("published_release")
    assert not (tmp_path / "published" / "latest").exists()


@pytest.mark.slow
def test_a_page_that_fails_to_parse_is_counted_not_fatal(tmp_path):
    store = fill_store(tmp_path)
    store.put(f"{SITE}/news/broken.html", b"<html><body></body></html>", fetched_at=FETCHED)
    result = materialize(tmp_path)
    meta = result.asset_materializations_for_node("articles")[0].metadata
    assert meta["pages_skipped"].value == 1
    assert f"{SITE}/news/broken.html" in meta["skipped_pages"].value
    # 3 of 4 pages parsed is below the 80% floor: the release is held back.
    assert not result.success
    assert any(c.startswith("pages_parsed_share") for c in failed_blocking_checks(result))


@pytest.mark.slow
def test_progress_lines_name_stages_and_checks(tmp_path):
    fill_store(tmp_path)
    result = materialize(tmp_path)
    lines = [progress_line(e) for e in result.all_events]
    text = "\n".join(line for line in lines if line)
    assert "✓ articles" in text
    assert "check credit_rules_unique_keys" in text


@pytest.mark.slow
def test_an_empty_raw_store_publishes_nothing(tmp_path):
    result = materialize(tmp_path)
    assert not result.success
    assert [c.split(":")[0] for c in failed_blocking_checks(result)] == ["raw_store_not_empty"]
    assert not (tmp_path / "published" / "latest").exists()


def test_a_second_run_on_a_busy_data_dir_stops_with_a_clear_message(tmp_path):
    from click.testing import CliRunner
    from filelock import FileLock

    from pipelines.commands.run import RUN_LOCK_NAME, run

    with FileLock(tmp_path / RUN_LOCK_NAME):
        result = CliRunner().invoke(run, ["--no-crawl", "--data-dir", str(tmp_path), "--wait", "0"])
    assert result.exit_code != 0
    assert "another `shebao-policy run` is still using" in result.output
    assert not (tmp_path / "published").exists()


@pytest.mark.slow
def test_a_failing_stage_is_reported_by_its_own_error(tmp_path):
    from pipelines.commands.run import failure_message

    fill_store(tmp_path)
    overrides = tmp_path / "overrides.toml"
    overrides.write_text("[[override]\nregion = \n", encoding="utf-8")
    result = materialize(tmp_path, overrides_path=str(overrides))
    assert not result.success
    message = failure_message(result, tmp_path)
    assert "reconciled:" in message
    assert str(overrides) in message
    assert "DagsterExecutionStepExecutionError" not in message


def test_paragraphs_ask_for_the_articles_asset_again_when_its_prepared_stream_is_missing(tmp_path):
    from pipelines.assets import paragraphs
    from pipelines.stages import ArticleSet, WorkSet

    pipeline = PipelineConfig(data_dir=str(tmp_path), crawl=False)
    work = WorkSet(records=str(tmp_path / "work" / "articles.pickles"), table="", rows=0)
    with pytest.raises(dg.Failure, match="materialise the articles asset again"):
        list(paragraphs(dg.build_asset_context(), pipeline=pipeline,
                        articles=ArticleSet(work=work, parsed=0, skipped=0)))
