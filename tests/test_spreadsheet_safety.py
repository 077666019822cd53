"""CSV outputs never run as spreadsheet formulas, and geomap reads its own CSV back exactly (issue 17, item 14)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geomap.cli import main
from geomap.frames import events_from_records
from geomap.tables import load_events, read_events, write_events
from geomap.textio import FORMULA_STARTS, spreadsheet_safe, spreadsheet_text

HOSTILE_ID = '=HYPERLINK("http://example.org/x","click")'
HOSTILE_SOURCE = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_TEXT = ("-Rebels shelled Aleppo on Tuesday, killing 3 people.\n"
                "+Air strikes hit Idlib on Tuesday, killing 5 people.")


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def assert_no_formula(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows:
        for cell in row:
            assert not cell or cell[0] not in FORMULA_STARTS or is_number(cell), cell
    return rows


@given(st.text(alphabet=st.sampled_from(list("=+-@\t\r'a1. ")), max_size=8) | st.text(max_size=8))
def test_neutralising_is_undone_exactly(text: str) -> None:
    cell = spreadsheet_safe(text)
    assert spreadsheet_text(cell) == text
    assert not cell or cell[0] not in FORMULA_STARTS or is_number(cell)


def test_extract_writes_no_formula_and_map_reads_the_text_back(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": HOSTILE_ID, "date": "2016-05-03", "source": HOSTILE_SOURCE,
                                  "text": HOSTILE_TEXT}) + "\n", encoding="utf-8")
    events, mentions = tmp_path / "events.csv", tmp_path / "mentions.csv"
    assert main(["extract", str(corpus), "-o", str(events), "--mentions", str(mentions)]) == 0
    assert_no_formula(mentions)
    rows = assert_no_formula(events)
    assert len(rows) == 3 and any(cell == "'" + HOSTILE_ID for cell in rows[1])

    # the review loop: read, edit a cell, write, map
    table = read_events(events)
    assert set(table["doc_id"]) == {HOSTILE_ID} and set(table["source"]) == {HOSTILE_SOURCE}
    assert table["notes"].str[0].tolist() == ["-", "+"]
    table.loc[0, "fatalities"] = 4
    write_events(table, events)
    edited = read_events(events)
    pd.testing.assert_frame_equal(pd.DataFrame(edited).drop(columns="geometry"),
                                  pd.DataFrame(table).drop(columns="geometry"))
    assert main(["map", str(events), "-o", str(tmp_path / "m.html")]) == 0
    assert "2 events read, 2 mapped" in capsys.readouterr().err


def test_numbers_stay_numbers_and_text_round_trips(tmp_path: Path) -> None:
    table = events_from_records([
        {"event_id": "-1", "event_date": "2016-05-03", "latitude": -33.86, "longitude": -151.2, "fatalities": 2,
         "notes": "=2+3", "actor1": "'=already quoted", "source": "-", "distance": "-12.5"},
        {"event_id": "+2", "event_date": "2016-05-03", "latitude": 36.2, "longitude": 37.1,
         "notes": "\tindented", "actor1": "@handle", "source": "'plain apostrophe", "distance": "- 12 km"},
    ])
    path = tmp_path / "t.csv"
    write_events(table, path)
    rows = assert_no_formula(path)
    header = rows[0]
    first = dict(zip(header, rows[1]))
    assert (first["latitude"], first["longitude"], first["event_id"], first["distance"]) == \
        ("-33.86", "-151.2", "-1", "-12.5")
    back, report = load_events(path)
    assert report.ok
    columns = ["event_id", "notes", "actor1", "source", "distance", "latitude", "longitude"]
    pd.testing.assert_frame_equal(pd.DataFrame(back)[columns], pd.DataFrame(table)[columns])
    write_events(back, tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == path.read_bytes()
    assert isinstance(back, gpd.GeoDataFrame)
