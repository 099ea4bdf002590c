"""PDF input: a council PDF's text as lines in reading order, each with the page it is printed on.

The lines read like the seeds' PDF-extracted pack: a paragraph on one line (the lines it wraps
over joined), a table row as tab-separated cells (pdfrows lays the page out), a blank line where
the page leaves a gap. Page furniture goes here, where the page boundaries are known: running
headers and footers, page numbers, and the "Agenda Item N" stamp a pack prints on every page of
a report (its first is kept: the readers place reports and restricted pages by it). A hyphenated
line break is left as printed, for layout.clean_lines to join as in any PDF-extracted text.

PDFium (pypdfium2) reads the file: fast, exact character boxes, and it opens what browsers open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .pdfrows import Row, page_rows

MAX_PAGES = 500
"""A longer PDF is several papers bound together: in parts, each stays quick to read and to check."""
MIN_CHARS_PER_PAGE = 20
"""Fewer printed characters than this on the average page: the text is in pictures (a scan)."""

NO_TEXT = "has no text layer (a scan?): run OCR on it first, e.g. ocrmypdf, and add the result"
PASSWORD = ("is encrypted (password-protected): save a copy without the password, "
            "e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf, and add that")
DAMAGED = ("is damaged or not a PDF: export it again from the committee system "
           "(or repair it, e.g. qpdf in.pdf out.pdf) and add that")
TOO_LONG = ("has {pages} pages, over the {limit}-page limit for one PDF: split it, "
            "e.g. qpdf --split-pages=100 in.pdf part.pdf, and add the parts")

_EDGE_ROWS = 3
"""Lines at the top and at the bottom of a page where headers, footers and page numbers are printed."""
_HEIGHT_STEP = 3.0
"""Points: a running header is printed at the same height on every page, give or take this."""
_GAP = 0.5
"""Lines further apart than this many times their font size end a paragraph: a blank line."""
_SPACE = 0.3
"""A space's width, as a share of the font size."""
_PAGE_NUMBER = re.compile(r"page\s*#(?:\s*(?:of|/)\s*#)?|-\s*#\s*-|#\s*(?:/|of)\s*#|\[?#\]?")
_STAMP = re.compile(r"agenda\s+item\s+\d+[a-z]?", re.IGNORECASE)
_NEVER_FURNITURE = re.compile(
    r"restricted|exempt|confidential|not for publication|schedule\s*12\s*a|^part\s+(?:i+|\d|[ab])\b", re.IGNORECASE
)
"""Lines that mark exempt content stay wherever they repeat: a run of restricted pages prints one on each."""
_HYPHENATED = re.compile(r"[a-z]-$")
_MARKER = re.compile(r"(?:[•·*▪◦]|\(?\d{1,3}(?:\.\d{1,2})*[.)]|\(?[a-z]{1,4}[.)]|\(?[ivx]{1,5}\))\s")
"""A bullet or an item's number: a new line even where the line above is full."""


class PdfError(Exception):
    """A PDF that cannot be read; the message says, in one line, what to do about it."""


@dataclass(frozen=True)
class PdfText:
    lines: tuple[str, ...]
    pages: tuple[int, ...]
    """The 1-based page of the PDF each line is printed on."""
    page_count: int


def extract(data: bytes, *, max_pages: int = MAX_PAGES) -> PdfText:
    """The text of a PDF; one that cannot be read raises PdfError, and nothing else.

    Only here are the library's exceptions caught: whatever their type, they mean this file cannot be read.
    """
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        locked = error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)
        raise PdfError(PASSWORD if locked else DAMAGED) from None
    except Exception:
        raise PdfError(DAMAGED) from None
    try:
        count = len(document)
        if count > max_pages:
            raise PdfError(TOO_LONG.format(pages=count, limit=max_pages))
        pages = [_read_page(document, index) for index in range(count)]
    except PdfError:
        raise
    except Exception:
        raise PdfError(DAMAGED) from None
    finally:
        document.close()
    if sum(len(row.text) for rows in pages for row in rows) < MIN_CHARS_PER_PAGE * max(count, 1):
        raise PdfError(NO_TEXT)
    return _assemble(_without_furniture(pages), count)


def _read_page(document: pdfium.PdfDocument, index: int) -> list[Row]:
    page = document[index]
    try:
        return page_rows(page)
    finally:
        page.close()


def _without_furniture(pages: list[list[Row]]) -> list[list[Row]]:
    """Drop what a page prints around its text: page numbers, running headers and footers, and the
    "Agenda Item N" stamp on every page of a report after its first. Lines that mark exempt content stay."""
    printed: dict[tuple[str, int], list[tuple[str, bool]]] = {}
    for rows in pages:
        edge = _edge(rows)
        for index, row in enumerate(edge):
            printed.setdefault(_at(row), []).append((row.text, index in (0, len(edge) - 1)))
    out: list[list[Row]] = []
    stamp = ""
    for rows in pages:
        left = min((row.x0 for row in rows), default=0.0)
        drop: set[int] = set()
        stamped = ""
        for row in _edge(rows):
            text = row.text.strip()
            if _NEVER_FURNITURE.search(text):
                continue
            if _STAMP.fullmatch(text):
                stamped = text
                if text == stamp:
                    drop.add(id(row))
            elif _page_number(row, left) or _running(row, printed, len(pages)):
                drop.add(id(row))
        stamp = stamped
        out.append([row for row in rows if id(row) not in drop])
    return out


def _edge(rows: list[Row]) -> list[Row]:
    """The lines at the top and at the bottom of a page."""
    plain = [row for row in rows if not row.table]
    return plain if len(plain) <= 2 * _EDGE_ROWS else plain[:_EDGE_ROWS] + plain[-_EDGE_ROWS:]


def _at(row: Row) -> tuple[str, int]:
    """A line as it repeats from page to page: its text (numbers and spacing aside) and its height."""
    return " ".join(re.sub(r"\d+", "#", row.text.lower()).split()), round(row.top / _HEIGHT_STEP)


def _page_number(row: Row, left: float) -> bool:
    """"Page 3", "3 of 12", "- 3 -"; a bare number only away from the left margin, where an item's
    number may stand on a line of its own."""
    key = _at(row)[0]
    return bool(_PAGE_NUMBER.fullmatch(key)) and (key != "#" or row.x0 > left + 36)


def _running(row: Row, printed: dict[tuple[str, int], list[tuple[str, bool]]], pages: int) -> bool:
    """A running header or footer: printed at the same height, numbers aside, near the top or bottom of
    at least half the pages. On only two pages it must either number them ("Page 1 of 2") or be the
    very first or last line of both: two papers printed one after the other may each begin with the
    council's name."""
    key, height = _at(row)
    found = [seen for step in (-1, 0, 1) for seen in printed.get((key, height + step), [])]
    if len(found) < 2 or len(found) * 2 < pages:
        return False
    return len(found) >= 3 or len({text for text, _ in found}) > 1 or all(outermost for _, outermost in found)


def _assemble(pages: list[list[Row]], count: int) -> PdfText:
    """Rows to lines as the readers know them from text: the rows a paragraph wraps over joined into
    one line, a blank line where the page leaves a gap or a paragraph ends with the page. A line
    never runs over two pages, so its page says where all of it is printed."""
    right = max((row.x1 for rows in pages for row in rows if not row.table), default=0.0)
    lines: list[str] = []
    numbers: list[int] = []
    above: Row | None = None
    for number, rows in enumerate(pages, start=1):
        for index, row in enumerate(rows):
            wraps = above is not None and _wraps(above, row, right, lines[-1])
            if index == 0:
                if lines and not wraps and not _HYPHENATED.search(lines[-1]):
                    lines.append("")
                    numbers.append(numbers[-1])
            elif (above is not None and not (above.table and row.table)
                  and row.top - above.bottom > _GAP * min(above.size, row.size)):
                lines.append("")
                numbers.append(number)
            elif wraps:
                lines[-1] = f"{lines[-1]} {row.text}"
                above = row
                continue
            lines.append(row.text)
            numbers.append(number)
            above = row
    return PdfText(tuple(lines), tuple(numbers), count)


def _wraps(above: Row, row: Row, right: float, line: str) -> bool:
    """``row`` carries on the paragraph of the row above (``line`` so far): that one ran so near the right
    edge of the text that the first word of this one could not fit on it."""
    return (
        not above.table
        and not row.table
        and abs(above.size - row.size) < 1
        and above.bold == row.bold
        and above.x1 + _SPACE * row.size + row.lead > right
        and not _HYPHENATED.search(above.text)  # layout.clean_lines joins the word, as in any PDF text
        and not _MARKER.match(row.text)
        and not (row.text.startswith("- ") and line.startswith("- "))  # else a dash the line broke before
    )
