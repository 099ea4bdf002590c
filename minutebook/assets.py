"""Static assets: the compiled stylesheet and scripts, published under content-hashed names.

A hashed name changes whenever the file does, so hosts may cache assets for a year
(netlify.toml) without visitors ever seeing a stale stylesheet.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError


@dataclass(frozen=True)
class Assets:
    files: dict[str, bytes] = field(default_factory=dict)
    """Path under the site root -> bytes."""
    urls: dict[str, str] = field(default_factory=dict)
    """Logical name ("minutebook.css") -> published URL ("/assets/minutebook.1a2b3c4d.css")."""

    def url(self, name: str) -> str:
        return self.urls[name]


def collect_assets(sources: dict[str, Path | tuple[Path, ...]]) -> Assets:
    """Read each named asset and give it a hashed URL; a missing file is a setup problem.

    An asset made of several files is their concatenation, in order: one request, and one
    script the browser can run as soon as it arrives."""
    files: dict[str, bytes] = {}
    urls: dict[str, str] = {}
    for name, parts in sorted(sources.items()):
        paths = parts if isinstance(parts, tuple) else (parts,)
        for path in paths:
            if not path.is_file():
                raise ConfigError(f"asset '{path}' is missing; run `make build`, which compiles and installs it")
        data = b"\n".join(path.read_bytes() for path in paths)
        stem, dot, suffix = name.rpartition(".")
        hashed = f"assets/{stem}.{hashlib.sha256(data).hexdigest()[:10]}{dot}{suffix}"
        files[hashed] = data
        urls[name] = f"/{hashed}"
    return Assets(files, urls)
