"""Peak resident memory of one stage, read from Linux's /proc (VmHWM, reset through clear_refs)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pipelines.memory import peak_rss_mb, reset_peak, rss_mb

# The /proc readers live with the pipeline, whose run shows each stage's peak too.
__all__ = ["StageMeasure", "measure", "peak_rss_mb", "reset_peak", "rss_mb", "timed"]


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
