"""A resident's email address and an officer's direct line are in the papers; the archive
publishes them only when the council says so in minutebook.toml. Off by default: every page,
export, search index, feed and download is checked for them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from build import cli
from minutebook.config import load_config
from minutebook.contacts import redact, redact_line
from minutebook.downloads import offer_downloads
from minutebook.errors import BuildError, ConfigError
from minutebook.pipeline import BuildOptions, build
from minutebook.publish import FileCopy, Staging

from .conftest import CONTENT, BuiltSite, build_site

EMAIL = "jane.fielding@riverside.gov.uk"
CLERK_EMAIL = "democratic.services@riverside.gov.uk"
PHONE = "01772 538461"
MOBILE = "07700 900417"
SECRETS = (EMAIL, CLERK_EMAIL, PHONE, MOBILE)

MINUTES = f"""Riverside District Council

MINUTES of a meeting of the Harbour Committee held on 14 November 2023 at 10.00 am at the Town Hall, Riverside

Present: Councillors Carol Hughes (Chair), Alan Xavier, Yvonne Young

Apologies: None.

Officers: Jane Fielding (Head of Harbour Services, {EMAIL}, {PHONE}), Tom Clark (Democratic Services Officer)

1. Apologies for Absence

Apologies were as listed above.

2. Harbour Dues

Contact: Jane Fielding, {EMAIL}, {PHONE}

A resident who rang from {MOBILE} asked about winter moorings; details are at www.riverside.gov.uk/harbour.

Resolved: That the report be noted and enquiries be sent to {EMAIL}.
"""
EMAIL_LINE, FIRST_LINE = 17, 9

HTML_MINUTES = f"""<html><head><title>Minutes</title></head><body>
<h1>Riverside District Council</h1>
<p>Minutes of the Meeting of the Harbour Committee held on Tuesday 5th March 2024 at 10.00am at the Town Hall</p>
<p>Present: Councillors Carol Hughes (Chair), Alan Xavier</p>
<h2>1. Moorings</h2>
<p>Questions to <a href="mailto:{CLERK_EMAIL}?subject=Moorings">the clerk</a>
or on <a href="tel:+44{PHONE[1:].replace(" ", "")}">our harbour line</a>.</p>
<p>Resolved: That the moorings be let.</p>
</body></html>
"""

MARKDOWN_MINUTES = f"""---
date: 2024-06-04
committee: Harbour Committee
kind: minutes
venue: Town Hall, Riverside (reception {PHONE})
---
# Riverside District Council

Present: Councillors Carol Hughes (Chair), Alan Xavier

## 1. Moorings

Write to <{EMAIL}> or [email the clerk](mailto:{CLERK_EMAIL}).

Resolved: That the moorings be let.
"""

SOURCES = {"2023-11-14.txt": MINUTES, "2024-03-05.html": HTML_MINUTES, "2024-06-04.md": MARKDOWN_MINUTES}

PART_TWO = MINUTES + """
PART II - EXEMPT INFORMATION

3. Land Sale at Mill Lane

Exempt under paragraph 3 of Schedule 12A to the Local Government Act 1972.

CANARY-5d1e the offer from Acme Homes was accepted.
"""


def published_files(site: BuiltSite) -> dict[str, str]:
    return {p.relative_to(site.out).as_posix(): p.read_bytes().decode("utf-8", errors="replace")
            for p in sorted(site.out.rglob("*")) if p.is_file()}


def leaks(site: BuiltSite, secrets: tuple[str, ...] = SECRETS) -> list[tuple[str, str]]:
    """Every (file, detail) where a detail is published: as written, without spaces, or by its
    distinctive part alone (a search index keeps "538461" as a word of its own)."""
    found = []
    for name, text in published_files(site).items():
        squashed = re.sub(r"\s", "", text).casefold()
        for secret in secrets:
            forms = {secret.casefold(), secret.replace(" ", "").casefold(), secret.split("@")[0].casefold(),
                     secret.split()[-1]}
            found += [(name, secret) for form in forms if form in text.casefold() or form in squashed]
    return sorted(set(found))


def build_with_setting(content: Path, out: Path, setting: str) -> BuiltSite:
    """Build as staff do: the setting written in minutebook.toml."""
    toml = out.parent / "minutebook.toml"
    toml.write_text(f"[site]\n{setting}\n", encoding="utf-8")
    return BuiltSite(build(BuildOptions(content=content, out=out, config=load_config(toml, required=True))), out)


# --- Finding them: the formats councils print, and the figures that only look like them.

@pytest.mark.parametrize("text", [
    "01772 536000", "(01772) 536 000", "01772 53 60 00", "0300 123 6701", "07700 900123", "020 7946 0018",
    "0161 234 5678", "0800 123 456", "+44 (0)1772 536000", "+44 1772 536000", "+441772536000", "0044 1772 536000",
    "01772-536000", "01772536000", "01772\u00a0536000",
])
def test_uk_phone_numbers_are_found(text: str) -> None:
    result = redact(f"Tel: {text}.")
    assert (result.text, result.emails, result.phones) == ("Tel: [phone number withheld].", 0, 1)


@pytest.mark.parametrize("text", [
    "jane.officer@lancashire.gov.uk", "Paul.bond@lancashire.gov.uk", "j.o'brien@riverside.gov.uk",
    "clerk+planning@anytown-pc.org.uk", "CLERK@ANYTOWN.GOV.UK", "jane.officer [at] lancashire.gov.uk",
    "mailto:jane%40lancashire.gov.uk?subject=Minutes", "MAILTO:clerk@anytown.gov.uk",
])
def test_email_addresses_are_found(text: str) -> None:
    result = redact(f"Email {text}, thanks.")
    assert (result.text, result.emails, result.phones) == ("Email [email address withheld], thanks.", 1, 0)


@pytest.mark.parametrize("text", [
    "26 February 2019", "2019-02-26", "26/02/2019", "01/02/2019", "£1,234,567", "£0.5m", "Minute 123/2019",
    "Minute 0123/2019", "12.5%", "05%", "10:30", "14.00", "0930 1030 1130", "12 345 678", "0 0 0 0 0 0 0 0 0 0",
    "2018/19", "Quarter 3 2018/19", "1.1 million", "012 345", "0 12 345 678", "ref 1234567890",
    "www.lancashire.gov.uk", "https://www.lancashire.gov.uk/contact-us/", "@LancashireCC", "email or phone",
    "Part II", "paragraphs 3 and 4", "Tel: 01772", "04 12 2019 2020",
])
def test_dates_sums_references_and_web_addresses_are_left_alone(text: str) -> None:
    assert redact(f"See {text} here.").text == f"See {text} here."


def test_link_targets_in_markdown_and_html_sources_are_found() -> None:
    assert redact("[Email Jane](mailto:jane@x.gov.uk).").text == "[Email Jane]([email address withheld])."
    assert redact('<a href="mailto:jane@x.gov.uk">Jane</a>').text == '<a href="[email address withheld]">Jane</a>'
    assert redact('<a href="tel:01772536000">call</a>').text == '<a href="tel:[phone number withheld]">call</a>'


def test_details_hidden_from_the_eye_are_found_too() -> None:
    assert redact_line("jane&#64;x.gov.uk", markup=True).text == "[email address withheld]"
    assert redact_line("01772\u200b536000").text == "[phone number withheld]"
    assert redact_line("A &amp; B, 01772 536000", markup=True).text == "A &amp; B, [phone number withheld]"


def test_a_year_or_a_second_number_after_a_phone_number_is_left_alone() -> None:
    assert redact("01772 536000 2019").text == "[phone number withheld] 2019"
    assert redact("01772 536000 07700 900123").phones == 2
    assert redact("a\n01772 536000\nb").text == "a\n[phone number withheld]\nb"


# --- The default: withheld from everything the site publishes.

def test_contact_details_reach_no_published_file_by_default(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content(SOURCES)
    site = build_site(content, tmp_path / "site")
    assert site.result.published
    files = published_files(site)
    assert any(name.startswith("search/") for name in files) and "data/meetings.json" in files
    assert leaks(site) == []
    meeting = site.meeting_on("2023-11-14")
    page = files[meeting["url"].strip("/") + "/index.html"]
    assert "Contact: Jane Fielding, [email address withheld], [phone number withheld]" in page
    assert "www.riverside.gov.uk/harbour" in page  # a web address is not a person's contact detail
    resolution = meeting["items"][1]["resolutions"][0]["text"]
    assert resolution == "That the report be noted and enquiries be sent to [email address withheld]."
    assert site.meeting_on("2024-06-04")["venue"] == "Town Hall, Riverside (reception [phone number withheld])"


def test_each_document_gets_one_note_naming_its_first_detail(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content(SOURCES)
    site = build_site(content, tmp_path / "site")
    notes = [str(p) for p in site.result.problems if "withheld" in p.message]
    assert notes == [
        f"2023-11-14.txt:{FIRST_LINE}: note: 3 email addresses and 3 phone numbers withheld; "
        "set publish_contact_details = true in minutebook.toml to publish them",
        "2024-03-05.html:6: note: 1 email address and 1 phone number withheld; "
        "set publish_contact_details = true in minutebook.toml to publish them",
        "2024-06-04.md:5: note: 2 email addresses and 1 phone number withheld; "
        "set publish_contact_details = true in minutebook.toml to publish them",
    ]
    assert site.result.errors == [] and site.result.warnings == []  # a note never blocks or fails --strict


def test_the_build_report_prints_the_note_with_file_and_line(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"2023-11-14.txt": MINUTES})
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert f"2023-11-14.txt:{FIRST_LINE}: 3 email addresses and 3 phone numbers withheld" in result.output
    assert not any(secret in result.output for secret in SECRETS)


def test_downloads_are_redacted_copies_with_every_line_in_place(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content(SOURCES)
    site = build_site(content, tmp_path / "site")
    assert sorted(p.name for p in (site.out / "sources").iterdir()) == [
        "2023-11-14.redacted.txt", "2024-03-05.redacted.txt", "2024-06-04.redacted.txt"]
    copy = (site.out / "sources/2023-11-14.redacted.txt").read_text(encoding="utf-8")
    assert copy.splitlines() == [
        line.replace(EMAIL, "[email address withheld]").replace(PHONE, "[phone number withheld]")
        .replace(MOBILE, "[phone number withheld]") for line in MINUTES.splitlines()
    ]
    html = (site.out / "sources/2024-03-05.redacted.txt").read_text(encoding="utf-8")
    assert '<a href="[email address withheld]">the clerk</a>' in html
    assert '<a href="tel:[phone number withheld]">our harbour line</a>' in html
    assert len(html.splitlines()) == len(HTML_MINUTES.splitlines())
    page = (site.out / site.meeting_on("2023-11-14")["url"].strip("/") / "index.html").read_text(encoding="utf-8")
    assert 'href="/sources/2023-11-14.redacted.txt"' in page
    assert "The document as it was received." not in page


def test_exempt_lines_and_contact_details_are_withheld_from_one_copy(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content({"parish.txt": PART_TWO}), tmp_path / "site")
    assert leaks(site, (*SECRETS, "CANARY-5d1e")) == []
    copy = (site.out / "sources/parish.redacted.txt").read_text(encoding="utf-8").splitlines()
    assert copy[EMAIL_LINE - 1] == "Contact: Jane Fielding, [email address withheld], [phone number withheld]"
    assert copy[-1].startswith("[Withheld: ") and "Land Sale" not in "\n".join(copy)
    offered = offer_downloads(site.result.archive, tmp_path / "content").downloads
    assert (offered["parish.txt"].redacted, offered["parish.txt"].withheld_emails, offered["parish.txt"].withheld_phones) == (True, 3, 3)
    assert offered["parish.txt"].withheld_lines > 0


def test_a_download_the_reader_found_free_of_contact_details_is_not_scanned_again_unless_it_changed(
        tmp_path: Path, make_content, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Scanning every download again took 2.3 s of a 10,000-meeting build; the reader has scanned the same bytes."""
    from minutebook import downloads

    clean = MINUTES
    for secret in SECRETS:
        clean = clean.replace(secret, "the clerk")
    content = make_content({"2023-11-14.txt": clean, "2024-03-05.html": HTML_MINUTES})
    site = build_site(content, tmp_path / "site")
    accounts = {a.path: a for a in site.result.archive.accounts}
    assert accounts["2023-11-14.txt"].contact_free and not accounts["2024-03-05.html"].contact_free
    scanned: list[int] = []
    real_scan = downloads.scan_source
    monkeypatch.setattr(downloads, "scan_source", lambda data, **kw: scanned.append(len(data)) or real_scan(data, **kw))
    offered = offer_downloads(site.result.archive, content).downloads
    assert scanned == [len((content / "2024-03-05.html").read_bytes())]  # only the one holding details
    assert not offered["2023-11-14.txt"].redacted and offered["2024-03-05.html"].redacted
    (content / "2023-11-14.txt").write_text(clean + f"\nQueries to {EMAIL}\n", encoding="utf-8")  # changed since read
    site = build_site(content, tmp_path / "site")
    scanned.clear()
    offered = offer_downloads(site.result.archive, content).downloads
    assert len(scanned) == 2 and offered["2023-11-14.txt"].redacted and offered["2023-11-14.txt"].withheld_emails == 1


def test_a_document_saved_again_while_the_site_is_built_is_named_not_published_unchecked(
        tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    """A download is offered for the bytes its meetings were read from: a clerk who saves the document
    again mid-build, adding an address, gets the build stopped with the file named, never a download
    nobody scanned."""
    clean = MINUTES
    for secret in SECRETS:
        clean = clean.replace(secret, "the clerk")
    content = make_content({"2023-11-14.txt": clean})
    site = build_site(content, tmp_path / "site")
    read = {a.path: a.sha256 for a in site.result.archive.accounts}["2023-11-14.txt"]
    (content / "2023-11-14.txt").write_text(clean + f"\nQueries to {EMAIL}\n", encoding="utf-8")

    with pytest.raises(BuildError, match="2023-11-14.txt changed while the site was being built"):
        offer_downloads(site.result.archive, content)  # no offer kept: it would be worked out from the file
    assert Staging(site.out).put("sources/2023-11-14.txt", FileCopy(content / "2023-11-14.txt", read)) == read  # the live copy
    with pytest.raises(BuildError, match="2023-11-14.txt changed while the site was being built"):
        Staging(tmp_path / "elsewhere").put("sources/2023-11-14.txt", FileCopy(content / "2023-11-14.txt", read))


# --- The council chooses to publish them.

def test_with_the_setting_on_everything_is_published_as_received(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content(SOURCES)
    site = build_with_setting(content, tmp_path / "site", "publish_contact_details = true")
    assert not any("withheld" in p.message for p in site.result.problems)
    files = published_files(site)
    page = files[site.meeting_on("2023-11-14")["url"].strip("/") + "/index.html"]
    assert f"Contact: Jane Fielding, {EMAIL}, {PHONE}" in page
    assert f"enquiries be sent to {EMAIL}." in site.meeting_on("2023-11-14")["items"][1]["resolutions"][0]["text"]
    assert any("538461" in text for name, text in files.items() if name.startswith("search/"))
    offered = offer_downloads(site.result.archive, content, contact_details=True).downloads
    assert (site.out / "sources/2023-11-14.txt").read_bytes() == (content / "2023-11-14.txt").read_bytes()
    assert (site.out / "sources/2024-03-05.html.txt").read_bytes() == (content / "2024-03-05.html").read_bytes()
    assert not offered["2023-11-14.txt"].redacted


def test_the_setting_off_in_the_config_is_the_default(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"2023-11-14.txt": MINUTES})
    site = build_with_setting(content, tmp_path / "site", "publish_contact_details = false")
    assert leaks(site) == []


@pytest.mark.parametrize(("setting", "message"), [
    ('publish_contact_details = "true"', "[site] publish_contact_details: must be true or false (no quotes), not the string 'true'"),
    ("publish_contact_details = 1", "[site] publish_contact_details: must be true or false (no quotes), not int"),
    ("council = true", "[site] council: must be a string, not bool"),
])
def test_a_setting_of_the_wrong_type_names_the_file_and_key(tmp_path: Path, setting: str, message: str) -> None:
    toml = tmp_path / "minutebook.toml"
    toml.write_text(f'[site]\n{setting}\nbase_url = "ftp://x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(toml)
    assert str(error.value).splitlines() == [f"{toml}: {message}", f"{toml}: [site] base_url: must start with https:// (got 'ftp://x')"]


def test_the_setting_defaults_to_off_and_reads_true(tmp_path: Path) -> None:
    toml = tmp_path / "minutebook.toml"
    toml.write_text("[site]\n", encoding="utf-8")
    assert load_config(toml).publish_contact_details is False
    toml.write_text("[site]\npublish_contact_details = true\n", encoding="utf-8")
    assert load_config(toml).publish_contact_details is True
    assert load_config(CONTENT.parent / "minutebook.toml").publish_contact_details is False


# --- The real archive.

SEED_DETAILS = ("Michael.Walder@lancashire.gov.uk", "Paul.bond@lancashire.gov.uk", "01772 533637", "01772 534676")


def test_the_seed_archive_withholds_its_two_report_contacts_and_nothing_else(seed_site: BuiltSite, tmp_path: Path) -> None:
    assert leaks(seed_site, SEED_DETAILS) == []
    notes = [str(p) for p in seed_site.result.problems if "withheld" in p.message]
    assert notes == ["004_58e9679888508d11.txt:236: note: 2 email addresses and 2 phone numbers withheld; "
                     "set publish_contact_details = true in minutebook.toml to publish them"]
    published = build_with_setting(CONTENT, tmp_path / "site", "publish_contact_details = true")
    before, after = published.result.archive, seed_site.result.archive
    assert [(m.id, len(m.items)) for m in after.meetings] == [(m.id, len(m.items)) for m in before.meetings]
    assert [p.id for p in after.people] == [p.id for p in before.people]
    assert leaks(published, SEED_DETAILS) != []
