"""What ``geomap map`` says about a table's rows (issue 17, items 10-13): swaps, geometries, counts, repeats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import shapely.geometry

from geomap.cli import main
from geomap.paths import gazetteer_dir

HEADER = "event_id,event_date,event_type,actor1,country,location,latitude,longitude,fatalities\n"


def map_table(tmp_path: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["map", str(path), "-o", str(tmp_path / "m.html")])
    return status, capsys.readouterr().err


def needs_world_outlines() -> None:
    path = gazetteer_dir() / "boundaries.geojson"
    kinds = {f["properties"].get("kind") for f in json.loads(path.read_text(encoding="utf-8"))["features"]} \
        if path.is_file() else set()
    if "world" not in kinds:
        pytest.skip("the gazetteer has no world outlines (built without Natural Earth)")


# --- item 10: swapped coordinates -----------------------------------------------------------------

def test_swapped_point_near_the_northern_border_is_flagged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_world_outlines()
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "a,2016-05-03,Battles,SAA,Syria,Aleppo,37.1343,36.2021,3\n"   # Aleppo swapped: Turkey
                             "b,2016-05-03,Battles,SAA,Syria,Aleppo,36.2021,37.1343,3\n", encoding="utf-8")
    status, err = map_table(tmp_path, path, capsys)
    assert status == 1
    assert (f"{path}:2: point (latitude 37.1343, longitude 36.2021) is outside Syria but (36.2021, 37.1343) "
            "is inside: latitude and longitude look swapped") in err
    assert f"{path}:3:" not in err


def test_a_point_whose_swap_lands_near_itself_is_not_called_swapped(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    needs_world_outlines()
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "a,2016-05-03,Battles,SAA,Syria,Latakia,35.98927,35.445,0\n"  # at sea off Latakia
                             "b,2016-05-03,Battles,SAA,Syria,Latakia,35.88316,35.61781,0\n"
                             "c,2016-05-03,Battles,SAA,Syria,Latakia,35.7,35.69,0\n", encoding="utf-8")
    status, err = map_table(tmp_path, path, capsys)
    assert "swapped" not in err
    assert status == 0


def test_no_point_at_sea_off_a_synthetic_archive_is_called_swapped(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    needs_world_outlines()
    from geomap.render import synthetic_events

    events = synthetic_events(20_000, seed=0)  # scattered around towns, Latakia's into the sea
    events.to_csv(tmp_path / "t.csv", index=False)
    _, err = map_table(tmp_path, tmp_path / "t.csv", capsys)
    land = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in json.loads(
        (gazetteer_dir() / "boundaries.geojson").read_text(encoding="utf-8"))["features"]])
    at_sea = ~shapely.contains_xy(land, events["longitude"], events["latitude"])
    assert at_sea.sum() > 100
    swapped = [int(m) - 2 for m in re.findall(r"t\.csv:(\d+): .*look swapped", err)]
    assert not at_sea[swapped].any()
    assert len(swapped) <= 5  # points scattered deep into Turkey: outside Syria, and their swap inside it


# --- item 11: the geometry of a geo format is its point ----------------------------------------------

def geo_table(tmp_path: Path) -> Path:
    rows = pd.DataFrame({
        "event_id": ["ok", "polygon", "multipoint", "empty", "disagrees", "geocode"],
        "event_date": ["2016-05-03"] * 6,
        "location": ["Aleppo"] * 6,
        "latitude": [36.2, 36.2, 36.2, 36.2, 36.2, None],
        "longitude": [37.1, 37.1, 37.1, 37.1, 37.1, None],
    })
    geometry = [shapely.Point(37.1, 36.2), shapely.box(37, 36, 37.2, 36.3), shapely.MultiPoint([(37.1, 36.2), (37, 36)]),
                None, shapely.Point(36.3, 35.1), None]
    path = tmp_path / "t.parquet"
    gpd.GeoDataFrame(rows, geometry=geometry, crs="EPSG:4326").to_parquet(path)
    return path


def test_geoparquet_geometries_other_than_points_are_flagged(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = geo_table(tmp_path)
    status, err = map_table(tmp_path, path, capsys)
    assert status == 1
    assert f"{path}:row 2: geometry type 'Polygon' is not supported (only Point)" in err
    assert f"{path}:row 3: geometry type 'MultiPoint' is not supported (only Point)" in err
    assert (f"{path}:row 4: the geometry is empty, but latitude 36.2, longitude 37.1 beside it make a point"
            in err)
    assert (f"{path}:row 5: the geometry's point (latitude 35.1, longitude 36.3) disagrees with latitude 36.2, "
            "longitude 37.1 beside it; the geometry is used") in err
    assert not re.search(rf"{re.escape(str(path))}:row [16]:", err)  # a point that agrees; a row to geocode
    assert f"{path}: 6 rows read: 2 clean (1 geocoded), 4 flagged, 0 rejected" in err


def test_the_geometry_wins_over_the_columns_beside_it(tmp_path: Path) -> None:
    from geomap.tables import load_events

    table, _ = load_events(geo_table(tmp_path))
    assert (table.loc[4, "latitude"], table.loc[4, "longitude"]) == (35.1, 36.3)


def test_geojson_point_disagreeing_with_its_properties_is_flagged(tmp_path: Path) -> None:
    from geomap.tables import load_events

    path = tmp_path / "t.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    '"geometry": {"type": "Point", "coordinates": [36.3, 35.1]}, '
                    '"properties": {"event_id": "e", "latitude": 36.2, "longitude": 37.1}}]}', encoding="utf-8")
    table, report = load_events(path)
    assert [str(p) for p in report.problems] == [
        (f"{path}:feature 1: the geometry's point (latitude 35.1, longitude 36.3) disagrees with latitude 36.2, "
         "longitude 37.1 beside it; the geometry is used")]
    assert (table.loc[0, "latitude"], table.loc[0, "longitude"]) == (35.1, 36.3)


# --- item 12: the summary counts what the map draws ------------------------------------------------

def test_map_summary_counts_only_what_the_map_draws(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.render.map import map_payload
    from geomap.tables import read_events

    path = tmp_path / "t.csv"
    path.write_text(HEADER + "a,2016-05-03,Battles,SAA,Syria,Aleppo,36.2,37.1,1\n"
                             "b,2016-05-03,Battles,SAA,Syria,Aleppo,95,37.1,1\n"
                             "c,2016-05-03,Battles,SAA,Syria,Aleppo,36.2,1e999,1\n", encoding="utf-8")
    status, err = map_table(tmp_path, path, capsys)
    drawn = len(map_payload(read_events(path))["lat"])
    assert status == 1 and drawn == 1
    assert "3 events read, 1 mapped, 2 without coordinates" in err


# --- item 13: repeated event ids ------------------------------------------------------------------------

def test_repeated_event_ids_are_flagged_with_both_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "e1,2016-05-03,Battles,SAA,Syria,Aleppo,36.2,37.1,10\n"
                             "e2,2016-05-03,Battles,SAA,Syria,Aleppo,36.2,37.1,1\n"
                             "e1,2016-05-03,Battles,SAA,Syria,Aleppo,36.2,37.1,10\n"
                             "e1,2016-05-04,Battles,SAA,Syria,Aleppo,36.2,37.1,10\n", encoding="utf-8")
    status, err = map_table(tmp_path, path, capsys)
    assert status == 1
    for line in (4, 5):
        assert (f"{path}:{line}: event_id 'e1' repeats the event at line 2: its fatalities would be counted twice"
                in err)
    assert f"{path}: 4 rows read: 2 clean, 2 flagged, 0 rejected" in err


def test_strict_keeps_the_first_of_repeated_events(tmp_path: Path) -> None:
    from geomap.tables import load_events

    path = tmp_path / "t.csv"
    path.write_text(HEADER + "e1,2016-05-03,Battles,SAA,Syria,Aleppo,36.2,37.1,10\n"
                             "e1,2016-05-03,Battles,SAA,Syria,Aleppo,36.2,37.1,10\n", encoding="utf-8")
    table, report = load_events(path, strict=True)
    assert list(table["event_id"]) == ["e1"] and report.rejected == 1
