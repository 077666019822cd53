"""Casualty figures and dates, on sentences written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest
from extract_sentences import figures

from geomap.extract import extract_events
from geomap.extract.dates import dateline, find_dates
from geomap.extract.figures import coded_figure, find_figures, most_conservative
from geomap.extract.text import Tokens, clause_spans, sentence_spans

TUESDAY = dt.date(2016, 5, 3)


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Mortars hit the market, killing at least 12 people and wounding several.", [(12, "killed"), (3, "wounded")]),
        ("Twelve civilians were killed when the bus was hit.", [(12, "killed")]),
        ("The raid killed two dozen fighters.", [(24, "killed")]),
        ("A dozen soldiers died in the ambush.", [(12, "killed")]),
        ("More than 35 people were wounded.", [(35, "wounded")]),
        ("The gas attack killed well over 300 people.", [(300, "killed")]),
        ("Shelling wounded close to 40 residents.", [(40, "wounded")]),
        ("Dozens were wounded in the blast.", [(12, "wounded")]),
        ("Hundreds of people were killed over the month.", [(100, "killed")]),
        ("The strike killed 1,200 people, the ministry said.", [(1200, "killed")]),
        ("Nine people were killed, including four children.", [(9, "killed")]),
        ("There were 40 air raids and 6 people were killed.", [(6, "killed")]),
        ("Rockets hit the school, killing and wounding dozens of pupils.", []),
        ("No one was killed in the explosion.", [(0, "killed")]),
        ("A 12-year-old girl was wounded.", []),
        ("Twenty-five fighters died and thirty were injured.", [(25, "killed"), (30, "wounded")]),
        ("The death toll rose to 70 on Friday.", [(70, "killed")]),
        # groups counted together make one toll
        ("Rebels attacked a checkpoint, killing six civilians and five militiamen.", [(11, "killed")]),
        ("45 Islamic State militants and 20 Kurdish militia fighters had been killed.", [(65, "killed")]),
        ("The fighting claimed the lives of 129 loyalists and 116 rebels including an officer.", [(245, "killed")]),
        ("The strikes killed 63 rebels and at least 21 Hezbollah fighters.", [(84, "killed")]),
        ("The raid killed five civilians and 10 were wounded.", [(5, "killed"), (10, "wounded")]),
        ("The attack killed five civilians and destroyed two cars.", [(5, "killed")]),
        ("Shells killed 23 civilians in al-Haal and 21 others in al-Sinaah.", [(23, "killed")]),
        # a toll whose subject stands far before its figure
        ("The toll in several air strikes on the town of Salma rose to at least 20 people.", [(20, "killed")]),
        ("The death toll from the chemical attack on the town has risen to 86.", [(86, "killed")]),
        ("The toll of injured in the attack on the market reached 50.", [(50, "wounded")]),
        ("The number of displaced people in the camp rose to 5000.", []),
        ("Gunmen opened fire on the bus, killing all five passengers.", [(5, "killed")]),
        # a group's name between its members and the verb
        ("23 members of the al-Nusra Front terrorist group were killed in clashes.", [(23, "killed")]),
        ("23 MEMBERS OF ISIS WERE KILLED IN RAQQA", [(23, "killed")]),
        # a range codes its lower bound; a toll that rose is no range
        ("Between 500 and 1300 people died on Wednesday.", [(500, "killed")]),
        ("The raid killed between 20 and 30 people.", [(20, "killed")]),
        ("12 to 15 people were killed.", [(12, "killed")]),
        # a part of a total is not a toll of its own
        ("At least 15 civilians including four children were killed.", [(15, "killed")]),
        ("Sixteen civilians - including three children - were killed on Monday.", [(16, "killed")]),
        ("Six civilians including a child were among at least 22 people killed.", [(22, "killed")]),
        ("Six civilians from one family were killed in the raid.", [(6, "killed")]),
        ("At least 36 civilians including 11 children and five women were killed.", [(36, "killed")]),
        ("Three people, two of them children, died in the raid.", [(3, "killed")]),
        ("Two people one of them a child killed in a rocket attack.", [(2, "killed")]),
        ("At least 13 civilians mostly women and children were killed on Saturday.", [(13, "killed")]),
        ("At least 11 civilians among them three children were killed on Thursday.", [(11, "killed")]),
        ("Eleven civilians, among them three children, were killed on Thursday.", [(11, "killed")]),
        ("The raid killed 11 civilians, among whom were three children.", [(11, "killed")]),
        ("The town was hit repeatedly, including in December when 19 people were killed.", [(19, "killed")]),
        ("In that three-week period the group executed 128 residents.", [(128, "killed")]),
        ("The blast claimed the lives of 18 civilians and injured 40.", [(18, "killed"), (40, "wounded")]),
        # places and spans of time counted are not people
        ("The attack on two villages killed 15 civilians.", [(15, "killed")]),
        ("Two weeks of bombardment have killed more than 100 people.", [(100, "killed")]),
        ("Activists reported three dead in the village.", [(3, "killed")]),
        ("The war has left one hundred thousand people dead.", [(100000, "killed")]),
        ("One hundred and one people were killed.", [(101, "killed")]),
        ("Two thousand and five people were wounded.", [(2005, "wounded")]),
        # single persons named beside others are counted with them
        ("A farmer and his wife were killed in the raid.", [(2, "killed")]),
        ("A nurse and her two daughters died when the shell hit.", [(3, "killed")]),
        ("Three men and a girl were wounded by the blast.", [(4, "wounded")]),
        ("The blast killed a driver and his son.", [(2, "killed")]),
        ("Two fighters succumbed to their wounds in hospital.", [(2, "killed")]),
        ("A farmer and his two sons as well as another man died in the raid.", [(4, "killed")]),
        ("The strike killed three soldiers, and two civilians and a child were wounded.", [(3, "killed"), (3, "wounded")]),
    ],
)
def test_casualty_figures(sentence, expected):
    assert figures(sentence) == expected


def test_a_toll_told_as_more_than_another_is_marked_additional():
    found = find_figures(Tokens.of("Another 14 people were killed, and a further five died in the raid."))
    assert [(f.value, f.additional) for f in found] == [(14, True), (5, True)]
    assert [f.additional for f in find_figures(Tokens.of("At least 14 people were killed."))] == [False]


def test_parts_among_the_dead_are_lower_bounds():
    found = find_figures(Tokens.of("Twelve children and 11 fighters were among the dead."))
    assert [(f.value, f.part) for f in found] == [(23, True)]
    total = find_figures(Tokens.of("At least 28 people were killed in the strikes."))
    # a part never lowers the toll it belongs to; alone it is what is known
    assert coded_figure(found + total) == 28
    assert coded_figure(found) == 23
    dozens = find_figures(Tokens.of("Dozens of children died."))
    assert coded_figure(dozens + find_figures(Tokens.of("Nearly 70 children were among those killed."))) == 70


def test_conflicting_figures_code_the_lowest():
    assert most_conservative([18, 10]) == 10
    assert most_conservative([]) is None


@pytest.mark.parametrize(
    "phrase, expected, precision",
    [
        ("on Tuesday", dt.date(2016, 5, 3), 1),
        ("overnight Tuesday", dt.date(2016, 5, 3), 1),
        ("on Monday", dt.date(2016, 5, 2), 1),
        ("last Wednesday", dt.date(2016, 4, 27), 1),
        ("yesterday", dt.date(2016, 5, 2), 1),
        ("over the weekend", dt.date(2016, 4, 30), 2),
        ("late last week", dt.date(2016, 4, 29), 2),
        ("last month", dt.date(2016, 4, 1), 3),
        ("3 May 2016", dt.date(2016, 5, 3), 1),
        ("May 1", dt.date(2016, 5, 1), 1),
        ("2016-04-30", dt.date(2016, 4, 30), 1),
        ("on 28 December", dt.date(2015, 12, 28), 1),
    ],
)
def test_dates_resolve_against_the_report_date(phrase, expected, precision):
    found = find_dates(f"Fighting broke out {phrase} near the town.", ref=TUESDAY)
    assert [(d.date, d.precision) for d in found] == [(expected, precision)]


def test_relative_dates_without_a_report_date_stay_empty():
    (found,) = find_dates("Clashes erupted on Tuesday.")
    assert found.date is None


def test_modal_may_is_not_a_date():
    assert find_dates("Talks may resume soon.", ref=TUESDAY) == []


def test_relative_patterns_fit_the_window_searched_around_their_keywords():
    # find_dates tries a relative pattern only from word starts at most RELATIVE_MAX_LEN
    # characters before the end of a keyword it found: a longer pattern would be missed
    from re import _parser  # the regex engine's own parse: the pattern's longest match

    from geomap.extract.dates import _RELATIVE, RELATIVE_MAX_LEN

    for _keywords, regex, *_rest in _RELATIVE:
        assert _parser.parse(regex.pattern, regex.flags).getwidth()[1] <= RELATIVE_MAX_LEN, regex.pattern


@pytest.mark.parametrize(
    "text, expected",
    [
        ("THE DAY BEFORE YESTERDAY, and on 1st of May and since-April, then this week.",
         [(11, "THE DAY BEFORE YESTERDAY"), (1, "1st of May"), (1, "April"), (9, "this week")]),
        # "ſ" (long s) matches "s" case-insensitively though it does not lower-case to it,
        # and "İ" lowers to two characters: keyword positions in the lowered text are
        # not used then, and every match is still found
        ("Shelling resumed yesterday and yeſterday.", [(12, "yesterday"), (12, "yeſterday")]),
        ("İdlib was hit early last week and on Mondays.", [(2, "early last week"), (9, "Mondays")]),
        ("Fighting in 2016-05-01, on 12 May and on May 2, 2016; 3rd  of   March.",
         [(1, "2016-05-01"), (12, "12 May"), (2, "May 2, 2016"), (3, "3rd  of   March")]),
    ],
)
def test_dates_found_wherever_they_stand(text, expected):
    found = find_dates(text, ref=dt.date(2016, 5, 13))
    assert [(d.date.day, text[d.start:d.end]) for d in found] == expected


def test_dateline_is_the_first_full_date():
    assert dateline("Wed 05 Apr 2017 Syria attack. It happened on Tuesday.") == dt.date(2017, 4, 5)


def test_sentences_split_glued_text_and_keep_initials():
    text = 'The U.S. and Russia met. Talks ended in Mexico City.In Aleppo fighting went on. He said."Both sides lost."'
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    assert sentences == ["The U.S. and Russia met.", "Talks ended in Mexico City.", "In Aleppo fighting went on.", 'He said."',
                         'Both sides lost."']


def test_clauses_split_at_contrasts():
    text = "Rebels shelled the city, while the army bombed villages; talks stalled."
    clauses = [text[a:b].strip() for a, b in clause_spans(text, 0, len(text))]
    assert clauses == ["Rebels shelled the city", "while the army bombed villages", "talks stalled."]


def test_superscripts_and_other_digit_signs_are_not_figures():
    assert figures("Shelling hit the town, killing ² people.") == []


def test_a_background_date_is_not_carried_to_the_next_events():
    text = "Syria's war began with protests in March 2011. Warplanes struck Idlib. Rebels shelled Aleppo."
    events = extract_events(text, report_date="2016-05-03")
    strikes = events[events.sub_event_type.isin(["Air/drone strike", "Shelling/artillery/missile attack"])]
    assert len(strikes) == 2 and set(strikes.event_date.astype(str)) == {"2016-05-03"}


def test_a_recent_date_is_carried_to_the_next_event():
    text = "On April 30 warplanes struck Idlib. Rebels shelled Aleppo the same day."
    events = extract_events(text, report_date="2016-05-03")
    assert set(events.event_date.astype(str)) == {"2016-04-30"}


def test_the_date_a_report_prints_at_its_head_anchors_its_relative_days() -> None:
    found = extract_events("Fri Apr 29 2016 Rebel shells hit Aleppo yesterday, killing three people.",
                           report_date="2016-04-16")
    assert [str(d)[:10] for d in found["event_date"]] == ["2016-04-28"]


def test_an_events_own_day_at_the_head_is_no_printed_date() -> None:
    found = extract_events("On 9 May 2020, rebels shelled Aleppo. Police said soldiers shelled Idlib yesterday.",
                           report_date="2020-05-11")
    assert sorted(str(d)[:10] for d in found["event_date"]) == ["2020-05-09", "2020-05-10"]


@pytest.mark.parametrize("text", [
    "Since 1 January 2020, more than 300 civilians have been killed in Idlib. On Monday, regime forces shelled "
    "Kafr Nabl, killing four civilians.",
    "In the early hours of 3 May 2020, rebels shelled Hama. On Monday, regime forces shelled Kafr Nabl, "
    "killing four civilians.",
])
def test_a_date_told_of_something_at_the_head_is_no_printed_date(text: str) -> None:
    found = extract_events(text, report_date="2020-05-20")
    assert "2020-05-18" in [str(d)[:10] for d in found["event_date"]]
