"""Shared fixtures: build real sites into tmp folders and load what they published."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from minutebook.pipeline import BuildOptions, BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


@dataclass
class BuiltSite:
    """A site built from some content: the build result plus its exported data."""

    result: BuildResult
    out: Path

    def data(self, name: str) -> Any:
        return json.loads((self.out / "data" / f"{name}.json").read_text(encoding="utf-8"))

    def meeting(self, meeting_id: str) -> dict[str, Any]:
        return next(m for m in self.data("meetings") if m["id"] == meeting_id)

    def meeting_on(self, date: str) -> dict[str, Any]:
        matches = [m for m in self.data("meetings") if m["date"] == date]
        assert len(matches) == 1, f"expected one meeting on {date}, got {[m['id'] for m in matches]}"
        return matches[0]

    def person(self, person_id: str) -> dict[str, Any]:
        return next(p for p in self.data("people") if p["id"] == person_id)


def site_bytes(site: Path) -> dict[str, bytes]:
    """Every file of a built site by its path there: two sites are the same when these are equal."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def build_site(content: Path, out: Path, *, strict: bool = False) -> BuiltSite:
    return BuiltSite(build(BuildOptions(content=content, out=out, strict=strict)), out)


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The default archive: the five real Lancashire documents in content/, built once."""
    return build_site(CONTENT, tmp_path_factory.mktemp("seed") / "site")


@pytest.fixture
def make_content(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a content folder from {name: text or bytes}; optionally start from the seeds."""

    def make(files: dict[str, str | bytes], *, with_seeds: bool = False) -> Path:
        content = tmp_path / "content"
        if with_seeds:
            shutil.copytree(CONTENT, content)
        content.mkdir(exist_ok=True)
        for name, body in files.items():
            path = content / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(body, encoding="utf-8")
        return content

    return make


# --- Browser tests: the seed site served over HTTP and a headless Chromium (tests/browser.py).
# Imported inside the fixtures so tests that need no browser never load Playwright.


@pytest.fixture(scope="session")
def seed_server(seed_site: BuiltSite):  # type: ignore[no-untyped-def]
    """The seed site on 127.0.0.1 as a static host serves it; yields the base URL."""
    from .browser import serve

    with serve(seed_site.out) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    """Debian's Chromium, headless, for the whole session: fails in CI if missing, skips locally."""
    from .browser import chromium_executable, launch_chromium, require

    require(chromium_executable(), "chromium is not installed; `make test` installs Debian's chromium")
    with launch_chromium() as browser:
        yield browser
