"""The search index's term dictionary and postings: what lunr.js weighs, ranked and cut into files.

Every field of every document goes through lunr.js's tokenizer and pipeline into flat
numpy arrays of term ids, then one row per (term, field of a document), never a Python
object per token or row: an archive of 10,000 meetings has some 14 million tokens and 7
million rows. Ranks and tiers are then worked out a block of terms at a time, in
dictionary order, and each file is handed on as soon as it is finished, so memory holds one
block's arrays, never every posting's numbers or every file together.

A posting holds what lunr.js's BM25 weight is made of that belongs to its own document:
how often the term is in each field and how long that field is. The figures that belong
to the whole archive (each term's idf, each field's average length) are in the dictionary
and the manifest, and the browser weighs postings as lunr.Builder does. So editing one
meeting changes only the files of the words it has, not every file whose weights an average
moved by a millionth: a host is sent those alone. And a rebuild need rank again only those
words: the others' entries are taken as the last build made them (see searchstate.py), bounds
and all, as long as the averages round as they did (see Ranking).
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .lunrjs import term_of

K1 = 1.2
B = 0.75
"""lunr's BM25 parameters (lunr.Builder's defaults)."""
TIERS = (128, 1024, 8192)
"""A term's postings by rank: the best 128 come with the dictionary, then up to 1,024,
8,192 and the rest, each its own file. A rare word is answered by one request; a word
in every meeting costs a few kB until the top results are certain."""
BUCKET_BYTES = 6000
"""Dictionary files are about this size: a query pays for its own words' bucket, and the
manifest lists one boundary per bucket."""
BUCKET_CUT = 24
"""A bucket at least half BUCKET_BYTES ends after a term whose CRC-32 is a multiple of this (at
twice BUCKET_BYTES, after any term): where buckets end depends on the terms, not on the sizes
of every entry before them, so a longer entry moves at most the end of its own bucket."""
PIECES = len(TIERS) + 1
"""A term's postings come in at most this many pieces: the dictionary's own, then a file a tier."""
BLOCK = 1 << 18
"""Rows weighed at a time: their arrays take some 60 MB."""

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


Put = Callable[[str, bytes], object]
"""Takes one finished file: its path (t/<n>.json, p/<digest>.json) and its JSON text."""
Reuse = Callable[[str, str], bool]
"""Takes a file known by its path and SHA-256 from the live site: False if the live site has no such file."""


class Later(NamedTuple):
    """One of a term's further tiers, as its dictionary entry names it."""

    digest: str
    """The SHA-256 of its file's bytes."""
    corners: bytes
    """JSON: per field and document boost, the (frequency, length) corners of this tier and those after it
    (see Tiers.corners), flat: field, frequency, length, boost, field, ..."""
    best: int
    """The most a posting in this tier weighs in total, idf left out (the browser multiplies by it), x 1000 and
    rounded up, weighed with the highest averages that round to the typical ones (Ranking.upper): so it
    bounds the exact weights while the typical averages stay, and stays with them."""

    @property
    def name(self) -> str:
        """The file is p/<name>.json."""
        return self.digest[:16]


class Entry(NamedTuple):
    """A term's dictionary entry but for its idf: what a rebuild keeps while the term's rows are the same."""

    head: bytes
    """Its best postings (tier 0), as numbers each followed by a comma, the last comma left out."""
    later: tuple[Later, ...]


class Bucket(NamedTuple):
    """A dictionary file: a rebuild whose terms from ``first`` to ``last`` are the same, with the same
    entries, has the same file (if it is the last file in both, or in neither)."""

    first: str
    last: str
    terms: int
    digest: str
    """The SHA-256 of its bytes."""
    final: bool
    """Whether it is the dictionary's last: it ended with the terms, not where BUCKET_CUT says."""


@dataclass
class Before:
    """What the last build made of this build's terms: a rebuild takes from it what has not changed
    (searchstate.Assembly works it out)."""

    entries: list[Entry | None]
    """By term, its entry in the last build (None for a term new to this one)."""
    same: npt.NDArray[np.bool_]
    """By term, whether its rows are all as they were: its entry may then be used whole."""
    gone: Ints
    """term * PIECES + tier of each piece of the last build that lost a posting: its document
    changed, went, or was numbered anew."""
    typical: list[float]
    """The averages its postings were ranked with."""
    documents: int
    """How many documents it had: with the same rows, a term's idf is the same if this is."""
    buckets: list[Bucket]
    """Its dictionary's files."""


@dataclass
class Dictionary:
    bucket_starts: list[str] = field(default_factory=list)
    """Where each bucket starts, as the manifest lists them."""
    averages: list[float] = field(default_factory=list)
    """Per field, its average length as lunr.js weighs it: the manifest carries it to the browser."""
    typical: list[float] = field(default_factory=list)
    """The averages the postings were ranked with (see Ranking)."""
    entries: list[Entry] = field(default_factory=list)
    """Every term's entry, in dictionary order."""
    buckets: list[Bucket] = field(default_factory=list)
    """Each file, in order: what the next build may take as it is."""


def dictionary(fields: Sequence[Sequence[str]], document_boosts: Sequence[float], field_boosts: Sequence[float],
               put: Put) -> Dictionary:
    """lunr.js's field vectors for every document (its fields in ``fields``), as ranked
    postings in dictionary files, each given to ``put`` once written."""
    tokenizer = Tokenizer(len(field_boosts))
    for texts in fields:
        tokenizer.add(texts)
    names, rows, lengths = tokenizer.rows()
    return postings(names, rows, lengths, document_boosts, field_boosts, put)


def postings(names: list[str], rows: Rows, lengths: Floats, document_boosts: Sequence[float],
             field_boosts: Sequence[float], put: Put, *, before: Before | None = None,
             reuse: Reuse | None = None) -> Dictionary:
    """The dictionary files of the terms ``names`` (in dictionary order) with their ``rows``.

    In a rebuild, ``before`` says what the last build made of each term. The entry of a term whose
    rows have not changed is used whole (its idf is written afresh) if the typical averages are
    still the last build's and ``reuse`` finds the files of its further tiers in the live site.
    Every other term is ranked afresh, but of its pieces (its best postings, its further tiers)
    only those whose postings changed are written again: an edit to one meeting moves its own
    postings, and seldom any other across a tier's edge. Each row's tier is noted in
    ``rows.tiers``; the result has every term's entry, for the next build.
    """
    documents = lengths.shape[1]
    average = lengths.sum(axis=1) / max(documents, 1)
    average = np.where(average > 0, average, 1)
    with_term = np.bincount(rows.terms, minlength=len(names)).astype(np.float64)
    idf = np.log(1 + np.abs((documents - with_term + 0.5) / (with_term + 0.5)))  # lunr.idf
    ranking = Ranking(lengths, average, np.array(field_boosts, dtype=np.float64),
                      np.array(document_boosts, dtype=np.float64))
    typical = ranking.typical.tolist()
    last: list[Entry | None] = [None] * len(names) if before is None else before.entries
    entries: list[Entry | None] = [None] * len(names)
    if before is not None and typical == before.typical:
        entries = [entry if same else None for entry, same in zip(last, before.same.tolist(), strict=True)]
    named: set[str] = set()

    def linked(later: Later) -> bool:
        """Whether a further tier's file is in this build's folder: put or linked already, or linked
        now from the live site."""
        if later.name in named:
            return True
        if reuse is None or not reuse(f"p/{later.name}.json", later.digest):
            return False
        named.add(later.name)
        return True

    for n, entry in enumerate(entries):  # a kept entry's further tiers are linked from the live site
        if entry is not None and not all(map(linked, entry.later)):
            entries[n] = None  # ranked again: the same files, made afresh
    gone = np.zeros(len(names) * PIECES, dtype=bool)
    if before is not None:
        gone[before.gone] = True

    def have(term: int, tier: int) -> bool:
        """Whether the last build's piece of a term with the same postings can be used: it lost
        none, and (for a further tier) its file is in the live site."""
        entry = last[term]
        if entry is None or gone[term * PIECES + tier] or tier > len(entry.later):
            return False
        return tier == 0 or linked(entry.later[tier - 1])

    # the rows of the terms ranked afresh (in a fresh build, all), a block of whole terms at a time
    fresh = np.array([entry is None for entry in entries], dtype=bool)
    made = None if fresh.all() else np.flatnonzero(fresh[rows.terms])
    terms = rows.terms if made is None else rows.terms[made]
    term_ends = np.r_[np.flatnonzero(np.diff(terms)) + 1, len(terms)]
    start = 0
    while start < len(terms):
        after = int(np.searchsorted(term_ends, start, side="right"))  # the first term's end
        end = int(term_ends[max(int(np.searchsorted(term_ends, start + BLOCK, side="right")) - 1, after)])
        block = slice(start, end) if made is None else made[start:end]
        tiers = ranking.tiers(rows.terms[block].astype(np.int64), rows.documents[block].astype(np.int64),
                              rows.fields[block].astype(np.int64), rows.counts[block],
                              before=None if before is None else rows.tiers[block], have=have)
        rows.tiers[block] = tiers.rows
        for n, entry in _entries(tiers, put, named, last):
            entries[n] = entry
        start = end

    writer = Writer(put)
    weights = idf.tolist()
    as_was = [False] * len(names) if before is None or before.documents != documents else [
        entry is was or entry == was for entry, was in zip(entries, last, strict=True)]  # and so the same rows and idf
    buckets = {} if before is None else {bucket.first: bucket for bucket in before.buckets}
    n = 0
    while n < len(names):
        bucket = buckets.get(names[n]) if writer.starting() else None
        if (bucket is not None and names[n + bucket.terms - 1:n + bucket.terms] == [bucket.last]
                and bucket.final == (n + bucket.terms == len(names))
                and all(as_was[n:n + bucket.terms]) and writer.reuse(bucket, reuse)):
            n += bucket.terms
            continue
        entry = entries[n]
        assert entry is not None
        writer.write(names[n], weights[n], entry)
        n += 1
    written = writer.finish()
    written.averages = average.tolist()
    written.typical = typical
    written.entries = entries  # type: ignore[assignment]  # every one made by now
    return written


# --- the rows ---------------------------------------------------------------------------


class Vocabulary(dict[str, int]):
    """A lower-cased token's term id, or -1 when lunr.js indexes nothing for it; terms
    are numbered as first met, document by document and field by field."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: dict[str, int] = {}

    def __missing__(self, token: str) -> int:
        term = term_of(token)
        term_id = -1 if term is None else self.terms.setdefault(term, len(self.terms))
        self[token] = term_id
        return term_id


@dataclass
class Rows:
    """One row per (term, field of a document) with how often the term is in it, by term, document
    and field."""

    terms: npt.NDArray[np.int32]
    """The term's place in dictionary order."""
    documents: npt.NDArray[np.int32]
    fields: npt.NDArray[np.int8]
    counts: npt.NDArray[np.int32]
    tiers: npt.NDArray[np.int8]
    """The tier the row's posting is in (0 for the dictionary's own), once ranked."""


def no_rows() -> Rows:
    return Rows(np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0, np.int8), np.empty(0, np.int32),
                np.empty(0, np.int8))


def dictionary_order(term: str) -> bytes:
    """Sorts terms as JavaScript compares strings (by UTF-16 code unit), as the browser looks them up."""
    return term.encode("utf-16-be")


class Tokenizer:
    """lunr.js's tokenizer and pipeline over the fields of each document as it comes.

    Only flat arrays of term ids are kept, so a document's text can be let go as soon as it is
    tokenized. lunr.tokenizer splits the lower-cased text at runs of whitespace and hyphens (the
    BOM counts as whitespace); str.split's whitespace is the regular expression \\s, so replacing
    both and splitting is the same split, several times faster.
    """

    def __init__(self, field_count: int) -> None:
        self.field_count = field_count
        self.vocabulary = Vocabulary()
        self.documents = 0
        self.terms, self.sizes, self.slots = array("i"), array("i"), array("q")

    def add(self, texts: Sequence[str]) -> None:
        """The next document's fields, in order."""
        lookup = self.vocabulary.__getitem__
        for field_id, text in enumerate(texts):
            if text:
                found = list(map(lookup, text.lower().replace("-", " ").replace("\ufeff", " ").split()))
                self.terms.fromlist(found)
                self.sizes.append(len(found))
                self.slots.append(self.documents * self.field_count + field_id)
        self.documents += 1

    def rows(self) -> tuple[list[str], Rows, Floats]:
        """Every term met (in dictionary order), the rows of the documents given (numbered as given),
        and each field's length in them ([field, document], as lunr counts it). The tokenizer is
        used up, one array at a time, so that only one is held twice."""
        terms = np.frombuffer(self.terms, dtype=np.intc)
        known = terms >= 0  # stop words and punctuation have no term
        segments = np.repeat(np.arange(len(self.sizes), dtype=np.int32), np.frombuffer(self.sizes, dtype=np.intc))
        term_ids, segments = terms[known], segments[known]
        del terms, known
        self.terms, self.sizes = array("i"), array("i")
        where = np.frombuffer(self.slots, dtype=np.int64)
        lengths = np.zeros(self.field_count * self.documents, dtype=np.float64)
        lengths[where] = np.bincount(segments, minlength=len(where))  # each field has its own segment
        lengths = np.ascontiguousarray(lengths.reshape(self.documents, self.field_count).T)

        by_id = self.vocabulary.terms
        names = sorted(by_id, key=dictionary_order)
        position = np.empty(len(names), dtype=np.int32)
        position[[by_id[name] for name in names]] = np.arange(len(names), dtype=np.int32)
        self.vocabulary = Vocabulary()  # every spelling met: a hundred megabytes at 10,000 meetings
        # one sort of (term, segment) packed into 64 bits: at 10,000 meetings, with a stable argsort by
        # term of the 20 million tokens (over 2**16 terms: a merge sort) and its gathers, this took 3.1-4.0 s
        # instead of 1.1-1.9 s
        pairs = position[term_ids].astype(np.int64) << 32 | segments
        del term_ids, segments
        pairs.sort()
        first = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]][:len(pairs)])
        counts = np.diff(np.r_[first, len(pairs)]).astype(np.int32)
        pairs = pairs[first]
        segments = (pairs & 0xFFFFFFFF).astype(np.int32)
        rows = Rows((pairs >> 32).astype(np.int32), (where // self.field_count).astype(np.int32)[segments],
                    (where % self.field_count).astype(np.int8)[segments], counts, np.full(len(first), -1, dtype=np.int8))
        return names, rows, lengths


# --- ranks and tiers --------------------------------------------------------------------


@dataclass
class Tiers:
    """A block of terms' postings, each tier as a piece of ``text``."""

    text: bytes
    """Every piece's numbers, each followed by a comma: per posting in document order, the gap
    from the document before, the field mask, then for each field in the mask how often the
    term is in it and the field's length."""
    term: Ints
    tier: Ints
    start: Ints
    end: Ints
    """Where in ``text`` each piece is, trailing comma excluded; -1 for a piece the last build made the same."""
    best: Ints
    """The most a posting of a piece weighs in total (see Later.best)."""
    corners: Ints
    """Rows of [term, tier, field, boost, frequency, length], by term and tier: for the postings
    of each later tier, per field and document boost, those no other beats on both frequency
    (higher) and length (shorter). A weight rises with the one and falls with the other, so the
    browser finds the most a tier can add to a field among these."""
    boosts: Floats
    """The document boosts ``corners`` number."""
    rows: npt.NDArray[np.int8]
    """The tier of each row's posting."""


@dataclass
class Ranking:
    """Which postings of a term come first: by lunr's BM25 weight without the term's idf (the
    same for all its postings), with each field's average length rounded to two figures. So a
    term's tiers hold the same documents however the rest of the archive changes, unless its
    own postings do (or an average passes a rounding boundary); the browser weighs each with
    the exact figures, so only how soon it is certain of the top results depends on this order."""

    lengths: Floats
    """[field, document]: how many terms each field has, as lunr counts its length."""
    average: Floats
    """Per field, its average length (1 if 0)."""
    field_boosts: Floats
    document_boosts: Floats

    def __post_init__(self) -> None:
        self.typical = np.array([float(f"{a:.2g}") for a in self.average])
        self.upper = np.array([_upper(t) for t in self.typical])
        """Per field, the highest average that rounds to its typical one: a weight rises with the average,
        so a tier's bound weighed with these holds for every archive with the same typical averages."""
        values, ids = np.unique(self.document_boosts, return_inverse=True)
        self.boost_values: Floats = values
        """The document boosts there are ..."""
        self.boost_ids: Ints = ids.reshape(-1)
        """... and which each document has."""

    def tiers(self, terms: Ints, docs: Ints, fields: Ints, counts: npt.NDArray[np.int32], *,
              before: npt.NDArray[np.int8] | None = None, have: Callable[[int, int], bool] | None = None) -> Tiers:
        """A block of rows (by term, document and field) as tiers of postings.

        ``before`` has each row's tier in the last build (-1 for a row it did not have in this
        place). A piece whose postings are all the last build's of the same piece is offered to
        ``have(term, tier)``: if it can give that piece, its text is not made again."""
        tf, lengths = counts.astype(np.float64), self.lengths[fields, docs]
        field_boosts, boosts = self.field_boosts[fields], self.document_boosts[docs]
        # the order of a term's postings: its weight, but for idf (1.0 * x is x) and the exact average
        impact = _bm25(np.float64(1), tf, lengths, self.typical[fields], field_boosts, boosts)

        # one posting per (term, document): fields in order, then ranked by total
        first = _posting_starts(terms, docs)
        p_most = np.add.reduceat(_weights(np.float64(1), tf, lengths, self.upper[fields], field_boosts, boosts), first)
        p_term, p_doc = terms[first], docs[first]
        p_impact = np.add.reduceat(impact, first)
        p_mask = np.bitwise_or.reduceat(np.left_shift(1, fields), first)
        p_count = np.diff(np.r_[first, len(terms)])

        # postings come by term and document: sorting stably on (term, -total) keeps ties in
        # document order. A block has fewer than 2**18 terms and totals are far below 2**40.
        local = p_term - p_term[0]
        span = int(p_impact.max()) + 1
        assert (int(local[-1]) + 1) * span < 1 << 62
        ranked = np.argsort(local * span + (span - 1 - p_impact), kind="stable")
        term_start = np.searchsorted(local[ranked], np.arange(local[-1] + 2))
        rank = np.empty(len(ranked), dtype=np.int64)
        rank[ranked] = np.arange(len(ranked)) - term_start[local[ranked]]
        tier = np.searchsorted(np.array(TIERS), rank, side="right")
        del ranked, term_start, rank
        row_tiers = np.repeat(tier, p_count)
        corners = _corners(terms, row_tiers, fields, self.boost_ids[docs], counts, lengths)

        # every tier's postings in document order, as one flat list of numbers, but for the pieces had
        by_tier = np.argsort(local * PIECES + tier, kind="stable")
        t_term, t_tier = p_term[by_tier], tier[by_tier]
        starts = np.flatnonzero(np.r_[True, (t_term[1:] != t_term[:-1]) | (t_tier[1:] != t_tier[:-1])])
        had = self._had(terms, row_tiers, before, t_term[starts], t_tier[starts], have)
        sizes = np.diff(np.r_[starts, len(by_tier)])
        written = by_tier[np.repeat(~had, sizes)]
        w_starts = np.cumsum(np.r_[0, sizes[~had]])[:-1]
        t_doc = p_doc[written]
        gap = np.diff(np.r_[0, t_doc])
        gap[w_starts] = t_doc[w_starts]
        counted = p_count[written]
        width = 2 + 2 * counted
        out_start = np.r_[0, np.cumsum(width)[:-1]]
        flat = np.empty(int(width.sum()), dtype=np.int64)
        flat[out_start] = gap
        flat[out_start + 1] = p_mask[written]
        nth = np.arange(int(counted.sum())) - np.repeat(np.r_[0, np.cumsum(counted)[:-1]], counted)
        row = np.repeat(first[written], counted) + nth
        at = np.repeat(out_start + 2, counted) + 2 * nth
        flat[at] = counts[row]
        flat[at + 1] = lengths[row]
        del gap, nth, row, at
        text, offsets = decimal(flat)
        ends = np.r_[out_start, len(flat)][np.r_[w_starts[1:], len(written)]]
        piece_start, piece_end = np.full(len(starts), -1, dtype=np.int64), np.full(len(starts), -1, dtype=np.int64)
        piece_start[~had], piece_end[~had] = offsets[out_start[w_starts]], offsets[ends] - 1
        most = np.ceil(np.maximum.reduceat(p_most[by_tier], starts) * 1000).astype(np.int64)
        return Tiers(text, t_term[starts], t_tier[starts], piece_start, piece_end,
                     most, corners, self.boost_values, row_tiers.astype(np.int8))

    @staticmethod
    def _had(terms: Ints, row_tiers: Ints, before: npt.NDArray[np.int8] | None, piece_terms: Ints,
             piece_tiers: Ints, have: Callable[[int, int], bool] | None) -> npt.NDArray[np.bool_]:
        """Which pieces ``have`` gives as the last build made them, of those that no row joined or left."""
        had = np.zeros(len(piece_terms), dtype=bool)
        if before is None or have is None:
            return had
        local = terms - terms[0]
        moved = before != row_tiers  # a row new here (-1), or in another tier than before
        touched = np.zeros((int(local[-1]) + 1) * PIECES, dtype=bool)
        touched[local[moved] * PIECES + row_tiers[moved]] = True
        left = moved & (before >= 0)
        touched[local[left] * PIECES + before[left]] = True
        for n in np.flatnonzero(~touched[(piece_terms - terms[0]) * PIECES + piece_tiers]).tolist():
            had[n] = have(int(piece_terms[n]), int(piece_tiers[n]))
        return had


def _upper(typical: float) -> float:
    """The highest number that rounds to ``typical`` at two significant figures (a shade over, for floats)."""
    half = 0.5 * 10.0 ** (math.floor(math.log10(typical)) - 1)
    return (typical + half) * (1 + 1e-9)


def _posting_starts(terms: Ints, docs: Ints) -> Ints:
    """Where each posting (term and document) starts in rows by term, document and field."""
    return np.flatnonzero(np.r_[True, (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])])


def _bm25(idf: Floats | np.float64, tf: Floats, lengths: Floats, average: Floats, field_boosts: Floats,
          boosts: Floats) -> Ints:
    """lunr.Builder.createFieldVectors' weight of each row x 1000, rounded to an integer as lunr.py
    rounds (half to even)."""
    return np.rint(_weights(idf, tf, lengths, average, field_boosts, boosts) * 1000).astype(np.int64)


def _weights(idf: Floats | np.float64, tf: Floats, lengths: Floats, average: Floats, field_boosts: Floats,
             boosts: Floats) -> Floats:
    """lunr.Builder.createFieldVectors' weight of each row, in its order of operations."""
    return idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (lengths / average)) + tf) * field_boosts * boosts


def _corners(terms: Ints, tiers: Ints, fields: Ints, boosts: Ints, counts: npt.NDArray[np.int32],
             lengths: Floats) -> Ints:
    """See Tiers.corners (``boosts`` numbers each row's document boost): rows of later tiers sorted
    by group, then frequency (highest first) and length; a row is kept if shorter than every row
    before it in its group."""
    later = np.flatnonzero(tiers > 0)
    if not len(later):
        return np.empty((0, 6), dtype=np.int64)
    columns = [terms[later] - terms[0], tiers[later], fields[later], boosts[later]]
    frequency = counts[later].astype(np.int64)
    length = lengths[later].astype(np.int64)
    columns += [int(frequency.max()) - frequency, length]
    # one sort on the columns packed into one number, when they fit in 63 bits (they always do
    # at 10,000 meetings: 41 bits); lexsort's six sorts took seconds
    widths = [int(column.max()).bit_length() for column in columns]
    if sum(widths) <= 63:
        packed = np.zeros(len(later), dtype=np.int64)
        for column, width in zip(columns, widths, strict=True):
            packed = (packed << width) | column
        order = np.argsort(packed, kind="stable")
    else:
        order = np.lexsort(columns[::-1])
    group = np.stack(columns[:4])[:, order]
    length = length[order]
    number = np.cumsum(np.r_[True, (group[:, 1:] != group[:, :-1]).any(axis=0)]) - 1
    shifted = length - number * (int(length.max()) + 1)  # each group below the one before
    keep = shifted < np.r_[np.iinfo(np.int64).max, np.minimum.accumulate(shifted)[:-1]]
    group[0] += terms[0]
    return np.concatenate([group[:, keep], frequency[order][keep][None], length[keep][None]]).T


def decimal(values: Ints) -> tuple[bytes, Ints]:
    """Non-negative numbers in decimal, each followed by a comma, and where each starts
    (the end last): str() of millions of numbers without making an object for each."""
    digits = np.ones(len(values), dtype=np.int64)
    power = 10
    while len(values) and power <= values.max():
        digits += values >= power
        power *= 10
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(digits + 1, out=offsets[1:])
    text = np.full(int(offsets[-1]), ord(","), dtype=np.uint8)
    left, at = values.copy(), offsets[:-1] + digits - 1
    while len(left):  # last digits first
        text[at] = ord("0") + left % 10
        left //= 10
        more = left > 0
        left, at = left[more], at[more] - 1
    return text.tobytes(), offsets


# --- the files --------------------------------------------------------------------------


def _entries(tiers: Tiers, put: Put, named: set[str], last: Sequence[Entry | None]) -> Iterator[tuple[int, Entry]]:
    """The entry of each term in a block of tiers, its further tiers put as files (unless ``named``
    says a file of the same name, and so the same bytes, has been put already). A piece with no
    text is the one in the term's ``last`` entry."""
    boosts = [int(b) if float(b).is_integer() else float(b) for b in tiers.boosts.tolist()]
    terms = tiers.term
    firsts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]])
    pieces = np.r_[firsts, len(terms)].tolist()
    corner_at: list[int] = np.searchsorted(tiers.corners[:, 0], np.append(terms[firsts], terms[-1] + 1)).tolist()
    tier, piece_start, piece_end = tiers.tier.tolist(), tiers.start.tolist(), tiers.end.tolist()
    best = tiers.best.tolist()
    text = tiers.text

    def last_entry(term: int) -> Entry:
        entry = last[term]
        assert entry is not None  # a piece is had only from an entry
        return entry

    for n, term in enumerate(terms[firsts].tolist()):
        first, end = pieces[n], pieces[n + 1]
        later: list[Later] = []
        if end - first > 1:
            corners = tiers.corners[corner_at[n]:corner_at[n + 1], 1:].tolist()
            suffix: list[tuple[int, int, int, int]] = []
            for piece in range(end - 1, first, -1):  # the corners of this tier and every one after it
                if piece_start[piece] < 0:
                    digest = last_entry(term).later[tier[piece] - 1].digest
                else:
                    body = b"[" + text[piece_start[piece]:piece_end[piece]] + b"]"
                    digest = hashlib.sha256(body).hexdigest()
                    if digest[:16] not in named:
                        named.add(digest[:16])
                        put(f"p/{digest[:16]}.json", body)
                suffix = _frontier(suffix + [(f, b, tf, length) for t, f, b, tf, length in corners if t == tier[piece]])
                flat = [x for f, b, tf, length in suffix for x in (f, tf, length, boosts[b])]
                later.append(Later(digest, _dumps(flat).encode(), best[piece]))
            later.reverse()
        head = last_entry(term).head if piece_start[first] < 0 else text[piece_start[first]:piece_end[first]]
        yield term, Entry(head, tuple(later))


class Writer:
    """Dictionary entries as JSON, cut into buckets in dictionary order."""

    def __init__(self, put: Put) -> None:
        self.put = put
        self.out = Dictionary()
        self.bucket: list[bytes] = []
        self.size = 0
        self.first = self.previous = ""

    def write(self, term: str, idf: float, entry: Entry) -> None:
        """[term, idf, tier 0 postings, [[file, most x 1000, [field, frequency, length, boost, ...]], ...]], each
        tier's most (Later.best) the most of its own and those after it."""
        later = []
        most = 0
        for tier in reversed(entry.later):
            most = max(most, tier.best)
            later.append(b'["%s",%d,%s]' % (tier.name.encode(), most, tier.corners))
        name_json = encode_basestring(term)  # json.dumps's own for a string, without its setup: 128,744 terms
        encoded = name_json.encode()
        line = b"[%s,%s,[%s],[%s]]" % (encoded, repr(idf).encode(),  # repr: JSON's float, faster
                                       entry.head, b",".join(reversed(later)))
        self.add(term, line, len(line) - len(encoded) + len(name_json))

    def add(self, term: str, entry: bytes, characters: int) -> None:
        """Buckets of about BUCKET_BYTES characters, ended where BUCKET_CUT says; the manifest lists
        where each starts."""
        if not self.bucket:
            self._start(term)
        self.previous = term
        self.bucket.append(entry)
        self.size += characters
        if self.size >= 2 * BUCKET_BYTES or (
                self.size >= BUCKET_BYTES // 2 and zlib.crc32(term.encode()) % BUCKET_CUT == 0):
            self.flush()

    def starting(self) -> bool:
        """Whether the next term starts a bucket."""
        return not self.bucket

    def reuse(self, bucket: Bucket, reuse: Reuse | None) -> bool:
        """The next bucket as the last build wrote it, if ``reuse`` finds its file in the live site."""
        if reuse is None or not reuse(f"t/{len(self.out.bucket_starts)}.json", bucket.digest):
            return False
        self._start(bucket.first)
        self.previous = bucket.last
        self.out.buckets.append(bucket)
        return True

    def _start(self, term: str) -> None:
        self.out.bucket_starts.append(boundary(self.previous, term) if self.out.bucket_starts else "")
        self.first = term

    def flush(self, *, final: bool = False) -> None:
        if self.bucket:
            body = b"[" + b",".join(self.bucket) + b"]"
            self.put(f"t/{len(self.out.bucket_starts) - 1}.json", body)
            self.out.buckets.append(Bucket(self.first, self.previous, len(self.bucket),
                                           hashlib.sha256(body).hexdigest(), final))
            self.bucket, self.size = [], 0

    def finish(self) -> Dictionary:
        self.flush(final=True)
        return self.out


def _frontier(points: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """(field, boost, frequency, length) points that no other of their field and boost beats on
    both frequency and length: see Tiers.corners."""
    shortest: dict[tuple[int, int], int] = {}
    kept = []
    for point in sorted(points, key=lambda p: (p[0], p[1], -p[2], p[3])):
        if point[3] < shortest.get(point[:2], 1 << 62):
            shortest[point[:2]] = point[3]
            kept.append(point)
    return kept


def boundary(before: str, first: str) -> str:
    """The shortest start of ``first`` that sorts after ``before``: all the browser needs to
    find the bucket, in JavaScript's string order."""
    for end in range(1, len(first) + 1):
        if first[:end].encode("utf-16-be") > before.encode("utf-16-be"):
            return first[:end]
    return first


def _dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
