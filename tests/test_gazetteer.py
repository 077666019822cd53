"""The gazetteer: loading and caching, lookup, resolution in context, geopy provider.

Logic tests use a small fixture TSV; the acceptance tests at the end run on
the bundled ``gazetteer/`` and the seed report's gold places.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import geopy.geocoders  # noqa: F401  urllib3 opens a socket at import to probe IPv6: import before sockets are blocked
import pytest
import yaml
from conftest import SEEDS, requires_shared

from geomap.errors import GazetteerError
from geomap.gazetteer import (
    COLUMNS,
    Gazetteer,
    Place,
    Query,
    ResolveContext,
    haversine_km,
    split_cue,
)
from geomap.names import normalise

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "gazetteer" / "places.tsv"
requires_bundled = pytest.mark.skipif(not BUNDLED.exists(), reason="gazetteer/places.tsv not built yet")

# place_id name kind lat lon country admin1 admin2 parent_id population alt_names source
FIXTURE_ROWS = [
    ("SY", "Syria", "country", 34.81588, 38.57658, "SY", "", "", "", 22198110, "سوريا", "test"),
    ("SY02", "Aleppo", "admin1", 36.1469, 37.39516, "SY", "Aleppo", "", "SY", "", "حلب", "test"),
    ("SY07", "Idleb", "admin1", 35.7, 36.6, "SY", "Idleb", "", "SY", "", "Idlib|إدلب", "test"),
    ("C1007", "Aleppo", "city", 36.20311, 37.14087, "SY", "Aleppo", "Jebel Saman", "SY020000", 1602264, "Halab|حلب", "test"),
    ("C3871", "Idlib", "city", 35.93, 36.63, "SY", "Idleb", "Idleb", "SY070000", 128840, "Idleb|إدلب", "test"),
    ("C5710", "Raqqa", "city", 35.95, 39.01, "SY", "Ar-Raqqa", "Ar-Raqqa", "SY110000", 177636, "Ar-Raqqah|الرقة", "test"),
    ("N0151", "Al-Mohafaza", "neighbourhood", 36.21068, 37.1356, "SY", "Aleppo", "Jebel Saman", "C1007", "", "Muhafaza", "test"),
    ("N0300", "Al-Mohafaza", "neighbourhood", 35.14, 36.75, "SY", "Hama", "Hama", "C2987", "", "Muhafaza", "test"),
    ("C9001", "Tall Hamra", "village", 36.5, 38.1, "SY", "Aleppo", "Menbij", "SY020500", "", "", "test"),
    ("C9002", "Tall Hamra", "village", 33.2, 36.2, "SY", "Rural Damascus", "Qatana", "SY030300", "", "", "test"),
    ("C1001", "Damascus", "city", 33.5102, 36.2913, "SY", "Damascus", "Damascus", "SY010000", 1569394, "Dimashq|دمشق", "test"),
    ("GN4352728", "Damascus", "city", 39.28, -77.2, "US", "Maryland", "", "US", 15257, "", "test"),
    ("GN2660646", "Genève", "city", 46.20222, 6.14569, "CH", "Geneva", "Geneva", "CH", 183981, "Geneva|Geneve|Genf", "test"),
    ("GN3176219", "Genoa", "city", 44.40478, 8.94439, "IT", "Liguria", "Genova", "IT", 580223, "Genova|Genes", "test"),
    ("GN4893591", "Geneva", "city", 41.88753, -88.30535, "US", "Illinois", "", "US", 21495, "", "test"),
    ("GN524901", "Moscow", "city", 55.75222, 37.61556, "RU", "Moscow", "", "RU", 10381222, "Moskva|Москва", "test"),
    ("GN5601538", "Moscow", "city", 46.73239, -117.00017, "US", "Idaho", "", "US", 25060, "", "test"),
    ("GN4409896", "Springfield", "city", 37.21533, -93.29824, "US", "Missouri", "", "US", 166810, "", "test"),
    ("GN4951788", "Springfield", "city", 42.10148, -72.58981, "US", "Massachusetts", "", "US", 153703, "", "test"),
    ("GN9000001", "Smallham", "city", 51.0, 0.0, "GB", "England", "", "GB", 16000, "", "test"),
    ("C2321", "Arbin", "town", 33.54, 36.36, "SY", "Rural Damascus", "Duma", "SY030200", 42474, "Aarbil", "test"),
    ("GN95446", "Erbil", "city", 36.19, 44.01, "IQ", "Arbil", "", "IQ", 932800, "Arbil|Irbil", "test"),
    ("SY1102", "Tell Abiad", "admin2", 36.4, 38.7, "SY", "Ar-Raqqa", "", "SY11", "", "", "test"),
    ("C5792", "Tal Abyad", "town", 36.697, 38.956, "SY", "Ar-Raqqa", "Tell Abiad", "SY110200", "", "", "test"),
]


def _write_places(folder: Path, rows=FIXTURE_ROWS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(COLUMNS)]
    for row in rows:
        lines.append("\t".join(str(value) for value in row))
    path = folder / "places.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture()
def fixture_dir(tmp_path: Path) -> Path:
    _write_places(tmp_path / "gz")
    return tmp_path / "gz"


@pytest.fixture()
def gz(fixture_dir: Path) -> Gazetteer:
    Gazetteer._loaded.clear()
    return Gazetteer.load(fixture_dir)


# --- loading ---------------------------------------------------------------

def test_load_parses_the_contract_columns(gz: Gazetteer) -> None:
    aleppo = gz.get("C1007")
    assert isinstance(aleppo, Place)
    assert (aleppo.lat, aleppo.lon) == (36.20311, 37.14087)
    assert aleppo.population == 1602264
    assert aleppo.alt_names == ("Halab", "حلب")
    assert gz.get("N0151").population is None
    assert len(gz) == len(FIXTURE_ROWS)


def test_load_is_cached_per_process(fixture_dir: Path) -> None:
    Gazetteer._loaded.clear()
    assert Gazetteer.load(fixture_dir) is Gazetteer.load(fixture_dir / "places.tsv")


def test_index_cache_is_written_and_rebuilt_when_data_changes(fixture_dir: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "own-cache"
    monkeypatch.setenv("GEOMAP_CACHE", str(cache))
    Gazetteer._loaded.clear()
    Gazetteer.load(fixture_dir)
    first = sorted(cache.glob("gazetteer-index-*.pickle"))
    assert len(first) == 1
    rows = pickle.loads(first[0].read_bytes())[0]
    assert len(rows) == len(FIXTURE_ROWS)

    _write_places(fixture_dir, FIXTURE_ROWS + [("C9999", "Newtown", "town", 35.0, 38.0, "SY", "", "", "", "", "", "test")])
    Gazetteer._loaded.clear()
    reloaded = Gazetteer.load(fixture_dir)
    assert reloaded.get("C9999").name == "Newtown"
    assert len(list(cache.glob("gazetteer-index-*.pickle"))) == 2


def test_damaged_cache_is_ignored(fixture_dir: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "bad-cache"
    monkeypatch.setenv("GEOMAP_CACHE", str(cache))
    Gazetteer._loaded.clear()
    Gazetteer.load(fixture_dir)
    for path in cache.glob("gazetteer-index-*.pickle"):
        path.write_bytes(b"not a pickle")
    Gazetteer._loaded.clear()
    assert Gazetteer.load(fixture_dir).get("C1007").name == "Aleppo"


def test_derived_data_is_cached_with_the_index_and_made_again_when_damaged(
        fixture_dir: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "derived-cache"
    monkeypatch.setenv("GEOMAP_CACHE", str(cache))
    Gazetteer._loaded.clear()
    gz = Gazetteer.load(fixture_dir)
    made = []

    def build() -> list[str]:
        made.append(1)
        return sorted(gz.keys())

    assert gz.derived("sorted-keys-v1", build) == sorted(gz.keys())
    assert gz.derived("sorted-keys-v1", build) == sorted(gz.keys())  # a later process loads it
    assert len(made) == 1 and len(list(cache.glob("gazetteer-sorted-keys-v1-*.pickle"))) == 1
    for path in cache.glob("gazetteer-sorted-keys-v1-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert gz.derived("sorted-keys-v1", build) == sorted(gz.keys()) and len(made) == 2


def test_derived_data_of_an_in_memory_gazetteer_is_never_cached(gz: Gazetteer, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path))
    memory = Gazetteer.from_places([gz.get("C1007")])
    assert memory.derived("keys-v1", lambda: sorted(memory.keys())) == sorted(memory.keys())
    assert not list(tmp_path.glob("gazetteer-keys-*"))
    with pytest.raises(ValueError):
        gz.derived("../escape", list)


def test_pickles_cheaply_for_worker_processes(gz: Gazetteer) -> None:
    data = pickle.dumps(gz)
    assert len(data) < 1000  # a reference to the folder, not the data
    assert pickle.loads(data) is gz  # same process: the loaded instance
    memory = Gazetteer.from_places([gz.get("C1007")])
    assert pickle.loads(pickle.dumps(memory)).get("C1007") == gz.get("C1007")


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="places.tsv"):
        Gazetteer.load(tmp_path / "nowhere")


def test_bad_row_names_file_and_line(tmp_path: Path) -> None:
    path = _write_places(tmp_path / "bad")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace("36.20311", "north")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    Gazetteer._loaded.clear()
    with pytest.raises(GazetteerError, match=r"places\.tsv:5: bad number"):
        Gazetteer.load(tmp_path / "bad")


def test_bad_header_is_reported(tmp_path: Path) -> None:
    (tmp_path / "places.tsv").write_text("id\tname\n", encoding="utf-8")
    Gazetteer._loaded.clear()
    with pytest.raises(GazetteerError, match=r":1: header"):
        Gazetteer.load(tmp_path)


# --- lookup ----------------------------------------------------------------

def test_keys_and_by_key_cover_latin_and_arabic_names(gz: Gazetteer) -> None:
    keys = set(gz.keys())
    assert normalise("Halab") in keys and normalise("حلب") in keys
    assert {p.place_id for p in gz.by_key(normalise("Aleppo"))} == {"SY02", "C1007"}
    assert gz.by_key("no such key") == []


def test_candidates_exact_then_fuzzy(gz: Gazetteer) -> None:
    exact = gz.candidates("Ar-Raqqah")
    assert [c.place.place_id for c in exact] == ["C5710"]
    assert not exact[0].fuzzy and exact[0].score == 100
    fuzzy = gz.candidates("Springfiel")
    assert fuzzy and all(c.fuzzy and c.score < 100 for c in fuzzy)
    assert gz.candidates("Springfiel", fuzzy=False) == []
    assert gz.candidates("") == [] and gz.candidates("al-") == []


def test_fuzzy_never_beats_exact(gz: Gazetteer) -> None:
    # "Idleb" is exact for the city and governorate; fuzzy neighbours are not consulted.
    assert all(not c.fuzzy for c in gz.candidates("Idleb"))


# --- resolution ------------------------------------------------------------

def test_bare_name_prefers_the_city_over_the_governorate(gz: Gazetteer) -> None:
    assert gz.resolve("Aleppo").place.place_id == "C1007"
    assert gz.resolve("حلب").place.place_id == "C1007"


def test_province_cue_prefers_the_admin1(gz: Gazetteer) -> None:
    assert gz.resolve("Idlib", ResolveContext(cue="province")).place.place_id == "SY07"
    assert gz.resolve("Idlib province").place.place_id == "SY07"
    assert gz.resolve("the city of Idlib").place.place_id == "C3871"


def test_direction_word_is_set_aside_inside_the_focus_country(gz: Gazetteer) -> None:
    result = gz.resolve("northern Idlib", ResolveContext(country="SY"))
    assert result.place.place_id == "C3871" and "'northern' set aside" in result.reason
    assert gz.resolve("north-eastern Idlib province", ResolveContext(country="SY")).place.place_id == "SY07"
    assert gz.resolve("northern Geneva", ResolveContext(country="SY")).place is None  # not the focus country
    assert gz.resolve("northern Idlib").place is None  # no focus: no guess


def test_split_cue() -> None:
    assert split_cue("Aleppo governorate") == ("Aleppo", "governorate")
    assert split_cue("the neighbourhood of Muhafaza") == ("Muhafaza", "neighbourhood")
    assert split_cue("Aleppo") == ("Aleppo", None)


def test_unknown_cue_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown cue"):
        ResolveContext(cue="hamlet")


def test_neighbourhood_needs_its_city(gz: Gazetteer) -> None:
    alone = gz.resolve("Muhafaza")
    assert alone.place is None and alone.status == "ambiguous"
    assert "Aleppo" in alone.reason and "Hama" in alone.reason
    in_aleppo = gz.resolve("Muhafaza", ResolveContext(city="Aleppo"))
    assert in_aleppo.place.place_id == "N0151"
    assert "inside Aleppo" in in_aleppo.reason
    near = gz.resolve("Muhafaza", ResolveContext(nearby=(gz.get("C1007"),)))
    assert near.place.place_id == "N0151"


def test_country_focus_beats_a_foreign_namesake(gz: Gazetteer) -> None:
    assert gz.resolve("Damascus", ResolveContext(country="SY")).place.country == "SY"
    assert gz.resolve("Damascus").place.country == "SY"  # the capital outranks a small town anyway


def test_foreign_city_in_a_syria_report(gz: Gazetteer) -> None:
    syria = ResolveContext(country="SY")
    assert gz.resolve("Geneva", syria).place.place_id == "GN2660646"
    assert gz.resolve("Moscow", syria).place.place_id == "GN524901"


def test_equally_plausible_far_apart_places_are_not_guessed(gz: Gazetteer) -> None:
    result = gz.resolve("Springfield", ResolveContext(country="SY"))
    assert result.place is None and result.status == "ambiguous"
    assert "ambiguous" in result.reason
    villages = gz.resolve("Tall Hamra")
    assert villages.place is None


def test_nearby_places_break_a_tie(gz: Gazetteer) -> None:
    result = gz.resolve("Tall Hamra", ResolveContext(nearby=((36.4, 38.0),)))
    assert result.place.place_id == "C9001"
    assert "km from" in result.reason


def test_small_foreign_place_is_not_guessed(gz: Gazetteer) -> None:
    result = gz.resolve("Smallham", ResolveContext(country="SY"))
    assert result.place is None
    assert "not guessing" in result.reason
    assert gz.resolve("Smallham").place.place_id == "GN9000001"  # without a focus it is the only answer


def test_spelled_alike_beats_folded_alike(gz: Gazetteer) -> None:
    # Arbin's odd alt name "Aarbil" folds like Erbil; the country focus must not
    # turn the Iraqi city, spelled exactly, into a Syrian town.
    result = gz.resolve("Erbil", ResolveContext(country="SY"))
    assert result.place.place_id == "GN95446"
    assert gz.resolve("Arbin", ResolveContext(country="SY")).place.place_id == "C2321"


def test_town_beats_the_district_named_after_it(gz: Gazetteer) -> None:
    assert gz.resolve("Tell Abiad").place.place_id == "C5792"
    assert gz.resolve("Tell Abiad district").place.place_id == "SY1102"


def test_unknown_name_is_unlocated(gz: Gazetteer) -> None:
    result = gz.resolve("Xyzzyville")
    assert result.place is None and result.status == "unlocated"
    assert "Xyzzyville" in result.reason


def test_resolution_reason_names_the_place_and_the_evidence(gz: Gazetteer) -> None:
    result = gz.resolve("Raqqa", ResolveContext(country="SY"))
    assert result.status == "located"
    assert "Raqqa" in result.reason and "C5710" in result.reason and "country SY" in result.reason
    assert result.score > 0 and not result.fuzzy


def test_resolve_many_infers_the_country_and_uses_other_mentions(gz: Gazetteer) -> None:
    results = gz.resolve_many(["Aleppo", "Muhafaza", "Raqqa", "Damascus", "Geneva", "Moscow", Query("Idlib", cue="province")])
    ids = [r.place.place_id if r.place else None for r in results]
    assert ids == ["C1007", "N0151", "C5710", "C1001", "GN2660646", "GN524901", "SY07"]
    assert "country SY" in results[3].reason


def test_resolve_many_accepts_tuples_and_explicit_country(gz: Gazetteer) -> None:
    results = gz.resolve_many([("Muhafaza", "neighbourhood", "Aleppo")], country="SY")
    assert results[0].place.place_id == "N0151"
    assert Gazetteer.infer_country([]) is None


def test_haversine() -> None:
    assert haversine_km(36.2012, 37.1612, 33.5102, 36.2913) == pytest.approx(310, abs=10)


# --- geopy -----------------------------------------------------------------

def test_local_gazetteer_is_a_geopy_geocoder(gz: Gazetteer) -> None:
    from geopy.geocoders.base import Geocoder
    from geopy.location import Location

    from geomap.gazetteer import LocalGazetteer

    coder = LocalGazetteer(gazetteer=gz, country="SY")
    assert isinstance(coder, Geocoder)
    location = coder.geocode("Ar-Raqqah")
    assert isinstance(location, Location)
    assert (location.latitude, location.longitude) == (35.95, 39.01)
    assert location.raw["place_id"] == "C5710"
    assert coder.geocode("Xyzzyville") is None
    many = coder.geocode("Aleppo", exactly_one=False)
    assert [loc.raw["place_id"] for loc in many][0] == "C1007" and len(many) == 2
    assert coder.reverse((36.2, 37.14)).raw["place_id"] in {"C1007", "N0151"}


def test_geopandas_geocode_works_offline(fixture_dir: Path, monkeypatch) -> None:
    import geopandas

    from geomap.gazetteer import LocalGazetteer

    monkeypatch.setenv("GEOMAP_GAZETTEER", str(fixture_dir))
    Gazetteer._loaded.clear()
    frame = geopandas.tools.geocode(["Aleppo", "Raqqa", "Xyzzyville"], provider=LocalGazetteer)
    assert frame.crs == "EPSG:4326"
    assert frame.geometry[0].y == pytest.approx(36.20311)
    assert frame.geometry[1].x == pytest.approx(39.01)
    assert frame.geometry[2].is_empty
    assert frame.address[0].startswith("Aleppo")


# --- the bundled gazetteer (acceptance) -----------------------------------

@pytest.fixture(scope="module")
def bundled() -> Gazetteer:
    if not BUNDLED.exists():
        pytest.skip("gazetteer/places.tsv not built yet")
    return Gazetteer.load(BUNDLED.parent)


def _gold_places() -> list[dict]:
    return yaml.safe_load((SEEDS / "aleppo-2016-05-03.gold.yaml").read_text(encoding="utf-8"))["places"]


@requires_shared
@requires_bundled
def test_every_gold_place_resolves_within_its_radius(bundled: Gazetteer) -> None:
    gold = _gold_places()
    results = bundled.resolve_many([entry["mention"] for entry in gold])
    for entry, result in zip(gold, results):
        assert result.place is not None, (entry["mention"], result.reason)
        km = haversine_km(entry["lat"], entry["lon"], result.place.lat, result.place.lon)
        assert km <= entry["within_km"], (entry["mention"], result.place.label(), round(km, 1))
        if "pcode" in entry:
            assert result.place.place_id == entry["pcode"]


@requires_shared
@requires_bundled
@pytest.mark.parametrize("mention", ["Geneva", "Moscow", "Mexico City", "Damascus"])
def test_gold_world_places_with_a_syria_focus(bundled: Gazetteer, mention: str) -> None:
    entry = next(e for e in _gold_places() if e["mention"] == mention)
    place = bundled.resolve(mention, ResolveContext(country="SY")).place
    assert haversine_km(entry["lat"], entry["lon"], place.lat, place.lon) <= entry["within_km"]


@requires_bundled
def test_muhafaza_is_aleppos_neighbourhood_when_aleppo_is_named(bundled: Gazetteer) -> None:
    aleppo = bundled.resolve("Aleppo", ResolveContext(country="SY")).place
    result = bundled.resolve("Muhafaza", ResolveContext(country="SY", nearby=(aleppo,)))
    assert result.place.place_id == "N0151"
    assert bundled.resolve("Muhafaza", ResolveContext(country="SY", city="Aleppo")).place.place_id == "N0151"


# Reference points: GeoNames coordinates of the city (or town) meant.
SYRIAN_VARIANTS = {
    (36.2012, 37.1612): ["Aleppo", "Halab", "حلب", "Alep"],
    (35.9528, 39.0079): ["Raqqa", "Ar-Raqqah", "Al-Raqqa", "Raqqah", "Rakka", "الرقة", "Arraqqa"],
    (35.3360, 40.1408): ["Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor", "Deir al-Zour", "Deir-ez-Zor", "دير الزور"],
    (34.7268, 36.7234): ["Homs", "Hims", "حمص"],
    (35.5317, 35.7901): ["Latakia", "Lattakia", "Al-Ladhiqiyah", "اللاذقية"],
    (35.9306, 36.6339): ["Idlib", "Idleb", "إدلب"],
    (36.5024, 40.7477): ["Hasakah", "Al-Hasakeh", "Hassakeh", "Al-Hasakah"],
    (33.5711, 36.4050): ["Douma", "Duma", "دوما"],
    (32.6189, 36.1021): ["Daraa", "Deraa", "Dar'a", "درعا"],
    (37.0522, 41.2317): ["Qamishli", "Al-Qamishli", "Kamishli", "القامشلي"],
    (36.5281, 37.9549): ["Manbij", "Membij", "منبج"],
    (36.8175, 38.0114): ["Jarabulus", "Jarablus"],
    (34.5601, 38.2805): ["Palmyra", "Tadmur", "Tadmor", "تدمر"],
    (33.5102, 36.2913): ["Damascus", "Dimashq", "دمشق"],
    (35.1318, 36.7578): ["Hama", "Hamah", "حماة"],
    (32.7090, 36.5695): ["Suwayda", "As-Suwayda", "Sweida", "السويداء"],
    (34.8890, 35.8866): ["Tartus", "Tartous", "طرطوس"],
    (35.4144, 36.6364): ["Khan Shaykhun", "Khan Sheikhoun"],
    (35.6475, 36.6726): ["Maarat al-Numan", "Ma'arrat al-Nu'man", "Maarat an-Numan"],
    (36.8909, 38.3539): ["Kobani", "Ain al-Arab", "Kobane"],
    (35.9829, 36.7022): ["al-Fuaa", "Foua", "Al-Fouaa", "الفوعة"],
    (35.9907, 36.6775): ["Kafraya", "Kefraya"],
}


@requires_bundled
@pytest.mark.parametrize(
    ("name", "point"),
    [(name, point) for point, names in SYRIAN_VARIANTS.items() for name in names],
)
def test_syrian_spelling_variants_resolve_to_the_right_place(bundled: Gazetteer, name: str, point: tuple) -> None:
    result = bundled.resolve(name, ResolveContext(country="SY"))
    assert result.place is not None, result.reason
    km = haversine_km(point[0], point[1], result.place.lat, result.place.lon)
    assert km <= 15, (name, result.place.label(), round(km, 1))


@requires_bundled
@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        # OCHA writes "Big Orm" for the village news call Urum al-Kubra (Arabic أورم الكبرى)
        ("Urum al-Kubra", "C1029"), ("Orum al-Kubra", "C1029"), ("Orm al-Sughra", "C1027"),
        ("Euphrates Valley", "CUR-euphrates-valley"), ("Middle Euphrates valley", "CUR-euphrates-valley"),
        ("Badia", "CUR-syrian-desert"), ("Syrian desert", "CUR-syrian-desert"),
        # OCHA's Tal Tufan (تل طوقان) as news write it
        ("Tal Toughan", "C3903"), ("Tell Touqan", "C3903"),
    ],
)
def test_news_names_the_sources_write_otherwise(bundled: Gazetteer, name: str, place_id: str) -> None:
    result = bundled.resolve(name, ResolveContext(country="SY"))
    assert result.place is not None, result.reason
    assert result.place.place_id == place_id, result.reason


@requires_bundled
@pytest.mark.parametrize("name", ["Xyzzyville", "Springfield", "Qwertzuiop", "Menagh Airbase Xq"])
def test_unknown_names_are_not_guessed(bundled: Gazetteer, name: str) -> None:
    assert bundled.resolve(name, ResolveContext(country="SY")).place is None


@requires_bundled
def test_containment_in_governorates(bundled: Gazetteer) -> None:
    if not (BUNDLED.parent / "boundaries.geojson").exists():
        pytest.skip("gazetteer/boundaries.geojson not built yet")
    assert bundled.containing(36.2012, 37.1612).place_id == "SY02"
    assert bundled.containing(33.5102, 36.2913, kind="country").place_id == "SY"
    assert bundled.containing(46.2, 6.14) is None


# --- foreign namesakes in a document focused on another country ------------

def _place(place_id: str, name: str, kind: str, lat: float, lon: float, country: str,
           population: int | None = None, alt_names: tuple[str, ...] = ()) -> Place:
    return Place(place_id, name, kind, lat, lon, country, "", "", "", population, alt_names, "test")


@pytest.fixture()
def namesakes() -> Gazetteer:
    # Invented places: a home country (SY), a far one (ZZ) and a neighbour (QQ).
    return Gazetteer.from_places([
        _place("SY", "Syria", "country", 34.8, 38.6, "SY", 22_000_000),
        _place("QQ", "Quarland", "country", 33.0, 44.0, "QQ", 9_000_000, ("QL",)),
        _place("Z1", "Zarvona", "city", 10.0, 100.0, "ZZ", 250_000),
        _place("Z2", "Pellworth", "city", 12.0, 101.0, "ZZ", 180_000, ("Ptu",)),
        _place("Z3", "Great Velmor", "city", 14.0, 102.0, "ZZ", 3_000_000, ("Vm",)),
        _place("S1", "Mirdana", "village", 36.1, 37.5, "SY"),
        _place("Q1", "Mirdanah", "city", 33.3, 44.4, "QQ", 400_000),
        _place("S2", "Kastrel", "neighbourhood", 33.51, 36.29, "SY"),
        _place("Q2", "Kastrel", "city", 33.4, 44.3, "QQ", 4_000_000),
    ])


def test_foreign_place_reached_only_through_folds_is_refused(namesakes: Gazetteer) -> None:
    # "Zarvana" shares Zarvona's key through the vowel folds, a Syrian spelling habit
    alone = namesakes.resolve("Zarvana")
    assert alone.place is not None and alone.place.place_id == "Z1"
    focused = namesakes.resolve("Zarvana", ResolveContext(country="SY"))
    assert focused.place is None
    assert "folds" in focused.reason
    # spelled as the place is named, it is still found
    assert namesakes.resolve("Zarvona", ResolveContext(country="SY")).place.place_id == "Z1"


def test_very_short_name_of_a_foreign_town_is_refused(namesakes: Gazetteer) -> None:
    assert namesakes.resolve("Ptu").place.place_id == "Z2"
    refused = namesakes.resolve("Ptu", ResolveContext(country="SY"))
    assert refused.place is None and "too short" in refused.reason
    # a large city and a country keep their short names
    assert namesakes.resolve("Vm", ResolveContext(country="SY")).place.place_id == "Z3"
    assert namesakes.resolve("QL", ResolveContext(country="SY")).place.place_id == "QQ"


def test_small_foreign_namesake_yields_to_the_focus_country(namesakes: Gazetteer) -> None:
    # the foreign city is larger and would win on prominence alone
    assert namesakes.resolve("Mirdanah").place.place_id == "Q1"
    home = namesakes.resolve("Mirdanah", ResolveContext(country="SY"))
    assert home.place is not None and home.place.place_id == "S1"
    # in a report about that country, its own city
    assert namesakes.resolve("Mirdanah", ResolveContext(country="QQ")).place.place_id == "Q1"


def test_large_foreign_city_still_beats_a_home_namesake(namesakes: Gazetteer) -> None:
    assert namesakes.resolve("Kastrel", ResolveContext(country="SY")).place.place_id == "Q2"


@requires_bundled
@pytest.mark.parametrize(("mention", "country"), [
    ("Geneva", "CH"), ("Moscow", "RU"), ("Mexico City", "MX"), ("Washington", "US"), ("Ankara", "TR"),
    ("Tehran", "IR"), ("Beirut", "LB"), ("Amman", "JO"), ("Baghdad", "IQ"), ("Erbil", "IQ"), ("Mosul", "IQ"),
])
def test_world_cities_still_resolve_in_a_syria_report(bundled: Gazetteer, mention: str, country: str) -> None:
    result = bundled.resolve(mention, ResolveContext(country="SY"))
    assert result.place is not None and result.place.country == country, result.reason


@requires_bundled
def test_mosul_in_an_iraq_report(bundled: Gazetteer) -> None:
    assert bundled.resolve("Mosul", ResolveContext(country="IQ")).place.place_id == "GN99072"


@requires_bundled
@pytest.mark.parametrize("mention", ["Mar", "Tu", "Mansoura"])
def test_stray_words_are_not_placed_abroad_in_a_syria_report(bundled: Gazetteer, mention: str) -> None:
    place = bundled.resolve(mention, ResolveContext(country="SY")).place
    assert place is None or place.country == "SY"


def test_a_bare_name_spelled_as_a_country_is_the_country_not_a_village_of_that_name(bundled: Gazetteer) -> None:
    aleppo = bundled.resolve("Aleppo", ResolveContext(country="SY")).place
    qatar = bundled.resolve("Qatar", ResolveContext(country="SY", nearby=(aleppo,)))
    assert qatar.place is not None and qatar.place.kind == "country"
    village = bundled.resolve("Qatar", ResolveContext(country="SY", cue="village", nearby=(aleppo,)))
    assert village.place is not None and village.place.kind == "village" and village.place.admin1 == "Aleppo"


@requires_bundled
def test_of_two_cities_named_alike_a_city_of_millions_many_times_the_other_is_meant(bundled: Gazetteer) -> None:
    assert bundled.resolve("Hyderabad").place.country == "IN"
    # ... but not in a text of the smaller one's country
    assert bundled.resolve("Hyderabad", ResolveContext(country="PK")).place.country == "PK"
    # ... nor between towns of similar size ("Springfield" above), nor for a smaller city
    assert bundled.resolve("San Juan").place is None


def test_short_names_get_no_fuzzy_matches(bundled: Gazetteer) -> None:
    # "Serj" folds to four letters, one letter from Ser, Sur, Sarja and Sharjah
    assert bundled.candidates("Serj") == []
    assert bundled.resolve("Serj").place is None
    assert not bundled.candidates("Raqqah")[0].fuzzy  # exact matches of short keys are not affected
