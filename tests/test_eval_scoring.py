"""The scoring of ``bench/eval_events.py``: tolerances, one-to-one matching, per-class F1, sides.

Made-up inputs only; the gold sets themselves are read by the benchmark at run time.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import math
import random
import sys
from pathlib import Path

import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench_module(name: str):
    # bench/ is a folder of scripts, not a package; eval_events imports eval_scoring by name too
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


sc = _bench_module("eval_scoring")
ev = _bench_module("eval_events")


# --- distances and tolerances ---------------------------------------------------------------------

def test_haversine_one_degree_of_latitude_is_about_111_km():
    assert sc.haversine_km(35.0, 38.0, 36.0, 38.0) == pytest.approx(111.2, abs=0.2)
    assert sc.haversine_km(35.0, 38.0, 35.0, 38.0) == 0.0


def test_haversine_of_a_missing_point_is_nan():
    assert math.isnan(sc.haversine_km(35.0, 38.0, None, 38.0))
    assert math.isnan(sc.haversine_km(35.0, float("nan"), 35.0, 38.0))


@pytest.mark.parametrize(("km", "precision", "ok"), [
    (9.9, 1, True), (10.1, 1, False), (24.0, 2, True), (26.0, 2, False), (74.0, 3, True), (76.0, 3, False),
    (74.0, None, True),   # an unknown precision gets the widest tolerance
    (float("nan"), 1, False),  # no point is never within tolerance
])
def test_tolerance_follows_the_gold_precision(km, precision, ok):
    assert sc.within(km, precision, sc.ACLED_TOLERANCE_KM) is ok


def test_fakes_tolerances_are_wider_for_towns():
    assert sc.within(14.0, 1, sc.FAKES_TOLERANCE_KM) and not sc.within(14.0, 1, sc.ACLED_TOLERANCE_KM)


# --- matching -------------------------------------------------------------------------------------

def _brute_force(cost):
    rows, cols = len(cost), len(cost[0])
    if rows <= cols:
        return min(sum(cost[r][c] for r, c in zip(range(rows), perm))
                   for perm in itertools.permutations(range(cols), rows))
    return min(sum(cost[r][c] for c, r in zip(range(cols), perm))
               for perm in itertools.permutations(range(rows), cols))


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (3, 2), (4, 4), (3, 5), (5, 3)])
def test_assignment_is_optimal(shape):
    rng = random.Random(sum(shape))
    for _ in range(20):
        cost = [[rng.choice([0.0, 0.5, 1.0, rng.random() * 3]) for _ in range(shape[1])] for _ in range(shape[0])]
        pairs = sc.min_cost_assignment(cost)
        assert len(pairs) == min(shape)
        assert len({r for r, _ in pairs}) == len({c for _, c in pairs}) == len(pairs)
        assert sum(cost[r][c] for r, c in pairs) == pytest.approx(_brute_force(cost))


def _km_cost(limit):
    def cost(gold, predicted):
        d = abs(gold - predicted)
        return d / limit if d <= limit else None
    return cost


def test_matching_takes_the_most_pairs_not_the_nearest_first():
    # gold 0 lies nearest to output 0, but only output 0 can reach gold 1: nearest-first would pair one
    gold, outputs = [0.0, 9.0], [1.0, -8.0]
    assert sc.match_one_to_one(gold, outputs, _km_cost(10.0)) == [(0, 1), (1, 0)]


def test_matching_is_one_to_one_and_leaves_inadmissible_pairs_out():
    gold, outputs = [0.0, 0.5, 100.0], [0.2]
    pairs = sc.match_one_to_one(gold, outputs, _km_cost(10.0))
    assert pairs == [(0, 0)]
    assert sc.match_one_to_one([0.0], [50.0], _km_cost(10.0)) == []
    assert sc.match_one_to_one([], [1.0], _km_cost(10.0)) == []


def test_matching_prefers_the_nearer_pairing_among_equals():
    assert sc.match_one_to_one([0.0, 5.0], [5.5, 0.5], _km_cost(10.0)) == [(0, 1), (1, 0)]


# --- per-class scores -----------------------------------------------------------------------------

def test_weighted_f1_weights_each_class_by_its_support():
    gold = ["Attack", "Attack", "Grenade", "Arrests"]
    pred = ["Attack", sc.NONE, "Grenade", "Grenade"]
    scores = {s.label: s for s in sc.class_scores(gold, pred, sc.ACLED_SUB_EVENT_TYPES)}
    assert (scores["Attack"].precision, scores["Attack"].recall) == (1.0, 0.5)
    assert (scores["Grenade"].precision, scores["Grenade"].recall) == (0.5, 1.0)
    assert scores["Arrests"].f1 == 0.0 and scores["Suicide bomb"].support == 0
    # (2 * 2/3 + 1 * 2/3 + 1 * 0) / 4; the 22 classes without support weigh nothing
    assert sc.weighted_f1(scores.values()) == pytest.approx(0.5)


def test_class_scores_cover_all_25_acled_classes():
    assert len(sc.ACLED_SUB_EVENT_TYPES) == 25
    assert len(set(sc.ACLED_SUB_EVENT_TYPES.values())) == 6
    with pytest.raises(ValueError):
        sc.class_scores(["Attack"], [], sc.ACLED_SUB_EVENT_TYPES)


def test_confusions_are_the_largest_disagreements_first():
    gold = ["Attack"] * 3 + ["Armed clash"] * 2 + ["Grenade"]
    pred = [sc.NONE] * 3 + ["Attack", "Armed clash", "Grenade"]
    assert sc.confusions(gold, pred, 5) == [("Attack", sc.NONE, 3), ("Armed clash", "Attack", 1)]


# --- sides and tolls ------------------------------------------------------------------------------

@pytest.mark.parametrize(("actor", "inter", "side"), [
    ("Military Forces of Syria", 1, "state"),
    ("Military Forces of Syria (2000-)", 1, "state"),
    ("Pro-Government Militia (Syria)", 3, "progov_militia"),
    ("Hezbollah", 3, "progov_militia"),
    ("Opposition Rebels (Syria)", 2, "rebels"),
    ("Syrian National Coalition", 2, "rebels"),
    ("Islamic State (Syria)", 2, "islamic_state"),
    ("Syrian Democratic Forces", 2, "sdf"),
    ("Military Forces of Russia", 8, "russia"),
    ("US-led Coalition", 8, "us_coalition"),
    ("Military Forces of Turkey", 8, "turkey"),
    ("Military Forces of Israel", 8, "israel"),
    ("Unidentified Armed Group (Syria)", 3, "unidentified"),
    ("Protesters (Syria)", 6, "protesters"),
    ("Civilians (Syria)", 7, "civilians"),
    ("United Nations", 8, "other"),
    (None, None, "unidentified"),
    ("", None, "unidentified"),
])
def test_sides_of_actor_names(actor, inter, side):
    assert sc.side_of(actor, inter) == side


def test_a_missing_toll_is_zero():
    assert sc.toll_in_range(None, 0, 0) and sc.toll_in_range(float("nan"), 0, 2)
    assert sc.toll_in_range(12, 10, 15) and not sc.toll_in_range(16, 10, 15)


# --- the benchmark's own choices ------------------------------------------------------------------

def test_the_most_confident_event_is_scored_ties_to_the_first():
    events = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "event_id": ["a-1", "a-2", "a-3", "b-1"],
                           "confidence": [0.5, 0.8, 0.8, float("nan")]})
    tops = ev.top_events(events)
    assert tops["a"]["event_id"] == "a-2"
    assert tops["b"]["event_id"] == "b-1"


def _gold(**kw):
    base = {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
            "actor1_side": "state", "lat": 35.0, "lon": 36.0, "geo_precision": 1,
            "fatalities_range": [0, 0], "date": dt.date(2016, 5, 3)}
    return base | kw


def _out(**kw):
    base = {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
            "actor1": "Military Forces of Syria", "inter1": 1, "latitude": 35.0, "longitude": 36.0,
            "fatalities": 0, "event_date": "2016-05-03"}
    return base | kw


def test_two_events_at_one_place_are_paired_so_that_each_agrees():
    gold = [_gold(sub_event_type="Chemical weapon", fatalities_range=[50, 60]), _gold()]
    # the air strike lies a little nearer the chemical attack's point: distance alone pairs them crosswise
    outs = [_out(latitude=35.001), _out(sub_event_type="Chemical weapon", fatalities=55, latitude=35.02)]
    tally, _lines = ev.score_fakes_doc("d", gold, outs)
    assert (tally["matched"], tally["strict"]) == (2, 2)
    nearest, _lines = ev.score_fakes_doc("d", gold, outs, prefer_strict=False)
    assert (nearest["matched"], nearest["strict"]) == (2, 0)


def test_fakes_match_needs_the_event_type_and_the_tolerance():
    gold = [_gold(), _gold(geo_precision=2, lat=36.0)]
    outs = [_out(event_type="Battles", sub_event_type="Armed clash"), _out(latitude=36.25)]
    tally, lines = ev.score_fakes_doc("d", gold, outs)
    assert tally["matched"] == 1 and tally["gold"] == 2 and tally["out"] == 2
    assert [line["matched"] for line in lines if line["kind"] == "gold"] == [False, True]
    assert tally["dated"] == 1


def test_without_the_gold_sets_the_benchmark_says_so_and_measures_nothing(tmp_path, capsys):
    assert ev.main(["--data", str(tmp_path)]) == 2
    assert "gold data not found" in capsys.readouterr().err


def test_dumps_are_refused_inside_the_repository(tmp_path, capsys):
    for name in ("acled-dev/acled-2020-05-dev.csv", "corpus/fakes-dev-gold.yaml", "corpus/fakes-dev.csv"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("")
    assert ev.main(["--data", str(tmp_path), "--dump", str(BENCH / "dumps")]) == 2
    assert "inside the repository" in capsys.readouterr().err
    assert not (BENCH / "dumps").exists()
