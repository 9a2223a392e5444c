"""The Dagster code location: every asset, check, job, schedule and resource, exposed as `defs`."""

from __future__ import annotations

import dagster as dg

from pipelines.assets import ASSETS
from pipelines.checks import CHECKS
from pipelines.resources import PIPELINE_RESOURCE_KEY, PipelineConfig
from pipelines.schedules import daily_release, release_job

defs = dg.Definitions(
    assets=list(ASSETS),
    asset_checks=list(CHECKS),
    jobs=[release_job],
    schedules=[daily_release],
    resources={PIPELINE_RESOURCE_KEY: PipelineConfig()},
)
