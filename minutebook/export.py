"""Machine-readable exports: data/meetings.json, people.json, topics.json, committees.json,
popolo.json, and the spreadsheets meetings.csv and attendance.csv.

The JSON shapes are documented by the JSON Schemas in minutebook/schemas/; the CSV rules
(encoding, line endings, formula injection) by minutebook/csvexport.py. Names are display
names (what a reader sees); ids link records across files. Exempt items carry number,
title and reason only, because the model never holds their content.

A meeting's record in meetings.json and its event in popolo.json are kept in the build cache
as JSON text, under the meeting's feed key (search.feed_keys: what reading and linking made of
it and the names it shows), so a rebuild makes only the changed meetings' (at 10,000 meetings
the exports of a rebuild took 1.75-1.91 s, now 1.01-1.27 s).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, partial
from pathlib import Path
from typing import Any

import orjson

from . import buildcache
from .config import SiteConfig
from .csvexport import attendance_csv, meetings_csv
from .downloads import Download
from .forked import map_shared
from .model import Archive, Committee, Meeting, MeetingRef, Person, Topic
from .popolo import council_id_of, popolo_events, popolo_frame
from .render import council_name


def dumps(value: Any) -> bytes:
    """Deterministic JSON as UTF-8: sorted keys, two-space indent, no timestamps, one trailing newline."""
    return _json(value) + b"\n"


def dumps_list(records: Iterable[Any]) -> bytes:
    """``dumps(list(records))`` as UTF-8, each record encoded in turn: only the text is ever held whole."""
    return _listed([_json(record).replace(b"\n", b"\n  ") for record in records], b"", after=b"\n")


def _listed(texts: list[bytes], indent: bytes, *, before: bytes = b"", after: bytes = b"") -> bytes:
    """A JSON list of records already encoded, each indented one level deeper than ``indent``, as orjson
    would write it there (records hold no raw line breaks: JSON escapes them in strings), between
    ``before`` and ``after``. The file is joined once: meetings.json and popolo.json are 80 and 60 MB
    at 10,000 meetings, and each concatenation copied one whole into fresh memory again."""
    if not texts:
        return before + b"[]" + after
    pieces = [before + b"[\n  " + indent]
    comma = b",\n  " + indent
    for text in texts:
        pieces += (text, comma)
    pieces[-1] = b"\n" + indent + b"]" + after
    return b"".join(pieces)


MEETINGS_KEPT = "exports-meetings"
EVENTS_KEPT = "exports-events"
"""Shelves (buildcache.save_shelf) in the build cache."""


def _key(keys: Mapping[str, bytes] | None, meeting: Meeting, *more: str) -> bytes:
    """What a meeting's record or event is kept under: its feed key, with whatever else the record shows."""
    if keys is None:
        return b""
    return hashlib.blake2b(keys[meeting.id] + repr(more).encode(), digest_size=16).digest()


def _urls(meeting: Meeting, downloads: Mapping[str, Download] | None) -> list[str]:
    return [downloads[path].url if downloads and path in downloads else "" for path in meeting.sources]


def _texts(cache: Path | None, name: str, records: Sequence[tuple[bytes, Callable[[], Any]]],
           newline: bytes) -> list[bytes]:
    """Each record as JSON text, its line breaks followed by the indent of where it sits (``newline``):
    the last build's where it kept one under the same key (the same key, the same record), else made
    now. What this build has is kept for the next, by whichever process runs this writer."""
    kept = buildcache.load_shelf(cache, name, _version()) or {}
    texts, now = [], {}
    for key, make in records:
        text = kept.get(key) if key else None
        if not isinstance(text, bytes):
            text = _json(make()).replace(b"\n", newline)
        if key:
            now[key] = text
        texts.append(text)
    if now:
        buildcache.save_shelf(cache, name, _version(), now)  # the shards of the records that changed
        if cache is not None:  # where earlier versions kept them whole
            (cache / f"{name}.pickle").unlink(missing_ok=True)
    else:
        buildcache.forget_shelf(cache, name)
    return texts


@cache
def _version() -> str:
    return buildcache.code_version("export.py", "popolo.py", libraries=("orjson",))


def _json(value: Any) -> bytes:
    """orjson, which writes the 150 MB of exports of a 10,000-meeting archive in 0.2 s where json
    (or a hand-made encoder over json's C string escaping) took 2.6 s. It refuses keys that are not
    strings and integers over 64 bits, rather than write them some other way."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)


def export_files(
    archive: Archive, *, config: SiteConfig | None = None, downloads: Mapping[str, Download] | None = None,
    keys: Mapping[str, bytes] | None = None, cache: Path | None = None,
) -> dict[str, str | bytes]:
    """Path under the site root -> file bytes (JSON as UTF-8; CSV with a byte order mark).

    ``config`` gives the council's name and the base URL that makes links absolute;
    ``downloads`` (from offer_downloads) gives each source document's published URL for
    popolo.json; without it a source points at the documents list on its meeting page.
    With each meeting's feed ``keys`` and a ``cache`` folder, meetings' records and events
    are kept for the next build and taken from the last.
    """
    config = config or SiteConfig()
    names = {person.id: person.name for person in archive.people}
    base_url = config.base_url
    council = council_name(archive, config)

    def meetings() -> bytes:
        records = [(_key(keys, m), partial(meeting_record, m, names)) for m in archive.meetings]
        return _listed(_texts(cache, MEETINGS_KEPT, records, b"\n  "), b"", after=b"\n")

    def popolo() -> bytes:
        council_id = council_id_of(council)
        events = [(_key(keys, m, council_id, base_url, *_urls(m, downloads)), make)
                  for m, make in popolo_events(archive, council, base_url=base_url, downloads=downloads)]
        frame = _json(popolo_frame(archive, council))  # {"memberships": ...}: "events" sorts before every key
        return _listed(_texts(cache, EVENTS_KEPT, events, b"\n    "), b"  ", before=b'{\n  "events": ',
                       after=b",\n" + frame.removeprefix(b"{\n") + b"\n")

    writers: list[tuple[str, Callable[[], str | bytes]]] = [  # heaviest first: shared out over the cores in turn
        ("data/meetings.json", meetings),
        ("data/popolo.json", popolo),
        ("data/attendance.csv", lambda: attendance_csv(archive)),
        ("data/topics.json", lambda: dumps_list(topic_record(t) for t in archive.topics)),
        ("data/people.json", lambda: dumps_list(person_record(p) for p in archive.people)),
        ("data/meetings.csv", lambda: meetings_csv(archive, base_url=base_url)),
        ("data/committees.json", lambda: dumps_list(committee_record(c, names) for c in archive.committees)),
    ]
    written = map_shared(lambda writer: _encoded(writer[1]()), writers, fork_from=2)
    return dict(sorted(zip((path for path, _ in writers), written, strict=True)))


def _encoded(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else text


def committee_record(committee: Committee, names: dict[str, str]) -> dict[str, Any]:
    return {"id": committee.id, "name": committee.name, "body": committee.body, "url": committee.url,
            "meetings": list(committee.meetings), "members": [names[p] for p in committee.members if p in names],
            "topics": list(committee.topics)}


def _ref(ref: MeetingRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {
        "id": ref.id,
        "date": ref.date.isoformat() if ref.date else None,
        "start_time": ref.start_time,
        "venue": ref.venue,
    }


def meeting_record(meeting: Meeting, names: dict[str, str]) -> dict[str, Any]:
    def named(ids: tuple[str, ...]) -> list[str]:
        return [names[pid] for pid in ids if pid in names]

    return {
        "id": meeting.id,
        "url": meeting.url,
        "body": meeting.body,
        "committee": meeting.committee,
        "committee_id": meeting.committee_id,
        "date": meeting.date.isoformat() if meeting.date else None,
        "start_time": meeting.start_time,
        "venue": meeting.venue,
        "kind": list(meeting.kinds),
        "sources": list(meeting.sources),
        "chair": names.get(meeting.chair) if meeting.chair else None,
        "present": named(meeting.present),
        "apologies": named(meeting.apologies),
        "officers": named(meeting.officers),
        "people": {
            "chair": meeting.chair,
            "present": list(meeting.present),
            "apologies": list(meeting.apologies),
            "officers": list(meeting.officers),
        },
        "items": [
            {
                "number": item.number,
                "title": item.title,
                "anchor": item.anchor,
                "exempt": item.exempt,
                "exempt_reason": item.exempt_reason,
                "procedural": item.procedural,
                "topics": list(item.topics),
                "resolutions": [{"id": r.id, "text": r.text} for r in item.resolutions],
                "presenters": list(item.presenters),
                "mentioned": list(item.mentioned),
                "declarations": [
                    {"person": d.person, "interest": d.interest, "action": d.action} for d in item.declarations
                ],
                "minutes_of": item.minutes_of,
                "source": {"path": item.source.path, "line": item.source.line},
            }
            for item in meeting.items
        ],
        "previous_meeting": _ref(meeting.previous_meeting),
        "next_meeting": _ref(meeting.next_meeting),
    }


def person_record(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "url": person.url,
        "variants": list(person.variants),
        "roles": [
            {
                "role": spell.role,
                "title": spell.title,
                "first_seen": spell.first_seen.isoformat() if spell.first_seen else None,
                "last_seen": spell.last_seen.isoformat() if spell.last_seen else None,
            }
            for spell in person.roles
        ],
        "attended": list(person.attended),
        "apologies": list(person.apologies),
        "chaired": list(person.chaired),
    }


def topic_record(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.id,
        "name": topic.name,
        "url": topic.url,
        "variants": list(topic.variants),
        "items": [{"meeting": meeting, "anchor": anchor} for meeting, anchor in topic.items],
    }
