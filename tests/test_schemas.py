"""The published schemas: field names of DESIGN.md, types, timezones, row order and keys."""

from __future__ import annotations

import json
from datetime import datetime

import pyarrow as pa
import pytest
from release_factories import article, claim, conflict, paragraph, rule, when

from pipelines import schemas

DESIGN_FIELDS = {
    "articles": ["article_id", "url", "site", "title", "published_at", "fetched_at", "title_region",
                 "content_sha256", "extractor"],
    "paragraphs": ["article_id", "ordinal", "section", "text", "norm_hash", "cluster_id",
                   "cluster_size", "is_boilerplate"],
    "claims": ["region", "region_code", "population", "age_min", "age_max", "method", "monthly_yuan",
               "amount_yuan", "period", "ratio_min", "ratio_max", "base", "approximate",
               "deduction_yuan", "evidence", "article_id", "paragraph_ordinal", "cluster_id"],
    "credit_rules": ["region_code", "population", "age_min", "age_max", "method", "monthly_yuan",
                     "ratio_min", "ratio_max", "base", "approximate", "deduction_yuan", "status",
                     "n_mentions", "n_independent_sources", "first_seen", "last_seen",
                     "source_urls", "evidence"],
    "conflicts": ["region", "region_code", "population", "age_min", "age_max", "field",
                  "candidates", "chosen", "status", "reason"],
}


@pytest.mark.parametrize("table_name", sorted(DESIGN_FIELDS))
def test_every_design_field_is_a_column(table_name):
    assert set(DESIGN_FIELDS[table_name]) <= set(schemas.SCHEMAS[table_name].names)


@pytest.mark.parametrize(("table_name", "column", "expected"), [
    ("credit_rules", "age_min", pa.int32()),
    ("credit_rules", "source_urls", pa.list_(pa.string())),
    ("credit_rules", "evidence", pa.list_(pa.string())),
    ("credit_rules", "first_seen", pa.timestamp("us", tz="Asia/Shanghai")),
    ("claims", "evidence_more", pa.list_(pa.string())),
    ("articles", "alternate_urls", pa.list_(pa.string())),
    ("paragraphs", "is_boilerplate", pa.bool_()),
    ("conflicts", "candidates", pa.string()),
])
def test_column_types(table_name, column, expected):
    assert schemas.SCHEMAS[table_name].field(column).type == expected


def test_converters_give_exactly_the_schema():
    built = {
        "articles": schemas.articles_table([article()]),
        "paragraphs": schemas.paragraphs_table([paragraph()]),
        "claims": schemas.claims_table([claim()]),
        "credit_rules": schemas.credit_rules_table([rule()]),
        "conflicts": schemas.conflicts_table([conflict()]),
    }
    for name, table in built.items():
        assert table.schema.equals(schemas.SCHEMAS[name]), name
        assert table.num_rows == 1


def test_rules_are_sorted_by_key_with_open_bounds_first():
    rows = [rule(age_min=70, age_max=None), rule(age_min=None, age_max=70),
            rule(region="上海市", region_code="310000", age_min=None, age_max=None)]
    table = schemas.credit_rules_table(rows)
    keys = [schemas.key_of("credit_rules", r) for r in table.to_pylist()]
    assert keys == [("110000", "retiree", None, 70), ("110000", "retiree", 70, None),
                    ("310000", "retiree", None, None)]


def test_row_order_does_not_depend_on_input_order():
    rows = [rule(age_min=a, age_max=a + 5) for a in (80, 60, 70)]
    assert schemas.credit_rules_table(rows).equals(schemas.credit_rules_table(rows[::-1]))


def test_timestamps_keep_the_instant_and_read_back_in_shanghai():
    utc_noon = datetime.fromisoformat("2026-03-01T04:00:00+00:00")
    table = schemas.credit_rules_table([rule(first_seen=utc_noon)])
    assert table.column("first_seen")[0].as_py().isoformat() == "2026-03-01T12:00:00+08:00"


def test_naive_timestamps_are_read_as_shanghai_wall_time():
    table = schemas.articles_table([article(published_at=datetime(2026, 3, 1, 9, 30))])
    assert table.column("published_at")[0].as_py().isoformat() == "2026-03-01T09:30:00+08:00"


def test_tuples_become_lists_and_nulls_stay_null():
    row = schemas.credit_rules_table([rule(age_max=None, source_urls=("u1", "u2"))]).to_pylist()[0]
    assert row["age_max"] is None
    assert row["source_urls"] == ["u1", "u2"]


def test_conflict_candidates_are_json_with_every_field_and_a_readable_form():
    row = schemas.conflicts_table([conflict()]).to_pylist()[0]
    candidates = json.loads(row["candidates"])
    assert [c["value"] for c in candidates] == [{"monthly_yuan": 140.0}, {"monthly_yuan": 120.0}]
    assert set(candidates[0]) >= {"value", "n_mentions", "n_independent_sources", "first_seen",
                                  "last_seen", "source_urls", "evidence"}
    assert candidates[1]["last_seen"] == when("2025-06-05").isoformat()
    assert row["candidate_values"][1] == '{"monthly_yuan":120.0} — 1 source, last 2025-06-05'
    assert row["n_candidates"] == 2


def test_article_counts_its_paragraphs_and_keeps_alternate_urls():
    row = schemas.articles_table([article()]).to_pylist()[0]
    assert row["n_paragraphs"] == 2
    assert row["alternate_urls"] == ["https://m.shebao.example/yibao/101.html"]


@pytest.mark.parametrize(("table_name", "row", "expected"), [
    ("articles", {"article_id": "a1"}, ("a1",)),
    ("paragraphs", {"article_id": "a1", "ordinal": 3}, ("a1", 3)),
    ("credit_rules", {"region_code": "110000", "population": "retiree", "age_min": None,
                      "age_max": 70}, ("110000", "retiree", None, 70)),
    ("conflicts", {"region_code": "310000", "population": "retiree", "age_min": None,
                   "age_max": None, "field": "monthly_yuan"},
     ("310000", "retiree", None, None, "monthly_yuan")),
])
def test_key_of(table_name, row, expected):
    assert schemas.key_of(table_name, row) == expected


def test_unknown_table_names_the_known_ones():
    with pytest.raises(schemas.UnknownTableError, match="credit_rules"):
        schemas.key_of("rules", {})


def test_empty_tables_have_the_schema():
    assert schemas.credit_rules_table([]).schema.equals(schemas.CREDIT_RULES)


def test_a_null_in_a_required_column_is_refused_with_its_key():
    with pytest.raises(schemas.MissingValueError, match=r"credit_rules.status is required .* key \('110000', 'retiree', 70, None\)"):
        schemas.credit_rules_table([rule(status=None)])
