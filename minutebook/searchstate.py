"""What the last build's search index was made of, so that a rebuild ranks only the words an edit touched.

At 10,000 meetings, tokenizing, ranking and writing every term again took the search worker
15 s of a rebuild for an edit to one meeting. So a build keeps, in build/cache:

- for each meeting (and for the directory of people, topics and committees), under a digest of
  everything indexed about it, where its documents were numbered, and (in a file of its own) their
  records as JSON;
- every row (term, document, field, frequency) with the tier its posting went to, and each
  field's length;
- each term's dictionary entry as made: its best postings and its further tiers' files;
- each dictionary file's first and last term and digest.

A rebuild takes the rows of the meetings whose digests it finds, tokenizes only the others, and
ranks again only the terms whose rows changed or moved; every other term's entry is used as it
was, with its idf and bounds weighed again. Of a term ranked again, a piece (its best postings,
a further tier) that holds the postings it held is taken as the last build made it, and so is a
dictionary file whose terms' entries are all as they were: an edit to one meeting makes only the
files its own postings are in (at 10,000 meetings, 270 files, not 3,919). A fresh build is a
rebuild from nothing, so the two make the same files, byte for byte.

Each meeting is also kept under its feed key (search.feed_keys: what reading and linking made of
it, and the names it shows), with what its documents are filtered by. A small file of its own
lists those keys, for the build to read before it sends the worker anything: a meeting the last
build indexed is sent as its key alone, not as documents to make and hash again (1.6 s of a
10,000-meeting rebuild).
"""

from __future__ import annotations

import heapq
import os
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np
import numpy.typing as npt

from . import buildcache
from .searchterms import PIECES, Before, Bucket, Entry, Floats, Later, Rows, Tokenizer, dictionary_order, no_rows

NAME = "search-state.pickle"
RECORDS = "search-records"
"""A shelf (buildcache.save_shelf): a rebuild writes again only the shards with the records that changed."""
FED = "search-fed.pickle"
VERSION = buildcache.code_version("search.py", "searchterms.py", "searchstate.py", "lunrjs.py",
                                  libraries=("lunr", "numpy"))

Records = dict[bytes, list[bytes]]
"""By a group's digest, each of its documents' records (what a result shows) as JSON. Kept in a file
of its own, written as soon as the record files are, so that the search worker need not hold these
150 MB (at 10,000 meetings) while it weighs the postings."""


Filters = tuple[float, str, tuple[str, ...], tuple[str, ...]]
"""A document's boost, committee id, people ids and topic ids: what the index notes of it besides its rows."""


@dataclass(frozen=True)
class Fed:
    """A meeting as the last build indexed it, by its feed key."""

    digest: bytes
    """Its group's digest (a key of State.groups and of the records)."""
    year: str
    filters: list[Filters]
    """Each of its documents' filters, in order."""


@dataclass
class State:
    groups: dict[bytes, tuple[int, int]] = field(default_factory=dict)
    """By the digest of everything indexed about a meeting (or the directory): the number of its first
    document, and how many it has."""
    names: list[str] = field(default_factory=list)
    """Every term, in dictionary order."""
    rows: Rows = field(default_factory=no_rows)
    lengths: Floats = field(default_factory=lambda: np.zeros((0, 0)))
    """[field, document]: how many terms each field has."""
    typical: list[float] = field(default_factory=list)
    """The averages the postings were ranked with."""
    entries: list[Entry] = field(default_factory=list)
    """Each term's entry, by ``names``."""
    fed: dict[bytes, Fed] = field(default_factory=dict)
    """Each meeting by its feed key."""
    buckets: list[Bucket] = field(default_factory=list)
    """Each dictionary file, in order."""

    @property
    def documents(self) -> int:
        return int(self.lengths.shape[1])

    def __getstate__(self) -> dict[str, object]:
        """Pickled with ``entries`` as columns (_EntryColumns): at 10,000 meetings, 128,745 named tuples
        took the worker 0.29 s to pickle and 0.22 s to load, most of the state's 0.46 s and 0.36 s."""
        state = dict(self.__dict__)
        state["entries"] = _EntryColumns.of(self.entries)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        columns = state["entries"]
        if not isinstance(columns, _EntryColumns):
            raise TypeError("a search state's entries are kept as columns")
        self.__dict__.update(state, entries=columns.entries())


@dataclass(frozen=True)
class _EntryColumns:
    """Every term's Entry, and the Later of each of its further tiers, field by field: lists of bytes and
    str and arrays of int, which pickle writes and reads in C."""

    heads: list[bytes]
    counts: bytes
    """How many further tiers each term has (array "B")."""
    digests: list[str]
    corners: list[bytes]
    best: bytes
    """Each Later's ``best`` (array "q")."""

    @staticmethod
    def of(entries: Sequence[Entry]) -> _EntryColumns:
        laters = [later for entry in entries for later in entry.later]
        return _EntryColumns([entry.head for entry in entries], array("B", [len(e.later) for e in entries]).tobytes(),
                             [later.digest for later in laters], [later.corners for later in laters],
                             array("q", [later.best for later in laters]).tobytes())

    def entries(self) -> list[Entry]:
        counts, best = array("B"), array("q")
        counts.frombytes(self.counts)
        best.frombytes(self.best)
        if not (len(counts) == len(self.heads) and sum(counts) == len(self.digests) == len(self.corners) == len(best)):
            raise ValueError("a search state's entry columns do not agree")
        laters = iter(list(map(Later, self.digests, self.corners, best)))
        return list(map(Entry, self.heads, [tuple(islice(laters, count)) if count else () for count in counts]))


def load(folder: Path | None) -> tuple[State, Records]:
    """The last build's state and records, or empty ones (a fresh build) if there are none to trust.
    The two files are written at different moments; a group is taken only if both have it (see
    Assembly.take), and what a digest names is the same in both."""
    state = buildcache.load(folder, NAME, VERSION)
    records = buildcache.load_shelf(folder, RECORDS, VERSION)
    if not (isinstance(state, State) and _sound(state) and isinstance(records, dict)):
        buildcache.forget_shelf(folder, RECORDS)
        return State(), {}
    return state, records


def save(folder: Path | None, state: State) -> None:
    buildcache.save(folder, NAME, VERSION, state, memo=False)
    if folder is not None:  # what earlier versions kept instead: each meeting's tokens, 100 MB at 10,000 meetings
        (folder / "search-tokens.pickle").unlink(missing_ok=True)


def save_records(folder: Path | None, records: Records) -> None:
    buildcache.save_shelf(folder, RECORDS, VERSION, records)
    if folder is not None:  # where earlier versions kept them whole
        (folder / "search-records.pickle").unlink(missing_ok=True)


def save_fed(folder: Path | None, state: State) -> None:
    """The feed keys of a state just saved, with the size and time of the two files it was saved with."""
    if (kept := _saved(folder)) is not None:
        buildcache.save(folder, FED, VERSION, (kept, frozenset(state.fed)))


def load_fed(folder: Path | None) -> frozenset[bytes]:
    """The feed keys of the meetings the last build indexed, if its state and records are the files they
    were saved with (nothing has written or cut them since); else none, and every meeting is sent whole.
    A worker that still cannot take one (a file damaged in place) says so, and the build indexes afresh."""
    found = buildcache.load(folder, FED, VERSION)
    if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], frozenset)):
        return frozenset()
    kept, keys = found
    return keys if kept == _saved(folder) else frozenset()


def _saved(folder: Path | None) -> tuple[tuple[int, int], ...] | None:
    if folder is None:
        return None
    try:
        return tuple((found.st_size, found.st_mtime_ns) for found in (os.stat(folder / name) for name in (NAME, RECORDS)))
    except OSError:
        return None


def _sound(state: State) -> bool:
    """The arrays agree with each other: a state from this code, not cut short or mixed up."""
    rows = state.rows
    try:
        arrays = [rows.terms, rows.documents, rows.fields, rows.counts, rows.tiers]
        return (all(isinstance(a, np.ndarray) and a.ndim == 1 and len(a) == len(rows.terms) for a in arrays)
                and isinstance(state.lengths, np.ndarray) and state.lengths.ndim == 2
                and len(state.names) == len(state.entries)
                and (not len(rows.terms) or (int(rows.terms.min()) >= 0 and int(rows.terms.max()) < len(state.names)
                                             and int(rows.documents.min()) >= 0
                                             and int(rows.documents.max()) < state.documents))
                and all(first >= 0 and first + documents <= state.documents
                        for first, documents in state.groups.values())
                and all(isinstance(fed, Fed) and fed.digest in state.groups for fed in state.fed.values()))
    except (AttributeError, TypeError, ValueError):
        return False


class Assembly:
    """This build's documents, a group (a meeting, or the directory) at a time: a group the last build
    indexed is taken with its rows and records, any other is tokenized."""

    def __init__(self, last: State, records: Records, field_count: int) -> None:
        self.last = last
        self.last_records = records
        self.tokenizer = Tokenizer(field_count)
        self.tokenized = array("i")
        """This build's number of each document given to the tokenizer."""
        self.moved: list[tuple[int, int, int]] = []
        """(number in the last build, number now, documents) of each group taken."""
        self.groups: dict[bytes, tuple[int, int]] = {}
        self.records: list[tuple[bytes, list[bytes]]] = []
        """(digest, records) of each group, in order."""
        self.documents = 0

    def take(self, key: bytes, documents: int) -> bool:
        """Whether the last build indexed a group of ``documents`` under ``key``: if so, it is this build's
        next group, its rows and records as they were."""
        where = self.last.groups.pop(key, None)
        records = self.last_records.pop(key, None)
        if (where is None or records is None or where[1] != documents or len(records) != documents
                or not all(isinstance(record, bytes) for record in records)):
            return False
        self.moved.append((where[0], self.documents, documents))
        self._add(key, records)
        return True

    def tokenize(self, key: bytes, fields: Sequence[Sequence[str]], records: list[bytes]) -> None:
        """The next group's documents (each its fields' texts), tokenized."""
        for n, texts in enumerate(fields):
            self.tokenized.append(self.documents + n)
            self.tokenizer.add(texts)
        self._add(key, records)

    def _add(self, key: bytes, records: list[bytes]) -> None:
        self.groups[key] = (self.documents, len(records))
        self.records.append((key, records))
        self.documents += len(records)

    def as_it_was(self, fed: dict[bytes, Fed]) -> State | None:
        """The last build's state with this build's feed keys, if every group was taken where it was
        (so the rows are the same); else None. After an upgrade that leaves the index as it was, the
        next build then sends each unchanged meeting as its key, not whole (2-3 s at 10,000 meetings)."""
        last = self.last
        if len(self.tokenized) or self.documents != last.documents or any(
                before != after for before, after, _ in self.moved):
            return None
        return State(self.groups, last.names, last.rows, last.lengths, last.typical, last.entries, fed, last.buckets)

    def assemble(self) -> tuple[list[str], Rows, Floats, Before]:
        """Every term (in dictionary order), every row, each field's length, and what the last build
        made of the terms. The rows of the documents taken are the last build's, renumbered, with
        the tiers they had if their document kept its number; the tokenizer's are merged in, those
        of a document that is as it was, under the same number, with its tiers too (another item
        of an edited meeting: the group is tokenized whole)."""
        last, old = self.last, self.last.rows
        now = np.full(last.documents, -1, dtype=np.int32)  # where each document of the last build is now
        for before, after, count in self.moved:
            now[before:before + count] = np.arange(after, after + count, dtype=np.int32)
        documents = now[old.documents]
        taken = documents >= 0
        still = np.zeros(len(last.names), dtype=bool)
        still[old.terms[taken]] = True

        new_names, new, new_lengths = self.tokenizer.rows()
        tokenized = np.frombuffer(self.tokenized, dtype=np.intc).astype(np.int32)
        lengths = np.zeros((self.tokenizer.field_count, self.documents))
        if self.moved:
            lengths[:, now[now >= 0]] = last.lengths[:, now >= 0]
        lengths[:, tokenized] = new_lengths
        new.documents = tokenized[new.documents]
        as_before = _as_before(old, last.names, new, new_names, tokenized, now, lengths, last.lengths)
        new.tiers[as_before.new_rows] = old.tiers[as_before.old_rows]
        stayed = documents == old.documents
        touched = np.zeros(len(last.names), dtype=bool)
        touched[old.terms[~stayed]] = True  # a row gone or moved: the term is ranked again
        stayed[as_before.old_rows] = True

        kept_names = [name for name, here in zip(last.names, still.tolist(), strict=True) if here]
        names: list[str] = []
        for name in heapq.merge(kept_names, new_names, key=dictionary_order):
            if not names or names[-1] != name:
                names.append(name)
        where = {name: n for n, name in enumerate(names)}
        old_place = np.array([where.get(name, -1) for name in last.names], dtype=np.int32)
        new_place = np.array([where[name] for name in new_names], dtype=np.int32)
        new.terms = new_place[new.terms]  # one array at a time: at 10,000 meetings a fresh build's are 30 MB each
        rows = _merged(Rows(old_place[old.terms[taken]], documents[taken], old.fields[taken], old.counts[taken],
                            np.where(stayed, old.tiers, -1).astype(np.int8)[taken]),
                       new, self.documents, self.tokenizer.field_count)
        gone = old_place[old.terms[~stayed]].astype(np.int64) * PIECES + old.tiers[~stayed]
        entries: list[Entry | None] = [None] * len(names)
        for n, place in enumerate(old_place.tolist()):
            if place >= 0:
                entries[place] = last.entries[n]
        same = np.zeros(len(names), dtype=bool)
        same[old_place[still & ~touched]] = True
        same[new_place] = False  # a term of a tokenized document: its entry is made again (its bounds weigh boosts)
        self.last = State()
        return names, rows, lengths, Before(entries, same, gone[gone >= 0], last.typical, last.documents,
                                             last.buckets)


@dataclass(frozen=True)
class _AsBefore:
    """The rows of the documents tokenized again that are as they were, under the same number: where
    each is in the last build's rows and in the tokenizer's, in the same order."""

    old_rows: npt.NDArray[np.intp]
    new_rows: npt.NDArray[np.intp]


def _as_before(old: Rows, old_names: list[str], new: Rows, new_names: list[str], tokenized: npt.NDArray[np.int32],
               now: npt.NDArray[np.int32], lengths: Floats, last_lengths: Floats) -> _AsBefore:
    """Which of the tokenizer's rows (``new``: its terms numbered by ``new_names``, its documents as
    now) are a document's, of those ``tokenized``, that the last build had under the same number
    and did not take, with the same field lengths and rows."""
    again = tokenized[tokenized < len(now)]
    again = again[now[again] < 0]  # the number was a document's not taken
    if not len(again):  # a fresh build, or none
        return _AsBefore(np.empty(0, np.intp), np.empty(0, np.intp))
    numbered = {name: n for n, name in enumerate(old_names)}
    new_terms = np.array([numbered.get(name, -1) for name in new_names], dtype=np.int32)[new.terms]  # -1: new
    again = again[(lengths[:, again] == last_lengths[:, again]).all(axis=0)]
    candidate = np.zeros(max(len(now), lengths.shape[1]), dtype=bool)
    candidate[again] = True
    old_rows = np.flatnonzero(candidate[old.documents] & (now[old.documents] < 0))
    new_rows = np.flatnonzero(candidate[new.documents])
    # both by document, term and field: a document with as many rows on each side is then compared row by row
    old_rows = old_rows[np.lexsort((old.fields[old_rows], old.terms[old_rows], old.documents[old_rows]))]
    new_rows = new_rows[np.lexsort((new.fields[new_rows], new_terms[new_rows], new.documents[new_rows]))]
    alike = candidate & (np.bincount(old.documents[old_rows], minlength=len(candidate))
                         == np.bincount(new.documents[new_rows], minlength=len(candidate)))
    old_rows, new_rows = old_rows[alike[old.documents[old_rows]]], new_rows[alike[new.documents[new_rows]]]
    differ = ((old.terms[old_rows] != new_terms[new_rows]) | (old.fields[old_rows] != new.fields[new_rows])
              | (old.counts[old_rows] != new.counts[new_rows]))
    alike[new.documents[new_rows[differ]]] = False
    return _AsBefore(old_rows[alike[old.documents[old_rows]]], new_rows[alike[new.documents[new_rows]]])


def _merged(kept: Rows, new: Rows, documents: int, field_count: int) -> Rows:
    """Two sets of rows, each by term, document and field and none in both, as one in that order: the
    few new rows are put in place, not the millions sorted again."""
    def key(rows: Rows) -> np.ndarray:
        return (rows.terms.astype(np.int64) * documents + rows.documents) * field_count + rows.fields

    if not len(kept.terms):  # a fresh build
        return new
    keys = key(kept)
    if len(keys) > 1 and not bool((keys[1:] > keys[:-1]).all()):  # meetings taken in another order than before
        order = np.argsort(keys, kind="stable")
        kept = Rows(*(column[order] for column in _columns(kept)))
        keys = keys[order]
    at = np.searchsorted(keys, key(new))
    return Rows(*(np.insert(old, at, added) for old, added in zip(_columns(kept), _columns(new), strict=True)))


def _columns(rows: Rows) -> tuple[np.ndarray, ...]:
    return rows.terms, rows.documents, rows.fields, rows.counts, rows.tiers
