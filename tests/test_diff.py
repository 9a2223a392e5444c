"""Release diffs: added / removed / changed rules and conflicts, field by field, with evidence."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from release_factories import BEIJING_URL, article, conflict, rule, rules_for, tables

from pipelines import schemas
from pipelines.diff import DIFF_SCHEMA, diff_releases, diff_rows, readable_key


def write_release(root, version, release_tables):
    """A release directory with the tables and a manifest naming its version."""
    path = root / version
    path.mkdir()
    for name, table in release_tables.items():
        pq.write_table(table, path / f"{name}.parquet")
    (path / "manifest.json").write_text(json.dumps({"version": version}), encoding="utf-8")
    return path


def rows_of(diff, table):
    return [r for r in diff.rows.to_pylist() if r["table"] == table]


def test_identical_releases_have_no_changes(tmp_path):
    old = write_release(tmp_path, "v1", tables())
    new = write_release(tmp_path, "v2", tables())
    diff = diff_releases(old, new)
    assert diff.rows.num_rows == 0
    assert diff.summary()["tables"]["credit_rules"] == {
        "old_rows": 2, "new_rows": 2, "added": 0, "removed": 0, "changed": 0}
    assert "No changes." in diff.markdown()


def test_a_changed_amount_is_one_value_row_with_both_sides_evidence(tmp_path):
    old = write_release(tmp_path, "v1", tables())
    new_rules = [rule(age_min=None, age_max=70, monthly_yuan=100.0),
                 rule(age_min=70, monthly_yuan=120.0, evidence=("北京70岁以上每月120元。",),
                      source_urls=("https://www.shebao.example/new.html",))]
    new = write_release(tmp_path, "v2", tables(rules=new_rules))
    value_rows = [r for r in rows_of(diff_releases(old, new), "credit_rules") if r["kind"] == "value"]
    assert len(value_rows) == 1
    row = value_rows[0]
    assert (row["change"], row["key"], row["field"], row["old"], row["new"]) == (
        "changed", "北京市 retiree [70,∞)", "monthly_yuan", "110.0", "120.0")
    assert row["old_evidence"] == ["北京70岁及以上退休人员每月划入110元。"]
    assert row["new_evidence"] == ["北京70岁以上每月120元。"]
    assert row["old_sources"] == [BEIJING_URL]
    assert row["new_sources"] == ["https://www.shebao.example/new.html"]


def test_support_only_changes_are_marked_support(tmp_path):
    old = write_release(tmp_path, "v1", tables())
    new = write_release(tmp_path, "v2", tables(rules=[
        rule(age_min=None, age_max=70, monthly_yuan=100.0), rule(n_mentions=9)]))
    rows = rows_of(diff_releases(old, new), "credit_rules")
    assert [(r["field"], r["kind"], r["old"], r["new"]) for r in rows] == [
        ("n_mentions", "support", "3", "9")]


@pytest.mark.parametrize(("old_rules", "new_rules", "expected"), [
    ([(None, 70, 100.0)], [(None, 70, 100.0), (70, None, 110.0)],
     [("added", "北京市 retiree [70,∞)", None, "method=fixed, monthly_yuan=110.0, approximate=false, status=agreed")]),
    ([(None, 70, 100.0), (70, None, 110.0)], [(70, None, 110.0)],
     [("removed", "北京市 retiree (-∞,70)", "method=fixed, monthly_yuan=100.0, approximate=false, status=agreed", None)]),
    ([(None, None, 100.0)], [(None, 75, 100.0)],
     [("added", "北京市 retiree (-∞,75)", None, "method=fixed, monthly_yuan=100.0, approximate=false, status=agreed"),
      ("removed", "北京市 retiree all ages", "method=fixed, monthly_yuan=100.0, approximate=false, status=agreed", None)]),
])
def test_added_and_removed_bands(tmp_path, old_rules, new_rules, expected):
    old = write_release(tmp_path, "v1", tables(rules=rules_for(*old_rules)))
    new = write_release(tmp_path, "v2", tables(rules=rules_for(*new_rules)))
    rows = rows_of(diff_releases(old, new), "credit_rules")
    assert sorted((r["change"], r["key"], r["old"], r["new"]) for r in rows) == sorted(expected)


def test_a_conflict_that_got_resolved_shows_status_and_candidate_evidence(tmp_path):
    old = write_release(tmp_path, "v1", tables(conflicts=[conflict(
        chosen=None, status="unresolved", reason="tie: 1 source each")]))
    new = write_release(tmp_path, "v2", tables())
    rows = {r["field"]: r for r in rows_of(diff_releases(old, new), "conflicts")}
    assert set(rows) == {"chosen", "status", "reason"}
    assert (rows["status"]["old"], rows["status"]["new"]) == ("unresolved", "resolved")
    assert rows["chosen"]["key"] == "上海市 retiree all ages · monthly_yuan"
    assert "上海退休人员每月120元。" in rows["status"]["new_evidence"]
    assert "https://www.shebao.example/old.html" in rows["status"]["old_sources"]


def test_first_release_lists_everything_as_added(tmp_path):
    new = write_release(tmp_path, "v1", tables())
    diff = diff_releases(None, new)
    assert diff.old_version is None and diff.new_version == "v1"
    assert {(r["table"], r["change"]) for r in diff.rows.to_pylist()} == {
        ("credit_rules", "added"), ("conflicts", "added")}
    assert diff.markdown().startswith("# Release v1 (first release)")


def test_articles_are_counted_added_and_removed_by_id(tmp_path):
    old = write_release(tmp_path, "v1", tables(articles=[article("a1"), article("a2")]))
    new = write_release(tmp_path, "v2", tables(articles=[article("a2"), article("a3"), article("a4")]))
    counts = diff_releases(old, new).summary()["tables"]["articles"]
    assert counts == {"old_rows": 2, "new_rows": 3, "added": 2, "removed": 1}


def test_markdown_names_key_field_old_new_evidence_and_urls(tmp_path):
    old = write_release(tmp_path, "v1", tables())
    new = write_release(tmp_path, "v2", tables(rules=rules_for((None, 70, 100.0), (70, None, 130.0))))
    text = diff_releases(old, new).markdown()
    assert text.startswith("# Release v2 against v1")
    assert "| credit_rules | 2 | 2 | 0 | 0 | 1 |" in text
    assert "### changed: 北京市 retiree [70,∞)" in text
    assert "| monthly_yuan | 110.0 | 130.0 |" in text
    assert "**Evidence before:**\n\n- 北京70岁及以上退休人员每月划入110元。\n" in text
    assert f"**Sources after:**\n\n- <{BEIJING_URL}>\n" in text


def test_diff_rows_have_the_published_schema(tmp_path):
    new = write_release(tmp_path, "v1", tables())
    assert diff_releases(None, new).rows.schema.equals(DIFF_SCHEMA)


@pytest.mark.parametrize(("row", "expected"), [
    ({"region": "北京市", "population": "retiree", "age_min": 70, "age_max": None}, "北京市 retiree [70,∞)"),
    ({"region": "北京市", "population": "retiree", "age_min": 70, "age_max": 80}, "北京市 retiree [70,80)"),
    ({"region": "全国", "population": "employee", "age_min": None, "age_max": 35}, "全国 employee (-∞,35)"),
])
def test_readable_key(row, expected):
    assert readable_key("credit_rules", row) == expected


bands = st.dictionaries(
    st.tuples(st.sampled_from([None, 60, 70, 80]), st.sampled_from([None, 70, 80, 90])),
    st.sampled_from([90.0, 100.0, 110.0]),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(old=bands, new=bands)
def test_diff_rows_match_set_arithmetic_on_keys(old, new):
    def rows(spec):
        table = schemas.credit_rules_table(rules_for(*[(lo, hi, v) for (lo, hi), v in spec.items()]))
        return table.to_pylist()

    changes = diff_rows("credit_rules", rows(old), rows(new))
    by_kind = {kind: {c.key[2:] for c in changes if c.change == kind} for kind in ("added", "removed", "changed")}
    assert by_kind["added"] == new.keys() - old.keys()
    assert by_kind["removed"] == old.keys() - new.keys()
    assert by_kind["changed"] == {k for k in old.keys() & new.keys() if old[k] != new[k]}
    assert all(f.field == "monthly_yuan" for c in changes if c.change == "changed" for f in c.fields)
    assert diff_rows("credit_rules", rows(new), rows(new)) == []


def test_a_repeated_key_is_matched_occurrence_by_occurrence():
    old = schemas.credit_rules_table(rules_for((70, None, 110.0))).to_pylist()
    new = schemas.credit_rules_table(rules_for((70, None, 110.0), (70, None, 115.0))).to_pylist()
    changes = diff_rows("credit_rules", old, new)
    assert [(c.change, c.row["monthly_yuan"]) for c in changes] == [("added", 115.0)]
