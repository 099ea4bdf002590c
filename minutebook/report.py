"""The build report: what was read, what was published, and every problem as path:line."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Archive, Problem


def format_report(
    archive: Archive, problems: Sequence[Problem], *, content_label: str, quiet: bool, published_to: str | None
) -> str:
    """Plain text for the terminal; ``quiet`` keeps only problems and the one-line summary."""
    lines: list[str] = []
    accounts = archive.accounts
    published = [a for a in accounts if a.status == "published"]
    skipped = [a for a in accounts if a.status == "skipped"]
    undated = sum(1 for m in archive.meetings if m.date is None)
    if not quiet:
        lines.append(f"Read {len(accounts)} documents from {content_label}: {len(published)} published, {len(skipped)} not published")
        for account in accounts:
            if account.status == "published":
                lines.append(f"  {content_label}{account.path} -> {', '.join(account.meetings)}")
            else:
                lines.append(f"  {content_label}{account.path}: NOT PUBLISHED: {account.reason}")
    errors = [p for p in problems if p.level == "error"]
    warnings = [p for p in problems if p.level == "warning"]
    notes = [p for p in problems if p.level == "note"]
    for title, group in (("Errors", errors), ("Warnings", warnings)):
        if group:
            lines.append(f"{title} ({len(group)}):")
            lines.extend(f"  {content_label}{p}" for p in group)
    if notes and not quiet:
        lines.append(f"Missing references ({len(notes)}):")
        lines.extend(f"  {content_label}{p.source}: {p.message}" for p in notes)
    summary = (
        f"{len(archive.meetings)} meetings ({undated} undated), {len(archive.people)} people, "
        f"{len(archive.topics)} topics, {len(archive.committees)} committees; "
        f"{len(errors)} errors, {len(warnings)} warnings"
    )
    lines.append(f"{summary}; published to {published_to}" if published_to else f"{summary}; nothing published")
    return "\n".join(lines)
