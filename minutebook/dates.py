"""Dates and times as councils write them: "Tuesday, 27th June, 2017 at 2.00 pm", "March 5, 2024"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from .sources import lowered

UK_TIME = ZoneInfo("Europe/London")
"""Meetings are held in UK time: GMT in winter, BST in summer."""

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "ionawr"),
            ("february", "feb", "chwefror"),
            ("march", "mar", "mawrth"),
            ("april", "apr", "ebrill"),
            ("may", "mai"),
            ("june", "jun", "mehefin"),
            ("july", "jul", "gorffennaf"),
            ("august", "aug", "awst"),
            ("september", "sep", "sept", "medi"),
            ("october", "oct", "hydref"),
            ("november", "nov", "tachwedd"),
            ("december", "dec", "rhagfyr"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?:(?P<weekday>" + "|".join(WEEKDAYS) + r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+)?"
_SEP = r"[\s,]+"

# "Tuesday, 27th June, 2017", "27 June 2017", "the 6th December 2017", "12 September" (no year)
_DAY_FIRST = re.compile(
    _WEEKDAY + r"(?:the\s+)?" + _DAY + r"(?:\s+of)?" + _SEP + _MONTH + r"(?:" + _SEP + _YEAR + r")?\b",
    re.IGNORECASE,
)
# "March 5, 2024", "Tuesday, March 5, 2024"
_MONTH_FIRST = re.compile(
    _WEEKDAY + _MONTH + r"\s+" + _DAY + r"(?:,?\s+" + _YEAR + r")?\b", re.IGNORECASE
)
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
_DIGIT = re.compile(r"\d")
_NUMERIC = re.compile(r"\b(?P<day>[0-3]?\d)[/.](?P<month>[01]?\d)[/.](?P<year>(?:19|20)\d\d)\b")

_TIME = re.compile(
    r"\b(?P<hour>[012]?\d)(?:[.:](?P<minute>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\.?|y\.?[hb]\.?)(?![a-z])"
    r"|\b(?P<hour24>[01]?\d|2[0-3])[:.](?P<minute24>[0-5]\d)\s*(?:hrs|hours|h)?\b(?!\s*[ap]\.?m)"
    r"|\b(?P<noon>noon|midday)\b",
    re.IGNORECASE,
)
# The same patterns without IGNORECASE, for text lower-cased first (sources.lowered): they find the same spans several
# times faster, as re tries each alternative of a case-blind alternation ("monday|...|january|...") slowly everywhere.
_DAY_FIRST_LOWER = re.compile(_DAY_FIRST.pattern)
_MONTH_FIRST_LOWER = re.compile(_MONTH_FIRST.pattern)
_TIME_LOWER = re.compile(_TIME.pattern)


def _finditer(pattern: re.Pattern[str], lower: re.Pattern[str] | None, text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, as ``lower`` on the lower-cased text where that finds the same (see
    sources.lowered). Read what a match covers from ``text`` with its span, not with group(0)."""
    if lower is not None and (folded := lowered(text)) is not None:
        return lower.finditer(folded)
    return pattern.finditer(text)


class ImpossibleDate(ValueError):
    """A date that cannot exist, such as 31st February: the user must fix the source."""

    def __init__(self, text: str) -> None:
        super().__init__(f"impossible date '{text.strip()}'")
        self.text = text.strip()


@dataclass(frozen=True)
class FoundDate:
    date: dt.date | None
    """None when the year could not be worked out."""
    start: int
    end: int
    has_year: bool
    weekday: int | None
    day: int
    month: int


def _build(day: int, month: int, year: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ImpossibleDate(text) from None


def find_dates(text: str, *, near: dt.date | None = None, after: bool = False) -> list[FoundDate]:
    """Every date in ``text``, in order. Dates without a year take one from ``near``.

    With ``after`` the year is the first that puts the date on or after ``near`` (for
    "the next meeting is 12 September"); otherwise the year whose weekday matches, or
    ``near``'s year. Raises ImpossibleDate for dates like 31st February.
    """
    if not _DIGIT.search(text):  # every date has a digit; most sentences have none
        return []
    found: list[FoundDate] = []
    for start, end, written, day, month, year, weekday, unknown in _written_dates(text):
        if unknown is not None:  # the patterns read ſept as a month (re matches ſ to s), MONTHS does not
            raise KeyError(unknown)
        date: dt.date | None
        if year is not None:
            date = _build(day, month, year, written)
        else:
            date = _infer_year(day, month, weekday, near, after=after, text=written)
        found.append(FoundDate(date, start, end, year is not None, weekday, day, month))
    return sorted(found, key=lambda f: f.start)


_Written = tuple[int, int, str, int, int, int | None, int | None, str | None]


@lru_cache(maxsize=1024)
def _written_dates(text: str) -> tuple[_Written, ...]:
    """Where ``text`` writes a date, in the order find_dates works them out (each pattern in turn): start, end,
    the words, day, month, year (None when not written), weekday, and the month name when MONTHS lacks it
    (then nothing after it counts: find_dates fails there).

    Kept for a while: a document's header line is read four times, with and without a date near it.
    """
    found: list[_Written] = []
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in taken)

    patterns = ((_ISO, None, "-"), (_NUMERIC, None, "/."),
                (_DAY_FIRST, _DAY_FIRST_LOWER, ""), (_MONTH_FIRST, _MONTH_FIRST_LOWER, ""))
    for pattern, lower, needs in patterns:
        if needs and not any(char in text for char in needs):  # 2019-03-12 needs a hyphen, 12/03/2019 a / or .
            continue
        for match in _finditer(pattern, lower, text):
            if overlaps(match.start(), match.end()):
                continue
            parts = match.groupdict()
            month_text = parts["month"]
            if not month_text.isdigit() and month_text.lower() not in MONTHS:
                found.append((match.start(), match.end(), "", 0, 0, None, None, month_text.lower()))
                return tuple(found)
            month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower()]
            day = int(parts["day"])
            if not 1 <= month <= 12 or day == 0:
                continue
            weekday_text = (parts.get("weekday") or "").lower()
            weekday = next((i for i, w in enumerate(WEEKDAYS) if weekday_text and w.startswith(weekday_text[:3])), None)
            year = parts.get("year")
            taken.append((match.start(), match.end()))
            found.append((match.start(), match.end(), text[match.start() : match.end()], day, month,
                          int(year) if year else None, weekday, None))
    return tuple(found)


def _infer_year(
    day: int, month: int, weekday: int | None, near: dt.date | None, *, after: bool, text: str
) -> dt.date | None:
    if near is None:
        return None
    candidates = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ImpossibleDate(text)
    if after:
        candidates = [c for c in candidates if c >= near]
        if not candidates:
            return None
        matching = [c for c in candidates if weekday is not None and c.weekday() == weekday]
        return (matching or candidates)[0]
    if weekday is not None:
        matching = [c for c in candidates if c.weekday() == weekday]
        if matching:
            return min(matching, key=lambda c: abs((c - near).days))
    return min(candidates, key=lambda c: abs((c - near).days))


def has_date(text: str) -> bool:
    """True when ``text`` names a date, even an impossible one (which the caller will report)."""
    try:
        return bool(find_dates(text))
    except ImpossibleDate:
        return True


def first_date(text: str, *, near: dt.date | None = None, after: bool = False) -> dt.date | None:
    """The first complete date in ``text``, or None."""
    for found in find_dates(text, near=near, after=after):
        if found.date:
            return found.date
    return None


def find_time(text: str) -> tuple[str, int, int] | None:
    """The first clock time in ``text`` as ("HH:MM", start, end): "2.00 pm" -> "14:00"."""
    for match in _finditer(_TIME, _TIME_LOWER, text):
        if match.group("noon"):
            return "12:00", match.start(), match.end()
        if match.group("hour") is not None:
            hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
            if not 1 <= hour <= 12:
                continue
            ampm = match.group("ampm").lower().replace(".", "")
            if ampm in ("pm", "p m", "yh") and hour != 12:
                hour += 12
            elif ampm in ("am", "a m", "yb") and hour == 12:
                hour = 0
        else:
            hour, minute = int(match.group("hour24")), int(match.group("minute24"))
            before = text[max(0, match.start() - 1) : match.start()]
            if before in "/-£$" and before:
                continue
        return f"{hour:02d}:{minute:02d}", match.start(), match.end()
    return None


def stored_time(value: str | None) -> dt.time | None:
    """A meeting's start as the reader stores it ("14:00"), or None when the papers give none."""
    if not value:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None
