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
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
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


@dataclass(frozen=True)
class Decided:
    """What linking decided across meetings, which no one meeting's documents decide alone: with it, a
    meeting whose documents changed can be linked again alone, as long as its signature is the same."""

    people: tuple[people_mod.ResolvedPerson, ...]
    problems: tuple[Problem, ...]
    """Who is who's and the topics' problems."""
    by_committee_date: Mapping[tuple[str | None, dt.date], str]
    meetings: Mapping[str, MeetingLinks]


@dataclass(frozen=True)
class Relinked:
    """A meeting linked again alone (link_again), and its links."""

    meeting: Meeting
    links: MeetingLinks


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
    texts = [_texts(part) for part in merged]
    memo = _Memo.load(given.cache)

    def assign() -> bytes:
        inputs = _topic_inputs(merged, ids, texts)
        said = [_digest_of(topics_mod.input_facts(own)) for own in inputs]
        key = _keyed(sorted(zip(ids, said, strict=True)), given.topic_overrides)
        answer = memo.topics.get(key) or _assigned([i for own in inputs for i in own], given.topic_overrides)
        return pickle.dumps((key, answer, said), protocol=pickle.HIGHEST_PROTOCOL)

    with Background(assign) as topic_work:  # topics need no people: a second core works them out meanwhile
        mentions, positions = _mentions(merged, ids)
        named = [_digest_of(people_mod.mention_facts(own)) for own in mentions]
        people_key = _keyed(named, given.people_overrides)
        index = memo.people.get(people_key) or people_mod.resolve_people(
            [m for own in mentions for m in own], given.people_overrides)
        by_committee_date = {
            (slugify(m.committee) if m.committee else None, m.date): meeting_id
            for meeting_id, m in zip(ids, merged, strict=True) if m.date
        }
        # On this core while the topics are worked out, and on theirs too once they are done.
        mentioned, texts_named = _named_in(texts, index.people, memo.mentions)
        topic_key, topic_answer, topics_said = pickle.loads(topic_work.result())
    topic_index = topics_mod.TopicIndex(*pickle.loads(topic_answer))
    memo.keep(given.cache, _Memo(texts_named, {topic_key: topic_answer}, {people_key: index}))

    links: dict[str, MeetingLinks] = {}
    meetings = []
    first = 0
    for group, part, own, at, meeting_id, found, said, told in zip(
            groups, merged, texts, positions, ids, mentions, named, topics_said, strict=True):
        persons = {n: pid for n in range(len(found)) if (pid := index.person_of.get(first + n)) is not None}
        first += len(found)
        meetings.append(_build_meeting(meeting_id, group, part, own, _Named(at, persons), mentioned,
                                       topic_index.topics_of, by_committee_date, problems[group.key]))
        links[meeting_id] = MeetingLinks(group.claimants, _signature(said, told, part), persons,
                                         tuple(problems[group.key]))
    meetings = _chronology(meetings)
    decided = Decided(index.people, (*index.problems, *topic_index.problems), by_committee_date, links)
    topics = tuple(
        Topic(t.id, t.name, t.variants, tuple(tuple(key.split("#", 1)) for key in t.keys))  # type: ignore[misc]
        for t in topic_index.topics
    )
    published = _published(groups, ids)
    return _archive(meetings, topics, _accounts(given, published), decided), decided


def link_again(given: LinkInput, decided: Decided, last: Mapping[str, Meeting]) -> dict[str, Relinked] | None:
    """The meetings ``last`` (as the last build linked them, by id) linked again from their documents now:
    ``given.parsed`` holds every document with a part in them, and documents may hold parts of other
    meetings too. None when a meeting's documents now tell what linking decides across meetings anything
    different (a name, a title, a theme, a date: see MeetingLinks.signature), which only linking them all
    can answer.

    What it gives, by meeting id, is each meeting as _build_meeting makes it, with its links: with_meetings
    puts them into the last archive."""
    problems: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    groups = [group for group in _group_parts(given.parsed, problems) if _meeting_id(group.key) in last]
    if len(groups) != len(last):
        return None
    merged = [_merge(group) for group in groups]
    ids = [_meeting_id(group.key) for group in groups]
    texts = [_texts(part) for part in merged]
    mentions, positions = _mentions(merged, ids)
    inputs = _topic_inputs(merged, ids, texts)
    for meeting_id, part, found, items in zip(ids, merged, mentions, inputs, strict=True):
        said = _digest_of(people_mod.mention_facts(found))
        if _signature(said, _digest_of(topics_mod.input_facts(items)), part) != decided.meetings[meeting_id].signature:
            return None
    mentioned, _ = _named_in(texts, decided.people, {})
    topics_of = {f"{meeting_id}#{item.anchor}": item.topics for meeting_id in ids for item in last[meeting_id].items}
    fresh: dict[str, Relinked] = {}
    for group, part, own, at, meeting_id in zip(groups, merged, texts, positions, ids, strict=True):
        links = decided.meetings[meeting_id]
        meeting = _build_meeting(meeting_id, group, part, own, _Named(at, links.persons), mentioned, topics_of,
                                 decided.by_committee_date, problems[group.key])
        fresh[meeting_id] = Relinked(meeting, replace(links, claimants=group.claimants,
                                                      problems=tuple(problems[group.key])))
    return fresh


def with_meetings(given: LinkInput, last: Archive, decided: Decided, fresh: Mapping[str, Relinked],
                  ) -> tuple[Archive, Decided]:
    """The last archive with the meetings link_again linked afresh put in, and what was decided with them:
    people, committees and the accounts of ``given``'s documents follow from the meetings."""
    meetings = _chronology([fresh[m.id].meeting if m.id in fresh else m for m in last.meetings], only=fresh)
    decided = replace(decided, meetings={**decided.meetings, **{i: again.links for i, again in fresh.items()}})
    published = {a.path: [m for m in a.meetings if m not in fresh] for a in last.accounts}
    for again in fresh.values():
        for path in again.meeting.sources:
            published.setdefault(path, []).append(again.meeting.id)
    accounts = {a.path: a for a in last.accounts}
    paths = {path for path, _ in given.parsed} | {path for path, _ in given.skipped}
    accounts.update((a.path, a) for a in _accounts(given, {p: published.get(p, []) for p in paths}))
    return _archive(meetings, last.topics, tuple(accounts.values()), decided), decided


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
        group = slugify(part.committee) if part.committee else None
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
    """A meeting's item anchors and plain texts ("" for an exempt item), worked out once for topics,
    mentions and the meeting itself."""

    anchors: tuple[str, ...]
    plain: tuple[str, ...]


def _texts(part: ParsedMeeting) -> _Texts:
    return _Texts(tuple(_anchor(item, position) for position, item in enumerate(part.items)),
                  tuple(item.plain_text() if isinstance(item, ParsedItem) else "" for item in part.items))


def _topic_inputs(merged: list[ParsedMeeting], ids: list[str], texts: list[_Texts]) -> list[list[topics_mod.TopicInput]]:
    """Each meeting's items as topics are worked out from them."""
    inputs: list[list[topics_mod.TopicInput]] = []
    for meeting_id, part, own in zip(ids, merged, texts, strict=True):
        inputs.append([])
        for item, anchor, text in zip(part.items, own.anchors, own.plain, strict=True):
            key = f"{meeting_id}#{anchor}"
            if isinstance(item, ExemptItem):
                inputs[-1].append(topics_mod.TopicInput(key, item.title, "", (), part.date))
                continue
            headings = tuple(block.text for block in item.blocks if block.kind == "heading")
            themes = item.themes
            if themes is None and item.theme_hits is not None:  # joined to its report: add up what the reader counted
                themes = topics_mod.themes_from(item.title, headings, item.theme_hits)
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
    sought = _digest(*(repr((p.id, p.name, p.variants, p.surname)) for p in people))  # all find_mentions reads
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
    committee_id = slugify(part.committee) if part.committee else None

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
    return _digest_of((mentions, items, slugify(part.committee) if part.committee else None, part.date))


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
