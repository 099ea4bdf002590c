"""The resident who follows the council without visiting: a feed reader picks up newly
published meetings, a calendar app subscribes to a committee's meeting dates, and search
engines find every page from the sitemap. Built from real content into a temporary folder
with the site's address configured, then read back with the parsers those apps use."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event
from lxml import etree

from minutebook import calendars
from minutebook.checks import check_links
from minutebook.config import SiteConfig
from minutebook.pipeline import BuildOptions, build

from .conftest import CONTENT, BuiltSite
from .test_build_cli import snapshot

BASE_URL = "https://minutes.example.gov.uk"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LONDON = ZoneInfo("Europe/London")
COMMITTEE = "cabinet-committee-on-performance-improvement"
FEB_2019 = f"2019-02-26-{COMMITTEE}"

PARISH_SEPTEMBER = """Anytown Parish Council

Minutes of the Meeting of Anytown Parish Council held on Monday 9th September 2024 at 10am in the Village Hall

Present: Cllrs A Smith (Chairman), B Jones

1. Apologies for Absence

None.

2. Planning

Resolved: That the application be supported.

3. Date of Next Meeting

The next meeting will be held on Monday 13th January 2025 at 10am in the Village Hall.

PART II - EXEMPT INFORMATION

4. Land Sale at Mill Lane

Exempt under paragraph 3 of Schedule 12A to the Local Government Act 1972.

CANARY-9d2e the offer of £250,000 from Acme Homes was accepted.
"""

PARISH_JANUARY = """Anytown Parish Council

Minutes of the Meeting of Anytown Parish Council held on Monday 13th January 2025 at 10am in the Village Hall

Present: Cllrs A Smith (Chairman), B Jones

1. Apologies for Absence

None.

2. Date of Next Meeting

The next meeting will be held on Monday 10th March 2025 at 7.30pm in the Church Rooms.
"""

PARISH_MARCH_AGENDA = """Anytown Parish Council

Agenda for the Meeting of Anytown Parish Council to be held on Monday 10th March 2025 at 7.30pm in the Church Rooms

1. Apologies for Absence

2. Allotments
"""

WALK_NO_TIME = """---
date: 2024-07-04
committee: Footpaths Working Group
---
Footpaths Working Group

1. Site visit to Mill Lane bridleway
"""


def build_with_address(content: Path, out: Path, base_url: str = BASE_URL) -> BuiltSite:
    config = SiteConfig(base_url=base_url)
    return BuiltSite(build(BuildOptions(content=content, out=out, config=config)), out)


@pytest.fixture(scope="module")
def seed_online(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The seed archive as published at its own address: feed and sitemap need absolute URLs."""
    site = build_with_address(CONTENT, tmp_path_factory.mktemp("online") / "site")
    assert site.result.published
    return site


def read_calendar(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def events_by_uid(calendar: Calendar) -> dict[str, Event]:
    uids = [str(event["UID"]) for event in calendar.events]
    assert len(uids) == len(set(uids)), f"duplicate UIDs: {uids}"
    return {str(event["UID"]): event for event in calendar.events}


def utc_start(calendar: Calendar, event: Event) -> dt.datetime:
    """The event's start in UTC as a calendar app reads it: by the file's own VTIMEZONE rules."""
    (zone,) = calendar.timezones
    local = event["DTSTART"].dt.replace(tzinfo=zone.to_tz(lookup_tzid=False))
    return local.astimezone(dt.UTC)  # type: ignore[no-any-return]


def unfolded(data: bytes) -> bytes:
    """iCalendar text with its long lines joined again, so a phrase split by folding is found."""
    return re.sub(rb"\r\n[ \t]", b"", data)


def site_file(site: BuiltSite, url: str) -> Path:
    """The file a URL of the site is served from, the way a static host maps it."""
    assert url.startswith(BASE_URL + "/"), url
    path = url.removeprefix(BASE_URL + "/")
    return site.out / (path + "index.html" if path == "" or path.endswith("/") else path)


# --- the feed -----------------------------------------------------------------------------


def test_the_feed_lists_meetings_newest_first_each_linking_to_its_page(seed_online: BuiltSite) -> None:
    feed = etree.parse(str(seed_online.out / "feed.atom")).getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == f"{BASE_URL}/"
    assert feed.findtext(f"{ATOM}title") == "Lancashire County Council committee minutes"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Lancashire County Council"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"alternate": f"{BASE_URL}/", "self": f"{BASE_URL}/feed.atom"}

    dated = sorted((m for m in seed_online.data("meetings") if m["date"]), key=lambda m: m["date"], reverse=True)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [BASE_URL + m["url"] for m in dated]
    assert len(entries) == 5  # the undated agenda item has no place in a "newest first" feed
    for entry, meeting in zip(entries, dated, strict=True):
        href = entry.find(f"{ATOM}link").get("href")
        assert href == BASE_URL + meeting["url"] and site_file(seed_online, href).is_file()
        assert entry.findtext(f"{ATOM}title") == meeting["committee"] + ", " + dt.date.fromisoformat(
            meeting["date"]).strftime("%-d %B %Y")
        assert entry.find(f"{ATOM}category").get("term") == meeting["committee"]
        starts = dt.datetime.fromisoformat(f"{meeting['date']}T{meeting['start_time']}").replace(tzinfo=LONDON)
        assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == starts
        assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == starts
        for item in meeting["items"]:
            assert f"{item['number']}. {item['title']}" in entry.findtext(f"{ATOM}summary")
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")


def test_the_feed_names_an_exempt_item_but_never_its_content(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_with_address(make_content({"september.txt": PARISH_SEPTEMBER}), tmp_path / "site")
    feed = etree.parse(str(site.out / "feed.atom")).getroot()
    summary = feed.findtext(f"{ATOM}entry/{ATOM}summary")
    assert summary.splitlines() == [
        "Agenda:", "1. Apologies for Absence", "2. Planning", "3. Date of Next Meeting",
        "4. Land Sale at Mill Lane (exempt)",
    ]
    leaked = [path for path, data in snapshot(site.out).items() if b"CANARY-9d2e" in unfolded(data)]
    assert leaked == []


def test_pages_point_feed_readers_at_the_feed(seed_online: BuiltSite) -> None:
    home = (seed_online.out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml" href="/feed.atom"' in home
    assert 'href="/feed.atom">Follow newly published meetings' in home
    assert check_links(seed_online.out) == []


# --- the calendars ------------------------------------------------------------------------


def test_calendars_hold_every_dated_meeting_at_its_time_in_uk_time(seed_online: BuiltSite) -> None:
    meetings = {m["id"]: m for m in seed_online.data("meetings")}
    whole = read_calendar(seed_online.out / "calendar.ics")
    committee = read_calendar(seed_online.out / "committees" / COMMITTEE / "calendar.ics")
    for calendar in (whole, committee):
        assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"]).startswith("-//Minutebook//")
        assert str(calendar["CALSCALE"]) == "GREGORIAN" and str(calendar["METHOD"]) == "PUBLISH"
        assert [tz.tz_name for tz in calendar.timezones] == ["Europe/London"]
    assert str(whole["X-WR-CALNAME"]) == "Lancashire County Council: committee meetings"
    assert str(committee["X-WR-CALNAME"]) == "Lancashire County Council: Cabinet Committee on Performance Improvement"

    events = events_by_uid(whole)
    held = {uid.split("@")[0]: event for uid, event in events.items() if str(event["STATUS"]) == "CONFIRMED"}
    assert sorted(held) == sorted(m for m in meetings if meetings[m]["date"])  # undated: not in a calendar
    for meeting_id, event in held.items():
        meeting = meetings[meeting_id]
        assert str(event["UID"]) == f"{meeting_id}@minutes.example.gov.uk"
        assert event["DTSTART"].params["TZID"] == "Europe/London"
        assert event["DTSTART"].dt == dt.datetime.fromisoformat(f"{meeting['date']}T{meeting['start_time']}").replace(
            tzinfo=LONDON)
        assert str(event["SUMMARY"]) == f"{meeting['committee']}, {event['DTSTART'].dt:%-d %B %Y}"
        assert str(event["LOCATION"]) == meeting["venue"]
        assert str(event["URL"]) == BASE_URL + meeting["url"]
        assert event["DTSTAMP"].dt == dt.datetime.fromisoformat(meeting["date"]).replace(tzinfo=dt.UTC)
    # June 2017 at 2pm was British Summer Time; February 2019 at 2.30pm was GMT.
    assert utc_start(whole, held[f"2017-06-27-{COMMITTEE}"]) == dt.datetime(2017, 6, 27, 13, 0, tzinfo=dt.UTC)
    assert utc_start(whole, held[FEB_2019]) == dt.datetime(2019, 2, 26, 14, 30, tzinfo=dt.UTC)
    assert events_by_uid(committee).keys() == events.keys()  # the seeds are one committee's papers


def test_the_next_meeting_announced_is_in_the_calendar_as_tentative(seed_online: BuiltSite) -> None:
    events = events_by_uid(read_calendar(seed_online.out / "calendar.ics"))
    announced = events[f"2019-04-23-{COMMITTEE}@minutes.example.gov.uk"]
    assert str(announced["STATUS"]) == "TENTATIVE"
    assert announced["DTSTART"].dt == dt.datetime(2019, 4, 23, 14, 0, tzinfo=LONDON)
    assert str(announced["LOCATION"]) == "Committee Room B – The Diamond Jubilee Room, County Hall, Preston"
    assert "announced in the papers of Cabinet Committee on Performance Improvement, 26 February 2019" in str(
        announced["DESCRIPTION"])
    # Dates announced in older minutes (12 September 2017, 18 April 2018) have passed without papers here.
    assert sorted(str(e["DTSTART"].dt.date()) for e in events.values() if str(e["STATUS"]) == "TENTATIVE") == [
        "2019-04-23"]


def test_summer_and_winter_meetings_at_10am_start_at_the_right_instant(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"september.txt": PARISH_SEPTEMBER, "january.txt": PARISH_JANUARY})
    site = build_with_address(content, tmp_path / "site")
    calendar = read_calendar(site.out / "calendar.ics")
    events = events_by_uid(calendar)
    summer = events["2024-09-09-anytown-parish-council@minutes.example.gov.uk"]
    winter = events["2025-01-13-anytown-parish-council@minutes.example.gov.uk"]
    assert utc_start(calendar, summer) == dt.datetime(2024, 9, 9, 9, 0, tzinfo=dt.UTC)  # BST
    assert utc_start(calendar, winter) == dt.datetime(2025, 1, 13, 10, 0, tzinfo=dt.UTC)  # GMT
    assert b"DTSTART;TZID=Europe/London:20240909T100000\r\n" in (site.out / "calendar.ics").read_bytes()


def test_an_announced_meeting_keeps_its_uid_when_its_agenda_is_published(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"september.txt": PARISH_SEPTEMBER, "january.txt": PARISH_JANUARY})
    before = events_by_uid(read_calendar(build_with_address(content, tmp_path / "before").out / "calendar.ics"))
    uid = "2025-03-10-anytown-parish-council@minutes.example.gov.uk"
    assert str(before[uid]["STATUS"]) == "TENTATIVE"

    (content / "march-agenda.txt").write_text(PARISH_MARCH_AGENDA, encoding="utf-8")
    after = events_by_uid(read_calendar(build_with_address(content, tmp_path / "after").out / "calendar.ics"))
    assert after.keys() == before.keys()  # the same event firms up; no second one appears
    assert str(after[uid]["STATUS"]) == "CONFIRMED"
    assert after[uid]["DTSTART"].dt == dt.datetime(2025, 3, 10, 19, 30, tzinfo=LONDON)
    assert "2. Allotments" in str(after[uid]["DESCRIPTION"])
    assert after[uid]["DTSTAMP"].dt > before[uid]["DTSTAMP"].dt


def test_a_meeting_with_no_start_time_is_an_all_day_event(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_with_address(make_content({"walk.md": WALK_NO_TIME}), tmp_path / "site")
    path = site.out / "committees/footpaths-working-group/calendar.ics"
    (event,) = read_calendar(path).events
    assert event["DTSTART"].dt == dt.date(2024, 7, 4) and event["DTSTART"].params["VALUE"] == "DATE"
    assert b"DTSTART;VALUE=DATE:20240704\r\n" in path.read_bytes()
    assert read_calendar(path).timezones == []  # no event names a time zone


def test_calendars_name_exempt_items_but_never_their_content(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_with_address(make_content({"september.txt": PARISH_SEPTEMBER}), tmp_path / "site")
    for path in (site.out / "calendar.ics", site.out / "committees/anytown-parish-council/calendar.ics"):
        (event,) = [e for e in read_calendar(path).events if str(e["STATUS"]) == "CONFIRMED"]
        assert "4. Land Sale at Mill Lane (exempt)" in str(event["DESCRIPTION"])
        assert b"CANARY" not in unfolded(path.read_bytes()) and b"Acme" not in unfolded(path.read_bytes())


def test_calendar_files_are_crlf_and_folded_at_75_octets(seed_online: BuiltSite) -> None:
    paths = sorted(seed_online.out.rglob("*.ics"))
    assert [p.relative_to(seed_online.out).as_posix() for p in paths] == [
        "calendar.ics", f"committees/{COMMITTEE}/calendar.ics"]
    for path in paths:
        data = path.read_bytes()
        assert data.endswith(b"END:VCALENDAR\r\n")
        lines = data.split(b"\r\n")[:-1]
        assert all(b"\n" not in line and b"\r" not in line for line in lines)
        assert max(len(line) for line in lines) <= 75
        for line in lines:
            line.decode("utf-8")  # folding never splits a character
        assert any(line.startswith(b" ") for line in lines)  # long descriptions were folded



def test_each_event_is_written_byte_for_byte_as_icalendar_writes_it() -> None:
    """The build folds events' lines itself (icalendar's folding was half their cost); what it writes
    must be what icalendar's to_ical writes, whatever the text: commas and semicolons escaped with a
    backslash at a fold, carets, curly quotes and dashes of three octets, an emoji of four, long
    and short lines."""
    pieces = ["Budget", "monitoring,", "report;", "Children’s", "services", "–", "Q3", "\\", "^", "🏛", "é",
              "a" * 70, "Highways", "and", "transport", "(Part", "II)", "two\nlines", ":", "back\\slash"]
    random = Random(7)
    config = SiteConfig(base_url=BASE_URL)
    for n in range(400):
        def text(most: int) -> str:
            return " ".join(random.choice(pieces) for _ in range(random.randint(1, most)))
        entry = calendars.CalendarEntry(
            id=f"2024-01-{n % 28 + 1:02d}-committee", committee_id="committee", summary=text(12),
            day=dt.date(2024, 1, n % 28 + 1), time=dt.time(10, 30) if n % 3 else None,
            venue=text(8) if n % 4 else None, description="\n".join(text(15) for _ in range(n % 5 + 1)),
            url=f"/meetings/{n}/", stamp=dt.date(2024, 1, 1), tentative=bool(n % 2))
        event = calendars._event(entry, "minutes.example.gov.uk", config)
        assert calendars._ical(event) == event.to_ical()


# --- sitemap and robots.txt ---------------------------------------------------------------


def test_the_sitemap_lists_exactly_the_published_pages(seed_online: BuiltSite) -> None:
    root = etree.parse(str(seed_online.out / "sitemap.xml")).getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locs = [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]
    assert locs == sorted(locs) and len(locs) == len(set(locs))
    assert not root.findall(f".//{SITEMAP}lastmod")
    pages = {
        p.relative_to(seed_online.out).as_posix() for p in seed_online.out.rglob("*.html")
        if p.name != "404.html" and not p.relative_to(seed_online.out).as_posix().startswith("build-report/")
    }
    assert {site_file(seed_online, loc).relative_to(seed_online.out).as_posix() for loc in locs} == pages
    assert f"{BASE_URL}/" in locs and f"{BASE_URL}/meetings/{FEB_2019}/" in locs
    assert (seed_online.out / "robots.txt").read_text(encoding="utf-8") == (
        f"User-agent: *\nDisallow: /build-report/\n\nSitemap: {BASE_URL}/sitemap.xml\n"
    )


def test_two_builds_at_an_address_are_byte_identical(tmp_path: Path) -> None:
    """Feed, calendars and sitemap take every date from the content, none from the clock."""
    first = build_with_address(CONTENT, tmp_path / "one")
    second = build_with_address(CONTENT, tmp_path / "two")
    assert snapshot(first.out) == snapshot(second.out)
    assert {"feed.atom", "calendar.ics", "sitemap.xml", "robots.txt"} <= set(snapshot(first.out))


def test_a_base_url_with_a_trailing_slash_gives_the_same_urls(tmp_path: Path, seed_online: BuiltSite) -> None:
    site = build_with_address(CONTENT, tmp_path / "site", base_url=BASE_URL + "/")
    for name in ("feed.atom", "calendar.ics", "sitemap.xml", "robots.txt"):
        assert (site.out / name).read_bytes() == (seed_online.out / name).read_bytes(), name


# --- without the site's address -------------------------------------------------------------


def test_without_base_url_there_is_no_feed_or_sitemap_and_nothing_links_to_them(seed_site: BuiltSite) -> None:
    out = seed_site.out
    assert not (out / "feed.atom").exists() and not (out / "sitemap.xml").exists()
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /build-report/\n"
    mentions = [p.relative_to(out).as_posix() for p in out.rglob("*.html")
                if re.search(rb"feed\.atom|sitemap\.xml", p.read_bytes())]
    assert mentions == []
    # Calendars need no address: they are still published, with links from the pages.
    calendar = read_calendar(out / "calendar.ics")
    assert all(str(e["UID"]).endswith("@minutebook.invalid") and "URL" not in e for e in calendar.events)
    assert 'href="/calendar.ics"' in (out / "index.html").read_text(encoding="utf-8")
    assert 'href="/calendar.ics"' in (out / "meetings/index.html").read_text(encoding="utf-8")
    committee_page = (out / "committees" / COMMITTEE / "index.html").read_text(encoding="utf-8")
    assert f'href="/committees/{COMMITTEE}/calendar.ics"' in committee_page
    assert check_links(out) == []
