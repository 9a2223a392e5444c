"""`shebao-policy extract`: one JSON object per file, a readable table, and broken files reported, not fatal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
CLAIM_FIELDS = {
    "region",
    "region_code",
    "population",
    "age_min",
    "age_max",
    "method",
    "monthly_yuan",
    "amount_yuan",
    "period",
    "ratio_min",
    "ratio_max",
    "base",
    "approximate",
    "deduction_yuan",
    "evidence",
    "article_id",
    "paragraph_ordinal",
    "cluster_id",
}
# A small page in our own wording: a body with one rule and a sidebar the extractor must not read.
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>宜宾退休人员医保每月划入多少_社保网</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/yibao/">医保</a></div>
<div class="article"><h1>宜宾退休人员医保每月划入多少</h1><div class="info">2025-03-02 10:20:00 社保网</div>
<div class="content">
<p>各地的划入办法并不一样，下面举一个有代表性的地方说明。</p>
<p>西安市退休人员的个人账户实行定额划入，每人每月130元，按月到账。</p>
<p>具体以当地医保部门公布的标准为准，有疑问可以咨询经办机构。</p>
</div></div>
<div class="sidebar"><h3>热门问答</h3><ul><li><a href="/q/1.html">郑州退休人员每月划入230元吗</a></li></ul></div>
</body></html>"""

needs_seeds = pytest.mark.skipif(not SEED_FILES, reason=f"seed articles not found at {SEEDS}")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["extract", *args])
    return result.exit_code, result.stdout, result.stderr


@needs_seeds
def test_jsonl_one_object_per_seed() -> None:
    code, out, err = run(*map(str, SEED_FILES))
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["source"] for r in records] == [str(p) for p in SEED_FILES]
    assert all(set(r) == {"source", "title", "published_at", "claims"} for r in records)
    assert all(set(c) >= CLAIM_FIELDS for r in records for c in r["claims"])
    first = records[0]
    assert first["published_at"] == "2025-06-05T21:37:12+08:00"
    assert {c["region"] for c in first["claims"]} >= {"北京市", "全国"}
    assert "资阳市" not in {c["region"] for c in first["claims"]}


@needs_seeds
def test_table_format_is_readable() -> None:
    code, out, _ = run("--format", "table", str(SEED_FILES[1]))
    assert code == 0
    assert "上海市" in out and "157.5元/月" in out and "2%~3%" in out


def test_broken_file_is_reported_and_the_others_still_processed(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(
        "标题一行\n2025-06-05 21:37:12社保网\n南京市退休人员每年定额划入1,800元。\n",
        encoding="utf-8",
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    code, out, err = run(str(empty), str(missing), str(good))
    assert code == 1
    assert f"error: {empty}: empty text" in err
    assert f"error: {missing}:" in err
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["source"] == str(good)
    assert [(c["region"], c["monthly_yuan"], c["period"]) for c in record["claims"]] == [
        ("南京市", 150.0, "year")
    ]


def test_html_file_through_the_html_extractor(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, err = run(str(page))
    assert code == 0, err
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["title"] == "宜宾退休人员医保每月划入多少"
    assert [(c["region"], c["monthly_yuan"]) for c in record["claims"]] == [("西安市", 130.0)]


def test_unparsable_html_names_the_file(tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_bytes(b"   ")
    code, _, err = run(str(page))
    assert code == 1
    assert err.startswith(f"error: {page}: ")
