"""Rebuilding after a change writes only what changed, and still swaps the site in whole.

Staff edit one document and build again; the site they publish must be exactly what a fresh
build of the same content gives, while every file whose bytes did not change stays the very
file it was (same inode: it was neither rewritten nor copied). Real builds into tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from minutebook import pipeline
from minutebook.pipeline import TEMPLATES, BuildOptions, build
from minutebook.publish import prepare_spare, published_files

from .conftest import build_site
from .test_build_cli import MINUTES, snapshot

MEETING = "meetings/2024-09-09-anytown-parish-council/index.html"


def inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def fresh(content: Path, folder: Path) -> dict[str, bytes]:
    """What a first build of ``content`` into an empty folder publishes."""
    assert build_site(content, folder).result.published
    return snapshot(folder)


def assert_only_changes_rewritten(out: Path, before: dict[str, bytes], before_inodes: dict[str, int]) -> None:
    """Every file whose bytes the site had before is one of the files that had them, wherever it is
    now (the search index moves to a new folder on every edit, most of its files unchanged)."""
    after, after_inodes = snapshot(out), inodes(out)
    holding: dict[bytes, set[int]] = {}
    for path, data in before.items():
        holding.setdefault(data, set()).add(before_inodes[path])
    unchanged = [path for path in after if after[path] in holding]
    assert len(unchanged) > len(after) * 0.9  # nearly all of the site is the same files
    assert [p for p in unchanged if after_inodes[p] not in holding[after[p]]] == []
    moved = [p for p in unchanged if before.get(p) != after[p]]
    assert any(p.startswith("search/") for p in moved)


def test_editing_one_document_republishes_its_pages_and_keeps_every_unchanged_file(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out = tmp_path / "site"
    assert build_site(content, out).result.published

    # Two edits in a row: the first rebuild makes a staging folder, later ones bring the spare up to date.
    for decision in ("refused", "deferred"):
        before, before_inodes = snapshot(out), inodes(out)
        (content / "parish.txt").write_text(MINUTES.replace("be supported", f"be {decision}"), encoding="utf-8")
        assert build_site(content, out).result.published
        assert f"That the application be {decision}." in (out / MEETING).read_text(encoding="utf-8")
        assert snapshot(out) == fresh(content, tmp_path / f"fresh-{decision}")
        assert_only_changes_rewritten(out, before, before_inodes)


def test_a_spare_is_linked_file_by_file_from_a_site_published_without_one(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out = tmp_path / "site"
    assert build_site(content, out).result.published
    spare = tmp_path / ".site.spare" / "tree"
    assert not spare.exists()  # a fresh build has no earlier site to keep
    prepare_spare(out)
    assert inodes(spare) == inodes(out)  # every file linked, none copied
    assert published_files(out) == json.loads(
        (spare.parent / "manifests" / f"{spare.stat().st_dev}-{spare.stat().st_ino}.json").read_text(encoding="utf-8"))
    prepare_spare(out)  # there is one now: left as it is
    assert inodes(spare) == inodes(out)


def test_the_first_rebuild_after_a_fresh_build_brings_the_spare_it_linked_meanwhile_up_to_date(  # type: ignore[no-untyped-def]
        tmp_path: Path, make_content, monkeypatch: pytest.MonkeyPatch) -> None:
    """Filling a fresh staging folder would link every unchanged file while the pages are written; the build
    links the spare on its second core while it reads and links, and publishes that folder."""
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out = tmp_path / "site"
    assert build_site(content, out).result.published
    made = tmp_path / "spare-made"
    prepare = pipeline.prepare_spare

    def noted(site: Path) -> None:  # in the forked child: what it made, for this test to see
        prepare(site)
        made.write_text(str((tmp_path / ".site.spare" / "tree").stat().st_ino), encoding="utf-8")

    monkeypatch.setattr(pipeline, "prepare_spare", noted)
    before, before_inodes = snapshot(out), inodes(out)
    (content / "parish.txt").write_text(MINUTES.replace("be supported", "be refused"), encoding="utf-8")
    assert build_site(content, out).result.published
    assert out.stat().st_ino == int(made.read_text(encoding="utf-8"))  # the linked spare, brought up to date
    assert snapshot(out) == fresh(content, tmp_path / "fresh")
    assert_only_changes_rewritten(out, before, before_inodes)


def test_edit_after_edit_the_spares_search_folder_becomes_the_new_index_and_only_its_changes_are_put(  # type: ignore[no-untyped-def]
        tmp_path: Path, make_content) -> None:
    """Each edit moves the search index to a new folder, and the spare holds the index of two builds
    back: that folder is renamed to the new one, so the files the two share are not linked again."""
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out = tmp_path / "site"
    spare = tmp_path / ".site.spare" / "tree"
    assert build_site(content, out).result.published
    for decision in ("refused", "deferred", "withdrawn"):
        (content / "parish.txt").write_text(MINUTES.replace("be supported", f"be {decision}"), encoding="utf-8")
        before = {p.name: p.stat().st_ino for p in (spare / "search").iterdir() if p.is_dir()} if spare.exists() else {}
        assert build_site(content, out).result.published
        index = [p for p in (out / "search").iterdir() if p.is_dir()]
        assert len(index) == 1 and index[0].name not in before
        if before:  # from the second rebuild on: the spare's folder, under its new name
            assert [index[0].stat().st_ino] == list(before.values())
        assert snapshot(out) == fresh(content, tmp_path / f"fresh-{decision}")  # nothing of the old index left


def test_a_deleted_document_takes_its_pages_and_download_with_it(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out = tmp_path / "site"
    for round_ in range(2):  # the second round publishes through the spare
        assert build_site(content, out).result.published
        assert (out / MEETING).is_file() and (out / "sources" / "parish.txt").is_file()
        (content / "parish.txt").unlink()
        assert build_site(content, out).result.published
        assert not (out / MEETING).parent.exists()
        assert not (out / "sources" / "parish.txt").exists()
        assert snapshot(out) == fresh(content, tmp_path / f"seeds-only-{round_}")
        (content / "parish.txt").write_text(MINUTES, encoding="utf-8")


def test_a_failed_build_leaves_the_previous_site_exactly_as_it_was(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out = tmp_path / "site"
    assert build_site(content, out).result.published
    assert build_site(content, out).result.published  # a spare now stands beside the site
    before, before_inodes = snapshot(out), inodes(out)

    (content / "parish.txt").write_text(MINUTES.replace("Monday 9th September", "Monday 31st February"), encoding="utf-8")
    assert not build_site(content, out).result.published
    assert snapshot(out) == before and inodes(out) == before_inodes

    (content / "parish.txt").write_text(MINUTES.replace("be supported", "be refused"), encoding="utf-8")
    assert build_site(content, out).result.published
    assert snapshot(out) == fresh(content, tmp_path / "fixed")


def test_a_spare_left_half_updated_by_a_killed_build_is_not_trusted(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out = tmp_path / "site"
    assert build_site(content, out).result.published
    assert build_site(content, out).result.published
    spare = tmp_path / ".site.spare"
    # What a kill in the middle of updating the spare leaves: its manifest gone, its files half old.
    tree_manifest = spare / "manifests" / f"{(spare / 'tree').stat().st_dev}-{(spare / 'tree').stat().st_ino}.json"
    tree_manifest.unlink()
    page = spare / "tree" / MEETING
    page.unlink()
    page.write_text("half-written", encoding="utf-8")
    os.remove(spare / "tree" / "index.html")

    assert build_site(content, out).result.published
    assert snapshot(out) == fresh(content, tmp_path / "expected")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site-")] == []


def search_files(out: Path) -> dict[str, int]:
    return {path: inode for path, inode in inodes(out).items() if path.startswith("search/") and path != "search/index.html"}


def test_a_rebuild_that_changes_nothing_searchable_keeps_the_search_index_files_as_they_were(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    """A new footer changes every page but nothing a search finds: the index is not made again,
    its files are the very files the last build wrote. An edited minute makes a new index."""
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    out = tmp_path / "site"
    assert build(BuildOptions(content=content, out=out, templates=templates)).published
    before = search_files(out)
    assert any(path.endswith("/manifest.json") for path in before) and len(before) > 20

    footer = templates / "base.html"
    for round_ in ("first", "second"):  # the second rebuild publishes through the spare
        footer.write_text(footer.read_text(encoding="utf-8").replace(
            "Accessibility statement", f"Accessibility statement ({round_} edit)"), encoding="utf-8")
        assert build(BuildOptions(content=content, out=out, templates=templates)).published
        assert f"({round_} edit)" in (out / MEETING).read_text(encoding="utf-8")
        assert search_files(out) == before
        assert snapshot(out) == snapshot_of_fresh_build(content, templates, tmp_path / f"fresh-{round_}")

    (content / "parish.txt").write_text(MINUTES.replace("be supported", "be refused"), encoding="utf-8")
    assert build(BuildOptions(content=content, out=out, templates=templates)).published
    after = search_files(out)
    assert after and not set(after) & set(before)  # a new folder, the old one gone
    records = "".join((out / path).read_text(encoding="utf-8") for path in after if "/r/" in path)
    assert "That the application be refused." in records
    assert "That the application be supported." not in records


def snapshot_of_fresh_build(content: Path, templates: Path, folder: Path) -> dict[str, bytes]:
    assert build(BuildOptions(content=content, out=folder, templates=templates)).published
    return snapshot(folder)


def test_a_kept_search_index_missing_a_file_is_made_again_in_full(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    """Someone deleted one of the live site's search files: the next build cannot keep that folder
    as it is, so it indexes again and publishes every file, the lost one included."""
    content = make_content({"parish.txt": MINUTES}, with_seeds=True)
    out = tmp_path / "site"
    assert build_site(content, out).result.published
    files = snapshot(out)
    lost = next(path for path in files if path.startswith("search/") and "/r/" in path)
    (out / lost).unlink()
    assert build_site(content, out).result.published
    assert snapshot(out) == files


def test_a_file_or_link_where_a_folder_must_now_be_is_replaced_and_never_written_through(tmp_path: Path) -> None:
    from minutebook.publish import Staging

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    staging = Staging(tmp_path / "site")
    (Path(staging.tree) / "minutes").write_text("a page that was a file")
    (Path(staging.tree) / "people").symlink_to(elsewhere, target_is_directory=True)
    staging.put("minutes/index.html", "<p>now a folder</p>")
    staging.put("people/index.html", "<p>people</p>")
    assert (Path(staging.tree) / "minutes" / "index.html").read_text() == "<p>now a folder</p>"
    assert not (Path(staging.tree) / "people").is_symlink()
    assert (Path(staging.tree) / "people" / "index.html").read_text() == "<p>people</p>"
    assert list(elsewhere.iterdir()) == []
    staging.discard()
