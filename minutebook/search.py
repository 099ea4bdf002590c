"""The search index, split so that a browser fetches only what one query needs.

One lunr-compatible index over every document (meetings and agenda items oldest first,
then people, topics and committees), cut into small files:

- ``manifest.json``: where everything is (a few kB even at 10,000 meetings);
- ``t/<n>.json``: the term dictionary in alphabetical buckets; each term carries its
  best-scoring postings ("tier 0") and how many more tiers it has, with the highest
  score any later posting can add, so the browser can stop as soon as the top results
  are certain;
- ``p/<term>-<tier>.json``: a common term's further postings, fetched only if needed;
- ``r/<n>.json``: what a result shows (title, link, date, text for the snippet), for
  RECORD_CHUNK documents in a row, so a meeting's items come in one or two files;
- ``f/<kind>-<id>.json``: which documents a committee, person or topic filter keeps;
- ``names.json``: the people and topics most often named, for the filter lists.

Weights are lunr.js 2.3.9's own (BM25 with its k1, b, field boosts and 3-decimal
rounding), computed here with numpy over every posting at once rather than by lunr.py
document by document; the browser runs lunr.js's query parser and scoring on them
(assets/js/search-engine.js), so results match an unsplit lunr index. Everything sits
under ``search/<hash>/``, a name that changes whenever any of it does, so hosts may
cache it for ever. Exempt items are indexed by title only: their content never reaches
this stage's input.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .lunrjs import term_of
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
FIELD_NAMES = [f["field_name"] for f in FIELDS]
BOOSTS = np.array([f.get("boost", 1) for f in FIELDS], dtype=np.float64)
K1 = 1.2
B = 0.75
"""lunr's BM25 parameters (lunr.Builder's defaults)."""
TIERS = (128, 1024, 8192)
"""A term's postings by rank: the best 128 come with the dictionary, then up to 1,024,
8,192 and the rest, each its own file. A rare word is answered by one request; a word
in every meeting costs a few kB until the top results are certain."""
BUCKET_BYTES = 6000
"""Dictionary files are cut at about this size: a query pays for its own words'
bucket, and the manifest lists one boundary per bucket."""
DIRECTORY_BOOST = 2
"""lunr's document boost for people, topics and committees: the page that gathers
everything about a name or a subject comes before any one item that mentions it."""
RECORD_CHUNK = 8
"""Documents per record file: about one meeting and its items."""
NAMED_OPTIONS = 200
"""How many people and topics the filter lists offer: those most often named."""
SEPARATOR = re.compile(r"[\s\-\ufeff]+")
"""lunr.tokenizer.separator, /[\\s\\-]+/ with JavaScript's \\s."""


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


@dataclass(frozen=True)
class SearchIndex:
    files: dict[str, str]
    """search/<hash>/... -> JSON text."""
    manifest_url: str
    """What the search page loads first."""


def build_search(archive: Archive, *, cache: Any = None, progress: Progress = SILENT) -> SearchIndex:
    """Every search file, under one content-hashed folder.

    ``cache`` is accepted for the pipeline's sake: indexing is fast enough (about a
    second per 1,000 meetings) that a cache would cost more to read than it saves.
    """
    meetings, directory = collect(archive)
    documents = [d for g in meetings for d in g.documents] + directory
    progress.stage("Indexing for search", len(documents))
    postings = index(documents, progress)
    files = {
        **_dictionary(postings),
        **_stores(documents),
        **_filters(documents),
    }
    files["names.json"] = _dumps({
        "people": _names(archive.people, documents, "people"),
        "topics": _names(archive.topics, documents, "topics"),
    })
    years: list[list[Any]] = []
    start = 0
    for group in meetings:
        if years and years[-1][0] == group.year:
            years[-1][2] += len(group.documents)
        else:
            years.append([group.year, start, len(group.documents)])
        start += len(group.documents)
    files["manifest.json"] = _dumps({
        "version": 1,
        "documents": len(documents),
        "fields": FIELD_NAMES,
        "tiers": list(TIERS),
        "buckets": postings.bucket_starts,
        "recordChunk": RECORD_CHUNK,
        "directory": start,
        "years": years,
        "committees": [[c.id, c.name] for c in archive.committees],
    })
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path].encode() + b"\0")
    folder = f"search/{digest.hexdigest()[:12]}"
    return SearchIndex({f"{folder}/{path}": body for path, body in files.items()}, f"/{folder}/manifest.json")


# --- the documents ----------------------------------------------------------------------


def oldest_first_key(meeting: Meeting) -> tuple[bool, int, str]:
    """Undated meetings first, then by date: new minutes go at the end, so ids already given keep."""
    return (meeting.date is not None, meeting.date.toordinal() if meeting.date else 0, meeting.id)


def collect(archive: Archive) -> tuple[list[Group], list[Document]]:
    """Meetings oldest first, each followed by its items; then people, topics and committees."""
    people = {p.id: p.name for p in archive.people}
    topics = {t.id: t.name for t in archive.topics}
    groups = []
    for meeting in sorted(archive.meetings, key=oldest_first_key):
        group = Group(str(meeting.date.year) if meeting.date else "undated")
        attendees = tuple(sorted({*meeting.present, *meeting.apologies, *meeting.officers}))
        group.documents.append(Document(
            (meeting.title, "", " ".join(people[p] for p in [*meeting.present, *meeting.apologies, *meeting.officers]),
             meeting.committee or "", " ".join(f"{i.number} {i.title}" for i in meeting.items)),
            _record("meeting", meeting.title, meeting.url, meeting),
            people=attendees, committee=meeting.committee_id or ""))
        for item in meeting.items:
            group.documents.append(_item(meeting, item, people, topics))
        groups.append(group)
    directory = [Document((p.name, "", " ".join(p.variants), "", ""), _record("person", p.name, p.url),
                          boost=DIRECTORY_BOOST) for p in archive.people]
    directory += [Document((t.name, " ".join(t.variants), "", "", ""), _record("topic", t.name, t.url),
                           boost=DIRECTORY_BOOST) for t in archive.topics]
    directory += [Document((c.name, "", "", c.body or "", ""), _record("committee", c.name, c.url),
                           boost=DIRECTORY_BOOST) for c in archive.committees]
    return groups, directory


def _item(meeting: Meeting, item: Item, people: dict[str, str], topics: dict[str, str]) -> Document:
    named = [*item.presenters, *item.mentioned, *(d.person for d in item.declarations)]
    title = f"{item.number}. {item.title}" if item.number else item.title
    text = "" if item.exempt else " ".join(" ".join([item.plain_text(), *(r.text for r in item.resolutions)]).split())
    record = _record("item", title, f"{meeting.url}#{item.anchor}", meeting)
    record["m"] = meeting.title
    if text:
        record["x"] = text
    if item.exempt:
        record["e"] = 1
    return Document((title, " ".join(topics[t] for t in item.topics), " ".join(people[p] for p in named),
                     meeting.committee or "", text),
                    record, people=tuple(sorted(set(named))), topics=tuple(item.topics),
                    committee=meeting.committee_id or "")


def _record(kind: str, title: str, url: str, meeting: Meeting | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"k": kind, "t": title, "u": url}
    if meeting:
        record["c"] = meeting.committee_id or ""
        record["d"] = meeting.date.isoformat() if meeting.date else ""
    return record


# --- the postings -----------------------------------------------------------------------


@dataclass
class Postings:
    terms: list[str]
    """Every term, in JavaScript's string order (UTF-16 code units), as the browser compares."""
    entries: list[str]
    """Per term, its dictionary entry as JSON text."""
    tier_files: dict[str, str]
    bucket_starts: list[str] = field(default_factory=list)


def index(documents: list[Document], progress: Progress = SILENT) -> Postings:
    """lunr.js's field vectors for every document, as postings ranked by score."""
    vocabulary: dict[str, int] = {}
    term_ids: list[int] = []
    doc_ids: list[int] = []
    field_ids: list[int] = []
    frequencies: list[int] = []
    lengths = np.zeros((len(FIELDS), len(documents)), dtype=np.float64)
    boosts = np.array([d.boost for d in documents], dtype=np.float64)
    for doc_id, document in enumerate(documents):
        progress.advance()
        for field_id, text in enumerate(document.fields):
            if not text:
                continue
            counts, length = count_terms(text)
            lengths[field_id, doc_id] = length
            ids = [vocabulary.setdefault(term, len(vocabulary)) for term in counts]
            term_ids += ids
            doc_ids += [doc_id] * len(ids)
            field_ids += [field_id] * len(ids)
            frequencies += counts.values()
    return _postings(vocabulary, np.array(term_ids, dtype=np.int64), np.array(doc_ids, dtype=np.int64),
                     np.array(field_ids, dtype=np.int64), np.array(frequencies, dtype=np.float64), lengths, boosts)


def count_terms(text: str) -> tuple[Counter[str], int]:
    """Term frequencies and the field length, through lunr.js's tokenizer and pipeline."""
    counts: Counter[str] = Counter()
    length = 0
    for token, n in Counter(SEPARATOR.split(text.lower())).items():
        term = term_of(token) if token else None
        if term is not None:
            counts[term] += n
            length += n
    return counts, length


def _postings(vocabulary: dict[str, int], terms: npt.NDArray[np.int64], docs: npt.NDArray[np.int64],
              fields: npt.NDArray[np.int64], tf: npt.NDArray[np.float64],
              lengths: npt.NDArray[np.float64], boosts: npt.NDArray[np.float64]) -> Postings:
    documents = lengths.shape[1]
    average = lengths.sum(axis=1) / max(documents, 1)
    with_term = np.bincount(terms, minlength=len(vocabulary)).astype(np.float64)
    idf = np.log(1 + np.abs((documents - with_term + 0.5) / (with_term + 0.5)))
    # lunr.Builder.createFieldVectors, in its order of operations, then rounded to 3 places
    ratio = lengths[fields, docs] / np.where(average > 0, average, 1)[fields]
    score = idf[terms] * ((K1 + 1) * tf) / (K1 * (1 - B + B * ratio) + tf) * BOOSTS[fields] * boosts[docs]
    weight = np.rint(score * 1000).astype(np.int64)

    # one posting per (term, document): fields in order, then ranked by total weight
    order = np.lexsort((fields, docs, terms))
    terms, docs, fields, weight = terms[order], docs[order], fields[order], weight[order]
    first = np.flatnonzero(np.r_[True, (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])])
    p_term, p_doc = terms[first], docs[first]
    p_impact = np.add.reduceat(weight, first)
    p_mask = np.bitwise_or.reduceat(np.left_shift(1, fields), first)
    p_count = np.diff(np.r_[first, len(terms)])
    per_field = np.zeros((len(first), len(FIELDS)), dtype=np.int64)
    per_field[np.repeat(np.arange(len(first)), p_count), fields] = weight

    ranked = np.lexsort((p_doc, -p_impact, p_term))
    term_start = np.searchsorted(p_term[ranked], np.arange(len(vocabulary) + 1))
    rank = np.empty(len(ranked), dtype=np.int64)
    rank[ranked] = np.arange(len(ranked)) - term_start[p_term[ranked]]
    tier = np.searchsorted(np.array(TIERS), rank, side="right")

    # every tier's postings in document order, as one flat list of numbers:
    # document gap, field mask, then the weight of each field in the mask
    by_tier = np.lexsort((p_doc, tier, p_term))
    t_term, t_tier, t_doc = p_term[by_tier], tier[by_tier], p_doc[by_tier]
    starts = np.flatnonzero(np.r_[True, (t_term[1:] != t_term[:-1]) | (t_tier[1:] != t_tier[:-1])])
    gap = np.diff(np.r_[0, t_doc])
    gap[starts] = t_doc[starts]
    width = 2 + p_count[by_tier]
    out_start = np.r_[0, np.cumsum(width)[:-1]]
    flat = np.empty(int(width.sum()), dtype=np.int64)
    flat[out_start] = gap
    flat[out_start + 1] = p_mask[by_tier]
    weight_from = np.repeat(first[by_tier] - np.r_[0, np.cumsum(p_count[by_tier])[:-1]], p_count[by_tier])
    weight_to = np.repeat(out_start + 2 - np.r_[0, np.cumsum(p_count[by_tier])[:-1]], p_count[by_tier])
    steps = np.arange(len(weight_from))
    flat[weight_to + steps] = weight[weight_from + steps]
    numbers = list(map(str, flat.tolist()))
    piece_end = np.r_[out_start, len(flat)][np.r_[starts[1:], len(by_tier)]].tolist()
    piece_start = out_start[starts].tolist()
    piece_term, piece_tier = t_term[starts].tolist(), t_tier[starts].tolist()
    # the most a later tier can add: its best total, and its best in each field
    tier_best = np.maximum.reduceat(p_impact[by_tier], starts).tolist()
    tier_field_best = np.maximum.reduceat(per_field[by_tier], starts, axis=0).tolist()
    documents_with = np.bincount(p_term, minlength=len(vocabulary)).tolist()

    names = sorted(vocabulary, key=lambda t: t.encode("utf-16-be"))
    tiers_of: dict[int, list[int]] = {}
    for n, term_id in enumerate(piece_term):
        tiers_of.setdefault(term_id, []).append(n)
    entries = []
    tier_files = {}
    for term in names:
        term_id = vocabulary[term]
        pieces = tiers_of[term_id]
        later = []
        for n in pieces[1:]:
            tier_files[f"p/{term_id}-{piece_tier[n]}.json"] = "[" + ",".join(numbers[piece_start[n]:piece_end[n]]) + "]"
            later.append(n)
        rest = []
        for position, n in enumerate(later):
            suffix = later[position:]
            rest.append([piece_tier[n], max(tier_best[m] for m in suffix),
                         [max(tier_field_best[m][f] for m in suffix) for f in range(len(FIELDS))]])
        first_piece = pieces[0]
        tier0 = ",".join(numbers[piece_start[first_piece]:piece_end[first_piece]])
        # [term, id, documents with it, tier 0 postings, [[tier, best total, best per field], ...]]
        entries.append(f"[{_dumps(term)},{term_id},{documents_with[term_id]},[{tier0}],{_dumps(rest)}]")
    return Postings(names, entries, tier_files)


def _dictionary(postings: Postings) -> dict[str, str]:
    """Cut the sorted dictionary into buckets of about BUCKET_BYTES; the manifest lists where each starts."""
    files = dict(postings.tier_files)
    bucket: list[str] = []
    size = 0
    previous = ""
    for term, entry in zip(postings.terms, postings.entries, strict=True):
        if not bucket:
            postings.bucket_starts.append(_boundary(previous, term) if postings.bucket_starts else "")
        previous = term
        bucket.append(entry)
        size += len(entry)
        if size >= BUCKET_BYTES:
            files[f"t/{len(postings.bucket_starts) - 1}.json"] = "[" + ",".join(bucket) + "]"
            bucket, size = [], 0
    if bucket:
        files[f"t/{len(postings.bucket_starts) - 1}.json"] = "[" + ",".join(bucket) + "]"
    return files


def _boundary(before: str, first: str) -> str:
    """The shortest start of ``first`` that sorts after ``before``: all the browser needs to
    find the bucket, in JavaScript's string order."""
    for end in range(1, len(first) + 1):
        if first[:end].encode("utf-16-be") > before.encode("utf-16-be"):
            return first[:end]
    return first


# --- what results show, and what filters keep --------------------------------------------


def _stores(documents: list[Document]) -> dict[str, str]:
    return {f"r/{n // RECORD_CHUNK}.json": _dumps([d.record for d in documents[n:n + RECORD_CHUNK]])
            for n in range(0, len(documents), RECORD_CHUNK)}


def _filters(documents: list[Document]) -> dict[str, str]:
    """Per committee, person and topic id: the documents a filter on it keeps, as gaps between ids."""
    kept: dict[str, list[int]] = {}
    for doc_id, document in enumerate(documents):
        if document.committee:
            kept.setdefault(f"c-{document.committee}", []).append(doc_id)
        for person in document.people:
            kept.setdefault(f"p-{person}", []).append(doc_id)
        for topic in document.topics:
            kept.setdefault(f"o-{topic}", []).append(doc_id)
    return {f"f/{name}.json": _dumps(list(_gaps(ids))) for name, ids in kept.items()}


def _names(things: Iterable[Any], documents: list[Document], attribute: str) -> list[list[str]]:
    """[id, name] of the NAMED_OPTIONS people or topics most often named, for the filter lists."""
    counts: Counter[str] = Counter()
    for document in documents:
        counts.update(getattr(document, attribute))
    ranked = sorted(things, key=lambda t: (-counts[t.id], t.name.casefold(), t.id))
    return [[t.id, t.name] for t in ranked[:NAMED_OPTIONS] if counts[t.id]]


def _gaps(ids: list[int]) -> Iterator[int]:
    previous = 0
    for doc_id in ids:
        yield doc_id - previous
        previous = doc_id


def _dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
