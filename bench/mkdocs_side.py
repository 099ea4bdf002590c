#!/usr/bin/env python3
"""The MkDocs side of bench/run.py: the same archive as Markdown, built by MkDocs, searched with lunr.

Usage (run.py calls these; by hand for a look):
    .venv/bin/python bench/mkdocs_side.py markdown CONTENT DOCS   # the archive as Markdown pages

* Markdown: the archive is read with Minutebook's own reader (minutebook.pipeline.understand,
  so exactly what the site shows) and written as one page per meeting (committee, date, time
  and venue; attendance lists: chair, present, apologies, officers; then each item as a
  heading with its text, lists and tables, and its decisions under "Resolved"; exempt items
  by title and reason only), one page per committee listing its meetings, and a home page
  listing the committees.
* Build: ``mkdocs build`` (MkDocs 1.6.1, installed into bench/out/venv) with the built-in
  ``mkdocs`` theme and the built-in ``search`` plugin at its defaults: ``prebuild_index``
  off, so the browser downloads search/search_index.json (every page's text, and each
  heading's section again: ``indexing: full``) and builds the lunr index in a web worker.
  Two settings differ from a bare config, both to keep the comparison about search:
  ``nav`` lists the home page and the committee pages (without it every page's navigation
  bar lists every meeting, and the site grows with the square of the archive), and the
  theme's ``highlightjs`` is off (it loads highlight.js from a CDN, which a local bench
  cannot reach; the archive has no code to highlight).
* Search in Chromium: the ``mkdocs`` theme has no search page (``include_search_page:
  false``); its search is a modal on every page, opened and filled from ``?q=``.  So the
  bench opens ``/?q=<query>`` and waits for the first element in
  ``#mkdocs-search-results`` (an ``article`` per result, or "No results found").
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
MKDOCS_VERSION = "1.6.1"
sys.path.insert(0, str(BENCH))

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def esc(text: str) -> str:
    """Markdown-escape text so it renders as the words it is (MkDocs indexes the rendered text)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


# --- the archive as Markdown (runs in Minutebook's virtualenv) ----------------------------------


def write_markdown(content: Path, docs: Path) -> dict[str, int]:
    sys.path.insert(0, str(ROOT))
    from minutebook.pipeline import understand

    archive, _ = understand(content)
    names = {person.id: person.name for person in archive.people}
    shutil.rmtree(docs, ignore_errors=True)
    (docs / "meetings").mkdir(parents=True)
    (docs / "committees").mkdir()
    pages = 0
    for meeting in archive.meetings:
        (docs / "meetings" / f"{meeting.id}.md").write_text(meeting_page(meeting, names), encoding="utf-8")
        pages += 1
    by_id = {m.id: m for m in archive.meetings}
    for committee in archive.committees:
        lines = [f"# {esc(committee.name)}", ""]
        if committee.body:
            lines += [esc(committee.body), ""]
        for meeting_id in committee.meetings:
            listed = by_id.get(meeting_id)
            if listed is not None:
                when = listed.date.isoformat() if listed.date else "undated"
                lines.append(f"- [{when}](../meetings/{listed.id}.md)")
        (docs / "committees" / f"{committee.id}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        pages += 1
    home = ["# Committee minutes", "", f"{len(archive.meetings)} meetings of {len(archive.committees)} committees.", ""]
    home += [f"- [{esc(c.name)}](committees/{c.id}.md)" for c in archive.committees]
    (docs / "index.md").write_text("\n".join(home) + "\n", encoding="utf-8")
    return {"pages": pages + 1, "meetings": len(archive.meetings), "committees": len(archive.committees)}


def meeting_page(meeting: Any, names: dict[str, str]) -> str:
    when = meeting.date.strftime("%-d %B %Y") if meeting.date else "Undated"
    out = [f"# {esc(meeting.committee or meeting.body or 'Meeting')}, {when}", ""]
    facts = [f for f in (meeting.start_time, meeting.venue) if f]
    if facts:
        out += [esc(", ".join(facts)), ""]
    out += ["## Attendance", ""]
    for label, ids in (("Chair", (meeting.chair,) if meeting.chair else ()), ("Present", meeting.present),
                       ("Apologies", meeting.apologies), ("Officers", meeting.officers)):
        people = [names[i] for i in ids if i in names]
        if people:
            out += [f"**{label}:** " + ", ".join(esc(p) for p in people), ""]
    for item in meeting.items:
        out += [f"## {esc(item.number)}. {esc(item.title)}", ""]
        if item.exempt:  # title and reason only: an exempt item's content is never published
            out += ["*Exempt: not for publication.*" + (f" {esc(item.exempt_reason)}" if item.exempt_reason else ""),
                    ""]
            continue
        for block in item.blocks:
            out += block_lines(block)
        if item.resolutions:
            out += ["**Decision:**" if len(item.resolutions) == 1 else "**Decisions:**", ""]
            out += [f"{n}. {esc(r.text)}" for n, r in enumerate(item.resolutions, 1)]
            out.append("")
    return "\n".join(out) + "\n"


def block_lines(block: Any) -> list[str]:
    if block.kind == "list":
        return [f"- {esc(entry)}" for entry in block.entries] + [""]
    if block.kind == "table" and block.rows:
        width = max(len(row) for row in block.rows)
        rows = [[esc(cell) for cell in row] + [""] * (width - len(row)) for row in block.rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        return lines + ["| " + " | ".join(row) + " |" for row in rows[1:]] + [""]
    if block.kind == "heading":
        return [f"### {esc(block.text)}", ""]
    return [esc(block.plain_text()), ""] if block.plain_text().strip() else []


# --- MkDocs itself (in bench/out/venv) -----------------------------------------------------------


def mkdocs_python(venv: Path) -> str:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = subprocess.run([str(python), "-m", "mkdocs", "--version"], capture_output=True, text=True)
    if check.returncode != 0 or f"version {MKDOCS_VERSION} " not in check.stdout:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        f"mkdocs=={MKDOCS_VERSION}"], check=True)
    return str(python)


def lunr_version(python: str) -> str | None:
    """The lunr.js that MkDocs' search plugin ships."""
    found = subprocess.run([python, "-c", "import mkdocs.contrib.search as s, os; print(os.path.dirname(s.__file__))"],
                           capture_output=True, text=True)
    path = Path(found.stdout.strip()) / "templates" / "search" / "lunr.js"
    match = re.search(r'lunr\.version = "([^"]+)"', path.read_text()) if path.is_file() else None
    return match.group(1) if match else None


def write_config(folder: Path, committees: list[tuple[str, str]]) -> Path:
    """mkdocs.yml: the built-in theme and search plugin; nav of the home and committee pages."""
    lines = ["site_name: Committee minutes", "docs_dir: docs", "site_dir: site",
             "theme:", "  name: mkdocs", "  highlightjs: false", "plugins:", "  - search", "nav:",
             "  - Home: index.md", "  - Committees:"]
    lines += [f"      - {_yaml(name)}: committees/{cid}.md" for cid, name in committees]
    path = folder / "mkdocs.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def committees_of(docs: Path) -> list[tuple[str, str]]:
    out = []
    for page in sorted((docs / "committees").glob("*.md")):
        title = page.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("# ")
        out.append((page.stem, title.replace("\\", "")))
    return out


def site_stats(site: Path) -> dict[str, Any]:
    files = [p for p in site.rglob("*") if p.is_file()]
    index = site / "search" / "search_index.json"
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "html_pages": sum(1 for p in files if p.suffix == ".html"),
            "search_index_bytes": index.stat().st_size if index.is_file() else None}


# --- in Chromium ---------------------------------------------------------------------------------

RESULTS = "#mkdocs-search-results"

WATCH_MKDOCS = """
(() => {
  performance.setResourceTimingBufferSize(5000);
  const state = window.__mk = { first: null, results: null };
  const check = () => {
    const box = document.getElementById('mkdocs-search-results');
    if (state.first === null && box && box.firstElementChild) {
      state.first = performance.now();
      state.results = box.querySelectorAll('article').length;
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();
"""


def mkdocs_cold(browser: Any, base: str, query: str, timeout_ms: int) -> dict[str, Any]:
    """A fresh context opens /?q=: time and bytes until the first result (or "No results") is shown."""
    from search_bench import Collected, Wire, js_heap_mb, open_and_wait

    context = browser.new_context()
    collected = Collected()
    context.on("requestfinished", collected.on_finished)
    page = context.new_page()
    page.add_init_script(WATCH_MKDOCS)
    finished = open_and_wait(page, f"{base}/?q={quote(query)}", "window.__mk && window.__mk.first !== null", timeout_ms)
    state = page.evaluate("window.__mk")
    wire = Wire.of(page, collected)
    heap = js_heap_mb(context, page)
    context.close()
    first = state["first"]
    return {"results": state["results"], "timed_out": not finished,
            "first_ms": round(first, 1) if first is not None else None, "first_bytes": wire.bytes_until(first),
            "bytes_when_stopped": wire.total(), "requests": len(wire.files), "js_heap_mb": heap,
            "files": wire.files}


def mkdocs_keypress(browser: Any, base: str, queries: list[str], repeat: int, timeout_ms: int) -> dict[str, Any]:
    """The modal open and its first query answered, then type each query into #mkdocs-search-query."""
    from search_bench import keypress, open_and_wait

    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(WATCH_MKDOCS)
    if not open_and_wait(page, f"{base}/?q={quote(queries[0])}", "window.__mk && window.__mk.first !== null", timeout_ms):
        context.close()
        return {"timed_out": True, "median_dom_ms": None, "median_settled_ms": None, "per_query": {}}
    result = keypress(page, "#mkdocs-search-query", [RESULTS], queries, repeat, timeout_ms)
    context.close()
    return result


def main(argv: list[str]) -> int:
    if argv[:1] == ["markdown"] and len(argv) == 3:
        print(write_markdown(Path(argv[1]), Path(argv[2])))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
