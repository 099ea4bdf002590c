#!/usr/bin/env python3
"""Issue 7's bench: Minutebook against Pagefind and MkDocs, at 100, 1,000 and 10,000 meetings, in one run.

Usage:
    .venv/bin/python bench/run.py [--sizes 100 1000 10000] [--repeat 3] [--skip-mkdocs]
        [--only minutebook|pagefind|mkdocs] [--seed 1] [--mkdocs-timeout 60] [--lock PATH]
    .venv/bin/python bench/run.py --sizes 100 1000 --report     # RESULTS.md from saved runs only

Do not wrap it in ``flock``: it takes /work/notes/heavy.lock itself around each heavy phase
(generating, building, indexing, the browser), so other work can run in between, and it
skips the lock when one of its own parent processes already holds it.

For each size N, in bench/out/run<N>/:

1. content/: the archive, from bench/make_archive.py, kept while N, the seed and the
   generator are unchanged; the 20 queries are make_archive.QUERIES.
2. Minutebook: ``build.py build`` with bench/out/run<N>/ as working folder (its cache is
   run<N>/build/cache), in a child process that times every function pipeline.py calls
   from another module.  Cold (cache, site and spare removed; page cache dropped), then again after appending a
   sentence to one meeting's item (same cache: "rebuild after one edit"), then again after
   restoring the file; the edit and the restore are made --rebuilds times (3), and the run with
   the median wall time of each is reported.  Then the clerk's case, as often: next week's minutes
   added (the newest minutes copied, their date a week on: added_minutes), built, taken away and
   built again ("rebuild after adding next week's minutes").
   Wall and CPU s, peak memory (largest process's RSS, wait4; the process tree's summed
   PSS and summed RSS, /proc/<pid>/smaps_rollup every 0.5 s: forked workers share their parent's
   pages, which RSS counts once per process and PSS divides among them, so the PSS sum is what the
   tree holds and what the 2 GB target is judged on), and seconds and peak PSS per stage group: read (read_sources, withhold_contacts,
   parse_document), link, index (build_search), render (render_pages, exports, feeds,
   calendars, sitemap, downloads, quality, assets), publish; functions with other names
   are "other" (listed by name in the JSON), and time outside every wrapped function is
   counted in "other" too.
3. Pagefind 1.5.2 (bench/out/venv) indexes the built site: wall, CPU, peak RSS, bundle size.
4. MkDocs 1.6.1 (bench/out/venv): the archive as Markdown (bench/mkdocs_side.py), ``mkdocs
   build`` timed the same way, then again after editing the same meeting's page (MkDocs
   has no incremental build).
5. Chromium (Debian's, headless), every site served from 127.0.0.1 with gzip level 6 (bodies
   compressed before measuring), each cold load in a fresh browser context, --repeat times
   per query (median kept), after one unmeasured warm-up load. Each page tells the bench it is
   done with a console message of its own (search_bench.open_and_wait), so nothing of
   Playwright's is injected into a page while its load is timed:
   * Minutebook: /search/?q=<query>; time from navigation start to the first
     ``#search-results li``; bytes: every response that ended by then (Resource Timing's
     transferSize, headers + gzip body; a worker's fetches from Playwright).
   * Pagefind: the bench's page /__bench/pagefind.html?q= imports /pagefind/pagefind.js,
     searches, loads the first 5 results' data and puts them in the DOM; time to that, and
     bytes of every response by then (its worker's included).
   * MkDocs: /?q=<query> (the theme's search modal); time to the first element in
     ``#mkdocs-search-results`` and bytes by then; --mkdocs-timeout s (60) at most, then
     recorded as a timeout (and the other queries at that size are not tried).
   * Keypress to results, page loaded: type each query (80 ms between keys) into the
     search box and time from the last keydown to the first change of the results (and
     status) element; for MkDocs, whose worker may still answer earlier keys after the
     last one, to the last change ("settled": nothing for 500 ms).
6. bench/out/run-<N>.json (everything), and bench/RESULTS.md from every size of this run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
sys.path.insert(0, str(BENCH))
import make_archive  # noqa: E402
import mkdocs_side  # noqa: E402
import search_bench as sb  # noqa: E402
import synthetic as syn  # noqa: E402

ENGINES = ("minutebook", "pagefind", "mkdocs")
EDIT_WORD = "Quillborrow"
GZIP_LEVEL = 6

# Issue 7's targets (bench/notes: issue7-context.md).  Absolute ones are stated for 10,000 meetings.
TARGETS: list[tuple[str, str, str, float]] = [
    # (key, description, comparison, bound)
    ("build_s", "full build <= 60 s", "<=", 60.0),
    ("build_mb", "peak memory (process tree, PSS) <= 2 GB", "<=", 2048.0),
    ("rebuild_s", "one changed meeting rebuilt and published <= 3 s", "<=", 3.0),
    ("cold_bytes", "cold bytes to first results, median <= 250 kB", "<=", 250_000.0),
    ("cold_ms", "cold time to first results, median <= 300 ms", "<=", 300.0),
    ("bytes_ratio", "Pagefind / Minutebook cold bytes (medians) >= 3", ">=", 3.0),
    ("ms_ratio", "Pagefind / Minutebook cold time (medians) >= 3", ">=", 3.0),
    ("keypress_ms", "keypress to results, median < 50 ms", "<", 50.0),
    ("mkdocs_ratio", "MkDocs build / Minutebook build >= 3", ">=", 3.0),
    ("pagefind_ratio", "Pagefind indexing / Minutebook build > 1", ">", 1.0),
]
ABSOLUTE = {"build_s", "build_mb", "rebuild_s", "cold_bytes", "cold_ms"}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the heavy-work lock ------------------------------------------------------------------------


class Lock:
    """/work/notes/heavy.lock around each heavy phase, so two never share the two cores."""

    def __init__(self, path: str) -> None:
        self.busy: dict[str, float] = {}
        """Share of the CPUs busy with other work in the second after taking the lock, per phase."""
        self.path = Path(path) if path else None
        self.inherited = self.path is not None and self.path.exists() and _held_by_ancestor(self.path)

    @contextlib.contextmanager
    def __call__(self, label: str) -> Iterator[None]:
        if self.path is None or self.inherited or not self.path.parent.is_dir():
            self.busy[label] = sb.cpu_busy(1.0)
            yield
            return
        with self.path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say(f"  waiting for {self.path} ({label})")
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self.busy[label] = sb.cpu_busy(1.0)
                if self.busy[label] > 0.25:
                    say(f"  note: {self.busy[label]:.0%} of the CPUs busy with other work ({label})")
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _held_by_ancestor(path: Path) -> bool:
    """True when a process above this one (flock(1) running us) holds the lock already."""
    inode = path.stat().st_ino
    holders = set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/locks").read_text().splitlines():
            parts = line.split()
            if "FLOCK" in parts and len(parts) >= 6 and parts[5].rsplit(":", 1)[-1] == str(inode):
                holders.add(int(parts[4]))
    pid = os.getppid()
    while pid > 1:
        if pid in holders:
            return True
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat[stat.rfind(")") + 2 :].split()[1])
    return False


# --- content and queries -------------------------------------------------------------------------


def ensure_content(n: int, seed: int, folder: Path, lock: Lock) -> tuple[Path, dict[str, Any]]:
    script = BENCH / "make_archive.py"
    content = folder / "content"
    stamp = folder / "content.stamp"
    digest = hashlib.sha256(script.read_bytes() + (BENCH / "synthetic.py").read_bytes()).hexdigest()
    key = f"make_archive {n} {seed} {digest}"
    info: dict[str, Any] = {"generator": "make_archive", "seed": seed}
    if stamp.is_file() and stamp.read_text() == key and content.is_dir():
        return content, {**info, "generated": False}
    shutil.rmtree(content, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    say(f"  generating {n:,} meetings with {script.name}")
    started = time.perf_counter()
    with lock("generate"):
        subprocess.run([sys.executable, str(script), str(n), str(content), "--seed", str(seed)], check=True,
                       stdout=subprocess.DEVNULL)
    stamp.write_text(key)
    return content, {**info, "generated": True, "seconds": round(time.perf_counter() - started, 1)}


def content_stats(content: Path) -> dict[str, Any]:
    sizes = sorted(p.stat().st_size for p in content.rglob("*") if p.is_file())
    return {"documents": len(sizes), "bytes": sum(sizes), "median_doc_bytes": sizes[len(sizes) // 2] if sizes else 0}


# --- the one edit --------------------------------------------------------------------------------


def pick_edit(content: Path) -> tuple[Path, int] | None:
    """The middle meeting document (sorted by name) and, in it, the middle line of item prose.

    Prose: a line of 60+ characters ending with a full stop that is not a numbered heading,
    a decision or an attendance list."""
    documents = sorted(p for p in content.rglob("*") if p.suffix in (".txt", ".md") and p.is_file())
    for document in documents[len(documents) // 2 :] + documents[: len(documents) // 2]:
        lines = document.read_text(encoding="utf-8").splitlines()
        prose = [i for i, line in enumerate(lines)
                 if len(line.strip()) >= 60 and line.rstrip().endswith(".") and not line.lstrip()[:1].isdigit()
                 and not re.search(r"resolved|present|apologies|officers", line, re.I)]
        if prose:
            return document, prose[len(prose) // 2]
    return None


def edit_sentence(number: int) -> str:
    """What the ``number``-th edit appends to a line of prose. Each edit is a different one, as a clerk's
    are: an edit made and undone, then made again, finds in the spare (the site of two builds back) the
    very search index it makes, which no run of different edits does."""
    return f" The committee also noted the {EDIT_WORD} survey, part {number}."


def edited_text(path: Path, line_number: int, number: int) -> str:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[line_number] = lines[line_number].rstrip() + edit_sentence(number)
    return "\n".join(lines)


ADDED_DAYS = 7
"""The added minutes are of a meeting this many days after the newest one of its committee."""


def pick_newest(content: Path) -> tuple[Path, dt.date] | None:
    """The newest minutes the generator wrote (plain or ModernGov, by the date in its file names): the
    clerk's next minutes are like them."""
    dated = []
    for path in content.glob("*.txt"):
        named = re.fullmatch(r"(\d+)_(\d{4}-\d\d-\d\d)_.+_(plain|moderngov)\.txt", path.name)
        if named:
            dated.append((dt.date.fromisoformat(named[2]), path.name, path))
    if not dated:
        return None
    date, _, path = max(dated)
    return path, date


def added_minutes(path: Path, date: dt.date) -> tuple[str, str]:
    """Next week's minutes of the same committee: a file name after every other, and the newest minutes'
    text with the meeting's date moved on ADDED_DAYS wherever the generator writes it."""
    later = date + dt.timedelta(days=ADDED_DAYS)
    text = path.read_text(encoding="utf-8")
    for written in (make_archive.ordinal_date, syn.long_date):
        text = text.replace(written(date), written(later))
    number, _, rest = path.name.partition("_")
    name = f"{int(number) + 1:0{len(number)}d}_{later.isoformat()}{rest.removeprefix(date.isoformat())}"
    return name, text


def word_published(site: Path, word: str) -> bool:
    found = subprocess.run(["grep", "-rlq", "--include=*.html", word, str(site / "meetings")],
                           capture_output=True)
    return found.returncode == 0


# --- Minutebook ----------------------------------------------------------------------------------

EXACT_GROUPS = {
    "read_sources": "read", "withhold_contacts": "read", "parse_document": "read", "load_overrides": "read",
    "link_archive": "link", "build_search": "index",
    "render_pages": "render", "export_files": "render", "feed_files": "render", "calendar_files": "render",
    "sitemap_files": "render", "offer_downloads": "render", "assess": "render", "collect_assets": "render",
    "publish": "publish",
}
PATTERN_GROUPS = [
    ("read", r"read|source|parse|contact|document|discover"),
    ("link", r"link|resolve|mention|topic|people|person"),
    ("index", r"search|index|lunr|shard"),
    ("render", r"render|export|feed|calendar|sitemap|download|quality|assess|asset|page|csv|popolo|jsonld"),
    ("publish", r"publish|write"),
]
GROUPS = ("read", "link", "index", "render", "publish", "other")


def stage_group(name: str) -> str:
    if name.startswith("link."):
        return "link"
    if name in EXACT_GROUPS:
        return EXACT_GROUPS[name]
    for group, pattern in PATTERN_GROUPS:
        if re.search(pattern, name, re.I):
            return group
    return "other"


def grouped(build: dict[str, Any]) -> dict[str, Any]:
    """Seconds and peak PSS of the process tree per stage group, from the outermost wrapped calls."""
    seconds = dict.fromkeys(GROUPS, 0.0)
    peak = dict.fromkeys(GROUPS, 0.0)
    unknown: dict[str, str] = {}
    for name, spent in (build.get("stages_top") or {}).items():
        group = stage_group(name)
        seconds[group] += spent
        peak[group] = max(peak[group], (build.get("stage_peak_pss_mb") or {}).get(name, 0.0))
        if group == "other" or (name not in EXACT_GROUPS and not name.startswith("link.")):
            unknown[name] = group
    outside = max(0.0, (build.get("in_process_seconds") or 0.0) - sum(seconds.values()))
    seconds["other"] += outside
    peak["other"] = max(peak["other"], (build.get("stage_peak_pss_mb") or {}).get("outside stages", 0.0))
    return {"seconds": {k: round(v, 2) for k, v in seconds.items()}, "peak_pss_mb": peak,
            "outside_stages_seconds": round(outside, 2), "functions_grouped_by_pattern": unknown}


def minutebook_phase(folder: Path, content: Path, args: argparse.Namespace, lock: Lock) -> dict[str, Any]:
    site = folder / "site"
    out: dict[str, Any] = {}
    say("  Minutebook: cold build")
    with lock("minutebook build"):
        out["build"] = sb.measured_build(folder, content, site, args.python, label="build", cold=True)
    out["build"]["groups"] = grouped(out["build"])
    say(f"    {out['build']['summary']} ({out['build']['seconds']} s wall, {out['build']['tree_pss_mb']:.0f} MB)")
    out["site"] = sb.site_stats(site)
    picked = pick_edit(content)
    if picked is None:
        say("    no .txt or .md meeting document with item prose: rebuild after an edit not measured")
        out["edit"] = {"document": None, "published": False}
        return out
    document, line = picked
    original = document.read_bytes()
    out["edit"] = {"document": str(document.relative_to(content)), "line": line + 1, "sentence": edit_sentence(1).strip()}
    out["rebuild"], out["rebuild_restore"], out["edit"]["published"] = change_rounds(
        folder, content, args, lock, f"editing {document.name} line {line + 1}",
        make=lambda number: document.write_text(edited_text(document, line, number), encoding="utf-8"),
        undo=lambda: document.write_bytes(original),
        published=lambda _: word_published(site, EDIT_WORD), shown="the edit is on the site",
        labels=("rebuild", "rebuild-restore"), undone="restored")
    out["rebuild"]["groups"] = grouped(out["rebuild"])
    out["rebuild_restore"]["groups"] = grouped(out["rebuild_restore"])
    out["add"] = added_phase(folder, content, args, lock, out["build"].get("meetings"))
    return out


def added_phase(folder: Path, content: Path, args: argparse.Namespace, lock: Lock,
                meetings: int | None) -> dict[str, Any]:
    """The clerk's rebuild: next week's minutes added, built, then taken away and built again, --rebuilds
    times (the run with the median wall time of each kept). An edit leaves the archive's documents as
    they were; an added meeting changes what every document is weighed against (the index's idf) and
    may change who is who and the topics, which linking then works out again."""
    picked = pick_newest(content)
    if picked is None:
        say("    no plain or ModernGov minutes named as the generator names them: adding minutes not measured")
        return {"document": None, "published": False}
    name, text = added_minutes(*picked)
    added = content / name
    out: dict[str, Any] = {"document": name, "from": picked[0].name, "days_later": ADDED_DAYS}
    meetings_now = None if meetings is None else meetings + 1
    out["rebuild"], out["rebuild_remove"], out["published"] = change_rounds(
        folder, content, args, lock, f"adding {name}",
        make=lambda _: added.write_text(text, encoding="utf-8"), undo=lambda: added.unlink(missing_ok=True),
        published=lambda run: meetings_now is not None and run.get("meetings") == meetings_now,
        shown="one more meeting published", labels=("add", "add-remove"), undone="taken away")
    return out


def change_rounds(folder: Path, content: Path, args: argparse.Namespace, lock: Lock, what: str, *,
                  make: Callable[[int], object], undo: Callable[[], object],
                  published: Callable[[dict[str, Any]], bool], shown: str, labels: tuple[str, str],
                  undone: str) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """A change to the content (``make(round)``, rounds from 1) built, then undone and built again,
    --rebuilds times, as one run of either varies by seconds. The run with the median wall time of each
    (every run's time in ``all_seconds``), and whether ``published`` found every change on the site.
    Undone, the rebuild is of one document again, and the site is the archive as generated."""
    changed: list[dict[str, Any]] = []
    restored: list[dict[str, Any]] = []
    found: list[bool] = []
    rounds = max(args.rebuilds, 1)

    def rebuild(label: str) -> dict[str, Any]:
        with lock("minutebook rebuild"):
            return sb.measured_build(folder, content, folder / "site", args.python, label=label, cold=False)

    for n in range(rounds):
        try:
            make(n + 1)
            say(f"  Minutebook: rebuild {n + 1}/{rounds} after {what}")
            changed.append(rebuild(f"{labels[0]}{n}"))
            found.append(published(changed[-1]))
        finally:
            undo()
        say(f"    {changed[-1]['seconds']} s wall; {shown}: {found[-1]}")
        restored.append(rebuild(f"{labels[1]}{n}"))
        say(f"    {undone}, rebuilt in {restored[-1]['seconds']} s")
    median, median_undone = _median_run(changed), _median_run(restored)
    median["all_seconds"] = [run["seconds"] for run in changed]
    median_undone["all_seconds"] = [run["seconds"] for run in restored]
    return median, median_undone, all(found)


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median wall time (the lower middle one of an even number)."""
    return sorted(runs, key=lambda run: run["seconds"])[(len(runs) - 1) // 2]


# --- Pagefind ------------------------------------------------------------------------------------


def pagefind_phase(folder: Path, lock: Lock) -> dict[str, Any]:
    say("  Pagefind: indexing the built site")
    with lock("pagefind"):
        index = sb.pagefind_index(0, folder / "site")
    say(f"    {index['seconds']} s wall, {index['max_rss_mb']:.0f} MB, {index['pages']} pages")
    return {"index": index}


# --- MkDocs --------------------------------------------------------------------------------------


def mkdocs_phase(folder: Path, content: Path, args: argparse.Namespace, lock: Lock) -> dict[str, Any]:
    side = folder / "mkdocs"
    side.mkdir(parents=True, exist_ok=True)
    python = mkdocs_side.mkdocs_python(OUT / "venv")
    out: dict[str, Any] = {"version": mkdocs_side.MKDOCS_VERSION, "lunr_js": mkdocs_side.lunr_version(python),
                           "prebuild_index": False, "theme": "mkdocs", "plugins": ["search"]}
    stamp = side / "docs.stamp"
    key = (folder / "content.stamp").read_text() + hashlib.sha256(Path(mkdocs_side.__file__).read_bytes()).hexdigest()
    if not (stamp.is_file() and stamp.read_text() == key and (side / "docs" / "index.md").is_file()):
        say("  MkDocs: writing the archive as Markdown")
        with lock("markdown"):
            subprocess.run([args.python, str(Path(mkdocs_side.__file__)), "markdown", str(content.resolve()),
                            str((side / "docs").resolve())], check=True, cwd=folder, stdout=subprocess.DEVNULL)
        stamp.write_text(key)
    docs = side / "docs"
    out["markdown"] = {"pages": sum(1 for _ in docs.rglob("*.md")),
                       "bytes": sum(p.stat().st_size for p in docs.rglob("*.md"))}
    mkdocs_side.write_config(side, mkdocs_side.committees_of(docs))
    argv = [python, "-m", "mkdocs", "build", "--quiet", "--clean", "-f", "mkdocs.yml"]
    say("  MkDocs: build")
    with lock("mkdocs build"):
        out["build"] = _summary(sb.run_measured(argv, side, side / "build"))
    out["site"] = mkdocs_side.site_stats(side / "site")
    say(f"    {out['build']['seconds']} s wall, {out['build']['tree_pss_mb']:.0f} MB, "
        f"{out['site']['files']:,} files")
    page = _edited_page(docs)
    if page is not None:
        original = page.read_bytes()
        try:
            lines = page.read_text(encoding="utf-8").split("\n")
            prose = [i for i, line in enumerate(lines) if len(line) >= 60 and not line.startswith(("#", "*", "-", "|"))]
            if prose:
                lines[prose[len(prose) // 2]] += edit_sentence(1)
            page.write_text("\n".join(lines), encoding="utf-8")
            say(f"  MkDocs: rebuild after editing {page.name}")
            with lock("mkdocs rebuild"):
                out["rebuild"] = _summary(sb.run_measured(argv, side, side / "rebuild"))
            out["rebuild"]["page"] = str(page.relative_to(docs))
        finally:
            page.write_bytes(original)
        with lock("mkdocs rebuild"):  # restored, so the site searched is the archive as generated
            _summary(sb.run_measured(argv, side, side / "rebuild-restore"))
    return out


def _edited_page(docs: Path) -> Path | None:
    pages = sorted((docs / "meetings").glob("*.md"))
    return pages[len(pages) // 2] if pages else None


def _summary(run: sb.Run) -> dict[str, Any]:
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{' '.join(run.argv)} failed (exit {run.returncode})")
    return {"seconds": round(run.seconds, 2), "cpu_seconds": round(run.cpu_seconds, 2),
            "max_rss_mb": round(run.max_rss_mb, 1), "tree_rss_mb": round(run.tree_rss_mb, 1),
            "tree_pss_mb": round(run.tree_pss_mb, 1)}


# --- Chromium ------------------------------------------------------------------------------------


def browser_phase(folder: Path, queries: list[str], engines: set[str], args: argparse.Namespace,
                  lock: Lock) -> dict[str, Any]:
    out: dict[str, Any] = {}
    timeout_ms = args.timeout * 1000
    if engines & {"minutebook", "pagefind"}:
        say(f"  Chromium: {' and '.join(e for e in ('minutebook', 'pagefind') if e in engines)}, "
            f"{len(queries)} queries x {args.repeat}")
        with lock("browser"):
            both = sb.browser_bench(folder / "site", queries, args.repeat, GZIP_LEVEL, "pagefind" in engines,
                                    timeout_ms, minutebook="minutebook" in engines, warm_others=False)
        out["chromium"] = both.get("chromium")
        if "minutebook" in engines:
            out["minutebook"] = {"cold": both["minutebook"], "keypress": both["keypress"],
                                 "waiting": both.get("minutebook_waiting")}
        if "pagefind" in engines:
            out["pagefind"] = {"cold": both["pagefind"], "keypress": both["pagefind_keypress"]}
    if "mkdocs" in engines and (folder / "mkdocs" / "site" / "index.html").is_file():
        say(f"  Chromium: mkdocs, {len(queries)} queries x {args.repeat} (timeout {args.mkdocs_timeout} s)")
        with lock("browser"):
            out["mkdocs"] = mkdocs_browser(folder / "mkdocs" / "site", queries, args)
        out.setdefault("chromium", out["mkdocs"].get("chromium"))
    return out


def mkdocs_browser(site: Path, queries: list[str], args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    timeout_ms = int(args.mkdocs_timeout * 1000)
    out: dict[str, Any] = {"cold": {}, "keypress": None, "timeout_s": args.mkdocs_timeout}
    with sb.Server(site, GZIP_LEVEL) as server, sync_playwright() as p:
        server.prewarm(("search", "css", "js", "webfonts"))
        browser = sb.launch_chromium(p)
        out["chromium"] = browser.version
        warmup = mkdocs_side.mkdocs_cold(browser, server.url, queries[0], timeout_ms)
        if warmup["timed_out"]:
            say(f"    mkdocs: no results within {args.mkdocs_timeout} s; every query recorded as a timeout")
            for query in queries:
                out["cold"][query] = {**warmup, "results": None, "not_tried": query != queries[0], "files": []}
            out["keypress"] = {"timed_out": True, "median_dom_ms": None, "median_settled_ms": None, "per_query": {}}
            browser.close()
            return out
        for query in queries:
            runs = [mkdocs_side.mkdocs_cold(browser, server.url, query, timeout_ms) for _ in range(args.repeat)]
            out["cold"][query] = sb._median_runs(runs, ("first_ms",))
            print(f"    mkdocs {query!r}: {sb._brief(out['cold'][query])}", flush=True)
        out["keypress"] = mkdocs_side.mkdocs_keypress(browser, server.url, queries, args.repeat, timeout_ms)
        print(f"    mkdocs keypress-to-results median {out['keypress']['median_dom_ms']} ms "
              f"(settled {out['keypress']['median_settled_ms']} ms)", flush=True)
        browser.close()
    return out


# --- figures -------------------------------------------------------------------------------------


def cold_summary(cold: dict[str, Any] | None) -> dict[str, Any]:
    """Median and max over the queries (each query's figure is its median over --repeat loads)."""
    if not cold:
        return {}
    shown = [_shown(v) for v in cold.values()]
    ms = [m for m, _ in shown if m is not None]
    by = [b for m, b in shown if m is not None and b is not None]
    timeouts = sum(1 for m, _ in shown if m is None)
    return {"ms_median": statistics.median(ms) if ms else None, "ms_max": max(ms) if ms else None,
            "bytes_median": statistics.median(by) if by else None, "bytes_max": max(by) if by else None,
            "answered": len(ms), "timeouts": timeouts}


def _shown(v: dict[str, Any]) -> tuple[float | None, int | None]:
    """Time and bytes until the reader sees an answer: the first result (Minutebook: or, for a
    query with none, its final "0 results" status)."""
    if "shown_ms" in v:
        return v.get("shown_ms"), v.get("shown_bytes")
    return v.get("first_ms"), v.get("first_bytes")


def figures(report: dict[str, Any]) -> dict[str, Any]:
    mb, pf, mk = (report.get(e) or {} for e in ENGINES)
    browser = report.get("browser") or {}
    f: dict[str, Any] = {
        "mb_cold": cold_summary((browser.get("minutebook") or {}).get("cold")),
        "pf_cold": cold_summary((browser.get("pagefind") or {}).get("cold")),
        "mk_cold": cold_summary((browser.get("mkdocs") or {}).get("cold")),
    }
    kp = {e: (browser.get(e) or {}).get("keypress") or {} for e in ENGINES}
    f["keypress"] = {"minutebook": kp["minutebook"].get("median_answer_ms", kp["minutebook"].get("median_dom_ms")),
                     "pagefind": kp["pagefind"].get("median_answer_ms", kp["pagefind"].get("median_dom_ms")),
                     "mkdocs": kp["mkdocs"].get("median_settled_ms")}
    f["keypress_first_change"] = {e: kp[e].get("median_dom_ms") for e in ENGINES}
    build_s = (mb.get("build") or {}).get("seconds")
    pf_s = (pf.get("index") or {}).get("seconds")
    mk_s = (mk.get("build") or {}).get("seconds")
    mbc, pfc = f["mb_cold"], f["pf_cold"]
    f["values"] = {
        "build_s": build_s, "build_mb": (mb.get("build") or {}).get("tree_pss_mb"),
        "rebuild_s": (mb.get("rebuild") or {}).get("seconds"),
        "cold_bytes": mbc.get("bytes_median"), "cold_ms": mbc.get("ms_median"),
        "bytes_ratio": _ratio(pfc.get("bytes_median"), mbc.get("bytes_median")),
        "ms_ratio": _ratio(pfc.get("ms_median"), mbc.get("ms_median")),
        "keypress_ms": f["keypress"]["minutebook"],
        "mkdocs_ratio": _ratio(mk_s, build_s), "pagefind_ratio": _ratio(pf_s, build_s),
    }
    return f


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def verdict(key: str, value: float | None, n: int) -> str:
    comparison, bound = next((c, b) for k, _, c, b in TARGETS if k == key)
    if value is None:
        return "no figure"
    ok = {"<=": value <= bound, ">=": value >= bound, "<": value < bound, ">": value > bound}[comparison]
    word = "PASS" if ok else "FAIL"
    return word if n >= 10_000 or key not in ABSOLUTE else f"({word})"


# --- the report ----------------------------------------------------------------------------------


def machine(chromium: str | None) -> dict[str, Any]:
    info = sb.machine()
    with contextlib.suppress(OSError):
        os_release = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line)
        info["os"] = os_release.get("PRETTY_NAME", "").strip('"') + f" (kernel {platform.release()})"
    info["chromium"] = chromium
    info["pagefind"] = sb.PAGEFIND_VERSION
    info["mkdocs"] = mkdocs_side.MKDOCS_VERSION
    with contextlib.suppress(OSError, ValueError):
        info["lunr_js_minutebook"] = json.loads((ROOT / "node_modules" / "lunr" / "package.json").read_text())["version"]
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        info["lunr_py"] = version("lunr")
    return info


def _runs(run: dict[str, Any]) -> str:
    """All runs' wall times, when there were several: "3 runs, 9.58-12.08 s"."""
    seconds = run.get("all_seconds") or []
    return f"{len(seconds)} runs, {min(seconds):.2f}-{max(seconds):.2f} s; " if len(seconds) > 1 else ""


def _s(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _kb(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.1f} kB"


def _cold_cell(summary: dict[str, Any], key: str, fmt: Any, timeout: float | None = None) -> str:
    if not summary:
        return "-"
    if not summary.get("answered"):
        return f"timeout (> {timeout:.0f} s)" if timeout else "no answer"
    cell = f"{fmt(summary[key + '_median'])} / {fmt(summary[key + '_max'])}"
    return cell + (f" ({summary['timeouts']} timeouts)" if summary.get("timeouts") else "")


def size_section(report: dict[str, Any]) -> list[str]:
    n = report["meetings"]
    mb, pf, mk = (report.get(e) or {} for e in ENGINES)
    f = figures(report)
    mk_timeout = ((report.get("browser") or {}).get("mkdocs") or {}).get("timeout_s")
    build, rebuild = mb.get("build") or {}, mb.get("rebuild") or {}
    index, mkb, mkr = pf.get("index") or {}, mk.get("build") or {}, mk.get("rebuild") or {}
    site, mks = mb.get("site") or {}, mk.get("site") or {}
    content = report.get("content") or {}
    out = [f"### {n:,} meetings", "",
           f"Content: {content.get('documents', 0):,} documents, {content.get('bytes', 0) / 1e6:.1f} MB "
           f"({(report.get('generator') or {}).get('generator', '?')}, seed {report.get('seed')}); "
           f"{build.get('meetings', '-')} meetings, {build.get('people', '-')} people, {build.get('topics', '-')} topics, "
           f"{build.get('errors', '-')} errors, {build.get('warnings', '-')} warnings."
           + _busy_note(report.get("cpu_busy_before") or {}), "",
           "| | Minutebook | Pagefind | MkDocs (lunr) |", "|---|---:|---:|---:|"]

    def row(label: str, *cells: str) -> None:
        out.append(f"| {label} | " + " | ".join(cells) + " |")

    row("build / index, wall s (CPU s)", f"{_s(build.get('seconds'))} ({_s(build.get('cpu_seconds'))})",
        f"{_s(index.get('seconds'))} ({_s(index.get('cpu_seconds'))}) index only",
        f"{_s(mkb.get('seconds'))} ({_s(mkb.get('cpu_seconds'))})")
    row("peak memory MB, process tree: PSS / RSS summed (largest process)",
        *(f"{_mb(run.get('tree_pss_mb'))} / {_mb(run.get('tree_rss_mb'))} ({_mb(run.get('max_rss_mb'))})"
          for run in (build, index, mkb)))
    row("rebuild after editing one meeting, median s (runs; peak PSS MB)",
        f"{_s(rebuild.get('seconds'), 2)} ({_runs(rebuild)}{_mb(rebuild.get('tree_pss_mb'))})",
        "full re-index (no incremental)",
        f"{_s(mkr.get('seconds'))} ({_mb(mkr.get('tree_pss_mb'))})" if mkr else "-")
    added = (mb.get("add") or {}).get("rebuild") or {}
    if added:
        row("rebuild after adding next week's minutes, median s (runs; peak PSS MB)",
            f"{_s(added.get('seconds'), 2)} ({_runs(added)}{_mb(added.get('tree_pss_mb'))})",
            "full re-index (no incremental)", "-")
    row("output: files / MB", f"{site.get('files', 0):,} / {site.get('bytes', 0) / 1e6:,.1f}",
        f"{index.get('bundle_files', 0):,} / {index.get('bundle_bytes', 0) / 1e6:,.1f} (pagefind/ only)",
        f"{mks.get('files', 0):,} / {mks.get('bytes', 0) / 1e6:,.1f}" if mks else "-")
    row("search files: files / MB", f"{site.get('search_files', 0):,} / {site.get('search_bytes', 0) / 1e6:,.2f}",
        f"{index.get('bundle_files', 0):,} / {index.get('bundle_bytes', 0) / 1e6:,.2f}",
        f"1 / {(mks.get('search_index_bytes') or 0) / 1e6:,.2f}" if mks else "-")
    row("cold bytes to first results, median / max",
        _cold_cell(f["mb_cold"], "bytes", _kb), _cold_cell(f["pf_cold"], "bytes", _kb),
        _cold_cell(f["mk_cold"], "bytes", _kb, mk_timeout))
    row("cold ms to first results, median / max",
        _cold_cell(f["mb_cold"], "ms", _s0), _cold_cell(f["pf_cold"], "ms", _s0),
        _cold_cell(f["mk_cold"], "ms", _s0, mk_timeout))
    row("keypress to results (answer shown), median ms", _s(f["keypress"]["minutebook"]),
        _s(f["keypress"]["pagefind"]),
        _s(f["keypress"]["mkdocs"]) + (" (settled)" if f["keypress"]["mkdocs"] is not None else ""))
    first_change = f["keypress_first_change"]
    row("keypress to first change of the results, median ms", *(_s(first_change[e]) for e in ENGINES))
    out.append("")
    if build.get("groups"):
        out += ["| Minutebook stage | cold build s | peak PSS MB | rebuild s | peak PSS MB |", "|---|---:|---:|---:|---:|"]
        for group in GROUPS:
            g, r = build["groups"], (rebuild.get("groups") or {"seconds": {}, "peak_pss_mb": {}})
            row(group, _s(g["seconds"].get(group), 2), _mb(g["peak_pss_mb"].get(group) or None),
                _s(r["seconds"].get(group), 2), _mb(r["peak_pss_mb"].get(group) or None))
        by_pattern = build["groups"].get("functions_grouped_by_pattern") or {}
        if by_pattern:
            out += ["", "Functions grouped by name pattern (not in the known list): "
                    + ", ".join(f"`{k}` -> {v}" for k, v in sorted(by_pattern.items())) + "."]
        out.append("")
    out += ["| target (issue 7) | value | PASS/FAIL |", "|---|---:|---|"]
    for key, description, _, _ in TARGETS:
        value = f["values"].get(key)
        shown = _target_value(key, value)
        row(description, shown, verdict(key, value, n))
    out.append("")
    return out


def _target_value(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    if key == "cold_bytes":
        return _kb(value)
    unit = {"build_s": " s", "rebuild_s": " s", "build_mb": " MB", "cold_ms": " ms", "keypress_ms": " ms"}.get(key, "x")
    return f"{value:,.0f}{unit}" if key == "build_mb" else f"{value:,.2f}{unit}" if unit == "x" else f"{value:,.1f}{unit}"


def _busy_note(busy: dict[str, float]) -> str:
    """Phases that began with other work on the CPUs: their times are not to be trusted alone."""
    noisy = {label: share for label, share in busy.items() if share > 0.25}
    if not noisy:
        return ""
    return (" Other work was running when these phases began (share of CPUs busy): "
            + ", ".join(f"{label} {share:.0%}" for label, share in noisy.items()) + ".")


def _s0(value: float | None) -> str:
    return _s(value, 0)


def per_query_section(report: dict[str, Any]) -> list[str]:
    browser = report.get("browser") or {}
    queries = report.get("queries") or []
    cold = {e: (browser.get(e) or {}).get("cold") or {} for e in ENGINES}
    kp = {e: ((browser.get(e) or {}).get("keypress") or {}).get("per_query") or {} for e in ENGINES}
    out = [f"### Per query, {report['meetings']:,} meetings", "",
           "Cold: results / ms to first results / bytes by then (median of the repeats). Keypress: ms to "
           "the answer (MkDocs: settled).", "",
           "| query | Minutebook | Pagefind | MkDocs | keypress MB / PF / MkDocs |", "|---|---:|---:|---:|---:|"]

    def cell(v: dict[str, Any]) -> str:
        if not v:
            return "-"
        ms, by = _shown(v)
        if ms is None:
            return "timeout"
        return f"{v.get('results', '-')} / {ms:.0f} / {_kb(by)}"

    for query in queries:
        keys = " / ".join(_s0((kp[e].get(query) or {}).get("settled_ms" if e == "mkdocs" else "answer_ms"))
                          for e in ENGINES)
        out.append(f"| {query} | {cell(cold['minutebook'].get(query) or {})} | {cell(cold['pagefind'].get(query) or {})} "
                   f"| {cell(cold['mkdocs'].get(query) or {})} | {keys} |")
    out.append("")
    return out


def results_markdown(reports: list[dict[str, Any]]) -> str:
    reports = sorted(reports, key=lambda r: r["meetings"])
    info = reports[-1].get("machine") or {}
    out = ["# Issue 7 bench results", "",
           "Written by `bench/run.py` (how each figure is measured: `bench/README.md`, \"run.py\"). "
           "Edit the script, not this file.", "",
           "## Machine and versions", "",
           f"- {info.get('cpus')} cores, {info.get('cpu', '?')}, {info.get('memory_gb', '?')} GB RAM; {info.get('os', '?')}",
           f"- Python {info.get('python')}; Chromium {info.get('chromium')} (headless); Pagefind {info.get('pagefind')}; "
           f"MkDocs {info.get('mkdocs')} with lunr.js {((reports[-1].get('mkdocs') or {}).get('lunr_js')) or '?'}; "
           f"Minutebook's lunr.js {info.get('lunr_js_minutebook', '?')}, lunr.py {info.get('lunr_py', '?')}",
           f"- Minutebook commit {info.get('commit')}",
           f"- Queries: {len(reports[-1].get('queries') or [])} from {reports[-1].get('queries_from')}: "
           + ", ".join(f"`{q}`" for q in reports[-1].get("queries") or []),
           f"- Cold loads per query: {reports[-1].get('repeat')} (median kept), fresh browser context each; "
           "gzip level 6 from 127.0.0.1", "",
           "Absolute targets are the issue's for 10,000 meetings: at smaller sizes their verdict is in "
           "brackets, for information. Ratios are of medians over the queries.", "",
           "## Results", ""]
    for report in reports:
        out += size_section(report)
    out += per_query_section(reports[-1])
    return "\n".join(out).rstrip() + "\n"


# --- main ----------------------------------------------------------------------------------------


def run_size(n: int, args: argparse.Namespace, engines: set[str], queries: list[str], queries_from: str,
             lock: Lock) -> dict[str, Any]:
    folder = OUT / f"run{n}"
    path = OUT / f"run-{n}.json"
    previous = json.loads(path.read_text()) if path.is_file() else {}
    say(f"== {n:,} meetings: {', '.join(e for e in ENGINES if e in engines)}")
    content, generated = ensure_content(n, args.seed, folder, lock)
    report: dict[str, Any] = {"meetings": n, "seed": args.seed, "generator": generated, "queries": queries,
                              "queries_from": queries_from, "repeat": args.repeat, "content": content_stats(content)}
    if generated.get("generated") and engines != set(ENGINES):
        previous = {}  # new content: figures from an earlier archive would not compare
    lock.busy.clear()
    built = set() if args.browser_only else engines
    if "minutebook" in built:
        built_from = sb.machine().get("commit")  # the code as built: the tree may change while the rest runs
        report["minutebook"] = minutebook_phase(folder, content, args, lock)
    elif "pagefind" in engines and not (folder / "site" / "index.html").is_file():
        raise SystemExit(f"no Minutebook site in {folder}: run without --only or --browser-only first")
    if "pagefind" in built:
        report["pagefind"] = pagefind_phase(folder, lock)
    if "mkdocs" in built:
        report["mkdocs"] = mkdocs_phase(folder, content, args, lock)
    browser = browser_phase(folder, queries, engines, args, lock)
    report["browser"] = {**(previous.get("browser") or {}), **browser}
    for engine in ENGINES:  # figures of engines not built now: kept from the last run
        if engine not in built and previous.get(engine):
            report[engine] = previous[engine]
            report.setdefault("kept_from_earlier_run", []).append(engine)
    report["cpu_busy_before"] = dict(lock.busy)
    report["machine"] = machine(report["browser"].get("chromium"))
    if "minutebook" in built:
        report["machine"]["commit"] = built_from
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    say(f"  -> {path.relative_to(ROOT)}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="cold loads per query and engine (median kept)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuilds", type=int, default=3,
                        help="times the one-meeting edit is made and undone, each rebuilt (median kept)")
    parser.add_argument("--skip-mkdocs", action="store_true")
    parser.add_argument("--only", choices=ENGINES, help="run one engine; keep the others' figures from the last run")
    parser.add_argument("--timeout", type=int, default=300, help="seconds for one Minutebook or Pagefind search")
    parser.add_argument("--mkdocs-timeout", type=float, default=60.0, help="seconds for one MkDocs search")
    parser.add_argument("--lock", default="/work/notes/heavy.lock", help="flock file for heavy phases ('' for none)")
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"),
                        help="the Python with Minutebook's requirements (default: .venv)")
    parser.add_argument("--browser-only", action="store_true",
                        help="measure in Chromium only, on the sites already built; keep the build figures")
    parser.add_argument("--report", action="store_true", help="only rewrite RESULTS.md from saved run-<N>.json")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.report:
        return write_results(args.sizes, since=0.0)
    engines = {args.only} if args.only else set(ENGINES) - ({"mkdocs"} if args.skip_mkdocs else set())
    queries, queries_from = list(make_archive.QUERIES), "make_archive.QUERIES"
    lock = Lock(args.lock)
    say(f"bench/run.py: sizes {args.sizes}, {len(queries)} queries ({queries_from}), repeat {args.repeat}"
        + (f"; lock {args.lock}" + (" (held by a parent)" if lock.inherited else "") if args.lock else ""))
    started, failed = time.time(), []
    for n in args.sizes:
        try:
            run_size(n, args, engines, queries, queries_from, lock)
        except (Exception, SystemExit) as error:  # one size failing must not lose the others
            traceback.print_exc()
            say(f"!! {n:,} meetings failed: {error}; going on with the next size")
            failed.append(n)
        write_results(args.sizes, since=started, quiet=True)
    write_results(args.sizes, since=started)
    if failed:
        say(f"failed sizes: {failed}")
    return 1 if failed else 0


def write_results(sizes: list[int], *, since: float, quiet: bool = False) -> int:
    """RESULTS.md from the run-<N>.json of these sizes written since ``since`` (this run's)."""
    paths = [OUT / f"run-{n}.json" for n in sizes]
    reports = [json.loads(p.read_text()) for p in paths if p.is_file() and p.stat().st_mtime >= since]
    if reports:
        RESULTS.write_text(results_markdown(reports))
        if not quiet:
            say(f"wrote {RESULTS.relative_to(ROOT)}")
            print(results_markdown(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
