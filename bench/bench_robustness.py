"""Benchmark geomap's robustness: hostile and careless use, XSS in the browser, extraction time per MB.

Usage::

    python bench/bench_robustness.py [--sizes 1,10,100] [--report-mb 200] [--corpus FAKES.csv] [--no-browser]
                                     [--no-single] [--cases-only]

Prints

* a table of cases tried and handled per category: the malformed inputs of
  tests/test_robustness.py (the exit status of the case, 1 or 2, a one-line
  error naming the file/line, no traceback, inputs unchanged) and the checks
  of tests/test_hostile_use.py (outputs that would destroy inputs, newswire
  datelines, an unusable cache, SIGTERM, geopy's conventions, document ids,
  odd inputs and outputs), each run as the tests run it;
* XSS payloads x fields tried in headless Chromium and how many executed (must
  be 0): the corpus and probe of tests/test_xss_browser.py;
* extraction seconds per MB of a JSONL corpus built by repeating the FA-KES
  development articles (default ../shared/data/corpus/fakes-dev.csv) to 1, 10
  and 100 MB, streamed through ``iter_documents`` + ``iter_extract_corpus`` on one
  core, with the ratio to the 1 MB rate (linear = 1.0) and peak memory;
* ONE plain-text report of ``--report-mb`` MB (default 200: the same articles
  joined by blank lines) through ``geomap extract REPORT.txt -o events.csv``
  in a child process: seconds (wall and CPU) per MB and the child's peak RSS,
  which stays bounded because the report is read, extracted and written in
  pieces;
* (unless ``--no-single``) the same text as ONE document of 0.1, 0.2 and 0.4 MB,
  which shows how a single long report scales.

Repeated articles let the gazetteer's memo answer more names than new text
would, so absolute rates are optimistic; the ratios are what this measures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "corpus" / "fakes-dev.csv"
sys.path.insert(0, str(REPO / "tests"))


MALFORMED = "malformed input"


def malformed_figures() -> dict[str, list[tuple[str, str]]]:
    """Run every malformed-input case; return ``{category: [(case, outcome)]}``, outcome "handled" or why not."""
    from test_robustness import handled, malformed_cases, run_case

    outcomes = []
    for case in malformed_cases():
        with tempfile.TemporaryDirectory() as tmp:
            outcomes.append((case.name, "handled" if handled(case, run_case(case, Path(tmp))) else "NOT handled"))
    return {MALFORMED: outcomes}


def hostile_figures() -> dict[str, list[tuple[str, str]]]:
    """Run every check of tests/test_hostile_use.py; return ``{category: [(check, outcome)]}``."""
    import pytest
    from test_hostile_use import CHECKS

    found: dict[str, list[tuple[str, str]]] = {}
    for item in CHECKS:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                item.run(Path(tmp))
                outcome = "handled"
            except pytest.skip.Exception as skipped:
                outcome = f"skipped ({skipped})"
            except Exception as exc:  # noqa: BLE001 - a failed check is counted and named, not raised
                outcome = f"NOT handled: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        found.setdefault(item.category, []).append((item.name, outcome))
        print(f"  {item.category}: {item.name}: {outcome}", file=sys.stderr, flush=True)
    return found


def print_case_table(results: dict[str, list[tuple[str, str]]]) -> int:
    """Print cases tried and handled per category (a Markdown table); return how many were not handled."""
    print("| category | cases tried | handled |")
    print("|---|---:|---:|")
    failed = 0
    for category, outcomes in results.items():
        tried = [o for _name, o in outcomes if not o.startswith("skipped")]
        handled = sum(o == "handled" for o in tried)
        failed += len(tried) - handled
        skipped = len(outcomes) - len(tried)
        print(f"| {category} | {len(tried)} | {handled} |" + (f" ({skipped} skipped)" if skipped else ""))
    for category, outcomes in results.items():
        for name, outcome in outcomes:
            if outcome != "handled":
                print(f"  {category}: {name}: {outcome}")
    return failed


def xss_figures():
    """Probe the hostile maps in headless Chromium; return the XssResult."""
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright
    from test_xss_browser import run_xss

    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            return run_xss(browser, Path(tmp))
        finally:
            browser.close()


def _articles(corpus: Path) -> list[str]:
    import pandas as pd

    frame = pd.read_csv(corpus, encoding="latin-1")
    return [str(text) for text in frame["article_content"].dropna()]


def write_corpus(articles: list[str], megabytes: float, path: Path) -> int:
    """Write a JSONL corpus of about ``megabytes`` MB of article text; return its text bytes."""
    target, written, i = int(megabytes * 1_000_000), 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            text = articles[i % len(articles)]
            out.write(json.dumps({"id": f"a{i}", "text": text, "date": "2017-04-05"}) + "\n")
            written += len(text.encode("utf-8"))
            i += 1
    return written


def corpus_seconds(path: Path) -> tuple[float, float, int]:
    """Stream the corpus through extraction; return (wall seconds, CPU seconds, events)."""
    from geomap.documents import iter_documents
    from geomap.extract import iter_extract_corpus

    start, cpu = time.perf_counter(), time.process_time()
    events = sum(len(table) for table, _mentions in iter_extract_corpus(iter_documents(path)))
    return time.perf_counter() - start, time.process_time() - cpu, events


def write_report(articles: list[str], megabytes: float, path: Path) -> int:
    """Write ONE text report of about ``megabytes`` MB (articles joined by blank lines); return its bytes."""
    target, written, i = int(megabytes * 1_000_000), 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            text = " ".join(articles[i % len(articles)].split()) + "\n\n"
            out.write(text)
            written += len(text.encode("utf-8"))
            i += 1
    return written


def report_figures(path: Path) -> dict[str, float]:
    """Run ``geomap extract PATH -o events.csv`` in a child process; return its own rusage figures."""
    import subprocess

    output = path.with_suffix(".csv")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child-extract", str(path), str(output)],
                          capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - start
    figures["summary"] = done.stderr.strip().splitlines()[-1]
    return figures


def child_extract(report: str, output: str) -> int:
    """The child of :func:`report_figures`: extract, then print CPU seconds and peak RSS as JSON."""
    from geomap.cli import main as geomap_main

    status = geomap_main(["extract", report, "-o", output])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}))
    return status


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10", help="corpus sizes in MB, comma-separated (default 1,10)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-single", action="store_true")
    parser.add_argument("--report-mb", type=float, default=200,
                        help="size of the ONE long report run through geomap extract (0 skips it)")
    parser.add_argument("--cases-only", action="store_true", help="only the table of cases (no XSS, no timings)")
    parser.add_argument("--child-extract", nargs=2, metavar=("REPORT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_extract:
        return child_extract(*args.child_extract)

    failed = print_case_table({**malformed_figures(), **hostile_figures()})
    if args.cases_only:
        return 0 if not failed else 1

    if not args.no_browser:
        result = xss_figures()
        print(f"XSS: {result.tried} payload x field placements tried in Chromium, {result.executed} executed, "
              f"{result.injected} injected elements, {len(result.not_shown)} not shown as text, "
              f"{len(result.requests)} requests")

    if not args.corpus.is_file():
        print(f"extraction: skipped, {args.corpus} not found")
        return 0 if not failed else 1
    from geomap.extract import extract_document
    from geomap.gazetteer import Gazetteer

    articles = _articles(args.corpus)
    extract_document("Rebels shelled Aleppo on Monday.", report_date="2016-05-03", gazetteer=Gazetteer.load())
    base = None
    for size in [float(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.jsonl"
            nbytes = write_corpus(articles, size, path)
            seconds, cpu, events = corpus_seconds(path)
        rate = cpu / (nbytes / 1e6)
        base = base or rate
        print(f"extraction, corpus of {nbytes / 1e6:6.1f} MB: {seconds:7.1f} s wall, {cpu:7.1f} s CPU, "
              f"{rate:5.2f} CPU s/MB, ratio to the first size {rate / base:4.2f}, {events:,} events, "
              f"peak RSS {peak_mb():,.0f} MB, load {_load()}", flush=True)

    if args.report_mb > 0:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "report.txt"
            nbytes = write_report(articles, args.report_mb, path)
            figures = report_figures(path)
        mb = nbytes / 1e6
        rate = figures["cpu"] / mb
        ratio = f", ratio to the first corpus size {rate / base:4.2f}" if base else ""
        print(f"extraction, ONE report of {mb:6.1f} MB (geomap extract, streamed): {figures['wall']:7.1f} s wall, "
              f"{figures['cpu']:7.1f} s CPU, {rate:5.2f} CPU s/MB{ratio}, peak RSS {figures['peak_mb']:,.0f} MB, "
              f"load {_load()}", flush=True)
        print(f"  {figures['summary']}", flush=True)

    if not args.no_single:
        text = "\n\n".join(articles)
        single_base = None
        for size in (0.1, 0.2, 0.4):
            chunk = text[: int(size * 1e6)]
            start = time.perf_counter()
            extract_document(chunk, report_date="2017-04-05")
            seconds = time.perf_counter() - start
            rate = seconds / size
            single_base = single_base or rate
            print(f"extraction, ONE document of {size:.1f} MB: {seconds:6.1f} s, {rate:5.1f} s/MB, "
                  f"ratio to 0.1 MB {rate / single_base:4.2f}", flush=True)
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
