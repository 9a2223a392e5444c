"""Resident memory of this process, read from Linux's /proc: the current size and the peak since
the last reset (VmHWM, reset through clear_refs), so each stage of a run can show its own peak.
Elsewhere every reading is None and a reset does nothing."""

from __future__ import annotations

import re
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
