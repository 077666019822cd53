"""Benchmark the gazetteer: load time, memory, exact and fuzzy lookup rates.

Run: ``.venv/bin/python bench/bench_gazetteer.py [--queries 10000] [--seed 1] [--repeat 5]``

Load figures come from fresh subprocesses: the first with an empty index
cache (the one-off build), the others with the cache warm (every later
start); lookups then run in this process, started from that warm cache.
Lookup rates use distinct queries drawn from the gazetteer's own names and
rewritten the way reporters spell them (article added or dropped, hyphens,
case, diacritics, vowel and doubled-letter variants); the fuzzy set also
carries one typo per name, so exact lookup misses and the fuzzy path runs.

The headline exact rate is first sight: before each timed pass every memo
of earlier inputs (names' keys, words' keys, keys' candidates) is emptied, so
only the index and the keys of the gazetteer's own words, built with it, can
help.
Two floors follow, timed the same way: the queries that need no folds at
all (every word a gazetteer word), and the lookups with every query's key
given in advance, which time the index lookup and the answers alone.
Repeated queries are timed apart. Rates are CPU time (``time.process_time``),
best of ``--repeat`` passes with the median beside it, and the load average
is printed: the machine may be shared.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata

_CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from geomap.gazetteer import Gazetteer
gazetteer = Gazetteer.load()
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "places": len(gazetteer), "keys": len(gazetteer.keys())}))
"""

_ARTICLES = ["al-", "Al-", "el-", "Al ", "al ", "ar-", "as-", "ad-", "ash-", "ez-", "Ar "]
_VOWEL_SWAPS = [("ou", "u"), ("u", "ou"), ("ei", "ay"), ("ay", "ei"), ("ee", "i"), ("i", "ee"), ("e", "a"),
                ("a", "e"), ("o", "u"), ("iya", "ia"), ("ah", "a"), ("q", "k"), ("k", "q"), ("sh", "ch")]


def _load_in_subprocess(cache: str) -> dict:
    env = dict(os.environ, GEOMAP_CACHE=cache)
    out = subprocess.run([sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def spelling_variant(name: str, rng: random.Random) -> str:
    """Rewrite a name the way another reporter might spell it."""
    text = name
    if rng.random() < 0.5:
        text = _strip_marks(text)
    article = ""
    for prefix in ("Al-", "al-", "Al ", "al ", "Ar-", "As-", "An-", "Ad-", "Ash-", "At-", "Az-", "Ad "):
        if text.startswith(prefix):
            article, text = text[: len(prefix)], text[len(prefix):]
            if rng.random() < 0.5:
                article = ""
            break
    else:
        if rng.random() < 0.3:
            article = rng.choice(_ARTICLES)
    for _ in range(rng.randint(0, 2)):
        old, new = rng.choice(_VOWEL_SWAPS)
        if old in text[1:]:
            at = text.index(old, 1)
            text = text[:at] + new + text[at + len(old):]
    if rng.random() < 0.2:
        # Doubled consonants come and go in Latin transliteration (Arabic script writes a shadda).
        at = rng.randrange(1, max(2, len(text)))
        if text[at - 1].isascii() and text[at - 1].isalpha():
            text = text[:at] + text[at - 1] + text[at:]
    text = article + text
    if rng.random() < 0.4:
        text = text.replace("-", " ") if "-" in text else text.replace(" ", "-")
    case = rng.random()
    if case < 0.15:
        text = text.upper()
    elif case < 0.3:
        text = text.lower()
    return text


def typo(text: str, rng: random.Random) -> str:
    """One deleted, swapped or replaced letter, never the first."""
    if len(text) < 4:
        return text + "x"
    at = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:at] + text[at + 1:]
    if kind == 1:
        return text[:at] + text[at + 1] + text[at] + text[at + 2:]
    return text[:at] + rng.choice("bdfgklmnrstz") + text[at + 1:]


def _unseen_words(queries: list[str]) -> list[str]:
    """The basic forms of the queries' words that are not words of the gazetteer (their keys must be folded)."""
    from geomap import names

    return list(dict.fromkeys(
        names._basic(token) for query in queries for token, _start, _end in names.tokenize(query)
        if not names.is_article(token) and names._basic(token) not in names._WORD_KEYS
    ))


def _first_sight(gazetteer, queries: list[str]) -> tuple[float, float, list]:
    """CPU and wall seconds of one pass over queries, every memo of earlier inputs emptied first.

    Only the index and the keys of the gazetteer's own words (built with it)
    may help; repeated queries are timed separately.
    """
    from geomap import names

    names.clear_caches()
    gazetteer._keys.clear()  # names' keys
    gazetteer._exact.clear()  # keys' candidates
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    results = [gazetteer.candidates(query, fuzzy=False) for query in queries]
    return time.process_time() - cpu, time.perf_counter() - wall, results


def _best_rate(passes: list[float], n: int) -> str:
    return f"{n / min(passes):,.0f}/s CPU (median {n / statistics.median(passes):,.0f}/s)"


def _floors(gazetteer, queries: list[str], repeat: int) -> None:
    """First-sight rates with the work a lookup cannot avoid, and nothing else.

    "No folds": the queries whose every word is a word of the gazetteer, in
    plain ASCII, so their keys are one translate, a split and a dict lookup
    per word. "Keys given": every query's key handed over in advance (the
    names' memo filled, the keys' candidates memo empty): the index lookup and
    the answer the caller keeps, without keying the name at all.
    """
    from geomap import names

    plain = [query for query in queries if query.isascii() and "'" not in query and "`" not in query
             and not _unseen_words([query])]
    cpu = [_first_sight(gazetteer, plain)[0] for _ in range(max(1, repeat))]
    print(f"floor, no folds ({len(plain):,} of the queries, every word a gazetteer word): {_best_rate(cpu, len(plain))}")
    keys = {query: names._normalise_unmemoised(query) for query in queries}
    cpu = []
    for _ in range(max(1, repeat)):
        gazetteer._keys.clear()
        gazetteer._keys.update(keys)
        gazetteer._exact.clear()
        gc.collect()
        start = time.process_time()
        results = [gazetteer.candidates(query, fuzzy=False) for query in queries]
        cpu.append(time.process_time() - start)
        del results
    print(f"floor, keys given (index lookup and answers only, {len(queries):,} queries): {_best_rate(cpu, len(queries))}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="timed passes of the exact lookups (best is printed)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="geomap-bench-cache-") as cache:
        first = _load_in_subprocess(cache)
        warm = min((_load_in_subprocess(cache) for _ in range(3)), key=lambda r: r["seconds"])
        print(f"gazetteer: {warm['places']:,} places, {warm['keys']:,} keys")
        print(f"first load (index build, empty cache): {first['seconds']:.2f} s")
        print(f"cold load (fresh process, cache warm, incl. imports): {warm['seconds']:.3f} s  (best of 3)")
        print(f"resident memory after load (max RSS): {warm['rss_mb']:.0f} MB")
        # This process starts like any later one: from the index cache just built.
        os.environ["GEOMAP_CACHE"] = cache
        _lookups(args)


def _lookups(args: argparse.Namespace) -> None:
    from geomap import names
    from geomap.gazetteer import Gazetteer, Place

    gazetteer = Gazetteer.load()
    rng = random.Random(args.seed)
    # Distinct queries, so no timed lookup repeats an earlier one. Places are
    # drawn by position: only the drawn ones are made, as in a process that
    # looks names up (made places stay alive, and the garbage collector walks
    # them all).
    drawn: dict[str, Place] = {}
    while len(drawn) < args.queries:
        place = gazetteer._places[rng.randrange(len(gazetteer))]
        drawn.setdefault(spelling_variant(rng.choice(place.names), rng), place)
    queries, picks = list(drawn), list(drawn.values())
    unseen = _unseen_words(queries)
    n = len(queries)

    passes = []
    for _ in range(max(1, args.repeat)):
        cpu, wall, results = _first_sight(gazetteer, queries)
        # Each pass's answers are checked, then dropped before the next pass.
        passes.append((cpu, wall, sum(any(c.place is place for c in cands) for place, cands in zip(picks, results))))
        del results
    cpu, wall, found = min(passes, key=lambda run: run[0])
    median = statistics.median(run[0] for run in passes)
    print(f"exact lookups, first sight of each query: {n / cpu:,.0f}/s CPU, best of {len(passes)} "
          f"(median {n / median:,.0f}/s; best wall {n / wall:,.0f}/s); {n:,} distinct spelling variants, "
          f"{len(unseen):,} distinct words of theirs not in the gazetteer; "
          f"{found / n:.1%} find their place by exact key")
    again = []
    for _ in range(max(1, args.repeat)):
        start = time.process_time()
        for query in queries:
            gazetteer.candidates(query, fuzzy=False)
        again.append(time.process_time() - start)
    print(f"exact lookups, the same queries again: {n / min(again):,.0f}/s CPU (best of {len(again)})")

    typos = [typo(query, rng) for query in queries]
    start = time.perf_counter()
    results = [gazetteer.candidates(query) for query in typos]
    elapsed = time.perf_counter() - start
    fuzzy_runs = sum(1 for cands in results if cands and cands[0].fuzzy) + sum(1 for cands in results if not cands)
    found = [any(c.place is place for c in cands) for place, cands in zip(picks, results)]
    home = [place.country == "SY" for place in picks]
    home_found = sum(f for f, h in zip(found, home) if h)
    print(f"fuzzy lookups: {len(typos) / elapsed:,.0f}/s ({len(typos):,} variants with one typo, "
          f"{fuzzy_runs:,} took the fuzzy path; {sum(found) / len(typos):.1%} find their place, "
          f"{home_found / max(1, sum(home)):.1%} of the {sum(home):,} Syrian ones)")

    start = time.perf_counter()
    sample = queries[:2000]
    for query in sample:
        gazetteer.resolve(query)
    elapsed = time.perf_counter() - start
    print(f"resolve (ranking, no context): {len(sample) / elapsed:,.0f}/s")
    # After the fuzzy and resolve timings, which keep the memos the passes above filled.
    _floors(gazetteer, queries, args.repeat)
    # Last, so the figures above keep the memos their passes filled.
    names.clear_caches()
    start = time.process_time()
    for word in unseen:
        names.fold_token(word)
    elapsed = time.process_time() - start
    print(f"keys of words never seen (the folds proper): {len(unseen) / max(elapsed, 1e-9):,.0f} words/s CPU")
    print("load average (1, 5, 15 min): " + ", ".join(f"{load:.2f}" for load in os.getloadavg()))


if __name__ == "__main__":
    main()
