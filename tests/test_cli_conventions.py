"""Command-line conventions: help with examples, --version, exit codes, stdout/stderr, '-'."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import geopy.geocoders  # noqa: F401  urllib3 probes IPv6 with a socket at import: import before sockets are blocked
import pytest

import geomap
from geomap.cli import build_parser, main

REPORT = "Government forces shelled Aleppo on Monday, killing 3 people.\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in-process; a usage error or --help/--version exits through SystemExit."""
    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def verbs() -> list[str]:
    parser, runners = build_parser()
    return sorted(runners)


# --- help and version ----------------------------------------------------------------

def test_main_help_lists_every_verb_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["--help"], capsys)
    assert (status, err) == (0, "")
    for verb in verbs():
        assert verb in out
    assert "examples:" in out
    assert "exit status: 0 success, 1 some input failed" in out


@pytest.mark.parametrize("verb", verbs())
def test_each_verb_help_has_runnable_looking_examples(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run([verb, "--help"], capsys)
    assert (status, err) == (0, "")
    examples = out.split("examples:", 1)[1].strip().splitlines()
    assert examples and all(line.strip().startswith(f"geomap {verb}") for line in examples)


def test_version_goes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"], capsys) == (0, f"geomap {geomap.__version__}\n", "")


# --- exit codes -------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [[], ["no-such-verb"], ["extract"], ["map", "events.csv"], ["extract", "--bogus", "x"]],
                         ids=["no-verb", "unknown-verb", "missing-input", "missing-output", "unknown-option"])
def test_usage_errors_exit_2_with_usage_on_stderr(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(argv, capsys)
    assert status == 2
    assert out == ""
    assert err.startswith("usage: geomap")


def test_failed_input_exits_1_with_a_one_line_error_on_stderr(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.txt"
    status, out, err = run(["extract", str(missing), "-o", str(tmp_path / "events.csv")], capsys)
    assert status == 1
    assert out == ""
    assert f"geomap extract: error: {missing}: no such file or folder" in err
    assert "Traceback" not in err


def test_success_exits_0_and_data_goes_to_stdout_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    status, out, err = run(["extract", str(report), "--date", "2016-05-03"], capsys)
    assert status == 0
    assert out.startswith("event_id,event_date,")
    assert "Aleppo" in out
    assert "geomap extract:" in err and "geomap extract:" not in out  # the summary is a message


def test_map_names_every_problem_row_exits_1_and_still_writes_the_map(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "events.csv"
    table.write_text("event_date,event_type,location,latitude,longitude\n"
                     "2016-05-03,Battles,Aleppo,36.2,37.15\n"
                     "2016-05-03,Picnic,Homs,34.73,36.71\n"
                     "2016-05-03,Battles,Hama,95,36.75\n", encoding="utf-8")
    html = tmp_path / "map.html"
    status, out, err = run(["map", str(table), "-o", str(html)], capsys)
    assert (status, out) == (1, "")
    assert f"{table}:3: unknown event_type 'Picnic'" in err
    assert f"{table}:4: latitude 95.0 is out of range" in err
    assert f"{table}: 3 rows read: 1 clean, 2 flagged, 0 rejected" in err
    assert html.stat().st_size > 10_000
    status, _out, err = run(["map", str(table), "--strict", "-o", str(html)], capsys)
    assert status == 1
    assert f"{table}: 3 rows read: 1 clean, 0 flagged, 2 rejected" in err


# --- '-' for stdin and stdout -------------------------------------------------------------

def test_dash_reads_the_report_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    feed_stdin(monkeypatch, REPORT.encode())
    status, out, _err = run(["extract", "-", "--date", "2016-05-03"], capsys)
    assert status == 0
    header, *rows = out.splitlines()
    assert header.startswith("event_id,")
    assert len(rows) == 1 and ",stdin," in rows[0] and "2016-05-02" in rows[0]


def test_dash_output_writes_csv_to_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    feed_stdin(monkeypatch, REPORT.encode())
    status, out, _err = run(["extract", "-", "-o", "-", "--date", "2016-05-03"], capsys)
    assert status == 0
    assert out.startswith("event_id,") and "Aleppo" in out
    assert list(tmp_path.iterdir()) == []  # no file called '-' anywhere
    assert not Path("-").exists()


# --- the real console script ----------------------------------------------------------------

def test_console_script_pipes_stdin_to_stdout(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("geomap")
    if not script.exists():
        pytest.skip(f"console script not installed beside {sys.executable}")
    done = subprocess.run([str(script), "extract", "-", "-o", "-", "--date", "2016-05-03"], input=REPORT.encode(),
                          capture_output=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert out.startswith("event_id,") and "Shelling/artillery/missile attack" in out
    assert "geomap extract: 1 documents" in done.stderr.decode()
    bad = subprocess.run([str(script), "extract"], capture_output=True, cwd=tmp_path, timeout=60)
    assert (bad.returncode, bad.stdout) == (2, b"")


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    # `geomap geocode ... | head -1`: output larger than a pipe's buffer, the reader closes after one line
    names = ["Aleppo", "Raqqa", "Homs", "Hama", "Idlib", "Daraa"] * 60  # some 170 kB of answers
    proc = subprocess.Popen([sys.executable, "-m", "geomap.cli", "geocode", *names], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    assert proc.stdout is not None and proc.stdout.readline().startswith(b"Aleppo:")
    proc.stdout.close()
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in err and b"BrokenPipe" not in err


# --- the public API ---------------------------------------------------------------------------

def test_public_api_names_resolve() -> None:
    for name in geomap.__all__:
        assert getattr(geomap, name) is not None, name
    assert {"load_events", "validate_events", "read_user_places", "iter_documents", "run_corpus",
            "Place", "ResolveContext"} <= set(geomap.__all__)
