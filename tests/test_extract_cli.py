"""`geomap extract` on files: outputs, summary line, errors naming the file."""

from __future__ import annotations

import json

import pandas as pd

from geomap.cli import main
from geomap.schema import EVENT_COLUMNS

REPORT = "Rebels shelled Aleppo on Monday, killing 3 people. Talks were held in the village of Qarqoozville.\n"


def test_extract_csv_to_stdout_with_summary(tmp_path, capsys):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    assert main(["extract", str(path), "--date", "2016-05-03"]) == 0
    out, err = capsys.readouterr()
    header = out.splitlines()[0].split(",")
    assert header == list(EVENT_COLUMNS)
    assert "2016-05-02" in out and "report" in out
    assert "1 documents" in err and "events" in err and "located" in err


def test_extract_writes_files_and_mentions(tmp_path, capsys):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    out, mentions = tmp_path / "events.geojson", tmp_path / "mentions.csv"
    assert main(["extract", str(path), "--date", "2016-05-03", "-o", str(out), "--mentions", str(mentions)]) == 0
    features = json.loads(out.read_text())["features"]
    assert features and features[0]["geometry"]["type"] == "Point"
    table = pd.read_csv(mentions)
    assert set(table.status) == {"located", "unlocated"}
    assert path.read_text(encoding="utf-8") == REPORT


def test_extract_jsonl_corpus(tmp_path, capsys):
    path = tmp_path / "corpus.jsonl"
    rows = [{"id": "a", "text": "Warplanes bombed Idlib on Tuesday.", "date": "2016-05-03", "source": "wire"},
            {"id": "b", "text": "Clashes erupted in Daraa yesterday.", "date": "2016-05-03"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "events.csv"
    assert main(["extract", str(path), "-o", str(out)]) == 0
    events = pd.read_csv(out)
    assert list(events.doc_id) == ["a", "b"] and events.source.iloc[0] == "wire"
    assert list(events.event_date) == ["2016-05-03", "2016-05-02"]


def test_unreadable_input_exits_1_naming_the_file(tmp_path, capsys):
    missing = tmp_path / "nope.txt"
    assert main(["extract", str(missing)]) == 1
    assert "nope.txt" in capsys.readouterr().err
