"""End to end: `shebao-policy run` in a child process, crawling the sample site served on 127.0.0.1."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines.sample_site import SAMPLE_SITE_DIR, start_urls
from pipelines.serve import serve_site

pytestmark = [pytest.mark.slow, pytest.mark.network]

REPO = Path(__file__).resolve().parents[1]
# A whole run (crawl of the 48-article site + every asset) stays well inside this on 2 shared cores.
RUN_TIMEOUT_S = 600


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`shebao-policy run ARGS` in a child process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "run", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=RUN_TIMEOUT_S)


def versions(data_dir: Path) -> list[str]:
    """Published version directories (the `latest` link and candidates excluded)."""
    published = data_dir / "published"
    return sorted(p.name for p in published.iterdir()
                  if p.is_dir() and not p.is_symlink() and (p / "manifest.json").exists()
                  and not p.name.startswith("."))


def rules(path: Path) -> list[dict]:
    """The credit rules of a release directory, as rows."""
    return pq.read_table(path / "credit_rules.parquet").to_pylist()


def with_raw_store_of(source: Path, target: Path) -> Path:
    """A fresh data dir holding a copy of another data dir's raw store."""
    shutil.copytree(source / "raw", target / "raw")
    return target


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One run on the embedded sample site (no --start-url: the CLI serves it on loopback)."""
    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    proc = run_cli("--data-dir", str(data_dir))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return data_dir, proc


def test_first_run_publishes_a_release_with_a_summary(first_run):
    data_dir, proc = first_run
    (version,) = versions(data_dir)
    assert f"published {version}" in proc.stdout
    assert "rows: articles" in proc.stdout and "credit_rules" in proc.stdout
    assert "conflicts:" in proc.stdout
    assert str(data_dir / "published" / "latest") in proc.stdout
    assert rules(data_dir / "published" / "latest"), "the sample site implies credit rules"
    assert "→ raw_pages" in proc.stdout and "✓ published_release" in proc.stdout
    # each stage's line ends with its seconds and, on Linux, the run process's peak memory in it
    assert re.search(r"^✓ articles .*\(\d+\.\ds, peak \d+ MB\)$", proc.stdout, re.M), proc.stdout


def test_the_run_is_recorded_in_the_data_dirs_run_history(first_run):
    import dagster as dg

    data_dir, _ = first_run
    with dg.DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        runs = instance.get_runs()
        assert runs and runs[-1].status == dg.DagsterRunStatus.SUCCESS
        assert instance.get_records_for_run(runs[-1].run_id).records, "the run's events were stored"


def test_second_run_on_an_unchanged_site_publishes_nothing(first_run):
    data_dir, _ = first_run
    (version,) = versions(data_dir)
    proc = run_cli("--data-dir", str(data_dir))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"nothing new: content equals {version}" in proc.stdout
    assert versions(data_dir) == [version]


def test_no_crawl_re_extracts_the_raw_store_into_the_same_content(first_run, tmp_path):
    data_dir, _ = first_run
    fresh = with_raw_store_of(data_dir, tmp_path / "data")
    proc = run_cli("--no-crawl", "--data-dir", str(fresh))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "re-extracting" in proc.stdout
    assert "→ raw_pages" in proc.stdout
    assert rules(fresh / "published" / "latest") == rules(data_dir / "published" / "latest")


def test_a_failing_blocking_check_publishes_nothing_and_names_the_check(first_run, tmp_path):
    data_dir, _ = first_run
    target = next(r for r in rules(data_dir / "published" / "latest") if r["population"] == "retiree")
    bounds = "".join(f"{name} = {target[name]}\n" for name in ("age_min", "age_max")
                     if target[name] is not None)
    overrides = tmp_path / "overrides.toml"
    overrides.write_text(
        f'[[override]]\nregion_code = "{target["region_code"]}"\npopulation = "retiree"\n{bounds}'
        'method = "ratio"\nratio_min = 0.5\nratio_max = 0.5\nbase = "individual_pension"\n'
        'reviewer = "e2e"\nnote = "a ratio of 50% on purpose"\ndate = 2026-01-01\n', encoding="utf-8")
    fresh = with_raw_store_of(data_dir, tmp_path / "data")
    proc = run_cli("--no-crawl", "--data-dir", str(fresh), "--overrides", str(overrides))
    assert proc.returncode != 0
    assert "credit_rules_sane_values" in proc.stderr
    assert "nothing was published" in proc.stderr
    assert not (fresh / "published" / "latest").exists()


@pytest.fixture
def site_copy(tmp_path) -> Iterator[tuple[Path, str]]:
    """A copy of the sample site, served on loopback; yields (document root, base URL)."""
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE_DIR, root)
    with serve_site(root) as base_url:
        yield root, base_url


def edit_changed_rule(root: Path, facts, bump_yuan: float = 5.0) -> float:
    """Raise the newest stated amount of the sample site's changed rule in every article stating it.

    Returns the new monthly amount. The sentence is edited in the page's own encoding.
    """
    changed = facts.changed_region
    new_monthly = changed.new_monthly_yuan + bump_yuan
    for path in changed.new_paths:
        article = next(a for a in facts.articles if path in (a.path, a.url_path))
        claim = next(c for c in article.expected_claims
                     if (c.region_code, c.population, c.age_min, c.age_max)
                     == (changed.region_code, changed.population, changed.age_min, changed.age_max))
        written = new_monthly * 12 if claim.period == "year" else new_monthly
        file = root / article.path
        html = file.read_bytes().decode(article.encoding)
        sentence = next(ev for ev in claim.evidence if ev in html)
        html = html.replace(sentence, sentence.replace(claim.number_texts[0], f"{written:g}", 1))
        file.write_bytes(html.encode(article.encoding))
    return new_monthly


def test_a_changed_page_gives_a_second_release_whose_diff_names_the_change(site_copy, tmp_path):
    from pipelines.sample_site import load_facts

    root, base_url = site_copy
    facts = load_facts()
    data_dir = tmp_path / "data"
    urls = [arg for url in start_urls(base_url) for arg in ("--start-url", url)]
    first = run_cli(*urls, "--data-dir", str(data_dir))
    assert first.returncode == 0, first.stdout + first.stderr
    (old_version,) = versions(data_dir)

    new_monthly = edit_changed_rule(root, facts)
    # A plain crawl never asks for a stored article again; --refresh revalidates them all
    # (If-None-Match / If-Modified-Since), so the edited pages come back as new versions.
    second = run_cli(*urls, "--data-dir", str(data_dir), "--refresh")
    assert second.returncode == 0, second.stdout + second.stderr
    assert len(versions(data_dir)) == 2
    latest = data_dir / "published" / "latest"
    diff_md = (latest / "diff.md").read_text(encoding="utf-8")
    assert old_version in diff_md
    assert facts.changed_region.region in diff_md
    assert f"{new_monthly:g}" in diff_md
    diff = pq.read_table(latest / "diff.parquet").to_pylist()
    changes = [row for row in diff if row["table"] == "credit_rules" and row["field"] == "monthly_yuan"]
    assert len(changes) == 1, changes
    assert float(changes[0]["new"]) == new_monthly
    ledger = [json.loads(line) for line in (data_dir / "raw" / "ledger.jsonl").read_text().splitlines()]
    last_crawl = ledger[-1]["crawl_id"]
    changed = {e["url"] for e in ledger if e["crawl_id"] == last_crawl and e["state"] == "stored"
               and (e.get("reason") or "").startswith("changed")}
    edited = {f"{base_url.rstrip('/')}/{path.lstrip('/')}" for path in facts.changed_region.new_paths}
    assert edited <= changed, (edited, changed)


def test_refresh_cannot_go_with_no_crawl(tmp_path):
    proc = run_cli("--no-crawl", "--refresh", "--data-dir", str(tmp_path / "data"))
    assert proc.returncode == 2
    assert "--refresh" in proc.stderr and "--no-crawl" in proc.stderr
