"""Start-up of the short verbs: wall time of ``geomap extract`` on one paragraph and ``geomap geocode``.

Usage::

    python bench/bench_startup.py [--against REV] [--runs N]

Each command runs as a new process (``python -m geomap.cli ...``), after one
warm-up run that fills the gazetteer's cache, ``--runs`` times (default 9);
the median and the fastest wall time are printed. With ``--against REV`` the
same commands also run from a temporary ``git worktree`` of that revision,
the two trees taking turns run by run, so both are measured in the same
conditions; the worktree is removed afterwards.

Targets (issue 16): extract of a paragraph <= 0.5 s, geocode <= 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARAGRAPH = ("Rebels shelled the Aleppo neighbourhood of al-Muhafaza on Monday, killing 3 people. "
             "Air strikes hit Idlib, activists said.\n")
TARGETS = {"extract": 0.5, "geocode": 0.3}


def _commands(report: Path) -> dict[str, list[str]]:
    return {
        "extract": [sys.executable, "-m", "geomap.cli", "extract", str(report), "--date", "2016-05-03"],
        "geocode": [sys.executable, "-m", "geomap.cli", "geocode", "Aleppo", "Muhafaza", "Geneva"],
    }


def _run(command: list[str], tree: Path, cache: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree), "GEOMAP_CACHE": str(cache)}
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def measure(trees: dict[str, Path], runs: int) -> dict[tuple[str, str], list[float]]:
    """Wall seconds of every command from every tree, the trees taking turns."""
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="geomap-startup-") as tmp:
        report = Path(tmp) / "paragraph.txt"
        report.write_text(PARAGRAPH, encoding="utf-8")
        caches = {label: Path(tmp) / f"cache-{label}" for label in trees}
        commands = _commands(report)
        for label, tree in trees.items():  # warm-up: index caches
            for command in commands.values():
                _run(command, tree, caches[label])
        for _ in range(runs):
            for verb, command in commands.items():
                for label, tree in trees.items():
                    times.setdefault((verb, label), []).append(_run(command, tree, caches[label]))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="REV", help="also measure this git revision, in the same run")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    trees = {"this checkout": REPO}
    worktree = None
    try:
        if args.against:
            worktree = Path(tempfile.mkdtemp(prefix="geomap-against-"))
            subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(worktree), args.against],
                           check=True)
            trees[args.against] = worktree
        times = measure(trees, args.runs)
    finally:
        if worktree is not None:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(worktree)], check=False)
    print(f"wall seconds, {args.runs} runs each after a warm-up (median, fastest); load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for (verb, label), values in times.items():
        target = TARGETS[verb]
        median = statistics.median(values)
        verdict = "ok" if median <= target else "not met"
        print(f"{verb:8} {label:16} median {median:.3f} s, fastest {min(values):.3f} s   [<= {target} s: {verdict}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
