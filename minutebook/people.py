"""People: read names as council documents write them and decide which mentions are one human.

Staff correct the result in ``content/people.toml``; this block can be pasted into the README::

    # content/people.toml: tell Minutebook who is who where the documents are unclear.
    # Names are compared with the cleaned form of a mention, ignoring case: titles,
    # postnominals and "(Chair)" are dropped, so "Councillor Mrs L Sales" matches "L Sales".
    [[person]]
    name = "Laura Sales"                 # preferred display name
    aliases = ["L Sales", "Mrs L Sales"] # other ways documents write this person

    [[apart]]
    names = ["J Smith", "John Smith"]    # never merge these
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from minutebook.contacts import NOTICE
from minutebook.model import Level, NameRef, Problem, SourceSpan
from minutebook.slugs import slugify

_TITLES = {  # normalised title -> the ways documents write it
    "County Councillor": ("County Councillor", "CC"),
    "Councillor": ("Councillor", "Cllr", "Clr", "Cynghorydd", "Cyng", "Comhairleoir"),
    "Council Member": ("Council Member", "Councilmember", "Councilman", "Councilwoman"),
    "Alderman": ("Alderman", "Alderwoman"),
    "Deputy Mayor": ("Deputy Mayor",), "Lord Mayor": ("Lord Mayor",), "Mayor": ("Mayor",),
    "Supervisor": ("Supervisor",), "Commissioner": ("Commissioner",), "Selectman": ("Selectman",),
    "Reverend": ("Reverend", "Revd", "Rev", "The Rev"), "Professor": ("Professor", "Prof"),
    **{h: (h,) for h in ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Dame", "Lord", "Lady")},
}
_TITLE_OF = {w.casefold(): norm for norm, ws in _TITLES.items() for w in ws}
_PLURAL_TITLES = {"county councillors", "councillors", "cllrs", "council members", "aldermen", "cynghorwyr"}
_POSTNOMINALS = {
    "CBE", "OBE", "MBE", "BEM", "KBE", "DBE", "CB", "CVO", "LVO", "JP", "MP", "MSP", "MS", "AM", "MLA", "TD",
    "QC", "KC", "DL", "FRS", "PHD", "MA", "BA", "BSC", "MSC", "LLB", "LLM", "FCA", "ACA", "CPFA", "MRTPI",
    "FRICS", "ESQ",
}
_PARTICLES = {"van", "von", "der", "den", "de", "du", "da", "di", "le", "la", "ap", "ab", "ferch",
              "Ó", "Ní", "Nic", "Mac", "St", "De", "Du", "Le", "Van", "Von"}
_NOT_NAMES = {
    "the", "members", "member", "none", "nil", "officers", "officer", "apologies", "apology", "present",
    "committee", "council", "cabinet", "chair", "chairman", "minutes", "resolved", "agenda", "item", "report",
    "also", "attendance", "absent", "in", "it", "this", "that", "these", "those", "appendix", "part", "page",
    "substitutes", "observers", "public", "press", "update", "review", "register", "performance", "quarter",
    "urgent", "business", "meeting", "notice", "summary",
}
_ROLE_WORDS = {
    "head", "director", "manager", "officer", "chief", "executive", "leader", "lead", "clerk", "secretary",
    "adviser", "advisor", "assistant", "chair", "chairman", "chairperson", "solicitor", "lawyer", "engineer",
    "treasurer", "coordinator", "co-ordinator", "analyst", "consultant", "planner", "inspector",
    "superintendent", "constable", "commissioner", "president", "principal", "specialist", "administrator",
    "accountant", "auditor", "controller", "deputy", "member", "mayor", "governor", "representative",
    "surveyor", "architect", "headteacher", "partner", "supervisor", "worker", "warden", "monitoring",
}
_JOB_WORDS = _ROLE_WORDS | {"senior", "interim", "acting", "corporate", "strategic", "service", "team", "business"}
_UP = "A-ZÀ-ÖØ-Þ"
_S = r"[ \xa0]+"  # names and job titles never span a tab (table column) or a line break
_WORD = rf"[{_UP}][^\W\d_]*(?:['’][{_UP}][^\W\d_]*)?(?:-[{_UP}][^\W\d_]*)*"
_INIT = rf"[{_UP}]\.?(?: ?[{_UP}]\.)*"
_PART = r"(?:van|von|der|den|de|du|da|di|le|la|ap|ab|Ó|Ní|Nic|Mac|St\.?)"
_HON = r"(?:Mrs|Mr|Ms|Miss|Mx|Dr)\.?"
_TITLE_RE = "(?:" + "|".join(re.escape(w) for w in sorted(
    (w for ws in _TITLES.values() for w in ws if w not in {"Supervisor", "Commissioner", "Lord", "Lady",
                                                        "The Rev", "Clr", "Selectman"}),
    key=len, reverse=True)) + r")\.?"
_NAME = rf"(?:{_HON}{_S})?(?:(?:{_WORD}|{_INIT}){_S}){{0,3}}(?:{_PART}{_S}){{0,2}}{_WORD}"
_TITLED = re.compile(rf"(?<![\w'’-]){_TITLE_RE}{_S}{_NAME}")
_PLAIN = re.compile(rf"(?!(?:{_TITLE_RE}|The|This|That|In|It|A|An|Members?|Committee|Council|County)\b)"
                    rf"[{_UP}][a-zß-öø-ÿ]+(?:-[{_UP}][a-zß-öø-ÿ]+)?{_S}(?:(?:{_WORD}|{_INIT}){_S})?"
                    rf"(?:{_PART}{_S}){{0,2}}{_WORD}")
_TW, _CONN = r"[A-Z0-9&][\w'’&/-]*", r"(?:of|and|for|the|in|&|[-–—])"
_JOB = re.compile(rf",{_S}(?:the{_S})?(?P<job>{_TW}(?:{_S}(?:{_TW}|{_CONN})|,{_S}{_TW})*)")
_WORD_START = re.compile(rf"(?<![\w'’-])[{_UP}]")
_TOKEN = re.compile(rf"[{_UP}][^\W\d_]*(?:['’-][^\W\d_]+)*")
_APOSTROPHES = re.compile(r"['’‘`]")


@dataclass(frozen=True)
class PersonName:
    """One written name taken apart, so variants of it can be compared."""

    forenames: tuple[str, ...]
    initials: tuple[str, ...]
    surname: str
    title: str | None
    chair_marker: bool
    display: str
    vice_chair: bool = False
    given: tuple[str, ...] = ()
    """Each given name in order as written: a full forename or a single initial."""


@dataclass(frozen=True)
class Mention:
    """One NameRef with the meeting and committee it came from: evidence for ambiguous names."""

    ref: NameRef
    context: str
    date: dt.date | None
    group: str | None


@dataclass(frozen=True)
class ResolvedPerson:
    id: str
    name: str
    variants: tuple[str, ...]
    roles: tuple[tuple[str, str | None, dt.date | None, dt.date | None], ...]
    surname: str


@dataclass(frozen=True)
class PeopleIndex:
    people: tuple[ResolvedPerson, ...]
    person_of: Mapping[int, str]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class PeopleOverrides:
    merges: tuple[tuple[str, tuple[str, ...]], ...] = ()
    apart: tuple[tuple[str, ...], ...] = ()


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" -•·*.,;:")


def _fold(text: str) -> str:
    """Compare names without case, accents, apostrophes or hyphens: O'Toole == OToole."""
    if not text.isascii():  # ASCII has no accents to take off: the common case skips NFKD
        text = unicodedata.normalize("NFKD", text)
        marks = {ord(c): None for c in set(text) if c >= "\u0300" and unicodedata.combining(c)}
        text = text.translate(marks) if marks else text
    return " ".join(_APOSTROPHES.sub("", text.casefold()).replace("-", " ").split())


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)?", text.casefold()))


@lru_cache(maxsize=1 << 16)  # a few thousand distinct texts among the archive's hundreds of thousands of mentions
def _clean_job(text: str) -> str | None:
    """Drop phone numbers, e-mail addresses and dangling words from a job title."""
    parts = [p.strip() for p in text.split(",")
             if p.strip() and not re.search(r"\d|@", p) and p.strip() not in NOTICE.values()]
    job = re.sub(rf"(?:\s+{_CONN})+$", "", re.sub(r"^the\s+", "", ", ".join(parts)))
    return _clean(job) or None


@lru_cache(maxsize=1 << 16)
def split_job_title(text: str) -> tuple[str, str | None]:
    """Split "Paul Bond, Head of Service" at the first comma; "SMITH, John" and "Smith, J." stay names."""
    parts = [p.strip() for p in _clean(text).split(",")]
    if len(parts) > 1 and " " not in parts[0] and (
            re.fullmatch(r"[A-Z][A-Z'’-]+", parts[0]) or re.fullmatch(r"(?:[A-Z]\.? ?)+", parts[1])):
        parts = [f"{parts[0]}, {parts[1]}", *parts[2:]]
    return parts[0], _clean_job(", ".join(parts[1:]))


def _recase(word: str) -> str:
    if not word.isupper() or len(word) < 2:
        return word
    word = "-".join("'".join(s.capitalize() for s in part.split("'")) for part in word.split("-"))
    return re.sub(r"^Mc(\w)", lambda m: "Mc" + m[1].upper(), word)


@lru_cache(maxsize=1 << 16)
def parse_name(text: str) -> PersonName | None:
    """Take a written name apart (remembered: the same names recur in every document); None for headings, placeholders and sentences that are no name."""
    name, _ = split_job_title(text)
    if "," in name:  # surname first
        last, first = name.split(",", 1)
        name = f"{first.strip()} {last.strip()}"
    marks = [_fold(m) for m in re.findall(r"\(([^)]*)\)", name)]
    vice = any(m.startswith("vice") for m in marks)
    chair = any(m in {"chair", "chairman", "chairwoman", "chairperson", "in the chair", "cadeirydd", "cathaoirleach"}
                for m in marks)
    tokens, title = re.sub(r"\([^)]*\)", " ", name).split(), None
    while tokens:
        for n in (2, 1):
            phrase = " ".join(t.rstrip(".") for t in tokens[:n]).casefold()
            if len(tokens) >= n and phrase in _PLURAL_TITLES:
                return None
            shouting = tokens[0].isupper() and len(tokens[0]) < 4 and not name.isupper()  # "MS Smith": initials
            if len(tokens) >= n and phrase in _TITLE_OF and (tokens[0] == "CC" or not shouting):
                title, tokens = title or _TITLE_OF[phrase], tokens[n:]
                break
        else:
            break
    while len(tokens) > 1 and tokens[-1].replace(".", "").upper() in _POSTNOMINALS and (
            tokens[-1].replace(".", "").isupper() or tokens[-1].rstrip(".") in {"PhD", "BSc", "MSc", "Esq"}):
        tokens.pop()
    if not tokens or len(tokens) > 5 or any(t.casefold().strip(".") in _NOT_NAMES for t in tokens):
        return None
    all_caps = all(t.isupper() for t in tokens) and len(tokens) > 1
    cut = len(tokens) - 1
    while cut > 0 and tokens[cut - 1].rstrip(".") in _PARTICLES:
        cut -= 1
    given: list[str] = []
    for tok in tokens[:cut]:
        if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?\.?|[A-Z]", tok) or (
                not all_caps and re.fullmatch(r"[A-Z]{2,3}", tok)):
            given.extend(re.findall(r"[A-Z]", tok))
        elif _TOKEN.fullmatch(tok):
            given.append(_recase(tok))
        else:
            return None
    surname_tokens = tokens[cut:]
    if not _TOKEN.fullmatch(surname_tokens[-1]) or len(given) > 4:
        return None
    surname = " ".join(t.rstrip(".") if t[0].islower() else _recase(t) for t in surname_tokens)
    pieces: list[str] = []
    for g in given:
        joins = len(g) == 1 and pieces and re.fullmatch(r"[A-Z]+", pieces[-1])
        pieces[-1:] = [pieces[-1] + g] if joins else [*pieces[-1:], g]
    return PersonName(tuple(g for g in given if len(g) > 1), tuple(g[0].upper() for g in given), surname,
                      title, chair and not vice, " ".join([*pieces, surname]), vice, tuple(given))


def _given_compatible(a: PersonName, b: PersonName) -> bool:
    """Initials must agree position by position; two full forenames must be the same name."""
    return all(x[0].upper() == y[0].upper() and (len(x) == 1 or len(y) == 1 or _fold(x) == _fold(y))
               for x, y in zip(a.given, b.given, strict=False))


def _key(text: str) -> str:
    """How people.toml names are compared with mentions: the cleaned display form, any case."""
    return ((pn := parse_name(text)) and pn.display or _clean(text)).casefold()




@lru_cache(maxsize=1 << 16)  # a person is written the same few ways in thousands of meetings
def _job_of(job_title: str | None, text: str) -> tuple[str | None, str]:
    """A mention's job title, cleaned, and folded into the key its spell is grouped by."""
    job = _clean_job(job_title or split_job_title(text)[1] or "")
    return job, " ".join(re.findall(r"[^\W_]+", (job or "").casefold()))


def _roles(ms: list[Mention]) -> tuple[tuple[str, str | None, dt.date | None, dt.date | None], ...]:
    """One spell per (role, job title as folded); untitled spells give way to titled ones of the role."""
    spells: dict[tuple[str, str], list[tuple[Mention, str | None]]] = defaultdict(list)
    for m in ms:
        job, key = _job_of(m.ref.job_title, m.ref.text)
        if m.ref.role != "unknown" or job:
            spells[(m.ref.role, key)].append((m, job))
    titled = {role for role, key in spells if key}
    out = []
    for (role, key), group in spells.items():
        if key or role not in titled:
            dates = [m.date for m, _ in group if m.date]
            job = min((m.date or dt.date.max, j or "") for m, j in group)[1] or None
            out.append((role, job, min(dates, default=None), max(dates, default=None)))
    return tuple(sorted(out, key=lambda r: (r[0], r[1] or "", r[2] or dt.date.min, r[3] or dt.date.min)))


def resolve_people(mentions: Sequence[Mention], overrides: PeopleOverrides | None = None) -> PeopleIndex:
    """Decide which mentions name the same human, conservatively: a wrong merge is worse than a split.

    How:
    1. Each mention is parsed with parse_name; its cleaned display form ("Geoff Driver", "S Charles",
       "Crompton") is the unit of matching. Titles ("CC" is County Councillor, never initials),
       postnominals and "(Chair)" are ignored. Unreadable names are reported and left out.
    2. people.toml comes first: a form equal (ignoring case) to a [[person]] name or alias belongs
       to that person; forms named in one [[apart]] group never join the same person.
    3. Forms with given names are taken most informative first (more full forenames, then more
       given names, then alphabetically) and grouped by surname folded for case, accents,
       apostrophes and hyphens. A form joins the one identity whose every form it is compatible
       with: initials agree position by position and two full forenames are the same name
       ("G Driver" ~ "Geoff Driver"; never "J Smith" ~ "K Smith" or "John" ~ "Jane").
       No compatible identity: a new person. Two or more: the form is ambiguous ("J Smith" with
       "John Smith" and "James Smith").
    4. Surname-only forms ("County Councillor Driver") join the single identity with that surname;
       with none they become a person of their own, named with the title ("Councillor Gooch").
    5. An ambiguous mention is resolved only if its own meeting (context), else its committee
       (group), names exactly one of the candidates through resolved mentions; otherwise it stays
       unresolved with a warning naming the candidates, once per source line.
    6. Name: the override name, else the longest display form with forenames, else with initials,
       else the most used title + surname; ties alphabetical. Ids are slugs of names, clashes get
       "-2", "-3" in order of (name, variants). Roles: one spell per (role, job title) with first
       and last dates seen. Output is sorted and independent of input order.
    """
    overrides = overrides or PeopleOverrides()
    parsed = [parse_name(m.ref.text) for m in mentions]
    alias_of = {_key(a): i for i, (n, al) in reversed(list(enumerate(overrides.merges))) for a in (n, *al)}
    apart_of: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for g, names in enumerate(overrides.apart):
        for n, name in enumerate(names):
            apart_of[_key(name)].add((g, n))
    forms: list[list[PersonName]] = []
    forced: dict[int, str] = {}
    by_surname: dict[str, list[int]] = defaultdict(list)

    def add(ident: int, pn: PersonName) -> None:
        forms[ident].append(pn)
        if ident not in by_surname[_fold(pn.surname)]:
            by_surname[_fold(pn.surname)].append(ident)

    def fits(pn: PersonName, ident: int) -> bool:
        tags = apart_of.get(pn.display.casefold(), set())
        if any(g == h and n != m for f in forms[ident] for g, n in tags
               for h, m in apart_of.get(f.display.casefold(), ())):
            return False
        test = any if ident in forced else all
        return test(_given_compatible(pn, f) for f in forms[ident])

    for i, (name, aliases) in enumerate(overrides.merges):
        forms.append([])
        forced[i] = name
        for pn in filter(None, map(parse_name, (name, *aliases))):
            add(i, pn)
    by_display = {pn.display: pn for pn in sorted(filter(None, parsed), key=lambda p: (p.display, p.title or ""))}
    ident_of: dict[str, int] = {}
    ambiguous: dict[str, list[int]] = {}
    for pn in sorted(by_display.values(), key=lambda p: (not p.given, -len(p.forenames), -len(p.given), p.display)):
        if pn.display.casefold() in alias_of:
            ident_of[pn.display] = alias_of[pn.display.casefold()]
            continue
        fitting = [i for i in by_surname[_fold(pn.surname)] if fits(pn, i)]
        if len(fitting) > 1:
            ambiguous[pn.display] = fitting
            continue
        if not fitting:
            forms.append([])
        ident_of[pn.display] = fitting[0] if fitting else len(forms) - 1
        add(ident_of[pn.display], pn)

    chosen: dict[int, int] = {}
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    problems: set[Problem] = set()
    for k, (m, maybe) in enumerate(zip(mentions, parsed, strict=True)):
        if maybe is None and _clean(m.ref.text):
            problems.add(Problem("warning", m.ref.source, f"could not read a person's name in {_clean(m.ref.text)!r}",
                                 "unresolved-name"))
        elif maybe is not None and maybe.display in ident_of:
            chosen[k] = ident_of[maybe.display]
            seen[("context", m.context)].add(chosen[k])
            seen[("group", m.group or "")].add(chosen[k])
    unresolved: list[tuple[Mention, PersonName, list[int]]] = []
    for k, (m, maybe) in enumerate(zip(mentions, parsed, strict=True)):
        if maybe is not None and maybe.display in ambiguous:
            cands = ambiguous[maybe.display]
            for scope in [("context", m.context)] + ([("group", m.group)] if m.group else []):
                hits = [c for c in cands if c in seen[scope]]
                if len(hits) == 1:
                    chosen[k] = hits[0]
                    break
            else:
                unresolved.append((m, maybe, cands))

    members: dict[int, list[int]] = defaultdict(list)
    for k, ident in chosen.items():
        members[ident].append(k)

    def name_of(ident: int) -> str:
        if ident in forced:
            return forced[ident]
        with_forenames = [f.display for f in forms[ident] if f.forenames]
        with_given = [f.display for f in forms[ident] if f.given]
        for shown in (with_forenames, with_given):
            if shown:
                return min(shown, key=lambda d: (-len(d), d))
        titled = Counter(f"{p.title} {p.surname}" for p in (parsed[k] for k in members[ident])
                         if p is not None and p.title)
        return min(titled, key=lambda t: (-titled[t], t)) if titled else forms[ident][0].surname

    for m, pn, cands in unresolved:
        listed = ", ".join(sorted(name_of(c) for c in cands))
        problems.add(Problem("warning", m.ref.source,
                             f"could not tell which {pn.surname} is meant: {listed}; add it to people.toml",
                             "unresolved-name"))
    drafts = sorted((name_of(i), tuple(sorted({split_job_title(text)[0] for text in {mentions[k].ref.text for k in ks}})),
                     i) for i, ks in members.items())
    people: list[ResolvedPerson] = []
    id_of: dict[int, str] = {}
    used: Counter[str] = Counter()
    for name, variants, ident in drafts:
        slug = slugify(name, fallback="person")
        used[slug] += 1
        id_of[ident] = slug if used[slug] == 1 else f"{slug}-{used[slug]}"
        surname = (parse_name(name) or parsed[members[ident][0]] or forms[ident][0]).surname
        people.append(ResolvedPerson(id_of[ident], name, variants,
                                     _roles([mentions[k] for k in sorted(members[ident])]), surname))
    return PeopleIndex(tuple(sorted(people, key=lambda p: p.id)),
                       {k: id_of[i] for k, i in sorted(chosen.items())},
                       tuple(sorted(problems, key=lambda p: (p.source, p.level, p.message))))


def mention_facts(mentions: Sequence[Mention]) -> list[tuple[object, ...]]:
    """Everything resolve_people reads of these mentions, in order: the same facts (and overrides) give
    the same PeopleIndex, so a rebuild can keep the last one (repr of facts, unlike pickle, gives equal
    values equal bytes)."""
    return [(m.ref.text, m.ref.role, m.ref.job_title, m.ref.source.path, m.ref.source.line, m.ref.source.page,
             m.context, m.date, m.group) for m in mentions]


def _line_of(text: str, needle: str) -> int:
    return next((n for n, line in enumerate(text.splitlines(), 1) if needle in line), 0)


def load_overrides(path: Path) -> tuple[PeopleOverrides, list[Problem]]:
    """Read people.toml; every mistake becomes a Problem with a line, never an exception."""
    if not path.exists():
        return PeopleOverrides(), []
    src = path.name
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else len(text.splitlines()) if "end of document" in str(exc) else 0
        message = re.sub(r"\s*\(at (line|end of document).*\)$", "", str(exc))
        return PeopleOverrides(), [Problem("error", SourceSpan(src, line), f"{src} is not valid TOML: {message}")]
    problems: list[Problem] = []

    def report(level: Level, needle: str, message: str) -> None:
        problems.append(Problem(level, SourceSpan(src, _line_of(text, needle)), message))

    def entries(section: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
        value = data.get(section, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            report("error", section, f"{section} must be written as [[{section}]] tables")
            return []
        for entry in value:
            for unknown in sorted(set(entry) - set(fields)):
                report("warning", unknown, f"unknown key {unknown!r} in [[{section}]]; expected {', '.join(fields)}")
        return value

    for unknown in sorted(set(data) - {"person", "apart"}):
        report("warning", unknown, f"unknown key {unknown!r}; expected [[person]] or [[apart]] tables")
    merges, apart = [], []
    for entry in entries("person", ("name", "aliases")):
        name, aliases = entry.get("name"), entry.get("aliases", [])
        if not isinstance(name, str) or not name.strip():
            report("error", "[[person]]", "[[person]] needs name = \"...\"")
        elif not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            report("error", name, f"aliases of {name!r} must be a list of strings")
        else:
            merges.append((_clean(name), tuple(_clean(a) for a in aliases if _clean(a))))
    for entry in entries("apart", ("names",)):
        names = entry.get("names")
        if not isinstance(names, list) or len(names) < 2 or not all(isinstance(n, str) for n in names):
            report("error", "[[apart]]", "[[apart]] needs names = [...] with at least two names")
        else:
            apart.append(tuple(_clean(n) for n in names))
    return PeopleOverrides(tuple(merges), tuple(apart)), problems


def _job_after(text: str, end: int, titled: bool) -> tuple[str, int] | None:
    """An appositive job title after a name needs a role word; after "Cllr X" it must not start with a name."""
    m = _JOB.match(text, end)
    job = _clean_job(m.group("job")) if m else None
    if not m or not job or not _words(job) & _ROLE_WORDS:
        return None
    first = job.split(",")[0]
    return None if titled and not _words(first) & _ROLE_WORDS and parse_name(first) else (job, m.end())


def extract_names(text: str) -> list[tuple[str, str | None]]:
    """Names in running text: titled names, and "Firstname Lastname, Job Title," appositives.

    Returns (name as written, job title or None) in order of first appearance, without repeats.
    """
    found: list[tuple[str, str | None]] = []
    pos = 0
    while start := _WORD_START.search(text, pos):
        p = start.start()
        titled, plain = _TITLED.match(text, p), _PLAIN.match(text, p)
        if titled and parse_name(titled.group(0)):
            job, pos = _job_after(text, titled.end(), True) or (None, titled.end())
            found.append((_clean(titled.group(0)), job))
        elif plain and not re.search(rf"[{_UP}][\w'’-]*{_S}$", text[max(0, p - 40):p]) \
                and (after := _job_after(text, plain.end(), False)) and (pn := parse_name(plain.group(0))) \
                and pn.forenames and not pn.title and not _words(pn.given[0]) & _JOB_WORDS:
            found.append((_clean(plain.group(0)), after[0]))
            pos = after[1]
        else:
            pos = p + 1
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class _Sought:
    """How one person is looked for in running text."""

    person_id: str
    surnames: tuple[str, ...]
    """Their folded surnames: a cheap test of whether the patterns could match at all."""
    ends: tuple[str, ...]
    """What every match ends with, as written (a surname, or the last word of a name): if none of
    these is in the text, neither pattern can match."""
    named: str | None
    """The regex of their full name or a variant as written."""
    titled: str | None
    """The regex of title and surname, when no one else has the surname."""

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """The regexes, compiled when first needed: a rebuild searches a few texts for thousands of
        people, and compiling everyone's took 0.5 s of it at 10,000 meetings."""
        return tuple(re.compile(pattern) for pattern in (self.named, self.titled) if pattern is not None)

    def found_in(self, text: str) -> bool:
        if not any(end in text for end in self.ends):
            return False
        return any(_search_word_start(pattern, text) for pattern in self.patterns)


_WORDLIKE = re.compile(r"[\w'’-]")


def _search_word_start(pattern: re.Pattern[str], text: str) -> bool:
    r"""``re.search(r"(?<![\w'’-])" + pattern.pattern, text)``, with the look-behind tested by hand.

    A pattern that starts with a look-behind is tried at every position of the text; without it
    the regex engine skips ahead to the characters a name can start with, several times faster.
    """
    pos = 0
    while found := pattern.search(text, pos):
        start = found.start()
        if start == 0 or not _WORDLIKE.match(text, start - 1):
            return True
        pos = start + 1
    return False


@dataclass
class _MentionFinder:
    """Everyone looked for, and which people a word of the text could hold the surname of.

    Searching every item's text with every person's pattern is what made linking slow; a person's
    patterns are tried only when one of their folded surnames is in the folded text. A surname
    without a space is in the folded text exactly when it is inside one of its folded words. Folding
    a text word by word gives the same words as folding it whole, so the surnames inside a word as
    written are worked out once per distinct word, and the people a line could name once per
    distinct line (standard wording repeats whole lines from meeting to meeting).
    """

    sought: tuple[_Sought, ...]
    by_surname: dict[str, list[int]]
    """One-word surname -> the people who need it."""
    by_last: dict[str, list[int]]
    """Last word of a surname of several ("smith jones", "van der berg") -> people to test directly."""
    heads: frozenset[str]
    """The first two letters of every word looked for (the whole word if it has one letter)."""
    lengths: tuple[int, ...]
    inside: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Text word as written -> the folded words looked for that it holds; filled as words are met."""
    holding: set[str] = field(default_factory=set)
    """Text words met so far that hold one."""
    lines: dict[str, tuple[frozenset[int], frozenset[int]]] = field(default_factory=dict)
    """Line of text -> what ``_in_line`` found in it; filled as lines are met."""
    folded: dict[str, str] = field(default_factory=dict)
    """Line of text -> the line folded; filled as surnames of several words are looked for."""

    def candidates(self, text: str) -> set[int]:
        chosen: set[int] = set()
        spaced: set[int] = set()
        lines = text.split("\n")
        for line in lines:  # no word spans a line break
            found = self.lines.get(line)
            if found is None:
                found = self.lines[line] = self._in_line(line)
            chosen |= found[0]
            spaced |= found[1]
        spaced -= chosen
        if spaced:
            folded = " ".join(f for f in map(self._fold_line, lines) if f)  # _fold(text), from lines that recur
            chosen.update(i for i in spaced if any(s in folded for s in self.sought[i].surnames if " " in s))
        return chosen

    def _fold_line(self, line: str) -> str:
        """_fold works character by character, then joins the words with one space: folding the lines
        of a text and joining those that hold a word gives _fold(text)."""
        found = self.folded.get(line)
        if found is None:
            found = self.folded[line] = _fold(line)
        return found

    def _in_line(self, line: str) -> tuple[frozenset[int], frozenset[int]]:
        """People one of whose one-word surnames is in the line, and people the last word of whose
        surname of several is (the whole surname, which may run on to the next line, is tested later)."""
        words = set(line.split())
        for word in words.difference(self.inside):  # a dict argument: looked up word by word
            found = self.inside[word] = self._held(word)
            if found:
                self.holding.add(word)
        chosen: set[int] = set()
        spaced: set[int] = set()
        for word in words & self.holding:
            for part in self.inside[word]:
                chosen.update(self.by_surname.get(part, ()))
                spaced.update(self.by_last.get(part, ()))
        return frozenset(chosen), frozenset(spaced)

    def _held(self, written: str) -> tuple[str, ...]:
        found = set()
        for word in _fold(written).split(" "):
            for i in range(len(word)):
                if word[i : i + 2] in self.heads or word[i] in self.heads:
                    for n in self.lengths:
                        if i + n > len(word):
                            break
                        if (piece := word[i : i + n]) in self.by_surname or piece in self.by_last:
                            found.add(piece)
        return tuple(sorted(found))


@lru_cache(maxsize=2)  # a finder keeps every line it has met: a rebuild lets the last one go
def _mention_patterns(people: tuple[ResolvedPerson, ...]) -> _MentionFinder:
    """Each person's patterns (compiled when first tried), built once per people list because every
    item's text is searched, with the folded surnames every alternative contains: a cheap test before
    the regex."""
    counts = Counter(_fold(p.surname) for p in people)
    sought = []
    for person in people:
        phrases = sorted({v for v in (person.name, *person.variants) if (pn := parse_name(v)) and pn.given},
                         key=lambda v: (-len(v), v))
        alts = [re.escape(v).replace(r"\ ", r"\s+") for v in phrases]
        unique = counts[_fold(person.surname)] == 1
        if alts or unique:
            surnames = {_fold(person.surname)} | {_fold(pn.surname) for v in phrases if (pn := parse_name(v))}
            named = rf"(?:{'|'.join(alts)})(?!\w)" if alts else None
            titled = rf"{_TITLE_RE}\s+(?:{_HON}\s+)?(?:{_INIT}\s+)?{re.escape(person.surname)}(?!\w)" if unique else None
            ends = {v.rsplit(" ", 1)[-1] for v in phrases} | ({person.surname} if unique else set())
            sought.append(_Sought(person.id, tuple(sorted(s for s in surnames if s)), tuple(sorted(ends)), named, titled))
    by_surname: dict[str, list[int]] = defaultdict(list)
    by_last: dict[str, list[int]] = defaultdict(list)
    for position, entry in enumerate(sought):
        for surname in entry.surnames:
            (by_last[surname.rsplit(" ", 1)[1]] if " " in surname else by_surname[surname]).append(position)
    looked_for = by_surname.keys() | by_last.keys()
    return _MentionFinder(tuple(sought), dict(by_surname), dict(by_last), frozenset(w[:2] for w in looked_for),
                          tuple(sorted({len(w) for w in looked_for})))


_LAST_FINDER: tuple[Sequence[ResolvedPerson], _MentionFinder] | None = None
"""The people list last searched for and its finder; holding the list keeps its identity unique."""


def find_mentions(text: str, people: Sequence[ResolvedPerson]) -> tuple[str, ...]:
    """Ids of people named in text: by full name or variant, or title + surname when the surname is unique."""
    global _LAST_FINDER
    if not isinstance(people, tuple):
        finder = _mention_patterns(tuple(people))
    elif _LAST_FINDER is not None and _LAST_FINDER[0] is people:  # linking passes one tuple for every item
        finder = _LAST_FINDER[1]
    else:
        finder = _mention_patterns(people)
        _LAST_FINDER = (people, finder)
    return tuple(sorted({finder.sought[i].person_id for i in finder.candidates(text) if finder.sought[i].found_in(text)}))
