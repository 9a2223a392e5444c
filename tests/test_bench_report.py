"""The benchmark report: growth exponents, per-stage peak memory, and the README table."""

from __future__ import annotations

import pytest

from benchmarks.memory import measure, reset_peak
from benchmarks.run import asset_peaks, asset_seconds, growth_exponent, markdown_report


def _sizes(seconds_of):
    return [{"articles": n, "stages": [{"stage": "s", "seconds": seconds_of(n)}]} for n in (1000, 10000, 100000)]


@pytest.mark.parametrize(("seconds_of", "expected"), [
    (lambda n: n * 0.002, 1.0),
    (lambda n: (n / 1000) ** 2, 2.0),
    (lambda n: 5.0, 0.0),
])
def test_growth_exponent_is_the_log_log_slope(seconds_of, expected):
    assert growth_exponent(_sizes(seconds_of), "s") == pytest.approx(expected, abs=1e-3)


def test_growth_exponent_needs_two_sizes():
    assert growth_exponent(_sizes(lambda n: 1.0)[:1], "s") is None


def test_each_stage_gets_its_own_peak_memory():
    if not reset_peak():
        pytest.skip("this kernel does not allow resetting the peak-RSS watermark")
    with measure("big") as big:
        block = bytearray(150 * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])
        del block
    with measure("small") as small:
        sum(range(1000))
    assert big.peak_rss_mb is not None and small.peak_rss_mb is not None
    assert big.peak_rss_mb - small.peak_rss_mb > 100


def test_report_table_has_a_row_per_stage_and_a_column_per_size():
    row = {"stage": "parse", "items": 10, "seconds": 1.0, "ms_per_item": 100.0, "peak_rss_mb": 50.0,
           "rate_vs_floor": 0.5}
    run = {"created_at": "2026-11-23T12:00:00+00:00", "git_rev": "abc1234",
           "machine": {"cpu": "Test CPU", "cores": 2, "mem_gib": 24, "python": "3.11"},
           "sizes": [{"articles": 1000, "stages": [row]}, {"articles": 10000, "stages": [row]}]}
    table = markdown_report(run)
    assert "Test CPU, 2 cores" in table
    assert "| parse | 100.00 · 0.50× · 50 MB | 100.00 · 0.50× · 50 MB |" in table


def test_asset_seconds_and_peaks_are_read_from_the_run_output():
    output = ("→ articles\n✓ articles  rows=10000 pages_skipped=0  (12.5s, peak 480 MB)\n"
              "    ✓ check articles_unique_ids: article ids are unique\n"
              "✓ credit_rules  rows=52  (2.8s)\npublished 20261123T162119Z-b4dc674d\n")
    assert asset_seconds(output) == {"articles": 12.5, "credit_rules": 2.8}
    assert asset_peaks(output) == {"articles": 480.0}


def test_report_marks_a_stage_a_size_did_not_run():
    floor = {"stage": "floor", "ms_per_item": 0.5, "peak_rss_mb": 30.0, "rate_vs_floor": 1.0}
    parse = {"stage": "parse", "ms_per_item": 2.0, "peak_rss_mb": 90.0, "rate_vs_floor": 0.25}
    run = {"created_at": "2026-11-23T12:00:00+00:00", "git_rev": "abc1234",
           "machine": {"cpu": "Test CPU", "cores": 2, "mem_gib": 24, "python": "3.11"},
           "sizes": [{"articles": 1000, "stages": [floor, parse]}, {"articles": 100000, "stages": [floor]}]}
    assert "| parse | 2.00 · 0.25× · 90 MB | not run |" in markdown_report(run)
