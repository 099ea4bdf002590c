"""Source documents offered for download: as received, or with exempt content withheld.

A document with no exempt (Part II) content is published byte for byte. One that holds
exempt content is published as a plain-text copy with those lines replaced by a notice,
so the confidential text never leaves the build, not even inside a download. An HTML
source keeps its bytes but gets a ``.txt`` name, so no host ever serves the council's
raw HTML (scripts and all) as a page of this site.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .model import Archive, LineRange
from .sources import decode, split_lines

FORMATS = {".txt": "Plain text", ".text": "Plain text", ".md": "Markdown", ".markdown": "Markdown",
           ".html": "HTML source, saved as text", ".htm": "HTML source, saved as text"}


@dataclass(frozen=True)
class Download:
    source: str
    """Path of the document in content/."""
    url: str
    size: int
    """Bytes of the published file."""
    format: str
    redacted: bool
    withheld_lines: int = 0


def prepare_downloads(archive: Archive, content: Path) -> tuple[dict[str, bytes], dict[str, Download]]:
    """Files to publish under sources/, and what each meeting page says about them."""
    withheld: dict[str, list[LineRange]] = defaultdict(list)
    for meeting in archive.meetings:
        for item in meeting.items:
            for span in item.withheld:
                withheld[span.path].append(span)
    files: dict[str, bytes] = {}
    downloads: dict[str, Download] = {}
    published = sorted({path for meeting in archive.meetings for path in meeting.sources})
    for path in published:
        data = (content / path).read_bytes()
        fmt = FORMATS.get(PurePosixPath(path).suffix.lower(), "Text")
        if path in withheld:
            data, count = _redact(data, withheld[path])
            target = f"sources/{PurePosixPath(path).with_suffix('').as_posix()}.redacted.txt"
            fmt = "Plain text"
        else:
            count = 0
            target = f"sources/{path}.txt" if fmt.startswith("HTML") else f"sources/{path}"
        files[target] = data
        downloads[path] = Download(path, "/" + quote(target), len(data), fmt, path in withheld, count)
    return files, downloads


def _redact(data: bytes, ranges: list[LineRange]) -> tuple[bytes, int]:
    """Replace each withheld run of lines with one notice line; returns the text and lines withheld."""
    lines = split_lines(decode(data, "", []))  # decoded and numbered exactly as the reader did
    hidden: set[int] = set()
    for span in ranges:
        hidden.update(range(span.first, min(span.last, len(lines)) + 1))
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number not in hidden:
            out.append(line)
        elif number - 1 not in hidden:
            run = next((n for n in range(number, len(lines) + 1) if n not in hidden), len(lines) + 1) - number
            out.append(f"[Withheld: {run} lines of exempt information, not for publication under "
                       "the Local Government Act 1972, Schedule 12A.]")
    return ("\n".join(out) + "\n").encode("utf-8"), len(hidden)

