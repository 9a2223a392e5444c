"""Site profiles: declarative selectors per known layout, and the registry that picks one for a page.

A profile is data, not code: an XPath that recognises the layout (its markup signature, optionally
restricted to hosts), and XPaths for the title, the publication date, the body container(s) and the
elements to drop from the body. Add a layout by adding a module with a ``PROFILE`` and listing it in
``PROFILES`` below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from extractors.cleaning import element_text
from extractors.urls import site_of


@dataclass(frozen=True, slots=True)
class Profile:
    """Selectors of one known page layout (XPath 1.0 strings, compiled once)."""

    name: str
    signature: str  # boolean XPath: true on pages of this layout
    body: str  # element(s) holding the article body, in document order
    title: str | None = None  # string XPath for the headline
    published: str | None = None  # string XPath for the byline/date text or a datetime attribute
    drop: tuple[str, ...] = ()  # elements inside the body that are not body (share bars, related lists)
    hosts: tuple[str, ...] = ()  # host suffixes the layout lives on; empty = any host with the signature
    compiled: dict[str, etree.XPath] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # plain str results: no caller asks a profile's string for its parent (lxml's "smart strings" cost a copy)
        for key in ("signature", "body", "title", "published"):
            if (expr := getattr(self, key)) is not None:
                self.compiled[key] = etree.XPath(expr, smart_strings=False)
        self.compiled.update({f"drop{i}": etree.XPath(expr, smart_strings=False) for i, expr in enumerate(self.drop)})

    def drops(self) -> list[etree.XPath]:
        """Compiled drop XPaths."""
        return [xp for key, xp in self.compiled.items() if key.startswith("drop")]

    def matches(self, root: etree._Element, url: str) -> bool:
        """True when the page at ``url`` has this layout."""
        if self.hosts:  # the URL is read only for profiles bound to hosts
            host = site_of(url)
            if not any(host == h or host.endswith("." + h) for h in self.hosts):
                return False
        return bool(self.compiled["signature"](root))

    def text(self, key: str, root: etree._Element) -> str | None:
        """The string a title/published XPath selects, or None when it selects nothing."""
        xpath = self.compiled.get(key)
        if xpath is None:
            return None
        found = xpath(root)
        if isinstance(found, list):
            found = " ".join(element_text(x) if isinstance(x, etree._Element) else str(x) for x in found)
        return str(found).strip() or None


def has_class(name: str) -> str:
    """XPath predicate: the element's class attribute holds the whole word ``name`` (a plain
    contains() first: it rejects most elements without building the padded class string)."""
    return f"(contains(@class, '{name}') and contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"


def _registered() -> tuple[Profile, ...]:
    """Every known layout, most specific first."""
    from extractors.profiles import sample_site

    return sample_site.PROFILES


def pick_profile(root: etree._Element, url: str, profiles: Sequence[Profile] | None = None) -> Profile | None:
    """The first profile whose host and markup signature match the page, or None (generic path)."""
    for profile in _registered() if profiles is None else profiles:
        if profile.matches(root, url):
            return profile
    return None
