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

import functools
import hashlib
import os
import pickle
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from . import contacts, sources
from .contacts import scan_source
from .forked import map_shared
from .model import Archive, LineRange
from .sources import decode, split_lines

FORMATS = {".txt": "Plain text", ".text": "Plain text", ".md": "Markdown", ".markdown": "Markdown",
           ".html": "HTML source, saved as text", ".htm": "HTML source, saved as text"}
MARKUP = {".md", ".markdown", ".html", ".htm"}
"""Sources where a detail may be written with character references (``jane&#64;...``)."""
CACHE_FILE = "downloads.pickle"


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
    archive: Archive, content: Path, *, contact_details: bool = False, cache: Path | None = None
) -> tuple[dict[str, bytes], dict[str, Download]]:
    """Files to publish under sources/, and what each meeting page says about them.

    Unless ``contact_details``, a document holding email addresses or phone numbers is offered
    as a redacted copy. Scanning every line for those is most of the work, so with a ``cache``
    folder a document read by an earlier build, unchanged since, is not scanned again.
    """
    withheld: dict[str, list[LineRange]] = defaultdict(list)
    for meeting in archive.meetings:
        for item in meeting.items:
            for span in item.withheld:
                withheld[span.path].append(span)
    published = sorted({path for meeting in archive.meetings for path in meeting.sources})
    jobs = [_Job(path, (content / path).read_bytes(), tuple(withheld.get(path, ())), contact_details)
            for path in published]
    known = _load(cache)
    missing = [job for job in jobs if job.key not in known]
    for job, answer in zip(missing, map_shared(_offer_pickled, missing), strict=True):
        known[job.key] = pickle.loads(answer)
    files: dict[str, bytes] = {}
    downloads: dict[str, Download] = {}
    for job in jobs:
        target, redacted, download = known[job.key]
        files[target] = job.data if redacted is None else redacted
        downloads[job.path] = download
    _store(cache, {job.key: known[job.key] for job in jobs}, changed=bool(missing) or len(known) != len(jobs))
    return files, downloads


@dataclass(frozen=True)
class _Job:
    path: str
    data: bytes
    withheld: tuple[LineRange, ...]
    contact_details: bool

    @property
    def key(self) -> str:
        """Everything the offered file depends on: the bytes, where they are, what is withheld."""
        digest = hashlib.sha256(self.data)
        digest.update(repr((_rules(), self.path, self.contact_details,
                            [(r.first, r.last) for r in self.withheld])).encode())
        return digest.hexdigest()


@functools.cache
def _rules() -> str:
    """A fingerprint of the code that decides what is withheld: a change to it makes every cached answer stale."""
    code = hashlib.sha256()
    for module in (contacts, sources, sys.modules[__name__]):
        code.update(Path(str(module.__file__)).read_bytes())
    return code.hexdigest()


_Offer = tuple[str, bytes | None, Download]
"""Where the file is published, its redacted bytes (None: the document as received), and its Download."""


def _offer_pickled(job: _Job) -> bytes:
    return pickle.dumps(_offer(job), protocol=pickle.HIGHEST_PROTOCOL)


def _offer(job: _Job) -> _Offer:
    path, data = job.path, job.data
    suffix = PurePosixPath(path).suffix.lower()
    fmt = FORMATS.get(suffix, "Text")
    scan = None if job.contact_details else scan_source(data, markup=suffix in MARKUP)
    if job.withheld or (scan and scan.first_line):
        lines = scan.lines if scan else split_lines(decode(data, "", []))  # numbered as the reader did
        redacted, count = _redact(lines, list(job.withheld))
        target = f"sources/{PurePosixPath(path).with_suffix('').as_posix()}.redacted.txt"
        emails, phones = (scan.emails, scan.phones) if scan else (0, 0)
        return target, redacted, Download(path, "/" + quote(target), len(redacted), "Plain text", True, count,
                                          emails, phones)
    target = f"sources/{path}.txt" if fmt.startswith("HTML") else f"sources/{path}"
    return target, None, Download(path, "/" + quote(target), len(data), fmt, False)


def _load(cache: Path | None) -> dict[str, _Offer]:
    """What earlier builds offered, by _Job.key; a missing or damaged cache is only empty."""
    if cache is None:
        return {}
    try:
        known = pickle.loads((cache / CACHE_FILE).read_bytes())
    except Exception:
        return {}
    return known if isinstance(known, dict) else {}


def _store(cache: Path | None, offers: dict[str, _Offer], *, changed: bool) -> None:
    """Keep this build's answers only, so the cache never outgrows the archive; written beside, then renamed."""
    if cache is None or not changed:
        return
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{CACHE_FILE}.{os.getpid()}.tmp"
    partial.write_bytes(pickle.dumps(offers, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(partial, cache / CACHE_FILE)


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

