"""The publisher's story on Netlify: netlify.toml builds the archive from the lockfiles into
site/, and every page of it runs in Chromium under exactly the headers Netlify will send,
a strict Content-Security-Policy included, with nothing blocked and no error; the search
fetches its index and shows results under the same policy. Only files named by the hash of
their content are cached for good, source documents are always downloads, a missing page is
the site's 404 page with a 404, and no header depends on how Netlify combines two rules.

The seed content is built once as `make build` builds it for Netlify (with minutebook.toml,
so feeds, sitemap and canonical links are there) and served with the headers netlify.toml
gives each path (``NetlifyHeaders`` in tests/browser.py); one browser page visits every page
in turn.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response

from minutebook.config import load_config
from minutebook.pipeline import BuildOptions, build
from minutebook.search import build_search

from .browser import CONTENT, NETLIFY_TOML, ROOT, NetlifyHeaders, serve, url_path
from .conftest import BuiltSite

CONFIG: dict[str, Any] = tomllib.loads(NETLIFY_TOML.read_text(encoding="utf-8"))
NETLIFY = NetlifyHeaders.load()
MISSING = "/no-such-page/"
IMMUTABLE = "public, max-age=31536000, immutable"
# A content-hashed name, as the build writes them: minutebook.b1767e4416.css, 2018.8c9361a290.json.
HASHED_NAME = re.compile(r"\.(?P<hash>[0-9a-f]{8,64})\.[a-z0-9]+$")
SEARCH_FOLDER = re.compile(r"^search/(?P<hash>[0-9a-f]{12})/")
# Headers Netlify's servers set themselves and ignore in [[headers]].
NETLIFY_OWN = {
    "accept-ranges",
    "age",
    "allow",
    "alt-svc",
    "connection",
    "content-encoding",
    "content-length",
    "content-range",
    "date",
    "location",
    "server",
    "set-cookie",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


def page_policy() -> str:
    """The Content-Security-Policy netlify.toml gives every path: the one of the "/*" table."""
    rule = next(rule for rule in NETLIFY.rules if rule.pattern == "/*")
    policy = rule.get("Content-Security-Policy")
    assert policy, 'netlify.toml has no Content-Security-Policy for "/*"'
    return policy


def directives(policy: str) -> dict[str, list[str]]:
    """A serialized policy as directive -> sources."""
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *sources = directive.split()
        parsed[name.lower()] = sources
    return parsed


def site_files(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file())


def request_paths(file: str) -> list[str]:
    """The paths a reader can ask for ``file`` at: /meetings/ and /meetings/index.html."""
    return sorted({url_path(file), "/" + file})


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``url`` as a client would: status, headers (lower-cased names) and body, 404s included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The seed content built as `make build` builds it on Netlify: with minutebook.toml."""
    out = tmp_path_factory.mktemp("netlify") / "site"
    result = build(BuildOptions(content=CONTENT, out=out, config=load_config(ROOT / "minutebook.toml")))
    assert result.published, [str(problem) for problem in result.errors]
    return BuiltSite(result, out)


@pytest.fixture(scope="module")
def server(published: BuiltSite) -> Iterator[str]:
    """The published site as Netlify serves it: every response with the headers of its path."""
    with serve(published.out, headers=NETLIFY) as base_url:
        yield base_url


# --- The build ------------------------------------------------------------------------------


def test_netlify_installs_from_the_lockfiles_and_publishes_what_the_build_writes() -> None:
    settings = CONFIG["build"]
    assert settings["command"] == "make build"
    dry_run = subprocess.run(["make", "-n", "-B", "build"], cwd=ROOT, capture_output=True, text=True, check=True)
    steps = dry_run.stdout
    assert "-r requirements.txt" in steps and "npm ci" in steps, steps
    assert f"build.py build --content content --out {settings['publish']}" in steps, steps
    assert settings["publish"] == "site"

    floor = re.search(r'requires-python = ">=(\d+)\.(\d+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert floor, "pyproject.toml states no requires-python"
    python = tuple(map(int, settings["environment"]["PYTHON_VERSION"].split(".")[:2]))
    assert python >= (int(floor.group(1)), int(floor.group(2)))
    assert re.fullmatch(r"\d+(\.\d+){0,2}", settings["environment"]["NODE_VERSION"])


def test_every_header_is_one_line_netlify_will_send() -> None:
    for table in CONFIG["headers"]:
        for name, value in table["values"].items():
            assert isinstance(value, str) and "\n" not in value, f"{table['for']}: {name} must be one line"
            assert name.lower() not in NETLIFY_OWN, f"{table['for']}: Netlify ignores a custom {name}"


# --- The policy -----------------------------------------------------------------------------


def test_the_page_policy_allows_this_site_only_and_nothing_inline() -> None:
    policy = directives(page_policy())
    assert policy["default-src"] == ["'self'"]
    for name in ("script-src", "style-src", "img-src", "font-src", "connect-src", "form-action"):
        assert policy[name] == ["'self'"], f"{name} {policy.get(name)}"
    for name in ("object-src", "frame-ancestors"):
        assert policy[name] == ["'none'"], f"{name} {policy.get(name)}"
    assert policy["base-uri"] in (["'none'"], ["'self'"])
    # Nothing but 'self' and 'none' anywhere: no 'unsafe-inline', 'unsafe-eval', nonce, hash,
    # scheme (data:, https:) or other origin.
    assert {source for sources in policy.values() for source in sources} <= {"'self'", "'none'"}, policy
    assert not any(rule.get("Content-Security-Policy-Report-Only") for rule in NETLIFY.rules)


def test_every_page_gets_exactly_that_policy_and_the_security_headers(published: BuiltSite) -> None:
    pages = [file for file in site_files(published.out) if file.endswith(".html")]
    assert len(pages) > 10
    for path in [p for file in pages for p in request_paths(file)] + [MISSING]:
        sent = NETLIFY(path)
        assert sent["Content-Security-Policy"] == page_policy(), path
        assert sent["X-Content-Type-Options"] == "nosniff", path
        assert sent["X-Frame-Options"] == "DENY", path
        assert sent["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert sent["Cross-Origin-Opener-Policy"] == "same-origin", path
        features = dict(feature.split("=", 1) for feature in sent["Permissions-Policy"].split(", "))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
            assert features.get(feature) == "()", f"{path}: {feature} is not turned off"
        assert "Content-Type" not in sent and "Content-Disposition" not in sent, path
        assert ("X-Robots-Tag" in sent) == path.startswith("/build-report/"), path


# --- Every page in Chromium -----------------------------------------------------------------

# Collects every violation of the policy the page reports, from the first byte on.
RECORD_VIOLATIONS = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  `${e.effectiveDirective} refused ${e.blockedURI || '(inline)'} at ${e.sourceFile || 'the page'}:${e.lineNumber}`));"""

# The violations, read after two frames so anything laid out late (a CSS background) has loaded.
VIOLATIONS = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
  () => setTimeout(() => done(window.__cspViolations || []), 0))))"""


@dataclass
class Visitor:
    """One browser page that visits pages in turn and notes everything the policy stopped:
    violation events, console messages that name the policy or are errors, and page errors."""

    page: Page
    problems: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    expected_404: str | None = None

    def __post_init__(self) -> None:
        self.page.add_init_script(RECORD_VIOLATIONS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"{self.page.url}: page error: {error}"))
        self.page.on("response", lambda response: self.responses.append(response))

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if self.expected_404 and text.startswith("Failed to load resource") and "404" in text:
            return  # the browser's own note that the page it was sent to is a 404, as asked
        if message.type in ("error", "warning") or "Content Security Policy" in text or "Permissions-Policy" in text:
            self.problems.append(f"{message.location.get('url') or self.page.url}: console {message.type}: {text}")

    def visit(self, url: str, status: int = 200) -> Response:
        self.expected_404 = url if status == 404 else None
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == status, f"{url}: HTTP {response and response.status}"
        self.problems.extend(f"{url}: {violation}" for violation in self.page.evaluate(VIOLATIONS))
        return response

    def report(self) -> str:
        return "\n".join(f"  {problem}" for problem in self.problems)


@pytest.fixture(scope="module")
def visitor(chromium: Browser) -> Iterator[Visitor]:
    context = chromium.new_context()
    yield Visitor(context.new_page())
    context.close()


def test_every_page_runs_in_chromium_under_the_policy_with_nothing_blocked(
    published: BuiltSite, server: str, visitor: Visitor
) -> None:
    visitor.problems.clear()
    pages = [url_path(file) for file in site_files(published.out) if file.endswith(".html")]
    started = time.perf_counter()
    for path in [*pages, MISSING]:
        response = visitor.visit(server + path, status=404 if path == MISSING else 200)
        assert response.headers.get("content-security-policy") == page_policy(), path
    elapsed = time.perf_counter() - started
    print(f"{len(pages) + 1} pages checked under the policy in {elapsed:.1f} s")
    assert not visitor.problems, f"the policy stopped something, or a page failed:\n{visitor.report()}"


def test_the_search_fetches_its_index_and_shows_results_under_the_policy(server: str, visitor: Visitor) -> None:
    visitor.problems.clear()
    visitor.responses.clear()
    visitor.visit(server + "/search/")
    visitor.page.fill("#search-q", "risk")
    visitor.page.press("#search-q", "Enter")
    visitor.page.wait_for_function("() => document.querySelectorAll('#search-results > li').length > 0")
    visitor.page.wait_for_load_state("networkidle")
    visitor.problems.extend(f"/search/ after searching: {v}" for v in visitor.page.evaluate(VIOLATIONS))
    assert not visitor.problems, f"the search broke under the policy:\n{visitor.report()}"

    shards = [r for r in visitor.responses if re.search(r"/search/[0-9a-f]{12}/.+\.json$", r.url)]
    assert len(shards) >= 2, [r.url for r in visitor.responses]  # a dictionary bucket, records
    for shard in shards:
        assert shard.status == 200 and shard.headers.get("cache-control") == IMMUTABLE, shard.url


def test_the_browser_takes_the_permissions_policy(server: str, visitor: Visitor) -> None:
    """Chromium parsed the header: what it lists is off, what it leaves alone is not."""
    visitor.visit(server + "/")
    allowed = "feature => document.featurePolicy.allowsFeature(feature)"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "fullscreen"):
        assert visitor.page.evaluate(allowed, feature) is False, feature
    assert visitor.page.evaluate(allowed, "clipboard-write") is True


def test_an_inline_script_or_style_or_another_origin_would_be_caught(tmp_path: Path, visitor: Visitor) -> None:
    """The check above can fail: a page that breaks the policy in four ways is reported four ways."""
    (tmp_path / "index.html").write_text(
        "<!DOCTYPE html><html lang=en><head><title>Bad</title><style>p{color:red}</style></head><body>"
        '<p style="color:blue">Inline</p><script>window.ran = true</script>'
        '<img src="https://example.invalid/pixel.png" alt=""></body></html>',
        encoding="utf-8",
    )
    visitor.problems.clear()
    with serve(tmp_path, headers=NETLIFY) as base_url:
        visitor.visit(base_url + "/")
        assert visitor.page.evaluate("typeof window.ran") == "undefined"
    refused = " ".join(visitor.problems)
    for directive in ("style-src-elem", "style-src-attr", "script-src-elem", "img-src"):
        assert f"{directive} refused" in refused, f"{directive} not reported:\n{visitor.report()}"


# --- Caching, downloads, 404, types ---------------------------------------------------------


def test_only_names_that_carry_a_hash_of_their_content_are_cached_for_good(published: BuiltSite) -> None:
    forever = []
    for file in site_files(published.out):
        for path in request_paths(file):
            cache = NETLIFY(path)["Cache-Control"]
            if "immutable" not in cache:
                assert "max-age=0" in cache and "must-revalidate" in cache, f"{path}: {cache}"
                continue
            assert cache == IMMUTABLE, f"{path}: {cache}"
            forever.append(file)
            if SEARCH_FOLDER.match(file):  # the search index: its folder is named by a digest of what it indexes
                continue
            named = HASHED_NAME.search(file)
            assert named, f"{path} is cached for a year but its name carries no content hash"
            digest = hashlib.sha256((published.out / file).read_bytes()).hexdigest()
            assert digest.startswith(named["hash"]), f"{path}: the hash in its name is not of its content"
    # The rules are not dead: the stylesheet, the scripts and every search shard are kept.
    for expected in ("assets/minutebook.", "assets/search.", "search/"):
        assert any(file.startswith(expected) for file in forever), f"{expected}* is not cached for good"
    shards = [file for file in site_files(published.out) if file.startswith("search/") and file.endswith(".json")]
    assert shards and set(shards) <= set(forever)
    (folder,) = {SEARCH_FOLDER.match(file)["hash"] for file in shards}  # type: ignore[index]
    # The folder is named by the digest of what is indexed: the same archive gives the same name;
    # one meeting fewer gives other files, and another name.
    archive = published.result.archive
    assert build_search(archive).folder == f"search/{folder}"
    fewer = build_search(replace(archive, meetings=archive.meetings[1:]))
    assert fewer.folder != f"search/{folder}"
    assert fewer.files[f"{fewer.folder}/manifest.json"] != (published.out / "search" / folder / "manifest.json").read_bytes()


def test_no_two_rules_that_meet_on_a_path_set_the_same_header(published: BuiltSite) -> None:
    """Netlify leaves a header two matching tables set to chance (netlify.toml explains), so
    only the Content-Security-Policy of downloads may be set twice: both policies then apply."""
    probes = ["/assets/gone.0123456789.css", "/search/gone.0123456789.json", "/sources/gone.txt", MISSING]
    for path in [p for file in site_files(published.out) for p in request_paths(file)] + probes:
        seen: dict[str, str] = {}
        for rule in NETLIFY.matching(path):
            for name, _ in rule.values:
                earlier = seen.setdefault(name.lower(), rule.pattern)
                if earlier != rule.pattern:
                    assert name.lower() == "content-security-policy" and path.startswith("/sources/"), (
                        f'{path}: both "{earlier}" and "{rule.pattern}" set {name}'
                    )
        if path.startswith("/sources/"):
            later_wins = [rule.get("Content-Security-Policy") for rule in NETLIFY.matching(path)][-1]
            for outcome in (NETLIFY(path)["Content-Security-Policy"], later_wins):
                assert outcome and "default-src 'none'; sandbox" in outcome, f"{path}: {outcome}"


def test_source_documents_are_always_downloads_never_pages(published: BuiltSite, server: str) -> None:
    sources = [file for file in site_files(published.out) if file.startswith("sources/")]
    assert sources
    for file in sources:
        status, headers, body = fetch(server + url_path(file))
        assert status == 200 and body == (published.out / file).read_bytes(), file
        assert headers["content-disposition"] == "attachment", file
        assert headers["x-content-type-options"] == "nosniff", file
        policies = [directives(policy) for policy in headers["content-security-policy"].split(",")]
        assert any(p.get("default-src") == ["'none'"] and "sandbox" in p for p in policies), file


def test_a_missing_page_is_the_sites_404_page_with_status_404(published: BuiltSite, server: str) -> None:
    page = published.out / "404.html"
    assert page.is_file(), "Netlify sends site/404.html for a missing path; the build wrote none"
    for path in (MISSING, "/meetings/1999-01-01-no-such-meeting/", "/assets/no-such.css"):
        status, headers, body = fetch(server + path)
        assert status == 404 and body == page.read_bytes(), path
        assert headers["content-security-policy"] == page_policy(), path


def test_feeds_calendars_and_spreadsheets_are_sent_as_utf8_of_their_own_type(published: BuiltSite, server: str) -> None:
    types = {".atom": "application/atom+xml", ".ics": "text/calendar", ".csv": "text/csv"}
    found = {suffix: 0 for suffix in types}
    for file in site_files(published.out):
        suffix = Path(file).suffix
        if suffix in types:
            status, headers, _ = fetch(server + url_path(file))
            assert status == 200 and headers["content-type"] == f"{types[suffix]}; charset=utf-8", file
            found[suffix] += 1
    assert all(found.values()), f"the build published none of some kinds: {found}"


@pytest.mark.parametrize(
    "path",
    [
        "/topics/ethics/",
        "/topics/physics/",
        "/people/jo-atom/",
        "/topics/csv/",
        "/committees/ics/",
        "/data/",
        "/feed.atom/extra/",
    ],
)
def test_a_page_whose_name_ends_like_a_file_type_is_still_a_page(path: str) -> None:
    """A topic called Ethics must not be sent as a calendar: type rules name exact paths."""
    assert "Content-Type" not in NETLIFY(path)
