"""`add`: take a new document into content/ under a predictable name, and say what was understood.

The clerk's check before anything is published: which meeting the document became, its
date, papers, items, who was there, and any warnings, each as content/file:line. The name
comes from what the document says (``2024-09-09-planning-committee-minutes.txt``), so the
content folder sorts by date and the same document always lands on the same name. A
document that would stop the build (an error) is taken out again, leaving content/ as it was.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .model import Archive, Meeting, ParsedMeeting, Problem
from .parse import parse_document
from .pipeline import understand
from .slugs import slugify
from .sources import SourceDocument, read_source

Outcome = Literal["added", "replaced", "unchanged", "refused"]


@dataclass(frozen=True)
class Intake:
    """What happened to one file given to `add`."""

    given: Path
    name: str
    """Its name under content/ (planned, for a refused file)."""
    outcome: Outcome
    reason: str = ""


def plan_name(parts: list[ParsedMeeting], given: Path) -> str:
    """``<date>-<committee>-<papers><suffix>``; an undated document keeps its own name, made URL-safe
    (its front matter can date it later)."""
    suffix = given.suffix.lower()
    head = parts[0] if parts else None
    if head is None or head.date is None:
        return f"{slugify(given.stem, fallback='undated-document')}{suffix}"
    committee = slugify(head.committee or head.body or "meeting")
    kinds = {part.kind for part in parts}
    papers = f"{head.kind}-pack" if len(kinds) > 1 else head.kind
    return f"{head.date.isoformat()}-{committee}-{papers}{suffix}"


def add_documents(
    files: list[Path], content: Path, *, replace: bool = False, contact_details: bool = False
) -> tuple[list[Intake], Archive, tuple[Problem, ...]]:
    """Copy each file into ``content``, then read the whole archive to see how it links in."""
    content.mkdir(parents=True, exist_ok=True)
    backups: dict[str, bytes | None] = {}
    """Name -> the bytes it replaced (None for a new file), to undo a copy that breaks the build."""
    intakes = [_copy(given, content, replace=replace, backups=backups) for given in files]
    archive, problems = understand(content, contact_details=contact_details)
    blocking = {p.source.path for p in problems if p.level == "error"} & set(backups)
    if not blocking:
        return intakes, archive, problems
    for n, intake in enumerate(intakes):
        if intake.name in blocking and intake.outcome in ("added", "replaced"):
            _undo(content / intake.name, backups[intake.name])
            errors = "; ".join(f"{_where(p)}: {p.message}" for p in problems
                               if p.level == "error" and p.source.path == intake.name)
            intakes[n] = Intake(intake.given, intake.name, "refused", f"it would stop the build: {errors}")
    archive, problems = understand(content, contact_details=contact_details)
    return intakes, archive, problems


def _where(problem: Problem) -> str:
    return f"page {problem.source.page}" if problem.source.page else f"line {problem.source.line}"


def _copy(given: Path, content: Path, *, replace: bool, backups: dict[str, bytes | None]) -> Intake:
    read, _ = read_source(given, given.name)
    if not isinstance(read, SourceDocument):
        return Intake(given, given.name, "refused", read.reason)
    parts, _ = parse_document(read)
    name = plan_name(parts, given)
    target = content / name
    data = given.read_bytes()
    if name in backups:
        return Intake(given, name, "refused", f"another file given reads as the same document ({name})")
    if target.is_file():
        old = target.read_bytes()
        if old == data:
            return Intake(given, name, "unchanged", "already in the content folder")
        if not replace:
            return Intake(given, name, "refused", f"a different {name} is already in the content folder; "
                                                  "use --replace to replace it")
        backups[name] = old
        target.write_bytes(data)
        return Intake(given, name, "replaced")
    backups[name] = None
    shutil.copyfile(given, target)
    return Intake(given, name, "added")


def _undo(target: Path, old: bytes | None) -> None:
    if old is None:
        target.unlink(missing_ok=True)
    else:
        target.write_bytes(old)


def describe(intake: Intake, archive: Archive, problems: tuple[Problem, ...], *, content_label: str) -> list[str]:
    """What the clerk reads: the outcome, each meeting the document became, and its problems."""
    where = f"{content_label}{intake.name}"
    if intake.outcome == "refused":
        return [f"Not added: {intake.given}: {intake.reason}"]
    verb = {"added": "Added", "replaced": "Replaced", "unchanged": "Unchanged"}[intake.outcome]
    lines = [f"{verb}: {intake.given} as {where}" + (f" ({intake.reason})" if intake.reason else "")]
    names = {p.id: p.name for p in archive.people}
    for meeting in archive.meetings:
        if intake.name in meeting.sources:
            lines.extend("  " + line for line in _meeting_lines(meeting, names))
    own = [p for p in problems if p.source.path == intake.name]
    if own:
        lines.append(f"  Problems ({len(own)}):")
        lines.extend(f"    {content_label}{p}" for p in own)
    return lines


def _meeting_lines(meeting: Meeting, names: dict[str, str]) -> list[str]:
    when = meeting.date.strftime("%A %-d %B %Y") if meeting.date else "UNDATED (add 'date: YYYY-MM-DD' front matter)"
    time = f", {meeting.start_time}" if meeting.start_time else ""
    lines = [
        f"{meeting.committee or 'Meeting (no committee found)'}: {when}{time}" + (f", {meeting.venue}" if meeting.venue else ""),
        f"  page: {meeting.url}   papers: {', '.join(meeting.kinds)}",
    ]
    for label, ids in (("Chair", (meeting.chair,) if meeting.chair else ()), ("Present", meeting.present),
                       ("Apologies", meeting.apologies), ("Officers", meeting.officers)):
        if ids:
            lines.append(f"  {label} ({len(ids)}): {', '.join(names.get(i, i) for i in ids)}")
    lines.append(f"  Items ({len(meeting.items)}):")
    for item in meeting.items:
        exempt = f"  [EXEMPT: {item.exempt_reason or 'no reason given'}; title only]" if item.exempt else ""
        count = len(item.resolutions)
        decided = f"  ({count} decision{'' if count == 1 else 's'})" if count else ""
        lines.append(f"    {item.number or '-'} {item.title}{decided}{exempt}")
    return lines
