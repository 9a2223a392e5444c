"""`shebao-policy crawl` crawls a real loopback site and prints where the pages went."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from spiders.rawstore import RawStore
from tests.mockserver import MockSite, serve

pytestmark = pytest.mark.network


def test_help_describes_the_options() -> None:
    result = CliRunner().invoke(main, ["crawl", "--help"])
    assert result.exit_code == 0
    assert "--start-url" in result.output and "--data-dir" in result.output
    assert "--refresh" in result.output and "new version" in result.output


def crawl_cli(base: str, data_dir: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`shebao-policy crawl` of the mock site in a child process, as a user runs it."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "crawl",
            "--start-url",
            f"{base}/list/",
            "--data-dir",
            str(data_dir),
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_crawl_prints_a_summary_table(tmp_path: Path) -> None:
    site = MockSite(n_articles=3)
    with serve(site) as base:
        result = crawl_cli(base, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "new (stored)" in result.stdout
    assert "skipped: robots" in result.stdout
    assert str(tmp_path / "raw") in result.stdout.replace("\n", "")
    assert f"stored    {base}/articles/1.html" in result.stderr  # progress while it runs
    assert RawStore(tmp_path / "raw").known(f"{base}/articles/3.html") is not None


@pytest.mark.parametrize("url", ["ftp://example.org/", "example.org/list/"])
def test_a_start_url_that_is_not_http_is_refused(tmp_path: Path, url: str) -> None:
    result = CliRunner().invoke(main, ["crawl", "--start-url", url, "--data-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "is not an http(s) URL" in result.output


def test_crawl_refresh_stores_an_article_corrected_in_place(tmp_path: Path) -> None:
    site = MockSite(n_articles=3)
    with serve(site) as base:
        assert crawl_cli(base, tmp_path).returncode == 0
        site.edit("2", "第2篇更正：每月划入一百二十元。")
        result = crawl_cli(base, tmp_path, "--refresh")
    assert result.returncode == 0, result.stderr
    assert f"stored    {base}/articles/2.html (changed)" in result.stderr
    assert f"unchanged {base}/articles/3.html (not modified (304))" in result.stderr
    row = next(line for line in result.stdout.splitlines() if "of which changed" in line)
    assert re.findall(r"\d+", row) == ["1"]
