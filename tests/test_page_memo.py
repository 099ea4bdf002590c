"""A rebuild renders only the pages whose inputs changed, and publishes what a fresh build would.

Staff keep a build cache between builds (build.py does); the page memo in it lets a rebuild take
every page nothing changed for from the live site. Each case edits the content as staff would,
rebuilds with the cache, and checks the site is byte for byte what a fresh build of the same
content (no cache, empty folder) publishes, and that the rebuild rendered fewer pages than all.
Real builds into tmp_path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from minutebook.pipeline import TEMPLATES, BuildOptions, BuildResult, build

from .test_build_cli import MINUTES, snapshot

MEETING = "meetings/2024-09-09-anytown-parish-council/index.html"


def rebuild(content: Path, out: Path, cache: Path, templates: Path = TEMPLATES) -> BuildResult:
    result = build(BuildOptions(content=content, out=out, cache=cache, templates=templates))
    assert result.published
    return result


def fresh(content: Path, folder: Path, templates: Path = TEMPLATES) -> dict[str, bytes]:
    assert build(BuildOptions(content=content, out=folder, templates=templates)).published
    return snapshot(folder)


def test_a_rebuild_with_nothing_changed_renders_no_meeting_person_or_committee_page(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    first = rebuild(content, tmp_path / "site", tmp_path / "cache")
    assert first.pages_kept == 0
    again = rebuild(content, tmp_path / "site", tmp_path / "cache")
    archive = again.archive
    # Pages made from listings (topics, the register, the home page) and the search page are always made.
    assert len(archive.meetings) + len(archive.people) + len(archive.committees) <= again.pages_kept < again.pages
    assert snapshot(tmp_path / "site") == fresh(content, tmp_path / "fresh")


def test_each_edit_gives_the_site_a_fresh_build_gives(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rebuild(content, out, cache)
    edits = {
        "a decision reworded": lambda text: text.replace("be supported", "be refused"),
        "the chair's name spelt out": lambda text: text.replace("A Smith (Chairman)", "Alice Smith (Chairman)"),
        "a new item": lambda text: text + "\n3. Flooding\n\nResolved: That the flood plan be noted.\n",
        "a new councillor": lambda text: text.replace("B Jones", "B Jones, C Patel"),
    }
    for n, (what, edit) in enumerate(edits.items()):
        parish = content / "parish.txt"
        parish.write_text(edit(parish.read_text(encoding="utf-8")), encoding="utf-8")
        result = rebuild(content, out, cache)
        assert 0 < result.pages_kept < result.pages - 1, what
        assert snapshot(out) == fresh(content, tmp_path / f"fresh-{n}"), what


def test_an_item_made_exempt_leaves_no_trace_of_its_text_in_the_rebuild(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    sale = "3. Land Sale at Mill Lane\n\nCANARY-9e2d the offer from Acme Homes was accepted.\n"
    content = make_content({"parish.txt": MINUTES + "\n" + sale}, with_seeds=True)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rebuild(content, out, cache)
    assert b"CANARY-9e2d" in (out / MEETING).read_bytes()
    exempt = ("PART II - EXEMPT INFORMATION\n\n" + sale.replace(
        "\n\n", "\n\nExempt under paragraph 3 of Schedule 12A to the Local Government Act 1972.\n\n", 1))
    (content / "parish.txt").write_text(MINUTES + "\n" + exempt, encoding="utf-8")
    result = rebuild(content, out, cache)
    assert result.pages_kept > 0
    assert [path for path, data in snapshot(out).items() if b"CANARY-9e2d" in data] == []
    assert snapshot(out) == fresh(content, tmp_path / "fresh")


def test_a_deleted_document_and_a_new_one_give_the_site_a_fresh_build_gives(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rebuild(content, out, cache)
    (content / "parish.txt").unlink()
    rebuild(content, out, cache)
    assert not (out / MEETING).exists()
    assert snapshot(out) == fresh(content, tmp_path / "without")
    (content / "parish.txt").write_text(MINUTES, encoding="utf-8")
    rebuild(content, out, cache)
    assert (out / MEETING).is_file()
    assert snapshot(out) == fresh(content, tmp_path / "with")


def test_a_changed_template_renders_every_page_again(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rebuild(content, out, cache, templates)
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "<p>Edited footer</p></footer>", 1),
                    encoding="utf-8")
    result = rebuild(content, out, cache, templates)
    assert result.pages_kept == 0
    assert "Edited footer" in (out / MEETING).read_text(encoding="utf-8")
    assert snapshot(out) == fresh(content, tmp_path / "fresh", templates)
