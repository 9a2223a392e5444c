"""The job that materialises every asset, and its daily schedule (06:00 China Standard Time)."""

from __future__ import annotations

import dagster as dg

# The job name the CLI and the schedule share (one code path for both).
JOB_NAME = "shebao_release"
# Daily at 06:00: before the working day in China, after sites publish overnight.
DAILY_CRON = "0 6 * * *"
# Sites publish on Beijing time; the schedule follows it whatever the server's zone.
SCHEDULE_TIMEZONE = "Asia/Shanghai"

release_job = dg.define_asset_job(
    name=JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Crawl, parse, dedup, extract, reconcile, write a release candidate, audit it with "
    "blocking checks, and publish it as a new version when its content changed.",
)

daily_release = dg.ScheduleDefinition(
    name="daily_release",
    job=release_job,
    cron_schedule=DAILY_CRON,
    execution_timezone=SCHEDULE_TIMEZONE,
    description="Materialise the whole release job every day at 06:00 Asia/Shanghai.",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
