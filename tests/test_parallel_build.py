"""Work shared over forked processes: every page written exactly once, whoever writes it, and the same site."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from minutebook import forked
from minutebook.errors import BuildError
from minutebook.pipeline import BuildOptions, build
from minutebook.progress import Progress

from .conftest import site_bytes
from .test_build_cache import MINUTES, _seeds


def test_a_shared_queue_hands_each_number_to_exactly_one_process() -> None:
    if forked.workers() < 2:
        pytest.skip("needs two cores and fork")
    queue = forked.Queue(5000)

    def take(_: Progress, recruit: forked.Recruit) -> bytes:
        return pickle.dumps(list(queue))

    answers = [pickle.loads(answer) for answer in forked.everyone(take)]
    assert len(answers) == forked.workers()
    taken = [number for answer in answers for number in answer]
    assert sorted(taken) == list(range(5000))  # none twice, none missed
    assert all(answers), "every process took some of the work"


def test_pages_written_by_several_processes_make_the_same_site_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for n in range(120):
        when = dt.date(2015, 1, 6) + dt.timedelta(weeks=n)
        (content / f"{n:03d}-cabinet.txt").write_text(MINUTES.format(when=when, n=n), encoding="utf-8")
    shared = build(BuildOptions(content=content, out=tmp_path / "shared"))
    monkeypatch.setattr(forked, "_cores", lambda: 1)  # one core: the search index and every page in this process
    alone = build(BuildOptions(content=content, out=tmp_path / "alone"))
    assert shared.published and alone.published
    pages = site_bytes(tmp_path / "shared")
    assert len([p for p in pages if p.startswith("meetings/") and p.endswith("/index.html")]) > 120
    assert pages == site_bytes(tmp_path / "alone")


def _two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    if not forked._can_fork():
        pytest.skip("needs fork")
    monkeypatch.setattr(forked, "_cores", lambda: 2)


def _everything_sent(receive: Callable[[], Any]) -> Iterator[bytes]:
    yield pickle.dumps(list(iter(receive, None)))


def test_a_worker_forked_early_is_sent_its_input_and_answers_as_the_work_would_here(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_cores(monkeypatch)
    sent = [["minutes", 1], {"agenda": (2, 3)}, "reports" * 10_000]
    with forked.Worker(_everything_sent) as worker:
        assert worker.child is not None and forked.workers() == 2  # idle: it holds no core yet
        for value in [*sent, None]:
            worker.send(value)
        worker.working()
        forked_answer = pickle.loads(worker.result())
    monkeypatch.setattr(forked, "_cores", lambda: 1)
    with forked.Worker(_everything_sent) as alone:
        assert alone.child is None
        for value in [*sent, None]:
            alone.send(value)
        answered_here = pickle.loads(alone.result())
    assert forked_answer == answered_here == sent


def test_a_worker_that_fails_reports_its_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _two_cores(monkeypatch)

    def fails(receive: Callable[[], Any]) -> Iterator[bytes]:
        raise ValueError(f"cannot index {receive()!r}")
        yield b""  # a generator, as a worker's work is

    with forked.Worker(fails) as worker:
        worker.send("item 4")
        with pytest.raises(BuildError, match="cannot index 'item 4'"):
            worker.result()


def test_a_workers_answer_comes_before_what_it_does_after_and_the_build_waits_for_that(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search worker answers, then keeps what the next build needs while this one publishes."""
    _two_cores(monkeypatch)
    kept = tmp_path / "kept"

    def index(receive: Callable[[], Any]) -> Iterator[bytes]:
        yield pickle.dumps(receive())
        time.sleep(0.3)
        kept.write_text("for the next build", encoding="utf-8")

    with forked.Worker(index) as worker:
        worker.working()
        worker.send("index written")
        assert pickle.loads(worker.result()) == "index written"
        assert not kept.exists()
    assert kept.read_text(encoding="utf-8") == "for the next build"


def test_a_worker_never_asked_for_its_answer_is_stopped_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that will not publish never asks for the index: the worker is stopped when the build ends."""
    _two_cores(monkeypatch)

    def index(receive: Callable[[], Any]) -> Iterator[bytes]:
        time.sleep(30)
        yield pickle.dumps(receive())

    started = time.perf_counter()
    with forked.Worker(index) as worker:
        worker.working()
    assert time.perf_counter() - started < 10


def test_the_core_a_worker_frees_while_pages_are_written_gets_a_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    """The search worker ends while the pages are being written: its core takes pages from then on."""
    _two_cores(monkeypatch)
    parent = os.getpid()
    queue = forked.Queue(400)
    def answer(receive: Callable[[], Any]) -> Iterator[bytes]:
        yield pickle.dumps(receive())

    with forked.Worker(answer) as index:
        index.working()

        def take(_: Progress, recruit: forked.Recruit) -> bytes:
            taken = []
            for number in queue:
                taken.append(number)
                if number == 10 and os.getpid() == parent:
                    index.send("index written")  # the worker's work is done: it ends
                time.sleep(0.002)
                recruit()
            return pickle.dumps(taken)

        shares = [pickle.loads(answer) for answer in forked.everyone(take)]
        assert pickle.loads(index.result()) == "index written"
    assert len(shares) == 2, "a helper was forked once the worker had ended"
    assert shares[0][:11] == list(range(11))  # this process alone until then
    assert shares[1], "the helper took pages"
    assert sorted(shares[0] + shares[1]) == list(range(400))  # none twice, none missed


def test_a_build_that_does_not_publish_stops_its_search_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--strict with a warning: nothing is published, and no process is left behind."""
    _two_cores(monkeypatch)
    forks: list[int] = []
    real_fork = os.fork

    def counted_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted_fork)
    result = build(BuildOptions(content=_seeds(tmp_path), out=tmp_path / "site", strict=True))
    assert not result.published and result.warnings
    assert not (tmp_path / "site").exists()
    assert forks, "the search worker was forked"
    for pid in forks:
        with pytest.raises(ChildProcessError):  # ended and reaped
            os.waitpid(pid, os.WNOHANG)
    assert not forked._holding


def test_names_searched_on_two_cores_while_the_topics_are_worked_out_give_the_same_site_as_one_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linking searches item texts for people from a shared queue, here and, once the topics child
    ends, on its core too: whichever process searched a text, the pages name the same people."""
    from minutebook import link, people

    _two_cores(monkeypatch)
    content = tmp_path / "content"
    content.mkdir()
    for n in range(40):
        when = dt.date(2015, 1, 6) + dt.timedelta(weeks=n)
        (content / f"{n:03d}-cabinet.txt").write_text(MINUTES.format(when=when, n=n), encoding="utf-8")
    monkeypatch.setattr(link, "MENTION_CHUNK", 2)  # many small chunks, so the queue is shared
    searchers = tmp_path / "searchers"
    real_find, parent = people.find_mentions, os.getpid()

    def slow_find(text: str, sought: Any) -> tuple[str, ...]:
        with searchers.open("a") as log:
            log.write(f"{os.getpid()}\n")
        deadline = time.monotonic() + 10
        while os.getpid() == parent and forked.workers() < 2 and time.monotonic() < deadline:
            time.sleep(0.01)  # this process searches alone until the topics child has ended and freed its core
        time.sleep(0.01)  # each chunk takes a while, so the helper forked then has chunks left to take
        return real_find(text, sought)

    monkeypatch.setattr(people, "find_mentions", slow_find)
    shared = build(BuildOptions(content=content, out=tmp_path / "shared"))
    assert len(set(searchers.read_text().split())) == 2, "a helper took chunks once the topics were done"
    monkeypatch.setattr(people, "find_mentions", real_find)
    monkeypatch.setattr(forked, "_cores", lambda: 1)
    alone = build(BuildOptions(content=content, out=tmp_path / "alone"))
    assert shared.published and alone.published
    pages = site_bytes(tmp_path / "shared")
    person = next(p for p in pages if p.startswith("people/albert-atkinson") and p.endswith("index.html"))
    assert pages[person].count(b"/meetings/") >= 40  # named at every meeting
    assert pages == site_bytes(tmp_path / "alone")
