"""A journalist traces one councillor across years: honest attendance counts, with the
denominator shown, by year; what they declared, presented and were mentioned in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from minutebook.model import Archive, DeclarationOfInterest, Item, Meeting, Person, SourceSpan
from minutebook.records import Attendance, PersonRecord, Tally, YearTally, person_records

from .conftest import BuiltSite, build_site

HARBOUR = "harbour-committee"


def minutes(date: str, present: str, apologies: str = "None.", officers: str = "") -> str:
    """Plain minutes of Riverside's Harbour Committee, in the layout district councils publish.

    The officer named in ``officers``, if any, presents the report at item 3.
    """
    attendance = f"Present: {present}\n\nApologies: {apologies}\n"
    report = "The Committee considered the report."
    if officers:
        attendance += f"\nOfficers: {officers}\n"
        report = f"{officers.replace(' (', ', ').rstrip(')')}, presented the report."
    return f"""Riverside District Council

MINUTES of a meeting of the Harbour Committee held on {date} at 10.00 am at the Town Hall, Riverside

{attendance}
1. Apologies for Absence

Apologies were as listed above.

2. Declarations of Interest

Councillor Alan Xavier declared a personal interest in item 3 as a boat owner and remained in the meeting.

3. Harbour Dues

{report} Councillor Yvonne Young asked about winter moorings.

Resolved: That the report be noted.
"""


AGENDA = """Riverside District Council

Harbour Committee

Tuesday, 9th April, 2024 at 10.00 am at the Town Hall, Riverside

Agenda

1. Apologies for Absence

2. Declarations of Interest

3. Harbour Dues
"""


@pytest.fixture
def harbour(tmp_path: Path, make_content) -> dict[str, PersonRecord]:  # type: ignore[no-untyped-def]
    """Three minuted meetings over two years, and an agenda (no attendance) between the last two.

    Alan Xavier is present at the first and last and not listed at the middle one;
    Yvonne Young sends apologies to the middle one; Carol Hughes chairs all three;
    Mary Pennington attends the first as an officer and presents the report.
    """
    content = make_content({
        "2023-11-14.txt": minutes("14 November 2023", "Councillors Carol Hughes (Chair), Alan Xavier, Yvonne Young",
                                  officers="Mary Pennington (Head of Harbour Services)"),
        "2024-03-05.txt": minutes("5 March 2024", "Councillors Carol Hughes (Chair), Bob Other",
                                  apologies="Councillor Yvonne Young"),
        "2024-04-09-agenda.txt": AGENDA,
        "2024-06-04.txt": minutes("4 June 2024", "Councillors Carol Hughes (Chair), Alan Xavier, Yvonne Young"),
    })
    site = build_site(content, tmp_path / "site")
    assert site.result.published
    archive = site.result.archive
    assert [(m.date.isoformat() if m.date else None, m.committee_id, bool(m.present)) for m in archive.meetings] == [
        ("2023-11-14", HARBOUR, True), ("2024-03-05", HARBOUR, True),
        ("2024-04-09", HARBOUR, False), ("2024-06-04", HARBOUR, True),
    ], "the synthetic minutes did not parse as written"
    return person_records(archive)


def mid(date: str) -> str:
    return f"{date}-{HARBOUR}"


def test_a_councillor_missing_from_a_meeting_without_apologies_is_absent(harbour: dict[str, PersonRecord]) -> None:
    alan = harbour["alan-xavier"]
    assert alan.total == Tally(expected=3, attended=2, apologies=0, absent=1, chaired=0)
    assert alan.meetings == (
        Attendance(mid("2024-06-04"), "present"),
        Attendance(mid("2024-03-05"), "absent"),
        Attendance(mid("2023-11-14"), "present"),
    )


def test_the_agenda_between_meetings_is_not_held_against_anyone(harbour: dict[str, PersonRecord]) -> None:
    assert all(mid("2024-04-09") not in {a.meeting_id for a in record.meetings} for record in harbour.values())


def test_apologies_are_counted_and_shown_apart_from_absence(harbour: dict[str, PersonRecord]) -> None:
    yvonne = harbour["yvonne-young"]
    assert yvonne.total == Tally(expected=3, attended=2, apologies=1, absent=0, chaired=0)
    assert Attendance(mid("2024-03-05"), "apologies") in yvonne.meetings


def test_chairing_counts_as_attending(harbour: dict[str, PersonRecord]) -> None:
    carol = harbour["carol-hughes"]
    assert carol.total == Tally(expected=3, attended=3, apologies=0, absent=0, chaired=3)
    assert {a.status for a in carol.meetings} == {"chaired"}


def test_a_member_listed_once_is_expected_once(harbour: dict[str, PersonRecord]) -> None:
    assert harbour["bob-other"].total == Tally(expected=1, attended=1, apologies=0, absent=0, chaired=0)


def test_counts_are_split_by_year_newest_first(harbour: dict[str, PersonRecord]) -> None:
    assert harbour["alan-xavier"].by_year == (
        YearTally(2024, Tally(expected=2, attended=1, apologies=0, absent=1, chaired=0)),
        YearTally(2023, Tally(expected=1, attended=1, apologies=0, absent=0, chaired=0)),
    )
    assert [y.tally.expected for y in harbour["carol-hughes"].by_year] == [2, 1]


def test_an_officer_is_never_expected_and_is_counted_apart(harbour: dict[str, PersonRecord]) -> None:
    mary = harbour["mary-pennington"]
    assert mary.officer_at == 1
    assert mary.total == Tally(expected=0, attended=0, apologies=0, absent=0, chaired=0)
    assert mary.by_year == ()
    assert mary.meetings == (Attendance(mid("2023-11-14"), "officer"),)
    assert [(r.meeting_id, r.number, r.title) for r in mary.presented] == [(mid("2023-11-14"), "3", "Harbour Dues")]
    assert mary.mentioned == (), "presenting an item is not also being mentioned in it"


def test_declarations_and_mentions_are_listed_newest_first(harbour: dict[str, PersonRecord]) -> None:
    alan = harbour["alan-xavier"]
    assert [(d.item.meeting_id, d.item.number) for d in alan.declarations] == [
        (mid("2024-06-04"), "2"), (mid("2024-03-05"), "2"), (mid("2023-11-14"), "2"),
    ]
    assert alan.declarations[0].interest == "personal interest in item 3 as a boat owner"
    assert alan.declarations[0].action == "remained in the meeting"
    assert [r.meeting_id for r in harbour["yvonne-young"].mentioned if r.number == "3"] == [
        mid("2024-06-04"), mid("2024-03-05"), mid("2023-11-14"),
    ]


def meeting(mid: str, date: dt.date | None, *, chair: str | None = None, present: tuple[str, ...] = (),
            apologies: tuple[str, ...] = (), officers: tuple[str, ...] = (), items: tuple[Item, ...] = ()) -> Meeting:
    return Meeting(mid, None, "Board", "board", date, None, None, ("minutes",), (), (), chair, present, apologies,
                   officers, items)


def test_parser_quirks_and_undated_meetings_follow_the_stated_rules() -> None:
    """Cases the parser should not produce but the page must still count honestly."""
    secret = Item("9", "Waste contract", "item-9", SourceSpan("x.txt"), exempt=True,
                  declarations=(DeclarationOfInterest("ann", "pecuniary interest", "left the room"),))
    archive = Archive(
        meetings=(
            meeting("m1", dt.date(2020, 1, 1), present=("ann", "ben"), apologies=("ann",)),
            meeting("m2", dt.date(2020, 2, 1), present=("ben",), officers=("ann",), items=(secret,)),
            meeting("m3", dt.date(2020, 3, 1), chair="ann", present=("ben",)),
            meeting("undated-x", None, present=("cat",)),
            meeting("undated-y", None, present=("ben",)),
        ),
        people=(Person("ann", "Ann", ()), Person("ben", "Ben", ()), Person("cat", "Cat", ()), Person("dan", "Dan", ())),
        topics=(), committees=(),
    )
    records = person_records(archive)
    ann = records["ann"]
    # Present and apologies at once counts as present; an expected member listed as an officer
    # was in the room; a chair missing from the present list still chaired.
    assert [a.status for a in ann.meetings] == ["chaired", "present", "present"]
    assert ann.total == Tally(expected=3, attended=3, apologies=0, absent=0, chaired=1)
    assert ann.officer_at == 0
    assert ann.declarations == (), "an exempt item must not give out what was declared at it"
    # Undated meetings count only where the person is listed, and come last.
    assert records["ben"].by_year[-1] == YearTally(None, Tally(1, 1, 0, 0, 0))
    assert [a.meeting_id for a in records["ben"].meetings] == ["m3", "m2", "m1", "undated-y"]
    assert records["cat"].total == Tally(1, 1, 0, 0, 0)
    assert records["dan"] == PersonRecord("dan", Tally(0, 0, 0, 0, 0), (), (), (), (), (), 0)


# --- the real Lancashire seeds -------------------------------------------------------------


def count_by_hand(site: BuiltSite, person_id: str) -> dict[str, int]:
    """Count from the exported meetings.json, meeting by meeting, as a reader of the minutes would."""
    listed = [m for m in site.data("meetings") if person_id in [m["people"]["chair"], *m["people"]["present"],
                                                                 *m["people"]["apologies"]]]
    committee = {m["committee_id"] for m in listed}
    assert len(committee) == 1 and all(m["date"] for m in listed)
    first, last = min(m["date"] for m in listed), max(m["date"] for m in listed)
    span = [m for m in site.data("meetings") if m["committee_id"] in committee and m["people"]["present"]
            and m["date"] and first <= m["date"] <= last]
    attended = sum(person_id in m["people"]["present"] for m in span)
    apologies = sum(person_id in m["people"]["apologies"] and person_id not in m["people"]["present"] for m in span)
    return {"expected": len(span), "attended": attended, "apologies": apologies,
            "absent": len(span) - attended - apologies, "chaired": sum(m["people"]["chair"] == person_id for m in span)}


@pytest.mark.parametrize("person_id", ["geoff-driver", "m-green", "c-crompton", "albert-atkinson"])
def test_seed_councillors_totals_match_a_count_of_the_minutes(seed_site: BuiltSite, person_id: str) -> None:
    record = person_records(seed_site.result.archive)[person_id]
    assert record.total == Tally(**count_by_hand(seed_site, person_id))


def test_geoff_driver_across_the_years(seed_site: BuiltSite) -> None:
    """Read by hand: apologies in March 2017 and February 2018, in the chair June 2017 and December 2018;
    the February 2019 agenda records no attendance, so it is not counted."""
    driver = person_records(seed_site.result.archive)["geoff-driver"]
    assert driver.total == Tally(expected=4, attended=2, apologies=2, absent=0, chaired=2)
    assert driver.by_year == (
        YearTally(2018, Tally(expected=2, attended=1, apologies=1, absent=0, chaired=1)),
        YearTally(2017, Tally(expected=2, attended=1, apologies=1, absent=0, chaired=1)),
    )
    assert [(a.meeting_id[:10], a.status) for a in driver.meetings] == [
        ("2018-12-05", "chaired"), ("2018-02-27", "apologies"), ("2017-06-27", "chaired"), ("2017-03-07", "apologies"),
    ]
    assert ("2018-02-27", "4") in [(r.meeting_id[:10], r.number) for r in driver.mentioned]


def test_seed_officers_are_counted_apart(seed_site: BuiltSite) -> None:
    records = person_records(seed_site.result.archive)
    bond = records["paul-bond"]
    assert bond.total.expected == 0 and bond.officer_at == 4
    assert [r.meeting_id[:10] for r in bond.presented] == ["2018-12-05", "2018-12-05", "2018-02-27", "2017-06-27",
                                                           "2017-03-07"]
    walder = records["michael-walder"]
    assert walder.meetings == (Attendance("undated-002-ea2e453e723765dc", "officer"),)
    assert set(records) == {p["id"] for p in seed_site.data("people")}
