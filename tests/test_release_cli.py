"""`shebao-policy versions` and `shebao-policy diff [OLD [NEW]]` through click's CliRunner."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from release_factories import rules_for, tables

from pipelines import publish
from pipelines.cli import main
from pipelines.commands.versions import COUNT_COLUMNS
from pipelines.schemas import TABLE_NAMES

AMOUNTS = (110.0, 120.0, 135.0)


@pytest.fixture
def three_releases(tmp_path):
    """Releases on three days; Beijing 70+ gets 110, then 120, then 135 yuan a month."""
    ids = []
    for day, amount in zip((21, 22, 23), AMOUNTS, strict=True):
        candidate = publish.write_candidate(tables(rules=rules_for((None, 70, 100.0), (70, None, amount))),
                                            tmp_path, pages=48, run_id=f"r{day}")
        ids.append(publish.promote(candidate, tmp_path, now=datetime(2026, 11, day, 4, tzinfo=UTC)).version)
    return tmp_path, ids


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_versions_lists_every_release_with_parent_counts_and_latest(three_releases):
    data_dir, ids = three_releases
    code, output = run("versions", "--data-dir", str(data_dir))
    assert code == 0
    lines = {version: next(line for line in output.splitlines() if line.strip("│ ").startswith(version))
             for version in ids}
    assert "2026-11-21 12:00:00" in lines[ids[0]]  # created, shown in Asia/Shanghai
    assert ids[0] in lines[ids[1]] and ids[1] in lines[ids[2]]  # parents
    assert "← latest" in lines[ids[2]] and "← latest" not in lines[ids[1]]
    assert output.index(ids[0]) < output.index(ids[2])


def test_versions_with_no_release_says_how_to_publish(tmp_path):
    code, output = run("versions", "--data-dir", str(tmp_path))
    assert code == 0 and "No release in" in output and "shebao-policy run" in output


def test_versions_has_a_count_column_for_every_table():
    assert {name for name, _ in COUNT_COLUMNS} == set(TABLE_NAMES)


@pytest.mark.parametrize(("args", "old", "new"), [
    ((), "120.0", "135.0"),            # latest against its parent
    (("0",), "110.0", "135.0"),        # OLD (by index into the fixture) against latest
    (("0", "1"), "110.0", "120.0"),    # OLD against NEW
])
def test_diff_compares_the_versions_asked_for(three_releases, args, old, new):
    data_dir, ids = three_releases
    code, output = run("diff", *[ids[int(i)] for i in args], "--data-dir", str(data_dir))
    assert code == 0
    assert f"| monthly_yuan | {old} | {new} |" in output
    assert "### changed: 北京市 retiree [70,∞)" in output


def test_diff_accepts_unique_prefixes(three_releases):
    data_dir, ids = three_releases
    code, output = run("diff", "20261121", "20261122", "--data-dir", str(data_dir))
    assert code == 0 and output.startswith(f"# Release {ids[1]} against {ids[0]}")


@pytest.mark.parametrize(("args", "message"), [
    (("2026",), "ambiguous"),
    (("19990101",), "no version '19990101'"),
])
def test_diff_of_unknown_versions_is_a_clear_error(three_releases, args, message):
    data_dir, _ = three_releases
    code, output = run("diff", *args, "--data-dir", str(data_dir))
    assert code == 1 and message in output and "shebao-policy versions" in output


def test_diff_with_no_release_says_how_to_publish(tmp_path):
    code, output = run("diff", "--data-dir", str(tmp_path))
    assert code == 1 and "shebao-policy run" in output


def test_diff_of_the_first_release_lists_everything_added(tmp_path):
    publish.publish(tables(), tmp_path, pages=1, run_id=None)
    code, output = run("diff", "--data-dir", str(tmp_path))
    assert code == 0 and "(first release)" in output and "### added: 北京市 retiree [70,∞)" in output


@pytest.mark.parametrize("command", ["versions", "diff"])
def test_every_option_has_help(command):
    code, output = run(command, "--help")
    assert code == 0 and "--data-dir" in output
