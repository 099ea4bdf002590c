"""Source documents offered for download: as received, or with exempt content and contact details withheld.

A document with no exempt (Part II) content and no personal contact details is published byte
for byte. One that holds exempt content is published as a plain-text copy with those lines
replaced by a notice, so the confidential text never leaves the build, not even inside a
download. Email addresses and phone numbers are withheld the same way (each replaced in its
line by a notice) unless the site publishes contact details. An HTML source keeps its bytes
but gets a ``.txt`` name, so no host ever serves the council's raw HTML (scripts and all) as
a page of this site.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .contacts import scan_source
from .model import Archive, LineRange
from .sources import decode, split_lines

FORMATS = {".txt": "Plain text", ".text": "Plain text", ".md": "Markdown", ".markdown": "Markdown",
           ".html": "HTML source, saved as text", ".htm": "HTML source, saved as text"}
MARKUP = {".md", ".markdown", ".html", ".htm"}
"""Sources where a detail may be written with character references (``jane&#64;...``)."""


@dataclass(frozen=True)
class Download:
    source: str
    """Path of the document in content/."""
    url: str
    size: int
    """Bytes of the published file."""
    format: str
    redacted: bool
    """A copy with something withheld, not the document as received."""
    withheld_lines: int = 0
    """Lines of exempt information withheld."""
    withheld_emails: int = 0
    withheld_phones: int = 0
    """Personal contact details replaced by a notice (unless the site publishes them)."""


def prepare_downloads(
    archive: Archive, content: Path, *, contact_details: bool = False
) -> tuple[dict[str, bytes], dict[str, Download]]:
    """Files to publish under sources/, and what each meeting page says about them.

    Unless ``contact_details``, a document holding email addresses or phone numbers is offered
    as a redacted copy.
    """
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
        suffix = PurePosixPath(path).suffix.lower()
        fmt = FORMATS.get(suffix, "Text")
        scan = None if contact_details else scan_source(data, markup=suffix in MARKUP)
        if path in withheld or (scan and scan.first_line):
            lines = scan.lines if scan else split_lines(decode(data, "", []))  # numbered as the reader did
            data, count = _redact(lines, withheld[path])
            target = f"sources/{PurePosixPath(path).with_suffix('').as_posix()}.redacted.txt"
            fmt = "Plain text"
            emails, phones = (scan.emails, scan.phones) if scan else (0, 0)
            downloads[path] = Download(path, "/" + quote(target), len(data), fmt, True, count, emails, phones)
        else:
            target = f"sources/{path}.txt" if fmt.startswith("HTML") else f"sources/{path}"
            downloads[path] = Download(path, "/" + quote(target), len(data), fmt, False)
        files[target] = data
    return files, downloads


def _redact(lines: Sequence[str], ranges: list[LineRange]) -> tuple[bytes, int]:
    """Replace each withheld run of lines with one notice line; returns the text and lines withheld."""
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

