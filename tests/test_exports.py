"""Open data as reusers take it: spreadsheets a reporter opens in Excel, a Popolo file a civic-tech
tool loads, and schema.org data a search engine reads from each meeting page. All from real builds."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from selectolax.lexbor import LexborHTMLParser

from minutebook.config import SiteConfig
from minutebook.csvexport import safe_cell
from minutebook.downloads import offer_downloads
from minutebook.export import dumps, export_files, meeting_record
from minutebook.model import Archive
from minutebook.pagememo import meeting_digests
from minutebook.pipeline import BuildOptions, build, understand
from minutebook.popolo import popolo_document
from minutebook.render import council_name
from minutebook.search import feed_keys

from .conftest import CONTENT, ROOT, BuiltSite, build_site

SCHEMA = ROOT / "minutebook" / "schemas" / "popolo.schema.json"
MARCH_2017 = "2017-03-07-cabinet-committee-on-performance-improvement"
JUNE_2017 = "2017-06-27-cabinet-committee-on-performance-improvement"
FEB_2019 = "2019-02-26-cabinet-committee-on-performance-improvement"
BASE_URL = "https://minutes.example.gov.uk"

PARISH = """---
venue: {venue}
---
Anytown Parish Council

Minutes of the Meeting of Anytown Parish Council held on {date} at 7.30pm in the Village Hall

Present: Cllrs A Smith (Chairman), B Jones

Apologies: Cllr C Brown

Officers: Jane Doe - Clerk to the Council

1. Planning

Resolved: That the application be supported.

PART II - EXEMPT INFORMATION

2. Land Sale at Mill Lane

Exempt under paragraph 3 of Schedule 12A to the Local Government Act 1972.

CANARY-5e21 the offer was accepted.

Resolved: CANARY-5e21 that the land be sold.
"""
HOSTILE_PEOPLE = """[[person]]
name = '=HYPERLINK("http://x")'
aliases = ["A Smith"]

[[person]]
name = "@Evil Clerk"
aliases = ["Jane Doe"]
"""


def read_csv(site: BuiltSite, name: str) -> tuple[bytes, list[dict[str, str]]]:
    data = (site.out / "data" / name).read_bytes()
    return data, list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def popolo(site: BuiltSite) -> dict[str, Any]:
    return json.loads((site.out / "data" / "popolo.json").read_text(encoding="utf-8"))


def json_ld(site: BuiltSite, url: str) -> list[str]:
    html = LexborHTMLParser((site.out / url.strip("/") / "index.html").read_text(encoding="utf-8"))
    return [node.text() for node in html.css('script[type="application/ld+json"]')]


@pytest.fixture
def parish(tmp_path: Path, make_content) -> BuiltSite:  # type: ignore[no-untyped-def]
    """Two parish meetings whose venues and people.toml names look like spreadsheet formulas."""
    content = make_content({
        "september.txt": PARISH.format(venue="\"+cmd|' /C calc'!A0\"", date="Monday 9th September 2024"),
        "october.txt": PARISH.format(venue='"@SUM(A1:A9)"', date="Monday 14th October 2024"),
        "people.toml": HOSTILE_PEOPLE,
    })
    site = build_site(content, tmp_path / "site")
    assert site.result.published
    return site


# --- CSV --------------------------------------------------------------------------------


def test_meetings_csv_opens_in_excel_and_matches_the_json(seed_site: BuiltSite) -> None:
    data, rows = read_csv(seed_site, "meetings.csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    meetings = {m["id"]: m for m in seed_site.data("meetings")}
    dated = sorted(m["date"] + m["id"] for m in meetings.values() if m["date"])
    assert [r["id"] for r in rows] == [key[10:] for key in dated] + sorted(i for i, m in meetings.items() if not m["date"])
    for row in rows:
        meeting = meetings[row["id"]]
        assert row["date"] == (meeting["date"] or "") and row["start_time"] == (meeting["start_time"] or "")
        assert row["venue"] == (meeting["venue"] or "") and row["chair"] == (meeting["chair"] or "")
        assert int(row["present"]) == len(meeting["present"]) and int(row["apologies"]) == len(meeting["apologies"])
        assert int(row["items"]) == len(meeting["items"])
        assert int(row["exempt_items"]) == sum(item["exempt"] for item in meeting["items"])
        assert row["url"] == meeting["url"]
    assert rows[-2]["id"] == FEB_2019 and rows[-2]["exempt_items"] == "1"


def test_attendance_csv_has_everyone_listed_at_each_meeting_once(seed_site: BuiltSite) -> None:
    data, rows = read_csv(seed_site, "attendance.csv")
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    for meeting in seed_site.data("meetings"):
        listed = [(r["person_id"], r["role"]) for r in rows if r["meeting_id"] == meeting["id"]]
        people = meeting["people"]
        chair = [people["chair"]] if people["chair"] else []
        assert [pid for pid, role in listed if role == "chair"] == chair
        assert {pid for pid, role in listed if role in ("chair", "present")} == set(people["present"]) | set(chair)
        assert {pid for pid, role in listed if role == "apologies"} == set(people["apologies"])
        assert {pid for pid, role in listed if role == "officer"} == set(people["officers"])
        assert len(listed) == len({pid for pid, _ in listed})
    bond = next(r for r in rows if r["meeting_id"] == JUNE_2017 and r["person_id"] == "paul-bond")
    assert (bond["person_name"], bond["role"], bond["job_title"]) == (
        "Paul Bond", "officer", "Head of Service - Legal and Democratic Services")
    assert all(r["job_title"] == "" for r in rows if r["role"] != "officer")


def test_names_and_venues_that_look_like_formulas_stay_text_in_spreadsheets(parish: BuiltSite) -> None:
    _, meetings = read_csv(parish, "meetings.csv")
    assert [(m["date"], m["venue"], m["chair"]) for m in meetings] == [
        ("2024-09-09", "'+cmd|' /C calc'!A0", "'=HYPERLINK(\"http://x\")"),
        ("2024-10-14", "'@SUM(A1:A9)", "'=HYPERLINK(\"http://x\")"),
    ]
    _, attendance = read_csv(parish, "attendance.csv")
    names = {(r["person_name"], r["role"], r["job_title"]) for r in attendance}
    assert names == {("'=HYPERLINK(\"http://x\")", "chair", ""), ("B Jones", "present", ""), ("C Brown", "apologies", ""),
                     ("'@Evil Clerk", "officer", "Clerk to the Council")}
    # Only the spreadsheets guard against formulas: the JSON keeps names exactly as written.
    assert parish.data("meetings")[0]["chair"] == '=HYPERLINK("http://x")'


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+44 1772 254868", "'+44 1772 254868"), ("-12", "'-12"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTabbed", "'\tTabbed"), ("\rReturn", "'\rReturn"), ("Zoë O’Toole", "Zoë O’Toole"), ("a=b", "a=b"),
    (12, "12"), (0, "0"), (None, ""),
])
def test_the_formula_rule_prefixes_text_only(value: str | int | None, cell: str) -> None:
    assert safe_cell(value) == cell


# --- Popolo -----------------------------------------------------------------------------


def test_popolo_json_follows_its_schema_and_every_reference_resolves(seed_site: BuiltSite) -> None:
    document = popolo(seed_site)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    persons = {p["id"]: p["name"] for p in document["persons"]}
    organizations = {o["id"]: o for o in document["organizations"]}
    council = document["organizations"][0]
    assert (council["name"], council["classification"]) == ("Lancashire County Council", "council")
    assert {c["id"] for c in seed_site.data("committees")} == set(organizations) - {council["id"]}
    assert all(o["parent_id"] == council["id"] for o in document["organizations"][1:])
    for membership in document["memberships"]:
        assert membership["person_id"] in persons and membership["organization_id"] in organizations
    for event in document["events"]:
        assert event["organization_id"] in organizations
        for entity in event["participants"] + [e for item in event["agenda"] for e in item.get("related_entities", [])]:
            assert persons[entity["entity_id"]] == entity["entity_name"]
    assert [e["id"] for e in document["events"]] == [m["id"] for m in seed_site.data("meetings")]


def test_popolo_events_say_when_who_and_what(seed_site: BuiltSite) -> None:
    events = {e["id"]: e for e in popolo(seed_site)["events"]}
    june = events[JUNE_2017]
    meeting = seed_site.meeting(JUNE_2017)
    assert june["start_date"] == "2017-06-27T14:00+01:00"  # British Summer Time
    assert events[MARCH_2017]["start_date"] == "2017-03-07T09:00+00:00"  # Greenwich Mean Time
    assert june["location"] == {"name": meeting["venue"]}
    assert (june["organization_id"], june["classification"]) == (meeting["committee_id"], "committee-meeting")
    notes = {p["entity_id"]: p["note"] for p in june["participants"]}
    assert notes[meeting["people"]["chair"]] == "chair"
    assert {pid for pid, note in notes.items() if note in ("chair", "attended")} == set(meeting["people"]["present"])
    assert {pid for pid, note in notes.items() if note == "officer"} == set(meeting["people"]["officers"])
    assert [a["description"] for a in june["agenda"]] == [i["title"] for i in meeting["items"]]
    assert [a["notes"] for a in june["agenda"]] == [[r["text"] for r in i["resolutions"]] for i in meeting["items"]]
    undated = next(e for e in events.values() if e["id"].startswith("undated-"))
    assert undated["start_date"] is None


def test_exempt_items_are_not_public_and_carry_only_their_reason(seed_site: BuiltSite, parish: BuiltSite) -> None:
    exempt = next(i for i in seed_site.meeting(FEB_2019)["items"] if i["exempt"])
    item = next(a for a in next(e for e in popolo(seed_site)["events"] if e["id"] == FEB_2019)["agenda"]
                if a["order"] == exempt["number"])
    assert item == {"order": exempt["number"], "description": exempt["title"], "public": False,
                    "notes": [exempt["exempt_reason"]], "subjects": item["subjects"]}
    agenda = popolo(parish)["events"][0]["agenda"]
    assert [(a["description"], a["public"], a["notes"]) for a in agenda] == [
        ("Planning", True, ["That the application be supported."]),
        ("Land Sale at Mill Lane", False, ["Local Government Act 1972, Schedule 12A, paragraph 3"]),
    ]
    assert b"CANARY-5e21" not in (parish.out / "data" / "popolo.json").read_bytes()


def test_popolo_links_and_sources_lead_to_published_files(seed_site: BuiltSite) -> None:
    for event in popolo(seed_site)["events"]:
        for link in event["links"] + event["sources"]:
            path = link["url"].split("#")[0].lstrip("/")
            assert (seed_site.out / (path + "index.html" if path.endswith("/") else path)).is_file(), link


def test_with_downloads_and_a_base_url_sources_are_the_published_documents() -> None:
    archive, _ = understand(CONTENT)
    both = offer_downloads(archive, CONTENT)
    files, offered = both.files, both.downloads
    exported = export_files(archive, config=SiteConfig(base_url=BASE_URL + "/"), downloads=offered)
    events = {e["id"]: e for e in json.loads(exported["data/popolo.json"])["events"]}
    sources = events[FEB_2019]["sources"]
    assert sources == [{"url": f"{BASE_URL}/sources/004_58e9679888508d11.redacted.txt", "note": "004_58e9679888508d11.txt"}]
    assert all(s["url"].removeprefix(BASE_URL + "/") in files for e in events.values() for s in e["sources"])
    meetings_csv = exported["data/meetings.csv"]
    assert isinstance(meetings_csv, bytes)
    urls = [row["url"] for row in csv.DictReader(io.StringIO(meetings_csv.decode("utf-8-sig"), newline=""))]
    assert urls and all(url.startswith(BASE_URL + "/meetings/") for url in urls)


def test_exports_kept_from_the_last_build_are_the_files_one_document_makes(tmp_path: Path) -> None:
    """meetings.json and popolo.json are put together from each meeting's record and event, most of
    them kept from the last build: byte for byte what encoding each file as one document gives,
    after a meeting was corrected, and for an archive with no meetings at all."""
    archive, _ = understand(CONTENT)
    config = SiteConfig(base_url=BASE_URL + "/")
    downloads = offer_downloads(archive, CONTENT).downloads
    names = {p.id: p.name for p in archive.people}

    def whole(archive: Archive, config: SiteConfig = config) -> dict[str, bytes]:
        return {"data/meetings.json": dumps([meeting_record(m, names) for m in archive.meetings]),
                "data/popolo.json": dumps(popolo_document(archive, council_name(archive, config),
                                                          base_url=config.base_url, downloads=downloads))}

    def exported(archive: Archive, keys: dict[str, bytes] | None, config: SiteConfig = config) -> dict[str, str | bytes]:
        files = export_files(archive, config=config, downloads=downloads, keys=keys, cache=tmp_path)
        return {path: files[path] for path in ("data/meetings.json", "data/popolo.json")}

    keys = feed_keys(archive, meeting_digests(archive), False)
    assert exported(archive, None) == whole(archive)
    assert exported(archive, keys) == whole(archive)  # made, and kept
    assert exported(archive, keys) == whole(archive)  # taken from the cache
    moved = SiteConfig(base_url="https://minutes.example.org/")  # the events' links are absolute
    assert exported(archive, keys, moved) == whole(archive, moved)
    first = archive.meetings[0]
    corrected = replace(first, venue="The Old Library", items=first.items[1:])
    changed = replace(archive, meetings=(corrected, *archive.meetings[1:]))
    again = feed_keys(changed, meeting_digests(changed), False)
    assert again[first.id] != keys[first.id]
    assert exported(changed, again) == whole(changed)
    empty = replace(archive, meetings=())
    assert exported(empty, {}) == whole(empty)
    assert json.loads(whole(empty)["data/popolo.json"])["events"] == []


# --- schema.org JSON-LD on meeting pages ---------------------------------------------------


def test_each_dated_meeting_page_describes_itself_as_a_schema_org_event(seed_site: BuiltSite) -> None:
    for meeting in seed_site.data("meetings"):
        blocks = json_ld(seed_site, meeting["url"])
        if meeting["date"] is None:
            assert blocks == []  # a schema.org Event needs a startDate
            continue
        assert len(blocks) == 1
        event = json.loads(blocks[0])
        assert (event["@context"], event["@type"]) == ("https://schema.org", "Event")
        assert event["startDate"].startswith(meeting["date"] + "T" + meeting["start_time"])
        assert event["eventStatus"] == "https://schema.org/EventScheduled"
        assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
        assert event["location"] == {"@type": "Place", "name": meeting["venue"], "address": meeting["venue"]}
        assert event["organizer"] == {"@type": "Organization", "name": "Lancashire County Council"}
        assert str(len(meeting["items"])) in event["description"] and meeting["committee"] in event["description"]
        assert "url" not in event  # no base_url: nothing absolute to give
    june = json.loads(json_ld(seed_site, f"/meetings/{JUNE_2017}/")[0])
    assert june["startDate"] == "2017-06-27T14:00+01:00"
    exempt = next(i for i in seed_site.meeting(FEB_2019)["items"] if i["exempt"])
    assert exempt["title"] not in json_ld(seed_site, f"/meetings/{FEB_2019}/")[0]


def test_json_ld_url_is_absolute_when_the_site_has_a_base_url(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": PARISH.format(venue="Village Hall", date="Monday 9th September 2024")})
    result = build(BuildOptions(content=content, out=tmp_path / "site", config=SiteConfig(base_url=BASE_URL)))
    site = BuiltSite(result, tmp_path / "site")
    meeting = site.meeting_on("2024-09-09")
    event = json.loads(json_ld(site, meeting["url"])[0])
    assert event["url"] == BASE_URL + meeting["url"]
    assert event["startDate"] == "2024-09-09T19:30+01:00"


def test_a_hostile_venue_cannot_break_out_of_the_json_ld(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    venue = "</script><script>alert(1)</script><!-- & 'x'"
    content = make_content({"parish.txt": PARISH.format(venue=json.dumps(venue), date="Monday 9th September 2024")})
    site = build_site(content, tmp_path / "site")
    url = site.meeting_on("2024-09-09")["url"]
    raw = (site.out / url.strip("/") / "index.html").read_text(encoding="utf-8")
    assert "alert(1)</script>" not in raw and "<!--" not in raw
    html = LexborHTMLParser(raw)
    scripts = html.css("script")
    assert [s.attributes.get("type") for s in scripts if not s.attributes.get("src")] == ["application/ld+json"]
    event = json.loads(json_ld(site, url)[0])
    assert event["location"]["name"] == venue  # escaped in the page, exact once parsed


def test_a_meeting_of_the_full_council_belongs_to_the_council_itself(parish: BuiltSite) -> None:
    document = popolo(parish)
    assert document["organizations"] == [
        {"id": "anytown-parish-council", "name": "Anytown Parish Council", "classification": "council"}]
    assert {(e["organization_id"], e["classification"]) for e in document["events"]} == {
        ("anytown-parish-council", "council-meeting")}
    members = {(m["person_id"], m["role"], m.get("label"), m["start_date"], m["end_date"]) for m in document["memberships"]}
    assert members == {("hyperlink-http-x", "member", None, "2024-09-09", "2024-10-14"),
                       ("b-jones", "member", None, "2024-09-09", "2024-10-14"),
                       ("c-brown", "member", None, "2024-09-09", "2024-10-14"),
                       ("evil-clerk", "officer", "Clerk to the Council", "2024-09-09", "2024-10-14")}
