"""The search index the build writes under site/search/, read back without a browser.

The build indexes with lunr.py; the reader's browser searches with lunr.js 2.3.9. So every
agenda item, meeting, person, topic and committee must be a document; exempt content must
never get in; and the two lunrs must agree: the same results for the same query, and the
same term for every word of the archive (a word the build stems one way and the browser the
other can never be found). tests/lunr_query.js is lunr.js's side of the comparison.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.token import Token

from minutebook import lunrjs

from .browser import NODE_MODULES, require
from .conftest import BuiltSite, build_site
from .test_pages import PART_TWO_MINUTES

LUNR_QUERY = Path(__file__).with_name("lunr_query.js")
CANARY = "CANARY-41c7"

# lunr query syntax: plain words, a prefix, a field, presence, a boost, an edit distance, and
# words that end in a vowel and y, which lunr.py's own stemmer treats differently from lunr.js.
QUERIES = ["risk", "register", "risk register", "perform*", "title:brexit", "+risk -brexit", "children",
           "crompton", "highways", "buckley", "delay*", "people:driver", "risk^10 register", "regist~1",
           "wednesday", "title:quarter text:ofsted"]


def shards(site: Path) -> dict[str, dict[str, Any]]:
    """Shard name -> {"index", "docs", "path"}, in the manifest's order (the browser's load order)."""
    (manifest,) = (site / "search").glob("manifest.*.json")
    listed = json.loads(manifest.read_text(encoding="utf-8"))["shards"]
    loaded = {}
    for entry in listed:
        path = site / entry["url"].lstrip("/")
        loaded[entry["name"]] = {**json.loads(path.read_text(encoding="utf-8")), "path": str(path)}
    return loaded


def lunr_js(request: dict[str, Any]) -> dict[str, Any]:
    """Run tests/lunr_query.js under node with lunr.js 2.3.9 from node_modules."""
    node = shutil.which("node")
    require(node and (NODE_MODULES / "lunr").is_dir(), "node and node_modules/lunr are needed; `make test` installs them")
    assert node is not None
    done = subprocess.run([node, str(LUNR_QUERY)], input=json.dumps(request), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def lunr_py(shard: dict[str, Any]) -> Index:
    """A shard's index loaded by lunr.py. Its search pipeline is serialised as "stemmer", which
    names lunr.js's own in the browser; here it is the build's copy of that stemmer, since lunr.py's
    registered "stemmer" differs (it stems "highways" to "highwai")."""
    index = Index.load(shard["index"])
    index.pipeline = Pipeline()
    index.pipeline.add(lunrjs.stemmer)
    return index


def words_of(shards: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Every token of the shards' titles and texts as lunr splits them (lowercased, split on
    whitespace and hyphens), and the words they trim to (non-word characters off both ends)."""
    tokens = {token for shard in shards.values() for doc in shard["docs"].values()
              for text in (doc["t"], doc.get("x", "")) for token in re.split(r"[\s\-]+", text.lower()) if token}
    words = {re.sub(r"^\W+|\W+$", "", token, flags=re.ASCII) for token in tokens} - {""}
    return sorted(tokens), sorted(words)


def ranked(hits: list[tuple[str, float]] | list[list[Any]]) -> list[tuple[str, float]]:
    """Results as (ref, score to 3 places), best first. Equal scores are put in ref order: lunr.js
    lists them in numeric ref order (JavaScript orders integer-like object keys), lunr.py in the
    JSON's string order, and the search page breaks ties by date and address anyway."""
    rounded = [(str(ref), round(score, 3)) for ref, score in hits]
    order = [score for _, score in rounded]
    assert order == sorted(order, reverse=True)  # each engine ranks best first
    return sorted(rounded, key=lambda hit: (-hit[1], int(hit[0])))


def test_every_item_meeting_person_topic_and_committee_is_a_document(seed_site: BuiltSite) -> None:
    found = shards(seed_site.out)
    assert list(found) == ["directory", "2019", "2018", "2017", "undated"]
    documents = {doc["u"]: (name, doc) for name, shard in found.items() for doc in shard["docs"].values()}
    expected: dict[str, str] = {}
    for meeting in seed_site.data("meetings"):
        year = meeting["date"][:4] if meeting["date"] else "undated"
        expected[meeting["url"]] = year
        expected.update({f"{meeting['url']}#{item['anchor']}": year for item in meeting["items"]})
    for kind in ("people", "topics", "committees"):
        expected.update({entry["url"]: "directory" for entry in seed_site.data(kind)})
    assert sorted(set(expected) - set(documents)) == []
    assert {url: documents[url][0] for url in expected} == expected  # each in its year's shard
    for name, shard in found.items():  # and each document is in the index
        assert len(shard["index"]["fieldVectors"]) == 5 * len(shard["docs"]), name
    crompton = documents["/people/c-crompton/"][1]
    assert (crompton["k"], crompton["t"]) == ("person", "C Crompton")


def test_exempt_content_is_never_indexed_but_its_title_is(tmp_path: Path, make_content) -> None:  # type: ignore[no-untyped-def]
    site = build_site(make_content({"parish.txt": PART_TWO_MINUTES}), tmp_path / "site")
    assert site.result.published
    files = sorted(path for path in (site.out / "search").rglob("*") if path.is_file())
    assert files and [path.name for path in files if CANARY.encode() in path.read_bytes()] == []
    assert [path.name for path in files if b"Acme" in path.read_bytes()] == []

    found = shards(site.out)
    exempt = {ref: doc for ref, doc in found["2024"]["docs"].items() if doc.get("e")}
    ((ref, doc),) = exempt.items()
    assert doc["t"] == "3. Land Sale at Mill Lane" and "x" not in doc
    assert doc["u"] == site.meeting_on("2024-09-09")["url"] + "#item-3"
    # Its title finds it, in the browser's lunr and in the build's; what it said finds nothing.
    queries = ["land sale mill lane", "acme", "offer", "250,000"]
    js = lunr_js({"shards": {"2024": found["2024"]["path"]}, "queries": queries})["results"]["2024"]
    py = [[[hit["ref"], hit["score"]] for hit in lunr_py(found["2024"]).search(q)] for q in queries]
    for results in (js, py):
        assert results[0][0][0] == ref
        assert results[1:] == [[], [], []]


def test_lunr_py_and_lunr_js_give_the_same_results(seed_site: BuiltSite) -> None:
    found = shards(seed_site.out)
    js = lunr_js({"shards": {name: shard["path"] for name, shard in found.items()}, "queries": QUERIES})["results"]
    differences = []
    hits = 0
    for name, shard in found.items():
        index = lunr_py(shard)
        for query, from_js in zip(QUERIES, js[name], strict=True):
            in_py = ranked([(hit["ref"], hit["score"]) for hit in index.search(query)])
            in_js = ranked(from_js)
            hits += len(in_py)
            if in_py != in_js:
                differences.append(f"  {name} {query!r}:\n    lunr.py {in_py[:8]}\n    lunr.js {in_js[:8]}")
    assert differences == [], "lunr.py and lunr.js disagree:\n" + "\n".join(differences)
    assert hits > 100  # the queries do find things

    # And the reader's searches land where they should.
    people = lunr_py(found["directory"]).search("crompton")
    assert found["directory"]["docs"][people[0]["ref"]]["u"] == "/people/c-crompton/"
    topics = lunr_py(found["directory"]).search("risk register")
    assert found["directory"]["docs"][topics[0]["ref"]]["u"] == "/topics/corporate-risk-and-opportunity-register/"
    for query in ("highways", "buckley"):
        assert lunr_py(found["directory"]).search(query), f"{query!r} finds nothing in the directory"


def test_the_build_stems_every_word_as_lunr_js_does(seed_site: BuiltSite) -> None:
    tokens, words = words_of(shards(seed_site.out))
    assert len(words) > 2000
    js = lunr_js({"words": words, "tokens": tokens})
    py_stems = [str(lunrjs.stemmer(Token(word))) for word in words]
    stems = [f"  {word}: build {p!r}, lunr.js {j!r}" for word, p, j in zip(words, py_stems, js["stems"], strict=True) if p != j]
    assert stems == [], f"{len(stems)} of {len(words)} words are stemmed differently:\n" + "\n".join(stems)

    py_trimmed = [str(t) if (t := lunrjs.trimmer(Token(token))) else "" for token in tokens]
    trims = [f"  {token}: build {p!r}, lunr.js {j!r}" for token, p, j in zip(tokens, py_trimmed, js["trimmed"], strict=True) if p != j]
    assert trims == [], f"{len(trims)} of {len(tokens)} tokens are trimmed differently:\n" + "\n".join(trims)


def test_every_word_is_indexed_under_the_term_the_browser_looks_up(seed_site: BuiltSite) -> None:
    """What lunr.js's own pipeline makes of each title and text is a term of that shard's index."""
    missing = {}
    for name, shard in shards(seed_site.out).items():
        texts = [text for doc in shard["docs"].values() for text in (doc["t"], doc.get("x", ""))]
        wanted = set(lunr_js({"texts": texts})["terms"]) - {""}  # lunr.js keeps a token of punctuation as ""
        assert len(wanted) > 50, name
        indexed = {term for term, _ in shard["index"]["invertedIndex"]}
        if wanted - indexed:
            missing[name] = sorted(wanted - indexed)
    assert missing == {}, "terms the browser looks up that are not in the index:\n" + "\n".join(
        f"  {name} ({len(terms)}): {' '.join(terms[:30])}" for name, terms in missing.items())

