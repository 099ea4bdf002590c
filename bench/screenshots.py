#!/usr/bin/env python3
"""Full-page screenshots of a built site, for looking at the design by eye.

Usage:
    python bench/screenshots.py [--site site] [--out bench/out/screenshots]

Serves the site on 127.0.0.1 and opens it in Debian's Chromium (as the browser tests do),
then saves, at 1280 and 320 CSS pixels wide: the home page, the meeting page with the most
content, and the person and topic pages with the most content (the largest files, so the
longest tables and names). The meeting page is also saved as it prints (print media, at the
width of A4 paper). Page types the site does not have yet are skipped and said so.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chromium_executable, launch_chromium, page_of_type, serve  # noqa: E402

WIDTHS = (1280, 320)
A4_WIDTH = 794  # 210 mm at 96 CSS pixels per inch
SHOTS = {"home": "/", "meeting": "/meetings/<id>/", "person": "/people/<id>/", "topic": "/topics/<id>/"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="the built site (default: site)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "screenshots", help="where PNGs go")
    args = parser.parse_args()
    site: Path = args.site.resolve()
    out: Path = args.out
    if not (site / "index.html").is_file():
        print(f"{site} is not a built site; run `make build` first", file=sys.stderr)
        return 2
    if chromium_executable() is None:
        print("chromium is not installed; `make test` installs Debian's chromium", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    saved = 0
    with serve(site) as base_url, launch_chromium() as browser:
        for name, pattern in SHOTS.items():
            page_type = page_of_type(site, pattern)
            if page_type is None:
                print(f"{name}: skipped, the site has no {pattern} pages")
                continue
            shots: list[tuple[str, int, Literal["screen", "print"]]] = [
                (f"{name}-{width}.png", width, "screen") for width in WIDTHS
            ]
            if name == "meeting":
                shots.append((f"{name}-print.png", A4_WIDTH, "print"))
            for filename, width, media in shots:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                page.emulate_media(media=media)
                page.goto(base_url + page_type.path, wait_until="load")
                page.screenshot(path=str(out / filename), full_page=True)
                context.close()
                saved += 1
                print(f"{out / filename}  {page_type.path} at {width}px ({media})")
    print(f"{saved} screenshots in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
