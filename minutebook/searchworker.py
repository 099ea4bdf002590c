"""The search index, made by a process of its own while this one writes the pages.

The worker is forked when a build starts, before anything is read, so it holds the imported
modules and nothing else. Once the archive is linked, it is sent the search documents, a few
hundred meetings at a time (this process never holds them all), and starts indexing; then the
staging folder, once the build knows it will publish. It puts the index's files there itself
and sends back each file's digest.

A child forked after linking shares the whole archive copy-on-write and touches much of it: at
10,000 meetings such a child took 20-28 s and 1.2 GB of its own (742 MB of it copied pages),
where a fresh process makes the same files in 13 s with 0.9 GB.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .forked import Worker
from .model import Archive
from .publish import Staging, published_files
from .search import Group, Indexer, directory_documents, listed, meeting_groups

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

    def __enter__(self) -> SearchWorker:
        self.worker.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.worker.__exit__(*exc)

    def feed(self, archive: Archive) -> None:
        """Send the archive's search documents: the worker starts indexing."""
        self.worker.working()
        batch: list[Group] = []
        for group in meeting_groups(archive):
            batch.append(group)
            if len(batch) == FEED:
                self.worker.send(batch)
                batch = []
        self.worker.send(batch)
        self.worker.send(None)
        self.worker.send((directory_documents(archive), listed(archive)))

    def stage(self, staging: Staging) -> None:
        """Where the index's files go: sent once the build knows it publishes."""
        self.worker.send(staging)

    def files(self) -> tuple[str, Digests]:
        """The search page's manifest URL, and (path, digest) of every search file; once the index is written."""
        url, written = pickle.loads(self.worker.result())
        return url, written

    def _index(self, receive: Callable[[], Any]) -> bytes:
        """In the worker: the documents as they come, then the index, put into the staging folder.

        Indexing starts before the staging folder is known, unless the live site may already have
        this very index (then the staging folder can keep it without making it again). What the last
        build indexed is loaded from the cache when the first meetings come, not while the build
        reads and links: those stages use both cores, and a rebuild of 10,000 meetings took 0.5 s
        longer when the 350 MB were loaded beside them (this process ends before the pages do)."""
        batch = receive()
        indexer = Indexer(self.cache)
        while batch is not None:
            for group in batch:
                indexer.add_meeting(group)
            batch = receive()
        directory, listing = receive()
        indexer.add_directory(directory)
        given: list[Staging] = []

        def staging() -> Staging:
            if not given:
                given.append(receive())
            return given[0]

        live = published_files(self.out)
        written: Digests = []

        def kept(folder: str) -> bool:
            if not any(path.startswith(f"{folder}/") for path in live):
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
        return pickle.dumps((index.manifest_url, written))
