"""The search index, made by a process of its own while this one writes the pages.

The worker is forked when a build starts, before anything is read, so it holds the imported
modules and nothing else. Once the archive is linked, it is sent the search documents, a few
hundred meetings at a time (this process never holds them all), and starts indexing; then the
staging folder, once the build knows it will publish. It puts the index's files there itself
and sends back each file's digest. A meeting the last build indexed, unchanged since, is sent as
its feed key alone (search.feed_keys): the worker takes it as it was kept (searchstate).

A child forked after linking shares the whole archive copy-on-write and touches much of it: at
10,000 meetings such a child took 20-28 s and 1.2 GB of its own (742 MB of it copied pages),
where a fresh process makes the same files in 13 s with 0.9 GB.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from . import searchstate
from .forked import Worker
from .model import Archive
from .publish import Staging, published_files
from .search import (
    Group,
    Indexer,
    Listed,
    directory_documents,
    in_index_order,
    indexer_of,
    listed,
    meeting_group,
    names_of,
)

FEED = 250
"""Meetings (with their items) per message: about a megabyte and a half pickled."""
Digests = list[tuple[str, str]]
"""(path, SHA-256) of each file put."""


class SearchWorker:
    """Used as a context manager around the build, so the worker is stopped however the build ends
    (a build that will not publish simply never sends it a staging folder)."""

    def __init__(self, out: Path, cache: Path | None = None) -> None:
        self.out = out
        self.cache = cache
        self.worker = Worker(self._index)
        self.keys: Mapping[str, bytes] | None = None
        self.staging: Staging | None = None
        self.kept = 0
        """Meetings the index took as the last build indexed them (sent as their feed keys)."""

    def __enter__(self) -> SearchWorker:
        self.worker.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.worker.__exit__(*exc)

    def feed(self, archive: Archive, keys: Mapping[str, bytes] | None = None) -> None:
        """Send the archive's search documents: the worker starts indexing. With each meeting's feed key
        (search.feed_keys), a meeting the last build indexed under the same key is sent as the key alone:
        the worker takes it as it was."""
        self.worker.working()
        self.keys = keys
        known = searchstate.load_fed(self.cache) if keys is not None else frozenset()
        people, topics = names_of(archive)
        batch: list[Group | bytes] = []
        for meeting in in_index_order(archive):
            key = keys[meeting.id] if keys is not None else b""
            if key in known:
                batch.append(key)
                self.kept += 1
            else:
                batch.append(meeting_group(meeting, people, topics, key))
            if len(batch) == FEED:
                self.worker.send(batch)
                batch = []
        self.worker.send(batch)
        self.worker.send(None)
        self.worker.send((directory_documents(archive), listed(archive)))

    def stage(self, staging: Staging) -> None:
        """Where the index's files go: sent once the build knows it publishes."""
        self.staging = staging
        self.worker.send(staging)

    def files(self, archive: Archive) -> tuple[str, Digests]:
        """The search page's manifest URL, and (path, digest) of every search file; once the index is written.

        If the worker could not take a meeting the cache listed (a cache file damaged where it lay), the
        index is made here instead, from the documents: slower, never wrong. It is made whole even if
        the live site has the same, so that the cache is written again."""
        answer = pickle.loads(self.worker.result())
        assert self.staging is not None  # files is asked for only by a build that publishes
        if answer is not None:
            url, written, renamed = answer
            if renamed is not None:  # the spare's last index folder, which the worker renamed (its staging is a copy)
                self.staging.renamed(*renamed)
            return url, written
        self.kept = 0
        staging = self.staging
        indexer = indexer_of(archive, self.cache, self.keys)
        url, written, _ = _write(indexer, listed(archive), self.out, lambda: staging, keep=False)
        indexer.keep()
        return url, written

    def _index(self, receive: Callable[[], Any]) -> Iterator[bytes]:
        """In the worker: the documents as they come, then the index, put into the staging folder.

        Indexing starts before the staging folder is known, unless the live site may already have
        this very index (then the staging folder can keep it without making it again). What the last
        build indexed is loaded from the cache when the first meetings come, not while the build
        reads and links: those stages use both cores, and a rebuild of 10,000 meetings took 0.5 s
        longer when the 350 MB were loaded beside them (this process ends before the pages do).
        A meeting sent as its feed key that the kept state cannot give stops the indexing: the build
        makes the index itself (``files``). What the next build needs is kept once the answer is out:
        the build publishes meanwhile."""
        batch = receive()
        indexer = Indexer(self.cache)
        whole = True
        while batch is not None:
            for entry in batch:
                if not whole:
                    break
                if isinstance(entry, bytes):
                    whole = indexer.add_fed(entry)
                else:
                    indexer.add_meeting(entry)
            batch = receive()
        directory, listing = receive()
        given: list[Staging] = []

        def staging() -> Staging:
            if not given:
                given.append(receive())
            return given[0]

        if not whole:
            staging()  # the build sends it before asking for the files; it must find this process listening
            yield pickle.dumps(None)
            return
        indexer.add_directory(directory)
        yield pickle.dumps(_write(indexer, listing, self.out, staging))
        indexer.keep()


def _write(indexer: Indexer, listing: Listed, out: Path, staging: Callable[[], Staging], *,
           keep: bool = True) -> tuple[str, Digests, tuple[str, str] | None]:
    """The index's files, put into the staging folder (asked for when the first file is ready); its
    manifest URL, (path, SHA-256) of every file, and (old, new) if the staging folder's last index
    folder was renamed to take them (Staging.reuse_folder). With ``keep``, the live site's folder is
    kept as it is if it is the very index."""
    live = published_files(out)
    written: Digests = []
    renamed: list[tuple[str, str]] = []

    def kept(folder: str) -> bool:
        if (old := staging().reuse_folder(folder)) is not None:
            renamed.append((old, folder))
        if not keep or not any(path.startswith(f"{folder}/") for path in live):
            return False
        found = staging().keep(folder)
        written.extend(found or ())
        return found is not None

    def put(path: str, body: bytes) -> None:
        written.append((path, staging().put(path, body)))

    def reuse(path: str, digest: str) -> bool:
        if not staging().reuse(path, digest):
            return False
        written.append((path, digest))
        return True

    index = indexer.write(listing, kept=kept, put=put, reuse=reuse)
    return index.manifest_url, written, renamed[0] if renamed else None
