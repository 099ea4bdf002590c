"""The build report for the terminal: what was read, what was published, and the staff
quality report's findings as ``path:line: level: message``."""

from __future__ import annotations

from .model import Archive
from .quality import QualityReport

QUIET_LEVELS = ("error", "warning")
"""With --quiet only what blocks publishing (or fails --strict) is printed, plus the summary."""


def format_report(
    archive: Archive, quality: QualityReport, *, content_label: str, quiet: bool, published_to: str | None
) -> str:
    """Plain text for the terminal; ``quiet`` keeps only errors, warnings and the one-line summary."""
    lines: list[str] = []
    accounts = archive.accounts
    published = [a for a in accounts if a.status == "published"]
    skipped = [a for a in accounts if a.status == "skipped"]
    if not quiet:
        lines.append(f"Read {len(accounts)} documents from {content_label}: {len(published)} published, {len(skipped)} not published")
        for account in accounts:
            if account.status == "published":
                lines.append(f"  {content_label}{account.path} -> {', '.join(account.meetings)}")
            else:
                lines.append(f"  {content_label}{account.path}: NOT PUBLISHED: {account.reason}")
    counts = {"error": 0, "warning": 0}
    for section in quality.sections:
        if section.level in counts:
            counts[section.level] += len(section.findings)
        if not section.findings or (quiet and section.level not in QUIET_LEVELS):
            continue
        lines.append(f"{section.title} ({len(section.findings)}):")
        label = f" {section.level}:" if section.level in QUIET_LEVELS else ""
        lines.extend(f"  {content_label}{f.source}:{label} {f.message}" for f in section.findings)
    undated = sum(1 for m in archive.meetings if m.date is None)
    summary = (
        f"{len(archive.meetings)} meetings ({undated} undated), {len(archive.people)} people, "
        f"{len(archive.topics)} topics, {len(archive.committees)} committees; "
        f"{counts['error']} errors, {counts['warning']} warnings"
    )
    lines.append(f"{summary}; published to {published_to}" if published_to else f"{summary}; nothing published")
    return "\n".join(lines)
