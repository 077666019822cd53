"""The column-at-a-time checker flags exactly what the row-by-row reference flags.

A large table is generated with faults of every kind planted among good rows
(dates in every format and out of range, unknown and misplaced types, counts
negative, huge, fractional or with thousands separators, coordinates
missing, out of range, swapped, at sea, with decimal commas, actor type
labels, confidence, rows to geocode, repeated ids) and read through both
checkers (``tests/row_checker.py`` is the reference): the tables, the
problems (text and order) and the counts must be identical.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from row_checker import validate_rows

from geomap.tables.raw import (
    check_header,
    frame_table,
    read_csv_table,
    read_geojson_table,
    read_parquet_table,
)
from geomap.tables.validate import validate_raw

COLUMNS = ["event_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "inter1",
           "actor2", "inter2", "country", "iso3", "admin1", "location", "latitude", "longitude", "geo_precision",
           "fatalities", "notes", "source", "wounded", "confidence", "char_start", "char_end", "analyst"]

# Each pool is drawn from with replacement; the first entries are the common, clean values.
DATES = ["2016-05-03", "2017-11-30", "9-May-20", "09-May-2020", "09 May 2020", "May 9, 2020", "5/9/2020", "05/09/20",
         "12/31/2019", "2016-13-45", "31-Foo-20", "2/30/2020", "sometime", "1899-12-31", "2999-01-01",
         "2016-05-03T10:00:00", "2016-05-03 00:00:00", " 2016-05-03 ", "", "   "]
TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
         ("battles", "armed CLASH"), ("Riots", "Armed clash"), ("Picnic", ""), ("Battles", "Carpet bombing"),
         ("", "Peaceful protest"), ("", ""), ("Protests", "Peaceful  protest"), ("Explosions", "Shelling")]
COUNTS = ["0", "3", "12", "", "-2", "100001", "2.5", "1,234", "12.0", "many", "1e400", " 7 ", "+4",
          "99999999999999999999999999999999", "-0", "3.000"]
PRECISIONS = ["1", "2", "3", "", "0", "4", "x", "2.0"]
INTERS = ["1", "2", "", "9", "-1", "Rebel group", "rebel GROUP", "State forces", "a militia", "3.0"]
CONFIDENCE = ["0.85", "1", "0", "", "1.5", "-0.1", "x", "0,5", "nan", ".5"]
COUNTRIES = ["Syria", "Syria", "syria", "Turkey", "Iraq", "Narnia", ""]
LOCATIONS = ["Aleppo", "Idlib governorate", "Atlantis", "", "  Aleppo  "]
# (latitude, longitude) as written
POINTS = [("36.2021", "37.1343"), ("33.5102", "36.2913"), ("35.1318", "36.7578"),
          ("37.1343", "36.2021"),  # Aleppo, swapped: in Turkey
          ("36.29", "33.51"),  # Damascus, swapped
          ("35.98927", "35.445"),  # at sea off Latakia: not a swap
          ("35.53", "35.79"),  # Latakia: lat close to lon
          ("", ""), ("", ""), ("36.2", ""), ("", "37.1"), ("abc", "37.1"), ("36.2", "inf"), ("nan", "37.1"),
          ("95", "37.1"), ("136.2", "37.16"), ("36.2", "-181"), ("36,2", "37,16"), (" 36.2 ", "37.1"),
          ("3.62e1", "37.1"), ("-33.9", "151.2"), ("0", "0"), ("1e999", "2")]
ANALYSTS = ["K.", "", "=1+1", "  "]


def planted_rows(n: int, seed: int = 0) -> list[list[str]]:
    """``n`` rows of text cells, most clean, faults of every kind planted among them."""
    rng = np.random.default_rng(seed)

    def pick(pool: list[Any], size: int, clean: int = 2, p_clean: float = 0.85) -> list[Any]:
        good = rng.integers(0, clean, size)
        bad = rng.integers(0, len(pool), size)
        return [pool[g] if c else pool[b] for g, b, c in zip(good, bad, rng.random(size) < p_clean)]

    dates, types, fatal = pick(DATES, n), pick(TYPES, n), pick(COUNTS, n, clean=3)
    wounded, tp, gp = pick(COUNTS, n, clean=3), pick(PRECISIONS, n, clean=3), pick(PRECISIONS, n, clean=3)
    inter1, inter2, conf = pick(INTERS, n), pick(INTERS, n), pick(CONFIDENCE, n)
    countries, locations = pick(COUNTRIES, n), pick(LOCATIONS, n)
    points, analysts = pick(POINTS, n, clean=3, p_clean=0.7), pick(ANALYSTS, n, p_clean=0.95)
    starts = rng.integers(-3, 5000, n)
    ids = [f"E{i}" if rng.random() > 0.01 else f"E{int(rng.integers(0, i + 1))}" for i in range(n)]
    rows = []
    for i in range(n):
        lat, lon = points[i]
        note = f"note {i}, with a comma" if i % 7 else f"note {i}\nover two lines \"quoted\""
        rows.append([ids[i], dates[i], tp[i], types[i][0], types[i][1], f"Actor {i % 13}", inter1[i],
                     "" if i % 3 else "Civilians (Syria)", inter2[i], countries[i], "SYR" if i % 11 == 0 else "",
                     "Aleppo" if i % 5 == 0 else "", locations[i], lat, lon, gp[i], fatal[i], note,
                     "wire" if i % 2 else "", wounded[i], conf[i], str(starts[i]), str(starts[i] + 20), analysts[i]])
    return rows


def csv_text(rows: list[list[str]], *, ragged: bool = False) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i, row in enumerate(rows):
        if ragged and i % 997 == 5:
            row = row[:9]
        elif ragged and i % 991 == 7:
            row = [*row, "surplus"]
        writer.writerow(row)
        if i % 1500 == 3:
            writer.writerow([""] * len(COLUMNS))  # a blank row, skipped and counted
    return out.getvalue()


class FakeGazetteer:
    """Answers a few names (as geomap.gazetteer.Gazetteer.resolve would, places as mappings)."""

    places: ClassVar[dict[str, dict[str, Any]]] = {
        "aleppo": {"place_id": "g1", "name": "Aleppo", "kind": "city", "latitude": 36.2, "longitude": 37.16,
                   "country": "SY", "admin1": "Aleppo"},
        "idlib governorate": {"place_id": "g2", "name": "Idlib", "kind": "admin1", "latitude": 35.8,
                              "longitude": 36.6, "country": "SY", "admin1": "Idlib", "admin2": "Idlib"},
    }

    def resolve(self, name: str, context: Any = None) -> dict | None:
        return self.places.get(name.casefold())


def assert_same(raw_of: Any, *, strict: bool = False) -> None:
    """Both checkers on fresh copies of the same raw table give the same table and report."""
    gazetteer = FakeGazetteer()
    table, report = validate_raw(raw_of(), strict=strict, gazetteer=gazetteer)
    expected, expected_report = validate_rows(raw_of(), strict=strict, gazetteer=gazetteer)
    assert [str(p) for p in report.problems] == [str(p) for p in expected_report.problems]
    counts = ("read", "mapped", "flagged", "rejected", "geocoded", "unlocated", "blank")
    assert [getattr(report, c) for c in counts] == [getattr(expected_report, c) for c in counts]
    pd.testing.assert_frame_equal(pd.DataFrame(table).drop(columns="geometry"),
                                  pd.DataFrame(expected).drop(columns="geometry"))
    assert table.geometry.equals(expected.geometry)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vectorised") / "planted.csv"
    path.write_text(csv_text(planted_rows(100_000)), encoding="utf-8")
    return path


def test_every_planted_fault_is_flagged_as_the_row_checker_flags_it(big_csv: Path) -> None:
    def raw() -> Any:
        table = read_csv_table(big_csv)
        check_header(table)
        return table

    assert_same(raw)
    _, report = validate_raw(raw(), strict=False, gazetteer=FakeGazetteer())
    kinds = " ".join(p.message for p in report.problems)
    for words in ("is not a valid date", "is not in a known format", "before 1900", "in the future",
                  "unknown event_type", "belongs to", "unknown sub_event_type", "is negative", "absurd count",
                  "is not a whole number", "is out of range", "is below 1", "is above 3",
                  "is not an ACLED actor type", "confidence", "is missing", "is not a number",
                  "not a finite number", "swapped?", "look swapped", "unlocated: Atlantis",
                  "no coordinates and no location", "repeats the event at line"):
        assert words in kinds, words


def test_strict_mode_rejects_what_the_row_checker_rejects(tmp_path: Path) -> None:
    path = tmp_path / "strict.csv"
    path.write_text(csv_text(planted_rows(10_000, seed=3)), encoding="utf-8")
    assert_same(lambda: read_csv_table(path), strict=True)


def test_ragged_rows_read_by_the_csv_module_check_the_same(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(csv_text(planted_rows(5_000, seed=1), ragged=True), encoding="utf-8")
    assert_same(lambda: read_csv_table(path))


def test_geojson_and_geoparquet_tables_check_the_same(tmp_path: Path) -> None:
    rows = planted_rows(3_000, seed=2)
    features = []
    for row in rows:
        props: dict[str, Any] = dict(zip(COLUMNS, row))
        lat, lon = props.pop("latitude"), props.pop("longitude")
        props["fatalities"] = int(props["fatalities"]) if props["fatalities"].isdigit() else props["fatalities"]
        props["confidence"] = float(props["confidence"]) if props["confidence"] == "0.85" else props["confidence"]
        try:
            geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        except ValueError:
            geometry, props["latitude"], props["longitude"] = None, lat, lon
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    path = tmp_path / "planted.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    assert_same(lambda: read_geojson_table(path))

    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["fatalities"] = pd.to_numeric(frame["fatalities"], errors="coerce")  # floats with NaN, 2.5 ...
    frame["char_start"] = frame["char_start"].astype("int64")
    frame["latitude"] = pd.to_numeric(frame["latitude"], errors="coerce")
    frame.to_parquet(tmp_path / "plain.parquet")
    assert_same(lambda: read_parquet_table(tmp_path / "plain.parquet"))
    assert_same(lambda: frame_table(frame.astype(object), "<table>"))
