"""Dagster resources: the one configuration object every asset reads (start URLs, data dir, crawl on/off)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines.overrides import DEFAULT_OVERRIDES_PATH

# Default data directory: `data/` of the checkout, which holds the embedded sample site.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data"
# Sub-directories of the data dir, one per concern (DESIGN "Published dataset"; the rest is scratch).
RAW_SUBDIR = "raw"
WORK_SUBDIR = "work"
PUBLISHED_SUBDIR = "published"
DAGSTER_HOME_SUBDIR = "dagster_home"
# Resource key the assets take PipelineConfig under (run_config: resources.pipeline.config).
PIPELINE_RESOURCE_KEY = "pipeline"


class PipelineConfig(dg.ConfigurableResource):
    """Where the pipeline reads and writes, and what it crawls.

    With no start URL the embedded sample site is served on 127.0.0.1 for the crawl's duration.
    """

    start_urls: list[str] = Field(
        default_factory=list,
        description="Listing or sitemap URLs to crawl; empty = the embedded sample site on loopback.",
    )
    data_dir: str = Field(
        default=str(DEFAULT_DATA_DIR),
        description="Holds raw/ (the page store), work/ (intermediate files), published/ and dagster_home/.",
    )
    crawl: bool = Field(
        default=True,
        description="False = re-extract from the raw store without fetching anything.",
    )
    refresh: bool = Field(
        default=False,
        description="Also ask again, conditionally (ETag / Last-Modified), for every stored article, so "
        "one a site corrected in place is stored as a new version (more requests; off by default).",
    )
    overrides_path: str | None = Field(
        default=None,
        description="Reviewer overrides (TOML); None = data/overrides.toml of the checkout.",
    )
    workers: int = Field(
        default=0,
        ge=0,
        description="Processes that parse pages and extract claims, and that reconcile rules; 0 = one "
        "per CPU core, 1 = in the run's own process. Results are the same for any count.",
    )

    @property
    def data_path(self) -> Path:
        """The data directory as a Path."""
        return Path(self.data_dir)

    @property
    def raw_dir(self) -> Path:
        """Root of the raw page store."""
        return self.data_path / RAW_SUBDIR

    @property
    def work_dir(self) -> Path:
        """Intermediate files of the latest run (record streams, Parquet, the paragraph index)."""
        return self.data_path / WORK_SUBDIR

    @property
    def published_dir(self) -> Path:
        """Where releases are published."""
        return self.data_path / PUBLISHED_SUBDIR

    @property
    def parse_workers(self) -> int:
        """The worker count to use (`workers`, with 0 resolved to the machine's CPU count)."""
        return self.workers or os.cpu_count() or 1

    def overrides_file(self) -> Path:
        """The overrides file to apply (the checkout's data/overrides.toml unless configured)."""
        return Path(self.overrides_path) if self.overrides_path else DEFAULT_OVERRIDES_PATH


def dagster_home(data_dir: Path) -> Path:
    """The Dagster instance directory (run history) inside a data dir."""
    return data_dir / DAGSTER_HOME_SUBDIR
