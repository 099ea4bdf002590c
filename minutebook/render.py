"""HTML pages from the archive with Jinja2: autoescaped, strict, no HTML built in Python.

A PageWriter renders the whole site; each page is a template given model objects and
the listings it shows. Paths are under the site root, URLs root-relative.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import pickle
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket

from . import listings
from .assets import Assets
from .config import SiteConfig
from .downloads import Download
from .forked import Queue, Recruit, everyone
from .itembody import item_body
from .jsonld import meeting_jsonld
from .model import Archive, Committee, Meeting, Person, RoleSpell, Topic
from .pagememo import Lookups, Memo, Page, Reads, Records, meeting_digests, numbered, shared_digest
from .progress import SILENT, Progress
from .publish import Staging
from .quality import QualityReport
from .records import PersonRecord, person_records


@dataclass(frozen=True)
class Link:
    """What a link to a person, a topic or a committee shows. A page that only links to one looks this
    up, not the whole record, which changes whenever a meeting names it: so adding a meeting renders
    again the pages that show it, not the thousands that link to the people and topics it names."""

    name: str
    url: str


@dataclass(frozen=True)
class MeetingLink:
    """What a link to a meeting shows (see Link): a meeting's record changes when the meeting after it is added."""

    url: str
    committee: str | None
    date: dt.date | None


@dataclass(frozen=True)
class Titles:
    """The job titles an officer held, as the documents give them (each spell with a title)."""

    spells: tuple[RoleSpell, ...]


@dataclass(frozen=True)
class Site:
    """What every template sees: who publishes, the lookups, and the asset URLs."""

    council: str
    title: str
    config: SiteConfig
    assets: Assets
    meetings: Lookups[Meeting]
    people: Lookups[Person]
    topics: Lookups[Topic]
    committees: Lookups[Committee]
    downloads: Lookups[Download]
    records: Lookups[PersonRecord]
    person_links: Lookups[Link]
    topic_links: Lookups[Link]
    committee_links: Lookups[Link]
    meeting_links: Lookups[MeetingLink]
    titles: Lookups[Titles]
    """The lookups note which records each page reads: see pagememo."""

    def job_title(self, person_id: str, when: dt.date | None) -> str | None:
        """The job title an officer held at a date, as the documents give it."""
        titles = self.titles.get(person_id)
        spells = titles.spells if titles is not None else ()
        for spell in spells:
            if when and spell.first_seen and spell.last_seen and spell.first_seen <= when <= spell.last_seen:
                return spell.title
        return spells[-1].title if spells else None


SEARCH_PAGE = "search/index.html"


@dataclass(frozen=True)
class PageJob:
    """One page to render: where it goes, its template, and what the template is given besides ``site``."""

    path: str
    template: str
    values: dict[str, object]


COMPILED = "templates"
"""Where in the build cache the templates are kept compiled: 0.2 s a build, checked against their text."""


class _Compiled(FileSystemBytecodeCache):
    """Compiled templates in the build cache; like the cache's other files, one that cannot be written
    costs time next build, nothing else."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def environment(templates: Path, *, compiled: Path | None = None) -> Environment:
    try:
        if compiled is not None:
            compiled.mkdir(parents=True, exist_ok=True)
    except OSError:
        compiled = None
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        bytecode_cache=_Compiled(str(compiled)) if compiled is not None else None,
        auto_reload=False,  # templates do not change during a build; checking costs a stat per page
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(date=long_date, day=day_date, time=clock_time, filesize=file_size, plural=plural)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}  # tojson: no spaces to send
    env.globals.update(meeting_jsonld=meeting_jsonld, item_body=item_body)
    return env


def council_name(archive: Archive, config: SiteConfig) -> str:
    bodies = Counter(m.body for m in archive.meetings if m.body)
    return config.council or (bodies.most_common(1)[0][0] if bodies else "Council")


PAGE_CHUNK = 8
"""Pages a process takes from the queue at a time: few enough turns, and the last ones end together."""
Made = tuple[str, str, Page | None, bool]
"""(path, SHA-256, what the page was made from when remembering, whether it was kept unrendered)."""


class PageWriter:
    """Every page of the site, put into a Staging by whichever processes have time for it.

    Made before any process is forked (templates compiled, the pages listed), so that every process
    forked afterwards can write pages: this one, and children on other free cores, including a core
    freed while the pages are written (the search worker's). Each takes the next PAGE_CHUNK pages
    from a shared queue until none are left, and puts its own pages, so no process holds the site's
    pages at once (over a gigabyte at 10,000 meetings). The search page comes last, on its own: it
    names the index.
    """

    def __init__(self, archive: Archive, templates: Path, *, config: SiteConfig, assets: Assets,
                 downloads: dict[str, Download], quality: QualityReport | None = None, cache: Path | None = None,
                 last: Memo | None = None, meetings: Mapping[str, bytes] | None = None) -> None:
        """With a ``cache`` folder, keep the templates compiled there, note what each page is made from
        (``memo``), and take from the live site every page the ``last`` build's memo shows to be made
        from the same; ``meetings`` is each meeting's digest (pagememo.meeting_digests), worked out here
        if not given."""
        remember = cache is not None
        self.env = environment(templates, compiled=cache / COMPILED if cache is not None else None)
        kinds = site_records(archive, downloads)
        council = council_name(archive, config)
        title = config.site_title(council)
        self.records = Records(shared_digest(templates, (council, title, config, assets)), kinds, last,
                               meeting_digests(archive) if meetings is None else meetings) if remember else None
        reads = self.records.reads if self.records else Reads({})

        def look(kind: str) -> Lookups[Any]:
            return Lookups(kind, kinds[kind], reads)

        self.site = Site(council, title, config, assets, look("meetings"), look("people"), look("topics"),
                         look("committees"), look("downloads"), look("records"), look("person_links"),
                         look("topic_links"), look("committee_links"), look("meeting_links"),
                         look("titles"))
        self.jobs = page_jobs(archive, self.site, quality=quality)
        self.made: dict[str, Page] = {}
        """What each page was made from, when remembering."""
        self.kept = 0
        """Pages taken from the live site unrendered."""
        for name in {job.template for job in self.jobs} | {"search.html"}:
            self.env.get_template(name)  # compiled once, before any worker process is forked
        self.queue = Queue(-(-len(self.jobs) // PAGE_CHUNK))

    @property
    def paths(self) -> list[str]:
        """Every page's path, the search page's last."""
        return [job.path for job in self.jobs] + [SEARCH_PAGE]

    def write(self, into: Staging, *, progress: Progress = SILENT) -> list[tuple[str, str]]:
        """Write pages here and on every core free now or freed meanwhile, until the queue is empty;
        (path, digest) of each written."""
        progress.stage("Writing pages", len(self.jobs) + 1)
        answers = everyone(lambda shown, recruit: pickle.dumps(self._take(into, shown, recruit)), progress=progress,
                           fork=self.queue.shared)  # unshared, other processes could not tell which pages are taken
        made: list[Made] = pickle.loads(answers[0])
        for answer in answers[1:]:
            helped = pickle.loads(answer)
            progress.advance(len(helped))
            made += helped
        self.made.update((path, page) for path, _, page, _ in made if page is not None)
        self.kept += sum(kept for *_, kept in made)
        return [(path, digest) for path, digest, _, _ in made]

    def memo(self) -> Memo | None:
        """What each page written was made from, for the next build; None unless remembering."""
        return self.records.memo(dict(sorted(self.made.items()))) if self.records else None

    def write_search_page(self, into: Staging, manifest: str) -> tuple[str, str]:
        """The search page, holding the index's manifest (staged already): the first words' files
        are asked for as soon as the script runs, not a fetch later."""
        data = json.loads(into.read(manifest.removeprefix("/")))
        return SEARCH_PAGE, self._put(into, PageJob(SEARCH_PAGE, "search.html", {"manifest": manifest,
                                                                                 "manifest_data": data}))

    def _take(self, into: Staging, progress: Progress, recruit: Recruit) -> list[Made]:
        collecting = gc.isenabled()
        gc.disable()  # rendering makes millions of short-lived objects and no cycles; a full collection walks the archive
        try:
            made: list[Made] = []
            for chunk in self.queue:
                for job in self.jobs[chunk * PAGE_CHUNK:(chunk + 1) * PAGE_CHUNK]:
                    made.append(self._make(into, job))
                    progress.advance()
                recruit()
            return made
        finally:
            if collecting:
                gc.enable()

    def _make(self, into: Staging, job: PageJob) -> Made:
        """Put one page, unless the live site has it made from the same values and records already."""
        named = self.records.values_digest(job.template, job.values) if self.records else None
        if self.records is None or named is None:  # not remembering, or a listing's page (see pagememo)
            return job.path, self._put(into, job), None, False
        values, held = named
        kept = self.records.unchanged(job.path, values)
        if kept is not None and into.reuse(job.path, kept.output):
            return job.path, kept.output, kept, True
        reads = self.records.reads
        reads.page, reads.absent = held, set()  # the lookups note into these
        try:
            digest = self._put(into, job)
        finally:
            reads.page = None
        return job.path, digest, Page(values, numbered(held), tuple(sorted(reads.absent)), digest), False

    def _put(self, into: Staging, job: PageJob) -> str:
        url = "/" + job.path.removesuffix("index.html")
        return into.put(job.path, self.env.get_template(job.template).render(site=self.site, url=url, **job.values))


def site_records(archive: Archive, downloads: dict[str, Download]) -> dict[str, dict[str, Any]]:
    """Every record a template can look up, by Site field and id."""
    return {
        "meetings": {m.id: m for m in archive.meetings},
        "people": {p.id: p for p in archive.people},
        "topics": {t.id: t for t in archive.topics},
        "committees": {c.id: c for c in archive.committees},
        "downloads": downloads,
        "records": person_records(archive),
        "person_links": {p.id: Link(p.name, p.url) for p in archive.people},
        "topic_links": {t.id: Link(t.name, t.url) for t in archive.topics},
        "committee_links": {c.id: Link(c.name, c.url) for c in archive.committees},
        "meeting_links": {m.id: MeetingLink(m.url, m.committee, m.date) for m in archive.meetings},
        "titles": {p.id: Titles(spells) for p in archive.people
                   if (spells := tuple(s for s in p.roles if s.role == "officer" and s.title))},
    }


def page_jobs(archive: Archive, site: Site, *, quality: QualityReport | None) -> list[PageJob]:
    """Every page but the search page as (path, template, values), in the order the site has always been written."""
    jobs: list[PageJob] = []

    def page(path: str, template: str, **values: object) -> None:
        jobs.append(PageJob(path, template, values))

    years = listings.meetings_by_year(archive)
    page("index.html", "home.html", latest=listings.latest_meetings(archive),
         upcoming=listings.next_meetings(archive), years=years)
    page("meetings/index.html", "meetings.html", years=years, undated=listings.undated_meetings(archive))
    for newer, year, older in listings.neighbours(years):
        page(f"meetings/{year.year}/index.html", "year.html", year=year,
             newer=newer.year if newer else None, older=older.year if older else None)
    for meeting in archive.meetings:
        page(f"meetings/{meeting.id}/index.html", "meeting.html", meeting=meeting, titles=_job_titles(site, meeting))
    page("committees/index.html", "committees.html")
    for committee in archive.committees:
        page(f"committees/{committee.id}/index.html", "committee.html", committee=committee,
             meetings=listings.newest_first([site.meetings[m] for m in committee.meetings]),
             topic_counts=_topic_counts(committee, site.meetings))
    page("people/index.html", "people.html", letters=listings.people_a_to_z(archive.people))
    for person in archive.people:
        page(f"people/{person.id}/index.html", "person.html", person=person, record=site.records[person.id])
    if len(archive.topics) <= listings.TOPIC_INDEX_PAGE:
        page("topics/index.html", "topics.html", topics=sorted(archive.topics, key=lambda t: t.name.lower()),
             letters=[], busiest=[])
    else:
        letters = listings.topics_a_to_z(archive.topics)
        page("topics/index.html", "topics.html", topics=archive.topics, letters=letters,
             busiest=listings.most_discussed(archive.topics))
        for previous_letter, letter, next_letter in listings.neighbours(letters):
            page(f"topics/a-to-z/{letter.slug}/index.html", "topics-letter.html", letter=letter,
                 previous=previous_letter, next=next_letter)
    threads = listings.topic_threads(archive.topics, site.meetings)
    for topic in archive.topics:
        thread = threads[topic.id]
        if len(thread) <= listings.THREAD_PAGE:
            page(f"topics/{topic.id}/index.html", "topic.html", topic=topic, thread=thread, years=[], latest=[],
                 total=len(thread))
            continue
        parts = listings.thread_years(thread)  # the page lists its years, not the thread its years' pages hold
        page(f"topics/{topic.id}/index.html", "topic.html", topic=topic, thread=[], years=parts,
             latest=listings.latest_in_thread(thread), total=len(thread))
        for before, part, after in listings.neighbours(parts):
            page(f"topics/{topic.id}/{part.slug}/index.html", "topic-year.html", topic=topic, year=part,
                 older=listings.without_entries(before), newer=listings.without_entries(after), total=len(thread))
    register = listings.resolutions_by_year(archive)
    page("resolutions/index.html", "resolutions.html", register=register)
    for newer_year, register_year, older_year in listings.neighbours(register):
        months = listings.register_months(register_year)
        page(f"resolutions/{register_year.slug}/index.html", "resolutions-year.html", year=register_year,
             newer=listings.without_entries(newer_year), older=listings.without_entries(older_year), months=months)
        for newer_month, month, older_month in listings.neighbours(months):
            page(f"resolutions/{register_year.slug}/{month.slug}/index.html", "resolutions-month.html", month=month,
                 newer=listings.without_entries(newer_month), older=listings.without_entries(older_month))
    page("accessibility/index.html", "accessibility.html")
    page("data/index.html", "data.html")
    page("404.html", "404.html")
    if quality is not None:
        page("build-report/index.html", "build-report.html", report=quality)
    return jobs


def _job_titles(site: Site, meeting: Meeting) -> tuple[tuple[str, str], ...]:
    """(person id, job title) of each officer and presenter a meeting's page gives a title. Worked out for
    the page, not looked up as it renders: an officer's spells change with every meeting they attend,
    their title on this meeting's date seldom does (see Link)."""
    named = dict.fromkeys([*meeting.officers, *(p for item in meeting.items for p in item.presenters)])
    return tuple((person_id, title) for person_id in named if (title := site.job_title(person_id, meeting.date)))


def _topic_counts(committee: Committee, meetings: Mapping[str, Meeting]) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for meeting_id in committee.meetings:
        for item in meetings[meeting_id].items:
            for topic in item.topics:
                counts[topic] += 1
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


# --- filters: dates, times and sizes the way GOV.UK writes them --------------------------


@functools.cache  # a few thousand dates, each written on many pages
def long_date(value: dt.date | None) -> str:
    """Tuesday 27 June 2017."""
    return f"{value:%A} {value.day} {value:%B %Y}" if value else "Undated"


@functools.cache
def day_date(value: dt.date | None) -> str:
    """27 June 2017."""
    return f"{value.day} {value:%B %Y}" if value else "Undated"


def clock_time(value: str | None) -> str:
    """"14:00" -> "2pm", "09:30" -> "9:30am", "12:00" -> "midday"."""
    if not value:
        return ""
    try:
        hours, minutes = (int(part) for part in value.split(":"))
    except ValueError:
        return value
    if (hours, minutes) == (12, 0):
        return "midday"
    suffix = "am" if hours < 12 else "pm"
    hour12 = hours % 12 or 12
    return f"{hour12}{suffix}" if minutes == 0 else f"{hour12}:{minutes:02d}{suffix}"


def file_size(size: int) -> str:
    return f"{size} bytes" if size < 1024 else f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1048576:.1f} MB"


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"
