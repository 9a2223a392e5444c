"""Shared fixtures: the committed sample site served on loopback, and its facts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipelines.sample_site import SAMPLE_SITE_DIR, SiteFacts, load_facts
from pipelines.serve import serve_site


@pytest.fixture(scope="session")
def sample_site_url() -> Iterator[str]:
    """Base URL (no trailing slash) of the committed sample site, served on 127.0.0.1 for the session."""
    with serve_site(SAMPLE_SITE_DIR) as base:
        yield base


@pytest.fixture(scope="session")
def sample_facts() -> SiteFacts:
    """The committed facts of the sample site (data/sample_facts.json)."""
    return load_facts()
