"""iCalendar files per committee and for all meetings (stub)."""

from __future__ import annotations

from .config import SiteConfig
from .model import Archive


def calendar_files(archive: Archive, config: SiteConfig) -> dict[str, str | bytes]:
    """Path under the site root -> file content."""
    return {}
