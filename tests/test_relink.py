"""A clerk's edit to one meeting's documents, or last week's minutes added, is read and linked again alone,
and the archive is the one linking everything would give.

With a build cache, a build keeps the archive as linking left it; the next one reads only the documents
that changed, came or went and links only their meetings again, with the meetings next to them and those
that refer to their dates. What linking decides across meetings (who is who, the topics, which meeting
is which) stands if they tell it the same, and is otherwise worked out again from what every meeting told
it; only when the people every text is searched for change does it link everything. Each case changes the
content as staff would, understands it with the cache and without one, and checks that both give the
same archive and problems, and which way the cache took. Real documents, real reading and linking.
"""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from minutebook import pipeline, relink
from minutebook.errors import BuildError
from minutebook.link import LinkInput
from minutebook.model import Archive, Problem
from minutebook.pagememo import meeting_digests

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


def damage_kept_meetings(cache: Path, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> None:
    """The kept archive's meetings changed where they lie: ``change`` is given each shard of their shelf."""
    shelf = cache / f"{relink.KEPT_MEETINGS}.d"
    for path in sorted(shelf.iterdir()):
        shard = pickle.loads(path.read_bytes())
        path.write_bytes(pickle.dumps(change(shard)))


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
                                        True),
    "an item's title changed": ("parish.txt", lambda t: t.replace("2. Planning", "2. Planning Applications"), True),
    "a theme named twice in an item": (
        "parish.txt", lambda t: t.replace("Resolved: That the application", "Brexit was discussed and Brexit was noted.\n\n"
                                          "Resolved: That the application"), True),
    "the meeting's date corrected": ("parish.txt", lambda t: t.replace("9th September 2024", "10th September 2024"),
                                     True),
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


def parish_minutes(day: str, *, present: str = "Cllrs A Smith (Chairman), B Jones", approving: str = "") -> str:
    """The parish council's minutes of a meeting on ``day``; ``approving``: the date of the minutes it approves."""
    minutes = MINUTES.replace("9th September 2024", day).replace("Cllrs A Smith (Chairman), B Jones", present)
    return minutes + (f"\n3. Minutes of the meeting held on {approving}\n\nResolved: That the minutes be approved.\n"
                      if approving else "")


@pytest.fixture
def linked_again(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """Which meetings each build linked again alone (the real relinking runs; this only records)."""
    calls: list[set[str]] = []
    link_again = relink.link_again

    def recorded(given: LinkInput, decided, last, ids, gone=()):  # type: ignore[no-untyped-def]
        calls.append(set(ids))
        return link_again(given, decided, last, ids, gone)

    monkeypatch.setattr(relink, "link_again", recorded)
    return calls


def test_last_weeks_minutes_added_link_that_meeting_and_the_one_before_it_alone(
        content: Path, tmp_path: Path, linked_everything: list[int], linked_again: list[set[str]]) -> None:
    cache = tmp_path / "cache"
    understood(content, cache)
    (content / "parish-2024-10-14.txt").write_text(parish_minutes("14th October 2024", approving="9th September 2024"),
                                                  encoding="utf-8")
    archive, problems = again = understood(content, cache)
    assert again == understood(content, None)
    assert linked_everything == [7, 8]  # the first build, and the one without a cache
    assert linked_again == [{"2024-09-09-anytown-parish-council", "2024-10-14-anytown-parish-council"}]
    meetings = {m.id: m for m in archive.meetings}
    assert meetings["2024-09-09-anytown-parish-council"].next_meeting.id == "2024-10-14-anytown-parish-council"
    assert meetings["2024-10-14-anytown-parish-council"].items[-1].minutes_of == "2024-09-09-anytown-parish-council"


def test_minutes_added_between_two_meetings_link_both_meetings_next_to_them_and_those_that_refer_to_its_date(
        content: Path, tmp_path: Path, linked_everything: list[int], linked_again: list[set[str]]) -> None:
    cache = tmp_path / "cache"
    (content / "parish-2024-11-11.txt").write_text(parish_minutes("11th November 2024", approving="14th October 2024"),
                                                  encoding="utf-8")
    (content / "parish-2024-12-09.txt").write_text(parish_minutes("9th December 2024", approving="14th October 2024"),
                                                  encoding="utf-8")  # deferred from November
    archive, problems = understood(content, cache)
    assert "minutes of 2024-10-14 are not in the archive" in {p.message for p in problems}
    (content / "parish-2024-10-14.txt").write_text(parish_minutes("14th October 2024"), encoding="utf-8")
    archive, problems = again = understood(content, cache)
    assert again == understood(content, None)
    assert "minutes of 2024-10-14 are not in the archive" not in {p.message for p in problems}
    assert linked_everything == [9, 10]
    assert linked_again == [{f"2024-{day}-anytown-parish-council" for day in ("09-09", "10-14", "11-11", "12-09")}]
    (content / "parish-2024-10-14.txt").unlink()  # and taken away again
    assert understood(content, cache) == understood(content, None)
    assert linked_everything == [9, 10, 9]
    assert linked_again[1] == linked_again[0]


def test_a_meeting_that_renames_a_topic_gives_its_items_elsewhere_the_new_topic_without_reading_them(
        content: Path, tmp_path: Path, linked_everything: list[int], linked_again: list[set[str]]) -> None:
    """A topic is called by the wording most of its items use: a third item worded one way tips it."""
    cache = tmp_path / "cache"
    (content / "parish.txt").write_text(parish_minutes("9th September 2024").replace(
        "2. Planning", "2. Play area"), encoding="utf-8")
    (content / "parish-2024-10-14.txt").write_text(parish_minutes("14th October 2024").replace(
        "2. Planning", "2. Play areas"), encoding="utf-8")
    archive, _ = understood(content, cache)
    assert "play-area" in {t.id for t in archive.topics}
    (content / "othertown.txt").write_text(parish_minutes("1st October 2024").replace(
        "Anytown Parish", "Othertown Town").replace("2. Planning", "2. Play areas"), encoding="utf-8")
    archive, _ = again = understood(content, cache)
    assert again == understood(content, None)
    assert linked_again == [{"2024-10-01-othertown-town-council"}]
    assert linked_everything == [8, 9]
    topics = {t.id: t for t in archive.topics}
    assert "play-area" not in topics
    assert {meeting for meeting, _ in topics["play-areas"].items} == {
        "2024-09-09-anytown-parish-council", "2024-10-14-anytown-parish-council", "2024-10-01-othertown-town-council"}


def test_a_meeting_with_someone_new_links_everything(
        content: Path, tmp_path: Path, linked_everything: list[int], linked_again: list[set[str]]) -> None:
    """Every text is searched for the names of everyone in the archive: a new name means searching them all."""
    cache = tmp_path / "cache"
    understood(content, cache)
    (content / "parish-2024-10-14.txt").write_text(
        parish_minutes("14th October 2024", present="Cllrs A Smith (Chairman), B Jones, C Brown"), encoding="utf-8")
    archive, _ = again = understood(content, cache)
    assert again == understood(content, None)
    assert "c-brown" in {p.id for p in archive.people}
    assert linked_everything == [7, 8, 8]


def test_a_meeting_that_makes_a_name_elsewhere_ambiguous_links_everything(
        content: Path, tmp_path: Path, linked_everything: list[int], linked_again: list[set[str]]) -> None:
    """"A Smith" in the parish's August minutes is the Alan Smith the parish council names, until it
    names Andrew Smith too: then who is meant in August changes, which only linking everything shows."""
    cache = tmp_path / "cache"
    (content / "parish.txt").write_text(parish_minutes("12th August 2024"), encoding="utf-8")
    (content / "parish-2024-09-09.txt").write_text(
        parish_minutes("9th September 2024", present="Cllrs Alan Smith (Chairman), B Jones"), encoding="utf-8")
    (content / "othertown.txt").write_text(parish_minutes(
        "1st October 2024", present="Cllrs Alan Smith (Chairman), Andrew Smith").replace("Anytown Parish", "Othertown Town"),
        encoding="utf-8")
    # Alan Smith is "A Smith" here too, where he is named in full: the names texts are searched for stay the same.
    (content / "midtown.txt").write_text(parish_minutes(
        "2nd October 2024", present="Cllrs A Smith (Chairman), Alan Smith").replace("Anytown Parish", "Midtown Town"),
        encoding="utf-8")
    archive, _ = understood(content, cache)
    assert {m.id: m.chair for m in archive.meetings}["2024-08-12-anytown-parish-council"] == "alan-smith"
    (content / "parish-2024-11-11.txt").write_text(
        parish_minutes("11th November 2024", present="Cllrs Andrew Smith (Chairman), B Jones"), encoding="utf-8")
    archive, problems = again = understood(content, cache)
    assert again == understood(content, None)
    assert {m.id: m.chair for m in archive.meetings}["2024-08-12-anytown-parish-council"] is None
    assert any("could not tell which Smith is meant" in p.message for p in problems if p.source.path == "parish.txt")
    assert linked_everything == [10, 11, 11]


def test_a_document_that_alone_wrote_names_so_removed_links_everything(
        content: Path, tmp_path: Path, linked_everything: list[int], linked_again: list[set[str]]) -> None:
    """The minutes the pack reprints name councillors as no other document does ("County Councillor Iddon")."""
    cache = tmp_path / "cache"
    understood(content, cache)
    (content / "2018-12-05-minutes.txt").unlink()  # the pack's copy speaks for the meeting again
    assert understood(content, cache) == understood(content, None)
    assert linked_again == [{"2018-12-05-cabinet-committee-on-performance-improvement"}]
    assert linked_everything == [7, 6, 6]


def test_a_second_copy_of_a_meetings_minutes_added_is_refused_as_linking_everything_refuses_it(
        content: Path, tmp_path: Path, linked_everything: list[int], linked_again: list[set[str]]) -> None:
    cache = tmp_path / "cache"
    understood(content, cache)
    (content / "parish2.txt").write_text(MINUTES.replace("be supported", "be refused"), encoding="utf-8")
    archive, problems = again = understood(content, cache)
    assert again == understood(content, None)
    assert [p.source.path for p in problems if "for the same meeting" in p.message] == ["parish2.txt"]
    assert {a.path: a.status for a in archive.accounts}["parish2.txt"] == "skipped"
    assert linked_again == [{"2024-09-09-anytown-parish-council"}]
    assert linked_everything == [7, 8]


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
    damage_kept_meetings(cache, lambda meetings: {i: blob[: len(blob) // 2] for i, blob in meetings.items()})
    assert understood(content, cache) == understood(content, None)
    edit(content / "parish.txt", lambda t: t.replace("be supported", "be refused"))
    assert understood(content, cache) == understood(content, None)
    assert linked_everything == [7, 7, 7, 7]


def test_meetings_not_linked_again_keep_their_text_pickled_until_a_page_reads_it(content: Path, tmp_path: Path) -> None:
    """Every item's text was half the kept archive's load: a rebuild reads the text only of the meetings
    whose pages it renders again, and that text is the one linking everything gives."""
    cache = tmp_path / "cache"
    understood(content, cache)
    edit(content / "parish.txt", lambda t: t.replace("be supported", "be refused"))
    archive, _ = understood(content, cache)
    kept_whole = {m.id for m in archive.meetings if any(isinstance(i.blocks, relink.PickledBlocks) for i in m.items)}
    assert kept_whole == {m.id for m in archive.meetings} - {"2024-09-09-anytown-parish-council"}
    assert archive == understood(content, None)[0]


def test_an_items_text_damaged_in_the_kept_archive_stops_the_build_with_a_message(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    archive, _ = understood(content, cache)
    meeting = next(m for m in archive.meetings if m.id != "2024-09-09-anytown-parish-council")
    item = next(i for i in meeting.items if i.blocks)
    text = relink.PickledBlocks.of(item.blocks).pickled

    def rotten_text(meetings: dict[str, bytes]) -> dict[str, bytes]:  # bit rot, not truncation
        if meeting.id not in meetings:  # in another shard
            return meetings
        assert meetings[meeting.id].count(text) == 1
        return {**meetings, meeting.id: meetings[meeting.id].replace(text, text[:2] + b"\xff" * (len(text) - 2))}

    damage_kept_meetings(cache, rotten_text)
    edit(content / "parish.txt", lambda t: t.replace("be supported", "be refused"))
    again, _ = understood(content, cache)
    rotten = next(i for m in again.meetings if m.id == meeting.id for i in m.items if i.number == item.number)
    with pytest.raises(BuildError, match=r"build cache is damaged .* delete the build cache"):
        rotten.plain_text()


def test_meetings_unchanged_since_the_kept_archive_keep_their_digests(content: Path, tmp_path: Path) -> None:
    """The pages and the search index know a meeting by its digest; a rebuild works out only the changed ones'."""
    cache = tmp_path / "cache"
    _, linked = pipeline.read_and_link(content, cache=cache)
    relink.keep(cache, linked, meeting_digests(linked.archive))
    edit(content / "parish.txt", lambda t: t.replace("be supported", "be refused"))
    _, again = pipeline.read_and_link(content, cache=cache)
    assert again.digests.keys() == {m.id for m in again.archive.meetings} - {"2024-09-09-anytown-parish-council"}
    assert meeting_digests(again.archive, again.digests) == meeting_digests(again.archive)
    assert meeting_digests(again.archive) != meeting_digests(linked.archive)  # the edit shows
