"""Who was there: the Present / Apologies / In attendance block, and declarations of interest."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .layout import Line
from .model import Declaration, NameRef, Role, SourceSpan
from .people import parse_name, split_job_title

Span = Callable[[int], SourceSpan]

_SEP = r"\s*(?:/[^:\t]*)?(?::|\s[-–]\s|\t|$)\s*"
_LABELS: list[tuple[str, re.Pattern[str]]] = [
    ("chair", re.compile(r"^(?:in the chair|presiding|chair(?:man|person)?)" + _SEP, re.I)),
    ("apologies", re.compile(
        r"^(?:apologies\s+(?:for\s+absence\s+)?(?:were\s+)?(?:received\s+)?from\s+|"
        r"(?:apologies(?:\s+for\s+absence)?|ymddiheuriadau|absent|absence)" + _SEP + ")", re.I)),
    ("officers", re.compile(
        r"^(?:(?:also\s+)?in\s+attendance|officers?(?:\s+(?:present|in\s+attendance))?|officials?(?:\s+present)?|"
        r"staff(?:\s+present)?|hefyd\s+yn\s+bresennol)" + _SEP, re.I)),
    ("also", re.compile(r"^also\s+(?:present|attending)" + _SEP, re.I)),
    ("present", re.compile(
        r"^(?:(?:members|councillors)\s+present|present|yn\s+bresennol|attendance|sederunt|roll\s+call(?:\s*:\s*present)?|"
        r"members)" + _SEP, re.I)),
]
_MEMBER_HEADING = re.compile(
    r"^(?:county\s+|city\s+|borough\s+|district\s+|town\s+|parish\s+)?(?:councillors|cllrs\.?|council members|members|aelodau)\s*:?$", re.I)
_MEMBER_PREFIX = re.compile(
    r"^(?:and\s+)?(?:(?:county|city|borough|district|town|parish)\s+)?(?:councillors|cllrs\.?|council\s+members)\s+", re.I)
_CHAIR_WORDS = r"(?:chair(?:man|woman|person)?|cathaoirleach|mayor|cadeirydd|convener|convenor|provost|presiding)"
_CHAIR = re.compile(r"\((?![^)]*\b(?:vice|deputy|is-|leas-))[^)]*\b" + _CHAIR_WORDS + r"\b[^)]*\)|\bpresiding\b|\bin the chair\b", re.I)
_ROLE_ONLY = re.compile(
    r"^(?:the\s+)?(?P<vice>(?:vice|deputy|is|leas)[- ]?)?(?:" + _CHAIR_WORDS + r"|cadeirydd|chathaoirleach)\.?$", re.I)
_PUBLIC = re.compile(r"\bmembers? of (?:the )?(?:public|press)\b|\bpress\b|\bpublic\b|^none\.?$|^nil\.?$|^no apologies", re.I)
_HONORIFIC = re.compile(
    r"^(?:(?:county|city|district|borough|town|parish)\s+)?(?:cllrs?|councillors?|cyng|mr|mrs|ms|miss|mx|dr|prof|professor|"
    r"sir|dame|lady|lord|rev|revd|captain|capt|inspector|sergeant|sgt|bailie|provost|mayor|alderman|council\s+members?)\b\.?",
    re.I,
)
_INITIALS_NAME = re.compile(r"^(?:[A-Z]\.?\s*){1,3}\s*[A-Z][\w'’-]+$")
_BILINGUAL_PREFIX = re.compile(r"^[A-Z][\w]*\.?(?:\s+[A-Z][\w]*\.?)?\s*/\s*")
_SECTIONS = re.compile(r";\s*(?=(?:absent|apologies|also|officers?|staff|in attendance|present)\b)", re.I)
_OFFICERS_HEADING = re.compile(r"^officers?\s*:?$", re.I)
_AND = re.compile(r"\s+(?:and|&)\s+(?=(?:[A-Z]|cllr|councillor))")
_LEADING_AND = re.compile(r"^(?:and|&)\s+")
_BULLET = re.compile(r"^[-•·*]\s+")
_BRACKET_END = re.compile(r"\(([^)]*)\)\s*$")
_VICE = re.compile(r"\bvice|deputy", re.I)
_DASH = re.compile(r"\s+[–—-]\s+")
_COUNCILLOR = re.compile(r"^(?:(?:county|city|district|borough|town|parish)\s+)?(?:cllrs?|councillors?|council\s+members?)\b", re.I)


@dataclass(frozen=True)
class Attendance:
    present: tuple[NameRef, ...] = ()
    apologies: tuple[NameRef, ...] = ()
    officers: tuple[NameRef, ...] = ()
    chair: NameRef | None = None


@dataclass(frozen=True)
class _Entry:
    name: str
    title: str | None = None
    chair: bool = False


def start_row(lines: list[Line]) -> int | None:
    """Where the attendance block begins ("Present:"), if the header has one."""
    for index, line in enumerate(lines):
        if _label_of(line.text)[0] in ("present", "apologies", "officers") and len(line.text) < 600:
            return index
    return None


def _label_of(text: str) -> tuple[str | None, str]:
    """("present", rest) for "Present: A Smith"; a label needs a colon, tab or dash, or a line to itself."""
    for section, pattern in _LABELS:
        match = pattern.match(text)
        if match:
            return section, text[match.end() :]
    return None, text


def _is_prose(text: str) -> bool:
    """A sentence, not a list of names: attendance has ended."""
    words = text.split()
    lower = sum(1 for w in words if w[:1].islower())
    return len(words) >= 6 and lower * 2 > len(words)


def read(lines: list[Line], span: Span) -> Attendance:
    """Read the attendance block; several sections may share a line ("Present: ...; Absent: ...")."""
    found: dict[str, list[NameRef]] = {"present": [], "apologies": [], "officers": []}
    chair: NameRef | None = None
    section = "present"
    for line in lines:
        if not line.text:
            continue
        label, _ = _label_of(line.text)
        if label is None and (_is_prose(line.text) or (line.text.isupper() and len(line.text.split()) >= 2)):
            break
        for piece in _SECTIONS.split(line.text) if ";" in line.text else (line.text,):
            label, rest = _label_of(piece)
            if label == "also":
                label = "present" if _MEMBER_PREFIX.match(rest) else "officers"
            if label:
                section = label
            if _MEMBER_HEADING.match(rest.strip()):
                section = "present" if section == "officers" else section
                continue
            if _OFFICERS_HEADING.match(rest.strip()):
                section = "officers"
                continue
            for entry in _people_listed(rest, section == "officers"):
                if section == "officers" and _COUNCILLOR.match(entry.name):
                    continue  # a councillor "in attendance" is neither a member of this meeting nor an officer
                role: Role = "officer" if section == "officers" else "member"
                ref = NameRef(entry.name, role, entry.title if section == "officers" else None, span(line.number))
                if section == "chair":
                    chair = ref
                    if not any(r.text == ref.text for r in found["present"]):
                        found["present"].insert(0, ref)
                    continue
                found[section].append(ref)
                if section == "present" and entry.chair and chair is None:
                    chair = ref
    return Attendance(tuple(found["present"]), tuple(found["apologies"]), tuple(found["officers"]), chair)


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    """``text`` split at each separator that is not inside brackets (no separator is a bracket)."""
    pieces, depth, start = [], 0, 0
    for match in re.finditer(f"[(){re.escape(separators)}]", text):
        char = match.group()
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= depth > 0
        elif depth == 0:
            pieces.append(text[start : match.start()])
            start = match.end()
    return [*pieces, text[start:]]


@lru_cache(maxsize=1 << 13)
def _people_listed(text: str, officers: bool) -> tuple[_Entry, ...]:
    """The entries of ``text`` that name someone (not "members of the public", not "None").

    Remembered: a committee lists its members again at each of its meetings.
    """
    return tuple(e for e in _entries(text, officers=officers)
                 if not _PUBLIC.search(e.name) and parse_name(e.name) is not None)


def _entries(text: str, *, officers: bool) -> list[_Entry]:
    """Split a run of names: tabs, semicolons and commas separate people; a job title clings to its name."""
    out: list[_Entry] = []
    for group in _split_outside_brackets(text.strip(), "\t;"):
        pieces: list[str] = []
        for piece in _split_outside_brackets(group, ","):
            pieces.extend(_AND.split(piece))
        for raw in pieces:
            piece = _BILINGUAL_PREFIX.sub("", _BULLET.sub("", raw.strip()).rstrip(".")).strip()
            piece = _MEMBER_PREFIX.sub("", _LEADING_AND.sub("", piece))
            if not piece:
                continue
            role_only = _ROLE_ONLY.match(piece)
            if role_only:
                if out and not role_only.group("vice"):
                    out[-1] = _Entry(out[-1].name, out[-1].title, True)
                continue
            bracket = _BRACKET_END.search(piece) if ")" in piece else None
            name = piece[: bracket.start()].strip() if bracket else piece
            is_chair = bool(bracket and _CHAIR.search(bracket.group(0)))
            title = bracket.group(1) if bracket and not is_chair and not _VICE.search(bracket.group(1)) else None
            starts_name = bool(_HONORIFIC.match(name) or _INITIALS_NAME.match(name))
            if out and not starts_name and (officers or parse_name(name) is None) and out[-1].title is None:
                out[-1] = _Entry(out[-1].name, piece, out[-1].chair)
                continue
            dashed = _DASH.split(name, maxsplit=1)
            name, title_after = (dashed[0], dashed[1]) if len(dashed) == 2 else split_job_title(name)
            out.append(_Entry(name, title or title_after, is_chair))
    return out


_APOLOGY_SENTENCE = re.compile(
    r"\bapologies(?:\s+for\s+absence)?\s+(?:were|was|had been)?\s*(?:received|noted|submitted|tendered|given|accepted|intimated)"
    r"(?:\s+and\s+(?:accepted|noted|approved))?\s+(?:from|on behalf of)\s+(?P<names>[^.]+)",
    re.I,
)
_APOLOGY_LABEL = re.compile(r"^apologies(?:\s+for\s+absence)?\s*(?:were\s+received\s+from)?\s*[:\-–]\s*(?P<names>.+)$", re.I)


def apologies_in(span: Span, body: list[Line]) -> list[NameRef]:
    """Apologies minuted as an item: "Apologies for absence were received from X, Y and Z"."""
    found: list[NameRef] = []
    for line in body:
        match = _APOLOGY_SENTENCE.search(line.text) or _APOLOGY_LABEL.match(line.text)
        if not match:
            continue
        names = re.split(r"\s+(?:who|as|due to|because)\b", match.group("names"))[0]
        for entry in _people_listed(names, False):
            found.append(NameRef(entry.name, "member", None, span(line.number)))
    return found


_INTEREST = re.compile(r"\b(?:disclosable\s+pecuniary|non[- ]pecuniary|pecuniary|personal|prejudicial|other\s+registrable|registrable|private|significant)\b(?:\s+and\s+\w+)?\s+interests?", re.I)
_ACTION = re.compile(r"\b(?:left the (?:room|meeting|chamber)[^.;]*|took no part[^.;]*|did not (?:vote|take part|participate)[^.;]*|remained in the (?:room|meeting)[^.;]*|withdrew[^.;]*)", re.I)
_DECLARER = re.compile(
    r"(?P<name>(?:(?:County\s+|City\s+|Borough\s+|District\s+)?Councillors?|Cllrs?\.?|CC|Mayor|Council\s+Member|Alderman|Mr|Mrs|Ms|Miss|Dr)\s+(?:[A-Z]\.?\s*){0,3}[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
    r"[^.;]*?\b(?:declared|disclosed|declares|registered|has)\b",
)


def declarations(span: Span, body: list[Line]) -> list[Declaration]:
    """Declarations of interest: who declared which interest and what they did about it."""
    found: list[Declaration] = []
    for line in body:
        for sentence in re.split(r"(?<=\.)\s+", line.text):
            interest = _INTEREST.search(sentence)
            who = _DECLARER.search(sentence)
            if not interest or not who:
                continue
            about = sentence[interest.end() :].strip(" .")
            about = re.split(r"\s+(?:and|,)\s+(?:left|took|did|remained|withdrew)\b", about)[0]
            action = _ACTION.search(sentence)
            found.append(
                Declaration(
                    person=NameRef(who.group("name"), "member", None, span(line.number)),
                    interest=f"{interest.group(0)} {about}".strip(),
                    action=action.group(0).strip() if action else "",
                )
            )
    return found
