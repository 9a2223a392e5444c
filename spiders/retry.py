"""Retries with exponential backoff that honour ``Retry-After`` on 429 and 503 (Scrapy's own ignores it)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.asyncio import sleep

if TYPE_CHECKING:
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

# Statuses whose Retry-After header means "come back after this long" (RFC 9110 §10.2.3).
RETRY_AFTER_STATUSES = frozenset({429, 503})


def parse_retry_after(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); None if absent or unreadable."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(retry_times: int, base: float, cap: float) -> float:
    """Exponential backoff before retry number ``retry_times`` (1-based): base, 2·base, 4·base … ≤ cap."""
    return min(cap, base * 2 ** max(0, retry_times - 1))


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that waits before each retry: Retry-After when the server sends one (bounded by
    RETRY_AFTER_MAX), else exponential backoff from RETRY_BACKOFF_BASE up to RETRY_BACKOFF_MAX."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 60.0)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 0.5)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    def _delay(self, request: Request, response: Response | None) -> float:
        """How long to wait before retrying ``request``."""
        if response is not None and response.status in RETRY_AFTER_STATUSES:
            asked = parse_retry_after(response.headers.get("Retry-After"))
            if asked is not None:
                if asked > self.retry_after_max:
                    logger.warning(
                        "%s asks to retry after %.0fs; waiting %.0fs (RETRY_AFTER_MAX)",
                        request.url,
                        asked,
                        self.retry_after_max,
                    )
                return min(asked, self.retry_after_max)
        return backoff_delay(
            request.meta.get("retry_times", 0) + 1, self.backoff_base, self.backoff_max
        )

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        """Retry a retryable status after the server's Retry-After or a backoff delay."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"http {response.status}")
        if retry is None:
            return response
        await sleep(self._delay(request, response))
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:  # type: ignore[override]
        """Retry a retryable network error after a backoff delay."""
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await sleep(self._delay(request, None))
        return retry
