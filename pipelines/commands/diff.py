"""`shebao-policy diff [OLD [NEW]]`: what changed between two releases, as Markdown."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.console import Console
from rich.markdown import Markdown

from pipelines.commands._common import data_dir_option
from pipelines.dataset import DatasetError, list_versions, release_path, resolve_version
from pipelines.diff import diff_releases

COMMANDS = ("diff",)

# Rendered Markdown width into a pipe or file when COLUMNS is unset.
PIPE_WIDTH = 120
DIFF_MARKDOWN = "diff.md"


def _pair(old: str | None, new: str | None, data_dir: Path) -> tuple[str | None, str]:
    """(old, new) full version ids: no argument = latest against its parent; one = OLD against latest."""
    new_id = resolve_version(new or "latest", data_dir)
    if old is not None:
        return resolve_version(old, data_dir), new_id
    parents = {info.version: info.parent for info in list_versions(data_dir)}
    return parents.get(new_id), new_id


def _markdown(old: str | None, new: str, data_dir: Path) -> str:
    """The stored diff.md when it is the diff asked for (new against its parent), else computed."""
    new_dir = release_path(new, data_dir)
    parent = {info.version: info.parent for info in list_versions(data_dir)}.get(new)
    stored = new_dir / DIFF_MARKDOWN
    if old == parent and stored.is_file():
        return stored.read_text(encoding="utf-8")
    old_dir = release_path(old, data_dir) if old else None
    return diff_releases(old_dir, new_dir, old_name=old, new_name=new).markdown()


@click.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--plain", is_flag=True, help="Print the Markdown source instead of rendering it.")
@data_dir_option
def diff(old: str | None, new: str | None, plain: bool, data_dir: Path) -> None:
    """Show what changed between releases OLD and NEW (full ids or unique prefixes).

    No argument: the latest release against its parent. One argument: OLD against the latest.
    """
    try:
        old_id, new_id = _pair(old, new, data_dir)
        text = _markdown(old_id, new_id, data_dir)
    except DatasetError as error:
        raise click.ClickException(f"{error} (see `shebao-policy versions --data-dir {data_dir}`)") from error
    console = Console()
    if plain or not (console.is_terminal or "COLUMNS" in os.environ):
        click.echo(text, nl=False)
        return
    console.print(Markdown(text))
