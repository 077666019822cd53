"""One input router: `geomap map`, `geomap extract` and the API agree on what every input is."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from geomap.cli import main
from geomap.run.corpus import run_corpus
from geomap.run.inputs import classify
from geomap.run.map_inputs import load_map_inputs
from geomap.tables import write_events

# Articles written for this test, in the layout of a news corpus with a governorate label (FA-KES's columns).
ARTICLES = [
    ("101", "Raids on Idlib", "Warplanes bombed Idlib on Tuesday, killing 4 civilians.", "wire", "5/3/2016", "idlib"),
    ("102", "Clashes near Daraa", "Rebels clashed with the army in Daraa yesterday.", "wire", "5/3/2016", "daraa"),
    ("103", "Shelling", "Rebels shelled Aleppo on Monday, killing 3 people.", "paper", "5/3/2016", "aleppo"),
]
ACLED_ROW = {
    "event_id_cnty": "XYZ1", "event_date": "9-May-20", "event_type": "Battles", "sub_event_type": "Armed clash",
    "actor1": "Side A", "inter1": "1", "country": "Syria", "location": "Aleppo", "latitude": "36.2021",
    "longitude": "37.1343", "geo_precision": "1", "notes": "A made-up note about a clash.", "fatalities": "0",
}


def _text_corpus(folder: Path) -> Path:
    path = folder / "articles.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "article_title", "article_content", "source", "date", "location"])
        writer.writerows(ARTICLES)
    return path


def _acled_export(folder: Path) -> Path:
    path = folder / "acled.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ACLED_ROW))
        writer.writeheader()
        writer.writerow(ACLED_ROW)
    return path


def _parquet_parts(folder: Path) -> Path:
    corpus = folder / "c.jsonl"
    corpus.write_text("\n".join(json.dumps({"id": a[0], "text": a[2], "date": "2016-05-03"}) for a in ARTICLES) + "\n")
    out = folder / "events.parquet"
    run_corpus(corpus, out, batch_size=1, progress=False)
    assert out.is_dir()
    return out


def test_each_kind_of_input_is_classified_once_for_every_verb(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("Rebels shelled Aleppo.")
    geojson = tmp_path / "e.geojson"
    geojson.write_text('{"type": "FeatureCollection", "features": []}')
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text("Rebels shelled Aleppo.")
    found = {name: classify(path) for name, path in {
        "text corpus": _text_corpus(tmp_path), "acled": _acled_export(tmp_path), "parts": _parquet_parts(tmp_path),
        "report": report, "geojson": geojson, "folder": reports, "stdin": "-"}.items()}
    assert {name: (i.kind, i.format) for name, i in found.items()} == {
        "text corpus": ("documents", "csv"), "acled": ("table", "csv"), "parts": ("table", "parquet"),
        "report": ("documents", "report"), "geojson": ("table", "geojson"), "folder": ("documents", "folder"),
        "stdin": ("documents", "stdin"),
    }


def test_a_text_corpus_csv_is_extracted_by_map_as_by_extract(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    corpus = _text_corpus(tmp_path)
    out = tmp_path / "events.csv"
    assert main(["extract", str(corpus), "-o", str(out)]) == 0
    extracted = pd.read_csv(out)
    assert len(extracted) >= len(ARTICLES) and extracted["event_type"].notna().all()
    capsys.readouterr()
    assert main(["map", str(corpus), "-o", str(tmp_path / "m.html")]) == 0
    err = capsys.readouterr().err
    assert f"{len(extracted)} events read" in err  # the articles' events, not one typeless row per article
    mapped = load_map_inputs([corpus]).events
    assert sorted(mapped["event_id"]) == sorted(extracted["event_id"])


def test_an_event_table_is_mapped_and_refused_by_extract_with_a_pointer(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture) -> None:
    table = _acled_export(tmp_path)
    assert main(["map", str(table), "-o", str(tmp_path / "m.html")]) == 0
    assert "1 events read, 1 mapped" in capsys.readouterr().err
    assert main(["extract", str(table)]) == 2
    err = capsys.readouterr().err
    assert "acled.csv" in err and "event table" in err and "geomap map" in err


@pytest.mark.parametrize("layout", ["folder of parts", "one file"])
def test_geoparquet_reads_the_same_through_the_api_and_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                               layout: str) -> None:
    parts = _parquet_parts(tmp_path)
    path = parts
    if layout == "one file":
        path = tmp_path / "one.parquet"
        write_events(load_map_inputs([parts]).events, path)
    events = load_map_inputs([path]).events
    assert len(events) >= len(ARTICLES)
    assert main(["map", str(path), "-o", str(tmp_path / "m.html")]) == 0
    assert f"{len(events)} events read" in capsys.readouterr().err
    assert main(["extract", str(path)]) == 2
