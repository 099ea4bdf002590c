"""Work shared over forked processes: every page written exactly once, whoever writes it, and the same site."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from minutebook import forked
from minutebook.pipeline import BuildOptions, build
from minutebook.progress import Progress

from .test_build_cache import MINUTES, _files


def test_a_shared_queue_hands_each_number_to_exactly_one_process() -> None:
    if forked.workers() < 2:
        pytest.skip("needs two cores and fork")
    queue = forked.Queue(5000)

    def take(_: Progress) -> bytes:
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
    pages = _files(tmp_path / "shared")
    assert len([p for p in pages if p.startswith("meetings/") and p.endswith("/index.html")]) > 120
    assert pages == _files(tmp_path / "alone")
