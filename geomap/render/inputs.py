"""What ``geomap map`` reads: reports (extraction runs first) or event tables.

Reports (``.txt``, ``.jsonl``, folders of them) go through the extraction
stage, which also yields the place mentions it could not locate; event
tables (``.csv`` from ``geomap extract`` or an ACLED export, ``.geojson``,
``.parquet``) are read as they are.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from geomap.gazetteer import Gazetteer

TABLE_SUFFIXES = frozenset({".csv", ".geojson", ".json", ".parquet"})
_SENTENCE_END = re.compile(r"[.!?]\s|\n")
_CONTEXT_LIMIT = 300


@dataclass
class MapInputs:
    """Events and unlocated mentions gathered from the inputs of one map.

    Attributes
    ----------
    events : pandas.DataFrame
        Every event read or extracted, with or without coordinates.
    unlocated : pandas.DataFrame or None
        Mentions whose status is ``unlocated`` (with a ``context`` sentence);
        None when no report was among the inputs.
    documents : int
        Number of reports the extraction ran on.
    mentions : pandas.DataFrame or None
        Every place mention of the reports (the mentions table), which lets
        the map highlight each event's own mention; None when no report was
        among the inputs.
    """

    events: pd.DataFrame
    unlocated: pd.DataFrame | None
    documents: int
    mentions: pd.DataFrame | None = None

    @property
    def located(self) -> int:
        """Events that have coordinates."""
        lat = pd.to_numeric(self.events.get("latitude", pd.Series(dtype=float)), errors="coerce")
        lon = pd.to_numeric(self.events.get("longitude", pd.Series(dtype=float)), errors="coerce")
        return int((lat.notna() & lon.notna()).sum())


def is_event_table(path: str | os.PathLike[str]) -> bool:
    """True for the suffixes of event tables; reports and folders are not tables."""
    p = Path(path)
    return p.suffix.lower() in TABLE_SUFFIXES and not p.is_dir()


def load_map_inputs(
    paths: Sequence[str | os.PathLike[str]],
    *,
    report_date: dt.date | str | None = None,
    gazetteer: Gazetteer | None = None,
) -> MapInputs:
    """Read event tables and extract events from reports.

    Parameters
    ----------
    paths : sequence of path-like
        Reports (``.txt``, ``.jsonl``, folders) and/or event tables
        (``.csv``, ``.geojson``, ``.parquet``), in any mix.
    report_date : datetime.date or str, optional
        Date of reports that carry none (``YYYY-MM-DD``), for relative dates.
    gazetteer : Gazetteer, optional
        The gazetteer to geocode with (e.g. the bundled one with the user's
        places over it); default the bundled one.

    Returns
    -------
    MapInputs
    """
    from geomap.events import read_events

    frames: list[pd.DataFrame] = []
    tables = [p for p in paths if is_event_table(p)]
    reports = [p for p in paths if not is_event_table(p)]
    for path in tables:
        frames.append(pd.DataFrame(read_events(path, gazetteer=gazetteer)))
    unlocated = mentions = None
    documents = 0
    if reports:
        events, mentions, documents = _extract(reports, report_date, gazetteer)
        frames.extend(events)
        unlocated = mentions[mentions["status"].astype(str) == "unlocated"].reset_index(drop=True)
    frames = [f for f in frames if len(f)]
    events = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"latitude": [], "longitude": []})
    return MapInputs(events=events, unlocated=unlocated, documents=documents, mentions=mentions)


def _extract(
    reports: Sequence[str | os.PathLike[str]], report_date: dt.date | str | None, gazetteer: Gazetteer | None
) -> tuple[list[pd.DataFrame], pd.DataFrame, int]:
    """The events of each report, all their mentions (unlocated ones with a ``context``), the report count."""
    from geomap.corpus import iter_documents
    from geomap.extract import extract_corpus

    events: list[pd.DataFrame] = []
    found_mentions: list[pd.DataFrame] = []
    documents = 0
    # A long report comes in pieces; each is extracted alone, offsets pointing into the whole report.
    for doc in iter_documents(list(reports), default_date=report_date):
        documents += doc.part == 0
        found, mentions = extract_corpus([doc], gazetteer=gazetteer)
        events.append(pd.DataFrame(found))
        mentions = mentions.copy()
        unlocated = mentions["status"].astype(str) == "unlocated"
        mentions["context"] = ""
        mentions.loc[unlocated, "context"] = [
            sentence_around(doc.text, int(start) - doc.offset, int(end) - doc.offset)
            for start, end in zip(mentions.loc[unlocated, "char_start"], mentions.loc[unlocated, "char_end"])
        ]
        found_mentions.append(mentions)
    frame = pd.concat(found_mentions, ignore_index=True) if found_mentions else pd.DataFrame({"status": []})
    return events, frame, documents


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding the span ``start:end`` (at most ~300 characters)."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.start() + 1 if right_match else len(text)
    left = max(left, start - _CONTEXT_LIMIT // 2)
    right = min(right, end + _CONTEXT_LIMIT // 2)
    return " ".join(text[left:right].split())
