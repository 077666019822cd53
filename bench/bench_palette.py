"""How far apart the map's actor colours stay under colour-vision deficiency.

Run:  python bench/bench_palette.py            # figures for geomap.render.map.PALETTE
      python bench/bench_palette.py --search   # search a palette again (a few minutes)

For every pair of palette colours it computes CIEDE2000 in normal vision and
as simulated for deuteranopia and protanopia (Machado et al. 2009, severity
1, as implemented by coloraide) and prints the smallest, per vision and
overall, beside the same figures for the palette the map used before (Okabe
& Ito's colours, then Paul Tol's "muted"). Actors beyond the palette are
told apart by a second channel (ACTOR_STYLES), so the map tells
len(PALETTE) x len(ACTOR_STYLES) actors apart.

--search runs the kind of search that chose PALETTE: sRGB colours with CIE
L* between 38 and 85 and chroma of at least 30 (visible under a dark
outline, with a white dot or stripes, and not grey), Okabe & Ito's orange,
sky blue and green kept first; the rest picked greedily and by random swaps
on a coarse grid for the largest smallest difference, then moved one colour
at a time on a 17-step grid. It is a heuristic: another seed gives another
palette, and PALETTE is the best of the runs made when it was chosen.
"""

from __future__ import annotations

import argparse
import itertools
import random
from functools import cache

from coloraide import Color

from geomap.render.map import ACTOR_STYLES, PALETTE

VISIONS = {"normal": None, "deuteranopia": "deutan", "protanopia": "protan"}
PREVIOUS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
            "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
KEEP_FIRST = ("#E69F00", "#56B4E9", "#009E73")


@cache
def seen_as(colour: str, vision: str | None) -> Color:
    c = Color(colour)
    if vision is not None:
        c = c.filter(vision, method="machado").convert("srgb").clip()
    return c.convert("lab-d65")


@cache
def delta(a: str, b: str, vision: str | None) -> float:
    return seen_as(a, vision).delta_e(seen_as(b, vision), method="2000")


def worst(palette: tuple[str, ...] | list[str], vision: str | None) -> tuple[float, str, str]:
    return min((delta(a, b, vision), a, b) for a, b in itertools.combinations(palette, 2))


def worst_overall(palette: list[str]) -> float:
    return min(worst(palette, v)[0] for v in VISIONS.values())


def report(name: str, palette: tuple[str, ...]) -> None:
    print(f"{name}: {len(palette)} colours")
    for label, vision in VISIONS.items():
        d, a, b = worst(palette, vision)
        print(f"  smallest CIEDE2000, {label:<13} {d:5.1f}  ({a} / {b})")


def acceptable(colour: str) -> bool:
    lch = Color(colour).convert("lch-d65")
    return 38 <= lch["lightness"] <= 85 and lch["chroma"] >= 30


COARSE = (0x00, 0x33, 0x55, 0x77, 0x99, 0xBB, 0xDD, 0xFF)


def search(size: int, seed: int, restarts: int = 8, swaps: int = 6000) -> list[str]:
    """Maximise the smallest difference (any vision): greedy picks and random swaps on a
    coarse grid, from several starts, then one colour at a time on the fine grid."""
    coarse = [f"#{r:02X}{g:02X}{b:02X}" for r, g, b in itertools.product(COARSE, repeat=3)]
    candidates = [c for c in coarse if acceptable(c)]
    rng = random.Random(seed)
    fixed = len(KEEP_FIRST)
    best_palette, best = list(KEEP_FIRST), -1.0
    for _ in range(restarts):
        palette = list(KEEP_FIRST)
        while len(palette) < size:
            pool = rng.sample(candidates, min(60, len(candidates)))
            palette.append(max(pool, key=lambda c: min(min(delta(c, p, v) for v in VISIONS.values()) for p in palette)))
        score = worst_overall(palette)
        for _ in range(swaps):
            trial = palette[:]
            trial[rng.randrange(fixed, size)] = rng.choice(candidates)
            if len(set(trial)) == size and (s := worst_overall(trial)) >= score:
                palette, score = trial, s
        if score > best:
            best_palette, best = palette, score
    palette = best_palette
    improved = True
    while improved:
        improved = False
        for i in range(fixed, size):
            r, g, b = (int(palette[i][k:k + 2], 16) for k in (1, 3, 5))
            for dr, dg, db in itertools.product((-17, 0, 17), repeat=3):
                c = (r + dr, g + dg, b + db)
                if not all(0 <= x <= 255 for x in c):
                    continue
                colour = "#{:02X}{:02X}{:02X}".format(*c)
                if colour in palette or not acceptable(colour):
                    continue
                trial = palette[:i] + [colour] + palette[i + 1:]
                score = worst_overall(trial)
                if score > best:
                    palette, best, improved = trial, score, True
    # most distinct first: the most frequent actors get the colours furthest apart
    ordered, rest = palette[:fixed], palette[fixed:]
    while rest:
        nxt = max(rest, key=lambda c: min(min(delta(c, o, v) for v in VISIONS.values()) for o in ordered))
        ordered.append(nxt)
        rest.remove(nxt)
    return ordered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--search", action="store_true", help="search a palette again")
    parser.add_argument("--size", type=int, default=len(PALETTE))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.search:
        found = search(args.size, args.seed)
        report("found", tuple(found))
        print("  " + ", ".join(f'"{c}"' for c in found))
        return 0
    report("PALETTE (geomap.render.map)", PALETTE)
    print(f"  actors told apart: {len(PALETTE)} colours x {len(ACTOR_STYLES)} styles "
          f"({', '.join(ACTOR_STYLES)}) = {len(PALETTE) * len(ACTOR_STYLES)}")
    report("previous palette (Okabe & Ito, then Tol muted)", PREVIOUS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
