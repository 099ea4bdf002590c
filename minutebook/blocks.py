"""An item's lines as structured blocks (paragraphs, sub-headings, lists, tables) and its resolutions."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .layout import Line
from .model import Block, BlockKind
from .sources import html_to_lines, lowered, plain_chars

_BULLET = re.compile(r"^(?:[-•·*▪◦]|(?:\(?(?:[ivx]{1,5}|[a-z])[.)])|\d{1,2}\))\s+", re.IGNORECASE)
_ROMAN_OR_LETTER = re.compile(r"^\(?(?:[ivx]{1,5}|[a-z])[.)]\s+", re.IGNORECASE)
_TAG = re.compile(r"</?[a-z][^>]*>", re.IGNORECASE)
RESOLUTION_START = re.compile(
    r"^(?:it\s+was\s+)?(?:resolved|agreed|decision|decided|penderfynwyd)\b\s*(?:\(?unanimously\)?)?[\s:;,.–—-]*",
    re.IGNORECASE,
)
_MOTION = re.compile(r"\bmotion\b.*\b(?:carried|passed|approved|adopted)\b", re.IGNORECASE)
_MOTION_LOWER = re.compile(_MOTION.pattern)
"""_MOTION for lower-cased text (see sources.lowered)."""


@dataclass(slots=True)
class _Draft:
    """A block while its lines are read: a list or table at the end stays open to more entries or rows,
    so each block is made once, at the end (a Block is frozen, and costly to make again and again)."""

    kind: BlockKind
    line: int
    parts: list[Any]
    """A paragraph's line texts, a list's entries or a table's rows (lists of cells)."""


def to_blocks(lines: list[Line]) -> list[Block]:
    """Group lines into blocks: blank lines end paragraphs, tabbed lines form tables."""
    drafts: list[_Draft] = []
    paragraph: list[str] = []
    paragraph_line = 0
    for line in lines:
        text = line.text
        if not text:
            if paragraph:
                drafts.append(_Draft("paragraph", paragraph_line, paragraph))
                paragraph = []
            continue
        last = drafts[-1] if drafts else None
        if not paragraph and last is not None and last.kind == "table" and _continues_row(line, last.parts[-1]):
            _merge_into_row(last.parts[-1], line)
            continue
        if "\t" in line.raw and _is_table_row(line):
            if paragraph:
                drafts.append(last := _Draft("paragraph", paragraph_line, paragraph))
                paragraph = []
            cells = [clean_fragment(cell) for cell in line.raw.split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            if last is not None and last.kind == "table":
                last.parts.append(cells)
            else:
                drafts.append(_Draft("table", line.number, [cells]))
            continue
        bullet = _BULLET.match(text)
        if bullet:
            if paragraph:
                drafts.append(last := _Draft("paragraph", paragraph_line, paragraph))
                paragraph = []
            rest = text[bullet.end() :]
            rest = rest[m.end() :] if (m := _ROMAN_OR_LETTER.match(rest)) else rest
            if last is not None and last.kind == "list":
                last.parts.append(clean_fragment(rest))
            else:
                drafts.append(_Draft("list", line.number, [clean_fragment(rest)]))
            continue
        if not paragraph and last is not None and last.kind == "list" and text[:1].islower():
            last.parts[-1] = f"{last.parts[-1]} {clean_fragment(text)}"
            continue
        if not paragraph:
            paragraph_line = line.number
        paragraph.append(text)
    if paragraph:
        drafts.append(_Draft("paragraph", paragraph_line, paragraph))
    return [_block(draft, followed=n + 1 < len(drafts)) for n, draft in enumerate(drafts)]


def _block(draft: _Draft, *, followed: bool) -> Block:
    """The Block a draft makes; a short title-like paragraph followed by more text is a sub-heading ("Start Well")."""
    if draft.kind == "paragraph":
        text = clean_fragment(" ".join(draft.parts))
        return Block("heading" if followed and is_heading_text(text) else "paragraph", text=text, line=draft.line)
    if draft.kind == "list":
        return Block("list", entries=tuple(draft.parts), line=draft.line)
    width = max(len(row) for row in draft.parts)  # every row gets the same number of cells, so pages can render it
    return Block("table", rows=tuple(tuple(row) + ("",) * (width - len(row)) for row in draft.parts), line=draft.line)


def _is_table_row(line: Line) -> bool:
    if "\t" not in line.raw:  # one cell: not a row
        return False
    cells = [cell for cell in line.raw.split("\t")]
    return len([c for c in cells if c.strip()]) >= 2 or (len(cells) >= 3 and any(c.strip() for c in cells))


def _continues_row(line: Line, row: list[str]) -> bool:
    """PDF text breaks a tall cell over lines: a tab-led line filling few cells carries on the row above."""
    if not line.raw.startswith("\t"):
        return False
    filled = sum(1 for cell in line.raw.split("\t") if cell.strip())
    return filled <= max(1, len(row) // 2)


def _merge_into_row(row: list[str], line: Line) -> None:
    extra = [clean_fragment(cell) for cell in line.raw.split("\t")]
    row.extend([""] * max(0, len(extra) - len(row)))
    for index, cell in enumerate(extra):
        if cell:
            row[index] = f"{row[index]} {cell}".strip()


def is_heading_text(text: str) -> bool:
    if not text[:1].isupper() or text.endswith((".", ":", ";", ",", "?")):  # most paragraphs: a sentence
        return False
    words = text.split(None, 10)  # all the words when there are 10 or fewer, and 11 pieces when there are more
    return (
        0 < len(words) <= 10
        and not RESOLUTION_START.match(text)
        and sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha()) >= max(1, len(words) // 2)
    )


@lru_cache(maxsize=1 << 16)  # minutes repeat their set paragraphs from meeting to meeting
def clean_fragment(text: str) -> str:
    """Stray HTML in PDF-extracted text becomes plain text; tags never survive."""
    if ("<" in text and _TAG.search(text)) or ("&" in text and not _as_html_reads(text)):
        text = " ".join(line for _, line in html_to_lines(text) if line)
        text = _TAG.sub(" ", text)
    return " ".join(text.split())  # the same as re.sub(r"\s+", " ", text).strip(), faster


def _as_html_reads(text: str) -> bool:
    """Read as HTML, ``text`` would say the same: no markup, no character reference ("A & B"), no odd space."""
    return "<" not in text and html.unescape(text) == text and plain_chars(text) == text


def resolutions_of(blocks: list[Block]) -> list[str]:
    """Decisions in an item: "Resolved: ..." paragraphs, each enumerated part its own decision."""
    found: list[str] = []
    for index, block in enumerate(blocks):
        if block.kind != "paragraph":
            continue
        match = RESOLUTION_START.match(block.text)
        if match:
            rest = block.text[match.end() :].strip()
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            preamble = re.sub(r"[\s:;,.–—-]+", " ", rest).strip().lower()
            if preamble in ("", "that") and following is not None and following.kind == "list":
                found.extend(_tidy(entry) for entry in following.entries)
            elif rest:
                found.extend(_split_enumerated(rest))
        elif _is_motion(block.text):
            found.append(_tidy(block.text))
    return [text for text in found if text]


def _is_motion(text: str) -> bool:
    folded = lowered(text)
    return bool(_MOTION.search(text) if folded is None else "motion" in folded and _MOTION_LOWER.search(folded))


def _split_enumerated(text: str) -> list[str]:
    """"That: i. X ii. Y" on one line -> ["X", "Y"]."""
    parts = re.split(r"\s(?=\(?(?:i{1,3}|iv|v|vi{0,3}|ix|x)[.)]\s)", text)
    if len(parts) > 1 and re.sub(r"[\s:;,.]+", " ", parts[0]).strip().lower() in ("that", ""):
        return [_tidy(_ROMAN_OR_LETTER.sub("", part)) for part in parts[1:]]
    return [_tidy(text)]


def _tidy(text: str) -> str:
    return " ".join(text.split())  # the same as re.sub(r"\s+", " ", text).strip(), faster
