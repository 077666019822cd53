"""Corpus throughput: read and extract a 10,000-document corpus in one process.

Builds a JSONL corpus by repeating the FA-KES development articles with new
ids (``../shared/data/corpus/fakes-dev.csv``, 408 articles), then measures

* reading: :func:`geomap.corpus.iter_documents` alone (documents/s, MB/s);
* extraction: :func:`geomap.extract.extract_events` on every document in
  one process (documents/s after the gazetteer is loaded, events found);
* peak resident memory of the process.

Usage::

    python bench/bench_corpus.py                      # 10,000 documents
    python bench/bench_corpus.py --documents 1000     # a quicker run
    python bench/bench_corpus.py --source other.csv --keep corpus.jsonl

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

from geomap.corpus import Document, iter_documents

DEFAULT_SOURCE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "corpus" / "fakes-dev.csv"


def build_corpus(source: Path, documents: int, out: Path) -> int:
    """Write ``documents`` records to ``out`` (JSONL), cycling through ``source``; return bytes written."""
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


def time_reading(corpus: Path) -> tuple[int, float]:
    start = time.perf_counter()
    count = sum(1 for _ in iter_documents(corpus))
    return count, time.perf_counter() - start


def time_extraction(corpus: Path) -> tuple[int, int, float, float]:
    from geomap.extract import extract_events
    from geomap.gazetteer import Gazetteer

    start = time.perf_counter()
    gazetteer = Gazetteer.load()
    warm: Document = next(iter_documents(corpus))
    extract_events(warm.text, report_date=warm.date, doc_id=warm.id, gazetteer=gazetteer)
    setup = time.perf_counter() - start

    count = events = 0
    start = time.perf_counter()
    for doc in iter_documents(corpus):
        events += len(extract_events(doc.text, report_date=doc.date, doc_id=doc.id, source=doc.source,
                                     gazetteer=gazetteer))
        count += 1
        if count % 1000 == 0:
            print(f"  ... {count} documents, {count / (time.perf_counter() - start):.1f} documents/s",
                  file=sys.stderr, flush=True)
    return count, events, setup, time.perf_counter() - start


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="FA-KES-layout CSV (default: %(default)s)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the built JSONL corpus here")
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source}: not found (pass --source)", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.keep or Path(tmp) / "corpus.jsonl"
        size = build_corpus(args.source, args.documents, corpus)
        read_count, read_seconds = time_reading(corpus)
        count, events, setup, seconds = time_extraction(corpus)

    mb = size / 1e6
    print(f"corpus: {count} documents ({mb:.1f} MB JSONL) from {args.source.name}, CPUs: {os.cpu_count()}")
    print(f"reading (iter_documents): {read_count / read_seconds:,.0f} documents/s, {mb / read_seconds:.0f} MB/s")
    print(f"extraction, 1 process: {count / seconds:.1f} documents/s ({seconds:.1f} s, {events} events; "
          f"gazetteer load + first document {setup:.1f} s)")
    print(f"peak memory (1 process): {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
