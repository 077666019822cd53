"""Measure geomap's event extraction against gold: ACLED event notes and hand-coded FA-KES articles.

Usage::

    python bench/eval_events.py [--only acled|fakes] [--limit N] [--dump DIR] [--data DIR]

Gold sets (read at run time from ``../shared/data``, never copied into the repository):

* ACLED dev (``acled-dev/acled-2020-05-dev.csv``): each row's ``notes`` is extracted as its own
  document with no report date (the notes carry their own date, as they would for a user running
  geomap on them), and the event geomap is most confident of (``confidence``; ties: the first) is
  scored against the row: share of notes giving an event, event type, sub-event type (accuracy,
  weighted F1 over ACLED's 25 classes, confusions, per-class table), ``inter1``, fatalities,
  the place within 10 / 25 / 75 km of the gold point (gold ``geo_precision`` 1 / 2 / 3) and the
  event date; all rows, then the Middle East rows alone. A baseline places each note at its first
  located, non-country place mention (from the mentions table ``iter_extract_corpus`` yields with the
  events, row for row what :func:`geomap.extract_mentions` gives for the note).
* FA-KES gold (``corpus/fakes-dev-gold.yaml``, 104 events in 40 articles of ``corpus/fakes-dev.csv``):
  the articles are read with :func:`geomap.iter_documents` and extracted; output and gold events are
  matched one to one (same event type, within 15 / 30 / 75 km), giving precision, recall, F1, strict
  recall (also sub-event type, the doer's side and a toll in the gold range) and the date within a day.

``--dump DIR`` writes one JSON line per scored item (``acled.jsonl``, ``fakes.jsonl``) into DIR,
which must lie outside the repository (dumps hold gold text: never commit them). Exit status 0, or
2 when the gold sets are absent or an argument is wrong.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_scoring as sc  # the bench folder is no package

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
ACLED_CSV = Path("acled-dev") / "acled-2020-05-dev.csv"
FAKES_GOLD = Path("corpus") / "fakes-dev-gold.yaml"
FAKES_CSV = Path("corpus") / "fakes-dev.csv"
MIDDLE_EAST = "Middle East"


@dataclasses.dataclass(frozen=True)
class Note:
    """A document as :func:`geomap.extract.extract_corpus` wants it (``DocumentLike``)."""

    id: str
    text: str
    date: dt.date | None = None
    source: str | None = None


def plain(value: Any) -> Any:
    """A pandas/numpy scalar as a plain Python value, missing values (NaN, NA, NaT) as None."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    return value.item() if hasattr(value, "item") else value


def top_events(events: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each document's most confident event (ties: the first it output), as plain values."""
    if events.empty:
        return {}
    frame = pd.DataFrame(events.drop(columns="geometry", errors="ignore"))
    frame["_order"] = range(len(frame))
    frame["_confidence"] = frame["confidence"].fillna(-math.inf)
    frame = frame.sort_values(["doc_id", "_confidence", "_order"], ascending=[True, False, True], kind="stable")
    first = frame.drop_duplicates("doc_id", keep="first").drop(columns=["_order", "_confidence"])
    return {str(row["doc_id"]): {k: plain(v) for k, v in row.items()} for row in first.to_dict("records")}


def first_places(mentions: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Baseline: each document's first located mention that is not a country name."""
    if mentions.empty:
        return {}
    located = mentions[(mentions["status"] == "located") & (mentions["kind"] != "country")]
    located = located.sort_values(["doc_id", "char_start"], kind="stable").drop_duplicates("doc_id")
    return {str(row["doc_id"]): {k: plain(v) for k, v in row.items()} for row in located.to_dict("records")}


def extract(docs: list[Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """geomap's event and mention tables of the documents (streamed in batches, then joined)."""
    from geomap.extract import iter_extract_corpus

    events, mentions = [], []
    for batch_events, batch_mentions in iter_extract_corpus(docs, batch_chars=200_000):
        events.append(pd.DataFrame(batch_events.drop(columns="geometry", errors="ignore")))
        mentions.append(batch_mentions)
    if not events:
        return pd.DataFrame(columns=["doc_id", "confidence"]), pd.DataFrame(columns=["doc_id", "status"])
    return pd.concat(events, ignore_index=True), pd.concat(mentions, ignore_index=True)


def parse_iso(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value not in (None, "") else None
    except ValueError:
        return None


# --- ACLED ----------------------------------------------------------------------------------------

COVERAGE_DEFINITION = (
    "a row is covered when the bundled gazetteer (Gazetteer.load()) has a candidate for the gold "
    "`location` (Gazetteer.candidates(name, fuzzy=True): exact keys, else fuzzy ones; a name 'A-B' "
    "also tries 'A' and 'B') lying within the row's tolerance of the gold point")


def covering_place(gazetteer: Any, location: Any, lat: float, lon: float, geo_precision: Any) -> Any:
    """A gazetteer entry named like the gold location within tolerance of the gold point, else None."""
    if not isinstance(location, str) or not location.strip():
        return None
    names = [location.strip()]
    if "-" in location:
        names += [part.strip() for part in location.split("-") if part.strip()]
    for name in names:
        for cand in gazetteer.candidates(name, fuzzy=True):
            km = sc.haversine_km(lat, lon, cand.place.latitude, cand.place.longitude)
            if sc.within(km, geo_precision, sc.ACLED_TOLERANCE_KM):
                return cand.place
    return None


def score_acled_row(row: dict[str, Any], top: dict[str, Any] | None, first: dict[str, Any] | None,
                    cover: Any) -> dict[str, Any]:
    """One ACLED row's gold, prediction and verdicts (a dump line)."""
    gold_date = dt.datetime.strptime(row["event_date"], "%d-%b-%y").date()
    item: dict[str, Any] = {
        "id": row["event_id_cnty"], "country": row["country"], "region": row["region"], "notes": row["notes"],
        "gold": {k: plain(row[k]) for k in ("event_type", "sub_event_type", "actor1", "inter1", "actor2", "inter2",
                                              "fatalities", "location", "admin1", "latitude", "longitude",
                                              "geo_precision")} | {"event_date": gold_date.isoformat()},
        "covered_by": None if cover is None else f"{cover.label()} [{cover.place_id}]",
    }
    pred = top or {}
    km = sc.haversine_km(row["latitude"], row["longitude"], pred.get("latitude"), pred.get("longitude"))
    base_km = sc.haversine_km(row["latitude"], row["longitude"], (first or {}).get("latitude"),
                              (first or {}).get("longitude"))
    fatalities = pred.get("fatalities")
    item["pred"] = None if top is None else {
        k: pred.get(k) for k in ("event_type", "sub_event_type", "actor1", "inter1", "actor2", "inter2", "fatalities",
                                 "location", "admin1", "country", "latitude", "longitude", "geo_precision",
                                 "event_date", "confidence", "reason", "notes")}
    item["baseline"] = None if first is None else {k: first.get(k) for k in ("text", "name", "kind", "country",
                                                                             "latitude", "longitude")}
    item["place_km"] = sc.rounded(km)
    item["baseline_km"] = sc.rounded(base_km)
    item["ok"] = {
        "event": top is not None,
        "event_type": top is not None and pred.get("event_type") == row["event_type"],
        "sub_event_type": top is not None and pred.get("sub_event_type") == row["sub_event_type"],
        "inter1": top is not None and pred.get("inter1") is not None and int(pred["inter1"]) == int(row["inter1"]),
        # a missing toll is ACLED's 0 ("no fatalities reported"); a note with no event is wrong
        "fatalities": top is not None and (0 if fatalities is None else int(fatalities)) == int(row["fatalities"]),
        "place": sc.within(km, row["geo_precision"], sc.ACLED_TOLERANCE_KM),
        "baseline_place": sc.within(base_km, row["geo_precision"], sc.ACLED_TOLERANCE_KM),
        "covered": cover is not None,
        "date": top is not None and parse_iso(pred.get("event_date")) == gold_date,
    }
    item["label"] = pred.get("sub_event_type") if top is not None else sc.NONE
    return item


def print_acled(items: list[dict[str, Any]], title: str, *, details: bool = True) -> None:
    """The ACLED figures of a set of scored rows."""
    n = len(items)

    def count(key: str, subset: list[dict[str, Any]] | None = None) -> int:
        return sum(1 for it in (items if subset is None else subset) if it["ok"][key])

    gold = [it["gold"]["sub_event_type"] for it in items]
    pred = [it["label"] for it in items]
    scores = sc.class_scores(gold, pred, sc.ACLED_SUB_EVENT_TYPES)
    covered = [it for it in items if it["ok"]["covered"]]
    print(f"\n== {title}: {n} notes")
    print(f"notes giving an event:            {sc.share(count('event'), n)}")
    print(f"event_type accuracy:              {sc.share(count('event_type'), n)}")
    print(f"sub_event_type accuracy:          {sc.share(count('sub_event_type'), n)}")
    print(f"sub_event_type weighted F1 (25):  {sc.weighted_f1(scores):.3f}"
          f"   (macro F1 over the {sum(1 for s in scores if s.support)} classes present: "
          f"{sum(s.f1 for s in scores if s.support) / max(1, sum(1 for s in scores if s.support)):.3f})")
    print(f"inter1 accuracy:                  {sc.share(count('inter1'), n)}")
    with_event = [it for it in items if it["ok"]["event"]]
    print(f"fatalities exact:                 {sc.share(count('fatalities'), n)}"
          f"   (of notes giving an event: {sc.share(count('fatalities', with_event), len(with_event))})")
    print(f"event_date exact:                 {sc.share(count('date'), n)}")
    print("place within 10/25/75 km (geo_precision 1/2/3):")
    print(f"  covered rows:  {sc.share(count('place', covered), len(covered))}"
          f"   [covered: {sc.share(len(covered), n)} of rows]")
    pointed = [it for it in items if it["place_km"] is not None]
    print(f"  all rows:      {sc.share(count('place'), n)}")
    print(f"  rows given a point: {sc.share(count('place', pointed), len(pointed))}"
          f"   (notes whose event has no point: {count('event') - len(pointed)})")
    mentioned = [it for it in items if it["baseline_km"] is not None]
    print(f"  baseline, first located non-country mention: covered rows "
          f"{sc.share(count('baseline_place', covered), len(covered))}; all rows {sc.share(count('baseline_place'), n)}"
          f"; rows with such a mention {sc.share(count('baseline_place', mentioned), len(mentioned))}")
    if not details:
        return
    print("ten largest sub_event_type confusions (gold -> predicted: count):")
    for g, p, k in sc.confusions(gold, pred, 10):
        print(f"  {k:5d}  {g} -> {p}")
    print(f"per class, by support ({sc.NONE} predicted for {pred.count(sc.NONE)} notes):")
    print(f"  {'sub_event_type':38s} {'support':>7s} {'pred':>6s} {'prec':>6s} {'recall':>6s} {'F1':>6s}")
    for s in sorted(scores, key=lambda s: (-s.support, s.label)):
        print(f"  {s.label:38s} {s.support:7d} {s.predicted:6d} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")


def run_acled(data: Path, limit: int | None, dump: Path | None) -> None:
    from geomap import Gazetteer

    rows = pd.read_csv(data / ACLED_CSV, dtype={"event_id_cnty": str})
    if limit:
        rows = rows.head(limit)
    records = rows.to_dict("records")
    # What a user running geomap on the notes would give it: the text, no report date (each note
    # opens with its own date) and no source.
    docs = [Note(id=r["event_id_cnty"], text=r["notes"]) for r in records]
    started = time.perf_counter()
    events, mentions = extract(docs)
    elapsed = time.perf_counter() - started
    tops, firsts = top_events(events), first_places(mentions)
    gazetteer = Gazetteer.load()
    items = [score_acled_row(r, tops.get(r["event_id_cnty"]), firsts.get(r["event_id_cnty"]),
                             covering_place(gazetteer, r["location"], r["latitude"], r["longitude"],
                                            r["geo_precision"]))
             for r in records]
    print(f"\n#### ACLED dev: {data / ACLED_CSV} ({len(records)} notes, extracted in {elapsed:.1f} s, "
          f"{len(events)} events output)")
    print("input: each note a document of its own, no report date (notes carry their own date); "
          "scored: the document's most confident event (ties: the first)")
    print(f"place coverage: {COVERAGE_DEFINITION}")
    print_acled(items, "ACLED dev, all rows")
    print_acled([it for it in items if it["region"] == MIDDLE_EAST], "ACLED dev, Middle East rows")
    if dump is not None:
        write_jsonl(dump / "acled.jsonl", items)


# --- FA-KES gold ----------------------------------------------------------------------------------

def fakes_cost(gold: dict[str, Any], out: dict[str, Any], pairs: int, prefer_strict: bool) -> float | None:
    """Cost of pairing an output event with a gold one; None unless same event type and within tolerance.

    km / tolerance / (pairs + 1), plus 1 when ``prefer_strict`` and the pair fails a strict check:
    among the matchings with the most pairs (what precision and recall count), the one with the
    most strict pairs, then the nearest. Without it, two same-type events at one place (a chemical
    attack and the air strikes on the same town) can be paired crosswise by a few hundred metres.
    """
    if out.get("event_type") != gold["event_type"]:
        return None
    km = sc.haversine_km(gold["lat"], gold["lon"], out.get("latitude"), out.get("longitude"))
    if not sc.within(km, gold["geo_precision"], sc.FAKES_TOLERANCE_KM):
        return None
    fails = prefer_strict and not all(strict_checks(gold, out).values())
    return fails + km / sc.tolerance_km(gold["geo_precision"], sc.FAKES_TOLERANCE_KM) / (pairs + 1)


def strict_checks(gold: dict[str, Any], out: dict[str, Any]) -> dict[str, bool]:
    """The strict parts of a matched pair: sub-event type, the doer's side, a toll in the gold range."""
    low, high = gold["fatalities_range"]
    return {
        "sub_event_type": out.get("sub_event_type") == gold["sub_event_type"],
        "side": sc.side_of(out.get("actor1"), out.get("inter1")) == gold["actor1_side"],
        "toll": sc.toll_in_range(out.get("fatalities"), low, high),
    }


def within_a_day(out: dict[str, Any], gold: dict[str, Any]) -> bool:
    day = parse_iso(out.get("event_date"))
    return day is not None and abs((day - gold["date"]).days) <= 1


def score_fakes_doc(doc_id: str, gold: list[dict[str, Any]], outs: list[dict[str, Any]],
                    prefer_strict: bool = True) -> tuple[Counter, list[dict[str, Any]]]:
    """Match one article's output events to its gold events; the tallies and the dump lines."""
    bound = min(len(gold), len(outs))
    pairs = dict(sc.match_one_to_one(gold, outs, lambda g, o: fakes_cost(g, o, bound, prefer_strict)))
    tally: Counter = Counter(gold=len(gold), out=len(outs))
    tally.update(("gold", g["event_type"]) for g in gold)
    tally.update(("out", o.get("event_type") or sc.NONE) for o in outs)
    lines: list[dict[str, Any]] = []
    for i, g in enumerate(gold):
        line: dict[str, Any] = {"kind": "gold", "doc_id": doc_id, "gold_index": i, "matched": i in pairs,
                                "gold": {k: str(v) if isinstance(v, dt.date) else v for k, v in g.items()}}
        if i in pairs:
            o = outs[pairs[i]]
            checks = strict_checks(g, o)
            tally.update(["matched", ("matched", g["event_type"])] + [k for k, ok in checks.items() if ok])
            tally["strict"] += all(checks.values())
            tally["dated"] += within_a_day(o, g)
            line |= {"output_index": pairs[i], "checks": checks, "strict": all(checks.values()),
                     "date_within_1_day": within_a_day(o, g), "output_side": sc.side_of(o.get("actor1"), o.get("inter1")),
                     "km": round(sc.haversine_km(g["lat"], g["lon"], o["latitude"], o["longitude"]), 1)}
        else:
            line["nearest_outputs"] = nearby_outputs(g, outs)
        lines.append(line)
    matched_to = {j: i for i, j in pairs.items()}
    for j, o in enumerate(outs):
        lines.append({"kind": "output", "doc_id": doc_id, "output_index": j, "matched": j in matched_to,
                      "gold_index": matched_to.get(j), "side": sc.side_of(o.get("actor1"), o.get("inter1")),
                      "output": {k: o.get(k) for k in EVENT_FIELDS}})
    return tally, lines


def run_fakes(data: Path, limit: int | None, dump: Path | None) -> None:
    import yaml

    import geomap

    gold_docs = yaml.safe_load((data / FAKES_GOLD).read_text(encoding="utf-8"))
    if limit:
        gold_docs = gold_docs[:limit]
    wanted = {str(d["doc_id"]) for d in gold_docs}
    docs = [d for d in geomap.iter_documents(data / FAKES_CSV) if d.id in wanted]
    missing = wanted - {d.id for d in docs}
    started = time.perf_counter()
    events, _mentions = extract(docs)
    elapsed = time.perf_counter() - started
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for rec in events.to_dict("records"):
        by_doc.setdefault(str(rec["doc_id"]), []).append({k: plain(v) for k, v in rec.items()})

    t, nearest, lines = Counter(), Counter(), []
    for doc in gold_docs:
        doc_id = str(doc["doc_id"])
        tally, doc_lines = score_fakes_doc(doc_id, doc["events"], by_doc.get(doc_id, []))
        t.update(tally)
        lines += doc_lines
        nearest.update(score_fakes_doc(doc_id, doc["events"], by_doc.get(doc_id, []), prefer_strict=False)[0])

    precision = t["matched"] / t["out"] if t["out"] else 0.0
    recall = t["matched"] / t["gold"] if t["gold"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"\n#### FA-KES gold: {data / FAKES_GOLD} ({len(gold_docs)} articles, {t['gold']} gold events; "
          f"{len(docs)} articles read with geomap.iter_documents, extracted in {elapsed:.1f} s, {t['out']} events output)")
    if missing:
        print(f"articles not found in the corpus: {sorted(missing)}")
    print("matching: same event_type, point within 15/30/75 km (gold geo_precision 1/2/3), one to one by an "
          "optimal assignment (Hungarian algorithm, bench/eval_scoring.py; scipy is not installed): the most "
          "pairs, then the most strict pairs, then the least distance")
    print(f"precision: {sc.share(t['matched'], t['out'])}")
    print(f"recall:    {sc.share(t['matched'], t['gold'])}")
    print(f"F1:        {f1:.3f}")
    print(f"strict recall (also sub_event_type, doer's side, toll in fatalities_range; a missing toll is 0): "
          f"{sc.share(t['strict'], t['gold'])}")
    print(f"  of the {t['matched']} matched: sub_event_type {t['sub_event_type']}, side {t['side']}, "
          f"toll {t['toll']}, all three {t['strict']}")
    print(f"  (pairing by distance alone, strict parts not consulted: strict recall "
          f"{sc.share(nearest['strict'], nearest['gold'])})")
    print(f"date within one day (matched events): {sc.share(t['dated'], t['matched'])}")
    print("per event_type:")
    print(f"  {'event_type':28s} {'gold':>5s} {'output':>6s} {'matched':>7s} {'prec':>6s} {'recall':>6s}")
    types = {key[1] for key in t if isinstance(key, tuple)}
    for etype in sorted(types, key=lambda e: (-t["gold", e], e)):
        gold_n, out_n, hit = t["gold", etype], t["out", etype], t["matched", etype]
        p = hit / out_n if out_n else 0.0
        r = hit / gold_n if gold_n else 0.0
        print(f"  {etype:28s} {gold_n:5d} {out_n:6d} {hit:7d} {p:6.3f} {r:6.3f}")
    if dump is not None:
        write_jsonl(dump / "fakes.jsonl", lines)


EVENT_FIELDS = ("event_id", "event_date", "event_type", "sub_event_type", "actor1", "inter1", "actor2", "inter2",
                "fatalities", "location", "admin1", "latitude", "longitude", "geo_precision", "confidence",
                "reason", "notes")


def nearby_outputs(gold: dict[str, Any], outs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For an unmatched gold event: the document's outputs, nearest first, with why they missed."""
    found = []
    for j, o in enumerate(outs):
        km = sc.haversine_km(gold["lat"], gold["lon"], o.get("latitude"), o.get("longitude"))
        found.append({"output_index": j, "event_type": o.get("event_type"), "location": o.get("location"),
                      "km": sc.rounded(km)})
    return sorted(found, key=lambda f: math.inf if f["km"] is None else f["km"])[:5]


# --- running --------------------------------------------------------------------------------------

def write_jsonl(path: Path, items: list[dict[str, Any]]) -> None:
    # written beside the target and renamed over it, so an interrupted run leaves no half file
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
    os.replace(partial, path)
    print(f"dump: {len(items)} lines -> {path}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("acled", "fakes"), help="score one gold set only")
    parser.add_argument("--limit", type=int, help="the first N ACLED notes / the first N FA-KES gold articles")
    parser.add_argument("--dump", type=Path, help="write per-item predictions vs gold (JSONL) into this folder, "
                                                  "outside the repository")
    parser.add_argument("--data", type=Path, default=DATA, help=f"the shared data folder (default {DATA})")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sets = [args.only] if args.only else ["acled", "fakes"]
    needed = {"acled": [ACLED_CSV], "fakes": [FAKES_GOLD, FAKES_CSV]}
    absent = [str(args.data / p) for s in sets for p in needed[s] if not (args.data / p).is_file()]
    if absent:
        print(f"eval_events: gold data not found ({', '.join(absent)}); nothing measured", file=sys.stderr)
        return 2
    if args.dump is not None:
        dump = args.dump.resolve()
        if dump == REPO or REPO in dump.parents:
            print(f"eval_events: --dump {args.dump} lies inside the repository; dumps hold gold text, "
                  "write them elsewhere", file=sys.stderr)
            return 2
        dump.mkdir(parents=True, exist_ok=True)
        args.dump = dump
    started = time.perf_counter()
    if "acled" in sets:
        run_acled(args.data, args.limit, args.dump)
    if "fakes" in sets:
        run_fakes(args.data, args.limit, args.dump)
    print(f"\nwall time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
