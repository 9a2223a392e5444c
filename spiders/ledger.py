"""The outcome of every URL in one crawl: exactly one ledger state each, written to the raw store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from spiders.links import canonical as canonical_url
from spiders.rawstore import RawStore
from spiders.records import LedgerEntry

# Reasons recorded with "skipped" (fixed words, so summaries group them).
ROBOTS = "robots"
OFF_SITE = "off-site"
TOO_LARGE = "too large"
NOT_HTML = "not HTML"
REDIRECT_LOOP = "redirect loop"
TRUNCATED = "truncated"
DUPLICATE = "duplicate"
# The reason recorded with "stored" for a new version of a URL whose stored body differs (a page
# corrected in place, a listing showing new articles).
CHANGED = "changed"
# The reason of a scheduled URL that had no outcome when the crawl closed (a Scrapy component dropped it).
NO_OUTCOME = "no outcome before the crawl ended"


def reason_key(state: str, reason: str | None) -> str:
    """The group a ledger entry is counted under in summaries, e.g. "skipped: robots", "failed: http 404"."""
    head = (reason or "").split(";")[0].split(":")[0].strip()
    return f"{state}: {head}" if head and state in ("skipped", "failed") else state


class CrawlLedger:
    """Tracks every URL of one crawl and records its first outcome (later ones are ignored)."""

    def __init__(
        self,
        store: RawStore,
        crawl_id: str,
        on_outcome: Callable[[LedgerEntry], None] | None = None,
    ) -> None:
        self.store = store
        self.crawl_id = crawl_id
        self.on_outcome = on_outcome
        self.scheduled: dict[str, None] = {}
        self.outcomes: dict[str, LedgerEntry] = {}

    def schedule(self, url: str) -> bool:
        """Mark a URL as scheduled; False if this crawl already has it (scheduled or with an outcome)."""
        key = canonical_url(url)
        if key in self.scheduled or key in self.outcomes:
            return False
        self.scheduled[key] = None
        return True

    def seen(self, url: str) -> bool:
        """True when this crawl has already scheduled or settled ``url``."""
        key = canonical_url(url)
        return key in self.scheduled or key in self.outcomes

    def finish(
        self, url: str, state: str, reason: str | None = None, status: int | None = None
    ) -> bool:
        """Record the outcome of ``url`` unless it already has one; True when recorded."""
        key = canonical_url(url)
        if key in self.outcomes:
            return False
        entry = LedgerEntry(
            url=key, state=state, reason=reason, at=datetime.now(UTC), status=status
        )
        self.store.record(entry, crawl_id=self.crawl_id)
        self.outcomes[key] = entry
        self.scheduled.pop(key, None)
        if self.on_outcome is not None:
            self.on_outcome(entry)
        return True

    def close(self) -> None:
        """Give every scheduled URL still without an outcome the state failed (so none vanishes)."""
        for url in list(self.scheduled):
            self.finish(url, "failed", NO_OUTCOME)

    def counts(self) -> Counter[str]:
        """How many URLs ended in each state."""
        return Counter(entry.state for entry in self.outcomes.values())
