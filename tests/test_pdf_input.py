"""PDFs in, as committee systems print them: the seeds' text laid out as council PDFs at test time
(running header, "Page N" footer, wrapped and hyphenated paragraphs, two-column attendance, ruled
tables, reports stamped "Agenda Item N", restricted pages), built for real, and read back to the
same meetings, people, items and exempt flags as the text. Unreadable PDFs are reported in one line
and the rest of the archive is still published."""

from __future__ import annotations

import gc
import importlib.util
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import registerFont, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from build import cli
from minutebook import parsecache, pdftext
from minutebook.layout import clean_lines
from minutebook.model import Archive
from minutebook.pipeline import BuildOptions, build
from minutebook.sources import read_source, read_sources

from .conftest import CONTENT, ROOT, BuiltSite

PACK = "004_58e9679888508d11"
CANARY = "CANARY-7f3a9c-waste-contract-figures"
UNSEEN = ROOT / "tests" / "fixtures" / "unseen"
TEXT_OUTPUTS = (".html", ".json", ".xml", ".ics", ".txt", ".atom", ".js", ".csv")


# --- council PDFs from text -------------------------------------------------------------------

WIDTH, HEIGHT = A4
LEFT, RIGHT, TOP, BOTTOM = 62.0, WIDTH - 62.0, HEIGHT - 78.0, 70.0
_STAMP = re.compile(r"^agenda item \d+[a-z]?$", re.IGNORECASE)
_HEADING = re.compile(r"^(?:- )?\d{1,3}(?:[./]\d{1,3})*[.)]?\s+\S")


def _fonts() -> tuple[str, str]:
    """DejaVu where Debian has it, else reportlab's own Vera (the same letters, fewer of them)."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    regular, bold = dejavu / "DejaVuSans.ttf", dejavu / "DejaVuSans-Bold.ttf"
    if not regular.is_file():
        import reportlab

        regular, bold = (Path(reportlab.__file__).parent / "fonts" / name for name in ("Vera.ttf", "VeraBd.ttf"))
    registerFont(TTFont("Body", str(regular)))
    registerFont(TTFont("Body-Bold", str(bold)))
    return "Body", "Body-Bold"


@dataclass
class Layout:
    header: str = ""
    footer: str = "Page {n}"
    canary: str = ""
    """Printed on the first restricted page, under "Document is Restricted"."""
    password: str = ""
    owner_only: bool = False
    """Encrypted with an owner password only: anyone may open it (printing and copying restricted)."""
    restricted: list[int] = field(default_factory=list)
    """Filled in: the pages that say "Document is Restricted"."""


class _Writer:
    """Lays text out on A4 pages the way a committee system does."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.regular, self.bold = _fonts()
        self.buffer = io.BytesIO()
        encrypt = None
        if layout.password or layout.owner_only:
            encrypt = StandardEncryption(layout.password, ownerPassword="owner-secret", canCopy=0, strength=128)
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=1, encrypt=encrypt)
        self.page, self.stamp, self.y, self.fresh = 0, "", TOP, True
        self._open_page()

    def _open_page(self) -> None:
        self.page += 1
        c = self.canvas
        c.setFont(self.regular, 8)
        if self.layout.header:
            c.drawString(LEFT, HEIGHT - 40, self.layout.header)
        c.drawCentredString(WIDTH / 2, 36, self.layout.footer.format(n=self.page))
        if self.stamp:
            self._stamp()
        self.y, self.fresh = TOP, True

    def _stamp(self) -> None:
        self.canvas.setFont(self.bold, 11)
        self.canvas.drawRightString(RIGHT, HEIGHT - 56, self.stamp)

    def new_page(self) -> None:
        self.canvas.showPage()
        self._open_page()

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def wrap(self, text: str, font: str, size: float, width: float, *, hyphenate: bool = True) -> list[str]:
        """Greedy line breaks; a long lower-case word that would not fit is hyphenated, as Word does."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            trial = f"{current} {word}" if current else word
            if stringWidth(trial, font, size) <= width:
                current = trial
                continue
            cut = next((n for n in range(len(word) - 4, 4, -1)
                        if hyphenate and len(word) >= 10 and re.fullmatch(r"[a-z]+[,.;]?", word)
                        and stringWidth(f"{current} {word[:n]}-", font, size) <= width), 0)
            if cut:
                lines.append(f"{current} {word[:cut]}-".strip())
                current = word[cut:]
            else:
                lines.extend([current] if current else [])
                current = word
        return [*lines, current] if current else lines or [""]

    def paragraph(self, text: str, *, bold: bool = False, size: float = 10.0) -> None:
        font = self.bold if bold else self.regular
        for line in self.wrap(text, font, size, RIGHT - LEFT):
            self.need(size * 1.25)
            self.canvas.setFont(font, size)
            self.canvas.drawString(LEFT, self.y - size, line)
            self.y -= size * 1.25
            self.fresh = False

    def space(self) -> None:
        if not self.fresh:
            self.y -= 7

    def columns(self, rows: list[list[str]]) -> None:
        """Names in columns, no rules: an attendance list."""
        step = (RIGHT - LEFT) / max(len(row) for row in rows)
        for row in rows:
            self.need(13)
            self.canvas.setFont(self.regular, 10)
            for index, cell in enumerate(row):
                self.canvas.drawString(LEFT + 18 + index * step, self.y - 10, cell)
            self.y -= 13
            self.fresh = False

    def table(self, rows: list[list[str]]) -> None:
        """A ruled table; cells wrap, and a row too tall for the page goes on over the next."""
        count = max(len(row) for row in rows)
        rows = [row + [""] * (count - len(row)) for row in rows]
        weights = [max(6.0, max(len(row[i]) for row in rows) ** 0.5) for i in range(count)]
        widths = [(RIGHT - LEFT) * w / sum(weights) for w in weights]
        size, pad, leading = 7.0, 3.0, 8.4
        for number, row in enumerate(rows):
            font = self.bold if number == 0 else self.regular
            cells = [self.wrap(cell, font, size, width - 2 * pad, hyphenate=False) if cell else []
                     for cell, width in zip(row, widths, strict=True)]
            done = [0] * count
            while True:
                self.need(leading + 2 * pad)
                take = max(1, min(max(len(lines) - d for lines, d in zip(cells, done, strict=True)),
                                  int((self.y - BOTTOM - 2 * pad) // leading)))
                top, x = self.y, LEFT
                self.canvas.setFont(font, size)
                for index, lines in enumerate(cells):
                    for k, text in enumerate(lines[done[index] : done[index] + take]):
                        self.canvas.drawString(x + pad, top - pad - size - k * leading, text)
                    done[index] += take
                    x += widths[index]
                bottom = top - take * leading - 2 * pad
                self.canvas.setLineWidth(0.5)
                self.canvas.line(LEFT, top, RIGHT, top)
                self.canvas.line(LEFT, bottom, RIGHT, bottom)
                x = LEFT
                for width in [0.0, *widths]:
                    x += width
                    self.canvas.line(x, top, x, bottom)
                self.y, self.fresh = bottom, False
                if all(d >= len(lines) for d, lines in zip(done, cells, strict=True)):
                    break
                self.new_page()
        self.y -= 6

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def text_to_pdf(text: str, layout: Layout | None = None) -> bytes:
    """The PDF a committee system would print from this text: each paper of a pack and each report
    on a new page, "Agenda Item N" stamped on every page of its report, tab-separated lines as a
    two-column list or a ruled table, numbered items and short lines as bold headings."""
    layout = layout or Layout()
    writer = _Writer(layout)
    lines = text.split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if "\t" in lines[index]:
            block = []
            while index < len(lines) and "\t" in lines[index]:
                block.append(lines[index].rstrip().split("\t"))
                index += 1
            names = all(len(cell) < 40 for row in block for cell in row) and max(map(len, block)) <= 3
            (writer.columns if names else writer.table)(block)
            continue
        index += 1
        if not stripped:
            writer.space()
        elif _STAMP.match(stripped):
            writer.stamp = stripped
            if writer.fresh:
                writer._stamp()
            else:
                writer.new_page()
        else:
            if (stripped == first or stripped.lower().startswith("(not for publication")) and not writer.fresh:
                writer.stamp = "" if stripped == first else writer.stamp
                writer.new_page()
            if stripped.lower() == "document is restricted":
                layout.restricted.append(writer.page)
                writer.paragraph(stripped, bold=True, size=14)
                if layout.canary and len(layout.restricted) == 1:
                    writer.space()
                    writer.paragraph(f"{layout.canary} the contract value is secret.")
                continue
            heading = bool(_HEADING.match(stripped)) and len(stripped) < 160
            writer.paragraph(stripped, bold=heading or (len(stripped) < 70 and not stripped.endswith((".", ","))))
    return writer.finish()


def scanned_pdf() -> bytes:
    """A page that is only a picture of text: what a scanner gives before OCR."""
    image = Image.new("L", (850, 1100), 255)
    draw = ImageDraw.Draw(image)
    for n in range(30):
        draw.text((60, 60 + n * 32), f"Minutes of the meeting held on 5 June 2024, line {n}", fill=0)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.drawImage(ImageReader(image), 0, 0, WIDTH, HEIGHT)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def long_pdf(pages: int) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for n in range(pages):
        canvas.drawString(LEFT, TOP, f"Appendix C: planning applications received, sheet {n + 1} of {pages}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- helpers --------------------------------------------------------------------------------


def seed_pdfs() -> dict[str, bytes]:
    """The five seeds as PDFs; the pack's first restricted page carries the canary."""
    pdfs = {}
    for path in sorted(CONTENT.iterdir()):
        layout = Layout(header="Cabinet Committee on Performance Improvement", canary=CANARY)
        pdfs[f"{path.stem}.pdf"] = text_to_pdf(path.read_text(encoding="utf-8"), layout)
    return pdfs


def facts(meetings: list[dict[str, Any]]) -> dict[tuple[str, str | None, tuple[str, ...]], dict[str, Any]]:
    """What a reader takes from each meeting, keyed by source (without its extension), date and papers."""
    return {
        (Path(m["sources"][0]).stem, m["date"], tuple(m["kind"])): {
            "committee": m["committee"], "body": m["body"], "chair": m["chair"], "present": m["present"],
            "apologies": m["apologies"], "officers": m["officers"], "start_time": m["start_time"],
            "venue": m["venue"], "items": [(i["number"], i["title"], i["exempt"]) for i in m["items"]],
        }
        for m in meetings
    }


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def pdf_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The seeds' archive built from PDFs of them, once."""
    content = tmp_path_factory.mktemp("pdf") / "content"
    content.mkdir()
    for name, data in seed_pdfs().items():
        (content / name).write_bytes(data)
    out = content.parent / "site"
    return BuiltSite(build(BuildOptions(content=content, out=out)), out)


# --- reading the seeds from PDF ----------------------------------------------------------------


def test_the_pdfs_give_the_same_meetings_people_items_and_exempt_flags_as_the_text(
    pdf_site: BuiltSite, seed_site: BuiltSite
) -> None:
    assert pdf_site.result.published
    assert facts(pdf_site.data("meetings")) == facts(seed_site.data("meetings"))
    assert [p["name"] for p in pdf_site.data("people")] == [p["name"] for p in seed_site.data("people")]


def test_the_exempt_canary_reaches_no_output(pdf_site: BuiltSite) -> None:
    pack = pdf_site.meeting_on("2019-02-26")
    assert [item["exempt"] for item in pack["items"] if item["number"] == "10"] == [True]
    checked = [p for p in pdf_site.out.rglob("*") if p.suffix in TEXT_OUTPUTS]
    assert len(checked) > 50
    leaked = [str(p) for p in checked if CANARY.encode() in p.read_bytes()]
    assert not leaked
    assert (pdf_site.out / f"sources/{PACK}.redacted.txt").is_file()  # until the PDF itself is offered


def test_withheld_lines_map_to_the_restricted_pages(pdf_site: BuiltSite) -> None:
    """What the publishing side needs: the exempt item's withheld lines, through the extracted
    text's pages, are the restricted pages, canary and all."""
    layout = Layout(header="Cabinet Committee on Performance Improvement", canary=CANARY)
    data = text_to_pdf((CONTENT / f"{PACK}.txt").read_text(encoding="utf-8"), layout)
    text = pdftext.extract(data)
    archive: Archive = pdf_site.result.archive
    withheld = [span for m in archive.meetings for item in m.items for span in item.withheld
                if span.path == f"{PACK}.pdf"]
    assert withheld
    pages = {text.pages[n - 1] for span in withheld for n in range(span.first, min(span.last, len(text.lines)) + 1)}
    heading = next(n for n, line in enumerate(text.lines, start=1) if line.startswith("- 10. Update report"))
    assert pages == {text.pages[heading - 1], *layout.restricted}  # the item's lines in the agenda, as for text
    canary_line = next(n for n, line in enumerate(text.lines, start=1) if CANARY in line)
    assert any(span.first <= canary_line <= span.last for span in withheld)
    assert text.page_count == 32 and text.pages[canary_line - 1] == layout.restricted[0]


def test_every_item_and_problem_knows_its_page(pdf_site: BuiltSite) -> None:
    archive: Archive = pdf_site.result.archive
    december = next(m for m in archive.meetings if str(m.date) == "2018-12-05")
    first = december.items[0]
    assert (first.source.path, first.source.page) == (f"{PACK}.pdf", 3)
    assert all(item.source.page > 0 for m in archive.meetings for item in m.items)
    undated = [str(p) for p in pdf_site.result.warnings if "no meeting date found" in p.message]
    assert undated == ["002_ea2e453e723765dc.pdf:page 1: warning: no meeting date found: published under "
                       "Undated; add front matter with 'date: YYYY-MM-DD'"]


def test_layout_is_read_back_as_the_readers_know_it() -> None:
    pack = (CONTENT / f"{PACK}.txt").read_text(encoding="utf-8")
    text = pdftext.extract(text_to_pdf(pack, Layout(header="Cabinet Committee on Performance Improvement")))
    lines = list(text.lines)
    # two-column attendance, row by row, as in the seeds' pack
    start = lines.index("A Atkinson\tMrs S Charles")
    assert lines[start : start + 5] == ["A Atkinson\tMrs S Charles", "M Green\tG Gooch", "C Crompton\tK Iddon",
                                        "H Khan\tS Turner", "P Buckley"]
    # a ruled table's row, its wrapped cells joined, one tab between cells
    assert ("Rate per 100,000 local youth of first time entrants to youth justice system\tL\t"
            "180 (Apr 17 - Mar 18)\t200 (Jul 17 - June 18)\t262 (Apr 17 - Mar 18)") in lines
    # a wrapped numbered heading on one line, page furniture gone, the report's stamp kept once
    assert "4. Quarterly Corporate Performance Monitoring Report – Quarter 3 2018/19 (Pages 9 - 18)" in lines
    assert not [line for line in lines if re.fullmatch(r"Page \d+", line)]
    assert lines.count("Agenda Item 10") == 1
    heading = "Cabinet Committee on Performance Improvement"  # the running header too, on every page
    assert lines.count(heading) == pack.split("\n").count(heading) == 4  # the papers' own headings only
    # a hyphenated line break is left for the layout clean-up, which joins it
    broken = next(n for n, line in enumerate(lines) if re.search(r"[a-z]-$", line) and lines[n + 1][:1].islower())
    word = lines[broken].rsplit(" ", 1)[-1][:-1] + lines[broken + 1].split(" ", 1)[0]
    cleaned = " ".join(line.text for line in clean_lines(text.lines, tuple(range(1, len(lines) + 1))))
    assert f" {word}" in cleaned and f"{word[:4]}- " not in cleaned


def test_other_page_furniture_is_dropped() -> None:
    minutes = (CONTENT / "001_c088a57cab7b8c93.txt").read_text(encoding="utf-8")
    text = pdftext.extract(text_to_pdf(minutes, Layout(header="Minutes: 27 February 2018", footer="- {n} -")))
    assert text.page_count >= 4
    assert not [line for line in text.lines if line.startswith("Minutes: 27 February") or re.fullmatch(r"- \d+ -", line)]
    assert set(text.pages) == set(range(1, text.page_count + 1))


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_landscape_page_is_read_the_way_it_is_shown(rotation: int) -> None:
    """A wide table printed on a page turned by /Rotate: its lines read across, as a reader sees them."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setPageRotation(rotation)
    shown = (HEIGHT, WIDTH) if rotation in (90, 270) else (WIDTH, HEIGHT)
    canvas.transform(*{90: (0, 1, -1, 0, WIDTH, 0), 180: (-1, 0, 0, -1, WIDTH, HEIGHT), 270: (0, -1, 1, 0, 0, HEIGHT)}[rotation])
    rows = ["Key to Scores", "Impact\tRare\tLikely\tCertain", "Major\t4\t16\t20", "Minor\t2\t8\t10"]
    for n, row in enumerate(rows):
        for k, cell in enumerate(row.split("\t")):
            canvas.drawString(60 + 150 * k, shown[1] - 80 - 14 * n, cell)
    canvas.drawCentredString(shown[0] / 2, 30, "Page 7")
    canvas.showPage()
    canvas.save()
    assert pdftext.extract(buffer.getvalue()).lines == tuple(rows)


def test_a_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    data = text_to_pdf((CONTENT / "000_70d8d57eafc0b373.txt").read_text(encoding="utf-8"), Layout(owner_only=True))
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    doc, problems = read_source(path, path.name)
    assert not problems
    assert "Minutes of the Meeting held on Tuesday, 27th June, 2017" in " ".join(doc.lines)  # type: ignore[union-attr]


def test_a_reading_worker_clears_the_cycles_a_pdf_leaves(tmp_path: Path) -> None:
    """Reading workers run without Python's own collections (they walked the readers' caches again and
    again): each document's cycles are collected as soon as it is read. Reading a PDF makes some."""
    path = tmp_path / "minutes.pdf"
    path.write_bytes(text_to_pdf((CONTENT / "000_70d8d57eafc0b373.txt").read_text(encoding="utf-8")))
    job = (path, path.name, False, parsecache.MAX_BYTES)
    collecting = gc.isenabled()
    gc.disable()  # as in a worker
    try:
        gc.collect()
        parsecache._read_one(*job)
        assert gc.collect() > 0  # the PDF's reading left cycles behind ...
        parsecache._read_job(job)
        assert gc.collect() == 0  # ... which the worker's job has collected already
    finally:
        if collecting:
            gc.enable()


# --- PDFs that cannot be read ---------------------------------------------------------------------

UNREADABLE = {
    "scan.pdf": (scanned_pdf, "scan.pdf: warning: has no text layer (a scan?): run OCR on it first, e.g. ocrmypdf, "
                              "and add the result"),
    "locked.pdf": (lambda: text_to_pdf("Minutes\n\nSecret", Layout(password="letmein")),
                   "locked.pdf: warning: is encrypted (password-protected): save a copy without the password"),
    "bogus.pdf": (lambda: b"%PDF-1.7\n", "bogus.pdf: warning: is damaged or not a PDF: export it again"),
    "truncated.pdf": (lambda: seed_pdfs()[f"{PACK}.pdf"][:3000], "truncated.pdf: warning: is damaged or not a PDF"),
    "huge.pdf": (lambda: long_pdf(pdftext.MAX_PAGES + 1),
                 "huge.pdf: warning: has 501 pages, over the 500-page limit for one PDF: split it"),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_an_unreadable_pdf_is_one_line_and_the_rest_is_published(tmp_path: Path, make_content, name: str) -> None:  # type: ignore[no-untyped-def]
    make, message = UNREADABLE[name]
    content = make_content({name: make()}, with_seeds=True)
    code, output = run("build", "--content", str(content), "--out", str(tmp_path / "site"))
    assert code == 0, output
    assert message in output
    assert len([line for line in output.splitlines() if f"{name}: warning:" in line]) == 1
    assert f"{name}: NOT PUBLISHED" in output
    meetings = json.loads((tmp_path / "site/data/meetings.json").read_text())
    assert len(meetings) == 6 and not any(name in m["sources"] for m in meetings)
    assert not list((tmp_path / "site").rglob(name))


def test_a_pdf_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    data = long_pdf(40)
    (tmp_path / "pack.pdf").write_bytes(data)
    limit = len(data) // 5 - 1  # a PDF may be five times the text limit
    sources = read_sources(tmp_path, max_bytes=limit)
    assert not sources.documents
    assert [(p.level, p.message.split(";")[0]) for p in sources.problems] == [
        ("warning", f"file is {len(data) / 1024:.1f} KB, over the {limit * 5 / 1024:.1f} KB limit for one PDF")]
    assert len(read_sources(tmp_path, max_bytes=len(data) // 5 + 1).documents) == 1


# --- adding a PDF, the build cache ----------------------------------------------------------------


def test_add_takes_a_pdf_like_any_document(tmp_path: Path) -> None:
    incoming = tmp_path / "Downloads" / "Printed minutes.pdf"
    incoming.parent.mkdir()
    incoming.write_bytes(seed_pdfs()["000_70d8d57eafc0b373.pdf"])
    content = tmp_path / "content"
    code, output = run("add", str(incoming), "--content", str(content))
    assert code == 0, output
    name = "2017-06-27-cabinet-committee-on-performance-improvement-minutes.pdf"
    assert (content / name).read_bytes() == incoming.read_bytes()
    assert f"Added: {incoming} as {content}/{name}" in output
    assert "Items (" in output and "Present (" in output


def test_the_build_cache_keeps_pages(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / f"{PACK}.pdf").write_bytes(seed_pdfs()[f"{PACK}.pdf"])
    cache = tmp_path / "cache"
    first = build(BuildOptions(content=content, out=tmp_path / "a", cache=cache))
    assert (cache / "parsed.pickle").is_file()
    second = build(BuildOptions(content=content, out=tmp_path / "b", cache=cache))
    pages = [[(item.source.line, item.source.page) for item in m.items] for m in second.archive.meetings]
    assert pages == [[(item.source.line, item.source.page) for item in m.items] for m in first.archive.meetings]
    assert all(page > 0 for meeting in pages for _, page in meeting)


# --- other councils' layouts, as PDFs ----------------------------------------------------------


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("score_fields", ROOT / "bench" / "score_fields.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_fields", module)
    spec.loader.exec_module(module)
    return module


def _built_meetings(content: Path, out: Path) -> list[dict[str, Any]]:
    cmd = [sys.executable, "build.py", "build", "--content", str(content), "--out", str(out), "--quiet"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    meetings: list[dict[str, Any]] = json.loads((out / "data" / "meetings.json").read_text(encoding="utf-8"))
    return meetings


def test_unseen_layouts_score_as_well_from_pdf_as_from_text(tmp_path: Path) -> None:
    """Each of the other councils' documents printed as a PDF (its first line as the running header,
    as council PDFs do): the field score is within 0.03 of the text's. Front matter has no place in
    a PDF, so a Markdown page's front matter is not printed."""
    sf = _scorer()
    content = tmp_path / "content"
    content.mkdir()
    for path in sorted((UNSEEN / "content").iterdir()):
        read, _ = read_source(path, path.name)
        text = "\n".join(read.lines) if path.suffix != ".txt" else path.read_text(encoding="utf-8")  # type: ignore[union-attr]
        header = next(line for line in text.split("\n") if line.strip()).strip()
        (content / f"{path.stem}.pdf").write_bytes(text_to_pdf(text, Layout(header=header)))
    expected = json.loads((UNSEEN / "expected.json").read_text(encoding="utf-8"))
    as_text = sf.score(expected, _built_meetings(UNSEEN / "content", tmp_path / "text-site"))
    as_pdf = sf.score([dict(r, source=f"{Path(r['source']).stem}.pdf") for r in expected],
                      _built_meetings(content, tmp_path / "pdf-site"))
    print(f"unseen layouts, micro F1: text {as_text.micro_f1:.4f}, PDF {as_pdf.micro_f1:.4f}")
    print(as_pdf.report(verbose=True))
    assert as_pdf.micro_f1 >= as_text.micro_f1 - 0.03


def test_the_generated_pdfs_are_byte_identical_each_time() -> None:
    text = (CONTENT / "003_00d6487a98f72f3b.txt").read_text(encoding="utf-8")
    assert text_to_pdf(text) == text_to_pdf(text)


def test_text_to_pdf_prints_every_word() -> None:
    """The generator itself: every long word of the text is printed, so a difference is the reader's."""
    for path in sorted(CONTENT.iterdir()):
        text = path.read_text(encoding="utf-8")
        printed = re.sub(r"-\n", "", "\n".join(pdftext.extract(text_to_pdf(text)).lines)).lower()
        assert not [word for word in set(re.findall(r"[A-Za-z]{12,}", text)) if word.lower() not in printed]
