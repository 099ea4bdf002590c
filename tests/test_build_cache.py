"""The build cache of read documents: a rebuild reads only what changed and publishes the same bytes."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
from pathlib import Path

import pytest

from minutebook import buildcache, calendars, export, parsecache, relink, searchstate
from minutebook.parsecache import CACHE_FILE, POOL_FROM
from minutebook.pipeline import BuildOptions, BuildResult, build

from .conftest import CONTENT, site_bytes

MINUTES = """Minutes of a meeting of the Cabinet held on {when:%A %-d %B %Y} at 2.00 pm at County Hall, Preston

Present:
County Councillor Geoff Driver (Chair)
County Councillor Albert Atkinson

1. Apologies

Apologies were received from County Councillor Keith Iddon.

2. Highways maintenance

County Councillor Albert Atkinson asked about potholes on the A59 at meeting {n}.

Resolved: That the report be noted.
"""


def _build(content: Path, out: Path, cache: Path | None) -> BuildResult:
    return build(BuildOptions(content=content, out=out, cache=cache))


def _seeds(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    return content


def _one_meeting_built(tmp_path: Path) -> tuple[Path, Path, Path]:
    """content/ with one meeting's minutes, built once into tmp_path/first with a cache: (content, cache, minutes)."""
    content, cache = tmp_path / "content", tmp_path / "cache"
    content.mkdir()
    doc = content / "cabinet.txt"
    doc.write_text(MINUTES.format(when=dt.date(2024, 3, 5), n=1), encoding="utf-8")
    _build(content, tmp_path / "first", cache)
    return content, cache, doc


def test_a_rebuild_from_the_cache_publishes_the_same_site_and_accounts_for_every_document(tmp_path: Path) -> None:
    content, cache = _seeds(tmp_path), tmp_path / "cache"
    first = _build(content, tmp_path / "first", cache)
    stored = (cache / CACHE_FILE).read_bytes()
    again = _build(content, tmp_path / "again", cache)
    assert again.published
    assert site_bytes(tmp_path / "again") == site_bytes(tmp_path / "first")
    assert again.problems == first.problems
    assert again.archive.accounts == first.archive.accounts
    assert [a.path for a in again.archive.accounts] == sorted(p.name for p in CONTENT.iterdir() if p.suffix == ".txt")
    assert (cache / CACHE_FILE).read_bytes() == stored, "nothing changed, so the cache is not rewritten"


def test_editing_one_document_changes_only_its_own_meeting(tmp_path: Path) -> None:
    content, cache = _seeds(tmp_path), tmp_path / "cache"
    before = _build(content, tmp_path / "before", cache)
    edited = next(a for a in before.archive.accounts if a.status == "published" and len(a.meetings) == 1)
    path = content / edited.path
    text = path.read_text(encoding="utf-8")
    marker = "Resolved"
    assert marker in text
    path.write_text(text.replace(marker, "Members welcomed the Kittiwake Trail.\n\n" + marker, 1), encoding="utf-8")

    after = _build(content, tmp_path / "after", cache)
    fresh = _build(content, tmp_path / "fresh", None)
    assert site_bytes(tmp_path / "after") == site_bytes(tmp_path / "fresh"), "the cache gives what reading afresh gives"
    assert after.problems == fresh.problems
    meeting = edited.meetings[0]
    page = f"meetings/{meeting}/index.html"
    old, new = site_bytes(tmp_path / "before"), site_bytes(tmp_path / "after")
    assert b"Kittiwake Trail" in new[page] and b"Kittiwake Trail" not in old[page]
    other_meetings = [p for p in old if p.startswith("meetings/") and p.endswith("/index.html") and p != page]
    assert other_meetings and all(old[p] == new[p] for p in other_meetings)
    assert [a.path for a in after.archive.accounts] == [a.path for a in before.archive.accounts]


def test_an_edit_writes_again_only_the_shards_of_the_kept_archive_exports_and_search_records_that_hold_its_meeting(
        tmp_path: Path) -> None:
    """The kept archive's meetings, the exports' records and the search results' records are hundreds of
    megabytes at 10,000 meetings: an edit to one meeting writes again the shard files that hold it, and
    leaves the others' files as they lie."""
    content, cache = tmp_path / "content", tmp_path / "cache"
    content.mkdir()
    for n in range(1, 13):
        (content / f"cabinet-{n:02d}.txt").write_text(MINUTES.format(when=dt.date(2024, n, 5), n=n), encoding="utf-8")
    _build(content, tmp_path / "first", cache)
    shelves = [cache / f"{name}.d" for name in (relink.KEPT_MEETINGS, export.MEETINGS_KEPT, export.EVENTS_KEPT,
                                                 searchstate.RECORDS)]
    before = {shelf: {p.name: p.stat().st_ino for p in shelf.iterdir()} for shelf in shelves}
    assert all(len(files) >= 8 for files in before.values()), "twelve meetings, in many of the 64 shards"

    doc = content / "cabinet-07.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("potholes", "potholes and the Kittiwake Trail"),
                   encoding="utf-8")
    _build(content, tmp_path / "second", cache)
    _build(content, tmp_path / "fresh", None)
    assert site_bytes(tmp_path / "second") == site_bytes(tmp_path / "fresh")
    for shelf in shelves:
        after = {p.name: p.stat().st_ino for p in shelf.iterdir()}
        new = after.keys() - before[shelf].keys()
        gone = before[shelf].keys() - after.keys()
        limit = 1 if shelf.name.startswith(relink.KEPT_MEETINGS) else 2  # a record's new key: another shard
        assert 1 <= len(new) <= limit and len(gone) <= limit, shelf.name
        assert all(after[name] == before[shelf][name] for name in after.keys() - new), "the rest lie as they were"


def test_a_shelf_saved_after_the_value_kept_beside_it_is_not_taken_with_it(tmp_path: Path) -> None:
    """A build stopped between saving the kept archive's meetings and the archive leaves the two apart:
    the next build reads and links afresh rather than take one build's meetings with another's archive."""
    version = "v1"
    files = buildcache.save_shelf(tmp_path, "shelf", version, {"a": b"1", "b": b"2"})
    assert buildcache.load_shelf(tmp_path, "shelf", version, files=files) == {"a": b"1", "b": b"2"}
    buildcache.save_shelf(tmp_path, "shelf", version, {"a": b"1", "b": b"3"})
    assert buildcache.load_shelf(tmp_path, "shelf", version, files=files) is None
    assert buildcache.load_shelf(tmp_path, "shelf", version) == {"a": b"1", "b": b"3"}
    assert buildcache.load_shelf(tmp_path, "shelf", "v2") is None, "other code: nothing"


def test_a_changed_document_is_read_again(tmp_path: Path) -> None:
    content, cache = tmp_path / "content", tmp_path / "cache"
    content.mkdir()
    doc = content / "cabinet.txt"
    doc.write_text(MINUTES.format(when=dt.date(2024, 3, 5), n=1), encoding="utf-8")
    first = _build(content, tmp_path / "first", cache)
    assert [m.id for m in first.archive.meetings] == ["2024-03-05-cabinet"]
    doc.write_text(MINUTES.format(when=dt.date(2024, 4, 9), n=1), encoding="utf-8")
    second = _build(content, tmp_path / "second", cache)
    assert [m.id for m in second.archive.meetings] == ["2024-04-09-cabinet"]


@pytest.fixture
def files_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every document file a build reads (the real reading runs; this only notes it)."""
    names: list[str] = []
    read = parsecache.readable_bytes

    def noted(path: Path, max_bytes: int = parsecache.MAX_BYTES) -> bytes | None:
        names.append(path.name)
        return read(path, max_bytes)

    monkeypatch.setattr(parsecache, "readable_bytes", noted)
    return names


def test_a_rebuild_reads_only_the_documents_whose_stat_changed(
        tmp_path: Path, files_read: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsecache, "STILL", 0)  # the seeds were copied a moment ago: trust their stat at once
    content, cache = _seeds(tmp_path), tmp_path / "cache"
    _build(content, tmp_path / "first", cache)
    files_read.clear()
    _build(content, tmp_path / "again", cache)
    assert files_read == [], "nothing changed: no document is read, not even to hash it"
    edited = content / "000_70d8d57eafc0b373.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("presented", "introduced", 1), encoding="utf-8")
    _build(content, tmp_path / "edited", cache)
    assert set(files_read) == {edited.name}
    _build(content, tmp_path / "fresh", None)
    assert site_bytes(tmp_path / "edited") == site_bytes(tmp_path / "fresh")


def test_an_edit_that_keeps_the_size_and_modification_time_is_still_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsecache, "STILL", 0)
    content, cache, doc = _one_meeting_built(tmp_path)
    before = doc.stat()
    doc.write_text(doc.read_text(encoding="utf-8").replace("potholes", "bollards"), encoding="utf-8")
    os.utime(doc, ns=(before.st_atime_ns, before.st_mtime_ns))  # a tool that restores the time; the change time moves
    assert doc.stat().st_size == before.st_size and doc.stat().st_mtime_ns == before.st_mtime_ns
    _build(content, tmp_path / "second", cache)
    assert b"bollards" in (tmp_path / "second" / "meetings" / "2024-03-05-cabinet" / "index.html").read_bytes()


def test_a_document_changed_just_before_it_was_read_is_read_again_next_build(
        tmp_path: Path, files_read: list[str]) -> None:
    """A second change within the same timestamp would leave its stat as it was: its stat is not trusted."""
    content, cache, doc = _one_meeting_built(tmp_path)  # written a moment before the build read it
    files_read.clear()
    _build(content, tmp_path / "second", cache)
    assert files_read == [doc.name]


def test_calendar_events_come_from_the_cache_until_the_meeting_they_show_changes(tmp_path: Path) -> None:
    content, cache, doc = _one_meeting_built(tmp_path)
    kept = cache / calendars.CACHE_FILE
    version, events = pickle.loads(kept.read_bytes())
    [(key, text)] = events.items()
    assert b"County Hall" in text
    kept.write_bytes(pickle.dumps((version, {key: text.replace(b"County Hall", b"Kittiwake Hall")})))

    unchanged = _build(content, tmp_path / "unchanged", cache)
    assert unchanged.published
    assert b"Kittiwake Hall" in (tmp_path / "unchanged" / "calendar.ics").read_bytes(), "the kept event is used as it is"

    doc.write_text(MINUTES.format(when=dt.date(2024, 3, 5), n=1).replace("County Hall", "Guild Hall"), encoding="utf-8")
    _build(content, tmp_path / "moved", cache)
    _build(content, tmp_path / "fresh", None)
    moved = site_bytes(tmp_path / "moved")
    assert moved == site_bytes(tmp_path / "fresh"), "a rebuild from the cache publishes what a fresh build does"
    assert b"Guild Hall" in moved["calendar.ics"] and b"Kittiwake Hall" not in moved["calendar.ics"]

    version, events = pickle.loads(kept.read_bytes())
    kept.write_bytes(pickle.dumps((version, {key: "not an event" for key in events})))  # damaged: only a miss
    _build(content, tmp_path / "moved", cache)
    assert site_bytes(tmp_path / "moved") == moved


def _index_terms(site: Path) -> str:
    """Every term of the search index's dictionary, as JSON text."""
    [folder] = (p for p in (site / "search").iterdir() if p.is_dir())
    return "".join(p.read_text(encoding="utf-8") for p in sorted((folder / "t").glob("*.json")))


def test_search_terms_come_from_the_cache_until_the_meeting_they_index_changes(tmp_path: Path) -> None:
    content, cache, doc = _one_meeting_built(tmp_path)
    state, records = searchstate.load(cache)
    assert '"pothol"' in _index_terms(tmp_path / "first") and len(state.groups) == len(records) == 2  # + the directory
    pothole = state.names.index("pothol")
    state.entries[pothole] = state.entries[pothole]._replace(head=b"999,1,1,1")
    buildcache.save(cache, searchstate.NAME, searchstate.VERSION, state)

    unchanged = _build(content, tmp_path / "unchanged", cache)
    assert unchanged.published
    assert '["pothol",' in _index_terms(tmp_path / "unchanged")
    assert ',[999,1,1,1],' in _index_terms(tmp_path / "unchanged"), "the term's kept entry is used as it is"

    doc.write_text(MINUTES.format(when=dt.date(2024, 3, 5), n=1).replace("potholes", "gritting"), encoding="utf-8")
    _build(content, tmp_path / "edited", cache)
    _build(content, tmp_path / "fresh", None)
    edited = site_bytes(tmp_path / "edited")
    assert edited == site_bytes(tmp_path / "fresh"), "a rebuild from the cache publishes what a fresh build does"
    assert '"grit"' in _index_terms(tmp_path / "edited") and "999" not in _index_terms(tmp_path / "edited")

    kept = cache / searchstate.NAME
    kept.write_bytes(kept.read_bytes()[:-1000])  # cut short
    _build(content, tmp_path / "again", cache)
    assert site_bytes(tmp_path / "again") == edited
    state, _ = searchstate.load(cache)
    state.rows.terms[0] = len(state.names)  # a row naming a term there is not
    buildcache.save(cache, searchstate.NAME, searchstate.VERSION, state)
    assert searchstate.load(cache)[0].names == []
    _build(content, tmp_path / "once more", cache)
    assert site_bytes(tmp_path / "once more") == edited


def test_removing_the_oldest_meeting_leaves_the_search_index_a_fresh_build_would_make(tmp_path: Path) -> None:
    """Once the oldest meeting has gone, every document after it is numbered one meeting earlier, and
    each term it had has fewer postings: the rebuild must rank those terms again."""
    content, cache = tmp_path / "content", tmp_path / "cache"
    content.mkdir()
    sentences = ["Gritting, drainage and then potholes were discussed.", "Potholes, drainage and then gritting.",
                 "Drainage only."]
    for n, sentence in enumerate(sentences):
        minutes = MINUTES.format(when=dt.date(2024, 3, 5 + 7 * n), n=n).replace("asked about", f"said: {sentence}")
        (content / f"cabinet-{n}.txt").write_text(minutes, encoding="utf-8")
    _build(content, tmp_path / "site", cache)
    (content / "cabinet-0.txt").unlink()
    _build(content, tmp_path / "site", cache)
    _build(content, tmp_path / "fresh", None)
    assert site_bytes(tmp_path / "site") == site_bytes(tmp_path / "fresh")


def test_a_corrupt_cache_is_ignored_without_a_traceback(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    content, cache = _seeds(tmp_path), tmp_path / "cache"
    clean = _build(content, tmp_path / "clean", None)
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(b"\x80\x05not a pickle at all")
    result = _build(content, tmp_path / "site", cache)
    assert result.published and result.problems == clean.problems
    assert site_bytes(tmp_path / "site") == site_bytes(tmp_path / "clean")
    assert "Traceback" not in capsys.readouterr().err

    entries = pickle.loads((cache / CACHE_FILE).read_bytes())
    damaged = {key: blob[: len(blob) // 2] for key, blob in entries.items()}  # every entry cut short
    (cache / CACHE_FILE).write_bytes(pickle.dumps(damaged))
    again = _build(content, tmp_path / "again", cache)
    assert again.problems == clean.problems
    assert site_bytes(tmp_path / "again") == site_bytes(tmp_path / "clean")


def test_many_documents_are_read_in_parallel_in_path_order(tmp_path: Path) -> None:
    content, cache = tmp_path / "content", tmp_path / "cache"
    content.mkdir()
    first_day = dt.date(2020, 1, 7)
    count = POOL_FROM + 12
    for n in range(count):
        when = first_day + dt.timedelta(weeks=n)
        (content / f"{n:03d}-cabinet.txt").write_text(MINUTES.format(when=when, n=n), encoding="utf-8")
    (content / "broken.txt").write_bytes(b"\x00\x01\x02 binary")
    cold = _build(content, tmp_path / "cold", cache)
    warm = _build(content, tmp_path / "warm", cache)
    assert [a.path for a in cold.archive.accounts] == sorted(p.name for p in content.iterdir())
    assert len(cold.archive.meetings) == count
    assert [str(p) for p in cold.problems if p.level == "error"] == [
        "broken.txt: error: binary file, not a text document"
    ]
    assert not cold.published
    assert warm.problems == cold.problems and warm.archive == cold.archive
