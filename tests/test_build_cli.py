"""The clerk's story at the command line: bad input gets one clear line, never a traceback,
and a failed build leaves the published site exactly as it was."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from build import cli
from minutebook.config import load_config
from minutebook.leaks import find_leaks
from minutebook.pipeline import BuildOptions, build

from .conftest import CONTENT, ROOT, BuiltSite, build_site

SCHEMAS = ROOT / "minutebook" / "schemas"
PUBLISHED = load_config(ROOT / "minutebook.toml")
"""The settings the site is published with: base_url set, so feeds and the sitemap are written too."""
MINUTES = """Anytown Parish Council

Minutes of the Meeting of Anytown Parish Council held on Monday 9th September 2024 at 7.30pm in the Village Hall

Present: Cllrs A Smith (Chairman), B Jones

1. Apologies for Absence

None.

2. Planning

Resolved: That the application be supported.
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A site already published from the seeds, as staff would have it before adding a file."""
    out = tmp_path / "site"
    code, output = run("--content", str(CONTENT), "--out", str(out), "--quiet")
    assert code == 0, output
    return out


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("empty.txt", "", "empty.txt: error: empty file"),
        ("blank.md", "  \n\n\t\n", "blank.md: error: empty file"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.txt: error: binary file, not a text document"),
        ("undecodable.txt", b"Minutes\n\x81\x8d\x8f broken\n", "undecodable.txt:2: error: cannot decode: not UTF-8 or Windows-1252"),
        ("bad-front-matter.md", "---\ndate: 2024-01-01\ncommittee: [unclosed\n---\nText\n", "bad-front-matter.md:"),
        ("impossible.txt", MINUTES.replace("Monday 9th September 2024", "Monday 31st February 2024"),
         "impossible.txt:3: error: impossible date 'Monday 31st February 2024'"),
    ],
)
def test_bad_input_names_the_file_and_keeps_the_old_site(
    published: Path, make_content, name: str, body: str | bytes, message: str  # type: ignore[no-untyped-def]
) -> None:
    before = snapshot(published)
    content = make_content({name: body}, with_seeds=True)
    code, output = run("--content", str(content), "--out", str(published))
    assert code == 1
    assert message in output
    assert "was left as it was" in output
    assert snapshot(published) == before


def test_a_20_mb_file_is_refused_without_reading_it(published: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({}, with_seeds=True)
    with (content / "huge.txt").open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)
    code, output = run("--content", str(content), "--out", str(published))
    assert code == 1
    assert "huge.txt: error: file is 20.0 MB, over the 10 MB limit" in output


def test_two_documents_claiming_one_meeting_are_refused(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"a.txt": MINUTES, "b.txt": MINUTES})
    code, output = run("--content", str(content), "--out", str(tmp_path / "site"))
    assert code == 1
    assert "b.txt:1: error: this minutes is for the same meeting (2024-09-09) as a.txt:1" in output
    assert not (tmp_path / "site").exists()


def test_an_agenda_packs_copy_of_the_last_minutes_gives_way_to_the_minutes_themselves(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    # The seeds' pack (26 February 2019) carries the minutes of 5 December 2018 for approval;
    # the clerk has also published those minutes on their own, read after the pack.
    pack = (CONTENT / "004_58e9679888508d11.txt").read_text(encoding="utf-8")
    lines = pack.split("\n")
    start = lines.index("Present:") - 6
    end = next(i for i in range(start, len(lines)) if lines[i] == "9. Date of Next Meeting") + 3
    minutes = "\n".join(lines[start:end]) + "\n"
    assert "Minutes of the Meeting held on Wednesday, 5th December, 2018" in minutes
    content = make_content({"004_pack.txt": pack, "zz_minutes_2018-12-05.txt": minutes})

    code, output = run("--content", str(content), "--out", str(tmp_path / "site"))

    assert code == 0, output
    assert f"004_pack.txt:{start + 1}: these minutes of 2018-12-05 are the agenda pack's copy for approval; " \
           "published from zz_minutes_2018-12-05.txt:" in output, output
    site = BuiltSite(None, tmp_path / "site")  # type: ignore[arg-type]
    december = site.meeting_on("2018-12-05")
    assert december["sources"] == ["zz_minutes_2018-12-05.txt"]
    assert [item["title"] for item in december["items"]][:2] == ["Apologies for Absence",
                                                                  "Disclosure of Pecuniary and Non-Pecuniary Interests"]
    assert site.meeting_on("2019-02-26")["sources"] == ["004_pack.txt"]


def test_windows_1252_text_is_read_with_a_warning(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"cp1252.txt": MINUTES.replace("Planning", "Planning \u2013 \u00a3500 grant").encode("cp1252")})
    site = build_site(content, tmp_path / "site")
    assert site.result.published
    assert any("read as Windows-1252" in str(p) for p in site.result.warnings)
    assert site.meeting_on("2024-09-09")["items"][1]["title"] == "Planning – £500 grant"


def test_strict_turns_the_undated_warning_into_a_failure(published: Path) -> None:
    before = snapshot(published)
    code, output = run("--content", str(CONTENT), "--out", str(published), "--strict")
    assert code == 1
    assert "002_ea2e453e723765dc.txt:1: warning: no meeting date found" in output
    assert "1 warnings in strict mode" in output
    assert snapshot(published) == before


def test_front_matter_dates_the_lone_agenda_item_page(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    page = (CONTENT / "002_ea2e453e723765dc.txt").read_text(encoding="utf-8")
    fixed = "---\ndate: 2016-03-07\ncommittee: Cabinet Committee on Performance Improvement\n---\n" + page
    content = make_content({"002_ea2e453e723765dc.txt": fixed}, with_seeds=True)
    code, output = run("--content", str(content), "--out", str(tmp_path / "site"), "--strict")
    assert code == 0, output
    meeting = json.loads((tmp_path / "site/data/meetings.json").read_text())
    dated = [m for m in meeting if m["date"] == "2016-03-07"]
    assert len(dated) == 1 and dated[0]["committee"] == "Cabinet Committee on Performance Improvement"
    assert dated[0]["items"][0]["title"].startswith("Quarterly Corporate Performance Monitoring Report")


def test_the_report_accounts_for_every_document(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"scan.pdf": b"%PDF-1.7\n", "notes.docx": b"PK\x03\x04"}, with_seeds=True)
    code, output = run("--content", str(content), "--out", str(tmp_path / "site"))
    assert code == 0, output
    for seed in sorted(p.name for p in CONTENT.iterdir()):
        assert f"{seed} -> " in output
    assert "scan.pdf: NOT PUBLISHED" in output and "notes.docx: NOT PUBLISHED" in output
    assert [line.strip() for line in output.splitlines() if "scan.pdf: warning" in line] == [
        f"{content}/scan.pdf: warning: is damaged or not a PDF: export it again from the committee system "
        "(or repair it, e.g. qpdf in.pdf out.pdf) and add that"]
    assert "References to meetings not in the archive (6):" in output


def test_exported_data_matches_its_json_schemas(seed_site: BuiltSite) -> None:
    for name in ("meetings", "people", "topics"):
        schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.validate(seed_site.data(name), schema)


def test_exempt_content_never_leaves_the_build(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    canary = "CANARY-7f3a9c-waste-contract-figures"
    pack = (CONTENT / "004_58e9679888508d11.txt").read_text(encoding="utf-8")
    planted = pack.replace("Document is Restricted", f"Document is Restricted\n\n{canary} the contract value is secret.")
    content = make_content({"004_58e9679888508d11.txt": planted}, with_seeds=True)
    site = BuiltSite(build(BuildOptions(content, tmp_path / "site", config=PUBLISHED)), tmp_path / "site")
    assert site.result.published
    files = snapshot(tmp_path / "site")
    # Every kind of output is there to be searched: pages, index, JSON, CSV, feeds, calendars, sitemap, downloads.
    for name in ("index.html", "data/popolo.json", "data/attendance.csv", "feed.atom", "calendar.ics", "sitemap.xml",
                 "robots.txt", "build-report/index.html", "sources/004_58e9679888508d11.redacted.txt"):
        assert name in files, name
    assert any(name.startswith("search/") for name in files)
    leaked = [path for path, data in files.items() if canary.encode() in data or canary.lower().encode() in data.lower()]
    assert leaked == []
    assert find_leaks(site.out, site.result.archive, content) == []
    item = next(i for i in site.meeting_on("2019-02-26")["items"] if i["number"] == "10")
    assert item["exempt"] and item["title"].startswith("Update report on the performance")


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build(BuildOptions(CONTENT, tmp_path / "one", config=PUBLISHED))
    second = build(BuildOptions(CONTENT, tmp_path / "two", config=PUBLISHED))
    assert first.published and second.published
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_missing_content_folder_is_a_one_line_error(tmp_path: Path) -> None:
    code, output = run("--content", str(tmp_path / "nowhere"), "--out", str(tmp_path / "site"))
    assert code == 1
    assert output.strip() == f"Error: content directory '{tmp_path / 'nowhere'}' does not exist"


def test_the_command_ends_with_its_exit_code_and_every_line_of_its_report(tmp_path: Path) -> None:
    """build.py ends its process without Python's clean-up (build.end): its report must still arrive
    whole through a pipe, and a failed build must still fail the script that ran it."""
    def build_py(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(CONTENT),
                               "--out", str(tmp_path / "site"), *args], cwd=tmp_path, capture_output=True, text=True,
                              check=False)

    done = build_py()
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(f"Staff report: {(tmp_path / 'site').as_posix()}/build-report/index.html")
    assert (tmp_path / "site" / "index.html").is_file()

    refused = build_py("--strict")
    assert refused.returncode == 1
    assert "warning: no meeting date found" in refused.stdout
    assert refused.stderr.strip().endswith("site/ was left as it was")


def test_a_quiet_build_of_text_documents_imports_no_pdf_markup_or_terminal_library(tmp_path: Path) -> None:
    """Every command starts by importing the package: the libraries for PDFs, Markdown, YAML front matter,
    the progress bar and `serve`'s file watching are imported only by what needs them (0.12 s of each
    command's start). The seeds are plain text, so a quiet build of them needs none."""
    libraries = ("pypdf", "pypdfium2", "markdown_it", "yaml", "rich", "watchfiles")
    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import build; "
              f"build.cli(['build', '--content', {str(CONTENT)!r}, '--out', {str(tmp_path / 'site')!r}, '--quiet'], "
              f"standalone_mode=False); print(sorted(name for name in {libraries!r} if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_build_after_one_correction_says_how_much_it_took_from_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_content  # type: ignore[no-untyped-def]
) -> None:
    """The clerk corrects one meeting's minutes and builds again: the summary says that one meeting was
    indexed for search again and the rest taken as they were, and how many pages were rendered."""
    monkeypatch.chdir(tmp_path)  # the build cache is build/cache, under the folder the build is run from
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out = tmp_path / "site"
    code, first = run("--content", str(content), "--out", str(out))
    assert code == 0, first
    assert "Search:" not in first and "Pages:" not in first
    (content / "parish.txt").write_text(MINUTES.replace("be supported.", "be supported, with thanks."), encoding="utf-8")
    code, again = run("--content", str(content), "--out", str(out))
    assert code == 0, again
    meetings = int(re.search(r"^(\d+) meetings \(", again, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert f"Search: 1 meeting indexed, {meetings - 1:,} unchanged since the last build" in again
    assert re.search(r"Pages: \d+ rendered, \d+ unchanged since the last build", again)
