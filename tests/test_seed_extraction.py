"""Acceptance: the seed report, coded as the gold file says an analyst would.

The report and the gold file are read from ../shared at test time; nothing
about them is written into the package.  The matching rules are the gold
file's own (see its header comments).
"""

from __future__ import annotations

import math
import re

import pytest
import yaml
from conftest import SEEDS, requires_shared

pytestmark = [requires_shared, pytest.mark.shared]

SEED = "aleppo-2016-05-03"
# The gold file's actor rules, keyed by the first word of its actor1 description.
ACTOR_RULES = {
    "Opposition": r"opposition|rebel|insurgent|armed group",
    "Syrian": r"government|regime|military forces of syria|syrian (arab )?army",
    "Unidentified": r"unidentified|unknown|russia|coalition",
    "United": r"united nations|UN|mistura|russia",
}


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def gold() -> dict:
    raw = (SEEDS / f"{SEED}.gold.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    # alternatives the gold file names in the comment of a sub_event_type line
    alternatives: dict[str, list[str]] = {}
    current = None
    for line in raw.splitlines():
        if m := re.match(r"\s*- id: (\S+)", line):
            current = m.group(1)
        if current and "sub_event_type:" in line and "#" in line:
            alternatives[current] = re.findall(r'"([^"]+)"', line.split("#", 1)[1])
    data["alternatives"] = alternatives
    return data


@pytest.fixture(scope="module")
def extracted(gold):
    from geomap.extract import extract_document

    text = (SEEDS / f"{SEED}.txt").read_text(encoding="utf-8")
    return extract_document(text, report_date=str(gold["report_date"]), doc_id=SEED)


def _matches(event, row, gold, place) -> bool:
    rule = ACTOR_RULES[row["actor1"].split()[0]]
    actors = [str(event.actor1)]
    if row["actor1"].startswith("United"):
        actors.append(str(event.actor2))
    if not any(re.search(rule, a, re.I) for a in actors):
        return False
    if event.sub_event_type not in [row["sub_event_type"], *gold["alternatives"].get(row["id"], [])]:
        return False
    if event.event_date != str(row["date"]) or math.isnan(event.latitude):
        return False
    if _km(event.latitude, event.longitude, place["lat"], place["lon"]) > place["within_km"]:
        return False
    if "fatalities" in row:
        low, high = row["fatalities"]
        return low <= event.fatalities <= high
    return True


def test_every_gold_event_is_matched(gold, extracted):
    events, _mentions = extracted
    places = {p["mention"]: p for p in gold["places"]}
    missing = []
    for row in gold["events"]:
        if not any(_matches(ev, row, gold, places[row["place"]]) for ev in events.itertuples()):
            missing.append(row["id"])
    assert not missing, f"gold events without a matching extracted event: {missing}"


def test_no_event_outside_the_places_the_text_names(extracted):
    events, mentions = extracted
    named = set(mentions.loc[mentions.status == "located", "place_id"])
    assert "United States" not in set(events.country.dropna())
    assert set(events.place_id.dropna()) <= named


def test_every_gold_place_is_located_within_tolerance(gold, extracted):
    _events, mentions = extracted
    located = mentions[mentions.status == "located"]
    for place in gold["places"]:
        rows = located[located.text.str.contains(place["mention"], case=False, regex=False)]
        assert len(rows), f"{place['mention']} not located"
        near = [_km(r.latitude, r.longitude, place["lat"], place["lon"]) <= place["within_km"] for r in rows.itertuples()]
        assert any(near), f"{place['mention']} located too far from the reference point"


def test_every_event_cites_its_sentence(extracted):
    events, _ = extracted
    text = (SEEDS / f"{SEED}.txt").read_text(encoding="utf-8")
    for ev in events.itertuples():
        sentence = " ".join(text[ev.char_start:ev.char_end].split())
        assert ev.notes.startswith(sentence)
        assert 0.0 <= ev.confidence <= 1.0
