"""Helpers for tests (and bench scripts) that look at a built site the way a reader does:
served over HTTP like a static host (optionally with the headers netlify.toml gives each
path), opened in Debian's Chromium, one page of each type.

Playwright is imported only when a browser is launched, so the link and page-weight tests
that only need the page list do not pay for it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pytest

from minutebook.pipeline import BuildOptions, build
from minutebook.serve import SiteHandler, running_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
NODE_MODULES = ROOT / "node_modules"
NETLIFY_TOML = ROOT / "netlify.toml"
# Headless and quiet: no sandbox (containers, root), no GPU, and no traffic of its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
QUIET_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
"""Chromium features turned off besides Playwright's. Chromium 156 builds the address bar's suggestion
popup as a WebUI page in every new window, headless too, so in every browser context: about 400
chrome:// requests and 0.6 s of CPU beside the page being tested or timed (on two cores, a third
longer cold searches for both Minutebook and Pagefind in bench/)."""


def require(available: object, message: str) -> None:
    """A missing tool fails the run in CI (where ``make test`` installs it) and skips locally."""
    if available:
        return
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# --- Serving a site -------------------------------------------------------------------------


HeaderSource = Callable[[str], Mapping[str, str]]
"""The headers a host adds to the response for a URL path (rules such as netlify.toml's)."""


class _SiteHandler(SiteHandler):
    """`build.py serve`'s static files (the site's own 404 page, no folder listings), and with ``headers``, every response (the 404 page included, as on Netlify) carries the
    headers given for its request path, replacing any the server would send under the same
    name (a rule's Content-Type wins over the guessed one).
    """

    def __init__(self, *args: Any, headers: HeaderSource | None = None, **kwargs: Any) -> None:
        self.extra_headers = headers  # before super().__init__, which handles the request
        super().__init__(*args, **kwargs)

    def _rule_headers(self) -> dict[str, tuple[str, str]]:
        """Lower-cased name -> (name, value) of the headers given for this request's path."""
        if self.extra_headers is None or not hasattr(self, "path"):  # no path: a malformed request
            return {}
        path = unquote(urlsplit(self.path).path)
        return {name.lower(): (name, value) for name, value in self.extra_headers(path).items()}

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() not in self._rule_headers():
            super().send_header(keyword, value)

    def end_headers(self) -> None:
        for name, value in self._rule_headers().values():
            super().send_header(name, value)
        super().end_headers()


@contextmanager
def serve(site: Path, *, headers: HeaderSource | None = None) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) in a daemon thread; yields the base URL.

    ``headers`` adds headers by request path, e.g. ``NetlifyHeaders.load()`` for the ones
    netlify.toml gives each path in production.
    """
    with running_server(site, handler=partial(_SiteHandler, headers=headers)) as url:
        yield url


# --- Netlify's headers ----------------------------------------------------------------------


@cache
def netlify_path_regex(pattern: str) -> re.Pattern[str]:
    """The request paths a ``[[headers]]`` ``for`` pattern matches, translated as Netlify does.

    After @netlify/headers-parser (for_regexp.ts): segment by segment, a lone ``*`` matches
    anything, slashes included, and may be empty (``/assets/*`` matches /assets too); ``:name``
    matches one segment; a ``*`` inside a segment becomes ``(.*)`` with the rest of the segment
    used as a regular expression unescaped, so ``/*.ics`` matches /topics/ethics/. A trailing
    slash is optional and case is ignored.
    """

    def segment(part: str) -> str:
        if part.startswith(":"):
            return "([^/]+)"
        if part == "*":
            return "?(.*)"
        if "*" in part:
            return part.replace("*", "(.*)")
        return re.escape(part)

    parts = [segment(part) for part in (p.rstrip() for p in pattern.split("/")) if part]
    return re.compile("^/" + "/".join(parts) + "/?$", re.IGNORECASE)


def _header_value(value: object) -> str:
    """A header value as Netlify normalises it: trimmed, list items and commas joined by ", "."""
    if isinstance(value, list):
        return ", ".join(str(item).strip() for item in value)
    return ", ".join(re.split(r"\s*,\s*", str(value).strip()))


@dataclass(frozen=True)
class HeaderRule:
    """One ``[[headers]]`` table of netlify.toml: a ``for`` pattern and the headers it sets."""

    pattern: str
    values: tuple[tuple[str, str], ...]

    def matches(self, path: str) -> bool:
        return netlify_path_regex(self.pattern).match(path) is not None

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.values if key.lower() == name.lower()), None)


@dataclass(frozen=True)
class NetlifyHeaders:
    """The headers netlify.toml gives each request path, as a ``serve(headers=...)`` source.

    Every table whose ``for`` matches applies, in file order. A header two matching tables
    both set gets both values joined by a comma: the outcome netlify.toml must never depend
    on (see its comments), and the one that shows the damage, such as an ``immutable`` that
    is also ``max-age=0``. A path no table gives a Cache-Control gets Netlify's default.
    """

    rules: tuple[HeaderRule, ...]
    defaults: tuple[tuple[str, str], ...] = (("Cache-Control", "public,max-age=0,must-revalidate"),)

    @classmethod
    def load(cls, config: Path = NETLIFY_TOML) -> NetlifyHeaders:
        with config.open("rb") as file:
            tables = tomllib.load(file).get("headers", [])
        return cls(
            tuple(
                HeaderRule(
                    table["for"].strip(), tuple((k.strip(), _header_value(v)) for k, v in table["values"].items())
                )
                for table in tables
            )
        )

    def matching(self, path: str) -> list[HeaderRule]:
        return [rule for rule in self.rules if rule.matches(path)]

    def __call__(self, path: str) -> dict[str, str]:
        sent: dict[str, tuple[str, str]] = {}
        for rule in self.matching(path):
            for name, value in rule.values:
                key = name.lower()
                sent[key] = (sent[key][0], f"{sent[key][1]}, {value}") if key in sent else (name, value)
        for name, value in self.defaults:
            sent.setdefault(name.lower(), (name, value))
        return dict(sent.values())


# --- Chromium -------------------------------------------------------------------------------


def chromium_executable() -> str | None:
    return shutil.which("chromium")


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright (which cannot download its own here)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    if executable is None:
        raise RuntimeError("chromium is not installed; `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             **launch_options(playwright, executable))
        try:
            yield browser
        finally:
            browser.close()


def launch_options(playwright: Playwright, executable: str) -> dict[str, Any]:
    """``playwright.chromium.launch`` arguments: our flags, and one --disable-features naming
    Playwright's features and QUIET_FEATURES. Chromium keeps only the last --disable-features it is
    given, so ours replaces Playwright's own, read from chrome://version of a first launch."""
    probe = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    try:
        theirs = disable_features_switches(probe)
    finally:
        probe.close()
    if not theirs:
        return {"args": [*CHROMIUM_ARGS, "--disable-features=" + ",".join(QUIET_FEATURES)]}
    return {"args": [*CHROMIUM_ARGS, ",".join([theirs[-1], *QUIET_FEATURES])], "ignore_default_args": theirs}


def disable_features_switches(browser: Browser) -> list[str]:
    """Every --disable-features=... switch on the browser's command line, as chrome://version shows it."""
    page = browser.new_page()
    try:
        page.goto("chrome://version")
        return re.findall(r"--disable-features=\S*", page.locator("#command_line").inner_text())
    finally:
        page.context.close()


# --- One page of each type ------------------------------------------------------------------


@dataclass(frozen=True)
class PageType:
    """A kind of page, such as ``/meetings/<id>/``, and the page chosen to stand for it."""

    pattern: str  # "/", "/meetings/", "/meetings/<year>/", "/meetings/<id>/", "/404.html"
    path: str  # the chosen page's URL path, e.g. "/meetings/2019-02-26-cabinet/"
    file: str  # the chosen page's file relative to the site, e.g. "meetings/2019-02-26-cabinet/index.html"
    size: int

    @property
    def label(self) -> str:
        """A test id: "home", "meetings", "meetings/<id>", "404.html"."""
        return self.pattern.strip("/") or "home"

    def __str__(self) -> str:
        return self.label


def url_path(file: str) -> str:
    """The URL a static host serves ``file`` (relative to the site root) at."""
    if file == "index.html":
        return "/"
    if file.endswith("/index.html"):
        return "/" + file.removesuffix("index.html")
    return "/" + file


def url_pattern(path: str) -> str:
    """The page type of URL ``path``: the first segment as is, later ones as <year> or <id>."""
    segments = path.strip("/").split("/")
    if not segments[0]:
        return "/"
    shapes = [segments[0]] + ["<year>" if re.fullmatch(r"\d{4}", s) else "<id>" for s in segments[1:]]
    return "/" + "/".join(shapes) + ("/" if path.endswith("/") else "")


def page_types(site: Path) -> list[PageType]:
    """One page per page type in a built site, home page first, then by pattern.

    The largest file of each type stands for it: the meeting, person or topic with the most
    content has the longest tables, lists and names, so it is the likeliest to show a problem.
    """
    groups: dict[str, list[PageType]] = {}
    for html in site.rglob("*.html"):
        file = html.relative_to(site).as_posix()
        path = url_path(file)
        groups.setdefault(url_pattern(path), []).append(PageType(url_pattern(path), path, file, html.stat().st_size))
    chosen = [min(pages, key=lambda p: (-p.size, p.file)) for pages in groups.values()]
    return sorted(chosen, key=lambda p: (p.pattern != "/", p.pattern))


def page_of_type(site: Path, pattern: str) -> PageType | None:
    return next((p for p in page_types(site) if p.pattern == pattern), None)


@cache
def seed_page_types() -> tuple[PageType, ...]:
    """The page types of the seed site, for parametrizing tests when they are collected.

    Tests then load these paths from the session's own seed build; two builds of the same
    content are byte-identical, so the paths are the same.
    """
    with tempfile.TemporaryDirectory(prefix="minutebook-page-types-") as folder:
        result = build(BuildOptions(content=CONTENT, out=Path(folder) / "site"))
        if not result.published:
            errors = "\n".join(f"  {p}" for p in result.errors)
            raise RuntimeError(f"the seed content does not build, so there are no pages to test:\n{errors}")
        return tuple(page_types(Path(folder) / "site"))
