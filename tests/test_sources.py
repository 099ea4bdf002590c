"""A clerk drops council documents into content/; every one is read as text lines or explained."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from minutebook.model import Problem, SourceSpan
from minutebook.sources import Skipped, SourceDocument, html_to_lines, read_source, read_sources

SEEDS = Path(__file__).resolve().parents[1] / "content"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def read_one(folder: Path, name: str, content: str | bytes) -> tuple[SourceDocument | Skipped, list[Problem]]:
    """Read a content dir holding just this one file."""
    write(folder, name, content)
    sources = read_sources(folder)
    assert len(sources.documents) + len(sources.skipped) == 1
    return (sources.documents or sources.skipped)[0], list(sources.problems)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing needle: where a text line should point."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


def numbered(doc: SourceDocument) -> list[tuple[int, str]]:
    return list(zip(doc.line_numbers, doc.lines, strict=True))


# --- the seeds -------------------------------------------------------------------------------


def test_every_seed_is_read_as_a_text_document_line_for_line() -> None:
    sources = read_sources(SEEDS)

    seeds = sorted(SEEDS.glob("*.txt"))
    docs = [doc for doc in sources.documents if doc.path.endswith(".txt")]
    assert [doc.path for doc in docs] == [seed.name for seed in seeds]
    assert not [problem for problem in sources.problems if problem.source.path.endswith(".txt")]
    for doc, seed in zip(docs, seeds, strict=True):
        original = seed.read_text(encoding="utf-8").splitlines()
        assert doc.format == "txt"
        assert doc.front_matter == {}
        assert len(doc.lines) == len(original)
        assert doc.line_numbers == tuple(range(1, len(original) + 1))
        assert doc.sha256 == hashlib.sha256(seed.read_bytes()).hexdigest()
        for line, was in zip(doc.lines, original, strict=True):
            assert line == ("" if not was.strip() else was.replace("\u00a0", " "))


def test_seed_text_keeps_moderngov_markers_tabs_and_html_fragments_for_the_parser() -> None:
    docs = {doc.path: doc for doc in read_sources(SEEDS).documents}

    moderngov = docs["001_c088a57cab7b8c93.txt"].lines
    assert "<AI1>" in moderngov and "</AI1>" in moderngov
    assert "\tApologies for Absence" in moderngov
    pack = docs["004_58e9679888508d11.txt"].lines
    assert any(line.startswith("CR1\t<p>Delivering the Operational Plan") for line in pack)
    assert not any("\u00a0" in line for doc in docs.values() for line in doc.lines)


# --- Markdown --------------------------------------------------------------------------------

MINUTES_MD = """\
---
date: 2017-06-27
committee: Cabinet Committee on Performance Improvement
kind: Minutes
start_time: 2pm
tags: [risk, performance]
---
# Cabinet Committee on Performance Improvement

Present:
County Councillor Geoff Driver CBE (Chair)

1. Apologies for Absence

   There were no apologies.

2. Risk and Opportunity Register

Resolved: That:

- i. The updated Risk and Opportunity Register be noted.
- ii. A report on Brexit be presented at the next meeting.
"""


def test_markdown_front_matter_gives_validated_values_and_lines_point_into_the_file(tmp_path: Path) -> None:
    doc, problems = read_one(tmp_path, "2017/cabinet.md", MINUTES_MD)

    assert problems == []
    assert isinstance(doc, SourceDocument)
    assert doc.path == "2017/cabinet.md"
    assert doc.format == "md"
    assert doc.front_matter == {
        "date": dt.date(2017, 6, 27),
        "committee": "Cabinet Committee on Performance Improvement",
        "kind": "minutes",
        "start_time": "14:00",
        "tags": ("risk", "performance"),
    }
    assert numbered(doc) == [
        (line_of(MINUTES_MD, "# Cabinet"), "Cabinet Committee on Performance Improvement"),
        (line_of(MINUTES_MD, "# Cabinet"), ""),
        (line_of(MINUTES_MD, "Present:"), "Present:"),
        (line_of(MINUTES_MD, "Geoff Driver"), "County Councillor Geoff Driver CBE (Chair)"),
        (line_of(MINUTES_MD, "Geoff Driver"), ""),
        (line_of(MINUTES_MD, "1. Apologies"), "1. Apologies for Absence"),
        (line_of(MINUTES_MD, "1. Apologies"), ""),
        (line_of(MINUTES_MD, "no apologies"), "There were no apologies."),
        (line_of(MINUTES_MD, "no apologies"), ""),
        (line_of(MINUTES_MD, "2. Risk"), "2. Risk and Opportunity Register"),
        (line_of(MINUTES_MD, "2. Risk"), ""),
        (line_of(MINUTES_MD, "Resolved"), "Resolved: That:"),
        (line_of(MINUTES_MD, "Resolved"), ""),
        (line_of(MINUTES_MD, "- i."), "- i. The updated Risk and Opportunity Register be noted."),
        (line_of(MINUTES_MD, "- ii."), "- ii. A report on Brexit be presented at the next meeting."),
    ]


RISK_MD = """\
Corporate Risk Register

<table>
  <tr><th>Ref</th><th>Risk</th><th>Score</th></tr>
  <tr><td>CR1</td><td><p>Deliver the Operational Plan</p><p>for Lancashire</p></td><td>16</td></tr>
  <tr><td>CR2</td><td>Protect &amp; safeguard children</td><td>12</td></tr>
</table>

| Ref | Opportunity |
|-----|-------------|
| CO1 | Apprenticeship Levy |
"""


def test_markdown_with_embedded_html_and_gfm_tables_gives_tab_separated_rows(tmp_path: Path) -> None:
    doc, problems = read_one(tmp_path, "risks.markdown", RISK_MD)

    assert problems == []
    assert isinstance(doc, SourceDocument)
    assert numbered(doc) == [
        (1, "Corporate Risk Register"),
        (1, ""),
        (line_of(RISK_MD, "<th>Ref"), "Ref\tRisk\tScore"),
        (line_of(RISK_MD, "CR1"), "CR1\tDeliver the Operational Plan for Lancashire\t16"),
        (line_of(RISK_MD, "CR2"), "CR2\tProtect & safeguard children\t12"),
        (line_of(RISK_MD, "CR2"), ""),
        (line_of(RISK_MD, "| Ref"), "Ref\tOpportunity"),
        (line_of(RISK_MD, "CO1"), "CO1\tApprenticeship Levy"),
    ]


# --- HTML ------------------------------------------------------------------------------------

SAVED_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
  <title>Minutes - Cabinet Committee</title>
  <style>p { color: red }</style>
</head>
<body>
  <header><a href="/">Lancashire County Council</a></header>
  <nav><ul><li>Home</li><li>Meetings</li></ul></nav>
  <div id="cookies" aria-hidden="true">We use cookies</div>
  <main id="content">
    <h1>Cabinet Committee on Performance Improvement</h1>
    <p>Minutes of the Meeting held on Tuesday, 27th June, 2017
       at 2.00&nbsp;pm in Cabinet Room 'B'</p>
    <h2>1. Apologies for Absence</h2>
    <p>Members were welcomed to the meeting.</p>
    <script>document.write("<p>tracking</p>")</script>
    <ul>
      <li>The updated Risk and Opportunity Register be noted.</li>
      <li>10. Update report on Waste Processing</li>
    </ul>
    <table>
      <thead><tr><th>Ref</th><th>Risk</th></tr></thead>
      <tbody>
        <tr>
          <td>CR1</td>
          <td>Delivering the Operational Plan</td>
        </tr>
      </tbody>
    </table>
    <p>Signed<br>Chair</p>
    <div hidden>Print this page</div>
  </main>
  <aside>Related meetings</aside>
  <footer>&copy; 2017 Lancashire County Council</footer>
  <script>var analytics = true;</script>
</body>
</html>
"""


def test_saved_html_page_gives_only_the_main_text_in_the_parsers_shape(tmp_path: Path) -> None:
    doc, problems = read_one(tmp_path, "minutes.htm", SAVED_PAGE)

    assert problems == []
    assert isinstance(doc, SourceDocument)
    assert doc.format == "html"
    assert doc.front_matter == {}
    assert numbered(doc) == [
        (line_of(SAVED_PAGE, "<h1>"), "Cabinet Committee on Performance Improvement"),
        (line_of(SAVED_PAGE, "<h1>"), ""),
        (
            line_of(SAVED_PAGE, "Minutes of"),
            "Minutes of the Meeting held on Tuesday, 27th June, 2017 at 2.00 pm in Cabinet Room 'B'",
        ),
        (line_of(SAVED_PAGE, "Minutes of"), ""),
        (line_of(SAVED_PAGE, "<h2>"), "1. Apologies for Absence"),
        (line_of(SAVED_PAGE, "<h2>"), ""),
        (line_of(SAVED_PAGE, "welcomed"), "Members were welcomed to the meeting."),
        (line_of(SAVED_PAGE, "welcomed"), ""),
        (line_of(SAVED_PAGE, "Register be noted"), "- The updated Risk and Opportunity Register be noted."),
        (line_of(SAVED_PAGE, "10. Update"), "10. Update report on Waste Processing"),
        (line_of(SAVED_PAGE, "10. Update"), ""),
        (line_of(SAVED_PAGE, "<th>Ref"), "Ref\tRisk"),
        (line_of(SAVED_PAGE, "<td>CR1"), "CR1\tDelivering the Operational Plan"),
        (line_of(SAVED_PAGE, "<td>CR1"), ""),
        (line_of(SAVED_PAGE, "Signed"), "Signed"),
        (line_of(SAVED_PAGE, "Signed"), "Chair"),
    ]
    text = "\n".join(doc.lines)
    for chrome in ("tracking", "analytics", "cookies", "Home", "Related", "©", "Print", "<"):
        assert chrome not in text


MODERNGOV_PAGE = """\
<html><body>
<div id="mgHeader"><nav>Committees | Meetings</nav></div>
<div id="mgContent">
<h2 class="mgSubTitleTxt">Minutes</h2>
<table class="mgItemTable">
<tr>
  <td class="mgItemNumberCell"><p class="mgAiTitleTxt">4.</p></td>
  <td>
    <p class="mgAiTitleTxt">Pimlico District Heating</p>
    <p class="mgSubItemTitleTxt">Minutes:</p>
    <div class="mgWordPara"><p>Councillor Smith introduced the report.</p>
    <table><tr><td>Cost</td><td>&pound;1.2m</td></tr></table>
    <p>RESOLVED: That the expenditure be approved.</p></div>
  </td>
</tr>
</table>
</div>
</body></html>
"""


def test_moderngov_item_table_is_read_as_numbered_items_not_one_long_row() -> None:
    lines = html_to_lines(MODERNGOV_PAGE)

    assert lines == [
        (line_of(MODERNGOV_PAGE, "<h2"), "Minutes"),
        (line_of(MODERNGOV_PAGE, "<h2"), ""),
        (line_of(MODERNGOV_PAGE, ">Pimlico"), "4. Pimlico District Heating"),
        (line_of(MODERNGOV_PAGE, ">Pimlico"), ""),
        (line_of(MODERNGOV_PAGE, "Minutes:"), "Minutes:"),
        (line_of(MODERNGOV_PAGE, "Minutes:"), ""),
        (line_of(MODERNGOV_PAGE, "introduced"), "Councillor Smith introduced the report."),
        (line_of(MODERNGOV_PAGE, "introduced"), ""),
        (line_of(MODERNGOV_PAGE, "Cost"), "Cost\t£1.2m"),
        (line_of(MODERNGOV_PAGE, "Cost"), ""),
        (line_of(MODERNGOV_PAGE, "RESOLVED"), "RESOLVED: That the expenditure be approved."),
    ]


def test_html_page_without_main_reads_the_body_without_site_chrome() -> None:
    page = (
        "<body><nav>Menu</nav><header>Council</header>"
        "<article><header><h1>Agenda</h1></header><p>Item one</p></article>"
        "<footer>Contact us</footer></body>"
    )

    assert html_to_lines(page) == [(1, "Agenda"), (1, ""), (1, "Item one")]


def test_stray_html_fragments_from_a_table_cell_convert_on_their_own() -> None:
    cell = '<p>Savings agreed</p> <ul style="list-style-type: none"> <li>Budget set</li></ul>'

    assert html_to_lines(cell, first_line=579) == [
        (579, "Savings agreed"),
        (579, ""),
        (579, "- Budget set"),
    ]


def test_html_page_with_only_scripts_is_skipped(tmp_path: Path) -> None:
    doc, problems = read_one(tmp_path, "shell.html", "<html><body><script>render()</script></body></html>")

    reason = "no text to read: the file has only front matter or markup"
    assert doc == Skipped("shell.html", reason)
    assert problems == [Problem("error", SourceSpan("shell.html"), reason)]


# --- bad input: skipped with a reason, reported with the file's name --------------------------


def test_empty_and_whitespace_only_files_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "empty.txt", "")
    write(tmp_path, "blank.md", " \n\t\n\u00a0\r\n")

    sources = read_sources(tmp_path)

    assert sources.documents == ()
    assert sources.skipped == (Skipped("blank.md", "empty file"), Skipped("empty.txt", "empty file"))
    assert sources.problems == (
        Problem("error", SourceSpan("blank.md"), "empty file"),
        Problem("error", SourceSpan("empty.txt"), "empty file"),
    )


def test_binary_files_with_a_text_name_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "scan.txt", b"Minutes\x00\x01\x02 of the meeting")
    write(tmp_path, "noise.html", bytes(range(1, 32)) * 20 + b"<p>text</p>")

    sources = read_sources(tmp_path)

    reason = "binary file, not a text document"
    assert sources.skipped == (Skipped("noise.html", reason), Skipped("scan.txt", reason))
    assert [str(problem) for problem in sources.problems] == [
        f"noise.html: error: {reason}",
        f"scan.txt: error: {reason}",
    ]


def test_a_20_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    with (tmp_path / "agenda-pack.txt").open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)

    sources = read_sources(tmp_path)

    reason = "file is 20.0 MB, over the 10 MB limit for one document; split it or raise the limit"
    assert sources.skipped == (Skipped("agenda-pack.txt", reason),)
    assert sources.problems == (Problem("error", SourceSpan("agenda-pack.txt"), reason),)


def test_the_size_limit_can_be_raised_or_lowered(tmp_path: Path) -> None:
    write(tmp_path, "minutes.txt", "Minutes\n" * 256)

    assert len(read_sources(tmp_path, max_bytes=4096).documents) == 1
    assert read_sources(tmp_path, max_bytes=1024).skipped == (
        Skipped("minutes.txt", "file is 2.0 KB, over the 1 KB limit for one document; split it or raise the limit"),
    )


def test_a_windows_1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    raw = "Minutes\nBudget gap of £10.2m\n“Resolved” – agreed\n".encode("cp1252")

    doc, problems = read_one(tmp_path, "word-export.txt", raw)

    assert isinstance(doc, SourceDocument)
    assert doc.lines == ("Minutes", "Budget gap of £10.2m", "“Resolved” – agreed")
    assert problems == [
        Problem("warning", SourceSpan("word-export.txt", 2), "not UTF-8: read as Windows-1252; save it as UTF-8")
    ]


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_an_error(tmp_path: Path) -> None:
    doc, problems = read_one(tmp_path, "mangled.txt", b"Minutes\r\nPresent:\r\nCllr \x81\x8d Smith\r\n")

    reason = "cannot decode: not UTF-8 or Windows-1252 (first bad byte at line 3)"
    assert doc == Skipped("mangled.txt", reason)
    assert problems == [Problem("error", SourceSpan("mangled.txt", 3), reason)]


def test_utf16_and_byte_order_marks_and_windows_newlines_are_normalised(tmp_path: Path) -> None:
    write(tmp_path, "a-utf16.txt", "Minutes\r\nPresent:\u200b Cllr\u00a0Smith\r\n".encode("utf-16"))
    write(tmp_path, "b-bom.txt", b"\xef\xbb\xbfMinutes\rPresent:\r\n\t\r\n\tA Atkinson")

    docs = read_sources(tmp_path).documents

    assert docs[0].lines == ("Minutes", "Present: Cllr Smith")
    assert docs[1].lines == ("Minutes", "Present:", "", "\tA Atkinson")
    assert docs[1].line_numbers == (1, 2, 3, 4)


# --- front matter ----------------------------------------------------------------------------


def test_malformed_front_matter_is_an_error_at_the_line_with_the_typo(tmp_path: Path) -> None:
    text = "---\ndate: 2017-06-27\ncommittee Cabinet\nkind: minutes\n---\n# Minutes\n"

    doc, problems = read_one(tmp_path, "cabinet.md", text)

    reason = "malformed front matter: could not find expected ':'"
    assert doc == Skipped("cabinet.md", reason)
    assert problems == [Problem("error", SourceSpan("cabinet.md", 3), reason)]


def test_front_matter_without_a_closing_line_or_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "open.txt", "---\ndate: 2017-06-27\nMinutes of the meeting\n")
    write(tmp_path, "list.md", "---\n- minutes\n- agenda\n---\nText\n")

    assert [str(problem) for problem in read_sources(tmp_path).problems] == [
        "list.md:2: error: malformed front matter: expected 'key: value' lines",
        "open.txt:1: error: malformed front matter: no closing '---' line",
    ]


def test_an_impossible_date_is_an_error_naming_the_key_and_line(tmp_path: Path) -> None:
    doc, problems = read_one(tmp_path, "2019.txt", "---\ncommittee: Cabinet\ndate: 2019-02-31\n---\nMinutes\n")

    reason = "front matter 'date' is not a real date: 2019-02-31"
    assert doc == Skipped("2019.txt", reason)
    assert problems == [Problem("error", SourceSpan("2019.txt", 3), reason)]


def test_every_bad_front_matter_value_is_reported(tmp_path: Path) -> None:
    text = "---\nkind: notes\nstart_time: 25:00\ndate: 27/06/2017\ntags: {a: b}\n---\nMinutes\n"

    doc, problems = read_one(tmp_path, "bad.md", text)

    assert isinstance(doc, Skipped)
    assert [str(problem) for problem in problems] == [
        "bad.md:2: error: front matter 'kind' must be one of minutes, agenda, reports, agenda-item, got 'notes'",
        "bad.md:3: error: front matter 'start_time' must be a time like 14:00 or 2pm, got '25:00'",
        "bad.md:4: error: front matter 'date' must be a date like 2019-02-26, got '27/06/2017'",
        "bad.md:5: error: front matter 'tags' must be a list of words or phrases",
    ]


def test_an_unknown_front_matter_key_is_a_warning_and_dropped(tmp_path: Path) -> None:
    text = "---\ndate: 2017-06-27\nclerk: Mrs Jones\nstart_time: 2.30 pm\n---\nMinutes\n"

    doc, problems = read_one(tmp_path, "minutes.txt", text)

    assert isinstance(doc, SourceDocument)
    assert doc.front_matter == {"date": dt.date(2017, 6, 27), "start_time": "14:30"}
    assert numbered(doc) == [(6, "Minutes")]
    assert problems == [
        Problem(
            "warning",
            SourceSpan("minutes.txt", 3),
            "unknown front matter key 'clerk' (known: date, start_time, kind, committee, body, venue, chair, "
            "title, tags, topics)",
        )
    ]


def test_start_times_are_normalised_to_24_hours(tmp_path: Path) -> None:
    written = {"14:30": "14:30", "9.00 am": "09:00", "12pm": "12:00", "12.15 a.m.": "00:15", '"2 PM"': "14:00"}
    for n, time in enumerate(written):
        write(tmp_path, f"{n}.txt", f"---\nstart_time: {time}\n---\nMinutes\n")

    docs = read_sources(tmp_path).documents

    assert [doc.front_matter["start_time"] for doc in docs] == list(written.values())


# --- discovery -------------------------------------------------------------------------------


def test_other_formats_and_damaged_pdfs_are_skipped_with_a_warning_saying_what_to_do(tmp_path: Path) -> None:
    write(tmp_path, "2019/agenda.pdf", b"%PDF-1.4")
    write(tmp_path, "2019/minutes.DOCX", b"PK\x03\x04")

    sources = read_sources(tmp_path)

    pdf = ("is damaged or not a PDF: export it again from the committee system "
           "(or repair it, e.g. qpdf in.pdf out.pdf) and add that")
    docx = "unsupported format .docx: save it as text (.txt), Markdown, HTML or PDF"
    assert sources.skipped == (Skipped("2019/agenda.pdf", pdf), Skipped("2019/minutes.DOCX", docx))
    assert sources.problems == (
        Problem("warning", SourceSpan("2019/agenda.pdf"), pdf),
        Problem("warning", SourceSpan("2019/minutes.DOCX"), docx),
    )


def test_hidden_files_config_and_clutter_are_ignored_silently(tmp_path: Path) -> None:
    clutter = [".DS_Store", ".git/config", ".drafts/minutes.txt", "Thumbs.db", "desktop.ini", "minutes.txt~"]
    config = ["people.toml", "topics.toml", "minutebook.toml", "README.md", "readme.txt", "~$nutes.docx"]
    for name in clutter + config:
        write(tmp_path, name, "ignored")
    write(tmp_path, "minutes.txt", "Minutes")

    sources = read_sources(tmp_path)

    assert [doc.path for doc in sources.documents] == ["minutes.txt"]
    assert sources.skipped == ()
    assert sources.problems == ()


def test_documents_come_back_sorted_by_posix_path_from_nested_folders(tmp_path: Path) -> None:
    for name in ("2019/b.txt", "2017/z.md", "2019/a.html", "index.txt"):
        write(tmp_path, name, "<p>Minutes</p>")

    docs = read_sources(tmp_path).documents

    assert [doc.path for doc in docs] == ["2017/z.md", "2019/a.html", "2019/b.txt", "index.txt"]
    assert [doc.format for doc in docs] == ["md", "html", "txt", "txt"]
    assert docs[3].lines == ("<p>Minutes</p>",)  # .txt is handed over as is


def test_read_source_reads_one_file_the_same_way(tmp_path: Path) -> None:
    path = write(tmp_path, "new/minutes.md", MINUTES_MD)

    doc, problems = read_source(path, "new/minutes.md")

    assert problems == []
    assert doc == read_sources(tmp_path).documents[0]
