"""A clerk's edit to one meeting's documents is read and linked again alone, and the archive is the one
linking everything would give.

With a build cache, a build keeps the archive as linking left it; the next one reads only the documents
that changed and links only their meetings again, unless what they now say changes what linking decides
across meetings (who is who, the topics, which meeting is which): then it links everything. Each case
edits the content as staff would, understands it with the cache and without one, and checks that both
give the same archive and problems, and which way the cache took. Real documents, real reading and linking.
"""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from minutebook import pipeline
from minutebook.link import LinkInput
from minutebook.model import Archive, Problem
from minutebook.relink import KEPT

from .test_build_cli import MINUTES

SEEDS = Path(__file__).resolve().parent.parent / "content"
PACK = "004_58e9679888508d11.txt"
"""The seeds' agenda pack: the 26 February 2019 agenda and reports, with the 5 December 2018 minutes for approval."""


def the_packs_minutes() -> str:
    """The 5 December 2018 minutes as the pack reprints them, to publish on their own (the pack's copy gives way)."""
    text = (SEEDS / PACK).read_text(encoding="utf-8")
    start = text.index("Lancashire County Council\n\nCabinet Committee on Performance Improvement\n\nMinutes of the")
    end = text.index("in due course.", start) + len("in due course.")
    return text[start:end] + "\n"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(SEEDS, folder)
    (folder / "parish.txt").write_text(MINUTES, encoding="utf-8")
    (folder / "2018-12-05-minutes.txt").write_text(the_packs_minutes(), encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a document")  # skipped, with its reason, every build
    return folder


@pytest.fixture
def linked_everything(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many meetings each build linked from scratch (the real linking runs; this only counts)."""
    counts: list[int] = []
    link = pipeline.link

    def counted(given: LinkInput):  # type: ignore[no-untyped-def]
        counts.append(len(given.parsed))
        return link(given)

    monkeypatch.setattr(pipeline, "link", counted)
    return counts


def understood(content: Path, cache: Path | None) -> tuple[Archive, tuple[Problem, ...]]:
    return pipeline.understand(content, cache=cache)


def edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


EDITS: dict[str, tuple[str, Callable[[str], str], bool]] = {
    # what the clerk did: (document, the edit, whether the cache links that document's meetings alone)
    "a sentence reworded in one set of minutes": (
        "000_70d8d57eafc0b373.txt", lambda t: t.replace("presented", "introduced", 1), True),
    "a decision reworded": ("parish.txt", lambda t: t.replace("be supported", "be refused"), True),
    "a report in the agenda pack reworded (a document of two meetings)": (
        PACK, lambda t: t.replace("The Cabinet Committee noted", "The Cabinet Committee also noted", 1), True),
    "a sentence added to the minutes the pack reprints": (
        "2018-12-05-minutes.txt", lambda t: t.replace("in due course.", "in due course. A date was agreed."), True),
    "the lone agenda item's text reworded": ("002_ea2e453e723765dc.txt", lambda t: t.replace("attended", "came", 1),
                                             True),
    "the chair's name spelt out": ("parish.txt", lambda t: t.replace("A Smith (Chairman)", "Alice Smith (Chairman)"),
                                   False),
    "a line inserted above the names": ("003_00d6487a98f72f3b.txt", lambda t: t.replace("Present:", "\nPresent:", 1),
                                        False),
    "an item's title changed": ("parish.txt", lambda t: t.replace("2. Planning", "2. Planning Applications"), False),
    "a theme named twice in an item": (
        "parish.txt", lambda t: t.replace("Resolved: That the application", "Brexit was discussed and Brexit was noted.\n\n"
                                          "Resolved: That the application"), False),
    "the meeting's date corrected": ("parish.txt", lambda t: t.replace("9th September 2024", "10th September 2024"),
                                     False),
}


@pytest.mark.parametrize("what", EDITS)
def test_an_edit_gives_the_archive_linking_everything_gives(
        what: str, content: Path, tmp_path: Path, linked_everything: list[int]) -> None:
    cache = tmp_path / "cache"
    understood(content, cache)
    assert linked_everything == [7]  # documents
    name, change, alone = EDITS[what]
    edit(content / name, change)
    again = understood(content, cache)
    assert len(linked_everything) == (1 if alone else 2)
    assert again == understood(content, None)


def test_edits_one_after_another_each_give_the_archive_linking_everything_gives(
        content: Path, tmp_path: Path, linked_everything: list[int]) -> None:
    """Each build keeps what it linked again for the next: a second edit starts from the first's archive."""
    cache = tmp_path / "cache"
    understood(content, cache)
    for what, (name, change, alone) in EDITS.items():
        before = len(linked_everything)
        edit(content / name, change)
        assert understood(content, cache) == understood(content, None), what
        assert len(linked_everything) == before + (1 if alone else 2), what  # the second count is the fresh one


def test_nothing_changed_links_nothing(content: Path, tmp_path: Path, linked_everything: list[int]) -> None:
    cache = tmp_path / "cache"
    first = understood(content, cache)
    assert understood(content, cache) == first
    assert linked_everything == [7]


def test_documents_added_or_removed_are_linked_with_everything(
        content: Path, tmp_path: Path, linked_everything: list[int]) -> None:
    cache = tmp_path / "cache"
    understood(content, cache)
    (content / "2018-12-05-minutes.txt").unlink()  # the pack's copy speaks for the meeting again
    assert understood(content, cache) == understood(content, None)
    (content / "later.txt").write_text(MINUTES.replace("9th September 2024", "14th October 2024"), encoding="utf-8")
    assert understood(content, cache) == understood(content, None)
    assert linked_everything == [7, 6, 6, 7, 7]


@pytest.mark.parametrize("broken", [b"Nothing to see here.\n", b"Anytown Parish Council\n\xff\xfe\n" + MINUTES.encode()])
def test_a_document_broken_by_an_edit_is_accounted_for_as_linking_everything_does(
        broken: bytes, content: Path, tmp_path: Path, linked_everything: list[int]) -> None:
    cache = tmp_path / "cache"
    understood(content, cache)
    (content / "parish.txt").write_bytes(broken)
    again = understood(content, cache)
    assert again == understood(content, None)
    assert [p for p in again[1] if p.source.path == "parish.txt"]


def test_new_people_overrides_link_everything(content: Path, tmp_path: Path, linked_everything: list[int]) -> None:
    cache = tmp_path / "cache"
    understood(content, cache)
    (content / "people.toml").write_text('[[person]]\nname = "Alice Smith"\naliases = ["A Smith"]\n', encoding="utf-8")
    assert understood(content, cache) == understood(content, None)
    assert len(linked_everything) == 3


def test_a_damaged_kept_archive_is_read_and_linked_afresh(
        content: Path, tmp_path: Path, linked_everything: list[int]) -> None:
    cache = tmp_path / "cache"
    understood(content, cache)
    version, kept = pickle.loads((cache / KEPT).read_bytes())
    damaged = replace(kept, meetings={i: blob[: len(blob) // 2] for i, blob in kept.meetings.items()})
    (cache / KEPT).write_bytes(pickle.dumps((version, damaged)))
    assert understood(content, cache) == understood(content, None)
    edit(content / "parish.txt", lambda t: t.replace("be supported", "be refused"))
    assert understood(content, cache) == understood(content, None)
    assert linked_everything == [7, 7, 7, 7]
