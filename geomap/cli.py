"""Command-line front end: parse arguments, call the API, print, exit.

Exit codes: 0 success, 1 some input failed, 2 usage error. Data goes to
stdout, messages to stderr; tracebacks only with ``--debug``.

Each verb has an ``_add_<verb>`` function that declares its arguments and a
``_run_<verb>`` function that does the work; ``main`` wires them together.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from geomap import __version__
from geomap.errors import GeomapError

Runner = Callable[[argparse.Namespace], int]


# --- geocode ---------------------------------------------------------------

def _add_geocode(sub: argparse._SubParsersAction) -> Runner:
    p = sub.add_parser("geocode", help="look place names up in the offline gazetteer")
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument("--country", default=None, help="ISO2 code of the document's country focus, e.g. SY")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    return _run_geocode


def _run_geocode(args: argparse.Namespace) -> int:
    raise GeomapError("geocode is not implemented yet")


# --- gazetteer build -------------------------------------------------------

def _add_gazetteer(sub: argparse._SubParsersAction) -> Runner:
    p = sub.add_parser("gazetteer", help="build or inspect the bundled gazetteer")
    verbs = p.add_subparsers(dest="gazetteer_verb", required=True)
    b = verbs.add_parser("build", help="build gazetteer/ from OCHA and GeoNames source files")
    b.add_argument("--ocha-2020", required=True, metavar="DIR")
    b.add_argument("--ocha-2015", required=True, metavar="DIR")
    b.add_argument("--geonames", required=True, metavar="DIR")
    b.add_argument("--out", default="gazetteer", metavar="DIR")
    b.add_argument("--curated", default=None, metavar="FILE",
                   help="hand-curated rows (default: the repository's gazetteer/curated.tsv)")
    return _run_gazetteer


def _run_gazetteer(args: argparse.Namespace) -> int:
    import time

    from geomap.gazetteer_build import build_gazetteer

    started = time.perf_counter()
    report = build_gazetteer(
        args.ocha_2020, args.ocha_2015, args.geonames, args.out, curated=args.curated,
        log=lambda line: print(line, file=sys.stderr),
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
    p = sub.add_parser("extract", help="extract located events from reports (.txt, folder, .jsonl)")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--date", default=None, help="report date YYYY-MM-DD for relative dates")
    p.add_argument("-o", "--output", default=None, help="events.csv|.geojson|.parquet (default: CSV on stdout)")
    p.add_argument("--mentions", default=None, help="write the toponym mentions table here")
    return _run_extract


def _run_extract(args: argparse.Namespace) -> int:
    raise GeomapError("extract is not implemented yet")


# --- map -------------------------------------------------------------------

def _add_map(sub: argparse._SubParsersAction) -> Runner:
    p = sub.add_parser("map", help="write a self-contained HTML map from reports or event tables")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("-o", "--output", required=True, help="output/NAME.html")
    p.add_argument("--date", default=None, help="report date YYYY-MM-DD (for reports)")
    p.add_argument("--title", default=None)
    p.add_argument("--basemap", default="offline", choices=["offline", "osm", "carto-light", "hot"])
    p.add_argument("--png", default=None, help="also write a static PNG map here")
    return _run_map


def _run_map(args: argparse.Namespace) -> int:
    raise GeomapError("map is not implemented yet")


# --- embed -----------------------------------------------------------------

def _add_embed(sub: argparse._SubParsersAction) -> Runner:
    p = sub.add_parser("embed", help="print an <iframe> snippet for a map")
    p.add_argument("path", metavar="MAP.html")
    return _run_embed


def _run_embed(args: argparse.Namespace) -> int:
    raise GeomapError("embed is not implemented yet")


# --- demo ------------------------------------------------------------------

def _add_demo(sub: argparse._SubParsersAction) -> Runner:
    p = sub.add_parser("demo", help="run the main job on the bundled example report")
    p.add_argument("-o", "--output-dir", default="output")
    return _run_demo


def _run_demo(args: argparse.Namespace) -> int:
    raise GeomapError("demo is not implemented yet")


# --- main ------------------------------------------------------------------

_VERBS = (_add_demo, _add_geocode, _add_extract, _add_map, _add_embed, _add_gazetteer)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Runner]]:
    """Return the argument parser and the runner of each verb."""
    parser = argparse.ArgumentParser(
        prog="geomap",
        description="Offline geoparsing of conflict reports into events and self-contained maps.",
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
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``geomap`` command line; return the exit status."""
    parser, runners = build_parser()
    args = parser.parse_args(argv)
    try:
        return runners[args.verb](args)
    except GeomapError as exc:
        if args.debug:
            raise
        print(f"geomap {args.verb}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("geomap: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
