"""Reading, withholding and parsing each document once: results kept in the build cache by content.

A document whose bytes, path and reader code are unchanged since the last build is not read
again (nor hashed, while its stat is as the last build recorded it: see file_digests): what
reading it gave (its meetings, or why it was skipped, and every problem) is loaded from
``<cache>/parsed.pickle``. Documents not in the cache are read in a pool of processes when
there are enough of them to pay for one. Results come back in path order whatever the order of work.

pickle is the format because the cache is this machine's own, written and read only by this
build (never downloaded or shared), and it stores the frozen dataclasses as they are. Anything
wrong with it (a truncated file, an entry from other code, a different Python) only means that
document is read again.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import inspect
import io
import multiprocessing
import operator
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

from . import buildcache
from .contacts import withhold_document
from .model import ExemptItem, ParsedItem, ParsedMeeting, Problem, SourceSpan, ThemeHits
from .parse import parse_document
from .progress import SILENT, Progress
from .sources import FORMATS, MAX_BYTES, SourceDocument, load_readers, read_source, readable_bytes
from .topics import is_procedural, text_hits, themes_from

CACHE_FILE = "parsed.pickle"
STATS_FILE = "file-stats.pickle"
"""Each document's stat and SHA-256 as last hashed (see file_digests)."""
STILL = 2
"""Seconds a file must have been left unchanged before it was read for its stat to be recorded."""
Stats = dict[str, tuple[tuple[int, ...], bytes]]
"""Path -> (its stat, the SHA-256 of its bytes) as last hashed (see file_digests)."""
READER_MODULES = ("attendance.py", "blocks.py", "contacts.py", "dates.py", "errors.py", "header.py", "layout.py",
                  "model.py", "parse.py", "parsecache.py", "pdfrows.py", "pdftext.py", "people.py", "slugs.py",
                  "sources.py", "topics.py", "thesaurus.toml")
"""The modules whose code decides what reading a document gives: a change to any starts the cache afresh."""
POOL_FROM = 48
"""Fewer documents to read than this are read in this process: starting workers would cost more."""
CHUNK = 16
"""Documents handed to a worker at a time: few enough round trips, and the bar still moves."""
UNREADABLE = "could not be read (see errors)"


@dataclass(frozen=True)
class Outcome:
    """What reading one document gave: its meetings, or the reason it is not in the archive."""

    path: str
    meetings: tuple[ParsedMeeting, ...] | None
    """None when the document was skipped."""
    problems: tuple[Problem, ...]
    """Reading, withholding and parsing problems, in the order they were found."""
    skipped: str = ""
    contact_free: str = ""
    """The file's SHA-256 when withholding scanned it and found no contact details (SourceAccount.contact_free)."""
    sha256: str = ""
    """The file's SHA-256 as read, when it gave meetings (SourceAccount.sha256)."""
    key: str | None = None
    """The file's cache key (a digest of the reader's code, the path, the settings and the bytes), or None
    when the file could not be read (see _task)."""


@dataclass(frozen=True)
class _Task:
    path: Path
    rel: str
    data: bytes | None
    """The bytes read and hashed, or None when the file cannot be read (read_source says why)."""
    key: str | None
    digest: bytes | None = None
    """The SHA-256 of ``data``."""


def read_documents(
    files: Sequence[tuple[Path, str]],
    *,
    contact_details: bool = False,
    cache: Path | None = None,
    progress: Progress = SILENT,
    max_bytes: int = MAX_BYTES,
) -> list[Outcome]:
    """Every file's Outcome, sorted by path: from the cache where the bytes are known, else read now."""
    progress.stage("Reading documents", len(files))
    with _collector_paused():
        return _read_documents(files, contact_details, cache, progress, max_bytes)


def _read_documents(
    files: Sequence[tuple[Path, str]], contact_details: bool, cache: Path | None, progress: Progress, max_bytes: int
) -> list[Outcome]:
    stored = _load(cache) if cache is not None else {}
    outcomes: dict[str, Outcome] = {}
    kept: dict[str, bytes] = {}
    missing: list[tuple[Path, str]] = []
    # With nothing stored there is nothing to look up: each file is read once, where it is parsed.
    keys = cache_keys(files, contact_details, max_bytes, cache=cache) if stored else repeat(None)
    for (path, rel), key in zip(files, keys, strict=False):  # repeat(None) never ends
        found = _entry(stored, key, rel)
        if found is None or key is None:
            missing.append((path, rel))
            continue
        outcomes[rel] = found
        kept[key] = stored[key]
        progress.advance()
    since = time.time_ns()
    digests: dict[str, bytes] = {}
    for rel, key, digest, blob in _read_all(missing, contact_details, max_bytes):
        outcomes[rel] = pickle.loads(blob)
        if key is not None and digest is not None:
            kept[key] = blob
            digests[rel] = digest
        progress.advance()
    if cache is not None and (missing or kept.keys() != stored.keys()):
        _save(cache, kept)
    if cache is not None and not stored:  # every file was read: their stats, so the next build need not read them
        buildcache.save(cache, STATS_FILE, _code_version(), _recorded(files, digests, since, max_bytes))
    return sorted(outcomes.values(), key=lambda o: o.path)


def cache_keys(files: Sequence[tuple[Path, str]], contact_details: bool, max_bytes: int = MAX_BYTES, *,
               cache: Path | None = None) -> list[str | None]:
    """Each file's cache key, in order (None for a file the reader does not take). With a ``cache`` folder,
    a file whose stat is as the last build recorded it is not read again (see file_digests)."""
    return [None if digest is None else _key(rel, contact_details, digest)
            for (_, rel), digest in zip(files, file_digests(files, max_bytes, cache), strict=True)]


def file_digests(files: Sequence[tuple[Path, str]], max_bytes: int = MAX_BYTES,
                 cache: Path | None = None) -> list[bytes | None]:
    """The SHA-256 of each file's bytes, or None for a file the reader does not take (not one of its
    formats, too big, unreadable).

    Reading and hashing 10,000 documents (180 MB) took 0.4-0.6 s of every rebuild. So, as git and make
    do, a file is trusted unchanged while its stat (size, times, inode, mode) is what it was when it was
    last hashed, kept in the build cache (see _recorded)."""
    known = _load_stats(cache)
    recorded: Stats = {}
    hashed: dict[str, bytes] = {}
    digests: list[bytes | None] = []
    since = time.time_ns()
    for path, rel in files:
        if path.suffix.lower() not in FORMATS:
            digests.append(None)
            continue
        try:
            info = os.stat(path)
        except OSError:
            digests.append(None)
            continue
        last = known.get(rel)
        if last is not None and last[0] == _stat_of(info, max_bytes):
            digests.append(last[1])
            recorded[rel] = last
            continue
        data = readable_bytes(path, max_bytes)
        digest = None if data is None else hashlib.sha256(data).digest()
        digests.append(digest)
        if digest is not None:
            hashed[rel] = digest
    recorded.update(_recorded(files, hashed, since, max_bytes))
    if cache is not None and recorded != known:
        buildcache.save(cache, STATS_FILE, _code_version(), recorded)
    return digests


def _recorded(files: Sequence[tuple[Path, str]], digests: Mapping[str, bytes], since: int, max_bytes: int) -> Stats:
    """The stat of each file hashed (``digests``) that has not changed since STILL seconds before
    ``since`` (nanoseconds), when it had not been read yet: what it was read as is what it still is.
    A file changed later is left out (it is hashed again next build): a second change within the same
    timestamp would leave its stat as it was."""
    recorded: Stats = {}
    for path, rel in files:
        if rel in digests:
            try:
                info = os.stat(path)
            except OSError:
                continue
            if _still(info, since):
                recorded[rel] = (_stat_of(info, max_bytes), digests[rel])
    return recorded


def _stat_of(info: os.stat_result, max_bytes: int) -> tuple[int, ...]:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, info.st_mode, max_bytes


def _still(info: os.stat_result, since: int) -> bool:
    return max(info.st_mtime_ns, info.st_ctime_ns) < since - STILL * 1_000_000_000


def _load_stats(cache: Path | None) -> Stats:
    kept = buildcache.load(cache, STATS_FILE, _code_version())
    return kept if isinstance(kept, dict) else {}


def _key(rel: str, contact_details: bool, digest: bytes) -> str:
    """A file's cache key: the reader's code, its path, the reading setting and its bytes' SHA-256."""
    return hashlib.sha256(f"{_code_version()}\0{rel}\0{contact_details}\0".encode() + digest).hexdigest()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the outcomes are unpickled: a large archive's are millions of objects,
    which the collector would otherwise walk again and again (most of this process's time at 10,000 documents);
    they hold no cycles, so there is nothing for it to find."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _task(path: Path, rel: str, contact_details: bool, max_bytes: int) -> _Task:
    if path.suffix.lower() not in FORMATS:
        return _Task(path, rel, None, None)
    data = readable_bytes(path, max_bytes)
    if data is None:
        return _Task(path, rel, None, None)
    digest = hashlib.sha256(data).digest()
    return _Task(path, rel, data, _key(rel, contact_details, digest), digest)


def _entry(stored: dict[str, bytes], key: str | None, rel: str) -> Outcome | None:
    """The cached Outcome under this key, or None when there is none that can be trusted."""
    if key is None or key not in stored:
        return None
    try:
        found = pickle.loads(stored[key])
    except Exception:  # a damaged entry is only a miss
        return None
    return found if isinstance(found, Outcome) and found.path == rel else None


def _read_all(
    files: list[tuple[Path, str]], contact_details: bool, max_bytes: int
) -> Iterator[tuple[str, str | None, bytes | None, bytes]]:
    """(path, cache key, SHA-256 of the bytes, pickled Outcome) in the order given; many files are spread over
    a pool of processes, each of which reads, hashes and parses the files it is given (only their names cross
    over)."""
    workers = _workers()
    if len(files) < POOL_FROM or workers < 2:
        for path, rel in files:
            yield _read_one(path, rel, contact_details, max_bytes)
        return
    done = 0
    load_readers()
    try:
        context = multiprocessing.get_context("fork")
        # Workers collect cycles once a document (_read_job), not as Python would on its own.
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=gc.disable) as pool:
            jobs = [(path, rel, contact_details, max_bytes) for path, rel in files]
            for result in pool.map(_read_job, jobs, chunksize=CHUNK):
                yield result
                done += 1
    except (BrokenProcessPool, OSError):  # no worker could start or one died: read the rest here
        for path, rel in files[done:]:
            yield _read_one(path, rel, contact_details, max_bytes)


def _workers() -> int:
    if sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _read_job(job: tuple[Path, str, bool, int]) -> tuple[str, str | None, bytes | None, bytes]:
    """One document in a worker, then a collection of what it left: any cycle it made and dropped is among
    the objects made since the last one (the youngest generation), so only they are looked at.

    Why: Python's own collections also walked the readers' caches, which only grow: a full one took 0.1 s,
    and collecting took 6 % of reading (0.67 s of 11.4 s for 2,020 documents in one process; 0.03 s this
    way). Reading a text document makes no cycles; a PDF leaves a few objects, which this finds."""
    try:
        return _read_one(*job)
    finally:
        gc.collect(0)


def _read_one(path: Path, rel: str, contact_details: bool, max_bytes: int
              ) -> tuple[str, str | None, bytes | None, bytes]:
    """Read, hash, withhold and parse one document: its path, cache key, bytes' SHA-256 and Outcome, pickled
    here so that a worker's answer crosses over as it will be stored."""
    task = _task(path, rel, contact_details, max_bytes)
    outcome = read_document(path, rel, task.data, contact_details=contact_details, max_bytes=max_bytes)
    return rel, task.key, task.digest, dumps(replace(outcome, key=task.key))


def read_document(
    path: Path, rel: str, data: bytes | None, *, contact_details: bool = False, max_bytes: int = MAX_BYTES
) -> Outcome:
    """One document from bytes to meetings; a reader bug becomes an error naming the file, never a traceback."""
    read, problems = read_source(path, rel, max_bytes=max_bytes, data=data)
    if not isinstance(read, SourceDocument):
        return Outcome(rel, None, tuple(problems), read.reason)
    doc, contact_free = read, ""
    if not contact_details:
        doc, note = withhold_document(read, data if data is not None else _bytes_now(path))
        problems.extend([note] if note else [])
        # ``data`` is what read_source hashed, so withholding scanned these very bytes as received.
        contact_free = read.sha256 if note is None and data is not None and read.format != "pdf" else ""
    try:
        meetings, found = parse_document(doc)
    except Exception as error:  # a reader bug must name the file, not print a traceback
        problems.append(Problem("error", SourceSpan(doc.path, 1),
                                f"could not read this document: {type(error).__name__}: {error}"))
        return Outcome(rel, None, tuple(problems), UNREADABLE)
    return Outcome(rel, tuple(_with_themes(m) for m in meetings), (*problems, *found), contact_free=contact_free,
                   sha256=read.sha256)


def _with_themes(meeting: ParsedMeeting) -> ParsedMeeting:
    """Work out each item's themes here, where documents are read in parallel and the answer is cached."""
    items: list[ParsedItem | ExemptItem] = []
    for item in meeting.items:
        if isinstance(item, ParsedItem) and not is_procedural(item.title):
            headings = tuple(block.text for block in item.blocks if block.kind == "heading")
            themes, hits = _themes(item.title, item.plain_text(), headings)
            item = replace(item, themes=themes, theme_hits=hits)
        items.append(item)
    return replace(meeting, items=tuple(items))


@lru_cache(maxsize=1 << 12)  # a pack reprints its reports and last minutes, and agendas repeat their standing items
def _themes(title: str, text: str, headings: tuple[str, ...]) -> tuple[tuple[str, ...], ThemeHits]:
    hits = text_hits(text)
    return themes_from(title, headings, hits), hits


def _bytes_now(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def dumps(value: object) -> bytes:
    """``value`` pickled, its dataclasses and named tuples as calls of their classes (RecordPickler): they load
    twice as fast."""
    out = io.BytesIO()
    RecordPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


class RecordPickler(pickle.Pickler):
    """Pickles a dataclass or a named tuple as a call of its class with its field values, where that gives
    it back.

    The reader's records are frozen dataclasses with slots, which pickle by default through Python-level
    __getstate__ and __setstate__ (dataclasses' own, which look up the fields again for every record); a call
    of the class loads twice as fast, and a warm build loads millions of records. Its blocks are named
    tuples, which pickle by default through __reduce_ex__ and two of their methods, in Python.
    """

    def reducer_override(self, obj: Any) -> Any:
        cls: type = type(obj)
        values = _field_values(cls)
        return NotImplemented if values is None else (cls, values(obj))


@cache
def _field_values(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """What gives a dataclass's field values, when its __init__ takes just those, in order, and does nothing
    else with them (no __post_init__); a named tuple's (the tuple itself: pickle's own way calls two of its
    methods in Python for each of a million blocks); else None."""
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return tuple
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    names = tuple(field.name for field in dataclasses.fields(cls))
    parameters = inspect.signature(cls).parameters.values()
    if tuple(p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD) != names or \
            len(parameters) != len(names) or len(names) < 2:
        return None
    return operator.attrgetter(*names)  # a tuple of the values, as there are two names or more


@cache
def _code_version() -> str:
    """A digest of the reader's code and of what it depends on, so new code never meets old results."""
    return buildcache.code_version(*READER_MODULES, libraries=("PyYAML", "markdown-it-py", "pypdfium2"))


def _load(cache: Path) -> dict[str, bytes]:
    try:
        with (cache / CACHE_FILE).open("rb") as file:
            stored = pickle.load(file)
    except Exception:  # missing, truncated or foreign: start afresh
        return {}
    if not isinstance(stored, dict) or not all(isinstance(k, str) and isinstance(v, bytes) for k, v in stored.items()):
        return {}
    return stored


def _save(cache: Path, entries: dict[str, bytes]) -> None:
    """Write the cache whole and swap it in, so a build stopped half-way leaves the old one intact."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / f"{CACHE_FILE}.{os.getpid()}.partial"
        with partial.open("wb") as file:
            pickle.dump(entries, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, cache / CACHE_FILE)
    except OSError:  # a cache that cannot be written costs speed next time, nothing else
        pass
