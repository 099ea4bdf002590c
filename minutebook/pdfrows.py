"""One PDF page as rows: its printed lines and table rows, from PDFium's characters and rules.

A table drawn with rules gives one row per band between its horizontal rules, each cell's
text joined from however many lines it wraps over; consecutive lines whose runs of words keep
to the same columns (names in two columns, an unruled table) give one row each. Every other
line is plain text. Coordinates are points from the top left of the page as it is shown.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Box = tuple[float, float, float, float]
"""x0, x1, top, bottom."""
Span = tuple[float, float]
"""Left and right edge."""

_CHARS = str.maketrans({"\x02": "-", "\ufffe": "-", "\u00ad": "-", "\ufb00": "ff", "\ufb01": "fi",
                        "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
"""PDFium marks a hyphen that ends a line as \\x02 or U+FFFE; ligature glyphs become their letters."""
_BREAKS = frozenset(" \t\r\n\x00\u00a0")
_BOLD = 600
"""PDFium's font weight from which a word is bold."""
_CELL_GAP = 0.7
"""Words further apart than this many times the font size are in different cells (a space is about 0.3)."""
_MAX_RULES = 2000
"""More thin lines than this on a page is a drawing, not tables: its words are read as lines."""


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool


@dataclass(frozen=True)
class Row:
    """One printed line: its cells are runs of words far apart, or a table row's cells."""

    cells: tuple[str, ...]
    spans: tuple[Span, ...]
    """Each cell's left and right edge."""
    top: float
    bottom: float
    size: float
    """The height of its tallest word: the font size, near enough."""
    table: bool = False
    bold: bool = False
    """Every word of it is bold: a heading, not the start of the paragraph under it."""
    lead: float = 0.0
    """The width of its first word: had it fitted on the line above, it would be printed there."""

    @property
    def text(self) -> str:
        """Its cells, one tab apart; a table row's empty cells at the end left off."""
        cells = list(self.cells)
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        return "\t".join(cells)

    @property
    def x0(self) -> float:
        return self.spans[0][0]

    @property
    def x1(self) -> float:
        return self.spans[-1][1]


def page_rows(page: pdfium.PdfPage) -> list[Row]:
    """The page's rows from top to bottom."""
    upright = _upright(page)
    words = list(_words(page, upright))
    rules = _rules(page, upright) if words else []
    rows, rest = _ruled_tables(words, rules)
    rows.extend(_column_tables(_lines(rest)))
    return sorted(rows, key=lambda row: (row.top, row.x0))


def _upright(page: pdfium.PdfPage) -> Callable[[float, float, float, float], Box]:
    """PDF coordinates (left, right, bottom, top; y up, the page as stored) -> Box, as the page is shown."""
    left, bottom, right, top = page.get_mediabox()
    width, height = right - left, top - bottom
    rotation = page.get_rotation() % 360

    def upright(x0: float, x1: float, y0: float, y1: float) -> Box:
        x0, x1, y0, y1 = x0 - left, x1 - left, y0 - bottom, y1 - bottom
        if rotation == 90:
            return y0, y1, x0, x1
        if rotation == 180:
            return width - x1, width - x0, y0, y1
        if rotation == 270:
            return height - y1, height - y0, width - x1, width - x0
        return x0, x1, height - y1, height - y0

    return upright


def _words(page: pdfium.PdfPage, upright: Callable[[float, float, float, float], Box]) -> Iterator[Word]:
    """Runs of characters between spaces, in the order the page prints them."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        if len(text) != count:  # characters beyond the BMP: fetch them one at a time
            text = "".join(textpage.get_text_range(i, 1)[:1] or " " for i in range(count))
        chars: list[str] = []
        box: Box = (0.0, 0.0, 0.0, 0.0)
        bold = False
        for i, char in enumerate(text):
            if char in _BREAKS:
                if chars:
                    yield Word("".join(chars).translate(_CHARS), *box, bold)
                    chars = []
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            x0, x1, y0, y1 = upright(left, right, bottom, top)
            half = (y1 - y0) / 2
            # another line, or a gap with no space character in it: another word
            if chars and (y0 > box[3] - half or y1 < box[2] + half or not box[1] - half <= x0 <= box[1] + half / 2):
                yield Word("".join(chars).translate(_CHARS), *box, bold)
                chars = []
            if chars:
                box = (box[0], max(box[1], x1), min(box[2], y0), max(box[3], y1))
            else:
                box = (x0, x1, y0, y1)
                bold = pdfium_c.FPDFText_GetFontWeight(textpage.raw, i) >= _BOLD
            chars.append(char)
        if chars:
            yield Word("".join(chars).translate(_CHARS), *box, bold)
    finally:
        textpage.close()


def _rules(page: pdfium.PdfPage, upright: Callable[[float, float, float, float], Box]) -> list[Box]:
    """Thin drawn lines: the rules of tables (and underlines, which make no grid)."""
    found = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        left, bottom, right, top = obj.get_bounds()
        x0, x1, y0, y1 = upright(left, right, bottom, top)
        if min(x1 - x0, y1 - y0) <= 3 and max(x1 - x0, y1 - y0) >= 4:
            found.append((x0, x1, y0, y1))
    return found if len(found) <= _MAX_RULES else []


def _ruled_tables(words: list[Word], rules: list[Box]) -> tuple[list[Row], list[Word]]:
    """A row for each band of every table drawn with rules; the words outside those tables."""
    rows: list[Row] = []
    for (x0, x1, top, bottom), across, down in _grids(rules):
        inside = [w for w in words if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom]
        if not inside:
            continue
        taken = set(map(id, inside))
        words = [w for w in words if id(w) not in taken]
        cells: dict[tuple[int, int], list[Word]] = {}
        for w in inside:
            cells.setdefault((bisect.bisect(across, (w.top + w.bottom) / 2), bisect.bisect(down, (w.x0 + w.x1) / 2)),
                             []).append(w)
        spans = tuple(zip(down, down[1:], strict=False))
        for band in sorted({band for band, _ in cells}):
            texts = tuple(" ".join(line.text for line in _lines(cells.get((band, column), [])))
                          for column in range(1, len(down)))
            filled = [w for (at, _), found in cells.items() if at == band for w in found]
            rows.append(Row(texts, spans, min(w.top for w in filled), max(w.bottom for w in filled),
                            max(w.bottom - w.top for w in filled), table=True))
    return rows, words


def _grids(rules: list[Box]) -> list[tuple[Box, list[float], list[float]]]:
    """Rules that touch make a grid: (its box, the heights of its horizontal rules, the places of its
    vertical ones); only grids of at least one row and two columns are tables."""
    parent = list(range(len(rules)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(rules)), key=lambda i: rules[i][2])
    active: list[int] = []
    for i in order:  # a sweep from the top: only rules that reach down to this one can touch it
        x0, x1, top, bottom = rules[i]
        active = [j for j in active if rules[j][3] >= top - 2]
        for j in active:
            if x0 <= rules[j][1] + 2 and rules[j][0] <= x1 + 2:
                parent[root(i)] = root(j)
        active.append(i)
    groups: dict[int, list[Box]] = {}
    for i, rule in enumerate(rules):
        groups.setdefault(root(i), []).append(rule)
    grids = []
    for group in groups.values():
        across = _edges([(top + bottom) / 2 for x0, x1, top, bottom in group if x1 - x0 > bottom - top])
        down = _edges([(x0 + x1) / 2 for x0, x1, top, bottom in group if x1 - x0 <= bottom - top])
        if len(across) >= 2 and len(down) >= 3:
            box = (min(r[0] for r in group), max(r[1] for r in group), min(r[2] for r in group),
                   max(r[3] for r in group))
            grids.append((box, across, down))
    return grids


def _edges(values: list[float]) -> list[float]:
    """Positions closer than 2 points are one edge."""
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > 2:
            edges.append(value)
    return edges


def _lines(words: list[Word]) -> list[Row]:
    """Words whose middles fall within one line's height make that printed line."""
    rows: list[Row] = []
    line: list[Word] = []
    top = bottom = 0.0
    for word in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        if line and not top <= (word.top + word.bottom) / 2 <= bottom:
            rows.append(_row(line))
            line = []
        top, bottom = (min(top, word.top), max(bottom, word.bottom)) if line else (word.top, word.bottom)
        line.append(word)
    if line:
        rows.append(_row(line))
    return rows


def _row(words: list[Word]) -> Row:
    """One line's words, split into cells where they are far apart."""
    words = sorted(words, key=lambda w: w.x0)
    size = max(w.bottom - w.top for w in words)
    cells: list[list[Word]] = [[words[0]]]
    for word in words[1:]:
        if word.x0 - cells[-1][-1].x1 > _CELL_GAP * size:
            cells.append([])
        cells[-1].append(word)
    return Row(tuple(" ".join(w.text for w in cell) for cell in cells),
               tuple((cell[0].x0, max(w.x1 for w in cell)) for cell in cells),
               min(w.top for w in words), max(w.bottom for w in words), size,
               bold=all(w.bold for w in words), lead=words[0].x1 - words[0].x0)


def _column_tables(rows: list[Row]) -> list[Row]:
    """Two or more consecutive lines whose cells keep to the same columns become table rows; any other
    line is plain text, its cells joined by a space."""
    out: list[Row] = []
    index = 0
    while index < len(rows):
        columns: list[Span] = []
        end = index
        while end < len(rows) and len(rows[end].cells) > 1 and (grown := _columns_with(columns, rows[end])):
            columns, end = grown, end + 1
        if end - index < 2:
            row = rows[index]
            out.append(Row((" ".join(row.cells),), ((row.x0, row.x1),), row.top, row.bottom, row.size,
                           bold=row.bold, lead=row.lead))
            index += 1
            continue
        while end < len(rows) and _under_first(rows[end - 1], rows[end], columns):  # "P Buckley", alone in its row
            end += 1
        for row in rows[index:end]:
            cells = [""] * len(columns)
            for text, span in zip(row.cells, row.spans, strict=True):
                cells[next(i for i, column in enumerate(columns) if _overlap(column, span))] = text
            out.append(Row(tuple(cells), tuple(columns), row.top, row.bottom, row.size, table=True))
        index = end
    return out


def _columns_with(columns: list[Span], row: Row) -> list[Span]:
    """The columns widened to take this row's cells, each in a column of its own; empty if they do not fit."""
    grown = list(columns)
    used: set[int] = set()
    for span in row.spans:
        hits = [i for i, column in enumerate(grown) if _overlap(column, span)]
        if len(hits) > 1 or (hits and hits[0] in used):
            return []
        if hits:
            grown[hits[0]] = (min(grown[hits[0]][0], span[0]), max(grown[hits[0]][1], span[1]))
            used.add(hits[0])
        else:
            grown.append(span)
            used.add(len(grown) - 1)
    grown.sort()
    if any(a[1] >= b[0] for a, b in zip(grown, grown[1:], strict=False)):
        return []
    return grown


def _under_first(above: Row, row: Row, columns: list[Span]) -> bool:
    """A line of one cell right under a column table, within its first column."""
    return (len(row.cells) == 1 and row.top - above.bottom <= 0.5 * row.size
            and _overlap(columns[0], row.spans[0]) and row.x1 < columns[1][0])


def _overlap(a: Span, b: Span) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
