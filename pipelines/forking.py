"""Worker processes started by fork, so they inherit what the parent has loaded (the extractors,
the opened raw store, the claims being reconciled) instead of receiving it. POSIX only: elsewhere
the work runs in the calling process."""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

# The start method that shares the parent's memory with its workers (copy on write).
FORK_METHOD = "fork"


def fork_context(workers: int) -> BaseContext | None:
    """The context to start `workers` processes by fork, or None when the work should stay in this
    process (one worker asked for, or no fork on this platform)."""
    if workers <= 1 or FORK_METHOD not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context(FORK_METHOD)
