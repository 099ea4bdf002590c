"""Linking: every document's parts become one archive of meetings, people, topics and committees.

Parts that describe the same meeting (same committee and date) are merged: minutes
are the record of what happened, the agenda and reports fill in what the minutes lack.
Names become people, item titles become topics, and "Minutes of the meeting held on"
or "Date of next meeting" become links between meetings when those are in the archive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from . import buildcache
from . import people as people_mod
from . import topics as topics_mod
from .forked import Background, Queue, Recruit, everyone
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
from .progress import Progress
from .slugs import slugify

KIND_ORDER = ("minutes", "agenda", "reports", "agenda-item")
MENTION_CHUNK = 256
"""Item texts searched for people's names per piece of work handed to a core."""
MENTION_FORK_FROM = 8
"""Fewer chunks than this are searched in this process: a second process would cost more than it saves."""


@dataclass(frozen=True)
class LinkInput:
    """What the read and parse stages hand over: parts per document and the skipped documents."""

    parsed: Sequence[tuple[str, Sequence[ParsedMeeting]]]
    """(source path, its meeting parts), sorted by path."""
    skipped: Sequence[tuple[str, str]] = ()
    """(source path, reason) for documents that could not be read."""
    people_overrides: people_mod.PeopleOverrides | None = None
    topic_overrides: topics_mod.TopicOverrides | None = None
    cache: Path | None = None
    """The build cache folder: what an earlier build worked out for the same texts is looked up there."""
    contact_free: Mapping[str, str] = field(default_factory=dict)
    """Source path -> SHA-256 of the file as read, for files the reader found no contact details in."""
    read: Mapping[str, str] = field(default_factory=dict)
    """Source path -> SHA-256 of the file as read, for every file that gave meetings."""


@dataclass(frozen=True)
class _Group:
    key: tuple[str, str]
    parts: tuple[ParsedMeeting, ...]
    claimants: tuple[str, ...]
    """Every document with a part for this meeting, those whose part gave way to another's too."""


@dataclass(frozen=True)
class MeetingLinks:
    """What linking read and decided for one meeting, kept so that the meeting can be linked again alone."""

    claimants: tuple[str, ...]
    """Every document with a part for this meeting (_Group.claimants)."""
    signature: bytes
    """A digest of all this meeting gave to what linking decides across meetings: the names it mentions as
    people.resolve_people reads them, its items as topics.assign_topics reads them, its committee and date."""
    persons: Mapping[int, str]
    """Who each of its mentions (by place among them) was found to be."""
    problems: tuple[Problem, ...]
    """Grouping's and linking's problems with this meeting's documents."""
    key: tuple[str, str]
    """Its group key (_group_key): linking takes meetings in this order."""
    at: tuple[str | None, dt.date] | None
    """Its committee and date as Decided.by_committee_date holds them; None when undated."""
    refers: frozenset[dt.date]
    """The dates of its committee's meetings its documents refer to: minutes approved, the next meeting."""
    names: bytes
    """Its mentions as resolve_people reads them (_names_of), and ``titles`` its items as assign_topics reads
    them (_titles_of): with every other meeting's, who is who and the topics are worked out again, when
    meetings come, go or say something new, without reading any other meeting."""
    titles: bytes


@dataclass(frozen=True)
class Decided:
    """What linking decided across meetings, which no one meeting's documents decide alone: with it, a
    meeting whose documents changed can be linked again alone, as long as its signature is the same."""

    people: tuple[people_mod.ResolvedPerson, ...]
    problems: tuple[Problem, ...]
    """Who is who's and the topics' problems."""
    by_committee_date: Mapping[tuple[str | None, dt.date], str]
    meetings: Mapping[str, MeetingLinks]


def link_archive(given: LinkInput) -> Archive:
    """Turn parsed parts into the linked archive; problems are collected, never raised."""
    return link(given)[0]


def link(given: LinkInput) -> tuple[Archive, Decided]:
    """The linked archive, and what linking decided across its meetings (for link_again).

    With a cache folder, what an earlier build worked out from exactly the same texts and names (the
    people each text names, who is who, the topics) is looked up there instead: a rebuild where
    little changed takes about a third of the time. Themes need no cache: the reader's, which its
    cache keeps, are added up here."""
    problems: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    groups = _group_parts(given.parsed, problems)
    merged = [_merge(group) for group in groups]
    ids = [_meeting_id(group.key) for group in groups]
    memo = _Memo.load(given.cache)

    def assign() -> bytes:
        inputs = _topic_inputs(merged, ids)
        said = [_digest_of(topics_mod.input_facts(own)) for own in inputs]
        key = _keyed(sorted(zip(ids, said, strict=True)), given.topic_overrides)
        answer = memo.topics.get(key) or _assigned([i for own in inputs for i in own], given.topic_overrides)
        return pickle.dumps((key, answer, said, [_titles_of(own) for own in inputs]), protocol=pickle.HIGHEST_PROTOCOL)

    with Background(assign) as topic_work:  # topics need no people: a second core works them out meanwhile
        texts = [_texts(part) for part in merged]
        mentions, positions = _mentions(merged, ids)
        named = [_digest_of(people_mod.mention_facts(own)) for own in mentions]
        people_key = _keyed(named, given.people_overrides)
        index = memo.people.get(people_key) or people_mod.resolve_people(
            [m for own in mentions for m in own], given.people_overrides)
        by_committee_date = {entry: meeting_id for meeting_id, m in zip(ids, merged, strict=True)
                             if (entry := _entry(m)) is not None}
        # On this core while the topics are worked out, and on theirs too once they are done.
        mentioned, texts_named = _named_in(texts, index.people, memo.mentions)
        topic_key, topic_answer, topics_said, titled = pickle.loads(topic_work.result())
    topic_index = topics_mod.TopicIndex(*pickle.loads(topic_answer))
    memo.keep(given.cache, _Memo(texts_named, {topic_key: topic_answer}, {people_key: index}))

    links: dict[str, MeetingLinks] = {}
    meetings = []
    first = 0
    for group, part, own, at, meeting_id, found, said, told, titles in zip(
            groups, merged, texts, positions, ids, mentions, named, topics_said, titled, strict=True):
        persons = {n: pid for n in range(len(found)) if (pid := index.person_of.get(first + n)) is not None}
        first += len(found)
        meetings.append(_build_meeting(meeting_id, group, part, own, _Named(at, persons), mentioned,
                                       topic_index.topics_of, by_committee_date, problems[group.key]))
        links[meeting_id] = MeetingLinks(group.claimants, _signature(said, told, part), persons,
                                         tuple(problems[group.key]), group.key, _entry(part), _refers(part),
                                         _names_of(part, found), titles)
    meetings = _chronology(meetings)
    decided = Decided(index.people, (*index.problems, *topic_index.problems), by_committee_date, links)
    published = _published(groups, ids)
    return _archive(meetings, _topics(topic_index), _accounts(given, published), decided), decided


@dataclass(frozen=True)
class _Regrouped:
    """The meetings to link again, their documents' parts grouped and merged as link() does."""

    groups: list[_Group]
    merged: list[ParsedMeeting]
    ids: list[str]
    problems: dict[tuple[str, str], list[Problem]]

    def entries(self) -> dict[str, tuple[str | None, dt.date] | None]:
        """Each meeting's key in Decided.by_committee_date now (None when undated)."""
        return {meeting_id: _entry(part) for meeting_id, part in zip(self.ids, self.merged, strict=True)}


def _regroup(given: LinkInput, ids: Set[str]) -> _Regrouped:
    problems: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    groups = [group for group in _group_parts(given.parsed, problems) if _meeting_id(group.key) in ids]
    return _Regrouped(groups, [_merge(group) for group in groups], [_meeting_id(group.key) for group in groups],
                      problems)


@dataclass(frozen=True)
class _Across:
    """What linking decided across meetings, as the meetings linked again are built with it."""

    people: tuple[people_mod.ResolvedPerson, ...]
    persons: Mapping[str, Mapping[int, str]]
    """Meeting id -> who each of its mentions is (MeetingLinks.persons)."""
    topics_of: Mapping[str, tuple[str, ...]]
    topics: tuple[Topic, ...]
    problems: tuple[Problem, ...]
    by_committee_date: Mapping[tuple[str | None, dt.date], str]
    afresh: bool
    """Worked out again from every meeting: ``topics_of`` covers every item, not only theirs."""


def touching(given: LinkInput, decided: Decided, ids: Set[str]) -> set[str]:
    """The meetings, other than ``ids``, whose links change when those are linked again from ``given``
    (every document with a part in them): link_again needs them among ``ids`` too. See _touching."""
    return _touching(decided, ids, _regroup(given, ids).entries())


def link_again(given: LinkInput, decided: Decided, last: Callable[[], Archive], ids: Set[str],
               gone: Collection[str] = ()) -> tuple[Archive, Decided] | None:
    """The last archive (``last()`` loads it), and what linking decided across its meetings, with the
    meetings ``ids`` linked again from their documents now: ``given.parsed`` holds every document with
    a part in them (one of ``ids`` that none has a part in now has gone, one the last archive has not
    has come), and documents may hold parts of other meetings too; ``gone`` are documents that are no
    longer there.

    When these meetings tell what linking decides across meetings (MeetingLinks.signature) what they
    told it before, that stands. Otherwise who is who and the topics are worked out again from every
    meeting's names and titles (MeetingLinks.names, .titles), no other meeting read, on a second
    core while the last archive loads: an item whose topics change is given them. None when
    that would change what only reading another meeting can show (the people whose names texts are
    searched for, who one of its mentions is), or when a meeting whose links change is not among
    ``ids`` (touching): only linking them all can answer."""
    again = _regroup(given, ids)
    if not _touching(decided, ids, again.entries()) <= ids:
        return None
    texts = [_texts(part) for part in again.merged]
    mentions, positions = _mentions(again.merged, again.ids)
    inputs = _topic_inputs(again.merged, again.ids)
    links = {
        meeting_id: MeetingLinks(
            group.claimants,
            _signature(_digest_of(people_mod.mention_facts(found)), _digest_of(topics_mod.input_facts(items)), part),
            {}, (), group.key, _entry(part), _refers(part), _names_of(part, found), _titles_of(items))
        for meeting_id, group, part, found, items in zip(again.ids, again.groups, again.merged, mentions, inputs,
                                                         strict=True)
    }
    others = {meeting_id: kept for meeting_id, kept in decided.meetings.items() if meeting_id not in ids}
    if links.keys() == ids and all(i in decided.meetings and links[i].signature == decided.meetings[i].signature
                                   for i in links):
        archive = last()
        across = _Across(decided.people, {i: decided.meetings[i].persons for i in links},
                         {f"{m.id}#{item.anchor}": item.topics for m in archive.meetings if m.id in ids
                          for item in m.items},
                         archive.topics, decided.problems, decided.by_committee_date, afresh=False)
    else:
        archive, decided_again = _decide_again(given, decided.people, others, links, last)
        if decided_again is None:
            return None
        across = decided_again
    mentioned, _ = _named_in(texts, across.people, {})
    fresh: dict[str, Meeting] = {}
    for group, part, own, at, meeting_id in zip(again.groups, again.merged, texts, positions, again.ids, strict=True):
        fresh[meeting_id] = _build_meeting(meeting_id, group, part, own, _Named(at, across.persons[meeting_id]),
                                           mentioned, across.topics_of, across.by_committee_date,
                                           again.problems[group.key])
        links[meeting_id] = replace(links[meeting_id], persons=across.persons[meeting_id],
                                    problems=tuple(again.problems[group.key]))
    kept = [_with_topics(m, across.topics_of) if across.afresh else m for m in archive.meetings if m.id not in ids]
    meetings = _chronology([*kept, *fresh.values()], only=fresh)
    decided = Decided(across.people, across.problems, across.by_committee_date, {**others, **links})
    published = {a.path: [m for m in a.meetings if m not in ids] for a in archive.accounts if a.path not in gone}
    for meeting in fresh.values():
        for path in meeting.sources:
            published.setdefault(path, []).append(meeting.id)
    accounts = {a.path: a for a in archive.accounts if a.path not in gone}
    paths = {path for path, _ in given.parsed} | {path for path, _ in given.skipped}
    accounts.update((a.path, a) for a in _accounts(given, {p: published.get(p, []) for p in paths}))
    return _archive(meetings, across.topics, accounts.values(), decided), decided


def _decide_again(given: LinkInput, people: tuple[people_mod.ResolvedPerson, ...], others: Mapping[str, MeetingLinks],
                  fresh: Mapping[str, MeetingLinks], last: Callable[[], Archive]) -> tuple[Archive, _Across | None]:
    """The last archive, and who is who and the topics worked out again from every meeting's names and
    titles, as link() works them out from every meeting's documents (people: the last build's; fresh:
    the meetings linked again); None for the second when the people whose names texts are searched
    for, or who a mention of a meeting in ``others`` is, would change.

    The topics are worked out on a second core, forked before the archive loads (a smaller process to
    copy); who is who here, once it has loaded. Adding a meeting to 10,000 took 3.4 s of the child
    when it worked out both, while this process had 1 s of loading to do."""
    every = sorted({**others, **fresh}.items(), key=lambda pair: pair[1].key)  # link()'s order, by group key

    def assign() -> bytes:
        return _assigned([item for _, links in every for item in _topic_inputs_from(links.titles)],
                         given.topic_overrides)

    with Background(assign) as assigning:
        archive = last()
        mentions = [_mentions_from(meeting_id, links.names) for meeting_id, links in every]
        index = people_mod.resolve_people([m for own in mentions for m in own], given.people_overrides)
        persons: dict[str, dict[int, str]] = {}
        first = 0
        for (meeting_id, _), own in zip(every, mentions, strict=True):
            persons[meeting_id] = {n: pid for n in range(len(own)) if (pid := index.person_of.get(first + n)) is not None}
            first += len(own)
        topics = assigning.result()
    if _sought(index.people) != _sought(people) or any(persons[i] != links.persons for i, links in others.items()):
        return archive, None
    topic_index = topics_mod.TopicIndex(*pickle.loads(topics))
    return archive, _Across(index.people, persons, topic_index.topics_of, _topics(topic_index),
                            (*index.problems, *topic_index.problems),
                            {links.at: meeting_id for meeting_id, links in every if links.at is not None},
                            afresh=True)


def _touching(decided: Decided, ids: Set[str], now: Mapping[str, tuple[str | None, dt.date] | None]) -> set[str]:
    """The meetings, other than ``ids``, whose links to other meetings change when each of ``ids`` has the
    committee and date ``now`` gives it (none when it is gone or undated): those next to one that came,
    went or moved in their committee's run, before or after (their previous and next meeting,
    _chronology), and those of its committee that refer to a date it was or is on (MeetingLinks.refers)."""
    moved = {at for i in ids if (then := decided.meetings[i].at if i in decided.meetings else None) != now.get(i)
             for at in (then, now.get(i)) if at is not None}
    committees = {committee for committee, _ in moved}
    if not committees:
        return set()
    runs_then: dict[str | None, list[tuple[dt.date, str]]] = defaultdict(list)
    referring: set[str] = set()
    for meeting_id, links in decided.meetings.items():
        if links.at is None or links.at[0] not in committees:
            continue
        runs_then[links.at[0]].append((links.at[1], meeting_id))
        if meeting_id not in ids and any((links.at[0], date) in moved for date in links.refers):
            referring.add(meeting_id)
    nearby = set()
    for committee in committees:
        run_then = runs_then.get(committee, [])
        run_now = [(date, i) for date, i in run_then if i not in ids]
        run_now += [(at[1], i) for i, at in now.items() if at is not None and at[0] == committee]
        before, after = _neighbours(run_then), _neighbours(run_now)
        nearby |= {i for i, pair in after.items() if i not in ids and before.get(i) != pair}
    return referring | nearby


def _neighbours(run: list[tuple[dt.date, str]]) -> dict[str, tuple[str | None, str | None]]:
    """Meeting id -> the meetings before and after it in its committee's run, ordered as _chronology orders it."""
    ids = [meeting_id for _, meeting_id in sorted(run)]
    return {i: (ids[n - 1] if n else None, ids[n + 1] if n + 1 < len(ids) else None) for n, i in enumerate(ids)}


def _with_topics(meeting: Meeting, topics_of: Mapping[str, tuple[str, ...]]) -> Meeting:
    """The meeting with its items' topics as ``topics_of`` now has them (itself when none changed)."""
    items = tuple(item if item.topics == (topics := topics_of.get(f"{meeting.id}#{item.anchor}", ()))
                  else replace(item, topics=topics) for item in meeting.items)
    return meeting if all(a is b for a, b in zip(items, meeting.items, strict=True)) else replace(meeting, items=items)


def _archive(meetings: list[Meeting], topics: tuple[Topic, ...], accounts: Iterable[SourceAccount],
             decided: Decided) -> Archive:
    problems = [*decided.problems, *(p for links in decided.meetings.values() for p in links.problems)]
    return Archive(
        meetings=tuple(meetings),
        people=_people(decided.people, meetings),
        topics=topics,
        committees=_committees(meetings),
        accounts=tuple(sorted(accounts, key=lambda a: a.path)),
        problems=tuple(sorted(problems, key=lambda p: (p.source, p.level, p.message))),
    )


def meeting_of(path: str, part: ParsedMeeting) -> str:
    """The id of the meeting a document's part is for."""
    return _meeting_id(_group_key(path, part))


# --- grouping and merging -----------------------------------------------------------------


def _group_key(path: str, part: ParsedMeeting) -> tuple[str, str]:
    if part.date is None:
        return ("undated", path)
    return (slugify(part.committee or part.body or "meeting"), part.date.isoformat())


def _group_parts(parsed: Sequence[tuple[str, Sequence[ParsedMeeting]]],
                 problems: dict[tuple[str, str], list[Problem]]) -> list[_Group]:
    """Gather parts per meeting; a second document claiming the same meeting and kind is refused.
    Problems go under the meeting they are about.

    An agenda pack carries the last meeting's minutes for approval: that copy gives way, with a
    note, to the minutes published on their own, whichever document is read first."""
    grouped: dict[tuple[str, str], list[ParsedMeeting]] = defaultdict(list)
    claimants: dict[tuple[str, str], set[str]] = defaultdict(set)
    claimed = _claims(parsed)
    for path, parts in parsed:
        for part in parts:
            key = _group_key(path, part)
            claimants[key].add(path)
            if part.kind in ("minutes", "agenda"):
                owner = claimed[(key, part.kind)]
                if owner.source.path != path:
                    problems[key].append(_duplicate(part, owner, key, copy=_is_copy(part, parts)))
                    continue
            grouped[key].append(part)
            if part.date is None:
                problems[key].append(
                    Problem(
                        "warning",
                        part.source,
                        "no meeting date found: published under Undated; add front matter with 'date: YYYY-MM-DD'",
                        "undated",
                    )
                )
    return [_Group(key, tuple(parts), tuple(sorted(claimants[key]))) for key, parts in sorted(grouped.items())]


def _claims(parsed: Sequence[tuple[str, Sequence[ParsedMeeting]]]) -> dict[tuple[tuple[str, str], str], ParsedMeeting]:
    """Which part speaks for each meeting's minutes and agenda: the first one read, unless it is a pack's copy."""
    claimed: dict[tuple[tuple[str, str], str], ParsedMeeting] = {}
    copies: set[tuple[tuple[str, str], str]] = set()
    for path, parts in parsed:
        for part in parts:
            if part.kind not in ("minutes", "agenda"):
                continue
            claim = (_group_key(path, part), part.kind)
            copy = _is_copy(part, parts)
            if claim not in claimed or (claim in copies and not copy):
                claimed[claim] = part
                copies.discard(claim)
                if copy:
                    copies.add(claim)
    return claimed


def _is_copy(part: ParsedMeeting, parts: Sequence[ParsedMeeting]) -> bool:
    """Minutes inside a document that is also another meeting's agenda: the pack's copy for approval."""
    return part.kind == "minutes" and any(other.kind == "agenda" and other.date != part.date for other in parts)


def _duplicate(part: ParsedMeeting, owner: ParsedMeeting, key: tuple[str, str], *, copy: bool) -> Problem:
    if copy:
        return Problem("note", part.source, f"these minutes of {key[1]} are the agenda pack's copy for approval; "
                       f"published from {owner.source}", "pack-copy")
    return Problem("error", part.source, f"this {part.kind} is for the same meeting ({key[1]}) as {owner.source}; "
                   "remove one of the two documents or correct its date or committee")


def _meeting_id(key: tuple[str, str]) -> str:
    if key[0] == "undated":
        stem = key[1].rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return f"undated-{slugify(stem)}"
    return f"{key[1]}-{key[0]}"


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
                themes=None,  # worked out again for the joined text, from the counts of its parts
                theme_hits=(topics_mod.joined_hits(item.theme_hits, extra.theme_hits)
                            if item.theme_hits is not None and extra.theme_hits is not None else None),
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


@lru_cache(maxsize=1 << 16)  # every report is compared with every item of its meeting
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
    merged: list[ParsedMeeting], ids: list[str]
) -> tuple[list[list[people_mod.Mention]], list[dict[int, int]]]:
    """Each meeting's names, each once, and for each meeting which of its mentions each of its NameRef objects is."""
    mentions: list[list[people_mod.Mention]] = []
    positions: list[dict[int, int]] = []
    for meeting_id, part in zip(ids, merged, strict=True):
        group = _committee_id(part)
        first: dict[NameRef, int] = {}
        at: dict[int, int] = {}
        own: list[people_mod.Mention] = []
        for ref in _refs(part):
            at[id(ref)] = first.setdefault(ref, len(own))
            if at[id(ref)] == len(own):  # first time named here
                own.append(people_mod.Mention(ref, meeting_id, part.date, group))
        mentions.append(own)
        positions.append(at)
    return mentions, positions


@dataclass(frozen=True)
class _Named:
    """Who each name in one meeting is: which mention each NameRef object of the meeting is, and the
    person each mention was resolved to. Keyed by object, not value: the lookups are for the very
    objects _mentions went through, and a NameRef's value is slow to hash."""

    at: dict[int, int]
    person_of: Mapping[int, str]

    def __call__(self, ref: NameRef | None) -> str | None:
        position = self.at.get(id(ref)) if ref is not None else None
        return self.person_of.get(position) if position is not None else None


def _assigned(inputs: list[topics_mod.TopicInput], overrides: topics_mod.TopicOverrides | None) -> bytes:
    found = topics_mod.assign_topics(inputs, overrides)
    return pickle.dumps((found.topics, dict(found.topics_of), found.problems), protocol=pickle.HIGHEST_PROTOCOL)


@dataclass(frozen=True)
class _Texts:
    """A meeting's item anchors and plain texts ("" for an exempt item), worked out once for mentions
    and the meeting itself."""

    anchors: tuple[str, ...]
    plain: tuple[str, ...]


def _texts(part: ParsedMeeting) -> _Texts:
    return _Texts(tuple(_anchor(item, position) for position, item in enumerate(part.items)),
                  tuple(item.plain_text() if isinstance(item, ParsedItem) else "" for item in part.items))


def _topic_inputs(merged: list[ParsedMeeting], ids: list[str]) -> list[list[topics_mod.TopicInput]]:
    """Each meeting's items as topics are worked out from them. An item's text is joined only where the
    reader did not count its themes (topics read a text through its themes alone), so the topics' core
    need not wait for the texts (0.4 s at 10,000 meetings)."""
    inputs: list[list[topics_mod.TopicInput]] = []
    for meeting_id, part in zip(ids, merged, strict=True):
        inputs.append([])
        for position, item in enumerate(part.items):
            key = f"{meeting_id}#{_anchor(item, position)}"
            if isinstance(item, ExemptItem):
                inputs[-1].append(topics_mod.TopicInput(key, item.title, "", (), part.date))
                continue
            headings = tuple(block.text for block in item.blocks if block.kind == "heading")
            themes = item.themes
            if themes is None and item.theme_hits is not None:  # joined to its report: add up what the reader counted
                themes = topics_mod.themes_from(item.title, headings, item.theme_hits)
            text = "" if themes is not None else item.plain_text()
            inputs[-1].append(topics_mod.TopicInput(key, item.title, text, headings, part.date, themes))
    return inputs


def _named_in(
    texts: list[_Texts], people: tuple[people_mod.ResolvedPerson, ...], known: dict[bytes, tuple[str, ...]]
) -> tuple[dict[str, tuple[str, ...]], dict[bytes, tuple[str, ...]]]:
    """Text -> the people it names, and the same by digest of people and text, to keep for the next build.

    Searching is most of linking's time: standard wording recurs, so each distinct text is searched
    once, none that an earlier build searched for the same people (``known``), and the texts are
    shared out in chunks to every core free now or freed meanwhile (the topics' Background child's,
    once it ends)."""
    distinct = list(dict.fromkeys(text for own in texts for text in own.plain))
    sought = _sought(people)
    digests = [_then(sought, text) for text in distinct]
    found = {text: known[key] for text, key in zip(distinct, digests, strict=True) if key in known}
    missing = [text for text, key in zip(distinct, digests, strict=True) if key not in known]
    chunks = [missing[start : start + MENTION_CHUNK] for start in range(0, len(missing), MENTION_CHUNK)]
    queue = Queue(len(chunks))

    def search(_: Progress, recruit: Recruit) -> bytes:
        done = {}
        for number in queue:
            done[number] = [people_mod.find_mentions(text, people) for text in chunks[number]]
            recruit()
        return pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL)

    for answer in everyone(search, fork=queue.shared and len(chunks) >= MENTION_FORK_FROM):
        for number, ids in pickle.loads(answer).items():
            found.update(zip(chunks[number], ids, strict=True))
    return found, {key: found[text] for text, key in zip(distinct, digests, strict=True)}


def _sought(people: Sequence[people_mod.ResolvedPerson]) -> bytes:
    """A digest of all find_mentions reads of the people it looks for in texts."""
    return _digest(*(repr((p.id, p.name, p.variants, p.surname)) for p in people))


def _names_of(part: ParsedMeeting, found: list[people_mod.Mention]) -> bytes:
    """MeetingLinks.names: a meeting's mentions as plain values, which pickle several times faster than
    the records; each mention's meeting is the meeting itself, and its date and committee the meeting's."""
    refs = tuple((m.ref.text, m.ref.role, m.ref.job_title, m.ref.source.path, m.ref.source.line, m.ref.source.page)
                 for m in found)
    return pickle.dumps((_committee_id(part), part.date, refs), protocol=pickle.HIGHEST_PROTOCOL)


def _mentions_from(meeting_id: str, names: bytes) -> list[people_mod.Mention]:
    group, date, refs = pickle.loads(names)
    return [people_mod.Mention(NameRef(text, role, job_title, SourceSpan(path, line, page)), meeting_id, date, group)
            for text, role, job_title, path, line, page in refs]


def _titles_of(inputs: list[topics_mod.TopicInput]) -> bytes:
    """MeetingLinks.titles: a meeting's items as assign_topics reads them, their texts left out."""
    return pickle.dumps(tuple((i.key, i.title, i.date, i.themes) for i in map(topics_mod.without_text, inputs)),
                        protocol=pickle.HIGHEST_PROTOCOL)


def _topic_inputs_from(titles: bytes) -> list[topics_mod.TopicInput]:
    return [topics_mod.TopicInput(key, title, "", (), date, themes) for key, title, date, themes in pickle.loads(titles)]


def _topics(index: topics_mod.TopicIndex) -> tuple[Topic, ...]:
    return tuple(
        Topic(t.id, t.name, t.variants, tuple(tuple(key.split("#", 1)) for key in t.keys))  # type: ignore[misc]
        for t in index.topics
    )


def _anchor(item: ParsedItem | ExemptItem, position: int) -> str:
    return f"item-{_number_slug(item.number)}" if item.number else f"item-{position + 1}"


@lru_cache(maxsize=1 << 12)  # the same few item numbers recur in every meeting
def _number_slug(number: str) -> str:
    return slugify(number, fallback="")


# --- meetings -------------------------------------------------------------------------------


def _build_meeting(
    meeting_id: str,
    group: _Group,
    part: ParsedMeeting,
    texts: _Texts,
    person: Callable[[NameRef | None], str | None],
    named_in: dict[str, tuple[str, ...]],
    topics_of: Mapping[str, tuple[str, ...]],
    by_committee_date: Mapping[tuple[str | None, dt.date], str],
    problems: list[Problem],
) -> Meeting:
    committee_id = _committee_id(part)

    def ids_of(refs: tuple[NameRef, ...]) -> tuple[str, ...]:
        return _unique(person(ref) for ref in refs) if refs else ()

    items = []
    for position, (item, anchor, text) in enumerate(zip(part.items, texts.anchors, texts.plain, strict=True)):
        topics = topics_of.get(f"{meeting_id}#{anchor}", ())
        if isinstance(item, ExemptItem):
            items.append(Item(item.number, item.title, anchor, item.source, exempt=True,
                              exempt_reason=item.reason, topics=topics, withheld=item.withheld))
            continue
        minutes_of = None
        if item.minutes_of is not None:
            minutes_of = by_committee_date.get((committee_id, item.minutes_of))
            if minutes_of is None:
                problems.append(Problem("note", item.source, f"minutes of {item.minutes_of.isoformat()} are not in the archive", "missing-reference"))
        label = item.number or str(position + 1)
        items.append(_item(item, meeting_id, label, anchor, topics, person, named_in[text], minutes_of))
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
    chair = person(part.chair)
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
        signed_by=person(part.signed_by),
    )


def _item(
    item: ParsedItem,
    meeting_id: str,
    label: str,
    anchor: str,
    topics: tuple[str, ...],
    person: Callable[[NameRef | None], str | None],
    named: tuple[str, ...],
    minutes_of: str | None,
) -> Item:
    """One item of a linked meeting; ``label`` is its number or position, ``named`` who its text names."""
    resolutions = tuple(
        Resolution(f"{meeting_id}/{label}.{n}", text, f"resolution-{_number_slug(label) or 'untitled'}-{n}")
        for n, text in enumerate(item.resolutions, start=1)
    ) if item.resolutions else ()
    presenters = _unique(map(person, item.presenters)) if item.presenters else ()
    mentioned = _unique([*map(person, item.mentioned), *named]) if item.mentioned else named  # named: sorted, unique
    return Item(
        item.number, item.title, anchor, item.source,
        blocks=item.blocks,
        resolutions=resolutions,
        procedural=topics_mod.is_procedural(item.title),
        topics=topics,
        presenters=presenters,
        mentioned=tuple(p for p in mentioned if p not in presenters) if presenters else mentioned,
        declarations=tuple(
            DeclarationOfInterest(pid, d.interest, d.action) for d in item.declarations if (pid := person(d.person))
        ) if item.declarations else (),
        minutes_of=minutes_of,
        minutes_of_date=item.minutes_of,
        page=item.page,
    )


def _committee_id(part: ParsedMeeting) -> str | None:
    return slugify(part.committee) if part.committee else None


def _entry(part: ParsedMeeting) -> tuple[str | None, dt.date] | None:
    """A meeting's key in Decided.by_committee_date: its committee and date, if it has one."""
    return (_committee_id(part), part.date) if part.date else None


def _refers(part: ParsedMeeting) -> frozenset[dt.date]:
    """MeetingLinks.refers: the dates _build_meeting looks up in Decided.by_committee_date."""
    dates = {item.minutes_of for item in part.items if isinstance(item, ParsedItem) and item.minutes_of}
    return frozenset(dates | ({part.next_meeting.date} if part.next_meeting and part.next_meeting.date else set()))


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _chronology(meetings: list[Meeting], only: Container[str] | None = None) -> list[Meeting]:
    """Fill previous/next from the committee's own run of meetings where the documents are silent (of the
    meetings ``only``, when given: the others' are filled already)."""
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
        if only is not None and meeting.id not in only:
            out.append(meeting)
            continue
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


def _published(groups: list[_Group], ids: list[str]) -> dict[str, list[str]]:
    """Source path -> the meetings its parts were published in."""
    published: dict[str, list[str]] = defaultdict(list)
    for group, meeting_id in zip(groups, ids, strict=True):
        for part in group.parts:
            if meeting_id not in published[part.source.path]:
                published[part.source.path].append(meeting_id)
    return published


def _accounts(given: LinkInput, published: Mapping[str, list[str]]) -> list[SourceAccount]:
    accounts = [SourceAccount(path, "skipped", reason=reason) for path, reason in given.skipped]
    for path, _parts in given.parsed:
        if published.get(path):
            accounts.append(SourceAccount(path, "published", tuple(sorted(published[path])),
                                          contact_free=given.contact_free.get(path, ""), sha256=given.read.get(path, "")))
        else:
            accounts.append(SourceAccount(path, "skipped", reason="no meeting could be read from it"))
    return accounts


def _signature(mentions: bytes, items: bytes, part: ParsedMeeting) -> bytes:
    """MeetingLinks.signature, from the digests of its mentions' and items' facts."""
    return _digest_of((mentions, items, _committee_id(part), part.date))


def _digest_of(facts: object) -> bytes:
    """The digest of facts' repr: equal facts, equal digests (pickle's bytes may differ for equal values)."""
    return hashlib.blake2b(repr(facts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _keyed(digests: Iterable[object], overrides: object) -> bytes:
    """A digest of every meeting's digest (in an order fixed by the meetings) and the user's overrides: what
    a decision across meetings was made from."""
    return _digest_of((tuple(digests), overrides))


# --- answers kept between builds ----------------------------------------------------------

LINK_CACHE = "linked.pickle"
"""In the build cache folder: what the last build's linking worked out (see _Memo)."""
LINK_MODULES = ("contacts.py", "link.py", "model.py", "people.py", "slugs.py", "topics.py", "thesaurus.toml")
"""The code that decides those answers: a change to any starts them afresh."""


@dataclass(frozen=True)
class _Memo:
    """What the last build with the same code worked out, by digest of exactly what it was worked out from.

    A rebuild meets the same texts and names again and would work out the same answers, which is most
    of linking's time. Like parsecache, pickle is the format: the file is this machine's own, and
    anything wrong with it only means the answers are worked out again."""

    mentions: dict[bytes, tuple[str, ...]]
    """People a text names, by digest of everyone looked for and the text."""
    topics: dict[bytes, bytes]
    """The topics, pickled as the background process hands them over, by topics.inputs_digest."""
    people: dict[bytes, people_mod.PeopleIndex]
    """Who is who, by people.mentions_digest."""

    @classmethod
    def load(cls, folder: Path | None) -> _Memo:
        memo = buildcache.load(folder, LINK_CACHE, _code_version())
        return memo if isinstance(memo, cls) else cls({}, {}, {})

    def keep(self, folder: Path | None, used: _Memo) -> None:
        """Write this build's answers, and only those, when they differ from what was there."""
        if used != self:
            buildcache.save(folder, LINK_CACHE, _code_version(), used)


def _then(first: bytes, text: str) -> bytes:
    """The digest of a digest followed by a text: as _digest(first, text), without the copies it makes."""
    digest = hashlib.blake2b(first, digest_size=16)
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.digest()


def _digest(*parts: str) -> bytes:
    """Each part with its length first, so no two lists of parts give the same bytes."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


@cache
def _code_version() -> str:
    return buildcache.code_version(*LINK_MODULES)
