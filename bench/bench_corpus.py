"""Corpus throughput: 1 process, 2 worker processes, Dask with 2 workers.

Builds a JSONL corpus by repeating the FA-KES development articles with new
ids (``../shared/data/corpus/fakes-dev.csv``, 408 articles) and runs
:func:`geomap.corpus.run_corpus` on it (extraction of every document to
partitioned GeoParquet), printing for each engine

* documents/s (wall clock, including loading the gazetteer in each worker);
* the speed-up over one process;
* peak resident memory per worker process.

It also prints how fast :func:`geomap.corpus.iter_documents` alone reads the
corpus, and the machine's load average: on a shared machine the figures
move with it.

Usage::

    python bench/bench_corpus.py                          # 10,000 documents, every engine
    python bench/bench_corpus.py --documents 2000         # quicker
    python bench/bench_corpus.py --modes 1 workers        # skip Dask

Figures depend on the machine; the script prints them, it asserts nothing.
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

from geomap.corpus import iter_documents, run_corpus

DEFAULT_SOURCE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "corpus" / "fakes-dev.csv"
MODES = ("1", "workers", "dask")


def build_corpus(source: Path, documents: int, out: Path) -> int:
    """Write ``documents`` records to ``out`` (JSONL), cycling through ``source``; return its size in bytes."""
    articles = list(iter_documents(source))
    if not articles:
        raise SystemExit(f"{source}: no documents")
    with out.open("w", encoding="utf-8") as handle:
        for i in range(documents):
            doc = articles[i % len(articles)]
            record = {
                "id": f"{doc.id}-r{i // len(articles)}",
                "text": doc.text,
                "date": doc.date.isoformat() if doc.date else None,
                "source": doc.source,
                "title": doc.title,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out.stat().st_size


def time_reading(corpus: Path) -> float:
    start = time.perf_counter()
    count = sum(1 for _ in iter_documents(corpus))
    return count / (time.perf_counter() - start)


def _own_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_one_process(corpus: Path, out: Path) -> tuple[float, int, float]:
    start = time.perf_counter()
    run = run_corpus(corpus, out, progress=False)
    return time.perf_counter() - start, run.events, _own_peak_mb()


def run_worker_processes(corpus: Path, out: Path, workers: int) -> tuple[float, int, float]:
    start = time.perf_counter()
    run = run_corpus(corpus, out, workers=workers, progress=False)
    # ru_maxrss of children is the peak of the largest worker process
    return time.perf_counter() - start, run.events, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_dask(corpus: Path, out: Path, workers: int) -> tuple[float, int, float]:
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        run = run_corpus(corpus, out, workers=workers, engine="dask", scheduler=client, progress=False)
        seconds = time.perf_counter() - start
        peaks = client.run(_own_peak_mb)
    return seconds, run.events, max(peaks.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="FA-KES-layout CSV (default: %(default)s)")
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source}: not found (pass --source)", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        size = build_corpus(args.source, args.documents, corpus)
        print(f"corpus: {args.documents} documents ({size / 1e6:.1f} MB JSONL) from {args.source.name}; "
              f"CPUs: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.1f}", flush=True)
        print(f"reading alone (iter_documents): {time_reading(corpus):,.0f} documents/s", flush=True)
        baseline = None
        for mode in args.modes:
            out = Path(tmp) / f"events-{mode}.parquet"
            if mode == "1":
                label, (seconds, events, peak) = "1 process", run_one_process(corpus, out)
            elif mode == "workers":
                label, (seconds, events, peak) = (f"--workers {args.workers}",
                                                  run_worker_processes(corpus, out, args.workers))
            else:
                label, (seconds, events, peak) = f"Dask local, {args.workers} workers", run_dask(corpus, out, args.workers)
            rate = args.documents / seconds
            baseline = baseline or (rate if mode == "1" else None)
            speedup = f", {rate / baseline:.2f}x one process" if baseline and mode != "1" else ""
            print(f"{label}: {rate:.1f} documents/s ({seconds:.0f} s, {events} events{speedup}); "
                  f"peak memory per worker {peak:.0f} MB; load average {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
