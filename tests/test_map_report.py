"""What the map's payload carries for a report reader: every actor on either
side, actors that stay apart under colour-vision deficiency, the offsets of
each event's own place mention, and the time precision of its date."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from geomap.render import synthetic_events
from geomap.render.map import ACTOR_STYLES, PALETTE, actor_look, map_payload

coloraide = pytest.importorskip("coloraide")

MIN_DELTA_E = 12.0  # CIEDE2000 between two actors drawn in the same style, in every vision below
VISIONS = (None, "deutan", "protan")  # normal vision, deuteranopia, protanopia (Machado et al. 2009, severity 1)


@pytest.fixture(autouse=True)
def tiny_gazetteer(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_map import write_tiny_gazetteer

    monkeypatch.setenv("GEOMAP_GAZETTEER", str(write_tiny_gazetteer(tmp_path_factory.mktemp("gazetteer"))))


def seen_as(colour: str, vision: str | None):
    """The colour as a reader with ``vision`` sees it, in CIE Lab."""
    c = coloraide.Color(colour)
    if vision is not None:
        c = c.filter(vision, method="machado").convert("srgb").clip()
    return c.convert("lab-d65")


def delta_e(a: str, b: str, vision: str | None) -> float:
    return seen_as(a, vision).delta_e(seen_as(b, vision), method="2000")


def test_the_simulation_tells_what_a_dichromat_confuses() -> None:
    # A red and a green far apart in normal vision come close for the deuteranope and the protanope,
    # so a check that passes under the simulation is not passing by accident.
    red, green = "#D62728", "#2CA02C"
    assert delta_e(red, green, None) > 50
    assert delta_e(red, green, "deutan") < 25 and delta_e(red, green, "protan") < 25


def test_thirty_actors_are_told_apart_in_every_vision() -> None:
    names = [f"Armed group {k:02d}" for k in range(30)]
    events = pd.DataFrame({
        "actor1": [name for k, name in enumerate(names) for _ in range(40 - k)],  # each a different frequency
        "latitude": 35.0, "longitude": 38.0,
    })
    actors = map_payload(events)["actors"]
    assert [a["name"] for a in actors] == names
    looks = {(a["color"], a["style"]) for a in actors}
    assert len(looks) == 30
    close = []
    for a, b in itertools.combinations(actors, 2):
        if a["style"] != b["style"]:
            continue  # the second channel tells them apart
        worst = min(delta_e(a["color"], b["color"], v) for v in VISIONS)
        if worst < MIN_DELTA_E:
            close.append((a["name"], b["name"], round(worst, 1)))
    assert close == []


def test_the_palette_and_styles_give_the_capacity_the_map_claims() -> None:
    assert len(PALETTE) * len(ACTOR_STYLES) >= 30
    for a, b in itertools.combinations(PALETTE, 2):
        assert min(delta_e(a, b, v) for v in VISIONS) >= MIN_DELTA_E, (a, b)
    # beyond the capacity, actors share a grey rather than a look of another actor
    beyond = actor_look(len(PALETTE) * len(ACTOR_STYLES))
    assert beyond[0] not in PALETTE


def test_an_actor_named_only_as_the_other_party_has_an_entry() -> None:
    events = synthetic_events(6, seed=1)
    events["actor1"] = ["Army"] * 4 + ["Rebels"] * 2
    events["actor2"] = ["Rebels", "Jaish al-Islam", None, "", "Army", "Rebels"]
    payload = map_payload(events)
    entries = {a["name"]: a for a in payload["actors"]}
    assert list(entries) == ["Army", "Rebels", "Jaish al-Islam"]  # doers first, then the other party only
    assert (entries["Jaish al-Islam"]["count"], entries["Jaish al-Islam"]["either"]) == (0, 1)
    assert (entries["Rebels"]["count"], entries["Rebels"]["either"]) == (2, 3)  # "Rebels vs Rebels" counts once
    names = [a["name"] for a in payload["actors"]]
    assert [names[k] if k >= 0 else None for k in payload["actor2"]] == \
        ["Rebels", "Jaish al-Islam", None, None, "Army", "Rebels"]


def test_marks_point_at_the_mentions_own_characters() -> None:
    text = ("Shelling  hit al-Muhafaza\nearly on Tuesday; later al-Muhafaza was hit again near Aleppo.  "
            "A second sentence names al-Muhafaza too.")
    sentence_end = text.index("Aleppo.") + len("Aleppo.")
    second = text.index("al-Muhafaza", 20)
    events = pd.DataFrame({
        "doc_id": ["d1", "d1"], "latitude": [36.21, 36.2], "longitude": [37.13, 37.16],
        "char_start": [0, 0], "char_end": [sentence_end, sentence_end],
        "notes": [" ".join(text[:sentence_end].split())] * 2,
        "place_id": ["N0151", "P-ALEPPO"], "location": ["Al-Mohafaza", "Aleppo"],
    })
    mentions = pd.DataFrame({
        "doc_id": ["d1", "d1", "d1", "d2"], "text": ["al-Muhafaza", "Aleppo", "al-Muhafaza", "al-Muhafaza"],
        "char_start": [second, text.index("Aleppo"), text.rindex("al-Muhafaza"), second],
        "char_end": [second + 11, text.index("Aleppo") + 6, text.rindex("al-Muhafaza") + 11, second + 11],
        "status": ["located"] * 4, "place_id": ["N0151", "P-ALEPPO", "N0151", "N0151"],
    })
    marks = map_payload(events, mentions=mentions)["marks"]
    notes = events["notes"][0]
    # the second "al-Muhafaza" of the sentence (the mention's own), not the first occurrence of the name;
    # the mention in the next sentence is outside the event's span; another document's does not count
    assert [notes[s:e] for s, e in zip(marks[0][::2], marks[0][1::2])] == ["al-Muhafaza"]
    assert marks[0][0] == notes.index("al-Muhafaza", 20)
    assert [notes[s:e] for s, e in zip(marks[1][::2], marks[1][1::2])] == ["Aleppo"]
    assert map_payload(events)["marks"] is None  # without the mentions: nothing claimed


def test_marks_from_an_extracted_report_follow_the_reports_spelling() -> None:
    pytest.importorskip("geomap.extract")
    from geomap.paths import gazetteer_dir

    mp = pytest.MonkeyPatch()
    mp.delenv("GEOMAP_GAZETTEER")
    try:
        if not (gazetteer_dir() / "places.tsv").is_file():
            pytest.skip("the bundled gazetteer is not built")
        from geomap.extract import extract_document

        text = "Rebel shells hit the al-Muhafaza district of Aleppo on Tuesday, killing four people."
        events, mentions = extract_document(text, report_date="2016-05-03", doc_id="r1")
    finally:
        mp.undo()
    payload = map_payload(events, mentions=mentions)
    row = list(events["location"]).index("Al-Mohafaza")
    marks, notes = payload["marks"][row], events["notes"].iloc[row]
    assert [notes[s:e] for s, e in zip(marks[::2], marks[1::2])] == ["al-Muhafaza"]


def test_time_precision_reaches_the_payload() -> None:
    events = synthetic_events(3)
    events["time_precision"] = [1, 2, 3]
    assert map_payload(events)["tprec"] == [1, 2, 3]
    assert map_payload(synthetic_events(3))["tprec"] is None
