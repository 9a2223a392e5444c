"""The Dagster code location: it loads, every asset is described and checked, the schedule and job are right."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest

from pipelines import schedules
from pipelines.assets import ASSETS
from pipelines.commands.run import STAGE_STEPS
from pipelines.definitions import defs
from pipelines.resources import DEFAULT_DATA_DIR, PipelineConfig

REPO = Path(__file__).resolve().parents[1]
EXPECTED_ASSETS = {"raw_pages", "articles", "paragraphs", "claims", "credit_rules", "conflicts",
                   "release_candidate", "published_release"}
BLOCKING_ON_CANDIDATE = {"credit_rules_unique_keys", "credit_rules_sane_values",
                         "credit_rules_have_evidence", "credit_rules_no_overlapping_age_bands",
                         "pages_parsed_share"}


@pytest.fixture(scope="module")
def repo_def():
    return defs.get_repository_def()


@pytest.fixture(scope="module")
def asset_graph(repo_def):
    return repo_def.asset_graph


def test_every_stage_of_the_design_is_an_asset(asset_graph):
    assert {key.to_user_string() for key in asset_graph.get_all_asset_keys()} == EXPECTED_ASSETS


def test_every_asset_has_a_description_and_at_least_one_check(asset_graph):
    """Meta-test: the Dagster UI explains every asset, and every asset is audited by something."""
    checked = {key.asset_key for key in asset_graph.asset_check_keys}
    for key in asset_graph.get_all_asset_keys():
        node = asset_graph.get(key)
        assert (node.description or "").strip(), f"asset {key.to_user_string()} has no description"
        assert key in checked, f"asset {key.to_user_string()} has no asset check"


def test_every_check_has_a_description(asset_graph):
    for key in asset_graph.asset_check_keys:
        spec = asset_graph.get_check_spec(key) if hasattr(asset_graph, "get_check_spec") else None
        if spec is not None:
            assert (spec.description or "").strip(), f"check {key.name} has no description"


def test_release_candidate_is_audited_by_blocking_checks(asset_graph):
    blocking = {
        key.name for key in asset_graph.asset_check_keys
        if key.asset_key == dg.AssetKey("release_candidate") and asset_graph.get_check_spec(key).blocking
    }
    assert blocking == BLOCKING_ON_CANDIDATE


@pytest.mark.parametrize(
    ("upstream", "downstream"),
    [("raw_pages", "articles"), ("articles", "paragraphs"), ("paragraphs", "claims"),
     ("claims", "credit_rules"), ("claims", "conflicts"), ("credit_rules", "release_candidate"),
     ("conflicts", "release_candidate"), ("release_candidate", "published_release")],
)
def test_lineage(asset_graph, upstream, downstream):
    parents = asset_graph.get(dg.AssetKey(downstream)).parent_keys
    assert dg.AssetKey(upstream) in parents


def test_the_job_materialises_every_asset_and_check():
    job = defs.resolve_job_def(schedules.JOB_NAME)
    keys = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    assert keys == EXPECTED_ASSETS
    assert {k.name for k in job.asset_layer.asset_graph.asset_check_keys} >= BLOCKING_ON_CANDIDATE


def test_progress_lines_know_every_asset_step():
    assert set(STAGE_STEPS) == {assets_def.node_def.name for assets_def in ASSETS}


def test_daily_schedule_runs_the_job_at_six_in_shanghai():
    schedule = defs.resolve_schedule_def("daily_release")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.job_name == schedules.JOB_NAME


def test_pipeline_config_defaults_to_the_embedded_sample_site_and_repo_data(tmp_path):
    config = PipelineConfig()
    assert config.start_urls == []
    assert config.crawl is True
    assert Path(config.data_dir) == DEFAULT_DATA_DIR == REPO / "data"
    custom = PipelineConfig(data_dir=str(tmp_path), crawl=False)
    assert (custom.raw_dir, custom.work_dir) == (tmp_path / "raw", tmp_path / "work")
    assert custom.overrides_file() == REPO / "data" / "overrides.toml"


@pytest.mark.slow
def test_dagster_definitions_validate(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    dagster = Path(sys.executable).with_name("dagster")
    proc = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "dagster_workspace.yaml"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    """POST a GraphQL query to the Dagster webserver."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps(
        {"query": query}).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


# `dagster dev` starts a webserver, a daemon and a code server; loading them on 2 shared cores is slow.
DEV_STARTUP_TIMEOUT_S = 180
# Seconds `dagster dev` gets to stop after Ctrl-C before its process group is killed.
DEV_SHUTDOWN_TIMEOUT_S = 30


@pytest.mark.slow
@pytest.mark.network
def test_dagster_dev_serves_the_code_location(tmp_path):
    port = free_port()
    dagster = Path(sys.executable).with_name("dagster")
    proc = subprocess.Popen(
        [str(dagster), "dev", "-w", "dagster_workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO, env={**os.environ, "DAGSTER_HOME": str(tmp_path)}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + DEV_STARTUP_TIMEOUT_S
        nodes = None
        while nodes is None and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(2)
            try:
                nodes = graphql(port, "{ assetNodes { assetKey { path } } }")["data"]["assetNodes"]
            except (OSError, KeyError, TypeError):
                nodes = None
        assert nodes is not None, "dagster dev did not serve the asset graph"
        assert {node["assetKey"]["path"][0] for node in nodes} == EXPECTED_ASSETS
    finally:
        # Ctrl-C, as a user stops it; its daemon may be mid-tick and take longer than the test can
        # wait (seen late in a full suite), so what is left of the process group is then killed
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=DEV_SHUTDOWN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
