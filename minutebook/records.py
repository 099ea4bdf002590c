"""Person records: what a person's page shows, computed from the linked archive with no I/O.

Attendance is counted so that a reader can check it, always with its denominator:

- A meeting *records attendance* when its minutes list who was present. Agendas and report
  packs list nobody, so they are never held against anyone.
- Someone is a *member* of a committee when at least one of its meetings lists them as
  present, as sending apologies or in the chair. Being listed in attendance as an officer
  does not make anyone a member. Meetings with no committee form one group of their own.
- A member is *expected* at every meeting of the committee that records attendance, from the
  first to the last meeting (by date, both included) that lists them. A meeting inside that
  span that records attendance without naming them counts as *absent*: no apologies were
  recorded. An undated meeting counts only if it lists them.
- Chairing counts as attending. Someone listed both as present and as sending apologies
  counts as present; a member who is expected and listed in attendance as an officer counts
  as present too.
- Appearances as an officer only are counted apart (``officer_at``) and never enter a tally.
- Exempt (Part II) items add nobody's declarations; their presenters and mentions, if any,
  are listed by title only.
- Everything is ordered newest meeting first, undated meetings last, then by meeting id and
  the order of the items in the meeting.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .listings import newest_first
from .model import Archive, Meeting

Status = Literal["chaired", "present", "apologies", "absent", "officer"]


@dataclass(frozen=True)
class Tally:
    """Counts over the meetings a member was expected at, so a rate is never shown without its denominator."""

    expected: int
    attended: int
    apologies: int
    absent: int
    chaired: int


@dataclass(frozen=True)
class YearTally:
    """One calendar year's tally; a member's record can change from year to year."""

    year: int | None
    tally: Tally


@dataclass(frozen=True)
class Attendance:
    """One meeting in a person's record."""

    meeting_id: str
    status: Status


@dataclass(frozen=True)
class ItemRef:
    """An agenda item someone presented, was mentioned in, or declared an interest at."""

    meeting_id: str
    anchor: str
    number: str
    title: str


@dataclass(frozen=True)
class InterestDeclared:
    """An interest as the minutes record it, with what the member did about it."""

    item: ItemRef
    interest: str
    action: str


@dataclass(frozen=True)
class PersonRecord:
    """Everything a person's page shows about what the minutes record them doing."""

    person_id: str
    total: Tally
    by_year: tuple[YearTally, ...]
    meetings: tuple[Attendance, ...]
    declarations: tuple[InterestDeclared, ...]
    presented: tuple[ItemRef, ...]
    mentioned: tuple[ItemRef, ...]
    officer_at: int


def person_records(archive: Archive) -> dict[str, PersonRecord]:
    """A record for every person in the archive, keyed by person id, in the archive's order."""
    meetings = newest_first(archive.meetings)
    by_id = {m.id: m for m in meetings}
    position = {m.id: n for n, m in enumerate(meetings)}
    statuses = _statuses(meetings)
    declared: dict[str, list[InterestDeclared]] = defaultdict(list)
    presented: dict[str, list[ItemRef]] = defaultdict(list)
    mentioned: dict[str, list[ItemRef]] = defaultdict(list)
    for meeting in meetings:
        for item in meeting.items:
            ref = ItemRef(meeting.id, item.anchor, item.number, item.title)
            for pid in _unique(item.presenters):
                presented[pid].append(ref)
            for pid in _unique(item.mentioned):
                if pid not in item.presenters:
                    mentioned[pid].append(ref)
            if not item.exempt:
                for d in item.declarations:
                    declared[d.person].append(InterestDeclared(ref, d.interest, d.action))
    records = {}
    for person in archive.people:
        mine = statuses.get(person.id, {})
        # a person's own meetings in the archive's order: not every meeting once per person (3 million at 10,000)
        ordered = [Attendance(mid, mine[mid]) for mid in sorted(mine, key=position.__getitem__)]
        counted = [a for a in ordered if a.status != "officer"]
        years: dict[int | None, list[Status]] = defaultdict(list)
        for a in counted:
            date = by_id[a.meeting_id].date
            years[date.year if date else None].append(a.status)
        records[person.id] = PersonRecord(
            person_id=person.id,
            total=_tally(a.status for a in counted),
            by_year=tuple(YearTally(y, _tally(years[y])) for y in sorted(years, key=_year_newest_first)),
            meetings=tuple(ordered),
            declarations=tuple(declared[person.id]),
            presented=tuple(presented[person.id]),
            mentioned=tuple(mentioned[person.id]),
            officer_at=len(ordered) - len(counted),
        )
    return records


def _statuses(meetings: list[Meeting]) -> dict[str, dict[str, Status]]:
    """person id -> meeting id -> status, for every meeting a person appears at or was expected at."""
    found: dict[str, dict[str, Status]] = defaultdict(dict)
    runs: dict[str | None, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        runs[meeting.committee_id].append(meeting)
    for run in runs.values():
        listed = [(meeting, _listed(meeting)) for meeting in run]  # once per meeting, not once per member
        members = _unique(pid for _, names in listed for pid in names)
        for pid in members:
            dates = [m.date for m, names in listed if m.date is not None and pid in names]
            span = (min(dates), max(dates)) if dates else None
            for meeting, names in listed:
                if pid in names or _expected(meeting, span):
                    found[pid][meeting.id] = _member_status(pid, meeting)
    for meeting in meetings:
        for pid in meeting.officers:
            found[pid].setdefault(meeting.id, "officer")
    return found


def _listed(meeting: Meeting) -> tuple[str, ...]:
    """Who this meeting names as a member: chair, present, apologies."""
    chair = (meeting.chair,) if meeting.chair else ()
    return (*chair, *meeting.present, *meeting.apologies)


def _expected(meeting: Meeting, span: tuple[dt.date, dt.date] | None) -> bool:
    """A meeting that records attendance, dated within the member's first and last listing."""
    if not meeting.present or meeting.date is None or span is None:
        return False
    return span[0] <= meeting.date <= span[1]


def _member_status(pid: str, meeting: Meeting) -> Status:
    if pid == meeting.chair:
        return "chaired"
    if pid in meeting.present or pid in meeting.officers:
        return "present"
    return "apologies" if pid in meeting.apologies else "absent"


def _tally(statuses: Iterable[Status]) -> Tally:
    counts = Counter(statuses)
    return Tally(
        expected=sum(counts.values()),
        attended=counts["chaired"] + counts["present"],
        apologies=counts["apologies"],
        absent=counts["absent"],
        chaired=counts["chaired"],
    )


def _year_newest_first(year: int | None) -> tuple[bool, int]:
    return (year is None, -(year or 0))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))

