"""The input router: what every verb and API function takes an input to be.

An input is either **documents** (reports to extract events from: a text
report, standard input, a ``.jsonl`` or ``.csv`` corpus, a folder of them)
or an **event table** (``.csv`` from ``geomap extract`` or an ACLED export,
``.geojson``, a GeoParquet file or a folder of GeoParquet parts). One rule
decides, here, for ``geomap map``, ``geomap extract`` and
:func:`load_map_inputs`:

* ``-`` is one report on standard input, unless what is piped in starts
  with the header of an event table (two or more of its columns, one of
  them a coordinate, event or actor column): then it is a CSV table;
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
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from geomap.documents import CORPUS_SUFFIXES, CSV_TEXT_COLUMNS
from geomap.errors import InputError
from geomap.schema import EVENT_COLUMNS, normalise_header
from geomap.textio import SAMPLE_BYTES, decode_bytes, delimiter, text_lines

PathLike = str | os.PathLike[str]
Kind = Literal["documents", "table"]

_TABLE_SUFFIXES = {".parquet": "parquet", ".geoparquet": "parquet", ".pq": "parquet",
                   ".geojson": "geojson", ".json": "geojson"}
_DELIMITED = (".csv", ".tsv")
# Header columns that make a CSV an event table rather than a corpus of texts: the event
# table's own, but those a corpus of articles may have too (its date, source, country, place label).
_TABLE_COLUMNS = frozenset(EVENT_COLUMNS) - {"notes", "source", "location", "country", "doc_id", "event_date"} | {"geometry"}


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
        return Input(name, "table", "csv") if _stdin_is_table() else Input(name, "documents", "stdin")
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


def _stdin_is_table() -> bool:
    """Whether standard input starts with an event table's header; it is looked at, not consumed."""
    stream = getattr(sys.stdin, "buffer", None)
    peek = getattr(stream, "peek", None)
    if peek is None:
        return False
    try:
        sample = peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
        first = decode_bytes(sample, "-").split("\n", 1)[0] if sample.strip() else ""
    except (OSError, ValueError, InputError):
        return False  # empty, closed or binary: the report reader says why
    return _table_header(first)


def _table_header(line: str) -> bool:
    """A line that reads as an event table's header: two or more of its columns, one of them telling."""
    cells = next(csv.reader([line], delimiter=delimiter(line)), [])
    if len(cells) < 2 or any(len(cell) > _LONGEST_COLUMN for cell in cells):
        return False
    names = set(normalise_header(cells))
    return len(names & _EVENT_COLUMNS) >= 2 and bool(names & _TABLE_COLUMNS)


_EVENT_COLUMNS = frozenset(EVENT_COLUMNS) | {"geometry"}
_LONGEST_COLUMN = 40
