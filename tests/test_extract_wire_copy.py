"""Wire copy as it reaches a corpus, and the sides of an event told in it.

Every sentence is written for these tests.  They cover photo captions and
wire credits glued to a report's first sentence, page furniture with
counters, datelines naming a capital, sides named together ("Russian and
regime warplanes"), accusers, allies and support, attacks on civilians,
battles told by their dead, tolls told as a rise past a figure, asides
between dashes, and places inside a governorate named in the same clause.
"""

from __future__ import annotations

import pytest
from extract_sentences import events as _events
from extract_sentences import one_event as _one

from geomap.extract.text import is_credit, sentence_spans

# --- captions, credits, furniture, datelines -------------------------------------

@pytest.mark.parametrize("words", ["Reuters", "AFP photo", "TRT World and Agencies", "File photo", "archive",
                                   "Source: Syrian Coalition", "With AP and AFP", "RIA Novosti", "Sputnik"])
def test_bracketed_credits_are_recognised(words: str) -> None:
    assert is_credit(words)


@pytest.mark.parametrize("words", ["SDF", "Islamic", "the suburbs of", "Click to enlarge", "University"])
def test_other_brackets_are_not_credits(words: str) -> None:
    assert not is_credit(words)


def test_a_caption_and_its_credit_end_before_the_report_begins() -> None:
    text = ("Fighters rest near a checkpoint in Jisr al-Shughur on June 2 2016 (AFP photo) "
            "A car bomb killed nine people in Azaz on Monday.")
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans][1] == "A car bomb killed nine people in Azaz on Monday."
    event = _one(text)
    assert (event["location"], event["fatalities"]) == ("Azaz", 9)


def test_a_report_glued_to_its_caption_is_not_placed_at_the_captions_place() -> None:
    text = ("Jets are parked at Hmeimim air base in Latakia on May 1 2016 (TRT World and Agencies) "
            "The toll from air strikes on the town of Maarat al-Numan rose to 23, a monitor said.")
    events = _events(text)
    tolls = events[events["fatalities"] == 23]
    assert len(tolls) == 1 and tolls.iloc[0]["location"] == "Ma'arrat An Nu'man"


def test_counters_after_page_furniture_are_not_a_toll() -> None:
    assert _one("Get short URL 312 A mortar shell killed four people in Jaramana on Sunday.")["fatalities"] == 4
    assert _one("Get short URL 215 The death toll from the car bomb in Jableh was unclear on Monday.")["fatalities"] == 0


@pytest.mark.parametrize("dateline", ["MOSCOW (Sputnik) -", "MOSCOW, May 2 (Reuters) -", "MOSCOW May 2 (RIA Novosti) -"])
def test_a_datelines_capital_is_where_the_report_was_filed_not_a_side(dateline: str) -> None:
    event = _one(f"{dateline} Two car bombs killed 14 civilians in the city of Homs.")
    assert (event["actor1"], event["location"]) == ("Unidentified Armed Group (Syria)", "Homs")


# --- sides named together, agents, accusers, allies --------------------------------

def test_a_modifier_coordinated_with_a_sides_name_does_not_become_the_target() -> None:
    event = _one("Air strikes by Russian and regime warplanes killed 11 people in Ariha.")
    assert (event["actor1"], event["actor2"]) == ("Military Forces of Russia", None)
    event = _one("Syrian and Russian warplanes bombed the town of Ariha on Sunday.")
    assert (event["actor1"], event["actor2"]) == ("Military Forces of Syria", None)


def test_the_agent_after_syrias_possessive_is_the_doer() -> None:
    for text in ("Eight civilians were killed in air raids by Syria's government on Saraqeb.",
                 "Eight civilians were killed in air raids by Syrias government on Saraqeb."):
        event = _one(text)
        assert (event["actor1"], event["actor2"]) == ("Military Forces of Syria", "Civilians (Syria)")


def test_an_accuser_is_not_the_doer_but_the_accused_is() -> None:
    assert _one("The United States accused Damascus of the attack on Saraqeb that killed 30 people.")["actor1"] \
        != "Military Forces of the United States"
    assert _one("Government forces were accused of shelling Douma on Monday.")["actor1"] == "Military Forces of Syria"


def test_a_side_condemning_an_attack_by_another_is_not_its_target() -> None:
    event = _one("The Syrian Coalition condemned the massacre by the Russian air force in Atareb on Monday.")
    assert (event["actor1"], event["actor2"]) == ("Military Forces of Russia", "Civilians (Syria)")


def test_the_opposition_coalition_by_its_full_name_is_a_speaker_not_the_us_led_coalition() -> None:
    event = _one("The National Coalition for Syrian Revolution and Opposition Forces told reporters that "
                 "the raid on Saraqeb killed more than 80 people.")
    assert event["actor1"] != "US-led Coalition"


def test_the_side_whose_airstrike_it_was_is_the_doer() -> None:
    event = _one("An airstrike of the US-led coalition claimed lives of five civilians near Tabqa on Monday.")
    assert (event["actor1"], event["actor2"], event["fatalities"]) == ("US-led Coalition", "Civilians (Syria)", 5)
    event = _one("Air strikes of ISIS positions near Raqqa killed 20 militants.")
    assert (event["actor1"], event["actor2"]) == ("Unidentified Military Forces", "Islamic State (Syria)")


def test_an_ally_is_neither_doer_nor_target() -> None:
    event = _one("Kurdish fighters of the YPG stormed Tal Abyad on Friday with support from the US-led coalition.")
    assert event["actor2"] != "US-led Coalition"


@pytest.mark.parametrize("text", [
    "Backed by Russian air strikes, government forces captured Palmyra on Sunday.",
    "The army recaptured Qaryatain on Monday with support from Russian airstrikes.",
])
def test_air_strikes_backing_a_capture_are_not_the_event(text: str) -> None:
    event = _one(text)
    assert (event["sub_event_type"], event["actor1"]) == ("Government regains territory", "Military Forces of Syria")


def test_what_backs_the_doer_does_not_hide_its_own_attack() -> None:
    event = _one("Rebels backed by Turkish artillery attacked YPG positions near Azaz.")
    assert (event["actor1"], event["actor2"]) == ("Opposition Rebels (Syria)", "Syrian Democratic Forces")


def test_sides_named_together_before_the_trigger_are_not_each_others_target() -> None:
    event = _one("Turkish artillery and coalition jets hit 20 positions near Jarablus on Monday.")
    assert event["actor2"] is None
    event = _one("Government forces attacked rebels and Nusra fighters near Hama.")
    assert (event["actor1"], event["actor2"]) == ("Military Forces of Syria", "Opposition Rebels (Syria)")


def test_a_side_that_believes_another_did_it_is_not_the_doer() -> None:
    event = _one("The United States believes Assad's forces used sarin in attacks on Zamalka.")
    assert (event["actor1"], event["actor2"]) == ("Military Forces of Syria", None)


# --- attacks on civilians, battles told by their dead -------------------------------

@pytest.mark.parametrize("text, sub_type", [
    ("A massive explosion struck near the buses in Rashidin on Saturday, killing 40 people.",
     "Remote explosive/landmine/IED"),
    ("Government aircraft struck the town of Saraqeb on Monday.", "Air/drone strike"),
])
def test_struck_says_what_hit_not_what_it_was(text: str, sub_type: str) -> None:
    assert _one(text)["sub_event_type"] == sub_type


def test_an_attack_that_hit_civilians_is_violence_against_civilians() -> None:
    event = _one("A terrorist attack on a wedding in Hasakah claimed the lives of 22 civilians.")
    assert (event["event_type"], event["sub_event_type"]) == ("Violence against civilians", "Attack")


def test_an_attack_on_fighters_stays_a_battle() -> None:
    event = _one("ISIS attacked army positions in Deir ez-Zor, killing 12 soldiers.")
    assert event["sub_event_type"] == "Armed clash"


def test_a_un_speaker_does_not_stand_in_for_the_civilians_hit() -> None:
    event = _one("Over 40 people including 12 children were killed in a terrorist attack near Aleppo, "
                 "UN envoy Staffan de Mistura said.")
    assert (event["sub_event_type"], event["actor2"]) == ("Attack", "Civilians (Syria)")


def test_loyalists_are_the_governments_forces() -> None:
    event = _one("The fighting near Zabadani claimed the lives of 40 loyalists and 25 rebels.")
    assert (event["actor1"], event["actor2"], event["fatalities"]) == (
        "Military Forces of Syria", "Opposition Rebels (Syria)", 65)


def test_a_development_told_of_one_side_has_it_as_actor1() -> None:
    event = _one("Talks in Geneva stalled after the opposition walked out of the negotiations on Monday.")
    assert event["actor1"].startswith("Opposition Rebels (") and event["inter1"] == 2 and event["actor2"] is None


def test_a_battle_told_by_its_dead_is_fought_between_them() -> None:
    event = _one("The week-long battle for Madaya has cost the lives of 30 rebels and 12 Hezbollah fighters.")
    assert (event["actor1"], event["actor2"], event["fatalities"]) == ("Opposition Rebels (Syria)", "Hezbollah", 42)


# --- tolls ---------------------------------------------------------------------------

@pytest.mark.parametrize("verb", ["surpassed", "exceeded", "topped", "hit"])
def test_a_toll_that_rose_past_a_figure_codes_it(verb: str) -> None:
    assert _one(f"The death toll from the car bomb in Jableh {verb} 48 on Tuesday.")["fatalities"] == 48


def test_an_aside_between_dashes_keeps_the_toll_with_its_verb() -> None:
    assert _one("Eleven civilians - among them four children - were killed on Monday in shelling of Douma.")[
        "fatalities"] == 11


def test_others_killed_in_the_same_clause_are_added() -> None:
    assert _one("Shelling killed six civilians in Bustan al-Qasr and two others died in Ansari.")["fatalities"] == 8


@pytest.mark.parametrize("text", ["A woman was killed and 14 others were wounded in shelling on Jaramana.",
                                  "Shelling killed a child in Douma on Monday.",
                                  "A sniper shot dead a man in Bosra on Monday."])
def test_one_person_named_after_a_is_a_toll_of_one(text: str) -> None:
    assert _one(text)["fatalities"] == 1


@pytest.mark.parametrize("text, toll", [
    ("Three people were killed a woman among them in shelling on Jaramana.", 3),
    ("Jets killed over 30 civilians among them several children in Kafr Nabl.", 30),
    ("The raid killed 11 civilians, among whom were three children.", 11),
    ("Eleven civilians among whom were three children were killed in shelling on Douma.", 11),
    ("An air strike killed 40 people among them women and children in Idlib.", 40),
    ("An air strike killed 40 among them women and children in Idlib.", 40),
    ("Shelling killed 12, among them four children, in Douma.", 12),
])
def test_a_part_among_them_never_lowers_the_total(text: str, toll: int) -> None:
    assert _one(text)["fatalities"] == toll


def test_a_sides_weapons_are_not_the_side_acting() -> None:
    assert _one("Rebels fired U.S.-made anti-tank missiles at army tanks near Hama.")["actor1"] == \
        "Opposition Rebels (Syria)"
    assert _one("U.S.-made missiles hit a hospital in Idlib on Monday.")["actor1"] == "Unidentified Armed Group (Syria)"


@pytest.mark.parametrize("text, toll", [
    # one person as the object of an active verb is no toll of the clause's figure
    ("A suicide bomber blew himself up at the wedding of a member of the SDF killing at least 22 civilians.", 22),
    ("Air strikes that hit a market in a rebel-held town have killed at least 61 people.", 61),
    ("A mortar shell fired on the Wafideen camp left a child dead and a woman injured.", 1),
    ("A car bomb attack caused a number of deaths in Azaz on Monday.", 3),
    ("A dozen people were killed in shelling on Douma.", 12),
])
def test_one_person_is_counted_only_as_the_one_killed(text: str, toll: int) -> None:
    assert _one(text)["fatalities"] == toll


def test_others_after_a_kill_word_take_their_own_verb() -> None:
    # headline style without commas: the child was killed, the two others injured
    assert _one("A child killed two others injured in a rocket attack on Aleppo city.")["fatalities"] == 1


def test_a_after_a_kill_word_is_no_toll_without_a_person() -> None:
    assert _one("A car bomb killed 12 people in Azaz.")["fatalities"] == 12
    assert _one("Twelve people including a child were killed in shelling on Douma.")["fatalities"] == 12


def test_a_count_of_places_with_adjectives_is_no_toll() -> None:
    # copy that lost its commas
    assert _one("A suicide car bomb hit a convoy of buses leaving two besieged Shiite towns killing at least 40 "
                "people.")["fatalities"] == 40


def test_two_words_for_one_group_keep_their_toll() -> None:
    assert _one("At least 35 regime and rebel fighters have been killed in clashes near Khan Tuman.")[
        "fatalities"] == 35


def test_others_wounded_are_not_added_to_the_dead() -> None:
    assert _one("Five people were killed and 20 others wounded in shelling on Douma.")["fatalities"] == 5


# --- background --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "France drafted a resolution calling for an end to the bombings in Aleppo.",
    "The truce put a halt to the shelling of Douma.",
])
def test_what_is_called_on_to_end_is_no_event(text: str) -> None:
    assert _events(text).empty


def test_a_town_repeatedly_targeted_is_background() -> None:
    assert _events("Manbij, an IS bastion, has been repeatedly targeted in coalition raids.").empty


def test_a_town_repeatedly_shelled_on_a_day_is_an_event() -> None:
    assert _one("Douma was repeatedly shelled by government forces on Sunday, killing 9 people.")["fatalities"] == 9


# --- places --------------------------------------------------------------------------

def test_a_sentence_opening_in_is_no_spring_named_ayn() -> None:
    assert _one("In Tal Tamr there were fierce clashes between ISIS and the YPG on Monday.")["location"] == "Tal Tamer"

@pytest.mark.parametrize("text", [
    "A source at Hasaka Police Command said a suicide bomber blew himself up in central Qamishli city.",
    "An official in Hasaka said a suicide bomber blew himself up in Qamishli on Monday.",
])
def test_where_a_speaker_is_gives_way_to_where_the_event_was(text: str) -> None:
    assert _one(text)["location"] == "Qamishli"


@pytest.mark.parametrize("text", [
    "Russian air strikes killed 40 Islamic State fighters in Syria, the defence ministry in Moscow said on Saturday.",
    "The Observatory, based in Britain, said 30 fighters were killed in clashes in Syria.",
])
def test_a_speakers_or_sources_seat_abroad_never_places_the_event(text: str) -> None:
    assert _one(text)["country"] == "Syria"


def test_a_speakers_place_still_locates_an_event_told_without_another_place() -> None:
    assert _one("A source in Azaz said a car bomb killed seven people on Monday.")["location"] == "Azaz"


def test_a_city_inside_a_governorate_named_in_the_same_clause_is_the_place() -> None:
    event = _one("An official at Daraa Governorate said rebels fired rockets that landed near the court in Daraa city.")
    assert (event["location"], event["geo_precision"]) == ("Daraa", 1)


# --- generic words that recall an event ------------------------------------------------

def test_a_generic_word_that_says_nothing_new_recalls_the_event_told() -> None:
    quiet = " ".join(f"Residents of the city queued for bread on day {n}." for n in range(6))
    events = _events(f"Rebel shells killed five people in the Midan district of Aleppo on Monday. {quiet} "
                     "France called for an emergency meeting about Monday's suspected attack.")
    assert len(events) == 1 and events.iloc[0]["fatalities"] == 5
    assert "France called" in events.iloc[0]["notes"]


def test_a_generic_word_with_a_toll_is_still_an_event() -> None:
    events = _events("Rebel shells killed five people in the Midan district of Aleppo on Monday. "
                     "An attack in Idlib killed three people on Tuesday.")
    assert len(events) == 2


def test_this_attack_at_the_place_of_an_event_told_long_before_is_that_event() -> None:
    quiet = " ".join(f"Residents of the town queued for bread on day {n}." for n in range(6))
    events = _events(f"A car bomb killed 20 people in Azaz on Sunday. {quiet} "
                     "Activists filmed the ruins left by this terrorist attack in Azaz.")
    assert len(events) == 1 and events.iloc[0]["fatalities"] == 20


# --- what the rules above must leave alone -----------------------------------------------

@pytest.mark.parametrize("text, sides", [
    ("Rebels backed by Turkey attacked Kurdish forces near Afrin on Monday.",
     ("Opposition Rebels (Syria)", "Syrian Democratic Forces")),
    ("Kurdish fighters and ISIS militants clashed in Hasaka on Monday.",
     ("Syrian Democratic Forces", "Islamic State (Syria)")),
])
def test_a_supported_or_coordinated_side_still_fights(text: str, sides: tuple) -> None:
    event = _one(text)
    assert (event["actor1"], event["actor2"]) == sides


def test_support_named_in_one_sentence_does_not_void_the_next() -> None:
    events = _events("Government forces advanced near Palmyra, backed by Russia. "
                     "Air strikes killed 10 civilians in Idlib.")
    assert list(events["fatalities"]).count(10) == 1


@pytest.mark.parametrize("text, toll", [
    ("Shelling killed 5 people in Aleppo on Monday, a day after 20 others were killed in Homs.", 5),
    ("Seven policemen at checkpoints were killed in a bombing in Damascus.", 7),
])
def test_tolls_the_new_count_rules_must_not_change(text: str, toll: int) -> None:
    assert _one(text)["fatalities"] == toll


def test_a_new_generic_event_with_its_own_date_is_not_recalled() -> None:
    events = _events("Regime forces shelled Douma on Monday, killing five people. "
                     "On Wednesday, an explosion struck a market.")
    assert len(events) == 2


def test_the_side_arrested_is_not_the_one_acting() -> None:
    assert _one("Twenty rebels were arrested in Daraa on Monday.")["actor2"] == "Opposition Rebels (Syria)"


def test_a_victims_place_is_no_speakers_place() -> None:
    assert _one("A car bomb killed two officials in Qamishli in Hasaka province.")["location"] == "Qamishli"

