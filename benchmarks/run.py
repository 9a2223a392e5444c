"""`make bench`: per-stage throughput and peak memory at 1k / 10k (/ 100k) articles, beside the lxml floor.

Each size runs in its own child process (so one size's memory does not inflate the next), over a
synthetic 社保网-style site from `pipelines.sample_site.iter_site_pages` written into a real raw
store. Every stage is reported as a rate and as a ratio to the lxml parse-only floor measured in
the same process on the same pages, so figures survive a noisy machine. Results are appended to
`benchmarks/results.json`; earlier runs are kept so a regression is visible.

    python -m benchmarks.run                       # sizes from BENCH_SIZES or 1000,10000
    python -m benchmarks.run --sizes 1000,10000,100000
    python -m benchmarks.run --sizes 100000 --no-stages   # floor and end to end only (~15 min)
    python -m benchmarks.run --report              # the README table of the newest run
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from benchmarks.memory import StageMeasure, measure

REPO = Path(__file__).resolve().parents[1]
RESULTS_PATH = REPO / "benchmarks" / "results.json"
DEFAULT_SIZES = "1000,10000"
# Host name the synthetic pages are stored under; never fetched, only used as the page URL.
BENCH_HOST = "http://bench.shebao.example"
# The crawl benchmark serves a generated site of this many articles on loopback (crawling is slow by design: polite).
CRAWL_ARTICLES = 300
# Seconds a single size may take before the child is stopped (100k on 2 cores stays well inside this).
CHILD_TIMEOUT_S = 3 * 3600
# A materialisation line of `run`'s progress output: asset name … (seconds it took, peak memory of the step).
ASSET_LINE = re.compile(r"^✓ (\w+) .*\(([\d.]+)s(?:, peak ([\d.]+) MB)?\)$", re.M)
# Issue 7's target: the pipeline from the raw store to a release runs at >= 1/4 of the lxml parse-only rate.
TARGET_FLOOR_SHARE = 0.25


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem_gib = round(kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": mem_gib,
            "python": platform.python_version(), "system": platform.platform(terse=True)}


def git_rev() -> str | None:
    """The commit the benchmark ran on, with `+dirty` when the tree has changes."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return rev + ("+dirty" if dirty else "")


# --------------------------------------------------------------------------- one size (child)


def fill_store(data_dir: Path, n_articles: int, seed: int) -> tuple[int, int]:
    """Write the synthetic site's article pages into a raw store; returns (pages, bytes)."""
    from pipelines.sample_site import iter_site_pages
    from spiders.rawstore import RawStore

    # Bulk fill without fsync per page: the fill is setup, not a measured stage.
    store = RawStore(data_dir / "raw", fsync=False)
    pages = size = 0
    for page in iter_site_pages(n_articles, seed=seed):
        if page.kind != "article":
            continue
        store.put(BENCH_HOST + page.path, page.body, headers={"content-type": page.content_type})
        pages += 1
        size += len(page.body)
    return pages, size


def lxml_floor(store: Any) -> StageMeasure:
    """The floor: read each stored body and parse it with lxml, nothing else."""
    import lxml.html

    with measure("lxml parse only (floor)") as m:
        for page in store.pages():
            lxml.html.document_fromstring(store.read_body(page))
            m.items += 1
    return m


def pipeline_stages(data_dir: Path, store: Any, n_pages: int) -> list[StageMeasure]:
    """Run parse → extract → dedup → reconcile → publish in this process, one measure per stage."""
    from extractors.claims import extract_claims
    from extractors.html import ParseError, parse_html
    from pipelines import dedup, schemas
    from pipelines.publish import publish
    from pipelines.reconcile import reconcile

    out: list[StageMeasure] = []
    articles = []
    with measure("parse (parse_html)", n_pages) as m:
        skipped = 0
        for page in store.pages():
            try:
                articles.append(parse_html(store.read_body(page), page.url,
                                           content_type=page.headers.get("content-type"),
                                           fetched_at=page.fetched_at))
            except ParseError:
                skipped += 1
        m.extra["skipped"] = skipped
    out.append(m)
    with measure("extract (claims)", len(articles)) as m:
        claims = [claim for article in articles for claim in extract_claims(article)]
        m.extra["claims"] = len(claims)
    out.append(m)
    with measure("dedup (articles + paragraphs)", len(articles)) as m:
        merged = dedup.merge_duplicate_articles(articles)
        rows = dedup.cluster_paragraphs(merged)
        kept = {a.article_id for a in merged}
        claims = dedup.attach_clusters([c for c in claims if c.article_id in kept], rows)
        m.extra.update(paragraphs=len(rows), boilerplate=sum(r.is_boilerplate for r in rows))
    out.append(m)
    by_id = {a.article_id: a for a in merged}
    with measure("reconcile", len(merged)) as m:
        result = reconcile(claims, by_id)
        m.extra.update(rules=len(result.credit_rules), conflicts=len(result.conflicts))
    out.append(m)
    with measure("publish (tables + parquet)", len(merged)) as m:
        tables = {
            "articles": schemas.articles_table(merged),
            "paragraphs": schemas.paragraphs_table(rows),
            "claims": schemas.claims_table(claims),
            "credit_rules": schemas.credit_rules_table(result.credit_rules),
            "conflicts": schemas.conflicts_table(result.conflicts),
        }
        publish(tables, data_dir, pages=n_pages, run_id=None)
    out.append(m)
    return out


def articles_stage(data_dir: Path, store: Any, n_pages: int) -> StageMeasure:
    """The `articles` asset's work outside Dagster: parse + extract over the process pool (one worker
    per core, as `run` does), merge duplicates, write the articles and claims streams."""
    from pipelines import stages

    work = data_dir / "work"
    workers = os.cpu_count() or 1
    with measure(f"articles stage: parse + extract + merge, {workers} workers", n_pages) as m:
        written = stages.parse_and_merge(store, work, work / "articles.pickles", work / "articles.parquet",
                                         workers=workers)
        m.extra.update(rows=written.rows, skipped=len(written.report.skipped))
    return m


def end_to_end(raw_dir: Path, workdir: Path, n_pages: int) -> StageMeasure:
    """`shebao-policy run --no-crawl` in a fresh data dir over the same raw store, as a user runs it."""
    data_dir = workdir / "e2e"
    data_dir.mkdir()
    (data_dir / "raw").symlink_to(raw_dir, target_is_directory=True)
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--no-crawl", "--data-dir", str(data_dir)]
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=output, stderr=subprocess.STDOUT)
        # wait4: the child's own peak RSS, or its largest parse worker's (max, not sum: forked workers share pages)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    peaks = asset_peaks(text)
    # `run` resets its peak-RSS watermark at every step (to show each step's peak), and wait4 reports
    # that watermark: the run's peak is the larger of it (or a worker's) and every step's
    m = StageMeasure(name="end to end: run --no-crawl (Dagster, new process)", items=n_pages,
                     seconds=seconds, peak_rss_mb=max([usage.ru_maxrss / 1024, *peaks.values()]))
    m.extra["exit_code"] = proc.returncode
    m.extra["asset_seconds"] = asset_seconds(text)
    m.extra["asset_peak_mb"] = peaks
    if proc.returncode != 0:
        m.extra["error"] = text[-2000:]
    return m


def asset_seconds(run_output: str) -> dict[str, float]:
    """Seconds per materialised asset, from the `✓ <asset> … (12.3s, peak 480 MB)` lines `run` prints."""
    return {match.group(1): float(match.group(2)) for match in ASSET_LINE.finditer(run_output)}


def asset_peaks(run_output: str) -> dict[str, float]:
    """Peak memory (MB) of the run's process per materialised asset, where the lines give it."""
    return {match.group(1): float(match.group(3)) for match in ASSET_LINE.finditer(run_output) if match.group(3)}


def run_one(n_articles: int, seed: int, e2e: bool, profile: Path | None, in_process: bool = True) -> dict[str, Any]:
    """Everything measured for one size, as a JSON-ready dict (`in_process=False`: only the floor
    and the end-to-end run, for sizes where the in-process stages would hold too much)."""
    from spiders.rawstore import RawStore

    with tempfile.TemporaryDirectory(prefix=f"shebao-bench-{n_articles}-") as tmp:
        workdir = Path(tmp)
        data_dir = workdir / "data"
        started = time.perf_counter()
        pages, size = fill_store(data_dir, n_articles, seed)
        setup_s = time.perf_counter() - started
        store = RawStore(data_dir / "raw")
        floor = lxml_floor(store)
        measures = [floor, *(_in_process(data_dir, store, pages, profile) if in_process else [])]
        if e2e:
            measures.append(end_to_end(data_dir / "raw", workdir, pages))
    rows = [_with_ratio(m, floor) for m in measures]
    return {"articles": n_articles, "pages": pages, "mean_page_kb": round(size / pages / 1024, 1),
            "store_fill_s": round(setup_s, 2), "stages": rows}


def _in_process(data_dir: Path, store: Any, pages: int, profile: Path | None) -> list[StageMeasure]:
    """The stages one by one in this process, their sum, and the articles stage over the worker pool."""
    profiler = _start_profiler() if profile else None
    stages = pipeline_stages(data_dir, store, pages)
    if profiler is not None and profile is not None:
        profiler.stop()
        profile.write_text(profiler.output_html())
        print(profiler.output_text(unicode=True, color=False, show_all=False)[:6000], file=sys.stderr)
    total = StageMeasure(name="pipeline in process (sum of stages)", items=pages,
                         seconds=sum(s.seconds for s in stages),
                         peak_rss_mb=max((s.peak_rss_mb or 0) for s in stages))
    return [*stages, total, articles_stage(data_dir, store, pages)]


def _start_profiler() -> Any:
    from pyinstrument import Profiler

    profiler = Profiler()
    profiler.start()
    return profiler


def _with_ratio(m: StageMeasure, floor: StageMeasure) -> dict[str, Any]:
    row = m.as_dict()
    # share of the floor's rate: 1.0 = as fast as lxml parse-only, 0.25 = issue 7's target for the pipeline
    row["rate_vs_floor"] = round(floor.seconds / m.seconds, 3) if m.seconds else None
    return row


# --------------------------------------------------------------------------- crawl (separate)


def crawl_throughput(n_articles: int, seed: int) -> dict[str, Any]:
    """Crawl a generated site on loopback twice with the default polite settings: pages/s and the re-crawl."""
    from pipelines.sample_site import generate_site, start_urls
    from pipelines.serve import serve_site

    with tempfile.TemporaryDirectory(prefix="shebao-bench-crawl-") as tmp:
        root, data_dir = Path(tmp) / "site", Path(tmp) / "data"
        generate_site(root, n_articles=n_articles, seed=seed)
        with serve_site(root) as base:
            first_s, first = _timed_crawl(start_urls(base), data_dir)
            second_s, second = _timed_crawl(start_urls(base), data_dir)
    return {"articles": n_articles,
            "first": {"seconds": round(first_s, 2), "new": first.new, "failed": first.failed,
                      "pages_per_s": round(first.new / first_s, 1) if first_s else None},
            "second": {"seconds": round(second_s, 2), "new": second.new,
                       "unchanged": second.unchanged, "failed": second.failed}}


def _timed_crawl(urls: Sequence[str], data_dir: Path) -> tuple[float, Any]:
    from spiders.crawl import crawl

    started = time.perf_counter()
    summary = crawl(urls, data_dir, progress=False)
    return time.perf_counter() - started, summary


# --------------------------------------------------------------------------- reporting


def growth_exponent(sizes: Sequence[dict[str, Any]], stage: str) -> float | None:
    """Least-squares slope of log(seconds) on log(articles): 1.0 = linear."""
    points = [(math.log(s["articles"]), math.log(row["seconds"])) for s in sizes
              for row in s["stages"] if row["stage"] == stage and row["seconds"] > 0]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    var = sum((x - mean_x) ** 2 for x, _ in points)
    return round(sum((x - mean_x) * (y - mean_y) for x, y in points) / var, 3) if var else None


def markdown_report(run: dict[str, Any]) -> str:
    """The README table of one run: per stage and size, ms/article, rate vs floor and peak RSS."""
    m = run["machine"]
    lines = [f"Measured {run['created_at'][:10]} at `{run['git_rev']}` on {m['cpu']}, {m['cores']} cores, "
             f"{m['mem_gib']} GiB, Python {m['python']}.", ""]
    sizes = run["sizes"]
    header = "| stage | " + " | ".join(f"{s['articles']:,} articles: ms/article · × floor rate · peak RSS"
                                        for s in sizes) + " |"
    lines += [header, "|---|" + "---|" * len(sizes)]
    names = list(dict.fromkeys(row["stage"] for s in sizes for row in s["stages"]))  # a size may lack some
    for name in names:
        cells = []
        for s in sizes:
            r = next((row for row in s["stages"] if row["stage"] == name), None)
            if r is None:
                cells.append("not run")
                continue
            ms = "n/a" if r["ms_per_item"] is None else f"{r['ms_per_item']:.2f}"
            rss = "" if r["peak_rss_mb"] is None else f" · {r['peak_rss_mb']:.0f} MB"
            cells.append(f"{ms} · {r['rate_vs_floor']:.2f}×{rss}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for stage in ("pipeline in process (sum of stages)", "lxml parse only (floor)"):
        exponent = growth_exponent(sizes, stage)
        if exponent is not None:
            lines.append(f"\nGrowth exponent of `{stage}` over sizes (1.0 = linear): **{exponent}**.")
    for size in sizes:
        steps = next((row.get("asset_seconds") for row in size["stages"] if row.get("asset_seconds")), None)
        if steps:
            peaks: dict[str, float] = next((row.get("asset_peak_mb") for row in size["stages"] if row.get("asset_peak_mb")), {})
            spent = ", ".join(f"{name} {seconds:g} s" + (f" ({peaks[name]:.0f} MB)" if name in peaks else "")
                              for name, seconds in steps.items())
            lines.append(f"\nAt {size['articles']:,} articles, `run --no-crawl` spent (peak memory of its "
                         f"process): {spent}; the rest is Dagster's start (imports, run storage).")
    crawl = run.get("crawl")
    if crawl:
        lines.append(f"\nCrawl on loopback, {crawl['articles']} articles, default polite settings: "
                     f"{crawl['first']['pages_per_s']} new pages/s on the first crawl "
                     f"({crawl['first']['seconds']} s); the re-crawl fetched {crawl['second']['new']} "
                     f"article pages in {crawl['second']['seconds']} s.")
    return "\n".join(lines)


def load_results(path: Path) -> list[dict[str, Any]]:
    """Earlier runs; an unreadable results file is an error, never silently replaced."""
    if not path.exists():
        return []
    try:
        runs = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{path} is not valid JSON ({exc}); fix or move it, then rerun") from exc
    return runs if isinstance(runs, list) else [runs]


def save_results(path: Path, runs: list[dict[str, Any]]) -> None:
    """Write the results history atomically."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(runs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _child(n: int, seed: int, e2e: bool, profile: Path | None, in_process: bool = True) -> dict[str, Any]:
    """Run one size in a fresh interpreter so its peak memory is its own."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    cmd = [sys.executable, "-m", "benchmarks.run", "--one", str(n), "--seed", str(seed),
           "--json-out", str(out_path)] + ([] if e2e else ["--no-e2e"]) + ([] if in_process else ["--no-stages"])
    if profile is not None:
        cmd += ["--profile", str(profile)]
    try:
        subprocess.run(cmd, cwd=REPO, check=True, timeout=CHILD_TIMEOUT_S)
        return json.loads(out_path.read_text(encoding="utf-8"))
    except subprocess.CalledProcessError as exc:
        raise click.ClickException(f"benchmark at {n:,} articles failed (exit {exc.returncode}); "
                                   "see its output above") from exc
    finally:
        out_path.unlink(missing_ok=True)


@click.command()
@click.option("--sizes", default=lambda: os.environ.get("BENCH_SIZES", DEFAULT_SIZES), show_default=DEFAULT_SIZES,
              help="Comma-separated article counts (env BENCH_SIZES).")
@click.option("--seed", default=7, show_default=True, help="Generator seed.")
@click.option("--crawl-articles", default=CRAWL_ARTICLES, show_default=True,
              help="Articles of the site crawled on loopback for the crawl figure; 0 skips it.")
@click.option("--e2e/--no-e2e", default=True, show_default=True, help="Also time `run --no-crawl` end to end.")
@click.option("--stages/--no-stages", "in_process", default=True, show_default=True,
              help="Time the stages one by one in process (--no-stages: only the floor and end to end).")
@click.option("--profile", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Profile the in-process stages of the smallest size with pyinstrument; HTML here.")
@click.option("--results", type=click.Path(dir_okay=False, path_type=Path), default=RESULTS_PATH,
              show_default=True, help="JSON history the run is appended to.")
@click.option("--label", default="", help="A note stored with the run (e.g. 'before profiling').")
@click.option("--report", is_flag=True, help="Only print the README table of the newest stored run.")
@click.option("--one", type=int, default=None, hidden=True)
@click.option("--json-out", type=click.Path(dir_okay=False, path_type=Path), default=None, hidden=True)
def main(sizes: str, seed: int, crawl_articles: int, e2e: bool, in_process: bool, profile: Path | None,
         results: Path, label: str, report: bool, one: int | None, json_out: Path | None) -> None:
    """Throughput and peak memory per stage, as ratios to the lxml parse-only floor."""
    if one is not None:
        assert json_out is not None, "--one needs --json-out"
        json_out.write_text(json.dumps(run_one(one, seed, e2e, profile, in_process), ensure_ascii=False))
        return
    runs = load_results(results)
    if report:
        if not runs:
            raise click.ClickException(f"no results in {results}; run `make bench` first")
        click.echo(markdown_report(runs[-1]))
        return
    counts = sorted(int(s) for s in sizes.split(",") if s.strip())
    run: dict[str, Any] = {"created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                           "git_rev": git_rev(), "label": label, "machine": machine(), "sizes": []}
    for i, n in enumerate(counts):
        click.echo(f"[bench] {n:,} articles …", err=True)
        run["sizes"].append(_child(n, seed, e2e, profile if i == 0 else None, in_process))
    if crawl_articles:
        click.echo(f"[bench] crawl of {crawl_articles} articles on loopback …", err=True)
        run["crawl"] = crawl_throughput(crawl_articles, seed)
    runs.append(run)
    save_results(results, runs)
    click.echo(markdown_report(run))
    click.echo(f"\n(appended to {results}; earlier runs kept: {len(runs) - 1})", err=True)


if __name__ == "__main__":
    main()
