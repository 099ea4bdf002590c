"""Source documents offered for download: as received, or with exempt content and contact details withheld.

A document with no exempt (Part II) content and no personal contact details is published byte
for byte. One that holds exempt content is published as a plain-text copy with those lines
replaced by a notice, so the confidential text never leaves the build, not even inside a
download. Email addresses and phone numbers are withheld the same way (each replaced in its
line by a notice) unless the site publishes contact details. An HTML source keeps its bytes
but gets a ``.txt`` name, so no host ever serves the council's raw HTML (scripts and all) as
a page of this site.

A PDF with exempt content is offered as a new PDF of its open pages (pdfcopy), and the build notes
which pages were left out; one whose open pages cannot be told apart for certain is not offered at
all, with a warning. A PDF's contact details cannot be cut out of its pages, and a report names its
author on most of them, so a PDF that holds any is offered as a redacted plain-text copy instead.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from . import buildcache
from .contacts import scan_lines, scan_source
from .forked import map_shared
from .model import Archive, LineRange, Problem, SourceSpan
from .publish import FileCopy
from .sources import file_lines, plain_chars

FORMATS = {".txt": "Plain text", ".text": "Plain text", ".md": "Markdown", ".markdown": "Markdown",
           ".html": "HTML source, saved as text", ".htm": "HTML source, saved as text", ".pdf": "PDF"}
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
    pages: int = 0
    """For a PDF, the pages of the published file."""
    pages_withheld: tuple[int, ...] = ()
    """For a PDF published without some of its pages: their numbers in the document as received."""

    def page(self, number: int) -> int:
        """Where page ``number`` of the document as received is in the published PDF; 0 if it is not in it."""
        if self.format != "PDF" or number in self.pages_withheld or not 0 < number <= self.pages + len(self.pages_withheld):
            return 0
        return number - sum(1 for page in self.pages_withheld if page < number)

    @property
    def withheld_pages_text(self) -> str:
        """"page 3", "pages 14-16", "pages 3, 14-16 and 20": the pages left out, as a reader reads them."""
        return page_list(self.pages_withheld)


@dataclass(frozen=True)
class Offered:
    files: dict[str, bytes | FileCopy]
    """Path under the site root -> what to publish there, for every document offered: a copy's bytes, or
    the document as received."""
    downloads: dict[str, Download]
    """Source path -> what its meeting pages say about it; a document not offered at all has none."""
    problems: tuple[Problem, ...]
    """What the build says about PDFs published without some pages, or not at all."""


def offer_downloads(
    archive: Archive, content: Path, *, contact_details: bool = False, cache: Path | None = None
) -> Offered:
    """Files to publish under sources/, what each meeting page says about them, and what the build says.

    Unless ``contact_details``, a document holding email addresses or phone numbers is offered
    as a redacted copy. Scanning every line for those is most of the work, so with a ``cache``
    folder a document read by an earlier build, unchanged since, is not scanned again.
    """
    withheld: dict[str, list[LineRange]] = defaultdict(list)
    headings: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for meeting in archive.meetings:
        for item in meeting.items:
            for span in item.withheld:
                withheld[span.path].append(span)
        for path in meeting.sources:
            if PurePosixPath(path).suffix.lower() == ".pdf":  # its exempt items' headings need not close a page
                headings[path].update((item.number, item.title) for item in meeting.items)
    published = sorted({path for meeting in archive.meetings for path in meeting.sources})
    scanned = {account.path: account.contact_free for account in archive.accounts if account.contact_free}
    read = {account.path: account.sha256 for account in archive.accounts if account.sha256}
    jobs = [_Job(path, content / path, tuple(withheld.get(path, ())), contact_details,
                 tuple(sorted(headings.get(path, ()))), scanned=scanned.get(path, ""), read=read.get(path, ""))
            for path in published]
    known = _load(cache)
    missing = [job for job in jobs if job.key not in known]
    for job in missing:  # read here, not in a worker: a file changed since it was read stops the build, named
        _ = job.data
    read_now = {job.path for job in missing}
    for job, answer in zip(missing, map_shared(_offer_pickled, missing), strict=True):
        known[job.key] = pickle.loads(answer)
    files: dict[str, bytes | FileCopy] = {}
    downloads: dict[str, Download] = {}
    problems: list[Problem] = []
    for job in jobs:
        offer = known[job.key]
        if offer.download is not None:
            if offer.redacted is not None:
                files[offer.target] = offer.redacted
            else:  # as received: the bytes this build read to make its offer, or the file by its digest
                files[offer.target] = job.data if job.path in read_now else FileCopy(job.file, job.sha256)
            downloads[job.path] = offer.download
        problems.extend([offer.problem] if offer.problem else [])
    _store(cache, {job.key: known[job.key] for job in jobs}, changed=bool(missing) or len(known) != len(jobs))
    return Offered(files, downloads, tuple(problems))


@dataclass(frozen=True)
class _Job:
    path: str
    file: Path
    withheld: tuple[LineRange, ...]
    contact_details: bool
    headings: tuple[tuple[str, str], ...] = ()
    """For a PDF, the (number, title) of its meetings' items: a page that holds only an exempt item's
    heading among the withheld lines stays open (pdfcopy.headings)."""
    scanned: str = ""
    """SHA-256 of the file as the reader scanned it and found no contact details (SourceAccount.contact_free)."""
    read: str = ""
    """SHA-256 of the file as the reader read it (SourceAccount.sha256): all a rebuild needs of a document
    whose offer it has kept, so it reads none of the 180 MB again at 10,000 meetings."""

    @functools.cached_property  # read when its offer is worked out
    def data(self) -> bytes:
        """The bytes its meetings were read from, which its offer is for."""
        return FileCopy(self.file, self.read).read() if self.read else self.file.read_bytes()

    @functools.cached_property
    def sha256(self) -> str:
        return self.read or hashlib.sha256(self.data).hexdigest()

    @property
    def contact_free(self) -> bool:
        """The reader scanned these very bytes and found no contact details: no need to scan them again."""
        return self.scanned == self.sha256

    @functools.cached_property  # asked four times a document
    def key(self) -> str:
        """Everything the offered file depends on: the bytes, where they are, what is withheld."""
        return hashlib.sha256(repr((self.sha256, _rules(), self.path, self.contact_details,
                                    [(r.first, r.last) for r in self.withheld], self.headings)).encode()).hexdigest()


@functools.cache
def _rules() -> str:
    """A fingerprint of the code that decides what is withheld: a change to it makes every cached answer stale."""
    return buildcache.code_version("contacts.py", "pdfcopy.py", "pdfrows.py", "pdftext.py", "sources.py", "downloads.py",
                                   libraries=("pypdf", "pypdfium2"))  # they write and read PDFs


@dataclass(frozen=True)
class _Offer:
    target: str
    """Where the file is published, under the site root."""
    redacted: bytes | None
    """The bytes published; None: the document as received."""
    download: Download | None
    """None: nothing is published for this document."""
    problem: Problem | None = None


def _offer_pickled(job: _Job) -> bytes:
    return pickle.dumps(_offer(job), protocol=pickle.HIGHEST_PROTOCOL)


def _offer(job: _Job) -> _Offer:
    path, data = job.path, job.data
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".pdf":
        return _offer_pdf(job)
    fmt = FORMATS.get(suffix, "Text")
    scan = None if job.contact_details or job.contact_free else scan_source(data, markup=suffix in MARKUP, path=path)
    if job.withheld or (scan and scan.first_line):
        lines = scan.lines if scan else file_lines(data, path)  # numbered as the reader did
        return _text_copy(job, lines, (scan.emails, scan.phones) if scan else (0, 0))
    target = f"sources/{path}.txt" if fmt.startswith("HTML") else f"sources/{path}"
    return _Offer(target, None, Download(path, "/" + quote(target), len(data), fmt, False))


def _text_copy(job: _Job, lines: Sequence[str], details: tuple[int, int]) -> _Offer:
    """The document's lines, numbered as the reader did, with exempt lines withheld, as a plain-text file."""
    redacted, count = _redact(lines, list(job.withheld))
    target = f"sources/{PurePosixPath(job.path).with_suffix('').as_posix()}.redacted.txt"
    return _Offer(target, redacted, Download(job.path, "/" + quote(target), len(redacted), "Plain text", True, count,
                                             *details))


def _offer_pdf(job: _Job) -> _Offer:
    """A PDF as received; without its exempt pages; as a plain-text copy when it holds contact details
    (they cannot be cut out of its pages); or, when its exempt pages cannot be told apart for certain, nothing."""
    from . import pdfcopy, pdftext  # pypdf and pypdfium2: imported by a build that offers a PDF (see sources.py)

    path, data = job.path, job.data
    target = f"sources/{path}"
    if job.contact_details and not job.withheld:
        return _Offer(target, None, Download(path, "/" + quote(target), len(data), "PDF", False,
                                             pages=pdfcopy.page_count(data)))
    try:
        text = pdftext.extract(data)
    except pdftext.PdfError as error:  # it was read for its meeting: it changed under the build
        return _Offer(target, None, None, Problem("warning", SourceSpan(path), f"PDF not published: it {error}"))
    lines = [plain_chars(line) for line in text.lines]  # numbered as the reader did
    if not job.contact_details:
        found = scan_lines(list(lines), markup=False)
        unprinted = pdfcopy.unprinted(data)
        beside = scan_lines(list(unprinted or ()), markup=False)
        emails, phones = found.emails + beside.emails, found.phones + beside.phones
        if emails or phones or unprinted is None:
            return _text_copy(job, found.lines, (emails, phones))
    if not job.withheld:
        return _Offer(target, None, Download(path, "/" + quote(target), len(data), "PDF", False, pages=text.page_count))
    printed = pdfcopy.headings(job.headings)
    try:
        if len(pdfcopy.withheld_pages(text, job.withheld, printed)) == text.page_count:
            return _Offer(target, None, None, Problem(
                "note", SourceSpan(path), f"PDF not published: all {text.page_count} of its pages hold exempt information"))
        copy = pdfcopy.open_copy(data, text, job.withheld, printed)
    except pdfcopy.Unsafe as unsafe:
        return _not_offered(job, str(unsafe))
    count = len(_hidden_lines(len(lines), job.withheld))
    download = Download(path, "/" + quote(target), len(copy.data), "PDF", True, count, pages=copy.pages,
                        pages_withheld=copy.withheld)
    others = "its other page" if copy.pages == 1 else f"its other {copy.pages} pages"
    note = Problem("note", SourceSpan(path, page=copy.withheld[0]),
                   f"exempt information on {page_list(copy.withheld)} of {text.page_count}: "
                   f"the PDF is published as a new PDF of {others}")
    return _Offer(target, copy.data, download, note)


def _not_offered(job: _Job, why: str) -> _Offer:
    """Nothing published for this PDF, and a warning: the clerk has a step to take to offer it."""
    return _Offer(f"sources/{job.path}", None, None, Problem(
        "warning", SourceSpan(job.path),
        f"PDF not published: it holds exempt information, and {why}; its meetings are published without it. "
        "To offer its open pages, export them from the committee system as a PDF of their own and add that"))


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


def page_list(pages: Sequence[int]) -> str:
    """"page 3", "pages 14-16", "pages 3, 14-16 and 20"."""
    runs: list[list[int]] = []
    for page in sorted(pages):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    said = [f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs]
    words = said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"
    return f"page {words}" if len(pages) == 1 else f"pages {words}"


def _hidden_lines(count: int, ranges: Sequence[LineRange]) -> set[int]:
    hidden: set[int] = set()
    for span in ranges:
        hidden.update(range(span.first, min(span.last, count) + 1))
    return hidden


def _redact(lines: Sequence[str], ranges: list[LineRange]) -> tuple[bytes, int]:
    """Replace each withheld run of lines with one notice line; returns the text and lines withheld."""
    hidden = _hidden_lines(len(lines), ranges)
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number not in hidden:
            out.append(line)
        elif number - 1 not in hidden:
            run = next((n for n in range(number, len(lines) + 1) if n not in hidden), len(lines) + 1) - number
            out.append(f"[Withheld: {run} lines of exempt information, not for publication under "
                       "the Local Government Act 1972, Schedule 12A.]")
    return ("\n".join(out) + "\n").encode("utf-8"), len(hidden)

