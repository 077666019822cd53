"""The input router: what every verb and API function takes an input to be.

An input is either **documents** (reports to extract events from: a text
report, standard input, a ``.jsonl`` or ``.csv`` corpus, a folder of them)
or an **event table** (``.csv`` from ``geomap extract`` or an ACLED export,
``.geojson``, a GeoParquet file or a folder of GeoParquet parts). One rule
decides, here, for ``geomap map``, ``geomap extract`` and
:func:`load_map_inputs`:

* ``-`` is one report on standard input;
* ``.parquet`` / ``.geoparquet`` / ``.pq`` (file or folder of parts) and
  ``.geojson`` / ``.json`` are event tables;
* a folder holding ``.parquet`` parts and no reports is an event table;
  any other folder holds documents;
* ``.jsonl`` is a corpus;
* a ``.csv`` (or ``.tsv``) is a text corpus when its header names a text
  column (``text``, ``article_content``, ``content``, ``body``) and neither
  column of the event table (coordinates, an event type or date, an actor,
  ...); an event table when it has those, or a ``location`` column to geocode; a corpus otherwise (whose reader then says
  which column is missing);
* anything else is a plain-text report.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from geomap.documents import CORPUS_SUFFIXES, CSV_TEXT_COLUMNS, Document, iter_documents
from geomap.errors import InputError
from geomap.extract import BATCH_CHARS, extract_corpus
from geomap.gazetteer import Gazetteer
from geomap.schema import EVENT_COLUMNS
from geomap.tables import read_events
from geomap.tables.raw import delimiter, normalise_header
from geomap.textio import text_lines

PathLike = str | os.PathLike[str]
Kind = Literal["documents", "table"]

_TABLE_SUFFIXES = {".parquet": "parquet", ".geoparquet": "parquet", ".pq": "parquet",
                   ".geojson": "geojson", ".json": "geojson"}
_DELIMITED = (".csv", ".tsv")
# Header columns that make a CSV an event table rather than a corpus of texts: the event
# table's own, but those a corpus of articles may have too (its date, source, country, place label).
_TABLE_COLUMNS = frozenset(EVENT_COLUMNS) - {"notes", "source", "location", "country", "doc_id", "event_date"} | {"geometry"}
_SENTENCE_END = re.compile(r"[.!?]\s|\n")
_CONTEXT_LIMIT = 300


@dataclass(frozen=True)
class Input:
    """One input path and what it is.

    Attributes
    ----------
    path : str
        As given (``-`` for standard input).
    kind : {"documents", "table"}
        Reports to extract from, or an event table to read.
    format : str
        For tables: ``csv``, ``geojson`` or ``parquet``; for documents:
        ``report``, ``stdin``, ``jsonl``, ``csv`` or ``folder``.
    """

    path: str
    kind: Kind
    format: str


def classify(path: PathLike) -> Input:
    """Decide what one input is (see the module's rules).

    Parameters
    ----------
    path : str or os.PathLike
        A file, a folder or ``-``.

    Returns
    -------
    Input

    Examples
    --------
    >>> classify("events.geojson").kind
    'table'
    >>> classify("report.txt").format
    'report'
    """
    name = str(path)
    if name == "-":
        return Input(name, "documents", "stdin")
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in _TABLE_SUFFIXES:
        return Input(name, "table", _TABLE_SUFFIXES[suffix])
    if p.is_dir():
        return Input(name, "table", "parquet") if _parquet_parts_only(p) else Input(name, "documents", "folder")
    if suffix == ".jsonl":
        return Input(name, "documents", "jsonl")
    if suffix in _DELIMITED:
        return Input(name, "documents", "csv") if _is_text_corpus(p) else Input(name, "table", "csv")
    return Input(name, "documents", "report")


def split_inputs(paths: Iterable[PathLike]) -> tuple[list[Input], list[Input]]:
    """Classify every input; return ``(tables, documents)``, each in the order given."""
    found = [classify(p) for p in paths]
    return [i for i in found if i.kind == "table"], [i for i in found if i.kind == "documents"]


def _parquet_parts_only(folder: Path) -> bool:
    files = [f for f in folder.iterdir() if f.is_file()]
    parts = any(f.suffix.lower() == ".parquet" for f in files)
    reports = any(f.suffix.lower() in CORPUS_SUFFIXES for f in files)
    return parts and not reports


def _is_text_corpus(path: Path) -> bool:
    """True unless a CSV's header names a column of event tables (and no text column beside only a location)."""
    try:
        with text_lines(path) as lines:
            first = next(lines, "")
    except InputError:
        return False  # unreadable or empty: the table reader says why, with its line
    header = set(normalise_header(next(csv.reader([first], delimiter=delimiter(first)), [])))
    if header & _TABLE_COLUMNS:
        return False
    return bool(header & set(CSV_TEXT_COLUMNS)) or "location" not in header


# --- what `geomap map` reads ----------------------------------------------------------------


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
        """Events that have coordinates."""
        lat = pd.to_numeric(self.events.get("latitude", pd.Series(dtype=float)), errors="coerce")
        lon = pd.to_numeric(self.events.get("longitude", pd.Series(dtype=float)), errors="coerce")
        return int((lat.notna() & lon.notna()).sum())


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
