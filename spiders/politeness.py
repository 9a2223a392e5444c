"""robots.txt Crawl-delay honoured per site: Scrapy reads robots.txt for Allow/Disallow only.

Scrapy's RobotsTxtMiddleware sends ``robots_parsed`` once per site before any request to it passes;
this downloader middleware (placed after it) remembers each site's Crawl-delay for our user agent and
sets it, capped at CRAWL_DELAY_MAX, on the site's download slot before every request — without jitter,
and with AutoThrottle told not to lower it again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request

logger = logging.getLogger(__name__)

# Settings this middleware reads.
MAX_SETTING = "CRAWL_DELAY_MAX"  # seconds; a larger Crawl-delay is capped to it
OBEY_SETTING = "CRAWL_DELAY_OBEY"
# Request meta key with which AutoThrottle leaves a slot's delay alone.
AUTOTHROTTLE_KEEP = "autothrottle_dont_adjust_delay"


class CrawlDelayMiddleware:
    """Applies each site's robots.txt Crawl-delay to its download slot."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat(MAX_SETTING, 10.0)
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get(
            "USER_AGENT", ""
        )
        self.delays: dict[str, float] = {}  # host:port → seconds between requests
        if crawler.settings.getbool(OBEY_SETTING, True):
            crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Remember the Crawl-delay of the site ``request`` is for (none, or unreadable: no delay)."""
        delay = site_delay(robotparser, self.user_agent, self.max_delay)
        if delay:
            netloc = urlparse_cached(request).netloc
            self.delays[netloc] = delay
            logger.info("robots.txt of %s asks for Crawl-delay %.1f s", netloc, delay)

    def process_request(self, request: Request, spider: Any = None) -> None:
        """Set the site's delay on its slot before the request is queued there."""
        delay = self.delays.get(urlparse_cached(request).netloc)
        if not delay or self.crawler.engine is None:
            return
        request.meta[AUTOTHROTTLE_KEEP] = True
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:  # created later from these settings
            downloader.per_slot_settings.setdefault(key, {}).update(delay=delay, jitter=0.0)
            return
        slot.delay = max(slot.delay, delay)
        slot.jitter = 0.0


def site_delay(robotparser: Any, user_agent: str, max_delay: float) -> float:
    """The Crawl-delay a parsed robots.txt asks of ``user_agent`` (0 when none), capped at ``max_delay``."""
    reader = getattr(robotparser, "crawl_delay", None)
    if reader is None:  # a robots.txt parser without Crawl-delay support
        return 0.0
    try:
        delay = reader(user_agent)
    except (TypeError, ValueError):
        return 0.0
    return min(float(delay), max_delay) if delay and delay > 0 else 0.0
