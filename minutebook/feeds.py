"""The Atom feed of meetings (stub: filled in by the feeds work)."""

from __future__ import annotations

from .config import SiteConfig
from .model import Archive


def feed_files(archive: Archive, config: SiteConfig) -> dict[str, str | bytes]:
    """Path under the site root -> file content."""
    return {}
