"""Benchmark `geomap.extract` on the FA-KES development corpus.

Usage::

    python bench/bench_extract.py [CORPUS.csv]

Default corpus: ../shared/data/corpus/fakes-dev.csv (408 real articles,
latin-1; columns unit_id, article_title, article_content, source, date
M/D/YYYY, location = governorate label).  Prints, on one core: documents/s
and MB/s of article text, events per article, the share of toponym
mentions located, the share of articles whose most frequent event
governorate (event ``admin1``) is the labelled one, and how many articles
raised an exception (must be 0).  The gazetteer is loaded before timing.
A floor is printed beside the throughput: the corpus's words keyed alone
(``names.token_keys``, the first step of finding place names).

FA-KES labels locations with 11 values and none for Rural Damascus (Rif
Dimashq): its articles on Eastern Ghouta, Douma or Qalamoun are labelled
"damascus".  The agreement figure therefore reads that label as the
Damascus or the Rural Damascus governorate; the single-governorate figure is
printed beside it.
"""

from __future__ import annotations

import collections
import datetime as dt
import sys
import time
import traceback
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "data" / "corpus" / "fakes-dev.csv"


def _label_admin1(gazetteer, label: str) -> str | None:
    """Map a corpus governorate label ("deir ezzor", "lattakia") to the gazetteer's admin1 name."""
    for cand in gazetteer.candidates(label, fuzzy=True):
        if cand.place.kind == "admin1" and cand.place.country == "SY":
            return cand.place.admin1 or cand.place.name
    res = gazetteer.resolve(label)
    return res.place.admin1 if res.place is not None else None


def main(argv: list[str]) -> int:
    from geomap.extract import StageClock, _rows, extract_document
    from geomap.extract.rows import mentions_frame
    from geomap.frames import events_from_records
    from geomap.gazetteer import Gazetteer

    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    corpus = pd.read_csv(path, encoding="latin-1")
    gazetteer = Gazetteer.load()
    # warm-up: automaton, lexicons
    extract_document("Rebels shelled Aleppo on Monday.", report_date="2016-05-03", gazetteer=gazetteer)

    labels = {label: _label_admin1(gazetteer, label) for label in corpus["location"].dropna().unique()}
    n_bytes = 0
    raised = 0
    clock = StageClock()
    event_rows: list[dict] = []
    mention_rows: list[dict] = []
    start, cpu_start = time.perf_counter(), time.process_time()
    # what extract_corpus does, with each article guarded so a failure is counted, not fatal
    half_bytes, half_start = 0, None
    for k, row in enumerate(corpus.itertuples(index=False)):
        text = str(row.article_content)
        n_bytes += len(text.encode("utf-8"))
        if k == len(corpus) // 2:
            half_start = time.process_time()
        if half_start is not None:
            half_bytes += len(text.encode("utf-8"))
        try:
            date = dt.datetime.strptime(str(row.date), "%m/%d/%Y").date()
        except ValueError:
            date = None
        try:
            events, mentions = _rows(text, date, str(row.unit_id), gazetteer, str(row.source), clock)
        except Exception:  # the benchmark counts failures instead of stopping
            raised += 1
            traceback.print_exc(limit=3)
            continue
        event_rows.extend(events)
        mention_rows.extend(mentions)
    half_cpu = time.process_time() - half_start if half_start is not None else float("nan")
    clock.start()
    events = events_from_records(event_rows)
    mentions = mentions_frame(mention_rows)
    clock.lap("tables")
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start

    n_events = len(events)
    total_mentions = len(mentions)
    located = int((mentions["status"] == "located").sum())
    agree = agree_lenient = with_events = 0
    by_doc = {doc: group["admin1"].dropna() for doc, group in events.groupby("doc_id")}
    for row in corpus.itertuples(index=False):
        admin1 = by_doc.get(str(row.unit_id))
        if admin1 is None or not len(admin1):
            continue
        with_events += 1
        top = collections.Counter(admin1).most_common(1)[0][0]
        wanted = labels.get(row.location)
        agree += top == wanted
        # the corpus labels Damascus' countryside "damascus" too (see the module docstring)
        agree_lenient += top == wanted or (wanted == "Damascus" and top == "Rural Damascus")
    n_docs = len(corpus)
    print(f"corpus: {path.name}, {n_docs} articles, {n_bytes / 1e6:.2f} MB")
    # CPU time of this single-threaded process: what one core does, whatever else shares the machine
    print(f"throughput (one core, CPU time): {n_docs / cpu:.1f} documents/s, {n_bytes / 1e6 / cpu:.3f} MB/s "
          f"({cpu:.2f} s CPU, {elapsed:.2f} s wall)")
    # names recur across a corpus: by the second half most resolutions are memoised, as in a long run
    print(f"second half of the corpus alone (resolution memo filled by the first half): "
          f"{half_bytes / 1e6 / half_cpu:.3f} MB/s")
    # where the CPU time goes; "resolution" holds the gazetteer lookups, which a cold memo makes dearer
    stages = ", ".join(f"{stage} {seconds:.2f} s ({seconds / cpu:.0%})" for stage, seconds in clock.seconds.items())
    print(f"CPU by stage: {stages}")
    # The first step of finding place names, on its own: every word of every article keyed, with the
    # memos the run filled (the most favourable case). Whatever else a run does adds to this.
    from geomap import names

    texts = [str(text) for text in corpus["article_content"]]
    keying = time.process_time()
    for text in texts:
        names.token_keys(text)
    keying = time.process_time() - keying
    print(f"floor: keying every word alone (names.token_keys, memos warm): {n_bytes / 1e6 / keying:.2f} MB/s "
          f"({keying:.2f} s CPU; 2 MB/s would leave {n_bytes / 2e6:.2f} s for the whole run)")
    print(f"events per article: {n_events / n_docs:.2f}")
    print(f"toponym mentions located: {located}/{total_mentions} = {located / max(total_mentions, 1):.1%}")
    print(f"articles whose most frequent event governorate is the labelled one: {agree_lenient}/{n_docs} = "
          f"{agree_lenient / n_docs:.1%} ('damascus' = Damascus or Rural Damascus, the label set having no "
          f"Rural Damascus; Damascus alone: {agree / n_docs:.1%}; of the {with_events} articles with a located "
          f"event: {agree_lenient / max(with_events, 1):.1%})")
    print(f"articles that raised: {raised}")
    return 1 if raised else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
