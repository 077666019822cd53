"""A place the text locates from another one ("X, west of Aleppo", "X Farms in Aleppo").

A village named this way lies near the place it is located from; a namesake
hundreds of kilometres away is another village, and is refused (listed, not
located) rather than guessed. The link also tells which of several namesakes
is meant, and holds for every mention of the name in the document.
"""

from __future__ import annotations

import pytest

from geomap import extract_events, extract_mentions
from geomap.gazetteer import Gazetteer, Query, ResolveContext


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _mention(text: str, written: str):
    mentions = extract_mentions(text)
    rows = mentions[mentions["text"] == written]
    assert len(rows), f"{written!r} is not listed among {list(mentions['text'])}"
    return rows.iloc[0]


def test_a_village_north_of_aleppo_is_not_its_namesake_in_raqqa() -> None:
    # The gazetteer's only Maleh lies in Ar-Raqqa, 170 km from Aleppo.
    row = _mention("Regime troops have been battling rebels around al-Maleh, north of Aleppo, since Wednesday.",
                   "al-Maleh")
    assert row["status"] != "located"
    assert "Aleppo" in row["reason"] and "not guessing" in row["reason"]


def test_the_event_goes_near_the_anchor_instead_of_the_far_namesake() -> None:
    events = extract_events("Government forces shelled al-Maleh, north of Aleppo, on Monday.",
                            report_date="2016-07-02")
    assert len(events) == 1
    assert events.iloc[0]["admin1"] == "Aleppo"


def test_a_stated_distance_widens_the_reach() -> None:
    row = _mention("Warplanes struck al-Maleh, some 180 km east of Aleppo.", "al-Maleh")
    assert row["status"] == "located" and row["admin1"] == "Ar-Raqqa"


@pytest.mark.parametrize("text, written, admin1", [
    # a city may be located from a distant one
    ("The ancient city of Palmyra, northeast of Damascus, was retaken.", "Palmyra", "Homs"),
    # a town in the anchor's own governorate, however far from the city
    ("Troops entered Qaryatain, southeast of Homs, on Sunday.", "Qaryatain", "Homs"),
    ("Rebels shelled Atareb, west of Aleppo, on Monday.", "Atareb", "Aleppo"),
])
def test_places_within_reach_of_their_anchor_stay_located(text: str, written: str, admin1: str) -> None:
    row = _mention(text, written)
    assert row["status"] == "located" and row["admin1"] == admin1


def test_the_link_holds_for_every_mention_of_the_name() -> None:
    mentions = extract_mentions("Clashes raged around al-Maleh north of Aleppo. "
                                "By Friday government forces had shelled al-Maleh again.")
    maleh = mentions[mentions["text"] == "al-Maleh"]
    assert len(maleh) == 2
    assert (maleh["status"] != "located").all()


def test_a_site_word_between_the_name_and_its_city() -> None:
    # "Mallah" shares a key with Milh in As-Sweida, 350 km from Aleppo
    row = _mention("Over 100 militants were killed in an attack on Mallah Farms in Aleppo.", "Mallah")
    assert row["status"] != "located"
    assert "Aleppo" in row["reason"]


def test_a_province_holding_the_name_picks_the_namesake_inside_it() -> None:
    # Hader/Hadar: a village in Quneitra and a town in Aleppo
    row = _mention("An Israeli drone hit a car at the entrance of Hader in Quneitra province.", "Hader")
    assert row["status"] == "located" and row["admin1"] == "Quneitra"


def test_in_a_province_the_town_wins_over_the_district_of_its_name() -> None:
    row = _mention("Airstrikes hit the town of Armanaz in Idlib province overnight.", "Armanaz")
    assert row["kind"] == "town" and row["admin1"] == "Idleb"


def test_a_neighbourhood_of_another_city_is_not_taken_for_the_one_named() -> None:
    # Aleppo has a Kallaseh quarter; the text puts this one in Damascus
    row = _mention("A bomb hit a bus in the neighborhood of al-Kallaseh in Damascus.", "al-Kallaseh")
    assert row["status"] != "located"
    events = extract_events("A bomb hit a bus in the neighborhood of al-Kallaseh in Damascus on Sunday.",
                            report_date="2016-05-03")
    assert set(events["admin1"]) == {"Damascus"}


def test_a_name_the_text_places_is_listed_even_when_no_candidate_fits() -> None:
    mentions = extract_mentions("Fighters seized the area between Atherya near Hama and the desert.")
    atherya = mentions[mentions["text"] == "Atherya"]
    assert len(atherya) == 1 and atherya.iloc[0]["status"] != "located"


def test_a_person_placed_in_a_city_is_not_listed_as_a_place() -> None:
    mentions = extract_mentions("Additional reporting by Erika Solomon in Beirut.")
    assert "Solomon" not in set(mentions["text"])


def test_resolve_refuses_a_far_namesake_of_an_anchored_village(gazetteer: Gazetteer) -> None:
    res = gazetteer.resolve("Maleh", ResolveContext(country="SY", anchor="Aleppo"))
    assert res.place is None and "Aleppo" in res.reason
    assert gazetteer.resolve("Maleh", ResolveContext(country="SY", anchor="Aleppo", anchor_km=180)).place is not None
    assert gazetteer.resolve("Maleh", ResolveContext(country="SY", anchor="Raqqa")).place is not None


def test_resolve_many_takes_anchors(gazetteer: Gazetteer) -> None:
    res = gazetteer.resolve_many([Query("Maleh", anchor="Aleppo"), Query("Aleppo")], country="SY")
    assert res[0].place is None and res[1].place is not None


@pytest.mark.parametrize("text, written", [
    ("IS fighters seized the Shaar oilfield east of Homs on Thursday.", "Shaar"),
    ("Rebels attacked the Mallah Farms north of Aleppo on Monday.", "Mallah"),
])
def test_a_site_named_after_a_place_is_located_from_the_place_after_it(text: str, written: str) -> None:
    # "Shaar" alone is a neighbourhood of Aleppo, 150 km from Homs; the only "Mallah" the
    # gazetteer has (Milh) is in As-Sweida: neither is the site the text locates
    row = _mention(text, written)
    assert row["status"] == "ambiguous" and "not guessing" in row["reason"]
