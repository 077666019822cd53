"""What ``geomap map`` shows: the rows of its event tables and the events extracted from its reports.

Which input is which is :mod:`geomap.run.inputs`' decision; reports are
extracted in batches, and the place mentions that could not be located are
kept, each with the sentence around it, for the map's side panel.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import sys
import warnings as _warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from geomap.documents import Document, DocumentError, iter_documents
from geomap.errors import GeomapWarning
from geomap.extract import BATCH_CHARS, extract_rows
from geomap.gazetteer import Gazetteer
from geomap.run.inputs import split_inputs

if TYPE_CHECKING:
    import pandas as pd

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
        """Events the map draws: their coordinates are numbers within range (as the map decides)."""
        from geomap.frames import coordinates_of, usable_points

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

    import pandas as pd

    from geomap.tables import read_events

    tables, documents = split_inputs(paths)
    frames = [pd.DataFrame(read_events(t.path, gazetteer=gazetteer)) for t in tables]
    if not documents:
        return MapInputs(events=concat_events(frames), unlocated=None, documents=0)
    extracted = extract_documents([d.path for d in documents], report_date, gazetteer)
    frames.append(extracted.events)
    return MapInputs(events=concat_events(frames), unlocated=extracted.unlocated, documents=extracted.documents,
                     mentions=extracted.mentions)


def concat_events(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One table of the non-empty frames (an empty one with coordinate columns when there is none)."""
    import pandas as pd

    kept = [f for f in frames if len(f)]
    return pd.concat(kept, ignore_index=True) if kept else pd.DataFrame({"latitude": [], "longitude": []})


def extract_documents(
    paths: Sequence[PathLike], report_date: dt.date | str | None, gazetteer: Gazetteer | None,
    batch_chars: int = BATCH_CHARS, *, warnings: list[DocumentError] | None = None, dayfirst: bool = False,
) -> MapInputs:
    """Extract every document of ``paths`` in batches: its events, its mentions, how many reports.

    Each unlocated mention carries the sentence around it (``context``). A
    document that cannot be read raises :class:`~geomap.errors.InputError`;
    the warnings of documents extracted all the same (a date that could not
    be read) and of folder entries not read are appended to ``warnings``
    (without it they are :class:`~geomap.errors.GeomapWarning` warnings).
    """
    return as_inputs(extracted_rows(list(paths), report_date, gazetteer, batch_chars, dayfirst), warnings)


@dataclass
class Rows:
    """What :func:`extracted_rows` gives: plain rows, no pandas (they cross a process boundary)."""

    events: list[dict[str, Any]]
    mentions: list[dict[str, Any]]  # every mention; the unlocated ones with their ``context``
    documents: int
    warnings: list[DocumentError]


def extracted_rows(paths: list[PathLike], report_date: dt.date | str | None, gazetteer: Gazetteer | None,
                   batch_chars: int = BATCH_CHARS, dayfirst: bool = False) -> Rows:
    """:func:`extract_documents` as plain rows: event rows, mention rows, reports, documents' warnings."""
    rows = Rows([], [], 0, [])
    batch: list[Document] = []
    size = 0
    for doc in iter_documents(paths, report_date=report_date, dayfirst=dayfirst, errors=_WarningsOnly(rows.warnings)):
        rows.documents += doc.part == 0  # a long report comes in pieces, offsets pointing into the whole report
        batch.append(doc)
        size += len(doc.text)
        if size >= batch_chars:
            _extract_batch(batch, gazetteer, rows)
            batch, size = [], 0
    if batch:
        _extract_batch(batch, gazetteer, rows)
    return rows


def as_inputs(rows: Rows, warnings: list[DocumentError] | None = None) -> MapInputs:
    """The tables of :func:`extracted_rows`' rows (events without Point geometries: a map needs none).

    The documents' warnings go to ``warnings``, else are issued as
    :class:`~geomap.errors.GeomapWarning` warnings.
    """
    import pandas as pd

    from geomap.extract.rows import mentions_frame
    from geomap.frames import events_from_records

    if warnings is not None:
        warnings.extend(rows.warnings)
    else:
        for problem in rows.warnings:
            _warnings.warn(str(problem), GeomapWarning, stacklevel=2)
    mentions = mentions_frame(rows.mentions)
    mentions["context"] = [row.get("context", "") for row in rows.mentions]
    unlocated = mentions[mentions["status"].astype(str) == "unlocated"].reset_index(drop=True)
    events = concat_events([events_from_records(rows.events, geometry=False)] if rows.events else [])
    return MapInputs(events=events, unlocated=unlocated if len(unlocated) else pd.DataFrame(), documents=rows.documents,
                     mentions=mentions)


class _WarningsOnly(list):
    """An errors list for :func:`iter_documents` that keeps warnings and raises the first error."""

    def __init__(self, warnings: list[DocumentError]) -> None:
        super().__init__()
        self._warnings = warnings

    def append(self, error: DocumentError) -> None:
        if not error.warning:
            raise error.to_exception()
        self._warnings.append(error)


def _extract_batch(batch: list[Document], gazetteer: Gazetteer | None, rows: Rows) -> None:
    events, mentions = extract_rows(batch, gazetteer=gazetteer)
    rows.events.extend(events)
    pieces: dict[str, list[Document]] = {}
    for doc in batch:
        pieces.setdefault(doc.id, []).append(doc)
    for mention in mentions:
        if str(mention["status"]) == "unlocated":
            mention = {**mention, "context": _context(pieces[str(mention["doc_id"])], int(mention["char_start"]),
                                                      int(mention["char_end"]))}
        rows.mentions.append(mention)


class BackgroundExtraction:
    """The extraction of a map's reports, in a worker process while the map gets ready.

    ``geomap map`` reads its tables and loads the map's libraries (pandas,
    folium: half a second) while a forked worker extracts the reports, so a
    map of reports takes little more than their extraction. Where processes
    do not fork (Windows, macOS), for standard input, or if the worker fails,
    :meth:`result` extracts here, as :func:`extract_documents` does, and
    reports any error as usual. Use as a context manager: leaving it stops
    a worker still running.
    """

    def __init__(self, paths: Sequence[PathLike], report_date: dt.date | str | None,
                 gazetteer: Gazetteer | None, batch_chars: int = BATCH_CHARS, dayfirst: bool = False) -> None:
        self._args = (list(paths), report_date, gazetteer, batch_chars, dayfirst)
        self._worker: Any = None
        self._results: Any = None
        if paths and _forks() and all(str(p) != "-" for p in paths):
            context = multiprocessing.get_context("fork")
            self._results, sender = context.Pipe(duplex=False)
            self._worker = context.Process(target=_extract_in_worker, args=(sender, *self._args), daemon=True)
            self._worker.start()
            sender.close()

    def result(self, warnings: list[DocumentError] | None = None) -> MapInputs:
        """The events, the mentions (unlocated ones with ``context``) and the number of reports.

        The documents' warnings go to ``warnings`` (see :func:`as_inputs`).
        """
        rows = None
        if self._worker is not None:
            try:
                status, rows = self._results.recv()
                rows = rows if status == "ok" else None
            except EOFError:
                rows = None
            finally:
                self.close()
        if rows is None:
            rows = extracted_rows(*self._args)
        return as_inputs(rows, warnings)

    def close(self) -> None:
        """Stop the worker if it still runs."""
        if self._worker is not None:
            if self._worker.is_alive():
                self._worker.terminate()
            self._worker.join()
            self._results.close()
            self._worker = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _forks() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _extract_in_worker(sender: Any, paths: list[PathLike], report_date: dt.date | str | None,
                       gazetteer: Gazetteer | None, batch_chars: int, dayfirst: bool) -> None:
    try:
        sender.send(("ok", extracted_rows(paths, report_date, gazetteer, batch_chars, dayfirst)))
    except BaseException:  # noqa: BLE001 - the parent extracts again, and reports the error itself
        sender.send(("failed", None))
    finally:
        sender.close()


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
