"""Profiles of the embedded sample site's templates (data/sample_site, pipelines.sample_site)."""

from __future__ import annotations

from extractors.profiles import Profile

PROFILES: tuple[Profile, ...] = ()
