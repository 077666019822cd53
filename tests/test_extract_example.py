"""The bundled example report (geomap demo) exercises every extraction path."""

from __future__ import annotations

import pytest

from geomap.extract import extract_document
from geomap.paths import examples_dir

EXAMPLE = examples_dir() / "aleppo-2016-05-03.txt"


@pytest.fixture(scope="module")
def extracted():
    return extract_document(EXAMPLE.read_text(encoding="utf-8"), report_date="2016-05-03", doc_id="example")


def _find(events, **conditions):
    rows = events
    for column, value in conditions.items():
        rows = rows[rows[column].astype(str).str.contains(value, case=False, regex=False)]
    return rows


@pytest.mark.parametrize(
    "conditions",
    [
        {"actor1": "Opposition", "sub_event_type": "Shelling", "location": "Aleppo"},
        {"actor1": "Opposition", "sub_event_type": "Shelling", "location": "Mohafaza", "target": "hospital"},
        {"actor1": "Military Forces of Syria", "sub_event_type": "Shelling"},
        {"sub_event_type": "Air/drone strike", "location": "Raqqa"},
        {"actor1": "Military Forces of Syria", "actor2": "Jaish al-Islam", "location": "Eastern Ghouta"},
        {"actor1": "United Nations", "actor2": "Russia", "location": "Moscow"},
        {"event_type": "Strategic developments", "admin1": "Lattakia"},
    ],
)
def test_each_path_of_the_example_yields_an_event(extracted, conditions):
    events, _ = extracted
    assert len(_find(events, **conditions)), conditions


def test_conflicting_raqqa_tolls_code_the_lowest(extracted):
    events, _ = extracted
    raqqa = _find(events, location="Raqqa").iloc[0]
    assert raqqa.fatalities == 10 and "18" in raqqa.notes


def test_foreign_places_are_where_they_should_be(extracted):
    _, mentions = extracted
    countries = dict(zip(mentions.text, mentions.country))
    assert countries["Moscow"] == "RU" and countries["Geneva"] == "CH" and countries["Mexico City"] == "MX"
    assert mentions.status.isin(["located", "unlocated", "ambiguous"]).all()


def test_every_event_is_in_syria_or_at_a_named_foreign_venue(extracted):
    events, _ = extracted
    assert set(events.iso3) <= {"SYR", "RUS", "CHE", "MEX"}
    assert events.crs.to_epsg() == 4326
