#!/usr/bin/env python3
"""Field-by-field scorer for Minutebook's meetings.json against hand-read facts.

Usage:
    python bench/score_fields.py EXPECTED.json MEETINGS.json [--verbose] [--fail-under F1]

EXPECTED.json is a JSON array with one record per meeting, keyed by ``source``
(a path relative to the content directory)::

    {"source": "parish_ashby.txt", "kind": ["minutes"], "body": "...", "committee": "...",
     "date": "2024-09-09", "start_time": "19:30", "venue": "Village Hall",
     "chair": "A Smith", "present": ["A Smith"], "apologies": [], "officers": ["J Brown"],
     "items": [{"number": "24/117", "title": "Apologies for Absence", "exempt": false}],
     "next_meeting": "2024-10-14"}

MEETINGS.json is the build's export (``site/data/meetings.json``): records with
``sources``, ``body``, ``committee``, ``date``, ``start_time``, ``venue``, ``kind``,
``chair``, ``present``, ``apologies``, ``officers``, ``items`` and ``next_meeting``
(an object ``{"id": ..., "date": ...}`` or null).

Counting (true positives / false positives / false negatives):

* scalar fields (body, committee, date, start_time, venue, chair, next_meeting's
  date) are one unit each: right = TP, wrong = FP + FN, missing = FN, given
  when the expected value is null = FP.  Text is compared normalised (case,
  accents, whitespace, punctuation, "&" = "and", a leading "the").  venue and
  committee also count as right when one normalised string contains the other
  (whole words).  chair is compared as a person's name (see below).
* list fields (kind, present, apologies, officers) count per element, matched
  one-to-one.  Names are normalised first: titles (Cllr, Councillor, County
  Councillor, Council Member, Mr, Mrs, Dr, Bailie, Cyng., ...), postnominals
  (CBE, JP, ...), anything in brackets ("(Chair)") and anything after a comma
  or a spaced dash ("Jane Roe, City Clerk", "Ann Lee - Solicitor") are dropped.
  Two names match when their surnames are equal and their forenames are
  compatible (one side has none, or the first forenames are equal, or an
  initial agrees with the other's first forename or initial).
* items are matched by number (normalised: case, spaces, trailing "." or ")",
  a leading "Item"/"Minute"); an expected item whose number is null is matched
  by title.  Per matched item, the title is one unit (right if the normalised
  strings are equal or one contains the other and the shorter is at least a
  third of the longer) and the exempt flag is another unit (field
  ``items.exempt``).  Unmatched expected items are FN on both, extra actual
  items FP on both.
* each expected record is paired with an actual record whose ``sources``
  contains its source, preferring the same date, then the same kind.  An
  unpaired expected record counts all its units as FN; an actual record that
  claims one of the expected sources but is paired with nothing counts all
  its units as FP.  Actual records from other sources are ignored.

The headline number is the micro-averaged F1 over all units.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

SCALAR_TEXT_FIELDS = ("body", "committee", "venue")
CONTAINMENT_FIELDS = ("committee", "venue")
NAME_LIST_FIELDS = ("present", "apologies", "officers")
FIELDS = (
    "body",
    "committee",
    "date",
    "start_time",
    "venue",
    "chair",
    "next_meeting",
    "kind",
    "present",
    "apologies",
    "officers",
    "items",
    "items.exempt",
)


# --------------------------------------------------------------------------- counts


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def units(self) -> int:
        """Expected units (TP + FN)."""
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass
class Miss:
    source: str
    field: str
    expected: Any
    got: Any

    def __str__(self) -> str:
        return f"{self.source}: {self.field}: expected {_show(self.expected)}, got {_show(self.got)}"


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Score:
    fields: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    misses: list[Miss] = field(default_factory=list)
    meetings_expected: int = 0
    meetings_matched: int = 0
    meetings_extra: int = 0

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.fields.values():
            total.add(c)
        return total

    @property
    def micro_f1(self) -> float:
        return self.micro.f1

    @property
    def precision(self) -> float:
        return self.micro.precision

    @property
    def recall(self) -> float:
        return self.micro.recall

    def f1(self, name: str) -> float:
        return self.fields[name].f1

    def table(self) -> str:
        head = f"{'field':<14}{'TP':>6}{'FP':>6}{'FN':>6}{'P':>8}{'R':>8}{'F1':>8}"
        lines = [head, "-" * len(head)]
        for name in FIELDS:
            c = self.fields[name]
            if c.tp + c.fp + c.fn == 0:
                lines.append(f"{name:<14}{0:>6}{0:>6}{0:>6}{'-':>8}{'-':>8}{'-':>8}")
                continue
            lines.append(
                f"{name:<14}{c.tp:>6}{c.fp:>6}{c.fn:>6}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}"
            )
        m = self.micro
        lines.append("-" * len(head))
        lines.append(
            f"{'micro':<14}{m.tp:>6}{m.fp:>6}{m.fn:>6}{m.precision:>8.3f}{m.recall:>8.3f}{m.f1:>8.3f}"
        )
        lines.append(
            f"meetings: {self.meetings_matched}/{self.meetings_expected} expected matched, "
            f"{self.meetings_extra} extra; expected units: {m.units}"
        )
        return "\n".join(lines)

    def report(self, verbose: bool = False) -> str:
        out = self.table()
        if verbose and self.misses:
            out += "\n\nmisses:\n" + "\n".join(f"  {m}" for m in self.misses)
        return out

    # internal helpers
    def _count(self, name: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        c = self.fields[name]
        c.tp += tp
        c.fp += fp
        c.fn += fn


# --------------------------------------------------------------------------- normalisation

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4\u02bc]")
_SPACED_DASH = re.compile(r"\s[-\u2013\u2014]+\s")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def norm_text(value: Any) -> str:
    """Normalise free text: accents, case, "&", punctuation, whitespace, leading "the"."""
    if value is None:
        return ""
    s = _fold(str(value)).lower()
    s = s.replace("&", " and ")
    s = _APOSTROPHES.sub("", s)
    s = s.replace("-", "")  # ASCII hyphen joins (Short-Term == ShortTerm); dashes below split
    s = re.sub(r"[\W_]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"^the ", "", s)
    return s


def _contains_words(a: str, b: str) -> bool:
    return f" {a} " in f" {b} "


def text_equal(expected: Any, actual: Any, containment: bool = False) -> bool:
    e, a = norm_text(expected), norm_text(actual)
    if not e or not a:
        return False
    if e == a:
        return True
    return containment and (_contains_words(e, a) or _contains_words(a, e))


def title_equal(expected: Any, actual: Any) -> bool:
    e, a = norm_text(expected), norm_text(actual)
    if not e or not a:
        return False
    if e == a:
        return True
    short, long_ = (e, a) if len(e) <= len(a) else (a, e)
    return _contains_words(short, long_) and len(short) * 3 >= len(long_)


_TITLE_WORDS = {
    # elected members and their roles
    "cllr", "cllrs", "clr", "cr", "councillor", "councillors", "councilor", "councilors",
    "county", "district", "borough", "parish", "town", "city", "community", "council", "member",
    "members", "councilmember", "councilmembers", "councilman", "councilwoman", "alderman",
    "alderwoman", "mayor", "deputy", "depute", "lord", "provost", "bailie", "vice", "chair",
    "chairman", "chairwoman", "chairperson", "convener", "convenor", "cathaoirleach", "leas",
    "leader", "senator", "commissioner", "trustee", "cabinet", "portfolio", "holder",
    # Welsh
    "cyng", "cynghorydd", "cynghorwyr", "cynghorwraig", "sir", "cadeirydd",
    # honorifics
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "revd", "reverend",
    "canon", "father", "fr", "dame", "lady", "hon", "rt", "right", "honourable", "honorable",
    "the", "messrs",
    # ranks
    "captain", "capt", "inspector", "insp", "sergeant", "sgt", "chief", "superintendent",
    "supt", "constable", "pc", "major", "colonel", "col", "lt", "lieutenant", "cdr", "commander",
}
_POSTNOMINALS = {
    "cbe", "obe", "mbe", "bem", "kbe", "dbe", "cb", "jp", "dl", "mp", "msp", "ms", "mla", "am",
    "kc", "qc", "td", "frs", "frcs", "fca", "aca", "acca", "cpfa", "frics", "mrics", "mrtpi",
    "ma", "ba", "bsc", "msc", "mba", "phd", "llb", "llm", "bed", "med", "rgn", "rn", "pslcc",
    "clc", "cilca", "fslcc", "esq", "jr", "sr", "ii", "iii",
}
# Surname particles: joined to the surname ("ap Iorwerth", "Ó Briain", "van Dyke").
# Checked on the unfolded token so that an initial "O" is not taken for "Ó".
_PARTICLES = {
    "ap", "ab", "ferch", "verch", "ó", "ní", "nic", "uí", "ui", "mac", "mc", "de", "del",
    "della", "der", "den", "van", "von", "du", "da", "di", "dos",
}
_LOOSE_PARTICLES = _PARTICLES | {"o", "ni", "le", "la", "st"}


@dataclass(frozen=True)
class NameKey:
    forenames: tuple[str, ...]
    surname: str  # particles + last token, joined
    last: str  # last token only
    has_particle: bool


def _name_key(name: Any) -> NameKey | None:
    if name is None:
        return None
    s = unicodedata.normalize("NFC", str(name))
    s = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", s)  # (Chair), (substitute for ...)
    s = _SPACED_DASH.split(s, maxsplit=1)[0]  # "Sarah Okafor – Development Manager"
    s = s.split(",", 1)[0]  # "Paul Bond, Head of Service"
    s = s.split(";", 1)[0]
    s = s.lower()
    s = _APOSTROPHES.sub("", s)
    s = s.replace("-", "").replace(".", " ")
    s = re.sub(r"[^\w\s]+", " ", s)
    raw = [t for t in s.split() if t]
    folded = [_fold(t) for t in raw]
    while len(folded) > 1 and folded[0] in _TITLE_WORDS:
        raw.pop(0)
        folded.pop(0)
    while len(folded) > 1 and folded[-1] in _POSTNOMINALS:
        raw.pop()
        folded.pop()
    if not folded:
        return None
    surname = [folded[-1]]
    i = len(raw) - 1
    while i > 0 and raw[i - 1] in _PARTICLES:
        surname.insert(0, folded[i - 1])
        i -= 1
    return NameKey(tuple(folded[:i]), "".join(surname), folded[-1], len(surname) > 1)


def name_tokens(name: Any) -> tuple[list[str], str]:
    """Return (forename tokens, surname key) of a display name; surname '' if none."""
    key = _name_key(name)
    return ([], "") if key is None else (list(key.forenames), key.surname)


def _forenames_compatible(fa: Iterable[str], fb: Iterable[str]) -> bool:
    fa, fb = list(fa), list(fb)
    if not fa or not fb:
        return True
    a, b = fa[0], fb[0]
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return a == b


def _drop_trailing_particles(tokens: tuple[str, ...]) -> tuple[str, ...]:
    tokens = list(tokens)
    while tokens and tokens[-1] in _LOOSE_PARTICLES:
        tokens.pop()
    return tuple(tokens)


def names_match(expected: Any, actual: Any) -> bool:
    """Same surname and compatible forenames/initials, titles and roles ignored."""
    e, a = _name_key(expected), _name_key(actual)
    if e is None or a is None:
        return False
    if e.surname == a.surname:
        return _forenames_compatible(e.forenames, a.forenames)
    if e.last == a.last and (e.has_particle or a.has_particle):
        # "Seán Ó Briain" against "Sean O Briain": the unaccented particle was read as a forename
        return _forenames_compatible(_drop_trailing_particles(e.forenames),
                                     _drop_trailing_particles(a.forenames))
    return False


def _names_exact(expected: Any, actual: Any) -> bool:
    e, a = _name_key(expected), _name_key(actual)
    return e is not None and e == a


def norm_time(value: Any) -> str:
    if value is None:
        return ""
    s = str(value).strip().lower()
    m = re.match(r"^(\d{1,2})[:.](\d{2})", s)
    if not m:
        return s
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def norm_date(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()[:10]


def next_meeting_date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        d = value.get("date")
        return str(d) if d else None
    s = str(value).strip()
    return s or None


def norm_number(value: Any) -> str:
    if value is None:
        return ""
    s = _fold(str(value)).lower().strip()
    s = re.sub(r"^(agenda\s+item|item|minute|min|no)\b\.?\s*", "", s)
    s = re.sub(r"\s+", "", s)
    s = s.rstrip(".):")
    s = s.lstrip("(")
    return s


# --------------------------------------------------------------------------- scoring


def _source_matches(expected_source: str, sources: Iterable[Any]) -> bool:
    es = str(expected_source).replace("\\", "/").strip("/")
    ename = PurePosixPath(es).name
    for s in sources or []:
        s = str(s).replace("\\", "/")
        if s == es or s.endswith("/" + es) or PurePosixPath(s).name == ename:
            return True
    return False


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _pair_score(exp: dict, act: dict) -> int:
    score = 0
    if exp.get("date") and norm_date(exp.get("date")) == norm_date(act.get("date")):
        score += 4
    ek = {norm_text(k) for k in _as_list(exp.get("kind"))}
    ak = {norm_text(k) for k in _as_list(act.get("kind"))}
    if ek & ak:
        score += 2
        if ek == ak:
            score += 1
    if text_equal(exp.get("committee"), act.get("committee"), containment=True):
        score += 1
    return score


def _score_scalar(sc: Score, src: str, name: str, exp: Any, act: Any, equal) -> None:
    e_empty = exp is None or (isinstance(exp, str) and not exp.strip())
    a_empty = act is None or (isinstance(act, str) and not act.strip())
    if e_empty and a_empty:
        return
    if e_empty:
        sc._count(name, fp=1)
        sc.misses.append(Miss(src, name, None, act))
    elif a_empty:
        sc._count(name, fn=1)
        sc.misses.append(Miss(src, name, exp, None))
    elif equal(exp, act):
        sc._count(name, tp=1)
    else:
        sc._count(name, fp=1, fn=1)
        sc.misses.append(Miss(src, name, exp, act))


def _score_names(sc: Score, src: str, name: str, exp_list: list, act_list: list) -> None:
    exp_list = [e for e in exp_list if e is not None and str(e).strip()]
    act_list = [a for a in act_list if a is not None and str(a).strip()]
    used: set[int] = set()
    unmatched: list[Any] = []
    pending: list[Any] = []
    # pass 1: identical after normalisation; pass 2: compatible
    for e in exp_list:
        hit = next((i for i, a in enumerate(act_list) if i not in used and _names_exact(e, a)), None)
        if hit is None:
            pending.append(e)
        else:
            used.add(hit)
            sc._count(name, tp=1)
    for e in pending:
        hit = next((i for i, a in enumerate(act_list) if i not in used and names_match(e, a)), None)
        if hit is None:
            unmatched.append(e)
        else:
            used.add(hit)
            sc._count(name, tp=1)
    for e in unmatched:
        sc._count(name, fn=1)
        sc.misses.append(Miss(src, name, e, None))
    for i, a in enumerate(act_list):
        if i not in used:
            sc._count(name, fp=1)
            sc.misses.append(Miss(src, name, None, a))


def _score_kind(sc: Score, src: str, exp_list: list, act_list: list) -> None:
    e = [norm_text(k) for k in exp_list if k]
    a = [norm_text(k) for k in act_list if k]
    remaining = list(a)
    for k in e:
        if k in remaining:
            remaining.remove(k)
            sc._count("kind", tp=1)
        else:
            sc._count("kind", fn=1)
            sc.misses.append(Miss(src, "kind", k, a or None))
    for k in remaining:
        sc._count("kind", fp=1)
        sc.misses.append(Miss(src, "kind", e or None, k))


def _item_fields(item: Any) -> tuple[str | None, str | None, bool]:
    if isinstance(item, dict):
        num = item.get("number")
        return (None if num is None else str(num)), item.get("title"), bool(item.get("exempt"))
    return None, str(item), False


def _score_items(sc: Score, src: str, exp_items: list, act_items: list) -> None:
    acts = [_item_fields(i) for i in act_items]
    used: set[int] = set()
    for item in exp_items:
        enum, etitle, eexempt = _item_fields(item)
        label = f"items[{enum}]" if enum is not None else f"items[{etitle!r}]"
        hit = None
        if enum is not None and norm_number(enum):
            key = norm_number(enum)
            hit = next((i for i, a in enumerate(acts) if i not in used and norm_number(a[0]) == key), None)
        else:
            hit = next((i for i, a in enumerate(acts) if i not in used and title_equal(etitle, a[1])), None)
        if hit is None:
            sc._count("items", fn=1)
            sc._count("items.exempt", fn=1)
            sc.misses.append(Miss(src, label, etitle, None))
            continue
        used.add(hit)
        anum, atitle, aexempt = acts[hit]
        if title_equal(etitle, atitle):
            sc._count("items", tp=1)
        else:
            sc._count("items", fp=1, fn=1)
            sc.misses.append(Miss(src, label + ".title", etitle, atitle))
        if eexempt == aexempt:
            sc._count("items.exempt", tp=1)
        else:
            sc._count("items.exempt", fp=1, fn=1)
            sc.misses.append(Miss(src, label + ".exempt", eexempt, aexempt))
    for i, (anum, atitle, _aexempt) in enumerate(acts):
        if i in used:
            continue
        sc._count("items", fp=1)
        sc._count("items.exempt", fp=1)
        sc.misses.append(Miss(src, f"items[{anum}]", None, atitle))


def _score_pair(sc: Score, src: str, exp: dict, act: dict) -> None:
    for name in SCALAR_TEXT_FIELDS:
        containment = name in CONTAINMENT_FIELDS
        _score_scalar(
            sc, src, name, exp.get(name), act.get(name),
            lambda e, a, c=containment: text_equal(e, a, containment=c),
        )
    _score_scalar(sc, src, "date", exp.get("date"), act.get("date"),
                  lambda e, a: norm_date(e) == norm_date(a))
    _score_scalar(sc, src, "start_time", exp.get("start_time"), act.get("start_time"),
                  lambda e, a: norm_time(e) == norm_time(a))
    _score_scalar(sc, src, "chair", exp.get("chair"), act.get("chair"), names_match)
    _score_scalar(sc, src, "next_meeting", next_meeting_date(exp.get("next_meeting")),
                  next_meeting_date(act.get("next_meeting")),
                  lambda e, a: norm_date(e) == norm_date(a))
    _score_kind(sc, src, _as_list(exp.get("kind")), _as_list(act.get("kind")))
    for name in NAME_LIST_FIELDS:
        _score_names(sc, src, name, _as_list(exp.get(name)), _as_list(act.get(name)))
    _score_items(sc, src, _as_list(exp.get("items")), _as_list(act.get("items")))


_EMPTY = {
    "body": None, "committee": None, "date": None, "start_time": None, "venue": None,
    "chair": None, "next_meeting": None, "kind": [], "present": [], "apologies": [],
    "officers": [], "items": [],
}


def score(expected: list[dict], actual: list[dict]) -> Score:
    """Score the build's meetings.json records (``actual``) against hand-read ``expected``."""
    sc = Score()
    sc.meetings_expected = len(expected)
    # candidates per expected record
    pairs: list[tuple[int, int, int]] = []  # (-score, exp index, act index)
    relevant: set[int] = set()
    for ei, exp in enumerate(expected):
        for ai, act in enumerate(actual):
            if _source_matches(exp["source"], act.get("sources") or []):
                relevant.add(ai)
                pairs.append((-_pair_score(exp, act), ei, ai))
    pairs.sort()
    exp_to_act: dict[int, int] = {}
    taken: set[int] = set()
    for _neg, ei, ai in pairs:
        if ei in exp_to_act or ai in taken:
            continue
        exp_to_act[ei] = ai
        taken.add(ai)
    for ei, exp in enumerate(expected):
        src = exp["source"]
        if ei in exp_to_act:
            sc.meetings_matched += 1
            _score_pair(sc, src, exp, actual[exp_to_act[ei]])
        else:
            sc.misses.append(Miss(src, "meeting", f"{exp.get('date')} {exp.get('kind')}", None))
            _score_pair(sc, src, exp, dict(_EMPTY))
    for ai in sorted(relevant - taken):
        act = actual[ai]
        srcs = ", ".join(str(s) for s in act.get("sources") or [])
        sc.meetings_extra += 1
        sc.misses.append(Miss(srcs, "meeting", None, f"{act.get('date')} {act.get('kind')}"))
        empty = {k: v for k, v in _EMPTY.items()}
        empty["source"] = srcs
        _score_pair(sc, srcs, empty, act)
    return sc


# --------------------------------------------------------------------------- CLI


def _load(path: str) -> list[dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        for key in ("meetings", "items", "data"):
            if isinstance(data.get(key), list):
                return data[key]
        raise SystemExit(f"{path}: expected a JSON array of meetings")
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("expected", help="hand-read facts (JSON array)")
    ap.add_argument("meetings", help="the build's data/meetings.json")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every miss")
    ap.add_argument("--fail-under", type=float, default=None, metavar="F1",
                    help="exit 1 when micro F1 is below this")
    args = ap.parse_args(argv)
    result = score(_load(args.expected), _load(args.meetings))
    print(result.report(verbose=args.verbose))
    print(f"\nmicro F1: {result.micro_f1:.4f}")
    if args.fail_under is not None and result.micro_f1 < args.fail_under:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
