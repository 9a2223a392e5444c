"""Typed records of a crawl: a stored raw page and the ledger entry of every scheduled URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

LEDGER_STATES = ("stored", "unchanged", "skipped", "failed")


@dataclass(frozen=True, slots=True)
class RawPage:
    """One fetched page as kept in the immutable, content-addressed raw store."""

    url: str  # canonical URL the crawl scheduled (extractors.urls.canonical_url)
    final_url: str  # after redirects
    status: int
    headers: dict[str, str] = field(
        hash=False
    )  # the headers that matter: content-type, etag, last-modified, …
    fetched_at: datetime  # timezone-aware UTC
    body_sha256: str  # content address of the body in the store
    size: int
    kind: str = "article"  # "article" | "listing" | "sitemap"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """Where one scheduled URL ended: stored, unchanged, skipped (with reason) or failed (with reason)."""

    url: str
    state: str  # one of LEDGER_STATES
    reason: str | None
    at: datetime
    status: int | None = None
