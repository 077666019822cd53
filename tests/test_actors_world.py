"""The sides of the world's wars, as ACLED names and types them: named groups, a state's forces at home
and abroad, the wordings of any country, and words whose side depends on the country.

Every sentence here is written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from extract_sentences import events, one_event
from lexicon_edit import replace_once

from geomap.extract import lexicon
from geomap.extract.lexicon import LexiconError


def _doer(sentence: str) -> tuple[str, int]:
    found = events(sentence)
    assert len(found) >= 1, sentence
    row = found.iloc[0]
    return row["actor1"], int(row["inter1"])


# --- the principal armed sides of the wars of 2015-2025, with ACLED's actor types -----------------

@pytest.mark.parametrize(("sentence", "actor", "inter"), [
    # Yemen: the Houthis' forces are the state forces of their Supreme Political Council (ACLED, 2016-)
    ("Houthi fighters shelled the outskirts of Marib city on Monday.",
     "Military Forces of Yemen Supreme Political Council", 1),
    ("Saudi-led coalition jets bombed a bridge near Saada on Monday.", "Operation Restoring Hope", 8),
    # Libya: both governments' forces are state forces
    ("LNA forces shelled the airport of Tripoli on Monday.", "Military Forces of Libya Haftar Faction", 1),
    # Afghanistan and Pakistan
    ("Taliban fighters stormed a checkpoint in Ghazni province on Monday.", "Taliban", 2),
    ("TTP militants ambushed a patrol near Peshawar on Monday.", "TTP: Tehreek-i-Taliban Pakistan", 2),
    ("ISIS-K militants attacked a mosque in Kunduz on Monday.", "Islamic State (Afghanistan)", 2),
    # Somalia, Nigeria, the Sahel, Cameroon, the Congo, Sudan, Ethiopia
    ("Al-Shabaab militants attacked an army base near Kismayo on Monday.", "Al Shabaab", 2),
    ("ISWAP fighters ambushed a convoy near Maiduguri on Monday.", "Islamic State (West Africa)", 2),
    ("JNIM militants attacked a gendarmerie post near Djibo on Monday.",
     "JNIM: Group for Support of Islam and Muslims", 2),
    ("Ambazonian separatists killed two soldiers near Bamenda on Monday.", "Ambazonian Separatists (Cameroon)", 2),
    ("ADF rebels killed nine villagers near Beni on Monday.", "ADF: Allied Democratic Forces", 2),
    ("CODECO militiamen attacked a camp near Bunia on Monday.", "CODECO: Cooperative for Development of Congo", 3),
    ("RSF fighters shelled a market in Omdurman on Monday.", "Military Forces of Sudan Rapid Support Forces", 1),
    ("TPLF forces attacked army positions near Mekelle on Monday.", "TPLF: Tigray People's Liberation Front", 2),
    ("Fano militiamen clashed with federal forces near Gondar on Monday.", "Fano Militia", 4),
    # Asia
    ("The Arakan Army attacked a police outpost in Rakhine State on Monday.",
     "ULA/AA: United League of Arakan/Arakan Army", 2),
    ("Abu Sayyaf gunmen kidnapped two fishermen off Jolo on Monday.", "ASG: Abu Sayyaf", 2),
    # the Americas: guerrillas are rebels, cartels and gangs political militias
    ("ELN guerrillas attacked an army patrol in Arauca on Monday.", "ELN: National Liberation Army", 2),
    ("Gunmen of the Sinaloa Cartel shot dead three men in Culiacan on Monday.", "Sinaloa Cartel", 3),
    ("Members of the Comando Vermelho clashed with police in Rio de Janeiro on Monday.", "CV: Red Command", 3),
    # Israel and Palestine, Turkey, Ukraine
    ("Hamas fired rockets at Ashkelon on Monday.", "Hamas Movement", 3),
    ("Israeli settlers attacked Palestinian farmers near Nablus on Monday.", "Settlers (Israel)", 3),
    ("PKK militants attacked a gendarmerie outpost in Hakkari on Monday.", "Kurdistan Workers' Party (PKK)", 2),
    ("DPR forces shelled Avdiivka on Monday.", "NAF: United Armed Forces of Novorossiya", 2),
])
def test_a_principal_armed_side_is_named_and_typed_as_acled_codes_it(sentence: str, actor: str, inter: int) -> None:
    assert _doer(sentence) == (actor, inter)


def test_the_islamic_state_is_named_after_the_country_it_fights_in() -> None:
    assert _doer("Islamic State militants attacked a village near Kirkuk on Monday.") == ("Islamic State (Iraq)", 2)


# --- a state's forces: by nationality or country, at home and abroad ------------------------------

@pytest.mark.parametrize(("sentence", "actor"), [
    # (Diffa is in Niger, across the border; the gazetteer does not know Sangin)
    ("Nigerian troops killed ten fighters near Diffa on Monday.", "Military Forces of Nigeria"),
    ("Afghan security forces repelled an assault in Sangin district on Monday.", "Military Forces of Afghanistan"),
    ("The Pakistan Army killed four militants in Datta Khel on Monday.", "Military Forces of Pakistan"),
    ("Military forces of Armenia fired on Azerbaijani positions on Monday.", "Military Forces of Armenia"),
    ("Philippine soldiers clashed with NPA rebels in Samar on Monday.", "Military Forces of the Philippines"),
])
def test_a_nationality_or_a_country_names_whose_forces_they_are(sentence: str, actor: str) -> None:
    # not the forces of the country the places suggest: "troops", "security forces" and "military
    # forces" alone would be those
    assert _doer(sentence)[0] == actor


def test_a_country_in_a_sides_name_is_no_place_of_the_report() -> None:
    # Armenia's forces are mostly reported in Nagorno-Karabakh: abroad, unless the places say otherwise
    assert _doer("Military forces of Armenia fired on Azerbaijani positions on Monday.")[1] == 8


@pytest.mark.parametrize(("sentence", "inter"), [
    # the Kurdistan Region's forces: Iraq's own at home, external forces in Syria
    ("Peshmerga forces shelled Islamic State positions in Nineveh province on Monday.", 1),
    ("Peshmerga forces shelled Islamic State positions in Aleppo province on Monday.", 8),
    # Turkey's forces in Turkey, and in Iraq
    ("Turkish troops killed three PKK militants in Hakkari province on Monday.", 1),
    ("Turkish troops killed three PKK militants in Duhok province on Monday.", 8),
])
def test_a_states_forces_are_state_forces_at_home_and_external_forces_abroad(sentence: str, inter: int) -> None:
    assert _doer(sentence)[1] == inter


def test_a_state_mostly_reported_abroad_is_external_where_the_places_do_not_tell() -> None:
    # Saudi forces are reported in Yemen's war; a nationality alone says nothing of where they were
    assert _doer("Saudi forces fired artillery at farms in Shada district on Monday.") == (
        "Military Forces of Saudi Arabia", 8)


def test_the_sides_named_tell_the_country_when_the_places_do_not() -> None:
    # the village is unknown to the gazetteer: the Houthis fight in Yemen, so the civilians are Yemen's
    event = one_event("Pro-Houthi forces shelled houses in Bayt Hilmi village, killing two civilians.")
    assert (event["actor1"], event["actor2"]) == ("Military Forces of Yemen Supreme Political Council",
                                                  "Civilians (Yemen)")


# --- wordings of any country ------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "actor", "inter"), [
    # a side's own fighters named from it
    ("Pro-Houthi forces shelled the outskirts of Taiz on Monday.",
     "Military Forces of Yemen Supreme Political Council", 1),
    ("GNA-aligned fighters attacked positions near Sirte on Monday.",
     "Military Forces of Libya Government of National Accord", 1),
    ("Pro-government militiamen killed two farmers near Kunduz on Monday.", "Militia (Pro-Government)", 3),
    # the police, whatever they are called
    ("Gendarmes shot dead a motorcyclist in Bafoussam on Monday.", "Police Forces of Cameroon", 1),
    ("Prison guards shot dead an inmate in Kampala on Monday.", "Police Forces of Uganda", 1),
    # unidentified armed groups, gangs and cartels are political militias
    ("Bandits kidnapped twelve travellers near Kaduna on Monday.", "Unidentified Armed Group (Nigeria)", 3),
    ("An armed group attacked a mine near Bukavu on Monday.",
     "Unidentified Armed Group (Democratic Republic of the Congo)", 3),
    # militants are a rebel group's, unless the report does not know whose
    ("Militants ambushed an army patrol near Mopti on Monday.", "Opposition Rebels (Mali)", 2),
    ("Unidentified militants threw a grenade at a police post in Srinagar on Monday.",
     "Unidentified Armed Group (India)", 3),
    # communal, ethnic, clan and tribal militias are identity militias
    ("Tribesmen clashed with the army near Marib on Monday.", "Unidentified Tribal Militia (Yemen)", 4),
    ("Clan militias clashed near Galkayo on Monday, killing six.", "Unidentified Clan Militia (Somalia)", 4),
    ("Vigilantes lynched a suspected thief in Kano on Monday.", "Unidentified Communal Militia (Nigeria)", 4),
    ("Fulani militiamen attacked a village near Jos on Monday.", "Fulani Ethnic Militia (Nigeria)", 4),
    ("Militiamen from two villages clashed near Makurdi on Monday.", "Unidentified Communal Militia (Nigeria)", 4),
    # guards hired to protect property are private security, external forces in ACLED's coding
    ("Security guards shot dead a trespasser at a mine near Geita on Monday.", "Private Security Forces (Tanzania)", 8),
])
def test_a_general_wording_is_the_side_it_names_in_any_country(sentence: str, actor: str, inter: int) -> None:
    assert _doer(sentence) == (actor, inter)


def test_a_side_said_to_be_suspected_is_still_the_agent() -> None:
    event = one_event("A policeman was shot dead by suspected Taliban militants in Ghazni province on Monday.")
    assert (event["actor1"], event["inter1"]) == ("Taliban", 2)


def test_a_side_named_for_a_manner_is_no_side() -> None:
    # a killing done the way vigilantes do it is no vigilantes': the doer is unknown
    assert _doer("A suspect was shot dead in a vigilante-style killing in Cebu on Monday.")[1] == 3


def test_a_patron_is_not_its_clients_side() -> None:
    # the rebels Turkey backs are rebels, not Turkey's forces
    assert _doer("Turkish-backed rebels shelled a village near Manbij on Monday.")[1] == 2


# --- words whose side depends on the country --------------------------------------------------------

@pytest.mark.parametrize(("sentence", "actor", "inter"), [
    ("Coalition air strikes hit a wedding party in Saada, Yemen, on Monday.", "Operation Restoring Hope", 8),
    ("Coalition air strikes hit Islamic State positions in Mosul, Iraq, on Monday.", "US-led Coalition", 8),
])
def test_the_coalition_is_the_one_at_war_in_the_reports_country(sentence: str, actor: str, inter: int) -> None:
    assert _doer(sentence) == (actor, inter)


def test_militias_unnamed_are_communal_in_africa_and_political_in_the_middle_east() -> None:
    assert _doer("Militias attacked a village near Makurdi, Benue State, on Monday.")[1] == 4
    assert _doer("Militias attacked a village near Tal Afar, Nineveh province, on Monday.")[1] == 3


def test_peacekeepers_are_the_mission_of_the_reports_country() -> None:
    event = one_event("Gunmen attacked UN peacekeepers near Bunia, Ituri province, on Monday.")
    assert event["actor2"].startswith("MONUSCO") and event["inter2"] == 8


# --- the lexicon checks the new fields ----------------------------------------------------------------



@pytest.mark.parametrize(("old", "new", "message"), [
    ("    country: UA\n", "    country: Ukraine\n", "country: 'Ukraine' is not an ISO 3166 alpha-2 code"),
    ("    countries: [YE]\n", "    countries: [Yemen]\n", "countries: 'Yemen' is not an ISO 3166 alpha-2 code"),
    # a word's side in some countries keeps its type there
    ("  - name: Operation Restoring Hope\n    # \"the coalition\" of reports on Yemen is the Saudi-led one\n    inter: 8\n",
     "  - name: Operation Restoring Hope\n    # \"the coalition\" of reports on Yemen is the Saudi-led one\n    inter: 3\n",
     "actor 'Operation Restoring Hope' has inter 8 elsewhere"),
])
def test_a_mistake_in_a_sides_country_is_reported_at_its_line(lexicon_copy: Path, old: str, new: str, message: str) -> None:
    line = replace_once(lexicon_copy / "actors.yaml", old, new)
    with pytest.raises(LexiconError, match=rf"actors\.yaml:\d+: .*{message}"):
        lexicon.load("actors", lexicon_copy)
    assert line > 0


def test_two_sides_for_one_word_in_one_country_are_refused(lexicon_copy: Path) -> None:
    # "sna" names Somalia's army in Somalia; giving it to Syria's National Army there too is a conflict
    replace_once(lexicon_copy / "actors.yaml", "    countries: [SY]\n    patterns:\n      - sna\n",
                  "    countries: [SY, SO]\n    patterns:\n      - sna\n")
    with pytest.raises(LexiconError, match=r"'sna' is already a pattern of entry \d+ of 'actors' in SO"):
        lexicon.load("actors", lexicon_copy)


@pytest.mark.parametrize(("text", "actor1"), [
    ("The New People's Army ambushed soldiers in Samar on Monday.", "NPA: New People's Army"),
    ("Fighters of the Tigray People's Liberation Front attacked a base near Mekelle on Monday.",
     "TPLF: Tigray People's Liberation Front"),
])
def test_a_group_named_with_a_possessive_is_found(text: str, actor1: str) -> None:
    assert one_event(text)["actor1"] == actor1
