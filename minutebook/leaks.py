"""The exempt-content canary: no line that only an exempt (Part II) item holds may appear in
any file of a built site, whatever its format: pages, search index, JSON, CSV, feeds,
calendars, sitemap or downloads (a PDF's text read as the reader reads it).

The model already keeps exempt content out of every stage; this check looks at the output
the way a reader (or a scraper) would, so a future stage that bypasses the model is caught.
A line counts as exempt-only when its words appear nowhere in the published text of any
source (the lines kept, item titles and exemption reasons), so "Resolved: That the report
be noted." in a Part II item is not mistaken for a leak when a public item says it too.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import Archive, LineRange, SourceSpan
from .sources import file_lines

MIN_CHARS = 24
MIN_WORDS = 4
"""Shorter lines ("Resolved:", "Appendix A") are too common to say anything about a leak."""
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, order=True)
class Leak:
    file: str
    """The output file, relative to the site root."""
    source: SourceSpan
    """The withheld source line found in it."""
    text: str

    def __str__(self) -> str:
        return f"{self.file}: holds exempt content from {self.source}: {self.text[:80]!r}"


def canaries(archive: Archive, content: Path) -> dict[str, SourceSpan]:
    """Normalised exempt-only lines -> where each was withheld from."""
    withheld: dict[str, list[LineRange]] = defaultdict(list)
    for meeting in archive.meetings:
        for item in meeting.items:
            for span in item.withheld:
                withheld[span.path].append(span)
    if not any(withheld.values()):
        return {}
    titles = {normalise(item.title) for m in archive.meetings for item in m.items}
    kept: list[str] = [*titles, *(item.exempt_reason or "" for m in archive.meetings for item in m.items)]
    found: dict[str, SourceSpan] = {}
    for path in sorted({p for m in archive.meetings for p in m.sources}):
        lines = file_lines((content / path).read_bytes(), path)
        ranges = withheld.get(path, [])
        for number, line in enumerate(lines, start=1):
            text = normalise(line)
            if not any(r.first <= number <= r.last for r in ranges):
                kept.append(text)
            elif len(text) >= MIN_CHARS and len(text.split()) >= MIN_WORDS and not _heading(text, titles):
                found.setdefault(text, SourceSpan(path, number))
    published = "\n".join(normalise(text) for text in kept)
    return {text: span for text, span in found.items() if text not in published}


def _heading(text: str, titles: set[str]) -> bool:
    """An item's heading line ("3. Land Sale at Mill Lane (Pages 5 - 9)"): its title is published."""
    return any(title and title in text and len(re.sub(r"[\W\d_]+|pages?", "", text.replace(title, ""))) < 4
               for title in titles)


def find_leaks(site: Path, archive: Archive, content: Path) -> list[Leak]:
    """Every exempt-only line found in any file under ``site``."""
    phrases = canaries(archive, content)
    if not phrases:
        return []
    leaks = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        text = readable_text(path)
        for phrase, span in phrases.items():
            if phrase in text:
                leaks.append(Leak(path.relative_to(site).as_posix(), span, phrase))
    return sorted(leaks)


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def readable_text(path: Path) -> str:
    """A file's text as a reader sees it: tags and entities undone, JSON strings joined,
    iCalendar lines unfolded and unescaped, a PDF's pages extracted; whitespace collapsed and case folded."""
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix == ".pdf":  # its pages' text, and its bytes as they are (metadata, uncompressed streams)
        from . import pdftext  # pypdfium2, imported by a check that meets a PDF (see sources.py)

        with contextlib.suppress(pdftext.PdfError):
            text = "\n".join([*pdftext.extract(data).lines, text])
    elif suffix == ".json":
        with contextlib.suppress(json.JSONDecodeError):  # not JSON after all: read it as text
            text = "\n".join(_strings(json.loads(text)))
    elif suffix == ".ics":
        text = re.sub(r"\r?\n[ \t]", "", text).replace("\\n", " ").replace("\\N", " ")
        text = re.sub(r"\\([,;\\])", r"\1", text)
    if suffix in (".html", ".htm", ".xml", ".atom", ".json"):
        text = html.unescape(_TAG.sub(" ", text))
    return normalise(text)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)
