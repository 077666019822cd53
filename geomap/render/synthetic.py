"""Synthetic event tables over Syria, for tests, benchmarks and demos of the map.

Deterministic for a given ``seed``; the rows follow the event-table columns
of DESIGN.md so they exercise the same code paths as real data.

The notes are written to be as long and as varied as real ACLED notes, so
that file sizes measured on them mean something: 354 characters on average
(three to five sentences), every one distinct, and gzip shrinks them by a
factor of 4.3 (on a sample of 4,757 real ACLED notes from Syria it is 3.8,
so sizes measured on these notes are still about 12% flattering). They are
assembled from the phrase lists below (written for this module, no ACLED
text) around invented village and personal names, dates and figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# (name, latitude, longitude, governorate): towns the synthetic events scatter around.
_TOWNS = (
    ("Aleppo", 36.2012, 37.1612, "Aleppo"), ("Damascus", 33.5102, 36.2913, "Damascus"),
    ("Homs", 34.7268, 36.7234, "Homs"), ("Hama", 35.1318, 36.7578, "Hama"), ("Idlib", 35.9306, 36.6339, "Idleb"),
    ("Ar-Raqqa", 35.9528, 39.0079, "Ar-Raqqa"), ("Deir ez-Zor", 35.3359, 40.1408, "Deir-ez-Zor"),
    ("Daraa", 32.6189, 36.1021, "Dar'a"), ("Latakia", 35.5317, 35.7901, "Lattakia"),
    ("Douma", 33.5711, 36.4019, "Rural Damascus"), ("Manbij", 36.5281, 37.9549, "Aleppo"),
    ("Palmyra", 34.5601, 38.2673, "Homs"),
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
    ("Protests", "Peaceful protest"), ("Riots", "Violent demonstration"),
    ("Strategic developments", "Looting/property destruction"),
)

# Phrase lists for the notes. Each slot is drawn independently, which gives
# the notes roughly the vocabulary and the redundancy of real reporting.
_SIDES = (
    "regime forces", "government troops", "pro-regime militias", "Russian warplanes", "regime helicopters",
    "IS militants", "HTS fighters", "opposition factions", "SDF units", "Turkish-backed factions",
    "unidentified gunmen", "an unknown group", "rebel artillery units", "National Defence Forces",
    "Republican Guard units", "local armed men", "Kurdish YPG fighters", "Jaish al-Izza fighters",
)
_ACTIONS = (
    "shelled", "struck", "fired rockets at", "clashed with defenders of", "attacked", "raided",
    "targeted", "bombarded", "dropped barrel bombs on", "launched a drone strike on", "advanced towards",
    "fired mortar rounds at", "ambushed a patrol near", "stormed", "detonated an IED near", "besieged",
)
_TARGETS = (
    "residential areas", "a market", "the outskirts", "a checkpoint", "military positions", "a school",
    "a field hospital", "farmland", "a mosque", "a bakery", "a vehicle", "a displacement camp",
    "the main road", "a water station", "a police post", "a weapons depot", "a bridge", "frontline posts",
)
# Shapes of the first sentence, the event itself.
_HEADS = (
    "On {when}, {side} {action} {target} in {village} near {town} ({area} governorate)",
    "On {when}, {side} {action} {target} in {village}, {district} sub-district, {area}",
    "{side} {action} {target} of {village} in the {town} countryside on {when}",
    "In {village} ({district} area, {area}), {side} {action} {target} on {when}",
    "On the night of {when}, {side} {action} {target} on the road between {village} and {district}",
)
_VICTIMS = ("civilians", "fighters", "soldiers", "members of one family", "militants", "children", "women", "men")
# Sentence shapes of the background sentences; the order of the parts varies as in real reporting.
_SHAPES = (
    "{teller} {told} the {manner} {harm} {harmed} {count} {state} {things} {where} {place} {when}",
    "{person}, one of the {teller} in {place}, {told} {count} {things} were {harmed} by {harm} {when}",
    "{when}, {manner} {harm} {harmed} {count} {state} {things} {where} {place}, {person} {told}",
    "{count} {state} {things} {where} {place} were {harmed} {when}; {teller} blamed the {manner} {harm}",
    "In {place}, {person} and other {teller} {told} the {harm} had {harmed} {count} {things} {when}",
    "The {manner} {harm} {where} {place} {harmed} {count} {things}, {teller} {told} {when}",
)


# Words of the background sentences ("Witnesses said the renewed shelling damaged
# 12 houses east of Kafr Ranab overnight"): each slot is drawn on its own.
_TELLERS = (
    "activists", "residents", "witnesses", "medics", "officials", "commanders", "journalists", "volunteers",
    "monitors", "doctors", "farmers", "teachers", "elders", "fighters", "refugees", "traders", "drivers", "nurses",
    "engineers", "clerics", "observers", "rescuers", "neighbours", "shopkeepers", "students", "negotiators",
    "spokesmen", "villagers", "council members", "aid workers", "hospital staff", "local sources",
)
_TOLD = (
    "said", "reported", "confirmed", "claimed", "denied", "noted", "warned", "estimated", "insisted", "added",
    "recalled", "explained", "alleged", "recounted", "suggested", "indicated", "announced", "acknowledged",
    "stressed", "wrote", "told reporters", "posted",
)
_MANNER = (
    "heavy", "renewed", "sporadic", "intense", "brief", "fierce", "repeated", "sudden", "indiscriminate", "fresh",
    "nightly", "limited", "wider", "prolonged", "coordinated", "deadly", "rare", "unusual", "massive",
    "intermittent", "retaliatory", "cross-border", "pre-dawn", "daylight",
)
_HARM = (
    "shelling", "bombardment", "fighting", "clashes", "strikes", "raids", "attacks", "explosions", "incursions",
    "assaults", "barrages", "skirmishes", "ambushes", "airstrikes", "offensives", "detonations", "volleys",
    "battles", "sorties", "rocket fire", "sniper fire", "mortar fire",
)
_HARMED = (
    "damaged", "destroyed", "hit", "struck", "levelled", "burned", "flattened", "cut off", "closed", "blocked",
    "emptied", "crippled", "wrecked", "shook", "reached", "engulfed", "scarred", "breached", "disrupted", "gutted",
)
_STATE = (
    "abandoned", "crowded", "newly built", "rebuilt", "empty", "old", "makeshift", "rented", "public", "private",
    "unfinished", "family", "nearby", "occupied", "shared", "temporary", "partly repaired", "fortified",
)
_THINGS = (
    "houses", "shops", "schools", "roads", "wells", "bakeries", "clinics", "mosques", "farms", "bridges",
    "generators", "tents", "vehicles", "warehouses", "pylons", "pipelines", "silos", "markets", "orchards",
    "workshops", "churches", "greenhouses", "water tanks", "fuel stations", "classrooms", "apartment blocks",
)
_WHERE = (
    "in", "near", "around", "outside", "east of", "west of", "north of", "south of", "beyond", "along the road to",
    "on the edge of", "inside", "close to",
)
_WHEN = (
    "overnight", "on the same day", "earlier that week", "hours later", "the following morning", "again",
    "twice", "for the first time", "despite the truce", "during prayers", "before dawn", "at noon",
)
_WHATS = ("shelling", "fighting", "air strikes", "raid", "bombardment", "clashes", "offensive", "attack")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_PREFIXES = ("Kafr", "Tal", "Ain", "Deir", "Beit", "Khirbet", "Jisr", "Maarat", "Umm", "Abu", "Bir", "Qasr",
             "Hazm", "Mazraat", "Tell", "Jabal", "Wadi", "Sheikh", "Hayy", "Arab")
_SYLLABLES = (
    "ra", "ba", "na", "sha", "ku", "mi", "zi", "dah", "lin", "ser", "hal", "qam", "jab", "tun", "fa", "ri", "wan",
    "dou", "mas", "hur", "tay", "lat", "zor", "nab", "ham", "sal", "kar", "yab", "meh", "dil", "bou", "kha", "tel",
    "ghar", "suf", "mur", "dei", "qas", "hin", "wad", "jou", "rum", "sab", "kef", "lah", "nir", "tab", "zei",
    "far", "mor", "haj", "bil", "sou", "tar", "qar", "nim", "wis", "fel", "dab", "rak",
)


def _village_names(rng: np.random.Generator, count: int) -> list[str]:
    """Invented place names (prefix + two or three syllables), for the notes."""
    names = []
    for _ in range(count):
        root = "".join(rng.choice(_SYLLABLES, rng.integers(2, 4)))
        names.append(f"{rng.choice(_PREFIXES)} {root.capitalize()}")
    return names


def _pick(rng: np.random.Generator, options: tuple[str, ...] | list[str], n: int) -> list[str]:
    return [options[k] for k in rng.integers(0, len(options), n)]


def realistic_notes(n: int, *, seed: int = 0, towns: list[str] | None = None,
                    governorates: list[str] | None = None, fatalities: np.ndarray | None = None,
                    dates: list[str] | None = None) -> list[str]:
    """Return ``n`` notes shaped like ACLED's: about 350 characters, nearly all distinct.

    Parameters
    ----------
    n : int
        Number of notes.
    seed : int
        Random seed; the same seed gives the same notes.
    towns, governorates : list of str, optional
        The event's town and governorate, one per note (named in the note).
    fatalities : numpy.ndarray, optional
        The event's fatalities, one per note (told in the note).
    dates : list of str, optional
        The event's date (``YYYY-MM-DD``), one per note.

    Returns
    -------
    list of str
    """
    rng = np.random.default_rng([seed, 1])
    villages = _village_names(rng, 20_000)
    towns = towns or _pick(rng, [t[0] for t in _TOWNS], n)
    governorates = governorates or _pick(rng, [t[3] for t in _TOWNS], n)
    fatalities = fatalities if fatalities is not None else rng.integers(0, 20, n)
    if dates is None:
        dates = list((pd.Timestamp("2016-05-01") + pd.to_timedelta(rng.integers(0, 30, n), unit="D")).strftime("%Y-%m-%d"))
    village = _pick(rng, villages, n)
    district = _pick(rng, villages[:300], n)
    head_shape = rng.integers(0, len(_HEADS), n)
    side, action, target = _pick(rng, _SIDES, n), _pick(rng, _ACTIONS, n), _pick(rng, _TARGETS, n)
    victims = _pick(rng, _VICTIMS, n)
    wounded = rng.integers(0, 40, n)
    extra = rng.integers(0, 8, n)
    sentences = rng.choice([1, 2, 3], n, p=[0.45, 0.35, 0.2])  # background sentences after the event and its toll
    background = _backgrounds(rng, villages, int(sentences.sum()))
    notes = []
    used = 0
    for i in range(n):
        year, month, day = (int(part) for part in str(dates[i]).split("-"))
        when = f"{day} {_MONTHS[month - 1]} {year}"
        head = _HEADS[head_shape[i]].format(when=when, side=side[i], action=action[i], target=target[i],
                                            village=village[i], town=towns[i], area=governorates[i],
                                            district=district[i])
        head = head[:1].upper() + head[1:]
        killed = int(fatalities[i])
        if killed == 0:
            toll = "No casualties were reported" if extra[i] % 2 else f"{wounded[i]} people were wounded, none killed"
        elif extra[i] < 3:
            toll = f"{killed} {victims[i]} were killed and {wounded[i]} others injured"
        else:
            toll = f"The {_WHATS[extra[i]]} killed {killed} {victims[i]}, including {extra[i]} children"
        note = ". ".join([head, toll, *background[used:used + sentences[i]]]) + "."
        used += sentences[i]
        if extra[i] == 7:
            note += " [size=no report]"
        notes.append(note)
    return notes


def _backgrounds(rng: np.random.Generator, villages: list[str], n: int) -> list[str]:
    """``n`` sentences of background ("Witnesses said the renewed shelling damaged 12 houses east of ...")."""
    names = ("teller", "told", "manner", "harm", "harmed", "state", "things", "where", "place", "when")
    slots = [_pick(rng, options, n) for options in (_TELLERS, _TOLD, _MANNER, _HARM, _HARMED, _STATE, _THINGS,
                                                    _WHERE, villages, _WHEN)]
    counts = np.where(rng.random(n) < 0.5, rng.integers(2, 10, n), rng.integers(10, 250, n))
    people = _person_names(rng, n)
    shapes = rng.integers(0, len(_SHAPES), n)
    sentences = []
    for i in range(n):
        words = {name: slot[i] for name, slot in zip(names, slots)}
        sentence = _SHAPES[shapes[i]].format(count=int(counts[i]), person=people[i], **words)
        sentences.append(sentence[:1].upper() + sentence[1:])
    return sentences


def _person_names(rng: np.random.Generator, n: int) -> list[str]:
    """Invented personal names ("Hamid Abu Sallin"), like the many names real notes give."""
    given = [g.capitalize() for g in ("".join(p) for p in _pick_syllables(rng, n, 2))]
    family = [f.capitalize() for f in ("".join(p) for p in _pick_syllables(rng, n, 3))]
    article = _pick(rng, ("", "al-", "Abu ", "Bin ", "el-"), n)
    return [f"{g} {a}{f}" for g, a, f in zip(given, article, family)]


def _pick_syllables(rng: np.random.Generator, n: int, count: int) -> np.ndarray:
    return np.array(_SYLLABLES)[rng.integers(0, len(_SYLLABLES), (n, count))]


def synthetic_events(n: int, *, seed: int = 0, days: int = 30, notes: str = "realistic") -> pd.DataFrame:
    """Return ``n`` plausible events scattered around Syrian towns.

    Parameters
    ----------
    n : int
        Number of rows.
    seed : int
        Random seed; the same seed gives the same table.
    days : int
        Events are spread over this many days from 2016-05-01.
    notes : {"realistic", "brief"}
        ``"realistic"``: ACLED-like notes of about 350 characters (see
        :func:`realistic_notes`); ``"brief"``: one line of about 70.

    Returns
    -------
    pandas.DataFrame
        Columns of the event table (latitude/longitude, no geometry).
    """
    if notes not in ("realistic", "brief"):
        raise ValueError(f"notes must be 'realistic' or 'brief', not {notes!r}")
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
    verb = rng.integers(0, 5, n)
    names = [t[0] for t in _TOWNS]
    dates = (pd.Timestamp("2016-05-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D")).strftime("%Y-%m-%d")
    precision = rng.integers(1, 4, n)
    if notes == "realistic":
        text = realistic_notes(n, seed=seed, towns=[names[t] for t in town],
                               governorates=[_TOWNS[t][3] for t in town], fatalities=fatalities, dates=list(dates))
    else:
        verbs = ("clashed with", "shelled positions of", "struck", "attacked", "advanced on")
        text = [f"{_ACTORS[a]} {verbs[v]} {_ACTORS[o]} near {names[t]}; {f} killed."
                for a, v, o, t, f in zip(actor, verb, other, town, fatalities)]
    return pd.DataFrame(
        {
            "event_id": [f"SYN{i:06d}" for i in range(n)],
            "event_date": dates,
            "event_type": [_TYPES[k][0] for k in kind],
            "sub_event_type": [_TYPES[k][1] for k in kind],
            "actor1": [_ACTORS[a] for a in actor],
            "actor2": [_ACTORS[o] for o in other],
            "country": "Syria",
            "location": [names[t] for t in town],
            "latitude": lat.round(5),
            "longitude": lon.round(5),
            "geo_precision": precision,
            "fatalities": fatalities,
            "notes": text,
            "doc_id": [f"synthetic-{t % 4}" for t in town],
            "reason": "synthetic",
        }
    )
