"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

from pathlib import Path

import click

COMMANDS: tuple[str, ...] = ()

# Default data directory: `data/` of the checkout, which holds the embedded sample site.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="Where the raw store, the published dataset and run history live.",
)
start_url_option = click.option(
    "--start-url",
    "start_urls",
    multiple=True,
    metavar="URL",
    help="Listing or sitemap URL to start from (repeatable). Default: the embedded sample site, served on 127.0.0.1.",
)
