"""The archive's data model: plain dataclasses (and one named tuple) shared by every stage, no I/O.

Two layers live here. ``Parsed*`` classes hold what one document says, with names
still as written (``NameRef``); the link stage turns them into the archive's
``Meeting``, ``Person``, ``Topic`` and ``Committee`` records that pages and exports use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Level = Literal["error", "warning", "note"]
"""Errors stop publishing, warnings fail --strict, notes (such as references to meetings
not in the archive) are only reported."""
Role = Literal["member", "officer", "unknown"]
BlockKind = Literal["paragraph", "heading", "list", "table"]


@dataclass(frozen=True, order=True, slots=True)
class SourceSpan:
    """Where something came from: a path relative to the content dir and a 1-based line."""

    path: str
    line: int = 0
    page: int = 0
    """The 1-based page of a PDF the line is printed on; 0 for any other file."""

    def __str__(self) -> str:
        if self.page:  # a PDF's line numbers are of its extracted text: the page is what a reader can find
            return f"{self.path}:page {self.page}"
        return f"{self.path}:{self.line}" if self.line else self.path


END_OF_FILE = 10**9
"""``LineRange.last`` for a range that runs to the end of its file."""


@dataclass(frozen=True, order=True, slots=True)
class LineRange:
    """Lines ``first`` to ``last`` (1-based, inclusive) of one source file."""

    path: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the user should fix, printed as ``path:line: message``."""

    level: Level
    source: SourceSpan
    message: str
    code: str = ""
    """What kind of problem, for grouping in the staff report: ``undated``, ``unresolved-name``,
    ``missing-reference``; empty for the rest."""

    def __str__(self) -> str:
        return f"{self.source}: {self.level}: {self.message}"


class Block(NamedTuple):
    """One piece of an item's text, kept structured so pages can render real lists and tables.

    A named tuple, not a dataclass as the other records are: a 10,000-meeting archive holds about a
    million blocks, and a tuple is made in C. A million take 0.26 s to make instead of 0.63 s, whether
    the reader makes them or a cache is loaded: the kept archive of 10,113 meetings loads in 1.35-1.48 s
    instead of 1.68-1.79 s (the parse cache pickles them as calls of the class, as it does dataclasses)."""

    kind: BlockKind
    text: str = ""
    """Paragraph or heading text."""
    entries: tuple[str, ...] = ()
    """List entries, in order."""
    rows: tuple[tuple[str, ...], ...] = ()
    """Table rows; the first row is the header row."""
    line: int = 0

    def plain_text(self) -> str:
        if self.kind == "list":
            return "\n".join(self.entries)
        if self.kind == "table":
            return "\n".join(" ".join(cell for cell in row if cell) for row in self.rows)
        return self.text


@dataclass(frozen=True, slots=True)
class NameRef:
    """A person as one document names them, before the archive decides who they are."""

    text: str
    """The name as written, titles and all: "County Councillor Geoff Driver CBE (Chair)"."""
    role: Role = "unknown"
    job_title: str | None = None
    source: SourceSpan = SourceSpan("")


@dataclass(frozen=True, slots=True)
class Declaration:
    """A declaration of interest: who, which interest, and what they did about it."""

    person: NameRef
    interest: str
    action: str = ""


ThemeHits = tuple[tuple[tuple[str, tuple[str, ...]], int], ...]
"""((theme id, synonym), how often) for each theme synonym a running text names, in order (topics.text_hits)."""


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """An agenda item or minute as read from one document."""

    number: str
    title: str
    blocks: tuple[Block, ...] = ()
    resolutions: tuple[str, ...] = ()
    presenters: tuple[NameRef, ...] = ()
    mentioned: tuple[NameRef, ...] = ()
    declarations: tuple[Declaration, ...] = ()
    minutes_of: dt.date | None = None
    """For "Minutes of the Meeting held on ...": the meeting whose minutes are confirmed."""
    source: SourceSpan = SourceSpan("")
    page: int | None = None
    lines: tuple[LineRange, ...] = ()
    """The source lines this item was read from; withheld from downloads if it turns out exempt."""
    themes: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    """Theme ids its title, headings and text name (topics.themes_of), worked out while reading so
    that linking need not; None when not worked out (linking then does)."""
    theme_hits: ThemeHits | None = field(default=None, compare=False, repr=False)
    """The theme synonyms its text names, counted (topics.text_hits): an agenda item joined to its
    report adds up both counts instead of reading both texts again. None when not worked out."""

    def plain_text(self) -> str:
        return "\n".join(block.plain_text() for block in self.blocks)


@dataclass(frozen=True, slots=True)
class ExemptItem:
    """A Part II item. Deliberately has no text field: its content never leaves the reader."""

    number: str
    title: str
    reason: str | None
    source: SourceSpan = SourceSpan("")
    page: int | None = None
    withheld: tuple[LineRange, ...] = ()
    """The source lines that hold its content: never published, not even in a download."""


@dataclass(frozen=True, slots=True)
class NextMeeting:
    """What a document says about the following meeting ("Date of Next Meeting")."""

    date: dt.date | None
    start_time: str | None = None
    venue: str | None = None
    source: SourceSpan = SourceSpan("")


@dataclass(frozen=True, slots=True)
class ParsedMeeting:
    """What one document (or one part of an agenda pack) says about one meeting."""

    kind: str
    """minutes | agenda | reports | agenda-item"""
    source: SourceSpan
    body: str | None = None
    committee: str | None = None
    date: dt.date | None = None
    start_time: str | None = None
    venue: str | None = None
    chair: NameRef | None = None
    present: tuple[NameRef, ...] = ()
    apologies: tuple[NameRef, ...] = ()
    officers: tuple[NameRef, ...] = ()
    items: tuple[ParsedItem | ExemptItem, ...] = ()
    next_meeting: NextMeeting | None = None
    signed_by: NameRef | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    """One "Resolved:" decision, with an id that stays the same across rebuilds."""

    id: str
    """``<meeting id>/<item number>.<n>``, e.g. ``2017-06-27-cabinet-committee/4.1``."""
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class DeclarationOfInterest:
    person: str
    """Person id."""
    interest: str
    action: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """An agenda item of a linked meeting. Exempt items carry title and reason only."""

    number: str
    title: str
    anchor: str
    source: SourceSpan
    blocks: Sequence[Block] = ()
    """A tuple; loaded from the kept archive, a relink.PickledBlocks, which unpickles them when first read."""
    resolutions: tuple[Resolution, ...] = ()
    exempt: bool = False
    exempt_reason: str | None = None
    procedural: bool = False
    topics: tuple[str, ...] = ()
    presenters: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()
    declarations: tuple[DeclarationOfInterest, ...] = ()
    minutes_of: str | None = None
    """Id of the meeting whose minutes this item confirms, when it is in the archive."""
    minutes_of_date: dt.date | None = None
    page: int | None = None
    withheld: tuple[LineRange, ...] = ()
    """For an exempt item, the source lines left out of published copies of the documents."""

    def __post_init__(self) -> None:
        if self.exempt and (self.blocks or self.resolutions):
            raise ValueError(f"exempt item {self.number} must not carry content")

    def plain_text(self) -> str:
        return "\n".join(block.plain_text() for block in self.blocks)


@dataclass(frozen=True, slots=True)
class MeetingRef:
    """A link to another meeting: its id when it is in the archive, its date either way."""

    date: dt.date | None
    id: str | None = None
    start_time: str | None = None
    venue: str | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    body: str | None
    committee: str | None
    committee_id: str | None
    date: dt.date | None
    start_time: str | None
    venue: str | None
    kinds: tuple[str, ...]
    sources: tuple[str, ...]
    parts: tuple[tuple[str, SourceSpan], ...]
    """(kind, where that part of the meeting starts) for every document part, e.g. the minutes
    at line 1 of one file and the agenda at line 40 of a pack: what the staff report points at."""
    chair: str | None
    present: tuple[str, ...]
    apologies: tuple[str, ...]
    officers: tuple[str, ...]
    items: tuple[Item, ...]
    previous_meeting: MeetingRef | None = None
    next_meeting: MeetingRef | None = None
    signed_by: str | None = None

    @property
    def url(self) -> str:
        return f"/meetings/{self.id}/"

    @property
    def title(self) -> str:
        name = self.committee or "Meeting"
        when = self.date.strftime("%-d %B %Y") if self.date else "undated"
        return f"{name}, {when}"


@dataclass(frozen=True, slots=True)
class RoleSpell:
    """A role someone held as seen in the documents: member, or officer with a job title."""

    role: Role
    title: str | None
    first_seen: dt.date | None
    last_seen: dt.date | None


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    variants: tuple[str, ...]
    roles: tuple[RoleSpell, ...] = ()
    attended: tuple[str, ...] = ()
    apologies: tuple[str, ...] = ()
    chaired: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"/people/{self.id}/"


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: str
    variants: tuple[str, ...]
    items: tuple[tuple[str, str], ...] = ()
    """(meeting id, item anchor) pairs in date order."""

    @property
    def url(self) -> str:
        return f"/topics/{self.id}/"


@dataclass(frozen=True, slots=True)
class Committee:
    id: str
    name: str
    body: str | None
    meetings: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"/committees/{self.id}/"


@dataclass(frozen=True, slots=True)
class SourceAccount:
    """What happened to one source document: published into which meetings, or why not."""

    path: str
    status: Literal["published", "skipped"]
    meetings: tuple[str, ...] = ()
    reason: str = ""
    contact_free: str = ""
    """SHA-256 of the file as read, when the reader scanned it whole and found no email address or phone
    number (not for PDFs, whose download is scanned for text the reader never sees): the download of
    these very bytes need not be scanned again."""
    sha256: str = ""
    """SHA-256 of the file as read, when it was published. With the code and the settings, it decides all that
    reading gives its meetings; a rebuild that finds a meeting's files unchanged need not look at their text
    (see pagememo)."""


@dataclass(frozen=True, slots=True)
class Archive:
    meetings: tuple[Meeting, ...]
    people: tuple[Person, ...]
    topics: tuple[Topic, ...]
    committees: tuple[Committee, ...]
    accounts: tuple[SourceAccount, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
