"""The item pipeline that writes fetched pages into the raw store and their outcome into the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from scrapy.utils.asyncio import run_in_thread

from spiders.ledger import CHANGED

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from spiders.ledger import CrawlLedger
    from spiders.rawstore import RawStore
    from spiders.records import RawPage


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A page the spider fetched and judged worth keeping, on its way to the raw store."""

    url: str  # canonical URL the crawl scheduled
    final_url: str
    status: int
    body: bytes = field(repr=False)
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = "article"
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    note: str | None = None  # anything worth a ledger reason, e.g. a charset header that lied


class RawStorePipeline:
    """Stores each FetchedPage (body first, then its index line) and records stored / unchanged."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RawStorePipeline:
        return cls(crawler)

    async def process_item(self, item: object) -> object:
        """Write a FetchedPage in a worker thread (fsync must not stall the crawl), then record it."""
        if not isinstance(item, FetchedPage):
            return item
        spider = self.crawler.spider
        store: RawStore = spider.store  # type: ignore[union-attr]
        ledger: CrawlLedger = spider.ledger  # type: ignore[union-attr]
        before = store.known(item.url)
        page = await run_in_thread(
            partial(
                store.put,
                item.url,
                item.body,
                status=item.status,
                headers=item.headers,
                fetched_at=item.fetched_at,
                kind=item.kind,
                final_url=item.final_url,
            )
        )
        if before is not None and before.body_sha256 == page.body_sha256:
            ledger.finish(item.url, "unchanged", "same content as stored", item.status)
        else:
            ledger.finish(item.url, "stored", stored_reason(before, item.note), item.status)
        return item


def stored_reason(before: RawPage | None, note: str | None) -> str | None:
    """The ledger reason of a stored page: "changed" for a new version of a stored URL, plus any note."""
    parts = [CHANGED] if before is not None else []
    parts += [note] if note else []
    return "; ".join(parts) or None
