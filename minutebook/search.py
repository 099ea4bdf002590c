"""The search index: prebuilt lunr indexes in shards, loaded by the browser as needed.

A shard per year holds that year's meetings and agenda items (title, minute text,
decisions, committee, people and topics); a small "directory" shard holds people,
topics and committees, so a name finds its page at once. The search page reads a
manifest, loads the directory and the newest years first, and shows results while
older years load. Each shard carries its own result store (title, URL, date, text for
snippets), so one request per shard answers everything about it. Exempt items are
indexed by title only: their content never reaches this stage's input.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lunr import __VERSION__ as lunr_version
from lunr import lunr
from lunr.builder import Builder
from lunr.stop_word_filter import stop_word_filter

from .listings import newest_first
from .lunrjs import PIPELINE, stemmer, trimmer
from .model import Archive, Item, Meeting
from .progress import SILENT, Progress

FIELDS: list[dict[str, Any]] = [
    {"field_name": "title", "boost": 10},
    {"field_name": "topics", "boost": 3},
    {"field_name": "people", "boost": 2},
    {"field_name": "committee", "boost": 2},
    {"field_name": "text"},
]
"""Titles count most, then topics, people and committee names; minute text least."""
DIRECTORY = "directory"


@dataclass
class Shard:
    name: str
    """A year ("2018"), "undated", or the directory of people, topics and committees."""
    documents: list[dict[str, str]] = field(default_factory=list)
    """What lunr indexes: ref plus one string per field."""
    store: dict[str, dict[str, Any]] = field(default_factory=dict)
    """ref -> what a result shows and filters on."""


@dataclass(frozen=True)
class SearchIndex:
    files: dict[str, str]
    """search/<shard>.<hash>.json per shard, and search/manifest.<hash>.json."""
    manifest_url: str
    """What the search page loads first."""


def build_search(archive: Archive, *, cache: Path | None = None, progress: Progress = SILENT) -> SearchIndex:
    """One JSON file per shard and a manifest listing them, all under content-hashed names.

    lunr.py is the slow part of a big build, so each shard's index is kept in ``cache``
    under the hash of its documents: adding last week's minutes rebuilds one year only.
    """
    shards = _shards(archive)
    progress.stage("Indexing for search", len(shards))
    indexes = _cached_indexes([shard.documents for shard in shards], cache, progress)
    files: dict[str, str] = {}
    listed = []
    for shard, index in zip(shards, indexes, strict=True):
        body = _dumps({"index": index, "docs": shard.store})
        name = f"search/{shard.name}.{hashlib.sha256(body.encode()).hexdigest()[:10]}.json"
        files[name] = body
        listed.append({"name": shard.name, "url": f"/{name}", "documents": len(shard.documents), "bytes": len(body)})
    manifest = _dumps({
        "shards": listed,
        "committees": {c.id: c.name for c in archive.committees},
        "people": {p.id: p.name for p in archive.people},
        "topics": {t.id: t.name for t in archive.topics},
    })
    path = f"search/manifest.{hashlib.sha256(manifest.encode()).hexdigest()[:10]}.json"
    files[path] = manifest
    return SearchIndex(files, f"/{path}")


def _shards(archive: Archive) -> list[Shard]:
    """Directory first, then years newest first, undated last: the order the browser loads them."""
    people = {p.id: p.name for p in archive.people}
    topics = {t.id: t.name for t in archive.topics}
    directory = Shard(DIRECTORY)
    for person in archive.people:
        _add(directory, "person", person.name, person.url, people=" ".join(person.variants))
    for topic in archive.topics:
        _add(directory, "topic", topic.name, topic.url, topics=" ".join(topic.variants))
    for committee in archive.committees:
        _add(directory, "committee", committee.name, committee.url, committee=committee.body or "")
    years: dict[str, Shard] = {}
    for meeting in newest_first(archive.meetings):
        key = str(meeting.date.year) if meeting.date else "undated"
        shard = years.setdefault(key, Shard(key))
        attendees = [*meeting.present, *meeting.apologies, *meeting.officers]
        _add(shard, "meeting", meeting.title, meeting.url, meeting=meeting, person_ids=attendees,
             people=" ".join(people[p] for p in attendees),
             text=" ".join(f"{i.number} {i.title}" for i in meeting.items))
        for item in meeting.items:
            _add_item(shard, meeting, item, people, topics)
    return [directory, *years.values()]


def _add_item(shard: Shard, meeting: Meeting, item: Item, people: dict[str, str], topics: dict[str, str]) -> None:
    named = [*item.presenters, *item.mentioned, *(d.person for d in item.declarations)]
    title = f"{item.number}. {item.title}" if item.number else item.title
    text = "" if item.exempt else " ".join([item.plain_text(), *(r.text for r in item.resolutions)])
    _add(shard, "item", title, f"{meeting.url}#{item.anchor}", meeting=meeting, person_ids=named,
         topic_ids=list(item.topics), people=" ".join(people[p] for p in named),
         topics=" ".join(topics[t] for t in item.topics), text=" ".join(text.split()),
         exempt=item.exempt)


def _add(shard: Shard, kind: str, title: str, url: str, *, meeting: Meeting | None = None,
         person_ids: Iterable[str] = (), topic_ids: Iterable[str] = (), people: str = "", topics: str = "",
         committee: str = "", text: str = "", exempt: bool = False) -> None:
    ref = str(len(shard.documents))
    committee = (meeting.committee or "") if meeting else committee
    shard.documents.append({"ref": ref, "title": title, "topics": topics, "people": people,
                            "committee": committee, "text": text})
    entry: dict[str, Any] = {"k": kind, "t": title, "u": url}
    if meeting:
        entry.update(m=meeting.title, c=meeting.committee_id or "", d=meeting.date.isoformat() if meeting.date else "")
    if person_ids:
        entry["p"] = sorted(set(person_ids))
    if topic_ids:
        entry["o"] = list(topic_ids)
    if text:
        entry["x"] = text
    if exempt:
        entry["e"] = 1
    shard.store[ref] = entry


def _cached_indexes(documents: list[list[dict[str, str]]], cache: Path | None, progress: Progress) -> list[dict[str, Any]]:
    keys = [hashlib.sha256(_dumps([FIELDS, lunr_version, PIPELINE, docs]).encode()).hexdigest() for docs in documents]
    found: dict[int, dict[str, Any]] = {}
    for n, key in enumerate(keys):
        if cache and (cache / f"{key}.json").is_file():
            found[n] = json.loads((cache / f"{key}.json").read_text(encoding="utf-8"))
            progress.advance()
    missing = [n for n in range(len(documents)) if n not in found]
    workers = min(os.cpu_count() or 1, len(missing))
    if len(missing) > 2 and workers > 1:  # a big archive builds its shards on every core
        with ProcessPoolExecutor(workers) as pool:
            built = []
            for index in pool.map(_index, [documents[n] for n in missing]):
                built.append(index)
                progress.advance()
    else:
        built = []
        for n in missing:
            built.append(_index(documents[n]))
            progress.advance()
    for n, index in zip(missing, built, strict=True):
        found[n] = index
        if cache:
            cache.mkdir(parents=True, exist_ok=True)
            (cache / f"{keys[n]}.json").write_text(_dumps(index), encoding="utf-8")
    return [found[n] for n in range(len(documents))]


def _index(documents: list[dict[str, str]]) -> dict[str, Any]:
    builder = Builder()
    builder.pipeline.add(trimmer, stop_word_filter, stemmer)
    builder.search_pipeline.add(stemmer)
    return dict(lunr(ref="ref", fields=FIELDS, documents=documents, builder=builder).serialize())


def _dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
