"""The Atom feed of newly published meetings, for residents and journalists who follow the
archive in a feed reader rather than checking the site.

Everything in the feed comes from the content, so two builds of the same archive write the
same bytes: timestamps are the meetings' own dates, never the time of the build.
"""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from .config import SiteConfig
from .dates import UK_TIME, stored_time
from .listings import newest_first
from .model import Archive, Meeting
from .render import council_name

FEED_PATH = "feed.atom"
FEED_SIZE = 50
"""How many meetings the feed carries, newest first; readers keep what they have already seen."""
NOTHING_YET = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The feed's ``updated`` when no meeting is dated: Atom requires one, and the clock must not supply it."""


def feed_files(archive: Archive, config: SiteConfig) -> dict[str, str | bytes]:
    """``feed.atom``, or nothing without ``base_url``: Atom ids and links must be absolute URLs."""
    if not config.base_url:
        return {}
    council = council_name(archive, config)
    meetings = [m for m in newest_first(archive.meetings) if m.date][:FEED_SIZE]
    feed = FeedGenerator()
    feed.id(config.url("/"))
    feed.title(config.site_title(council))
    feed.subtitle(f"Agendas and minutes of {council}'s committees, newest meeting first.")
    feed.author({"name": council})
    feed.link(href=config.url("/"), rel="alternate", type="text/html")
    feed.link(href=config.url("/" + FEED_PATH), rel="self", type="application/atom+xml")
    feed.language("en-GB")
    feed.generator("Minutebook")  # feedgen's default names its own version: an upgrade would change the bytes
    feed.updated(max((meeting_time(m) for m in meetings), default=NOTHING_YET))
    for meeting in meetings:
        _add_entry(feed, meeting, config)
    return {FEED_PATH: feed.atom_str(pretty=True)}


def _add_entry(feed: FeedGenerator, meeting: Meeting, config: SiteConfig) -> None:
    url = config.url(meeting.url)
    entry = feed.add_entry(order="append")  # meetings arrive newest first; keep that order
    entry.id(url)
    entry.title(meeting.title)
    entry.link(href=url, rel="alternate", type="text/html")
    entry.published(meeting_time(meeting))
    entry.updated(meeting_time(meeting))
    entry.summary("\n".join(["Agenda:", *agenda_lines(meeting)]) if meeting.items else "No agenda items published.")
    if meeting.committee:
        entry.category(term=meeting.committee)


def meeting_time(meeting: Meeting) -> dt.datetime:
    """When the meeting starts, in UK time; midday when the papers give no time.

    The feed has no publication time to offer, so it uses the meeting's own. Midday keeps the
    date a reader sees right in every time zone from the Americas to Asia, where midnight would
    show the day before in the Americas.
    """
    assert meeting.date is not None
    return dt.datetime.combine(meeting.date, stored_time(meeting.start_time) or dt.time(12), tzinfo=UK_TIME)


def agenda_lines(meeting: Meeting) -> list[str]:
    """"4. Customer Access Performance Report", one per item; an exempt item by title only."""
    lines = []
    for item in meeting.items:
        numbered = f"{item.number}. {item.title}" if item.number else item.title
        lines.append(f"{numbered} (exempt)" if item.exempt else numbered)
    return lines
