"""The reader on a slow phone connection: the heaviest meeting page, with every stylesheet and
script it loads, stays under 60 KB as a server sends it (gzip, level 6). A size budget, not a
timing test: it fails when a template or the stylesheet grows, whatever the machine."""

from __future__ import annotations

import gzip
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from minutebook.checks import local_file

from .browser import page_of_type
from .conftest import BuiltSite

BUDGET = 60_000  # bytes, gzipped: HTML + CSS + JS of one page


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def assets_of(site: Path, page: str) -> dict[str, list[Path]]:
    """The stylesheets and scripts ``page`` loads, as files in ``site``; fails on external ones."""
    tree = LexborHTMLParser((site / page).read_text(encoding="utf-8"))
    found: dict[str, list[Path]] = {"css": [], "js": []}
    for kind, selector, attribute in (("css", "link[href]", "href"), ("js", "script[src]", "src")):
        for node in tree.css(selector):
            if kind == "css" and "stylesheet" not in (node.attributes.get("rel") or "").lower().split():
                continue
            href = node.attributes.get(attribute) or ""
            file = local_file(site, page, href)
            assert file is not None, f"{page} loads {href} from elsewhere; the budget only counts files the site serves"
            assert file.is_file(), f"{page} loads {href}, which is not in the site"
            if file not in found[kind]:
                found[kind].append(file)
    return found


def test_the_heaviest_meeting_page_with_its_css_and_js_is_under_60_kb_gzipped(seed_site: BuiltSite) -> None:
    site = seed_site.out.resolve()
    meeting = page_of_type(site, "/meetings/<id>/")
    assert meeting is not None, "the seed site has no meeting pages"
    files = {"html": [site / meeting.file], **assets_of(site, meeting.file)}

    lines, total = [f"{meeting.path}"], 0
    for kind, paths in files.items():
        raw = sum(p.stat().st_size for p in paths)
        packed = sum(gzipped(p.read_bytes()) for p in paths)
        total += packed
        lines.append(f"  {kind:<4} {len(paths)} file(s) {raw:>9,} B raw {packed:>9,} B gzipped")
    lines.append(f"  total {total:,} B gzipped; budget {BUDGET:,} B")
    figures = "\n".join(lines)
    print(figures)

    assert total < BUDGET, f"over the page-weight budget by {total - BUDGET:,} B:\n{figures}"
