"""The search index the build writes under site/search/<hash>/, read back without a browser.

The build writes what lunr's weights are made of, split into small files; the reader's
browser weighs the postings and runs lunr.js 2.3.9's query parser and scoring over them
(assets/js/search-engine.js), fetching only what a query needs. So every agenda item,
meeting, person, topic and committee must be a
document; exempt content must never get in; every word must be indexed under the term
lunr.js looks up; and the split index must give exactly the top results an unsplit lunr
index of the same documents gives, on the seeds and on 100 synthetic meetings
(bench/make_archive.py).
tests/search_parity.js and tests/lunr_query.js are lunr.js's side of the comparisons.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lunr import lunr
from lunr.builder import Builder
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token

from minutebook import buildcache, lunrjs, searchstate, searchterms
from minutebook.config import SiteConfig
from minutebook.model import Archive
from minutebook.pipeline import BuildOptions, build
from minutebook.search import BOOSTS, FIELD_NAMES, FIELDS, collect, indexer_of, listed
from minutebook.searchterms import decimal

from .browser import NODE_MODULES, require
from .conftest import ROOT, BuiltSite, build_site, site_bytes
from .test_pages import PART_TWO_MINUTES

LUNR_QUERY = Path(__file__).with_name("lunr_query.js")
PARITY = Path(__file__).with_name("search_parity.js")
CANARY = "CANARY-41c7"

# lunr's query language: plain words, a prefix, a field, presence, a boost, an edit distance,
# a leading wildcard, a negation, and words that end in a vowel and y (stemmed differently by
# lunr.py's own stemmer).
QUERIES = ["risk", "register", "risk register", "perform*", "title:brexit", "+risk -brexit", "children",
           "crompton", "highways", "buckley", "delay*", "people:driver", "risk^10 register", "regist~1",
           "wednesday", "title:quarter text:ofsted", "*ment", "-risk", "+council +tax", "committee"]
# What the search page asks for plain words: each word, stemmed or as a beginning, all required.
WORDS = ["risk register", "performance", "perform", "council tax", "libraries", "adult social care", "crompton",
         "cabinet brexit", "2018", "co", "highways", "xqzvjw"]


@dataclass
class Split:
    site: Path
    manifest_url: str
    manifest: dict[str, Any]
    records: list[dict[str, Any]]
    """Every document's record, in document order."""
    terms: dict[str, list[Any]]
    """Every dictionary entry: term -> [term, idf, tier-0 postings, later tiers]."""
    folder: Path


def split_index(site: Path) -> Split:
    (folder,) = [p for p in (site / "search").iterdir() if p.is_dir()]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    records = []
    for chunk in sorted((folder / "r").glob("*.json"), key=lambda p: int(p.stem)):
        records += json.loads(chunk.read_text(encoding="utf-8"))
    terms = {}
    for n in range(len(manifest["buckets"])):
        for entry in json.loads((folder / "t" / f"{n}.json").read_text(encoding="utf-8")):
            terms[entry[0]] = entry
    return Split(site, f"/search/{folder.name}/manifest.json", manifest, records, terms, folder)


def unsplit_index(archive: Archive, path: Path) -> Path:
    """The same documents in one lunr.py index (refs are document numbers), as lunr.js loads it."""
    meetings, directory = collect(archive)
    documents = [d for group in meetings for d in group.documents] + directory
    builder = Builder()
    builder.pipeline.add(lunrjs.trimmer, stop_word_filter, lunrjs.stemmer)
    builder.search_pipeline.add(lunrjs.stemmer)
    index = lunr(ref="ref", fields=FIELDS, builder=builder, documents=[
        ({"ref": str(n), **dict(zip(FIELD_NAMES, d.fields, strict=True))}, {"boost": d.boost})
        for n, d in enumerate(documents)])
    path.write_text(json.dumps(index.serialize()), encoding="utf-8")
    return path


def node(script: Path, request: dict[str, Any]) -> dict[str, Any]:
    """Run a lunr.js side script under node with lunr.js 2.3.9 from node_modules."""
    executable = shutil.which("node")
    require(executable and (NODE_MODULES / "lunr").is_dir(), "node and node_modules/lunr are needed; `make test` installs them")
    assert executable is not None
    done = subprocess.run([executable, str(script)], input=json.dumps(request), capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def ranked(hits: list[list[Any]]) -> list[tuple[str, float]]:
    """Results as (ref, score to 3 places), best first; equal scores in ref order (lunr lists
    ties in the order it met them, the split index in document order)."""
    rounded = [(str(ref), round(score, 3)) for ref, score in hits]
    assert [s for _, s in rounded] == sorted((s for _, s in rounded), reverse=True)
    return sorted(rounded, key=lambda hit: (-hit[1], int(hit[0])))


def compare(site: BuiltSite, tmp_path: Path, queries: list[str], words: list[str]) -> dict[str, Any]:
    """Each query's top 10 from the split index (as the browser runs it) and from an unsplit lunr."""
    split = split_index(site.out)
    reference = unsplit_index(site.result.archive, tmp_path / "unsplit.json")
    found = node(PARITY, {"site": str(site.out), "manifest": split.manifest_url, "unsplit": str(reference),
                          "queries": queries, "words": words, "limit": 10})
    differences = []
    for kind, asked in (("queries", queries), ("words", words)):
        for text, outcome in zip(asked, found[kind], strict=True):
            assert "error" not in outcome, (text, outcome)
            # at the 10th place a tie may be broken either way: compare the places above it
            lunr_top, split_top = ranked(outcome["lunr"]), ranked(outcome["split"])
            tied = [s for _, s in lunr_top].count(lunr_top[-1][1]) if lunr_top else 0
            keep = len(lunr_top) - tied if len(lunr_top) == 10 and tied > 1 else len(lunr_top)
            if lunr_top[:keep] != split_top[:keep] or len(lunr_top) != len(split_top):
                differences.append(f"  {text!r}:\n    lunr  {lunr_top}\n    split {split_top}")
            # what the page shows before the last round is the start of the answer, and only grows
            refs = [ref for ref, _ in outcome["split"]]
            for before, after in zip(outcome["early"], outcome["early"][1:] + [refs], strict=True):
                if after[:len(before)] != before:
                    differences.append(f"  {text!r}: shown early {before}, then {after}")
    assert differences == [], "the split index and an unsplit lunr disagree:\n" + "\n".join(differences)
    return found


def test_every_item_meeting_person_topic_and_committee_is_a_document(seed_site: BuiltSite) -> None:
    split = split_index(seed_site.out)
    assert len(split.records) == split.manifest["documents"]
    urls = [record["u"] for record in split.records]
    expected = []
    for meeting in seed_site.data("meetings"):
        expected += [meeting["url"], *(f"{meeting['url']}#{item['anchor']}" for item in meeting["items"])]
    for kind in ("people", "topics", "committees"):
        expected += [entry["url"] for entry in seed_site.data(kind)]
    assert sorted(urls) == sorted(expected)
    # documents run oldest first, so each year is one range of ids, as the year filter reads it
    for year, first, count in split.manifest["years"]:
        dates = {record.get("d", "")[:4] or "undated" for record in split.records[first:first + count]}
        assert dates == {year}
    crompton = split.records[urls.index("/people/c-crompton/")]
    assert (crompton["k"], crompton["t"]) == ("person", "C Crompton")


def test_exempt_content_is_never_indexed_but_its_title_is(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content({"parish.txt": PART_TWO_MINUTES}), tmp_path / "site")
    assert site.result.published
    files = sorted(path for path in (site.out / "search").rglob("*") if path.is_file())
    assert files and [path.name for path in files if CANARY.encode() in path.read_bytes()] == []
    assert [path.name for path in files if b"Acme" in path.read_bytes()] == []

    split = split_index(site.out)
    (exempt,) = [(n, r) for n, r in enumerate(split.records) if r.get("e")]
    ref, record = exempt
    assert record["t"] == "3. Land Sale at Mill Lane" and "x" not in record
    assert record["u"] == site.meeting_on("2024-09-09")["url"] + "#item-3"
    # Its title finds it; what it said finds nothing, in the split index and in an unsplit lunr.
    found = compare(site, tmp_path, ["land sale mill lane", "acme", "offer", "250,000"], ["land sale", "acme"])
    for outcome in found["queries"][:1] + found["words"][:1]:
        assert str(ref) in [hit[0] for hit in outcome["split"]]
    assert [o["split"] for o in found["queries"][1:] + found["words"][1:]] == [[], [], [], []]


def test_the_split_index_gives_lunrs_own_top_ten_on_the_seeds(seed_site: BuiltSite, tmp_path: Path) -> None:
    found = compare(seed_site, tmp_path, QUERIES, WORDS)
    assert sum(len(o["split"]) for o in found["queries"]) > 100  # the queries do find things
    split = split_index(seed_site.out)
    first = {text: split.records[int(o["split"][0][0])]["u"] for text, o in zip(WORDS, found["words"], strict=True)
             if o["split"]}
    assert first["crompton"] == "/people/c-crompton/"
    assert first["risk register"] == "/topics/corporate-risk-and-opportunity-register/"


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """100 synthetic meetings made from the seeds' text, names and layouts (bench/make_archive.py:
    plain and ModernGov minutes, agenda packs, an item page): common words then have more
    postings than the dictionary carries, so the browser has to fetch further tiers."""
    folder = tmp_path_factory.mktemp("synthetic")
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_archive.py"), "100", str(folder / "content"),
                    "--seed", "7"], check=True, capture_output=True)
    site = build_site(folder / "content", folder / "site")
    assert site.result.published and len(site.result.archive.meetings) >= 100
    return site


def test_the_split_index_gives_lunrs_own_top_ten_on_100_meetings(synthetic_site: BuiltSite, tmp_path: Path) -> None:
    found = compare(synthetic_site, tmp_path, QUERIES, WORDS)
    outcomes = found["queries"] + found["words"]
    # Common words' postings are split: the top ten were certain before everything was read ...
    assert any(not o["complete"] and o["all"] > 128 for o in outcomes)
    # ... and the best of them before the last round of fetches, so the page could show them.
    assert any(len(o["early"]) > 1 and o["early"][0] for o in outcomes)
    # ... and a query reads a few files of the hundreds published.
    published = sum(1 for _ in split_index(synthetic_site.out).folder.rglob("*.json"))
    texts = QUERIES + WORDS
    reads = sorted(o["files"] for text, o in zip(texts, outcomes, strict=True) if "*" not in text and "~" not in text)
    assert reads[len(reads) // 2] <= 6 < published / 50, (reads, published)


def test_the_build_stems_every_word_as_lunr_js_does(seed_site: BuiltSite) -> None:
    texts = [text for record in split_index(seed_site.out).records for text in (record["t"], record.get("x", ""))]
    tokens = sorted({token for text in texts for token in re.split(r"[\s\-]+", text.lower()) if token})
    words = sorted({re.sub(r"^\W+|\W+$", "", token, flags=re.ASCII) for token in tokens} - {""})
    assert len(words) > 2000
    js = node(LUNR_QUERY, {"words": words, "tokens": tokens})
    py_stems = [str(lunrjs.stemmer(Token(word))) for word in words]
    stems = [f"  {word}: build {p!r}, lunr.js {j!r}" for word, p, j in zip(words, py_stems, js["stems"], strict=True) if p != j]
    assert stems == [], f"{len(stems)} of {len(words)} words are stemmed differently:\n" + "\n".join(stems)

    py_trimmed = [str(t) if (t := lunrjs.trimmer(Token(token))) else "" for token in tokens]
    trims = [f"  {token}: build {p!r}, lunr.js {j!r}" for token, p, j in zip(tokens, py_trimmed, js["trimmed"], strict=True) if p != j]
    assert trims == [], f"{len(trims)} of {len(tokens)} tokens are trimmed differently:\n" + "\n".join(trims)


def test_every_word_is_indexed_under_the_term_the_browser_looks_up(seed_site: BuiltSite) -> None:
    """What lunr.js's own pipeline makes of each title and text is a term in the dictionary."""
    split = split_index(seed_site.out)
    texts = [text for record in split.records for text in (record["t"], record.get("x", ""))]
    wanted = set(node(LUNR_QUERY, {"texts": texts})["terms"]) - {""}  # lunr.js keeps a token of punctuation as ""
    assert len(wanted) > 2000
    assert sorted(wanted - set(split.terms)) == []
    # and the dictionary is in JavaScript's string order, which the browser's bucket lookup relies on
    order = list(split.terms)
    assert order == sorted(order, key=lambda t: t.encode("utf-16-be"))
    assert split.manifest["buckets"] == sorted(split.manifest["buckets"], key=lambda t: t.encode("utf-16-be"))


def test_tokens_split_where_lunr_js_splits() -> None:
    """The build splits with str.split after replacing hyphens and the BOM: the same split as
    lunr.tokenizer.separator, /[\\s\\-]+/, which Python's re reads with str.split's whitespace."""
    separator = re.compile(r"[\s\-\ufeff]+")
    differ = [hex(code) for code in range(sys.maxunicode + 1)
              if (separator.fullmatch(chr(code)) is None) == (chr(code).replace("-", " ").replace("\ufeff", " ").split() == [])]
    assert differ == []


@pytest.mark.parametrize("values", [[0], [0, 9, 10, 99, 100, 999, 1000, 12345, 2**31, 2**53 + 1], list(range(0, 5000, 7))])
def test_numbers_are_written_as_str_writes_them(values: list[int]) -> None:
    text, offsets = decimal(np.array(values, dtype=np.int64))
    assert text.decode() == "".join(f"{v}," for v in values)
    assert [text[offsets[n]:offsets[n + 1] - 1].decode() for n in range(len(values))] == [str(v) for v in values]


def test_the_files_do_not_depend_on_how_the_terms_are_cut_into_blocks(synthetic_site: BuiltSite,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The postings are weighed a block of terms at a time, to bound memory: any block size
    gives the same files, down to a term a block."""
    meetings, directory = collect(synthetic_site.result.archive)
    documents = [d for group in meetings for d in group.documents] + directory

    def files() -> tuple[dict[str, bytes], list[str]]:
        made: dict[str, bytes] = {}
        starts = searchterms.dictionary([d.fields for d in documents], [d.boost for d in documents], BOOSTS,
                                        made.__setitem__).bucket_starts
        return made, starts

    whole = files()
    assert any(path.startswith("p/") for path in whole[0])  # later tiers are there to compare
    for block in (1, 100):
        monkeypatch.setattr(searchterms, "BLOCK", block)
        assert files() == whole


def _postings(numbers: list[int]) -> Iterator[tuple[int, list[tuple[int, int, int]]]]:
    """(document, [(field, frequency, length), ...]) of each posting as the build writes them:
    the gap from the document before, the field mask, then a frequency and a length a field."""
    doc, at = 0, 0
    while at < len(numbers):
        doc += numbers[at]
        mask, at = numbers[at + 1], at + 2
        fields = []
        for field in range(mask.bit_length()):
            if mask & (1 << field):
                fields.append((field, numbers[at], numbers[at + 1]))
                at += 2
        yield doc, fields


def _documents_in(numbers: list[int]) -> set[int]:
    return {doc for doc, _ in _postings(numbers)}


def test_editing_one_meeting_changes_only_the_search_files_that_hold_it(tmp_path: Path) -> None:
    """A clerk corrects a sentence in one meeting: the host is sent the few search files that
    hold that meeting's words, not a new copy of the whole index. (Each file's bytes are compared,
    whatever its path: the index's folder is named after all of it.)"""
    content = tmp_path / "content"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_archive.py"), "100", str(content), "--seed", "7"],
                   check=True, capture_output=True)
    site = build_site(content, tmp_path / "site")
    before = {path.read_bytes() for path in split_index(site.out).folder.rglob("*.json")}

    document = sorted(content.glob("*_plain.txt"))[20]
    lines = document.read_text(encoding="utf-8").split("\n")
    prose = max(range(len(lines)), key=lambda n: len(lines[n]))
    lines[prose] = lines[prose].rstrip() + " The committee also noted the Quillborrow survey."
    document.write_text("\n".join(lines), encoding="utf-8")
    site = build_site(content, tmp_path / "site")
    split = split_index(site.out)
    files = {str(path.relative_to(split.folder)): path.read_bytes() for path in split.folder.rglob("*.json")}
    new = sorted(path for path, data in files.items() if data not in before)

    (edited,) = [n for n, record in enumerate(split.records) if "Quillborrow" in record.get("x", "")]
    assert [p for p in new if p.startswith("r/")] == [f"r/{edited // split.manifest['recordChunk']}.json"]
    # a term's further postings change when the meeting is among the term's postings (it may have
    # moved another document from one tier to the next)
    holding = {f"p/{tier[0]}.json": entry for entry in split.terms.values() for tier in entry[3]}
    postings = [p for p in new if p.startswith("p/")]
    assert [p for p in postings if edited not in _documents_in(holding[p][2]).union(
        *(_documents_in(json.loads(files[f"p/{tier[0]}.json"])) for tier in holding[p][3]))] == []
    # a bucket changes when a term of the meeting is in it (the others' idf and bounds stay as they were)
    buckets = [p for p in new if p.startswith("t/")]
    assert buckets and [p for p in buckets if not any(
        edited in _documents_in(entry[2]).union(*(_documents_in(json.loads(files[f"p/{tier[0]}.json"]))
                                                   for tier in entry[3])) for entry in json.loads(files[p]))] == []
    assert "manifest.json" in new  # the average field lengths
    assert not [p for p in new if p.startswith("f/") or p == "names.json"]
    assert len(new) < len(files) / 5, (len(new), len(files))  # 97 of 872 when written
    assert "quillborrow" in split.terms


def test_a_rebuild_makes_again_only_the_search_files_an_edit_changed(tmp_path: Path) -> None:
    """A clerk corrects a sentence in one meeting. The rebuild ranks that meeting's words again, but
    it makes only the files whose bytes change: a further tier of postings or a dictionary bucket
    that the edit left as it was is the live site's, linked, not made again. (At 10,000 meetings
    the bench's edit made 809 tier files, 51 MB, of which 144 were new; and all 3,110 buckets.)"""
    content = tmp_path / "content"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_archive.py"), "100", str(content), "--seed", "7"],
                   check=True, capture_output=True)
    cache = tmp_path / "cache"
    build(BuildOptions(content=content, out=tmp_path / "site", cache=cache))
    live = {hashlib.sha256(path.read_bytes()).hexdigest() for path in split_index(tmp_path / "site").folder.rglob("*")
            if path.is_file()}
    document = sorted(content.glob("*_plain.txt"))[20]
    lines = document.read_text(encoding="utf-8").split("\n")
    prose = max(range(len(lines)), key=lambda n: len(lines[n]))
    lines[prose] = lines[prose].rstrip() + " The committee also noted the Quillborrow survey."
    document.write_text("\n".join(lines), encoding="utf-8")
    archive = build(BuildOptions(content=content, out=tmp_path / "fresh")).archive  # no cache: all made afresh
    fresh = split_index(tmp_path / "fresh")

    made: dict[str, bytes] = {}
    linked: dict[str, str] = {}

    def reuse(path: str, digest: str) -> bool:
        if digest in live:
            linked[path] = digest
        return digest in live

    index = indexer_of(archive, cache).write(listed(archive), put=made.__setitem__, reuse=reuse)
    assert index.folder == f"search/{fresh.folder.name}"
    files = {str(path.relative_to(tmp_path / "fresh")): path.read_bytes() for path in fresh.folder.rglob("*")
             if path.is_file()}
    assert {path: hashlib.sha256(data).hexdigest() for path, data in files.items() if path not in made} == linked
    assert {path: files[path] for path in made} == made
    tiers_and_buckets = [path for path in made if re.search(r"/[pt]/", path)]
    assert tiers_and_buckets, "the edit's words are in some files"
    assert [path for path in tiers_and_buckets if hashlib.sha256(made[path]).hexdigest() in live] == []
    assert len([path for path in linked if re.search(r"/[pt]/", path)]) > len(tiers_and_buckets)  # 315 and 93 when written


def test_each_rebuild_from_the_cache_publishes_what_a_build_from_nothing_does(tmp_path: Path) -> None:
    """A rebuild sends the search index only the meetings that changed, ranks again only their words,
    and takes everything else from the last build. Whatever the clerk did (corrected a meeting, added
    minutes from years back, so every later document is numbered anew, removed a meeting, named a
    councillor differently, chose to publish contact details), and even when the live site has lost
    the files it would link or the cache was damaged where it lies, the site is the one a build from
    nothing makes."""
    content = tmp_path / "content"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_archive.py"), "30", str(content), "--seed", "11"],
                   check=True, capture_output=True)
    (content / "early.txt").write_text(EARLY_MINUTES.format(year=1999), encoding="utf-8")
    cache, site = tmp_path / "cache", tmp_path / "site"

    def rebuilt_as_fresh(out: Path, config: SiteConfig | None = None) -> int:
        """The meetings the rebuild's search index took as they were."""
        config = config or SiteConfig()
        result = build(BuildOptions(content=content, out=out, cache=cache, config=config))
        shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
        build(BuildOptions(content=content, out=tmp_path / "fresh", config=config))
        assert site_bytes(out) == site_bytes(tmp_path / "fresh")
        return result.search_kept

    meetings = len(build(BuildOptions(content=content, out=site, cache=cache)).archive.meetings)
    assert any(entry[3] for entry in split_index(site).terms.values())  # further tiers, kept and bounded again
    # a new word, many times, in a short meeting: every average length moves, so do the bounds of
    # the common words the meeting does not have, which the rebuild takes from the last
    (content / "early.txt").write_text(EARLY_MINUTES.format(year=1999).replace(
        "noted.", "noted." + " Quillborrow" * 300), encoding="utf-8")
    assert rebuilt_as_fresh(site) == meetings - 1
    (content / "earlier.txt").write_text(EARLY_MINUTES.format(year=1998), encoding="utf-8")  # all renumbered
    assert rebuilt_as_fresh(site) == meetings + 1 - 2  # not the new one, nor the one it now comes before
    sorted(content.glob("*_plain.txt"))[3].unlink()
    assert rebuilt_as_fresh(site) == meetings - 1  # not the one the removed meeting came before
    (content / "early.txt").write_text(EARLY_MINUTES.format(year=1999).replace(
        "noted.", "noted. Questions to geoff.driver@lancashire.gov.uk."), encoding="utf-8")
    assert rebuilt_as_fresh(site) == meetings - 1
    (content / "people.toml").write_text('[[person]]\nname = "Geoffrey Driver"\naliases = ["Geoff Driver"]\n',
                                         encoding="utf-8")
    assert 0 < rebuilt_as_fresh(site) < meetings - 1  # the meetings that name him
    # the same files, read with their contact details this time: a meeting's documents may change
    with_contacts = SiteConfig(publish_contact_details=True)
    assert rebuilt_as_fresh(site, with_contacts) == 0
    records = cache / searchstate.RECORDS  # damaged where it lies: its size and time say nothing
    stat = records.stat()
    with records.open("r+b") as file:
        file.write(b"\0" * 64)
    os.utime(records, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert rebuilt_as_fresh(site, with_contacts) == 0  # the build indexed everything itself, and kept it again
    (content / "early.txt").write_text(EARLY_MINUTES.format(year=1999), encoding="utf-8")
    assert rebuilt_as_fresh(tmp_path / "elsewhere", with_contacts) == meetings - 1  # no live site to link from


def test_after_an_upgrade_that_leaves_the_index_as_it_was_unchanged_meetings_are_sent_as_keys_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The council upgrades Minutebook; the search index's code is the same. A meeting's feed key names
    the code, so the first build sends every meeting whole, and finds the very index the live site has.
    It keeps the new keys: the build after sends each unchanged meeting as its key alone again."""
    content = tmp_path / "content"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_archive.py"), "30", str(content), "--seed", "11"],
                   check=True, capture_output=True)
    options = BuildOptions(content=content, out=tmp_path / "site", cache=tmp_path / "cache")
    meetings = len(build(options).archive.meetings)
    assert build(options).search_kept == meetings
    monkeypatch.setattr(buildcache, "package_version", lambda: "the next release")
    upgraded = build(options)
    assert upgraded.search_kept == 0
    assert build(options).search_kept == meetings


EARLY_MINUTES = """Minutes of a meeting of the Cabinet held on 2 March {year} at 2.00 pm at County Hall, Preston

Present:
County Councillor Geoff Driver (Chair)

1. Highways

Resolved: That the report be noted.
"""


def test_what_bounds_a_words_further_postings_is_the_most_they_hold(synthetic_site: BuiltSite) -> None:
    """The browser fetches a word's next tier only while its postings could still add more than the
    results need; what it knows of them before fetching must be exactly the most they hold per
    field, weighed as lunr weighs, and in total no less than the most and little more (too little
    would give wrong results, too much needless fetches). The total is weighed without the idf and
    with the highest averages that round as these do, so that a rebuild keeps it while they do."""
    split = split_index(synthetic_site.out)
    manifest = split.manifest
    k1, b = manifest["bm25"]

    def weight(idf: float, frequency: int, length: int, field: int, boost: float) -> int:
        score = (idf * ((k1 + 1) * frequency) / (k1 * (1 - b + b * (length / manifest["averages"][field])) + frequency)
                 * manifest["fieldBoosts"][field] * boost)
        return round(score * 1000)  # half to even, as lunr.py rounds

    def boost_of(doc: int) -> float:
        return manifest["directoryBoost"] if doc >= manifest["directory"] else 1

    checked = 0
    for term, idf, first, later in split.terms.values():
        assert len(first) and (not later or len(list(_postings(first))) == searchterms.TIERS[0])
        tiers = [list(_postings(json.loads((split.folder / "p" / f"{tier[0]}.json").read_text()))) for tier in later]
        for n, (_, total, corners) in enumerate(later):
            held = [posting for tier in tiers[n:] for posting in tier]
            totals = [sum(weight(idf, f, length, field, boost_of(doc)) for field, f, length in fields)
                      for doc, fields in held]
            bound = idf * total + 0.5 * len(manifest["fields"])  # as the browser takes it (search-engine.js: most)
            assert max(totals) <= bound <= max(totals) * 1.11 + 1 + 0.5 * len(manifest["fields"]), term
            for field in range(len(manifest["fields"])):
                most = max((weight(idf, f, length, field, boost_of(doc)) for doc, fields in held
                            for at, f, length in fields if at == field), default=0)
                bound = max((weight(idf, corners[c + 1], corners[c + 2], field, corners[c + 3])
                             for c in range(0, len(corners), 4) if corners[c] == field), default=0)
                assert bound == most, (term, n, field)
            checked += 1
    assert checked > 100
