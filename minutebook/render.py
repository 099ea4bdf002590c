"""HTML pages from the archive with Jinja2: autoescaped, strict, no HTML built in Python."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .model import Archive


def environment(templates: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_pages(archive: Archive, templates: Path, *, site_title: str) -> dict[str, str]:
    """Path under the site root -> HTML: the home page and one page per meeting."""
    env = environment(templates)
    people = {person.id: person for person in archive.people}
    topics = {topic.id: topic for topic in archive.topics}
    meetings = {meeting.id: meeting for meeting in archive.meetings}
    common = {"site_title": site_title, "people": people, "topics": topics, "meetings": meetings}
    pages = {"index.html": env.get_template("index.html").render(archive=archive, **common)}
    for meeting in archive.meetings:
        pages[f"meetings/{meeting.id}/index.html"] = env.get_template("meeting.html").render(meeting=meeting, **common)
    return pages
