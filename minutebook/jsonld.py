"""schema.org Event data for meeting pages, and the start time it shares with data/popolo.json.

Search engines and calendar tools read a page's JSON-LD to show a meeting as an event. The
dict is written into the page by Jinja's ``tojson`` filter, which escapes ``<``, ``>``, ``&``
and ``'``, so no venue or title can close the script element. It names the meeting, never
what was discussed: nothing from an exempt item is in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .dates import UK_TIME, stored_time
from .model import Meeting


def start_iso(meeting: Meeting) -> str | None:
    """ISO 8601 start: "2017-06-27T14:00+01:00" in UK time (BST or GMT as on that day).

    The bare date when the papers give no time, because inventing one would state a time the
    council never published; None for an undated meeting.
    """
    if meeting.date is None:
        return None
    clock = stored_time(meeting.start_time)
    if clock is None:
        return meeting.date.isoformat()
    return dt.datetime.combine(meeting.date, clock, tzinfo=UK_TIME).isoformat(timespec="minutes")


def meeting_jsonld(meeting: Meeting, council: str, base_url: str) -> dict[str, Any] | None:
    """The meeting as a schema.org Event; None when undated, since an Event needs a startDate."""
    start = start_iso(meeting)
    if start is None:
        return None
    count = len(meeting.items)
    described = f"Meeting of the {meeting.committee}" if meeting.committee else "Meeting"
    if count:
        described += f" with {count} agenda item{'' if count == 1 else 's'}"
    event: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.title,
        "startDate": start,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "organizer": {"@type": "Organization", "name": council},
        "description": described + ".",
    }
    if meeting.venue:
        event["location"] = {"@type": "Place", "name": meeting.venue, "address": meeting.venue}
    if base_url:
        event["url"] = base_url + meeting.url
    return event
