"""Independent check of the parser on layouts it was not developed on.

``tests/fixtures/unseen/content/`` holds minutes and agendas in other councils'
published layouts (English parish and town councils, a district council web
page, a ModernGov page, Welsh, Irish, Scottish and US bodies, an agenda pack, a
Markdown page with front matter, dates without a year).  Their facts were read
by hand into ``tests/fixtures/unseen/expected.json``.  The big test builds the
corpus with the real CLI and scores the export field by field with
``bench/score_fields.py``; the rest test the scorer itself (``-k scorer``) and
the fixtures' consistency.
"""
from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
UNSEEN = REPO / "tests" / "fixtures" / "unseen"
CONTENT = UNSEEN / "content"
EXPECTED_PATH = UNSEEN / "expected.json"
SCORER_PATH = REPO / "bench" / "score_fields.py"
MIN_F1 = 0.9

EXPECTED_KEYS = {
    "source", "kind", "body", "committee", "date", "start_time", "venue", "chair",
    "present", "apologies", "officers", "items", "next_meeting",
}


def _load_scorer():
    spec = importlib.util.spec_from_file_location("score_fields", SCORER_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_fields", module)
    spec.loader.exec_module(module)
    return module


sf = _load_scorer()


def _expected() -> list[dict]:
    return json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))


def _as_export(expected: list[dict]) -> list[dict]:
    """Turn hand-read records into what a perfect build would export."""
    out = []
    for i, rec in enumerate(copy.deepcopy(expected)):
        nxt = rec.pop("next_meeting")
        out.append({
            "id": f"m{i}",
            "url": f"/meetings/m{i}/",
            "sources": [rec.pop("source")],
            "previous_meeting": None,
            "next_meeting": None if nxt is None else {"id": None, "date": nxt},
            **rec,
            "items": [dict(item, topics=[]) for item in rec["items"]],
        })
    return out


# --------------------------------------------------------------------------- the check


def test_unseen_layouts_field_f1(tmp_path):
    out = tmp_path / "site"
    cmd = [sys.executable, "build.py", "build", "--content", str(CONTENT), "--out", str(out), "--quiet"]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (
        f"build exited {proc.returncode}\n--- stdout ---\n{proc.stdout[-4000:]}"
        f"\n--- stderr ---\n{proc.stderr[-4000:]}"
    )
    meetings_path = out / "data" / "meetings.json"
    assert meetings_path.is_file(), f"no {meetings_path} after build"
    meetings = json.loads(meetings_path.read_text(encoding="utf-8"))
    result = sf.score(_expected(), meetings)
    print(result.report(verbose=True))
    assert result.micro_f1 >= MIN_F1, (
        f"micro F1 {result.micro_f1:.3f} < {MIN_F1}\n{result.report(verbose=True)}"
    )


# --------------------------------------------------------------------------- scorer unit tests


def test_scorer_perfect_export_scores_one():
    expected = _expected()
    result = sf.score(expected, _as_export(expected))
    assert result.micro_f1 == 1.0, result.report(verbose=True)
    assert result.meetings_matched == len(expected)
    assert result.meetings_extra == 0
    assert not result.misses
    for name in sf.FIELDS:
        assert result.fields[name].fp == 0 and result.fields[name].fn == 0, name


def test_scorer_wrong_date_lowers_date_f1():
    expected = _expected()
    actual = _as_export(expected)
    actual[0]["date"] = "2023-09-09"
    result = sf.score(expected, actual)
    assert result.f1("date") < 1.0
    assert result.fields["date"].fp == 1 and result.fields["date"].fn == 1
    assert result.micro_f1 < 1.0
    assert result.f1("present") == 1.0  # the record is still paired by source
    assert any(m.field == "date" and m.got == "2023-09-09" for m in result.misses)


def test_scorer_name_normalisation():
    assert sf.names_match("County Councillor Geoff Driver CBE (Chair)", "Geoff Driver")
    assert sf.names_match("Geoff Driver", "County Councillor Geoff Driver CBE (Chair)")
    assert not sf.names_match("J Smith", "K Smith")
    assert sf.names_match("J Smith", "John Smith")
    assert not sf.names_match("Jane Doe", "John Doe")
    assert sf.names_match("Patel", "Council Member Patel (excused)")
    assert sf.names_match("Jane Doe", "Mayor Jane Doe")
    assert sf.names_match("L Fenn", "Cllr Mrs L Fenn (Chairman)")
    assert sf.names_match("Seán Ó Briain", "Cllr. Sean O Briain, Cathaoirleach")
    assert sf.names_match("Dafydd ap Iorwerth", "Cyng. / Cllr Dafydd ap Iorwerth")
    assert sf.names_match("Sarah Okafor", "Sarah Okafor \u2013 Development Manager")
    assert sf.names_match("Robert Haines", "Robert Haines, City Manager")
    assert sf.names_match("Iain Rutherford", "Bailie Iain Rutherford")
    assert sf.names_match("Fletcher-Hughes", "FletcherHughes")
    assert not sf.names_match("Fletcher-Hughes", "Fletcher- Hughes")
    assert not sf.names_match("Adams", "Baker")


def test_scorer_name_lists_one_to_one():
    exp = [{"source": "a.txt", "kind": ["minutes"], "present": ["A Smith", "B Smith", "Jones"]}]
    act = [{"sources": ["a.txt"], "kind": ["minutes"],
            "present": ["Cllr Alan Smith", "Cllr Alan Smith", "Cllr K Jones", "Cllr Brown"]}]
    result = sf.score(exp, act)
    c = result.fields["present"]
    assert (c.tp, c.fp, c.fn) == (2, 2, 1)


def test_scorer_scalar_rules():
    exp = [{"source": "a.txt", "kind": ["minutes"], "body": "The Northmoor District Council",
            "committee": "Planning Committee", "venue": "Village Hall", "start_time": "19:30",
            "chair": None, "next_meeting": "2024-10-14"}]
    act = [{"sources": ["content/a.txt"], "kind": ["minutes"], "body": "Northmoor  district council",
            "committee": "Northmoor District Council Planning Committee",
            "venue": "the Village Hall, Church Lane", "start_time": "19:30",
            "chair": "Cllr A Smith", "next_meeting": {"id": "x", "date": "2024-10-15"}}]
    result = sf.score(exp, act)
    f = result.fields
    assert (f["body"].tp, f["committee"].tp, f["venue"].tp, f["start_time"].tp) == (1, 1, 1, 1)
    assert (f["chair"].tp, f["chair"].fp, f["chair"].fn) == (0, 1, 0)  # extra when expected null
    assert (f["next_meeting"].fp, f["next_meeting"].fn) == (1, 1)  # wrong
    result = sf.score(exp, [{"sources": ["a.txt"], "kind": ["minutes"]}])
    assert result.fields["body"].fn == 1 and result.fields["body"].fp == 0  # missing


def test_scorer_items_by_number_and_exempt_flag():
    exp = [{"source": "a.html", "kind": ["minutes"], "items": [
        {"number": "29", "title": "Exclusion of the press and public", "exempt": False},
        {"number": "30", "title": "Disposal of Land at Marsh Road Depot", "exempt": True},
        {"number": "31", "title": "Date of next meeting", "exempt": False},
    ]}]
    act = [{"sources": ["a.html"], "kind": ["minutes"], "items": [
        {"number": "29.", "title": "Exclusion of the Press and Public", "exempt": False, "topics": []},
        {"number": "30", "title": "Disposal of land at Marsh Road Depot", "exempt": False, "topics": []},
        {"number": "32", "title": "Any other business", "exempt": False, "topics": []},
    ]}]
    result = sf.score(exp, act)
    items, exempt = result.fields["items"], result.fields["items.exempt"]
    assert (items.tp, items.fp, items.fn) == (2, 1, 1)
    assert (exempt.tp, exempt.fp, exempt.fn) == (1, 2, 2)
    assert any(m.field == "items[30].exempt" for m in result.misses)


def test_scorer_item_titles_containment():
    assert sf.title_equal("Date of next meeting", "Date of Next Meeting: Thursday 7th November 2024")
    assert sf.title_equal("Croeso ac Ymddiheuriadau / Welcome and Apologies", "Welcome & Apologies")
    assert not sf.title_equal("Planning", "Planning: the following applications were considered "
                                          "and the Council resolved to object to all of them")
    assert not sf.title_equal("Finance", "Highways")


def test_scorer_pairs_two_meetings_from_one_file():
    expected = [r for r in _expected() if r["source"] == "parish_pack_great_oxley.txt"]
    assert len(expected) == 2
    actual = list(reversed(_as_export(expected)))
    assert sf.score(expected, actual).micro_f1 == 1.0
    # only one meeting found: the other's units all count as missed
    result = sf.score(expected, actual[:1])
    assert result.meetings_matched == 1
    assert result.micro.fp == 0 and result.micro.fn > 0
    assert any(m.field == "meeting" for m in result.misses)


def test_scorer_unmatched_and_extra_meetings():
    expected = _expected()[:1]
    result = sf.score(expected, [])
    assert result.micro.tp == 0 and result.micro.fn > 0 and result.micro_f1 == 0.0
    actual = _as_export(expected) + _as_export(expected)  # a spurious second meeting
    result = sf.score(expected, actual)
    assert result.meetings_extra == 1
    assert result.micro.fn == 0 and result.micro.fp > 0
    # records from files outside the expected set are ignored
    other = _as_export(expected)
    other[0]["sources"] = ["elsewhere.txt"]
    assert sf.score(expected, _as_export(expected) + other).micro_f1 == 1.0


def test_scorer_cli_verbose(tmp_path):
    expected = _expected()
    actual = _as_export(expected)
    actual[0]["present"] = actual[0]["present"][1:]
    path = tmp_path / "meetings.json"
    path.write_text(json.dumps(actual), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(SCORER_PATH), str(EXPECTED_PATH), str(path), "--verbose"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "micro F1" in proc.stdout
    first = expected[0]
    assert f"{first['source']}: present: expected '{first['present'][0]}', got nothing" in proc.stdout
    proc = subprocess.run(
        [sys.executable, str(SCORER_PATH), str(EXPECTED_PATH), str(path), "--fail-under", "1.0"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert proc.returncode == 1


# --------------------------------------------------------------------------- fixture consistency


def test_corpus_expected_records_are_well_formed():
    expected = _expected()
    files = sorted(p.name for p in CONTENT.iterdir() if p.is_file())
    assert 10 <= len(files) <= 12
    assert sorted({r["source"] for r in expected}) == files
    for rec in expected:
        assert set(rec) == EXPECTED_KEYS, rec["source"]
        assert rec["kind"] and set(rec["kind"]) <= {"minutes", "agenda"}
        for key in ("date", "next_meeting"):
            if rec[key] is not None:
                dt.date.fromisoformat(rec[key])
        assert rec["start_time"] is None or re.fullmatch(r"[0-2]\d:[0-5]\d", rec["start_time"])
        for key in ("present", "apologies", "officers"):
            assert isinstance(rec[key], list)
        if rec["chair"] is not None:
            assert any(sf.names_match(rec["chair"], p) for p in rec["present"]), rec["source"]
        numbers = [i["number"] for i in rec["items"]]
        assert len(numbers) == len(set(numbers)), rec["source"]
        for item in rec["items"]:
            assert set(item) == {"number", "title", "exempt"}
            assert not item["number"].endswith(".")


def test_corpus_documents_are_realistic_sizes():
    for path in CONTENT.iterdir():
        size = path.stat().st_size
        assert 1000 <= size <= 8192, (path.name, size)


@pytest.mark.parametrize("rec", _expected(), ids=lambda r: f"{r['source']}@{r['date']}")
def test_corpus_expected_facts_appear_in_document(rec):
    """Guard against typos in the hand-read facts: every name and item number is in the text."""
    text = (CONTENT / rec["source"]).read_text(encoding="utf-8")
    flat = re.sub(r"-\n", "-", text)  # "Fletcher-\nHughes"
    flat = re.sub(r"\s+", " ", flat)
    for key in ("present", "apologies", "officers"):
        for name in rec[key]:
            _, surname = sf.name_tokens(name)
            assert surname and surname in sf.norm_text(flat).replace(" ", ""), (key, name)
    for item in rec["items"]:
        assert item["number"] in flat, item["number"]
