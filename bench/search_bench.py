#!/usr/bin/env python3
"""Minutebook's search (prebuilt lunr shards) against Pagefind, on synthetic archives, in Chromium.

Usage:
    .venv/bin/python bench/search_bench.py --meetings 100 [--meetings 1000 ...] [--queries Q ...]
        [--repeat 3] [--seed 1] [--skip-build] [--skip-pagefind] [--skip-browser] [--gzip-level 6]

For each size N:

1. Generate N synthetic meetings with bench/synthetic.py into bench/out/syn<N>/content
   (kept while N, the seed and synthetic.py are unchanged).
2. Build the site with Minutebook's own command line (build.py build) into
   bench/out/syn<N>/site: wall time, peak RSS (largest single process, from wait4, and
   the whole process tree, sampled from /proc every 0.1 s: the search indexes are built
   in a process pool), seconds per pipeline stage, the build's summary line.  The build
   runs with bench/out/syn<N>/ as its working folder, so its search-index cache
   (build/cache) is bench/out/syn<N>/build/cache, which is emptied first: a cold build.
3. Index the same built site with Pagefind 1.5.2 (installed into bench/out/venv, made if
   missing): python -m pagefind --site <site> --output-subdir pagefind; wall time, RSS,
   bundle size.
4. Serve the site on 127.0.0.1 (ThreadingHTTPServer in a thread), gzip-compressing
   .html/.js/.mjs/.css/.json/.svg/.txt on the fly when the client accepts it (compressed
   once, then from memory, so compression time is not measured), and in Chromium
   (Playwright) measure, per query, with a fresh browser context each time (cold cache):
   * Minutebook: load /search/?q=<query>; bytes transferred (headers + encoded body of
     every response, from Playwright's request.sizes()) and time from navigation start
     until the first `#search-results li` is in the DOM, and until the search is complete
     (every shard loaded: `#search-status` no longer says "so far" or "Loading").
   * Pagefind: a minimal page (served by the bench at /__bench/pagefind.html, not written
     into the site) that imports /pagefind/pagefind.js, runs pagefind.search(q) and loads
     the first 5 results' data(); bytes and time until those 5 are in the DOM.  The same
     page then runs every other query warm (bundle already loaded) for comparison.
   * Minutebook keypress-to-results, everything loaded: focus `#search-q`, clear it, type
     the query (80 ms between keys) and take the time from the last keydown
     (event.timeStamp) to the first mutation of `#search-results`/`#search-status`
     (and to the next frame, "paint"); --repeat times per query, medians reported.
5. Write bench/out/search-bench-<N>.json and print a table.

Times are medians of --repeat cold loads.  Chromium runs headless with the flags the
project's browser tests use; 127.0.0.1 has no network latency, so times are CPU-bound
(parsing JSON, lunr.Index.load, wasm) and bytes are what a host would send (gzip, not
brotli).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import http.server
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PAGEFIND_VERSION = "1.5.2"
sys.path.insert(0, str(BENCH))
from synthetic import QUERY_SURNAME  # noqa: E402

DEFAULT_QUERIES = ["risk register", "brexit", QUERY_SURNAME, "libraries", "council tax"]
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".xml"}


# --- processes: wall time, peak RSS ------------------------------------------------------------


@dataclass
class Run:
    argv: list[str]
    seconds: float
    returncode: int
    max_rss_mb: float
    """Largest single process (ru_maxrss from wait4: the child and the children it waited for)."""
    tree_rss_mb: float
    """Largest sum of RSS over the process tree, sampled every 0.1 s (counts fork-shared pages once per process)."""
    tree_pss_mb: float
    """Largest sum of PSS over the process tree, sampled with it: the memory the tree really holds."""
    cpu_seconds: float
    """User + system CPU time of the child and the children it waited for (less sensitive than
    wall time to other work on the machine)."""
    stdout: str
    stderr: str


SAMPLE_SECONDS = 0.5
"""How often memory is sampled. Reading smaps_rollup walks a process's page tables (17 ms for a process
of 1.6 GB here): every 0.1 s that took a tenth or more of a core from the build being timed. Peaks last
seconds. A Minutebook build is watched by one sampler only, its stages' (build_child), which also keeps
the whole tree's peak, instead of a second one in run_measured."""


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) over ``root`` and its descendants, in kB.

    Forked workers share their parent's pages until either writes to them, and RSS counts a
    shared page in every process that maps it; PSS divides it among them, so the sum of PSS is
    the memory the tree really holds (what a container's memory limit charges).
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


def run_measured(argv: list[str], cwd: Path, log_prefix: Path, *, sample: bool = True) -> Run:
    """Run argv, timing it and (if ``sample``) tracking the process tree's peak memory; stdout/stderr go
    to files (no pipe deadlock)."""
    out_path, err_path = log_prefix.with_suffix(".stdout"), log_prefix.with_suffix(".stderr")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err)
        peak = [0, 0]
        done = threading.Event()

        def sample_tree() -> None:
            while not done.is_set():
                rss, pss = _tree_memory_kb(proc.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample_tree, daemon=True)
        if sample:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        if sample:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(argv, seconds, proc.returncode, usage.ru_maxrss / 1024, peak[0] / 1024, peak[1] / 1024,
               usage.ru_utime + usage.ru_stime,
               out_path.read_text(errors="replace"), err_path.read_text(errors="replace"))


def cpu_busy(seconds: float = 2.0) -> float:
    """Fraction of all CPUs busy over ``seconds`` (from /proc/stat): other work skews timings."""
    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields), idle

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return round(1 - (idle1 - idle0) / max(1, total1 - total0), 2)


def wait_for_quiet(limit_s: float, label: str) -> float:
    """Wait (up to limit_s) until under 25% of the CPUs are busy; return the last reading."""
    deadline = time.monotonic() + limit_s
    busy = cpu_busy()
    while busy > 0.25 and time.monotonic() < deadline:
        print(f"  ({label}: CPUs {busy:.0%} busy with other work; waiting)", flush=True)
        time.sleep(10)
        busy = cpu_busy()
    return busy


def file_creation_seconds(folder: Path, files: int = 2000, size: int = 8192) -> float:
    """Seconds to create ``files`` small files (no fsync) in ``folder``/.disk-probe.

    They are left there for the next cold build's clean-up: deleting them now would slow the build
    that follows (see forget_deleted_files)."""
    scratch = folder / ".disk-probe"
    scratch.mkdir(parents=True, exist_ok=True)
    data = b"x" * size
    started = time.perf_counter()
    for n in range(files):
        (scratch / f"{n}.html").write_bytes(data)
    return time.perf_counter() - started


def forget_deleted_files(content: Path, python: str) -> bool:
    """Make creating files as fast as on a fresh machine after removing the last build; False if not allowed.

    Deleting the last build's ~120,000 files leaves creating new ones twenty times slower in kernel
    time (2,000 files of 8 kB: 1.2-1.4 s instead of 0.066 s) for minutes: ext4 does not reuse an inode
    deleted less than 60 s ago (300 s while its inode-table block is dirty), and to find that out it
    scans every recently deleted inode whose block is still in the buffer cache (``recently_deleted``,
    seen with perf). A newcomer's first build does not follow such a delete. After ``sync``, dropping
    the page cache (``vm.drop_caches=3``, root only) forgets those blocks; the content is then read
    again and Minutebook imported once, so that both are cached as before.
    """
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    for path in content.rglob("*"):
        if path.is_file():
            path.read_bytes()
    subprocess.run([python, "-c", "import minutebook.pipeline"], cwd=ROOT, check=True)
    return True


# --- 1. the synthetic archive ------------------------------------------------------------------


def ensure_content(n: int, seed: int) -> tuple[Path, dict[str, Any]]:
    folder = OUT / f"syn{n}"
    content = folder / "content"
    stamp = folder / "content.stamp"
    key = f"{n} {seed} {hashlib.sha256((BENCH / 'synthetic.py').read_bytes()).hexdigest()}"
    if stamp.is_file() and stamp.read_text() == key and len(list(content.glob("*.txt"))) == n:
        return content, {"generated": False}
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(BENCH / "synthetic.py"), str(n), str(content), "--seed", str(seed),
                    "--expected", str(folder / "expected.json")], check=True)
    stamp.write_text(key)
    return content, {"generated": True, "seconds": round(time.perf_counter() - started, 2)}


def content_stats(content: Path) -> dict[str, Any]:
    sizes = sorted(p.stat().st_size for p in content.glob("*.txt"))
    return {"documents": len(sizes), "bytes": sum(sizes), "median_doc_bytes": sizes[len(sizes) // 2],
            "min_doc_bytes": sizes[0], "max_doc_bytes": sizes[-1]}


# --- 2. Minutebook's build, instrumented ----------------------------------------------------------


def build_child(content: str, out: str, stages_path: str) -> NoReturn:
    """Run build.py's command line in this process, timing each pipeline stage; then end the process.

    Every function pipeline.py calls from another minutebook module is wrapped (so new
    stages are timed as they appear, by name), and inside linking, people and topic
    resolution.  ``stages`` has every wrapped function's time (nested calls counted in
    their own line too); ``top`` only the outermost ones, which add up to the build.
    """
    import types

    sys.path.insert(0, str(ROOT))
    import minutebook.pipeline as pipeline

    times: dict[str, float] = {}
    top: dict[str, float] = {}
    cpu: dict[str, float] = {}
    calls: dict[str, int] = {}
    depth = [0]
    current: list[str] = ["outside stages"]
    peaks: dict[str, int] = {}
    tree = [0, 0]  # the whole run's peak (sum of RSS, sum of PSS), kB
    done = threading.Event()

    def measure(label: str) -> None:
        rss, pss = _tree_memory_kb(os.getpid())
        peaks[label] = max(peaks.get(label, 0), pss)
        tree[0], tree[1] = max(tree[0], rss), max(tree[1], pss)

    def sample() -> None:  # peak PSS of this process and its children, by outermost stage running
        while not done.is_set():
            measure(current[0])
            done.wait(SAMPLE_SECONDS)

    def wrap(label: str, fn: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started, started_cpu = time.perf_counter(), time.process_time()
            depth[0] += 1
            if depth[0] == 1:
                current[0] = label
            try:
                return fn(*args, **kwargs)
            finally:
                depth[0] -= 1
                spent = time.perf_counter() - started
                times[label] = times.get(label, 0.0) + spent
                if depth[0] == 0:
                    top[label] = top.get(label, 0.0) + spent
                    measure(label)
                    current[0] = "outside stages"
                cpu[label] = cpu.get(label, 0.0) + time.process_time() - started_cpu
                calls[label] = calls.get(label, 0) + 1
        return timed

    for name, obj in list(vars(pipeline).items()):
        module = getattr(obj, "__module__", "") or ""
        if isinstance(obj, types.FunctionType) and module.startswith("minutebook.") and module != pipeline.__name__:
            setattr(pipeline, name, wrap(name, obj))
    from minutebook.render import PageWriter  # pages are written by whichever process takes them, through this method

    PageWriter.write = wrap("render_pages", PageWriter.write)  # type: ignore[method-assign]
    for module_name, names in (("minutebook.people", ("resolve_people", "find_mentions")),
                               ("minutebook.topics", ("assign_topics",)),
                               ("minutebook.relink", ("understand_again", "keep"))):
        try:
            module = sys.modules.get(module_name) or __import__(module_name, fromlist=["_"])
        except ImportError:
            continue
        for name in names:
            if hasattr(module, name):
                setattr(module, name, wrap(f"link.{name}", getattr(module, name)))
    spec = importlib.util.spec_from_file_location("minutebook_build_cli", ROOT / "build.py")
    assert spec and spec.loader
    cli_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli_module)
    started = time.perf_counter()
    code = 0
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        cli_module.cli(["build", "--content", content, "--out", out, "--config", str(ROOT / "minutebook.toml"),
                        "--quiet"], standalone_mode=True)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    finally:
        done.set()
        sampler.join()
        Path(stages_path).write_text(json.dumps({
            "total": time.perf_counter() - started,
            "peak_pss_mb": {k: round(v / 1024, 1) for k, v in peaks.items()},
            "tree_peak_mb": {"rss": round(tree[0] / 1024, 1), "pss": round(tree[1] / 1024, 1)},
            "stages": {k: round(v, 3) for k, v in times.items()},
            "top": {k: round(v, 3) for k, v in top.items()},
            "stages_cpu": {k: round(v, 3) for k, v in cpu.items()}, "calls": calls}, indent=1))
    cli_module.end(code)  # as build.py ends (its main): the archive is not freed object by object


_SUMMARY = re.compile(
    r"(?P<meetings>\d+) meetings \((?P<undated>\d+) undated\), (?P<people>\d+) people, (?P<topics>\d+) topics, "
    r"(?P<committees>\d+) committees; (?P<errors>\d+) errors, (?P<warnings>\d+) warnings"
    r"(?:; published to .* in (?P<seconds>[\d.]+) s)?")


def measured_build(folder: Path, content: Path, site: Path, python: str, *, label: str = "build",
                   cold: bool = True) -> dict[str, Any]:
    """One instrumented `build.py build` run with ``folder`` as its working folder.

    Its cache is ``folder/build/cache`` (build.py keeps it relative to the working folder);
    ``cold`` empties it first, and removes the last build's site and its spare copy, which a
    build otherwise brings up to date (minutebook/publish.py): a cold build starts from nothing,
    so it cannot keep the last search index or leave unchanged files unwritten; then the deleted
    files are forgotten (forget_deleted_files) and file creation is timed once.  Wall and CPU
    time, peak RSS (largest process and process tree), seconds per stage, and the build's
    summary line.
    """
    if cold:
        for earlier in (folder / "build" / "cache", site, site.parent / f".{site.name}.spare", folder / ".disk-probe"):
            shutil.rmtree(earlier, ignore_errors=True)
        forgotten = forget_deleted_files(content, python)
        probe_s = round(file_creation_seconds(folder), 3)
    stages = folder / f"{label}-stages.json"
    stages.unlink(missing_ok=True)
    run = run_measured([python, str(Path(__file__).resolve()), "--_build-child", str(content.resolve()),
                        str(site.resolve()), str(stages.resolve())], folder, folder / label, sample=False)
    summary = _SUMMARY.search(run.stdout)
    result: dict[str, Any] = {
        "seconds": round(run.seconds, 2), "cpu_seconds": round(run.cpu_seconds, 2), "returncode": run.returncode,
        "max_rss_mb": round(run.max_rss_mb, 1), "tree_rss_mb": round(run.tree_rss_mb, 1),
        "tree_pss_mb": round(run.tree_pss_mb, 1), "cold": cold,
        "summary": run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "",
    }
    if cold:
        result["dropped_caches"], result["create_2000_files_s"] = forgotten, probe_s
    if summary:
        result.update({k: int(v) for k, v in summary.groupdict().items() if v is not None and k != "seconds"})
        result["pipeline_seconds"] = float(summary.group("seconds")) if summary.group("seconds") else None
    if stages.is_file():
        data = json.loads(stages.read_text())
        result["in_process_seconds"] = round(data["total"], 2)
        result["stages"] = data["stages"]
        result["stages_top"] = data.get("top", data["stages"])
        result["stage_peak_pss_mb"] = data.get("peak_pss_mb")
        result["tree_rss_mb"], result["tree_pss_mb"] = data["tree_peak_mb"]["rss"], data["tree_peak_mb"]["pss"]
        result["stages_cpu"] = data.get("stages_cpu")
        result["stage_calls"] = data.get("calls")
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"the build in {folder} failed (exit {run.returncode})")
    problems = [line for line in run.stdout.splitlines() if ": warning:" in line or ": error:" in line]
    result["problem_lines"] = problems[:20]
    return result


def build_site(n: int, content: Path, python: str) -> dict[str, Any]:
    folder = OUT / f"syn{n}"
    site = folder / "site"
    result = measured_build(folder, content, site, python)  # cold: nothing from an earlier build
    result["site"] = site_stats(site)
    return result


def site_stats(site: Path) -> dict[str, Any]:
    """Files and bytes of the site (less any Pagefind bundle) and of its search/ folder.

    search/ is counted by folder, whatever its files are called; a manifest, if there is
    one, also gives per-shard sizes.
    """
    files = [p for p in site.rglob("*") if p.is_file() and "pagefind" not in p.relative_to(site).parts]
    search = [p for p in (site / "search").rglob("*") if p.is_file()] if (site / "search").is_dir() else []
    shards = []
    manifest = next((p for p in sorted(search) if p.name.startswith("manifest.") and p.suffix == ".json"), None)
    if manifest:
        try:
            data = json.loads(manifest.read_text())
            for shard in data.get("shards", []) if isinstance(data, dict) else []:
                path = site / str(shard["url"]).lstrip("/")
                raw = path.read_bytes()
                shards.append({"name": shard["name"], "documents": shard.get("documents"), "bytes": len(raw),
                               "gzip_bytes": len(gzip.compress(raw, 6))})
        except (OSError, ValueError, KeyError, TypeError):
            shards = []
    return {
        "files": len(files), "bytes": sum(p.stat().st_size for p in files),
        "html_pages": sum(1 for p in files if p.suffix == ".html"),
        "search_files": len(search), "search_bytes": sum(p.stat().st_size for p in search),
        "manifest_bytes": manifest.stat().st_size if manifest else None, "shards": shards,
    }


# --- 3. Pagefind -----------------------------------------------------------------------------------


def pagefind_python() -> str:
    venv = OUT / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = subprocess.run([str(python), "-m", "pagefind", "--version"], capture_output=True, text=True)
    if check.returncode != 0 or PAGEFIND_VERSION not in check.stdout:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        f"pagefind[bin]=={PAGEFIND_VERSION}"], check=True)
    return str(python)


def pagefind_index(n: int, site: Path) -> dict[str, Any]:
    python = pagefind_python()
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    run = run_measured([python, "-m", "pagefind", "--site", str(site.resolve()), "--output-subdir", "pagefind"],
                       site.parent, site.parent / "pagefind")
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"pagefind failed on {site}")
    bundle = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    indexed = re.search(r"Indexed (\d+) pages", run.stdout)
    words = re.search(r"Indexed (\d+) words", run.stdout)
    return {
        "version": PAGEFIND_VERSION, "seconds": round(run.seconds, 2), "cpu_seconds": round(run.cpu_seconds, 2),
        "max_rss_mb": round(run.max_rss_mb, 1),
        "tree_rss_mb": round(run.tree_rss_mb, 1), "tree_pss_mb": round(run.tree_pss_mb, 1),
        "pages": int(indexed.group(1)) if indexed else None,
        "words": int(words.group(1)) if words else None, "bundle_files": len(bundle),
        "bundle_bytes": sum(p.stat().st_size for p in bundle),
        "index_chunks": sum(1 for p in bundle if p.suffix == ".pf_index"),
        "fragments": sum(1 for p in bundle if p.suffix == ".pf_fragment"),
    }


# --- 4. the server ---------------------------------------------------------------------------------

PAGEFIND_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Pagefind bench</title></head>
<body><main><input id="q" type="search" autocomplete="off">
<p id="status">Searching…</p><ol id="results"></ol></main>
<script type="module">
const list = document.getElementById("results");
const box = document.getElementById("q");
let latest = 0;
async function run(q, typed) {
  const mine = ++latest;
  const t0 = performance.now();
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  const tInit = performance.now();
  const search = await pagefind.search(q);
  const tSearch = performance.now();
  const data = await Promise.all(search.results.slice(0, 5).map((r) => r.data()));
  const tData = performance.now();
  if (typed && mine !== latest) { return null; }  // a later keypress has its own search
  const items = data.map((d) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = d.url;
    a.textContent = (d.meta && d.meta.title) || d.url;
    li.append(a);
    return li;
  });
  list.replaceChildren(...items);
  document.getElementById("status").textContent = search.results.length + " results for " + q;
  return { count: search.results.length, start: t0, init: tInit, search: tSearch, data: tData,
           done: performance.now(), titles: data.map((d) => (d.meta && d.meta.title) || d.url) };
}
window.__pfRun = run;
box.addEventListener("input", () => {
  if (box.value.trim()) { run(box.value, true); } else { latest++; list.replaceChildren(); }
});
const q = new URLSearchParams(location.search).get("q") || "";
box.value = q;
window.__pf = await run(q, false);
</script></body></html>
"""


class _Gzipped:
    """Compressed bodies, made once per file (keyed by path, size and mtime)."""

    def __init__(self, level: int) -> None:
        self.level = level
        self.cache: dict[tuple[str, int, int], bytes] = {}
        self.lock = threading.Lock()

    def get(self, path: Path) -> bytes:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        with self.lock:
            found = self.cache.get(key)
        if found is None:
            found = gzip.compress(path.read_bytes(), self.level, mtime=0)
            with self.lock:
                self.cache[key] = found
        return found


def make_handler(site: Path, gzipped: _Gzipped) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        # Connections kept alive as a static host keeps them (HTTP/1.0 would open one per file),
        # and without Nagle's delay on the small writes of headers and body.
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                          ".mjs": "text/javascript", ".json": "application/json", ".wasm": "application/wasm"}

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            if url.path == "/__bench/pagefind.html":
                self._send(PAGEFIND_PAGE.encode(), "text/html; charset=utf-8", compress=True)
                return
            path = Path(self.translate_path(url.path))
            if path.is_dir():
                if not url.path.endswith("/"):
                    super().do_GET()  # the redirect to the slash
                    return
                path = path / "index.html"
            if not path.is_file():
                super().do_GET()  # 404
                return
            ctype = self.guess_type(str(path))
            if ctype.startswith("text/") or ctype in ("application/json", "text/javascript"):
                ctype += "; charset=utf-8" if "charset" not in ctype else ""
            if path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
                self._send(gzipped.get(path), ctype, compress=False, encoding="gzip")
            else:
                self._send(path.read_bytes(), ctype, compress=False)

        def _send(self, body: bytes, ctype: str, *, compress: bool, encoding: str | None = None) -> None:
            if compress and "gzip" in self.headers.get("Accept-Encoding", ""):
                body, encoding = gzip.compress(body, gzipped.level, mtime=0), "gzip"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)

    return Handler


class Server:
    def __init__(self, site: Path, gzip_level: int) -> None:
        self.gzipped = _Gzipped(gzip_level)
        self.site = site
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(site, self.gzipped))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def prewarm(self, names: tuple[str, ...] = ("search", "assets", "pagefind")) -> float:
        """Compress everything the search pages fetch before measuring, as a host's cache would have it."""
        started = time.perf_counter()
        for folder in (self.site / name for name in names):
            if folder.is_dir():
                for path in folder.rglob("*"):
                    if path.is_file() and path.suffix in COMPRESSIBLE:
                        self.gzipped.get(path)
        return time.perf_counter() - started


# --- 5. Chromium -----------------------------------------------------------------------------------

# Runs before the page's own scripts: note when the first result and the final status appear.
WATCH_SEARCH = """
(() => {
  performance.setResourceTimingBufferSize(5000);
  const state = window.__mb = { first: null, firstMeeting: null, final: null, status: [], results: null };
  const check = () => {
    const now = performance.now();
    if (state.first === null && document.querySelector('#search-results li')) { state.first = now; }
    if (state.firstMeeting === null && document.querySelector('#search-results li a[href^="/meetings/"]')) {
      state.firstMeeting = now;
    }
    const box = document.getElementById('search-status');
    const text = box ? box.textContent.trim() : '';
    if (text && (state.status.length === 0 || state.status[state.status.length - 1][1] !== text)) {
      state.status.push([now, text]);
      if (!/so far|Loading/.test(text)) {
        state.final = now;
        const m = text.match(/([\\d,]+) results?\\b/);
        state.results = m ? Number(m[1].replace(/,/g, '')) : 0;
      } else { state.final = null; }
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
})();
"""

# In a loaded page: the last keydown's timestamp on ``input`` and the first mutation of any of
# ``targets`` after it (and the next frame after that, and the last mutation so far); with a
# ``status`` element, also when it first names the whole query (``window.__kp.expect``) and
# no longer says "so far" or "Loading": the answer to what was typed.
WATCH_KEYS = """
([inputSelector, targets, statusSelector]) => {
  const state = window.__kp = { lastKey: -1, mutation: null, paint: null, last: null, answer: null, expect: '' };
  const input = document.querySelector(inputSelector);
  input.addEventListener('keydown', (event) => {
    state.lastKey = event.timeStamp; state.mutation = null; state.paint = null; state.last = null;
    state.answer = null;
  }, true);
  const status = statusSelector ? document.querySelector(statusSelector) : null;
  const seen = () => {
    if (state.lastKey < 0) { return; }
    state.last = performance.now();
    if (state.mutation === null) {
      state.mutation = state.last;
      requestAnimationFrame(() => setTimeout(() => { state.paint = performance.now(); }, 0));
    }
    if (status && state.answer === null && state.expect) {
      const text = status.textContent;
      if (text.includes(state.expect) && !/so far|Loading/.test(text)) { state.answer = state.last; }
    }
  };
  const options = { childList: true, subtree: true, characterData: true };
  for (const selector of targets) { new MutationObserver(seen).observe(document.querySelector(selector), options); }
}
"""


# Every response the page received, on the page's own clock: transferSize is headers plus the
# encoded (gzip) body, as Resource Timing defines it.  A worker's own fetches are not here.
RESOURCE_TIMING = """
() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
  .filter((e) => !e.name.endsWith('/favicon.ico'))
  .map((e) => ({ path: new URL(e.name).pathname, transfer: e.transferSize, body: e.encodedBodySize,
                 end: e.responseEnd }))
"""


@dataclass
class Collected:
    requests: list[Any] = field(default_factory=list)

    def on_finished(self, request: Any) -> None:
        self.requests.append(request)

    def table(self) -> list[dict[str, Any]]:
        rows = []
        for request in self.requests:
            path = urlsplit(request.url).path
            if path == "/favicon.ico":
                continue
            sizes = request.sizes()
            timing = request.timing
            # A dedicated worker's own script is reported with a body of 0: take the length the
            # server sent (it always sends Content-Length, of the gzip body when compressed).
            response = request.response()
            length = int(response.headers.get("content-length", 0)) if response else 0
            body = max(sizes["responseBodySize"], length)
            rows.append({"path": path, "bytes": body + sizes["responseHeadersSize"], "body": body,
                         "end": timing["startTime"] + timing["responseEnd"]})
        return rows


@dataclass
class Wire:
    """Every response of one page load, on the page's clock (ms from navigation start).

    Responses the page saw are taken from Resource Timing (exact, on the page's clock);
    those it did not (a worker's fetches, and the worker's own script) from Playwright,
    whose wall-clock end times are moved onto the page's clock with performance.timeOrigin.
    """

    files: list[dict[str, Any]]

    @classmethod
    def of(cls, page: Any, collected: Collected) -> Wire:
        timings = page.evaluate(RESOURCE_TIMING)
        origin = float(page.evaluate("performance.timeOrigin"))
        files = [{"path": t["path"], "bytes": t["transfer"], "end_ms": round(t["end"], 1), "seen_by": "page"}
                 for t in timings]
        unmatched: dict[str, int] = {}
        for t in timings:
            unmatched[t["path"]] = unmatched.get(t["path"], 0) + 1
        for row in collected.table():
            if unmatched.get(row["path"], 0) > 0:
                unmatched[row["path"]] -= 1
                continue
            files.append({"path": row["path"], "bytes": row["bytes"], "end_ms": round(row["end"] - origin, 1),
                          "seen_by": "playwright"})
        return cls(sorted(files, key=lambda f: f["end_ms"]))

    def bytes_until(self, ms: float | None) -> int | None:
        if ms is None:
            return None
        return sum(int(f["bytes"]) for f in self.files if f["end_ms"] <= ms + 0.5)

    def total(self) -> int:
        return sum(int(f["bytes"]) for f in self.files)


def js_heap_mb(context: Any, page: Any) -> float:
    """The page's JavaScript heap in use after a forced garbage collection (CDP), in MB.

    Pagefind's wasm memory and a worker's heap are not in this figure."""
    session = context.new_cdp_session(page)
    session.send("HeapProfiler.enable")
    session.send("HeapProfiler.collectGarbage")
    used = float(session.send("Runtime.getHeapUsage")["usedSize"])
    session.detach()
    return round(used / 1e6, 1)


def _wait(page: Any, expression: str, timeout_ms: int) -> bool:
    """Wait for a page expression to be truthy; False on timeout (recorded, not raised)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(expression, timeout=timeout_ms, polling=50)
    except PlaywrightTimeout:
        return False
    _network_idle(page, timeout_ms)
    return True


def _network_idle(page: Any, timeout_ms: int) -> None:
    """Once a page has answered, let what it still fetches end (bounded), so the next load starts clean."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=max(1000, timeout_ms // 4))


LOADED = "__bench_loaded__"


def open_and_wait(page: Any, url: str, expression: str, timeout_ms: int) -> bool:
    """Open ``url`` in a fresh page and wait until ``expression`` holds; False on timeout.

    The page says when, with a 20 ms timer of its own and a console message: _wait would have
    Playwright inject its own script into the page first (wait_for_function's helper, 6-12 ms of
    compiling and running on the page's main thread in Chromium traces), in the middle of the load
    being timed, and the page's own scripts would wait for it. Minutebook, Pagefind and MkDocs are
    all opened this way. Once loaded, the page waits for the network to be idle, as _wait does.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.add_init_script(f"(() => {{ const timer = setInterval(() => {{ if ({expression}) {{"
                         f" clearInterval(timer); console.debug({json.dumps(LOADED)}); }} }}, 20); }})();")
    try:
        with page.expect_event("console", predicate=lambda message: message.text == LOADED, timeout=timeout_ms):
            page.goto(url, wait_until="commit")
    except PlaywrightTimeout:
        return False
    _network_idle(page, timeout_ms)
    return True


def minutebook_cold(browser: Any, base: str, query: str, timeout_ms: int) -> dict[str, Any]:
    """A fresh context loads /search/?q=: time and bytes to the first result, and to the complete answer."""
    context = browser.new_context()
    collected = Collected()
    context.on("requestfinished", collected.on_finished)
    page = context.new_page()
    page.add_init_script(WATCH_SEARCH)
    finished = open_and_wait(page, f"{base}/search/?q={quote(query)}", "window.__mb && window.__mb.final !== null",
                             timeout_ms)
    mb = page.evaluate("window.__mb")
    wire = Wire.of(page, collected)
    heap = js_heap_mb(context, page)
    context.close()
    first, first_meeting = mb["first"], mb["firstMeeting"]
    # What the reader is first shown: the first result, or for a query with none, the final status.
    shown = first if first is not None else (mb["final"] if mb["results"] == 0 else None)
    return {
        "results": mb["results"], "status": mb["status"][-1][1] if mb["status"] else "",
        "timed_out": not finished,
        "first_ms": round(first, 1) if first is not None else None, "first_bytes": wire.bytes_until(first),
        "shown_ms": round(shown, 1) if shown is not None else None, "shown_bytes": wire.bytes_until(shown),
        "first_meeting_ms": round(first_meeting, 1) if first_meeting is not None else None,
        "first_meeting_bytes": wire.bytes_until(first_meeting),
        "complete_ms": round(mb["final"], 1) if mb["final"] is not None else None,
        "complete_bytes": wire.total(), "js_heap_mb": heap, "requests": len(wire.files), "files": wire.files,
    }


def keypress(page: Any, input_selector: str, targets: list[str], queries: list[str], repeat: int,
             timeout_ms: int, status: str | None = None) -> dict[str, Any]:
    """In a loaded page: clear the box, type each query (80 ms between keys), and time the last key.

    dom_ms: last keydown (event.timeStamp) to the first change of ``targets``; paint_ms: to the
    frame after it; settled_ms: to the last change before 500 ms without one; answer_ms (with
    ``status``): until the status names the whole query and no longer says "so far"/"Loading".
    """
    page.evaluate(WATCH_KEYS, [input_selector, targets, status])
    page.wait_for_function("true")  # Playwright's helper script, which _wait uses, goes in before any key is timed
    box = page.locator(input_selector)
    samples: dict[str, list[dict[str, float]]] = {}
    timeouts: list[str] = []
    answered = " && window.__kp.answer !== null" if status else ""
    for _ in range(repeat):
        for query in queries:
            box.focus()
            box.fill("")
            page.wait_for_timeout(150)
            page.evaluate("(q) => Object.assign(window.__kp, {lastKey: -1, mutation: null, paint: null, last: null,"
                          " answer: null, expect: q})", query)
            box.press_sequentially(query, delay=80)
            if not _wait(page, "window.__kp.paint !== null && window.__kp.last !== null"
                               f" && performance.now() - window.__kp.last > 500{answered}", timeout_ms):
                timeouts.append(query)
                continue
            kp = page.evaluate("window.__kp")
            sample = {"dom_ms": kp["mutation"] - kp["lastKey"], "paint_ms": kp["paint"] - kp["lastKey"],
                      "settled_ms": kp["last"] - kp["lastKey"]}
            if status:
                sample["answer_ms"] = kp["answer"] - kp["lastKey"]
            samples.setdefault(query, []).append(sample)
    keys = ("dom_ms", "paint_ms", "settled_ms") + (("answer_ms",) if status else ())
    per_query = {q: {**{k: round(statistics.median(s[k] for s in v), 1) for k in keys},
                     "samples_dom_ms": [round(s["dom_ms"], 1) for s in v]} for q, v in samples.items()}
    every = [s for v in samples.values() for s in v]
    out: dict[str, Any] = {"per_query": per_query, "typing_delay_ms": 80, "samples": len(every), "timeouts": timeouts}
    for key in ("dom_ms", "paint_ms", "settled_ms", "answer_ms"):
        out[f"median_{key}"] = round(statistics.median(s[key] for s in every), 1) if every and key in keys else None
    return out


def minutebook_keypress(browser: Any, base: str, queries: list[str], repeat: int, timeout_ms: int) -> dict[str, Any]:
    """The search page loaded (its first query answered), then type each query and time the last key."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(WATCH_SEARCH)
    open_and_wait(page, f"{base}/search/?q={quote(queries[0])}", "window.__mb && window.__mb.final !== null",
                  timeout_ms)
    result = keypress(page, "#search-q", ["#search-results", "#search-status"], queries, repeat, timeout_ms,
                      status="#search-status")
    context.close()
    return result


def pagefind_cold(browser: Any, base: str, query: str, others: list[str], timeout_ms: int) -> dict[str, Any]:
    """A fresh context loads the bench's Pagefind page: time and bytes until 5 results are in the DOM."""
    context = browser.new_context()
    collected = Collected()
    context.on("requestfinished", collected.on_finished)
    page = context.new_page()
    finished = open_and_wait(page, f"{base}/__bench/pagefind.html?q={quote(query)}", "window.__pf !== undefined",
                             timeout_ms)
    pf = page.evaluate("window.__pf || null")
    wire = Wire.of(page, collected)
    heap = js_heap_mb(context, page)
    warm: dict[str, Any] = {}
    for other in others:  # the same page, bundle loaded: a second search
        before = len(wire.files)
        result = page.evaluate("(q) => window.__pfRun(q, false)", other)
        page.wait_for_load_state("networkidle")
        after = Wire.of(page, collected)
        warm[other] = {"ms": round(result["done"] - result["start"], 1),
                       "bytes": sum(f["bytes"] for f in after.files[before:]), "count": result["count"]}
        wire = after
    context.close()
    if not finished or pf is None:
        return {"results": None, "timed_out": True, "first_ms": None, "first_bytes": None, "warm": warm}
    return {
        "results": pf["count"], "timed_out": False, "first_ms": round(pf["done"], 1),
        "import_ms": round(pf["init"], 1), "search_ms": round(pf["search"] - pf["init"], 1),
        "data_ms": round(pf["data"] - pf["search"], 1), "first_bytes": wire.bytes_until(pf["done"]),
        "total_bytes": wire.total(), "requests": len(wire.files), "js_heap_mb": heap, "titles": pf["titles"],
        "files": wire.files, "warm": warm,
    }


def pagefind_keypress(browser: Any, base: str, queries: list[str], repeat: int, timeout_ms: int) -> dict[str, Any]:
    """The bench's Pagefind page loaded (first query answered), then type each query into its box."""
    context = browser.new_context()
    page = context.new_page()
    open_and_wait(page, f"{base}/__bench/pagefind.html?q={quote(queries[0])}", "window.__pf !== undefined", timeout_ms)
    result = keypress(page, "#q", ["#results", "#status"], queries, repeat, timeout_ms, status="#status")
    context.close()
    return result


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium with the browser tests' options (tests/browser.launch_options)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.browser import launch_options

    executable = shutil.which("chromium") or "chromium"
    return playwright.chromium.launch(executable_path=executable, **launch_options(playwright, executable))


def browser_bench(site: Path, queries: list[str], repeat: int, gzip_level: int, pagefind: bool,
                  timeout_ms: int, minutebook: bool = True, warm_others: bool = True) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    has_search = (site / "search" / "index.html").is_file()
    out: dict[str, Any] = {"queries": queries, "repeat": repeat, "gzip_level": gzip_level, "minutebook": None,
                           "pagefind": None, "keypress": None, "pagefind_keypress": None}
    with Server(site, gzip_level) as server, sync_playwright() as p:
        out["prewarm_gzip_seconds"] = round(server.prewarm(), 2)
        browser = launch_chromium(p)
        out["chromium"] = browser.version
        if has_search and minutebook:
            minutebook_cold(browser, server.url, queries[0], timeout_ms)  # warm the server and the OS cache once
            out["minutebook"] = {}
            for query in queries:
                runs = [minutebook_cold(browser, server.url, query, timeout_ms) for _ in range(repeat)]
                out["minutebook"][query] = _median_runs(runs, ("shown_ms", "first_ms", "complete_ms", "first_meeting_ms"))
                print(f"    minutebook {query!r}: {_brief(out['minutebook'][query])}", flush=True)
            out["keypress"] = minutebook_keypress(browser, server.url, queries, repeat, timeout_ms)
            print(f"    keypress-to-results median {out['keypress']['median_answer_ms']} ms to the answer, "
                  f"{out['keypress']['median_dom_ms']} ms to the first change "
                  f"(next frame {out['keypress']['median_paint_ms']} ms, settled "
                  f"{out['keypress']['median_settled_ms']} ms)", flush=True)
        elif minutebook:
            out["minutebook_waiting"] = "no search page in this build (site/search/index.html)"
            print("    Minutebook search page not in this build: skipped", flush=True)
        if pagefind and (site / "pagefind" / "pagefind.js").is_file():
            pagefind_cold(browser, server.url, queries[0], [], timeout_ms)
            out["pagefind"] = {}
            for query in queries:
                others = [q for q in queries if q != query] if warm_others else []
                runs = [pagefind_cold(browser, server.url, query, others if i == 0 else [], timeout_ms)
                        for i in range(repeat)]
                merged = _median_runs(runs, ("first_ms",))
                merged["warm"] = runs[0]["warm"]
                out["pagefind"][query] = merged
                print(f"    pagefind {query!r}: {_brief(merged)}", flush=True)
            out["pagefind_keypress"] = pagefind_keypress(browser, server.url, queries, repeat, timeout_ms)
            print(f"    pagefind keypress-to-results median {out['pagefind_keypress']['median_answer_ms']} ms",
                  flush=True)
        browser.close()
    return out


def _median_runs(runs: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    """The run whose first key is the median; every run's times kept."""
    ordered = sorted(runs, key=lambda r: (r.get(keys[0]) is None, r.get(keys[0]) or 0))
    chosen = dict(ordered[len(ordered) // 2])
    for key in keys:
        values = [r[key] for r in runs if r.get(key) is not None]
        chosen[f"{key}_all"] = values
        if values:
            chosen[key] = round(statistics.median(values), 1)
    return chosen


def _brief(run: dict[str, Any]) -> str:
    parts = [f"{run.get('results')} results"]
    if run.get("first_ms") is not None:
        parts.append(f"first {run['first_ms']:.0f} ms / {_kb(run.get('first_bytes'))}")
    if run.get("complete_ms") is not None:
        parts.append(f"complete {run['complete_ms']:.0f} ms / {_kb(run.get('complete_bytes'))}")
    if run.get("timed_out"):
        parts.append("TIMED OUT")
    return ", ".join(parts)


def _kb(n: int | None) -> str:
    if n is None:
        return "-"
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


# --- 6. report ----------------------------------------------------------------------------------


def print_table(report: dict[str, Any]) -> None:
    n = report["meetings"]
    build = report.get("build") or {}
    pf = report.get("pagefind_index") or {}
    print(f"\n== {n:,} meetings ==")
    if build:
        stages = ", ".join(f"{k} {v:.1f}" for k, v in sorted(build.get("stages", {}).items(), key=lambda kv: -kv[1]))
        print(f"Minutebook build: {build['seconds']:.1f} s wall ({build.get('cpu_seconds', 0):.1f} s CPU), "
              f"peak RSS {build['max_rss_mb']:.0f} MB (process tree {build['tree_rss_mb']:.0f} MB); "
              f"{build.get('errors')} errors, {build.get('warnings')} warnings")
        print(f"  stages (s): {stages}")
        site = build.get("site", {})
        print(f"  site: {site.get('files')} files, {site.get('bytes', 0) / 1e6:.1f} MB; search/: "
              f"{site.get('search_files')} files, {site.get('search_bytes', 0) / 1e6:.2f} MB raw")
    if pf:
        print(f"Pagefind {pf['version']}: {pf['seconds']:.1f} s wall ({pf.get('cpu_seconds', 0):.1f} s CPU), "
              f"peak RSS {pf['max_rss_mb']:.0f} MB; "
              f"{pf['pages']} pages, bundle {pf['bundle_files']} files, {pf['bundle_bytes'] / 1e6:.1f} MB")
    browser = report.get("browser") or {}
    mb, pfq = browser.get("minutebook") or {}, browser.get("pagefind") or {}
    if mb or pfq:
        head = (f"{'query':<16} | {'MB results':>10} {'first ms':>9} {'first bytes':>11} {'all ms':>8} "
                f"{'all bytes':>10}"
                f" | {'PF results':>10} {'5 shown ms':>10} {'bytes':>10} {'warm ms':>8}")
        print(head)
        print("-" * len(head))
        for query in browser.get("queries", []):
            a, b = mb.get(query, {}), pfq.get(query, {})
            warm = [v["ms"] for v in (b.get("warm") or {}).values()]
            print(f"{query:<16} | {str(a.get('results', '-')):>10} {_ms(a.get('first_ms')):>9} "
                  f"{_kb(a.get('first_bytes')):>11} {_ms(a.get('complete_ms')):>8} "
                  f"{_kb(a.get('complete_bytes')):>10} | "
                  f"{str(b.get('results', '-')):>10} "
                  f"{_ms(b.get('first_ms')):>10} {_kb(b.get('first_bytes')):>10} "
                  f"{_ms(statistics.median(warm) if warm else None):>8}")
    if browser.get("keypress"):
        kp = browser["keypress"]
        print(f"Minutebook keypress-to-results (all shards loaded): median {kp['median_dom_ms']} ms to the first "
              f"results in the DOM, {kp['median_paint_ms']} ms to the next frame, "
              f"{kp.get('median_settled_ms', '-')} ms until they stop changing; first/settled per query: "
              + ", ".join(f"{q} {v['dom_ms']}/{v.get('settled_ms', '-')}" for q, v in kp["per_query"].items()))
    if browser.get("minutebook_waiting"):
        print(f"Minutebook side waiting: {browser['minutebook_waiting']}")


def markdown(reports: list[dict[str, Any]]) -> str:
    """The README's tables, from saved results."""
    out: list[str] = []
    sizes = [f"{r['meetings']:,}" for r in reports]
    out += ["| | " + " | ".join(sizes) + " |", "|---|" + "---:|" * len(reports)]

    def row(label: str, values: list[str]) -> None:
        out.append(f"| {label} | " + " | ".join(values) + " |")

    def get(r: dict[str, Any], *path: str) -> Any:
        value: Any = r
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    row("source documents (MB)", [f"{get(r, 'content', 'bytes') / 1e6:.1f}" for r in reports])
    row("meetings / people / topics / committees", [
        f"{get(r, 'build', 'meetings'):,} / {get(r, 'build', 'people')} / {get(r, 'build', 'topics'):,} / "
        f"{get(r, 'build', 'committees')}" for r in reports])
    row("build: errors / warnings", [f"{get(r, 'build', 'errors')} / {get(r, 'build', 'warnings')}" for r in reports])
    row("**Minutebook build, wall s** (CPU s)", [
        f"**{get(r, 'build', 'seconds'):.1f}** ({get(r, 'build', 'cpu_seconds'):.1f})" for r in reports])
    row("peak RSS, MB: largest process / process tree", [
        f"{get(r, 'build', 'max_rss_mb'):,.0f} / {get(r, 'build', 'tree_rss_mb'):,.0f}" for r in reports])
    stages = ["read_sources", "parse_document", "link_archive", "link.find_mentions", "link.assign_topics",
              "link.resolve_people", "build_search", "render_pages", "export_files", "publish"]
    for stage in stages:
        if any(get(r, "build", "stages", stage) is not None for r in reports):
            label = f"&nbsp;&nbsp;{stage.replace('link.', 'of which ')} s"
            row(label, [f"{get(r, 'build', 'stages', stage) or 0:.1f}" for r in reports])
    row("site: files / MB", [f"{get(r, 'build', 'site', 'files'):,} / {get(r, 'build', 'site', 'bytes') / 1e6:,.0f}"
                             for r in reports])
    row("search/: shards / MB raw / MB gzip", [
        f"{len(get(r, 'build', 'site', 'shards') or [])} / {get(r, 'build', 'site', 'search_bytes') / 1e6:.1f} / "
        f"{sum(s['gzip_bytes'] for s in get(r, 'build', 'site', 'shards') or []) / 1e6:.1f}" for r in reports])
    directory = [next((s["gzip_bytes"] for s in get(r, "build", "site", "shards") or [] if s["name"] == "directory"), 0)
                 for r in reports]
    row("directory shard gzip (kB)", [f"{size / 1e3:,.0f}" for size in directory])
    row("**Pagefind index, wall s** (CPU s)", [f"**{get(r, 'pagefind_index', 'seconds'):.1f}** "
                                              f"({get(r, 'pagefind_index', 'cpu_seconds') or 0:.1f})" for r in reports])
    row("Pagefind peak RSS MB", [f"{get(r, 'pagefind_index', 'max_rss_mb'):,.0f}" for r in reports])
    row("Pagefind pages / bundle files / MB", [
        f"{get(r, 'pagefind_index', 'pages'):,} / {get(r, 'pagefind_index', 'bundle_files'):,} / "
        f"{get(r, 'pagefind_index', 'bundle_bytes') / 1e6:.1f}" for r in reports])
    out.append("")
    queries = get(reports[0], "browser", "queries") or []
    out += ["| query | size | MB results | MB first result ms / bytes | MB first meeting or item ms / bytes "
            "| MB all years ms / bytes | MB JS heap MB | PF results | PF 5 results shown ms / bytes | PF warm ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for query in queries:
        for r in reports:
            a = get(r, "browser", "minutebook", query) or {}
            b = get(r, "browser", "pagefind", query) or {}
            warm = [v["ms"] for other in (get(r, "browser", "pagefind") or {}).values()
                    for q, v in (other.get("warm") or {}).items() if q == query]
            out.append(
                f"| {query} | {r['meetings']:,} | {a.get('results', '-')} "
                f"| {_ms(a.get('first_ms'))} / {_kb(a.get('first_bytes'))} "
                f"| {_ms(a.get('first_meeting_ms'))} / {_kb(a.get('first_meeting_bytes'))} "
                f"| {_ms(a.get('complete_ms'))} / {_kb(a.get('complete_bytes'))} | {a.get('js_heap_mb', '-')} "
                f"| {b.get('results', '-')} | {_ms(b.get('first_ms'))} / {_kb(b.get('first_bytes'))} "
                f"| {_ms(statistics.median(warm) if warm else None)} |")
    out.append("")
    out += ["| keypress to results, all shards loaded (median of queries x repeats) | " + " | ".join(sizes) + " |",
            "|---|" + "---:|" * len(reports)]
    row("first results in the DOM, ms", [f"{get(r, 'browser', 'keypress', 'median_dom_ms')}" for r in reports])
    row("next frame, ms", [f"{get(r, 'browser', 'keypress', 'median_paint_ms')}" for r in reports])
    row("settled (no change for 500 ms), ms", [f"{get(r, 'browser', 'keypress', 'median_settled_ms') or '-'}"
                                               for r in reports])
    slowest = [max(((q, v["dom_ms"]) for q, v in (get(r, "browser", "keypress", "per_query") or {}).items()),
                   key=lambda kv: kv[1], default=("-", "-")) for r in reports]
    row("slowest query (its median), ms", [f"{ms} ({q})" for q, ms in slowest])
    return "\n".join(out)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def bench_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n## {n:,} meetings", flush=True)
    content, generated = ensure_content(n, args.seed)
    report: dict[str, Any] = {"meetings": n, "seed": args.seed, "machine": machine(), "content": content_stats(content),
                              "generator": generated}
    folder = OUT / f"syn{n}"
    site = folder / "site"
    previous = OUT / f"search-bench-{n}.json"
    if args.skip_build and site.is_dir():
        old = json.loads(previous.read_text()) if previous.is_file() else {}
        report["build"] = old.get("build")
        report["build_skipped"] = True
        report["machine"]["commit_of_build"] = old.get("machine", {}).get("commit")
    else:
        busy = wait_for_quiet(args.wait_idle, "build")
        print("  building with Minutebook…", flush=True)
        report["build"] = build_site(n, content, args.python)
        report["build"]["cpu_busy_before"] = busy
        print(f"  {report['build']['summary']} ({report['build']['seconds']} s wall)", flush=True)
    if args.skip_pagefind:
        report["pagefind_index"] = None
    elif args.skip_build and args.reuse_pagefind and (site / "pagefind" / "pagefind.js").is_file():
        old = json.loads(previous.read_text()) if previous.is_file() else {}
        report["pagefind_index"] = old.get("pagefind_index")
    else:
        busy = wait_for_quiet(args.wait_idle, "pagefind")
        print("  indexing with Pagefind…", flush=True)
        report["pagefind_index"] = pagefind_index(n, site)
        report["pagefind_index"]["cpu_busy_before"] = busy
        print(f"  pagefind: {report['pagefind_index']['seconds']} s", flush=True)
    if not args.skip_browser:
        busy = wait_for_quiet(args.wait_idle, "browser")
        print("  measuring in Chromium…", flush=True)
        report["browser"] = browser_bench(site, args.queries, args.repeat, args.gzip_level,
                                          not args.skip_pagefind and args.side != "minutebook", args.timeout * 1000,
                                          minutebook=args.side != "pagefind")
        if args.side != "both" and previous.is_file():  # keep the other side's figures from the last run
            old_browser = json.loads(previous.read_text()).get("browser") or {}
            kept = ("pagefind",) if args.side == "minutebook" else ("minutebook", "keypress")
            for key in kept:
                report["browser"][key] = old_browser.get(key)
            report["browser"][f"{kept[0]}_from_earlier_run"] = True
        report["browser"]["cpu_busy_before"] = busy
        report["browser"]["cpu_busy_after"] = cpu_busy()
    previous.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print_table(report)
    print(f"  -> {previous.relative_to(ROOT)}")
    return report


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    try:
        cpu = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
        info["cpu"] = cpu.split(":", 1)[1].strip()
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        info["memory_gb"] = round(int(mem.split()[1]) / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "--", ".",
                            ":!bench/RESULTS.md"],  # the bench's own output, rewritten after each size
                           capture_output=True, text=True)
    info["commit"] = commit.stdout.strip() + ("+uncommitted changes" if dirty.stdout.strip() else "")
    return info


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_build-child"]:
        build_child(*argv[1:4])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--meetings", type=int, action="append", required=True, help="archive size (repeatable)")
    parser.add_argument("--queries", nargs="+", default=DEFAULT_QUERIES)
    parser.add_argument("--repeat", type=int, default=3, help="cold loads per query (median reported)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gzip-level", type=int, default=6)
    parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for one page's search")
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"),
                        help="the Python with Minutebook's requirements (default: .venv)")
    parser.add_argument("--skip-build", action="store_true", help="reuse bench/out/syn<N>/site if it exists")
    parser.add_argument("--skip-pagefind", action="store_true", help="no Pagefind at all")
    parser.add_argument("--reuse-pagefind", action="store_true",
                        help="with --skip-build: keep the site's Pagefind bundle and its recorded indexing figures")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--side", choices=("both", "minutebook", "pagefind"), default="both",
                        help="measure one side in the browser, keeping the other's figures from the last run")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="before each phase, wait up to this long for other work on the machine to stop "
                             "(the CPU share busy before each phase is recorded either way)")
    parser.add_argument("--markdown", nargs="?", const="", default=None, metavar="SUFFIX",
                        help="print the saved results for these sizes (search-bench-<N>[-SUFFIX].json) as Markdown "
                             "tables; run nothing")
    args = parser.parse_args(argv)
    if args.markdown is not None:
        suffix = f"-{args.markdown}" if args.markdown else ""
        print(markdown([json.loads((OUT / f"search-bench-{n}{suffix}.json").read_text()) for n in args.meetings]))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for n in args.meetings:
        bench_size(n, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
