"""A PDF to publish without its withheld pages: which pages those are, a copy of the others, and a check of it.

Text cannot be cut out of a PDF page for certain (the glyphs, the fonts' maps and hidden layers stay
behind), so a page that holds any withheld line is left out whole; only a blank line, an item's heading
(its title is on the meeting page: an agenda lists its Part II items) or its "Agenda Item N" stamp
leaves a page open. The copy takes only what the open
pages draw: their content and the resources it names, and none of the rest of the file (links,
bookmarks, forms, attachments, metadata, resources only other pages use), since any of those may
point at, or hold, what was left out. Then the copy is read back as the reader reads a PDF, and it is
offered only if it has the pages it should and none of the withheld lines can be found in it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, NameObject, PdfObject, StreamObject

from . import pdftext
from .model import END_OF_FILE, LineRange
from .pdftext import PdfText

_PAGE_KEYS = frozenset({"/Type", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate", "/UserUnit",
                        "/Resources", "/Contents", "/Group"})
"""What a page keeps in the copy: its boxes, what it draws and how. Links, actions, thumbnails, metadata and
structure go."""
_NEVER_COPIED = ("/Annots", "/AA", "/A", "/Dest", "/P", "/Metadata", "/PieceInfo", "/StructParents", "/StructParent")
"""Left out at any depth: each can point at another page, or carry text of its own."""
_NAMED = ("/Font", "/XObject", "/ExtGState", "/Pattern", "/Shading", "/ColorSpace", "/Properties")
"""Resources that content names (``/Im3 Do``, ``/GS1 gs``): only those a copy's page names are kept."""
_HEADING_DRESS = re.compile(r"^(?:[-•*]\s+)+|[\s*]*(?:\(pages?\s+[\d\s\-–]+\))?[\s*]*$")
"""What an agenda prints around an item's number and title: a bullet, "(Pages 37 - 46)", the asterisks
that mark a late report."""


class Unsafe(Exception):
    """The open pages cannot be told apart from the withheld ones for certain; the message says why."""


@dataclass(frozen=True)
class OpenCopy:
    data: bytes
    withheld: tuple[int, ...]
    """Pages of the document as received that are left out (1-based, ascending)."""
    pages: int
    """Pages in the copy."""


def headings(items: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The ways a pack prints items' headings, from their (number, title): "4. Title", "Title", "Agenda Item 4"."""
    forms: set[str] = set()
    for number, title in items:
        plain, numbered = _plain(title), _plain(number)
        forms.update([plain] if plain else [])
        forms.update([f"agenda item {numbered}", *(f"{numbered}{gap} {plain}" for gap in (".", "", ")") if plain)]
                     if numbered else [])
    return frozenset(forms)


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def withheld_pages(text: PdfText, ranges: Iterable[LineRange], printed: frozenset[str] = frozenset()) -> tuple[int, ...]:
    """The pages holding any of the lines in ``ranges`` (numbered as ``text.lines``, from 1), the pages
    between, and a page that prints no text (a scanned appendix) after a withheld page.

    A blank line holds nothing to withhold (and the reader gives the blank between two pages the
    earlier page), and a line that is only an item's heading in ``printed`` (see headings) is on the
    meeting page anyway: neither places a page. A range that is not in the text raises Unsafe: its
    lines were numbered by some other reading of the file, so where they are printed is unknown.
    """
    if len(text.pages) != len(text.lines) or any(not 1 <= page <= text.page_count for page in text.pages):
        raise Unsafe("the page each line is printed on could not be worked out")
    pages: set[int] = set()
    for span in ranges:
        last = len(text.lines) if span.last == END_OF_FILE else span.last
        if not 1 <= span.first <= last <= len(text.lines):
            raise Unsafe(f"its withheld lines {span.first}-{span.last} are not in the text read from it "
                         f"({len(text.lines)} lines)")
        placed = [text.pages[n - 1] for n in range(span.first, last + 1)
                  if text.lines[n - 1].strip() and _HEADING_DRESS.sub("", _plain(text.lines[n - 1])) not in printed]
        pages.update(range(min(placed), max(placed) + 1) if placed else ())  # and every page between
    printing = {page for page, line in zip(text.pages, text.lines, strict=True) if line.strip()}
    for page in range(2, text.page_count + 1):
        if page not in printing and page - 1 in pages:  # a picture or a scan after a withheld page: withheld with it
            pages.add(page)
    return tuple(sorted(pages))


def open_copy(data: bytes, text: PdfText, ranges: Sequence[LineRange], printed: frozenset[str] = frozenset()) -> OpenCopy:
    """A new PDF of the pages holding none of the withheld lines, checked; raises Unsafe if it cannot be
    made or does not pass. ``text`` is the reader's extraction of ``data``; ``printed`` as for withheld_pages."""
    withheld = withheld_pages(text, ranges, printed)
    keep = [page for page in range(1, text.page_count + 1) if page not in withheld]
    if not keep:
        raise Unsafe("every page holds exempt information")
    try:
        copy = _copy(data, keep)
    except Unsafe:
        raise
    except Exception:  # pypdf's errors have no common base: any of them means the pages could not be copied
        raise Unsafe("its pages could not be copied (the PDF may be damaged)") from None
    _check(copy, len(keep), text, ranges, withheld)
    return OpenCopy(copy, withheld, len(keep))


def _copy(data: bytes, keep: list[int]) -> bytes:
    """The pages ``keep`` as a new PDF. pypdf writes the same bytes for the same input: no date, no file ID."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise Unsafe("it is encrypted, so its pages cannot be copied")
    writer = PdfWriter()
    for number in keep:
        page = reader.pages[number - 1]
        resources = _get(page, "/Resources")
        if isinstance(resources, DictionaryObject):
            page[NameObject("/Resources")] = _drawn(resources, page.get_contents(), reader, set())
        writer.add_page(page, excluded_keys=[*(key for key in page if key not in _PAGE_KEYS), *_NEVER_COPIED])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _drawn(resources: DictionaryObject, content: PdfObject | None, reader: PdfReader, seen: set[int]) -> DictionaryObject:
    """A copy of ``resources`` holding only what ``content`` names; forms and patterns kept are pruned the
    same way, by their own content. A form with no resources of its own uses these: its names count too."""
    names = _names(content, reader)
    for category in _NAMED:
        entries = _get(resources, category)
        if not isinstance(entries, DictionaryObject):
            continue
        for key in entries:
            inner = _drawing(entries[key])
            if key in names and inner is not None and "/Resources" not in inner:
                names |= _names(inner, reader)
    pruned = DictionaryObject()
    for key, value in resources.items():
        entries = value.get_object()
        if key not in _NAMED or not isinstance(entries, DictionaryObject):
            pruned[NameObject(key)] = value
            continue
        kept = DictionaryObject({NameObject(name): entries.raw_get(name) for name in entries if name in names})
        for name in kept:
            inner = _drawing(kept[name])
            own = _get(inner, "/Resources") if inner is not None and id(inner) not in seen else None
            if inner is not None and isinstance(own, DictionaryObject):
                seen.add(id(inner))
                inner[NameObject("/Resources")] = _drawn(own, inner, reader, seen)
        pruned[NameObject(key)] = kept
    return pruned


def _drawing(resource: PdfObject) -> StreamObject | None:
    """A form or a tiling pattern: a resource with content of its own (an image's stream is not content)."""
    inner = resource.get_object()
    if not isinstance(inner, StreamObject):
        return None
    return inner if str(_get(inner, "/Subtype")) == "/Form" or str(_get(inner, "/PatternType")) == "1" else None


def _get(dictionary: DictionaryObject, key: str) -> PdfObject | None:
    """``dictionary[key]`` with a reference followed; None if it is not there (pypdf's ``get`` gives references)."""
    value = dictionary.get(key)
    return None if value is None else value.get_object()


def _names(content: PdfObject | None, reader: PdfReader) -> set[str]:
    """Every name a content stream gives an operator (``/F1 12 Tf``, ``/Im3 Do``, ``/P1 scn``)."""
    if content is None:
        return set()
    stream = content if isinstance(content, ContentStream) else ContentStream(content, reader)
    names: set[str] = set()
    for operands, _ in stream.operations:
        names.update(str(operand) for operand in operands if isinstance(operand, NameObject))
    return names


def _check(copy: bytes, pages: int, text: PdfText, ranges: Sequence[LineRange], withheld: tuple[int, ...]) -> None:
    """The copy has ``pages`` pages and none of the withheld lines: those that the open pages do not
    print too (an exempt item's title is on the agenda) cannot be found in its text."""
    try:
        found = pdftext.extract(copy)
    except pdftext.PdfError as error:
        raise Unsafe(f"its open pages could not be read back to check them: the copy {error}") from None
    if found.page_count != pages:
        raise Unsafe(f"the copy of its open pages has {found.page_count} pages, not {pages}")
    open_text = _joined(line for line, page in zip(text.lines, text.pages, strict=True) if page not in withheld)
    copy_text = _joined(found.lines)
    for span in ranges:
        last = len(text.lines) if span.last == END_OF_FILE else span.last
        for line in text.lines[span.first - 1:last]:
            words = _joined([line])
            if words and words not in open_text and words in copy_text:
                raise Unsafe("withheld text could still be read in the copy of its open pages")


def _joined(lines: Iterable[str]) -> str:
    """Lines as one searchable text: spacing collapsed, case folded."""
    return "\n".join(" ".join(line.split()).casefold() for line in lines)


def unprinted(data: bytes) -> list[str] | None:
    """What a PDF holds beside the text it prints, where a contact detail may hide: link targets,
    comments and the document's information (title, author ...). None if pypdf cannot read it."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return None
        found = [str(value) for value in (reader.metadata or {}).values()]
        for page in reader.pages:
            annotations = _get(page, "/Annots")
            for annotation in annotations if isinstance(annotations, ArrayObject) else ():
                note = annotation.get_object()
                action = _get(note, "/A") if isinstance(note, DictionaryObject) else None
                uri = _get(action, "/URI") if isinstance(action, DictionaryObject) else None
                words = _get(note, "/Contents") if isinstance(note, DictionaryObject) else None
                found.extend(str(value) for value in (uri, words) if value is not None)
        return found
    except Exception:  # pypdf's errors have no common base: whatever it is, the file was not read
        return None


def page_count(data: bytes) -> int:
    """The pages of a PDF; 0 if pypdf cannot tell."""
    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # pypdf's errors have no common base
        return 0
