"""Topics: the same subject discussed at different meetings becomes one topic page."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, count, pairwise, product
from pathlib import Path
from types import MappingProxyType

from .model import Problem, SourceSpan, ThemeHits
from .slugs import slugify

OVERRIDES = "topics.toml"


@dataclass(frozen=True)
class TopicInput:
    key: str
    title: str
    text: str
    """The item's running text; may be left empty where ``themes`` are given, as nothing reads it then."""
    headings: tuple[str, ...]
    date: dt.date | None
    themes: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    """themes_of(title, text, headings) if already known."""


@dataclass(frozen=True)
class TopicRecord:
    id: str
    name: str
    variants: tuple[str, ...]
    keys: tuple[str, ...]


@dataclass(frozen=True)
class TopicIndex:
    topics: tuple[TopicRecord, ...]
    topics_of: Mapping[str, tuple[str, ...]]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class OverrideEntry:
    """A ``[[topic]]`` (these titles are one topic called ``name``) or ``[[apart]]`` (keep them apart)."""

    name: str
    titles: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class TopicOverrides:
    topics: tuple[OverrideEntry, ...] = ()
    apart: tuple[OverrideEntry, ...] = ()


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_NOISE = re.compile(rf"\d+(?:st|nd|rd|th)?|{_MONTHS}|{_DAYS}")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NUMBERING = re.compile(r"^\s*[-•*·]?\s*(?:(?:agenda\s+)?item\s+)?(?:\d+(?:[./]\d+)*[a-z]?[.):]?"
                        r"|(?:[a-z]|[ivx]+)[.)]|\(\w{1,4}\))\s+(?=\S)", re.IGNORECASE)
_PAGES = re.compile(r"\(\s*(?:pages?|tudalen(?:nau)?)\s+[\d\s,-]+\)|\*+", re.IGNORECASE)
_QUARTER = re.compile(r"\(?\b(?:(?:quarter|qtr|q)\s*[1-4]|[1-4](?:st|nd|rd|th)\s+quarter|quarter\s+(?:one|two|three|"
                      r"four)|(?:first|second|third|fourth|final)\s+quarter)\b\)?", re.IGNORECASE)
_DATE = re.compile(rf"\b(?:(?:{_DAYS}),?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b,?"
                   rf"|\b(?:{_MONTHS})\s+(?=(?:19|20)\d\d)", re.IGNORECASE)
_YEAR = re.compile(r"\b((?:19|20)?\d\d)\s*[/-]\s*((?:19|20)?\d\d)\b|\b(?:19|20)\d\d\b")
# "... of Anyshire County Council's Waste ..." -> "... of Waste ...": the council's own name is no subject.
_COUNCIL = re.compile(r"\b(of|for|by|to|from|within|across|throughout)\s+(?:[Tt]he\s+)?(?:[A-Z][\w'’.&-]*\s+){0,4}"
                      r"Council(?:['’]s\b|\b(?!\s+[A-Z]))")
_ACROSS = re.compile(r"\s+(?:across|throughout)\s+(?:[Tt]he\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*$")


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Lower case and light plural stripping, enough that "Registers" and "register" compare equal."""
    word = word.lower()
    if len(word) <= 3 or not word.isalpha() or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    return word[:-3] + "y" if word.endswith("ies") else word[:-1]


def _tokens(text: str) -> list[str]:
    """Word stems without possessive 's; an all-capitals word gets a "*" so the acronym SEND is not "send"."""
    return list(map(_token, _WORD.findall(text.replace("’", "'"))))


@lru_cache(maxsize=1 << 18)  # an archive's millions of words are a few hundred thousand distinct ones
def _token(word: str) -> str:
    word = word.removesuffix("'s")
    return _stem(word) + "*" if word.isupper() and len(word) > 1 else _stem(word)


def _hits(tokens: list[str], titles: bool) -> Iterator[tuple[int, tuple[str, ...], str]]:
    """(position, synonym, theme id) for each synonym in the tokens, longest first at one position."""
    starts = _STARTS
    for i in [i for i, token in enumerate(tokens) if token in starts]:  # few tokens start a synonym
        for words, tid, anywhere in starts[tokens[i]]:
            if (anywhere or titles) and all(k < len(tokens) and _is(tokens[k], w) for k, w in enumerate(words, i)):
                yield i, words, tid


def _is(token: str, word: str) -> bool:
    """A text's token is a synonym's word: the same, or its acronym form unless the synonym asks for one."""
    return token == word or (word[-1] != "*" and token == word + "*")


# The shipped vocabulary (general UK local-government words), stemmed the same way titles are.
_VOCAB = tomllib.loads(Path(__file__).with_name("thesaurus.toml").read_text(encoding="utf-8"))
_STOP, _GENERIC, _LEAD, _TRAIL = (frozenset(map(_stem, _VOCAB[key])) for key in
                                  ("stop_words", "generic", "name_strip_leading", "name_strip_trailing"))
# Each rule: (every word it allows, groups of which the title must hold one word each).
_PROCEDURAL = tuple((frozenset(map(_stem, sum(r["require"], r.get("allow", [])))),
                     tuple(frozenset(map(_stem, group)) for group in r["require"])) for r in _VOCAB["procedural"])
_THEMES = {slugify(t["name"]): t["name"] for t in _VOCAB["theme"]}
# First word -> [(synonym, theme id, whether it also counts in running text)], longest synonym first.
_SYNONYMS: dict[str, list[tuple[tuple[str, ...], str, bool]]] = defaultdict(list)
for _entry in sorted(((tuple(_tokens(s)), slugify(t["name"]), key == "synonyms") for t in _VOCAB["theme"]
                      for key in ("synonyms", "in_titles") for s in t.get(key, [])), key=lambda e: -len(e[0])):
    _SYNONYMS[_entry[0][0].rstrip("*")].append(_entry)
_STARTS = {key: entries for first, entries in _SYNONYMS.items() for key in (first, first + "*")}
"""_SYNONYMS under each token a first word can be read as (with and without the acronym mark)."""
_TEXT_LENGTHS = {key: lengths for key, entries in _STARTS.items()
                 if (lengths := tuple(sorted({len(words) for words, _, anywhere in entries if anywhere})))}
"""Of each key of _STARTS, the lengths of the synonyms starting there that count in running text (not
only in titles), shortest first: where text_hits looks for a synonym, and how many words it takes."""


def _text_spellings() -> dict[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Every run of a text's tokens that is a synonym of running text (each word the same, or its acronym
    form unless the synonym asks for one: see _is) -> the (theme id, synonym) each counts for."""
    spellings: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for entries in _SYNONYMS.values():
        for words, tid, anywhere in entries:
            if anywhere:
                for spelling in product(*(((w,) if w.endswith("*") else (w, w + "*")) for w in words)):
                    spellings[spelling].append((tid, words))
    return {spelling: tuple(found) for spelling, found in spellings.items()}


_TEXT_SPELLINGS = _text_spellings()


@lru_cache(maxsize=1 << 16)
def is_procedural(title: str) -> bool:
    """Housekeeping items (apologies, minutes, next meeting...) recur at every meeting but are no subject."""
    words = {s for s in (t.rstrip("*") for t in _tokens(_normal(title))) if s not in _STOP and not _NOISE.fullmatch(s)}
    return bool(words) and any(words <= allow and all(words & g for g in require) for allow, require in _PROCEDURAL)


def _normal(title: str) -> str:
    """One spelling for look-alike characters and spaces, without the item number; lower() is how overrides match."""
    text = unicodedata.normalize("NFKC", title).replace("’", "'").replace("–", "-").replace("—", "-")
    return " ".join(_NUMBERING.sub("", text).split())


def _year(m: re.Match[str]) -> str:
    """Remove years and financial years ("2016/17"), but not ranges such as "16-19 education"."""
    return m.group() if m.group(1) and int(m.group(2)[-2:]) != (int(m.group(1)[-2:]) + 1) % 100 else " "


def _clean(title: str) -> str:
    """The title without what changes from meeting to meeting: numbering, pages, dates, quarters, years."""
    text = _COUNCIL.sub(r"\1", _PAGES.sub(" ", _normal(title)))
    text = _YEAR.sub(_year, _DATE.sub(" ", _QUARTER.sub(" ", text)))
    text = " ".join(re.sub(r"\(\s*\)|\[\s*\]", " ", text).split()).strip(" -:;,.")
    return _ACROSS.sub("", text)


def _mark(text: str) -> list[str]:
    """The words of a title or heading, each theme synonym (longest first) made one "§theme" token."""
    tokens, out, i = _tokens(text), [], 0
    starts: dict[int, tuple[int, str]] = {}
    for start, words, tid in _hits(tokens, titles=True):
        starts.setdefault(start, (len(words), "§" + tid))
    while i < len(tokens):
        size, token = starts.get(i, (1, tokens[i].rstrip("*")))
        out.append(token)
        i += size
    return out


def _key(cleaned: str) -> frozenset[str]:
    """Words that identify the subject; a theme synonym is one token, so "EU exit" equals "Brexit"."""
    tokens = [t for t in _mark(cleaned) if t not in _STOP and not _NOISE.fullmatch(t)]
    return frozenset([t for t in tokens if t not in _GENERIC] or tokens)


def _themes_of(item: TopicInput) -> list[str]:
    """Theme ids for an item: a synonym in the title or a heading, or one synonym twice in the text."""
    if item.themes is not None:
        return list(item.themes)
    return list(themes_of(item.title, item.text, item.headings))


def themes_of(title: str, text: str, headings: tuple[str, ...]) -> tuple[str, ...]:
    """Theme ids for an item's title, text and headings (the reader works them out for linking)."""
    return themes_from(title, headings, text_hits(text))


def text_hits(text: str) -> ThemeHits:
    """The theme synonyms a running text names, counted: reading the text is the costly part, so the
    reader does it once and an item joined from several documents adds up its parts' counts.

    The same count as ``_hits(_tokens(text), titles=False)``, a quarter faster on long texts: no word
    spans white space, so the text is split there (in C) and only the pieces that hold a synonym's
    first word, with the few pieces after them, are cut into words."""
    pieces = text.replace("’", "'").split()
    wanted = _headed(pieces)
    if not wanted:
        return ()
    hits: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for i in compress(range(len(pieces)), map(wanted.__contains__, pieces)):
        reach, heads = _heads(pieces[i]) or (0, ())
        words: Sequence[str] = _words(pieces[i])
        after = i + 1
        if reach > len(words):
            words = list(words)
            while len(words) < reach and after < len(pieces):
                words.extend(_words(pieces[after]))
                after += 1
        for k, lengths in heads:
            for n in lengths:  # each run of words a synonym may be, looked up at once (not word by word)
                if k + n <= len(words) and (found := _TEXT_SPELLINGS.get(tuple(words[k : k + n]))):
                    hits.update(found)
    return tuple(sorted(hits.items()))


_SEEN: set[str] = set()
"""Every piece between spaces text_hits has looked at in this process; of them, those _HEADED."""
_HEADED: set[str] = set()
_SEEN_MOST = 1 << 20
"""Pieces remembered before both sets start again (some tens of megabytes)."""


def _headed(pieces: list[str]) -> set[str]:
    """The distinct pieces that hold a synonym's first word. A text's pieces recur in the texts after
    it, so each is looked at once and the rest is set arithmetic, done in C."""
    if not _SEEN.issuperset(pieces):
        if len(_SEEN) > _SEEN_MOST:
            _SEEN.clear()
            _HEADED.clear()
        new = set(pieces).difference(_SEEN)
        _SEEN.update(new)
        _HEADED.update(filter(_heads, new))
    return _HEADED.intersection(pieces)


@lru_cache(maxsize=1 << 18)  # a text's pieces between spaces recur as its words do
def _words(piece: str) -> tuple[str, ...]:
    return tuple(map(_token, _WORD.findall(piece)))


@lru_cache(maxsize=1 << 18)
def _heads(piece: str) -> tuple[int, tuple[tuple[int, tuple[int, ...]], ...]] | None:
    """For a piece holding a word that a synonym of running text starts with: the word position its
    synonyms may reach, and (word position, the lengths of those synonyms) for each such word; else None."""
    heads = tuple((k, _TEXT_LENGTHS[t]) for k, t in enumerate(_words(piece)) if t in _TEXT_LENGTHS)
    return (max(k + lengths[-1] for k, lengths in heads), heads) if heads else None


def joined_hits(*parts: ThemeHits) -> ThemeHits:
    """The hits of texts read one after another (a synonym split across two texts is not counted)."""
    total: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for hits in parts:
        total.update(dict(hits))
    return tuple(sorted(total.items()))


def themes_from(title: str, headings: tuple[str, ...], hits: ThemeHits) -> tuple[str, ...]:
    """Theme ids: a synonym in the title or a heading, or one synonym twice in the text."""
    named = set().union(*map(_themes_named, (title, *headings)))
    named.update(tid for (tid, _), n in hits if n >= 2)
    return tuple(tid for tid in _THEMES if tid in named)


@lru_cache(maxsize=1 << 14)  # titles and headings recur: 3,108 distinct of 47,301 in 2,020 of the bench's documents
def _themes_named(text: str) -> frozenset[str]:
    """The theme ids of the synonyms a title or heading holds."""
    return frozenset(t[1:] for t in _mark(text) if t[0] == "§")


def _display(cleaned: str) -> str:
    """A readable topic name: the cleaned title without leading/trailing report words, capitals kept."""
    words = [(w, _first_stem(w)) for w in cleaned.split()]
    while len(words) > 1 and words[0][1] in _LEAD | _STOP | {""}:
        words.pop(0)
    while len(words) > 1 and words[-1][1] in _TRAIL | _STOP | {""}:
        words.pop()
    name = " ".join(w for w, _ in words).strip(" -:;,.")
    if name.isupper():
        name = " ".join(w.lower() if i and w.lower() in _STOP else w for i, w in enumerate(name.title().split()))
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=1 << 16)  # the same words make up most titles
def _first_stem(word: str) -> str:
    return next((t.rstrip("*") for t in _tokens(word)), "")


Label = tuple[str, str] | tuple[int, int]
"""Constraint on a group of titles: ("§pin", topic name) or ([[apart]] entry, position); see _constrain."""


def _find(parent: dict[str, str], node: str) -> str:
    while parent[node] != node:
        node = parent[node]
    return node


def _union(parent: dict[str, str], labels: dict[str, frozenset[Label]], a: str, b: str) -> bool:
    """Join two groups unless one would then hold two labels with the same first part (see _constrain)."""
    ra, rb = sorted((_find(parent, a), _find(parent, b)))
    joined = labels[ra] | labels[rb]
    if ra == rb or len(joined) != len({first for first, _ in joined}):
        return ra == rb
    parent[rb], labels[ra] = ra, joined
    return True


def _in_key_order(items: Sequence[TopicInput]) -> list[TopicInput]:
    """Items by key, then by repr for the rare equal keys: the same result whatever order items come in
    (repr, which holds the whole text, is worked out only where keys tie)."""
    ordered = sorted(items, key=lambda i: i.key)
    out: list[TopicInput] = []
    start = 0
    while start < len(ordered):
        end = start + 1
        while end < len(ordered) and ordered[end].key == ordered[start].key:
            end += 1
        out.extend(ordered[start:end] if end == start + 1 else sorted(ordered[start:end], key=repr))
        start = end
    return out


def assign_topics(items: Sequence[TopicInput], overrides: TopicOverrides | None = None) -> TopicIndex:
    """Group items whose titles name the same subject, add theme topics, and apply the user's overrides."""
    ordered = _in_key_order(items)
    keys = {"§" + tid: frozenset({"§" + tid}) for tid in _THEMES}
    node_of, names, themes = {}, {}, {}
    read: dict[str, tuple[str, frozenset[str], str]] = {}  # title -> name, key, node: titles recur at every meeting
    for n, item in enumerate(ordered):
        if not is_procedural(item.title):
            if item.title not in read:
                cleaned = _clean(item.title)
                read[item.title] = (_display(cleaned) or " ".join(item.title.split()), _key(cleaned),
                                    _normal(item.title).lower())
            names[n], key, node = read[item.title]
            themes[n] = _themes_of(item)
            if key:
                node_of[n] = node
                keys.setdefault(node, key)
    parent, labels, named, problems = _constrain(keys, overrides or TopicOverrides())
    by_token: dict[str, list[str]] = defaultdict(list)
    for node, token in sorted((node, token) for node, key in keys.items() for token in key):
        by_token[token].append(node)
    for node in sorted(keys, key=lambda n: (len(keys[n]), sorted(keys[n]), n)):
        key = keys[node]
        for other in by_token[min(key, key=lambda t: (len(by_token[t]), t))]:
            if other != node and (key == keys[other] or (len(key) >= 2 and key < keys[other])):
                _union(parent, labels, node, other)
    roots = {n: list(dict.fromkeys(([_find(parent, node_of[n])] if n in node_of else [])
                                   + [_find(parent, "§" + t) for t in ts])) for n, ts in themes.items()}
    members: dict[str, list[int]] = defaultdict(list)
    for n, root in ((n, root) for n, rs in roots.items() for root in rs):
        members[root].append(n)
    theme_ids = {_find(parent, "§" + tid): tid for tid in _THEMES}
    ids: dict[str, str] = {}
    taken: set[str] = set()
    records: list[TopicRecord] = []
    for root in sorted(members, key=lambda r: (r not in theme_ids, min(names[n] for n in members[r]), r)):
        primary = [n for n in members[root] if n in node_of and _find(parent, node_of[n]) == root]
        counts = Counter(names[n] for n in primary)
        pin = next((value for first, value in labels[root] if first == "§pin" and isinstance(value, str)), None)
        fullness = {s: len({t.rstrip("*") for t in _tokens(s)} - _STOP) for s in counts}
        name = named[pin] if pin else min(counts, key=lambda s: (-fullness[s], -counts[s], s))
        base = theme_ids.get(root) or slugify(name, fallback="topic")
        ids[root] = next(c for k in count(1) if (c := f"{base}-{k}" if k > 1 else base) not in taken)
        taken.add(ids[root])
        variants = tuple(sorted({" ".join(ordered[n].title.split()) for n in primary}))
        in_order = sorted(members[root], key=lambda n: (ordered[n].date is None, ordered[n].date or dt.date.min, n))
        records.append(TopicRecord(ids[root], name, variants, tuple(dict.fromkeys(ordered[n].key for n in in_order))))
    topics_of: dict[str, tuple[str, ...]] = defaultdict(tuple)
    for n, item in enumerate(ordered):
        topics_of[item.key] = tuple(dict.fromkeys(topics_of[item.key] + tuple(ids[r] for r in roots.get(n, ()))))
    return TopicIndex(tuple(sorted(records, key=lambda r: r.id)), MappingProxyType(dict(topics_of)), tuple(problems))


def without_text(item: TopicInput) -> TopicInput:
    """The item as assign_topics reads it, its text and headings left out: they count only through its
    themes, worked out here (a procedural item's are never read)."""
    themes = None if is_procedural(item.title) else tuple(_themes_of(item))
    return TopicInput(item.key, item.title, "", (), item.date, themes)


def input_facts(items: Sequence[TopicInput]) -> list[tuple[object, ...]]:
    """Everything assign_topics reads of these items, in the order it takes them: each item's key, title,
    date and themes (a text only counts through its themes, or where they are not yet known). The same
    facts (and overrides) give the same TopicIndex, so a rebuild can keep the last one."""
    return [(i.key, i.title, i.date, i.themes if i.themes is not None or is_procedural(i.title) else (i.text, i.headings))
            for i in _in_key_order(items)]


def _constrain(keys: dict[str, frozenset[str]], ov: TopicOverrides
               ) -> tuple[dict[str, str], dict[str, frozenset[Label]], dict[str, str], list[Problem]]:
    """Label titles: ("§pin", name) for themes and [[topic]], (entry, position) for [[apart]] (see _union)."""
    named = {name.lower(): name for name in _THEMES.values()}
    pins = {"§" + tid: name.lower() for tid, name in _THEMES.items()}
    problems = [Problem("warning", SourceSpan(OVERRIDES, entry.line), f"no item is titled {title!r}")
                for entry in ov.topics + ov.apart for title in entry.titles if _normal(title).lower() not in keys]
    for entry in ov.topics:
        pin = named.setdefault(entry.name.lower(), entry.name).lower()
        for title in (t for t in entry.titles if _normal(t).lower() in keys):
            if pins.setdefault(_normal(title).lower(), pin) != pin:
                problems.append(Problem("warning", SourceSpan(OVERRIDES, entry.line), f"{title!r} is in two topics"))
    label_sets: dict[str, set[Label]] = {node: {("§pin", pins[node])} if node in pins else set() for node in keys}
    for g, entry in enumerate(ov.apart):
        for k, title in enumerate(entry.titles):
            label_sets.get(_normal(title).lower(), set()).add((g, k))
    parent = {node: node for node in keys}
    labels = {node: frozenset(ls) for node, ls in label_sets.items()}
    for pin in sorted(set(pins.values())):
        nodes = sorted(node for node in keys if pins.get(node) == pin)
        for a, b in pairwise(nodes):
            if not _union(parent, labels, a, b):
                problems.append(Problem("warning", SourceSpan(OVERRIDES), f"{b!r} is kept apart from {named[pin]!r}"))
    return parent, labels, named, problems


def load_overrides(path: Path) -> tuple[TopicOverrides, list[Problem]]:
    """Read content/topics.toml; every mistake becomes a Problem, never an exception."""
    if not path.exists():
        return TopicOverrides(), []
    try:
        raw = path.read_text(encoding="utf-8")
        data = tomllib.loads(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        line = re.search(r"at line (\d+)", str(exc)) if isinstance(exc, tomllib.TOMLDecodeError) else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return TopicOverrides(), [Problem("error", SourceSpan(path.name, int(line.group(1)) if line else 0),
                                          f"{'malformed TOML' if line else 'cannot read'}: {message}")]
    problems = [Problem("warning", SourceSpan(path.name), f"unknown key {key!r} (expected [[topic]] or [[apart]])")
                for key in sorted(set(data) - {"topic", "apart"})]
    found: dict[str, list[OverrideEntry]] = {"topic": [], "apart": []}
    for kind, good in found.items():
        lines = [n for n, text in enumerate(raw.splitlines(), 1) if re.match(rf"\s*\[\[\s*{kind}\s*\]\]", text)]
        entries = data.get(kind, [])
        for i, entry in enumerate(entries if isinstance(entries, list) else [entries]):
            where = SourceSpan(path.name, lines[i] if i < len(lines) else 0)
            entry = entry if isinstance(entry, dict) else {}
            problems += [Problem("warning", where, f"unknown key {key!r} in [[{kind}]]")
                         for key in sorted(set(entry) - {"titles", "name" if kind == "topic" else "titles"})]
            titles, name = entry.get("titles"), entry.get("name", "")
            if not isinstance(titles, list) or not titles or not all(isinstance(t, str) and t.strip() for t in titles):
                problems.append(Problem("error", where, f"[[{kind}]] needs titles = a list of item titles"))
            elif kind == "topic" and not (isinstance(name, str) and name.strip()):
                problems.append(Problem("error", where, '[[topic]] needs name = "..."'))
            else:
                good.append(OverrideEntry(str(name).strip(), tuple(dict.fromkeys(titles)), where.line))
    return TopicOverrides(tuple(found["topic"]), tuple(found["apart"])), problems
