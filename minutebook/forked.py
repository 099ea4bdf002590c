"""Work shared out over forked processes, one per core, with the answers back in order.

Forked children see the parent's memory as it was at the fork (the linked archive, compiled
templates), so nothing has to be sent to them; only the answers, bytes, come back. A child
writes each answer to a temporary file as soon as it is done, so it never holds more than the
answer it is working on (hundreds of megabytes of pages otherwise), and the parent reads them
once its own share is done. The result is the same list, in the same order, as doing everything
in one process, which is what happens with one core, few items, or no fork.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, TypeVar

from .errors import BuildError
from .progress import SILENT, Progress

T = TypeVar("T")

FORK_FROM = 300
"""Fewer items than this are done in this process: forking costs more than it saves."""


_taken = 0
"""Cores taken by this process's Background children while they run (every core, in such a child):
work shared out meanwhile uses the rest, so no more processes run than there are cores, each one
holding its own copy of every page of the archive it touches."""


def workers() -> int:
    """Cores this process may use; 1 where processes cannot be forked."""
    return max(1, _cores() - _taken) if _can_fork() else 1


def _can_fork() -> bool:
    return sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods()


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_shared(
    work: Callable[[T], bytes], items: Sequence[T], *, progress: Progress = SILENT, fork_from: int = FORK_FROM
) -> list[bytes]:
    """``[work(item) for item in items]``, spread over every core once there are ``fork_from`` items.

    Item ``i`` goes to process ``i % processes``: put the heaviest items first to share them out evenly.
    """
    collecting = gc.isenabled()
    gc.disable()  # the work makes many objects and no cycles: a collection would only walk the whole archive
    try:
        return _shared(work, items, progress, fork_from)
    finally:
        if collecting:
            gc.enable()


def _shared(work: Callable[[T], bytes], items: Sequence[T], progress: Progress, fork_from: int) -> list[bytes]:
    count = min(workers(), len(items))
    if count < 2 or len(items) < fork_from:
        return _run(work, items, progress)
    gc.freeze()  # the archive moves to a generation no collection visits: children do not copy it page by page
    children: list[_Child] = []
    try:
        children = [_fork(work, items[share::count]) for share in range(1, count)]
        own = _run(work, items[0::count], progress)
        shares = [own] + [child.answers(progress) for child in children]
    finally:
        gc.unfreeze()
        for child in children:
            child.end()
    merged: list[bytes] = [b""] * len(items)
    for share, answers in enumerate(shares):
        merged[share::count] = answers
    return merged


def _run(work: Callable[[T], bytes], items: Sequence[T], progress: Progress) -> list[bytes]:
    answers = []
    for item in items:
        answers.append(work(item))
        progress.advance()
    return answers


class Queue:
    """The numbers 0 .. count-1, each handed to whichever process asks first.

    Made before processes are forked, it is shared by all of them: work is taken as each process
    has time for it, so one that starts late (a Background child, once its own work is done) still
    takes its share. Where it cannot be shared (no fork, no shared memory) ``shared`` is False and
    only the process that made it may take from it.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self._taken = 0
        self._next: Any = None
        if _can_fork():
            try:
                self._next = multiprocessing.get_context("fork").Value("q", 0)
            except (OSError, ValueError):  # no shared memory or semaphores here
                self._next = None
        self.shared = self._next is not None

    def __iter__(self) -> Iterator[int]:
        while (number := self._take()) < self.count:
            yield number

    def _take(self) -> int:
        if self._next is None:
            self._taken += 1
            return self._taken - 1
        with self._next.get_lock():
            number = int(self._next.value)
            self._next.value = number + 1
        return number


def everyone(work: Callable[[Progress], bytes], *, progress: Progress = SILENT) -> list[bytes]:
    """``work`` run at once in this process and in a forked child on each other free core: for work
    that takes its items from a shared Queue. This process's answer first; children report no progress."""
    count = workers()
    collecting = gc.isenabled()
    gc.disable()
    children: list[_Child] = []
    try:
        if count > 1:
            gc.freeze()
            children = [_fork(lambda _: work(SILENT), [None]) for _ in range(1, count)]
        own = work(progress)
        return [own] + [child.answers(SILENT)[0] for child in children]
    finally:
        if count > 1:
            gc.unfreeze()
        for child in children:
            child.end()
        if collecting:
            gc.enable()


class Background:
    """``work()`` done by a forked child while this process gets on with something else.

    Used as a context manager, so the child is ended however the block is left. With one core, or
    where processes cannot be forked, ``result`` does the work here instead.
    """

    def __init__(self, work: Callable[[], bytes]) -> None:
        self.work = work
        self.child: _Child | None = None
        self.holds_core = False

    def __enter__(self) -> Background:
        global _taken
        if workers() > 1:
            self.child = _fork(self._alone, [None])
            self.holds_core = True
            _taken += 1
        return self

    def _alone(self, _: None) -> bytes:
        """In the child: the work, forking nothing more (the parent goes on with the other cores)."""
        global _taken
        _taken = _cores()
        return self.work()

    def result(self) -> bytes:
        """What ``work()`` returned, once the child has ended; BuildError if it failed."""
        if self.child is None:
            return self.work()
        try:
            return self.child.answers(SILENT)[0]
        finally:
            self._released()

    def __exit__(self, *exc: object) -> None:
        if self.child is not None:
            self.child.end()
            self._released()

    def _released(self) -> None:
        """The child has ended: its core is free again."""
        global _taken
        if self.holds_core and self.child is not None and not self.child.running:
            self.holds_core = False
            _taken -= 1


_ANSWER, _FAILED, _DONE = b"a", b"f", b"d"
"""What a child writes: each answer, then done, or a traceback if its work failed; each after its length."""


def _fork(work: Callable[[T], bytes], share: Sequence[T]) -> _Child:
    """Start a child doing ``share``, writing each answer to a temporary file as soon as it has it."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- kept open until _Child.end, after the child has ended
    pid = os.fork()
    if pid:
        return _Child(pid, spool)
    status = 1  # the child never returns into the parent's code, whatever happens
    try:
        gc.disable()  # a collection would touch, and so copy, every page of the parent's memory
        with open(spool.fileno(), "wb", closefd=False) as out:
            try:
                for item in share:
                    _write(out, _ANSWER, work(item))
            except BaseException:
                _write(out, _FAILED, traceback.format_exc().encode())
            else:
                _write(out, _DONE, b"")
        status = 0
    finally:
        os._exit(status)


def _write(out: BinaryIO, kind: bytes, body: bytes) -> None:
    out.write(kind + len(body).to_bytes(8, "little"))
    out.write(body)


class _Child:
    """A child process and the file it writes its answers to."""

    def __init__(self, pid: int, spool: BinaryIO) -> None:
        self.pid = pid
        self.spool = spool
        self.running = True

    def answers(self, progress: Progress) -> list[bytes]:
        """Every answer, once the child has ended; BuildError if it failed or died."""
        os.waitpid(self.pid, 0)
        self.running = False
        self.spool.seek(0)
        answers: list[bytes] = []
        while len(header := self.spool.read(9)) == 9:
            body = self.spool.read(int.from_bytes(header[1:], "little"))
            if header[:1] == _ANSWER:
                answers.append(body)
            elif header[:1] == _DONE:
                progress.advance(len(answers))
                return answers
            else:
                raise BuildError(f"a worker process failed:\n{body.decode()}")
        raise BuildError("a worker process stopped before finishing its share of the pages")

    def end(self) -> None:
        """A child still working (the parent's own share failed) is stopped; its file is let go."""
        if self.running:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
            self.running = False
        self.spool.close()
