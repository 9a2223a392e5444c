"""Publishing: versions, manifest, idempotence, atomic `latest`, the lock, and kills mid-publish."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from release_factories import article, big_tables, rules_for, tables, when

from pipelines import publish
from pipelines.schemas import ARTICLES, TABLE_NAMES

CHILD = Path(__file__).resolve().parent / "publish_child.py"
# Bounds every wait on a child process; the children pause on go-files, never on the clock.
CHILD_TIMEOUT = 120
# Random-moment kills per test run: enough to land in different steps, bounded for a shared CI box.
KILL_ATTEMPTS = 6


def published(data_dir: Path) -> Path:
    return data_dir / "published"


def versions(data_dir: Path) -> list[str]:
    return [p.name for p in publish.version_dirs(published(data_dir))]


def assert_readable(data_dir: Path, version: str) -> None:
    """`latest` names `version` and every table of it loads."""
    latest = published(data_dir) / "latest"
    assert os.readlink(latest) == version
    for name in TABLE_NAMES:
        pd.read_parquet(latest / f"{name}.parquet")


def test_first_publish_writes_a_complete_release(tmp_path):
    result = publish.publish(tables(), tmp_path, pages=48, run_id="run-1", code_version="test")
    assert result.published and result.parent is None and result.reason == "first release"
    release = published(tmp_path) / result.version
    assert sorted(p.name for p in release.iterdir()) == sorted(
        [f"{n}.parquet" for n in TABLE_NAMES] + ["manifest.json", "diff.md", "diff.parquet"])
    assert_readable(tmp_path, result.version)
    assert list((published(tmp_path) / ".candidates").iterdir()) == []


def test_a_plain_read_parquet_of_latest_gets_nullable_dtypes(tmp_path):
    publish.publish(tables(), tmp_path, pages=1, run_id=None)
    rules = pd.read_parquet(published(tmp_path) / "latest" / "credit_rules.parquet")
    assert (str(rules.age_min.dtype), str(rules.approximate.dtype)) == ("Int64", "boolean")
    assert rules.age_min.isna().tolist() == [True, False]


def test_manifest_holds_what_a_reviewer_needs(tmp_path):
    moment = datetime(2026, 11, 23, 12, 5, 1, tzinfo=UTC)
    candidate = publish.write_candidate(tables(), tmp_path, pages=48, run_id="run-1", code_version="0.1.0")
    result = publish.promote(candidate, tmp_path, now=moment)
    manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    assert result.version == f"20261123T120501Z-{manifest['content_hash'][:8]}"
    assert manifest["version"] == result.version and manifest["parent"] is None
    assert manifest["created_at"] == "2026-11-23T12:05:01+00:00"
    assert manifest["row_counts"] == {"articles": 2, "paragraphs": 2, "claims": 2,
                                      "credit_rules": 2, "conflicts": 1}
    assert (manifest["pages"], manifest["dagster_run_id"], manifest["code_version"]) == (48, "run-1", "0.1.0")
    assert manifest["schema_version"] == 1
    assert manifest["diff_summary"]["tables"]["credit_rules"]["added"] == 2


def test_manifest_lists_every_file_with_its_digest_and_verify_finds_tampering(tmp_path):
    result = publish.publish(tables(), tmp_path, pages=1, run_id=None)
    files = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert sorted(files) == sorted([f"{n}.parquet" for n in TABLE_NAMES] + ["diff.md", "diff.parquet"])
    assert publish.verify_release(result.path) == []
    with open(result.path / "diff.md", "a", encoding="utf-8") as sink:
        sink.write("edited by hand\n")
    (result.path / "claims.parquet").unlink()
    assert sorted(publish.verify_release(result.path)) == [
        f"{result.path / 'claims.parquet'}: missing",
        f"{result.path / 'diff.md'}: content differs from manifest.json"]


def test_a_candidate_outside_the_data_dir_is_refused(tmp_path):
    candidate = publish.write_candidate(tables(), tmp_path / "a", pages=1, run_id=None)
    with pytest.raises(publish.CandidateError, match="is not under"):
        publish.promote(candidate, tmp_path / "b")


def test_same_content_publishes_nothing_and_says_so(tmp_path):
    first = publish.publish(tables(), tmp_path, pages=48, run_id="a")
    again = publish.publish(tables(), tmp_path, pages=50, run_id="b")
    assert (again.published, again.version, again.reason) == (False, first.version, f"content equals {first.version}")
    assert versions(tmp_path) == [first.version]
    assert list((published(tmp_path) / ".candidates").iterdir()) == []


def test_a_refetch_of_unchanged_pages_is_the_same_content(tmp_path):
    first = publish.publish(tables(), tmp_path, pages=48, run_id="a")
    refetched = [article(fetched_at=when("2026-11-23")), article("a2", "https://www.shebao.example/yibao/102.html",
                                                                  fetched_at=when("2026-11-23"))]
    again = publish.publish(tables(articles=refetched), tmp_path, pages=48, run_id="b")
    assert not again.published and again.version == first.version


def test_changed_content_is_a_new_version_with_parent_and_diff(tmp_path):
    first = publish.publish(tables(), tmp_path, pages=48, run_id="a")
    second = publish.publish(tables(rules=rules_for((None, 70, 100.0), (70, None, 125.0))),
                             tmp_path, pages=48, run_id="b")
    assert second.published and second.parent == first.version
    assert versions(tmp_path) == [first.version, second.version]  # ids sort by time
    assert_readable(tmp_path, second.version)
    assert "| monthly_yuan | 110.0 | 125.0 |" in (second.path / "diff.md").read_text(encoding="utf-8")
    diff_rows = pd.read_parquet(second.path / "diff.parquet")
    assert diff_rows.loc[diff_rows.field == "monthly_yuan", "new"].tolist() == ["125.0"]
    assert (first.path / "manifest.json").exists()  # the parent is untouched


def test_version_ids_increase_even_within_one_second(tmp_path):
    moment = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
    ids = []
    for amount in (110.0, 120.0, 130.0):
        candidate = publish.write_candidate(tables(rules=rules_for((70, None, amount))), tmp_path,
                                            pages=1, run_id=None)
        ids.append(publish.promote(candidate, tmp_path, now=moment).version)
    assert [i.split("-")[0] for i in ids] == ["20261123T120000Z", "20261123T120001Z", "20261123T120002Z"]
    assert sorted(ids) == ids


@pytest.mark.parametrize(("broken", "message"), [
    (lambda t: {k: v for k, v in t.items() if k != "conflicts"}, "missing \\['conflicts'\\]"),
    (lambda t: {**t, "credit_rules": t["credit_rules"].drop_columns(["evidence"])}, "lacks columns \\['evidence'\\]"),
    (lambda t: {**t, "extra": pa.table({"a": [1]})}, "unknown \\['extra'\\]"),
    (lambda t: {**t, "articles": pa.Table.from_pylist(
        [{**row, "url": None} for row in t["articles"].to_pylist()], schema=ARTICLES)},
     "articles.url is required but null in 2 row"),
    (lambda t: {**t, "articles": t["articles"].set_column(
        1, "url", pa.array([None, "u"], pa.string()))}, "Casting field 'url' with null values"),
])
def test_a_malformed_release_is_refused_before_anything_is_written(tmp_path, broken, message):
    with pytest.raises(publish.CandidateError, match=message):
        publish.write_candidate(broken(tables()), tmp_path, pages=1, run_id=None)
    assert not (published(tmp_path) / ".candidates").exists() or not any(
        (published(tmp_path) / ".candidates").iterdir())


def test_tables_given_by_file_are_read_a_batch_at_a_time_into_the_same_candidate(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    monkeypatch.setattr(publish, "HASH_BATCH_ROWS", 3)  # slices of 3 rows across row groups of 2
    given = tables(rules=rules_for(*((age, age + 1, float(age)) for age in range(7))))
    files = {}
    for name, table in given.items():
        files[name] = tmp_path / f"{name}.parquet"
        pq.write_table(table, files[name], row_group_size=2)
    read: list[str] = []

    class Counted(publish.TableFiles):
        def __getitem__(self, name):
            raise AssertionError(f"{name} read whole")

        def batches(self, name):
            read.append(name)
            return super().batches(name)

    candidate = publish.write_candidate(Counted(files), tmp_path / "data", pages=1, run_id=None)
    in_memory = publish.write_candidate(given, tmp_path / "other", pages=1, run_id=None)
    assert publish.read_manifest(candidate)["content_hash"] == publish.read_manifest(in_memory)["content_hash"]
    assert publish.read_manifest(candidate)["content_hash"] == publish.content_hash(given)
    assert read == list(TABLE_NAMES), "each table is read once, in order"
    for name in TABLE_NAMES:
        assert pq.read_table(candidate / f"{name}.parquet").equals(pq.read_table(in_memory / f"{name}.parquet"))
    assert pq.read_table(candidate / "credit_rules.parquet").num_rows == 7


def test_a_failed_candidate_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "_hash_slice", disk_full)  # fails after the first table file is opened
    with pytest.raises(OSError, match="No space left"):
        publish.write_candidate(tables(), tmp_path, pages=1, run_id=None)
    assert list((published(tmp_path) / ".candidates").iterdir()) == []


def test_an_incomplete_candidate_is_not_promoted(tmp_path):
    candidate = publish.write_candidate(tables(), tmp_path, pages=1, run_id=None)
    (candidate / "claims.parquet").unlink()
    with pytest.raises(publish.CandidateError, match="incomplete candidate"):
        publish.promote(candidate, tmp_path)


def test_a_publish_interrupted_after_its_rename_is_finished_by_the_next_run(tmp_path, monkeypatch):
    first = publish.publish(tables(), tmp_path, pages=1, run_id=None)
    newer = tables(rules=rules_for((70, None, 150.0)))

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(publish, "_swap_latest", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish.publish(newer, tmp_path, pages=1, run_id=None)
    assert_readable(tmp_path, first.version)
    monkeypatch.undo()
    again = publish.publish(newer, tmp_path, pages=1, run_id=None)
    assert not again.published and again.parent == first.version
    assert_readable(tmp_path, again.version)


def test_leftover_candidates_of_dead_processes_are_removed(tmp_path):
    publish.publish(tables(), tmp_path, pages=1, run_id=None)
    candidates = published(tmp_path) / ".candidates"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    host = os.uname().nodename
    stale = candidates / f"20261123T000000Z-{dead}-abcdef-{host}"
    alive = candidates / f"20261123T000000Z-{os.getpid()}-abcdef-{host}"
    for path in (stale, alive):
        path.mkdir()
        (path / "articles.parquet").write_bytes(b"partial")
    publish.publish(tables(rules=rules_for((70, None, 160.0))), tmp_path, pages=1, run_id=None)
    assert sorted(p.name for p in candidates.iterdir()) == [alive.name]


def test_a_newer_candidate_of_another_run_awaiting_its_checks_is_kept(tmp_path):
    """Dagster writes a candidate in one step process and promotes it in another: a candidate
    written after ours, whose writer has exited, may still be waiting for its checks."""
    mine = publish.write_candidate(tables(), tmp_path, pages=1, run_id=None)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    theirs = mine.parent / f"20261123T000000Z-{dead}-abcdef-{os.uname().nodename}"
    theirs.mkdir()
    os.utime(theirs, ns=(mine.stat().st_mtime_ns + 10**9,) * 2)
    publish.promote(mine, tmp_path)
    assert theirs.exists()


# ---------------------------------------------------------------- other processes


def start_child(data_dir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), "--data-dir", str(data_dir), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(child: subprocess.Popen, prefix: str) -> str:
    """Read the child's output until a line starts with prefix (the child exits or pauses)."""
    for line in child.stdout:
        if line.startswith(prefix):
            return line.strip()
    child.wait(timeout=CHILD_TIMEOUT)
    raise AssertionError(f"child ended without {prefix!r}: {child.stderr.read()}")


def finish(child: subprocess.Popen) -> str:
    line = wait_for_line(child, ("RESULT", "ERROR"))
    child.wait(timeout=CHILD_TIMEOUT)
    return line


@pytest.mark.slow
@pytest.mark.parametrize("point", ["write", "diff", "swap"])
def test_a_publish_killed_mid_way_leaves_the_previous_release_intact(tmp_path, point):
    previous = publish.publish(tables(), tmp_path, pages=1, run_id=None)
    child = start_child(tmp_path, "--rules", "5000", "--pause-at", point)
    assert wait_for_line(child, "PAUSED") == f"PAUSED {point}"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=CHILD_TIMEOUT)
    assert_readable(tmp_path, previous.version)
    assert pd.read_parquet(published(tmp_path) / "latest" / "credit_rules.parquet").shape[0] == 2
    following = publish.publish(big_tables(6000), tmp_path, pages=1, run_id=None)
    assert following.published
    assert_readable(tmp_path, following.version)
    assert list((published(tmp_path) / ".candidates").iterdir()) == []
    assert not list(published(tmp_path).glob(".latest.tmp-*"))


@pytest.mark.slow
def test_a_second_run_waits_for_the_first_and_builds_on_it(tmp_path):
    go = tmp_path / "go"
    first = start_child(tmp_path, "--rules", "10", "--pause-at", "diff", "--go-file", str(go))
    assert wait_for_line(first, "PAUSED") == "PAUSED diff"  # the first holds the lock
    second = start_child(tmp_path, "--rules", "20")
    go.touch()
    first_result = json.loads(finish(first).removeprefix("RESULT "))
    second_result = json.loads(finish(second).removeprefix("RESULT "))
    assert second_result["parent"] == first_result["version"]
    assert versions(tmp_path) == [first_result["version"], second_result["version"]]
    assert_readable(tmp_path, second_result["version"])


@pytest.mark.slow
def test_a_second_run_that_cannot_wait_exits_with_a_clear_message(tmp_path):
    go = tmp_path / "go"
    first = start_child(tmp_path, "--rules", "10", "--pause-at", "diff", "--go-file", str(go))
    assert wait_for_line(first, "PAUSED") == "PAUSED diff"
    second = start_child(tmp_path, "--rules", "20", "--lock-timeout", "0.2")
    line = finish(second)
    go.touch()
    assert finish(first).startswith("RESULT")
    assert line.startswith("ERROR PublishLockedError: another run is publishing into")
    assert second.returncode == 3
    assert len(versions(tmp_path)) == 1
    assert list((published(tmp_path) / ".candidates").iterdir()) == []


@pytest.mark.parametrize(("changed", "same"), [
    (lambda: tables(rules=rules_for((70, None, 110.0), (None, 70, 100.0))), True),   # input order
    (lambda: tables(articles=[article(fetched_at=when("2027-01-01")),
                              article("a2", "https://www.shebao.example/yibao/102.html")]), True),
    (lambda: tables(rules=rules_for((None, 70, 100.0), (70, None, 110.5))), False),  # an amount
    (lambda: tables(articles=[article(title="北京"), article("a2", "https://www.shebao.example/yibao/102.html")]), False),
    (lambda: tables(conflicts=[]), False),
])
def test_content_hash_sees_content_not_order_or_fetch_times(changed, same):
    assert (publish.content_hash(changed()) == publish.content_hash(tables())) is same


def test_content_hash_does_not_depend_on_how_a_table_is_chunked():
    whole = tables(rules=rules_for(*((age, age + 1, float(age)) for age in range(7))))
    rules = whole["credit_rules"]
    rechunked = {**whole, "credit_rules": pa.concat_tables([rules.slice(0, 3), rules.slice(3, 2), rules.slice(5)])}
    assert rechunked["credit_rules"].num_rows == 7 and rechunked["credit_rules"].column(0).num_chunks == 3
    assert publish.content_hash(rechunked) == publish.content_hash(whole)


@pytest.mark.parametrize("layout", publish.HASH_VERSIONS)
@pytest.mark.parametrize(("first", "second"), [
    (["ab", "c"], ["a", "bc"]),      # where one string ends
    (["", None], [None, ""]),        # null is not the empty string
    (["x"], ["y"]),
    (["医保"], ["医疗"]),
])
def test_content_hash_tells_apart_columns_that_differ_in_one_cell(layout, first, second):
    def with_titles(titles):
        return tables(articles=[article(f"a{i}", f"https://www.shebao.example/yibao/{i}.html", title=title)
                                for i, title in enumerate(titles)])

    assert publish.content_hash(with_titles(first), layout) != publish.content_hash(with_titles(second), layout)


def test_a_release_content_hash_can_be_recomputed_from_its_files(tmp_path):
    # list columns read back from Parquet name their item `element`, not `item` as built: the hash
    # must not see the difference
    result = publish.publish(tables(), tmp_path, pages=1, run_id=None)
    files = publish.TableFiles({name: result.path / f"{name}.parquet" for name in TABLE_NAMES})
    assert publish.content_hash(files) == result.content_hash == publish.content_hash(tables())


def test_content_hash_layouts_differ_and_an_unknown_one_is_refused():
    assert publish.content_hash(tables(), 1) != publish.content_hash(tables(), 2)
    with pytest.raises(publish.CandidateError, match="unknown content hash layout 9"):
        publish.content_hash(tables(), 9)


def rehash_as_layout_one(release: Path) -> None:
    """Rewrite a release's manifest as a version before hash layouts existed would have written it."""
    path = release / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    files = publish.TableFiles({name: release / f"{name}.parquet" for name in TABLE_NAMES})
    manifest["content_hash"] = publish.content_hash(files, 1)
    del manifest["hash_version"]
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_unchanged_content_against_a_release_hashed_the_old_way_is_not_published_again(tmp_path):
    first = publish.publish(tables(), tmp_path, pages=1, run_id=None)
    rehash_as_layout_one(first.path)
    again = publish.publish(tables(), tmp_path, pages=1, run_id=None)
    assert (again.published, again.version) == (False, first.version)
    changed = publish.publish(tables(rules=rules_for((None, 70, 100.0), (70, None, 110.5))), tmp_path,
                              pages=1, run_id=None)
    assert changed.published and changed.parent == first.version
    assert json.loads((changed.path / "manifest.json").read_text(encoding="utf-8"))["hash_version"] == 2


def test_a_release_hashed_by_an_unknown_layout_is_followed_by_a_new_version(tmp_path, caplog):
    first = publish.publish(tables(), tmp_path, pages=1, run_id=None)
    path = first.path / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), "hash_version": 9}),
                    encoding="utf-8")
    again = publish.publish(tables(), tmp_path, pages=1, run_id=None)
    assert again.published and again.parent == first.version
    assert "layout 9" in caplog.text


def assert_every_version_complete(data_dir: Path) -> None:
    for release in publish.version_dirs(published(data_dir)):
        for name in TABLE_NAMES:
            pd.read_parquet(release / f"{name}.parquet")
        pd.read_parquet(release / "diff.parquet")


@pytest.mark.slow
def test_kills_at_arbitrary_moments_never_break_a_release(tmp_path):
    """Children killed at seeded random moments of a publish (bounded loop): after each kill every
    version and `latest` load; then a normal publish succeeds and cleans up."""
    chance = random.Random(7)
    publish.publish(tables(), tmp_path, pages=1, run_id=None)
    for attempt in range(KILL_ATTEMPTS):
        child = start_child(tmp_path, "--rules", str(8000 + attempt))
        time.sleep(chance.uniform(0.3, 3.0))  # when to kill, not an assertion
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=CHILD_TIMEOUT)
        latest = publish.latest_version(published(tmp_path))
        assert latest is not None
        assert_readable(tmp_path, latest)
        assert_every_version_complete(tmp_path)
    final = publish.publish(big_tables(10), tmp_path, pages=1, run_id=None)
    assert final.published and final.parent is not None
    assert_readable(tmp_path, final.version)
    assert list((published(tmp_path) / ".candidates").iterdir()) == []
