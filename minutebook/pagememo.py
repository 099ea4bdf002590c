"""Pages a rebuild can take from the live site as they are, because nothing they show has changed.

A page is a function of three things: what every page shares (the code, the templates, the settings,
the asset URLs), the values its job gives it (a meeting, a person and their record), and the
archive's records its template looks up through ``site`` (``site.people[id]``, ``site.meetings[id]``).
So a build notes, for each such page, a digest of its values and which records it read, and keeps
a digest of every record. The next build renders the page only when its values differ, or a record
it read has changed, or the live site no longer has the very file; otherwise it is linked from the
live site unrendered.

Records reach a page two ways, and both are noted:

- looked up through the site's ``Lookups`` (a page that lists every record of a kind, or looks
  for one that is not there, reads the whole kind: any change to it renders the page again);
- held in the page's values, where the values' digest names each record instead of copying it in
  and notes it as read.

Since a page reads only through these, the same values and records make the same template run the
same way: it reads the same records again and writes the same bytes (builds are deterministic).

Listings' pages (a topic's thread, the register of resolutions) are given entries and groups of
entries, dataclasses of records and their parts (a meeting's item, one of its resolutions): an entry
is named by its class and fields, a part by its meeting's name and its place there (the meeting
noted as read), and a group by a digest of its entries, worked out once for every page it is on. At
10,000 meetings naming every page's values costs about 1 s of a core, every build, against
rendering again all listings' pages (2-3 s of a rebuild's wall time). A page holding anything else
(a dict, an object of another kind) is rendered every build.

The memo is kept in the build cache like the other files there (buildcache): anything wrong with it
only means every page is rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import operator
import pickle
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import jinja2

from . import buildcache
from .model import Archive, Meeting

MEMO_FILE = "pages.pickle"
EVERY = "\0every"
"""The key that stands for a whole kind of record: which there are, and everything each holds."""
Key = tuple[str, str]
"""(kind, id): ("people", "jane-smith"); the kind is the Site field the record is looked up in."""
V = TypeVar("V")


class Reads:
    """Which records the page being rendered has read (by number), and which it looked for and did not
    find; noted while ``page`` is a set."""

    def __init__(self, numbers: dict[str, dict[str, int]]) -> None:
        self.numbers = numbers
        """kind -> id -> record number; EVERY stands for the whole kind."""
        self.page: set[int] | None = None
        self.absent: set[Key] = set()


class Lookups(Mapping[str, V]):
    """One kind of the site's records, by id, noting what the page being rendered looks up."""

    __slots__ = ("kind", "records", "reads", "numbers")

    def __init__(self, kind: str, records: dict[str, V], reads: Reads) -> None:
        self.kind = kind
        self.records = records
        self.reads = reads
        self.numbers = reads.numbers.get(kind, {})

    def __getitem__(self, key: str) -> V:
        try:
            value = self.records[key]
        except KeyError:
            if self.reads.page is not None:
                self.reads.absent.add((self.kind, key))  # it may be there next time
            raise
        if self.reads.page is not None:
            self.reads.page.add(self.numbers[key])
        return value

    def __iter__(self) -> Iterator[str]:
        self._every()
        return iter(self.records)

    def __len__(self) -> int:
        self._every()
        return len(self.records)

    def _every(self) -> None:
        if self.reads.page is not None:
            self.reads.page.add(self.numbers[EVERY])


@dataclass(frozen=True)
class Page:
    """What one page was made from, and what it came to."""

    values: bytes
    """Digest of its template's name and the values its job gave it."""
    reads: bytes
    """The records it read, by number in the memo's ``keys`` (``numbered``: a page at 10,000 meetings
    reads a few dozen to tens of thousands)."""
    absent: tuple[Key, ...]
    """The records it looked for and did not find."""
    output: str
    """SHA-256 of the page as published."""


@dataclass(frozen=True)
class Memo:
    """One build's pages, with the records they could read."""

    shared: bytes
    keys: tuple[Key, ...]
    digests: tuple[bytes, ...]
    """Each record's digest, in the order of ``keys``."""
    pages: dict[str, Page]


class Records:
    """This build's records, numbered, with their digests; and, from the last build's memo, which pages
    need not be rendered again.

    Made before pages are shared out to forked processes, which each use it for their own pages."""

    def __init__(self, shared: bytes, kinds: dict[str, dict[str, Any]], last: Memo | None,
                 meetings: Mapping[str, bytes]) -> None:
        """``meetings``: each meeting's digest by id (meeting_digests)."""
        self.shared = shared
        self.keys: list[Key] = []
        self.digests: list[bytes] = []
        self.held: dict[int, int] = {}
        """id() of each record object -> its number."""
        self.parts: dict[int, tuple[int, bytes]] = {}
        """id() of each item of a meeting record, and of each of their resolutions -> the meeting's number
        and the part's name."""
        self.grouped: dict[int, tuple[object, object, set[int]]] = {}
        """id() of each dataclass named so far (see _named) -> it, its name and the records it holds."""
        for kind, records in kinds.items():
            every = hashlib.blake2b(digest_size=16)
            for key, record in records.items():
                number = len(self.keys)
                if isinstance(record, Meeting):
                    digest = meetings[record.id]
                    self._parts_of(record, kind, key, number)
                else:
                    digest = _digest(record)
                every.update(b"%d:%s\0%s" % (len(key), key.encode(), digest))
                self.held[id(record)] = number
                self.keys.append((kind, key))
                self.digests.append(digest)
            self.keys.append((kind, EVERY))
            self.digests.append(every.digest())
        self.numbers = {key: n for n, key in enumerate(self.keys)}
        self.tokens = [_token(b"@", kind, key) for kind, key in self.keys]
        by_kind: dict[str, dict[str, int]] = {kind: {} for kind in kinds}
        for (kind, key), number in self.numbers.items():
            by_kind[kind][key] = number
        self.reads = Reads(by_kind)
        self.last = last if last is not None and last.shared == shared else None
        self._changed = b""
        self._renumbered = False
        """Whether a record's number differs from the last build's (a record came or went)."""
        if self.last is not None:
            now = dict(zip(self.keys, self.digests, strict=True))
            self._changed = bytes(now.get(key) != digest for key, digest in zip(self.last.keys, self.last.digests,
                                                                                 strict=True))
            self._renumbered = self.last.keys != tuple(self.keys)

    def _parts_of(self, meeting: Meeting, kind: str, key: str, number: int) -> None:
        """Each item and resolution named by its meeting's name and its place there: 200,000 names at
        10,000 meetings, so each is the meeting's name, already made, with its place after it."""
        meeting_name = b"#" + _token(b"@", kind, key)
        for position, item in enumerate(meeting.items):
            self.parts[id(item)] = (number, b"%s#%d" % (meeting_name, position))
            for place, resolution in enumerate(item.resolutions):
                self.parts[id(resolution)] = (number, b"%s#%d.%d" % (meeting_name, position, place))

    def values_digest(self, template: str, values: dict[str, object]) -> tuple[bytes, set[int]] | None:
        """A digest of a page's template name and values, and the records its values hold; None when
        they hold anything but records, their parts, plain values, and lists and dataclasses of them
        (see the module's docstring)."""
        held: set[int] = set()
        named = [(name, self._named(value, held)) for name, value in sorted(values.items())]
        if any(value is _OTHER for _, value in named):  # rendered every build
            return None
        return hashlib.blake2b(repr((template, named)).encode(), digest_size=16).digest(), held

    def _named(self, value: object, held: set[int]) -> object:
        """``value`` as it goes into a values digest, where bytes (which no plain value is) stand for more:
        a record by its name (noted in ``held``), an item or resolution of a meeting record by the
        meeting's name and its place there (the meeting noted), any other dataclass (a listing's entry or
        group) by its class and its fields named the same way (what they hold noted), and one holding a
        list or tuple by a digest of that; a plain value as it is, a list or tuple item by item; _OTHER
        for anything else."""
        number = self.held.get(id(value))
        if number is not None:
            held.add(number)
            return self.tokens[number]
        cls = type(value)
        if cls in _PLAIN:
            return value
        part = self.parts.get(id(value))
        if part is not None:
            held.add(part[0])
            return part[1]
        if cls is list or cls is tuple:  # not their subclasses, whose repr could be anything
            items = self._named_all(cast(list[object], value), held)
            return _OTHER if _OTHER in items else items if cls is list else tuple(items)
        grouped = self.grouped.get(id(value))
        if grouped is not None:
            held.update(grouped[2])
            return grouped[1]
        if not dataclasses.is_dataclass(cls):
            return _OTHER
        values = _fields(cls)(value)
        if not any(type(field) is list or type(field) is tuple for field in values):  # an entry: named as it is
            fields = (_class_token(cls), *(self._named(field, held) for field in values))
            return _OTHER if _OTHER in fields else fields
        inner: set[int] = set()  # a group (a year of a thread): named once, by digest, for every page it is on
        fields = (_class_token(cls), *(self._named(field, inner) for field in values))
        name = _OTHER if _OTHER in fields else \
            b"=" + hashlib.blake2b(repr(fields).encode(), digest_size=16).hexdigest().encode()
        self.grouped[id(value)] = (value, name, inner)  # value kept alive: its id stays its own
        held.update(inner)
        return name

    def _named_all(self, values: Sequence[object], held: set[int]) -> list[object]:
        """Each of ``values`` named as _named names it; a thread of thousands of entries (dataclasses of
        records and their parts) column by column, each a few C loops: every page's values at 10,000
        meetings in 0.9-1.0 s, against 1.2-1.3 s one value at a time (the same digests)."""
        numbers = list(map(self.held.get, map(id, values)))
        if None not in numbers:  # records
            held.update(cast(list[int], numbers))
            return list(map(self.tokens.__getitem__, cast(list[int], numbers)))
        kinds = set(map(type, values))
        cls = kinds.pop() if len(kinds) == 1 else None
        if cls in _PLAIN:
            return list(values)
        parts = list(map(self.parts.get, map(id, values)))
        if None not in parts:
            held.update(part[0] for part in cast(list[tuple[int, bytes]], parts))
            return [part[1] for part in cast(list[tuple[int, bytes]], parts)]
        if cls is not None and len(values) > 1 and dataclasses.is_dataclass(cls):
            columns = list(zip(*map(_fields(cls), values), strict=True))
            if not any({list, tuple} & set(map(type, column)) for column in columns):  # entries, not groups
                named = [self._named_all(column, held) for column in columns]
                if not any(_OTHER in column for column in named):
                    return list(zip(repeat(_class_token(cls), len(values)), *named, strict=True))
        return [self._named(value, held) for value in values]

    def unchanged(self, path: str, values: bytes) -> Page | None:
        """The last build's page at ``path`` (its reads renumbered for this build's records, if a record came
        or went), when it was made from these values and none of the records it read has changed since; else None."""
        page = self.last.pages.get(path) if self.last is not None else None
        if page is None or page.values != values or any(map(self._changed.__getitem__, _numbers(page.reads))) or \
                any(key in self.numbers for key in page.absent):
            return None
        if not self._renumbered:  # every record has the number it had: the page's reads stand (21,000 pages)
            return page
        keys = self.last.keys  # type: ignore[union-attr]  # page is only found in a last memo
        return Page(values, numbered(self.numbers[keys[n]] for n in _numbers(page.reads)), page.absent, page.output)

    def memo(self, pages: dict[str, Page]) -> Memo:
        return Memo(self.shared, tuple(self.keys), tuple(self.digests), pages)


def numbered(numbers: Iterable[int]) -> bytes:
    """Record numbers, sorted, four bytes each: how a Page keeps them."""
    return array("I", sorted(numbers)).tobytes()


def _numbers(packed: bytes) -> array[int]:
    numbers = array("I")
    numbers.frombytes(packed)
    return numbers


def shared_digest(templates: Path, site_wide: object) -> bytes:
    """What every page depends on: this package's code, the templates, and ``site_wide`` values."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sys.version}\0{jinja2.__version__}\0".encode())
    here = Path(__file__).resolve().parent
    for folder in (here, templates):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{path.relative_to(folder)}\0".encode())
            digest.update(path.read_bytes())
    digest.update(_pickled(site_wide))
    return digest.digest()


def load(folder: Path | None) -> Memo | None:
    """The last build's memo, if there is one this code can use; else every page is rendered."""
    memo = buildcache.load(folder, MEMO_FILE, _version())
    return memo if isinstance(memo, Memo) else None


def save(folder: Path | None, memo: Memo) -> None:
    buildcache.save(folder, MEMO_FILE, _version(), memo)


@cache
def _version() -> str:
    return buildcache.code_version("pagememo.py")


# --- digests: pickled without memo (the same values give the same bytes however objects are shared) -----


def _digest(value: object) -> bytes:
    return hashlib.blake2b(_pickled(value), digest_size=16).digest()


def _pickled(value: object) -> bytes:
    out = io.BytesIO()
    _Pickler(out).dump(value)
    return out.getvalue()


def meeting_digests(archive: Archive, known: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """Each meeting's digest by id: what reading and linking made of it, as _meeting_digest works it
    out. Worked out once, after linking, for the pages and the search index (0.4 s at 10,000 meetings),
    but for the meetings ``known`` has already: those the kept archive gives unchanged (relink.Linked)."""
    read = {account.path: account.sha256 for account in archive.accounts}
    known = known or {}
    return {meeting.id: known.get(meeting.id) or _meeting_digest(meeting, read) for meeting in archive.meetings}


def _meeting_digest(meeting: Meeting, read: Mapping[str, str]) -> bytes:
    """A meeting's digest: from its files' digests and what linking decided, when every file has one
    (every file that gave meetings has); else from all it holds."""
    files = [read.get(path, "") for path in meeting.sources]
    return _linked_digest(meeting, files) if all(files) else _digest(meeting)


_LINKED = operator.attrgetter("anchor", "topics", "presenters", "mentioned", "declarations", "minutes_of")
"""What linking decides about an item; the rest of it is what reading its files gave."""


def _linked_digest(meeting: Meeting, files: list[str]) -> bytes:
    """Reading is a function of a file's bytes, the code and the settings (those two are in the shared
    digest): so the text of a meeting's items, most of the archive's bytes, is stood for by its files'
    digests, and only what linking decided is written out: 0.4-0.5 s for 10,113 meetings, against 3.2 s
    for pickling them whole."""
    linked = [(_LINKED(item), [(r.id, r.anchor) for r in item.resolutions]) for item in meeting.items]
    text = repr((_fields(Meeting, "items")(meeting), files, linked))  # repr of str, date, tuple: the same every build
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class _Pickler(pickle.Pickler):
    """Pickles a dataclass as its class's name and its field values: fast, and only ever hashed."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = True  # no memo: shared and unshared equal objects give the same bytes

    def reducer_override(self, obj: Any) -> Any:
        named = _REDUCED.get(type(obj))  # called for every object but str, numbers and their containers
        if named is None:
            named = _REDUCED[type(obj)] = _named_fields(type(obj))
        if named is False:
            return NotImplemented
        name, fields, tuples = named
        return _as_loaded, (name, _many_at_once(fields(obj), tuples) if tuples else fields(obj))


_REDUCED: dict[type, tuple[str, Callable[[Any], tuple[Any, ...]], tuple[int, ...]] | Literal[False]] = {}
"""Per class met by _Pickler: its name, what gives its field values and which of them are annotated as
tuples; or False for a class that is not a dataclass."""


def _named_fields(cls: type) -> tuple[str, Callable[[Any], tuple[Any, ...]], tuple[int, ...]] | Literal[False]:
    if not dataclasses.is_dataclass(cls):
        return False
    tuples = tuple(n for n, field in enumerate(dataclasses.fields(cls)) if str(field.type).startswith("tuple["))
    return cls.__qualname__, _fields(cls), tuples


def _many_at_once(values: tuple[Any, ...], tuples: tuple[int, ...]) -> tuple[Any, ...]:
    """A dataclass's field values, each tuple of dataclasses of one class (of the fields at ``tuples``)
    given as their class's name and each one's field values, got in C: else each would be a call of
    reducer_override. A person's record holds thousands of attendances; at 10,000 meetings the
    records of every kind took 0.41 s to digest, 0.28 s so."""
    batched = list(values)
    for n in tuples:
        value = batched[n]
        if type(value) is tuple and len(value) > 1 and len(kinds := set(map(type, value))) == 1:
            cls = kinds.pop()
            if dataclasses.is_dataclass(cls):
                batched[n] = (_as_loaded_all, (cls.__qualname__, list(map(_fields(cls), value))))
    return tuple(batched)


_PLAIN = frozenset({str, int, float, bool, type(None), dt.date})
"""Types whose repr is their value, the same in every build."""
_OTHER = object()
"""What a value that is no record, plain value or list of them comes to (see Records._named)."""


def _token(sort: bytes, *names: str) -> bytes:
    return sort + repr(names).encode()


@cache
def _class_token(cls: type) -> bytes:
    return b"=" + cls.__qualname__.encode()


def _as_loaded(name: str, values: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """What a pickled dataclass would load as; digests are never loaded, but pickle needs a callable."""
    return name, values


def _as_loaded_all(name: str, values: list[tuple[Any, ...]]) -> tuple[str, list[tuple[Any, ...]]]:
    """The same for a tuple of dataclasses of one class (see _many_at_once)."""
    return name, values


@cache
def _fields(cls: type, leave_out: str = "") -> Callable[[Any], tuple[Any, ...]]:
    names = [field.name for field in dataclasses.fields(cls) if field.name != leave_out]
    if not names:
        return lambda obj: ()
    getter = operator.attrgetter(*names)
    return getter if len(names) > 1 else lambda obj: (getter(obj),)

