"""The build, top to bottom: read -> parse -> link -> render -> export -> publish."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import people, topics
from .errors import ConfigError
from .export import export_files
from .link import LinkInput, link_archive
from .model import Archive, ParsedMeeting, Problem, SourceSpan
from .parse import parse_document
from .publish import publish
from .render import render_pages
from .sources import read_sources

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class BuildOptions:
    content: Path
    out: Path
    strict: bool = False
    templates: Path = TEMPLATES


@dataclass(frozen=True)
class BuildResult:
    archive: Archive
    problems: tuple[Problem, ...]
    published: bool
    seconds: float

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


def build(options: BuildOptions) -> BuildResult:
    """Build the site; publish only when there are no errors (and, with strict, no warnings)."""
    started = time.perf_counter()
    if not options.content.is_dir():
        raise ConfigError(f"content directory '{options.content}' does not exist")
    archive, problems = understand(options.content)
    blocked = any(p.level == "error" for p in problems) or (options.strict and any(p.level == "warning" for p in problems))
    if not blocked:
        files = {**render_pages(archive, options.templates, site_title=_site_title(archive)), **export_files(archive)}
        publish(files, options.out)
    return BuildResult(archive, problems, not blocked, time.perf_counter() - started)


def understand(content: Path) -> tuple[Archive, tuple[Problem, ...]]:
    """Read, parse and link everything in ``content``; every problem is collected, none raised."""
    sources = read_sources(content)
    people_overrides, people_problems = people.load_overrides(content / "people.toml")
    topic_overrides, topic_problems = topics.load_overrides(content / "topics.toml")
    problems: list[Problem] = [*sources.problems, *people_problems, *topic_problems]
    parsed: list[tuple[str, list[ParsedMeeting]]] = []
    skipped = [(s.path, s.reason) for s in sources.skipped]
    for doc in sources.documents:
        try:
            meetings, doc_problems = parse_document(doc)
        except Exception as error:  # a reader bug must name the file, not print a traceback
            problems.append(Problem("error", SourceSpan(doc.path, 1), f"could not read this document: {type(error).__name__}: {error}"))
            skipped.append((doc.path, "could not be read (see errors)"))
            continue
        problems.extend(doc_problems)
        parsed.append((doc.path, meetings))
    archive = link_archive(LinkInput(parsed, skipped, people_overrides, topic_overrides))
    problems.extend(archive.problems)
    ordered = tuple(sorted(set(problems), key=lambda p: (p.source, p.level, p.message)))
    return archive, ordered


def _site_title(archive: Archive) -> str:
    bodies = Counter(m.body for m in archive.meetings if m.body)
    return f"{bodies.most_common(1)[0][0]}: committee minutes" if bodies else "Committee minutes"
