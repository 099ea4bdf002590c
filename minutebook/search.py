"""The search index, split so that a browser fetches only what one query needs.

One lunr-compatible index over every document (meetings and agenda items oldest first,
then people, topics and committees), cut into small files:

- ``manifest.json``: where everything is (a few kB even at 10,000 meetings);
- ``t/<n>.json``: the term dictionary in alphabetical buckets; each term carries its idf,
  its best-scoring postings ("tier 0") and its further tiers, each with what the most a
  posting of it or a later tier can add is worked out from, so the browser can stop as
  soon as the top results are certain;
- ``p/<digest>.json``: a common term's further postings, fetched only if needed, named
  by a digest of their bytes;
- ``r/<n>.json``: what a result shows (title, link, date, text for the snippet), for
  RECORD_CHUNK documents in a row, so a meeting's items come in one or two files;
- ``f/<kind>-<id>.json``: which documents a committee, person or topic filter keeps;
- ``names.json``: the people and topics most often named, for the filter lists.

Weights are lunr.js 2.3.9's own (BM25 with its k1, b, field boosts and 3-decimal
rounding). The build ranks and tiers postings with numpy a block of terms at a time
(searchterms.py) rather than by lunr.py document by document; the browser weighs them from
each posting's frequencies and field lengths, the term's idf and the manifest's average
lengths, and runs lunr.js's query parser and scoring on them
(assets/js/search-engine.js), so results match an unsplit lunr index. Everything sits
under ``search/<hash>/``, a name that changes whenever any file would, so hosts may
cache it for ever. Exempt items are indexed by title only: their content never reaches
this stage's input.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from . import buildcache, searchstate
from .memory import give_back_freed_memory
from .model import Archive, Item, Meeting
from .searchstate import Assembly, Fed, Filters
from .searchterms import K1, TIERS, B, Put, Reuse, postings

FIELDS: list[dict[str, Any]] = [
    {"field_name": "title", "boost": 10},
    {"field_name": "topics", "boost": 3},
    {"field_name": "people", "boost": 2},
    {"field_name": "committee", "boost": 2},
    {"field_name": "text"},
]
"""Titles count most, then topics, people and committee names; minute text least."""
FIELD_NAMES = [f["field_name"] for f in FIELDS]
BOOSTS = [f.get("boost", 1) for f in FIELDS]
DIRECTORY_BOOST = 2
"""lunr's document boost for people, topics and committees: the page that gathers
everything about a name or a subject comes before any one item that mentions it."""
RECORD_CHUNK = 8
"""Documents per record file: about one meeting and its items."""
NAMED_OPTIONS = 200
"""How many people and topics the filter lists offer: those most often named."""


@dataclass
class Document:
    fields: tuple[str, str, str, str, str]
    """title, topics, people, committee, text: what is indexed."""
    record: dict[str, Any]
    """What a result shows: kind, title, url, meeting, committee id, date, text."""
    people: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    committee: str = ""
    boost: float = 1
    """lunr's document boost: every weight of the document is multiplied by it."""


@dataclass
class Group:
    """The documents of one meeting: the meeting, then its items."""

    year: str
    documents: list[Document] = field(default_factory=list)
    key: bytes = b""
    """The meeting's feed key (feed_keys), under which the index keeps it for the next build."""


@dataclass(frozen=True)
class SearchIndex:
    folder: str
    """search/<digest>: every file's path starts with it."""
    files: dict[str, bytes]
    """search/<digest>/... -> JSON text, UTF-8; empty when each file went to a ``put`` as it was made."""

    @property
    def manifest_url(self) -> str:
        """Where the manifest is published; the search page holds a copy and fetches it only if that is spoilt."""
        return f"/{self.folder}/manifest.json"


@dataclass(frozen=True)
class Listed:
    """[id, name] of every person, topic and committee: what the filter lists may offer."""

    people: list[list[str]]
    topics: list[list[str]]
    committees: list[list[str]]


def listed(archive: Archive) -> Listed:
    return Listed([[p.id, p.name] for p in archive.people], [[t.id, t.name] for t in archive.topics],
                  [[c.id, c.name] for c in archive.committees])


def build_search(archive: Archive, *, put: Put | None = None, kept: Callable[[str], bool] | None = None) -> SearchIndex:
    """Every search file of ``archive``: see Indexer.write."""
    return indexer_of(archive).write(listed(archive), put=put, kept=kept)


def indexer_of(archive: Archive, cache: Path | None = None, keys: Mapping[str, bytes] | None = None) -> Indexer:
    """Every document of ``archive`` given to an Indexer, in one process (meetings with their feed keys, if given)."""
    indexer = Indexer(cache)
    for group in meeting_groups(archive, keys):
        indexer.add_meeting(group)
    indexer.add_directory(directory_documents(archive))
    return indexer


class Indexer:
    """The search index of documents given one at a time: meetings oldest first, each with its items,
    then the directory of people, topics and committees.

    Each meeting is hashed; if the last build indexed the same (see searchstate.py), its rows and
    records are taken from the ``cache``, otherwise it is tokenized and its records made. Its filters
    are noted as it comes, and nothing else of it is kept: at 10,000 meetings the documents are
    400 MB as objects, what is kept of them (rows, records as JSON) less than half that.
    """

    def __init__(self, cache: Path | None = None) -> None:
        self.cache = cache
        self.assembly = Assembly(*searchstate.load(cache), len(FIELDS))
        self.boosts = array("d")
        self.digest = hashlib.sha256(_CODE)
        self.filters: dict[str, list[int]] = {}
        """Per committee, person and topic id: the documents a filter on it keeps."""
        self.named: dict[str, Counter[str]] = {"people": Counter(), "topics": Counter()}
        self.years: list[list[Any]] = []
        """[year, first document, documents] of the meetings' documents, year by year."""
        self.directory: int | None = None
        """The first document of the directory, once it has come."""
        self.fed: dict[bytes, Fed] = {}
        """Each meeting given with a feed key, under it: kept for the next build."""
        self.state: searchstate.State | None = None
        """Once written, what the next build takes from this index, until ``keep`` keeps it."""

    def keep(self) -> None:
        """What the next build needs of the index just written (searchstate), in the cache."""
        if self.state is not None:
            searchstate.save(self.cache, self.state)
            searchstate.save_fed(self.cache, self.state)
            self.state = None

    def add_meeting(self, group: Group) -> None:
        self._year(group.year, self.assembly.documents, len(group.documents))
        digest = self._add(group.documents)
        if group.key:
            self.fed[group.key] = Fed(digest, group.year, [_filters(document) for document in group.documents])

    def add_fed(self, key: bytes) -> bool:
        """The meeting the last build indexed under this feed key, as it was then; False if the kept state
        cannot give it (then this index cannot be finished: it must be made from the documents)."""
        fed = self.assembly.last.fed.get(key)
        first = self.assembly.documents
        if fed is None or not self.assembly.take(fed.digest, len(fed.filters)):
            return False
        self._year(fed.year, first, len(fed.filters))
        self.digest.update(fed.digest)
        for doc_id, filters in enumerate(fed.filters, start=first):
            self._note(doc_id, filters)
        self.fed[key] = fed
        return True

    def add_directory(self, documents: list[Document]) -> None:
        self.directory = self.assembly.documents
        self._add(documents)

    def _year(self, year: str, first: int, documents: int) -> None:
        if self.years and self.years[-1][0] == year:
            self.years[-1][2] += documents
        else:
            self.years.append([year, first, documents])

    def _add(self, documents: list[Document]) -> bytes:
        """A meeting's documents or the directory's: taken from the last build, or tokenized; their digest."""
        first = self.assembly.documents
        key = self._hash(documents)
        if not self.assembly.take(key, len(documents)):
            for document in documents:
                _single_spaced(document)
            self.assembly.tokenize(key, [document.fields for document in documents],
                                   [_dumps(document.record) for document in documents])
        for doc_id, document in enumerate(documents, start=first):
            self._note(doc_id, _filters(document))
        return key

    def _note(self, doc_id: int, filters: Filters) -> None:
        """Which filters keep a document."""
        boost, committee, people, topics = filters
        self.boosts.append(boost)
        if committee:
            self.filters.setdefault(f"c-{committee}", []).append(doc_id)
        for person in people:
            self.filters.setdefault(f"p-{person}", []).append(doc_id)
        for topic in topics:
            self.filters.setdefault(f"o-{topic}", []).append(doc_id)
        self.named["people"].update(people)
        self.named["topics"].update(topics)

    def _hash(self, documents: list[Document]) -> bytes:
        """A digest of everything indexed about ``documents``, added to the folder's: pickled without the
        memo, so the bytes depend on the values alone, not on which objects are shared. Pickle, not
        JSON: a quarter of the time over the 150 MB of text 10,000 meetings have."""
        digest = hashlib.sha256(_pickled([(d.fields, d.record, d.people, d.topics, d.committee, d.boost)
                                           for d in documents])).digest()
        self.digest.update(digest)
        return digest

    def write(self, listing: Listed, *, put: Put | None = None, kept: Callable[[str], bool] | None = None,
              reuse: Reuse | None = None) -> SearchIndex:
        """Every search file, under one folder named by what is indexed and the code that indexes it.

        Each file goes to ``put(path, JSON text)`` as soon as it is made, so the 300 MB of files an
        archive of 10,000 meetings has are never all held at once; without ``put`` they are kept in
        the result. The folder's name is known before the first file is made: a digest of every
        document's fields and record and of this stage's code, so it changes whenever a file would.
        If ``kept(folder)`` says the last build's files of that folder are still there (a rebuild
        where nothing searchable changed), nothing is made: indexing is most of a rebuild's time.
        ``reuse(path, SHA-256)`` takes a file of the folder from the live site, if it has one with
        those bytes: what the last build wrote for a term whose postings have not changed. What the
        next build takes from this one is kept by ``keep``, once the files are out.
        """
        names = _dumps({"people": _names(listing.people, self.named["people"]),
                        "topics": _names(listing.topics, self.named["topics"])})
        self.digest.update(_pickled((names, listing.committees)))
        folder = f"search/{self.digest.hexdigest()[:12]}"
        files: dict[str, bytes] = {}
        if kept is not None and kept(folder):
            if self.fed.keys() != self.assembly.last.fed.keys():  # the same documents under new keys: new code
                self.state = self.assembly.as_it_was(self.fed)
            return SearchIndex(folder, files)

        def out(path: str, body: bytes) -> None:
            if put is None:
                files[f"{folder}/{path}"] = body
            else:
                put(f"{folder}/{path}", body)

        records = [record for _, group in self.assembly.records for record in group]
        for n in range(0, len(records), RECORD_CHUNK):  # first: the postings' arrays take fresh memory
            out(f"r/{n // RECORD_CHUNK}.json", b"[" + b",".join(records[n:n + RECORD_CHUNK]) + b"]")
        searchstate.save_records(self.cache, dict(self.assembly.records))
        records, self.assembly.records = [], []
        for name, ids in self.filters.items():
            out(f"f/{name}.json", _dumps(list(_gaps(ids))))
        self.filters = {}
        give_back_freed_memory()
        documents = self.assembly.documents
        directory = documents if self.directory is None else self.directory
        # the browser gives a document the directory's boost from the directory's first on, else 1
        assert set(self.boosts[:directory]) <= {1} and set(self.boosts[directory:]) <= {DIRECTORY_BOOST}
        term_names, rows, lengths, before = self.assembly.assemble()
        terms = postings(term_names, rows, lengths, self.boosts, BOOSTS, out, before=before,
                         reuse=None if reuse is None else lambda path, digest: reuse(f"{folder}/{path}", digest))
        self.state = searchstate.State(self.assembly.groups, term_names, rows, lengths, terms.typical,
                                       terms.entries, self.fed, terms.buckets)
        out("names.json", names)
        out("manifest.json", _dumps({
            "version": 2,
            "documents": documents,
            "fields": FIELD_NAMES,
            "fieldBoosts": BOOSTS,
            "averages": terms.averages,
            "directoryBoost": DIRECTORY_BOOST,
            "bm25": [K1, B],
            "tiers": list(TIERS),
            "buckets": terms.bucket_starts,
            "recordChunk": RECORD_CHUNK,
            "directory": directory,
            "years": self.years,
            "committees": listing.committees,
        }))
        return SearchIndex(folder, files)


_CODE = hashlib.sha256(b"".join(Path(__file__).with_name(name).read_bytes()
                                for name in ("search.py", "searchterms.py", "lunrjs.py"))
                       + f"lunr {version('lunr')} numpy {np.__version__} python {sys.version}".encode()).digest()
"""The code that turns documents into files: a new version may write other files from the same documents."""


def _pickled(value: object) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


# --- the documents ----------------------------------------------------------------------


def oldest_first_key(meeting: Meeting) -> tuple[bool, int, str]:
    """Undated meetings first, then by date: new minutes go at the end, so ids already given keep."""
    return (meeting.date is not None, meeting.date.toordinal() if meeting.date else 0, meeting.id)


def collect(archive: Archive) -> tuple[list[Group], list[Document]]:
    """Meetings oldest first, each followed by its items; then people, topics and committees."""
    return list(meeting_groups(archive)), directory_documents(archive)


def meeting_groups(archive: Archive, keys: Mapping[str, bytes] | None = None) -> Iterator[Group]:
    """Meetings oldest first, each followed by its items, one meeting at a time (with its feed key, if given)."""
    people, topics = names_of(archive)
    for meeting in in_index_order(archive):
        yield meeting_group(meeting, people, topics, keys[meeting.id] if keys is not None else b"")


def in_index_order(archive: Archive) -> list[Meeting]:
    return sorted(archive.meetings, key=oldest_first_key)


def names_of(archive: Archive) -> tuple[dict[str, str], dict[str, str]]:
    """Each person's name and each topic's name, by id: what a meeting's documents show of them."""
    return {p.id: p.name for p in archive.people}, {t.id: t.name for t in archive.topics}


def meeting_group(meeting: Meeting, people: dict[str, str], topics: dict[str, str], key: bytes = b"") -> Group:
    """A meeting's documents: the meeting, then its items."""
    group = Group(str(meeting.date.year) if meeting.date else "undated", key=key)
    attendees = tuple(sorted({*meeting.present, *meeting.apologies, *meeting.officers}))
    record = _record("meeting", meeting.title, meeting.url, meeting)
    group.documents.append(Document(
        (record["t"], "", " ".join(people[p] for p in [*meeting.present, *meeting.apologies, *meeting.officers]),
         meeting.committee or "", " ".join(f"{i.number} {i.title}" for i in meeting.items)),
        record, people=attendees, committee=meeting.committee_id or ""))
    for item in meeting.items:
        group.documents.append(_item(meeting, record, item, people, topics))
    return group


def feed_keys(archive: Archive, digests: Mapping[str, bytes], setting: object) -> dict[str, bytes]:
    """Each meeting's feed key, by id: its digest (pagememo.meeting_digests: its files' bytes and what
    linking decided), the names of the people and topics it shows, this package's code (which reads the
    files and makes the documents) and ``setting`` (the reading setting: whether contact details stay).
    The same key, the same documents: a rebuild sends the worker only the key of a meeting the last
    build indexed (searchstate.load_fed)."""
    people, topics = names_of(archive)
    shared = f"{buildcache.package_version()}\0{setting!r}\0".encode()
    keys = {}
    for meeting in archive.meetings:
        named = sorted({*meeting.present, *meeting.apologies, *meeting.officers,
                        *(p for item in meeting.items for p in _named(item))})
        shown = repr(([(p, people[p]) for p in named],
                      sorted({(t, topics[t]) for item in meeting.items for t in item.topics})))
        keys[meeting.id] = hashlib.blake2b(shared + digests[meeting.id] + shown.encode(), digest_size=16).digest()
    return keys


def directory_documents(archive: Archive) -> list[Document]:
    """People, topics and committees: the pages that gather everything about a name."""
    directory = [Document((p.name, "", " ".join(p.variants), "", ""), _record("person", p.name, p.url),
                          boost=DIRECTORY_BOOST) for p in archive.people]
    directory += [Document((t.name, " ".join(t.variants), "", "", ""), _record("topic", t.name, t.url),
                           boost=DIRECTORY_BOOST) for t in archive.topics]
    directory += [Document((c.name, "", "", c.body or "", ""), _record("committee", c.name, c.url),
                           boost=DIRECTORY_BOOST) for c in archive.committees]
    return directory


def _item(meeting: Meeting, shown: dict[str, Any], item: Item, people: dict[str, str],
          topics: dict[str, str]) -> Document:
    """An agenda item; ``shown`` is its meeting's record, whose title, committee and date it repeats."""
    named = _named(item)
    title = f"{item.number}. {item.title}" if item.number else item.title
    # White space is made single spaces where the documents are indexed (Indexer.add_meeting).
    text = "" if item.exempt else "\n".join([item.plain_text(), *(r.text for r in item.resolutions)])
    record = {**_record("item", title, f"{shown['u']}#{item.anchor}"), "c": shown["c"], "d": shown["d"],
              "m": shown["t"]}
    if text:
        record["x"] = text
    if item.exempt:
        record["e"] = 1
    return Document((title, " ".join(topics[t] for t in item.topics), " ".join(people[p] for p in named),
                     meeting.committee or "", text),
                    record, people=tuple(sorted(set(named))), topics=tuple(item.topics),
                    committee=meeting.committee_id or "")


def _named(item: Item) -> list[str]:
    """The people an item names: who presented it, who is mentioned, who declared an interest."""
    return [*item.presenters, *item.mentioned, *(d.person for d in item.declarations)]


def _filters(document: Document) -> Filters:
    return document.boost, document.committee, document.people, document.topics


def _single_spaced(document: Document) -> None:
    """An item's text with every run of white space one space, and no text shown when that leaves none.

    Done as the search worker takes each meeting, not as the build sends it: while the archive's
    meetings are sent, the worker waits on the build's core, and this is 150 MB of text at 10,000
    meetings (1.5 s)."""
    if (text := document.record.get("x")) is None:
        return
    title, topics, people, committee, _ = document.fields
    text = " ".join(text.split())
    document.fields = (title, topics, people, committee, text)
    if text:
        document.record["x"] = text
    else:
        del document.record["x"]


def _record(kind: str, title: str, url: str, meeting: Meeting | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"k": kind, "t": title, "u": url}
    if meeting:
        record["c"] = meeting.committee_id or ""
        record["d"] = meeting.date.isoformat() if meeting.date else ""
    return record


# --- what results show, and what filters keep --------------------------------------------


def _names(things: list[list[str]], counts: Counter[str]) -> list[list[str]]:
    """[id, name] of the NAMED_OPTIONS people or topics most often named, for the filter lists."""
    ranked = sorted(things, key=lambda t: (-counts[t[0]], t[1].casefold(), t[0]))
    return [[thing_id, name] for thing_id, name in ranked[:NAMED_OPTIONS] if counts[thing_id]]


def _gaps(ids: list[int]) -> Iterator[int]:
    previous = 0
    for doc_id in ids:
        yield doc_id - previous
        previous = doc_id


def _dumps(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
