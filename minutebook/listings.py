"""The groupings the browse pages show: meetings by year, people A to Z, topic threads,
the resolutions register and what comes next. Computed once from the linked archive."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from .model import Archive, Item, Meeting, Person, Resolution, Topic

T = TypeVar("T")


@dataclass(frozen=True)
class YearOfMeetings:
    year: int
    meetings: tuple[Meeting, ...]
    """Newest first."""


@dataclass(frozen=True)
class ItemInMeeting:
    """An agenda item together with the meeting it belongs to."""

    meeting: Meeting
    item: Item

    @property
    def url(self) -> str:
        return f"{self.meeting.url}#{self.item.anchor}"


THREAD_PAGE = 100
"""A topic with more agenda items than this gets a page per year: a county's "Planning" runs to
thousands of items, megabytes in one page, too heavy for a phone to load."""
LATEST_ON_TOPIC = 10
"""Items a long topic's own page shows before its list of years: the latest decisions first."""


@dataclass(frozen=True)
class ThreadYear:
    """The part of a long topic thread that one year holds."""

    year: int | None
    entries: tuple[ItemInMeeting, ...]
    """Oldest first, like the thread."""

    @property
    def slug(self) -> str:
        return str(self.year) if self.year else "undated"


@dataclass(frozen=True)
class RegisteredResolution:
    resolution: Resolution
    meeting: Meeting
    item: Item

    @property
    def url(self) -> str:
        return f"{self.meeting.url}#{self.resolution.anchor}"

    @property
    def register_anchor(self) -> str:
        """Unique across the register page: the meeting's date and committee plus the number."""
        return "r-" + self.resolution.id.replace("/", "-").replace(".", "-")


@dataclass(frozen=True)
class YearOfResolutions:
    year: int | None
    entries: tuple[RegisteredResolution, ...]

    @property
    def slug(self) -> str:
        return str(self.year) if self.year else "undated"


@dataclass(frozen=True)
class Letter:
    letter: str
    people: tuple[Person, ...]


@dataclass(frozen=True)
class NextMeeting:
    """A meeting after the latest minutes of its committee: its papers are out or its date announced."""

    date: dt.date
    committee: str | None
    committee_id: str | None
    meeting: Meeting | None
    start_time: str | None
    venue: str | None


def newest_first_key(meeting: Meeting) -> tuple[bool, int, str]:
    """Dated meetings newest first, then undated ones; meetings on one day by id."""
    return (meeting.date is None, -meeting.date.toordinal() if meeting.date else 0, meeting.id)


def newest_first(meetings: Iterable[Meeting]) -> list[Meeting]:
    return sorted(meetings, key=newest_first_key)


def neighbours(items: Sequence[T]) -> Iterator[tuple[T | None, T, T | None]]:
    """Each item with the one before and the one after it, for "newer" and "older" links."""
    bookended: list[T | None] = [None, *items, None]
    return zip(bookended[:-2], items, bookended[2:], strict=True)


def meetings_by_year(archive: Archive) -> list[YearOfMeetings]:
    years: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in archive.meetings:
        if meeting.date:
            years[meeting.date.year].append(meeting)
    return [YearOfMeetings(year, tuple(newest_first(years[year]))) for year in sorted(years, reverse=True)]


def undated_meetings(archive: Archive) -> list[Meeting]:
    return sorted((m for m in archive.meetings if not m.date), key=lambda m: m.id)


def latest_meetings(archive: Archive, count: int = 5) -> list[Meeting]:
    """The newest meetings that have minutes: what a resident most likely came for."""
    return [m for m in newest_first(archive.meetings) if m.date and "minutes" in m.kinds][:count]


def next_meetings(archive: Archive) -> list[NextMeeting]:
    """Per committee, meetings dated after its latest minutes: agendas already out, dates announced.

    Worked out from the documents, not from today's date, so the same content always
    builds the same pages.
    """
    found: list[NextMeeting] = []
    by_committee: dict[str | None, list[Meeting]] = defaultdict(list)
    for meeting in archive.meetings:
        if meeting.date:
            by_committee[meeting.committee_id].append(meeting)
    for meetings in by_committee.values():
        minuted = [m.date for m in meetings if "minutes" in m.kinds and m.date]
        latest = max(minuted) if minuted else dt.date.min
        later = sorted((m for m in meetings if m.date and m.date > latest), key=lambda m: (m.date, m.id))
        found.extend(NextMeeting(m.date, m.committee, m.committee_id, m, m.start_time, m.venue)
                     for m in later if m.date)
        last = later[-1] if later else max(meetings, key=lambda m: (m.date, m.id))
        announced = last.next_meeting
        if announced and announced.date and announced.id is None and announced.date > latest:
            found.append(NextMeeting(announced.date, last.committee, last.committee_id, None,
                                     announced.start_time, announced.venue))
    return sorted(found, key=lambda n: (n.date, n.committee or ""))


def people_a_to_z(people: tuple[Person, ...]) -> list[Letter]:
    """People grouped by the initial of their surname, the way council directories list them."""
    groups: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        groups[surname_key(person)[:1].upper() or "#"].append(person)
    return [Letter(letter, tuple(sorted(groups[letter], key=surname_key))) for letter in sorted(groups)]


def surname_key(person: Person) -> str:
    parts = person.name.split()
    return f"{parts[-1]} {' '.join(parts[:-1])}".lower() if parts else ""


def topic_threads(topics: Iterable[Topic], meetings: Mapping[str, Meeting]) -> dict[str, list[ItemInMeeting]]:
    """Topic id -> every item on it in date order: how the subject developed.

    Each meeting's items are indexed by anchor once, not searched once per topic that names them.
    """
    positions: dict[str, dict[str, int]] = {}
    threads: dict[str, list[ItemInMeeting]] = {}
    for topic in topics:
        entries = []
        for meeting_id, anchor in topic.items:
            meeting = meetings[meeting_id]
            if meeting_id not in positions:
                found: dict[str, int] = {}
                for number, item in enumerate(meeting.items):
                    found.setdefault(item.anchor, number)
                positions[meeting_id] = found
            position = positions[meeting_id][anchor]
            entries.append((meeting.date or dt.date.max, meeting.id, position, ItemInMeeting(meeting, meeting.items[position])))
        entries.sort(key=lambda e: e[:3])
        threads[topic.id] = [entry for *_, entry in entries]
    return threads


TOPIC_INDEX_PAGE = 300
"""More topics than this and the topics index lists them a letter to a page: a county's archive names
thousands of subjects, megabytes in one list."""
MOST_DISCUSSED = 20
"""Topics with the most items, shown on a long index's own page."""


@dataclass(frozen=True)
class TopicLetter:
    letter: str
    """A to Z, or "#" for names that start with anything else."""
    topics: tuple[Topic, ...]
    """By name."""

    @property
    def slug(self) -> str:
        return self.letter.lower() if self.letter.isalpha() else "other"


def topics_a_to_z(topics: Iterable[Topic]) -> list[TopicLetter]:
    """Topics by the first letter of their name, then by name."""
    groups: dict[str, list[Topic]] = defaultdict(list)
    for topic in topics:
        first = topic.name[:1].upper()
        groups[first if "A" <= first <= "Z" else "#"].append(topic)
    ordered = sorted(groups, key=lambda letter: (letter == "#", letter))
    return [TopicLetter(letter, tuple(sorted(groups[letter], key=lambda t: (t.name.lower(), t.id)))) for letter in ordered]


def most_discussed(topics: Iterable[Topic], count: int = MOST_DISCUSSED) -> list[Topic]:
    return sorted(topics, key=lambda t: (-len(t.items), t.name.lower(), t.id))[:count]


def thread_years(thread: Sequence[ItemInMeeting]) -> list[ThreadYear]:
    """A thread cut into years, oldest first; undated meetings (last in the thread) make the last part."""
    years: dict[int | None, list[ItemInMeeting]] = defaultdict(list)
    for entry in thread:
        years[entry.meeting.date.year if entry.meeting.date else None].append(entry)
    return [ThreadYear(year, tuple(entries)) for year, entries in years.items()]


def latest_in_thread(thread: Sequence[ItemInMeeting], count: int = LATEST_ON_TOPIC) -> list[ItemInMeeting]:
    """The newest dated items of a thread, newest first."""
    return [entry for entry in reversed(thread) if entry.meeting.date][:count]


REGISTER_PAGE = 300
"""A year of the register with more decisions than this gets a page per month: a county council
records thousands of decisions a year, megabytes on one page."""


@dataclass(frozen=True)
class MonthOfResolutions:
    year: int
    month: int
    entries: tuple[RegisteredResolution, ...]

    @property
    def slug(self) -> str:
        return f"{self.month:02d}"

    @property
    def name(self) -> str:
        return f"{dt.date(self.year, self.month, 1):%B %Y}"


def register_months(year: YearOfResolutions) -> list[MonthOfResolutions]:
    """A long year of the register by month, newest first; none for a short year or undated meetings."""
    if year.year is None or len(year.entries) <= REGISTER_PAGE:
        return []
    months: dict[int, list[RegisteredResolution]] = defaultdict(list)
    for entry in year.entries:
        if entry.meeting.date:
            months[entry.meeting.date.month].append(entry)
    return [MonthOfResolutions(year.year, month, tuple(entries)) for month, entries in months.items()]


Part = TypeVar("Part", ThreadYear, YearOfResolutions, MonthOfResolutions)


def without_entries(part: Part | None) -> Part | None:
    """A neighbouring year or month as the page next to it links to it: its name, not its entries. What a
    page is given is what it is made from (see pagememo): a change there renders this page alone."""
    return replace(part, entries=()) if part is not None else None


def resolutions_by_year(archive: Archive) -> list[YearOfResolutions]:
    """The register: every resolution, newest meeting first, in item order within a meeting."""
    years: dict[int | None, list[RegisteredResolution]] = defaultdict(list)
    for meeting in newest_first(archive.meetings):
        for item in meeting.items:
            for resolution in item.resolutions:
                years[meeting.date.year if meeting.date else None].append(RegisteredResolution(resolution, meeting, item))
    ordered = sorted((y for y in years if y is not None), reverse=True)
    return [YearOfResolutions(year, tuple(years[year])) for year in [*ordered, *([None] if None in years else [])]]

