"""Synthetic event tables over Syria, for tests, benchmarks and demos of the map.

Deterministic for a given ``seed``; the rows follow the event-table columns
of DESIGN.md so they exercise the same code paths as real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# (name, latitude, longitude): towns the synthetic events scatter around.
_TOWNS = (
    ("Aleppo", 36.2012, 37.1612), ("Damascus", 33.5102, 36.2913), ("Homs", 34.7268, 36.7234),
    ("Hama", 35.1318, 36.7578), ("Idlib", 35.9306, 36.6339), ("Ar-Raqqa", 35.9528, 39.0079),
    ("Deir ez-Zor", 35.3359, 40.1408), ("Daraa", 32.6189, 36.1021), ("Latakia", 35.5317, 35.7901),
    ("Douma", 33.5711, 36.4019), ("Manbij", 36.5281, 37.9549), ("Palmyra", 34.5601, 38.2673),
)
_ACTORS = (
    "Military Forces of Syria (2000-)", "Islamic State (Syria)", "Hayat Tahrir al Sham",
    "SDF: Syrian Democratic Forces", "Military Forces of Russia (2000-)", "Free Syrian Army",
    "Jaish al Islam", "Unidentified Armed Group (Syria)", "Civilians (Syria)", "Protesters (Syria)",
)
_TYPES = (
    ("Battles", "Armed clash"), ("Battles", "Government regains territory"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"), ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"), ("Violence against civilians", "Attack"),
    ("Protests", "Peaceful protest"), ("Riots", "Violent demonstration"), ("Strategic developments", "Looting/property destruction"),
)
_VERBS = ("clashed with", "shelled positions of", "struck", "attacked", "advanced on")


def synthetic_events(n: int, *, seed: int = 0, days: int = 30) -> pd.DataFrame:
    """Return ``n`` plausible events scattered around Syrian towns.

    Parameters
    ----------
    n : int
        Number of rows.
    seed : int
        Random seed; the same seed gives the same table.
    days : int
        Events are spread over this many days from 2016-05-01.

    Returns
    -------
    pandas.DataFrame
        Columns of the event table (latitude/longitude, no geometry).
    """
    rng = np.random.default_rng(seed)
    town = rng.integers(0, len(_TOWNS), n)
    # Skewed actor frequencies, like real data: a few actors dominate.
    actor_weights = 1.0 / np.arange(1, len(_ACTORS) + 1)
    actor = rng.choice(len(_ACTORS), n, p=actor_weights / actor_weights.sum())
    other = rng.choice(len(_ACTORS), n)
    kind = rng.integers(0, len(_TYPES), n)
    lat = np.array([t[1] for t in _TOWNS])[town] + rng.normal(0, 0.25, n)
    lon = np.array([t[2] for t in _TOWNS])[town] + rng.normal(0, 0.25, n)
    fatalities = np.where(rng.random(n) < 0.5, 0, rng.geometric(0.15, n))
    verb = rng.integers(0, len(_VERBS), n)
    names = [t[0] for t in _TOWNS]
    notes = [
        f"{_ACTORS[a]} {_VERBS[v]} {_ACTORS[o]} near {names[t]}; {f} killed."
        for a, v, o, t, f in zip(actor, verb, other, town, fatalities)
    ]
    return pd.DataFrame(
        {
            "event_id": [f"SYN{i:06d}" for i in range(n)],
            "event_date": (pd.Timestamp("2016-05-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D")).strftime("%Y-%m-%d"),
            "event_type": [_TYPES[k][0] for k in kind],
            "sub_event_type": [_TYPES[k][1] for k in kind],
            "actor1": [_ACTORS[a] for a in actor],
            "actor2": [_ACTORS[o] for o in other],
            "country": "Syria",
            "location": [names[t] for t in town],
            "latitude": lat.round(5),
            "longitude": lon.round(5),
            "geo_precision": rng.integers(1, 4, n),
            "fatalities": fatalities,
            "notes": notes,
            "doc_id": [f"synthetic-{t % 4}" for t in town],
            "reason": "synthetic",
        }
    )
