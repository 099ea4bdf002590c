"""Linking with a build cache: a relink looks answers up instead of working them out, and gives the same archive."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from minutebook import people, topics
from minutebook.link import LINK_CACHE, LinkInput, link_archive
from minutebook.model import Archive, NameRef, ParsedItem, ParsedMeeting
from minutebook.parsecache import read_documents
from minutebook.sources import discover

from .conftest import CONTENT


@pytest.fixture(scope="module")
def seeds() -> LinkInput:
    """The seed documents, read once, as the pipeline hands them to linking."""
    files, _ = discover(CONTENT)
    outcomes = read_documents(files)
    return LinkInput(
        [(o.path, list(o.meetings)) for o in outcomes if o.meetings is not None],
        [(o.path, o.skipped) for o in outcomes if o.meetings is None],
        people.load_overrides(CONTENT / "people.toml")[0],
        topics.load_overrides(CONTENT / "topics.toml")[0],
    )


def _same(a: Archive, b: Archive) -> None:
    assert repr(a) == repr(b)


def test_a_relink_from_the_cache_gives_the_same_archive(seeds: LinkInput, tmp_path: Path) -> None:
    fresh = link_archive(seeds)
    cold = link_archive(replace(seeds, cache=tmp_path))
    stored = (tmp_path / LINK_CACHE).read_bytes()
    warm = link_archive(replace(seeds, cache=tmp_path))
    _same(cold, fresh)
    _same(warm, fresh)
    assert (tmp_path / LINK_CACHE).read_bytes() == stored, "nothing changed, so the cache is not rewritten"


def _renamed(given: LinkInput, old: str, new: str) -> LinkInput:
    """Every text and name that says ``old`` says ``new`` instead."""

    def item(it: ParsedItem) -> ParsedItem:
        blocks = tuple(b._replace(text=b.text.replace(old, new)) for b in it.blocks)
        return replace(it, blocks=blocks, themes=None, theme_hits=None)

    def ref(r: NameRef) -> NameRef:
        return replace(r, text=r.text.replace(old, new))

    def meeting(m: ParsedMeeting) -> ParsedMeeting:
        return replace(m, present=tuple(map(ref, m.present)), chair=ref(m.chair) if m.chair else None,
                       items=tuple(item(i) if isinstance(i, ParsedItem) else i for i in m.items))

    return replace(given, parsed=[(path, [meeting(m) for m in parts]) for path, parts in given.parsed])


def test_answers_for_other_people_or_texts_are_not_reused(seeds: LinkInput, tmp_path: Path) -> None:
    link_archive(replace(seeds, cache=tmp_path))
    name = next(r.text for _, parts in seeds.parsed for m in parts for r in m.present)
    surname = name.split()[-1]
    changed = _renamed(seeds, surname, "Quennell")
    relinked = link_archive(replace(changed, cache=tmp_path))
    _same(relinked, link_archive(changed))
    assert any("quennell" in p.id for p in relinked.people)


def test_a_damaged_cache_only_costs_time(seeds: LinkInput, tmp_path: Path) -> None:
    (tmp_path / LINK_CACHE).write_bytes(b"\x80\x05not a pickle at all")
    _same(link_archive(replace(seeds, cache=tmp_path)), link_archive(seeds))
