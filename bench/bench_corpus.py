"""Corpus throughput: 1 process, 2 worker processes, Dask with 2 workers.

Builds a JSONL corpus by repeating the FA-KES development articles with new
ids (``../shared/data/corpus/fakes-dev.csv``, 408 articles) and runs
:func:`geomap.run.corpus.run_corpus` on it (extraction of every document to
partitioned GeoParquet), printing for each engine

* documents/s (wall clock, including starting the workers and loading the
  gazetteer in each; for Dask, starting the local cluster of
  :func:`geomap.run.parallel.local_cluster`, the one ``--engine dask`` starts);
* the speed-up over one process;
* CPU seconds spent by all the processes of the run (main process, workers,
  and for Dask the scheduler and nannies, which live in the main process,
  and the forkserver the workers are forked from), then for each engine
  with workers the split between this process and the workers:
  on a machine shared with other work this moves less than wall time;
* peak resident memory per worker process: ``ru_maxrss`` of the largest
  worker (for 1 process, of the process itself), so shared library pages
  count in full in every worker.

Each engine runs in a new Python process that has imported geomap (and
pandas) but loaded no gazetteer and extracted nothing, as a command-line run
would start: no engine inherits caches warmed by another one.

It also prints how fast :func:`geomap.documents.iter_documents` alone reads the
corpus, and the machine's load average: on a shared machine the figures
move with it.

Usage::

    python bench/bench_corpus.py                          # 10,000 documents, every engine
    python bench/bench_corpus.py --documents 2000         # quicker
    python bench/bench_corpus.py --modes 1 workers        # skip Dask
    python bench/bench_corpus.py --repeat 3               # best of 3 rounds, each started by another engine

Figures depend on the machine; the script prints them, it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from geomap.documents import iter_documents
from geomap.run.corpus import run_corpus
from geomap.run.parallel import local_cluster

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


def _own_cpu() -> float:
    return time.process_time()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Measure:
    """One engine's run: wall seconds, CPU seconds of every process, peak RSS of the largest worker."""

    seconds: float
    events: int
    cpu: float
    peak_mb: float
    note: str = ""
    cpu_main: float = 0.0
    cpu_workers: tuple[float, ...] = ()
    cpu_forkserver: float = 0.0


def run_one_process(corpus: Path, out: Path) -> Measure:
    cpu, start = time.process_time(), time.perf_counter()
    run = run_corpus(corpus, out, progress=False)
    return Measure(time.perf_counter() - start, run.events, time.process_time() - cpu, _own_peak_mb())


def run_worker_processes(corpus: Path, out: Path, workers: int) -> Measure:
    cpu, children, start = time.process_time(), _children_cpu(), time.perf_counter()
    run = run_corpus(corpus, out, workers=workers, progress=False)
    seconds = time.perf_counter() - start
    main = time.process_time() - cpu
    workers_cpu = _children_cpu() - children  # getrusage sums the children: no figure per worker
    # ru_maxrss of the children is the peak of the largest worker process (this process runs no others)
    return Measure(seconds, run.events, main + workers_cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                   cpu_main=main, cpu_workers=(workers_cpu,))


def run_dask(corpus: Path, out: Path, workers: int) -> Measure:
    """Dask with the local cluster ``run_corpus(engine="dask")`` starts (its start-up is timed too)."""
    from distributed import Client

    cpu, start = time.process_time(), time.perf_counter()
    with local_cluster(workers) as cluster, Client(cluster) as client:
        ready = time.perf_counter() - start
        run = run_corpus(corpus, out, workers=workers, engine="dask", scheduler=client, progress=False)
        seconds = time.perf_counter() - start
        main = time.process_time() - cpu
        workers_cpu = tuple(client.run(_own_cpu).values())
        peaks = client.run(_own_peak_mb)
    server = _forkserver_cpu()
    return Measure(seconds, run.events, main + server + sum(workers_cpu), max(peaks.values()),
                   f"cluster start {ready:.1f} s included", cpu_main=main, cpu_workers=workers_cpu,
                   cpu_forkserver=server)


def _forkserver_cpu() -> float:
    """CPU seconds of the process the local cluster's workers were forked from (0 if none)."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def measure_in_new_process(mode: str, corpus: Path, out: Path, workers: int) -> Measure:
    """Run one engine in a new Python process and return what it measured.

    Every engine starts alike, as from the command line: no gazetteer loaded,
    nothing memoised from an earlier run (worker processes forked from a
    process that had already extracted the corpus would inherit its warm
    caches), and no other engine's processes among its children.
    """
    command = [sys.executable, __file__, "--run", mode, str(corpus), str(out), str(workers)]
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return Measure(**json.loads(result.stdout.splitlines()[-1]))


def _run_mode(mode: str, corpus: Path, out: Path, workers: int) -> int:
    import geomap.tables  # noqa: F401 - imported before the clock starts, as after reading the first records

    if mode == "1":
        measure = run_one_process(corpus, out)
    elif mode == "workers":
        measure = run_worker_processes(corpus, out, workers)
    else:
        measure = run_dask(corpus, out, workers)
    print(json.dumps(asdict(measure)), flush=True)
    return 0


def _label(mode: str, workers: int) -> str:
    return {"1": "1 process", "workers": f"--workers {workers}", "dask": f"Dask local, {workers} workers"}[mode]


def _line(mode: str, measure: Measure, documents: int, workers: int, baseline_seconds: float | None) -> str:
    """One engine's figures; the speed-up is over the best one-process wall time so far."""
    rate = documents / measure.seconds
    speedup = f"{baseline_seconds / measure.seconds:.2f}x one process, " if baseline_seconds and mode != "1" else ""
    note = f"; {measure.note}" if measure.note else ""
    if mode != "1":
        each = " + ".join(f"{c:.1f}" for c in measure.cpu_workers)
        server = f", forkserver {measure.cpu_forkserver:.1f} s" if measure.cpu_forkserver else ""
        note += f"; CPU: this process {measure.cpu_main:.1f} s, workers {each} s{server}"
    return (f"{_label(mode, workers)}: {rate:.1f} documents/s ({speedup}{measure.seconds:.1f} s wall, "
            f"{measure.cpu:.1f} s CPU in all processes, {measure.events} events); "
            f"peak memory per worker {measure.peak_mb:.0f} MB; load average {os.getloadavg()[0]:.1f}{note}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run"]:
        mode, corpus, out, workers = argv[1:5]
        return _run_mode(mode, Path(corpus), Path(out), int(workers))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES), help="engines to run, each in a new process")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="FA-KES-layout CSV (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of all engines, one after the other; the best wall time of each is printed last")
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
        best: dict[str, float] = {}
        for round_ in range(1, args.repeat + 1):
            if args.repeat > 1:
                print(f"round {round_} of {args.repeat}", flush=True)
            # Each round starts with another engine, so none always runs right after the
            # others have kept both cores busy.
            shift = (round_ - 1) % len(args.modes)
            measures = {}
            for mode in args.modes[shift:] + args.modes[:shift]:
                measures[mode] = measure_in_new_process(mode, corpus, Path(tmp) / f"events-{mode}.parquet", args.workers)
                best[mode] = min(best.get(mode, measures[mode].seconds), measures[mode].seconds)
            for mode in args.modes:  # printed in the usual order, speed-ups over the best one-process time so far
                print(_line(mode, measures[mode], args.documents, args.workers, best.get("1")), flush=True)
        if args.repeat > 1:
            rates = {mode: args.documents / seconds for mode, seconds in best.items()}
            print(f"best of {args.repeat}: " + "; ".join(
                f"{_label(mode, args.workers)} {rate:.1f} documents/s"
                + (f" ({rate / rates['1']:.2f}x)" if "1" in rates and mode != "1" else "")
                for mode, rate in rates.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
