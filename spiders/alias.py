"""A stable name for a site served on an ephemeral loopback port, so its URLs stay the same across runs.

The embedded sample site is served on 127.0.0.1:<random port> for each crawl; without an alias every
run would store its articles under new URLs (and new article ids). With ``--url-alias REAL=STABLE`` the
crawl fetches from REAL but records every URL (store, ledger, final_url) under STABLE, and stores
page bodies with absolute REAL links rewritten to STABLE (the served site templates its own base URL
into robots.txt and sitemaps).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from spiders.links import canonical as canonical_url

# Where the embedded sample site's pages are recorded, whatever port it is served on this time
# (.invalid is reserved, RFC 2606: the name can never reach a real host).
SAMPLE_SITE_BASE = "http://sample-site.invalid"


def loopback_alias(base_url: str, stable_base: str = SAMPLE_SITE_BASE) -> str:
    """The --url-alias value that records ``base_url`` (e.g. http://127.0.0.1:PORT) under ``stable_base``."""
    return f"{base_url.rstrip('/')}={stable_base}"


class UrlAliasError(ValueError):
    """A --url-alias value is not of the form http://real-base=http://stable-base."""


@dataclass(frozen=True, slots=True)
class UrlAlias:
    """Fetch from ``real`` (scheme://host:port), record under ``stable``; identity when both are ''."""

    real: str = ""
    stable: str = ""

    @classmethod
    def parse(cls, value: str | None) -> UrlAlias:
        """From ``REAL=STABLE`` (None or '' = no alias)."""
        if not value:
            return cls()
        real, sep, stable = value.partition("=")
        if (
            not sep
            or not real.startswith(("http://", "https://"))
            or not stable.startswith(("http://", "https://"))
        ):
            raise UrlAliasError(
                f"--url-alias {value!r}: expected http://127.0.0.1:PORT=http://stable.name"
            )
        return cls(canonical_url(real).rstrip("/"), canonical_url(stable).rstrip("/"))

    def __str__(self) -> str:
        return f"{self.real}={self.stable}" if self.real else ""

    def key(self, url: str) -> str:
        """The URL as recorded: canonical, under the stable base."""
        url = canonical_url(url)
        if self.real and (url == self.real or url.startswith(self.real + "/")):
            return self.stable + url[len(self.real) :]
        return url

    def rewrite(self, body: bytes) -> bytes:
        """A page body with absolute links to the real base pointed at the stable base, so a stored
        copy (read again after a 304) names the same URLs whatever port served it."""
        if not self.real:
            return body
        return body.replace(self.real.encode("ascii"), self.stable.encode("ascii"))

    @property
    def stable_netloc(self) -> str | None:
        """host[:port] of the stable base, or None without an alias."""
        return urlsplit(self.stable).netloc if self.stable else None

    def fetch(self, url: str) -> str:
        """The URL to request: canonical, under the real base."""
        url = canonical_url(url)
        if self.stable and (url == self.stable or url.startswith(self.stable + "/")):
            return self.real + url[len(self.stable) :]
        return url
