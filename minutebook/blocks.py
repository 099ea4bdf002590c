"""An item's lines as structured blocks (paragraphs, sub-headings, lists, tables) and its resolutions."""

from __future__ import annotations

import html
import re

from .layout import Line
from .model import Block
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


def to_blocks(lines: list[Line]) -> list[Block]:
    """Group lines into blocks: blank lines end paragraphs, tabbed lines form tables."""
    blocks: list[Block] = []
    paragraph: list[Line] = []

    def flush() -> None:
        if paragraph:
            text = " ".join(line.text for line in paragraph)
            blocks.append(Block("paragraph", text=clean_fragment(text), line=paragraph[0].number))
            paragraph.clear()

    for line in lines:
        if not line.text:
            flush()
            continue
        if not paragraph and blocks and blocks[-1].kind == "table" and _continues_row(line, blocks[-1]):
            blocks[-1] = _merge_into_last_row(blocks[-1], line)
            continue
        if _is_table_row(line):
            flush()
            cells = tuple(clean_fragment(cell) for cell in line.raw.split("\t"))
            while cells and not cells[-1]:
                cells = cells[:-1]
            if blocks and blocks[-1].kind == "table":
                last = blocks[-1]
                blocks[-1] = Block("table", rows=(*last.rows, cells), line=last.line)
            else:
                blocks.append(Block("table", rows=(cells,), line=line.number))
            continue
        bullet = _BULLET.match(line.text)
        if bullet:
            flush()
            rest = line.text[bullet.end() :]
            rest = rest[m.end() :] if (m := _ROMAN_OR_LETTER.match(rest)) else rest
            entry = clean_fragment(rest)
            if blocks and blocks[-1].kind == "list":
                last = blocks[-1]
                blocks[-1] = Block("list", entries=(*last.entries, entry), line=last.line)
            else:
                blocks.append(Block("list", entries=(entry,), line=line.number))
            continue
        if blocks and blocks[-1].kind == "list" and not paragraph and line.text[:1].islower():
            last = blocks[-1]
            entries = (*last.entries[:-1], f"{last.entries[-1]} {clean_fragment(line.text)}")
            blocks[-1] = Block("list", entries=entries, line=last.line)
            continue
        paragraph.append(line)
    flush()
    return _mark_headings(_pad_tables(blocks))


def _is_table_row(line: Line) -> bool:
    if "\t" not in line.raw:  # one cell: not a row
        return False
    cells = [cell for cell in line.raw.split("\t")]
    return len([c for c in cells if c.strip()]) >= 2 or (len(cells) >= 3 and any(c.strip() for c in cells))


def _continues_row(line: Line, table: Block) -> bool:
    """PDF text breaks a tall cell over lines: a tab-led line filling few cells carries on the row above."""
    cells = line.raw.split("\t")
    filled = sum(1 for cell in cells if cell.strip())
    width = len(table.rows[-1])
    return line.raw.startswith("\t") and filled <= max(1, width // 2)


def _merge_into_last_row(table: Block, line: Line) -> Block:
    extra = [clean_fragment(cell) for cell in line.raw.split("\t")]
    last = list(table.rows[-1]) + [""] * max(0, len(extra) - len(table.rows[-1]))
    for index, cell in enumerate(extra):
        if cell:
            last[index] = f"{last[index]} {cell}".strip()
    return Block("table", rows=(*table.rows[:-1], tuple(last)), line=table.line)


def _pad_tables(blocks: list[Block]) -> list[Block]:
    """Give every row of a table the same number of cells so pages can render it."""
    out = []
    for block in blocks:
        if block.kind == "table":
            width = max(len(row) for row in block.rows)
            rows = tuple(row + ("",) * (width - len(row)) for row in block.rows)
            block = Block("table", rows=rows, line=block.line)
        out.append(block)
    return out


def _mark_headings(blocks: list[Block]) -> list[Block]:
    """A short title-like line followed by more text is a sub-heading ("Start Well")."""
    out = []
    for index, block in enumerate(blocks):
        if block.kind == "paragraph" and index + 1 < len(blocks) and is_heading_text(block.text):
            block = Block("heading", text=block.text, line=block.line)
        out.append(block)
    return out


def is_heading_text(text: str) -> bool:
    words = text.split(None, 10)  # all the words when there are 10 or fewer, and 11 pieces when there are more
    return (
        0 < len(words) <= 10
        and text[:1].isupper()
        and not text.endswith((".", ":", ";", ",", "?"))
        and not RESOLUTION_START.match(text)
        and sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha()) >= max(1, len(words) // 2)
    )


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
    return re.sub(r"\s+", " ", text).strip()
