"""The user's own places (``--gazetteer FILE``) layered over the bundled gazetteer."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pandas as pd
import pytest

from geomap.errors import InputError
from geomap.gazetteer import Gazetteer, Place
from geomap.render.payload import payload_from_html
from geomap.tables import load_events, read_user_places

# A facility the bundled gazetteer lacks, and a village whose name the
# bundled data already has (the user's coordinates must win).
USER_CSV = (
    "name,lat,lon,kind,alt_names\n"
    "Dubeet Hospital,36.2101,37.1302,facility,Al-Dubeet Hospital;Dubeet Hosp\n"
    "Kafr Hamra,36.3000,37.0000,village,\n"
)


@pytest.fixture(scope="module")
def bundled() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture
def places_file(tmp_path: Path) -> Path:
    path = tmp_path / "my-places.csv"
    path.write_text(USER_CSV, encoding="utf-8")
    return path


@pytest.fixture
def layered(bundled: Gazetteer, places_file: Path) -> Gazetteer:
    return bundled.with_places(read_user_places(places_file))


# --- the API ---------------------------------------------------------------------------

def test_user_facility_resolves_to_the_users_point(layered: Gazetteer, bundled: Gazetteer) -> None:
    assert bundled.resolve("Dubeet Hospital").place is None
    place = layered.resolve("Dubeet Hospital").place
    assert place is not None
    assert (place.name, place.kind, place.latitude, place.longitude) == ("Dubeet Hospital", "facility", 36.2101, 37.1302)
    assert place.place_id == "user:2" and place.source == "user:my-places.csv"
    assert layered.resolve("Al-Dubeet Hospital").place == place  # alternative names count
    assert layered.resolve("Dubeet Hospitl").place == place  # and so do typos (fuzzy)


def test_user_row_named_like_a_bundled_place_wins(layered: Gazetteer, bundled: Gazetteer) -> None:
    ours = bundled.resolve("Kafr Hamra").place
    assert ours is not None and ours.source != "user:my-places.csv"
    theirs = layered.resolve("Kafr Hamra").place
    assert (theirs.latitude, theirs.longitude, theirs.place_id) == (36.3, 37.0, "user:3")
    assert [c.place.place_id for c in layered.candidates("Kafr Hamra")] == ["user:3"]


def test_bundled_gazetteer_is_left_unchanged(layered: Gazetteer, bundled: Gazetteer) -> None:
    assert Gazetteer.load() is bundled
    assert bundled.resolve("Dubeet Hospital").place is None
    assert len(layered) == len(bundled) + 2
    assert layered.resolve("Aleppo").place == bundled.resolve("Aleppo").place  # other names unaffected
    assert layered.get("user:2").name == "Dubeet Hospital"
    with pytest.raises(KeyError):
        bundled.get("user:2")


def test_missing_country_and_admin_names_come_from_the_boundaries(layered: Gazetteer) -> None:
    place = layered.get("user:2")
    assert (place.country, place.admin1) == ("SY", "Aleppo")
    assert place.admin2


def test_same_places_give_the_same_layered_object_even_after_pickling(bundled: Gazetteer, places_file: Path,
                                                                       layered: Gazetteer) -> None:
    assert bundled.with_places(read_user_places(places_file)) is layered
    assert bundled.with_places([]) is bundled
    # workers receive the base by reference to its folder and the few user places, not the whole index
    data = pickle.dumps(layered)
    assert len(data) < 5_000
    assert pickle.loads(data) is layered


def test_places_can_be_given_as_place_objects_or_plain_dicts(bundled: Gazetteer) -> None:
    point = {"name": "Field clinic 7", "kind": "facility", "latitude": 35.93, "longitude": 36.63}
    from_dict = bundled.with_places([point]).resolve("Field clinic 7").place
    assert from_dict.place_id == "user:Field clinic 7"
    as_place = Place(**{**from_dict._asdict(), "place_id": "clinic-7"})
    assert bundled.with_places([as_place]).get("clinic-7").latitude == 35.93


def test_bad_user_rows_are_listed_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("name,lat,lon,kind\nOK place,36,37,village\n,36,37,village\nX,95,37,village\nY,36,37,castle\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_user_places(path)
    message = str(info.value)
    assert f"{path}:3: name is empty" in message
    assert f"{path}:4: latitude 95.0 is out of range" in message
    assert f"{path}:5: unknown kind 'castle'" in message


# --- the stages accept the layered gazetteer ---------------------------------------------------

REPORT = "Regime aircraft struck the Dubeet Hospital on Tuesday, killing 4 people."


def test_extraction_places_events_at_the_users_point(layered: Gazetteer) -> None:
    from geomap.extract import extract_events, extract_mentions

    events = extract_events(REPORT, report_date="2016-05-04", gazetteer=layered)
    assert list(events["place_id"]) == ["user:2"]
    assert (events.loc[0, "latitude"], events.loc[0, "longitude"]) == (36.2101, 37.1302)
    assert events.loc[0, "country"] == "Syria"
    mentions = extract_mentions(REPORT, gazetteer=layered)
    assert mentions.loc[mentions["text"] == "Dubeet Hospital", "status"].tolist() == ["located"]


def test_event_table_rows_without_coordinates_are_geocoded_with_user_places(tmp_path: Path,
                                                                            layered: Gazetteer) -> None:
    table = tmp_path / "events.csv"
    table.write_text("event_date,event_type,location,latitude,longitude\n"
                     "2016-05-03,Explosions/Remote violence,Dubeet Hospital,,\n"
                     "2016-05-03,Explosions/Remote violence,Kafr Hamra,,\n", encoding="utf-8")
    events, report = load_events(table, gazetteer=layered)
    assert list(events["place_id"]) == ["user:2", "user:3"]
    assert (report.mapped, report.geocoded, report.flagged) == (2, 2, 0)
    _, plain = load_events(table)
    assert (plain.mapped, plain.flagged) == (1, 1)  # the bundled gazetteer lacks the hospital


def test_corpus_workers_use_the_user_places(tmp_path: Path, layered: Gazetteer) -> None:
    from geomap.run.corpus import run_corpus
    from geomap.tables import read_events

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(f'{{"id": "d{i}", "text": "{REPORT}", "date": "2016-05-04"}}\n' for i in range(4)),
                      encoding="utf-8")
    run = run_corpus(corpus, tmp_path / "events.parquet", workers=2, batch_size=2, progress=False, gazetteer=layered)
    assert run.documents == 4
    events = pd.DataFrame(read_events(tmp_path / "events.parquet"))
    assert list(events["place_id"]) == ["user:2"] * 4


# --- the command line: --gazetteer FILE ----------------------------------------------------------

def test_cli_extract_places_events_with_the_users_file(tmp_path: Path, places_file: Path) -> None:
    from geomap.cli import main

    report = tmp_path / "report.txt"
    report.write_text(REPORT + "\n", encoding="utf-8")
    out = tmp_path / "events.csv"
    assert main(["extract", str(report), "--date", "2016-05-04", "--gazetteer", str(places_file), "-o", str(out)]) == 0
    events = pd.read_csv(out)
    assert list(events["place_id"]) == ["user:2"]
    assert list(events["latitude"]) == [36.2101]


def test_cli_map_geocodes_table_rows_with_the_users_file(tmp_path: Path, places_file: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.cli import main

    table = tmp_path / "events.csv"
    table.write_text("event_date,event_type,location,latitude,longitude\n"
                     "2016-05-03,Explosions/Remote violence,Dubeet Hospital,,\n", encoding="utf-8")
    html = tmp_path / "map.html"
    assert main(["map", str(table), "--gazetteer", str(places_file), "-o", str(html)]) == 0
    assert f"{table}: 1 rows read: 1 clean (1 geocoded), 0 flagged, 0 rejected" in capsys.readouterr().err
    assert "Dubeet Hospital" in json.dumps(payload_from_html(html.read_text(encoding="utf-8")))
    # without the user's file the row cannot be placed: named, flagged, exit 1
    assert main(["map", str(table), "-o", str(html)]) == 1
    assert f"{table}:2: unlocated: Dubeet Hospital" in capsys.readouterr().err


def test_cli_bad_user_gazetteer_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.cli import main

    bad = tmp_path / "places.csv"
    bad.write_text("name,lat,lon\nSomewhere,not-a-number,37\n", encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    assert main(["extract", str(report), "--gazetteer", str(bad), "-o", str(tmp_path / "e.csv")]) == 1
    assert f"{bad}:2: latitude 'not-a-number' is not a number" in capsys.readouterr().err
    assert not (tmp_path / "e.csv").exists()


def test_cli_map_of_a_report_places_events_at_the_users_point(tmp_path: Path, places_file: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.cli import main

    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    html = tmp_path / "map.html"
    assert main(["map", str(report), "--date", "2016-05-04", "--gazetteer", str(places_file), "-o", str(html)]) == 0
    assert "1 events read, 1 mapped" in capsys.readouterr().err
    assert "Dubeet Hospital" in json.dumps(payload_from_html(html.read_text(encoding="utf-8")))


def test_a_place_id_reused_by_another_gazetteer_is_judged_by_its_own_names() -> None:
    from geomap.extract import extract_mentions
    from geomap.gazetteer import Gazetteer

    base = Gazetteer.load()

    def with_village(name: str) -> Gazetteer:
        return base.with_places([{"place_id": "my:1", "name": name, "kind": "village", "latitude": 35.9,
                                  "longitude": 36.4, "country": "SY"}])

    text = "Zorbaq was shelled on Monday. Residents of Zorbaq fled."
    alone = list(extract_mentions(text, gazetteer=with_village("Zorbak"))["text"])
    extract_mentions(text, gazetteer=with_village("Zorbaq"))  # another gazetteer, the same id
    assert list(extract_mentions(text, gazetteer=with_village("Zorbak"))["text"]) == alone
