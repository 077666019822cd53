"""Scoring helpers for ``bench/eval_events.py``: distances, tolerances, matching, per-class scores.

Pure functions on plain values, independent of geomap, so the measure does not move when the
tool under test does; ``tests/test_eval_scoring.py`` checks them on made-up inputs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: ACLED's 25 sub-event types and their event types (ACLED Codebook, 2019 onwards). The scorer keeps its
#: own copy of the label space so that a change to the tool's taxonomy cannot change the measure.
ACLED_SUB_EVENT_TYPES: dict[str, str] = {
    "Armed clash": "Battles",
    "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Chemical weapon": "Explosions/Remote violence",
    "Air/drone strike": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Sexual violence": "Violence against civilians",
    "Attack": "Violence against civilians",
    "Abduction/forced disappearance": "Violence against civilians",
    "Peaceful protest": "Protests",
    "Protest with intervention": "Protests",
    "Excessive force against protesters": "Protests",
    "Violent demonstration": "Riots",
    "Mob violence": "Riots",
    "Agreement": "Strategic developments",
    "Arrests": "Strategic developments",
    "Change to group/activity": "Strategic developments",
    "Disrupted weapons use": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Looting/property destruction": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Other": "Strategic developments",
}

#: The label given to an item for which the tool output no event.
NONE = "(none)"

#: Tolerances in km by gold ``geo_precision`` (1 town/village, 2 near/part of a region, 3 region).
ACLED_TOLERANCE_KM: dict[int, float] = {1: 10.0, 2: 25.0, 3: 75.0}
FAKES_TOLERANCE_KM: dict[int, float] = {1: 15.0, 2: 30.0, 3: 75.0}


def missing(value: Any) -> bool:
    """Is a plain value absent (None or a float NaN)?"""
    return value is None or (isinstance(value, float) and math.isnan(value))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees (NaN if any is missing)."""
    if any(missing(v) for v in (lat1, lon1, lat2, lon2)):
        return math.nan
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def tolerance_km(geo_precision: Any, table: Mapping[int, float]) -> float:
    """The tolerance for a gold ``geo_precision``; an unknown precision gets the widest one."""
    try:
        return table[int(geo_precision)]
    except (KeyError, TypeError, ValueError):
        return max(table.values())


def within(km: float, geo_precision: Any, table: Mapping[int, float]) -> bool:
    """Is a distance (NaN: no point) inside the tolerance of the gold precision?"""
    return not missing(km) and km <= tolerance_km(geo_precision, table)


# --- one-to-one matching --------------------------------------------------------------------------

def min_cost_assignment(cost: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """Rows and columns paired one to one with the least total cost (Hungarian algorithm).

    ``cost`` is a rectangular matrix (rows x columns, either may be the larger); every row is
    paired when there are no more rows than columns, else every column. Returns ``(row, column)``
    pairs sorted by row. O(n^2 m): meant for the tens of events of one document.
    """
    n = len(cost)
    m = len(cost[0]) if n else 0
    if n == 0 or m == 0:
        return []
    if n > m:
        return sorted((r, c) for c, r in min_cost_assignment([list(col) for col in zip(*cost)]))
    inf = math.inf
    # potentials u (rows), v (columns); way[j]: the column before j on the augmenting path; 1-based
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    owner, way = [0] * (m + 1), [0] * (m + 1)
    for row in range(1, n + 1):
        owner[0], col0 = row, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[col0] = True
            i0, delta, col1 = owner[col0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < minv[j]:
                        minv[j], way[j] = reduced, col0
                    if minv[j] < delta:
                        delta, col1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            col0 = col1
            if owner[col0] == 0:
                break
        while col0:
            col1 = way[col0]
            owner[col0] = owner[col1]
            col0 = col1
    return sorted((owner[j] - 1, j - 1) for j in range(1, m + 1) if owner[j])


def match_one_to_one(gold: Sequence[Any], predicted: Sequence[Any],
                     cost: Callable[[Any, Any], float | None]) -> list[tuple[int, int]]:
    """The largest set of admissible (gold, predicted) pairs, one to one, of least total cost.

    ``cost(g, p)`` returns a non-negative cost for an admissible pair (e.g. km / tolerance) and
    None for a pair that may not match. Among the matchings with the most pairs, the one with the
    least summed cost is chosen: an inadmissible pair costs more than all admissible ones together.
    Returns ``(gold index, predicted index)`` pairs sorted by gold index.
    """
    if not gold or not predicted:
        return []
    costs = [[cost(g, p) for p in predicted] for g in gold]
    admissible = [c for row in costs for c in row if c is not None]
    if not admissible:
        return []
    if min(admissible) < 0:
        raise ValueError("costs must not be negative")
    barrier = 1.0 + min(len(gold), len(predicted)) * max(admissible)
    matrix = [[barrier if c is None else c for c in row] for row in costs]
    return [(i, j) for i, j in min_cost_assignment(matrix) if costs[i][j] is not None]


# --- classification scores ------------------------------------------------------------------------

@dataclass(frozen=True)
class ClassScore:
    """Support, predictions, true positives and the derived precision/recall/F1 of one class."""

    label: str
    support: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def class_scores(gold: Sequence[str], predicted: Sequence[str], labels: Iterable[str]) -> list[ClassScore]:
    """Per-class scores over ``labels`` (pairs of gold and predicted labels, item by item).

    Predicted labels outside ``labels`` (such as :data:`NONE`) count only as misses of the gold class.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    support, made = Counter(gold), Counter(predicted)
    correct = Counter(g for g, p in zip(gold, predicted) if g == p)
    return [ClassScore(label, support[label], made[label], correct[label]) for label in labels]


def weighted_f1(scores: Iterable[ClassScore]) -> float:
    """F1 averaged over classes, each weighted by its gold support (scikit-learn's ``average='weighted'``)."""
    scores = list(scores)
    total = sum(s.support for s in scores)
    return sum(s.f1 * s.support for s in scores) / total if total else 0.0


def confusions(gold: Sequence[Hashable], predicted: Sequence[Hashable], top: int = 10) -> list[tuple[Any, Any, int]]:
    """The ``top`` most frequent (gold, predicted, count) disagreements, largest first (ties by name)."""
    counts = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0][0]), str(item[0][1])))
    return [(g, p, n) for (g, p), n in ranked[:top]]


def rounded(km: float) -> float | None:
    """A distance to 0.1 km for a dump, None for no distance."""
    return None if missing(km) else round(km, 1)


def share(hits: int, total: int) -> str:
    """``hits/total = pct%`` (``n/a`` for an empty total)."""
    return f"{hits}/{total} = {100 * hits / total:.1f}%" if total else f"{hits}/0 = n/a"


# --- the doer's side (FA-KES gold) ----------------------------------------------------------------

#: geomap's actor names (``geomap/extract/lexicon/actors.yaml``) -> the FA-KES gold's sides, first match
#: wins; written from the tool's vocabulary, so that a name it may print later ("Military Forces of
#: Syria (2000-)", "Police Forces of Syria") still finds its side.
SIDE_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^unidentified|^unknown", "unidentified"),
    (r"^(military|police) forces of syria|^government of syria|^syrian (army|government)", "state"),
    (("pro-government militia|hezbollah|liwa al-quds|desert hawks|fatemiyoun|zainabiyoun|asa'ib ahl al-haq"
      "|harakat al-nujaba|national defen[cs]e forces"), "progov_militia"),
    (r"islamic state|^isis|^isil|jaish khalid ibn al-walid", "islamic_state"),
    (r"syrian democratic forces|^asayish|\(pkk\)|^ypg", "sdf"),
    (r"russia|wagner", "russia"),
    (r"us-led coalition|united states|^coalition", "us_coalition"),
    (r"turkey|turkish", "turkey"),
    (r"israel", "israel"),
    (r"^protesters|^rioters", "protesters"),
    (r"^civilians", "civilians"),
)
_SIDE_RULES = tuple((re.compile(pattern, re.IGNORECASE), side) for pattern, side in SIDE_PATTERNS)
#: For a name none of the patterns knows, its ACLED ``inter`` code (2 rebel group, 3 political militia:
#: among geomap's Syrian actors, the pro-government ones).
SIDE_BY_INTER: dict[int, str] = {2: "rebels", 3: "progov_militia", 5: "protesters", 6: "protesters", 7: "civilians"}


def side_of(actor: Any, inter: Any = None) -> str:
    """The gold side of one of geomap's actor names (``unidentified`` when there is no actor)."""
    if missing(actor) or not str(actor).strip():
        return "unidentified"
    name = str(actor).strip()
    for pattern, side in _SIDE_RULES:
        if pattern.search(name):
            return side
    try:
        return SIDE_BY_INTER.get(int(inter), "other")
    except (TypeError, ValueError):
        return "other"


def toll_in_range(fatalities: Any, low: Any, high: Any) -> bool:
    """Is a predicted toll (missing = 0, ACLED's "no toll reported") within the gold range?"""
    value = 0 if missing(fatalities) else int(fatalities)
    return int(low) <= value <= int(high)
