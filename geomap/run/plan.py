"""Batches of a corpus: cut in this process by byte position or by file, read where they are extracted.

The main process only cuts the input into batches (a JSONL or CSV corpus by
byte position, short ``.txt`` reports by file); each worker reads and
extracts its own, so no document travels through the scheduler. Standard
input, long reports read in pieces and UTF-16 corpora are read here and sent.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from geomap import documents
from geomap.documents import (
    Document,
    DocumentError,
    bare_message,
    csv_documents,
    csv_header,
    expand_paths,
    jsonl_documents,
    read_any,
    read_small_report,
)
from geomap.errors import InputError
from geomap.textio import (
    csv_records,
    decoded_lines,
    legacy_encoding,
    lines_of,
    sniffed,
)

PathLike = str | os.PathLike[str]

@dataclass(frozen=True)
class _Lines:
    """Consecutive records of a JSONL or CSV corpus: bytes ``start`` to ``end`` of the file, from line ``line``.

    ``name`` is the path as given (for documents and errors), ``location`` its
    absolute form (for a worker in another folder); ``encoding`` is sniffed
    once, from the start of the file, as when the file is read whole. A CSV
    corpus has its ``header``: the lines of its first record, as read.
    ``end`` None is the end of the file.
    """

    name: str
    location: str
    start: int
    end: int | None
    line: int
    encoding: str
    fallback: dt.date | None
    header: tuple[str, ...] | None = None
    dayfirst: bool = False


@dataclass(frozen=True)
class _Reports:
    """Short text reports, one document each: ``(name, location)`` pairs as in :class:`_Lines`."""

    files: tuple[tuple[str, str], ...]
    fallback: dt.date | None


@dataclass(frozen=True)
class _Read:
    """Documents read in this process, and the errors met reading them."""

    documents: tuple[Document, ...] = ()
    errors: tuple[DocumentError, ...] = ()


Unit = _Lines | _Reports | _Read


def plan_units(paths: list[PathLike], fallback: dt.date | None, size: int, *,
               dayfirst: bool = False) -> Iterator[Unit]:
    """Cut the input into batches of about ``size`` documents, in input order: batch ``i`` is part ``i``.

    JSONL and CSV corpora are cut by position, ``size`` non-blank records a
    batch, and short text reports by file, so the workers read their batches
    themselves; this process only looks for line ends (JSONL) or runs the CSV
    reader over the file (CSV records may span lines), and builds no
    document. The rest (standard input, a long report in pieces, a UTF-16
    corpus) is read here and its documents are cut into batches. The cut
    depends on the input only, so the parts are the same whatever the engine;
    a batch never spans two corpus files. ``dayfirst`` is how record dates
    are read (see :func:`geomap.documents.iter_documents`).
    """
    reports: list[tuple[str, str]] = []
    for path in paths:
        missing: list[DocumentError] = []
        items = expand_paths(path, missing)
        if missing:
            yield from _flush(reports, fallback)
            yield _Read(errors=tuple(missing))
        for item in items:
            name = str(item)
            suffix = Path(name).suffix.lower()
            if name != "-" and suffix not in (".jsonl", ".csv") and documents.small_report(item):
                reports.append((name, os.path.abspath(item)))
                if len(reports) == size:
                    yield from _flush(reports, fallback)
                continue
            yield from _flush(reports, fallback)
            if name != "-" and suffix in (".jsonl", ".csv"):
                yield from _plan_lines(name, suffix == ".csv", fallback, size, dayfirst)
            else:
                errors: list[DocumentError] = []
                yield from _read_batches(read_any(item, fallback, errors, dayfirst=dayfirst), errors, size)
    yield from _flush(reports, fallback)


def _flush(reports: list[tuple[str, str]], fallback: dt.date | None) -> Iterator[_Reports]:
    if reports:
        yield _Reports(tuple(reports), fallback)
        reports.clear()


def _read_batches(documents: Iterator[Document], errors: list[DocumentError], size: int) -> Iterator[_Read]:
    """Batches of documents read here, each with the errors met while reading it."""
    for chunk in chunks(documents, size):
        yield _Read(tuple(chunk), tuple(errors))
        errors.clear()
    if errors:
        yield _Read(errors=tuple(errors))


def _plan_lines(name: str, csv: bool, fallback: dt.date | None, size: int, dayfirst: bool) -> Iterator[Unit]:
    """Batches of a JSONL or CSV corpus by position."""
    try:
        with sniffed(name) as (stream, encoding):
            if not encoding.startswith("utf-16"):
                cuts = _csv_cuts(stream, encoding, name, size) if csv else _jsonl_cuts(stream, size)
                header = next(cuts) if csv else None
                location = os.path.abspath(name)
                for start, end, line in cuts:
                    yield _Lines(name, location, start, end, line, encoding, fallback, header, dayfirst)
                return
    except InputError as exc:
        yield _Read(errors=(DocumentError(exc.path or name, exc.line, bare_message(exc)),))
        return
    # UTF-16 bytes have no plain line ends to cut at: this process reads the file.
    errors: list[DocumentError] = []
    yield from _read_batches(read_any(name, fallback, errors, dayfirst=dayfirst), errors, size)


def _jsonl_cuts(stream: IO[bytes], size: int) -> Iterator[tuple[int, int, int]]:
    """``(start, end, first line)`` of runs of ``size`` non-blank lines; no line is decoded."""
    start = end = 0
    line = count = 1
    for number, raw in enumerate(stream, start=1):
        end += len(raw)
        count += bool(raw.strip())
        if count > size:
            yield start, end, line
            start, line, count = end, number + 1, 1
    if end > start:
        yield start, end, line


def _csv_cuts(stream: IO[bytes], encoding: str, name: str, size: int) -> Iterator[Any]:
    """The header's lines, then ``(start, end, first line)`` of runs of ``size`` CSV records.

    A record may span lines (a quoted field with newlines): the records are
    found by the CSV reader, and cuts are made at the byte offset where one
    starts. A malformed record ends the cutting: the last run goes to the
    end of the file, where its reader meets the same error as the plain
    reader would.
    """
    starts: dict[int, int] = {}  # byte offset of each line read and not yet cut off
    head: list[str] | None = []

    def lines() -> Iterator[str]:
        legacy, offset = legacy_encoding(encoding), 0
        for number, raw in enumerate(stream, start=1):
            starts[number] = offset
            offset += len(raw)
            (text,) = decoded_lines((raw,), legacy, first=number == 1)
            if head is not None:
                head.append(text)
            yield text

    records = csv_records(lines(), name)
    csv_header(records, name)
    yield tuple(head)
    line = len(head) + 1
    head = None
    start, count = None, 0
    try:
        for record_line, row in records:
            if start is None:
                start = starts[record_line]
            elif count == size:
                yield start, starts[record_line], line
                start, line, count = starts[record_line], record_line, 0
                for old in [n for n in starts if n < line]:
                    del starts[old]
            count += any(cell.strip() for cell in row)
    except InputError:
        start = starts.get(line) if start is None else start  # the worker of the last run reports the error
    if start is not None:
        yield start, None, line


def read_here(unit: Unit) -> _Read:
    """The documents of ``unit``, read in this process (for workers that cannot see the input)."""
    if isinstance(unit, _Read):
        return unit
    documents, errors = documents_of(unit)
    return _Read(tuple(documents), tuple(errors))


def documents_of(unit: Unit) -> tuple[list[Document], list[DocumentError]]:
    """Read a batch with the readers of :func:`iter_documents`: its documents (ids as read) and errors."""
    if isinstance(unit, _Read):
        return list(unit.documents), list(unit.errors)
    errors: list[DocumentError] = []
    documents: list[Document] = []
    if isinstance(unit, _Reports):
        for name, location in unit.files:
            try:
                documents.append(read_small_report(name, location, unit.fallback))
            except InputError as exc:
                errors.append(DocumentError(exc.path or name, exc.line, bare_message(exc)))
        return documents, errors
    try:
        with open(unit.location, "rb") as handle:
            handle.seek(unit.start)
            data = handle.read(-1 if unit.end is None else unit.end - unit.start)
    except OSError as exc:
        return [], [DocumentError(unit.name, unit.line, f"cannot read: {exc.strerror or exc}")]
    lines = lines_of(io.BytesIO(data), unit.encoding, first=unit.start == 0)
    try:
        if unit.header is None:
            documents.extend(jsonl_documents(lines, unit.name, unit.line, unit.fallback, errors,
                                             dayfirst=unit.dayfirst))
        else:
            # The header goes first, as in the file, so the CSV reader sees what the plain reader sees.
            records = csv_records(itertools.chain(unit.header, lines), unit.name)
            header = csv_header(records, unit.name)
            shift = unit.line - len(unit.header) - 1
            # extend keeps the documents read before a malformed record stops the reader
            documents.extend(csv_documents(_shifted(records, shift), header, unit.name, unit.fallback, errors,
                                           dayfirst=unit.dayfirst))
    except InputError as exc:
        errors.append(DocumentError(exc.path or unit.name, exc.line, bare_message(exc)))
    return documents, errors


def _shifted(records: Iterator[tuple[int, list[str]]], shift: int) -> Iterator[tuple[int, list[str]]]:
    """CSV records numbered ``shift`` lines further on, errors too."""
    try:
        for line, row in records:
            yield line + shift, row
    except InputError as exc:
        line = None if exc.line is None else exc.line + shift
        raise InputError(bare_message(exc), path=exc.path, line=line) from None


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter; none for no items)."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
