"""The staff quality report: what a clerk should look at after a build, each with file:line.

It is computed from the linked archive and the build's problems, with no clock and no
memory of earlier builds, so the same content always gives the same report (and the
published report page stays byte-identical). "New" names are therefore the names seen in
only one meeting: a newcomer or a misspelling, either way worth a look.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .model import Archive, Meeting, Person, Problem, SourceAccount, SourceSpan
from .sources import file_text

# Words that say nothing about which committee is meant.
_GENERIC = frozenset({"committee", "sub", "panel", "board", "meeting", "of", "the", "and", "for", "on", "cabinet"})


@dataclass(frozen=True)
class Finding:
    """One thing to look at: where it is, what is wrong, and the page that shows it."""

    source: SourceSpan
    message: str
    url: str | None = None


@dataclass(frozen=True)
class Section:
    key: str
    level: Literal["error", "warning", "note", "check"]
    """Errors stop publishing and warnings fail --strict; notes and checks never block."""
    title: str
    advice: str
    """How to fix what the section lists, in the clerk's terms."""
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class QualityReport:
    sections: tuple[Section, ...]
    skipped: tuple[SourceAccount, ...]
    """Documents that were not published, each with its reason."""

    @property
    def total(self) -> int:
        return sum(len(s.findings) for s in self.sections) + len(self.skipped)


def assess(archive: Archive, problems: Sequence[Problem], content: Path) -> QualityReport:
    """Everything worth a clerk's attention in this build, in a fixed order."""
    by_code: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_code[problem.code].append(problem)
    uncoded = by_code.pop("", [])
    sections = (
        Section("errors", "error", "Errors: nothing is published until these are fixed",
                "Fix the document at the line given, then build again.",
                _from_problems(p for p in uncoded if p.level == "error")),
        Section("undated", "warning", "Undated documents",
                "Add front matter with 'date: YYYY-MM-DD' at the top of the document (see the README).",
                _from_problems(by_code["undated"])),
        Section("unresolved-names", "warning", "Names the build could not resolve",
                "Say who is meant in content/people.toml (aliases, or [[apart]] to keep two people apart).",
                _from_problems(by_code["unresolved-name"])),
        Section("new-names", "check", "Names seen in only one meeting",
                "A new member or officer, or a misspelling of someone already in the archive. "
                "If it is a misspelling, add it to that person's aliases in content/people.toml.",
                _names_seen_once(archive, content)),
        Section("no-attendance", "check", "Minutes that record no attendance",
                "Check that the minutes list who was present; if the list is there, its layout was not recognised.",
                _minutes_without_attendance(archive)),
        Section("exempt-no-reason", "check", "Exempt items with no stated reason",
                "An exempt item should give the paragraph of Schedule 12A to the Local Government Act 1972 "
                "that applies. Its title is published with 'no reason given'.",
                _exempt_without_reason(archive)),
        Section("missing-references", "note", "References to meetings not in the archive",
                "Add the missing minutes or agenda to content/, or ignore this if that meeting is out of scope.",
                _from_problems(by_code["missing-reference"])),
        Section("duplicate-dates", "check", "Meetings on the same date with similar committee names",
                "If these are one meeting, correct the committee name in one document (or its front matter).",
                _similar_on_one_date(archive)),
        Section("warnings", "warning", "Other warnings", "Each message says what to change.",
                _from_problems(p for p in uncoded if p.level == "warning")),
        Section("notes", "note", "Notes", "For information; nothing needs to change.",
                _from_problems(p for code, group in sorted(by_code.items())
                               if code not in ("undated", "unresolved-name", "missing-reference")
                               for p in group)
                + _from_problems(p for p in uncoded if p.level == "note")),
    )
    return QualityReport(sections, tuple(a for a in archive.accounts if a.status == "skipped"))


def _from_problems(problems: Iterable[Problem]) -> tuple[Finding, ...]:
    return tuple(Finding(p.source, p.message) for p in sorted(problems, key=lambda p: (p.source, p.message)))


def _names_seen_once(archive: Archive, content: Path) -> tuple[Finding, ...]:
    seen: dict[str, set[str]] = defaultdict(set)
    for meeting in archive.meetings:
        for person_id in _people_named(meeting):
            seen[person_id].add(meeting.id)
    meetings = {m.id: m for m in archive.meetings}
    lines = _LineCache(content)
    findings = []
    for person in archive.people:
        if len(seen[person.id]) != 1:
            continue
        meeting = meetings[next(iter(seen[person.id]))]
        source = lines.find(meeting.sources, _spellings(person)) or SourceSpan(meeting.sources[0])
        findings.append(Finding(source, f"{person.name}: only in {meeting.title}", person.url))
    return tuple(sorted(findings, key=lambda f: (f.source, f.message)))


def _people_named(meeting: Meeting) -> set[str]:
    named = {*meeting.present, *meeting.apologies, *meeting.officers}
    if meeting.chair:
        named.add(meeting.chair)
    for item in meeting.items:
        named.update(item.presenters, item.mentioned, (d.person for d in item.declarations))
    return named


def _spellings(person: Person) -> list[str]:
    """Ways the documents may write the name, longest first; the surname as a last resort."""
    forms = sorted({person.name, *person.variants}, key=lambda s: (-len(s), s))
    surname = person.name.split()[-1] if person.name.split() else ""
    return [*forms, surname] if surname else forms


class _LineCache:
    """Source files as the reader numbered them, read once each."""

    def __init__(self, content: Path) -> None:
        self.content = content
        self.files: dict[str, list[str]] = {}
        self.pages: dict[str, tuple[int, ...]] = {}
        """For a PDF, the page of each line."""

    def lines(self, path: str) -> list[str]:
        if path not in self.files:
            try:
                self.files[path], self.pages[path] = file_text((self.content / path).read_bytes(), path)
            except OSError:
                self.files[path], self.pages[path] = [], ()
        return self.files[path]

    def find(self, paths: Sequence[str], spellings: Sequence[str]) -> SourceSpan | None:
        """The first line of ``paths`` that holds one of ``spellings`` (tried in order)."""
        for spelling in spellings:
            pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, spelling.split())) + r"\b", re.IGNORECASE)
            for path in paths:
                for number, line in enumerate(self.lines(path), start=1):
                    if pattern.search(line):
                        pages = self.pages[path]  # a PDF's page, where the reader will look
                        return SourceSpan(path, number, pages[number - 1] if number <= len(pages) else 0)
        return None


def _minutes_without_attendance(archive: Archive) -> tuple[Finding, ...]:
    findings = [
        Finding(source, f"{meeting.title}: nobody is listed as present", meeting.url)
        for meeting in archive.meetings
        if not meeting.present and not meeting.chair
        for kind, source in meeting.parts
        if kind == "minutes"
    ]
    return tuple(sorted(findings, key=lambda f: (f.source, f.message)))


def _exempt_without_reason(archive: Archive) -> tuple[Finding, ...]:
    findings = [
        Finding(item.source, f"item {item.number} '{item.title}' in {meeting.title}", f"{meeting.url}#{item.anchor}")
        for meeting in archive.meetings
        for item in meeting.items
        if item.exempt and not item.exempt_reason
    ]
    return tuple(sorted(findings, key=lambda f: (f.source, f.message)))


def _similar_on_one_date(archive: Archive) -> tuple[Finding, ...]:
    """Two meetings on one date whose committee names share most of their telling words:
    probably one meeting whose documents name the committee differently."""
    on_date: dict[dt.date, list[Meeting]] = defaultdict(list)
    for meeting in archive.meetings:
        if meeting.date is not None:
            on_date[meeting.date].append(meeting)
    findings = []
    for meetings in on_date.values():
        for i, first in enumerate(meetings):
            for second in meetings[i + 1:]:
                if _similar(first.committee or "", second.committee or ""):
                    source = min(s for _, s in first.parts)
                    findings.append(Finding(source, f"{first.title} and {second.title} ({second.sources[0]})", first.url))
    return tuple(sorted(findings, key=lambda f: (f.source, f.message)))


def _similar(a: str, b: str) -> bool:
    words_a = set(re.findall(r"[a-z]+", a.lower())) - _GENERIC
    words_b = set(re.findall(r"[a-z]+", b.lower())) - _GENERIC
    if not words_a or not words_b:
        return words_a == words_b
    return len(words_a & words_b) / len(words_a | words_b) >= 0.5
