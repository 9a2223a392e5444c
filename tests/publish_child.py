"""A publish run in its own process, for the kill and concurrency tests of tests/test_publish.py.

It can pause at a named point of the publish (after the first table is written, while holding the
lock before the diff, or after the rename just before `latest` is swapped), print `PAUSED <point>`
and wait for a go-file, so the test kills or releases it at a known moment, not a guessed one.
Last line of output: `RESULT <json>` or `ERROR <class>: <message>` (exit status 3).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from release_factories import big_tables  # noqa: E402

from pipelines import publish  # noqa: E402

# A paused child never waits longer than this for its go-file (the test kills it well before).
MAX_PAUSE_SECONDS = 120.0
POLL_SECONDS = 0.05


def pause(point: str, go_file: Path | None) -> None:
    """Say where we are, then wait until the go-file exists (or forever, until killed)."""
    print(f"PAUSED {point}", flush=True)
    deadline = time.monotonic() + MAX_PAUSE_SECONDS
    while time.monotonic() < deadline:
        if go_file is not None and go_file.exists():
            return
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"paused at {point} for {MAX_PAUSE_SECONDS}s without a go-file")


def install_pause(point: str, go_file: Path | None) -> None:
    """Wrap the publish step named by `point` so that it pauses first."""
    names = {"write": "_write_hashed", "diff": "diff_releases", "swap": "_swap_latest"}
    original = getattr(publish, names[point])
    calls = {"n": 0}

    def paused(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2 or point != "write":  # "write": after the first table is on disk
            pause(point, go_file)
        return original(*args, **kwargs)

    setattr(publish, names[point], paused)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rules", type=int, default=10, help="age bands in the release")
    parser.add_argument("--pause-at", choices=("none", "write", "diff", "swap"), default="none")
    parser.add_argument("--go-file", type=Path)
    parser.add_argument("--lock-timeout", type=float, default=60.0)
    args = parser.parse_args()
    if args.pause_at != "none":
        install_pause(args.pause_at, args.go_file)
    try:
        result = publish.publish(big_tables(args.rules), args.data_dir, pages=args.rules,
                                 run_id="child", lock_timeout=args.lock_timeout)
    except publish.PublishError as error:
        print(f"ERROR {type(error).__name__}: {error}", flush=True)
        return 3
    print("RESULT " + json.dumps({"version": result.version, "parent": result.parent,
                                  "published": result.published, "reason": result.reason}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
