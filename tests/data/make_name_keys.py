"""Write tests/data/name_keys.jsonl: names with the keys a reference geomap.names gives them.

The fixture pins the output of :mod:`geomap.names` so that a faster
implementation can be checked to give identical keys (the committed
gazetteer's merges and every extraction result depend on them). It was made
from the implementation before the speed-up::

    python tests/data/make_name_keys.py --rev 7e7ca96 > tests/data/name_keys.jsonl

Inputs: a sample of the gazetteer's names and alternative names in every
script, reporters' spelling variants of them and typos (as the benchmark
makes them), and synthetic strings built from the pieces the folds care
about (articles, marks, apostrophes, tatweel, nisba endings, ligatures).
Each line is ``[input, normalise(input), [[token, fold_token(token),
is_article(token)], ...]]`` over ``tokenize(input)``.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from bench_gazetteer import spelling_variant, typo

PIECES = [
    "a", "l", "A", "L", "e", "z", "s", "S", "h", "y", "w", "ou", "ia", "iyah", "ch", "dh", "kh", "nb",
    "\u0301", "\u0345", "\u064e", "\u0651", "\u0670", "\u0640", "\u02bf", "'", "`", "\u2019", "-", " ", "_",
    "\u0627", "\u0644", "\u0629", "\u0661", "\u00df", "\ufb00", "\u0130", "\u01c5", "\u3381",
]


def _reference(rev: str):
    source = subprocess.run(["git", "show", f"{rev}:geomap/names.py"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout
    folder = Path(tempfile.mkdtemp())
    (folder / "names_reference.py").write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("names_reference", folder / "names_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _inputs(rng: random.Random) -> list[str]:
    with open(REPO / "gazetteer" / "places.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    names = [name for row in rows for name in [row[1], *row[10].split("|")] if name]
    by_kind: dict[str, list[str]] = {}
    for name in names:
        kind = ("ascii" if name.isascii() else "arabic" if any("\u0600" <= c <= "\u06ff" for c in name)
                else "latin" if any("\u00c0" <= c <= "\u024f" or "\u1e00" <= c <= "\u1eff" for c in name) else "other")
        if any(c in name for c in "'`\u2019\u02bf\u02be"):
            kind += "+apostrophe"
        by_kind.setdefault(kind, []).append(name)
    inputs = []
    for kind in sorted(by_kind):
        inputs += rng.sample(by_kind[kind], min(300, len(by_kind[kind])))
    variants = [spelling_variant(rng.choice(names), rng) for _ in range(1000)]
    inputs += variants + [typo(v, rng) for v in variants[:300]]
    inputs += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14))) for _ in range(800)]
    inputs += ["".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randint(1, 10))) for _ in range(200)]
    return list(dict.fromkeys(inputs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", required=True, help="git revision whose geomap/names.py is the reference")
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    names = _reference(args.rev)
    for text in _inputs(random.Random(args.seed)):
        tokens = [[tok, names.fold_token(tok), names.is_article(tok)] for tok, _s, _e in names.tokenize(text)]
        print(json.dumps([text, names.normalise(text), tokens], ensure_ascii=False))


if __name__ == "__main__":
    main()
