"""Never lose a user's data; read the world's text as it comes (issue 17).

Each check below is what a careless or hostile user does, run where the user
meets it (the command line, or geopy's interface for ``LocalGazetteer``), and
asserts what they must be able to rely on: no input or unrelated folder is
ever destroyed, two outputs never share a path, newswire datelines are read
and a document is never dropped for its date, a broken cache only costs
speed, SIGTERM leaves no worker or temporary file behind, the geocoder
follows geopy's conventions, document ids stay unique, and odd inputs and
outputs get a one-line answer instead of a traceback.

The checks are registered by category in :data:`CHECKS`;
``bench/bench_robustness.py`` runs the same checks and prints, per category,
how many were tried and handled.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REPORT = "Rebels shelled Aleppo on Monday, killing 3 people. Airstrikes hit Idlib, killing 5 civilians.\n"
TABLE_HEADER = "event_date,latitude,longitude,actor1,fatalities\n"
GOOD_ROW = "2016-05-01,36.2,37.1,Rebels,3\n"
PLACES = "name,lat,lon,kind\nDubeet Hospital,36.2101,37.1302,facility\n"


# --- the registry ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """One thing a user does, and what must hold afterwards (``run`` asserts it, in an empty folder)."""

    category: str
    name: str
    run: Callable[[Path], None]


CHECKS: list[Check] = []

OUTPUTS = "outputs never destroy inputs"
DATES = "newswire dates"
CACHE = "unusable cache"
SIGNALS = "SIGTERM"
GEOPY = "geopy conventions"
IDS = "document ids"
ODD = "odd inputs and outputs"
TEXT = "invisible characters and markup"


def check(category: str) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    def register(function: Callable[[Path], None]) -> Callable[[Path], None]:
        CHECKS.append(Check(category, function.__name__.replace("_", " "), function))
        return function
    return register


@pytest.mark.parametrize("item", CHECKS, ids=lambda c: f"{c.category}: {c.name}")
def test_hostile_use(item: Check, tmp_path: Path) -> None:
    item.run(tmp_path)


# --- helpers --------------------------------------------------------------------------------------

@dataclass
class Run:
    status: int
    out: str
    err: str

    def errors(self) -> list[str]:
        return [line for line in self.err.splitlines() if ": error: " in line or ": warning: " in line]


def cli(folder: Path, *argv: str, stdin: bytes | None = None) -> Run:
    """``geomap ARGV`` in this process, run in ``folder``; ``stdin`` is piped in."""
    from geomap.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.chdir(folder))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        if stdin is not None:
            patch = stack.enter_context(pytest.MonkeyPatch.context())
            patch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(stdin)), encoding="utf-8"))
        status = main(list(argv))
    return Run(status, out.getvalue(), err.getvalue())


def process(folder: Path, *argv: str, env: dict[str, str] | None = None, **options) -> subprocess.Popen:
    """``geomap ARGV`` as a user runs it: a new Python process in ``folder``."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "geomap.cli", *argv], cwd=folder, env=environment,
                            stdout=options.pop("stdout", subprocess.PIPE), stderr=subprocess.PIPE, text=True,
                            **options)


def finished(popen: subprocess.Popen, timeout: float = 120) -> Run:
    out, err = popen.communicate(timeout=timeout)
    return Run(popen.returncode, out or "", err)


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def corpus(folder: Path, name: str, records: list[dict]) -> Path:
    return write(folder, name, "".join(json.dumps(record) + "\n" for record in records))


def refused(run: Run, pattern: str) -> None:
    """Exit status 2, one error line matching ``pattern``, no traceback."""
    assert run.status == 2, run.err
    assert "Traceback" not in run.err
    assert any(re.search(pattern, line) for line in run.errors()), run.err


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if ".tmp" in p.name or ".old-" in p.name)


# --- 1-3: outputs never destroy inputs ------------------------------------------------------------

@check(OUTPUTS)
def output_onto_the_user_gazetteer(tmp: Path) -> None:
    write(tmp, "r.txt", REPORT)
    write(tmp, "p.csv", PLACES)
    before = digest(tmp)
    refused(cli(tmp, "extract", "r.txt", "--gazetteer", "p.csv", "-o", "p.csv"), r"p\.csv: refusing to overwrite an input")
    refused(cli(tmp, "extract", "r.txt", "--gazetteer", "p.csv", "-o", "e.csv", "--mentions", "./p.csv"),
            r"\./p\.csv: refusing to overwrite an input")
    refused(cli(tmp, "map", "r.txt", "--gazetteer", "p.csv", "-o", "p.csv"), r"p\.csv: refusing to overwrite an input")
    assert digest(tmp) == before  # nothing written, nothing changed


@check(OUTPUTS)
def print_map_onto_an_input(tmp: Path) -> None:
    write(tmp, "t.csv", TABLE_HEADER + GOOD_ROW)
    write(tmp, "report.pdf", REPORT)  # a report misnamed, given as an input
    before = digest(tmp)
    refused(cli(tmp, "map", "t.csv", "report.pdf", "-o", "m.html", "--pdf", "report.pdf"),
            r"report\.pdf: refusing to overwrite an input")
    assert digest(tmp) == before


@check(OUTPUTS)
def parquet_output_onto_the_folder_holding_the_input(tmp: Path) -> None:
    write(tmp, "proj.parquet/report.txt", REPORT)
    write(tmp, "proj.parquet/notes.md", "my notes\n")
    before = digest(tmp)
    refused(cli(tmp, "extract", "proj.parquet/report.txt", "-o", "proj.parquet"), r"proj\.parquet: refusing to write")
    assert digest(tmp) == before


@check(OUTPUTS)
def parquet_output_onto_a_folder_geomap_did_not_write(tmp: Path) -> None:
    write(tmp, "r.txt", REPORT)
    write(tmp, "thesis.parquet/chapter1.md", "draft\n")
    write(tmp, "thesis.parquet/data.parquet", b"PAR1 the user's own table")
    before = digest(tmp)
    refused(cli(tmp, "extract", "r.txt", "-o", "thesis.parquet"), r"thesis\.parquet: is a folder geomap did not write")
    refused(cli(tmp, "extract", "r.txt", "-o", "e.parquet", "--mentions", "thesis.parquet"),
            r"thesis\.parquet: is a folder geomap did not write")
    assert digest(tmp) == before
    assert sorted(p.name for p in tmp.iterdir()) == ["r.txt", "thesis.parquet"]  # no e.parquet, no temporary folder


@check(OUTPUTS)
def parquet_output_replaces_only_what_geomap_wrote(tmp: Path) -> None:
    corpus(tmp, "c.jsonl", [{"id": f"d{i}", "text": REPORT} for i in range(3)])
    (tmp / "empty.parquet").mkdir()
    for _ in range(2):  # the second run replaces the first one's folder
        run = cli(tmp, "extract", "c.jsonl", "-o", "e.parquet", "--mentions", "empty.parquet")
        assert run.status == 0, run.err
    events = int(re.search(r"(\d+) events", run.err).group(1))
    for folder in (tmp / "e.parquet", tmp / "empty.parquet"):
        assert (folder / ".geomap-parts").is_file()
        mask = os.umask(0)
        os.umask(mask)
        assert folder.stat().st_mode & 0o777 == 0o777 & ~mask  # as mkdir makes a folder, not private (0700)
    assert leftovers(tmp) == []
    run = cli(tmp, "map", "e.parquet", "-o", "m.html")
    assert run.status == 0 and f"{events} events read, {events} mapped" in run.err, run.err


@check(OUTPUTS)
def two_outputs_on_one_path(tmp: Path) -> None:
    write(tmp, "r.txt", REPORT)
    write(tmp, "existing.html", "<html>keep me</html>")
    os.symlink("existing.html", tmp / "alias.png")
    before = digest(tmp)
    refused(cli(tmp, "extract", "r.txt", "-o", "x.csv", "--mentions", "./x.csv"),
            r"-o and --mentions both write to the same file")
    refused(cli(tmp, "extract", "r.txt", "--mentions", "-"), r"-o and --mentions both write to standard output")
    refused(cli(tmp, "map", "r.txt", "-o", "m.html", "--png", "m.html"), r"m\.html")
    refused(cli(tmp, "map", "r.txt", "-o", "existing.html", "--png", "alias.png"), r"-o and --png both write to the same file")
    assert digest(tmp) == before


@check(OUTPUTS)
def map_output_of_an_unknown_kind(tmp: Path) -> None:
    write(tmp, "r.txt", REPORT)
    refused(cli(tmp, "map", "r.txt", "-o", "x.csv"), r"x\.csv: unknown output format for -o \(use \.html")
    refused(cli(tmp, "map", "r.txt", "-o", "m.html", "--png", "m.jpg"), r"m\.jpg: unknown output format for --png")
    refused(cli(tmp, "extract", "r.txt", "-o", "e.xlsx"), r"e\.xlsx: unknown output format for -o")
    assert sorted(p.name for p in tmp.iterdir()) == ["r.txt"]


@check(OUTPUTS)
def map_to_standard_output(tmp: Path) -> None:
    write(tmp, "r.txt", REPORT)
    run = cli(tmp, "map", "r.txt", "--date", "2016-05-03", "-o", "-")
    assert run.status == 0, run.err
    assert run.out.lstrip().lower().startswith("<!doctype html") and "standard output" in run.err
    assert sorted(p.name for p in tmp.iterdir()) == ["r.txt"]  # no file named '-'
    refused(cli(tmp, "map", "r.txt", "-o", "m.html", "--png", "-"), r"--png -: the print map is written to a file")


@check(OUTPUTS)
def parquet_output_where_nothing_can_be_written(tmp: Path) -> None:
    write(tmp, "r.txt", REPORT)
    target = "/sys/geomap-events.parquet"  # a read-only file system, whoever runs this
    run = cli(tmp, "extract", "r.txt", "-o", target)
    assert run.status == 1 and "Traceback" not in run.err, run.err
    assert any(f"{target}: cannot write" in line for line in run.errors()), run.err


# --- 4: newswire dates ----------------------------------------------------------------------------

# Datelines as news sites and wires publish them (formats, not text, from real feeds), and the day each names.
DATELINES = {
    "Wed Nov 23, 2016 | 4:58pm EST": "2016-11-23",
    "2016 Oct 10": "2016-10-10",
    "December 9th 2016": "2016-12-09",
    "3:58 PM ET, Wed December 14, 2016": "2016-12-14",
    "Nov. 22, 2015 MST": "2015-11-22",
    "Sun, 04 Dec 2016 08:00:00 GMT": "2016-12-04",
    "2016-12-04T08:00:00+03:00": "2016-12-04",
    "Updated 2:31 PM, December 04, 2016": "2016-12-04",
    "15:30 GMT, 28 November 2016": "2016-11-28",
    "Nov 28, 2016 9:55 a.m.": "2016-11-28",
    "12.04.2016": "2016-04-12",
    "9-May-16": "2016-05-09",
}
YESTERDAY = "Government aircraft bombed Aleppo yesterday, killing 4 civilians."


def _previous_day(iso: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


@check(DATES)
def a_news_corpus_with_real_datelines_loses_no_document(tmp: Path) -> None:
    import pandas as pd

    records = [{"id": f"n{i}", "date": dateline, "text": YESTERDAY} for i, dateline in enumerate(DATELINES)]
    corpus(tmp, "news.jsonl", records)
    for output in ("e.csv", "e.parquet"):  # one process streaming, and the batches of a corpus run
        run = cli(tmp, "extract", "news.jsonl", "-o", output)
        assert run.status == 0 and run.errors() == [], run.err
        assert f"{len(records)} documents" in run.err
    events = pd.read_csv(tmp / "e.csv", keep_default_na=False)
    days = dict(zip(events["doc_id"], events["event_date"]))
    assert days == {f"n{i}": _previous_day(day) for i, day in enumerate(DATELINES.values())}


@check(DATES)
def a_date_that_cannot_be_read_costs_the_date_not_the_document(tmp: Path) -> None:
    import pandas as pd

    corpus(tmp, "c.jsonl", [{"id": "ok", "date": "2016-05-03", "text": YESTERDAY},
                            {"id": "vague", "date": "Dec 2016", "text": YESTERDAY},
                            {"id": "odd", "date": 20161204, "text": YESTERDAY}])
    write(tmp, "c.csv", "id,date,text\nwords,sometime last week,\"" + YESTERDAY + "\"\n")
    for output in ("e.csv", "e.parquet"):
        run = cli(tmp, "extract", "c.jsonl", "c.csv", "-o", output, "--date", "2016-06-01")
        assert run.status == 1 and "Traceback" not in run.err
        assert "4 documents" in run.err, run.err
        lines = run.errors()
        assert len(lines) == 3 and all(": warning: " in line for line in lines), lines
        assert re.search(r"c\.jsonl:2: date 'Dec 2016' lacks a day.*extracted with the report date 2016-06-01", lines[0])
        assert re.search(r"c\.jsonl:3: date must be a string", lines[1])
        assert re.search(r"c\.csv:2: date 'sometime last week'", lines[2])
    events = pd.read_csv(tmp / "e.csv", keep_default_na=False)
    assert dict(zip(events["doc_id"], events["event_date"])) == {
        "ok": "2016-05-02", "vague": "2016-05-31", "odd": "2016-05-31", "words": "2016-05-31"}


@check(DATES)
def an_event_table_keeps_its_strict_date_check(tmp: Path) -> None:
    write(tmp, "t.csv", TABLE_HEADER + '"Wed Nov 23, 2016 | 4:58pm EST",36.2,37.1,Rebels,3\n' + GOOD_ROW)
    run = cli(tmp, "map", "t.csv", "-o", "m.html")
    assert run.status == 1 and re.search(r"t\.csv:2: .*event_date", run.err), run.err
    assert "2 rows read: 1 clean, 1 flagged" in run.err


@check(DATES)
def day_first_dates_are_named_and_can_be_asked_for(tmp: Path) -> None:
    from geomap.tables import load_events

    write(tmp, "uk.csv", TABLE_HEADER + "03/05/2016,36.2,37.1,Rebels,3\n04/05/2016,36.3,37.1,Rebels,1\n")
    run = cli(tmp, "map", "uk.csv", "-o", "m.html")
    assert run.status == 0, run.err
    assert re.search(r"uk\.csv: note: 2 dates such as 03/05/2016 .*read month first.*give --dayfirst", run.err), run.err
    run = cli(tmp, "map", "uk.csv", "-o", "m.html", "--dayfirst")
    assert run.status == 0 and "note:" not in run.err, run.err
    table, _report = load_events(tmp / "uk.csv", dayfirst=True)
    assert [str(d)[:10] for d in table["event_date"]] == ["2016-05-03", "2016-05-04"]
    corpus(tmp, "c.jsonl", [{"id": "uk", "date": "03/05/2016", "text": YESTERDAY}])
    for flag, day in (([], "2016-03-04"), (["--dayfirst"], "2016-05-02")):
        run = cli(tmp, "extract", "c.jsonl", *flag)
        assert run.status == 0 and f",{day}," in run.out, (flag, run.out)


# --- 5: a cache that cannot be used only costs speed ----------------------------------------------

def _extract_with_cache(tmp: Path, cache: str, prelude: str = "") -> Run:
    """``geomap extract`` in a new process with ``GEOMAP_CACHE=cache``; ``prelude`` runs first (a fault)."""
    write(tmp, "r.txt", REPORT)
    code = f"import sys\n{prelude}\nfrom geomap.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    popen = subprocess.Popen([sys.executable, "-c", code, "extract", "r.txt", "--date", "2016-05-03"], cwd=tmp,
                             env={**os.environ, "PYTHONPATH": str(REPO), "GEOMAP_CACHE": cache},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return finished(popen, timeout=300)


def _same_events_as_usual(tmp: Path, run: Run) -> None:
    assert run.status == 0 and "Traceback" not in run.err, run.err
    usual = cli(tmp, "extract", "r.txt", "--date", "2016-05-03")
    assert run.out == usual.out and "Aleppo" in run.out


@check(CACHE)
def cache_folder_under_a_file(tmp: Path) -> None:
    write(tmp, "file", "not a folder")
    _same_events_as_usual(tmp, _extract_with_cache(tmp, str(tmp / "file" / "cache")))


@check(CACHE)
def cache_folder_on_a_read_only_file_system(tmp: Path) -> None:
    _same_events_as_usual(tmp, _extract_with_cache(tmp, "/sys/geomap-cache"))


@check(CACHE)
def cache_on_a_full_disk(tmp: Path) -> None:
    full_disk = ("import errno, pickle\n"
                 "def dump(*args, **kwargs):\n"
                 "    raise OSError(errno.ENOSPC, 'No space left on device')\n"
                 "pickle.dump = dump\n")
    run = _extract_with_cache(tmp, str(tmp / "cache"), full_disk)
    _same_events_as_usual(tmp, run)
    assert leftovers(tmp) == []


@check(CACHE)
def cache_folder_deleted_mid_run(tmp: Path) -> None:
    cache = tmp / "cache"
    deleted = (f"import shutil\nfrom geomap.gazetteer import Gazetteer\nGazetteer.load()\n"
               f"shutil.rmtree({str(cache)!r})\nopen({str(cache)!r}, 'w').close()  # and a file in its place\n")
    _same_events_as_usual(tmp, _extract_with_cache(tmp, str(cache), deleted))


@check(CACHE)
def cache_pickles_of_the_wrong_shape(tmp: Path) -> None:
    import pickle

    from geomap.paths import cache_dir

    cache = tmp / "cache"
    cache.mkdir()
    warm = sorted(cache_dir().glob("gazetteer-*.pickle"))
    assert warm, "the test environment's cache is warm"
    for path in warm:  # the same names, other contents: a tuple of the right length, a dict, garbage
        fake = {"index": pickle.dumps((1, 2, 3, 4, 5))}.get(path.name.split("-")[1], pickle.dumps({"a": 1}))
        (cache / path.name).write_bytes(fake)
    _same_events_as_usual(tmp, _extract_with_cache(tmp, str(cache)))


# --- 6: SIGTERM cleans up as Ctrl-C does ----------------------------------------------------------

def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(pids: list[int]) -> list[int]:
    import psutil

    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def _kill_ours(pids: list[int]) -> None:
    """Kill the processes among ``pids`` still running geomap (a process id can be reused)."""
    import psutil

    for pid in _alive(pids):
        with contextlib.suppress(psutil.Error):
            worker = psutil.Process(pid)
            if "geomap.cli" in " ".join(worker.cmdline()) or "multiprocessing" in " ".join(worker.cmdline()):
                worker.kill()


def _terminated_mid_run(tmp: Path, argv: list[str], ready: Callable[[subprocess.Popen], bool]) -> tuple[Run, list[int]]:
    texts = [f"Rebels shelled Aleppo on Monday, killing {i} people. Airstrikes hit Idlib, killing {i % 7} civilians."
             for i in range(6000)]  # documents that differ, so that no memo makes the run short
    corpus(tmp, "c.jsonl", [{"id": f"d{i}", "text": text} for i, text in enumerate(texts)])
    popen = process(tmp, *argv)
    deadline = time.monotonic() + 120
    while not ready(popen):
        assert popen.poll() is None, f"the run ended before the signal: {popen.communicate()}"
        assert time.monotonic() < deadline, "the run never got going"
        time.sleep(0.1)
    workers = _children(popen.pid)
    popen.send_signal(signal.SIGTERM)
    try:
        return finished(popen, timeout=120), workers
    finally:  # whatever happened, this test leaves no process of its own behind
        if popen.poll() is None:
            popen.kill()
            popen.wait()
        _kill_ours(workers)


@check(SIGNALS)
def sigterm_during_a_parallel_run(tmp: Path) -> None:
    def working(popen: subprocess.Popen) -> bool:
        return len(_children(popen.pid)) >= 2 and any(p.name.endswith(".tmp") for p in tmp.iterdir()) and \
            any(tmp.glob(".e.parquet.*.tmp/part-*.parquet"))

    run, workers = _terminated_mid_run(tmp, ["extract", "c.jsonl", "-o", "e.parquet", "--workers", "2"], working)
    assert run.status == 128 + signal.SIGTERM and "Traceback" not in run.err, run.err
    assert len(workers) >= 2
    time.sleep(0.5)
    assert _alive(workers) == []
    assert sorted(p.name for p in tmp.iterdir()) == ["c.jsonl"]


@check(SIGNALS)
def sigterm_during_a_dask_run(tmp: Path) -> None:
    pytest.importorskip("distributed")

    def working(popen: subprocess.Popen) -> bool:  # the forkserver, its workers, their first parts
        return len(_children(popen.pid)) >= 3 and any(tmp.glob(".e.parquet.*.tmp/part-*.parquet"))

    run, workers = _terminated_mid_run(tmp, ["extract", "c.jsonl", "-o", "e.parquet", "--engine", "dask",
                                             "--workers", "2"], working)
    assert run.status == 128 + signal.SIGTERM and "Traceback" not in run.err, run.err
    time.sleep(0.5)
    assert _alive(workers) == []
    assert sorted(p.name for p in tmp.iterdir()) == ["c.jsonl"]


@check(SIGNALS)
def sigterm_during_a_csv_run(tmp: Path) -> None:
    previous = write(tmp, "e.csv", "the previous events\n").read_bytes()

    def writing(_popen: subprocess.Popen) -> bool:
        return any(p.name.startswith(".e.csv.") for p in tmp.iterdir())

    run, _workers = _terminated_mid_run(tmp, ["extract", "c.jsonl", "-o", "e.csv"], writing)
    assert run.status == 128 + signal.SIGTERM and "Traceback" not in run.err, run.err
    assert (tmp / "e.csv").read_bytes() == previous
    assert sorted(p.name for p in tmp.iterdir()) == ["c.jsonl", "e.csv"]


# --- 9: LocalGazetteer follows geopy's conventions ------------------------------------------------

def _geocoder(**options):
    from geomap.gazetteer import LocalGazetteer

    return LocalGazetteer(**options)


def _country(location) -> str | None:
    return None if location is None else location.raw["country"]


@check(GEOPY)
def a_namesake_spelled_unlike_never_beats_one_spelled_alike(_tmp: Path) -> None:
    coder = _geocoder()
    jobar = coder.geocode("Jobar")
    assert _country(jobar) == "SY" and jobar.raw["admin1"] == "Damascus", jobar
    listed = coder.geocode("Jobar", exactly_one=False)
    assert _country(listed[0]) == "SY" and "Jaipur" in [loc.raw["name"] for loc in listed]  # listed, after
    assert coder.geocode("Aleppo").raw["place_id"] == "C1007"


@check(GEOPY)
def no_query_is_no_answer(_tmp: Path) -> None:
    coder = _geocoder()
    with pytest.raises(ValueError, match="place name is required"):
        coder.geocode(None)
    with pytest.raises(ValueError, match="string"):
        coder.geocode(float("nan"))
    assert coder.geocode("") is None and coder.geocode("   ") is None


@check(GEOPY)
def country_restrictions_are_honoured(_tmp: Path) -> None:
    coder = _geocoder()
    assert _country(coder.geocode("Geneva")) == "CH"
    assert _country(coder.geocode("Geneva", country_codes="us")) == "US"
    assert _country(coder.geocode("Geneva", country_codes=["US", "ch"])) == "CH"
    assert _country(coder.geocode("Geneva", components={"country": "US"})) == "US"
    assert coder.geocode("Geneva", country_codes="sy") is None
    assert coder.geocode("Aleppo", components=[("administrative_area", "Idlib")]) is None
    assert coder.geocode("Aleppo", components={"administrative_area": "Aleppo"}).raw["place_id"] == "C1007"
    with pytest.raises(ValueError, match="route"):
        coder.geocode("Aleppo", components={"route": "Baron Street"})
    assert _country(_geocoder(country_codes="us").geocode("Geneva")) == "US"


@check(GEOPY)
def a_viewbox_is_preferred_and_bounded_is_required(_tmp: Path) -> None:
    coder = _geocoder()
    illinois = [(41.5, -89.0), (42.5, -87.5)]
    assert _country(coder.geocode("Geneva", viewbox=illinois)) == "US"
    assert _country(coder.geocode("Geneva", viewbox=illinois, bounded=True)) == "US"
    syria = [(32.3, 35.7), (37.3, 42.4)]
    assert coder.geocode("Geneva", viewbox=syria, bounded=True) is None
    assert _country(coder.geocode("Geneva", viewbox=syria)) == "CH"  # preferred, not required


@check(GEOPY)
def a_country_by_code_or_name(_tmp: Path) -> None:
    for country in ("SY", "sy", "SYR", "Syria"):
        assert _geocoder(country=country).geocode("Aleppo").raw["place_id"] == "C1007"
        assert _geocoder().geocode("Aleppo", country=country).raw["place_id"] == "C1007"
    with pytest.raises(ValueError, match="unknown country 'Narnia'"):
        _geocoder().geocode("Aleppo", country="Narnia")


@check(GEOPY)
def reverse_answers_only_near_a_place(_tmp: Path) -> None:
    coder = _geocoder()
    assert coder.reverse((0, 0)) is None  # the Gulf of Guinea, 577 km from Takoradi, Ghana
    assert coder.reverse("0, 0", max_km=1000) is not None
    assert _country(coder.reverse((36.2, 37.14))) == "SY"
    assert coder.reverse((36.2, 37.14), exactly_one=False)[0].raw["country"] == "SY"


@check(GEOPY)
def limit_follows_geopy(_tmp: Path) -> None:
    coder = _geocoder()
    for limit in (0, -1):
        with pytest.raises(ValueError, match="limit"):
            coder.geocode("Aleppo", exactly_one=False, limit=limit)
    assert len(coder.geocode("Aleppo", exactly_one=False, limit=2)) == 2
    assert len(coder.geocode("Aleppo", exactly_one=False)) > 2


@check(GEOPY)
def geopandas_passes_its_options_and_missing_names(_tmp: Path) -> None:
    import geopandas

    from geomap.gazetteer import LocalGazetteer

    frame = geopandas.tools.geocode(["Jobar", None, "Geneva"], provider=LocalGazetteer, country_codes=["sy", "us"])
    assert frame.address[0].endswith("SY") and frame.geometry[1].is_empty and frame.address[2].endswith("US")


# --- 13: document ids stay unique ------------------------------------------------------------------

@check(IDS)
def repeated_ids_never_collide(tmp: Path) -> None:
    import geopandas as gpd
    import pandas as pd

    from geomap.run.corpus import run_corpus

    corpus(tmp, "c.jsonl", [{"id": ident, "text": REPORT} for ident in ("a", "a", "a#2", "a", "b#2", "b", "b")])
    wanted = ["a", "a#2", "a#2#2", "a#3", "b#2", "b", "b#3"]
    run = cli(tmp, "extract", "c.jsonl", "-o", "e.csv", "--mentions", "m.csv")
    assert run.status == 0, run.err
    mentions = pd.read_csv(tmp / "m.csv", keep_default_na=False)
    assert list(dict.fromkeys(mentions["doc_id"])) == wanted
    run_corpus(tmp / "c.jsonl", tmp / "e.parquet", mentions_output=tmp / "m.parquet", batch_size=2, progress=False)
    events = gpd.read_parquet(tmp / "e.parquet")
    assert list(dict.fromkeys(events["doc_id"])) == wanted
    assert events["event_id"].is_unique


# --- 7-8: invisible characters and markup ---------------------------------------------------------

# What a word processor or a web page hides inside "Idlib": each must leave the place found, its
# event apart from Aleppo's with its own toll, and the offsets pointing into the text as given.
HIDDEN_IDLIB = {
    "zero-width space": "Idl\u200bib", "zero-width non-joiner": "Idl\u200cib", "zero-width joiner": "Idl\u200dib",
    "word joiner": "Idl\u2060ib", "byte-order mark": "Idl\ufeffib", "right-to-left mark": "Idl\u200fib",
    "soft hyphen": "Id\u00adlib", "fullwidth letters": "\uff29\uff44\uff4c\uff49\uff42",
    "Cyrillic look-alike": "Idl\u0456b",
}


def _events_and_mentions(tmp: Path, text: str) -> tuple[list[dict], list[dict]]:
    import csv

    write(tmp, "report.txt", text)
    run = cli(tmp, "extract", "report.txt", "--date", "2016-05-03", "-o", "e.csv", "--mentions", "m.csv")
    assert run.status == 0 and "Traceback" not in run.err, run.err
    with open(tmp / "e.csv", encoding="utf-8", newline="") as e, open(tmp / "m.csv", encoding="utf-8", newline="") as m:
        return list(csv.DictReader(e)), list(csv.DictReader(m))


def _check_hidden(label: str, name: str) -> None:
    def run(tmp: Path) -> None:
        text = f"Air strikes hit Aleppo on Monday, killing 12 people. {name} was shelled on Monday, killing 3."
        events, mentions = _events_and_mentions(tmp, text)
        tolls = {row["location"]: row["fatalities"] for row in events}
        assert tolls == {"Aleppo": "12", "Idlib": "3"}, events
        idlib = [row for row in mentions if row["name"] == "Idlib" and row["status"] == "located"]
        assert len(idlib) == 1, mentions
        start, end = int(idlib[0]["char_start"]), int(idlib[0]["char_end"])
        assert text[start:end] == name  # the offsets point into the text as given
    run.__name__ = f"{label} inside a name"
    CHECKS.append(Check(TEXT, run.__name__, run))


for _label, _name in HIDDEN_IDLIB.items():
    _check_hidden(_label, _name)


@check(TEXT)
def html_paragraphs_are_sentences_and_entities_text(tmp: Path) -> None:
    text = ("<p>Government air strikes hit Aleppo on Monday &amp; at least 12 people were killed.</p>\n"
            "<p>Air strikes hit Raqqa on Monday and killed 18 people.</p>")
    events, _mentions = _events_and_mentions(tmp, text)
    assert {row["location"]: row["fatalities"] for row in events} == {"Aleppo": "12", "Raqqa": "18"}, events
    raqqa = next(row for row in events if row["location"] == "Raqqa")
    assert "<" not in raqqa["notes"] and text[int(raqqa["char_start"]):int(raqqa["char_end"])].startswith("Air strikes")


@check(TEXT)
def a_word_wholly_in_another_script_is_left_as_written(tmp: Path) -> None:
    from geomap.extract.normalize import normalise

    assert normalise("Обстріл Харкова і Idl\u0456b").text == "Обстріл Харкова і Idlib"


# --- 15: odd inputs and outputs -------------------------------------------------------------------

@check(ODD)
def an_endless_device_is_refused_at_once(tmp: Path) -> None:
    started = time.monotonic()
    run = finished(process(tmp, "extract", "/dev/zero"), timeout=60)
    assert run.status == 1 and "Traceback" not in run.err
    assert re.search(r"/dev/zero: binary file", run.err), run.err
    assert time.monotonic() - started < 30


@check(ODD)
def a_full_disk_behind_standard_output(tmp: Path) -> None:
    write(tmp, "r.txt", REPORT)
    with open("/dev/full", "w") as full:
        run = finished(process(tmp, "extract", "r.txt", stdout=full))
    assert run.status == 1 and "Traceback" not in run.err and "Exception ignored" not in run.err, run.err
    assert [line for line in run.err.splitlines() if "error" in line] == [
        "geomap extract: error: cannot write to standard output: No space left on device"]


@check(ODD)
def a_dask_run_without_a_network(tmp: Path) -> None:
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True, check=False).returncode != 0:
        pytest.skip("unshare -rn (a process without a network) is not available here")
    corpus(tmp, "c.jsonl", [{"id": "d", "text": REPORT}])
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    done = subprocess.run(["unshare", "-rn", sys.executable, "-m", "geomap.cli", "extract", "c.jsonl", "-o",
                           "e.parquet", "--engine", "dask"], cwd=tmp, env=environment, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert re.search(r"error: a local Dask cluster talks over 127\.0\.0\.1", done.stderr), done.stderr
    assert time.monotonic() - started < 60
    assert sorted(p.name for p in tmp.iterdir()) == ["c.jsonl"]


@check(ODD)
def the_local_dask_cluster_opens_no_dashboard(tmp: Path) -> None:
    probe = ("import json, psutil\nfrom geomap.run.parallel import local_cluster\n"
             "with local_cluster(1) as cluster:\n"
             "    ports = sorted({c.laddr.port for c in psutil.Process().net_connections('tcp')\n"
             "                    if c.status == psutil.CONN_LISTEN})\n"
             "    print(json.dumps(ports))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp, env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    ports = json.loads(done.stdout.strip().splitlines()[-1])
    assert ports and 8787 not in ports, done.stdout  # the scheduler listens, on ports of its own choosing


@check(ODD)
def a_table_piped_in_is_read_as_a_table(tmp: Path) -> None:
    table = (TABLE_HEADER + GOOD_ROW).encode()
    run = cli(tmp, "map", "-", "-o", "m.html", stdin=table)
    assert run.status == 0 and "1 rows read: 1 clean" in run.err, run.err
    refused(cli(tmp, "extract", "-", stdin=table), r"an event table")
    run = cli(tmp, "map", "-", "-o", "r.html", "--date", "2016-05-03", stdin=REPORT.encode())
    assert run.status == 0 and "rows read" not in run.err, run.err  # a report piped in is still a report


@check(ODD)
def folder_entries_that_are_not_read_are_named(tmp: Path) -> None:
    write(tmp, "in/a.txt", REPORT)
    write(tmp, "in/older/b.txt", REPORT)
    os.mkfifo(tmp / "in" / "pipe.txt")
    os.symlink("gone.txt", tmp / "in" / "dangling.txt")
    os.symlink("loop.txt", tmp / "in" / "loop.txt")
    write(tmp, "in/README.md", "not a report")
    write(tmp, "in/.hidden.txt", REPORT)
    run = cli(tmp, "extract", "in", "-o", "e.csv")
    assert run.status == 1 and "1 documents" in run.err, run.err
    lines = run.errors()
    assert any(re.search(r"warning: in/older: subfolder not read", line) for line in lines), lines
    assert any(re.search(r"error: in/pipe\.txt: a named pipe", line) for line in lines), lines
    assert any(re.search(r"error: in/dangling\.txt: a broken symbolic link", line) for line in lines), lines
    assert any(re.search(r"error: in/loop\.txt: a symbolic link loop", line) for line in lines), lines
    assert len(lines) == 4, lines
    run = cli(tmp, "extract", "in/loop.txt")
    assert run.status == 1 and re.search(r"in/loop\.txt: a symbolic link loop", run.err), run.err


@check(ODD)
def the_gazetteer_is_not_built_into_its_sources(tmp: Path) -> None:
    for name in ("ocha20", "ocha15", "geonames"):
        (tmp / "src" / name).mkdir(parents=True)
    before = digest(tmp)
    run = cli(tmp, "gazetteer", "build", "--ocha-2020", "src/ocha20", "--ocha-2015", "src/ocha15",
              "--geonames", "src/geonames", "--out", "src/geonames/built")
    refused(run, r"src/geonames/built/places\.tsv: refusing to write inside the input folder src/geonames")
    assert digest(tmp) == before and not (tmp / "src" / "geonames" / "built").exists()



@check(ODD)
def a_problem_line_quotes_a_huge_value_cut_short(tmp: Path) -> None:
    huge = "<b>" + "\u0645" * 50_000
    write(tmp, "t.csv", TABLE_HEADER.replace("fatalities", "fatalities,event_type")
          + GOOD_ROW.replace("\n", f",{huge}\n"))
    run = cli(tmp, "map", "t.csv", "-o", "m.html")
    assert run.status == 1 and "Traceback" not in run.err
    lines = [line for line in run.err.splitlines() if "event_type" in line]
    assert lines and all(len(line) < 400 for line in lines), [len(line) for line in lines]


@check(TEXT)
def a_literal_ampersand_and_footnote_marks_are_text(tmp: Path) -> None:
    text = ("<p>Warplanes struck Idlib on Monday, killing two civilians, residents said &</p>"
            "<p>Clashes near Hama killed 12\u00b2 fighters on Tuesday.</p>")
    events, _mentions = _events_and_mentions(tmp, text)
    assert {row["location"]: row["fatalities"] for row in events} == {"Idlib": "2", "Hama": "12"}, events
    idlib = next(row for row in events if row["location"] == "Idlib")
    assert text[int(idlib["char_start"]):int(idlib["char_end"])].endswith("residents said &")


@check(TEXT)
def a_long_list_of_places_is_read_in_linear_time(tmp: Path) -> None:
    started = time.monotonic()
    events, mentions = _events_and_mentions(tmp, "Aleppo and Idlib and Hama and Homs and " * 2000 + "were shelled.")
    assert len(mentions) == 8000 and time.monotonic() - started < 15
