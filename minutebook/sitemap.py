"""sitemap.xml and robots.txt (stub: filled in by the feeds work)."""

from __future__ import annotations

from collections.abc import Iterable

from .config import SiteConfig


def sitemap_files(pages: Iterable[str], config: SiteConfig) -> dict[str, str | bytes]:
    """Path under the site root -> file content; ``pages`` are the HTML paths published."""
    return {}
