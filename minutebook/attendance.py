"""Who was there: the Present / Apologies / In attendance block, and declarations of interest."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .layout import Line
from .model import Declaration, NameRef, Role, SourceSpan
from .people import parse_name, split_job_title

Span = Callable[[int], SourceSpan]

_LABELS: list[tuple[str, re.Pattern[str]]] = [
    ("apologies", re.compile(r"^(?:apologies(?:\s+for\s+absence)?(?:\s+(?:were\s+)?(?:received\s+)?from)?|ymddiheuriadau|absent|absence)\b\s*(?:/[^:]*)?[:\-–]?\s*", re.I)),
    ("officers", re.compile(r"^(?:(?:also\s+)?in\s+attendance|officers?(?:\s+(?:present|in\s+attendance))?|officials?(?:\s+present)?|staff(?:\s+present)?|clerk|hefyd\s+yn\s+bresennol)\b\s*(?:/[^:]*)?[:\-–]?\s*", re.I)),
    ("also", re.compile(r"^also\s+(?:present|attending)\b\s*[:\-–]?\s*", re.I)),
    ("present", re.compile(r"^(?:(?:members|councillors)\s+present|present|yn\s+bresennol|attendance|roll\s+call(?:\s*:\s*present)?|members)\b\s*(?:/[^:]*)?[:\-–]?\s*", re.I)),
]
_MEMBER_HEADING = re.compile(r"^(?:county\s+|city\s+|borough\s+|district\s+|town\s+|parish\s+)?(?:councillors|cllrs\.?|council members|members|aelodau)\s*:?$", re.I)
_MEMBER_PREFIX = re.compile(r"^(?:(?:county|city|borough|district|town|parish)\s+)?(?:councillors|cllrs\.?|council\s+members)\s+", re.I)
_CHAIR = re.compile(r"\((?:in the )?(?:chair(?:man|woman|person)?|cathaoirleach|mayor|cadeirydd|presiding)\)|\bpresiding\b|\bin the chair\b", re.I)
_VICE = re.compile(r"\(vice[- ]?chair(?:man|person)?\)", re.I)
_PUBLIC = re.compile(r"\bmembers? of (?:the )?(?:public|press)\b|\bpress\b|\bpublic\b|^none\.?$|^nil\.?$|^no apologies", re.I)
_JOB_WORDS = re.compile(
    r"\b(?:head|director|manager|officer|clerk|chief|executive|assistant|secretary|solicitor|engineer|planner|adviser|"
    r"advisor|lead|service|services|team|democratic|legal|finance|of|and|for|senior|principal|deputy|treasurer|rfo|"
    r"county manager|administrator|coordinator|co-ordinator)\b",
    re.I,
)


@dataclass(frozen=True)
class Attendance:
    present: tuple[NameRef, ...] = ()
    apologies: tuple[NameRef, ...] = ()
    officers: tuple[NameRef, ...] = ()
    chair: NameRef | None = None


def start_row(lines: list[Line]) -> int | None:
    """Where the attendance block begins ("Present:"), if the header has one."""
    for index, line in enumerate(lines):
        if _label_of(line.text)[0] in ("present", "apologies", "officers") and len(line.text) < 400:
            return index
    return None


def _label_of(text: str) -> tuple[str | None, str]:
    """("present", rest) for "Present: A Smith"; a label needs a colon or dash, or a line to itself."""
    for section, pattern in _LABELS:
        match = pattern.match(text)
        if not match:
            continue
        rest = text[match.end() :]
        said_from = re.search(r"(?:received|were)\s+from\s*:?\s*$", text[: match.end()], re.I)
        if not rest.strip() or re.search(r"[:\-–]\s*$", text[: match.end()]) or said_from:
            return section, rest
    return None, text


def read(lines: list[Line], span: Span) -> Attendance:
    """Read the attendance block; several sections may share a line ("Present: ...; Absent: ...")."""
    present: list[NameRef] = []
    apologies: list[NameRef] = []
    officers: list[NameRef] = []
    chair: NameRef | None = None
    section = "present"
    for line in lines:
        if not line.text:
            continue
        for piece in re.split(r";\s*(?=(?:absent|apologies|also|officers?|in attendance|present)\b)", line.text, flags=re.I):
            label, rest = _label_of(piece)
            if label:
                section = "present" if label == "also" and _MEMBER_PREFIX.match(rest) else label
                if label == "also" and not _MEMBER_PREFIX.match(rest):
                    section = "officers"
            if _MEMBER_HEADING.match(rest.strip()):
                if section == "officers":
                    section = "present"
                continue
            if re.match(r"^officers?\s*:?$", rest.strip(), re.I):
                section = "officers"
                continue
            for text in _entries(rest, officers=section == "officers"):
                name, job_title = text
                if _PUBLIC.search(name) or parse_name(name) is None:
                    continue
                role: Role = "officer" if section == "officers" else "member"
                ref = NameRef(name, role, job_title, span(line.number))
                if section == "officers":
                    officers.append(ref)
                elif section == "apologies":
                    apologies.append(ref)
                else:
                    present.append(ref)
                    if _CHAIR.search(name) and not _VICE.search(name):
                        chair = ref
    return Attendance(tuple(present), tuple(apologies), tuple(officers), chair)


def _entries(text: str, *, officers: bool) -> list[tuple[str, str | None]]:
    """Split a line of names: tabs and commas separate people; a job title clings to its name."""
    text = _MEMBER_PREFIX.sub("", text.strip())
    out: list[tuple[str, str | None]] = []
    for cell in text.split("\t"):
        cell = cell.strip().rstrip(".")
        if not cell:
            continue
        pieces = [p.strip() for p in re.split(r",|;|\s+(?:and|&)\s+(?=[A-Z])", cell) if p.strip()]
        for piece in pieces:
            bracket = re.search(r"\(([^)]*)\)\s*$", piece)
            title_in_brackets = bracket.group(1) if bracket and not _CHAIR.search(piece) and not _VICE.search(piece) else None
            if out and (_looks_like_job(piece) or parse_name(piece) is None) and not _CHAIR.search(piece):
                name, title = out[-1]
                out[-1] = (name, f"{title}, {piece}" if title else piece)
                continue
            name = piece[: bracket.start()].strip() if title_in_brackets else piece
            name, title_after = split_job_title(name)
            out.append((name, title_in_brackets or title_after))
    return out


def _looks_like_job(piece: str) -> bool:
    words = piece.split()
    return bool(_JOB_WORDS.search(piece)) and not (len(words) <= 3 and parse_name(piece) and not re.search(r"\b(?:of|and|for|head|director|manager|officer|clerk|service)\b", piece, re.I))


_APOLOGY_SENTENCE = re.compile(
    r"\bapologies(?:\s+for\s+absence)?\s+(?:were|was|had been)?\s*(?:received|noted|submitted|tendered|given|accepted)"
    r"\s+(?:from|on behalf of)\s+(?P<names>[^.]+)",
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
        for name, _title in _entries(names, officers=False):
            if not _PUBLIC.search(name) and parse_name(name) is not None:
                found.append(NameRef(name, "member", None, span(line.number)))
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
