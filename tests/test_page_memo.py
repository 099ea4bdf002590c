"""A rebuild renders only the pages whose inputs changed, and publishes what a fresh build would.

Staff keep a build cache between builds (build.py does); the page memo in it lets a rebuild take
every page nothing changed for from the live site. Each case edits the content as staff would,
rebuilds with the cache, and checks the site is byte for byte what a fresh build of the same
content (no cache, empty folder) publishes, and that the rebuild rendered fewer pages than all.
Real builds into tmp_path.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from minutebook import listings
from minutebook.pagememo import Records
from minutebook.pipeline import TEMPLATES, BuildOptions, BuildResult, build
from minutebook.publish import Staging
from minutebook.records import Attendance, InterestDeclared, ItemRef, PersonRecord, Tally, YearTally
from minutebook.render import PageJob, PageWriter

from .test_build_cli import MINUTES, snapshot

MEETING = "meetings/2024-09-09-anytown-parish-council/index.html"


def rebuild(content: Path, out: Path, cache: Path, templates: Path = TEMPLATES) -> BuildResult:
    result = build(BuildOptions(content=content, out=out, cache=cache, templates=templates))
    assert result.published
    return result


def fresh(content: Path, folder: Path, templates: Path = TEMPLATES) -> dict[str, bytes]:
    assert build(BuildOptions(content=content, out=folder, templates=templates)).published
    return snapshot(folder)


def test_a_rebuild_with_nothing_changed_renders_no_page_but_the_search_page(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    first = rebuild(content, tmp_path / "site", tmp_path / "cache")
    assert first.pages_kept == 0
    again = rebuild(content, tmp_path / "site", tmp_path / "cache")
    # Listings' pages (topics, the register, the home page) too; the search page names the new index.
    assert again.pages_kept == again.pages - 1
    assert snapshot(tmp_path / "site") == fresh(content, tmp_path / "fresh")


def test_each_edit_gives_the_site_a_fresh_build_gives(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rebuild(content, out, cache)
    edits = {
        "a decision reworded": lambda text: text.replace("be supported", "be refused"),
        "the chair's name spelt out": lambda text: text.replace("A Smith (Chairman)", "Alice Smith (Chairman)"),
        "a new item": lambda text: text + "\n3. Flooding\n\nResolved: That the flood plan be noted.\n",
        "a new councillor": lambda text: text.replace("B Jones", "B Jones, C Patel"),
    }
    for n, (what, edit) in enumerate(edits.items()):
        parish = content / "parish.txt"
        parish.write_text(edit(parish.read_text(encoding="utf-8")), encoding="utf-8")
        result = rebuild(content, out, cache)
        assert 0 < result.pages_kept < result.pages - 1, what
        assert snapshot(out) == fresh(content, tmp_path / f"fresh-{n}"), what


def test_an_item_made_exempt_leaves_no_trace_of_its_text_in_the_rebuild(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    sale = "3. Land Sale at Mill Lane\n\nCANARY-9e2d the offer from Acme Homes was accepted.\n"
    content = make_content({"parish.txt": MINUTES + "\n" + sale}, with_seeds=True)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rebuild(content, out, cache)
    assert b"CANARY-9e2d" in (out / MEETING).read_bytes()
    exempt = ("PART II - EXEMPT INFORMATION\n\n" + sale.replace(
        "\n\n", "\n\nExempt under paragraph 3 of Schedule 12A to the Local Government Act 1972.\n\n", 1))
    (content / "parish.txt").write_text(MINUTES + "\n" + exempt, encoding="utf-8")
    result = rebuild(content, out, cache)
    assert result.pages_kept > 0
    assert [path for path, data in snapshot(out).items() if b"CANARY-9e2d" in data] == []
    assert snapshot(out) == fresh(content, tmp_path / "fresh")


def test_a_deleted_document_and_a_new_one_give_the_site_a_fresh_build_gives(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rebuild(content, out, cache)
    (content / "parish.txt").unlink()
    rebuild(content, out, cache)
    assert not (out / MEETING).exists()
    assert snapshot(out) == fresh(content, tmp_path / "without")
    (content / "parish.txt").write_text(MINUTES, encoding="utf-8")
    rebuild(content, out, cache)
    assert (out / MEETING).is_file()
    assert snapshot(out) == fresh(content, tmp_path / "with")


def test_last_weeks_minutes_added_render_the_pages_that_show_them_not_every_page_naming_the_same_people(  # type: ignore[no-untyped-def]
        tmp_path: Path, make_content, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clerk adds the minutes of the latest meeting. Every councillor and topic they name gains a
    meeting, but the pages of earlier meetings only link to them: those are taken from the live site
    as they are, but for the meeting the new one follows (its "next meeting" link)."""
    july = MINUTES.replace("Monday 9th September 2024", "Monday 8th July 2024")
    content = make_content({"parish-july.txt": july, "parish.txt": MINUTES}, with_seeds=True)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rebuild(content, out, cache)
    (content / "parish-november.txt").write_text(
        MINUTES.replace("Monday 9th September 2024", "Monday 11th November 2024"), encoding="utf-8")
    rendered = rendering(tmp_path / "rendered.txt", monkeypatch)
    result = rebuild(content, out, cache)

    added = "meetings/2024-11-11-anytown-parish-council/index.html"
    assert {added, MEETING} <= rendered()
    assert "meetings/2024-07-08-anytown-parish-council/index.html" not in rendered()
    meetings = {f"meetings/{meeting.id}/index.html" for meeting in result.archive.meetings}
    assert rendered() & meetings == {added, MEETING}
    assert result.pages - result.pages_kept == len(rendered())
    assert snapshot(out) == fresh(content, tmp_path / "fresh")


def test_a_changed_template_renders_every_page_again(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rebuild(content, out, cache, templates)
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "<p>Edited footer</p></footer>", 1),
                    encoding="utf-8")
    result = rebuild(content, out, cache, templates)
    assert result.pages_kept == 0
    assert "Edited footer" in (out / MEETING).read_text(encoding="utf-8")
    assert snapshot(out) == fresh(content, tmp_path / "fresh", templates)


def test_a_reworded_decision_renders_the_register_and_topic_pages_that_show_it_and_no_other(  # type: ignore[no-untyped-def]
        tmp_path: Path, make_content, monkeypatch: pytest.MonkeyPatch) -> None:
    # A county's long topics and busy years get a page per year and per month; here, every one does.
    monkeypatch.setattr(listings, "THREAD_PAGE", 1)
    monkeypatch.setattr(listings, "REGISTER_PAGE", 1)
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rebuild(content, out, cache)
    parish = content / "parish.txt"
    parish.write_text(parish.read_text(encoding="utf-8").replace("be supported", "be refused"), encoding="utf-8")
    rendered = rendering(tmp_path / "rendered.txt", monkeypatch)
    rebuild(content, out, cache)

    showing = {str(path.relative_to(out)) for path in out.rglob("*.html") if b"be refused" in path.read_bytes()}
    assert {"resolutions/2024/index.html", "topics/planning/2024/index.html"} <= showing <= rendered()
    # Of the topics' and the register's pages, those that hold the meeting: the topic's own (its latest
    # items) and the register's index (its years) too; not the neighbouring years', which link to 2024.
    assert {page for page in rendered() if page.startswith(("topics/", "resolutions/"))} == {
        "topics/planning/index.html", "topics/planning/2024/index.html",
        "resolutions/index.html", "resolutions/2024/index.html"}
    # Any other page rendered is the meeting's, links to it (home, its year, committee, people) or lists the years.
    linking = {page for page in rendered() if MEETING.removesuffix("index.html").encode() in (out / page).read_bytes()}
    assert rendered() - linking <= {MEETING, "meetings/index.html", "resolutions/index.html", "search/index.html"}
    assert snapshot(out) == fresh(content, tmp_path / "fresh")


def rendering(log: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], set[str]]:
    """From now on, note each page rendered, in this process or any forked to write pages."""
    render_page = PageWriter._put

    def noted(writer: PageWriter, into: Staging, job: PageJob) -> str:
        with log.open("a", encoding="utf-8") as file:
            file.write(job.path + "\n")
        return render_page(writer, into, job)

    monkeypatch.setattr(PageWriter, "_put", noted)
    return lambda: set(log.read_text(encoding="utf-8").split()) if log.exists() else set()


@dataclass(frozen=True)
class _Heading:
    """A value a template could be given: a dataclass with no fields."""


def test_a_dataclass_with_no_fields_is_named_like_any_other_value() -> None:
    records = Records(b"", {}, None, {})
    named = records.values_digest("page.html", {"heading": _Heading(), "years": [2024]})
    assert named is not None and named == records.values_digest("page.html", {"heading": _Heading(), "years": [2024]})
    assert named != records.values_digest("page.html", {"heading": _Heading(), "years": [2025]})


def _record(statuses: list[str]) -> PersonRecord:
    declared = InterestDeclared(ItemRef("m-1", "item-1", "1", "Budget"), "personal", "stayed")
    return PersonRecord("jane-smith", Tally(len(statuses), 0, 0, 0, 0), (YearTally(2024, Tally(1, 1, 0, 0, 0)),),
                        tuple(Attendance(f"m-{n}", status) for n, status in enumerate(statuses)),  # type: ignore[arg-type]
                        (declared, declared), (), (), 0)


def test_one_attendance_changed_among_thousands_is_another_record() -> None:
    """A councillor's record lists every meeting they were expected at. One apology among 3,000
    meetings makes it another record (their page is rendered again); the same record made afresh
    is the same record (it is not)."""
    statuses = ["present"] * 3000
    apology = statuses[:1500] + ["apologies"] + statuses[1501:]

    def digest(record: PersonRecord) -> bytes:
        return Records(b"", {"records": {"jane-smith": record}}, None, {}).digests[0]

    assert digest(_record(statuses)) == digest(_record(list(statuses)))
    assert digest(_record(apology)) != digest(_record(statuses))
    assert digest(_record(statuses[:-1])) != digest(_record(statuses))
