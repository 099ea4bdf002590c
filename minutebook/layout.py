"""Text layout clean-up and splitting: one document's lines into the meetings' parts it holds.

Councils publish minutes as ModernGov text (``<AI1>`` markers, numbers on their own
line), PDF text (page numbers, running headers, hyphenated line breaks) and agenda
packs that bundle an agenda, the previous meeting's minutes, reports and restricted
pages. This module undoes the layout so the parser reads one clean sequence of lines
per part.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .dates import has_date
from .sources import lines_matching


@dataclass(slots=True)
class Line:
    """A cleaned line: ``text`` is stripped, ``raw`` keeps inner tabs for table rows.

    Never changed once made, but not frozen: a document makes hundreds, and a frozen one costs four times as much.
    """

    text: str
    raw: str
    number: int


@dataclass(frozen=True)
class Part:
    """A run of lines that belongs to one meeting document: minutes, agenda, report or restricted."""

    kind: str
    lines: tuple[Line, ...]
    item_stamp: str | None = None
    """The "Agenda Item N" stamp a report or restricted page carries, if any."""


_MARKER = re.compile(r"^\s*</?AI\d+>\s*$", re.IGNORECASE)
_PAGE_FURNITURE = re.compile(
    r"^(?:page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d+\s*/\s*\d+|signed\b.*\b(?:chair(?:man|person)?|mayor)\b.*)$",
    re.IGNORECASE,
)
_FURNITURE = re.compile(f"{_MARKER.pattern}|{_PAGE_FURNITURE.pattern}", re.IGNORECASE)
"""_MARKER or _PAGE_FURNITURE, in one go."""
_NUMBER_ALONE = re.compile(r"^(?:item\s+)?(\d{1,3}(?:[./]\d{1,3}){0,2}[a-z]?)[.)]?$", re.IGNORECASE)
_ITEM_FIRST = frozenset("iI\u0130\u0131")
"""What _NUMBER_ALONE's first character is when it is no digit: "item" (re matches İ and ı to i)."""
_ITEM_STAMP = re.compile(r"^agenda\s+item\s+(\d{1,3}[a-z]?)$", re.IGNORECASE)
_MINUTES_ANCHOR = re.compile(r"^(?:the\s+)?minutes\s+of\s+(?:the|a|an)\b.*\b(?:held|meeting)\b", re.IGNORECASE)
_AGENDA_ANCHOR = re.compile(r"^(?:agenda|notice of meeting|summons(?: to attend)?|agenda and notice)$", re.IGNORECASE)
_REPORT_ANCHOR = re.compile(r"^(?:meeting to be held on\b|report (?:of|to|by)\b)", re.IGNORECASE)
_REPORT_CONFIRM = re.compile(
    r"^(?:contact for further information|executive summary|electoral divisions? affected|purpose of (?:the )?report|"
    r"recommendations?\b|wards? affected|report author)",
    re.IGNORECASE,
)
RESTRICTED = re.compile(r"not for publication|document is restricted|this (?:item|report|document) is (?:exempt|restricted|confidential)", re.IGNORECASE)
_PAGE_ROW = re.compile(r"^page\s+\d+", re.IGNORECASE)
_PAGE_WORD = re.compile(r"[pP][aA][gG][eE]")
"""What _PAGE_ROW matches holds: "page" in any case (no other character matches these letters with IGNORECASE),
written so re skips quickly to a p or P."""
_HYPHEN_END = re.compile(r"-[^\S\n]*$", re.MULTILINE)
"""A line that ends with a hyphen, once stripped: only then may _join_hyphenation change anything."""
_ANCHOR_START = re.compile(r"(?:the\s+)?minutes\s+of|agenda|notice of meeting|summons|meeting to be held|report ",
                           re.IGNORECASE)
"""How every line _MINUTES_ANCHOR, _AGENDA_ANCHOR or _REPORT_ANCHOR matches begins: one quick match spares
_anchor_kind the many lines that only begin with the same letter."""
_ANCHOR_FIRST = frozenset("tmansrTMANSR\u017f")
"""The first character of every line _ANCHOR_START matches ("The minutes", "Minutes", "Meeting to be held",
"Agenda", "Notice", "Summons", "Report"; re matches ſ to s)."""
_RESTRICTED_HINT = re.compile(r" (?:for publication|is (?:exempt|restricted|confidential))", re.IGNORECASE)
"""What every RESTRICTED match holds; it starts at a space, which has no case, so re skips ahead quickly."""
_HEADER_LIKE = re.compile(
    r"\b(?:council|committee|cabinet|board|panel|forum|commission|authority|executive|assembly|"
    r"sub-committee|district|cyngor|comhairle|agenda item \d+|part i+)\b",
    re.IGNORECASE,
)


def clean_lines(lines: tuple[str, ...], numbers: tuple[int, ...]) -> list[Line]:
    """Drop layout furniture and rejoin what the layout split, keeping original line numbers."""
    joined = "\n".join(lines)
    furniture = _running_furniture(lines) if _PAGE_WORD.search(joined) else set()  # most text has no page numbers
    cleaned: list[Line] = []
    for text, number in zip(lines, numbers, strict=False):
        if not text:  # most blank lines are empty already: nothing to strip or match
            cleaned.append(Line("", "", number))
            continue
        stripped, raw = _cleaned(text)
        if furniture and stripped in furniture:
            stripped = raw = ""
        cleaned.append(Line(stripped, raw, number))
    if _HYPHEN_END.search(joined):
        cleaned = _join_hyphenation(cleaned)
    return _join_number_lines(cleaned)


@lru_cache(maxsize=1 << 16)  # minutes repeat their set lines from meeting to meeting
def _cleaned(text: str) -> tuple[str, str]:
    """A line's (text, raw) for Line: stripped, with inner tabs kept in raw; ("", "") for page furniture."""
    raw = text.rstrip()
    stripped = raw.strip()
    if _FURNITURE.match(stripped):
        return "", ""
    return stripped, raw.lstrip(" ") if "\t" in raw.strip(" \t") else stripped


def _running_furniture(lines: tuple[str, ...]) -> set[str]:
    """Running headers and footers: short lines repeated next to page numbers in PDF text."""
    stripped = [line.strip() for line in lines]
    page_rows = [i for i, text in enumerate(stripped) if _PAGE_ROW.match(text)]
    if len(page_rows) < 2:
        return set()
    counts = Counter(text for text in stripped if text)
    near: Counter[str] = Counter()
    for row in page_rows:
        for j in range(max(0, row - 3), min(len(stripped), row + 4)):
            if stripped[j] and j != row:
                near[stripped[j]] += 1
    return {text for text, n in near.items() if n >= 2 and counts[text] >= 2 and len(text) < 80}


def _join_hyphenation(lines: list[Line]) -> list[Line]:
    """Rejoin words a PDF broke across lines: "environ-" + "mental" -> "environmental"."""
    out: list[Line] = []
    for line in lines:
        if not (out and out[-1].text.endswith("-")):  # lines hold no newline, so nothing else ends "[a-z]-$"
            out.append(line)
            continue
        if out and re.search(r"[a-z]-$", out[-1].text) and re.match(r"^[A-Z][a-z]", line.text):
            # "Fletcher-" + "Hughes": a hyphenated name or compound, keep the hyphen
            prev = out[-1]
            first, _, rest = line.text.partition(" ")
            joined = prev.text + first
            out[-1] = Line(joined, joined, prev.number)
            if rest:
                out.append(Line(rest, rest, line.number))
            continue
        if (
            out
            and re.search(r"[a-z]-$", out[-1].text)
            and not re.search(r"\s-$", out[-1].text)
            and re.match(r"^[a-z]", line.text)
        ):
            prev = out[-1]
            first, _, rest = line.text.partition(" ")
            joined = prev.text[:-1] + first
            out[-1] = Line(joined, joined, prev.number)
            if rest:
                out.append(Line(rest, rest, line.number))
            continue
        out.append(line)
    return out


def _join_number_lines(lines: list[Line]) -> list[Line]:
    """ModernGov puts an item's number on one line and its title on the next: join them."""
    out: list[Line] = []
    pending: Line | None = None
    for line in lines:
        if pending is not None:
            if not line.text:
                out.append(line)
                continue
            text = f"{pending.text} {line.text}"
            out.append(Line(text, text, pending.number))
            pending = None
            continue
        first = line.text[:1]
        if (first.isdigit() or first in _ITEM_FIRST) and _NUMBER_ALONE.match(line.text) and not _ITEM_STAMP.match(line.text):
            pending = line
            continue
        out.append(line)
    if pending is not None:
        out.append(pending)
    return out


def split_parts(lines: list[Line]) -> list[Part]:
    """Split a document into parts where a new minutes, agenda, report or restricted page begins.

    A pack is several documents printed one after another; each begins with a header
    (council, committee, then "Minutes of the Meeting held on ..." or "Agenda" or
    "Report of ..."). An anchor only opens a new part once the current part has got past
    its own header, so the lines of one header never split.
    """
    starts: list[tuple[int, str, str | None]] = []
    restricted = _maybe_restricted(lines)
    anchors = {row for row, line in enumerate(lines) if line.text[:1] in _ANCHOR_FIRST and _ANCHOR_START.match(line.text)}
    for index in sorted(anchors | restricted):
        kind = _anchor_kind(lines, index, index in restricted)
        if kind is None:
            continue
        stamp = _stamp_before(lines, index)
        start = _header_start(lines, index)
        if starts:
            prev_start, prev_kind, prev_stamp = starts[-1]
            body_lines = sum(1 for line in lines[prev_start:start] if line.text)
            if kind == "restricted" and prev_kind != "restricted" and (
                prev_kind not in ("report", "unknown") or stamp not in (None, prev_stamp)
            ):
                pass  # exempt content is never swallowed by an open part, however short that part is
            elif body_lines <= 12 or (kind == "restricted" and prev_kind == "restricted" and stamp is None):
                if prev_kind == "unknown" or kind == "restricted":  # a short report cover of the same item: withheld
                    starts[-1] = (prev_start, kind, stamp or prev_stamp)
                continue
        elif sum(1 for line in lines[:start] if line.text) <= 12:
            starts.append((0, kind, stamp))
            continue
        if not starts:
            starts.append((0, "unknown", None))
        starts.append((start, kind, stamp))
    if not starts:
        starts = [(0, "unknown", None)]
    parts = []
    for n, (start, kind, stamp) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        parts.append(Part(kind, tuple(lines[start:end]), stamp))
    return parts


def _maybe_restricted(lines: list[Line]) -> set[int]:
    """The rows RESTRICTED may find something in."""
    return set(lines_matching([line.text for line in lines], _RESTRICTED_HINT))


def _anchor_kind(lines: list[Line], index: int, restricted: bool = True) -> str | None:
    """The kind of part row ``index`` opens, if any; ``restricted`` False when RESTRICTED finds nothing in it."""
    text = lines[index].text
    if not text or len(text) > 250:
        return None
    if _MINUTES_ANCHOR.match(text) and has_date(text):
        return "minutes"
    if _AGENDA_ANCHOR.match(text):
        return "agenda"
    if restricted and RESTRICTED.search(text):
        if _stamp_before(lines, index) is not None:
            return "restricted"
        if text.lower().startswith(("(not for publication", "document is restricted")):
            return "restricted"
    if _REPORT_ANCHOR.match(text):
        following = [line.text for line in lines[index + 1 : index + 30] if line.text]
        if text.lower().startswith("meeting to be held") or any(_REPORT_CONFIRM.match(t) for t in following[:15]):
            return "report"
    return None


def _stamp_before(lines: list[Line], index: int) -> str | None:
    """The "Agenda Item N" stamp within the few non-blank lines above ``index``."""
    seen = 0
    for j in range(index, -1, -1):
        if not lines[j].text:
            continue
        match = _ITEM_STAMP.match(lines[j].text)
        if match:
            return match.group(1)
        seen += 1
        if seen > 4:
            return None
    return None


def _header_start(lines: list[Line], index: int) -> int:
    """Walk back over the council/committee lines that head a part."""
    start = index
    seen = 0
    for j in range(index - 1, -1, -1):
        text = lines[j].text
        if not text:
            continue
        if seen >= 6 or len(text) > 120 or text.endswith((".", ":", ";")) or not _HEADER_LIKE.search(text):
            break
        start = j
        seen += 1
    return start
