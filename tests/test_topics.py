"""Topics: the same subject in the Lancashire seeds becomes one topic, housekeeping items none."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from minutebook import topics
from minutebook.link import LinkInput, link_archive
from minutebook.model import SourceSpan
from minutebook.parsecache import read_documents
from minutebook.sources import discover
from minutebook.topics import (
    OverrideEntry,
    TopicIndex,
    TopicInput,
    TopicOverrides,
    assign_topics,
    is_procedural,
    load_overrides,
)

from .conftest import build_site

# Item texts as the 27 June 2017 minutes (content/000_*.txt) write them.
RISK_TEXT_2017 = """Paul Bond, Head of Service Legal and Democratic Services, presented the report on the Risk and
Opportunity Register to members. It was confirmed that there had been one addition (CR28) and no deletions to the
register.
It was reported that the Risk and Opportunity Register was presented at the Audit and Governance Committee and it was
requested at that meeting a further report be provided to the Audit and Governance Committee on the civil
contingency/emergency planning.
Members were advised that currently the residual risk around emergency planning is less than 12 which is why it does not
appear on this risk register.
In addition, members were informed that a Liquid Logic update report was presented at Audit and Governance Committee and
a request was made at that meeting for a further report to be provided to the Audit and Governance Committee in
September.
Members requested further information around the potential impact of Brexit particularly in relation to current EU
funding. It was confirmed that information would be requested to come back to the next meeting of the Committee.
Resolved: That:
i. The updated Risk and Opportunity Register be noted.
ii. Report be presented at the next meeting of the Committee around the potential impact of Brexit."""

PERFORMANCE_TEXT_2017 = """Donna Talbot, Head of Service Business Intelligence, presented the Quarterly Corporate
Performance Monitoring report for Quarter 4 to the Committee.
It was highlighted that in relation to the information provided around Child Protection Plans, additional contextual
data including referral information would be presented in the next quarterly report.
In relation to the adoption figures reported, it was confirmed that further explanation and breakdown of measures was
required to understand this data in more detail. It was agreed that further information would be provided in the next
quarterly report.
It was also agreed that further information would be provided to members relating to the annual national adoption
scorecard.
It was confirmed that the proportion of newly qualified social workers varied across Lancashire and that the Improvement
Board was looking at this in greater detail.
The number of looked after children detailed in the report was confirmed to be all Lancashire children.
Members were advised that the increased rate of admissions to care homes was linked to levels of deprivation.
Ofsted Post Inspection Update
Amanda Hatton, Director of Children's Services provided an update to the Committee on the Ofsted post inspection work:
- The next Ofsted monitoring visit will be on 25/26 July and would focus on children looked after.
- The action plan from the Practice Improvement Model was being reported to the 0-25 Board.
- In relation to Child Sexual Exploitation it was confirmed that Police had significant resources in different teams to
support this work.
- It was confirmed that the Ofsted rating would not be known until the next inspection although it was reported that the
peer challenge later in year may give an indication.
Resolved: That;
i. The reported performance for Quarter 4 and the Ofsted post inspection update information and comments be noted.
ii. The Access to Finance data be reviewed
iii. Further information on debt management arrangements be provided
iv. Report to the next meeting of the Committee on children killed or seriously injured be provided"""

RISK_TITLES = [
    "Risk and Opportunity Register Quarter 1",
    "Risk Register Quarter 4 Report",
    "Corporate Risk and Opportunity Register - Quarter 4",
    "Corporate Risk and Opportunity Register Quarter 3",
]
PERFORMANCE_TITLES = [
    "Quarterly Corporate Performance Monitoring Report – Quarter 4 2016/17",
    "Quarterly Corporate Performance Monitoring Report (Quarter 3) 2017/18",
    "Quarterly Performance Summary Report",
    "Quarterly Corporate Performance Monitoring Report - Quarter 3 2015/16",
]
OTHER_TITLES = [
    "Customer Access Performance Report",
    "Withdrawal from the European Union: Implications for Lancashire County Council",
    "Summary of Standards at KS4 across Lancashire",
    "Update report on the performance of Lancashire County Council's Waste Processing Facilities",
]


def item(key: str, title: str, date: dt.date | None = None, text: str = "", headings: tuple[str, ...] = ()
         ) -> TopicInput:
    return TopicInput(key, title, text, headings, date)


def seed_items() -> list[TopicInput]:
    """The item titles of the five seed documents, with their meeting dates."""
    d = dt.date
    return [
        item("2016-02-18-ccpi#5", PERFORMANCE_TITLES[3], d(2016, 2, 18)),
        item("2017-03-07-ccpi#1", "Apologies for Absence", d(2017, 3, 7)),
        item("2017-03-07-ccpi#3", "Minutes of the Meeting held on 5 December 2016", d(2017, 3, 7)),
        item("2017-03-07-ccpi#4", OTHER_TITLES[0], d(2017, 3, 7)),
        item("2017-03-07-ccpi#5", RISK_TITLES[1], d(2017, 3, 7)),
        item("2017-03-07-ccpi#6", PERFORMANCE_TITLES[2], d(2017, 3, 7), headings=("Ofsted Post Inspection Update",)),
        item("2017-03-07-ccpi#8", "Date of Next Meeting", d(2017, 3, 7)),
        item("2017-06-27-ccpi#2", "Disclosure of Pecuniary and Non-Pecuniary Interests", d(2017, 6, 27)),
        item("2017-06-27-ccpi#4", RISK_TITLES[0], d(2017, 6, 27), RISK_TEXT_2017),
        item("2017-06-27-ccpi#5", PERFORMANCE_TITLES[0], d(2017, 6, 27), PERFORMANCE_TEXT_2017,
             ("Ofsted Post Inspection Update",)),
        item("2017-06-27-ccpi#6", "Urgent Business", d(2017, 6, 27)),
        item("2018-02-27-ccpi#3", "Minutes of the Meeting held on 6th December 2017", d(2018, 2, 27)),
        item("2018-02-27-ccpi#4", OTHER_TITLES[2], d(2018, 2, 27)),
        item("2018-02-27-ccpi#5", RISK_TITLES[2], d(2018, 2, 27)),
        item("2018-02-27-ccpi#6", PERFORMANCE_TITLES[1], d(2018, 2, 27),
             headings=("Ofsted Monitoring Visit", "SEND Inspection")),
        item("2018-02-27-ccpi#8", "Dates of Future Meetings", d(2018, 2, 27)),
        item("2018-12-05-ccpi#4", OTHER_TITLES[1], d(2018, 12, 5), "a deal and a no deal Brexit"),
        item("2018-12-05-ccpi#5", RISK_TITLES[3], d(2018, 12, 5)),
        item("2019-02-26-ccpi#8", "Notice of Intention to Conduct Business in Private", d(2019, 2, 26)),
        item("2019-02-26-ccpi#9", "Exclusion of the Press and Public", d(2019, 2, 26)),
        item("2019-02-26-ccpi#10", OTHER_TITLES[3], d(2019, 2, 26)),
    ]


def topic_of(index: TopicIndex, key: str):
    """The primary topic record of an item."""
    first = index.topics_of[key][0]
    return next(t for t in index.topics if t.id == first)


def test_a_resident_following_the_risk_register_across_years_finds_one_topic():
    index = assign_topics(seed_items())
    topic = topic_of(index, "2017-03-07-ccpi#5")
    assert topic.id == "corporate-risk-and-opportunity-register"
    assert topic.name == "Corporate Risk and Opportunity Register"
    assert topic.variants == tuple(sorted(RISK_TITLES))
    assert topic.keys == ("2017-03-07-ccpi#5", "2017-06-27-ccpi#4", "2018-02-27-ccpi#5", "2018-12-05-ccpi#5")


def test_every_wording_of_the_quarterly_performance_report_is_one_topic():
    index = assign_topics(seed_items())
    topic = topic_of(index, "2017-06-27-ccpi#5")
    assert topic.name == "Corporate Performance Monitoring"
    assert topic.id == "corporate-performance-monitoring"
    assert topic.variants == tuple(sorted(PERFORMANCE_TITLES))


def test_customer_access_performance_is_not_swallowed_by_performance_monitoring():
    index = assign_topics(seed_items())
    customer = topic_of(index, "2017-03-07-ccpi#4")
    assert customer.name == "Customer Access"
    assert customer.keys == ("2017-03-07-ccpi#4",)
    assert customer.id != topic_of(index, "2017-06-27-ccpi#5").id


def test_withdrawal_from_the_european_union_is_filed_under_brexit():
    index = assign_topics(seed_items())
    assert index.topics_of["2018-12-05-ccpi#4"] == ("brexit",)
    assert topic_of(index, "2018-12-05-ccpi#4").name == "Brexit"


def test_standards_at_ks4_is_its_own_topic_without_the_place_name():
    index = assign_topics(seed_items())
    topic = topic_of(index, "2018-02-27-ccpi#4")
    assert topic.name == "Standards at KS4"
    assert topic.keys == ("2018-02-27-ccpi#4",)


def test_the_exempt_waste_report_lands_in_a_waste_topic():
    index = assign_topics(seed_items())
    topics = index.topics_of["2019-02-26-ccpi#10"]
    assert topic_of(index, "2019-02-26-ccpi#10").name == "Performance of Waste Processing Facilities"
    assert "waste-and-recycling" in topics


def test_the_agenda_number_and_page_range_do_not_make_a_new_topic():
    index = assign_topics([
        item("a#10", "10. Update report on the performance of Lancashire County Council's Waste Processing "
                     "Facilities** (Pages 37 - 46)", dt.date(2019, 2, 26)),
        item("b#7", OTHER_TITLES[3], dt.date(2019, 6, 1)),
    ])
    assert index.topics_of["a#10"][0] == index.topics_of["b#7"][0]


def test_a_subheading_about_ofsted_adds_the_ofsted_theme_after_the_title_topic():
    index = assign_topics(seed_items())
    assert index.topics_of["2017-06-27-ccpi#5"] == ("corporate-performance-monitoring", "ofsted")


def test_brexit_mentioned_twice_in_the_discussion_tags_the_risk_register():
    index = assign_topics(seed_items())
    assert index.topics_of["2017-06-27-ccpi#4"] == ("corporate-risk-and-opportunity-register", "brexit")
    brexit = next(t for t in index.topics if t.id == "brexit")
    assert brexit.keys == ("2017-06-27-ccpi#4", "2018-12-05-ccpi#4")
    assert brexit.variants == (OTHER_TITLES[1],)


def test_a_single_passing_mention_is_not_a_theme():
    index = assign_topics([item("a#1", "Library Opening Hours", text="The impact of Brexit was noted.")])
    assert "brexit" not in index.topics_of["a#1"]


def test_acronym_themes_only_match_capitals():
    index = assign_topics([
        item("a#1", "Schools Admissions", text="We will send the letter. They send it back."),
        item("a#2", "Schools Transport", text="SEND transport costs. Pupils with SEND."),
    ])
    assert "send" not in index.topics_of["a#1"]
    assert "send" in index.topics_of["a#2"]


def test_everyday_words_count_for_a_theme_only_in_titles_and_headings():
    index = assign_topics([
        item("a#1", "Street Lighting Contract", text="Delivered within budget. The budget was agreed."),
        item("a#2", "Revenue Budget Setting"),
        item("a#3", "Emergency Planning Arrangements", text="Emergency planning and more emergency planning."),
    ])
    assert "budget" not in index.topics_of["a#1"]
    assert "budget" in index.topics_of["a#2"]
    assert index.topics_of["a#3"][1:] == ("emergency-planning",)


def test_theme_topics_only_exist_when_an_item_has_them():
    index = assign_topics(seed_items())
    ids = {t.id for t in index.topics}
    assert {"brexit", "ofsted", "send"} <= ids
    assert "libraries" not in ids and "council-tax" not in ids
    assert all(t.keys for t in index.topics)


@pytest.mark.parametrize("title", [
    "Apologies for Absence", "Apologies", "Ymddiheuriadau", "Datgan Buddiant",
    "Disclosure of Pecuniary and Non-Pecuniary Interests", "Declarations of Interest",
    "Disclosable Pecuniary Interests",
    "Minutes of the Meeting held on 6th December 2017", "Minutes of the Meeting held on Tuesday, 27th June, 2017",
    "Minutes of the last meeting", "Confirmation of Minutes", "Matters Arising", "Urgent Business",
    "Any Other Business", "Any Other Urgent Business", "AOB", "Date of Next Meeting", "Dates of Future Meetings",
    "Exclusion of the Press and Public", "Notice of Intention to Conduct Business in Private",
    "Welcome and Introductions", "Chair's Announcements", "Public Participation", "Public Questions", "Open Forum",
    "Election of Chair", "Appointment of Vice-Chair", "Part I", "Part II (Not Open to Press and Public)",
    "7. Date of Next Meeting",
])
def test_housekeeping_items_are_not_topics(title):
    assert is_procedural(title)
    index = assign_topics([item("m#1", title, dt.date(2018, 1, 1))])
    assert index.topics_of["m#1"] == ()
    assert index.topics == ()


@pytest.mark.parametrize("title", [
    "Public Health", "Business Rates", "Council Tax Support Scheme", "Register of Members' Interests Review",
    "Minutes of the Health and Wellbeing Board", "Appointment of Chief Executive", "Part 2 of the Local Plan",
    "Business Plan", "Meeting the Needs of Carers",
])
def test_subjects_that_share_words_with_housekeeping_are_still_topics(title):
    assert not is_procedural(title)
    assert assign_topics([item("m#1", title)]).topics_of["m#1"]


def test_keys_run_in_meeting_order_with_undated_items_last():
    index = assign_topics([
        item("z#1", "Highways Maintenance Programme", None),
        item("b#1", "Highways Maintenance Programme", dt.date(2019, 1, 1)),
        item("c#1", "Highways Maintenance Programme", dt.date(2017, 1, 1)),
        item("a#1", "Highways Maintenance Programme", None),
    ])
    assert topic_of(index, "b#1").keys == ("c#1", "b#1", "a#1", "z#1")


def test_the_same_titles_in_any_order_give_the_same_index():
    items = seed_items()
    expected = assign_topics(items)
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        again = assign_topics(shuffled)
        assert again.topics == expected.topics
        assert dict(again.topics_of) == dict(expected.topics_of)


def test_no_council_or_place_is_built_in():
    index = assign_topics([
        item("k#1", "Summary of Standards at KS2 across Kent", dt.date(2020, 1, 1)),
        item("k#2", "Standards at KS2 across Kent", dt.date(2021, 1, 1)),
        item("k#3", "Update on the performance of Kent County Council's Country Parks", dt.date(2021, 1, 1)),
    ])
    assert topic_of(index, "k#1").name == "Standards at KS2"
    assert topic_of(index, "k#1").keys == ("k#1", "k#2")
    assert topic_of(index, "k#3").name == "Performance of Country Parks"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_editor_can_put_two_titles_into_one_named_topic(tmp_path):
    path = write(tmp_path, '[[topic]]\nname = "Customer Services"\n'
                           'titles = ["Customer Access Performance Report", "Blue Badge Scheme"]\n')
    overrides, problems = load_overrides(path)
    assert problems == []
    assert overrides.topics == (OverrideEntry("Customer Services", ("Customer Access Performance Report",
                                                                   "Blue Badge Scheme"), 1),)
    index = assign_topics([item("a#1", "Customer Access Performance Report"), item("b#1", "blue badge scheme")],
                          overrides)
    assert index.topics_of["a#1"] == index.topics_of["b#1"] == ("customer-services",)
    assert index.topics[0].name == "Customer Services"


def test_an_editor_can_keep_two_titles_apart(tmp_path):
    path = write(tmp_path, '[[apart]]\ntitles = ["Risk Register Quarter 4 Report", '
                           '"Corporate Risk and Opportunity Register - Quarter 4"]\n')
    overrides, problems = load_overrides(path)
    assert problems == []
    index = assign_topics([item(f"r#{n}", title) for n, title in enumerate(RISK_TITLES)], overrides)
    assert index.topics_of["r#1"] != index.topics_of["r#2"]
    without = assign_topics([item(f"r#{n}", title) for n, title in enumerate(RISK_TITLES)])
    assert without.topics_of["r#1"] == without.topics_of["r#2"]


def test_two_topics_with_the_same_name_get_different_ids():
    overrides = TopicOverrides(topics=(OverrideEntry("Customer Access", ("Blue Badge Scheme",)),))
    index = assign_topics([item("a#1", "Customer Access Performance Report"), item("b#1", "Blue Badge Scheme")],
                          overrides)
    assert sorted(t.id for t in index.topics) == ["customer-access", "customer-access-2"]


def test_a_broken_topics_toml_is_reported_with_its_line_not_raised(tmp_path):
    path = write(tmp_path, '[[topic]]\nname = "Risk"\ntitles = ["Risk Register Quarter 4 Report"\n\n[[apart]]\n')
    overrides, problems = load_overrides(path)
    assert overrides == TopicOverrides()
    assert len(problems) == 1
    assert problems[0].level == "error"
    assert problems[0].source == SourceSpan("topics.toml", 5)
    assert "malformed TOML" in problems[0].message


def test_unknown_keys_and_bad_entries_in_topics_toml_are_reported(tmp_path):
    path = write(tmp_path, 'colour = "red"\n\n[[topic]]\nname = "Risk"\ntitles = ["A"]\nalias = "R"\n\n'
                           '[[topic]]\ntitles = "not a list"\n')
    overrides, problems = load_overrides(path)
    assert overrides.topics == (OverrideEntry("Risk", ("A",), 3),)
    assert [(p.level, p.source.line) for p in problems] == [("warning", 0), ("warning", 3), ("error", 8)]


def test_a_missing_topics_toml_means_no_overrides(tmp_path):
    assert load_overrides(tmp_path / "topics.toml") == (TopicOverrides(), [])


def test_an_override_naming_no_item_is_a_warning():
    overrides = TopicOverrides(topics=(OverrideEntry("Risk", ("No Such Item",), 2),))
    index = assign_topics([item("a#1", "Risk Register")], overrides)
    assert [(p.level, p.source) for p in index.problems] == [("warning", SourceSpan("topics.toml", 2))]


AGENDA_MD = """---
date: 2024-06-04
committee: Harbour Committee
kind: agenda
---
# Harbour Committee

2. Library Opening Hours

Visitor numbers have fallen since Brexit.
"""

REPORT_MD = """---
date: 2024-06-04
committee: Harbour Committee
kind: reports
---
2. Library Opening Hours

Funding for the mobile library after Brexit is uncertain.
"""


def test_a_theme_named_once_in_an_agenda_item_and_once_in_its_report_tags_the_joined_item(make_content, tmp_path):
    """The reader counts each document's theme words; the joined item adds the counts up, as one text would."""
    alone = build_site(make_content({"agenda.md": AGENDA_MD}), tmp_path / "alone").result.archive
    assert "brexit" not in {t.id for t in alone.topics}, "one passing mention is no theme"

    joined = build_site(make_content({"agenda.md": AGENDA_MD, "report.md": REPORT_MD}), tmp_path / "joined").result.archive
    [meeting] = joined.meetings
    [item] = [i for i in meeting.items if i.title == "Library Opening Hours"]
    assert "Funding for the mobile library" in item.plain_text(), "the report is joined to its agenda item"
    brexit = next(t for t in joined.topics if t.id == "brexit")
    assert brexit.items == ((meeting.id, item.anchor),)


def test_linking_does_not_read_a_joined_items_text_again(make_content, monkeypatch):
    files, _ = discover(make_content({"agenda.md": AGENDA_MD, "report.md": REPORT_MD}))
    parsed = [(o.path, list(o.meetings)) for o in read_documents(files) if o.meetings is not None]

    def read_again(*args: object) -> None:
        raise AssertionError("the reader already counted these theme words")

    monkeypatch.setattr(topics, "text_hits", read_again)
    monkeypatch.setattr(topics, "themes_of", read_again)
    archive = link_archive(LinkInput(parsed))
    assert [t.id for t in archive.topics if t.id == "brexit"] == ["brexit"]


@pytest.mark.parametrize("remembered", [None, 10], ids=["pieces-remembered", "memory-full-every-few-texts"])
def test_counting_theme_words_in_running_text_matches_reading_it_word_by_word(monkeypatch, remembered):
    """text_hits splits at white space for speed; it must count what reading every word counts,
    whatever the spacing, punctuation, capitals, plurals and apostrophes around the synonyms, and
    whether or not the pieces it remembers from earlier texts have just been let go."""
    from collections import Counter

    monkeypatch.setattr(topics, "_SEEN", set())  # as a fresh reader process starts
    monkeypatch.setattr(topics, "_HEADED", set())
    if remembered is not None:
        monkeypatch.setattr(topics, "_SEEN_MOST", remembered)

    synonyms = [s for theme in topics._VOCAB["theme"] for key in ("synonyms", "in_titles") for s in theme.get(key, [])]
    words = sorted({w for s in synonyms for w in s.split()}) + ["the", "report", "of", "and", "Council's", "a"]
    shapes = [str, str.upper, str.title, lambda w: w + "s", lambda w: w + "'s", lambda w: w + "’s",
              lambda w: f"({w})", lambda w: w + ",", lambda w: w + "-", lambda w: "-" + w, lambda w: w + "."]
    gaps = [" ", " ", " ", "  ", "\n", "\t", "\u00a0", " - ", "/", "–", " • ", ""]
    rng = random.Random(7)
    hits = 0
    for _ in range(3000):
        picks = [rng.choice(synonyms) if rng.random() < 0.3 else rng.choice(words) for _ in range(rng.randint(0, 40))]
        text = "".join(rng.choice(shapes)(w) + rng.choice(gaps) for pick in picks for w in pick.split())
        read = topics._hits(topics._tokens(text), titles=False)
        expected = tuple(sorted(Counter((tid, ws) for _, ws, tid in read).items()))
        assert topics.text_hits(text) == expected, text
        hits += len(expected)
    assert hits > 3000  # the texts did name synonyms, many of them
