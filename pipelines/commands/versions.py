"""`shebao-policy versions`: the published releases, oldest first, with parents and row counts."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from pipelines.commands._common import data_dir_option
from pipelines.dataset import VersionInfo, list_versions
from pipelines.publish import published_dir
from pipelines.schemas import TZINFO

COMMANDS = ("versions",)

# Width when the output is a pipe or file and COLUMNS is unset: one line per release.
PIPE_WIDTH = 160
# Short column headers for the row counts, in the order users read them.
COUNT_COLUMNS = (("credit_rules", "rules"), ("conflicts", "conflicts"), ("claims", "claims"),
                 ("articles", "articles"), ("paragraphs", "paragraphs"))
LATEST_MARK = "← latest"


def _console() -> Console:
    """The terminal's width on a terminal (or COLUMNS); PIPE_WIDTH into a pipe or file."""
    console = Console()
    if console.is_terminal or "COLUMNS" in os.environ:
        return console
    return Console(width=PIPE_WIDTH)


def versions_table(infos: list[VersionInfo], published: Path) -> Table:
    """A rich table: version, created (Asia/Shanghai), parent, rows per table, latest marker."""
    table = Table(title=f"Releases in {published}")
    table.add_column("version", no_wrap=True)
    table.add_column("created (Asia/Shanghai)", no_wrap=True)
    table.add_column("parent", no_wrap=True)
    table.add_column("pages", justify="right")
    for _name, header in COUNT_COLUMNS:
        table.add_column(header, justify="right")
    table.add_column("", no_wrap=True)
    for info in infos:
        created = info.created_at.astimezone(TZINFO).strftime("%Y-%m-%d %H:%M:%S") if info.created_at else "?"
        counts = [str(info.row_counts.get(name, "?")) for name, _header in COUNT_COLUMNS]
        pages = "?" if info.pages is None else str(info.pages)
        table.add_row(info.version, created, info.parent or "—", pages, *counts,
                      LATEST_MARK if info.is_latest else "")
    return table


@click.command("versions")
@data_dir_option
def versions(data_dir: Path) -> None:
    """List the published releases (oldest first) with their parents and row counts."""
    infos = list_versions(data_dir)
    published = published_dir(data_dir)
    if not infos:
        click.echo(f"No release in {published} yet; `shebao-policy run --data-dir {data_dir}` publishes the first.")
        return
    _console().print(versions_table(infos, published))

