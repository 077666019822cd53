"""Command-line front end: parse arguments, call the API, print, exit.

Exit codes: 0 success, 1 some input failed, 2 usage error. Data goes to
stdout, messages to stderr; tracebacks only with ``--debug``.

Each verb has an ``_add_<verb>`` function that declares its arguments and a
``_run_<verb>`` function that does the work; ``main`` wires them together.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from geomap import __version__
from geomap.errors import GeomapError, UsageError

Runner = Callable[[argparse.Namespace], int]


# --- geocode ---------------------------------------------------------------

def _add_geocode(sub: argparse._SubParsersAction) -> Runner:
    p = sub.add_parser(
        "geocode",
        help="look place names up in the offline gazetteer",
        description="Resolve place names against the offline gazetteer. Names given together are read as "
        "mentions of one document: each helps place the others (country focus, nearby places). "
        "A kind word is understood: 'Idlib province', 'the city of Idlib'.",
    )
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument("--country", default=None, help="ISO2 code of the document's country focus, e.g. SY")
    p.add_argument("--alone", action="store_true", help="resolve each name on its own, not as one document")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    return _run_geocode


_GEOCODE_OTHERS = 4

from typing import TYPE_CHECKING  # noqa: E402  (kept inside the geocode section)

if TYPE_CHECKING:
    from geomap.gazetteer import Resolution


def _geocode_record(result: Resolution) -> dict:
    place = result.place
    return {
        "query": result.query,
        "status": result.status,
        "place": place.to_dict() if place is not None else None,
        "reason": result.reason,
        "score": result.score,
        "fuzzy": result.fuzzy,
        "candidates": [
            {"place_id": c.place.place_id, "name": c.place.name, "kind": c.place.kind, "country": c.place.country,
             "admin1": c.place.admin1, "latitude": c.place.latitude, "longitude": c.place.longitude,
             "score": score, "fuzzy": c.fuzzy}
            for score, c in result.candidates[:10]
        ],
    }


def _geocode_text(result: Resolution) -> str:
    place = result.place
    if place is None:
        lines = [f"{result.query}: not located ({result.status}): {result.reason}"]
    else:
        where = ", ".join(part for part in (place.admin2, place.admin1, place.country) if part)
        lines = [
            f"{result.query}: {place.name} ({place.kind}) {place.latitude:.5f}, {place.longitude:.5f}"
            f"  {where}  [{place.place_id}]",
            f"  why: {result.reason}",
        ]
    others = [(score, c) for score, c in result.candidates if place is None or c.place.place_id != place.place_id]
    for score, cand in others[:_GEOCODE_OTHERS]:
        flag = f" fuzzy {cand.score:.0f}" if cand.fuzzy else ""
        lines.append(f"  other: {cand.place.label()} [{cand.place.place_id}] score {score:.3f}{flag}")
    if len(others) > _GEOCODE_OTHERS:
        lines.append(f"  ... and {len(others) - _GEOCODE_OTHERS} more candidates")
    return "\n".join(lines)


def _run_geocode(args: argparse.Namespace) -> int:
    import json

    from geomap.gazetteer import Gazetteer, ResolveContext

    gazetteer = Gazetteer.load()
    country = args.country.upper() if args.country else None
    if args.alone:
        results = [gazetteer.resolve(name, ResolveContext(country=country)) for name in args.names]
    else:
        results = gazetteer.resolve_many(args.names, country=country)
    if args.json:
        print(json.dumps([_geocode_record(r) for r in results], ensure_ascii=False, indent=2))
    else:
        print("\n".join(_geocode_text(r) for r in results))
    missing = [r.query for r in results if r.place is None]
    if missing:
        print(f"geomap geocode: could not resolve {len(missing)} name(s): {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


# --- gazetteer build -------------------------------------------------------

def _add_gazetteer(sub: argparse._SubParsersAction) -> Runner:
    p = sub.add_parser("gazetteer", help="build or inspect the bundled gazetteer")
    verbs = p.add_subparsers(dest="gazetteer_verb", required=True)
    b = verbs.add_parser("build", help="build gazetteer/ from OCHA and GeoNames source files")
    b.add_argument("--ocha-2020", required=True, metavar="DIR")
    b.add_argument("--ocha-2015", required=True, metavar="DIR")
    b.add_argument("--geonames", required=True, metavar="DIR")
    b.add_argument("--naturalearth", default=None, metavar="DIR",
                   help="Natural Earth 1:110m countries (naturalearth_lowres.shp): the world's outlines "
                        "drawn around Syria on the offline basemaps")
    b.add_argument("--out", default="gazetteer", metavar="DIR")
    b.add_argument("--curated", default=None, metavar="FILE",
                   help="hand-curated rows (default: the repository's gazetteer/curated.tsv)")
    return _run_gazetteer


def _run_gazetteer(args: argparse.Namespace) -> int:
    import time

    from geomap.gazetteer.build import build_gazetteer
    from geomap.outputs import check_outputs

    sources = [args.ocha_2020, args.ocha_2015, args.geonames, args.naturalearth, args.curated]
    written = ("places.tsv", "boundaries.geojson", "countries.tsv", "README.md")
    check_outputs({f"--out ({name})": os.path.join(args.out, name) for name in written},
                  [source for source in sources if source])
    started = time.perf_counter()
    report = build_gazetteer(
        args.ocha_2020, args.ocha_2015, args.geonames, args.out, curated=args.curated,
        log=lambda line: print(line, file=sys.stderr), naturalearth=args.naturalearth,
    )
    print(report.count_table())
    for what, n in report.merges.items():
        print(f"{what}: {n:,}")
    for name, size in report.files.items():
        print(f"{name}: {size:,} bytes")
    print(f"built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


# --- extract ---------------------------------------------------------------

def _add_extract(sub: argparse._SubParsersAction) -> Runner:
    from geomap.run import ENGINES

    p = sub.add_parser("extract", help="extract located events from reports (.txt, folder, .jsonl, .csv corpus)")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="reports (.txt), folders of them, .jsonl or .csv corpora; '-' reads one report from stdin")
    p.add_argument("--date", default=None,
                   help="report date YYYY-MM-DD for relative dates (a date the text prints at its head wins)")
    p.add_argument("-o", "--output", default=None,
                   help="events.csv|.geojson|.parquet (default or '-': CSV on stdout); "
                        ".parquet writes a folder of partitioned GeoParquet")
    p.add_argument("--mentions", default=None,
                   help="write the toponym mentions table here (a .parquet folder when -o is .parquet, else CSV)")
    p.add_argument("--gazetteer", default=None, metavar="FILE",
                   help="your own places: CSV with name, lat, lon (optional kind, alt_names, country); "
                        "they win over the bundled gazetteer")
    p.add_argument("--workers", type=_positive_int, default=1, metavar="N",
                   help="extract documents in N parallel processes (with -o EVENTS.parquet)")
    p.add_argument("--engine", choices=ENGINES, default="processes",
                   help="local worker processes, or a Dask cluster (pip install 'geomap[dask]'); default: processes")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="Dask scheduler to run on, e.g. tcp://host:8786 (implies --engine dask)")
    p.add_argument("--dashboard", default=None, metavar="ADDRESS",
                   help="the local Dask cluster's diagnostics dashboard, e.g. :8787 (default: none, no port opened)")
    _add_dayfirst(p, "corpus records' dates")
    return _run_extract


if TYPE_CHECKING:
    import pandas as pd

    from geomap.gazetteer import Gazetteer


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _is_parquet(path: str | None) -> bool:
    return path is not None and path.lower().endswith(".parquet")


def _add_dayfirst(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--dayfirst", action="store_true", default=None,
                        help=f"read all-number dates such as 03/05/2016 day first (3 May) in {what}; "
                             "default: month first (US), unless the file's own dates show day first")


def _inputs_read(args: argparse.Namespace) -> list[str]:
    """Every path the run reads: its inputs and the user gazetteer."""
    gazetteer = getattr(args, "gazetteer", None)
    return [*args.inputs, *([gazetteer] if gazetteer else [])]


def _user_gazetteer(path: str | None) -> Gazetteer | None:
    """The bundled gazetteer with the user's places over it; None keeps the bundled one."""
    if path is None:
        return None
    from geomap.gazetteer import Gazetteer
    from geomap.tables import read_user_places

    return Gazetteer.load().with_places(read_user_places(path))


def _tables_given(inputs: list[str]) -> str | None:
    """Why ``extract`` refuses an input that is an event table, or None."""
    from geomap.run.inputs import split_inputs

    tables, _documents = split_inputs(inputs)
    if not tables:
        return None
    names = ", ".join(t.path for t in tables)
    return (f"{names}: an event table ({tables[0].format}), not reports: its rows are events already; "
            f"map it with `geomap map {tables[0].path} -o output/map.html`")


def _extract_usage_error(args: argparse.Namespace) -> str | None:
    from geomap.outputs import MENTIONS_SUFFIXES, TABLE_SUFFIXES, unknown_suffix

    parallel = args.workers > 1 or args.engine == "dask" or args.scheduler is not None
    if parallel and not _is_parquet(args.output):
        return "--workers, --engine dask and --scheduler write partitioned GeoParquet: give -o EVENTS.parquet"
    if args.mentions is not None and _is_parquet(args.mentions) != _is_parquet(args.output):
        return "--mentions is a .parquet folder exactly when -o is EVENTS.parquet (else a CSV file)"
    return (unknown_suffix("-o", args.output, TABLE_SUFFIXES, stdout=True)
            or unknown_suffix("--mentions", args.mentions, MENTIONS_SUFFIXES, stdout=True))


def _run_extract(args: argparse.Namespace) -> int:
    from geomap.outputs import check_outputs, check_parts_folder

    check_outputs({"-o": args.output or "-", "--mentions": args.mentions}, _inputs_read(args))
    usage = _extract_usage_error(args) or _tables_given(args.inputs)
    if usage is not None:
        print(f"geomap extract: error: {usage}", file=sys.stderr)
        return 2
    for out in (args.output, args.mentions):
        if _is_parquet(out):
            check_parts_folder(out)  # before the work, not after it
    gazetteer = _user_gazetteer(args.gazetteer)
    if _is_parquet(args.output):
        return _extract_to_parquet(args, gazetteer)
    return _extract_to_table(args, gazetteer)


def _extract_to_parquet(args: argparse.Namespace, gazetteer: Gazetteer | None) -> int:
    from geomap.run.corpus import run_corpus

    run = run_corpus(args.inputs, args.output, mentions_output=args.mentions, report_date=args.date,
                     workers=args.workers, engine="dask" if args.scheduler else args.engine,
                     scheduler=args.scheduler, gazetteer=gazetteer, dayfirst=bool(args.dayfirst),
                     dashboard=args.dashboard)
    print(f"geomap extract: {run.summary()} -> {args.output} ({run.parts} parts)", file=sys.stderr)
    _print_document_errors("extract", run.errors)
    return 1 if run.errors else 0


def _print_document_errors(verb: str, errors: Sequence) -> None:
    """Each document problem on its line: ``geomap VERB: error|warning: FILE:LINE: message``."""
    for error in errors:
        print(f"geomap {verb}: {'warning' if error.warning else 'error'}: {error}", file=sys.stderr)


def _extract_to_table(args: argparse.Namespace, gazetteer: Gazetteer | None) -> int:
    from geomap.run.corpus import extract_table

    # Streamed in batches: a 200 MB report or corpus does not have to fit in memory as one table.
    run = extract_table(args.inputs, args.output or "-", mentions_output=args.mentions, report_date=args.date,
                        gazetteer=gazetteer, dayfirst=bool(args.dayfirst))
    print(f"geomap extract: {run.documents} documents, {run.events} events, "
          f"{run.located} mentions located, {run.mentions - run.located} unlocated or ambiguous", file=sys.stderr)
    _print_document_errors("extract", run.errors)
    return 1 if run.errors else 0


# --- map -------------------------------------------------------------------

def _add_map(sub: argparse._SubParsersAction) -> Runner:
    p = sub.add_parser("map", help="write a self-contained HTML map from reports or event tables")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="reports (.txt, .jsonl, folder: extraction runs first) or event tables "
                        "(.csv, .geojson, .parquet file or folder)")
    p.add_argument("-o", "--output", required=True,
                   help="output/NAME.html ('-': the HTML on standard output)")
    p.add_argument("--date", default=None, help="report date YYYY-MM-DD (for reports)")
    p.add_argument("--title", default=None)
    p.add_argument("--basemap", default="offline", choices=["offline", "osm", "carto-light", "hot"],
                   help="basemap shown first (default: offline, which makes no network request)")
    p.add_argument("--online-basemaps", action="store_true",
                   help="also offer the online tile layers in the layer control of an offline map")
    p.add_argument("--png", default=None, help="also write a print-quality static map here (PNG)")
    p.add_argument("--pdf", default=None, help="also write the static map as a PDF (vector lines and text)")
    p.add_argument("--dpi", type=_positive_int, default=200, help="resolution of the PNG (default 200)")
    p.add_argument("--size", default="297x210mm", metavar="WxH",
                   help="page size of the PNG/PDF: pixels (1600x1200) or with a unit: 297x210mm (default, A4 "
                        "landscape), 11x8.5in, 30x20cm")
    p.add_argument("--types", action="append", metavar="T[,T...]",
                   help="PNG/PDF: only these event types, or TYPE:SUB-TYPE, as in the map's URL (repeatable)")
    p.add_argument("--actors", action="append", metavar="A[,A...]",
                   help="PNG/PDF: only these actors (actor1), as in the map's URL (repeatable)")
    p.add_argument("--from", dest="date_from", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                   help="PNG/PDF: only events on or after this day")
    p.add_argument("--to", dest="date_to", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                   help="PNG/PDF: only events on or before this day")
    p.add_argument("--notes", default="full", choices=["full", "short", "none"],
                   help="event notes in the popups: whole (default), first sentence only, or none "
                        "(notes are most of a large map's size)")
    p.add_argument("--gazetteer", default=None, metavar="FILE",
                   help="your own places: CSV with name, lat, lon (optional kind, alt_names, country); they "
                        "geocode table rows that have a location but no coordinates, and win over the bundled ones")
    p.add_argument("--strict", action="store_true",
                   help="leave table rows with a problem off the map (default: map them, flagged); "
                        "either way each problem is listed and the exit status is 1")
    _add_dayfirst(p, "event tables' event_date and corpus records' dates")
    return _run_map


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _read_map_tables(paths: list[str], strict: bool, gazetteer: Gazetteer | None,
                     dayfirst: bool | None = None) -> tuple[list[pd.DataFrame], bool]:
    """Read event tables, printing each problem (``FILE:LINE: message``) and a summary per table.

    Returns the tables and whether every row of every table was clean.
    """
    import pandas as pd

    from geomap.tables import load_table

    frames, clean = [], True
    for path in paths:
        # the map needs no geometries
        table, report = load_table(path, strict=strict, gazetteer=gazetteer, dayfirst=dayfirst)
        for problem in report.problems:
            print(problem, file=sys.stderr)
        for note in report.notes:
            print(f"{path}: note: {note}", file=sys.stderr)
        print(report.summary(), file=sys.stderr)
        clean = clean and report.ok
        frames.append(pd.DataFrame(table))
    return frames, clean


def _map_usage_error(args: argparse.Namespace) -> str | None:
    from geomap.outputs import unknown_suffix

    for option, path in (("--png", args.png), ("--pdf", getattr(args, "pdf", None))):
        if path == "-":
            return f"{option} -: the print map is written to a file, not to standard output; give a file name"
    return (unknown_suffix("-o", args.output, (".html", ".htm"), stdout=True)
            or unknown_suffix("--png", args.png, (".png",))
            or unknown_suffix("--pdf", getattr(args, "pdf", None), (".pdf",)))


def _run_map(args: argparse.Namespace) -> int:
    from pathlib import Path

    from geomap.outputs import check_outputs
    from geomap.run.inputs import split_inputs
    from geomap.run.map_inputs import BackgroundExtraction, MapInputs, concat_events

    check_outputs({"-o": args.output, "--png": args.png, "--pdf": getattr(args, "pdf", None)}, _inputs_read(args))
    usage = _map_usage_error(args)
    if usage is not None:
        print(f"geomap map: error: {usage}", file=sys.stderr)
        return 2
    tables, reports = split_inputs(args.inputs)
    # `geomap demo` calls this with a namespace of its own, without the table options
    gazetteer = _user_gazetteer(getattr(args, "gazetteer", None))
    dayfirst = getattr(args, "dayfirst", None)
    with BackgroundExtraction([r.path for r in reports], args.date, gazetteer, dayfirst=bool(dayfirst)) as extraction:
        # the reports are extracted in a worker while the tables are read and the map's libraries load
        from geomap.frames import return_memory_promptly

        return_memory_promptly()
        frames, clean = _read_map_tables([t.path for t in tables], getattr(args, "strict", False), gazetteer,
                                         dayfirst)
        from geomap.render import build_map

        unlocated, documents, mentions = None, 0, None
        if reports:
            notes: list = []
            extracted = extraction.result(warnings=notes)
            _print_document_errors("map", notes)
            clean = clean and not notes
            frames.append(extracted.events)
            unlocated, documents, mentions = extracted.unlocated, extracted.documents, extracted.mentions
            del extracted
    loaded = MapInputs(events=concat_events(frames), unlocated=unlocated, documents=documents, mentions=mentions)
    title = args.title if args.title is not None else ", ".join(Path(p).stem for p in args.inputs)
    m = build_map(loaded.events, title=title, basemap=args.basemap, unlocated=loaded.unlocated,
                  online_basemaps=True if args.online_basemaps else None, notes=getattr(args, "notes", "full"),
                  mentions=loaded.mentions)
    total, located = len(loaded.events), loaded.located
    written = ["standard output" if args.output == "-" else args.output]
    if args.png or getattr(args, "pdf", None):
        written += _write_static_maps(args, loaded.events)
    del frames, loaded  # the map holds what it needs: a million rows are let go before the page is written
    _save_html(m, args.output)
    unlocated_note = "" if unlocated is None else f", {len(unlocated)} unlocated place mentions"
    print(f"geomap map: {total} events read, {located} mapped, {total - located} without coordinates"
          f"{unlocated_note} -> {', '.join(map(str, written))}", file=sys.stderr)
    return 0 if clean else 1


def _save_html(m: object, output: str) -> None:
    """Write the map to ``output``, or its HTML to standard output for ``-``."""
    from geomap.render import save_map
    from geomap.render.map import render_html

    if output == "-":
        sys.stdout.write(render_html(m))
        sys.stdout.flush()
    else:
        save_map(m, output)


def _write_static_maps(args: argparse.Namespace, events: pd.DataFrame) -> list[str]:
    """The PNG and/or PDF print map, filtered as asked; its title is --title only, never a file name."""
    from geomap.render.filters import filter_from_options
    from geomap.render.png import save_pdf, save_png

    filters = filter_from_options(getattr(args, "types", None), getattr(args, "actors", None),
                                  getattr(args, "date_from", None), getattr(args, "date_to", None), events)
    size = getattr(args, "size", "297x210mm")
    written = []
    if args.png:
        save_png(events, args.png, title=args.title, dpi=getattr(args, "dpi", 200), size=size, filters=filters)
        written.append(args.png)
    if getattr(args, "pdf", None):
        save_pdf(events, args.pdf, title=args.title, size=size, filters=filters)
        written.append(args.pdf)
    if filters.active:
        print(f"geomap map: the static map shows {filters.describe()}; the HTML map shows the same with "
              f"{filters.to_hash()}", file=sys.stderr)
    return written


# --- embed -----------------------------------------------------------------

def _add_embed(sub: argparse._SubParsersAction) -> Runner:
    p = sub.add_parser("embed", help="print an <iframe> snippet for a map")
    p.add_argument("path", metavar="MAP.html", help="the map; may end in #... to embed a filtered view")
    p.add_argument("--ratio", type=float, default=62.5, help="height as a percentage of the width (default 62.5)")
    return _run_embed


def _run_embed(args: argparse.Namespace) -> int:
    import html
    from pathlib import Path
    from urllib.parse import quote

    from geomap.errors import InputError

    path, _, fragment = args.path.partition("#")
    if not Path(path).is_file():
        raise InputError("no such map file", path=path)
    if not 10 <= args.ratio <= 300:
        raise InputError(f"--ratio must be between 10 and 300, not {args.ratio}")
    src = quote(Path(path).as_posix()) + ("#" + quote(fragment, safe="=&,:%.-_") if fragment else "")
    title = html.escape(f"Map: {Path(path).stem}", quote=True)
    print(f'<div style="position:relative;width:100%;height:0;padding-bottom:{args.ratio:g}%;">\n'
          f'  <iframe src="{html.escape(src, quote=True)}" title="{title}" loading="lazy" allowfullscreen\n'
          f'          style="position:absolute;top:0;left:0;width:100%;height:100%;border:0;"></iframe>\n'
          f'</div>')
    return 0


# --- demo ------------------------------------------------------------------

def _add_demo(sub: argparse._SubParsersAction) -> Runner:
    p = sub.add_parser("demo", help="run the main job on the bundled example report")
    p.add_argument("-o", "--output-dir", default="output")
    return _run_demo


def _run_demo(args: argparse.Namespace) -> int:
    from pathlib import Path

    from geomap.errors import InputError
    from geomap.paths import examples_dir

    report = examples_dir() / "aleppo-2016-05-03.txt"
    if not report.is_file():
        raise InputError("the bundled example report is missing; reinstall geomap", path=str(report))
    out = Path(args.output_dir)
    html_path, png_path = out / f"{report.stem}.html", out / f"{report.stem}.png"
    status = _run_map(argparse.Namespace(
        inputs=[str(report)], output=str(html_path), date="2016-05-03", title="Aleppo, 3 May 2016",
        basemap="offline", online_basemaps=False, png=str(png_path), pdf=None,
    ))
    print(f"wrote {html_path} (open it in a browser, no network needed) and {png_path}")
    return status


# --- main ------------------------------------------------------------------

_VERBS = (_add_demo, _add_geocode, _add_extract, _add_map, _add_embed, _add_gazetteer)

# Shown under each verb's --help: what people type most, copy-pastable.
_EXAMPLES = {
    "demo": """\
examples:
  geomap demo                      # map the bundled Aleppo report into output/
  geomap demo -o /tmp/maps""",
    "geocode": """\
examples:
  geomap geocode Aleppo "Idlib province" Saraqib
  geomap geocode --alone --country SY Homs
  geomap geocode --json Raqqa""",
    "extract": """\
examples:
  geomap extract report.txt -o events.csv
  geomap extract - < report.txt                 # report on stdin, CSV on stdout
  geomap extract reports/ --date 2016-05-03 -o events.geojson
  geomap extract report.txt --gazetteer my-places.csv -o events.csv
  geomap extract corpus.jsonl -o events.parquet --workers 2      # a folder of GeoParquet parts
  geomap extract uk-corpus.csv --dayfirst -o events.csv          # record dates such as 03/05/2016 are 3 May
  geomap extract archive/ -o events.parquet --scheduler tcp://dask-host:8786""",
    "map": """\
examples:
  geomap map report.txt -o output/map.html --png output/map.png
  geomap map events.csv -o output/map.html      # an edited or ACLED table
  geomap map events.csv --gazetteer my-places.csv --strict -o output/map.html
  geomap map events.parquet --title "Aleppo, May 2016" -o output/aleppo.html
  geomap map - -o - < events.csv > map.html       # a table piped in, the HTML piped out""",
    "embed": """\
examples:
  geomap embed output/map.html
  geomap embed "output/map.html#from=2016-05-01&to=2016-05-03" --ratio 75""",
    "gazetteer": """\
examples:
  geomap gazetteer build --ocha-2020 src/ocha2020 --ocha-2015 src/ocha2015 --geonames src/geonames --naturalearth src/ne""",
}

_MAIN_EPILOG = """\
examples:
  geomap demo                                   # try it on the bundled report
  geomap extract report.txt -o events.csv       # events to review in a spreadsheet
  geomap map events.csv -o output/map.html      # an offline map of the (edited) table
  geomap VERB --help                            # options and examples of one verb

exit status: 0 success, 1 some input failed (details on stderr), 2 usage error (or an output
that would overwrite an input, or another output); 130 after Ctrl-C, 143 after SIGTERM.
'-' stands for standard input or output where a file is expected."""


def _add_examples(parser: argparse.ArgumentParser, verb: str) -> None:
    examples = _EXAMPLES.get(verb)
    if examples:
        parser.epilog = examples
        # Keep the example lines as written instead of re-flowing them.
        parser.formatter_class = argparse.RawDescriptionHelpFormatter


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Runner]]:
    """Return the argument parser and the runner of each verb."""
    parser = argparse.ArgumentParser(
        prog="geomap",
        description="Offline geoparsing of conflict reports into events and self-contained maps.",
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"geomap {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    runners = {}
    for add in _VERBS:
        before = set(sub.choices)
        runner = add(sub)
        (name,) = set(sub.choices) - before
        runners[name] = runner
        _add_examples(sub.choices[name], name)
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``geomap`` command line; return the exit status.

    SIGTERM is handled as Ctrl-C is: outputs being written are left as they
    were, worker processes are stopped, and the status is 143 (130 for
    Ctrl-C), as a shell reports a process ended by that signal.
    """
    parser, runners = build_parser()
    args = parser.parse_args(argv)
    try:
        with _terminate_like_interrupt():
            status = runners[args.verb](args)
            sys.stdout.flush()  # a full disk behind `> out.csv` is met here, not at exit
            return status
    except UsageError as exc:
        if args.debug:
            raise
        print(f"geomap {args.verb}: error: {exc}", file=sys.stderr)
        return 2
    except GeomapError as exc:
        if args.debug:
            raise
        print(f"geomap {args.verb}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("geomap: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("geomap: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except BrokenPipeError:
        # the reader went away (`geomap extract ... | head`): not an error of ours.
        _silence_stdout()
        return 0
    except OSError as exc:
        # A full disk behind standard output, or a file system failing under us: one line, no traceback.
        if args.debug:
            raise
        if _stdout_failed(exc):
            message = f"cannot write to standard output: {exc.strerror}"
        else:
            message = f"{exc.filename}: {exc.strerror or exc}" if exc.filename else str(exc)
        print(f"geomap {args.verb}: error: {message}", file=sys.stderr)
        _silence_stdout()
        return 1


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every clean-up runs as for Ctrl-C."""


@contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return

    def terminate(_signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one clean-up, even if the signal comes again
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stdout_failed(exc: OSError) -> bool:
    """Whether ``exc`` came from writing standard output (it names no file)."""
    return exc.filename is None and exc.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG)


def _silence_stdout() -> None:
    # Point stdout at devnull so the interpreter's final flush cannot fail again.
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
