"""data/popolo.json: the council, its committees, people, memberships and meetings in Popolo's shape.

Field names follow the Popolo specification (organizations, persons, memberships) and Open
Civic Data's event format (participants with ``entity_type``/``entity_id``/``entity_name``/
``note``; agenda items with ``order``, ``description``, ``subjects``, ``notes``), so tools built
for those standards can read a council's minutes. Only what the documents show is stated: a
person is a committee ``member`` over the dates they are listed at its meetings, an ``officer``
of the council over the dates a job title was seen. Chairing is a note on one meeting, not a
membership, because minutes name who chaired that meeting, not who holds the office.

Events are "committee-meeting"s of their committee; a meeting of the full council (the
committee's name is the council's) is a "council-meeting"; when the papers name no committee
the event is a "committee-meeting" with the council as organization. ``start_date`` is null
for an undated meeting rather than left out, so the meeting still counts. An exempt item is
``public: false`` with its title, subjects and exemption reason only; the model holds
nothing else for it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, Literal

from .downloads import Download
from .jsonld import start_iso
from .model import Archive, Item, Meeting, Person
from .slugs import slugify

Attendance = Literal["chair", "present", "apologies", "officer"]
NOTES: dict[Attendance, str] = {"chair": "chair", "present": "attended", "apologies": "apologies", "officer": "officer"}
"""Attendance role -> the participant note popolo.json gives it."""


def in_date_order(meetings: Iterable[Meeting]) -> list[Meeting]:
    """Oldest first, undated last, then by id: the order of data/meetings.json, fixed for any input."""
    return sorted(meetings, key=lambda m: (m.date is None, m.date or dt.date.min, m.id))


def attendance(meeting: Meeting) -> list[tuple[str, Attendance]]:
    """Each person once, chair first, then present, apologies and officers in the order the minutes list them."""
    listed: dict[str, Attendance] = {}
    groups: tuple[tuple[Attendance, tuple[str, ...]], ...] = (
        ("chair", (meeting.chair,) if meeting.chair else ()),
        ("present", meeting.present), ("apologies", meeting.apologies), ("officer", meeting.officers),
    )
    for role, ids in groups:
        for person_id in ids:
            listed.setdefault(person_id, role)
    return list(listed.items())


def job_title(person: Person, when: dt.date | None) -> str | None:
    """The officer's job title at a date, as the meeting page shows it; else the latest seen."""
    spells = [s for s in person.roles if s.role == "officer" and s.title]
    for spell in spells:
        if when and spell.first_seen and spell.last_seen and spell.first_seen <= when <= spell.last_seen:
            return spell.title
    return spells[-1].title if spells else None


def popolo_document(
    archive: Archive, council: str, *, base_url: str = "", downloads: Mapping[str, Download] | None = None
) -> dict[str, Any]:
    """The whole archive as one Popolo document; URLs absolute when ``base_url`` is set."""
    events = popolo_events(archive, council, base_url=base_url, downloads=downloads)
    return {**popolo_frame(archive, council), "events": [make() for _, make in events]}


def council_id_of(council: str) -> str:
    """The council's organization id in popolo.json."""
    return slugify(council, fallback="council")


def popolo_frame(archive: Archive, council: str) -> dict[str, Any]:
    """The Popolo document but its events: organizations, persons and memberships."""
    council_id = council_id_of(council)
    organizations = [{"id": council_id, "name": council, "classification": "council"}] + [
        {"id": c.id, "name": c.name, "classification": "committee", "parent_id": council_id}
        for c in sorted(archive.committees, key=lambda c: c.id) if c.id != council_id
    ]
    return {
        "organizations": organizations,
        "persons": [_person(p) for p in sorted(archive.people, key=lambda p: p.id)],
        "memberships": _memberships(in_date_order(archive.meetings), {p.id: p for p in archive.people}, council_id),
    }


def popolo_events(
    archive: Archive, council: str, *, base_url: str = "", downloads: Mapping[str, Download] | None = None
) -> list[tuple[Meeting, Callable[[], dict[str, Any]]]]:
    """Each meeting, in date order, with what makes its event (each made only when asked for: a rebuild
    takes most from the last, see export.py)."""
    council_id = council_id_of(council)
    people = {p.id: p for p in archive.people}
    topics = {t.id: t.name for t in archive.topics}
    return [(meeting, partial(_event, meeting, people, topics, council_id, base_url, downloads or {}))
            for meeting in in_date_order(archive.meetings)]


def _person(person: Person) -> dict[str, Any]:
    return {"id": person.id, "name": person.name,
            "other_names": [{"name": v} for v in person.variants if v != person.name]}


def _memberships(meetings: list[Meeting], people: Mapping[str, Person], council_id: str) -> list[dict[str, Any]]:
    """Committee members over the meetings they are listed at; council officers over their job titles."""
    seen: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for meeting in meetings:
        organization = meeting.committee_id or council_id
        for person_id, role in attendance(meeting):
            if role != "officer" and person_id in people:
                seen[(person_id, organization)].extend([meeting.date] if meeting.date else [])
    records = [_dated({"person_id": pid, "organization_id": org, "role": "member"}, min(days, default=None),
                      max(days, default=None)) for (pid, org), days in seen.items()]
    for person in people.values():
        for spell in person.roles:
            if spell.role == "officer":
                record = {"person_id": person.id, "organization_id": council_id, "role": "officer"}
                if spell.title:
                    record["label"] = spell.title
                records.append(_dated(record, spell.first_seen, spell.last_seen))
    return sorted(records, key=lambda r: (r["person_id"], r["organization_id"], r["role"],
                                          r.get("start_date", ""), r.get("label", "")))


def _dated(record: dict[str, Any], start: dt.date | None, end: dt.date | None) -> dict[str, Any]:
    """Popolo dates are left out, not null, when the documents give none."""
    if start:
        record["start_date"] = start.isoformat()
    if end:
        record["end_date"] = end.isoformat()
    return record


def _event(meeting: Meeting, people: Mapping[str, Person], topics: Mapping[str, str], council_id: str, base_url: str,
           downloads: Mapping[str, Download]) -> dict[str, Any]:
    full_council = meeting.committee_id == council_id
    page = base_url + meeting.url
    return {
        "id": meeting.id,
        "name": meeting.title,
        "start_date": start_iso(meeting),
        "location": {"name": meeting.venue} if meeting.venue else None,
        "organization_id": meeting.committee_id or council_id,
        "classification": "council-meeting" if full_council else "committee-meeting",
        "participants": [
            {"entity_type": "person", "entity_id": pid, "entity_name": people[pid].name, "note": NOTES[role]}
            for pid, role in attendance(meeting) if pid in people
        ],
        "agenda": [_agenda_item(item, topics, people) for item in meeting.items],
        "links": [{"url": page, "note": "Meeting page"}],
        "sources": [
            {"url": base_url + downloads[path].url if path in downloads else f"{page}#documents", "note": path}
            for path in meeting.sources
        ],
    }


def _agenda_item(item: Item, topics: Mapping[str, str], people: Mapping[str, Person]) -> dict[str, Any]:
    """Public items carry their decisions as notes and presenters as related entities; exempt ones only their reason."""
    record: dict[str, Any] = {
        "order": item.number or None,
        "description": item.title or "Untitled item",
        "subjects": [topics[t] for t in item.topics if t in topics],
        "public": not item.exempt,
    }
    if item.exempt:
        record["notes"] = [item.exempt_reason] if item.exempt_reason else []
        return record
    record["notes"] = [r.text for r in item.resolutions]
    record["related_entities"] = [
        {"entity_type": "person", "entity_id": pid, "entity_name": people[pid].name, "note": "presenter"}
        for pid in item.presenters if pid in people
    ]
    return record
