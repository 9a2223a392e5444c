"""The reviewer overrides file: valid entries load, malformed ones stop the run naming the line."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest

from pipelines.overrides import DEFAULT_OVERRIDES_PATH, OverrideFileError, load_overrides

VALID = """\
# reviewed by hand
[[override]]
region_code = "110000"
population = "retiree"
age_min = 70
method = "fixed"
monthly_yuan = 110
reviewer = "张三"
note = "市医保局公告"
date = 2026-03-01

[[override]]
region_code = "440300"
population = "retiree"
base = "regional_avg_pension"
reviewer = "李四"
note = "比例的基数"
date = 2026-02-01T10:00:00+08:00
"""

HAS_REGION_TABLE = importlib.util.find_spec("extractors.regions") is not None


def write(tmp_path, text):
    path = tmp_path / "overrides.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_loads(tmp_path):
    first, second = load_overrides(write(tmp_path, VALID))
    assert (first.region_code, first.population, first.age_min, first.age_max) == (
        "110000",
        "retiree",
        70,
        None,
    )
    assert first.value_dict() == {"method": "fixed", "monthly_yuan": 110.0}
    assert (first.reviewer, first.note, first.date, first.line) == (
        "张三",
        "市医保局公告",
        dt.date(2026, 3, 1),
        2,
    )
    assert second.value_dict() == {"base": "regional_avg_pension"}
    assert (second.date, second.line) == (dt.date(2026, 2, 1), 12)
    assert str(first).endswith(
        "overrides.toml:2 110000 retiree [70, -)"
    )  # what the run logs when unmatched


def test_missing_file_means_no_overrides(tmp_path):
    assert load_overrides(tmp_path / "absent.toml") == []


def test_committed_file_is_valid():
    assert isinstance(load_overrides(DEFAULT_OVERRIDES_PATH), list)


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        (
            "monthly_yuan = 110\n",
            "monthly_yuan = 110\nmonthly_yuen = 3\n",
            8,
            "unknown field 'monthly_yuen'",
        ),
        ("age_min = 70\n", "age_min = 70\nage_max = 60\n", 5, "bad age band"),
        ("age_min = 70\n", "age_min = -1\n", 5, "age_min must be a whole number"),
        ('population = "retiree"\n', 'population = "retirees"\n', 4, "population must be one of"),
        ('method = "fixed"\n', 'method = "flat"\n', 6, "method must be one of"),
        ('base = "regional_avg_pension"\n', "ratio_min = 2.8\n", 15, "write 2.8% as 0.028"),
        ('region_code = "110000"\n', 'region_code = "1100"\n', 3, "six-digit"),
        ('reviewer = "李四"\n', "", 12, "non-empty `reviewer`"),
        ("date = 2026-03-01\n", 'date = "yesterday"\n', 10, "TOML date"),
        (
            "monthly_yuan = 110\n",
            "monthly_yuan = 110\nmonthly_yuan = 120\n",
            8,
            "Cannot overwrite a value",
        ),  # TOML syntax
        (
            '[[override]]\nregion_code = "440300"',
            '[override\nregion_code = "440300"',
            12,
            "fix the TOML syntax",
        ),
    ],
)
def test_malformed_file_names_the_line(tmp_path, old, new, line, words):
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(OverrideFileError) as raised:
        load_overrides(path)
    message = str(raised.value)
    assert str(path) in message
    assert words in message
    assert f"{path}:{line}:" in message


def test_duplicate_key_is_refused(tmp_path):
    text = VALID.replace('region_code = "440300"', 'region_code = "110000"').replace(
        'population = "retiree"\nbase', 'population = "retiree"\nage_min = 70\nbase'
    )
    with pytest.raises(OverrideFileError, match=r":12: duplicate override for the key of line 2"):
        load_overrides(write(tmp_path, text))


def test_override_without_values_is_refused(tmp_path):
    text = VALID.replace('base = "regional_avg_pension"\n', "")
    with pytest.raises(OverrideFileError, match=r":12: an override must set at least one of"):
        load_overrides(write(tmp_path, text))


@pytest.mark.skipif(
    not HAS_REGION_TABLE, reason="extractors.regions (the region table) has not landed yet"
)
def test_region_names_resolve_and_unknown_region_names_the_line(tmp_path):
    text = VALID.replace('region_code = "110000"', 'region = "北京"')
    first = load_overrides(write(tmp_path, text))[0]
    assert (first.region, first.region_code) == ("北京市", "110000")
    with pytest.raises(OverrideFileError, match=r":3: unknown region '不存在市'"):
        load_overrides(
            write(tmp_path, VALID.replace('region_code = "110000"', 'region = "不存在市"'))
        )
