"""What ``geomap map`` shows: the rows of its event tables and the events extracted from its reports.

Which input is which is :mod:`geomap.run.inputs`' decision; reports are
extracted in batches, and the place mentions that could not be located are
kept, each with the sentence around it, for the map's side panel.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from geomap.documents import Document, iter_documents
from geomap.extract import BATCH_CHARS, extract_corpus
from geomap.frames import coordinates_of, usable_points
from geomap.gazetteer import Gazetteer
from geomap.run.inputs import split_inputs
from geomap.tables import read_events

PathLike = str | os.PathLike[str]

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
    """

    events: pd.DataFrame
    unlocated: pd.DataFrame | None
    documents: int

    @property
    def located(self) -> int:
        """Events the map draws: their coordinates are numbers within range (as the map decides)."""
        return int(usable_points(*coordinates_of(self.events)).sum())


def load_map_inputs(
    paths: Sequence[PathLike],
    *,
    report_date: dt.date | str | None = None,
    gazetteer: Gazetteer | None = None,
) -> MapInputs:
    """Read event tables and extract events from reports, as ``geomap map`` does.

    Parameters
    ----------
    paths : sequence of path-like
        Reports and corpora and/or event tables, in any mix (see :func:`classify`).
    report_date : datetime.date or str, optional
        Date of reports that carry none (``YYYY-MM-DD``), for relative dates.
    gazetteer : Gazetteer, optional
        The gazetteer to geocode with (e.g. the bundled one with the user's
        places over it); default the bundled one.

    Returns
    -------
    MapInputs
    """

    tables, documents = split_inputs(paths)
    frames = [pd.DataFrame(read_events(t.path, gazetteer=gazetteer)) for t in tables]
    unlocated, count = None, 0
    if documents:
        events, unlocated, count = extract_documents([d.path for d in documents], report_date, gazetteer)
        frames.append(events)
    return MapInputs(events=concat_events(frames), unlocated=unlocated, documents=count)


def concat_events(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One table of the non-empty frames (an empty one with coordinate columns when there is none)."""
    kept = [f for f in frames if len(f)]
    return pd.concat(kept, ignore_index=True) if kept else pd.DataFrame({"latitude": [], "longitude": []})


def extract_documents(
    paths: Sequence[PathLike], report_date: dt.date | str | None, gazetteer: Gazetteer | None,
    batch_chars: int = BATCH_CHARS,
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Extract every document of ``paths`` in batches: its events, its unlocated mentions, how many reports.

    Each unlocated mention carries the sentence around it (``context``).
    """
    events: list[pd.DataFrame] = []
    unlocated: list[pd.DataFrame] = []
    count = 0
    batch: list[Document] = []
    size = 0
    for doc in iter_documents(list(paths), report_date=report_date):
        count += doc.part == 0  # a long report comes in pieces, offsets pointing into the whole report
        batch.append(doc)
        size += len(doc.text)
        if size >= batch_chars:
            _extract_batch(batch, gazetteer, events, unlocated)
            batch, size = [], 0
    if batch:
        _extract_batch(batch, gazetteer, events, unlocated)
    missing = pd.concat(unlocated, ignore_index=True) if unlocated else pd.DataFrame()
    return concat_events(events), missing, count


def _extract_batch(batch: list[Document], gazetteer: Gazetteer | None,
                   events: list[pd.DataFrame], unlocated: list[pd.DataFrame]) -> None:
    found, mentions = extract_corpus(batch, gazetteer=gazetteer)
    events.append(pd.DataFrame(found))
    missing = mentions[mentions["status"].astype(str) == "unlocated"].copy()
    pieces: dict[str, list[Document]] = {}
    for doc in batch:
        pieces.setdefault(doc.id, []).append(doc)
    missing["context"] = [
        _context(pieces[str(doc_id)], int(start), int(end))
        for doc_id, start, end in zip(missing["doc_id"], missing["char_start"], missing["char_end"])
    ]
    unlocated.append(missing)


def _context(pieces: list[Document], start: int, end: int) -> str:
    doc = next(p for p in reversed(pieces) if p.offset <= start)
    return sentence_around(doc.text, start - doc.offset, end - doc.offset)


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
