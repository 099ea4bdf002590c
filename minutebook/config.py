"""Site settings from minutebook.toml: typed defaults, every bad key reported at once."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class SiteConfig:
    """What the pages say about who publishes them. Unset names come from the archive itself."""

    council: str | None = None
    """The council's name, shown in the header and footer. Default: the body most meetings name."""
    title: str | None = None
    """The site's name. Default: "<council> committee minutes"."""
    base_url: str = ""
    """Where the site is published, e.g. https://minutes.example.gov.uk (for canonical links)."""
    accessibility_contact: str | None = None
    """Email address or web page for reporting accessibility problems."""
    accessibility_reviewed: dt.date | None = None
    """Date the accessibility statement was last reviewed, YYYY-MM-DD."""
    publish_contact_details: bool = False
    """Publish email addresses and phone numbers found in the documents. Off (the default), each is
    replaced by a notice everywhere, downloads included: personal details go out only by choice."""

    def __post_init__(self) -> None:
        # Every absolute URL is base_url + a root-relative path, so a trailing slash would double.
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    def site_title(self, council: str) -> str:
        return self.title or f"{council} committee minutes"

    def url(self, path: str) -> str:
        """A root-relative ``path`` as an absolute URL on the published site (``base_url`` set)."""
        return self.base_url + path


def load_config(path: Path | None, *, required: bool = False) -> SiteConfig:
    """Read ``[site]`` from ``path``; a missing file gives the defaults unless ``required``."""
    if path is None or not path.exists():
        if required:
            raise ConfigError(f"config file '{path}' does not exist")
        return SiteConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    errors = [f"{path}: unknown section [{key}]" for key in sorted(data) if key != "site"]
    site: dict[str, Any] = data.get("site", {})
    known = {f.name for f in fields(SiteConfig)}
    switches = {f.name for f in fields(SiteConfig) if isinstance(f.default, bool)}
    values: dict[str, Any] = {}
    for key, value in sorted(site.items()):
        if key not in known:
            errors.append(f"{path}: [site] {key}: unknown setting (known: {', '.join(sorted(known))})")
        elif key in switches and not isinstance(value, bool):
            errors.append(f"{path}: [site] {key}: must be true or false (no quotes), not {_kind(value)}")
        elif key in switches:
            values[key] = value
        elif not isinstance(value, str):
            errors.append(f"{path}: [site] {key}: must be a string, not {type(value).__name__}")
        else:
            values[key] = value.strip()
    base_url = values.get("base_url", "")
    if base_url and not base_url.startswith(("https://", "http://")):
        errors.append(f"{path}: [site] base_url: must start with https:// (got '{base_url}')")
    reviewed = values.get("accessibility_reviewed")
    if reviewed and not _is_iso_date(reviewed):
        errors.append(f"{path}: [site] accessibility_reviewed: must be a date like 2026-11-23 (got '{reviewed}')")
    if errors:
        raise ConfigError("\n".join(errors))
    if reviewed:
        values["accessibility_reviewed"] = dt.date.fromisoformat(reviewed)
    return SiteConfig(**values)


def _kind(value: object) -> str:
    return f"the string '{value}'" if isinstance(value, str) else type(value).__name__


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
