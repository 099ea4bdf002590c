"""Reading and linking again only what changed: the archive as the last build linked it, kept in the build cache.

A clerk's edit changes one meeting of thousands, and adding last week's minutes adds one. Loading every
document's meetings from the parse cache and linking them all took 10 s at 10,000 meetings; the linked
archive loads in about 2 s. So the last build's archive is kept, and the meetings whose documents changed,
came or went are read and linked again alone, with those next to them in their committee's run and those
that refer to their dates. What linking decided across meetings (who is who, the topics, which meeting is
which committee's on which date) stands when their documents still tell it the same, and is otherwise
worked out again from what every meeting told it, kept with it (link.link_again). When that would change
anything only reading the other meetings can show, or too many meetings are touched, everything is read
and linked afresh, as without a cache.
"""

from __future__ import annotations

import dataclasses
import io
import operator
import pickle
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, overload

from . import buildcache, parsecache
from .errors import BuildError
from .link import LINK_MODULES, Decided, LinkInput, link_again, meeting_of, touching
from .model import Archive, Block, Item, Meeting
from .parsecache import READER_MODULES, Outcome
from .progress import Progress

KEPT = "archive.pickle"
"""In the build cache folder: the last build's linked archive (see Kept) but for its meetings ..."""
KEPT_MEETINGS = "archive-meetings"
"""... which are kept beside it in a shelf (buildcache.save_shelf): an edit writes the shard of its own
meeting again, not the 205 MB of every meeting at 10,000 meetings."""
MOST = 64
"""Meetings linked again alone at most: beyond that, linking everything is as quick and simpler."""


@dataclass(frozen=True)
class Kept:
    """The last build's linked archive, what reading each document gave, and what linking decided across meetings."""

    outcomes: Mapping[str, Outcome]
    """What reading each document gave, its meetings left out (they are in ``meetings``, linked)."""
    meetings: Mapping[str, bytes]
    """Each meeting as linked, pickled, in the archive's order: only a changed meeting is pickled again."""
    rest: bytes
    """The archive's people, topics, committees and problems, pickled (_rest)."""
    accounts: bytes
    """The archive's accounts of its documents, pickled: apart from ``rest``, as an edit changes its document's."""
    decided: bytes
    """What linking decided across meetings (link.Decided), pickled."""
    overrides: str
    """The people's and topics' overrides linking was given (their repr)."""
    digests: Mapping[str, bytes] = field(default_factory=dict)
    """Each meeting's digest (pagememo.meeting_digests) as the build that kept it worked it out: a meeting
    unchanged since has the same (pagememo.py is part of this file's code version)."""
    shelf: tuple[str | None, ...] = ()
    """The files ``meetings`` was kept in (buildcache.save_shelf): kept without them, and loaded with them."""

    def archive(self) -> Archive:
        try:
            people, topics, committees, problems = pickle.loads(self.rest)
            return Archive(tuple(pickle.loads(blob) for blob in self.meetings.values()), people, topics, committees,
                           pickle.loads(self.accounts), problems)
        except DAMAGED as error:
            raise Damaged from error

    def linked(self) -> Decided:
        try:
            decided: Decided = pickle.loads(self.decided)
        except DAMAGED as error:
            raise Damaged from error
        return decided


DAMAGED = (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError, IndexError, KeyError)
"""What unpickling a damaged file can raise."""


class Damaged(Exception):
    """The kept archive could not be read back: everything is read and linked afresh."""


def load(folder: Path | None) -> Kept | None:
    kept = buildcache.load(folder, KEPT, _code_version())
    if not isinstance(kept, Kept):
        return None
    meetings = buildcache.load_shelf(folder, KEPT_MEETINGS, _code_version(), files=kept.shelf)
    return replace(kept, meetings=meetings) if meetings is not None else None


@dataclass(frozen=True)
class Linked:
    """What reading and linking gave: the archive, every document's Outcome, and what the next build keeps
    of them (``keep``), which the build writes once the search worker has its documents and the second
    core has work."""

    archive: Archive
    outcomes: list[Outcome]
    """Every document's, its meetings left out (without_meetings): the archive has them, linked; the
    documents as read would take hundreds of megabytes more while they wait to be kept."""
    decided: Decided | None
    """What linking decided across meetings; None when nothing changed since the kept archive (it stands)."""
    overrides: str
    pickled: Mapping[str, bytes] = field(default_factory=dict)
    """Meetings as the kept archive has them pickled, where they are unchanged: not pickled again."""
    digests: Mapping[str, bytes] = field(default_factory=dict)
    """The digests the kept archive has of those meetings (Kept.digests): not worked out again."""
    rest: bytes | None = None
    """Kept.rest, when the archive's people, topics, committees and problems are those it holds."""


def keep(folder: Path | None, linked: Linked, digests: Mapping[str, bytes] | None = None) -> None:
    """Keep this build's archive for the next, with each meeting's ``digests`` (pagememo.meeting_digests) when
    the build has worked them out (nothing to do when it is the kept one, unchanged)."""
    if folder is None or linked.decided is None:
        buildcache.forget_shelf(folder, KEPT_MEETINGS)
        return
    archive = linked.archive
    meetings = {m.id: linked.pickled.get(m.id) or _kept(m) for m in archive.meetings}
    shelf = buildcache.save_shelf(folder, KEPT_MEETINGS, _code_version(), meetings)
    if shelf is None:  # the last build's archive and its meetings stand: documents changed since are read again
        return
    rest = linked.rest or parsecache.dumps(_rest(archive))
    read = {o.path: o for o in linked.outcomes}
    buildcache.save(folder, KEPT, _code_version(), Kept(read, {}, rest, parsecache.dumps(archive.accounts),
                                                        parsecache.dumps(linked.decided), linked.overrides,
                                                        dict(digests or {}), shelf))


def with_documents(given: LinkInput, outcomes: Sequence[Outcome]) -> LinkInput:
    """``given`` with what reading these documents gave: each one's meetings or why it was skipped, and its digests."""
    return replace(given, parsed=[(o.path, o.meetings) for o in outcomes if o.meetings is not None],
                   skipped=[(o.path, o.skipped) for o in outcomes if o.meetings is None],
                   contact_free={o.path: o.contact_free for o in outcomes if o.contact_free},
                   read={o.path: o.sha256 for o in outcomes if o.sha256})


def overrides_of(given: LinkInput) -> str:
    return repr((given.people_overrides, given.topic_overrides))


def understand_again(files: Sequence[tuple[Path, str]], given: LinkInput, *, contact_details: bool,
                     progress: Progress) -> Linked | None:
    """The archive and every document's Outcome, from the last build's with the documents that changed
    or came read, and the meetings they (or those that went) have parts in linked again; None when
    nothing was kept, or linking those meetings alone will not do (``given`` holds the overrides and the
    cache folder, no documents)."""
    if given.cache is None or not (given.cache / KEPT).is_file():
        return None  # a first build: no need to hash every file (0.4-0.6 s at 10,000 documents)
    with ThreadPoolExecutor(max_workers=1) as pool:  # the files' digests, while the kept archive loads
        hashing = pool.submit(lambda: parsecache.cache_keys(files, contact_details, cache=given.cache))
        kept = load(given.cache)
        keys = dict(zip((rel for _, rel in files), hashing.result(), strict=True))
    if kept is None or kept.overrides != overrides_of(given):
        buildcache.forget_shelf(given.cache, KEPT_MEETINGS)
        return None
    came = keys.keys() - kept.outcomes.keys()
    gone = kept.outcomes.keys() - keys.keys()
    changed = {rel for rel, key in keys.items() if rel in kept.outcomes and key != kept.outcomes[rel].key}
    # A file with no key (not a format the reader takes, or not readable) is read again, as it is every build.
    unkeyed = [(path, rel) for path, rel in files if keys[rel] is None and rel in kept.outcomes]
    changed |= {o.path for o in parsecache.read_documents(unkeyed, contact_details=contact_details)
                if without_meetings(o) != kept.outcomes[o.path]}
    try:
        linked = _again(files, given, kept, changed | came, gone, contact_details=contact_details, progress=progress)
    except Damaged:
        linked = None  # a damaged file in the cache only means everything is read and linked afresh
    if linked is None or linked.decided is None:  # the kept meetings are not kept again: not held till then
        buildcache.forget_shelf(given.cache, KEPT_MEETINGS)
    return linked


def _again(files: Sequence[tuple[Path, str]], given: LinkInput, kept: Kept, changed: set[str], gone: set[str], *,
           contact_details: bool, progress: Progress) -> Linked | None:
    """``changed``: the documents that changed or came; ``gone``: those no longer there."""
    if not changed and not gone:
        return Linked(kept.archive(), list(kept.outcomes.values()), None, kept.overrides, digests=kept.digests)
    decided = kept.linked()
    claimed = _claimed(decided)
    # Read afresh, the parse cache left as it is: loading and writing it again (155 MB at 10,000 meetings)
    # takes longer than reading a meeting's few documents, and a build that reads everything reads these again.
    read = {o.path: o for o in parsecache.read_documents([(path, rel) for path, rel in files if rel in changed],
                                                          contact_details=contact_details, progress=progress)}
    ids = {meeting_id for rel in changed | gone for meeting_id in claimed.get(rel, ())}
    ids |= {meeting_of(o.path, part) for o in read.values() for part in o.meetings or ()}
    while True:  # the meetings these documents are in, then those whose links to them change
        if len(ids) > MOST:
            return None
        needed = {rel for i in ids if i in decided.meetings for rel in decided.meetings[i].claimants} - gone
        read.update((o.path, o) for o in parsecache.read_documents(
            [(path, rel) for path, rel in files if rel in needed and rel not in read], contact_details=contact_details))
        linking = with_documents(given, [read[rel] for _, rel in files if rel in read])
        more = touching(linking, decided, ids)
        if more <= ids:
            break
        ids |= more
    loaded: list[Archive] = []

    def last() -> Archive:  # link_again loads it when it can get on with something else meanwhile
        loaded.append(kept.archive())
        return loaded[0]

    again = link_again(linking, decided, last, ids, gone)
    if again is None:
        return None
    archive, decided = again
    outcomes = [without_meetings(read[rel]) if rel in read else kept.outcomes[rel] for _, rel in files]
    before = {m.id: m for m in loaded[0].meetings}
    unchanged = {m.id: kept.meetings[m.id] for m in archive.meetings if m is before.get(m.id)}
    digests = {meeting_id: kept.digests[meeting_id] for meeting_id in unchanged if meeting_id in kept.digests}
    rest = kept.rest if _rest(archive) == _rest(loaded[0]) else None  # mostly the same objects: 0.01 s, not 0.1 s
    return Linked(archive, outcomes, decided, kept.overrides, unchanged, digests, rest)


def _rest(archive: Archive) -> tuple[object, ...]:
    """What Kept.rest holds of an archive."""
    return archive.people, archive.topics, archive.committees, archive.problems


def without_meetings(outcome: Outcome) -> Outcome:
    """What is kept of reading a document: its meetings are kept linked."""
    return replace(outcome, meetings=None if outcome.meetings is None else ())


def _claimed(decided: Decided) -> dict[str, list[str]]:
    """Source path -> the meetings its parts are for."""
    claimed: dict[str, list[str]] = {}
    for meeting_id, links in decided.meetings.items():
        for path in links.claimants:
            claimed.setdefault(path, []).append(meeting_id)
    return claimed


class PickledBlocks(Sequence[Block]):
    """An item's blocks as the kept archive holds them: unpickled when first read.

    A rebuild after an edit reads the blocks of the few meetings whose pages it renders again, and
    loading every item's blocks was half the kept archive's load (10,113 meetings: about 0.6 s of
    1.2-1.4 s). Equal to the tuple of its blocks, and pickled elsewhere as that tuple."""

    __slots__ = ("pickled", "length", "_blocks")

    def __init__(self, pickled: bytes, length: int) -> None:
        self.pickled = pickled
        self.length = length
        self._blocks: tuple[Block, ...] | None = None

    @staticmethod
    def of(blocks: Sequence[Block]) -> PickledBlocks:
        """Pickled as plain tuples of str, int and tuples, which pickle makes and loads in C."""
        return PickledBlocks(pickle.dumps(tuple(map(tuple, blocks)), protocol=pickle.HIGHEST_PROTOCOL), len(blocks))

    @property
    def blocks(self) -> tuple[Block, ...]:
        if self._blocks is None:
            try:
                self._blocks = tuple(map(Block._make, pickle.loads(self.pickled)))
            except DAMAGED as error:  # read long after the kept archive loaded: it cannot be read afresh now
                raise BuildError(f"the build cache is damaged (an item's text in {KEPT} cannot be read): "
                                 "delete the build cache (build/cache) and build again") from error
        return self._blocks

    def __len__(self) -> int:
        return self.length  # an item is asked whether it has blocks when made: they stay pickled

    @overload
    def __getitem__(self, index: int) -> Block: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Block, ...]: ...

    def __getitem__(self, index: int | slice) -> Block | tuple[Block, ...]:
        return self.blocks[index]

    def __iter__(self) -> Iterator[Block]:
        return iter(self.blocks)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PickledBlocks):
            other = other.blocks
        return self.blocks == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.blocks)

    def __repr__(self) -> str:
        return repr(self.blocks)

    def __reduce__(self) -> tuple[Any, ...]:
        return tuple, (self.blocks,)


def _kept(meeting: Meeting) -> bytes:
    """A meeting pickled for the kept archive, each item's blocks pickled on their own (PickledBlocks)."""
    out = io.BytesIO()
    _KeptPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(meeting)
    return out.getvalue()


_ITEM_FIELDS = [f.name for f in dataclasses.fields(Item)]
_ITEM_VALUES = operator.attrgetter(*_ITEM_FIELDS)
_BLOCKS = _ITEM_FIELDS.index("blocks")


class _KeptPickler(parsecache.RecordPickler):
    """The parse cache's pickler, with an item as a call of its class and its blocks as PickledBlocks (its
    __post_init__ only checks that an exempt item holds no content: the call gives the item back)."""

    def reducer_override(self, obj: Any) -> Any:
        cls: type = type(obj)
        if cls is Item:
            values = list(_ITEM_VALUES(obj))
            blocks = values[_BLOCKS]
            if blocks and not isinstance(blocks, PickledBlocks):
                values[_BLOCKS] = PickledBlocks.of(blocks)
            return Item, tuple(values)
        if cls is PickledBlocks:
            return PickledBlocks, (obj.pickled, obj.length)
        return super().reducer_override(obj)


@cache
def _code_version() -> str:
    return buildcache.code_version(*sorted({*LINK_MODULES, *READER_MODULES, "relink.py", "pagememo.py"}))
