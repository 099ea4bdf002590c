"""Linking: every document's parts become one archive of meetings, people, topics and committees.

Parts that describe the same meeting (same committee and date) are merged: minutes
are the record of what happened, the agenda and reports fill in what the minutes lack.
Names become people, item titles become topics, and "Minutes of the meeting held on"
or "Date of next meeting" become links between meetings when those are in the archive.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import people as people_mod
from . import topics as topics_mod
from .model import (
    Archive,
    Committee,
    DeclarationOfInterest,
    ExemptItem,
    Item,
    Meeting,
    MeetingRef,
    NameRef,
    ParsedItem,
    ParsedMeeting,
    Person,
    Problem,
    Resolution,
    RoleSpell,
    SourceAccount,
    SourceSpan,
    Topic,
)
from .slugs import slugify

KIND_ORDER = ("minutes", "agenda", "reports", "agenda-item")


@dataclass(frozen=True)
class LinkInput:
    """What the read and parse stages hand over: parts per document and the skipped documents."""

    parsed: Sequence[tuple[str, Sequence[ParsedMeeting]]]
    """(source path, its meeting parts), sorted by path."""
    skipped: Sequence[tuple[str, str]] = ()
    """(source path, reason) for documents that could not be read."""
    people_overrides: people_mod.PeopleOverrides | None = None
    topic_overrides: topics_mod.TopicOverrides | None = None


@dataclass(frozen=True)
class _Group:
    key: tuple[str, str]
    parts: tuple[ParsedMeeting, ...]


def link_archive(given: LinkInput) -> Archive:
    """Turn parsed parts into the linked archive; problems are collected, never raised."""
    problems: list[Problem] = []
    groups = _group_parts(given.parsed, problems)
    merged = [_merge(group) for group in groups]
    ids = {group.key: _meeting_id(group) for group in groups}
    mentions, mention_index = _mentions(merged, ids)
    index = people_mod.resolve_people(mentions, given.people_overrides)
    problems.extend(index.problems)

    def person(ref: NameRef | None, key: tuple[str, str]) -> str | None:
        if ref is None:
            return None
        position = mention_index.get((ref, ids[key]))
        return index.person_of.get(position) if position is not None else None

    topic_index = topics_mod.assign_topics(_topic_inputs(merged, ids), given.topic_overrides)
    problems.extend(topic_index.problems)
    by_committee_date = {
        (slugify(m.committee) if m.committee else None, m.date): ids[g.key] for g, m in zip(groups, merged, strict=False) if m.date
    }
    meetings = []
    for group, part in zip(groups, merged, strict=False):
        meeting_id = ids[group.key]
        meetings.append(
            _build_meeting(meeting_id, group, part, person, index.people, topic_index, by_committee_date, problems)
        )
    meetings = _chronology(meetings)
    people = _people(index.people, meetings)
    topics = tuple(
        Topic(t.id, t.name, t.variants, tuple(tuple(key.split("#", 1)) for key in t.keys))  # type: ignore[misc]
        for t in topic_index.topics
    )
    return Archive(
        meetings=tuple(meetings),
        people=people,
        topics=topics,
        committees=_committees(meetings),
        accounts=_accounts(given, groups, ids),
        problems=tuple(problems),
    )


# --- grouping and merging -----------------------------------------------------------------


def _group_key(path: str, part: ParsedMeeting) -> tuple[str, str]:
    if part.date is None:
        return ("undated", path)
    return (slugify(part.committee or part.body or "meeting"), part.date.isoformat())


def _group_parts(parsed: Sequence[tuple[str, Sequence[ParsedMeeting]]], problems: list[Problem]) -> list[_Group]:
    """Gather parts per meeting; a second document claiming the same meeting and kind is refused."""
    grouped: dict[tuple[str, str], list[ParsedMeeting]] = defaultdict(list)
    claimed: dict[tuple[tuple[str, str], str], SourceSpan] = {}
    for path, parts in parsed:
        for part in parts:
            key = _group_key(path, part)
            if part.kind in ("minutes", "agenda"):
                earlier = claimed.get((key, part.kind))
                if earlier is not None and earlier.path != path:
                    problems.append(
                        Problem(
                            "error",
                            part.source,
                            f"this {part.kind} is for the same meeting ({key[1]}) as {earlier}; "
                            "remove one of the two documents or correct its date or committee",
                        )
                    )
                    continue
                claimed[(key, part.kind)] = part.source
            grouped[key].append(part)
            if part.date is None:
                problems.append(
                    Problem(
                        "warning",
                        part.source,
                        "no meeting date found: published under Undated; add front matter with 'date: YYYY-MM-DD'",
                        "undated",
                    )
                )
    return [_Group(key, tuple(parts)) for key, parts in sorted(grouped.items())]


def _meeting_id(group: _Group) -> str:
    if group.key[0] == "undated":
        stem = group.key[1].rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return f"undated-{slugify(stem)}"
    return f"{group.key[1]}-{group.key[0]}"


def _merge(group: _Group) -> ParsedMeeting:
    """One record per meeting: minutes first, then agenda, reports and lone item pages."""
    parts = sorted(group.parts, key=lambda p: (KIND_ORDER.index(p.kind) if p.kind in KIND_ORDER else 9, p.source))
    base = next((p for p in parts if p.kind in ("minutes", "agenda")), parts[0])
    items = list(base.items)
    for part in parts:
        if part is base:
            continue
        for item in part.items:
            items = _merge_item(items, item)
    first: dict[str, Any] = {field: next((getattr(p, field) for p in parts if getattr(p, field)), None) for field in
             ("body", "committee", "start_time", "venue", "chair", "next_meeting", "signed_by")}
    return replace(
        base,
        items=tuple(items),
        officers=tuple(ref for p in parts for ref in p.officers),
        **first,
    )


def _merge_item(items: list[ParsedItem | ExemptItem], extra: ParsedItem | ExemptItem) -> list[ParsedItem | ExemptItem]:
    """Attach a report or restricted page to its agenda item; exempt wins, so nothing leaks."""
    for position, item in enumerate(items):
        if not (_same_item(item, extra)):
            continue
        if isinstance(item, ExemptItem) or isinstance(extra, ExemptItem):
            reason = next((i.reason for i in (item, extra) if isinstance(i, ExemptItem) and i.reason), None)
            withheld = tuple(sorted({r for i in (item, extra) for r in (i.withheld if isinstance(i, ExemptItem) else i.lines)}))
            items[position] = ExemptItem(item.number or extra.number, item.title or extra.title, reason, item.source,
                                         withheld=withheld)
        elif not item.blocks or extra.blocks:
            items[position] = replace(
                item,
                blocks=item.blocks + extra.blocks,
                resolutions=item.resolutions or extra.resolutions,
                themes=None,  # worked out again for the joined text
                presenters=item.presenters + extra.presenters,
                mentioned=item.mentioned + extra.mentioned,
                lines=item.lines + extra.lines,
            )
        return items
    return [*items, extra]


def _same_item(a: ParsedItem | ExemptItem, b: ParsedItem | ExemptItem) -> bool:
    if a.number and b.number:
        return a.number == b.number
    return bool(a.title and b.title and _title_key(a.title) == _title_key(b.title))


def _title_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower().replace("–", "-")).strip()


# --- people and topics --------------------------------------------------------------------


def _refs(part: ParsedMeeting) -> list[NameRef]:
    refs = [r for r in (part.chair, part.signed_by) if r is not None]
    refs += [*part.present, *part.apologies, *part.officers]
    for item in part.items:
        if isinstance(item, ParsedItem):
            refs += [*item.presenters, *item.mentioned, *(d.person for d in item.declarations)]
    return refs


def _mentions(
    merged: list[ParsedMeeting], ids: dict[tuple[str, str], str]
) -> tuple[list[people_mod.Mention], dict[tuple[NameRef, str], int]]:
    mentions: list[people_mod.Mention] = []
    index: dict[tuple[NameRef, str], int] = {}
    for meeting_id, part in zip(ids.values(), merged, strict=True):
        group = slugify(part.committee) if part.committee else None
        for ref in _refs(part):
            if (ref, meeting_id) in index:
                continue
            index[(ref, meeting_id)] = len(mentions)
            mentions.append(people_mod.Mention(ref, meeting_id, part.date, group))
    return mentions, index


def _topic_inputs(merged: list[ParsedMeeting], ids: dict[tuple[str, str], str]) -> list[topics_mod.TopicInput]:
    inputs = []
    for meeting_id, part in zip(ids.values(), merged, strict=False):
        for position, item in enumerate(part.items):
            key = f"{meeting_id}#{_anchor(item, position)}"
            if isinstance(item, ExemptItem):
                inputs.append(topics_mod.TopicInput(key, item.title, "", (), part.date))
                continue
            text = item.plain_text()
            headings = tuple(block.text for block in item.blocks if block.kind == "heading")
            inputs.append(topics_mod.TopicInput(key, item.title, text, headings, part.date, item.themes))
    return inputs


def _anchor(item: ParsedItem | ExemptItem, position: int) -> str:
    return f"item-{slugify(item.number, fallback='')}" if item.number else f"item-{position + 1}"


# --- meetings -------------------------------------------------------------------------------


def _build_meeting(
    meeting_id: str,
    group: _Group,
    part: ParsedMeeting,
    person: Callable[[NameRef | None, tuple[str, str]], str | None],
    people: Sequence[people_mod.ResolvedPerson],
    topic_index: topics_mod.TopicIndex,
    by_committee_date: dict[tuple[str | None, dt.date], str],
    problems: list[Problem],
) -> Meeting:
    committee_id = slugify(part.committee) if part.committee else None

    def ids_of(refs: Iterable[NameRef]) -> tuple[str, ...]:
        return _unique(person(ref, group.key) for ref in refs)

    items = []
    for position, item in enumerate(part.items):
        anchor = _anchor(item, position)
        topics = topic_index.topics_of.get(f"{meeting_id}#{anchor}", ())
        if isinstance(item, ExemptItem):
            items.append(Item(item.number, item.title, anchor, item.source, exempt=True,
                              exempt_reason=item.reason, topics=topics, withheld=item.withheld))
            continue
        label = item.number or str(position + 1)
        resolutions = tuple(
            Resolution(f"{meeting_id}/{label}.{n}", text, f"resolution-{slugify(label)}-{n}")
            for n, text in enumerate(item.resolutions, start=1)
        )
        text = item.plain_text()
        presenters = ids_of(item.presenters)
        mentioned = _unique([*ids_of(item.mentioned), *people_mod.find_mentions(text, people)])
        minutes_of = None
        if item.minutes_of is not None:
            minutes_of = by_committee_date.get((committee_id, item.minutes_of))
            if minutes_of is None:
                problems.append(Problem("note", item.source, f"minutes of {item.minutes_of.isoformat()} are not in the archive", "missing-reference"))
        items.append(
            Item(
                item.number, item.title, anchor, item.source,
                blocks=item.blocks,
                resolutions=resolutions,
                procedural=topics_mod.is_procedural(item.title),
                topics=topics,
                presenters=presenters,
                mentioned=tuple(p for p in mentioned if p not in presenters),
                declarations=tuple(
                    DeclarationOfInterest(pid, d.interest, d.action)
                    for d in item.declarations
                    if (pid := person(d.person, group.key))
                ),
                minutes_of=minutes_of,
                minutes_of_date=item.minutes_of,
                page=item.page,
            )
        )
    previous = next(
        (MeetingRef(i.minutes_of_date, i.minutes_of) for i in items if i.minutes_of_date is not None), None
    )
    following = None
    if part.next_meeting is not None and part.next_meeting.date is not None:
        next_id = by_committee_date.get((committee_id, part.next_meeting.date))
        following = MeetingRef(part.next_meeting.date, next_id, part.next_meeting.start_time, part.next_meeting.venue)
        if next_id is None:
            problems.append(Problem("note", part.next_meeting.source,
                                    f"next meeting ({part.next_meeting.date.isoformat()}) is not in the archive",
                                    "missing-reference"))
    present = ids_of(part.present)
    chair = person(part.chair, group.key)
    if chair and chair not in present:
        present = (chair, *present)
    return Meeting(
        id=meeting_id,
        body=part.body,
        committee=part.committee,
        committee_id=committee_id,
        date=part.date,
        start_time=part.start_time,
        venue=part.venue,
        kinds=tuple(k for k in KIND_ORDER if any(p.kind == k for p in group.parts)),
        sources=tuple(sorted({p.source.path for p in group.parts})),
        parts=tuple(sorted((p.kind, p.source) for p in group.parts)),
        chair=chair,
        present=present,
        apologies=tuple(p for p in ids_of(part.apologies) if p not in present),
        officers=tuple(p for p in ids_of(part.officers) if p not in present),
        items=tuple(items),
        previous_meeting=previous,
        next_meeting=following,
        signed_by=person(part.signed_by, group.key),
    )


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return tuple(seen)


def _chronology(meetings: list[Meeting]) -> list[Meeting]:
    """Fill previous/next from the committee's own run of meetings where the documents are silent."""
    ordered = sorted(meetings, key=lambda m: (m.date is None, m.date or dt.date.min, m.id))
    runs: dict[str | None, list[Meeting]] = defaultdict(list)
    for meeting in ordered:
        if meeting.date is not None:
            runs[meeting.committee_id].append(meeting)
    neighbours: dict[str, tuple[Meeting | None, Meeting | None]] = {}
    for run in runs.values():
        bookended: list[Meeting | None] = [None, *run, None]
        for before, meeting, after in zip(bookended[:-2], run, bookended[2:], strict=False):
            neighbours[meeting.id] = (before, after)
    out = []
    for meeting in ordered:
        before, after = neighbours.get(meeting.id, (None, None))
        previous, following = meeting.previous_meeting, meeting.next_meeting
        if previous is None and before is not None:
            previous = MeetingRef(before.date, before.id)
        if following is None and after is not None:
            following = MeetingRef(after.date, after.id)
        out.append(replace(meeting, previous_meeting=previous, next_meeting=following))
    return out


def _people(resolved: Sequence[people_mod.ResolvedPerson], meetings: list[Meeting]) -> tuple[Person, ...]:
    attended: dict[str, list[str]] = defaultdict(list)
    apologies: dict[str, list[str]] = defaultdict(list)
    chaired: dict[str, list[str]] = defaultdict(list)
    for meeting in meetings:
        for pid in (*meeting.present, *meeting.officers):
            attended[pid].append(meeting.id)
        for pid in meeting.apologies:
            apologies[pid].append(meeting.id)
        if meeting.chair:
            chaired[meeting.chair].append(meeting.id)
    return tuple(
        Person(
            id=p.id,
            name=p.name,
            variants=p.variants,
            roles=tuple(RoleSpell(role, title, first, last) for role, title, first, last in p.roles),  # type: ignore[arg-type]
            attended=tuple(attended[p.id]),
            apologies=tuple(apologies[p.id]),
            chaired=tuple(chaired[p.id]),
        )
        for p in resolved
    )


def _committees(meetings: list[Meeting]) -> tuple[Committee, ...]:
    grouped: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        if meeting.committee_id:
            grouped[meeting.committee_id].append(meeting)
    committees = []
    for committee_id, run in sorted(grouped.items()):
        members = sorted({pid for m in run for pid in (*m.present, *m.apologies)})
        topics = sorted({t for m in run for item in m.items for t in item.topics})
        committees.append(
            Committee(committee_id, run[0].committee or committee_id, run[0].body,
                      tuple(m.id for m in run), tuple(members), tuple(topics))
        )
    return tuple(committees)


def _accounts(given: LinkInput, groups: list[_Group], ids: dict[tuple[str, str], str]) -> tuple[SourceAccount, ...]:
    published: dict[str, list[str]] = defaultdict(list)
    for group in groups:
        for part in group.parts:
            if ids[group.key] not in published[part.source.path]:
                published[part.source.path].append(ids[group.key])
    accounts = [SourceAccount(path, "skipped", reason=reason) for path, reason in given.skipped]
    for path, _parts in given.parsed:
        if published.get(path):
            accounts.append(SourceAccount(path, "published", tuple(sorted(published[path]))))
        else:
            accounts.append(SourceAccount(path, "skipped", reason="no meeting could be read from it"))
    return tuple(sorted(accounts, key=lambda a: a.path))
