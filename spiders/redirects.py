"""Redirects that end in a recorded outcome: a loop raises RedirectLoop instead of vanishing silently.

Scrapy's RedirectMiddleware sends A→B→A back through the scheduler, whose duplicate filter drops the
second A without calling the request's callback or errback, so the URL disappears from the crawl.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from extractors.urls import canonical_url

if TYPE_CHECKING:
    from scrapy.http import Response


class RedirectLoop(IgnoreRequest):
    """A redirect points back at a URL already in its own redirect chain."""


def redirect_chain(request: Request) -> list[str]:
    """Canonical URLs the request went through, oldest first, ending with its own URL."""
    return [canonical_url(u) for u in (*request.meta.get("redirect_urls", []), request.url)]


class RedirectToStored(IgnoreRequest):
    """A redirect points at an article the raw store already holds (fetching it again would be a refetch)."""


class OffsiteRedirect(IgnoreRequest):
    """A redirect leads outside the crawl's sites (host and port)."""


class LoopSafeRedirectMiddleware(RedirectMiddleware):
    """RedirectMiddleware that raises RedirectLoop (the errback sees it) when a redirect revisits its chain,
    OffsiteRedirect when it leaves the spider's sites (Scrapy's offsite check ignores ports), and
    RedirectToStored when it leads to an article the spider's raw store already holds."""

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        """Follow a redirect as Scrapy does, unless its target is already in the chain."""
        result = super().process_response(request, response)
        if isinstance(result, Request):
            chain = redirect_chain(request)
            if canonical_url(result.url) in chain:
                raise RedirectLoop(
                    f"redirect loop: {' -> '.join([*chain, canonical_url(result.url)])}"
                )
            allowed = getattr(self.crawler.spider, "allowed", None)
            if allowed is not None and urlsplit(canonical_url(result.url)).netloc not in allowed:
                raise OffsiteRedirect(f"redirects to {canonical_url(result.url)}")
            store = getattr(self.crawler.spider, "store", None)
            alias = getattr(self.crawler.spider, "alias", None)
            target = alias.key(result.url) if alias is not None else canonical_url(result.url)
            known = store.known(target) if store is not None else None
            if known is not None and known.kind == "article":
                raise RedirectToStored(f"redirects to {target}, already stored")
        return result
