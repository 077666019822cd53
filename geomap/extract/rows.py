"""Rows of the output tables: an event record as a row of the event table, mentions as rows of the mentions table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


from geomap.extract.figures import coded_figure, coding_rule
from geomap.extract.find import Mention
from geomap.extract.linking.records import EventRecord
from geomap.extract.resolve import DEFAULT_COUNTRY
from geomap.gazetteer.store import Gazetteer
from geomap.schema import MENTION_COLUMNS, country_name_of, iso3_of, load_taxonomy

_WITHOUT_FATALITIES = load_taxonomy().without_fatalities


def to_row(record: EventRecord, index: int, doc_id: str | None, text: str, source: str | None,
           gazetteer: Gazetteer) -> dict[str, Any]:
    """One row of the event table."""
    place = record.place
    killed = coded_figure(record.killed)
    wounded = coded_figure(record.wounded)
    sentences = [" ".join(text[e.start:e.end].split()) for e in record.evidence]
    notes = " | ".join(sentences)
    if len({f.value for f in record.killed}) > 1:
        figures = ", ".join(f"{f.value} ({' '.join(text[f.start:f.end].split())})" for f in record.killed if not f.shares)
        notes += f" [fatality figures reported: {figures}; coded {coding_rule(record.killed)}]"
    country_name, iso3 = None, None
    if place is not None and place.country:
        try:
            country_name = gazetteer.get(place.country).name
        except KeyError:
            country_name = place.country
        iso3 = iso3_of(place.country)
    # a side named without its country in a document whose country is unknown: the event's, else the default's
    local = country_name_of(place.country if place is not None else None) or country_name_of(DEFAULT_COUNTRY)
    actor1 = record.actor1.in_country(local) if record.actor1 else None
    actor2 = record.actor2.in_country(local) if record.actor2 else None
    return {
        "event_id": f"{doc_id or 'doc'}-{index}",
        "event_date": record.date,
        "time_precision": record.time_precision,
        "event_type": record.event_type,
        "sub_event_type": record.sub_event_type,
        "actor1": actor1.name if actor1 else None,
        "inter1": actor1.inter if actor1 else None,
        "actor2": actor2.name if actor2 else None,
        "inter2": actor2.inter if actor2 else None,
        "country": country_name,
        "iso3": iso3,
        "admin1": (place.admin1 or None) if place else None,
        "admin2": (place.admin2 or None) if place else None,
        "admin3": None,
        "location": place.name if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": record.geo_precision if place else None,
        "fatalities": (killed or 0) if record.violent and record.sub_event_type not in _WITHOUT_FATALITIES else 0,
        "notes": notes,
        "source": source,
        "wounded": wounded if record.violent else None,
        "target": record.target,
        "place_id": place.place_id if place else None,
        "confidence": _confidence(record),
        "reason": record.place_reason or "no place named in or around the sentence",
        "doc_id": doc_id,
        "char_start": record.evidence[0].start,
        "char_end": record.evidence[0].end,
    }


def _confidence(record: EventRecord) -> float:
    score = 0.4
    score += 0.25 if record.actor_explicit else 0.05
    score += 0.25 if record.place_explicit else 0.0
    score += 0.1 if record.date_explicit else 0.0
    if record.place is None:
        score -= 0.2
    return round(max(0.0, min(1.0, score)), 2)


def mention_rows(mentions: list[Mention], doc_id: str | None) -> list[dict[str, Any]]:
    """Rows of the mentions table (DESIGN.md), one per mention."""
    rows = []
    for m in mentions:
        place = m.place
        res = m.resolution
        if res is None:
            status, reason, score = "unlocated", "capitalised name after a location cue; not in the gazetteer", 0.0
        else:
            status, reason, score = res.status, res.reason, res.score
        rows.append({
            "doc_id": doc_id, "text": m.text, "char_start": m.start, "char_end": m.end, "status": status,
            "place_id": place.place_id if place else None, "name": place.name if place else None,
            "kind": place.kind if place else None,
            "latitude": place.latitude if place else float("nan"), "longitude": place.longitude if place else float("nan"),
            "admin1": place.admin1 if place else None, "country": place.country if place else None,
            "score": score, "reason": reason,
        })
    return rows


def mentions_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The mentions table from :func:`mention_rows` output."""
    import pandas as pd  # only when a table is asked for

    frame = pd.DataFrame(rows, columns=list(MENTION_COLUMNS))
    return frame.astype({"char_start": "int64", "char_end": "int64", "latitude": "float64", "longitude": "float64",
                         "score": "float64"})
