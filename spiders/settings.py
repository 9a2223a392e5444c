"""Scrapy settings for every crawl: polite and robust by default, each value overridable per crawl."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapy.settings import Settings

# Identify ourselves; robots.txt rules for this agent (or *) apply.
USER_AGENT = (
    "shebao-policy-crawler/0.1 (+https://github.com/shebao-policy; polite research crawler)"
)

DEFAULT_SETTINGS: dict[str, Any] = {
    "BOT_NAME": "shebao-policy",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    # AutoThrottle adapts the delay to the server's latency; the start delay is small so a loopback
    # crawl is quick, and the target concurrency keeps a real site at ~2 requests in flight.
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.1,
    "AUTOTHROTTLE_MAX_DELAY": 10.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,  # never more than 4 requests in flight to one site
    "DOWNLOAD_DELAY": 0.0,  # AutoThrottle sets the per-site delay
    "DOWNLOAD_TIMEOUT": 30,  # a page that takes longer is a failure, not a hang
    "DOWNLOAD_MAXSIZE": 8
    * 1024
    * 1024,  # articles are ~30 KB; anything past 8 MB is not an article
    "DOWNLOAD_WARNSIZE": 2 * 1024 * 1024,
    "DOWNLOAD_FAIL_ON_DATALOSS": True,  # a body shorter than its Content-Length is an error, not a page
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 3,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "RETRY_AFTER_MAX": 60.0,  # wait at most a minute however long Retry-After asks for
    "RETRY_BACKOFF_BASE": 0.5,
    "RETRY_BACKOFF_MAX": 30.0,
    "RETRY_GIVE_UP_LOG_LEVEL": "INFO",  # the ledger records give-ups; no ERROR noise on stderr
    "REDIRECT_MAX_TIMES": 10,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",  # progress lines come from the crawl itself
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "spiders.retry.RetryAfterMiddleware": 550,
        "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
        "spiders.redirects.LoopSafeRedirectMiddleware": 600,
        # right after RobotsTxtMiddleware (100), which has read the site's robots.txt by then
        "spiders.politeness.CrawlDelayMiddleware": 110,
    },
    # robots.txt Crawl-delay is honoured per site up to this many seconds (AutoThrottle's ceiling too):
    # a site asking for a minute between pages would take a day to crawl.
    "CRAWL_DELAY_MAX": 10.0,
    "ITEM_PIPELINES": {"spiders.pipelines.RawStorePipeline": 300},
}


def crawl_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Scrapy Settings: DEFAULT_SETTINGS, then ``overrides`` (dict-valued settings are merged)."""
    settings = Settings()
    settings.setdict(DEFAULT_SETTINGS, priority="project")
    for name, value in (overrides or {}).items():
        current = settings.get(name)
        if isinstance(value, Mapping) and hasattr(current, "copy_to_dict"):
            merged = {**current.copy_to_dict(), **value}
            settings.set(name, merged, priority="cmdline")
        else:
            settings.set(name, value, priority="cmdline")
    return settings
