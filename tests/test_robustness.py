"""Hostile and broken input through the CLI and the API: never a crash, never lost data.

Each malformed input must give exit status 1 and a one-line error naming the
file (and the line, where there is one), with no traceback unless ``--debug``;
the input files are never modified. Outputs are atomic. Every document, row
and toponym mention is accounted for. No verb opens a network connection.

The malformed-input cases are data (:func:`malformed_cases`), shared with
``bench/bench_robustness.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from geomap.cli import main
from geomap.errors import InputError

REPORT = "Rebels shelled Aleppo on Monday, killing 3 people. Airstrikes hit Idlib, killing 5 civilians.\n"
TABLE_HEADER = "event_date,latitude,longitude,actor1,fatalities\n"
GOOD_ROW = "2016-05-01,36.2,37.1,Rebels,3\n"


# --- the malformed-input cases ------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One malformed input: files to write, the command line, the error it must print.

    ``error`` is a regular expression for the error line after ``geomap VERB: error: ``
    (for extract, which goes on past bad documents: after ``geomap extract: error: ``, or
    ``warning:`` for a document extracted all the same). ``status`` is the exit status: 1
    for an input that failed, 2 for a command geomap refuses (an output over an input).
    """

    name: str
    files: dict[str, bytes]
    argv: tuple[str, ...]
    error: str
    status: int = 1


def _jsonl(*lines: str) -> bytes:
    return "\n".join(lines).encode() + b"\n"


def malformed_cases() -> list[Case]:
    """Every malformed input the CLI must refuse cleanly (exit 1, one line naming file/line)."""
    binary = bytes(range(256)) * 8
    control = bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 15, 16]) * 200
    unterminated = (TABLE_HEADER + GOOD_ROW + '2016-05-02,36.2,37.1,"Rebels\nacross lines,4\n').encode()
    cases = [
        # reports and corpora (extract)
        Case("empty report", {"r.txt": b""}, ("extract", "r.txt"), r"r\.txt: empty file"),
        Case("whitespace report", {"r.txt": b" \n\t\n"}, ("extract", "r.txt"), r"r\.txt: empty file"),
        Case("binary report", {"r.txt": binary}, ("extract", "r.txt"), r"r\.txt: binary file"),
        Case("control-byte report", {"r.txt": control}, ("extract", "r.txt"), r"r\.txt: binary file"),
        Case("missing report", {}, ("extract", "nothere.txt"), r"nothere\.txt: no such file"),
        Case("empty folder", {"d/.keep": b""}, ("extract", "d"), r"d: folder has no \.txt"),
        Case("broken JSONL line", {"c.jsonl": _jsonl('{"text": "Rebels shelled Aleppo."}', "{broken", '{"text": "x"}')},
             ("extract", "c.jsonl"), r"c\.jsonl:2: invalid JSON"),
        Case("JSONL line not an object", {"c.jsonl": _jsonl('{"text": "Rebels shelled Aleppo."}', "[1, 2]")},
             ("extract", "c.jsonl"), r"c\.jsonl:2: expected a JSON object"),
        Case("JSONL record without text", {"c.jsonl": _jsonl('{"id": "a", "title": "no body"}')},
             ("extract", "c.jsonl"), r"c\.jsonl:1: record has no text"),
        Case("JSONL record with a bad date", {"c.jsonl": _jsonl('{"text": "Rebels shelled Aleppo.", "date": "31/31/2016"}')},
             ("extract", "c.jsonl"), r"c\.jsonl:1: date '31/31/2016' is not a valid date.*extracted with no date"),
        Case("JSONL in UTF-16 with a broken line",
             {"c.jsonl": '{"text": "Rebels shelled Aleppo."}\n{"text": \n'.encode("utf-16")},
             ("extract", "c.jsonl"), r"c\.jsonl:2: invalid JSON"),
        Case("CSV corpus with a ragged row", {"c.csv": b"id,text\n1,Rebels shelled Aleppo.\n2,Idlib,extra,cells\n"},
             ("extract", "c.csv"), r"c\.csv:3: row has 4 fields, header has 2"),
        Case("CSV corpus without a text column", {"c.csv": b"id,headline\n1,Rebels shelled Aleppo.\n"},
             ("extract", "c.csv"), r"c\.csv:1: CSV corpus has no text column"),
        Case("CSV corpus with a quote left open", {"c.csv": b'id,text\n1,"Rebels shelled Aleppo.\n2,more\n'},
             ("extract", "c.csv"), r"c\.csv:2: malformed CSV"),
        Case("bad report date", {"r.txt": REPORT.encode()}, ("extract", "--date", "03/05/2016", "r.txt"),
             r"report_date '03/05/2016' is not YYYY-MM-DD"),
        Case("unknown output format", {"r.txt": REPORT.encode()}, ("extract", "r.txt", "-o", "events.xlsx"),
             r"events\.xlsx: unknown output format", status=2),
        Case("extract output is an input", {"r.txt": REPORT.encode()}, ("extract", "r.txt", "-o", "r.txt"),
             r"r\.txt: refusing to overwrite an input", status=2),
        Case("mentions output is an input", {"r.txt": REPORT.encode()}, ("extract", "r.txt", "--mentions", "./r.txt"),
             r"\./r\.txt: refusing to overwrite an input", status=2),
        Case("user gazetteer with bad rows", {"r.txt": REPORT.encode(), "p.csv": b"name,lat,lon\nMyVillage,36.1,abc\n,36,37\n"},
             ("extract", "r.txt", "--gazetteer", "p.csv"), r"p\.csv: bad user gazetteer rows"),
        Case("user gazetteer without a longitude", {"r.txt": REPORT.encode(), "p.csv": b"name,lat\nA,1\n"},
             ("extract", "r.txt", "--gazetteer", "p.csv"), r"p\.csv:1: user gazetteer needs columns"),
        # event tables (map)
        Case("empty table", {"t.csv": b""}, ("map", "t.csv", "-o", "m.html"), r"t\.csv: empty file"),
        Case("binary table", {"t.csv": binary}, ("map", "t.csv", "-o", "m.html"), r"t\.csv: binary file"),
        Case("NUL byte in a table", {"t.csv": (TABLE_HEADER + "2016-05-01,36\x00.2,37.1,A,1\n").encode()},
             ("map", "t.csv", "-o", "m.html"), r"t\.csv: binary file"),
        Case("duplicate header", {"t.csv": b"event_date,latitude,latitude,actor1\n2016-05-01,36.2,37.1,A\n"},
             ("map", "t.csv", "-o", "m.html"), r"t\.csv:1: duplicate column 'latitude'"),
        Case("no coordinate or location header", {"t.csv": b"event_date,actor1\n2016-05-01,A\n"},
             ("map", "t.csv", "-o", "m.html"), r"t\.csv:1: missing column\(s\) latitude, longitude"),
        Case("quotes across lines left open", {"t.csv": unterminated},
             ("map", "t.csv", "-o", "m.html"), r"t\.csv:3: malformed CSV"),
        Case("truncated GeoJSON", {"t.geojson": b'{"type": "FeatureCollection", "features": [{"type": "Feature",'},
             ("map", "t.geojson", "-o", "m.html"), r"t\.geojson:1: invalid JSON"),
        Case("GeoJSON that is a list", {"t.geojson": b"[1, 2, 3]"},
             ("map", "t.geojson", "-o", "m.html"), r"t\.geojson: not a GeoJSON FeatureCollection"),
        Case("Parquet that is text", {"t.parquet": b"not parquet at all"},
             ("map", "t.parquet", "-o", "m.html"), r"t\.parquet: cannot read Parquet"),
        Case("missing table", {}, ("map", "nothere.csv", "-o", "m.html"), r"nothere\.csv: no such file"),
        Case("empty report to map", {"r.txt": b""}, ("map", "r.txt", "-o", "m.html"), r"r\.txt: empty file"),
        Case("spreadsheet binary as a report", {"t.xlsx": b"PK\x03\x04" + binary}, ("map", "t.xlsx", "-o", "m.html"),
             r"t\.xlsx: binary file"),
        Case("map output is an input", {"t.csv": (TABLE_HEADER + GOOD_ROW).encode()}, ("map", "t.csv", "-o", "t.csv"),
             r"t\.csv: refusing to overwrite an input", status=2),
        Case("PNG output is an input", {"r.png": REPORT.encode()},
             ("map", "r.png", "-o", "m.html", "--png", "r.png"), r"r\.png: refusing to overwrite an input", status=2),
        Case("PNG output with a table's name", {"t.csv": (TABLE_HEADER + GOOD_ROW).encode()},
             ("map", "t.csv", "-o", "m.html", "--png", "m.csv"), r"m\.csv: unknown output format for --png", status=2),
        Case("output folder cannot be created", {"r.txt": REPORT.encode(), "file": b"x"},
             ("map", "r.txt", "-o", "file/m.html"), r"file/m\.html: cannot write"),
        # embed and geocode
        Case("embed a missing map", {}, ("embed", "nothere.html"), r"nothere\.html: no such map file"),
        Case("embed with an absurd ratio", {"m.html": b"<html></html>"}, ("embed", "m.html", "--ratio", "1e9"),
             r"--ratio must be between 10 and 300"),
    ]
    return cases


@dataclass
class Outcome:
    status: int
    stderr: str
    inputs_unchanged: bool

    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if ": error: " in line or ": warning: " in line]


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_case(case: Case, folder: Path) -> Outcome:
    """Write the case's files into ``folder`` and run the CLI there."""
    for name, data in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    before = _digest(folder)
    stderr = io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        status = main(list(case.argv))
    after = {k: v for k, v in _digest(folder).items() if k in before}
    return Outcome(status, stderr.getvalue(), after == before)


def handled(case: Case, outcome: Outcome) -> bool:
    """The case's exit status, no traceback, and an error line matching the case (the bench counts these)."""
    lines = outcome.error_lines()
    return (
        outcome.status == case.status
        and "Traceback" not in outcome.stderr
        and outcome.inputs_unchanged
        and any(re.search(case.error, line) for line in lines)
    )


@pytest.mark.parametrize("case", malformed_cases(), ids=lambda c: c.name)
def test_malformed_input_gives_one_line_error_and_exit_1(case: Case, tmp_path: Path) -> None:
    outcome = run_case(case, tmp_path)
    assert outcome.status == case.status, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert outcome.inputs_unchanged
    lines = outcome.error_lines()
    assert any(re.search(case.error, line) for line in lines), outcome.stderr
    verb = case.argv[0]
    assert all(line.startswith((f"geomap {verb}: error: ", f"geomap {verb}: warning: ")) for line in lines), lines


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    with contextlib.chdir(tmp_path), pytest.raises(InputError, match=r"nothere\.csv: no such file"):
        main(["--debug", "map", "nothere.csv", "-o", "m.html"])


# --- encodings that must be read, not refused --------------------------------------------------

ENCODED_REPORT = "Rebels shelled Aleppo on Monday, killing 3 people near the Café “Al-Nour”.\n"


@pytest.mark.parametrize(
    "encoding, word",
    [("latin-1", "Café"), ("cp1252", "“Al-Nour”"), ("utf-8-sig", "“Al-Nour”"), ("utf-16", "“Al-Nour”"),
     ("utf-16-le", "“Al-Nour”"), ("utf-8", "“Al-Nour”")],
)
def test_reports_in_any_common_encoding_are_decoded(tmp_path: Path, encoding: str, word: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = ENCODED_REPORT if encoding != "latin-1" else ENCODED_REPORT.replace("“", '"').replace("”", '"')
    report = tmp_path / "r.txt"
    report.write_bytes(text.encode(encoding))
    out = tmp_path / "events.csv"
    assert main(["extract", str(report), "-o", str(out), "--date", "2016-05-03"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    notes = out.read_text(encoding="utf-8")
    assert "Aleppo" in notes and word in notes


def test_mixed_encoding_report_is_read_not_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # UTF-8 for 70 KB, then a cp1252 byte: past the sniffed sample, as in concatenated scrapes.
    filler = ("Residents said the night was calm. " * 2000).encode()
    report = tmp_path / "r.txt"
    report.write_bytes(filler + "Rebels shelled Aleppo, killing 3 people at the café.\n".encode("cp1252"))
    out = tmp_path / "events.csv"
    assert main(["extract", str(report), "-o", str(out), "--date", "2016-05-03"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert "café" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8-sig", "utf-16"])
def test_event_tables_in_any_common_encoding_are_mapped(tmp_path: Path, encoding: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "t.csv"
    table.write_bytes((TABLE_HEADER + "2016-05-01,36.2,37.1,Forces du régime,3\n").encode(encoding))
    assert main(["map", str(table), "-o", str(tmp_path / "m.html")]) == 0
    assert "1 mapped" in capsys.readouterr().err
    page = (tmp_path / "m.html").read_text()
    assert "Forces du r\\u00e9gime" in page or "Forces du régime" in page


# --- rows that are kept and flagged, never dropped -----------------------------------------------

HOSTILE_ROWS = {
    # line number in the file -> (row, words the problem must contain)
    2: ("2016-05-01,nan,37.1,A,1", "latitude"),
    3: ("2016-05-01,inf,37.1,A,1", "latitude"),
    4: ("2016-05-01,36.2,-inf,A,1", "longitude"),
    5: ("2016-05-01,95,37.1,A,1", "out of range"),
    6: ("2016-05-01,36.2,200,A,1", "out of range"),
    7: ("2099-05-01,36.2,37.1,A,1", "future"),
    8: ("1850-01-01,36.2,37.1,A,1", "before 1900"),
    9: ("2016-05-01,36.2,37.1,A,-5", "fatalities"),
    10: ("2016-05-01,36.2,37.1,A,99999999", "fatalities"),
    11: ("2016-05-01,36.2,37.1,A", "row has 4 fields"),
    12: ("2016-05-01,36.2,37.1,A,1,spare", "row has 6 fields"),
    13: ("not a date,36.2,37.1,A,1", "event_date"),
    14: ("2016-05-01,36.2,37.1,A,1e400", "fatalities"),
}


def _hostile_table(folder: Path) -> Path:
    rows = [row for _, (row, _) in sorted(HOSTILE_ROWS.items())]
    path = folder / "hostile.csv"
    path.write_text(TABLE_HEADER + "\n".join(rows) + "\n" + GOOD_ROW, encoding="utf-8")
    return path


@pytest.mark.parametrize("strict", [False, True])
def test_every_bad_row_is_flagged_at_its_line_and_accounted_for(tmp_path: Path, strict: bool) -> None:
    from geomap.tables import load_events

    path = _hostile_table(tmp_path)
    table, report = load_events(path, strict=strict, gazetteer=None)
    assert report.read == len(HOSTILE_ROWS) + 1
    assert report.read == report.mapped + report.flagged + report.rejected
    assert report.mapped == 1
    assert (report.rejected if strict else report.flagged) == len(HOSTILE_ROWS)
    assert len(table) == (1 if strict else report.read)
    by_line: dict[int, list[str]] = {}
    for problem in report.problems:
        assert problem.path == str(path) and "\n" not in problem.message
        by_line.setdefault(problem.where, []).append(problem.message)
    for line, (_row, words) in HOSTILE_ROWS.items():
        assert any(words in message for message in by_line.get(line, [])), (line, by_line.get(line))


@pytest.mark.parametrize("strict", [False, True])
def test_map_names_every_flagged_row_and_accounts_for_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         strict: bool) -> None:
    path = _hostile_table(tmp_path)
    assert main(["map", str(path), "-o", str(tmp_path / "m.html"), *(["--strict"] if strict else [])]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for line in HOSTILE_ROWS:
        assert re.search(rf"^{re.escape(str(path))}:{line}: ", err, re.M), line
    rows, bad = len(HOSTILE_ROWS) + 1, len(HOSTILE_ROWS)
    assert f"{path}: {rows} rows read: 1 clean, {0 if strict else bad} flagged, {bad if strict else 0} rejected" in err
    read, on_map, without = map(int, re.search(r"(\d+) events read, (\d+) mapped, (\d+) without coordinates", err).groups())
    assert read == (1 if strict else rows) == on_map + without
    assert (tmp_path / "m.html").is_file()  # flagged rows are kept: the map is still written


# --- atomic outputs -----------------------------------------------------------------------------

def interrupted_atomic_write(real: Callable, exc: BaseException) -> Callable:
    """An ``atomic_write`` whose handle writes half of the first chunk, then raises ``exc``."""

    @contextlib.contextmanager
    def wrapper(*args, **kwargs) -> Iterator:
        with real(*args, **kwargs) as handle:
            class Broken:
                def write(self, data):  # noqa: ANN001 - text or bytes
                    handle.write(data[: max(1, len(data) // 2)])
                    handle.flush()
                    raise exc

                def __getattr__(self, name: str):
                    return getattr(handle, name)

            yield Broken()

    return wrapper


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize(
    "argv, output, patch",
    [
        (("extract", "r.txt", "-o", "out.csv"), "out.csv", "geomap.run.corpus.atomic_write"),
        (("extract", "r.txt", "-o", "out.geojson"), "out.geojson", "geomap.tables.write.atomic_write"),
        (("extract", "r.txt", "-o", "out.csv", "--mentions", "mentions.csv"), "mentions.csv", "geomap.run.corpus.atomic_write"),
        (("map", "r.txt", "-o", "out.html"), "out.html", "geomap.render.map.atomic_write"),
    ],
)
def test_interrupted_write_keeps_the_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str], argv, output, patch) -> None:
    import geomap.textio

    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    previous = b"previous output, complete\n"
    (tmp_path / output).write_bytes(previous)
    monkeypatch.setattr(patch, interrupted_atomic_write(geomap.textio.atomic_write, KeyboardInterrupt()))
    with contextlib.chdir(tmp_path):
        status = main([*argv, "--date", "2016-05-03"])
    assert status == 130
    assert "interrupted" in capsys.readouterr().err
    assert (tmp_path / output).read_bytes() == previous
    assert _leftovers(tmp_path) == []


def test_interrupted_save_map_keeps_the_previous_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    import geomap.textio
    from geomap.render import build_map, save_map

    target = tmp_path / "m.html"
    target.write_text("<html>previous</html>")
    monkeypatch.setattr("geomap.render.map.atomic_write",
                        interrupted_atomic_write(geomap.textio.atomic_write, OSError(28, "No space left on device")))
    with pytest.raises(InputError, match=r"m\.html: cannot write: No space left on device"):
        save_map(build_map(pd.DataFrame({"latitude": [36.2], "longitude": [37.1]})), target)
    assert target.read_text() == "<html>previous</html>"
    assert _leftovers(tmp_path) == []


# --- nothing lost -------------------------------------------------------------------------------

INVENTED = "Khirbet Zizounat"


def test_every_document_is_extracted_or_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT)
    (folder / "b.txt").write_bytes(b"")
    (folder / "c.jsonl").write_text("\n".join([
        json.dumps({"id": "c1", "text": "Airstrikes hit Homs, killing 2 people."}),
        "{not json",
        json.dumps({"id": "c3", "text": ""}),
        json.dumps({"id": "c4", "text": "Clashes were reported in Hama."}),
    ]) + "\n")
    records = 1 + 1 + 4
    out = tmp_path / "events.csv"
    assert main(["extract", str(folder), "-o", str(out), "--date", "2016-05-03"]) == 1
    err = capsys.readouterr().err
    documents = int(re.search(r"geomap extract: (\d+) documents", err).group(1))
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert documents + len(errors) == records, err
    assert {re.search(r"error: (\S+?):", line).group(1).split("/")[-1] for line in errors} == {"b.txt", "c.jsonl"}


def test_every_toponym_mention_is_located_or_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (f"Rebels shelled Aleppo on Monday, killing 3 people. Government airstrikes hit the village of {INVENTED} "
            "near Idlib, killing 5 civilians.")
    report = tmp_path / "r.txt"
    report.write_text(text)
    mentions_path = tmp_path / "mentions.csv"
    assert main(["extract", str(report), "-o", str(tmp_path / "e.csv"), "--mentions", str(mentions_path),
                 "--date", "2016-05-03"]) == 0
    import pandas as pd

    mentions = pd.read_csv(mentions_path, keep_default_na=False)
    assert set(mentions["status"]) <= {"located", "unlocated", "ambiguous"}
    by_text = dict(zip(mentions["text"], mentions["status"]))
    assert by_text.get("Aleppo") == "located" and by_text.get("Idlib") == "located"
    assert any(INVENTED in t and s == "unlocated" for t, s in by_text.items()), by_text
    for row in mentions.itertuples():
        assert text[row.char_start:row.char_end] == row.text
    located = int((mentions["status"] == "located").sum())
    summary = capsys.readouterr().err
    assert f"{located} mentions located, {len(mentions) - located} unlocated or ambiguous" in summary


def test_unlocated_mentions_reach_the_map_panel(tmp_path: Path) -> None:
    from geomap.run.map_inputs import load_map_inputs

    report = tmp_path / "r.txt"
    report.write_text(f"Government airstrikes hit the village of {INVENTED}, killing 5 civilians.")
    loaded = load_map_inputs([report], report_date="2016-05-03")
    assert any(INVENTED in str(name) for name in loaded.unlocated["text"])


# --- no network at run time ---------------------------------------------------------------------

@pytest.fixture
def connection_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every attempt to resolve a host or open a connection.

    pytest-socket already refuses to create sockets; this also catches code that
    would swallow that refusal, and names what was attempted.
    """
    attempts: list[str] = []

    def refuse(what: str) -> Callable:
        def refused(*args, **kwargs):
            attempts.append(f"{what}{args[1:] if what.startswith('socket.') else args}")
            raise OSError(f"network use at run time: {what}")
        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    return attempts


def test_every_verb_runs_without_the_network(tmp_path: Path, connection_attempts: list[str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "r.txt"
    report.write_text(REPORT)
    table = tmp_path / "t.csv"
    table.write_text(TABLE_HEADER + GOOD_ROW)
    runs = [
        ["geocode", "Aleppo", "Idlib"],
        ["extract", str(report), "-o", str(tmp_path / "e.csv"), "--date", "2016-05-03"],
        ["map", str(report), "-o", str(tmp_path / "offline.html"), "--date", "2016-05-03"],
        ["map", str(table), "-o", str(tmp_path / "osm.html"), "--basemap", "osm"],
        ["embed", str(tmp_path / "offline.html") + "#z=8"],
    ]
    for argv in runs:
        assert main(argv) == 0, (argv, capsys.readouterr().err)
    assert connection_attempts == []
    html = (tmp_path / "osm.html").read_text(encoding="utf-8")
    blob = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)
    tiles = [t["url"] for t in json.loads(blob.group(1))["basemap"]["online"]]
    assert any("openstreetmap" in url for url in tiles)
    outside = html[: blob.start()] + html[blob.end():]
    for url in tiles:
        host = re.sub(r"^https?://(\{s\}\.)?", "", url).split("/")[0]
        assert host not in outside, f"{host} appears outside the data blob"


# --- resource bounds ----------------------------------------------------------------------------

def _seconds(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


@pytest.fixture(scope="module")
def warm_extractor() -> Callable[[str], object]:
    from geomap.extract import extract_document

    extract_document("Rebels shelled Aleppo, killing 3.", report_date="2016-05-03")  # load gazetteer and lexicons once
    return lambda text: extract_document(text, report_date="2016-05-03")


def test_a_megabyte_line_without_spaces_extracts_quickly(warm_extractor: Callable[[str], object]) -> None:
    # Measured 0.9 s on one core; the bound leaves room for a busy CI machine.
    assert _seconds(lambda: warm_extractor("a" * 1_000_000)) < 10


def test_a_ten_thousand_name_list_extracts_quickly(warm_extractor: Callable[[str], object]) -> None:
    names = ["Aleppo", "Idlib", "Homs", "Hama", "Daraa", "Raqqa", "Deir ez-Zor", "Latakia", "Tartus", "Palmyra"]
    text = "Airstrikes hit " + ", ".join(names[i % len(names)] for i in range(10_000)) + "."
    # Measured 1.0 s on one core.
    assert _seconds(lambda: warm_extractor(text)) < 10


# --- successful runs leave their inputs alone ----------------------------------------------------

def test_read_only_inputs_are_read_and_left_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_text(REPORT)
    (folder / "t.csv").write_text(TABLE_HEADER + GOOD_ROW)
    for path in folder.iterdir():
        path.chmod(0o444)
    before = _digest(folder)
    out = tmp_path / "out"
    assert main(["extract", str(folder / "r.txt"), "-o", str(out / "e.csv"), "--mentions", str(out / "m.csv"),
                 "--date", "2016-05-03"]) == 0
    assert main(["map", str(folder / "r.txt"), str(folder / "t.csv"), "-o", str(out / "m.html"),
                 "--png", str(out / "m.png"), "--date", "2016-05-03"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert _digest(folder) == before
    assert sorted(p.name for p in out.iterdir()) == ["e.csv", "m.csv", "m.html", "m.png"]


def test_embed_keeps_a_crafted_fragment_inside_the_src_attribute(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from html.parser import HTMLParser

    target = tmp_path / "m.html"
    target.write_text("<!DOCTYPE html>")
    crafted = '#actors=<img src=x onerror="alert(1)">"><script>alert(2)</script>&z=8'
    assert main(["embed", str(target) + crafted]) == 0
    snippet = capsys.readouterr().out
    tags: list[tuple[str, dict[str, str | None]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.append((tag, dict(attrs)))

    Tags().feed(snippet)
    assert [tag for tag, _ in tags] == ["div", "iframe"]
    attributes = tags[1][1]
    assert set(attributes) == {"src", "title", "loading", "allowfullscreen", "style"}
    assert attributes["src"].startswith(target.as_posix()) and "<" not in attributes["src"]


def test_interrupted_corpus_run_keeps_the_previous_parquet_folder(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from geomap.run import corpus, parallel

    source = tmp_path / "c.jsonl"
    source.write_text("\n".join(json.dumps({"id": f"d{i}", "text": REPORT}) for i in range(4)) + "\n")
    output = tmp_path / "events.parquet"
    corpus.run_corpus(source, output, batch_size=2)
    before = _digest(output)
    real = parallel.write_part

    def write_then_stop(folders, index, *rest):  # the signature of parallel.write_part
        written = real(folders, index, *rest)
        if index == 1:
            raise KeyboardInterrupt
        return written

    monkeypatch.setattr(parallel, "write_part", write_then_stop)
    with pytest.raises(KeyboardInterrupt):
        corpus.run_corpus(source, output, batch_size=1)
    assert _digest(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "events.parquet"]


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".parquet"])
def test_what_extract_writes_map_reads_back_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    source = tmp_path / "c.jsonl"
    source.write_text("\n".join(json.dumps({"id": f"d{i}", "text": text}) for i, text in enumerate(
        [REPORT, "Airstrikes hit Homs on Tuesday, killing 2 people.", "Clashes were reported in Hama."])) + "\n")
    events = tmp_path / f"events{suffix}"
    assert main(["extract", str(source), "-o", str(events), "--date", "2016-05-03"]) == 0
    extracted = int(re.search(r"(\d+) events", capsys.readouterr().err).group(1))
    assert main(["map", str(events), "-o", str(tmp_path / "m.html")]) == 0
    err = capsys.readouterr().err
    assert f"{extracted} events read, {extracted} mapped, 0 without coordinates" in err


# --- absurd values handed to the Python API never reach the map as they are ----------------------

def _counts_table() -> pd.DataFrame:
    return pd.DataFrame({
        "event_id": ["E1", "E2", "E3", "E4", "E5"],
        "latitude": [36.2, 36.3, 35.1, 34.7, 33.5], "longitude": [37.1, 37.2, 36.7, 36.7, 36.3],
        "fatalities": [-5, 10**12, 3, "many", "1,200"],
        "wounded": [None, 2.5, 1, None, 4],
    })


def test_build_map_flags_negative_and_absurd_counts_like_a_file(tmp_path: Path) -> None:
    from geomap.render import build_map
    from geomap.render.map import map_payload, render_html
    from geomap.tables import load_events

    table = _counts_table()
    untouched = table.copy()
    payload = map_payload(table)
    assert payload["fat"] == [None, None, 3, None, 1200]  # never -5 or 10**12: not summed, not sized
    assert payload["wounded"] == [None, None, 1, None, 4]
    assert table.equals(untouched)  # the caller's table is left as it was
    # the same rules, the same words as reading the table from a file
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    _read, report = load_events(path)
    from_file = sorted(p.message for p in report.problems if p.message.startswith(("fatalities", "wounded")))
    assert sorted(flag.split(": ", 1)[1] for flag in payload["flagged"]) == [m.replace("'2.5'", "2.5") for m in from_file]
    assert [flag.split(":")[0] for flag in payload["flagged"]] == ["E1", "E2", "E2", "E4"]
    from geomap.render.payload import payload_from_html

    reasons = json.dumps(payload_from_html(render_html(build_map(table)))["text"], ensure_ascii=False)
    assert "flagged: fatalities -5 is negative (shown as unknown)" in reasons


def test_a_clean_table_has_nothing_flagged() -> None:
    from geomap.render.map import map_payload

    table = _counts_table().iloc[[2, 4]]
    payload = map_payload(table)
    assert payload["flagged"] == [] and payload["fat"] == [3, 1200]
    assert "reason" not in payload["text"]
