"""Peak resident memory of one stage, read from Linux's /proc (VmHWM, reset through clear_refs)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
# Writing "5" to clear_refs resets the peak-RSS watermark (Linux >= 4.0), so each stage gets its own peak.
RESET_PEAK = "5"
_HWM = re.compile(r"VmHWM:\s+(\d+)\s+kB")
_RSS = re.compile(r"VmRSS:\s+(\d+)\s+kB")


def _read_kb(pattern: re.Pattern[str]) -> int | None:
    try:
        match = pattern.search(STATUS.read_text())
    except OSError:
        return None
    return int(match.group(1)) if match else None


def reset_peak() -> bool:
    """Reset the process's peak-RSS watermark; False where the kernel does not allow it."""
    try:
        CLEAR_REFS.write_text(RESET_PEAK)
    except OSError:
        return False
    return True


def peak_rss_mb() -> float | None:
    """Peak resident set size since the last reset, in MiB."""
    kb = _read_kb(_HWM)
    return None if kb is None else kb / 1024


def rss_mb() -> float | None:
    """Current resident set size, in MiB."""
    kb = _read_kb(_RSS)
    return None if kb is None else kb / 1024


@dataclass(slots=True)
class StageMeasure:
    """Wall time and peak memory of one stage over `items` items."""

    name: str
    items: int = 0
    seconds: float = 0.0
    peak_rss_mb: float | None = None
    rss_before_mb: float | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.items / self.seconds if self.seconds else float("inf")

    def as_dict(self) -> dict[str, object]:
        return {
            "stage": self.name,
            "items": self.items,
            "seconds": round(self.seconds, 4),
            "items_per_s": round(self.per_second, 1),
            "ms_per_item": round(1000 * self.seconds / self.items, 4) if self.items else None,
            "peak_rss_mb": None if self.peak_rss_mb is None else round(self.peak_rss_mb, 1),
            "rss_before_mb": None if self.rss_before_mb is None else round(self.rss_before_mb, 1),
            **self.extra,
        }


@contextmanager
def measure(name: str, items: int = 0) -> Iterator[StageMeasure]:
    """Time a block and record the peak RSS reached inside it; set `.items` inside if unknown upfront."""
    result = StageMeasure(name=name, items=items, rss_before_mb=rss_mb())
    reset_peak()
    started = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - started
        result.peak_rss_mb = peak_rss_mb()


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of `fn` takes."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started
