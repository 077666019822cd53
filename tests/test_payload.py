"""The compressed payload: what the browser decodes is exactly the table given, and notes can be cut."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_map import tiny_gazetteer  # noqa: F401  the same autouse fixture: a small offline gazetteer

from geomap.render import build_map, render_html, save_map, synthetic_events
from geomap.render.map import SHORT_NOTE, map_payload, short_note
from geomap.render.payload import pack, payload_from_html, unpack

TEXT_COLUMNS = ("event_id", "location", "admin1", "notes", "doc_id", "reason", "source")


def varied_table(n: int = 400) -> pd.DataFrame:
    """Synthetic events plus the awkward values real tables hold: repeats, blanks, scripts, markup, unknowns."""
    events = synthetic_events(n, seed=21)
    events["admin1"] = np.where(np.arange(n) % 3 == 0, "Aleppo", "حلب")
    events["source"] = ["SOHR; local sources" if i % 2 else "" for i in range(n)]
    awkward = ["", "</script><b>bold</b> & \u2028 line", "Shelling 🚀 near الرقة", "{{ 7 * 7 }} \"quoted\" 'single'",
               "a\nnew line\tand tab", "x" * 5000]
    for k, text in enumerate(awkward):
        events.loc[k, "notes"] = text
    events.loc[10:40, "notes"] = "The same note, repeated across thirty-one rows."
    events["fatalities"] = events["fatalities"].astype(object)
    events.loc[[3, 7], "fatalities"] = None
    events["wounded"] = [None if i % 5 else i for i in range(n)]
    events.loc[[4, 9], "event_date"] = None
    events.loc[[5, 11], "actor2"] = None
    events["time_precision"] = [None if i % 7 == 0 else 1 + i % 3 for i in range(n)]
    return events


def expected_rows(events: pd.DataFrame) -> list[dict]:
    """What each event should read back as in the browser (missing text is "", unknown numbers null)."""

    def number(value: object) -> int | None:
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)

    rows = []
    for _, row in events.iterrows():
        rows.append({
            "lat": round(float(row["latitude"]), 5), "lon": round(float(row["longitude"]), 5),
            "actor": row["actor1"], "actor2": "" if pd.isna(row["actor2"]) else row["actor2"],
            "type": row["event_type"], "sub": row["sub_event_type"], "tprec": number(row["time_precision"]),
            "date": None if pd.isna(row["event_date"]) else row["event_date"],
            "fat": number(row["fatalities"]), "wounded": number(row["wounded"]),
            "precision": number(row["geo_precision"]),
            **{name: "" if pd.isna(row.get(name)) else str(row[name]).strip() for name in TEXT_COLUMNS},
        })
    return rows


_DECODED = """() => {
  const app = window.geomap.instances[0], d = app.model.data, rows = [];
  const iso = day => day === null ? null : new Date(day * 86400000).toISOString().slice(0, 10);
  for (let i = 0; i < app.model.n; i++) {
    const sub = d.subs[d.sub[i]], row = {
      lat: Math.round(d.lat[i] * 1e5) / 1e5, lon: Math.round(d.lon[i] * 1e5) / 1e5,
      actor: d.actors[d.actor[i]].name, actor2: d.actor2[i] < 0 ? '' : d.actors[d.actor2[i]].name,
      type: d.types[sub.type].name, sub: sub.name, tprec: d.tprec[i],
      date: iso(d.day[i]), fat: d.fat[i], wounded: d.wounded[i], precision: d.precision[i]};
    for (const name of TEXT) { row[name] = app.model.text(name, i); }
    rows.push(row);
  }
  return rows;
}"""


@pytest.mark.browser
def test_browser_decodes_exactly_the_input_table(browser, tmp_path: Path) -> None:
    events = varied_table()
    path = save_map(build_map(events), tmp_path / "round-trip.html")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(path.as_uri())
    page.wait_for_function("window.__geomapReady === true", timeout=30000)
    decoded = page.evaluate(_DECODED.replace("TEXT", json.dumps(list(TEXT_COLUMNS))))
    page.close()
    assert not errors
    assert len(decoded) == len(events)
    for i, (got, want) in enumerate(zip(decoded, expected_rows(events))):
        assert got == want, f"row {i}"


def report_with_mentions() -> tuple[pd.DataFrame, pd.DataFrame]:
    """One event whose notes are two sentences, its place mentioned in each, and the mentions table."""
    text = "Shelling hit Douma on Monday. Douma was shelled again at night, residents said."
    first = text.index("Douma")
    second = text.index("Douma", first + 1)
    events = pd.DataFrame({
        "doc_id": ["r1"], "latitude": [33.57], "longitude": [36.4], "char_start": [0], "char_end": [len(text)],
        "notes": [text], "place_id": ["P-DOUMA"], "location": ["Douma"],
    })
    mentions = pd.DataFrame({
        "doc_id": ["r1", "r1"], "text": ["Douma", "Douma"], "char_start": [first, second],
        "char_end": [first + 5, second + 5], "status": ["located", "located"], "place_id": ["P-DOUMA", "P-DOUMA"],
    })
    return events, mentions


@pytest.mark.parametrize("notes", ["full", "short", "none"])
def test_mention_marks_travel_with_the_notes_and_follow_the_notes_option(notes: str) -> None:
    events, mentions = report_with_mentions()
    payload = payload_from_html(render_html(build_map(events, notes=notes, mentions=mentions)))
    if notes == "none":
        assert payload["marks"] is None  # no notes, nothing to mark
        return
    note = text_of(payload, "notes")[0]
    marks = payload["marks"][0]
    marked = [note[a:b] for a, b in zip(marks[::2], marks[1::2])]
    # every mark lies inside the note the map carries: both mentions in full, the first one in the short note
    assert marked == (["Douma", "Douma"] if notes == "full" else ["Douma"])
    assert all(b <= len(note) for b in marks[1::2])
    assert "marks" not in json.loads(json.dumps(pack(map_payload(events, mentions=mentions)))), "packed with the texts"


def text_of(payload: dict, column: str) -> list[str]:
    col = payload["text"][column]
    if "codes" not in col:
        return col["values"]
    return [(col["values"] if "values" in col else payload["strings"])[k] for k in col["codes"]]


def test_pack_round_trips_and_is_deterministic() -> None:
    payload = map_payload(varied_table(100))
    packed = pack(payload)
    assert set(packed["packed"]) == {"core", "text"}
    assert "lat" not in packed and "text" not in packed and "boundaries" not in packed["basemap"]
    assert "lat" in payload, "the caller's payload is left as it was"
    assert unpack(json.loads(json.dumps(packed))) == json.loads(json.dumps(payload))
    assert json.dumps(pack(payload)) == json.dumps(packed)


def test_each_distinct_note_is_stored_once() -> None:
    events = synthetic_events(300, seed=2)
    events.loc[:99, "notes"] = "One long note told a hundred times. " * 10
    text = map_payload(events)["text"]["notes"]
    assert text["values"].count(events.loc[0, "notes"].strip()) == 1
    assert len(text["codes"]) == 300


def test_the_html_of_100k_realistic_events_stays_under_15_mb(tmp_path: Path) -> None:
    # Scaled down for speed: the page's fixed part (Leaflet, geomap's code, the basemap) plus ten
    # times what 10,000 events add must stay under 15 MB (bench/bench_map.py builds the real one).
    events = synthetic_events(10_000, seed=1)
    assert events["notes"].str.len().mean() > 330
    fixed = save_map(build_map(events.head(1)), tmp_path / "one.html").stat().st_size
    size = save_map(build_map(events), tmp_path / "big.html").stat().st_size
    assert fixed + 10 * (size - fixed) < 15_000_000


@pytest.mark.parametrize("notes", ["full", "short", "none"])
def test_notes_option_keeps_cuts_or_drops_the_notes(notes: str) -> None:
    events = synthetic_events(50, seed=4)
    payload = payload_from_html(render_html(build_map(events, notes=notes)))
    column = payload["text"].get("notes")
    if notes == "none":
        assert column is None
        return
    got = column["values"] if "codes" not in column else [column["values"][k] for k in column["codes"]]
    if notes == "full":
        assert got == events["notes"].tolist()
    else:
        assert all(len(s) <= SHORT_NOTE + 2 for s in got)
        assert all(full.startswith(s.rstrip(" …")) for s, full in zip(got, events["notes"]))


def test_smaller_notes_give_smaller_files() -> None:
    events = synthetic_events(2000, seed=6)
    sizes = [len(render_html(build_map(events, notes=n))) for n in ("full", "short", "none")]
    # what the notes add to the page: short ones less than two thirds of full ones
    assert sizes[0] - sizes[2] > 1.5 * (sizes[1] - sizes[2]) and sizes[1] > sizes[2]


def test_short_note_is_the_first_sentence_cut_at_a_word() -> None:
    assert short_note("Clashes near Aleppo. Two killed.") == "Clashes near Aleppo. …"
    assert short_note("Only one sentence.") == "Only one sentence."
    long = "word " * 100
    cut = short_note(long)
    assert len(cut) <= SHORT_NOTE and cut.endswith("word…")
    assert short_note("On 3 May 2016, shelling hit Douma. 4 killed.") == "On 3 May 2016, shelling hit Douma. …"


def test_unknown_notes_option_is_refused() -> None:
    from geomap.errors import GeomapError

    with pytest.raises(GeomapError, match="notes"):
        build_map(synthetic_events(3), notes="some")


def test_cli_notes_option(tmp_path: Path) -> None:
    from geomap.cli import main

    table = tmp_path / "events.csv"
    events = synthetic_events(20, seed=3)
    events.to_csv(table, index=False)
    short, none = tmp_path / "short.html", tmp_path / "none.html"
    assert main(["map", str(table), "-o", str(short), "--notes", "short"]) in (0, 1)
    assert main(["map", str(table), "-o", str(none), "--notes", "none"]) in (0, 1)
    notes = payload_from_html(short.read_text(encoding="utf-8"))["text"]["notes"]["values"]
    assert all(note.endswith(("…", ".")) and len(note) <= SHORT_NOTE + 2 for note in notes)
    assert "notes" not in payload_from_html(none.read_text(encoding="utf-8"))["text"]
