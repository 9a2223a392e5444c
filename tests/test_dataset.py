"""The pandas loader: dtypes, version lookup by name or prefix, and errors that say what exists."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from release_factories import rules_for, tables

from pipelines import dataset, publish


@pytest.fixture
def two_releases(tmp_path):
    """Two releases of tmp_path: Beijing 70+ at 110 then at 120 yuan a month."""
    first = publish.promote(publish.write_candidate(tables(), tmp_path, pages=48, run_id="r1"),
                            tmp_path, now=datetime(2026, 11, 22, 8, 0, tzinfo=UTC))
    second = publish.promote(
        publish.write_candidate(tables(rules=rules_for((None, 70, 100.0), (70, None, 120.0))),
                                tmp_path, pages=48, run_id="r2"),
        tmp_path, now=datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    return tmp_path, first.version, second.version


@pytest.mark.parametrize(("column", "dtype"), [
    ("age_min", "Int64"),
    ("approximate", "boolean"),
    ("monthly_yuan", "float64"),
    ("first_seen", "datetime64[us, Asia/Shanghai]"),
    ("source_urls", "object"),
])
def test_credit_rules_dtypes(two_releases, column, dtype):
    data_dir, _, _ = two_releases
    assert str(dataset.load("credit_rules", data_dir=data_dir)[column].dtype) == dtype


def test_string_columns_are_strings_and_lists_are_lists(two_releases):
    data_dir, _, _ = two_releases
    rules = dataset.load("credit_rules", data_dir=data_dir)
    assert pd.api.types.is_string_dtype(rules["region"])
    assert rules.loc[0, "source_urls"] == ["https://www.shebao.example/yibao/101.html"]
    assert rules["age_min"].isna().tolist() == [True, False]


def test_latest_and_older_versions(two_releases):
    data_dir, first, _ = two_releases
    assert dataset.load("credit_rules", data_dir=data_dir).monthly_yuan.tolist() == [100.0, 120.0]
    assert dataset.load("credit_rules", first, data_dir).monthly_yuan.tolist() == [100.0, 110.0]


def test_a_unique_prefix_names_a_version(two_releases):
    data_dir, first, second = two_releases
    assert dataset.resolve_version("20261122", data_dir) == first
    assert dataset.resolve_version(second, data_dir) == second
    assert dataset.resolve_version("latest", data_dir) == second


@pytest.mark.parametrize(("name", "error", "message"), [
    ("2026112", dataset.UnknownVersionError, "ambiguous"),
    ("19990101", dataset.UnknownVersionError, "versions: 20261122T080000Z-"),
])
def test_unknown_or_ambiguous_versions_list_what_exists(two_releases, name, error, message):
    data_dir, _, _ = two_releases
    with pytest.raises(error, match=message):
        dataset.load("credit_rules", name, data_dir)


def test_an_unknown_table_lists_the_tables(two_releases):
    data_dir, _, _ = two_releases
    with pytest.raises(dataset.UnknownTableError, match="credit_rules"):
        dataset.load("rules", data_dir=data_dir)


def test_no_release_yet_says_how_to_make_one(tmp_path):
    with pytest.raises(dataset.NoReleaseError, match="shebao-policy run"):
        dataset.load("credit_rules", data_dir=tmp_path)


def test_list_versions_is_sorted_by_time_with_parents_and_counts(two_releases):
    data_dir, first, second = two_releases
    infos = dataset.list_versions(data_dir)
    assert [(i.version, i.parent, i.is_latest) for i in infos] == [
        (first, None, False), (second, first, True)]
    assert infos[1].created_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert infos[1].row_counts["credit_rules"] == 2
    assert (infos[1].pages, infos[1].dagster_run_id) == (48, "r2")


def test_load_diff_shows_what_changed(two_releases):
    data_dir, _, _ = two_releases
    diff = dataset.load_diff(data_dir=data_dir)
    changed = diff[(diff.table == "credit_rules") & (diff.field == "monthly_yuan")]
    assert changed[["key", "old", "new"]].values.tolist() == [["北京市 retiree [70,∞)", "110.0", "120.0"]]


def test_conflicts_load_with_readable_candidates(two_releases):
    data_dir, _, _ = two_releases
    conflicts = dataset.load("conflicts", data_dir=data_dir)
    assert conflicts.loc[0, "candidate_values"][0].startswith('{"monthly_yuan":140.0}')
    assert conflicts["age_min"].isna().all()


def test_some_columns_only(two_releases):
    data_dir, _, _ = two_releases
    frame = dataset.load("paragraphs", data_dir=data_dir, columns=["article_id", "is_boilerplate"])
    assert list(frame.columns) == ["article_id", "is_boilerplate"]
    assert str(frame.is_boilerplate.dtype) == "boolean"
    with pytest.raises(dataset.DatasetError, match="no column \\['txt'\\]; its columns: article_id"):
        dataset.load("paragraphs", data_dir=data_dir, columns=["txt"])
