"""The archive as residents, journalists and clerks browse it: built from content/ into a
temporary folder, each page read back as HTML and checked against the exported data."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from minutebook.itembody import item_body
from minutebook.listings import THREAD_PAGE, TOPIC_INDEX_PAGE
from minutebook.model import Block, Item, SourceSpan

from .conftest import CONTENT, BuiltSite, build_site
from .test_build_cli import MINUTES

JUNE_2017 = "2017-06-27-cabinet-committee-on-performance-improvement"
FEB_2019 = "2019-02-26-cabinet-committee-on-performance-improvement"


def page(site: BuiltSite, url: str) -> LexborHTMLParser:
    path = site.out / url.strip("/") / "index.html" if url.endswith("/") else site.out / url.lstrip("/")
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


def texts(nodes: list[LexborNode]) -> list[str]:
    return [" ".join(node.text(separator=" ").split()) for node in nodes]


def hrefs(html: LexborHTMLParser, selector: str = "a") -> set[str]:
    return {node.attributes.get("href") or "" for node in html.css(selector)}


def test_a_meeting_page_shows_who_attended_and_links_each_person(seed_site: BuiltSite) -> None:
    data = seed_site.meeting(JUNE_2017)
    html = page(seed_site, data["url"])
    assert " ".join(html.css_first("h1").text().split()) == "Cabinet Committee on Performance Improvement, Tuesday 27 June 2017"
    summary = dict(zip(texts(html.css(".govuk-summary-list__key")), texts(html.css(".govuk-summary-list__value")), strict=True))
    assert summary["Time"] == "2pm"
    assert summary["Venue"] == "Cabinet Room 'B' - The Diamond Jubilee Room, County Hall, Preston"
    assert summary["Chair"] == "Geoff Driver"
    columns = {texts([column.css_first("h3")])[0].split(" (")[0]: column for column in html.css("#attendance + .govuk-grid-row > div")}
    present = [a.attributes["href"] for a in columns["Present"].css("a")]
    assert present == [f"/people/{pid}/" for pid in data["people"]["present"]]
    officers = texts(columns["Officers"].css("li"))
    assert officers[0] == "Paul Bond Head of Service - Legal and Democratic Services"
    assert "Apologies" not in columns  # nobody sent apologies to this meeting


def test_agenda_items_have_a_contents_list_with_stable_anchors(seed_site: BuiltSite) -> None:
    data = seed_site.meeting(JUNE_2017)
    html = page(seed_site, data["url"])
    contents = [a.attributes["href"] for a in html.css(".mb-contents a")]
    assert contents == [f"#{item['anchor']}" for item in data["items"]] == [f"#item-{n}" for n in range(1, 8)]
    for item in data["items"]:
        section = html.css_first(f"section#{item['anchor']}")
        assert item["title"] in " ".join(section.css_first("h2").text().split())
        for resolution in item["resolutions"]:
            anchor = "resolution-" + resolution["id"].split("/")[1].replace(".", "-")
            assert resolution["text"] in section.css_first(f"#{anchor}").text()


def test_a_meeting_page_links_to_the_minutes_it_confirms_and_its_neighbours(seed_site: BuiltSite) -> None:
    html = page(seed_site, f"/meetings/{JUNE_2017}/")
    item_3 = html.css_first("section#item-3")
    assert "/meetings/2017-03-07-cabinet-committee-on-performance-improvement/" in hrefs(item_3)
    pagination = html.css_first("nav.govuk-pagination")
    assert hrefs(pagination) == {"/meetings/2017-03-07-cabinet-committee-on-performance-improvement/"}
    assert "Next meeting: Tuesday 12 September 2017 at 1pm" in html.body.text()


def test_source_documents_are_offered_as_received(seed_site: BuiltSite) -> None:
    html = page(seed_site, f"/meetings/{JUNE_2017}/")
    link = html.css_first("#documents + ul a[download]")
    assert link.attributes["href"] == "/sources/000_70d8d57eafc0b373.txt"
    assert (seed_site.out / "sources/000_70d8d57eafc0b373.txt").read_bytes() == (CONTENT / "000_70d8d57eafc0b373.txt").read_bytes()


def test_exempt_item_shows_title_and_reason_but_no_content(seed_site: BuiltSite) -> None:
    html = page(seed_site, f"/meetings/{FEB_2019}/")
    section = html.css_first("section#item-10")
    text = " ".join(section.text().split())
    assert "Update report on the performance of Lancashire County Council" in text
    assert "Not for publication. Local Government Act 1972, Schedule 12A, paragraphs 3 and 4" in text
    assert section.css("p.govuk-body") == []  # no minute text at all
    contents = html.css(".mb-contents li")[-1]
    assert "Not for publication" in contents.text()
    # The pack holds the restricted pages, so the download is a copy with them withheld.
    download = html.css_first("#documents + ul a[download]").attributes["href"]
    assert download == "/sources/004_58e9679888508d11.redacted.txt"
    copy = (seed_site.out / download.lstrip("/")).read_text(encoding="utf-8")
    assert "Document is Restricted" not in copy
    assert "[Withheld: " in copy


PART_TWO_MINUTES = MINUTES + """
PART II - EXEMPT INFORMATION

3. Land Sale at Mill Lane

Exempt under paragraph 3 of Schedule 12A to the Local Government Act 1972.

CANARY-41c7 the offer of £250,000 from Acme Homes was accepted.

Resolved: CANARY-41c7 that the land be sold.
"""


def test_exempt_minutes_never_reach_pages_data_or_downloads(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content({"parish.txt": PART_TWO_MINUTES}), tmp_path / "site")
    assert site.result.published
    leaked = [p for p in sorted(site.out.rglob("*")) if p.is_file() and b"CANARY-41c7" in p.read_bytes()]
    assert leaked == []
    html = page(site, site.meeting_on("2024-09-09")["url"])
    assert "Land Sale at Mill Lane" in html.css_first("section#item-3 h2").text()
    copy = (site.out / "sources/parish.redacted.txt").read_text(encoding="utf-8")
    assert "2. Planning" in copy and "Land Sale" not in copy


HOSTILE = """Anytown Parish Council

Minutes of the Meeting of Anytown Parish Council held on Monday 9th September 2024 at 7.30pm in the Village Hall

Present: Cllrs A Smith (Chairman), B Jones

1. Planning <script>alert('title')</script>

The clerk read "><script>alert(1)</script> and <img src=x onerror=alert(2)> aloud.

Resolved: That <b onmouseover=alert(3)>nothing</b> be done.
"""

HOSTILE_HTML = """<html><body><h1>Anytown Parish Council</h1>
<p>Minutes of the Meeting of Anytown Parish Council held on Monday 14th October 2024 at 7.30pm in the Village Hall</p>
<p>Present: Cllrs A Smith (Chairman), B Jones</p>
<h2>1. Planning</h2>
<p>Text <script>alert('inline')</script><iframe src="https://evil.example/"></iframe><a href="javascript:alert(4)">link</a></p>
</body></html>
"""


def test_html_in_sources_is_shown_as_text_never_run(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content({"hostile.txt": HOSTILE, "hostile.html": HOSTILE_HTML}), tmp_path / "site")
    assert site.result.published
    # The HTML source is offered as received, under a name no host serves as a page.
    assert (site.out / "sources/hostile.html.txt").read_text() == HOSTILE_HTML
    for path in sorted(site.out.rglob("*.html")):
        html = LexborHTMLParser(path.read_text(encoding="utf-8"))
        assert html.css("iframe, img, object, embed") == [], path
        data = "script[type='application/ld+json'], script[type='application/json']"
        scripts = [(node.attributes.get("src") or "", node.text()) for node in html.css(f"script:not({data})")]
        assert all(src.startswith("/assets/") and not text.strip() for src, text in scripts), path  # only our own files
        for node in html.css(data):
            json.loads(node.text())  # a data block, never code
        handlers = [attr for node in html.css("*") for attr in node.attributes if attr.startswith("on")]
        assert handlers == [], path
        assert not any(href.startswith("javascript:") for href in hrefs(html)), path
    # Stray tags are taken out of the text, what surrounds them stays.
    html = page(site, site.meeting_on("2024-09-09")["url"])
    assert texts(html.css("section#item-1 h2")) == ["1. Planning"]
    assert texts(html.css("section#item-1 p.govuk-body"))[:2] == ['The clerk read "> and aloud.', "Resolved: That nothing be done."]


def test_report_tables_are_real_tables_with_caption_and_scope(seed_site: BuiltSite) -> None:
    html = page(seed_site, f"/meetings/{FEB_2019}/")
    tables = html.css("table.mb-data-table")
    assert len(tables) >= 5
    for table in tables:
        caption = table.css_first("caption")
        assert caption is not None and caption.text().startswith("Table ")
        assert all(th.attributes.get("scope") in ("col", "row") for th in table.css("th"))
    risk_table = next(t for t in tables if "Risk Identification Number (RIN)" in t.css_first("thead").text())
    assert texts(risk_table.css("tbody th[scope=row]"))[:3] == ["CR1", "CR2", "CR3"]


def test_person_page_counts_attendance_with_its_denominator(seed_site: BuiltSite) -> None:
    person = seed_site.person("geoff-driver")
    html = page(seed_site, person["url"])
    assert html.css_first("h1").text() == "Geoff Driver"
    body = " ".join(html.body.text().split())
    # Independently from the data: meetings he was listed at, as chair/present or apologies.
    listed = [m for m in seed_site.data("meetings") if "geoff-driver" in m["people"]["present"] + m["people"]["apologies"]]
    attended = sum("geoff-driver" in m["people"]["present"] for m in listed)
    assert f"attended {attended} of the {len(listed)} meetings they were expected at" in body
    rows = {texts([r.css_first("th")])[0]: texts(r.css("td")) for r in html.css("#attendance ~ div table tbody tr")}
    # Each year: apologies at one meeting, chaired the other.
    assert rows["2017"] == ["1 of 2", "1 of 2", "0 of 2", "1"]
    assert rows["2018"] == ["1 of 2", "1 of 2", "0 of 2", "1"]
    assert "%" not in " ".join(" ".join(r) for r in rows.values())
    meeting_links = hrefs(html, "table a")
    assert {m["url"] for m in listed} <= meeting_links


def test_topic_page_follows_the_subject_in_date_order(seed_site: BuiltSite) -> None:
    topic = next(t for t in seed_site.data("topics") if t["id"] == "brexit")
    html = page(seed_site, topic["url"])
    links = [a.attributes["href"] for a in html.css(".mb-thread__entry h2 a")]
    assert links == [f"/meetings/{i['meeting']}/#{i['anchor']}" for i in topic["items"]]
    dates = [link.split("/")[2][:10] for link in links]
    assert dates == sorted(dates)
    first = html.css(".mb-thread__entry")[0].text()
    assert "The updated Risk and Opportunity Register be noted." in first


def long_running_subject(meetings: int) -> dict[str, str]:
    """Plain minutes of a Harbour Committee that discusses harbour dredging at every meeting, monthly from 2019."""
    files = {}
    for n in range(meetings):
        date = dt.date(2019 + n // 12, n % 12 + 1, 10)
        files[f"{date.isoformat()}.txt"] = f"""Riverside District Council
MINUTES of a meeting of the Harbour Committee held on {date.day} {date:%B %Y} at 10.00 am at the Town Hall, Riverside

Present: Councillors Carol Hughes (Chair), Alan Xavier

1. Harbour Dredging Programme
The Committee considered progress on dredging the outer harbour, meeting {n + 1}.

Resolved: That dredging continue for a further month ({n + 1}).
"""
    return files


def test_a_subject_discussed_for_years_gets_a_page_per_year(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content(long_running_subject(THREAD_PAGE + 5)), tmp_path / "site")
    topic = next(t for t in site.data("topics") if len(t["items"]) == THREAD_PAGE + 5)
    overview = page(site, topic["url"])
    assert overview.css_first("table caption").text().strip() == f"{topic['name']} by year"
    years = [" ".join(row.text(separator=" ").split()) for row in overview.css("tbody tr")]
    assert years == ["2027 9", *(f"{year} 12" for year in range(2026, 2018, -1))]
    latest = [a.text() for a in overview.css(".mb-thread__entry h3 a")]
    assert len(latest) == 10 and "1. Harbour Dredging Programme" in latest[0]
    assert "(105)" in overview.css(".mb-thread__entry")[0].text(), "the newest decision comes first"

    year = page(site, f"{topic['url']}2020/")
    decisions = [" ".join(li.text().split()) for li in year.css(".mb-thread__entry .govuk-list li")]
    assert [d.split("(")[1].split(")")[0] for d in decisions] == [str(n) for n in range(13, 25)], "oldest first"
    pager = {a.attributes["rel"]: a.attributes["href"] for a in year.css(".govuk-pagination a")}
    assert pager == {"prev": f"{topic['url']}2019/", "next": f"{topic['url']}2021/"}
    every_page = [page(site, f"{topic['url']}{y}/") for y in range(2019, 2028)]
    linked = [a.attributes["href"] for p in every_page for a in p.css(".mb-thread__entry h2 a")]
    assert linked == [f"/meetings/{i['meeting']}/#{i['anchor']}" for i in topic["items"]], "every item, once, in order"


def many_subjects(count: int) -> dict[str, str]:
    """A Harbour Committee meeting daily, each on the lease of a quay of its own ("Abton Quay Lease")."""
    files = {}
    for n in range(count):
        date = dt.date(2020, 1, 7) + dt.timedelta(days=n)
        place = f"{'ABCDEFGHJKLMNPRSTW'[n % 18]}{'aeiou'[n // 18 % 5]}{'bdglmnrs'[n // 90 % 8]}ton"
        files[f"{date.isoformat()}.txt"] = f"""Riverside District Council
MINUTES of a meeting of the Harbour Committee held on {date.day} {date:%B %Y} at 10.00 am at the Town Hall

Present: Councillors Carol Hughes (Chair), Alan Xavier

1. {place} Quay Lease

The Committee considered the lease.
"""
    return files


def test_a_long_topics_index_is_listed_a_letter_to_a_page(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content(many_subjects(TOPIC_INDEX_PAGE + 30)), tmp_path / "site")
    topics = site.data("topics")
    assert len(topics) > TOPIC_INDEX_PAGE
    index = page(site, "/topics/")
    letters = [a.attributes["href"] for a in index.css("nav[aria-label='Topics A to Z'] a")]
    assert letters[:2] == ["/topics/a-to-z/a/", "/topics/a-to-z/b/"]
    assert len(index.css("main li")) < 60, "the index lists letters and the most discussed, not every topic"
    listed = []
    for link in letters:
        listed += [a.attributes["href"] for a in page(site, link).css("main ul.govuk-list a")]
    assert sorted(listed) == sorted(t["url"] for t in topics) and len(listed) == len(set(listed))
    b_page = page(site, "/topics/a-to-z/b/")
    names = [a.text() for a in b_page.css("main ul.govuk-list a")]
    assert names and all(name.startswith("B") for name in names) and names == sorted(names, key=str.lower)
    pager = {a.attributes["rel"]: a.attributes["href"] for a in b_page.css(".govuk-pagination a")}
    assert pager == {"prev": "/topics/a-to-z/a/", "next": "/topics/a-to-z/c/"}


def test_a_topic_page_names_its_other_titles_not_its_own(tmp_path: Path, make_content, seed_site: BuiltSite) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content(long_running_subject(2)), tmp_path / "site")
    [topic] = [t for t in site.data("topics") if t["name"] == "Harbour Dredging Programme"]
    assert topic["variants"] == ["Harbour Dredging Programme"]  # the items' titles, in the data
    assert "Also called" not in page(site, topic["url"]).css_first("main").text()
    risk = next(t for t in seed_site.data("topics") if t["id"] == "corporate-risk-and-opportunity-register")
    also = [p.text() for p in page(seed_site, risk["url"]).css("main p") if p.text().startswith("Also called: ")]
    assert also == [f"Also called: {'; '.join(risk['variants'])}"]


def test_a_shorter_subject_stays_on_one_page(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content(long_running_subject(THREAD_PAGE)), tmp_path / "site")
    topic = next(t for t in site.data("topics") if len(t["items"]) == THREAD_PAGE)
    assert len(page(site, topic["url"]).css(".mb-thread__entry h2 a")) == THREAD_PAGE
    assert not (site.out / topic["url"].strip("/") / "2019").exists()


def test_committee_page_lists_its_meetings_members_and_topics(seed_site: BuiltSite) -> None:
    committee = seed_site.data("committees")[0]
    members = seed_site.result.archive.committees[0].members
    html = page(seed_site, committee["url"])
    meeting_links = [a.attributes["href"] for a in html.css("table a")]
    dated = sorted((m for m in seed_site.data("meetings") if m["committee_id"] == committee["id"]), key=lambda m: m["date"], reverse=True)
    assert meeting_links == [m["url"] for m in dated]
    assert len(members) == len(committee["members"]) and {f"/people/{p}/" for p in members} <= hrefs(html)
    assert "/topics/brexit/" in hrefs(html)


def test_resolutions_register_lists_every_decision_once_newest_first(seed_site: BuiltSite) -> None:
    expected = [r["id"] for m in seed_site.data("meetings") for i in m["items"] for r in i["resolutions"]]
    index = page(seed_site, "/resolutions/")
    seen: list[str] = []
    for year_link in [a.attributes["href"] for a in index.css("table a")]:
        html = page(seed_site, year_link)
        for entry in html.css(".mb-register__entry"):
            ref = entry.css_first("code").text()
            seen.append(ref)
            assert entry.attributes["id"] == "r-" + re.sub(r"[/.]", "-", ref)
            meeting_id, number = ref.split("/")
            permalink = f"/meetings/{meeting_id}/#resolution-{number.replace('.', '-')}"
            assert permalink in hrefs(entry)
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    dated = [ref[:10] for ref in seen if ref[:4].isdigit()]
    assert dated == sorted(dated, reverse=True)


def busy_year(meetings: int, items: int) -> dict[str, str]:
    """A Harbour Committee meeting weekly through 2024, deciding something at every item."""
    files = {}
    for n in range(meetings):
        date = dt.date(2024, 1, 2) + dt.timedelta(weeks=n)
        agenda = "\n\n".join(f"{i}. Mooring Licence {n}-{i}\n\nResolved: That licence {n}-{i} be granted."
                               for i in range(1, items + 1))
        files[f"{date.isoformat()}.txt"] = f"""Riverside District Council
MINUTES of a meeting of the Harbour Committee held on {date.day} {date:%B %Y} at 10.00 am at the Town Hall, Riverside

Present: Councillors Carol Hughes (Chair), Alan Xavier

{agenda}
"""
    return files


def test_a_year_of_many_decisions_gets_a_register_page_per_month(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content(busy_year(meetings=31, items=10)), tmp_path / "site")
    year = page(site, "/resolutions/2024/")
    assert year.css_first("table caption").text().strip() == "Decisions in 2024 by month, newest first"
    months = [" ".join(row.text(separator=" ").split()) for row in year.css("tbody tr")]
    assert months == ["July 2024 50", "June 2024 40", "May 2024 40", "April 2024 50", "March 2024 40",
                      "February 2024 40", "January 2024 50"]
    assert not year.css(".mb-register__entry"), "the year page lists months, not 310 decisions"
    seen = []
    for link in [a.attributes["href"] for a in year.css("tbody a")]:
        month = page(site, link)
        seen += [code.text() for code in month.css(".mb-register__entry code")]
    expected = [r["id"] for m in site.data("meetings") for i in m["items"] for r in i["resolutions"]]
    assert sorted(seen) == sorted(expected) and len(seen) == 310
    assert [ref[:10] for ref in seen] == sorted((ref[:10] for ref in seen), reverse=True)
    march = page(site, "/resolutions/2024/03/")
    pager = {a.attributes["rel"]: a.attributes["href"] for a in march.css(".govuk-pagination a")}
    assert pager == {"prev": "/resolutions/2024/04/", "next": "/resolutions/2024/02/"}


def test_a_quieter_year_stays_on_one_register_page(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content(busy_year(meetings=30, items=10)), tmp_path / "site")
    assert len(page(site, "/resolutions/2024/").css(".mb-register__entry")) == 300
    assert not (site.out / "resolutions" / "2024" / "01").exists()


def test_browse_by_date_lists_years_newest_first_and_the_undated(seed_site: BuiltSite) -> None:
    html = page(seed_site, "/meetings/")
    years = texts(html.css("tbody th"))
    assert years == ["2019", "2018", "2017"]
    undated = html.css_first("#undated + p + ul")
    assert hrefs(undated) == {"/meetings/undated-002-ea2e453e723765dc/"}
    assert "date: 2019-02-26" in html.css_first("details").text()
    year = page(seed_site, "/meetings/2018/")
    assert [a.attributes["href"][10:20] for a in year.css("tbody a")] == ["2018-12-05", "2018-02-27"]


def test_every_person_topic_and_committee_on_a_meeting_links_to_its_page(seed_site: BuiltSite) -> None:
    for meeting in seed_site.data("meetings"):
        links = hrefs(page(seed_site, meeting["url"]))
        people = meeting["people"]
        for person_id in [*people["present"], *people["apologies"], *people["officers"], *([people["chair"]] if people["chair"] else [])]:
            assert f"/people/{person_id}/" in links
        for item in meeting["items"]:
            for person_id in item["presenters"] + item["mentioned"]:
                assert f"/people/{person_id}/" in links
            for topic_id in item["topics"]:
                assert f"/topics/{topic_id}/" in links
        if meeting["committee_id"]:
            assert f"/committees/{meeting['committee_id']}/" in links


def test_home_page_offers_latest_next_and_the_ways_to_browse(seed_site: BuiltSite) -> None:
    html = page(seed_site, "/")
    links = hrefs(html)
    assert {"/meetings/", "/committees/", "/people/", "/topics/", "/resolutions/", "/meetings/2019/"} <= links
    assert html.css_first("form[action='/search/'] input[name=q]") is not None
    assert f"/meetings/{FEB_2019}/" in links  # agenda out, minutes not yet
    assert "Tuesday 23 April 2019" in html.body.text()  # announced in the pack's papers


def test_site_settings_come_from_the_config_file(tmp_path: Path) -> None:
    from minutebook.config import load_config
    from minutebook.pipeline import BuildOptions, build

    config_file = tmp_path / "minutebook.toml"
    config_file.write_text('[site]\ncouncil = "Borsetshire Council"\nbase_url = "https://minutes.example.org/"\n')
    build(BuildOptions(content=CONTENT, out=tmp_path / "site", config=load_config(config_file)))
    html = LexborHTMLParser((tmp_path / "site/index.html").read_text(encoding="utf-8"))
    assert html.css_first(".govuk-generic-header__homepage-link").text().strip() == "Borsetshire Council"
    assert html.css_first("title").text() == "Borsetshire Council committee minutes"
    assert html.css_first("link[rel=canonical]").attributes["href"] == "https://minutes.example.org/"


def test_a_bad_config_file_names_every_problem(tmp_path: Path) -> None:
    from minutebook.config import load_config
    from minutebook.errors import ConfigError

    config_file = tmp_path / "minutebook.toml"
    config_file.write_text('[site]\ncouncill = "Typo"\nbase_url = "minutes.example.org"\n[extra]\n')
    with pytest.raises(ConfigError) as error:
        load_config(config_file)
    message = str(error.value)
    assert "unknown section [extra]" in message
    assert "councill: unknown setting" in message
    assert "base_url: must start with https://" in message


def test_the_404_and_accessibility_pages_exist(seed_site: BuiltSite) -> None:
    assert page(seed_site, "/404.html").css_first("h1").text() == "Page not found"
    statement = page(seed_site, "/accessibility/")
    assert "Accessibility statement" in statement.css_first("h1").text()
    assert "Enforcement procedure" in texts(statement.css("h2"))


def test_pages_are_valid_json_free_of_templates_leftovers(seed_site: BuiltSite) -> None:
    for path in sorted(seed_site.out.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text, path
    json.loads((seed_site.out / "data/meetings.json").read_text())


def test_an_items_text_is_escaped_in_every_kind_of_block() -> None:
    """Paragraphs, sub-headings, lists and tables of minutes come from the council's documents: what
    looks like markup in them is shown as text, never read as HTML."""
    markup = '<img src=x onerror="alert(1)"> & <b>'
    item = Item("4", "Budget", "item-4", SourceSpan("m.txt", 1), blocks=(
        Block("heading", text=f"Heading {markup}"),
        Block("paragraph", text=f"Paragraph {markup}"),
        Block("list", entries=(f"Entry {markup}",)),
        Block("table", rows=((f"Column {markup}", "Value"), (f"Row {markup}", f"Cell {markup}"))),
    ))
    html = LexborHTMLParser(f"<section>{item_body(item)}</section>")
    assert html.css("img, b") == []
    shown = [node.text() for node in html.css("h3, p.govuk-body, li, th, td")]
    assert shown == [f"Heading {markup}", f"Paragraph {markup}", f"Entry {markup}",
                     f"Column {markup}", "Value", f"Row {markup}", f"Cell {markup}"]
    [table] = html.css("table")
    assert table.css_first("caption").text() == f"Table 1: Heading {markup}"
    assert [th.attributes["scope"] for th in table.css("th")] == ["col", "col", "row"]
    region = html.css_first("div.mb-table-scroll")
    assert region.attributes["aria-labelledby"] == table.css_first("caption").attributes["id"] == "item-4-table-1"
