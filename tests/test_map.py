"""Unit tests of the HTML map: offline, deterministic, data round trip, escaping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geomap.errors import GeomapError
from geomap.render import build_map, render_html, save_map, synthetic_events
from geomap.render.map import CLUSTER_THRESHOLD, json_for_script, payload_coordinates
from geomap.render.payload import payload_from_html

# References that are allowed in an offline file: XML namespace names (never
# fetched) and the link in Leaflet's own attribution prefix / licence header.
ALLOWED_URLS = {"http://www.w3.org/2000/svg", "https://leafletjs.com"}
URL = re.compile(r"https?://[^\s\"'<>()\\]+")
BLOB = re.compile(r'<script type="application/json" id="[^"]+">(.*?)</script>', re.S)

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=1</script>",
]


def write_tiny_gazetteer(folder: Path) -> Path:
    """A two-governorate stand-in for gazetteer/ (boundaries + places)."""
    folder.mkdir(parents=True, exist_ok=True)

    def square(x0: float, y0: float, x1: float, y1: float) -> dict:
        return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}

    features = [
        ("SY", "Syria", "country", square(35.6, 32.3, 42.4, 37.3)),
        ("SY01", "Southland", "admin1", square(35.6, 32.3, 42.4, 34.8)),
        ("SY02", "Northland", "admin1", square(35.6, 34.8, 42.4, 37.3)),
    ]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"place_id": pid, "name": name, "name_ar": "", "kind": kind, "parent_id": ""},
             "geometry": geom}
            for pid, name, kind, geom in features
        ],
    }
    (folder / "boundaries.geojson").write_text(json.dumps(collection), encoding="utf-8")
    header = "place_id\tname\tkind\tlatitude\tlongitude\tcountry\tadmin1\tadmin2\tparent_id\tpopulation\talt_names\tsource\n"
    rows = "C1\tBigtown\tcity\t36.2\t37.16\tSY\tNorthland\t\tSY02\t1000000\t\ttest\n"
    (folder / "places.tsv").write_text(header + rows, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def tiny_gazetteer(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = write_tiny_gazetteer(tmp_path_factory.mktemp("gazetteer"))
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(folder))
    return folder


def blob_of(html: str) -> dict:
    """The map's payload as the page carries it, unpacked (see geomap.render.payload)."""
    return payload_from_html(html)


def text_column(payload: dict, name: str) -> list[str]:
    """One text column of the payload, decoded the way geomap.js does."""
    column = payload["text"].get(name)
    if column is None:
        return [""] * len(payload["lat"])
    if "codes" not in column:
        return column["values"]
    table = column.get("values", payload["strings"])
    return [table[k] for k in column["codes"]]


def day_column(payload: dict) -> list[int | None]:
    if payload["day"] is None:
        return [None] * len(payload["lat"])
    return [None if d is None else d + payload["day0"] for d in payload["day"]]


def test_offline_html_references_no_server() -> None:
    html = render_html(build_map(synthetic_events(50)))
    assert set(URL.findall(html)) <= ALLOWED_URLS
    assert not URL.findall(json.dumps(blob_of(html)))  # nor does the compressed data
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", html, re.I)
    assert "<link" not in html  # everything is inlined


def test_online_basemap_adds_only_tile_servers() -> None:
    html = render_html(build_map(synthetic_events(10), basemap="osm"))
    payload = blob_of(html)
    tiles = payload["basemap"]["online"]
    assert [t["key"] for t in tiles] == ["osm", "carto-light", "hot"]
    assert payload["basemap"]["first"] == "osm"
    declared = " ".join(t["url"] + " " + t["attribution"] for t in tiles)
    extra = [u for u in URL.findall(html) if u not in ALLOWED_URLS]
    assert extra and all(u in declared for u in extra), extra


def test_same_input_gives_identical_bytes(tmp_path: Path) -> None:
    events = synthetic_events(300, seed=3)
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    for path in (first, second):
        m = build_map(events, title="Same", unlocated=["Nowhere"])
        folium.Marker([35, 38]).add_to(m)  # a user's own layer gets a stable id too
        save_map(m, path)
    assert first.read_bytes() == second.read_bytes()
    assert not re.search(r"[0-9a-f]{32}", first.read_text(encoding="utf-8"))  # no uuid-style ids


def test_blob_round_trips_the_events() -> None:
    events = synthetic_events(500, seed=1)
    payload = blob_of(render_html(build_map(events)))
    lat, lon = payload_coordinates(payload)
    assert lat == pytest.approx(events["latitude"].tolist(), abs=1e-5)
    assert lon == pytest.approx(events["longitude"].tolist(), abs=1e-5)
    actors = [payload["actors"][k]["name"] for k in payload["actor"]]
    assert actors == events["actor1"].tolist()
    subs = [payload["subs"][k] for k in payload["sub"]]
    assert [payload["types"][s["type"]]["name"] for s in subs] == events["event_type"].tolist()
    assert [s["name"] for s in subs] == events["sub_event_type"].tolist()
    assert payload["fat"] == events["fatalities"].tolist()
    for column in ("notes", "location", "doc_id", "event_id"):
        assert text_column(payload, column) == events[column].tolist()
    assert [payload["actors"][k]["name"] for k in payload["actor2"]] == events["actor2"].tolist()
    days = pd.to_datetime(events["event_date"]) - pd.Timestamp("1970-01-01")
    assert day_column(payload) == days.dt.days.tolist()
    # Counts in labels match the data; colours are distinct for the top actors.
    assert sum(a["count"] for a in payload["actors"]) == len(events)
    colours = [a["color"] for a in payload["actors"]]
    assert len(set(colours)) == len(colours)


def test_actor_colours_follow_frequency_not_row_order() -> None:
    events = synthetic_events(200, seed=5)
    shuffled = events.sample(frac=1, random_state=2)
    a = {x["name"]: x["color"] for x in blob_of(render_html(build_map(events)))["actors"]}
    b = {x["name"]: x["color"] for x in blob_of(render_html(build_map(shuffled)))["actors"]}
    assert a == b


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_cannot_break_out(hostile: str) -> None:
    events = synthetic_events(5)
    for column in ("notes", "actor1", "location", "event_type", "sub_event_type", "doc_id"):
        events[column] = f"{column} {hostile}"
    html = render_html(build_map(events, title=hostile, unlocated=[hostile]))
    # The only way a string reaches the page source is escaped JSON or escaped HTML.
    assert hostile not in html
    assert "<script>window.__pwned" not in html
    assert "onerror=\"window" not in html
    payload = blob_of(html)
    assert payload["title"] == hostile
    assert payload["unlocated"][0]["name"] == hostile
    assert text_column(payload, "notes")[0] == f"notes {hostile}"


def test_template_syntax_in_data_is_not_evaluated() -> None:
    events = synthetic_events(3)
    events["notes"] = ["{{ 7 * 7 }}", "{% if x %}", "{# c #}"]
    html = render_html(build_map(events, title="{{ 6 * 7 }}"))
    assert text_column(blob_of(html), "notes") == events["notes"].tolist()
    assert "<title>{{ 6 * 7 }}</title>" in html


def test_json_for_script_escapes_markup_and_line_separators() -> None:
    value = {"s": "</script><!-- & \u2028\u2029 >"}
    text = json_for_script(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def test_rows_without_coordinates_are_listed_not_dropped() -> None:
    events = synthetic_events(4)
    events["latitude"] = events["latitude"].astype(object)
    events.loc[1, ["latitude", "longitude"]] = None
    events.loc[2, "latitude"] = "not a number"
    payload = blob_of(render_html(build_map(events)))
    assert len(payload["lat"]) == 2
    assert payload["total"] == 4
    assert [m["location"] for m in payload["missing"]] == events.loc[[1, 2], "location"].tolist()
    assert payload["missing"][0]["notes"] == events.loc[1, "notes"]


def test_no_located_event_still_gives_a_map() -> None:
    events = synthetic_events(2)
    events[["latitude", "longitude"]] = float("nan")
    payload = blob_of(render_html(build_map(events)))
    assert payload["lat"] == [] and payload["actors"] == [] and len(payload["missing"]) == 2
    empty = blob_of(render_html(build_map(pd.DataFrame())))
    assert empty["total"] == 0


def test_minimal_table_with_only_coordinates() -> None:
    events = pd.DataFrame({"latitude": [36.2, 33.5], "longitude": [37.1, 36.3]})
    payload = blob_of(render_html(build_map(events)))
    assert [a["name"] for a in payload["actors"]] == ["Unknown actor"]
    assert payload["day"] is None and payload["fat"] is None and payload["text"] == {}


def test_geodataframe_points_are_used() -> None:
    frame = gpd.GeoDataFrame(
        {"actor1": ["A", "B"], "event_date": ["2016-05-03", "03 May 2016"]},
        geometry=[Point(37.1, 36.2), Point(36.3, 33.5)],
        crs=4326,
    )
    payload = blob_of(render_html(build_map(frame)))
    assert payload_coordinates(payload) == ([36.2, 33.5], [37.1, 36.3])
    assert day_column(payload)[0] == day_column(payload)[1]


def test_dates_of_any_common_shape_become_days() -> None:
    import datetime as dt

    events = pd.DataFrame({
        "latitude": [36.2] * 5, "longitude": [37.1] * 5,
        "event_date": [dt.date(2016, 5, 3), pd.Timestamp("2016-05-03 23:30", tz="Asia/Damascus"), "03 May 2016",
                       "2016-05-04", "not a date"],
    })
    days = day_column(blob_of(render_html(build_map(events))))
    may3 = (pd.Timestamp("2016-05-03") - pd.Timestamp("1970-01-01")).days
    assert days == [may3, may3, may3, may3 + 1, None]


def test_unlocated_mentions_table_keeps_only_unlocated_rows() -> None:
    mentions = pd.DataFrame(
        {
            "doc_id": ["d1", "d1", "d2"],
            "text": ["Aleppo", "Kafr Nowhere", "Tall Missing"],
            "status": ["located", "unlocated", "unlocated"],
            "context": ["", "Shelling hit Kafr Nowhere.", ""],
        }
    )
    payload = blob_of(render_html(build_map(synthetic_events(3), unlocated=mentions)))
    assert [u["name"] for u in payload["unlocated"]] == ["Kafr Nowhere", "Tall Missing"]
    assert payload["unlocated"][0]["context"] == "Shelling hit Kafr Nowhere."
    assert blob_of(render_html(build_map(synthetic_events(3))))["unlocated"] is None


def test_clustering_turns_on_above_threshold() -> None:
    small = blob_of(render_html(build_map(synthetic_events(CLUSTER_THRESHOLD))))
    large = blob_of(render_html(build_map(synthetic_events(CLUSTER_THRESHOLD + 1))))
    assert (small["cluster"], large["cluster"]) == (False, True)
    forced = blob_of(render_html(build_map(synthetic_events(10), cluster=True)))
    assert forced["cluster"] is True


def test_offline_basemap_comes_from_the_gazetteer() -> None:
    payload = blob_of(render_html(build_map(synthetic_events(3))))
    kinds = [f["properties"]["kind"] for f in payload["basemap"]["boundaries"]["features"]]
    assert kinds == ["country", "admin1", "admin1"]
    assert payload["basemap"]["cities"] == [["Bigtown", 36.2, 37.16, 7]]  # name, lat, lon, shown from zoom 7
    assert payload["basemap"]["online"] == []


def test_basemap_places_are_read_from_basemap_json_while_it_matches_the_gazetteer(tiny_gazetteer: Path) -> None:
    from geomap.gazetteer.labels import BASEMAP_FILE, write_basemap_places
    from geomap.render.basemap import offline_basemap

    write_basemap_places(tiny_gazetteer)
    path = tiny_gazetteer / BASEMAP_FILE
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["cities"] = [["Read from basemap.json", 36.0, 37.0, 7]]
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert offline_basemap()["cities"] == [["Read from basemap.json", 36.0, 37.0, 7]]
    with (tiny_gazetteer / "places.tsv").open("a", encoding="utf-8") as handle:  # the gazetteer changes
        handle.write("C2\tNewtown\ttown\t35.1\t36.7\tSY\tSouthland\t\tSY01\t20000\t\ttest\n")
    assert offline_basemap()["cities"] == [["Bigtown", 36.2, 37.16, 7], ["Newtown", 35.1, 36.7, 9]]


def test_missing_boundaries_warn_but_still_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(tmp_path))
    with pytest.warns(UserWarning, match="boundaries.geojson"):
        payload = blob_of(render_html(build_map(synthetic_events(3))))
    assert len(payload["lat"]) == 3


def test_bad_options_raise_clear_errors() -> None:
    with pytest.raises(GeomapError, match="basemap"):
        build_map(synthetic_events(2), basemap="google")
    with pytest.raises(GeomapError, match="cluster"):
        build_map(synthetic_events(2), cluster="sometimes")


def test_save_map_writes_readable_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out" / "map.html"
    save_map(build_map(synthetic_events(3)), target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert target.stat().st_mode & 0o044  # readable by others, like any file the user writes
    assert [p.name for p in target.parent.iterdir()] == ["map.html"]


def test_map_displays_in_jupyter() -> None:
    html = build_map(synthetic_events(3))._repr_html_()
    assert html.startswith("<div") and "srcdoc=" in html


# --------------------------------------------------------------------------- CLI


def run_cli(*argv: str) -> int:
    from geomap.cli import main

    return main(list(argv))


def test_cli_maps_an_event_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.tables import write_events

    table = tmp_path / "events.csv"
    events = synthetic_events(40, seed=9)
    write_events(gpd.GeoDataFrame(events, geometry=gpd.points_from_xy(events.longitude, events.latitude), crs=4326), table)
    out, png = tmp_path / "out" / "map.html", tmp_path / "out" / "map.png"
    assert run_cli("map", str(table), "-o", str(out), "--png", str(png), "--title", "Forty") == 0
    err = capsys.readouterr().err
    assert "40 events read, 40 mapped, 0 without coordinates" in err
    html = out.read_text(encoding="utf-8")
    assert "<title>Forty</title>" in html
    assert len(blob_of(html)["lat"]) == 40
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_cli_refuses_to_overwrite_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "events.csv"
    synthetic_events(3).to_csv(table, index=False)
    before = table.read_bytes()
    assert run_cli("map", str(table), "-o", str(table)) == 2  # refused, as a usage error
    assert "refusing to overwrite" in capsys.readouterr().err
    assert table.read_bytes() == before


def test_cli_embed_prints_an_escaped_responsive_iframe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / 'a "map" <b>.html'
    target.write_text("<!DOCTYPE html>", encoding="utf-8")
    assert run_cli("embed", f"{target}#types=Battles&z=7") == 0
    snippet = capsys.readouterr().out
    assert "allowfullscreen" in snippet and "padding-bottom:62.5%" in snippet
    assert "<b>" not in snippet and '"map"' not in snippet
    assert re.search(r'src="[^"]*a%20%22map%22%20%3Cb%3E\.html#types=Battles&amp;z=7"', snippet)
    assert run_cli("embed", str(tmp_path / "missing.html")) == 1


def test_cli_demo_writes_the_example_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from geomap.paths import examples_dir, gazetteer_dir

    monkeypatch.delenv("GEOMAP_GAZETTEER")  # the demo runs on the bundled gazetteer
    if not (gazetteer_dir() / "places.tsv").is_file():
        pytest.skip("the bundled gazetteer is not built")

    if not (examples_dir() / "aleppo-2016-05-03.txt").is_file():
        pytest.skip("the bundled example report is not there yet")
    assert run_cli("demo", "-o", str(tmp_path)) == 0
    captured = capsys.readouterr()
    html = tmp_path / "aleppo-2016-05-03.html"
    assert str(html) in captured.out
    assert (tmp_path / "aleppo-2016-05-03.png").stat().st_size > 10_000
    payload = blob_of(html.read_text(encoding="utf-8"))
    assert payload["lat"], "the example report yields located events"
    assert payload["unlocated"] is not None
    assert "events read" in captured.err


def test_absurd_or_non_finite_counts_are_unknown_not_wrapped():
    import pandas as pd

    from geomap.render.map import _nullable_ints

    values = pd.Series([3, 1e30, float("inf"), float("nan"), -2])
    assert _nullable_ints(values) == [3, None, None, None, -2]
