"""The command line: every DESIGN.md command is there, and one command does not load the others."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main

DESIGN_COMMANDS = ("run", "crawl", "extract", "versions", "diff", "show")
ROOT = Path(__file__).resolve().parents[1]


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(DESIGN_COMMANDS)


@pytest.mark.parametrize("command", DESIGN_COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and "--help" in result.output


def test_unknown_command_is_an_error() -> None:
    result = CliRunner().invoke(main, ["publish"])
    assert result.exit_code == 2
    assert "No such command 'publish'" in result.output


def test_extract_does_not_load_dagster(tmp_path: Path) -> None:
    """`extract` of one text file must not pay for `run`'s Dagster and pandas imports."""
    page = tmp_path / "a.txt"
    page.write_text("北京医保\n2026-01-02 10:00:00社保网\n北京市退休人员每月划入100元。\n", encoding="utf-8")
    probe = (
        "import sys; from pipelines.cli import main\n"
        "try:\n    main(['extract', sys.argv[1]])\n"
        "except SystemExit:\n    pass\n"
        "print('LOADED', 'dagster' in sys.modules, 'pandas' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(page)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert '"region": "北京市"' in done.stdout, done.stderr
    assert "LOADED False False" in done.stderr, done.stderr
