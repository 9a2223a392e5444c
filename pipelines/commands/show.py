"""`shebao-policy show`: print the policy table (and its conflicts) of the latest published release."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import pyarrow.parquet as pq
from rich.console import Console

from pipelines.commands._common import data_dir_option
from pipelines.report import conflicts_table, rules_table

COMMANDS = ("show",)

# Where the newest release lives under the data directory (written by pipelines.publish).
LATEST = Path("published") / "latest"
# Width when the output is a pipe or file and COLUMNS is unset: wide enough for one line per rule.
PIPE_WIDTH = 160
# Shown when a --region matches nothing: this many known regions as a hint.
REGION_HINT_COUNT = 12


def read_rows(release: Path, table: str) -> list[dict[str, Any]]:
    """One published table as a list of row dicts; a missing file is a clear error."""
    path = release / f"{table}.parquet"
    if not path.exists():
        raise click.ClickException(
            f"{path} is missing: the release is incomplete; run `shebao-policy run` to publish a new one"
        )
    return pq.read_table(path).to_pylist()


def latest_release(data_dir: Path) -> Path:
    """The directory of the latest release, or an error saying how to make one."""
    release = data_dir / LATEST
    if not (release / "credit_rules.parquet").exists():
        raise click.ClickException(
            f"no published release in {data_dir / 'published'}; run `shebao-policy run` "
            f"(with --data-dir {data_dir} if you use another data directory) to publish one"
        )
    return release


def region_matcher(name: str) -> tuple[str | None, str]:
    """(region code, name) to match rows by: the region table's canonical entry when it knows the name."""
    try:
        from extractors.regions import lookup
    except ImportError:
        return None, name
    found = lookup(name)
    return (found.code, found.name) if found else (None, name)


def filter_region(rows: Sequence[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """Rows of one region: by code, canonical name, or a short name such as 北京 for 北京市."""
    code, canonical = region_matcher(name.strip())
    return [
        row
        for row in rows
        if row["region_code"] in (code, name)
        or row["region"] == canonical
        or row["region"].startswith(name)
    ]


def _no_region(rows: Sequence[dict[str, Any]], name: str, release: Path) -> click.ClickException:
    known = sorted({row["region"] for row in rows})
    hint = "、".join(known[:REGION_HINT_COUNT]) + ("…" if len(known) > REGION_HINT_COUNT else "")
    return click.ClickException(
        f"no rules for region {name!r} in release {release.resolve().name}; known regions: {hint or 'none'}"
    )


def _console() -> Console:
    """The terminal's width on a terminal (or COLUMNS); PIPE_WIDTH into a pipe or file."""
    console = Console()
    if console.is_terminal or "COLUMNS" in os.environ:
        return console
    return Console(width=PIPE_WIDTH)


@click.command("show")
@click.option(
    "--region",
    metavar="NAME",
    help="Only this region: a name (北京 or 北京市) or a six-digit code.",
)
@click.option(
    "--conflicts",
    "with_conflicts",
    is_flag=True,
    help="Also list the conflicts: every candidate value, the chosen one and why.",
)
@click.option(
    "--evidence", is_flag=True, help="Add a column with each rule's strongest evidence sentence."
)
@data_dir_option
def show(region: str | None, with_conflicts: bool, evidence: bool, data_dir: Path) -> None:
    """Print the current policy table of the latest published release."""
    release = latest_release(data_dir)
    version = release.resolve().name
    rules = read_rows(release, "credit_rules")
    if region:
        all_rules, rules = rules, filter_region(rules, region)
        if not rules:
            raise _no_region(all_rules, region, release)
    console = _console()
    console.print(
        rules_table(
            rules,
            title=f"医保个人账户每月划入 — release {version}（{len(rules)} 条）",
            evidence=evidence,
        )
    )
    if with_conflicts:
        conflicts = read_rows(release, "conflicts")
        if region:
            conflicts = filter_region(conflicts, region)
        if conflicts:
            console.print(conflicts_table(conflicts, title=f"冲突 — {len(conflicts)} 个"))
        else:
            console.print("没有冲突 (no conflicts)" + (f" for {region}" if region else ""))
