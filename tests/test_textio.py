"""Atomic outputs and the guard against overwriting inputs."""

from __future__ import annotations

import os

import pytest

from geomap.errors import InputError
from geomap.textio import atomic_write, refuse_overwriting_inputs


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "map.html"
    target.write_text("previous")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as handle:
            handle.write("half a map")
            raise RuntimeError("interrupted")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]

    with atomic_write(target) as handle:
        handle.write("new map")
    assert target.read_text() == "new map"


def test_atomic_write_creates_missing_folders(tmp_path):
    target = tmp_path / "a" / "b" / "events.csv"
    with atomic_write(target) as handle:
        handle.write("x")
    assert target.read_text() == "x"


def test_unwritable_output_is_a_one_line_input_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InputError, match=r"file/out\.html: cannot write"):
        with atomic_write(blocker / "out.html") as handle:
            handle.write("x")


def test_output_equal_to_an_input_is_refused(tmp_path):
    source = tmp_path / "events.csv"
    source.write_text("a")
    with pytest.raises(InputError, match="refusing to overwrite an input"):
        refuse_overwriting_inputs(str(tmp_path / "." / "events.csv"), [source])
    refuse_overwriting_inputs("-", [source])
    refuse_overwriting_inputs(tmp_path / "other.csv", [source])


def test_atomic_write_gives_ordinary_permissions(tmp_path):
    target = tmp_path / "shared.html"
    with atomic_write(target) as handle:
        handle.write("x")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_output_inside_an_input_folder_is_refused(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "corpus.csv").write_text("id,text\n1,Rebels shelled Aleppo.\n")
    for target in (reports / "corpus.csv", reports / "events.csv", reports / "sub" / "map.html"):
        with pytest.raises(InputError, match="inside the input folder"):
            refuse_overwriting_inputs(target, [reports])
    refuse_overwriting_inputs(tmp_path / "events.csv", [reports])


def test_cli_refuses_to_write_into_an_input_folder(tmp_path, capsys):
    from geomap.cli import main

    reports = tmp_path / "fin"
    reports.mkdir()
    corpus = reports / "corpus.csv"
    corpus.write_text("id,text\n1,Rebels shelled Aleppo killing 3 people.\n")
    before = corpus.read_bytes()
    assert main(["extract", str(reports), "-o", str(corpus)]) == 2
    assert "refusing to write inside the input folder" in capsys.readouterr().err
    assert corpus.read_bytes() == before
