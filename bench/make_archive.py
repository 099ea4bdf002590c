#!/usr/bin/env python3
"""A synthetic council archive for issue 7's bench, made from the seeds' text, names and layouts.

Usage:
    python bench/make_archive.py N OUT_DIR [--seed 1]

Writes N meeting documents into OUT_DIR (plus one lone agenda-item page per 100 meetings),
in the layouts of the seeds in ``content/``, as councils publish them:

* plain minutes (``000``): bench/synthetic.py's documents, about 45% of meetings;
* ModernGov minutes pages (``001``, ``003``): items between ``<AI1>`` ... ``</AI1>`` markers,
  "Minutes of the Meeting held on Tuesday, 27th February, 2018 at 2.00 pm in ...", a Present
  block of tab-indented initials; about 40%;
* agenda packs (``004``): the agenda with page ranges and a Part II item, the previous
  meeting's minutes, a report for each substantive item with tab-separated tables, and
  restricted pages ("NOT FOR PUBLICATION ... Document is Restricted"); 30-100 kB; about 15%;
* lone agenda-item pages (``002``): "Agenda item / title / Minutes:" with no date.

Meeting sizes follow the seeds' 5-100 kB: minutes are drawn around 8 kB (5-40 kB), packs
30-100 kB.  The vocabulary grows as a real archive's does (Heaps' law, distinct words about
K x tokens^0.5): besides the seeds' prose and bench/synthetic.py's topic sentences, new
place, street and firm names are coined as the archive grows, so a bigger archive has more
rare words, not only more of the same ones.

People recombine the seeds' own first names and surnames (read from ``content/``) with
bench/synthetic.py's pools; ``QUERY_SURNAME`` (a seed surname) sits on Cabinet and Planning
in every term.  The council itself is fiction (Wyreshire).  Everything comes from seeded
``random.Random`` instances: the same N and seed give byte-identical files.

``QUERIES`` are the 20 typical queries bench/run.py times (topics, names, rare words, years);
each has answers at 100, 1,000 and 10,000 meetings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic as syn  # noqa: E402  (bench/ is a folder of scripts, not a package)

QUERY_SURNAME = "Iddon"
"""A councillor's surname from the seeds, on Cabinet and Planning in every term."""

QUERIES = [
    "risk register", "council tax", "libraries", "adult social care", "flood risk", "pension fund",
    "special educational needs", "potholes", "fostering", "performance monitoring report",
    QUERY_SURNAME, "Winlow", "Director of Public Health", syn.RARE_PROJECT, "Mazars",
    "brexit", "2019", "budget 2024", "March 2026", "minutes 2025",
]

LAYOUT_SHARES = (("plain", 0.45), ("moderngov", 0.40), ("pack", 0.15))
ITEM_PAGE_EVERY = 100
HEAPS_K, HEAPS_BETA = 6.0, 0.5
"""Coined names after T tokens written: K x T^beta (about 2,000 at 100 meetings, 30,000 at 10,000)."""

SYLLABLE_HEADS = ("Brack", "Tolver", "Ansel", "Crom", "Dunn", "Esk", "Farn", "Gisb", "Hesk", "Illing", "Jagg", "Kels",
                  "Lind", "Mard", "Nethers", "Orm", "Pilk", "Quarn", "Rams", "Stain", "Tatt", "Ulver", "Wadd", "Yeal",
                  "Bols", "Caton", "Dolph", "Elsw", "Forton", "Garst", "Heys", "Inske", "Lowg", "Maw", "Newsh", "Over",
                  "Pres", "Rib", "Scors", "Thurn", "Wenn", "Whal", "Barl", "Chipp", "Dins", "Goos", "Hals", "Kirkl")
SYLLABLE_MIDS = ("", "er", "ing", "an", "el", "ow", "is", "am", "ock", "ers", "ley", "en")
SYLLABLE_TAILS = ("thwaite", "ton", "ley", "by", "ham", "worth", "field", "den", "holme", "shaw", "bridge", "stead",
                  "wick", "gate", "dale", "side", "moor", "clough", "hurst", "burn", "cote", "fold", "hey", "royd",
                  "thorpe", "well", "beck", "scar", "mere", "lowe")
FIRM_TAILS = ("Ltd", "Construction Ltd", "Homes", "Developments Ltd", "Partnership", "Trust", "Associates")


# --- the seeds' names ----------------------------------------------------------------------------


def seed_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """First names and surnames of the people the seed documents name, in order of appearance."""
    firsts: list[str] = []
    surnames: list[str] = []
    full = re.compile(r"(?:County Councillor |^)([A-Z][a-z]+) ((?:O')?[A-Z][a-z]+)(?=,| \(| CBE)", re.MULTILINE)
    initial = re.compile(r"(?:^|\t)[ \t]*(?:Mrs |Mr )?[A-Z][ \xa0]((?:O')?[A-Z][a-z]+)\b", re.MULTILINE)
    for name in syn.SEEDS:
        text = (syn.ROOT / "content" / name).read_text(encoding="utf-8")
        for first, surname in full.findall(text):
            if first in ("Local", "County"):
                continue
            firsts += [first] if first not in firsts else []
            surnames += [surname] if surname not in surnames else []
        for surname in initial.findall(text):
            surnames += [surname] if surname not in surnames else []
    return tuple(firsts), tuple(surnames)


# --- a vocabulary that grows ---------------------------------------------------------------------


class Lexicon:
    """Coins new proper names (places, streets, firms) as tokens are written, following Heaps' law."""

    def __init__(self, world: syn.World, seed: int) -> None:
        self.world = world
        self.rng = random.Random(f"lexicon|{seed}")
        self.tokens = 0
        self.coined: set[str] = set(world.places)
        self._names = self._candidates()

    def _candidates(self) -> Iterator[str]:
        heads, mids, tails = list(SYLLABLE_HEADS), list(SYLLABLE_MIDS), list(SYLLABLE_TAILS)
        combos = [(h, m, t) for h in heads for m in mids for t in tails]
        self.rng.shuffle(combos)
        for h, m, t in combos:
            yield h + m + t

    def wrote(self, text: str) -> None:
        """Count a written document's words; coin places until the vocabulary is where Heaps says."""
        self.tokens += len(text.split())
        target = int(HEAPS_K * self.tokens ** HEAPS_BETA)
        while len(self.world.places) < target:
            name = next(self._names, None)
            if name is None:
                return
            if name not in self.coined:
                self.coined.add(name)
                self.world.places.append(name)

    def firm(self) -> str:
        return f"{self.rng.choice(self.world.places)} {self.rng.choice(FIRM_TAILS)}"


# --- layouts -------------------------------------------------------------------------------------


@dataclass
class Minutes:
    """A plain minutes document split into what other layouts are made of."""

    text: str
    items: list[tuple[str, str, list[str], bool]]  # number, title, paragraphs, exempt
    chair: str
    present: list[str]  # initials, chair excluded
    facts: dict[str, object]


def split_minutes(text: str, facts: dict[str, object]) -> Minutes:
    """Cut bench/synthetic.py's text at its item headings (known from the facts it states)."""
    lines = text.split("\n")
    items_facts = facts["items"]
    assert isinstance(items_facts, list)
    starts: list[int] = []
    at = 0
    for item in items_facts:
        heading = f"{item['number']}. {item['title']}"
        at = lines.index(heading, at)
        starts.append(at)
    items = []
    for k, item in enumerate(items_facts):
        end = starts[k + 1] if k + 1 < len(starts) else _signature_start(lines)
        body = "\n".join(lines[starts[k] + 1 : end]).strip()
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        items.append((str(item["number"]), str(item["title"]), paragraphs, bool(item["exempt"])))
    present = [str(p) for p in facts["present"]]  # type: ignore[attr-defined]
    initials = [f"{p.split()[0][0]} {' '.join(p.split()[1:])}" for p in present[1:]]
    return Minutes(text, items, str(facts["chair"]), initials, facts)


def _signature_start(lines: list[str]) -> int:
    """The signing officer's initials come after the last item, before 'County Hall'."""
    hall = max(i for i, line in enumerate(lines) if line == "County Hall")
    return hall - 3


def ordinal_date(d: dt.date, weekday: bool = True) -> str:
    """'Tuesday, 27th February, 2018', as ModernGov writes dates."""
    day = f"{d.day}{syn._suffix(d.day)}"
    return f"{syn.WEEKDAYS[d.weekday()]}, {day} {syn.MONTHS[d.month - 1]}, {d.year}" if weekday else \
        f"{day} {syn.MONTHS[d.month - 1]} {d.year}"


def moderngov(minutes: Minutes, meeting: syn.Meeting) -> str:
    """Minutes as a ModernGov page: numbered items inside <AIn> markers, initials indented by tabs."""
    lines = ["", syn.COUNCIL, "", meeting.body.name,
             f"Minutes of the Meeting held on {ordinal_date(meeting.date)} at {meeting.time} in {meeting.venue}",
             "Present:", "", f"County Councillor {minutes.chair} (Chair)", "County Councillors", ""]
    for initials in minutes.present:
        lines += [f"\t{initials}", ""]
    lines += ["", ""]
    for k, (number, title, paragraphs, _exempt) in enumerate(minutes.items, start=1):
        lines += [f"<AI{k}>", "", f"\t{number}.  ", f"\t{title}", "", "", ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
        lines += [f"</AI{k}>", ""]
    return "\n".join(lines) + "\n"


def item_page(minutes: Minutes, rng: random.Random) -> str | None:
    """One substantive item on its own, as a committee system's 'agenda item' page: no date, no committee."""
    substantive = [item for item in minutes.items[3:] if not item[3] and len(item[2]) > 2]
    if not substantive:
        return None
    _number, title, paragraphs, _exempt = rng.choice(substantive)
    return "\n".join(["Agenda item", "", title, "", "Minutes:", "", *[p + "\n\n \n" for p in paragraphs]]) + "\n"


PROCEDURAL = ("Apologies for Absence", "Disclosure of Pecuniary", "Minutes of the Meeting", "Urgent Business",
              "Date of Next Meeting", "Any Other Business", "Exclusion of the Press")


def _procedural(title: str) -> bool:
    return title.startswith(PROCEDURAL)


def agenda_pack(world: syn.World, meeting: syn.Meeting, this: Minutes, previous: Minutes | None,
                previous_meeting: syn.Meeting | None, lexicon: Lexicon, rng: random.Random, target: int) -> str:
    """An agenda pack as extracted from its PDF: agenda, the last meeting's minutes, reports, restricted pages."""
    body, d = meeting.body, meeting.date
    signer = syn.officer_for(world, "Monitoring Officer", d)
    filler = syn.Filler(world, meeting, rng)
    open_items = [(t, p) for _n, t, p, exempt in this.items if not exempt]
    exempt_items = [t for _n, t, _p, exempt in this.items if exempt]
    reports = [(t, p) for t, p in open_items if not _procedural(t)]
    lines = ["", "", syn.COUNCIL, "", body.name, "", f"{ordinal_date(d)} at {meeting.time} in {meeting.venue}", "",
             "Agenda", "", "Part I (Open to Press and Public)", "", "No. Item", ""]
    page = 1
    number = 0
    for title, _paragraphs in open_items:
        number += 1
        pages = ""
        if title.startswith("Minutes of the Meeting") and previous is not None:
            pages = f" (Pages {page} - {page + 5})"
            page += 6
        elif not _procedural(title):
            span = rng.randrange(4, 18)
            pages = f" (Pages {page} - {page + span - 1})"
            page += span
        lines += [f"{number}. {title}{pages}", ""]
        if title.startswith("Disclosure of Pecuniary"):
            lines += ["Members are asked to consider any Pecuniary and Non-Pecuniary Interests they may have to "
                      "disclose to the meeting in relation to matters under consideration on the Agenda.", ""]
    exempt_numbers: list[int] = []
    if exempt_items:
        lines += ["Part II (Not Open to Press and Public)", ""]
        for title in exempt_items:
            number += 1
            exempt_numbers.append(number)
            lines += [f"- {number}. {title}** (Pages {page} - {page + 9})", ""]
    lines += [signer.initial, signer.title or "Monitoring Officer", "", "County Hall", syn.TOWN, ""]
    if previous is not None and previous_meeting is not None:
        lines += [syn.COUNCIL, "", body.name, "", "",
                  f"Minutes of the Meeting held on {ordinal_date(previous_meeting.date)} at {previous_meeting.time} "
                  f"in {previous_meeting.venue}", "", "Present:", "", f"County Councillor {previous.chair} (Chair)", "",
                  "County Councillors", ""]
        pairs = previous.present
        for k in range(0, len(pairs), 2):
            lines.append("\t".join(pairs[k : k + 2]) + ("\t" if k + 1 >= len(pairs) else ""))
        lines.append("")
        for number_text, title, paragraphs, exempt in previous.items:
            if exempt:
                continue
            lines += [f"{number_text}. {title}", ""]
            for paragraph in paragraphs:
                lines += [paragraph, ""]
        lines += [signer.initial, signer.title or "Monitoring Officer", "", "County Hall", syn.TOWN, ""]
    text = "\n".join(lines)
    k = 0
    while reports and (len(text) < target or k < len(reports)):
        title, paragraphs = reports[k % len(reports)]
        text += "\n" + report(world, meeting, filler, lexicon, rng, title, paragraphs, appendix=k >= len(reports))
        k += 1
    for number in exempt_numbers:
        notice = ("(NOT FOR PUBLICATION: By virtue of paragraph(s) 3 of Part 1 of Schedule 12A of the Local "
                  "Government Act 1972. It is considered that all the circumstances of the case the public interest "
                  "in maintaining the exemption outweighs the public interest in disclosing the information)")
        text += f"\nAgenda Item {number}\n\n{notice}\n\nDocument is Restricted\n\n{notice}\n\nDocument is Restricted\n"
    return text


def report(world: syn.World, meeting: syn.Meeting, filler: syn.Filler, lexicon: Lexicon, rng: random.Random,
           title: str, minutes_paragraphs: list[str], appendix: bool) -> str:
    """An officer's report to the meeting: summary, recommendation, background, a performance table."""
    d = meeting.date
    officer = syn.officer_for(world, rng.choice(meeting.body.officers), d)
    topic = rng.choice(meeting.body.topics)
    prose = [p for p in minutes_paragraphs if not p.startswith(("Resolved", "- ", "County Councillor"))]
    more = syn._paragraphs(world, filler, topic, rng.randrange(3, 8)) or prose
    lines = [meeting.body.name, "", f"Meeting to be held on {syn.long_date(d)}", "",
             f"Report of the {officer.title}", "", "Part I", "", "Electoral Division affected:",
             rng.choice(("All", "(All Divisions);", f"{filler.place()}; {filler.place()}")), "",
             f"{title}{' - Appendix A' if appendix else ''}", "", "Contact for further information:", "",
             f"{officer.full}, {officer.title}", "", "Executive Summary", "", *(prose[:2] or more[:1]), "",
             "Recommendation", "", rng.choice(syn.RESOLUTIONS).replace("That the", "The Committee is asked to agree that the"),
             "", "Background and Advice", ""]
    for paragraph in more + prose[2:]:
        lines += [paragraph, ""]
    lines += table(filler, lexicon, rng, d)
    lines += ["Consultations", "", "N/A", "", "Implications:", "", "This item has the following implications, as "
              "indicated:", "", "Risk management", "", rng.choice((
                  "No significant risks have been identified in relation to the proposals contained within this report.",
                  f"The contract with {lexicon.firm()} carries a financial risk set out in the report.")), "",
              "Local Government (Access to Information) Act 1985", "List of Background Papers", "", "None", "",
              "Reason for inclusion in Part II, if appropriate", "", "N/A", ""]
    return "\n".join(lines)


def table(filler: syn.Filler, lexicon: Lexicon, rng: random.Random, d: dt.date) -> list[str]:
    """A tab-separated performance table as PDF extraction leaves it: a header row, measures by place."""
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(d.year - 3, d.year)]
    header = ["Performance Measure", "Good is High or Low", *years, f"Q{rng.randrange(1, 5)} {years[-1]}",
              "England Average"]
    rows = ["\t".join(header)]
    for _ in range(rng.randrange(4, 12)):
        measure = rng.choice((
            "% of {place} residents satisfied with services", "Number of visits to {place} library",
            "Safety defects repaired within 2 working days on {road}", "% of waste recycled at {place} HWRC",
            "Children looked after per 10,000 in {place}", "Average caseload per social worker, {district}",
            "Planning applications determined within 13 weeks, {district}"))
        values = [f"{rng.randrange(10, 99)}.{rng.randrange(10)}%" if "%" in measure else f"{rng.randrange(100, 99999):,}"
                  for _ in range(len(header) - 2)]
        rows.append("\t".join([filler.fill(measure), rng.choice("HL"), *values]))
    return ["Performance Summary", "", *rows, ""]


# --- the archive ---------------------------------------------------------------------------------


def _without_next_meeting(world: syn.World) -> None:
    """A seed paragraph naming 'the next meeting' belongs in a Date of Next Meeting item, not in any item's prose."""
    def keep(paragraphs: list[str]) -> list[str]:
        return [p for p in paragraphs if "next meeting" not in p.lower()]
    world.generic = keep(world.generic)
    world.brexit_paragraphs = keep(world.brexit_paragraphs)
    world.paragraphs = {topic: keep(paragraphs) for topic, paragraphs in world.paragraphs.items()}


def pick_layout(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for layout, share in LAYOUT_SHARES:
        total += share
        if roll < total:
            return layout
    return LAYOUT_SHARES[-1][0]


def minutes_bytes(rng: random.Random) -> int:
    """Minutes sizes around the seeds' 5-16 kB minutes: log-normal, median 8 kB, 5-40 kB."""
    return int(min(40_000, max(5_000, 8_000 * math.exp(rng.gauss(0, 0.5)))))


def generate(n: int, out_dir: Path, seed: int = 1) -> list[Path]:
    """Write the archive into out_dir (its earlier documents are removed); return the paths written."""
    syn._MEMBERS.clear()
    firsts, surnames = seed_names()
    world = syn.make_world(seed, first_names=tuple(dict.fromkeys(firsts + syn.FIRST_NAMES)),
                           surnames_pool=tuple(dict.fromkeys(surnames + syn.SURNAMES)), query_surname=QUERY_SURNAME)
    _without_next_meeting(world)
    lexicon = Lexicon(world, seed)
    rng = random.Random(seed * 7919 + n)
    meetings = syn.schedule(n, rng)
    by_body = syn.start_archive(out_dir, meetings)
    last: dict[str, tuple[syn.Meeting, Minutes]] = {}
    paths: list[Path] = []
    for index, meeting in enumerate(meetings):
        previous, following = syn.neighbours(meeting, by_body, rng)
        signer = syn.officer_for(world, "Monitoring Officer", meeting.date)
        layout = pick_layout(rng)
        text, facts = syn.write_meeting(world, meeting, previous, following, rng, signer, min_bytes=minutes_bytes(rng))
        minutes = split_minutes(text, facts)
        if layout == "moderngov":
            text = moderngov(minutes, meeting)
        elif layout == "pack":
            before = last.get(meeting.body.name)
            text = agenda_pack(world, meeting, minutes, before[1] if before else None, before[0] if before else None,
                               lexicon, rng, target=rng.randrange(30_000, 100_000))
        last[meeting.body.name] = (meeting, minutes)
        lexicon.wrote(text)
        path = out_dir / f"{index:05d}_{meeting.date.isoformat()}_{syn.slug(meeting.body.name)}_{layout}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        if (index + 1) % ITEM_PAGE_EVERY == 0:
            page = item_page(minutes, rng)
            if page is not None:
                path = out_dir / f"{index:05d}_item-page.txt"
                path.write_text(page, encoding="utf-8")
                paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of meetings")
    parser.add_argument("out_dir", type=Path, help="folder to write the .txt documents into")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    paths = generate(args.n, args.out_dir, args.seed)
    sizes = sorted(p.stat().st_size for p in paths)
    layouts = {name: sum(1 for p in paths if p.stem.endswith(name)) for name in ("plain", "moderngov", "pack", "page")}
    print(f"wrote {len(paths)} documents to {args.out_dir}/: {sum(sizes) / 1e6:.1f} MB, "
          f"{sizes[0] / 1e3:.1f}-{sizes[-1] / 1e3:.1f} kB each (median {sizes[len(sizes) // 2] / 1e3:.1f} kB); "
          + ", ".join(f"{k} {v}" for k, v in layouts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
