"""The event table: schema, readers and writers, round trips, validation messages."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest

from geomap.dates import parse_date, slash_order_of
from geomap.errors import InputError
from geomap.frames import empty_events, events_from_records
from geomap.schema import EVENT_COLUMNS, FLAGS_COLUMN, acled_event_types
from geomap.tables import (
    load_events,
    read_events,
    read_user_places,
    validate_events,
    write_built_table,
    write_events,
)
from geomap.tables.cells import check_count

HEADER = "event_id,event_date,event_type,sub_event_type,actor1,country,location,latitude,longitude,fatalities,notes"


def write(tmp_path: Path, text: str, name: str = "events.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def problems_of(path: Path, **kwargs: Any) -> list[str]:
    _, report = load_events(path, **kwargs)
    return [str(p) for p in report.problems]


class FakeGazetteer:
    """Stands in for geomap.gazetteer.Gazetteer: resolve() and containing()."""

    places = {
        "aleppo": {"place_id": "g1", "name": "Aleppo", "kind": "city", "latitude": 36.2, "longitude": 37.16,
                   "country": "Syria", "admin1": "Aleppo"},
        "idlib governorate": {"place_id": "g2", "name": "Idlib", "kind": "admin1", "latitude": 35.8,
                              "longitude": 36.6, "country": "Syria", "admin1": "Idlib"},
    }

    def resolve(self, name: str, **_: Any) -> dict | None:
        return self.places.get(name.casefold())


# --- schema -----------------------------------------------------------------------

def test_schema_columns_are_acled_then_provenance() -> None:
    assert EVENT_COLUMNS[:21] == (
        "event_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "inter1",
        "actor2", "inter2", "country", "iso3", "admin1", "admin2", "admin3", "location", "latitude",
        "longitude", "geo_precision", "fatalities", "notes", "source",
    )
    assert EVENT_COLUMNS[21:] == ("wounded", "target", "place_id", "confidence", "reason", "doc_id",
                                  "char_start", "char_end")


def test_acled_taxonomy_has_6_types_and_25_sub_types() -> None:
    types = acled_event_types()
    assert len(types) == 6
    assert sum(len(subs) for subs in types.values()) == 25
    assert "Air/drone strike" in types["Explosions/Remote violence"]


def test_empty_events_has_the_schema() -> None:
    table = empty_events()
    assert isinstance(table, gpd.GeoDataFrame)
    assert list(table.columns) == [*EVENT_COLUMNS, "geometry"]
    assert table.crs.to_epsg() == 4326
    assert str(table["fatalities"].dtype) == "Int64"
    assert str(table["latitude"].dtype) == "float64"


def test_events_from_records_types_values_and_keeps_extras() -> None:
    table = events_from_records([
        {"event_id": "e1", "event_date": dt.date(2016, 12, 1), "latitude": 36.2, "longitude": 37.16,
         "fatalities": 4, "extra_note": "kept"},
        {"event_id": "e2", "location": "Nowhere"},
    ])
    assert list(table.columns) == [*EVENT_COLUMNS, "extra_note", "geometry"]
    assert table.loc[0, "event_date"] == "2016-12-01"
    assert (table.geometry[0].x, table.geometry[0].y) == (37.16, 36.2)
    assert table.geometry[1] is None
    assert pd.isna(table.loc[1, "fatalities"])


# --- dates ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    ["2020-05-09", "9-May-20", "09-May-2020", "09 May 2020", "9 may 2020", "May 9, 2020", "5/9/2020", "05/09/20",
     "9 September 2020".replace("September", "May")],
)
def test_parse_date_acled_formats(text: str) -> None:
    assert parse_date(text) == dt.date(2020, 5, 9)


def test_two_digit_years_pivot_on_today() -> None:
    today = dt.date(2026, 1, 1)
    assert parse_date("1-Jan-27", today=today) == dt.date(2027, 1, 1)
    assert parse_date("1-Jan-28", today=today) == dt.date(1928, 1, 1)


@pytest.mark.parametrize("text", ["", "yesterday", "2020-13-01", "31-Foo-20", "2/30/2020", "13/13/2020"])
def test_parse_date_rejects_with_the_text_quoted(text: str) -> None:
    with pytest.raises(ValueError, match=repr(text).replace("(", r"\(")):
        parse_date(text)


def test_slash_order_is_decided_per_file() -> None:
    assert slash_order_of(["5/9/2020", "12/1/2020"]) == "mdy"
    assert slash_order_of(["5/9/2020", "25/1/2020"]) == "dmy"
    assert slash_order_of(["25/1/2020", "1/25/2020"]) == "mdy"  # contradictory: US order, 25/1 reported
    assert parse_date("5/9/2020", slash_order="dmy") == dt.date(2020, 9, 5)


def test_day_month_file_is_read_day_first(tmp_path: Path) -> None:
    path = write(tmp_path, csv_of("a,25/12/2019,,,,,,36.2,37.1,,", "b,05/01/2020,,,,,,36.2,37.1,,"))
    table = read_events(path)
    assert list(table["event_date"]) == ["2019-12-25", "2020-01-05"]


# --- readers ------------------------------------------------------------------------

def test_reads_our_csv(tmp_path: Path) -> None:
    path = write(tmp_path, csv_of('e1,2016-12-01,Battles,Armed clash,SAA,Syria,Aleppo,36.2,37.16,4,"a, b"'))
    table = read_events(path)
    assert table.attrs["report"].summary() == f"{path}: 1 rows read: 1 clean, 0 flagged, 0 rejected"
    row = table.iloc[0]
    assert (row["event_id"], row["event_type"], row["fatalities"], row["notes"]) == ("e1", "Battles", 4, "a, b")
    assert row["iso3"] == "SYR"  # filled from the country name
    assert (row.geometry.x, row.geometry.y) == (37.16, 36.2)
    assert pd.isna(row[FLAGS_COLUMN])


def test_reads_acled_export_as_downloaded(tmp_path: Path) -> None:
    header = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
              "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
              "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
              "notes,fatalities,tags,timestamp")
    row = ('SYR123,9-May-20,2020,1,Political violence,Explosions/Remote violence,Shelling/artillery/missile attack,'
           'Military Forces of Syria (2000-),,State forces,HTS,,Rebel group,12,,760,Middle East,'
           'Syria,Idleb,Ariha,Ariha,Ariha,35.8128,36.6102,1,SOHR,National,"On 9 May, regime forces shelled Ariha.",'
           '2,,1589000000')
    path = write(tmp_path, csv_of(row, header=header), name="acled.csv")
    table = read_events(path)
    assert table.attrs["report"].ok
    event = table.iloc[0]
    assert event["event_id"] == "SYR123"
    assert event["event_date"] == "2020-05-09"
    assert (event["inter1"], event["inter2"]) == (1, 2)  # labels become ACLED's codes
    assert event["sub_event_type"] == "Shelling/artillery/missile attack"
    # ACLED's own extra columns are kept, after ours, in file order
    assert list(table.columns[len(EVENT_COLUMNS):]) == [
        "year", "disorder_type", "assoc_actor_1", "assoc_actor_2", "interaction", "civilian_targeting", "iso",
        "region", "source_scale", "tags", "timestamp", FLAGS_COLUMN, "geometry"]
    assert event["iso"] == "760"


def test_column_order_and_header_case_do_not_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "Longitude,NOTES, Latitude ,Event_Date\n37.16,x,36.2,2016-12-01\n")
    row = read_events(path).iloc[0]
    assert (row["latitude"], row["longitude"], row["notes"], row["event_date"]) == (36.2, 37.16, "x", "2016-12-01")


def test_lat_lon_aliases(tmp_path: Path) -> None:
    path = write(tmp_path, "name,lat,lng\nsite,36.2,37.16\n")
    table = read_events(path)
    assert (table.loc[0, "latitude"], table.loc[0, "longitude"]) == (36.2, 37.16)
    assert table.loc[0, "name"] == "site"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16", b""), ("cp1252", b"")],
)
def test_encodings(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    notes = "“Shelling” near Ma’arrat al-Nu’man – café" if encoding == "cp1252" else "قصف “Shelling” café"
    path = tmp_path / "events.csv"
    path.write_bytes(prefix + csv_of(f"e1,2016-12-01,,,,,,35.6,36.7,,{notes}").encode(encoding))
    table = read_events(path)
    assert table.loc[0, "notes"] == notes
    assert table.loc[0, "event_id"] == "e1"  # the BOM does not stick to the first header


def test_semicolon_csv_with_decimal_commas(tmp_path: Path) -> None:
    path = write(tmp_path, "event_id;event_date;latitude;longitude;fatalities;notes\n"
                           "e1;09.05.2020;36,2;37,16;1,000;\"a; b\"\n".replace("09.05.2020", "2020-05-09"))
    row = read_events(path).iloc[0]
    assert (row["latitude"], row["longitude"], row["fatalities"], row["notes"]) == (36.2, 37.16, 1000, "a; b")


def test_tab_separated_file(tmp_path: Path) -> None:
    path = write(tmp_path, "event_id\tlatitude\tlongitude\ne1\t36.2\t37.16\n", name="events.tsv")
    assert read_events(path).loc[0, "longitude"] == 37.16


def test_old_mac_line_endings_count_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "event_id,latitude,longitude\re1,36.2,37.16\re2,95,37.16\r")
    assert problems_of(path) == [f"{path}:3: latitude 95.0 is out of range [-90, 90] (are latitude and longitude swapped?)"]


def test_rows_padded_with_empty_cells_are_not_ragged(tmp_path: Path) -> None:
    path = write(tmp_path, "event_id,latitude,longitude\ne1,36.2,37.16,,\n")
    assert problems_of(path) == []


def test_reads_csv_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(csv_of("e1,2016-12-01,,,,,,36.2,37.16,,").encode())))
    table, report = load_events("-")
    assert report.read == 1 and table.loc[0, "event_id"] == "e1"


def test_reads_geojson_features(tmp_path: Path) -> None:
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.16, 36.2]},
         "properties": {"event_id": "e1", "fatalities": 3, "custom": "x"}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {"event_id": "e2"}},
    ]}
    path = write(tmp_path, json.dumps(collection), name="events.geojson")
    table, report = load_events(path)
    assert (table.loc[0, "latitude"], table.loc[0, "longitude"], table.loc[0, "custom"]) == (36.2, 37.16, "x")
    assert [str(p) for p in report.problems] == [
        f"{path}:feature 2: geometry type 'Polygon' is not supported (only Point)",
        f"{path}:feature 2: no coordinates and no location: the event cannot be placed",
    ]


def test_reads_geoparquet_written_by_geopandas(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"event_id": ["e1"], "fatalities": [2]},
                             geometry=gpd.points_from_xy([37.16], [36.2]), crs="EPSG:4326")
    path = tmp_path / "events.parquet"
    frame.to_parquet(path)
    table = read_events(path)
    assert (table.loc[0, "latitude"], table.loc[0, "longitude"], table.loc[0, "fatalities"]) == (36.2, 37.16, 2)


def test_reads_a_single_geojson_feature(tmp_path: Path) -> None:
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.16, 36.2]}, "properties": None}
    table = read_events(write(tmp_path, json.dumps(feature), name="one.geojson"))
    assert (len(table), table.loc[0, "latitude"]) == (1, 36.2)


@pytest.mark.parametrize("text", ["[1, 2]", '{"type": "Polygon"}', "{not json"])
def test_not_geojson_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(InputError, match=r"not a GeoJSON FeatureCollection|invalid JSON"):
        read_events(write(tmp_path, text, name="x.geojson"))


def test_geojson_in_another_crs_is_refused(tmp_path: Path) -> None:
    collection = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
                  "features": []}
    with pytest.raises(InputError, match="GeoJSON crs 'EPSG:3857' is not supported"):
        read_events(write(tmp_path, json.dumps(collection), name="events.geojson"))
    collection["crs"]["properties"]["name"] = "urn:ogc:def:crs:OGC:1.3:CRS84"
    assert len(read_events(write(tmp_path, json.dumps(collection), name="ok.geojson"))) == 0


def test_geoparquet_in_a_projected_crs_is_reprojected(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"event_id": ["e1"]}, geometry=gpd.points_from_xy([37.16], [36.2]), crs="EPSG:4326")
    path = tmp_path / "events.parquet"
    frame.to_crs("EPSG:3857").to_parquet(path)
    table = read_events(path)
    assert table.loc[0, "latitude"] == pytest.approx(36.2) and table.loc[0, "longitude"] == pytest.approx(37.16)


def test_report_is_shared_not_copied_by_pandas(tmp_path: Path) -> None:
    path = write(tmp_path, csv_of("a,2016-12-01,,,,,,36.2,37.16,-1,"))
    table = read_events(path)
    assert table[table["latitude"] > 0].attrs["report"] is table.attrs["report"]


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown table format"):
        read_events(write(tmp_path, "x", name="events.xlsx"))


# --- round trips ----------------------------------------------------------------------

TRICKY_NOTES = 'Line one, "quoted"\nline two <script>alert("x")</script> & ‘Ḥalab’ حلب'


def tricky_table() -> gpd.GeoDataFrame:
    return events_from_records([
        {"event_id": "e1", "event_date": "2016-12-01", "time_precision": 1, "event_type": "Battles",
         "sub_event_type": "Armed clash", "actor1": "Military Forces of Syria (2000-)", "inter1": 1,
         "country": "Syria", "iso3": "SYR", "admin1": "Aleppo", "location": "Aleppo - Al-Mohafaza",
         "latitude": 36.2021, "longitude": 37.1343, "geo_precision": 1, "fatalities": 12, "notes": TRICKY_NOTES,
         "wounded": 0, "place_id": "N0151", "confidence": 0.85, "reason": "nearest mention; same sentence",
         "doc_id": "report", "char_start": 10, "char_end": 42, "analyst": "K."},
        {"event_id": "e2", "event_date": "2017-01-02", "event_type": "Explosions/Remote violence",
         "sub_event_type": "Air/drone strike", "latitude": -33.123456789012, "longitude": 151.987654321098,
         "notes": "", "actor1": "  leading spaces"},
        {"event_id": "e3", "latitude": 0.0, "longitude": 0.0, "notes": "=1+1"},
    ])


def frame_of(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(table.drop(columns=["geometry", FLAGS_COLUMN], errors="ignore")).reset_index(drop=True)


def test_round_trip_csv_parquet_geojson_csv_loses_nothing(tmp_path: Path) -> None:
    original = tricky_table()
    write_events(original, tmp_path / "a.csv")
    from_csv = read_events(tmp_path / "a.csv")
    write_events(from_csv, tmp_path / "b.parquet")
    from_parquet = read_events(tmp_path / "b.parquet")
    write_events(from_parquet, tmp_path / "c.geojson")
    from_geojson = read_events(tmp_path / "c.geojson")
    write_events(from_geojson, tmp_path / "d.csv")
    final = read_events(tmp_path / "d.csv")
    for table in (from_csv, from_parquet, from_geojson, final):
        pd.testing.assert_frame_equal(frame_of(table), frame_of(original))
        assert table.geometry.reset_index(drop=True).geom_equals(original.geometry).all()
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "d.csv").read_bytes()


def test_a_built_table_is_written_as_write_events_writes_it(tmp_path: Path) -> None:
    # the corpus parts skip the conforming step: what they hold must not change for it
    table = tricky_table()
    write_events(table, tmp_path / "conformed.parquet")
    write_built_table(table, tmp_path / "built.parquet")
    write_built_table(pd.DataFrame(table), tmp_path / "from-frame.parquet")
    conformed = (tmp_path / "conformed.parquet").read_bytes()
    assert (tmp_path / "built.parquet").read_bytes() == conformed == (tmp_path / "from-frame.parquet").read_bytes()


def test_records_of_any_value_type_build_the_same_table() -> None:
    # values of the columns' own types take a direct path; strings and blanks go through the casts
    typed = events_from_records([{"event_id": "e1", "fatalities": 12, "latitude": 36.2, "longitude": 37.1,
                                  "actor1": "Rebels", "notes": "x"}])
    loose = events_from_records([{"event_id": "e1", "fatalities": "12", "latitude": "36.2", "longitude": "37.1",
                                  "actor1": "Rebels", "notes": "x", "actor2": "  "}])
    pd.testing.assert_frame_equal(frame_of(typed), frame_of(loose))


def test_csv_has_exactly_the_schema_columns_then_extras(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_events(tricky_table(), path)
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == [*EVENT_COLUMNS, "analyst"]


def test_clean_table_is_written_without_a_problems_column(tmp_path: Path) -> None:
    path = write(tmp_path, csv_of("a,2016-12-01,,,,,,36.2,37.16,,"))
    write_events(read_events(path), tmp_path / "out.csv")
    header = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(EVENT_COLUMNS)


def test_flagged_table_is_written_with_its_problems_last(tmp_path: Path) -> None:
    path = write(tmp_path, csv_of("a,2016-12-01,,,,,,36.2,37.16,-1,"))
    write_events(read_events(path), tmp_path / "out.csv")
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join([*EVENT_COLUMNS, FLAGS_COLUMN])
    assert lines[1].endswith(",fatalities -1 is negative")


def test_geojson_is_rfc7946(tmp_path: Path) -> None:
    path = tmp_path / "out.geojson"
    write_events(tricky_table(), path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in document
    first = document["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [37.1343, 36.2021]}  # lon, lat
    assert first["properties"]["notes"] == TRICKY_NOTES
    assert first["properties"]["fatalities"] == 12


def test_geojson_null_geometry_for_events_without_a_point(tmp_path: Path) -> None:
    path = tmp_path / "out.geojson"
    write_events(events_from_records([{"event_id": "x", "location": "Nowhere"}]), path)
    assert json.loads(path.read_text(encoding="utf-8"))["features"][0]["geometry"] is None


def test_write_dash_is_csv_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    write_events(tricky_table(), "-")
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("event_id,event_date,time_precision")


def test_interrupted_write_leaves_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out.csv"
    path.write_text("previous", encoding="utf-8")

    def half_then_fail(frame: Any, columns: list[str], handle: Any) -> None:
        handle.write("event_id,")
        raise KeyboardInterrupt

    monkeypatch.setattr("geomap.tables.write._write_csv", half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        write_events(tricky_table(), path)
    assert path.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown output format"):
        write_events(tricky_table(), tmp_path / "out.xlsx")


# --- validation: every problem has its file and line -------------------------------------

def test_each_problem_names_file_and_physical_line(tmp_path: Path) -> None:
    path = write(tmp_path, csv_of(
        'e1,2016-12-01,Battles,Armed clash,SAA,Syria,Aleppo,36.2,37.16,3,"notes over',  # line 2
        'two lines"',                                                                     # line 3
        "e2,2016-13-45,Battles,Armed clash,SAA,Syria,Aleppo,36.2,37.16,3,",              # line 4
        "",                                                                               # line 5
        "e3,2016-12-01,Riots,Armed clash,,Syria,Aleppo,nan,37.16,-2,",                   # line 6
    ))
    assert problems_of(path) == [
        f"{path}:4: event_date: date '2016-13-45' is not a valid date (month must be in 1..12)",
        f"{path}:6: sub_event_type 'Armed clash' belongs to 'Battles', not 'Riots'",
        f"{path}:6: fatalities -2 is negative",
        f"{path}:6: latitude is nan (not a finite number)",
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("e,2016-12-01,,,,,,abc,37.16,,", "latitude 'abc' is not a number"),
        ("e,2016-12-01,,,,,,inf,37.16,,", "latitude is inf (not a finite number)"),
        ("e,2016-12-01,,,,,,36.2,,,", "longitude is missing (latitude is given)"),
        ("e,2016-12-01,,,,,,91,100,,", "latitude 91.0 is out of range [-90, 90]"),
        ("e,2016-12-01,,,,,,136.2,37.16,,", "latitude 136.2 is out of range [-90, 90] (are latitude and longitude swapped?)"),
        ("e,2016-12-01,,,,,,36.2,-181,,", "longitude -181.0 is out of range [-180, 180]"),
        ("e,2016-12-01,,,,Syria,,36.29,33.51,,",
         "point (latitude 36.29, longitude 33.51) is outside Syria but (33.51, 36.29) is inside: "
         "latitude and longitude look swapped"),
        ("e,2016-12-01,Explosions,,,,,36.2,37.16,,", "unknown event_type 'Explosions' (not one of ACLED's 6)"),
        ("e,2016-12-01,,Carpet bombing,,,,36.2,37.16,,", "unknown sub_event_type 'Carpet bombing'"),
        ("e,sometime,,,,,,36.2,37.16,,",
         "event_date: date 'sometime' is not in a known format (e.g. 2020-05-09, 9-May-20, 09 May 2020, 5/9/2020)"),
        ("e,1899-12-31,,,,,,36.2,37.16,,", "event_date 1899-12-31 is before 1900"),
        ("e,2999-01-01,,,,,,36.2,37.16,,", "event_date 2999-01-01 is in the future"),
        ("e,2016-12-01,,,,,,36.2,37.16,-1,", "fatalities -1 is negative"),
        ("e,2016-12-01,,,,,,36.2,37.16,100001,", "fatalities 100001 is above 100,000 (absurd count)"),
        ("e,2016-12-01,,,,,,36.2,37.16,many,", "fatalities 'many' is not a whole number"),
        ("e,2016-12-01,,,,,,,,,", "no coordinates and no location: the event cannot be placed"),
        ("e,2016-12-01,,,,,,36.2,37.16,,,surplus",
         "row has 12 fields, header has 11; extra values ['surplus'] are not in any column"),
        ("e,2016-12-01,,,,,,36.2", "row has 8 fields, header has 11; missing fields are left empty"),
    ],
)
def test_row_problems_are_flagged_with_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = write(tmp_path, csv_of("ok,2016-12-01,,,,,,36.2,37.16,,", row))
    table, report = load_events(path, gazetteer=FakeGazetteer())
    assert f"{path}:3: {message}" in [str(p) for p in report.problems]
    assert len(table) == 2  # kept, not dropped
    assert message in table.loc[1, FLAGS_COLUMN]
    assert (report.read, report.mapped, report.flagged, report.rejected) == (2, 1, 1, 0)


def test_strict_raises_listing_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path, csv_of("a,2016-12-01,,,,,,36.2,37.16,,", "b,2016-12-01,,,,,,95,37.16,,",
                                  "c,sometime,,,,,,36.2,37.16,-3,"))
    with pytest.raises(InputError) as info:
        read_events(path, strict=True)
    message = str(info.value)
    assert message.splitlines()[0] == f"{path}: 2 of 3 rows rejected:"
    assert f"{path}:3: latitude 95.0 is out of range [-90, 90]" in message
    assert f"{path}:4: fatalities -3 is negative" in message


def test_strict_load_leaves_rejected_rows_out_and_counts_them(tmp_path: Path) -> None:
    path = write(tmp_path, csv_of("a,2016-12-01,,,,,,36.2,37.16,,", "b,2016-12-01,,,,,,95,37.16,,"))
    table, report = load_events(path, strict=True)
    assert list(table["event_id"]) == ["a"]
    assert (report.read, report.mapped, report.flagged, report.rejected) == (2, 1, 0, 1)


def test_read_equals_mapped_plus_flagged_plus_rejected(tmp_path: Path) -> None:
    rows = ["a,2016-12-01,,,,,,36.2,37.16,,", ",,,,,,,,,,", "b,2016-12-01,,,,,,95,37.16,,",
            "c,2016-12-01,,,,,Aleppo,,,,", "d,2016-12-01,,,,,Atlantis,,,,"]
    path = write(tmp_path, csv_of(*rows))
    table, report = load_events(path, gazetteer=FakeGazetteer())
    assert (report.read, report.mapped, report.flagged, report.rejected, report.blank) == (4, 2, 2, 0, 1)
    assert report.read == report.mapped + report.flagged + report.rejected == len(table)
    assert (report.geocoded, report.unlocated) == (1, 1)
    assert report.summary() == f"{path}: 4 rows read: 2 clean (1 geocoded), 2 flagged, 0 rejected; 1 blank rows skipped"


def test_rows_with_only_a_location_are_geocoded(tmp_path: Path) -> None:
    path = write(tmp_path, csv_of("new,2016-12-01,Battles,Armed clash,SAA,,Aleppo,,,,added by hand",
                                  "gov,2016-12-01,,,,,Idlib governorate,,,,",
                                  "lost,2016-12-01,,,,,Atlantis,,,,"))
    table, report = load_events(path, gazetteer=FakeGazetteer())
    new, gov, lost = (table.iloc[i] for i in range(3))
    assert (new["latitude"], new["longitude"], new["geo_precision"], new["place_id"]) == (36.2, 37.16, 1, "g1")
    assert new["reason"] == "geocoded from location column"
    assert new["country"] == "Syria"
    assert gov["geo_precision"] == 3  # a governorate is ACLED's "larger region"
    assert lost.geometry is None and lost[FLAGS_COLUMN] == "unlocated: Atlantis"
    assert pd.isna(lost["latitude"]) and lost["location"] == "Atlantis"
    assert [str(p) for p in report.problems] == [f"{path}:4: unlocated: Atlantis"]


def outlines_folder(folder: Path, outlines: dict[str, tuple[float, float, float, float]]) -> Path:
    """A gazetteer folder whose boundaries are the world outlines given as (west, south, east, north) boxes."""
    folder.mkdir(parents=True, exist_ok=True)
    features = [{"type": "Feature", "properties": {"place_id": code, "name": code, "kind": "world", "parent_id": ""},
                 "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}}
                for code, (w, s, e, n) in outlines.items()]
    (folder / "boundaries.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    (folder / "places.tsv").write_text("place_id\tname\tkind\tlatitude\tlongitude\tcountry\tadmin1\tadmin2\t"
                                       "parent_id\tpopulation\talt_names\tsource\n"
                                       "TD\tChad\tcountry\t35.5\t10.5\tTD\t\t\t\t\t\ttest\n", encoding="utf-8")
    return folder


def test_swap_check_uses_the_gazetteer_outlines(tmp_path: Path) -> None:
    from geomap.gazetteer import Gazetteer

    # Made-up outlines far from the real countries: only the gazetteer's own can flag these rows.
    folder = outlines_folder(tmp_path / "gaz", {"TD": (10, 35, 11, 36), "NE": (35, 10, 36, 11)})
    path = write(tmp_path, csv_of("e,2016-12-01,,,,Chad,,10.5,35.5,,", "f,2016-12-01,,,,Chad,,35.5,10.5,,"))
    assert problems_of(path, gazetteer=Gazetteer.load(folder)) == [
        f"{path}:2: point (latitude 10.5, longitude 35.5) is outside Chad but (35.5, 10.5) is inside: "
        "latitude and longitude look swapped"]


def test_previous_flags_are_recomputed_not_carried(tmp_path: Path) -> None:
    path = write(tmp_path, "event_id,latitude,longitude,problems\ne1,36.2,37.16,latitude 'x' is not a number\n")
    table, report = load_events(path)
    assert report.ok and pd.isna(table.loc[0, FLAGS_COLUMN])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("event_id,latitude,latitude\n", "1: duplicate column 'latitude' (columns 2 and 3)"),
        ("event_id,lat,latitude,longitude,Latitude\n", "1: duplicate column 'latitude' (columns 3 and 5)"),
        ("event_id,notes\ne1,x\n", "1: missing column(s) latitude, longitude: a table needs latitude and longitude, "
                                  "or a location column to geocode"),
        ('event_id,latitude,longitude\ne1,36.2,37.16\ne2,"36.2"x,37.16\n', "3: malformed CSV"),
        ('event_id,latitude,longitude\ne1,36.2,37.16\ne2,"36.2,37.16\n\n', "3: malformed CSV"),
    ],
)
def test_table_level_errors_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_events(path)
    assert str(info.value).startswith(f"{path}:{message}" if message[0].isdigit() else f"{path}: {message}")


def test_binary_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00" + bytes(range(256)))
    with pytest.raises(InputError, match="binary"):
        read_events(path)


def test_validate_events_in_memory_names_rows() -> None:
    table, report = validate_events(events_from_records([{"event_id": "a", "latitude": 36.2, "longitude": 37.16},
                                                         {"event_id": "b", "latitude": 36.2, "longitude": 37.16,
                                                          "fatalities": -1}]), name="extracted")
    assert [str(p) for p in report.problems] == ["extracted:row 2: fatalities -1 is negative"]


def test_input_file_is_not_modified(tmp_path: Path) -> None:
    text = csv_of("b,2016-12-01,,,,,,95,37.16,,")
    path = write(tmp_path, text)
    read_events(path)
    assert path.read_text(encoding="utf-8") == text


# --- user gazetteer ------------------------------------------------------------------------

def test_read_user_places(tmp_path: Path) -> None:
    path = write(tmp_path, "name,lat,lon,kind,alt_names,country\n"
                           "Al-Quds hospital,36.2091,37.1353,facility,Al Quds Hospital; مستشفى القدس,Syria\n"
                           "Tiny hamlet,35.5,36.5,,,\n", name="places.csv")
    hospital, hamlet = read_user_places(path)
    assert hospital["name"] == "Al-Quds hospital"
    assert (hospital["latitude"], hospital["longitude"], hospital["kind"]) == (36.2091, 37.1353, "facility")
    assert hospital["alt_names"] == ("Al Quds Hospital", "مستشفى القدس")
    assert hospital["country"] == "SY"  # the gazetteer's ISO2 code
    assert hospital["place_id"] == "user:2" and hospital["source"] == "user:places.csv"
    assert hamlet["kind"] == "village" and hamlet["country"] == "" and hamlet["population"] is None


def test_user_places_build_gazetteer_places(tmp_path: Path) -> None:
    from geomap import gazetteer

    path = write(tmp_path, "name,lat,lon,kind,alt_names\nAl-Quds hospital,36.2091,37.1353,facility,Al Quds\n",
                 name="places.csv")
    places = [gazetteer.Place(**row) for row in read_user_places(path)]
    found = gazetteer.Gazetteer.from_places(places).resolve("Al Quds")
    assert found.place is not None and found.place.place_id == "user:2"


def test_user_places_errors_list_every_bad_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name,lat,lon,kind\n"
                           "ok,36,37,town\n"
                           ",36,37,\n"
                           "far,95,37,\n"
                           "odd,36,37,castle\n"
                           "nowhere,,,\n", name="places.csv")
    with pytest.raises(InputError) as info:
        read_user_places(path)
    assert str(info.value).splitlines()[1:] == [
        f"{path}:3: name is empty",
        f"{path}:4: latitude 95.0 is out of range [-90, 90]",
        f"{path}:5: unknown kind 'castle' (one of: country, admin1, admin2, admin3, city, town, village, "
        "neighbourhood, region, facility)",
        f"{path}:6: latitude and longitude are missing",
    ]


def test_user_places_refuse_duplicate_ids(tmp_path: Path) -> None:
    path = write(tmp_path, "place_id,name,lat,lon\nh1,A,36,37\nh1,B,36,37\n", name="places.csv")
    with pytest.raises(InputError, match=r"places.csv:3: place_id 'h1' already used on line 2"):
        read_user_places(path)


def test_user_places_need_name_and_coordinates_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "title,lat\nx,1\n", name="places.csv")
    with pytest.raises(InputError, match=r":1: user gazetteer needs columns name, lat, lon \(missing: name, longitude\)"):
        read_user_places(path)


# --- with the real Gazetteer class ---------------------------------------------------------

def small_gazetteer() -> Any:
    from geomap import gazetteer

    place = gazetteer.Place
    return gazetteer.Gazetteer.from_places([
        place("SY", "Syria", "country", 35.0, 38.5, "SY", "", "", "", 20_000_000, ("Syrian Arab Republic",), "test"),
        place("T1", "Kafr Nabl", "town", 35.614, 36.561, "SY", "Idlib", "Maarrat an-Numan", "SY", 15_000,
              ("Kafranbel", "Kafr Nubl"), "test"),
        place("A1", "Idlib", "admin1", 35.85, 36.6, "SY", "Idlib", "", "SY", None, ("Idleb",), "test"),
    ])


def test_geocodes_through_gazetteer_resolve(tmp_path: Path) -> None:
    path = write(tmp_path, "event_id,country,location,latitude,longitude\n"
                           "a,,Kafranbel,,\n"
                           "b,Syria,Xyzzyville,,\n")
    table, report = load_events(path, gazetteer=small_gazetteer())
    town = table.iloc[0]
    assert (town["latitude"], town["longitude"], town["place_id"], town["geo_precision"]) == (35.614, 36.561, "T1", 1)
    assert (town["country"], town["iso3"], town["admin1"], town["admin2"]) == ("Syria", "SYR", "Idlib", "Maarrat an-Numan")
    assert town["location"] == "Kafranbel"  # the analyst's spelling stays
    (problem,) = report.problems
    assert str(problem).startswith(f"{path}:3: unlocated: Xyzzyville (")  # the gazetteer's reason follows
    assert (report.geocoded, report.unlocated) == (1, 1)


def test_bundled_gazetteer_is_used_when_none_is_given(tmp_path: Path) -> None:
    from geomap import gazetteer

    try:
        gazetteer.Gazetteer.load()
    except Exception as exc:  # the bundled data is built by another step
        pytest.skip(f"bundled gazetteer unavailable: {exc}")
    path = write(tmp_path, "event_id,country,location,latitude,longitude\na,Syria,Aleppo,,\nb,Syria,,36.29,33.51\n")
    table, report = load_events(path)
    assert table.loc[0, "reason"] == "geocoded from location column"
    assert 35.5 < table.loc[0, "latitude"] < 37 and 36.5 < table.loc[0, "longitude"] < 38
    assert [str(p) for p in report.problems] == [
        f"{path}:3: point (latitude 36.29, longitude 33.51) is outside Syria but (33.51, 36.29) is inside: "
        "latitude and longitude look swapped"]


# --- properties (hypothesis) ------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Text a spreadsheet can hold: any printable unicode plus the CSV-hostile characters.
cell_text = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from('\n",;<>&\'')),
    max_size=30,
)
TYPES = acled_event_types()


@st.composite
def valid_events(draw: st.DrawFn) -> dict[str, Any]:
    event_type = draw(st.sampled_from(sorted(TYPES)))
    return {
        "event_id": draw(cell_text),
        "event_date": draw(st.dates(dt.date(1900, 1, 1), dt.date.today())).isoformat(),
        "time_precision": draw(st.none() | st.integers(1, 3)),
        "event_type": event_type,
        "sub_event_type": draw(st.sampled_from(TYPES[event_type])),
        "actor1": draw(cell_text),
        "inter1": draw(st.none() | st.integers(0, 8)),
        "latitude": draw(st.floats(-90, 90, allow_nan=False)),
        "longitude": draw(st.floats(-180, 180, allow_nan=False)),
        "fatalities": draw(st.none() | st.integers(0, 100_000)),
        "notes": draw(cell_text),
        "confidence": draw(st.none() | st.floats(0, 1)),
        "char_start": draw(st.none() | st.integers(0, 10**9)),
    }


def blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(valid_events(), min_size=1, max_size=6))
def test_any_valid_table_validates_clean_and_round_trips(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    original = events_from_records(records)
    for suffix in (".csv", ".geojson", ".parquet"):
        path = tmp_path / f"events{suffix}"
        write_events(original, path)
        table, report = load_events(path, gazetteer=FakeGazetteer())
        assert report.problems == [] and report.mapped == len(records)
        pd.testing.assert_frame_equal(frame_of(table), frame_of(original))
    for record, (_, row) in zip(records, original.iterrows()):
        for key, value in record.items():
            expected = blank_to_none(value)
            assert (pd.isna(row[key]) if expected is None else row[key] == expected), key


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell_text, min_size=0, max_size=13), min_size=1, max_size=5))
def test_validator_accounts_for_every_row_of_any_csv(tmp_path: Path, rows: list[list[str]]) -> None:
    path = tmp_path / "events.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER.split(","))
        writer.writerows(rows)
    try:
        table, report = load_events(path, gazetteer=FakeGazetteer())
    except InputError as exc:  # only whole-file problems may raise, and they name the file
        assert str(exc).startswith(f"{path}:")
        return
    assert report.read == report.mapped + report.flagged + report.rejected == len(table)
    assert report.read + report.blank == len(rows)
    for problem in report.problems:
        assert str(problem).startswith(f"{path}:") and isinstance(problem.where, int) and problem.where >= 2


@given(st.dates(dt.date(1950, 1, 1), dt.date(2049, 12, 31)))
def test_parse_date_reads_every_acled_spelling_of_a_date(day: dt.date) -> None:
    today = dt.date(2048, 6, 1)
    for text in (day.isoformat(), day.strftime("%-d-%b-%y"), day.strftime("%d %B %Y"), day.strftime("%-m/%-d/%Y"),
                 day.strftime("%b %-d, %Y")):
        assert parse_date(text, today=today) == day, text


# --- the review loop, end to end ----------------------------------------------------------------

def test_review_loop_extract_edit_map(tmp_path: Path) -> None:
    """extract -> the analyst edits the CSV (deletes, re-places, adds by name) -> map."""
    from geomap.cli import main

    report = tmp_path / "report.txt"
    report.write_text("Government forces shelled Aleppo on Monday, killing 3 people.\n"
                      "An air strike hit a market in Idlib on Tuesday, killing 12 civilians.\n", encoding="utf-8")
    events_csv = tmp_path / "events.csv"
    assert main(["extract", str(report), "--date", "2016-05-04", "-o", str(events_csv)]) == 0
    with events_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["location"] for r in rows] == ["Aleppo", "Idlib"]

    # the analyst: deletes the first event, moves the second to Homs (clearing its
    # coordinates), and adds one known only by its place name
    del rows[0]
    rows[0].update(location="Homs", latitude="", longitude="", place_id="", admin1="", admin2="", geo_precision="")
    rows.append({**{k: "" for k in rows[0]}, "event_id": "analyst-1", "event_date": "2016-05-04",
                 "event_type": "Battles", "sub_event_type": "Armed clash", "location": "Douma",
                 "country": "Syria", "notes": "added from a phone call"})
    with events_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    table, report_ = load_events(events_csv)
    assert report_.ok and (report_.read, report_.mapped, report_.geocoded) == (2, 2, 2)
    homs, douma = table.iloc[0], table.iloc[1]
    assert 34.5 < homs["latitude"] < 35 and 36.5 < homs["longitude"] < 37
    assert 33.4 < douma["latitude"] < 33.7 and 36.2 < douma["longitude"] < 36.6
    assert set(table["reason"]) == {"geocoded from location column"}

    html = tmp_path / "map.html"
    assert main(["map", str(events_csv), "-o", str(html)]) == 0
    from geomap.render.payload import payload_from_html

    page = json.dumps(payload_from_html(html.read_text(encoding="utf-8")), ensure_ascii=False)  # the map's data
    assert "added from a phone call" in page and "Douma" in page
    assert events_csv.read_text(encoding="utf-8").count("\n") == 3  # the input table is left as edited


def test_geojson_of_polygons_is_flagged_per_feature(tmp_path):
    import json


    path = tmp_path / "poly.geojson"
    square = [[[36.0, 35.0], [36.1, 35.0], [36.1, 35.1], [36.0, 35.0]]]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": square},
         "properties": {"event_date": "2016-01-01", "actor1": "A"}}]}))
    table, report = load_events(path)
    assert len(table) + report.rejected == 1
    assert any("feature 1" in str(p) and "Polygon" in str(p) for p in report.problems)


@pytest.mark.parametrize("value", ["99999999999999999999", "9" * 400, "9" * 5000, "-99999999999999999999"])
def test_numbers_beyond_any_integer_column_are_flagged_not_crashing(tmp_path, value):

    path = tmp_path / "big.csv"
    path.write_text(f"event_date,latitude,longitude,fatalities,char_start\n2016-05-01,36.2,37.1,{value},{value}\n")
    table, report = load_events(path)
    assert len(table) == 1 and table["fatalities"].isna().all() and table["char_start"].isna().all()
    messages = [str(p) for p in report.problems]
    assert any(m.startswith(f"{path}:2: fatalities") and "out of range" in m for m in messages)


def test_missing_dates_as_pandas_na_are_missing_not_a_crash():

    frame = pd.DataFrame({"latitude": [36.0, 36.1], "longitude": [37.0, 37.1],
                          "event_date": pd.array(["2016-05-01", None], dtype="string")})
    table, report = validate_events(frame, gazetteer=None)
    assert len(table) + report.rejected == 2


def test_control_characters_in_text_never_make_a_written_table_unreadable(tmp_path):

    table = events_from_records([{"event_date": "2016-05-01", "latitude": 36.2, "longitude": 37.1,
                                  "notes": "killed 3.\x00 More\x07 later."}])
    path = tmp_path / "events.csv"
    write_events(table, path)
    back, report = load_events(path)
    assert back["notes"].iloc[0] == "killed 3.\ufffd More\ufffd later."


@pytest.mark.parametrize(
    ("given", "number", "problem"),
    [(12, 12, None), ("12", 12, None), (0, 0, None), (2.5, None, "not a whole number"),
     (-5, None, "negative"), (10**12, None, "absurd count"), ("many", None, "not a whole number")],
)
def test_check_count_applies_the_readers_rule_to_one_value(given, number, problem) -> None:
    value, problems = check_count(given, "wounded")
    assert value == number
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0] and problems[0].startswith("wounded ")
