"""Work shared out over forked processes, one per core, with the answers back in order.

Forked children see the parent's memory as it was at the fork (the linked archive, compiled
templates), so nothing has to be sent to them; only the answers, bytes, come back. A child
writes each answer to a temporary file as soon as it is done, so it never holds more than the
answer it is working on (hundreds of megabytes of pages otherwise), and the parent reads them
once its own share is done. The result is the same list, in the same order, as doing everything
in one process, which is what happens with one core, few items, or no fork. (A Worker is forked
before there is anything to share, and is sent its input.)
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any, BinaryIO, TypeVar

from .errors import BuildError
from .progress import SILENT, Progress

T = TypeVar("T")

PIPE_BYTES = 1 << 20
"""What a Worker's pipe holds (Linux's limit for unprivileged processes; 64 kB by default)."""
FORK_FROM = 300
"""Fewer items than this are done in this process: forking costs more than it saves."""


_holding: list[_Child] = []
"""This process's Background and Worker children, each holding a core while it works: work shared out
meanwhile uses the rest, so no more processes run than there are cores, each one holding its own copy
of every page of the archive it touches."""
_forked = False
"""True in a forked child: only the first process forks, so a child works on its one core."""


def workers() -> int:
    """Cores this process may use now; 1 in a forked child and where processes cannot be forked."""
    if _forked or not _can_fork():
        return 1
    return max(1, _cores() - sum(not child.ended() for child in _holding))


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


Recruit = Callable[[], None]
"""Called by shared work between its items: a core freed meanwhile gets a child doing the work too."""


def everyone(work: Callable[[Progress, Recruit], bytes], *, progress: Progress = SILENT,
             fork: bool = True) -> list[bytes]:
    """``work(progress, recruit)`` run at once in this process and in a forked child on each other
    free core, for work that takes its items from a shared Queue. This process calls ``recruit``
    between items: when a Background or Worker child has ended since, its core gets a child too,
    which takes what is left. This process's answer first; children report no progress.

    Without ``fork`` (the Queue is not shared, or the work is too small to be worth a child), this
    process does it all."""
    if not fork:
        return [work(progress, _no_recruits)]
    collecting = gc.isenabled()
    gc.disable()
    children: list[_Child] = []

    def recruit() -> None:
        while workers() > len(children) + 1:
            gc.freeze()  # the archive moves to a generation no collection visits: children do not copy it
            children.append(_fork(lambda _: work(SILENT, _no_recruits), [None]))

    try:
        recruit()
        own = work(progress, recruit)
        return [own] + [child.answers(SILENT)[0] for child in children]
    finally:
        if children:
            gc.unfreeze()
        for child in children:
            child.end()
        if collecting:
            gc.enable()


def _no_recruits() -> None:
    """In a child: it forks nobody."""


class Background:
    """``work()`` done by a forked child while this process gets on with something else.

    Used as a context manager, so the child is ended however the block is left. With one core, or
    where processes cannot be forked, ``result`` does the work here instead.
    """

    def __init__(self, work: Callable[[], bytes]) -> None:
        self.work = work
        self.child: _Child | None = None

    def __enter__(self) -> Background:
        if workers() > 1:
            self.child = _fork(lambda _: self.work(), [None])
            _holding.append(self.child)
        return self

    def result(self) -> bytes:
        """What ``work()`` returned, once the child has ended; BuildError if it failed."""
        if self.child is None:
            return self.work()
        return self.child.answers(SILENT)[0]

    def __exit__(self, *exc: object) -> None:
        if self.child is not None:
            _let_go(self.child)


class Worker:
    """``work(receive)`` done by a child forked early, while this process is small, and sent its
    input later: each ``receive()`` returns the next value this process has ``send``-ed, pickled over.
    ``work`` yields its answer, then may go on (with what only the next build needs): ``result``
    has the answer as soon as it is yielded, and the context's end waits for the rest.

    A child forked once this process holds the whole archive touches, and so copies, much of it
    (742 MB for the search index at 10,000 meetings, and more system time than the work itself).
    Forked before the archive is read, it starts from the imported modules alone and is sent only
    what it needs. It holds no core until ``working`` is called (until then it waits for input), and
    frees it when it ends. With one core, or where processes cannot be forked, ``result`` does the
    work here, receiving what was sent. Used as a context manager, so the child is ended however
    the block is left.
    """

    def __init__(self, work: Callable[[Callable[[], Any]], Iterator[bytes]]) -> None:
        self.work = work
        self.child: _Child | None = None
        self.pipe: Connection | None = None
        self.sent: deque[Any] = deque()
        self.answered: Connection | None = None
        """Where the child says its answer is in ``answer``."""
        self.answer: BinaryIO | None = None
        self.delivered = False

    def __enter__(self) -> Worker:
        if workers() > 1:
            receiving, sending = multiprocessing.Pipe(duplex=False)
            _widen(sending)
            answered, answering = multiprocessing.Pipe(duplex=False)
            answer = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in __exit__

            def in_child(_: None) -> bytes:
                sending.close()
                answered.close()
                sys.setswitchinterval(0.0005)  # the thread receiving gets its turn soon: the parent never waits long
                inbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
                threading.Thread(target=_receive_all, args=(receiving, inbox), daemon=True).start()
                steps = self.work(lambda: _unpickled(inbox.get()))
                with open(answer.fileno(), "wb", closefd=False) as out:
                    out.write(next(steps))
                answering.send_bytes(b"")
                for _step in steps:  # what the work does after its answer
                    pass
                return b""

            self.child = _fork(in_child, [None])
            receiving.close()
            answering.close()
            self.pipe, self.answered, self.answer = sending, answered, answer
        return self

    def send(self, value: Any) -> None:
        """Hand the child its next input (it may still be taking the last one)."""
        if self.pipe is None or self.child is None:
            self.sent.append(value)
            return
        try:
            self.pipe.send_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # the child has stopped listening: what it reported, if it failed
            self.child.answers(SILENT)
            raise BuildError("a worker process ended before it was sent all of its work") from None

    def working(self) -> None:
        """From here the child works: it holds a core until it ends."""
        if self.child is not None and self.child not in _holding:
            _holding.append(self.child)

    def result(self) -> bytes:
        """What ``work`` yielded, once it has; BuildError if it failed first."""
        if self.child is None or self.answered is None or self.answer is None:
            steps = self.work(self.sent.popleft)
            answer = next(steps)
            for _ in steps:
                pass
            return answer
        try:
            self.answered.recv_bytes()
        except EOFError:  # the child ended without an answer: what it reported
            self.child.answers(SILENT)
            raise BuildError("a worker process ended without an answer") from None
        self.answer.seek(0)
        self.delivered = True
        return self.answer.read()

    def __exit__(self, *exc: object) -> None:
        if self.pipe is not None:
            self.pipe.close()
        if self.child is not None:
            if self.delivered and exc == (None, None, None):
                self.child.wait()  # what it does after its answer: for the next build only, so its failure is ignored
            _let_go(self.child)
        for opened in (self.answered, self.answer):
            if opened is not None:
                opened.close()


def _widen(pipe: Connection) -> None:
    """A bigger pipe, where the system allows it: fewer turns to receive a message."""
    with contextlib.suppress(ImportError, OSError, AttributeError):
        import fcntl  # Linux's, and only there with F_SETPIPE_SZ

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _receive_all(pipe: Connection, inbox: queue.SimpleQueue[bytes | None]) -> None:
    """In a Worker's child, on a thread of its own: everything sent, as soon as it is sent, so the
    parent never waits for the child to finish with its last input before sending the next."""
    try:
        while True:
            inbox.put(pipe.recv_bytes())
    except (EOFError, OSError):
        inbox.put(None)


def _unpickled(message: bytes | None) -> Any:
    if message is None:
        raise EOFError("the build stopped sending")
    return pickle.loads(message)


def _let_go(child: _Child) -> None:
    """A child this process has done with: stopped if still working, its core and file released."""
    child.end()
    if child in _holding:
        _holding.remove(child)


_ANSWER, _FAILED, _DONE = b"a", b"f", b"d"
"""What a child writes: each answer, then done, or a traceback if its work failed; each after its length."""


def _fork(work: Callable[[T], bytes], share: Sequence[T]) -> _Child:
    """Start a child doing ``share``, writing each answer to a temporary file as soon as it has it."""
    global _forked
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- kept open until _Child.end, after the child has ended
    pid = os.fork()
    if pid:
        return _Child(pid, spool)
    status = 1  # the child never returns into the parent's code, whatever happens
    try:
        _forked = True
        _holding.clear()  # the parent's children, not this one's
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

    def ended(self) -> bool:
        """Whether the child has ended (it is then reaped), without waiting."""
        if self.running and os.waitpid(self.pid, os.WNOHANG)[0]:
            self.running = False
        return not self.running

    def answers(self, progress: Progress) -> list[bytes]:
        """Every answer, once the child has ended; BuildError if it failed or died."""
        self.wait()
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

    def wait(self) -> None:
        """Until the child has ended."""
        if self.running:
            os.waitpid(self.pid, 0)
            self.running = False

    def end(self) -> None:
        """A child still working (the parent's own share failed) is stopped; its file is let go."""
        if self.running:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
            self.running = False
        self.spool.close()
