"""Helpers for tests (and bench scripts) that look at a built site the way a reader does:
served over HTTP like a static host, opened in Debian's Chromium, one page of each type.

Playwright is imported only when a browser is launched, so the link and page-weight tests
that only need the page list do not pay for it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from minutebook.pipeline import BuildOptions, build

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
NODE_MODULES = ROOT / "node_modules"
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


def require(available: object, message: str) -> None:
    """A missing tool fails the run in CI (where ``make test`` installs it) and skips locally."""
    if available:
        return
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# --- Serving a site -------------------------------------------------------------------------


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files from the site folder; missing paths get the site's own 404.html with a 404."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND)  # static hosts do not list folders without an index.html

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser dropping a connection is normal
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) in a daemon thread; yields the base URL."""
    server = _QuietServer(("127.0.0.1", 0), partial(_SiteHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, name=f"serve {site}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


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
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


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
