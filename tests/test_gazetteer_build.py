"""The committed gazetteer (gazetteer/) and the build that makes it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import shapely
from conftest import REPO, SOURCE_DATA, requires_shared
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from geomap.errors import GazetteerError
from geomap.gazetteer.build import (
    COLUMNS,
    KINDS,
    build_gazetteer,
    qualifier_spellings,
    read_curated,
    useful_alt_names,
)

GAZETTEER = REPO / "gazetteer"


@pytest.fixture(scope="module")
def places() -> dict[str, dict[str, str]]:
    with open(GAZETTEER / "places.tsv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert tuple(reader.fieldnames) == COLUMNS
        rows = list(reader)
    by_id = {row["place_id"]: row for row in rows}
    assert len(by_id) == len(rows), "place_id must be unique"
    return by_id


@pytest.fixture(scope="module")
def boundaries() -> list[dict]:
    return json.loads((GAZETTEER / "boundaries.geojson").read_text(encoding="utf-8"))["features"]


def _names(row: dict[str, str]) -> list[str]:
    return [row["name"], *filter(None, row["alt_names"].split("|"))]


def _count(places, kind: str, country: str = "SY") -> int:
    return sum(1 for p in places.values() if p["kind"] == kind and p["country"] == country)


def test_syria_admin_units_are_complete(places):
    assert places["SY"]["kind"] == "country"
    assert _count(places, "admin1") == 14
    assert _count(places, "admin2") == 62
    assert _count(places, "admin3") == 272


def test_every_ocha_community_is_one_entry(places):
    # All 5,251 OCHA communities keep their C-code; GeoNames places merge into them.
    communities = [p for p in places.values() if p["place_id"][:1] == "C" and "ocha2015:" in p["source"]
                   and p["kind"] in {"city", "town", "village"}]
    assert len(communities) == 5251
    assert all(p["parent_id"] in places and places[p["parent_id"]]["kind"] == "admin3" for p in communities)


def test_geonames_syrian_places_merge_into_communities(places):
    # GeoNames-only Syrian rows are the few places OCHA lacks (mostly the Golan), never a big city.
    only_geonames = [p for p in places.values() if p["country"] == "SY" and p["place_id"].startswith("GN")]
    assert len(only_geonames) <= 15
    # cities15000 holds every Syrian place of 15,000 people or more: all of them merged.
    assert all(int(p["population"] or 0) < 15_000 for p in only_geonames)
    assert "geonames:173576" in places["C3480"]["source"]  # Latakia
    assert "geonames:173811" in places["C4360"]["source"]  # Al-Hasakah


def test_neighbourhoods(places):
    hoods = [p for p in places.values() if p["kind"] == "neighbourhood"]
    assert sum(1 for p in hoods if p["place_id"].startswith("N")) == 414
    assert len(hoods) >= 414
    assert all(places[p["parent_id"]]["kind"] in {"city", "town", "village"} for p in hoods)
    mohafaza = places["N0151"]
    assert mohafaza["name"] == "Al-Mohafaza"
    assert mohafaza["parent_id"] == "C1007"
    assert places["C1007"]["name"] == "Aleppo" and places["C1007"]["kind"] == "city"


def test_damaged_and_composite_names(places):
    assert not any("\ufffd" in value for row in places.values() for value in row.values())
    # C3935's Arabic name is cut in the source: its intact first part survives, the rest is dropped.
    assert places["C3935"]["alt_names"].split("|")[-1] == "معارة النعسان"
    # Composite names are looked up by each part.
    assert {"Ali Elatrash", "Olikar", "عليكار"} <= set(_names(places["C1408"]))


def test_ids_kinds_and_parents_are_consistent(places):
    for pid, row in places.items():
        assert row["kind"] in KINDS, pid
        assert not row["parent_id"] or row["parent_id"] in places, f"{pid}: parent {row['parent_id']} missing"
        float(row["latitude"]), float(row["longitude"])
        assert row["source"], pid
        names = _names(row)
        assert len(names) == len(set(names)), f"{pid}: a name is repeated"


def test_merged_places_appear_once(places):
    aleppo = [p for p in places.values() if p["country"] == "SY" and p["kind"] == "city" and "Aleppo" in _names(p)]
    assert [p["place_id"] for p in aleppo] == ["C1007"]
    assert "ocha2015:C1007" in aleppo[0]["source"] and "geonames:170063" in aleppo[0]["source"]
    assert "حلب" in aleppo[0]["alt_names"].split("|")
    # The governorate is a different place with its own entry.
    assert places["SY02"]["kind"] == "admin1" and places["SY02"]["name"] == "Aleppo"
    # No GeoNames id is used twice.
    seen: dict[str, str] = {}
    for pid, row in places.items():
        for source in row["source"].split(";"):
            if source.startswith("geonames:"):
                assert source not in seen, f"{source} in {seen.get(source)} and {pid}"
                seen[source] = pid


@pytest.mark.parametrize("geonameid, name, country", [
    ("2660646", "Geneva", "CH"), ("524901", "Moscow", "RU"), ("3530597", "Mexico City", "MX"),
    ("323786", "Ankara", "TR"), ("276781", "Beirut", "LB"), ("314830", "Gaziantep", "TR"),
])
def test_world_cities(places, geonameid, name, country):
    row = places[f"GN{geonameid}"]
    assert name in _names(row)
    assert row["country"] == country and row["parent_id"] == country
    assert f"geonames:{geonameid}" in row["source"].split(";")


def test_curated_regions_and_spellings(places):
    ghouta = places["CUR-eastern-ghouta"]
    assert ghouta["kind"] == "region"
    assert ghouta["admin1"] == "Rural Damascus" and ghouta["parent_id"] == "SY03"
    assert abs(float(ghouta["latitude"]) - 33.527) < 0.01 and abs(float(ghouta["longitude"]) - 36.389) < 0.01
    assert "Raqqa" in _names(places["C5710"])
    assert "Muhafaza" in _names(places["N0151"])
    assert "Kobani" in _names(places["C1946"])


def test_curated_regions_news_name_without_a_source_polygon(places):
    valley = places["CUR-euphrates-valley"]
    assert valley["kind"] == "region" and valley["admin1"] == "Deir-ez-Zor"
    assert "Middle Euphrates valley" in _names(valley)
    assert "Badia" in _names(places["CUR-syrian-desert"])


@pytest.mark.parametrize(
    ("english", "arabic", "expected"),
    [
        ("Big Orm", "أورم الكبرى", ["Orm al-Kubra"]),
        ("Little Sharmukh", "شرموخ صغير", ["Sharmukh Saghir", "Sharmukh Sghir"]),
        ("Upper Diwan", "ديوان فوقاني", ["Diwan Fawqani", "Diwan Foqani"]),
        ("Western Sarja", "سرجة غربية", ["Sarja Gharbiya"]),
        ("Eastern Jarda", "الجرذى الشرقي", ["Jarda al-Sharqi"]),
    ],
)
def test_translated_qualifiers_get_their_news_spellings(english, arabic, expected):
    assert qualifier_spellings(english, arabic) == expected


@pytest.mark.parametrize(
    ("english", "arabic"),
    [
        ("Eastern Huweiz", "الحويز الشمالي"),  # the two names disagree: neither is trusted
        ("Big Duwara - Jraqli", "الدوارة الكبيرة_جارقلي"),  # composite: its parts are names of their own
        ("Tal Ahmar", "تل أحمر"),  # no qualifier
        ("Big", "كبير"),
    ],
)
def test_qualifier_spellings_only_when_both_names_agree(english, arabic):
    assert qualifier_spellings(english, arabic) == []


def test_ocha_villages_carry_their_transliterated_qualifier(places):
    assert "Orm al-Kubra" in _names(places["C1029"])
    assert "Orm al-Sughra" in _names(places["C1027"])


def test_curated_rows_cite_a_source():
    rows = read_curated(GAZETTEER / "curated.tsv")
    assert rows
    assert all(row["source"].strip() for row in rows)


def test_boundaries_are_valid_and_nested(boundaries, places):
    kinds = [f["properties"]["kind"] for f in boundaries]
    assert kinds.count("country") == 1 and kinds.count("admin1") == 14 and kinds.count("admin2") == 62
    for feature in boundaries:
        props = feature["properties"]
        assert set(props) == {"place_id", "name", "name_ar", "kind", "parent_id"}
        # A world outline without a gazetteer country (Antarctica, N. Cyprus, Somaliland) keeps its own name.
        assert props["place_id"] in places or (props["kind"] == "world" and not props["place_id"])
        assert shape(feature["geometry"]).is_valid, props["place_id"]
    aleppo = shapely.Point(float(places["C1007"]["longitude"]), float(places["C1007"]["latitude"]))
    containing = [f["properties"]["place_id"] for f in boundaries
                  if f["properties"]["kind"] == "admin1" and shape(f["geometry"]).contains(aleppo)]
    assert containing == ["SY02"]
    assert (GAZETTEER / "boundaries.geojson").stat().st_size < 1_500_000


def test_world_outlines_surround_syria_and_share_the_gazetteer_names(boundaries, places):
    world = {f["properties"]["place_id"]: f for f in boundaries if f["properties"]["kind"] == "world"}
    assert len(world) > 150 and "SY" not in world  # Syria's own outline is OCHA's, drawn on top
    for iso2 in ("LB", "TR", "IQ", "JO", "IL"):  # the neighbours
        assert world[iso2]["properties"]["name"] == places[iso2]["name"]
    land = shapely.union_all([shape(f["geometry"]) for f in world.values()])
    for geonameid in ("2660646", "524901", "276781"):  # Genève, Moscow and Beirut lie on land, not in the sea
        city = places[f"GN{geonameid}"]
        assert land.contains(shapely.Point(float(city["longitude"]), float(city["latitude"]))), city["name"]


def test_syrian_rows_lie_in_the_governorate_they_name(boundaries, places):
    governorates = {f["properties"]["name"]: shape(f["geometry"]) for f in boundaries
                    if f["properties"]["kind"] == "admin1"}
    rows = [p for p in places.values() if p["country"] == "SY" and p["kind"] != "country"]
    assert {p["admin1"] for p in rows} <= set(governorates)
    inside = sum(
        shapely.contains_xy(governorates[p["admin1"]], float(p["longitude"]), float(p["latitude"])) for p in rows
    )
    # Border and coastal villages may fall just outside the simplified polygons; nothing more.
    assert inside >= 0.98 * len(rows)
    country = next(shape(f["geometry"]) for f in boundaries if f["properties"]["kind"] == "country")
    for pid, row in places.items():
        if pid.startswith("CUR-"):
            assert country.contains(shapely.Point(float(row["longitude"]), float(row["latitude"]))), pid


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=8))
def test_alt_name_filter_output_is_clean(names):
    kept = useful_alt_names(names)
    assert len({n.casefold() for n in kept}) == len(kept)
    assert all(n and n == n.strip() and "|" not in n and "\t" not in n and "\n" not in n for n in kept)


def test_alt_name_filter_keeps_latin_and_arabic_only():
    kept = useful_alt_names(["ALP", "Halab", "حلب", "Халеб", "アレッポ", "hlb", "a lei po", "Halab", "Ḩalab", "Dar'a",
                             "Saqqez (2)", "http://az.wikipedia.org/wiki/X", 'Damask"', "Maʿarrat an Nuʿman"])
    assert kept == ["Halab", "حلب", "Ḩalab", "Dar'a", "Maʿarrat an Nuʿman"]


def test_missing_source_file_is_named(tmp_path):
    for name in ("o20", "o15", "gn"):
        (tmp_path / name).mkdir()
    with pytest.raises(GazetteerError, match=r"syr_admin0\.shp"):
        build_gazetteer(tmp_path / "o20", tmp_path / "o15", tmp_path / "gn", tmp_path / "out")


def test_curated_row_without_citation_is_refused(tmp_path):
    path = tmp_path / "curated.tsv"
    path.write_text("\t".join(COLUMNS) + "\n" + "\t".join(["CUR-x", "X", "region", "1", "2", "SY"] + [""] * 6) + "\n",
                    encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"curated\.tsv:2"):
        read_curated(path)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gazetteer")
    build_gazetteer(SOURCE_DATA / "ocha-2020", SOURCE_DATA / "ocha-2015", SOURCE_DATA / "geonames", out,
                    naturalearth=SOURCE_DATA / "naturalearth-lowres")
    return out


@requires_shared
@pytest.mark.shared
@pytest.mark.parametrize("name", ["places.tsv", "boundaries.geojson", "basemap.json", "README.md"])
def test_rebuild_is_byte_identical_to_committed(rebuilt, name):
    assert (rebuilt / name).read_bytes() == (GAZETTEER / name).read_bytes(), (
        f"gazetteer/{name} is stale: rebuild it with the command in gazetteer/README.md"
    )


def test_committed_basemap_places_are_those_of_the_committed_gazetteer():
    from geomap.gazetteer.labels import BASEMAP_FILE, choose_places

    stored = json.loads((GAZETTEER / BASEMAP_FILE).read_text(encoding="utf-8"))
    assert {"cities": stored["cities"], "admin1": stored["admin1"]} == choose_places(GAZETTEER)
    assert stored["cities"][0][0] == "Aleppo" and stored["admin1"]["Lattakia"] == "Latakia"


def test_cli_names_the_wrong_folder(tmp_path, capsys):
    from geomap.cli import main

    missing = tmp_path / "no-such-folder"
    sources = tmp_path / "sources"  # not holding the output: the build may not write into a source folder
    sources.mkdir()
    status = main(["gazetteer", "build", "--ocha-2020", str(missing), "--ocha-2015", str(sources),
                   "--geonames", str(sources), "--out", str(tmp_path / "out")])
    assert status == 1
    assert str(missing) in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
