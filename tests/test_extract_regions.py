"""Regions named the way news style writes them: "the Euphrates valley", "the Ghab plain"."""

from __future__ import annotations

import pytest

from geomap.extract import extract_events, extract_mentions


def located(text: str) -> list[tuple[str, str]]:
    found = extract_mentions(text)
    return [(row.text, row.place_id) for row in found.itertuples() if row.status == "located"]


@pytest.mark.parametrize(
    ("sentence", "name", "place_id"),
    [
        ("Fighting raged in the Euphrates valley on Monday.", "Euphrates valley", "CUR-euphrates-valley"),
        ("Jets struck villages in the Ghab plain.", "Ghab plain", "CUR-ghab-plain"),
        ("Shells fell on the Ghab Plain.", "Ghab Plain", "CUR-ghab-plain"),
        ("Troops moved through the Golan heights.", "Golan heights", "CUR-golan-heights"),
    ],
)
def test_region_name_may_end_with_a_lowercase_landform_word(sentence: str, name: str, place_id: str) -> None:
    assert (name, place_id) in located(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "They fled to the valley before dawn.",  # an ordinary noun
        "The valley was quiet on Monday.",  # capitalised only because it opens the sentence
    ],
)
def test_a_landform_word_alone_is_no_place(sentence: str) -> None:
    assert located(sentence) == []


def test_event_in_a_region_is_placed_at_the_region() -> None:
    found = extract_events("Islamic State fighters clashed with government forces in the Euphrates valley on Monday.",
                           report_date="2018-01-10", doc_id="t")
    assert list(found["location"]) == ["Euphrates valley"]
    assert list(found["admin1"]) == ["Deir-ez-Zor"]


def test_translated_qualifier_is_found_in_running_text() -> None:
    # OCHA lists the village as "Big Orm"; news write its Arabic name, Urum al-Kubra
    assert ("Urum al-Kubra", "C1029") in located("Rebels shelled Urum al-Kubra west of Aleppo.")


def test_a_quarter_news_name_by_its_short_name() -> None:
    # OCHA's "Karm Al-Qaterji" is "Qaterji" in wire copy
    assert ("Qaterji", "N0177") in located("Air strikes hit the Qaterji neighbourhood of Aleppo.")
