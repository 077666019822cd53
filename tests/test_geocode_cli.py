"""`geomap geocode`: readable text, JSON, and exit status 1 naming what failed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_gazetteer import _write_places

from geomap.cli import main
from geomap.gazetteer import Gazetteer


@pytest.fixture(autouse=True)
def fixture_gazetteer(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "gz"
    _write_places(folder)
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(folder))
    monkeypatch.setenv("GEOMAP_CACHE", str(tmp_path / "cache"))
    Gazetteer._loaded.clear()
    return folder


def test_text_output_shows_the_place_and_why(capsys) -> None:
    assert main(["geocode", "Ar-Raqqah", "--country", "sy"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Ar-Raqqah: Raqqa (city) 35.95000, 39.01000")
    assert "[C5710]" in out and "why: exact match" in out


def test_other_candidates_are_listed(capsys) -> None:
    assert main(["geocode", "Aleppo"]) == 0
    out = capsys.readouterr().out
    assert "other: Aleppo (admin1, Aleppo, SY) [SY02]" in out


def test_names_given_together_help_each_other(capsys) -> None:
    assert main(["geocode", "Aleppo", "Muhafaza"]) == 0
    assert "Muhafaza: Al-Mohafaza (neighbourhood)" in capsys.readouterr().out


def test_alone_resolves_each_name_by_itself(capsys) -> None:
    assert main(["geocode", "--alone", "Aleppo", "Muhafaza"]) == 1
    captured = capsys.readouterr()
    assert "Muhafaza: not located (ambiguous)" in captured.out
    assert "Muhafaza" in captured.err


def test_unresolved_names_exit_1_and_are_named_on_stderr(capsys) -> None:
    assert main(["geocode", "Damascus", "Xyzzyville", "Springfield", "--country", "SY"]) == 1
    captured = capsys.readouterr()
    assert "Damascus: Damascus (city)" in captured.out  # the others still print
    assert "Xyzzyville: not located (unlocated)" in captured.out
    assert "could not resolve 2 name(s): Xyzzyville, Springfield" in captured.err


def test_json_output(capsys) -> None:
    assert main(["geocode", "--json", "Geneva", "Xyzzyville", "--country", "SY"]) == 1
    records = json.loads(capsys.readouterr().out)
    assert [r["query"] for r in records] == ["Geneva", "Xyzzyville"]
    geneva, unknown = records
    assert geneva["status"] == "located" and geneva["place"]["place_id"] == "GN2660646"
    assert geneva["place"]["alt_names"][0] == "Geneva"
    assert {c["place_id"] for c in geneva["candidates"]} >= {"GN2660646", "GN4893591"}
    assert unknown["place"] is None and unknown["status"] == "unlocated" and unknown["reason"]


def test_missing_gazetteer_is_a_clear_error(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(tmp_path / "absent"))
    Gazetteer._loaded.clear()
    assert main(["geocode", "Aleppo"]) == 1
    assert "places.tsv" in capsys.readouterr().err
