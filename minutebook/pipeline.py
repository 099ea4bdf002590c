"""The build, top to bottom: read -> parse -> link -> index -> render -> export -> publish."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import pagememo, people, relink, topics
from .assets import collect_assets
from .calendars import calendar_files
from .config import SiteConfig
from .downloads import Download, offer_downloads
from .errors import ConfigError
from .export import export_files
from .feeds import feed_files
from .forked import Background
from .link import LinkInput, link
from .memory import give_back_freed_memory, keep_freed_memory
from .model import Archive, Problem
from .pagememo import meeting_digests
from .parsecache import read_documents
from .progress import SILENT, NoProgress, Progress
from .publish import Staging, prepare_spare, publish
from .quality import QualityReport, assess
from .render import PageWriter
from .search import feed_keys
from .searchworker import SearchWorker
from .sitemap import sitemap_files
from .sources import discover

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
ASSETS: dict[str, Path | tuple[Path, ...]] = {
    "minutebook.css": ROOT / "build" / "minutebook.css",
    "search.js": (ROOT / "node_modules" / "lunr" / "lunr.min.js", ROOT / "assets" / "js" / "search-engine.js",
                  ROOT / "assets" / "js" / "search.js"),
    "favicon.svg": ROOT / "assets" / "favicon.svg",
}
"""Logical asset name -> file (or files joined in order); `make` compiles the stylesheet and installs
lunr.js from the lockfile. The search page's one script is lunr.js, the engine and the page's code."""


@dataclass(frozen=True)
class BuildOptions:
    content: Path
    out: Path
    strict: bool = False
    config: SiteConfig = SiteConfig()
    templates: Path = TEMPLATES
    cache: Path | None = None
    """Where documents as read, linking's answers, downloads, calendar events, pages' sources and what
    the search index was made of are kept between builds; None works everything out afresh. (The
    search index's files themselves are kept by the live site: see search.Indexer.write.)"""
    progress: Progress = field(default_factory=NoProgress)
    """Told each stage and step, so a terminal can draw a progress bar."""


@dataclass(frozen=True)
class BuildResult:
    archive: Archive
    problems: tuple[Problem, ...]
    quality: QualityReport
    published: bool
    seconds: float
    pages: int = 0
    """HTML pages published."""
    pages_kept: int = 0
    """Of those, pages taken from the live site unrendered, as nothing they show had changed (see pagememo)."""
    search_kept: int = 0
    """Meetings the search index took as the last build indexed them, unchanged since (see searchstate)."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


def build(options: BuildOptions) -> BuildResult:
    """Build the site; publish only when there are no errors (and, with strict, no warnings)."""
    collecting = gc.isenabled()
    gc.disable()  # the archive is millions of small records and no cycles: each collection would walk it all
    keep_freed_memory()
    try:
        return _build(options)
    finally:
        if collecting:
            gc.enable()


def _build(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    if not options.content.is_dir():
        raise ConfigError(f"content directory '{options.content}' does not exist")
    with SearchWorker(options.out, options.cache) as search, Background(lambda: _spare_made(options.out)) as spare:
        problems, linked = read_and_link(options.content, contact_details=options.config.publish_contact_details,
                                         progress=options.progress, cache=options.cache)
        archive = linked.archive
        give_back_freed_memory()  # the documents as read, now linked
        digests = meeting_digests(archive, linked.digests) if options.cache is not None else None
        keys = None if digests is None else feed_keys(archive, digests, options.config.publish_contact_details)
        search.feed(archive, keys)
        relink.keep(options.cache, linked, digests)  # while the search worker indexes: the second core had nothing to do
        del linked
        give_back_freed_memory()
        # Before --strict is judged: a PDF that cannot be published without its exempt pages is a warning.
        offered = offer_downloads(archive, options.content, contact_details=options.config.publish_contact_details,
                                  cache=options.cache)
        problems = (*problems, *offered.problems)
        downloads, offered_files = offered.downloads, offered.files
        del offered
        quality = assess(archive, problems, options.content)
        counts = (0, 0, 0)
        blocked = any(p.level == "error" for p in problems) or (
            options.strict and any(p.level == "warning" for p in problems))
        if not blocked:
            spare.result()
            staging = Staging(options.out)
            search.stage(staging)
            try:
                staging.add(offered_files)
                del offered_files  # the bytes of every document this build read: 180 MB at 10,000 meetings
                give_back_freed_memory()
                pages = _write_site(archive, options, downloads, quality, staging, search, Kept(digests, keys))
            except BaseException:
                staging.discard()
                raise
            publish(staging)
            if (memo := pages.memo()) is not None:
                pagememo.save(options.cache, memo)
            counts = (len(pages.paths), pages.kept, search.kept)
    return BuildResult(archive, problems, quality, not blocked, time.perf_counter() - started, *counts)


def _spare_made(out: Path) -> bytes:
    """publish.prepare_spare, on the second core while this build reads and links (a forked Background)."""
    prepare_spare(out)
    return b""


@dataclass(frozen=True)
class Kept:
    """By meeting id, what a build keeps each meeting's outputs under for the next: None without a cache."""

    digests: dict[str, bytes] | None
    """pagememo.meeting_digests: for its page."""
    keys: dict[str, bytes] | None
    """search.feed_keys: for its search documents and its exported records."""


def _write_site(archive: Archive, options: BuildOptions, downloads: dict[str, Download], quality: QualityReport,
                staging: Staging, search: SearchWorker, kept: Kept) -> PageWriter:
    """Every output file but the documents offered for download (staged already), put into ``staging``
    as each stage makes it; the writer of the pages, which knows what each was made from when there is
    a cache to keep that in.

    The search worker makes the index meanwhile; once it is done, its core writes pages too, until
    none are left. The search page, which names the index, comes last. With a cache, pages that
    show nothing changed since the last build are taken from the live site (see pagememo).
    """
    assets = collect_assets(ASSETS)
    staging.add(assets.files)
    staging.add(export_files(archive, config=options.config, downloads=downloads, keys=kept.keys,
                             cache=options.cache))
    give_back_freed_memory()  # the exports are whole files, 150 MB at 10,000 meetings
    staging.add(feed_files(archive, options.config))
    staging.add(calendar_files(archive, options.config, cache=options.cache))
    give_back_freed_memory()
    pages = PageWriter(archive, options.templates, config=options.config, assets=assets,
                       downloads=downloads, quality=quality, cache=options.cache,
                       last=pagememo.load(options.cache), meetings=kept.digests)
    staging.adopt(pages.write(staging, progress=options.progress))
    manifest_url, written = search.files(archive)
    staging.adopt(written)
    staging.adopt([pages.write_search_page(staging, manifest_url)])
    options.progress.advance()
    staging.add(sitemap_files(pages.paths, options.config))
    return pages


def understand(
    content: Path, *, contact_details: bool = False, progress: Progress = SILENT, cache: Path | None = None
) -> tuple[Archive, tuple[Problem, ...]]:
    """Read, parse and link everything in ``content``; every problem is collected, none raised.

    Unless ``contact_details``, email addresses and phone numbers leave the text as it is read,
    so no later stage ever sees them. With a ``cache`` folder, documents read by an earlier build
    and unchanged since are not read again, and what the next build needs of these is kept there.
    """
    problems, linked = read_and_link(content, contact_details=contact_details, progress=progress, cache=cache)
    relink.keep(cache, linked)
    return linked.archive, problems


def read_and_link(
    content: Path, *, contact_details: bool = False, progress: Progress = SILENT, cache: Path | None = None
) -> tuple[tuple[Problem, ...], relink.Linked]:
    """``understand``, leaving what the next build needs unkept: ``relink.keep`` keeps it."""
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small records, none cyclic: collecting while they are made only costs time
    try:
        return _read_and_link(content, contact_details=contact_details, progress=progress, cache=cache)
    finally:
        if collecting:
            gc.enable()


def _read_and_link(
    content: Path, *, contact_details: bool, progress: Progress, cache: Path | None
) -> tuple[tuple[Problem, ...], relink.Linked]:
    files, problems = discover(content)
    people_overrides, people_problems = people.load_overrides(content / "people.toml")
    topic_overrides, topic_problems = topics.load_overrides(content / "topics.toml")
    problems += [*people_problems, *topic_problems]
    given = LinkInput([], [], people_overrides, topic_overrides, cache=cache)
    linked = relink.understand_again(files, given, contact_details=contact_details, progress=progress) \
        if cache is not None else None
    if linked is None:
        outcomes = read_documents(files, contact_details=contact_details, cache=cache, progress=progress)
        given = relink.with_documents(given, outcomes)
        archive, decided = link(given)
        linked = relink.Linked(archive, [relink.without_meetings(o) for o in outcomes], decided,
                               relink.overrides_of(given))
        del outcomes, given  # the documents as read: the archive has their meetings, linked
    problems += [p for outcome in linked.outcomes for p in outcome.problems]
    problems.extend(linked.archive.problems)
    ordered = tuple(sorted(set(problems), key=lambda p: (p.source, p.level, p.message)))
    return ordered, linked
