"""The clerk's week: add last week's minutes, preview them, check everything, read the staff
report, publish. Every command runs for real on a content folder in tmp_path."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from click.testing import CliRunner
from rich.console import Console
from selectolax.lexbor import LexborHTMLParser

from build import cli
from minutebook import progress
from minutebook.leaks import find_leaks
from minutebook.pipeline import BuildOptions, build

from .conftest import CONTENT, ROOT, build_site
from .test_build_cli import MINUTES, snapshot
from .test_pages import PART_TWO_MINUTES

BUILD = [sys.executable, str(ROOT / "build.py")]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


# --- add ------------------------------------------------------------------------------------


def test_add_names_the_document_by_its_meeting_and_says_what_it_understood(tmp_path: Path) -> None:
    incoming = tmp_path / "Downloads" / "minutes (3).txt"
    incoming.parent.mkdir()
    incoming.write_text(MINUTES, encoding="utf-8")
    content = tmp_path / "content"

    code, output = invoke("add", str(incoming), "--content", str(content))

    assert code == 0, output
    name = "2024-09-09-anytown-parish-council-minutes.txt"
    assert (content / name).read_bytes() == incoming.read_bytes()
    assert f"Added: {incoming} as {content}/{name}" in output
    assert "Monday 9 September 2024, 19:30, the Village Hall" in output
    assert "Present (2): A Smith, B Jones" in output
    assert "Items (2):" in output and "2 Planning  (1 decision)" in output
    assert "Nothing is published yet" in output
    assert not (tmp_path / "site").exists()


def test_add_warns_about_an_undated_document_with_file_and_line(tmp_path: Path) -> None:
    lone = tmp_path / "Agenda item.txt"
    shutil.copyfile(CONTENT / "002_ea2e453e723765dc.txt", lone)

    code, output = invoke("add", str(lone), "--content", str(tmp_path / "content"))

    assert code == 0, output
    assert (tmp_path / "content" / "agenda-item.txt").is_file()
    assert "UNDATED" in output
    assert f"{tmp_path}/content/agenda-item.txt:1: warning: no meeting date found" in output


def test_add_refuses_a_document_that_would_break_the_build_and_leaves_content_as_it_was(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    before = snapshot(content)
    broken = tmp_path / "minutes.txt"
    broken.write_text(MINUTES.replace("Monday 9th September 2024", "Monday 31st February 2024"), encoding="utf-8")

    code, output = invoke("add", str(broken), "--content", str(content))

    assert code == 1
    assert "Not added" in output and "line 3: impossible date 'Monday 31st February 2024'" in output
    assert snapshot(content) == before


def test_adding_the_same_document_twice_changes_nothing_and_a_different_one_needs_replace(tmp_path: Path) -> None:
    content = tmp_path / "content"
    first = tmp_path / "a.txt"
    first.write_text(MINUTES, encoding="utf-8")
    assert invoke("add", str(first), "--content", str(content))[0] == 0

    code, output = invoke("add", str(first), "--content", str(content))
    assert code == 0 and "Unchanged" in output

    corrected = tmp_path / "b.txt"
    corrected.write_text(MINUTES.replace("be supported", "be refused"), encoding="utf-8")
    code, output = invoke("add", str(corrected), "--content", str(content))
    assert code == 1 and "use --replace" in output
    assert "be supported" in (content / "2024-09-09-anytown-parish-council-minutes.txt").read_text()

    code, output = invoke("add", str(corrected), "--content", str(content), "--replace")
    assert code == 0 and "Replaced" in output
    assert "be refused" in (content / "2024-09-09-anytown-parish-council-minutes.txt").read_text()


# --- check ----------------------------------------------------------------------------------


def test_check_runs_every_check_without_touching_the_site(tmp_path: Path) -> None:
    os.chdir(tmp_path)  # `check` must not write site/ (or anything else) where it runs
    code, output = invoke("check", "--content", str(CONTENT), "--config", str(ROOT / "minutebook.toml"))

    assert code == 0, output
    for name in ("Build: ok", "Links and anchors: ok", "HTML validity: ok", "Exempt content: ok", "Missing references"):
        assert name in output
    assert "next meeting (2019-04-23) is not in the archive" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]  # only the search-index cache


def test_check_fails_on_a_broken_document_and_in_strict_mode_on_warnings(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"empty.txt": ""}, with_seeds=True)
    code, output = invoke("check", "--content", str(content), "--no-html")
    assert code == 1
    assert "Build: FAILED (1)" in output and "empty.txt: error: empty file" in output

    code, output = invoke("check", "--content", str(CONTENT), "--no-html", "--strict")
    assert code == 1 and "002_ea2e453e723765dc.txt:1: warning: no meeting date found" in output


def test_the_exempt_canary_finds_withheld_text_in_any_output_file(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": PART_TWO_MINUTES})
    site = build_site(content, tmp_path / "site")
    assert find_leaks(site.out, site.result.archive, content) == []

    # A stage that bypassed the model would leak like this: in a page, escaped, or in JSON.
    page = next(site.out.glob("meetings/*/index.html"))
    page.write_text(page.read_text() + "<p>CANARY-41c7 the offer of &pound;250,000 from Acme Homes was accepted.</p>")
    (site.out / "data" / "extra.json").write_text('{"x": "Resolved: CANARY-41c7 that the land be sold."}')

    leaks = find_leaks(site.out, site.result.archive, content)
    assert sorted(leak.file for leak in leaks) == ["data/extra.json", page.relative_to(site.out).as_posix()]
    assert {str(leak.source) for leak in leaks} == {"parish.txt:21", "parish.txt:23"}


def test_a_restricted_page_after_a_short_report_stays_withheld(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    """A short covering report (a handful of lines) followed by the restricted page of the next item:
    the restricted page is a part of its own, however short the part before it."""
    pack = (CONTENT / "004_58e9679888508d11.txt").read_text(encoding="utf-8")
    lines = pack.split("\n")
    second_report = [n for n, line in enumerate(lines) if line.startswith("Meeting to be held on")][1]
    restricted = lines.index("Agenda Item 10")
    short_report = ["Meeting to be held on Tuesday, 26 February 2019", "", "Report of the Head of Legal & Democratic "
                    "Services", "", "Corporate Risk and Opportunity Register Quarter 4", "", "Recommendation", "",
                    "The Committee is asked to note the register.", ""]
    shortened = lines[:second_report] + short_report + lines[restricted:]
    canary = "CANARY-5150 the contract value is secret and must never be published."
    planted = "\n".join(shortened).replace("Document is Restricted", f"Document is Restricted\n\n{canary}", 1)
    content = make_content({"004_58e9679888508d11.txt": planted})
    site = build_site(content, tmp_path / "site")
    leaked = sorted(path.relative_to(site.out).as_posix() for path in site.out.rglob("*")
                    if path.is_file() and b"CANARY-5150" in path.read_bytes())
    assert leaked == []
    assert find_leaks(site.out, site.result.archive, content) == []
    items = {i["number"]: i for i in site.meeting_on("2019-02-26")["items"]}
    assert items["10"]["exempt"] and items["10"]["title"].startswith("Update report on the performance")
    assert not items["5"]["exempt"], "the open report before the restricted page stays published"


# --- the staff report -----------------------------------------------------------------------


ODD_MINUTES = """---
committee: Planning Committee
---
Anytown Parish Council

Minutes of the Meeting of the Anytown Parish Council Planning Committee held on Monday 9th September 2024 at 7.30pm in the Village Hall

1. Planning

Resolved: That the application be supported.

PART II - EXEMPT INFORMATION

2. Staffing Matter

Discussed in private.
"""


def test_the_staff_report_lists_what_to_check_with_file_and_line(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({
        "parish.txt": MINUTES,
        "planning.txt": ODD_MINUTES,
        "sub.txt": "---\ncommittee: Planning Sub-Committee\n---\n" + MINUTES,
        "lone.txt": (CONTENT / "002_ea2e453e723765dc.txt").read_text(encoding="utf-8"),
    })
    site = build_site(content, tmp_path / "site")
    assert site.result.published

    sections = {s.key: [f"{f.source}: {f.message}" for f in s.findings] for s in site.result.quality.sections}
    assert sections["undated"] == ["lone.txt:1: no meeting date found: published under Undated; "
                                   "add front matter with 'date: YYYY-MM-DD'"]
    assert sections["no-attendance"] == ["planning.txt:4: Planning Committee, 9 September 2024: nobody is listed as present"]
    assert sections["exempt-no-reason"] == ["planning.txt:14: item 2 'Staffing Matter' in Planning Committee, 9 September 2024"]
    assert sections["duplicate-dates"] == ["planning.txt:4: Planning Committee, 9 September 2024 and "
                                           "Planning Sub-Committee, 9 September 2024 (sub.txt)"]
    assert sections["errors"] == sections["warnings"] == []

    html = LexborHTMLParser((site.out / "build-report" / "index.html").read_text(encoding="utf-8"))
    assert html.css_first('meta[name="robots"]').attributes["content"] == "noindex, nofollow"
    rows = [" ".join(r.text(separator=" ").split()) for r in html.css("#exempt-no-reason + p + div tbody tr")]
    assert len(rows) == 1 and rows[0].startswith("planning.txt:14 item 2 'Staffing Matter'")
    linked = [p for p in site.out.rglob("*.html") if 'href="/build-report/' in p.read_text(encoding="utf-8")]
    assert linked == []  # only staff who know the address find it
    assert "Disallow: /build-report/" in (site.out / "robots.txt").read_text()


def test_the_terminal_report_names_each_finding_and_quiet_keeps_only_problems(tmp_path: Path) -> None:
    code, output = invoke("build", "--content", str(CONTENT), "--out", str(tmp_path / "site"))
    assert code == 0, output
    assert "Names seen in only one meeting" in output
    assert re.search(r"content/003_00d6487a98f72f3b\.txt:\d+: Jennifer Mein: only in ", output.replace(str(CONTENT), "content"))
    assert f"Staff report: {tmp_path}/site/build-report/index.html" in output

    code, quiet = invoke("build", "--content", str(CONTENT), "--out", str(tmp_path / "site"), "--quiet")
    assert code == 0
    assert quiet.splitlines()[0] == "Undated documents (1):"
    assert "Names seen" not in quiet and len(quiet.splitlines()) == 3


# --- progress ---------------------------------------------------------------------------------


class Stages:
    """Records what the pipeline tells a progress bar."""

    def __init__(self) -> None:
        self.seen: list[list[object]] = []

    def stage(self, name: str, total: int) -> None:
        self.seen.append([name, total, 0])

    def advance(self, steps: int = 1) -> None:
        self.seen[-1][2] = int(str(self.seen[-1][2])) + steps

    def close(self) -> None:
        pass


def test_the_build_reports_each_stage_and_step_to_the_progress_bar(tmp_path: Path) -> None:
    stages = Stages()
    result = build(BuildOptions(content=CONTENT, out=tmp_path / "site", progress=stages))
    assert result.published
    names = [name for name, _, _ in stages.seen]
    assert names == ["Reading documents", "Writing pages"]  # the search index is built alongside the pages
    reading, pages = stages.seen
    assert reading[1] == reading[2] == 5
    assert pages[1] == pages[2] == len(list((tmp_path / "site").rglob("*.html")))


# --- serve ----------------------------------------------------------------------------------


class Server:
    """`build.py serve` in a subprocess, its output read line by line as it comes."""

    def __init__(self, content: Path, out: Path) -> None:
        self.process = subprocess.Popen(
            [*BUILD, "serve", "--content", str(content), "--out", str(out), "--port", "0"],
            cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = re.search(r"at (http://\S+)/ ", self.wait_for("Serving")).group(1)  # type: ignore[union-attr]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, *, after: int = 0, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines[after:] if text in line]
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in serve's output:\n" + "\n".join(self.lines))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=10)
        return "\n".join(self.lines)


def test_serve_previews_the_site_and_rebuilds_when_a_document_changes(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    minutes = content / "parish.txt"
    minutes.write_text(MINUTES, encoding="utf-8")
    server = Server(content, tmp_path / "site")
    try:
        meeting = "/meetings/2024-09-09-anytown-parish-council/"
        status, html = server.get(meeting)
        assert status == 200 and "That the application be supported." in html
        assert server.get("/no/such/page/")[0] == 404

        mark = len(server.lines)
        minutes.write_text(MINUTES.replace("be supported", "be refused"), encoding="utf-8")
        assert "parish.txt" in server.wait_for("Changed:", after=mark)
        server.wait_for("published to", after=mark)
        assert "That the application be refused." in server.get(meeting)[1]

        # A mistake while editing: the rebuild fails and the last good site stays up.
        mark = len(server.lines)
        minutes.write_text(MINUTES.replace("Monday 9th September 2024", "Monday 31st February 2024"), encoding="utf-8")
        server.wait_for("still serving the previous site", after=mark)
        assert "parish.txt:3: error: impossible date" in "\n".join(server.lines[mark:])
        assert "That the application be refused." in server.get(meeting)[1]
    finally:
        output = server.stop()
    assert "Traceback" not in output and output.endswith("Stopped.")


# --- atomic publishing ----------------------------------------------------------------------


def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one_never_half(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "site"
    assert build_site(CONTENT, out).result.published
    old = snapshot(out)
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    new_out = tmp_path / "expected"
    assert build_site(content, new_out).result.published
    new = snapshot(new_out)

    outcomes = []
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0):
        process = subprocess.Popen([*BUILD, "build", "--content", str(content), "--out", str(out), "--quiet"],
                                   cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.kill()
        process.wait()
        now = snapshot(out)
        assert now in (old, new), f"half-written site after a kill at {delay} s"
        outcomes.append("new" if now == new else "old")
        if now == new:  # start again from the old site
            shutil.rmtree(out)
            assert build_site(CONTENT, out).result.published
    assert "old" in outcomes  # at least one kill landed before the swap
    # The next build clears what the killed ones left behind, and publishes.
    assert build_site(content, out).result.published
    assert snapshot(out) == new
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site-")] == []


def test_a_slow_build_draws_a_progress_bar_on_a_terminal_and_takes_it_away(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(progress, "DELAY", 0.0)  # as if the build had already run a while
    screen = io.StringIO()
    bar = progress.TerminalProgress(Console(file=screen, force_terminal=True, width=100))
    assert build(BuildOptions(content=CONTENT, out=tmp_path / "site", progress=bar)).published
    bar.close()
    drawn = screen.getvalue()
    for stage in ("Reading documents", "Writing pages"):
        assert stage in drawn
    assert "5/5" in drawn  # documents read, out of how many
    assert progress.progress_for(quiet=True).__class__ is progress.NoProgress
