"""What a failed request means for the ledger: the state (skipped or failed) and a short reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError

from spiders.ledger import DUPLICATE, OFF_SITE, REDIRECT_LOOP, ROBOTS, TOO_LARGE, TRUNCATED
from spiders.links import netloc_of
from spiders.redirects import OffsiteRedirect, RedirectLoop, RedirectToStored

if TYPE_CHECKING:
    from twisted.python.failure import Failure

# Network errors worth a plain word in the ledger, checked in order.
NETWORK_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, TimeoutError), "timeout"),
    ((DownloadConnectionRefusedError, ConnectionRefusedError), "connection refused"),
    ((CannotResolveHostError, DNSLookupError), "host not found"),
)


def failure_outcome(failure: Failure, allowed: frozenset[str]) -> tuple[str, str, int | None]:
    """(state, reason, HTTP status) for a request that ended in ``failure``."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return "failed", f"http {exc.response.status}", exc.response.status
    if isinstance(exc, RedirectLoop):
        return "skipped", f"{REDIRECT_LOOP}; {str(exc).removeprefix('redirect loop: ')}", None
    if isinstance(exc, OffsiteRedirect):
        return "skipped", f"{OFF_SITE}; {exc}", None
    if isinstance(exc, RedirectToStored):
        return "skipped", f"{DUPLICATE}; {exc}", None
    if isinstance(exc, (DownloadCancelledError, CancelledError)):
        return "skipped", f"{TOO_LARGE}; over DOWNLOAD_MAXSIZE", None
    if isinstance(exc, ResponseDataLossError):
        return "skipped", f"{TRUNCATED}; body shorter than Content-Length", None
    if isinstance(exc, IgnoreRequest):
        return _ignored(exc, getattr(failure, "request", None), allowed)
    for classes, reason in NETWORK_REASONS:
        if isinstance(exc, classes):
            return "failed", reason, None
    return "failed", f"{type(exc).__name__}: {exc}".strip(), None


def _ignored(
    exc: IgnoreRequest, request: object, allowed: frozenset[str]
) -> tuple[str, str, int | None]:
    """Outcome of a request a middleware ignored: robots.txt, an off-site redirect, or too many redirects."""
    message = str(exc)
    if "robots" in message.lower():
        return "skipped", ROBOTS, None
    url = getattr(request, "url", "")
    if url and netloc_of(url) not in allowed:
        return "skipped", f"{OFF_SITE}; redirected to {url}", None
    if "redirect" in message.lower():
        return "failed", "too many redirects", None
    return "skipped", message or "ignored", None
