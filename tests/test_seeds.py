"""The real Lancashire documents in content/: every fact below was read by hand from the source."""

from __future__ import annotations

import pytest

from .conftest import BuiltSite

CCPI = "Cabinet Committee on Performance Improvement"
LCC = "Lancashire County Council"
CABINET_ROOM_B = "Cabinet Room 'B' - The Diamond Jubilee Room, County Hall, Preston"

EXPECTED = {
    # content/003: ModernGov minutes with <AI> markers, numbers on their own lines.
    "2017-03-07": {
        "kind": ["minutes"],
        "sources": ["003_00d6487a98f72f3b.txt"],
        "start_time": "09:00",
        "venue": CABINET_ROOM_B,
        "chair": "Jennifer Mein",
        "present": ["Jennifer Mein", "D Borrow", "B Winlow"],
        "apologies": ["Geoff Driver"],
        "officers": ["Paul Bond", "Sarah Jenkins", "Donna Talbot", "Richard Cooke"],
        "items": [
            ("1", "Apologies for Absence"),
            ("2", "Disclosure of Pecuniary and Non-Pecuniary Interests"),
            ("3", "Minutes of the Meeting held on 5 December 2016"),
            ("4", "Customer Access Performance Report"),
            ("5", "Risk Register Quarter 4 Report"),
            ("6", "Quarterly Performance Summary Report"),
            ("7", "Urgent Business"),
            ("8", "Date of Next Meeting"),
        ],
        "previous": ("2016-12-05", None),
        "next": ("2017-06-27", "2017-06-27-cabinet-committee-on-performance-improvement"),
    },
    # content/000: plain minutes, attendance as loose lines.
    "2017-06-27": {
        "kind": ["minutes"],
        "sources": ["000_70d8d57eafc0b373.txt"],
        "start_time": "14:00",
        "venue": CABINET_ROOM_B,
        "chair": "Geoff Driver",
        "present": ["Geoff Driver", "M Green", "C Crompton", "Keith Iddon"],
        "apologies": [],
        "officers": ["Paul Bond", "Donna Talbot", "Amanda Hatton"],
        "items": [
            ("1", "Apologies for Absence"),
            ("2", "Disclosure of Pecuniary and Non-Pecuniary Interests"),
            ("3", "Minutes of the Meeting held on 7 March 2017"),
            ("4", "Risk and Opportunity Register Quarter 1"),
            ("5", "Quarterly Corporate Performance Monitoring Report – Quarter 4 2016/17"),
            ("6", "Urgent Business"),
            ("7", "Date of Next Meeting"),
        ],
        "previous": ("2017-03-07", "2017-03-07-cabinet-committee-on-performance-improvement"),
        "next": ("2017-09-12", None),
    },
    # content/001: ModernGov minutes; the chair is taken during the meeting.
    "2018-02-27": {
        "kind": ["minutes"],
        "sources": ["001_c088a57cab7b8c93.txt"],
        "start_time": "14:00",
        "venue": CABINET_ROOM_B,
        "chair": "Albert Atkinson",
        "present": ["Albert Atkinson", "D O'Toole", "C Crompton", "Keith Iddon", "P Buckley"],
        "apologies": ["Geoff Driver", "M Green", "S Charles"],
        "officers": ["Stephen Belbin", "Paul Bond", "David Graham", "Donna Talbot"],
        "items": [
            ("1", "Apologies for Absence"),
            ("2", "Disclosure of Pecuniary and Non-Pecuniary Interests"),
            ("3", "Minutes of the Meeting held on 6th December 2017"),
            ("4", "Summary of Standards at KS4 across Lancashire"),
            ("5", "Corporate Risk and Opportunity Register - Quarter 4"),
            ("6", "Quarterly Corporate Performance Monitoring Report (Quarter 3) 2017/18"),
            ("7", "Urgent Business"),
            ("8", "Dates of Future Meetings"),
        ],
        "previous": ("2017-12-06", None),
        "next": ("2018-04-18", None),
    },
    # content/004, second part: the previous meeting's minutes reprinted in the pack.
    "2018-12-05": {
        "kind": ["minutes"],
        "sources": ["004_58e9679888508d11.txt"],
        "start_time": "14:00",
        "venue": "Committee Room 'B' (The Diamond Jubilee Room) - County Hall, Preston",
        "chair": "Geoff Driver",
        "present": [
            "Geoff Driver", "Albert Atkinson", "S Charles", "M Green", "G Gooch",
            "C Crompton", "Keith Iddon", "H Khan", "S Turner", "P Buckley",
        ],
        "apologies": [],
        "officers": ["Paul Bond", "Donna Talbot", "Sarah Jenkins"],
        "items": [
            ("1", "Apologies for Absence"),
            ("2", "Disclosure of Pecuniary and Non-Pecuniary Interests"),
            ("3", "Minutes of the Meeting held on 4th October 2018"),
            ("4", "Withdrawal from the European Union: Implications for Lancashire County Council"),
            ("5", "Corporate Risk and Opportunity Register Quarter 3"),
            ("6", "Quarterly Corporate Performance Monitoring Report – Quarter 2 2018/19"),
            ("7", "Customer Access Performance Report"),
            ("8", "Urgent Business"),
            ("9", "Date of Next Meeting"),
        ],
        "previous": ("2018-10-04", None),
        "next": ("2019-02-26", "2019-02-26-cabinet-committee-on-performance-improvement"),
    },
    # content/004, first part: the agenda, with its reports and a restricted Part II item.
    "2019-02-26": {
        "kind": ["agenda", "reports"],
        "sources": ["004_58e9679888508d11.txt"],
        "start_time": "14:30",
        "venue": CABINET_ROOM_B,
        "chair": None,
        "present": [],
        "apologies": [],
        "officers": [],
        "items": [
            ("1", "Apologies for Absence"),
            ("2", "Disclosure of Pecuniary and Non-Pecuniary Interests"),
            ("3", "Minutes of the Meeting held on 5th December 2018"),
            ("4", "Quarterly Corporate Performance Monitoring Report – Quarter 3 2018/19"),
            ("5", "Corporate Risk and Opportunity Register - Quarter 4"),
            ("6", "Urgent Business"),
            ("7", "Date of Next Meeting"),
            ("8", "Notice of Intention to Conduct Business in Private"),
            ("9", "Exclusion of the Press and Public"),
            ("10", "Update report on the performance of Lancashire County Council's Waste Processing Facilities"),
        ],
        "previous": ("2018-12-05", "2018-12-05-cabinet-committee-on-performance-improvement"),
        "next": ("2019-04-23", None),
    },
}


@pytest.mark.parametrize("date", sorted(EXPECTED))
def test_each_meeting_reads_as_a_person_would_read_it(seed_site: BuiltSite, date: str) -> None:
    expected = EXPECTED[date]
    meeting = seed_site.meeting_on(date)
    assert meeting["body"] == LCC
    assert meeting["committee"] == CCPI
    assert meeting["kind"] == expected["kind"]
    assert meeting["sources"] == expected["sources"]
    assert meeting["start_time"] == expected["start_time"]
    assert meeting["venue"] == expected["venue"]
    assert meeting["chair"] == expected["chair"]
    assert meeting["present"] == expected["present"]
    assert meeting["apologies"] == expected["apologies"]
    assert meeting["officers"] == expected["officers"]
    assert [(i["number"], i["title"]) for i in meeting["items"]] == expected["items"]
    previous, following = meeting["previous_meeting"], meeting["next_meeting"]
    assert (previous["date"], previous["id"]) == expected["previous"]
    assert (following["date"], following["id"]) == expected["next"]


def test_next_meeting_keeps_its_time_and_place(seed_site: BuiltSite) -> None:
    following = seed_site.meeting_on("2017-06-27")["next_meeting"]
    assert following["start_time"] == "13:00"
    assert following["venue"] == "Cabinet Room B, County Hall, Preston"
    assert seed_site.meeting_on("2018-02-27")["next_meeting"]["venue"] == "Committee Room D"


def test_the_part_ii_item_shows_its_title_and_reason_only(seed_site: BuiltSite) -> None:
    items = seed_site.meeting_on("2019-02-26")["items"]
    exempt = [item for item in items if item["exempt"]]
    assert [item["number"] for item in exempt] == ["10"]
    assert exempt[0]["exempt_reason"] == "Local Government Act 1972, Schedule 12A, paragraphs 3 and 4"
    assert exempt[0]["resolutions"] == [] and exempt[0]["mentioned"] == []
    assert not any(item["exempt"] for m in seed_site.data("meetings") if m["date"] != "2019-02-26" for item in m["items"])


def test_resolutions_are_split_and_given_stable_ids(seed_site: BuiltSite) -> None:
    items = {i["number"]: i for i in seed_site.meeting_on("2017-06-27")["items"]}
    prefix = "2017-06-27-cabinet-committee-on-performance-improvement"
    assert [r["id"] for r in items["4"]["resolutions"]] == [f"{prefix}/4.1", f"{prefix}/4.2"]
    assert items["4"]["resolutions"][0]["text"] == "The updated Risk and Opportunity Register be noted."
    assert items["4"]["resolutions"][1]["text"].startswith("Report be presented at the next meeting")
    assert len(items["5"]["resolutions"]) == 4
    assert items["3"]["resolutions"][0]["text"].startswith("Minutes from the meeting held 7 March 2017")
    assert items["6"]["resolutions"] == []


def test_minutes_being_confirmed_link_to_that_meeting(seed_site: BuiltSite) -> None:
    items = {i["number"]: i for i in seed_site.meeting_on("2017-06-27")["items"]}
    assert items["3"]["minutes_of"] == "2017-03-07-cabinet-committee-on-performance-improvement"
    items = {i["number"]: i for i in seed_site.meeting_on("2018-02-27")["items"]}
    assert items["3"]["minutes_of"] is None


def test_presenters_are_the_officers_who_presented(seed_site: BuiltSite) -> None:
    items = {i["number"]: i for i in seed_site.meeting_on("2017-06-27")["items"]}
    assert items["4"]["presenters"] == ["paul-bond"]
    assert items["5"]["presenters"] == ["donna-talbot", "amanda-hatton"]
    items = {i["number"]: i for i in seed_site.meeting_on("2018-02-27")["items"]}
    assert items["4"]["presenters"] == ["stephen-belbin"]
    assert "geoff-driver" in items["4"]["mentioned"]


def test_the_lone_agenda_item_page_is_published_undated(seed_site: BuiltSite) -> None:
    meeting = seed_site.meeting("undated-002-ea2e453e723765dc")
    assert meeting["date"] is None and meeting["committee"] is None
    assert meeting["kind"] == ["agenda-item"]
    [item] = meeting["items"]
    assert item["title"] == "Quarterly Corporate Performance Monitoring Report - Quarter 3 2015/16"
    assert [r["text"] for r in item["resolutions"]] == ["That the report now presented be noted."]
    assert item["presenters"] == ["michael-walder", "richard-cooke"]
    assert meeting["officers"] == ["Michael Walder", "Richard Cooke"]


def test_one_person_across_name_variants(seed_site: BuiltSite) -> None:
    driver = seed_site.person("geoff-driver")
    assert {"County Councillor Geoff Driver CBE", "County Councillor Driver"} <= set(driver["variants"])
    assert driver["chaired"] == [
        "2017-06-27-cabinet-committee-on-performance-improvement",
        "2018-12-05-cabinet-committee-on-performance-improvement",
    ]
    assert driver["apologies"] == [
        "2017-03-07-cabinet-committee-on-performance-improvement",
        "2018-02-27-cabinet-committee-on-performance-improvement",
    ]
    crompton = seed_site.person("c-crompton")
    assert {"C Crompton", "CC Crompton", "County Councillor Crompton"} <= set(crompton["variants"])
    assert len(crompton["attended"]) == 3
    sales = seed_site.person("laura-sales")
    assert {"L Sales", "Laura Sales"} <= set(sales["variants"])
    assert sales["roles"][0]["title"] == "Director of Corporate Services"
    names = [p["name"] for p in seed_site.data("people")]
    assert len(names) == len(set(names)), "two records for one name"


def test_an_officer_s_job_titles_over_time(seed_site: BuiltSite) -> None:
    roles = seed_site.person("paul-bond")["roles"]
    assert {r["role"] for r in roles} == {"officer"}
    assert {r["title"] for r in roles} == {
        "Head of Service - Legal and Democratic Services",
        "Head of Legal and Democratic Services",
    }


def test_one_topic_follows_a_subject_across_meetings(seed_site: BuiltSite) -> None:
    topics = {t["id"]: t for t in seed_site.data("topics")}
    register = topics["corporate-risk-and-opportunity-register"]
    assert register["name"] == "Corporate Risk and Opportunity Register"
    assert [i["meeting"][:10] for i in register["items"]] == [
        "2017-03-07", "2017-06-27", "2018-02-27", "2018-12-05", "2019-02-26",
    ]
    assert "brexit" in seed_site.meeting_on("2018-12-05")["items"][3]["topics"]
    assert "customer-access" in topics
    procedural = [i for m in seed_site.data("meetings") for i in m["items"] if i["procedural"]]
    assert procedural and all(i["topics"] == [] for i in procedural)


def test_the_build_reports_every_document_and_only_the_undated_warning(seed_site: BuiltSite) -> None:
    result = seed_site.result
    assert result.published
    assert [str(p) for p in result.warnings] == [
        "002_ea2e453e723765dc.txt:1: warning: no meeting date found: published under Undated; "
        "add front matter with 'date: YYYY-MM-DD'"
    ]
    assert result.errors == []
    accounts = {a.path: a for a in result.archive.accounts}
    assert sorted(accounts) == [
        "000_70d8d57eafc0b373.txt", "001_c088a57cab7b8c93.txt", "002_ea2e453e723765dc.txt",
        "003_00d6487a98f72f3b.txt", "004_58e9679888508d11.txt",
    ]
    assert all(a.status == "published" for a in accounts.values())
    assert len(accounts["004_58e9679888508d11.txt"].meetings) == 2
