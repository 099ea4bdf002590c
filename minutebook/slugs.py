"""URL slugs: lower-case ASCII words joined by hyphens, the same on every machine."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1 << 16)  # the same committee, person and topic names are slugged again and again
def slugify(text: str, *, fallback: str = "untitled") -> str:
    """"Cabinet Committee on Performance Improvement" -> "cabinet-committee-on-performance-improvement"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("'", "").replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or fallback
