"""A council's PDF published beside its meeting: as received when all of it is open, as a new PDF of
its open pages when a page is restricted, and not at all when the build cannot be sure which pages
those are. The PDFs are made here, with reportlab, in the layout of a Lancashire agenda pack."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from build import cli
from minutebook import pdfcopy, pdftext
from minutebook.checks import check_links
from minutebook.config import SiteConfig
from minutebook.downloads import Download, page_list
from minutebook.leaks import find_leaks, readable_text
from minutebook.model import LineRange
from minutebook.pipeline import BuildOptions, build

from .conftest import ROOT, BuiltSite, build_site

CANARY = "The district valuer set the value of the Mill Lane site at 4,217,993 pounds in May"
AGENDA = ["Lancashire County Council", "Cabinet Committee on Performance Improvement",
          "Tuesday, 26th February, 2019 at 2.30 pm in Committee Room B, County Hall, Preston",
          "Agenda", "No. Item", "1. Apologies for Absence",
          "2. Minutes of the Meeting held on 5th December 2018 (Pages 3 - 3)",
          "3. Sale of Land at Mill Lane (Pages 2 - 2)"]
RESTRICTED = ["Agenda Item 3", "(NOT FOR PUBLICATION: By virtue of paragraph(s) 3 of Part 1 of Schedule 12A "
              "of the Local Government Act 1972.)", "Document is Restricted", CANARY,
              *(f"Exempt paragraph {n} about the terms offered by the bidders for the site." for n in range(1, 13))]
MINUTES = ["Lancashire County Council", "Cabinet Committee on Performance Improvement",
           "Minutes of the Meeting held on Wednesday, 5th December, 2018 at 2.00 pm in Committee Room B, "
           "County Hall, Preston",
           "Present:", "County Councillor Geoff Driver CBE (Chair)",
           "1. Apologies for Absence", "There were no apologies.",
           "2. Quarterly Corporate Performance Monitoring Report",
           "Donna Talbot, Head of Service Business Intelligence, presented the report to the Committee.",
           "Resolved: That the reported performance for Quarter 2 be noted."]
OPEN_AGENDA = [*AGENDA[:-1], "3. Quarterly Corporate Performance Monitoring Report (Pages 4 - 9)",
               "4. Urgent Business",
               "An item of Urgent Business may only be considered under this heading where the Chair agrees.",
               "5. Date of Next Meeting",
               "The next meeting will be held at 2.00pm on Tuesday 23rd April 2019 in Committee Room B.",
               "6. Notice of Intention to Conduct Business in Private", "There is no business to be taken in private."]
"""An agenda with no Part II business."""
PACK = [AGENDA, RESTRICTED, MINUTES]
"""The agenda, the restricted page of its Part II item, then the last meeting's minutes for approval."""
DECEMBER = "/meetings/2018-12-05-cabinet-committee-on-performance-improvement/index.html"
FEBRUARY = "/meetings/2019-02-26-cabinet-committee-on-performance-improvement/index.html"


def make_pdf(pages: list[list[str]], *, link: str = "") -> bytes:
    """One printed line to each text line, a blank line between, "Page N" at the foot; ``link`` puts a
    link to that address over the first line."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    for number, lines in enumerate(pages, start=1):
        pdf.setFont("Helvetica", 9)
        for row, line in enumerate(lines):
            pdf.drawString(50, 790 - 28 * row, line)
        if link and number == 1:
            pdf.linkURL(link, (50, 785, 300, 800))
        pdf.drawString(280, 40, f"Page {number}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def built(tmp_path: Path, files: dict[str, bytes], *, config: SiteConfig | None = None) -> BuiltSite:
    content = tmp_path / "content"
    content.mkdir()
    for name, data in files.items():
        (content / name).write_bytes(data)
    if config:
        return BuiltSite(build(BuildOptions(content, tmp_path / "site", config=config)), tmp_path / "site")
    return build_site(content, tmp_path / "site")


def page_of(site: BuiltSite, url: str) -> str:
    return (site.out / url.lstrip("/")).read_text(encoding="utf-8")


def test_a_restricted_page_is_left_out_of_the_published_pdf(tmp_path: Path) -> None:
    site = built(tmp_path, {"pack.pdf": make_pdf(PACK)})
    assert site.result.published
    published = (site.out / "sources" / "pack.pdf").read_bytes()
    text = pdftext.extract(published)
    assert text.page_count == 2
    assert "Apologies for Absence" in "\n".join(text.lines)  # the agenda stays: its Part II entry is only a title
    assert CANARY.casefold() not in readable_text(site.out / "sources" / "pack.pdf")
    [note] = [p for p in site.result.problems if "exempt information on" in p.message]
    assert note.level == "note"
    assert str(note.source) == "pack.pdf:page 2"
    assert "page 2 of 3" in note.message


def test_a_scanned_page_after_a_restricted_page_is_left_out_with_it(tmp_path: Path) -> None:
    """An exempt report's appendix scanned as a picture has no text to withhold, but goes with the page before."""
    picture = Image.new("L", (850, 1100), 255)
    ImageDraw.Draw(picture).text((60, 60), "Bids received: Acme Homes, 4,217,993 pounds", fill=0)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    for lines in [AGENDA, RESTRICTED, None, MINUTES]:
        if lines is None:
            pdf.drawImage(ImageReader(picture), 0, 0, *A4)
        for row, line in enumerate(lines or []):
            pdf.setFont("Helvetica", 9)
            pdf.drawString(50, 790 - 28 * row, line)
        pdf.showPage()
    pdf.save()
    site = built(tmp_path, {"pack.pdf": out.getvalue()})
    [note] = [p for p in site.result.problems if "exempt information on" in p.message]
    assert "pages 2-3 of 4" in note.message
    published = pdftext.extract((site.out / "sources" / "pack.pdf").read_bytes())
    assert published.page_count == 2 and "Apologies for Absence" in "\n".join(published.lines)


def test_no_output_file_holds_the_canary(tmp_path: Path) -> None:
    site = built(tmp_path, {"pack.pdf": make_pdf(PACK)})
    files = sorted(p for p in site.out.rglob("*") if p.is_file())
    assert any(p.suffix == ".pdf" for p in files)
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), path
        assert CANARY.casefold() not in readable_text(path), path
    assert find_leaks(site.out, site.result.archive, tmp_path / "content") == []


def test_the_leak_check_reads_inside_a_published_pdf(tmp_path: Path) -> None:
    site = built(tmp_path, {"pack.pdf": make_pdf(PACK)})
    (site.out / "sources" / "pack.pdf").write_bytes(make_pdf(PACK))  # as if the whole pack went out
    leaks = find_leaks(site.out, site.result.archive, tmp_path / "content")
    assert [leak.file for leak in leaks if leak.text == CANARY.casefold()] == ["sources/pack.pdf"]


def test_items_link_to_their_page_in_the_published_pdf(tmp_path: Path) -> None:
    site = built(tmp_path, {"pack.pdf": make_pdf(PACK)})
    december = page_of(site, DECEMBER)  # its minutes are on page 3 of the pack: page 2 once page 2 is left out
    assert '<a class="govuk-link" href="/sources/pack.pdf#page=2">Page 2 of pack.pdf (PDF)</a>' in december
    assert "#page=3" not in december
    february = page_of(site, FEBRUARY)
    assert 'href="/sources/pack.pdf#page=1">Page 1 of pack.pdf (PDF)</a>' in february
    assert "(PDF, 2 pages," in february
    assert "page 2 of the original is not published" in february
    assert check_links(site.out) == []


def test_an_open_pdf_is_published_as_received(tmp_path: Path) -> None:
    pack = make_pdf([OPEN_AGENDA, MINUTES])
    site = built(tmp_path, {"pack.pdf": pack})
    assert (site.out / "sources" / "pack.pdf").read_bytes() == pack
    assert "The document as it was received." in page_of(site, FEBRUARY)
    assert 'href="/sources/pack.pdf#page=2">Page 2 of pack.pdf (PDF)</a>' in page_of(site, DECEMBER)
    assert not [p for p in site.result.problems if "PDF" in p.message]


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "pack.pdf").write_bytes(make_pdf(PACK))
    sites = []
    for seed in ("1", "2"):  # separate processes, differently seeded hashes: nothing may depend on either
        out = tmp_path / f"site{seed}"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out),
                        "--quiet"], check=True, cwd=tmp_path, env={**os.environ, "PYTHONHASHSEED": seed},
                       capture_output=True)
        sites.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert "sources/pack.pdf" in sites[0]
    assert sites[0] == sites[1]


def test_a_copy_that_still_holds_withheld_text_is_not_published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = pdfcopy._copy
    monkeypatch.setattr(pdfcopy, "_copy", lambda data, keep: copy(data, list(range(1, len(keep) + 1))))  # wrong pages
    site = built(tmp_path, {"pack.pdf": make_pdf(PACK)})
    assert site.result.published
    assert not (site.out / "sources" / "pack.pdf").exists()
    [warning] = [p for p in site.result.problems if "PDF not published" in p.message]
    assert warning.level == "warning" and warning.source.path == "pack.pdf"
    assert "withheld text could still be read" in warning.message
    assert "This PDF is not published" in page_of(site, FEBRUARY)
    assert "#page=" not in page_of(site, DECEMBER)
    assert find_leaks(site.out, site.result.archive, tmp_path / "content") == []


def test_strict_refuses_to_publish_without_a_pdf_it_could_not_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfcopy, "_copy", lambda data, keep: data)  # every page, the restricted one too
    content = tmp_path / "content"
    content.mkdir()
    (content / "pack.pdf").write_bytes(make_pdf(PACK))
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--out", str(tmp_path / "site"), "--strict"])
    assert result.exit_code != 0
    assert "pack.pdf: warning: PDF not published: it holds exempt information, and the copy of its open pages " \
           "has 3 pages, not 2" in result.output
    assert not (tmp_path / "site").exists()


def test_withheld_lines_the_text_does_not_have_cannot_be_placed(tmp_path: Path) -> None:
    text = pdftext.extract(make_pdf(PACK))
    with pytest.raises(pdfcopy.Unsafe, match="not in the text read from it"):
        pdfcopy.withheld_pages(text, [LineRange("pack.pdf", len(text.lines) + 1, len(text.lines) + 5)])


def test_the_copy_leaves_out_what_only_a_withheld_page_draws() -> None:
    """A producer may give every page one resource dictionary: a form only the restricted page draws
    must not go out with the open pages that share it, while the open pages keep what they draw."""
    drawn = "Only the restricted page draws this form: the second bid was 3,100,000 pounds"
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1, pageCompression=0)
    pdf.beginForm("secret")
    pdf.drawString(50, 300, drawn)
    pdf.endForm()
    for number, lines in enumerate(PACK, start=1):
        for row, line in enumerate(lines):
            pdf.drawString(50, 790 - 28 * row, line)
        if number == 1:
            pdf.drawImage(ImageReader(Image.new("RGB", (4, 4), "navy")), 400, 700, 40, 40)  # the council's logo
        if number == 2:
            pdf.doForm("secret")
        pdf.showPage()
    pdf.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    shared = DictionaryObject(writer.pages[1]["/Resources"])
    shared[NameObject("/XObject")] = DictionaryObject({**writer.pages[0]["/Resources"]["/XObject"],
                                                      **writer.pages[1]["/Resources"]["/XObject"]})
    reference = writer._add_object(shared)
    for page in writer.pages:
        page[NameObject("/Resources")] = reference
    mixed = io.BytesIO()
    writer.write(mixed)
    data = mixed.getvalue()
    assert all(len(page["/Resources"]["/XObject"]) == 2 for page in PdfReader(io.BytesIO(data)).pages)
    assert drawn.encode() in data
    text = pdftext.extract(data)
    restricted = [n for n, page in enumerate(text.pages, start=1) if page == 2]
    copy = pdfcopy.open_copy(data, text, [LineRange("pack.pdf", restricted[0], restricted[-1])])
    assert copy.withheld == (2,) and copy.pages == 2
    assert drawn.encode() not in copy.data and b"/FormXob.secret" not in copy.data and CANARY.encode() not in copy.data
    first, second = PdfReader(io.BytesIO(copy.data)).pages
    assert len(first["/Resources"]["/XObject"]) == 1 and len(second["/Resources"]["/XObject"]) == 0  # the logo only


def test_contact_details_in_a_pdf_are_offered_as_a_redacted_text_copy(tmp_path: Path) -> None:
    contact = "Contact: Jane Officer, 01772 536000, jane.officer@lancashire.gov.uk"
    site = built(tmp_path, {"pack.pdf": make_pdf([[*OPEN_AGENDA, contact], MINUTES])})
    assert not (site.out / "sources" / "pack.pdf").exists()
    copy = (site.out / "sources" / "pack.redacted.txt").read_text(encoding="utf-8")
    assert "Apologies for Absence" in copy and "jane.officer" not in copy and "536000" not in copy
    assert "personal contact details withheld: 1 email address and 1 phone number" in page_of(site, FEBRUARY)
    assert "#page=" not in page_of(site, DECEMBER)


def test_a_contact_link_the_page_does_not_print_is_found_too(tmp_path: Path) -> None:
    site = built(tmp_path, {"pack.pdf": make_pdf([OPEN_AGENDA, MINUTES], link="mailto:jane.officer@lancashire.gov.uk")})
    assert not (site.out / "sources" / "pack.pdf").exists()
    assert (site.out / "sources" / "pack.redacted.txt").exists()


def test_a_site_that_publishes_contact_details_offers_the_pdf_as_received(tmp_path: Path) -> None:
    pack = make_pdf([[*OPEN_AGENDA, "Contact: Jane Officer, jane.officer@lancashire.gov.uk"], MINUTES])
    site = built(tmp_path, {"pack.pdf": pack}, config=SiteConfig(publish_contact_details=True))
    assert (site.out / "sources" / "pack.pdf").read_bytes() == pack


def test_pages_are_numbered_as_in_the_published_copy() -> None:
    download = Download("pack.pdf", "/sources/pack.pdf", 1000, "PDF", True, pages=5, pages_withheld=(2, 5, 6))
    assert [download.page(n) for n in range(10)] == [0, 1, 0, 2, 3, 0, 0, 4, 5, 0]
    assert download.withheld_pages_text == "pages 2 and 5-6"
    assert page_list([14, 15, 16]) == "pages 14-16" and page_list([3]) == "page 3"
    assert page_list([3, 14, 15, 16, 20]) == "pages 3, 14-16 and 20"
    assert Download("a.txt", "/sources/a.txt", 10, "Plain text", False).page(1) == 0
