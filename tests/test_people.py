"""People: the name variants in the Lancashire seeds become one person each, and doubt is reported."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from minutebook.model import NameRef, SourceSpan
from minutebook.people import (
    Mention,
    PeopleOverrides,
    extract_names,
    find_mentions,
    load_overrides,
    parse_name,
    resolve_people,
    split_job_title,
)

CCPI = "Cabinet Committee on Performance Improvement"
JUNE_2017 = ("2017-06-27-ccpi", dt.date(2017, 6, 27), "000_70d8d57eafc0b373.txt")
MARCH_2017 = ("2017-03-07-ccpi", dt.date(2017, 3, 7), "003_00d6487a98f72f3b.txt")
FEB_2018 = ("2018-02-27-ccpi", dt.date(2018, 2, 27), "001_c088a57cab7b8c93.txt")
DEC_2018 = ("2018-12-05-ccpi", dt.date(2018, 12, 5), "004_58e9679888508d11.txt")
FEB_2019 = ("2019-02-26-ccpi", dt.date(2019, 2, 26), "004_58e9679888508d11.txt")


def mention(text, meeting, line, role="member", job=None, group=CCPI):
    context, date, path = meeting
    return Mention(NameRef(text, role, job, SourceSpan(path, line)), context, date, group)


def seed_mentions():
    """Names as the five seed documents write them, with the line they are on."""
    return [
        mention("County Councillor Geoff Driver CBE (Chair)", JUNE_2017, 11),
        mention("M Green", JUNE_2017, 15),
        mention("C Crompton", JUNE_2017, 16),
        mention("K Iddon", JUNE_2017, 18),
        mention("County Councillor Keith Iddon", JUNE_2017, 22),
        mention("County Councillor Albert Atkinson", JUNE_2017, 22),
        mention("Paul Bond", JUNE_2017, 34, "officer", "Head of Service Legal and Democratic Services"),
        mention("County Councillor Jennifer Mein (Chair)", MARCH_2017, 8),
        mention("County Councillor Geoff Driver", MARCH_2017, 24),
        mention("Paul Bond", MARCH_2017, 28, "officer", "Head of Service - Legal and Democratic Services"),
        mention("A Atkinson", FEB_2018, 12),
        mention("D O'Toole", FEB_2018, 14),
        mention("C Crompton", FEB_2018, 16),
        mention("County Councillor Driver", FEB_2018, 32),
        mention("County Councillor Green", FEB_2018, 32),
        mention("County Councillor Charles", FEB_2018, 32),
        mention("Paul Bond", FEB_2018, 107, "officer", "Head of Legal and Democratic Services"),
        mention("County Councillor Crompton", FEB_2018, 119),
        mention("CC Crompton", FEB_2018, 121),
        mention("Mrs S Charles", DEC_2018, 67),
        mention("G Gooch", DEC_2018, 68),
        mention("Paul Bond", DEC_2018, 87, "officer", "Head of Legal and Democratic Services"),
        mention("Laura Sales", DEC_2018, 95, "officer", "Director of Corporate Services"),
        mention("CC Gooch", DEC_2018, 165),
        mention("L Sales", FEB_2019, 49, "officer", "Director of Corporate Services"),
    ]


def person_named(index, name):
    matches = [p for p in index.people if p.name == name]
    assert len(matches) == 1, [p.name for p in index.people]
    return matches[0]


# -- parsing -------------------------------------------------------------------------------


def test_parse_name_reads_the_seed_forms():
    driver = parse_name("County Councillor Geoff Driver CBE (Chair)")
    assert (driver.forenames, driver.initials, driver.surname) == (("Geoff",), ("G",), "Driver")
    assert driver.title == "County Councillor" and driver.chair_marker and driver.display == "Geoff Driver"
    assert parse_name("County Councillor Driver").display == "Driver"
    crompton = parse_name("CC Crompton")
    assert crompton.title == "County Councillor" and crompton.initials == () and crompton.display == "Crompton"
    assert parse_name("C Crompton").initials == ("C",)
    charles = parse_name("Mrs S Charles")
    assert (charles.title, charles.display) == ("Mrs", "S Charles")
    assert parse_name("D O'Toole").surname == "O'Toole"
    assert parse_name("County Councillor Jennifer Mein (Chair)").chair_marker
    vice = parse_name("Councillor Smith (Vice-Chair)")
    assert not vice.chair_marker and vice.vice_chair


def test_parse_name_reads_other_councils_and_styles():
    assert parse_name("Cllr. J. Smith").title == "Councillor"
    assert parse_name("Councillor Mrs S Charles").display == "S Charles"
    other = parse_name("Mr. A. N. Other")
    assert (other.initials, other.surname, other.display) == (("A", "N"), "Other", "AN Other")
    assert parse_name("Dr Jane Smith OBE").display == "Jane Smith"
    assert parse_name("Mayor Jane Doe").title == "Mayor"
    assert parse_name("Council Member Ortiz").surname == "Ortiz"
    assert parse_name("Alderman Bloggs").title == "Alderman"
    welsh = parse_name("Cynghorydd Gareth Jones")
    assert (welsh.title, welsh.display) == ("Councillor", "Gareth Jones")
    assert parse_name("J.P. Smith").initials == parse_name("JP Smith").initials == ("J", "P")
    assert parse_name("SMITH, John").display == "John Smith"
    assert parse_name("Smith, J.").display == "J Smith"
    assert parse_name("Jan van der Berg").surname == "van der Berg"
    assert parse_name("Mary-Jane Smith-Jones").surname == "Smith-Jones"
    assert parse_name("Paul Bond, Head of Service Legal and Democratic Services").display == "Paul Bond"


def test_parse_name_refuses_headings_placeholders_and_sentences():
    for text in ["", "County Councillors", "Councillors", "Members", "None", "Officers", "Apologies",
                 "The Committee", "Members were", "Paul reported", "Ofsted Post Inspection Update",
                 "It was confirmed that there were no apologies", "Councillor"]:
        assert parse_name(text) is None, text


def test_split_job_title_keeps_the_name_and_drops_phone_numbers():
    assert split_job_title("Paul Bond, Head of Service Legal and Democratic Services") == (
        "Paul Bond", "Head of Service Legal and Democratic Services")
    assert split_job_title("Paul Bond, Head of Legal and Democratic Services, 01772 534676") == (
        "Paul Bond", "Head of Legal and Democratic Services")
    assert split_job_title("Donna Talbot, Head of Service, Business Intelligence") == (
        "Donna Talbot", "Head of Service, Business Intelligence")
    assert split_job_title("SMITH, John") == ("SMITH, John", None)
    assert split_job_title("L Sales") == ("L Sales", None)


# -- resolution ----------------------------------------------------------------------------


def test_seed_variants_resolve_to_one_person_each():
    mentions = seed_mentions()
    index = resolve_people(mentions)
    assert index.problems == ()
    assert [p.id for p in index.people] == [
        "albert-atkinson", "c-crompton", "d-otoole", "g-gooch", "geoff-driver", "jennifer-mein",
        "keith-iddon", "laura-sales", "m-green", "paul-bond", "s-charles"]
    assert len(index.people) == 11
    assert len(index.person_of) == len(mentions)
    by_text = {m.ref.text: index.person_of[k] for k, m in enumerate(mentions)}
    assert by_text["County Councillor Geoff Driver CBE (Chair)"] == by_text["County Councillor Driver"] \
        == by_text["County Councillor Geoff Driver"] == "geoff-driver"
    assert by_text["C Crompton"] == by_text["CC Crompton"] == by_text["County Councillor Crompton"] \
        == "c-crompton"
    assert by_text["L Sales"] == by_text["Laura Sales"] == "laura-sales"
    assert by_text["G Gooch"] == by_text["CC Gooch"] == "g-gooch"
    assert by_text["Mrs S Charles"] == by_text["County Councillor Charles"] == "s-charles"
    assert by_text["A Atkinson"] == by_text["County Councillor Albert Atkinson"] == "albert-atkinson"
    driver = person_named(index, "Geoff Driver")
    assert driver.variants == ("County Councillor Driver", "County Councillor Geoff Driver",
                               "County Councillor Geoff Driver CBE (Chair)")
    assert driver.roles == (("member", None, dt.date(2017, 3, 7), dt.date(2018, 2, 27)),)
    assert [p.id for p in index.people] == sorted(p.id for p in index.people)


def test_officer_job_titles_merge_across_spellings_and_change_over_time():
    index = resolve_people(seed_mentions())
    bond = person_named(index, "Paul Bond")
    assert bond.roles == (
        ("officer", "Head of Legal and Democratic Services", dt.date(2018, 2, 27), dt.date(2018, 12, 5)),
        ("officer", "Head of Service - Legal and Democratic Services", dt.date(2017, 3, 7), dt.date(2017, 6, 27)),
    )
    sales = person_named(index, "Laura Sales")
    assert sales.roles == (("officer", "Director of Corporate Services", dt.date(2018, 12, 5), dt.date(2019, 2, 26)),)


def test_two_smiths_stay_apart_and_the_bare_surname_is_reported_once_with_its_line():
    mentions = [
        mention("J Smith", JUNE_2017, 15),
        mention("K Smith", FEB_2018, 16),
        mention("Councillor Smith", DEC_2018, 121),
        mention("Councillor Smith", DEC_2018, 121),
    ]
    index = resolve_people(mentions)
    assert sorted(p.name for p in index.people) == ["J Smith", "K Smith"]
    assert 2 not in index.person_of and 3 not in index.person_of
    assert [str(p) for p in index.problems] == [
        "004_58e9679888508d11.txt:121: warning: could not tell which Smith is meant: J Smith, K Smith; "
        + "add it to people.toml"]


def test_bare_surname_is_resolved_by_the_same_meeting_then_the_same_committee():
    mentions = [
        mention("J Smith", JUNE_2017, 15),
        mention("K Smith", FEB_2018, 16, group="Audit Committee"),
        mention("Councillor Smith", JUNE_2017, 30),
        mention("Councillor Smith", DEC_2018, 40),
        mention("Councillor Smith", FEB_2019, 50, group=None),
    ]
    index = resolve_people(mentions)
    assert index.person_of[2] == "j-smith"  # same meeting names only J Smith
    assert index.person_of[3] == "j-smith"  # same committee names only J Smith
    assert 4 not in index.person_of  # no committee, no meeting evidence
    assert len(index.problems) == 1 and index.problems[0].source == SourceSpan(FEB_2019[2], 50)


def test_incompatible_forenames_never_merge_and_a_shared_initial_is_ambiguous():
    mentions = [
        mention("John Smith", JUNE_2017, 1),
        mention("Jane Smith", JUNE_2017, 2),
        mention("James Smith", FEB_2018, 3),
        mention("J Smith", DEC_2018, 4),
        mention("Cllr J. Smith", DEC_2018, 5),
    ]
    index = resolve_people(mentions)
    assert sorted(p.name for p in index.people) == ["James Smith", "Jane Smith", "John Smith"]
    assert set(index.person_of) == {0, 1, 2}
    assert [p.message for p in index.problems] == [
        "could not tell which Smith is meant: James Smith, Jane Smith, John Smith; add it to people.toml"] * 2


def test_initials_and_forenames_must_agree_position_by_position():
    index = resolve_people([mention("J Smith", JUNE_2017, 1), mention("K Smith", JUNE_2017, 2),
                            mention("John Smith", FEB_2018, 3), mention("JP Smith", FEB_2018, 4)])
    assert sorted(p.name for p in index.people) == ["John Smith", "K Smith"]
    assert index.person_of == {0: "john-smith", 1: "k-smith", 2: "john-smith", 3: "john-smith"}


def test_a_surname_only_member_with_no_fuller_form_is_kept_with_the_title():
    index = resolve_people([mention("Councillor Gooch", DEC_2018, 121), mention("Cllr Gooch", FEB_2019, 9),
                            mention("County Councillor Turner", DEC_2018, 121)])
    assert [(p.id, p.name) for p in index.people] == [
        ("councillor-gooch", "Councillor Gooch"), ("county-councillor-turner", "County Councillor Turner")]
    assert index.person_of == {0: "councillor-gooch", 1: "councillor-gooch", 2: "county-councillor-turner"}


def test_unreadable_names_are_reported_not_guessed():
    index = resolve_people([mention("County Councillors", JUNE_2017, 13), mention("", JUNE_2017, 14)])
    assert index.people == () and index.person_of == {}
    assert [str(p) for p in index.problems] == [
        "000_70d8d57eafc0b373.txt:13: warning: could not read a person's name in 'County Councillors'"]


def test_clashing_slugs_get_a_numbered_suffix_deterministically():
    index = resolve_people([mention("Mary-Ann Lee", JUNE_2017, 1), mention("Mary Ann Lee", FEB_2018, 2)])
    assert [(p.id, p.name) for p in index.people] == [("mary-ann-lee", "Mary Ann Lee"),
                                                      ("mary-ann-lee-2", "Mary-Ann Lee")]


def test_result_does_not_depend_on_input_order():
    mentions = seed_mentions() + [mention("J Smith", JUNE_2017, 1), mention("K Smith", FEB_2018, 2),
                                  mention("Councillor Smith", DEC_2018, 3)]
    expected = resolve_people(mentions)
    for seed in range(5):
        order = list(range(len(mentions)))
        random.Random(seed).shuffle(order)
        shuffled = resolve_people([mentions[k] for k in order])
        assert shuffled.people == expected.people and shuffled.problems == expected.problems
        assert {order[k]: pid for k, pid in shuffled.person_of.items()} == dict(expected.person_of)


# -- overrides -----------------------------------------------------------------------------


def test_people_toml_merges_names_and_keeps_people_apart(tmp_path: Path):
    toml = tmp_path / "people.toml"
    toml.write_text(
        '[[person]]\nname = "Geoffrey Driver"\naliases = ["Geoff Driver", "G Driver"]\n\n'
        '[[person]]\nname = "Susie Charles"\naliases = ["Mrs S Charles", "Susan Charles"]\n\n'
        '[[apart]]\nnames = ["J Smith", "John Smith"]\n', encoding="utf-8")
    overrides, problems = load_overrides(toml)
    assert problems == []
    assert overrides.merges[1] == ("Susie Charles", ("Mrs S Charles", "Susan Charles"))
    assert overrides.apart == (("J Smith", "John Smith"),)
    mentions = seed_mentions() + [mention("John Smith", JUNE_2017, 1), mention("J Smith", FEB_2018, 2),
                                  mention("Susan Charles", FEB_2019, 3)]
    index = resolve_people(mentions, overrides)
    assert index.problems == ()
    assert index.person_of[0] == "geoffrey-driver"  # the override's name wins
    charles = {index.person_of[k] for k, m in enumerate(mentions) if "Charles" in m.ref.text}
    assert charles == {"susie-charles"}
    assert index.person_of[len(mentions) - 3] == "john-smith"
    assert index.person_of[len(mentions) - 2] == "j-smith"
    without = resolve_people(mentions)
    assert without.person_of[len(mentions) - 2] == "john-smith"


def test_missing_people_toml_means_no_overrides(tmp_path: Path):
    assert load_overrides(tmp_path / "people.toml") == (PeopleOverrides(), [])


def test_malformed_people_toml_gives_a_one_line_problem_with_the_line(tmp_path: Path):
    toml = tmp_path / "people.toml"
    toml.write_text('[[person]]\nname = "Laura Sales"\naliases = ["L Sales"\n', encoding="utf-8")
    overrides, problems = load_overrides(toml)
    assert overrides == PeopleOverrides()
    assert len(problems) == 1
    problem = problems[0]
    assert problem.level == "error" and problem.source == SourceSpan("people.toml", 3)
    assert "\n" not in str(problem) and str(problem).startswith("people.toml:3: error: people.toml is not valid TOML")


def test_a_bad_value_in_people_toml_is_reported_on_its_own_line(tmp_path: Path):
    toml = tmp_path / "people.toml"
    toml.write_text('[[person]]\nname = Laura Sales\naliases = ["L Sales"]\n', encoding="utf-8")
    _, problems = load_overrides(toml)
    assert [(p.level, p.source.line) for p in problems] == [("error", 2)]


def test_unknown_and_wrong_keys_in_people_toml_are_reported(tmp_path: Path):
    toml = tmp_path / "people.toml"
    toml.write_text('title = "x"\n[[person]]\nname = "Laura Sales"\nalias = ["L Sales"]\n'
                    '[[apart]]\nnames = ["J Smith"]\n', encoding="utf-8")
    overrides, problems = load_overrides(toml)
    assert overrides.merges == (("Laura Sales", ()),)
    assert [(str(p.source), p.level) for p in problems] == [
        ("people.toml:1", "warning"), ("people.toml:4", "warning"), ("people.toml:5", "error")]
    assert "'alias'" in problems[1].message


# -- names in running text -----------------------------------------------------------------


def test_extract_names_finds_members_and_officers_in_seed_sentences():
    cases = {
        # content/000, line 22
        "Members were welcomed to the meeting. It was confirmed that there were no apologies and members "
        "noted that County Councillor Keith Iddon replaced County Councillor Albert Atkinson.":
            [("County Councillor Keith Iddon", None), ("County Councillor Albert Atkinson", None)],
        # content/000, line 34
        "Paul Bond, Head of Service Legal and Democratic Services, presented the report on the Risk and "
        "Opportunity Register to members.":
            [("Paul Bond", "Head of Service Legal and Democratic Services")],
        # content/000, line 67
        "Amanda Hatton, Director of Children's Services provided an update to the Committee on the Ofsted "
        "post inspection work (outlined below):":
            [("Amanda Hatton", "Director of Children's Services")],
        # content/001, line 32
        "Apologies for absence were received from County Councillor Driver, County Councillor Green and "
        "County Councillor Charles.":
            [("County Councillor Driver", None), ("County Councillor Green", None),
             ("County Councillor Charles", None)],
        # content/001, line 119
        "In response to a query from County Councillor Crompton, David Graham, SEND Senior Manager, "
        "confirmed that the predominant use of agency staff in Children's Services was to cover long term "
        "absence.":
            [("County Councillor Crompton", None), ("David Graham", "SEND Senior Manager")],
        # content/001, line 121
        "In relation to CR20, CC Crompton expressed concern about the new packages of care for ASC and asked "
        "how much this was going to cost.  CC Crompton was also concerned about housing.":
            [("CC Crompton", None)],
        # content/003, line 67
        "Sarah Jenkins, Head of Service – Customer Access, provided members with a summary of the report.":
            [("Sarah Jenkins", "Head of Service – Customer Access")],
        # content/004, line 95
        "In light of the above, Laura Sales, Director of Corporate Services was taking forward a piece of "
        "work looking at the impact. The Working Group was focussing on the following areas, which Paul "
        "provided details on:":
            [("Laura Sales", "Director of Corporate Services")],
        # content/004, line 151
        "County Councillor Iddon agreed to look into County Councillor Crompton's query on what percentage "
        "of Lancashire was covered by LED street lighting.":
            [("County Councillor Iddon", None), ("County Councillor Crompton", None)],
        # content/004, line 165
        "A discussion took place around registered social landlords. County Councillor Crompton would report "
        "any specific problems to CC Gooch, who would arrange for these to be looked into.":
            [("County Councillor Crompton", None), ("CC Gooch", None)],
        # content/004, line 121
        "Councillor Gooch reported that three service providers would be delivering the service. County "
        "Councillor Turner informed the Cabinet Committee.":
            [("Councillor Gooch", None), ("County Councillor Turner", None)],
    }
    for sentence, expected in cases.items():
        assert extract_names(sentence) == expected, sentence


def test_extract_names_ignores_capitalised_words_that_are_not_people():
    text = ("Members were advised that the increased rate was linked to deprivation. The Committee noted "
            "the report.\nOfsted Post Inspection Update\nSarah reported that the Service had taken part. "
            "Donna agreed to provide this information. Reference was made to Start Well, Live Well and "
            "Age Well. Clear line of sight at all levels: Chief Executive, Executive Director, Cabinet "
            "Member, Director of Children's Social Care, Deputy Director and all managers.")
    assert extract_names(text) == []


def test_extract_names_works_for_other_councils():
    assert extract_names("Cynghorydd Gareth Jones, Cabinet Member for Education, presented the report.") == [
        ("Cynghorydd Gareth Jones", "Cabinet Member for Education")]
    assert extract_names("The Mayor Jane Doe opened the meeting. Council Member Ortiz asked.") == [
        ("Mayor Jane Doe", None), ("Council Member Ortiz", None)]
    assert extract_names("Cllr. J. Smith and Cllr Mrs S Charles attended. Mr. A. N. Other spoke.") == [
        ("Cllr. J. Smith", None), ("Cllr Mrs S Charles", None), ("Mr. A. N. Other", None)]


def test_extract_names_reads_the_speaker_list_and_contact_lines():
    assert extract_names("Paul Bond, Head of Service - Legal and Democratic Services") == [
        ("Paul Bond", "Head of Service - Legal and Democratic Services")]
    assert extract_names("Paul Bond, Head of Legal and Democratic Services, 01772 534676") == [
        ("Paul Bond", "Head of Legal and Democratic Services")]
    assert extract_names("Tony Crane, the Independent Chair of the Improvement Board and specialist "
                         "children's services improvement advisor, would be submitting") == [
        ("Tony Crane", "Independent Chair of the Improvement Board")]


def test_find_mentions_finds_people_by_full_name_variant_and_title_with_unique_surname():
    people = resolve_people(seed_mentions()).people
    text = ("In relation to CR20, CC Crompton expressed concern. Paul Bond agreed to take these queries "
            "away. County Councillor Driver had requested a Recovery Plan.")
    assert find_mentions(text, people) == ("c-crompton", "geoff-driver", "paul-bond")
    assert find_mentions("Cllr Gooch and Councillor Mrs Charles attended.", people) == ("g-gooch", "s-charles")
    assert find_mentions("A Bondholder, the sales team and a Green Paper.", people) == ()
    assert find_mentions("County Councillor Crompton's query", people) == ("c-crompton",)


def test_find_mentions_leaves_a_shared_surname_to_full_names():
    people = resolve_people([mention("J Smith", JUNE_2017, 1), mention("K Smith", FEB_2018, 2)]).people
    assert find_mentions("Councillor Smith asked a question.", people) == ()
    assert find_mentions("K Smith asked a question.", people) == ("k-smith",)
