"""A meeting's header: council, committee, date, start time and venue, however a council lays it out."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .dates import ImpossibleDate, find_dates, find_time, has_date
from .layout import Line
from .model import ParsedMeeting

COMMITTEE_WORDS = re.compile(
    r"\b(?:committee|cabinet|board|panel|forum|commission|working group|scrutiny|executive|assembly|"
    r"municipal district|full council|council meeting|plenary|meeting of (?:the )?council)\b",
    re.IGNORECASE,
)
_BODY_WORDS = re.compile(
    r"\b(?:council|cyngor|comhairle|authority|corporation|city of|borough|county|parish|town|village|community)\b",
    re.IGNORECASE,
)
_MEETING_OF = re.compile(r"\bmeeting\s+of\s+(?:the\s+)?(?P<name>.+?)\s+(?:held|on|at)\b", re.IGNORECASE)


def _logical_lines(lines: list[Line]) -> list[str]:
    """Rejoin header lines a PDF wrapped: "... HELD ON MONDAY 13 MAY 2024 AT" + "7.00PM IN THE ..."."""
    out: list[str] = []
    joinable = False
    for line in lines:
        if not line.text:
            joinable = False
            continue
        if out and joinable and (line.text[:1].islower() or line.text[:1].isdigit() or _CONNECTOR_END.search(out[-1])):
            out[-1] = f"{out[-1]} {line.text}"
        else:
            out.append(line.text)
        joinable = not line.text.endswith((".", ":", ";")) and "\t" not in line.text
    return out


_CONNECTOR_END = re.compile(r"\b(?:at|in|on|of|the|and|for|to|held|by|with|a)$", re.IGNORECASE)
_PLACE_WORDS = re.compile(
    r"\b(?:hall|room|chamber|chambers|centre|center|office|offices|library|pavilion|institute|house|building|church|"
    r"school|civic|boardroom|neuadd|online|virtual|teams|zoom)\b",
    re.IGNORECASE,
)
_HELD_AT = re.compile(
    r"\bheld\s+(?:in|at)\s+(?P<venue>.+?)(?=,?\s+(?:on|commencing|starting|beginning)\b|,?\s+at\s+\d|\.?$)", re.IGNORECASE
)


def read_header(lines: list[Line], earlier: list[ParsedMeeting], whole: list[Line]) -> dict[str, Any]:
    """Council, committee, date, time and venue from the lines above the attendance."""
    found: dict[str, Any] = {"body": None, "committee": None, "date": None, "time": None, "venue": None}
    texts = _logical_lines(lines)
    near = _near(whole)
    date_row = _date_row(texts, near)
    for row, text in enumerate(texts):
        if row == date_row:
            dates = [d for d in find_dates(text, near=near) if d.date]
            found["date"] = dates[0].date
            time = find_time(text)
            found["time"] = time[0] if time else None
            found["venue"] = venue_in(text, dates[0].end, time[2] if time else None)
            meeting_of = _MEETING_OF.search(text[: dates[0].start + 1])
            if meeting_of:
                _classify_name(found, _title_case(_strip_meeting_words(meeting_of.group("name"))))
            continue
        if re.match(r"^(?:venue|location|place|lleoliad)\s*:", text, re.IGNORECASE):
            found["venue"] = text.split(":", 1)[1].strip() or found["venue"]
            continue
        held = _HELD_AT.search(text)
        if held and not has_date(text):
            found["venue"] = found["venue"] or held.group("venue").strip(" ,")
        if found["time"] is None and (re.match(r"^time\s*:", text, re.IGNORECASE) or held or "commenc" in text.lower()):
            time = find_time(text)
            found["time"] = time[0] if time else None
            if held:
                continue
        if (
            date_row is not None
            and row == date_row + 1
            and found["venue"] is None
            and _PLACE_WORDS.search(text)
            and not _BODY_WORDS.search(text.split(",")[0])
        ):
            found["venue"] = text.split(",")[0].strip() if text.count(",") >= 2 else text.strip()
            continue
        if len(text) <= 120 and not text.endswith((".", ":")) and not re.match(r"^(?:agenda|minutes)$", text, re.I):
            _classify_name(found, _title_case(_strip_meeting_words(re.sub(r"^minutes of (?:the )?", "", text, flags=re.I))))
    if found["body"] is None and earlier:
        found["body"] = earlier[-1].body
    if found["committee"] is None and found["body"] is not None:
        found["committee"] = earlier[-1].committee if earlier and earlier[-1].committee else found["body"]
    return found


def _date_row(texts: list[str], near: dt.date | None) -> int | None:
    """The header line that dates the meeting: prefer one with a time and "held"/"meeting" in it."""
    best: tuple[int, int] | None = None
    for row, text in enumerate(texts):
        dates = [d for d in find_dates(text, near=near) if d.date]
        if not dates:
            continue
        score = 2 * bool(find_time(text)) + 2 * bool(re.search(r"\b(?:held|meeting|commencing)\b", text, re.I))
        score += bool(re.search(r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\b", text, re.I))
        if best is None or score > best[0]:
            best = (score, row)
    return best[1] if best else None


def _near(lines: list[Line]) -> dt.date | None:
    """A full date elsewhere in the part, to give a year to "Tuesday 12 March"."""
    for line in lines:
        try:
            dates = find_dates(line.text)
        except ImpossibleDate:
            continue
        for found in dates:
            if found.date:
                return found.date
    years = [int(y) for line in lines for y in re.findall(r"\b(20\d\d)/\d\d\b", line.text)]
    return dt.date(years[0] + 1, 1, 1) if years else None


def _strip_meeting_words(text: str) -> str:
    """"City Council Regular Meeting Minutes" -> "City Council"."""
    text = re.sub(
        r"(?:\s+(?:regular|special|annual|ordinary|extraordinary|monthly|adjourned|the|of))*\s+(?:meeting|minutes|agenda)\b.*$",
        "",
        text,
        flags=re.IGNORECASE,
    )
    return re.sub(r"^(?:the\s+)?(?:(?:annual|monthly|ordinary|special|extraordinary)\s+)?(?:meeting\s+of\s+(?:the\s+)?)?", "", text, flags=re.I)


def _classify_name(found: dict[str, Any], text: str) -> None:
    text = text.strip(" -–,")
    if not text or has_date(text) or len(text.split()) > 10:
        return
    if COMMITTEE_WORDS.search(text) and not found["committee"]:
        found["committee"] = text
    elif found["body"] and re.match(r"^(?:cyngor|comhairle)\b", found["body"], re.I) and re.search(r"\bcouncil\b", text, re.I):
        if found["committee"] == found["body"]:
            found["committee"] = text
        found["body"] = text  # prefer the English name of a bilingual heading
    elif found["body"] and _BODY_WORDS.search(text) and not found["committee"] and re.search(r"\bcouncil\b", text, re.I):
        found["committee"] = text
    elif _BODY_WORDS.search(text) and not found["body"]:
        found["body"] = text
        if re.search(r"\b(?:parish|town|community|village)\s+council\b|\bcyngor\s+(?:cymuned|tref)\b", text, re.I):
            found["committee"] = found["committee"] or found["body"]


def _title_case(text: str) -> str:
    if text.isupper():
        small = {"of", "and", "the", "on", "for", "in", "to"}
        return " ".join(w.lower() if w.lower() in small and i else w.capitalize() for i, w in enumerate(text.split()))
    return text


def venue_in(text: str, date_end: int, time_end: int | None) -> str | None:
    """The place named after the date and time: "... at 2.00 pm in Cabinet Room 'B', County Hall"."""
    tail = text[max(date_end, time_end or 0) :]
    match = re.match(r"^[\s,;:–—-]*(?:(?:in|at|venue:?)\s+)?(?P<venue>(?:the\s+)?[A-Z0-9‘'\"].*?)\s*(?:\.\s|\.$|$)", tail)
    if match and not re.match(r"^(?:\d|am\b|pm\b)", match.group("venue"), re.IGNORECASE):
        venue = match.group("venue").strip(" ,.")
        if not find_time(venue):
            return venue
    match = _HELD_AT.search(text)
    if match and not find_time(match.group("venue")) and not has_date(match.group("venue")):
        return _title_case(match.group("venue").strip(" ,"))
    return None
