"""`shebao-policy show` on a small release written with the real schemas and converters."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from reconcile_factories import article, articles_of, claim
from rich.cells import cell_len

from pipelines.cli import main
from pipelines.reconcile import reconcile
from pipelines.report import age_band, describe_value
from pipelines.schemas import conflicts_table, credit_rules_table

RATIO = dict(
    method="ratio",
    monthly_yuan=None,
    amount_yuan=None,
    period=None,
    ratio_min=0.028,
    ratio_max=0.028,
    base="regional_avg_pension",
)


@pytest.fixture
def data_dir(tmp_path):
    """A data dir whose published/latest holds rules for 北京 (a resolved conflict) and 深圳."""
    claims = [
        claim(article_id="old", cluster_id="c1", monthly_yuan=90.0),
        claim(article_id="new", cluster_id="c2", monthly_yuan=100.0),
        claim(article_id="new", cluster_id="c3", age_min=70, age_max=None, monthly_yuan=110.0),
        claim(
            article_id="new",
            cluster_id="c4",
            region="深圳市",
            region_code="440300",
            age_max=None,
            **RATIO,
        ),
    ]
    result = reconcile(
        claims, articles_of(article("old", "2025-06-05"), article("new", "2026-03-01"))
    )
    release = tmp_path / "published" / "20260301T000000Z"
    release.mkdir(parents=True)
    pq.write_table(credit_rules_table(result.credit_rules), release / "credit_rules.parquet")
    pq.write_table(conflicts_table(result.conflicts), release / "conflicts.parquet")
    (tmp_path / "published" / "latest").symlink_to(release.name)
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(main, ["show", *args], env={"COLUMNS": "200"})


def test_show_prints_the_policy_table(data_dir):
    result = invoke("--data-dir", str(data_dir))
    assert result.exit_code == 0, result.output
    assert "release 20260301T000000Z" in result.output
    for text in (
        "北京市",
        "<70岁",
        "100元/月",
        "≥70岁",
        "110元/月",
        "深圳市",
        "2.8% × 地区平均养老金",
        "resolved",
    ):
        assert text in result.output


def test_show_aligns_chinese_text(data_dir):
    lines = [
        line for line in invoke("--data-dir", str(data_dir)).output.splitlines() if "退休" in line
    ]
    assert len(lines) == 3

    def column(line, token):  # display column (East Asian characters are two cells wide)
        return cell_len(line[: line.index(token)])

    assert len({column(line, "退休") for line in lines}) == 1
    statuses = [next(s for s in ("resolved", "agreed") if s in line) for line in lines]
    assert len({column(line, status) for line, status in zip(lines, statuses, strict=True)}) == 1


@pytest.mark.parametrize(
    ("region", "present", "absent"),
    [("北京", "北京市", "深圳市"), ("440300", "深圳市", "北京市"), ("深圳市", "深圳市", "北京市")],
)
def test_show_filters_by_region_short_name_or_code(data_dir, region, present, absent):
    result = invoke("--data-dir", str(data_dir), "--region", region)
    assert result.exit_code == 0, result.output
    assert present in result.output and absent not in result.output


def test_unknown_region_lists_known_ones(data_dir):
    result = invoke("--data-dir", str(data_dir), "--region", "火星")
    assert result.exit_code != 0
    assert "no rules for region '火星'" in result.output and "北京市" in result.output


def test_show_conflicts_lists_every_candidate_and_the_reason(data_dir):
    result = invoke("--data-dir", str(data_dir), "--conflicts")
    assert result.exit_code == 0, result.output
    assert "newer sources (2026-03-01 > 2025-06-05)" in result.output
    assert "90元/月" in result.output and "2025-06-05" in result.output


def test_show_without_a_release_says_to_run(tmp_path):
    result = invoke("--data-dir", str(tmp_path))
    assert result.exit_code != 0
    assert "no published release" in result.output and "shebao-policy run" in result.output


@pytest.mark.parametrize(
    ("band", "text"),
    [((None, None), "不限"), ((None, 70), "<70岁"), ((70, None), "≥70岁"), ((70, 80), "70–79岁")],
)
def test_age_band_labels(band, text):
    assert age_band(*band) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"monthly_yuan": 140.0}, "140元/月"),
        ({"monthly_yuan": 83.33, "approximate": True}, "约83.33元/月"),
        ({"ratio_min": 0.02, "ratio_max": 0.03}, "2%~3%"),
        (
            {
                "ratio_min": 0.028,
                "ratio_max": 0.028,
                "base": "individual_pension",
                "monthly_yuan": 84.0,
                "approximate": True,
            },
            "2.8% × 本人养老金（约84元/月）",
        ),
        ({"monthly_yuan": 100.0, "deduction_yuan": 3.0}, "100元/月，扣3元后"),
        ({}, "—"),
    ],
)
def test_describe_value(value, text):
    assert describe_value(value) == text


def test_show_evidence_adds_the_strongest_sentence(data_dir):
    plain = invoke("--data-dir", str(data_dir)).output
    with_evidence = invoke("--data-dir", str(data_dir), "--evidence").output
    assert "依据" in with_evidence and "依据" not in plain
    assert "每月划入100元" in with_evidence
