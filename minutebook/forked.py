"""Work shared out over forked processes, one per core, with the answers back in order.

Forked children see the parent's memory as it was at the fork (the linked archive, compiled
templates), so nothing has to be sent to them; only the answers, bytes, come back through a
pipe. The parent does a share itself. The result is the same list, in the same order, as
doing everything in one process, which is what happens with one core, few items, or no fork.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar

from .errors import BuildError
from .progress import SILENT, Progress

T = TypeVar("T")

FORK_FROM = 300
"""Fewer items than this are done in this process: forking costs more than it saves."""


def workers() -> int:
    """Cores this process may use; 1 where processes cannot be forked."""
    if sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_shared(
    work: Callable[[T], bytes], items: Sequence[T], *, progress: Progress = SILENT, fork_from: int = FORK_FROM
) -> list[bytes]:
    """``[work(item) for item in items]``, spread over every core once there are ``fork_from`` items.

    Item ``i`` goes to process ``i % processes``: put the heaviest items first to share them out evenly.
    """
    count = min(workers(), len(items))
    if count < 2 or len(items) < fork_from:
        return _run(work, items, progress)
    gc.freeze()  # the archive moves to a generation no collection visits: children do not copy it page by page
    children: list[tuple[int, int]] = []
    try:
        children = [_fork(work, items[share::count]) for share in range(1, count)]
        own = _run(work, items[0::count], progress)
        shares = [own] + [_collect(reader, progress) for _, reader in children]
    finally:
        gc.unfreeze()
        for pid, reader in children:  # a child still writing gets a broken pipe and ends
            os.close(reader)
            os.waitpid(pid, 0)
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


def _fork(work: Callable[[T], bytes], share: Sequence[T]) -> tuple[int, int]:
    """Start a child doing ``share``; it pickles ("ok", answers) or ("error", traceback) into a pipe."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        return pid, reader
    status = 1  # the child never returns into the parent's code, whatever happens
    try:
        os.close(reader)
        with os.fdopen(writer, "wb") as pipe:
            try:
                outcome: tuple[str, object] = ("ok", [work(item) for item in share])
            except BaseException:
                outcome = ("error", traceback.format_exc())
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


def _collect(reader: int, progress: Progress) -> list[bytes]:
    try:
        with os.fdopen(reader, "rb", closefd=False) as pipe:
            kind, value = pickle.load(pipe)
    except (EOFError, pickle.UnpicklingError) as error:
        raise BuildError("a worker process stopped before finishing its share of the pages") from error
    if kind != "ok":
        raise BuildError(f"a worker process failed:\n{value}")
    answers: list[bytes] = value
    progress.advance(len(answers))
    return answers
