"""Personal contact details in sources: find email addresses and UK phone numbers, and withhold them.

Reports name their authors ("Contact: Jane Officer, 01772 536000, jane.officer@...") and minutes
record callers; an archive is no place to republish that unless the council decides it is. So
unless ``publish_contact_details`` is set, each one is replaced within its line by a short notice,
before parsing (so no page, export, index or feed can see it) and in the downloads. Lines are never
added or removed: problems and exempt line ranges are numbered by source line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .model import Problem, SourceSpan
from .sources import SourceDocument, file_lines, lines_matching

Kind = Literal["email", "phone"]
NOTICE: dict[Kind, str] = {"email": "[email address withheld]", "phone": "[phone number withheld]"}

_AT = r"(?:@|[^\S\n]*[\[(]at[\])][^\S\n]*)"  # "jane.officer [at] lancashire.gov.uk" is an address too
_DOT = r"(?:\.|[^\S\n]*[\[(]dot[\])][^\S\n]*)"
_EMAIL = re.compile(
    rf"""mailto:[^\s"'<>()\[\]]*[^\s"'<>()\[\].,;:!?]  # a link, whatever it holds (jane%40..., ?subject=)
    | (?<![\w.%+'-]) [\w%+-][\w.%+'-]* {_AT} (?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?{_DOT})+ [a-z]{{2,}} (?![\w-])""",
    re.IGNORECASE | re.VERBOSE,
)
_SEP = r"(?:[^\S\n]?[-\u2010\u2011.][^\S\n]?|[^\S\n])"  # one space, hyphen or dot between digit groups
_PHONE = re.compile(
    rf"""(?<![\w£$€.,/+]) (?<!\d-)  # not the middle of a figure, a sum, a date or a reference
    (?: (?P<cc>(?:\+|00)44{_SEP}?(?:\(0\){_SEP}?)?) \d{{2,5}}  # +44 (0)1772, +44 1772, 0044 1772
      | \(0\d{{2,4}}\)  # (01772)
      | 0\d{{2,4}} )    # 01772, 0300, 07700
    (?:{_SEP}?\d{{2,8}}){{0,4}}""",
    re.VERBOSE,
)
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_HIDDEN = re.compile(f"[{_INVISIBLE}]")
_MAYBE_EMAIL = re.compile(r"@|\[at[\])]|\(at[\])]|:(?<=mailto:)", re.IGNORECASE)  # @, [at], (at), mailto:
_MAYBE_PHONE = re.compile(r"0|44")
"""Every email address holds one of the first, every phone number (0 1772, +44 1772) one of the
second; most lines hold neither, and are passed over quickly. Each alternative starts with a character
that has no case (mailto: is found at its colon), so re skips the other characters quickly."""
_PHONE_START = re.compile(r"[+0(]")
"""The first character of every _PHONE match."""
_NOT_AFTER = r"(?<![\w£$€.,/+])(?<!\d-)"
"""_PHONE's opening lookbehinds."""
_PHONE_HINT = rf"\+(?<={_NOT_AFTER}\+)44|0(?<={_NOT_AFTER}0)\d|\((?<={_NOT_AFTER}\()0\d"
"""How every _PHONE match starts: +44, 00 or 0 and a digit, (0 and a digit, after what _PHONE allows. The
lookbehinds come after the first character, so re can skip quickly to a +, 0 or (."""
_SUSPECT = re.compile(f"{_MAYBE_EMAIL.pattern}|{_PHONE_HINT}|" + "|".join(_INVISIBLE), re.IGNORECASE)
_SUSPECT_MARKUP = re.compile(_SUSPECT.pattern + "|&", re.IGNORECASE)
"""What redact_line needs before it changes a line: the start of an email address or of a phone number, a
hidden character, or in markup a character reference. One search of a whole file finds the few lines that
hold one."""
_DIGITS = re.compile(r"\d+")
_AFTER_NUMBER = re.compile(r"\d|[.,:/]\d|[^\S\n]?%")  # 0300.5, 0930:30, 01772 536000% are not phone numbers


@dataclass(frozen=True)
class Found:
    kind: Kind
    start: int
    end: int


@dataclass(frozen=True)
class Redacted:
    """Text with its contact details replaced, and how many of each kind went."""

    text: str
    emails: int = 0
    phones: int = 0

    @property
    def total(self) -> int:
        return self.emails + self.phones


@dataclass(frozen=True)
class Scan:
    """A whole source file, line by line as the reader numbers it, with contact details withheld."""

    lines: tuple[str, ...]
    emails: int
    phones: int
    first_line: int
    """1-based line of the first detail withheld; 0 if there were none."""


def find(text: str) -> list[Found]:
    """Email addresses, then UK phone numbers outside them, in order of where they start."""
    emails = [Found("email", m.start(), m.end()) for m in _EMAIL.finditer(text)] if _MAYBE_EMAIL.search(text) else []
    phones = [f for f in _phones(text) if not any(f.start < e.end and e.start < f.end for e in emails)] if _MAYBE_PHONE.search(text) else []
    return sorted(emails + phones, key=lambda f: f.start)


def _phones(text: str) -> Iterable[Found]:
    pos = 0
    while match := _phone_search(text, pos):
        end = _phone_end(text, match)
        if end:
            yield Found("phone", match.start(), end)
        pos = end or match.start() + 1


def _phone_search(text: str, pos: int) -> re.Match[str] | None:
    """``_PHONE.search(text, pos)``, tried only where a match can start: the pattern opens with lookbehinds,
    which keep re from skipping ahead by itself."""
    while start := _PHONE_START.search(text, pos):
        if match := _PHONE.match(text, start.start()):
            return match
        pos = start.start() + 1
    return None


def _phone_end(text: str, match: re.Match[str]) -> int:
    """Where the UK number in ``match`` ends: the longest run of its digit groups that holds 10 or 11
    digits written nationally (0 1772 536000), so a year or a second number after it is left alone."""
    prefix = len(match["cc"] or "")
    national = "0" if prefix else ""
    end = 0
    for run in _DIGITS.finditer(match[0], prefix):
        national += run[0]
        if len(national) in (10, 11):
            end = match.start() + run.end()
        elif len(national) > 11:
            break
    if not end or national[1] in "046" or _AFTER_NUMBER.match(text, end):
        return 0
    return end


def redact(text: str) -> Redacted:
    """``text`` with each contact detail replaced by a notice; newlines are never touched."""
    out: list[str] = []
    counts: dict[Kind, int] = {"email": 0, "phone": 0}
    last = 0
    for found in find(text):
        out += [text[last : found.start], NOTICE[found.kind]]
        counts[found.kind] += 1
        last = found.end
    return Redacted("".join([*out, text[last:]]), counts["email"], counts["phone"])


def redact_line(line: str, *, markup: bool = False) -> Redacted:
    """Like ``redact``, but a detail hidden from the eye (``jane&#64;...``, a zero-width space inside
    a number) is found too: then the line is given as a reader would see it, redacted."""
    plain = redact(line)
    readable = _HIDDEN.sub("", line)
    if markup and "&" in readable:
        readable = html.unescape(readable)
    if readable != line:
        seen = redact(readable)
        if seen.total > plain.total:
            return seen
    return plain


def scan_source(data: bytes, *, markup: bool, path: str = "") -> Scan:
    """A source file as received, decoded and numbered exactly as the reader does, with details withheld.

    ``markup`` is for HTML and Markdown, where a detail may be written with character references;
    ``path`` tells a PDF (its extracted lines are scanned) from a text file.
    """
    return scan_lines(file_lines(data, path), markup=markup)


def scan_lines(lines: list[str], *, markup: bool) -> Scan:
    """``lines`` (changed in place) with their contact details withheld, and what went."""
    emails = phones = first = 0
    for index in _suspects(lines, markup=markup):
        result = redact_line(lines[index], markup=markup)
        lines[index] = result.text
        emails, phones = emails + result.emails, phones + result.phones
        first = first or (index + 1 if result.total else 0)
    return Scan(tuple(lines), emails, phones, first)


def _suspects(lines: Sequence[str], *, markup: bool) -> list[int]:
    """The indexes of the lines redact_line may change, in order; it gives every other line back as it is."""
    return lines_matching(lines, _SUSPECT_MARKUP if markup else _SUSPECT)


def withhold_contacts(documents: Iterable[SourceDocument], content: Path) -> tuple[list[SourceDocument], list[Problem]]:
    """Documents with every contact detail withheld, and one note for each document that had any.

    The note counts what the file as received holds (link targets and page furniture included),
    which is what its download withholds too.
    """
    out: list[SourceDocument] = []
    notes: list[Problem] = []
    for doc in documents:
        try:
            received: bytes | None = (content / doc.path).read_bytes()
        except OSError:
            received = None
        withheld, note = withhold_document(doc, received)
        out.append(withheld)
        notes.extend([note] if note else [])
    return out, notes


def withhold_document(doc: SourceDocument, received: bytes | None) -> tuple[SourceDocument, Problem | None]:
    """One document with its contact details withheld, and the note saying so if it had any.

    ``received`` is the file as it is now (None if it cannot be read); it is scanned only if it is
    still the file that was read.
    """
    lines = list(doc.lines)
    emails = phones = 0
    first: int | None = None
    for index in _suspects(lines, markup=False):
        result = redact_line(lines[index])
        lines[index] = result.text
        emails, phones = emails + result.emails, phones + result.phones
        first = index if first is None and result.total else first
    front_matter = {key: _redact_value(value) for key, value in doc.front_matter.items()}
    withheld = dataclasses.replace(doc, lines=tuple(lines), front_matter=front_matter)
    read = Scan(withheld.lines, emails, phones, doc.line_numbers[first] if first is not None else 0)
    scan = _scan_file(received, doc, read)
    if not scan.first_line and first is not None:
        scan = Scan((), emails, phones, doc.line_numbers[first])
    if scan.first_line:
        page = doc.pages[scan.first_line - 1] if scan.first_line <= len(doc.pages) else 0
        return withheld, Problem("note", SourceSpan(doc.path, scan.first_line, page), withheld_message(scan.emails, scan.phones))
    return withheld, None


def _scan_file(data: bytes | None, doc: SourceDocument, read: Scan) -> Scan:
    """The file as received, if it is still the one that was read; else an empty scan.

    ``read`` is what withholding found in ``doc.lines``: the file's own scan when those are the file's lines
    as they stand (plain text without front matter, odd spaces or lines of spaces only), so it is not scanned twice.
    """
    if data is None or hashlib.sha256(data).hexdigest() != doc.sha256:
        return Scan((), 0, 0, 0)
    if doc.format == "pdf":  # its lines are the reader's own: extracting them again finds the same
        return read
    lines = file_lines(data, doc.path)
    if doc.format == "txt" and len(lines) == len(doc.lines) and tuple(lines) == doc.lines:
        return read
    return scan_lines(lines, markup=doc.format != "txt")


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_line(value).text
    if isinstance(value, tuple):
        return tuple(_redact_value(v) for v in value)
    return value


def withheld_message(emails: int, phones: int) -> str:
    parts = [_count(emails, "email address", "email addresses"), _count(phones, "phone number", "phone numbers")]
    said = " and ".join(part for part in parts if part)
    return f"{said} withheld; set publish_contact_details = true in minutebook.toml to publish them"


def _count(n: int, one: str, many: str) -> str:
    return "" if n == 0 else f"{n} {one if n == 1 else many}"

