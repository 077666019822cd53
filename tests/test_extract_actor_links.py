"""Who did it: actor spans and the actor1/actor2 an analyst would code, and numbers that are not tolls.

Every sentence is written for these tests.  They cover a reporting source
named inside a longer actor name, a named group's short name used alone
after its full name, a group's members named before it ("fighters of X"),
a name with its own abbreviation in brackets, a side never coded as its own
opponent, and times, labels and dates that are never casualty figures.
"""

from __future__ import annotations

import pytest

from geomap.extract import extract_events, extract_mentions
from geomap.extract.figures import find_figures
from geomap.extract.text import Tokens

DATE = "2016-05-03"


def _events(text: str):
    return extract_events(text, report_date=DATE)


def _sides(text: str) -> list[tuple[str | None, str | None]]:
    events = _events(text)
    return [(a if isinstance(a, str) else None, b if isinstance(b, str) else None)
            for a, b in zip(events["actor1"], events["actor2"])]


# --- a source inside a longer actor name ----------------------------------------

def test_a_militia_whose_name_holds_a_newspapers_name_is_the_actor():
    assert _sides("Liwa al-Quds fighters shelled rebel positions in Handarat.")[0][0] == "Liwa al-Quds"


def test_the_newspaper_alone_is_still_a_source_not_an_actor():
    events = _events("Al-Quds al-Arabi reported that rebels shelled Aleppo on Monday.")
    assert list(events["actor1"]) == ["Opposition Rebels (Syria)"]


# --- a group's short name used alone after its full name --------------------------

HAZM_DOC = ("Harakat Hazm fighters withdrew from Atarib on Monday. "
            "Weeks later al-Nusra fighters attacked Hazm at its last base near Atarib.")


def test_a_groups_short_name_after_its_full_name_is_the_group_not_the_village():
    events = _events(HAZM_DOC)
    attack = events[events["notes"].str.contains("attacked Hazm")].iloc[0]
    assert attack["actor1"] == "Hayat Tahrir al-Sham / Jabhat al-Nusra"
    assert attack["actor2"] == "Harakat Hazm"
    assert attack["location"] != "Hazm"
    assert "Hazm" not in set(extract_mentions(HAZM_DOC)["text"])


def test_the_short_name_without_the_full_name_stays_a_place():
    mentions = extract_mentions("Rebels shelled Hazm on Monday.")
    assert "Hazm" in set(mentions["text"])


@pytest.mark.parametrize(
    "text, place, group",
    [
        # a document that uses the short name as a place keeps it a place
        ("Harakat Hazm fighters clashed with al-Nusra in Atarib on Monday. Warplanes later struck the village of Hazm.",
         "Hazm", "Harakat Hazm"),
        # a short name that is a well-known place stays the place
        ("Liwa Thuwar al-Raqqa fighters clashed with Islamic State militants in Tal Abyad. Warplanes bombed Raqqa "
         "on Monday.", "Raqqa", "Liwa Thuwar al-Raqqa"),
    ],
)
def test_a_groups_short_name_used_as_a_place_stays_the_place(text: str, place: str, group: str) -> None:
    events = _events(text)
    strike = events[events["sub_event_type"] == "Air/drone strike"].iloc[0]
    assert strike["location"] == place
    assert strike["actor2"] != group


def test_a_surname_that_is_a_groups_short_name_is_not_the_group():
    text = ("Faylaq al-Rahman fighters shelled government positions in Harasta. "
            "Observatory chief Rami Abdel Rahman said two soldiers were killed.")
    sides = _sides(text)
    assert sides == [("Faylaq al-Rahman", "Military Forces of Syria")] or sides[0][0] == "Faylaq al-Rahman"
    assert all("Faylaq al-Rahman" not in (b or "") for _a, b in sides)


# --- members named before their group -----------------------------------------------

@pytest.mark.parametrize("sentence, actor", [
    ("Fighters of Jaish al-Islam shelled Damascus on Monday.", "Jaish al-Islam"),
    ("Militants of the Islamic State shelled Kobani on Monday.", "Islamic State (Syria)"),
    ("Gunmen from Ahrar al-Sham attacked a checkpoint in Idlib.", "Ahrar al-Sham"),
    ("Warplanes of the US-led coalition struck Raqqa on Monday.", "US-led Coalition"),
])
def test_a_groups_members_named_before_it_are_the_group(sentence, actor):
    assert _sides(sentence)[0][0] == actor


def test_members_counted_are_a_target_not_the_doer():
    sides = _sides("Rebels ambushed a bus carrying 12 members of the Syrian army near Hama.")
    assert sides[0][0] == "Opposition Rebels (Syria)"


# --- one side, never its own opponent ------------------------------------------------

def test_a_name_and_its_abbreviation_in_brackets_are_one_side():
    sides = _sides("Clashes erupted between the Syrian Democratic Forces (SDF) and Islamic State militants in Hasakah.")
    assert sides == [("Syrian Democratic Forces", "Islamic State (Syria)")]


@pytest.mark.parametrize("text", [
    "Clashes erupted between the People's Protection Units (YPG) and the YPG's rivals in Qamishli.",
    "The attack was claimed by ISIS. The assault against ISIS in Manbij continued on Monday.",
    "Government warplanes struck Douma, where government forces later shelled the market.",
    "Rebels said rebels shelled Aleppo on Monday.",
    "Activists said civilians were killed by civilians' relatives in Homs.",
])
def test_actor2_never_equals_actor1(text):
    for actor1, actor2 in _sides(text):
        assert actor2 is None or actor2 != actor1


# --- numbers that are not tolls --------------------------------------------------------

def _figures(text: str) -> list[int]:
    return [f.value for f in find_figures(Tokens.of(text))]


@pytest.mark.parametrize("text", [
    "Six suicide bombers attacked the base at around 330 am whose bodies still lie in the field.",
    "The attack began at 0430 GMT and left bodies in the streets.",
    "Rebels attacked at 3:30 killed by the dozen later.",
    "The Security Council adopted Resolution 2254 killed in committee.",
    "Fighters overran Regiment 111 killing its defenders.",
    "An April 4 attack killed many people.",
    "Shelling killed 40% of the livestock.",
])
def test_times_labels_dates_and_percentages_are_not_casualty_figures(text):
    assert _figures(text) == []


def test_a_toll_beside_a_time_is_still_read():
    assert _figures("Rebels attacked the base at 0600 GMT, killing 4 soldiers.") == [4]


def test_a_day_of_the_month_gives_way_to_the_toll_words_after_it():
    events = _events("An April 4 attack on Khan Sheikhoun killed dozens of people.")
    assert list(events["fatalities"]) == [12]


# --- who did it: agents, "between", a side carried from the sentence before ----------

def test_between_far_from_the_trigger_does_not_name_its_sides():
    # the fighting "between" belongs to the area's description, not to the strike
    text = ("Fighter jets struck the town of Atarib in an area that has seen fighting between the opposition "
            "and the regime.")
    assert _sides(text)[0][0] == "Unidentified Military Forces"


@pytest.mark.parametrize("text, actor1, actor2", [
    # (Kilis is in Turkey: the group is named after the country it acts in, as ACLED names it)
    ("The border town of Kilis came under rocket attacks from ISIS on Monday.", "Islamic State (Turkey)", None),
    ("A car bomb was detonated by ISIS militants in Qamishli, killing 20 civilians.", "Islamic State (Syria)",
     "Civilians (Syria)"),
    # a second agent is not the target
    ("The airstrike was carried out by the regime or Russian warplanes in Idlib.", "Military Forces of Syria", None),
])
def test_the_doer_and_the_target(text, actor1, actor2):
    assert _sides(text)[0] == (actor1, actor2)


def test_a_side_named_again_after_the_trigger_is_the_doer_carried_from_before():
    text = ("Rebels fired rockets at Hamdaniyeh in Aleppo on Monday. "
            "Another rocket attack in Aleppo city: rebels fired two shells at the Midan district.")
    for actor1, actor2 in _sides(text):
        assert actor1 == "Opposition Rebels (Syria)" and actor2 != actor1


@pytest.mark.parametrize("text", [
    "Last updated at Nov 022017 BEIRUT Government air strikes killed people in Douma.",
    "AFP 2018 Service Member Dies in Manbij Blast.",
])
def test_a_dateline_or_photo_credit_year_is_not_a_casualty_figure(text):
    assert _figures(text) == []


def test_a_short_name_at_a_sentences_start_counts_once_written_as_a_name_elsewhere():
    alone = ("Harakat Hazm fighters clashed with al-Nusra in Atarib on Monday. "
             "Hazm withdrew from its base on Tuesday.")
    assert "Hazm" in set(extract_mentions(alone)["text"])
    confirmed = ("Harakat Hazm fighters clashed with al-Nusra in Atarib on Monday. "
                 "Al-Nusra attacked Hazm on Tuesday. Hazm withdrew from its base.")
    assert "Hazm" not in set(extract_mentions(confirmed)["text"])


def test_a_descriptive_word_of_a_militias_name_at_a_sentences_start_is_not_the_militia():
    events = _events("Local Defence Forces shelled Aleppo on Monday. Local sources said rebels shelled Homs.")
    homs = events[events["location"] == "Homs"].iloc[0]
    assert homs["actor1"] == "Opposition Rebels (Syria)"


def test_militants_counted_before_their_group_are_not_the_doer_of_the_strike():
    sides = _sides("At least 20 militants of the Islamic State were killed in US-led coalition air strikes near Raqqa.")
    assert sides[0][0] == "US-led Coalition"


@pytest.mark.parametrize("text, actor1, actor2", [
    # the toll's subject is who was hit, the modifier of the strike who struck
    ("At least 20 Islamic State militants were killed in US-led coalition air strikes near Raqqa.",
     "US-led Coalition", "Islamic State (Syria)"),
    ("Eleven civilians were killed in regime air strikes on a market in Maarat al-Numan.",
     "Military Forces of Syria", "Civilians (Syria)"),
    ("Two people were wounded in ISIS shelling on the town of Salamiyeh.", "Islamic State (Syria)", None),
])
def test_victims_of_a_strike_are_not_its_doer(text, actor1, actor2):
    assert _sides(text)[0] == (actor1, actor2)


def test_in_a_battle_the_side_that_lost_men_is_still_a_side():
    sides = _sides("Sixty rebels were killed in clashes with the army near Aleppo.")
    assert set(sides[0]) == {"Opposition Rebels (Syria)", "Military Forces of Syria"}


def test_a_side_after_against_is_not_the_doer_of_the_strike_after_it():
    sides = _sides("Warplanes of the coalition against ISIS struck militant positions near Kobani.")
    assert sides[0][0] != "Islamic State (Syria)"


# --- speakers and reactions are not doers -----------------------------------------------------

@pytest.mark.parametrize("text", [
    "The United Nations condemned the air strikes on Idlib on Monday.",
    "The Syrian Coalition denounced the shelling of Douma on Monday.",
    "Syrian Coalition: 19 civilians killed in air strikes on Deir Ezzor on Monday.",
    "Turkey urged the United Nations to investigate the bombing of Afrin on Monday.",
])
def test_a_side_reacting_to_an_event_is_not_its_doer(text: str) -> None:
    sides = _sides(text)
    assert sides and all(a not in ("United Nations", "Syrian National Coalition", "Government of Turkey",
                                   "Military Forces of Turkey") for a, _ in sides)


def test_a_speaker_before_another_side_reports_what_that_side_did() -> None:
    sides = _sides("The Syrian Coalition, an opposition group based abroad, said regime planes carried out "
                   "the air strike on Khan Sheikhoun on Tuesday.")
    assert sides[0][0] == "Military Forces of Syria"


def test_the_syrian_coalition_is_the_opposition_body_not_the_us_led_coalition() -> None:
    events = _events("The Syrian National Coalition said its fighters clashed with regime forces near Hama on Monday.")
    assert "US-led Coalition" not in set(events["actor1"]) | set(events["actor2"].dropna())


@pytest.mark.parametrize("text, doer", [
    ("Nineteen civilians were killed in Russian airstrikes on Deir Ezzor on Monday.", "Military Forces of Russia"),
    ("At least 40 civilians were killed in US warplanes bombardments in Manbij on Saturday.", "US-led Coalition"),
])
def test_a_side_whose_name_holds_the_trigger_after_in_is_the_doer(text: str, doer: str) -> None:
    assert _sides(text)[0] == (doer, "Civilians (Syria)")


def test_in_fighting_a_government_is_its_forces_and_the_un_is_no_side() -> None:
    assert _sides("The United States struck the Shayrat air base with missiles on Friday.")[0][0] == \
        "Military Forces of the United States"
    assert _sides("Russia bombed Idlib on Monday.")[0][0] == "Military Forces of Russia"
    assert "United Nations" not in {a for a, _b in _sides("Rebels shelled Aleppo on Monday, the UN said. "
                                                          "The attack was later confirmed by the UN.")}


@pytest.mark.parametrize("text, toll", [
    ("Terrorists targeted the al-Jamilia neighborhood of Aleppo with 4 rocket shells killing 8 people on Monday.", 8),
    ("Militants fired tens of rockets at Aleppo on Monday, killing 3 civilians.", 3),
])
def test_a_number_of_shells_or_rockets_is_not_a_toll(text: str, toll: int) -> None:
    assert list(_events(text).fatalities) == [toll]


# (sentence, the doer an analyst codes): speakers of their own acts, claimants, and a state's
# drones, strikes and raids, which are its forces
DOERS = [
    ("Rebels said they shelled government positions in Aleppo on Monday.", "Opposition Rebels (Syria)"),
    ("The Islamic State claimed the bomb attack on a police station in Qamishli on Monday.", "Islamic State (Syria)"),
    ("Russia said its jets struck Idlib on Monday.", "Military Forces of Russia"),
    ("Turkey said its warplanes bombed positions near Afrin on Monday.", "Military Forces of Turkey"),
    ("An Israeli drone struck a car near Quneitra on Monday, killing two.", "Military Forces of Israel"),
    ("A US drone strike killed a commander near Idlib on Monday.", "US-led Coalition"),
    ("Russian drones struck a convoy near Palmyra on Monday.", "Military Forces of Russia"),
    ("At least 10 Syrian soldiers were killed in Israeli air raids near Quneitra on Monday.", "Military Forces of Israel"),
    ("Russian raids killed 12 people in Idlib on Monday.", "Military Forces of Russia"),
    ("Turkish air strikes killed nine fighters near Jarablus on Friday.", "Military Forces of Turkey"),
    ("The US missile strike hit the Shayrat air base on Friday.", "Military Forces of the United States"),
    # the side whose name holds the trigger, named after another side
    ("The YPG expanded their control of Hasakah on Monday despite the bombing of several districts by Syrian jets.",
     "Military Forces of Syria"),
    ("Kurdish-led forces retook Manbij from the Islamic State on Friday.", "Syrian Democratic Forces"),
    # a possessive whose apostrophe the copy lost
    ("The armys air force carried out sorties on Islamic State positions near Palmyra on Monday.",
     "Military Forces of Syria"),
    ("At least 10 civilians were killed in US-led coalitions strikes west of Raqqa on Saturday.", "US-led Coalition"),
    ("Seven Nusra Front militants were killed in US-led air strikes in Idlib province on Wednesday.", "US-led Coalition"),
    ("The coalitions airstrikes hit the city of Al Bukamal on Monday, killing five civilians.", "US-led Coalition"),
    # "aviation" is a state's air force
    ("Syrian aviation bombed the town of Saraqeb on Monday.", "Military Forces of Syria"),
    ("Russian aviation struck Islamic State positions near Palmyra on Monday.", "Military Forces of Russia"),
]


def test_counted_members_who_died_in_a_battle_are_a_side() -> None:
    sides = _sides("23 members of the Nusra Front were killed in clashes with Hezbollah near Khan Touman on Monday.")
    assert set(sides[0]) == {"Hayat Tahrir al-Sham / Jabhat al-Nusra", "Hezbollah"}


@pytest.mark.parametrize("text, doer", DOERS)
def test_the_doer_is_the_side_that_acted(text: str, doer: str) -> None:
    assert _sides(text)[0][0] == doer
