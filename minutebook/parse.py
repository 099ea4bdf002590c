"""Reading one document: header, attendance, agenda items and decisions, as ParsedMeeting records.

The reader works on layout, not on any one council's wording: a header names the
council, committee, date, time and venue; an attendance block follows; items are
numbered headings ("4.", "24/117", "14/09/3", "7.A") whose numbers go up; decisions
start with "Resolved". Front matter, when present, overrides what the text says.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import attendance
from .blocks import clean_fragment, resolutions_of, to_blocks
from .dates import ImpossibleDate, find_dates, find_time
from .header import COMMITTEE_WORDS, read_header, venue_in
from .layout import RESTRICTED, Line, Part, clean_lines, split_parts
from .model import (
    END_OF_FILE,
    ExemptItem,
    LineRange,
    NameRef,
    NextMeeting,
    ParsedItem,
    ParsedMeeting,
    Problem,
    Role,
    SourceSpan,
)
from .people import extract_names, parse_name
from .sources import SourceDocument, lowered

_NUMBER = r"(?:\d{1,3}(?:/\d{1,3}){1,2}|\d{1,3}(?:\.(?:\d{1,2}|[A-Z]))?[a-z]?)"
_HEADING = re.compile(
    r"^(?:[-•·*]\s*)?(?:(?:item|minute|agenda item)\s+)?(?P<number>" + _NUMBER + r")(?:[.):]|\s*[-–—]\s|\t|\s)\s*"
    r"(?P<title>[A-Z‘'\"(][^\t]{1,250}|[a-z][^\t]{1,60})$"
)
_HEADING_FIRST = frozenset("-•·*ima")
"""What _HEADING's first character is when it is no digit: a bullet, "item", "minute" or "agenda item"."""
_PART_TWO = re.compile(r"^part\s+(?:ii|2|b)\b", re.IGNORECASE)
_PART_ONE = re.compile(r"^part\s+(?:i|1|a)\b(?!i)", re.IGNORECASE)
_PAGES = re.compile(r"\s*\((?:pages?|tudalen(?:nau)?)\s*[\d\s,–—-]+\)\s*", re.IGNORECASE)
_NEXT_MEETING = re.compile(r"\bdates?\s+(?:and\s+(?:time|venue)\s+)?of\s+(?:the\s+)?(?:next|future|forthcoming)\s+meetings?", re.IGNORECASE)
_NEXT_MEETING_WORDS = re.compile(r"\bnext\s+(?:regular\s+|ordinary\s+|scheduled\s+)?meeting\b", re.IGNORECASE)
_APOLOGIES_TITLE = re.compile(r"\bapologies\b|\bymddiheuriadau\b|\babsence\b", re.IGNORECASE)
_EXCLUSION = re.compile(r"exclusion of (?:the )?press|intention to conduct business in private|private session", re.IGNORECASE)
_EXEMPT_REASON = re.compile(
    r"paragraphs?(?:\(s\))?\s+(?P<paras>\d+(?:\s*(?:,|and|&)\s*\d+)*)\s+of\s+(?:part\s+\w+\s+of\s+)?schedule\s+12\s*a\b"
    r"(?:\s+(?:of|to)\s+the\s+(?P<act>local government act,? 1972))?",
    re.IGNORECASE,
)
_APPOSITIVE = r"^(?:,[^.;]{0,150}?)?\s*(?:attended and |also )?"
_PRESENTING = re.compile(
    _APPOSITIVE + r"(?:presented|introduced|provided (?:members|the (?:cabinet )?committee|an?)\b|gave an?\b)"
)
_SPEAKING = re.compile(
    _APPOSITIVE + r"(?:confirmed|informed|advised|responded|explained|answered|outlined|highlighted|reported|updated|agreed)\b"
)
_SIGNATURE_TITLE = re.compile(
    r"^(?:director|chief|head of|clerk|town clerk|secretary|monitoring officer|proper officer|"
    r"democratic|executive director|solicitor|manager|assistant director|cl[eé]rc)",
    re.IGNORECASE,
)
_CHAIR_TOOK = re.compile(
    r"(?P<name>(?:(?:County\s+)?Councillor|Cllr\.?|CC|Mayor|Alderman)\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+"
    r"(?:took|was in|in) the chair|(?P<name2>(?:(?:County\s+)?Councillor|Cllr\.?|CC)\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+"
    r"was (?:duly )?elected (?:as )?(?:chair(?:man|person)?|mayor|cathaoirleach)"
    r"|(?P<name3>(?:Mayor|Chair(?:man|person)?|Councillor|Cllr\.?|Council Member|Convener|Provost)\s+[A-Z][\w'’-]+"
    r"(?:\s+[A-Z][\w'’-]+)?)\s+presid(?:ing|ed)\b",
    re.IGNORECASE,
)

_CHAIR_HINT = re.compile(r"\s(?:(?:took|in) the chair|elected |presid)", re.IGNORECASE)
"""What every _CHAIR_TOOK match holds ("... took the chair", "... was elected chair", "... presiding"): one quick
search of an item, then of each line, spares the slow pattern on most. It starts at a space, which has no case,
so re passes over the other characters quickly."""
_CHAIR_WORDS = ("took the chair", "in the chair", "elected ", "presid")
"""_CHAIR_HINT's words, to look for in lower-cased text (see sources.lowered)."""
_SENTENCE_BREAK = re.compile(r"[.;](\s+)(?=[A-Z])")
"""The space between two sentences (group 1); written to start at the stop, which re finds quickly."""
_PRESENTED_BY = re.compile(r"\bpresented by\s*$")
_EXEMPT_TITLE = re.compile(r"\b(?:exempt|confidential|not for publication|part ii)\b", re.IGNORECASE)
_EXEMPT_OPENING = re.compile(RESTRICTED.pattern + r"|\bexempt information\b|\bschedule 12a\b", re.IGNORECASE)
_EXEMPT_HINT = re.compile(r" (?:for publication|is (?:exempt|restricted|confidential)|information|12a)", re.IGNORECASE)
"""What every _EXEMPT_OPENING match holds; it starts at a space, which has no case, so re skips ahead quickly."""
_DECLARATIONS = re.compile(r"\b(?:declarations?|disclosures?|datgan)\b.*\b(?:interests?|buddiant)\b", re.IGNORECASE)
_MINUTES_TITLE = re.compile(r"^(?:confirmation of (?:the )?)?minutes\b", re.IGNORECASE)
_ITEM_PAGE = re.compile(r"^agenda item$", re.IGNORECASE)
_TO_BE_HELD = re.compile(r"^meeting to be held on", re.IGNORECASE)
_CONTACT = re.compile(r"^(?:contact for further information|\(appendi)", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_STARS = re.compile(r"\s*\*+\s*")


@dataclass
class _Reader:
    """Problems found while reading one document, each pinned to a line."""

    doc: SourceDocument
    problems: list[Problem] = field(default_factory=list)

    def span(self, number: int) -> SourceSpan:
        pages = self.doc.pages  # a PDF's lines are numbered 1, 2, 3 ... in order
        return SourceSpan(self.doc.path, number, pages[number - 1] if 0 < number <= len(pages) else 0)

    def range(self, lines: Sequence[Line]) -> tuple[LineRange, ...]:
        return (LineRange(self.doc.path, lines[0].number, lines[-1].number),) if lines else ()

    def warn(self, number: int, message: str) -> None:
        self.problems.append(Problem("warning", self.span(number), message))

    def error(self, number: int, message: str) -> None:
        self.problems.append(Problem("error", self.span(number), message))


def parse_document(doc: SourceDocument) -> tuple[list[ParsedMeeting], list[Problem]]:
    """Every meeting part one document holds: a pack gives its agenda, reports and earlier minutes."""
    reader = _Reader(doc)
    lines = clean_lines(doc.lines, doc.line_numbers)
    meetings: list[ParsedMeeting] = []
    for part in split_parts(lines):
        try:
            parsed = _parse_part(reader, part, meetings)
        except ImpossibleDate as error:
            number = _line_of(part, error.text)
            reader.error(number, f"{error}: fix the date in the document")
            continue
        if parsed is not None:
            meetings.append(parsed)
    meetings = _apply_front_matter(reader, meetings)
    return _widen_ranges(meetings, [line.number for line in lines]), reader.problems


def _widen_ranges(meetings: list[ParsedMeeting], numbers: list[int]) -> list[ParsedMeeting]:
    """Stretch each item's line range up to the next line the reader kept.

    Cleaning joins hyphenated words and drops page furniture, so an item's last kept
    line may stand for several lines of the file; withholding too much is the safe side.
    """

    def widen(ranges: tuple[LineRange, ...]) -> tuple[LineRange, ...]:
        out = []
        for r in ranges:
            after = bisect.bisect_right(numbers, r.last)
            last = numbers[after] - 1 if after < len(numbers) else END_OF_FILE
            out.append(r if last == r.last else replace(r, last=last))
        return tuple(out)

    def widen_item(item: ParsedItem | ExemptItem) -> ParsedItem | ExemptItem:
        if isinstance(item, ExemptItem):
            withheld = widen(item.withheld)
            return item if withheld == item.withheld else replace(item, withheld=withheld)
        lines = widen(item.lines)
        return item if lines == item.lines else replace(item, lines=lines)

    out = []
    for m in meetings:  # most ranges already end where the next kept line starts: those are kept as they are
        items = tuple(widen_item(i) for i in m.items)
        out.append(m if items == m.items else replace(m, items=items))
    return out


def _line_of(part: Part, text: str) -> int:
    """The line of the part where ``text`` stands, else the part's first line."""
    return next((line.number for line in part.lines if text and text in line.text), part.lines[0].number if part.lines else 0)

def _parse_part(reader: _Reader, part: Part, earlier: list[ParsedMeeting]) -> ParsedMeeting | None:
    lines = list(part.lines)
    if not any(line.text for line in lines):
        return None
    if part.kind == "report":
        return _parse_report(reader, part, earlier)
    if part.kind == "restricted":
        return _parse_restricted(reader, part, earlier)
    first = next(line for line in lines if line.text)
    if _ITEM_PAGE.match(first.text):
        return _parse_item_page(reader, lines)
    kind = part.kind if part.kind in ("minutes", "agenda") else _guess_kind(lines)
    return _parse_meeting(reader, lines, kind, earlier)


def _guess_kind(lines: list[Line]) -> str:
    head = " ".join(line.text for line in lines[:40]).lower()
    if "minutes" in head or "present" in head:
        return "minutes"
    return "agenda" if "agenda" in head else "minutes"


# --- meetings ---------------------------------------------------------------------------


def _parse_meeting(reader: _Reader, lines: list[Line], kind: str, earlier: list[ParsedMeeting]) -> ParsedMeeting:
    heading_rows = _item_headings(lines)
    first_item = heading_rows[0] if heading_rows else len(lines)
    attend_row = attendance.start_row(lines[:first_item])
    header_end = min(attend_row if attend_row is not None else first_item, first_item)
    header = read_header(lines[:header_end], earlier, lines)
    people = attendance.read(lines[header_end:first_item], reader.span) if attend_row is not None else attendance.Attendance()
    read = _read_items(reader, lines, heading_rows, header["date"])
    if not people.present:
        people = _attendance_in_items(reader, lines, heading_rows) or people
    chair = people.chair or read.chair
    present = people.present
    officers = _merge_officers(people.officers, read.officers, present)
    apologies = people.apologies + tuple(
        ref for ref in read.apologies if not any(_same_name(ref.text, other.text) for other in people.apologies)
    )
    return ParsedMeeting(
        kind=kind,
        source=reader.span(lines[0].number),
        body=header["body"],
        committee=header["committee"],
        date=header["date"],
        start_time=header["time"],
        venue=header["venue"],
        chair=chair,
        present=present,
        apologies=apologies,
        officers=officers,
        items=tuple(read.items),
        next_meeting=read.next_meeting,
        signed_by=read.signed_by,
    )


_ROLL_CALL = re.compile(r"\b(?:roll\s+call|attendance|sederunt|present|call\s+to\s+order)\b", re.IGNORECASE)


def _attendance_in_items(reader: _Reader, lines: list[Line], rows: list[int]) -> attendance.Attendance | None:
    """US and some Scottish minutes take the roll call as an item: read attendance from it."""
    for n, row in enumerate(rows[:4]):
        if not _ROLL_CALL.search(lines[row].text):
            continue
        end = rows[n + 1] if n + 1 < len(rows) else len(lines)
        body = lines[row + 1 : end]
        start = attendance.start_row(body)
        if start is not None:
            found = attendance.read(body[start:], reader.span)
            if found.present:
                return found
    return None


def _same_name(a: str, b: str) -> bool:
    pa, pb = parse_name(a), parse_name(b)
    return bool(pa and pb and pa.surname.lower() == pb.surname.lower())


def _merge_officers(listed: tuple[NameRef, ...], seen: list[NameRef], present: tuple[NameRef, ...]) -> tuple[NameRef, ...]:
    """Officers listed in attendance, then those the minutes show presenting or answering."""
    out = list(listed)
    for ref in seen:
        if any(_same_name(ref.text, other.text) for other in (*out, *present)):
            continue
        out.append(ref)
    return tuple(out)


# --- items ------------------------------------------------------------------------------


def _item_headings(lines: list[Line]) -> list[int]:
    """Rows that open an item: numbered headings whose numbers keep going up."""
    rows: list[int] = []
    current: tuple[int, int | None] | None = None
    for index, line in enumerate(lines):
        first = line.text[:1]
        if not (first.isdigit() or first in _HEADING_FIRST):
            continue
        match = _HEADING.match(line.text)
        if not match or _looks_like_sentence(match.group("title")):
            continue
        key = _number_key(match.group("number"))
        if key is None:
            continue
        if current is None or _follows(current, key):
            rows.append(index)
            current = key
    return rows


def _number_key(number: str) -> tuple[int, int | None] | None:
    if "/" in number:
        return int(number.split("/")[-1]), None
    major, _, minor = number.partition(".")
    digits = _DIGITS.match(major)
    if not digits:
        return None
    if minor:
        return int(digits.group()), (int(minor) if minor.isdigit() else ord(minor) - 64)
    return int(digits.group()), None


def _follows(current: tuple[int, int | None], key: tuple[int, int | None]) -> bool:
    if key[1] is not None and key[0] == current[0]:
        return current[1] is None or key[1] > current[1]
    return current[0] < key[0] <= current[0] + 6 and (key[1] is None or key[1] == 1)


def _looks_like_sentence(title: str) -> bool:
    words = title.split()
    if title[:1].islower():
        return True
    if len(words) > 25:
        return True
    return title.rstrip().endswith(".") and len(words) > 10


def clean_title(title: str) -> str:
    title = clean_fragment(_PAGES.sub(" ", title))
    title = _STARS.sub(" ", title) if "*" in title else title
    return " ".join(title.split()).strip(" .:-–")  # as re.sub(r"\s+", " ", title), as a space at either end goes


@dataclass
class _ItemsRead:
    """The items, and what they say about the meeting itself (who chaired, apologies, next date)."""

    items: list[ParsedItem | ExemptItem] = field(default_factory=list)
    officers: list[NameRef] = field(default_factory=list)
    apologies: list[NameRef] = field(default_factory=list)
    chair: NameRef | None = None
    signed_by: NameRef | None = None
    next_meeting: NextMeeting | None = None


def _read_items(reader: _Reader, lines: list[Line], rows: list[int], date: dt.date | None) -> _ItemsRead:
    read = _ItemsRead()
    items = read.items
    part_two = False
    for n, row in enumerate(rows):
        end = rows[n + 1] if n + 1 < len(rows) else len(lines)
        body = lines[row + 1 : end]
        if n + 1 == len(rows):
            body, read.signed_by = _split_signature(reader, body)
        match = _HEADING.match(lines[row].text)
        assert match is not None
        number, title = match.group("number"), clean_title(match.group("title"))
        span = reader.span(lines[row].number)
        body, next_part_two = _part_markers(body, part_two)
        if part_two or _is_exempt(title, body):
            items.append(ExemptItem(number, title, _exempt_reason(body), span, withheld=reader.range(lines[row:end])))
            part_two = next_part_two
            continue
        part_two = next_part_two
        blocks = to_blocks(body)
        presenters, mentioned, seen_officers = _people_in(reader, body)
        read.officers.extend(seen_officers)
        read.chair = read.chair or _chair_taken(reader, body)
        if _APOLOGIES_TITLE.search(title):
            read.apologies.extend(attendance.apologies_in(reader.span, body))
        if _NEXT_MEETING.search(title):
            text = "\n".join(block.plain_text() for block in blocks)
            read.next_meeting = _next_meeting(reader, f"{title}\n{text}", date, span) or read.next_meeting
        items.append(
            ParsedItem(
                number=number,
                title=title,
                blocks=tuple(blocks),
                resolutions=tuple(resolutions_of(blocks)),
                presenters=tuple(presenters),
                mentioned=tuple(mentioned),
                declarations=tuple(attendance.declarations(reader.span, body)) if _is_declarations(title) else (),
                minutes_of=_minutes_of(title, date),
                source=span,
                lines=reader.range(lines[row:end]),
            )
        )
    if read.next_meeting is None:
        read.next_meeting = _next_meeting_line(reader, lines, date)
    return read


def _part_markers(body: list[Line], part_two: bool) -> tuple[list[Line], bool]:
    """Strip "Part II (Not Open to Press and Public)" lines; they switch later items to exempt."""
    kept = []
    for line in body:
        if line.text[:1] not in ("p", "P"):  # neither marker can match: both start "part"
            kept.append(line)
            continue
        if _PART_TWO.match(line.text) and len(line.text) < 80:
            part_two = True
            continue
        if _PART_ONE.match(line.text) and len(line.text) < 80:
            part_two = False
            continue
        kept.append(line)
    return kept, part_two


def _is_exempt(title: str, body: list[Line]) -> bool:
    if _EXCLUSION.search(title):
        return False
    if _EXEMPT_TITLE.search(title):
        return True
    opening = _opening(body, 600)
    return bool(_EXEMPT_HINT.search(opening) and _EXEMPT_OPENING.search(opening))


def _opening(body: list[Line], size: int) -> str:
    """The first ``size`` characters of the body's text, lines joined by spaces, without joining all of it."""
    texts: list[str] = []
    length = -1
    for line in body:
        if line.text:
            texts.append(line.text)
            length += len(line.text) + 1
            if length >= size:
                break
    return " ".join(texts)[:size]


def _exempt_reason(body: list[Line]) -> str | None:
    text = " ".join(line.text for line in body)
    return exempt_reason(text)


def exempt_reason(text: str) -> str | None:
    """"By virtue of paragraph(s) 3, 4 of Part 1 of Schedule 12A ..." -> a short citation."""
    match = _EXEMPT_REASON.search(text)
    if not match:
        return None
    paras = re.findall(r"\d+", match.group("paras"))
    label = "paragraph" if len(paras) == 1 else "paragraphs"
    listed = paras[0] if len(paras) == 1 else ", ".join(paras[:-1]) + f" and {paras[-1]}"
    return f"Local Government Act 1972, Schedule 12A, {label} {listed}"


def _is_declarations(title: str) -> bool:
    return bool(_DECLARATIONS.search(title))


def _minutes_of(title: str, date: dt.date | None) -> dt.date | None:
    if not _MINUTES_TITLE.match(title):
        return None
    for found in find_dates(title, near=date):
        if found.date and (date is None or found.date < date):
            return found.date
    return None


def _people_in(reader: _Reader, body: list[Line]) -> tuple[list[NameRef], list[NameRef], list[NameRef]]:
    """Who presented, who is mentioned, and which officers the text shows taking part."""
    presenters: list[NameRef] = []
    mentioned: list[NameRef] = []
    officers: list[NameRef] = []
    for line in body:
        if not line.text:
            continue
        whole_line: bool | None = None  # worked out only for an officer who neither presents nor speaks
        for name, role, job_title, presenting, speaking in _names_in_line(line.text):
            ref = NameRef(name, role, job_title, reader.span(line.number))
            if presenting:
                presenters.append(ref)
            else:
                mentioned.append(ref)
            if role == "officer" and not (presenting or speaking) and whole_line is None:
                whole_line = _name_and_title_line(line.text)
            if role == "officer" and (presenting or whole_line or speaking):
                officers.append(ref)
    return presenters, mentioned, officers


@lru_cache(maxsize=1 << 13)
def _names_in_line(text: str) -> tuple[tuple[str, Role, str | None, bool, bool], ...]:
    """_names_in for each sentence of a line, in order."""
    return tuple(found for sentence in _sentences(text) for found in _names_in(sentence))


def _sentences(text: str) -> list[str]:
    """``re.split(r"(?<=[.;])\\s+(?=[A-Z])", text)``: the text cut at each space after a stop before a capital."""
    pieces, start = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        pieces.append(text[start : match.start(1)])
        start = match.end(1)
    pieces.append(text[start:])
    return pieces


@lru_cache(maxsize=1 << 14)
def _names_in(sentence: str) -> tuple[tuple[str, Role, str | None, bool, bool], ...]:
    """Each name a sentence holds: (name, role, job title, presenting, speaking).

    Remembered, as parse_name is: minutes repeat their set sentences from meeting to meeting.
    """
    found = []
    for name, job_title in extract_names(sentence):
        parsed = parse_name(name)
        role: Role = ("member" if parsed and parsed.title and "ouncil" in parsed.title
                      else "officer" if job_title else "unknown")
        after = sentence[sentence.find(name) + len(name) :] if name in sentence else sentence
        before = sentence[: sentence.find(name)] if name in sentence else ""
        presenting = bool(_PRESENTING.match(after)) or bool(_PRESENTED_BY.search(before))
        found.append((name, role, job_title, presenting, bool(_SPEAKING.match(after))))
    return tuple(found)


def _name_and_title_line(text: str) -> bool:
    """A line that is only "Name, Job Title": an attendee list inside an item."""
    if "," not in text or len(text) > 150 or text.endswith("."):
        return False
    name = text.split(",", 1)[0]
    return parse_name(name) is not None and len(name.split()) <= 4


def _chair_taken(reader: _Reader, body: list[Line]) -> NameRef | None:
    text = "\n".join([line.text for line in body])
    folded = lowered(text)
    if folded is None and not _CHAIR_HINT.search(text):
        return None
    if folded is not None and not any(words in folded for words in _CHAIR_WORDS):
        return None
    for line in body:
        match = _CHAIR_HINT.search(line.text) and _CHAIR_TOOK.search(line.text)
        if match:
            name = match.group("name") or match.group("name2") or match.group("name3")
            return NameRef(name, "member", None, reader.span(line.number))
    return None


def _split_signature(reader: _Reader, body: list[Line]) -> tuple[list[Line], NameRef | None]:
    """Take the proper officer's sign-off ("L Sales / Director of Corporate Services") off the last item."""
    filled = [i for i, line in enumerate(body) if line.text]
    for position in filled[-8:]:
        line = body[position]
        following = next((body[j] for j in range(position + 1, len(body)) if body[j].text), None)
        if (
            following is not None
            and len(line.text.split()) <= 4
            and not line.text.endswith((".", ":"))
            and parse_name(line.text) is not None
            and _SIGNATURE_TITLE.match(following.text)
        ):
            title_lines = []
            for j in range(body.index(following), len(body)):
                if not body[j].text:
                    break
                title_lines.append(body[j].text)
            ref = NameRef(line.text, "officer", " ".join(title_lines), reader.span(line.number))
            return body[:position], ref
    return body, None


def _next_meeting(reader: _Reader, text: str, date: dt.date | None, span: SourceSpan) -> NextMeeting | None:
    for sentence in re.split(r"(?<=\.)\s+|\n", text):
        for found in find_dates(sentence, near=date, after=True):
            if found.date and (date is None or found.date > date):
                time = find_time(sentence)
                venue = venue_in(sentence, found.end, time[2] if time and time[1] >= found.start else None)
                return NextMeeting(found.date, time[0] if time else None, venue, span)
    return None


def _next_meeting_line(reader: _Reader, lines: list[Line], date: dt.date | None) -> NextMeeting | None:
    """An unnumbered "Date of next meeting: ..." line, as parish minutes often end."""
    for line in lines:
        if _NEXT_MEETING.search(line.text) or _NEXT_MEETING_WORDS.search(line.text):
            found = _next_meeting(reader, line.text, date, reader.span(line.number))
            if found:
                return found
    return None


# --- reports, restricted pages and lone item pages ----------------------------------------


def _pack_meeting(earlier: list[ParsedMeeting]) -> ParsedMeeting | None:
    """Reports in a pack belong to the pack's agenda, not to the earlier minutes it reprints."""
    return next((m for m in reversed(earlier) if m.kind == "agenda"), earlier[-1] if earlier else None)


def _parse_report(reader: _Reader, part: Part, earlier: list[ParsedMeeting]) -> ParsedMeeting:
    lines = list(part.lines)
    owner = _pack_meeting(earlier)
    date = None
    committee = owner.committee if owner else None
    title_row = None
    for index, line in enumerate(lines[:40]):
        if date is None and _TO_BE_HELD.match(line.text):
            date = next((d.date for d in find_dates(line.text) if d.date), None)
            continue
        if index < 4 and not committee and COMMITTEE_WORDS.search(line.text):
            committee = line.text
        if title_row is None and _CONTACT.match(line.text):
            title_row = _title_above(lines, index)
    if title_row is None:
        title_row = next(i for i, line in enumerate(lines) if line.text)
    title = clean_title(lines[title_row].text)
    body = lines[title_row + 1 :]
    blocks = to_blocks(body)
    presenters, mentioned, _ = _people_in(reader, body)
    item = ParsedItem(
        number=part.item_stamp or "",
        title=title,
        blocks=tuple(blocks),
        mentioned=tuple(presenters + mentioned),
        source=reader.span(lines[title_row].number),
        lines=reader.range(lines),
    )
    return ParsedMeeting(
        kind="reports",
        source=reader.span(lines[0].number),
        body=owner.body if owner else None,
        committee=committee,
        date=date or (owner.date if owner else None),
        items=(item,),
    )


def _title_above(lines: list[Line], index: int) -> int:
    """A report's title is the last title-like line above "Contact for further information"."""
    for j in range(index - 1, -1, -1):
        text = lines[j].text
        if text and not text.startswith("(") and not re.match(r"^(?:all|part i+|.*affected:?)$", text, re.I):
            return j
    return index


def _parse_restricted(reader: _Reader, part: Part, earlier: list[ParsedMeeting]) -> ParsedMeeting:
    owner = _pack_meeting(earlier)
    text = " ".join(line.text for line in part.lines)
    number = part.item_stamp or ""
    title = ""
    if owner:
        title = next((item.title for item in owner.items if item.number == number), "")
    span = reader.span(part.lines[0].number)
    exempt = ExemptItem(number, title, exempt_reason(text), span, withheld=reader.range(part.lines))
    return ParsedMeeting(
        kind="reports",
        source=span,
        body=owner.body if owner else None,
        committee=owner.committee if owner else None,
        date=owner.date if owner else None,
        items=(exempt,),
    )


def _parse_item_page(reader: _Reader, lines: list[Line]) -> ParsedMeeting:
    """A ModernGov "Agenda item" page: one item's title and minutes, no date or committee."""
    filled = [i for i, line in enumerate(lines) if line.text]
    title_row = filled[1] if len(filled) > 1 else filled[0]
    body = lines[title_row + 1 :]
    body = [line for line in body if not re.match(r"^(?:minutes|decision|supporting documents)\s*:$", line.text, re.I)]
    match = _HEADING.match(lines[title_row].text)
    number, title = (match.group("number"), match.group("title")) if match else ("", lines[title_row].text)
    blocks = to_blocks(body)
    presenters, mentioned, officers = _people_in(reader, body)
    item = ParsedItem(
        number=number,
        title=clean_title(title),
        blocks=tuple(blocks),
        resolutions=tuple(resolutions_of(blocks)),
        presenters=tuple(presenters),
        mentioned=tuple(mentioned),
        source=reader.span(lines[title_row].number),
        lines=reader.range(lines),
    )
    return ParsedMeeting(
        kind="agenda-item",
        source=reader.span(lines[filled[0]].number),
        officers=tuple(officers),
        items=(item,),
    )


# --- front matter -------------------------------------------------------------------------


def _apply_front_matter(reader: _Reader, meetings: list[ParsedMeeting]) -> list[ParsedMeeting]:
    """Front matter is the staff's correction: it wins over what the text says, for the main part."""
    meta = reader.doc.front_matter
    if not meta or not meetings:
        return meetings
    main = meetings[0]
    changes = {key: meta[key] for key in ("date", "committee", "body", "venue", "start_time", "kind") if key in meta}
    if "chair" in meta:
        changes["chair"] = NameRef(str(meta["chair"]), "member", None, main.source)
    if "title" in meta and main.kind == "agenda-item" and main.items and isinstance(main.items[0], ParsedItem):
        changes["items"] = (replace(main.items[0], title=str(meta["title"])), *main.items[1:])
    main = replace(main, **changes)
    if "date" in meta:
        meetings = [replace(m, date=meta["date"]) if m.kind == "reports" and m.date is None else m for m in meetings]
    return [main, *meetings[1:]]


__all__ = ["clean_title", "exempt_reason", "parse_document"]
