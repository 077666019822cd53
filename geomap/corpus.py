"""Documents in: single reports, folders, JSONL and CSV corpora.

Every input becomes a stream of :class:`Document` records, each carrying
where it came from (file and line), so an error or an extracted event can be
traced back to its source. Bytes are decoded tolerantly (UTF-8 with or without
BOM, UTF-16 with BOM, legacy single-byte encodings detected by
charset-normalizer); binary and empty files are refused with an
:class:`~geomap.errors.InputError` naming the file.

Corpora are streamed: a JSONL or CSV corpus is read one record at a time and
never held in memory whole. A plain-text report larger than
:data:`PIECE_CHARS` is streamed too: it is read in pieces of about that many
characters, cut at paragraph ends (else at sentence ends), each yielded as a
:class:`Document` that keeps the report's id and knows its offset in the
report's text (see :func:`iter_documents`).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from geomap.dates import as_date, parse_date
from geomap.errors import InputError
from geomap.textio import (
    csv_records,
    decoded_lines,
    legacy_encoding,
    lines_of,
    sniffed,
    text_lines,
    text_of,
)

PathLike = str | os.PathLike[str]

#: File suffixes a folder is scanned for, in this order of preference.
CORPUS_SUFFIXES = (".txt", ".jsonl", ".csv")

#: Column names a CSV corpus may use, best first (the FA-KES layout included).
CSV_TEXT_COLUMNS = ("text", "article_content", "content", "body")
CSV_ID_COLUMNS = ("id", "doc_id", "unit_id")
CSV_TITLE_COLUMNS = ("title", "article_title")


#: A text report bigger than this many bytes is read in pieces of about this
#: many characters; smaller reports are read whole, as one document.
PIECE_CHARS = 256_000
# Lines longer than this are read in parts, so that one huge line (no newline
# in 200 MB) never becomes one string.
_LINE_LIMIT = 1 << 20


@dataclass(frozen=True)
class Document:
    """One report to extract events from.

    Attributes
    ----------
    id : str
        Identifier, unique within a run: the file stem for ``.txt`` files, the
        ``id`` field of a JSONL/CSV record, else ``STEM:LINE``; the second
        document with an id already seen gets ``ID#2``, the third ``ID#3``.
    text : str
        The full text.
    date : datetime.date or None
        Publication date, used to resolve relative dates ("yesterday").
    source : str or None
        Outlet or origin, free text.
    title : str or None
        Headline, if known.
    path : str
        The file the document came from (``-`` for stdin).
    line : int or None
        Line of the record in a JSONL/CSV corpus (1-based), None for a text file.
    offset : int
        Character offset of ``text`` in the whole report: 0, except for the
        pieces of a report read in pieces (see :data:`PIECE_CHARS`).
    part : int
        Piece number within such a report (0 for the first piece and for
        every document read whole).
    """

    id: str
    text: str
    date: dt.date | None = None
    source: str | None = None
    title: str | None = None
    path: str = ""
    line: int | None = None
    offset: int = 0
    part: int = 0


@dataclass(frozen=True)
class DocumentError:
    """A document or corpus record that could not be read.

    ``str(error)`` is the one-line ``FILE:LINE: message`` form printed by the CLI.
    """

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"

    def to_exception(self) -> InputError:
        """Return the equivalent :class:`InputError`."""
        return InputError(self.message, path=self.path, line=self.line)


# --- decoding ----------------------------------------------------------------
























# --- documents -----------------------------------------------------------------

def iter_documents(
    paths: PathLike | Iterable[PathLike],
    *,
    default_date: dt.date | str | None = None,
    errors: list[DocumentError] | None = None,
) -> Iterator[Document]:
    """Yield the documents of report files, folders and corpora, in order.

    Parameters
    ----------
    paths : path or iterable of paths
        Each is a ``.txt`` report (one document, id = file stem), a ``.jsonl``
        corpus (one JSON object per line with a required ``text`` and optional
        ``id``, ``date``, ``source``, ``title``), a ``.csv`` corpus (a text
        column such as ``text`` or FA-KES's ``article_content``), a folder (its
        ``.txt``, ``.jsonl`` and ``.csv`` files, sorted by name, not recursive),
        or ``-`` (standard input, one report). Any other suffix is read as a
        plain-text report.
    default_date : datetime.date or str, optional
        Date given to documents that carry none (``YYYY-MM-DD`` if a string).
    errors : list of DocumentError, optional
        If given, an unreadable file or record is appended here and iteration
        goes on (the CLI reports them all and exits 1 at the end); if omitted,
        the first one raises :class:`InputError`.

    Yields
    ------
    Document

    Notes
    -----
    A text report of more than :data:`PIECE_CHARS` bytes is never held whole:
    it is yielded as consecutive pieces of about :data:`PIECE_CHARS`
    characters, cut after a blank line (a paragraph end) where there is one,
    else after a sentence end, a line end or a space. The pieces share the
    report's ``id``, ``offset`` tells where each starts in the report's text
    and ``part`` numbers them (``part == 0`` is the first: count documents
    with it). Each piece is extracted on its own: the country a piece is
    about is judged from that piece, and an event told across a piece
    boundary is two events. Pieces after the first carry the report's date
    (``default_date``, else the dateline at the top of the report), so
    relative dates resolve as in the first piece.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    fallback = as_date(default_date, "report_date")
    idents = _Idents()
    for path in paths:
        for item in _expand(path, errors):
            for doc in _read_any(item, fallback, errors):
                ident = idents.name(doc.id, doc.part)
                yield doc if ident == doc.id else replace(doc, id=ident)


class _Idents:
    """Names documents uniquely, in reading order (see :attr:`Document.id`).

    Corpora do repeat ids (FA-KES has 4), and events must stay traceable to
    one document: the second document with an id gets ``ID#2``. The pieces
    of a long report take the name of its first piece.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}
        self._raw = self._name = ""

    def name(self, ident: str, part: int) -> str:
        """The unique name of the next document, whose own id is ``ident``."""
        # A piece whose report began before this counter started (a batch that opens
        # mid-report) counts as a sighting of its id, as that report's first piece would.
        if part == 0 or ident != self._raw:
            count = self._seen.get(ident, 0) + 1
            self._seen[ident] = count
            self._raw, self._name = ident, ident if count == 1 else f"{ident}#{count}"
        return self._name


def _expand(path: PathLike, errors: list[DocumentError] | None) -> list[PathLike]:
    if str(path) == "-":
        return [path]
    p = Path(path)
    if p.is_dir():
        found = sorted(
            (f for f in p.iterdir() if f.is_file() and f.suffix.lower() in CORPUS_SUFFIXES),
            key=lambda f: f.name,
        )
        if not found:
            _fail(errors, DocumentError(str(p), None, "folder has no .txt, .jsonl or .csv files"))
        return list(found)
    if not p.exists():
        _fail(errors, DocumentError(str(p), None, "no such file or folder"))
        return []
    return [p]


def _read_any(path: PathLike, fallback: dt.date | None, errors: list[DocumentError] | None) -> Iterator[Document]:
    suffix = Path(str(path)).suffix.lower()
    try:
        if suffix == ".jsonl":
            yield from _read_jsonl(path, fallback, errors)
        elif suffix == ".csv":
            yield from _read_csv_corpus(path, fallback, errors)
        else:
            yield from _read_report(path, fallback)
    except InputError as exc:
        if errors is None:
            raise
        errors.append(DocumentError(exc.path or str(path), exc.line, _bare_message(exc)))


def _read_report(path: PathLike, fallback: dt.date | None) -> Iterator[Document]:
    """One text report: whole if small, else in pieces (see :func:`iter_documents`)."""
    name = str(path)
    stem = _stem(name)
    raw = None
    if name == "-":
        # Standard input has no size to look at: its first bytes tell whether it is a long report.
        head = sys.stdin.buffer.read(PIECE_CHARS + 1)
        if len(head) <= PIECE_CHARS:
            yield Document(id=stem, text=text_of(head, name), date=fallback, path=name)
            return
        raw = _Prefixed(head, sys.stdin.buffer)
    elif _size(path) <= PIECE_CHARS:
        yield _read_small_report(name, name, fallback)
        return
    offset, part, date = 0, 0, fallback
    with text_lines(path, line_limit=_LINE_LIMIT, raw=raw) as lines:
        for piece in _pieces(lines, PIECE_CHARS):
            start, offset = offset, offset + len(piece)
            if not piece.strip():
                continue
            if part == 0 and date is None:
                from geomap.extract.dates import dateline

                date = dateline(piece)
            yield Document(id=stem, text=piece, date=date if part else fallback, path=name, offset=start, part=part)
            part += 1
    if part == 0:
        raise InputError("empty file (only whitespace)", path=name)


class _Prefixed(io.RawIOBase):
    """A byte stream that gives ``head`` again before the rest of ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _stem(name: str) -> str:
    """The default id prefix of the documents of file ``name``."""
    return "stdin" if name == "-" else Path(name).stem


def _read_small_report(name: str, location: str, fallback: dt.date | None) -> Document:
    """A report of at most :data:`PIECE_CHARS` bytes as one document.

    ``location`` is opened (an absolute path, for a worker in another
    folder); ``name`` is the path as given, used in the document and errors.
    """
    try:
        data = Path(location).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=name) from None
    return Document(id=_stem(name), text=text_of(data, name), date=fallback, path=name)


def _size(path: PathLike) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # read_text names the problem


# Where a piece may end, best first: after a blank line, a sentence, a line, a space.
_PIECE_ENDS = (
    re.compile(r"\n[^\S\n]*\n"),
    re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+"),
    re.compile(r"\n"),
    re.compile(r"\s+"),
)


def _pieces(lines: Iterable[str], size: int) -> Iterator[str]:
    """Join ``lines`` into pieces of about ``size`` characters (the last may be shorter).

    Every character is in exactly one piece, in order, so offsets add up.
    See :func:`_piece_end` for where a piece ends.
    """
    buffer: list[str] = []
    length = 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        while length >= size:
            text = "".join(buffer)
            cut = _piece_end(text, size)
            yield text[:cut]
            rest = text[cut:]
            buffer, length = ([rest] if rest else []), len(rest)
    if buffer:
        yield "".join(buffer)


def _piece_end(text: str, size: int) -> int:
    """Where the first piece of ``text`` ends.

    At the last paragraph end between half ``size`` and ``size`` characters
    (else sentence end, line end, space there); failing all of them, at the
    first place past ``size`` where one of them ends; a text with none is
    cut where it stands.
    """
    for pattern in _PIECE_ENDS:
        last = None
        for last in pattern.finditer(text, size // 2, size):
            pass
        if last is not None:
            return last.end()
    later = [found.end() for pattern in _PIECE_ENDS if (found := pattern.search(text, size))]
    return min(later, default=len(text))


def _bare_message(exc: InputError) -> str:
    """The message of ``exc`` without its ``FILE:LINE:`` prefix."""
    text = str(exc)
    prefix = f"{exc.path}:{exc.line}: " if exc.line is not None else f"{exc.path}: "
    return text[len(prefix):] if exc.path is not None and text.startswith(prefix) else text


def _fail(errors: list[DocumentError] | None, error: DocumentError) -> None:
    if errors is None:
        raise error.to_exception()
    errors.append(error)
















def _read_jsonl(path: PathLike, fallback: dt.date | None, errors: list[DocumentError] | None) -> Iterator[Document]:
    with text_lines(path) as lines:
        yield from _jsonl_documents(lines, str(path), 1, fallback, errors)


def _jsonl_documents(lines: Iterable[str], name: str, first: int, fallback: dt.date | None,
                     errors: list[DocumentError] | None) -> Iterator[Document]:
    """The documents of JSONL ``lines`` of file ``name``, the first of them line ``first``."""
    stem = _stem(name)
    for number, line in enumerate(lines, start=first):
        if not line.strip():
            continue
        try:
            yield _jsonl_document(line, name, number, stem, fallback)
        except InputError as exc:
            _fail(errors, DocumentError(name, number, _bare_message(exc)))


def _jsonl_document(line: str, name: str, number: int, stem: str, fallback: dt.date | None) -> Document:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=name, line=number) from None
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, got {type(record).__name__}", path=name, line=number)
    return _make_document(record, name, number, f"{stem}:{number}", fallback, slash_order="mdy")


def _read_csv_corpus(path: PathLike, fallback: dt.date | None, errors: list[DocumentError] | None) -> Iterator[Document]:
    name = str(path)
    with text_lines(path) as lines:
        records = csv_records(lines, name)
        header = _csv_header(records, name)
        yield from _csv_documents(records, header, name, fallback, errors)


def _csv_header(records: Iterator[tuple[int, list[str]]], name: str) -> list[str]:
    """The column names of a CSV corpus (its first record), checked for a text column."""
    header = [h.strip().lower() for h in next(records)[1]]
    _csv_corpus_columns(header, name)
    return header


def _csv_documents(records: Iterable[tuple[int, list[str]]], header: list[str], name: str,
                   fallback: dt.date | None, errors: list[DocumentError] | None) -> Iterator[Document]:
    """The documents of the CSV ``records`` (after the header) of file ``name``."""
    stem = _stem(name)
    columns = _csv_corpus_columns(header, name)
    for start, row in records:
        if not any(cell.strip() for cell in row):
            continue
        record = {key: row[i] if i < len(row) else None for key, i in columns.items()}
        try:
            if len(row) != len(header):
                raise InputError(f"row has {len(row)} fields, header has {len(header)}", path=name, line=start)
            yield _make_document(record, name, start, f"{stem}:{start}", fallback, slash_order="mdy")
        except InputError as exc:
            _fail(errors, DocumentError(name, start, _bare_message(exc)))


def _csv_corpus_columns(header: list[str], name: str) -> dict[str, int]:
    def first(candidates: Iterable[str]) -> int | None:
        return next((header.index(c) for c in candidates if c in header), None)

    text = first(CSV_TEXT_COLUMNS)
    if text is None:
        raise InputError(
            f"CSV corpus has no text column (expected one of: {', '.join(CSV_TEXT_COLUMNS)})", path=name, line=1
        )
    columns = {"text": text}
    for key, candidates in (("id", CSV_ID_COLUMNS), ("title", CSV_TITLE_COLUMNS), ("date", ("date",)), ("source", ("source",))):
        index = first(candidates)
        if index is not None:
            columns[key] = index
    return columns


# C0 controls other than tab, newline and carriage return (a JSON "\u0000" is legal but is no text).
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _make_document(
    record: dict, name: str, line: int, default_id: str, fallback: dt.date | None, *, slash_order: str
) -> Document:
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("record has no text (a non-empty 'text' field is required)", path=name, line=line)
    date = fallback
    raw_date = record.get("date")
    if raw_date not in (None, ""):
        date = _parse_document_date(raw_date, name, line, slash_order)
    ident = record.get("id")
    return Document(
        id=str(ident).strip() if ident not in (None, "") else default_id,
        # one character for one, so offsets into the text stay true
        text=_CONTROL_CHARS.sub("\ufffd", text),
        date=date,
        source=_optional_str(record.get("source")),
        title=_optional_str(record.get("title")),
        path=name,
        line=line,
    )


def _parse_document_date(value: object, name: str, line: int, slash_order: str) -> dt.date:
    if not isinstance(value, str):
        raise InputError(f"date must be a string, got {value!r}", path=name, line=line)
    # Timestamps such as 2017-04-05T10:00:00Z keep only their day.
    text = value.strip()
    if len(text) > 10 and text[4:5] == "-" and text[10:11] in ("T", " "):
        text = text[:10]
    try:
        return parse_date(text, slash_order=slash_order)
    except ValueError as exc:
        raise InputError(str(exc), path=name, line=line) from None


def _optional_str(value: object) -> str | None:
    if value in (None, ""):
        return None
    return str(value)


# --- one table, streamed -------------------------------------------------------------

def extract_table(
    paths: PathLike | Iterable[PathLike],
    output: PathLike,
    *,
    mentions_output: PathLike | None = None,
    default_date: dt.date | str | None = None,
    gazetteer: Any = None,
    batch_chars: int | None = None,
) -> CorpusRun:
    """Extract reports and corpora into one event table, in one process, memory bounded.

    Documents are streamed from :func:`iter_documents` (a long report in
    pieces) and extracted in batches of about ``batch_chars`` characters
    (:data:`geomap.extract.BATCH_CHARS` by default, see
    :func:`geomap.extract.iter_extract_corpus`). A CSV output is written
    batch by batch, so memory does not grow with the input; a GeoJSON or
    single-file GeoParquet output is assembled in memory and written at the
    end (for partitioned GeoParquet of any size see :func:`run_corpus`).

    Parameters
    ----------
    paths : path or iterable of paths
        Reports, folders, JSONL or CSV corpora (see :func:`iter_documents`).
    output : path
        The event table (see :func:`geomap.tables.write_events`); ``-``
        writes CSV to standard output. Written atomically.
    mentions_output : path, optional
        A CSV file for the toponym mentions, also streamed.
    default_date : datetime.date or str, optional
        Date of documents that carry none.
    gazetteer : geomap.gazetteer.Gazetteer, optional
        Default: the bundled one.
    batch_chars : int, optional
        Characters of text extracted per batch.

    Returns
    -------
    CorpusRun
        Counts (``parts`` is the number of batches) and the documents that
        could not be read.
    """
    from geomap.extract import BATCH_CHARS, iter_extract_corpus

    run = CorpusRun()

    def documents() -> Iterator[Document]:
        for doc in iter_documents(paths, default_date=default_date, errors=run.errors):
            run.documents += doc.part == 0
            yield doc

    batches = iter_extract_corpus(documents(), gazetteer=gazetteer, batch_chars=batch_chars or BATCH_CHARS)
    with _event_writer(output) as write_events_batch, _mentions_writer(mentions_output) as write_mentions_batch:
        for events, mentions in batches:
            write_events_batch(events)
            write_mentions_batch(mentions)
            run.parts += 1
            run.events += len(events)
            run.mentions += len(mentions)
            run.located += _located(mentions)
    return run


@contextmanager
def _text_output(path: PathLike) -> Iterator[IO[str]]:
    if str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
    else:
        from geomap.textio import atomic_write

        with atomic_write(path) as handle:
            yield handle


@contextmanager
def _event_writer(path: PathLike) -> Iterator[Any]:
    """Yield a function taking event tables batch by batch; CSV is written as the batches come."""
    import pandas as pd

    from geomap.frames import empty_events
    from geomap.tables import write_events

    if not (str(path) == "-" or Path(path).suffix.lower() in (".csv", ".tsv")):
        frames: list[Any] = []
        yield frames.append
        write_events(pd.concat(frames, ignore_index=True) if frames else empty_events(), path)
        return
    first = True
    with tempfile.TemporaryDirectory(prefix="geomap-batch-") as tmp, _text_output(path) as handle:
        part = Path(tmp) / "events.csv"

        def write(frame: Any) -> None:
            # The batch goes through write_events (the one CSV writer of event tables), then is appended.
            nonlocal first
            write_events(frame, part, format="csv")
            with part.open(encoding="utf-8", newline="") as lines:
                header = lines.readline()
                if first:
                    handle.write(header)
                shutil.copyfileobj(lines, handle)
            first = False

        yield write
        if first:
            write(empty_events())


@contextmanager
def _mentions_writer(path: PathLike | None) -> Iterator[Any]:
    """Yield a function taking mention tables batch by batch (a no-op without ``path``)."""
    if path is None:
        yield lambda frame: None
        return
    from geomap.extract.mentions import mentions_frame

    first = True
    with _text_output(path) as handle:

        def write(frame: Any) -> None:
            nonlocal first
            frame.to_csv(handle, index=False, header=first)
            first = False

        yield write
        if first:
            write(mentions_frame([]))


# --- scale-out -------------------------------------------------------------------

#: Engines :func:`run_corpus` knows.
ENGINES = ("processes", "dask")


@dataclass
class CorpusRun:
    """What :func:`run_corpus` did.

    Attributes
    ----------
    documents : int
        Documents extracted.
    events : int
        Event rows written.
    mentions : int
        Toponym mention rows found (``located`` of them resolved).
    located : int
        Mentions resolved to a gazetteer place.
    parts : int
        Parquet files written into the output folder.
    errors : list of DocumentError
        Files or records that could not be read (the run went on without them).
    """

    documents: int = 0
    events: int = 0
    mentions: int = 0
    located: int = 0
    parts: int = 0
    errors: list[DocumentError] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        failed = f", {len(self.errors)} inputs failed" if self.errors else ""
        return (f"{self.documents} documents, {self.events} events, {self.located} of {self.mentions} "
                f"place mentions located{failed}")


def extract_batch(documents: list[Document], gazetteer: Any = None) -> tuple[Any, Any]:
    """Extract the events and mentions of a batch of documents (runs on a worker).

    Returns ``(events, mentions)`` as two DataFrames, rows in document order.
    The gazetteer is loaded once per worker process (it is cached by
    :meth:`geomap.gazetteer.Gazetteer.load`, and a gazetteer with user places
    is rebuilt from that cache when it arrives, see
    :meth:`geomap.gazetteer.Gazetteer.with_places`).
    """
    import pandas as pd

    from geomap.extract import extract_corpus

    # One table per batch, not per document: building a frame costs more than extracting a short report.
    events, mentions = extract_corpus(documents, gazetteer=gazetteer)
    return pd.DataFrame(events), mentions


def run_corpus(
    paths: PathLike | Iterable[PathLike],
    output: PathLike,
    *,
    mentions_output: PathLike | None = None,
    default_date: dt.date | str | None = None,
    workers: int = 1,
    engine: str = "processes",
    scheduler: Any = None,
    batch_size: int = 50,
    progress: bool | None = None,
    gazetteer: Any = None,
) -> CorpusRun:
    """Extract the events of a corpus in parallel into partitioned GeoParquet.

    The input is cut into batches of about ``batch_size`` documents in input
    order, which ``workers`` processes (or a Dask cluster) read and extract:
    a JSONL or CSV corpus by position (``batch_size`` records a batch, found
    by looking for line ends only in JSONL, by the CSV reader in CSV, whose
    records may span lines), short text reports by file. What workers
    cannot read themselves is read here, with the same readers, and its
    documents are sent: standard input, a long report in pieces, UTF-16
    corpora, and the whole input for Dask workers that do not see the input
    files (another machine without a shared file system, or a copy of
    another size or age). The documents, their ids (``ID#2`` for a repeated
    id), the errors with their file and line, in input order, are those of
    :func:`iter_documents`.

    At most four (Dask: eight) batches per worker are in flight, so memory
    stays bounded whatever the corpus size. Batch ``i`` becomes
    ``OUTPUT/part-{i:05d}.parquet``; a batch never spans two corpus files,
    and one in which no document could be read writes no part. The cut
    depends on the input only: the same input gives the same files whatever
    the engine and number of workers. Workers write their parts themselves
    and send back only counts and their documents' ids; Dask workers that
    cannot see the output folder send their tables back to be written here
    instead.

    Parameters
    ----------
    paths : path or iterable of paths
        Reports, folders, JSONL or CSV corpora (see :func:`iter_documents`).
    output : path
        Folder to write the event parts into (e.g. ``events.parquet``); it is
        built beside its final place and renamed at the end, replacing a
        previous folder of the same name.
    mentions_output : path, optional
        Folder for the toponym mention parts, written the same way.
    default_date : datetime.date or str, optional
        Date of documents that carry none.
    workers : int
        Parallel workers; 1 runs in this process.
    engine : {"processes", "dask"}
        Local worker processes, or a Dask bag per window of batches run on a
        ``dask.distributed`` cluster (the ``geomap[dask]`` extra).
    scheduler : str or distributed.Client, optional
        For ``engine="dask"``: a scheduler address (``tcp://host:8786``) or a
        client; default: a local cluster of ``workers`` processes
        (:func:`local_cluster`).
    batch_size : int
        Documents per batch (and per output part); for a JSONL or CSV
        corpus, records that are not blank, bad records included.
    progress : bool, optional
        Show a progress bar on stderr; default: only when stderr is a terminal.
    gazetteer : geomap.gazetteer.Gazetteer, optional
        Default: the bundled one. Pass ``Gazetteer.load().with_places(...)``
        to use the user's own places; workers receive it cheaply (they
        rebuild it from their own cached copy of the bundled index).

    Returns
    -------
    CorpusRun
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if workers < 1 or batch_size < 1:
        raise ValueError("workers and batch_size must be at least 1")
    from tqdm import tqdm

    run = CorpusRun()
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    units = _plan(paths, as_date(default_date, "report_date"), batch_size)
    outputs = [_PartsFolder(Path(output))]
    if mentions_output is not None:
        outputs.append(_PartsFolder(Path(mentions_output)))
    folders = tuple(str(folder.tmp.absolute()) for folder in outputs)  # workers may run in another folder
    idents = _Idents()
    bar = tqdm(unit="doc", desc="extract", disable=None if progress is None else not progress, file=sys.stderr)
    try:
        for done in _execute(paths, units, folders, workers, engine, scheduler, gazetteer):
            run.errors.extend(done.errors)
            renames = _renames(done.ids, idents)
            if done.tables is not None:
                part = _write_part(folders, done.index, *_renamed(*done.tables, renames))
            else:
                part = done.part
                if renames and part is not None:
                    _rename_part(folders, done.index, renames)
            if part is None:  # nothing in this batch could be read
                continue
            run.documents += sum(piece == 0 for _, piece in done.ids)  # a long report's pieces are one document
            run.events += part.events
            run.mentions += part.mentions
            run.located += part.located
            run.parts += 1
            bar.update(len(done.ids))
        if run.parts == 0:  # still leave a readable (empty) table behind
            _write_part(folders, 0, *extract_batch([]))
            run.parts = 1
        for folder in outputs:
            folder.commit()
    finally:
        bar.close()
        for folder in outputs:
            folder.discard()
    return run


_QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    # batches wait in the scheduler's queue until a worker is free: nothing to steal
    "distributed.scheduler.work-stealing": False,
    # Dask's own pre-spawn environment also sets MALLOC_TRIM_THRESHOLD_ to 64 kB, which costs
    # CPU on every free: replaced by its thread limits alone, glibc's own heap trimming applies
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
}


def local_cluster(workers: int) -> Any:
    """Start the Dask cluster ``run_corpus(engine="dask")`` uses when given no scheduler.

    One single-threaded worker process per CPU asked for (extraction is pure
    Python: threads would only share one interpreter lock) and no dashboard.
    Dask's housekeeping is slowed down to what a batch job needs, because on a
    small machine it competes with the workers for the same cores: no
    statistical profiler in the workers (it samples the running task's stack
    every 10 ms and keeps the profiles in memory), event-loop, system and
    memory monitors every second or more instead of every 20 to 500 ms, no
    work stealing, and glibc's own heap trimming (Dask's 64 kB
    ``MALLOC_TRIM_THRESHOLD_`` made the workers spend some 10% more CPU than
    one process on the same documents; without it, about 2%, and a few MB
    more memory). The workers are forked from a ``forkserver`` process that
    has imported Dask, pandas and geomap's extraction once, so they start in
    a few milliseconds of CPU instead of importing all of it again each
    (about 1.4 s of CPU per worker).

    Parameters
    ----------
    workers : int
        Worker processes.

    Returns
    -------
    distributed.LocalCluster
        Close it (or use it in a ``with`` block) when done.
    """
    import multiprocessing

    import dask
    from distributed import LocalCluster

    # Workers copy the configuration in force when they start. Windows has no forkserver:
    # there the workers are spawned, Dask's default.
    config = dict(_QUIET_CLUSTER)
    forkserver = "forkserver" in multiprocessing.get_all_start_methods()
    if forkserver:
        config["distributed.worker.multiprocessing-method"] = "forkserver"
    with dask.config.set(config):
        if forkserver:
            _preload_forkserver()  # with the method in force, or Dask's own list would replace ours
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)


#: Modules the worker processes of :func:`local_cluster` find imported when they start.
_PRELOAD = ("distributed", "pandas", "geopandas", "pyarrow", "geomap.corpus", "geomap.tables", "geomap.extract",
            "geomap.gazetteer")


def _preload_forkserver() -> None:
    # Worker processes are forked from a fresh, single-threaded server process (not from this
    # one, whose threads could hold locks a child would inherit), which imports these first:
    # each worker then starts with them instead of importing them again.
    from distributed.utils import get_mp_context

    get_mp_context().set_forkserver_preload(list(_PRELOAD))


@dataclass(frozen=True)
class _Part:
    """What one batch gave, as counted where its part files were written."""

    events: int
    mentions: int
    located: int


# --- batches: cut in this process, read where they are extracted ---------------------------------

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


_Unit = _Lines | _Reports | _Read


def _plan(paths: list[PathLike], fallback: dt.date | None, size: int) -> Iterator[_Unit]:
    """Cut the input into batches of about ``size`` documents, in input order: batch ``i`` is part ``i``.

    JSONL and CSV corpora are cut by position, ``size`` non-blank records a
    batch, and short text reports by file, so the workers read their batches
    themselves; this process only looks for line ends (JSONL) or runs the CSV
    reader over the file (CSV records may span lines), and builds no
    document. The rest (standard input, a long report in pieces, a UTF-16
    corpus) is read here and its documents are cut into batches. The cut
    depends on the input only, so the parts are the same whatever the engine;
    a batch never spans two corpus files.
    """
    reports: list[tuple[str, str]] = []
    for path in paths:
        missing: list[DocumentError] = []
        items = _expand(path, missing)
        if missing:
            yield from _flush(reports, fallback)
            yield _Read(errors=tuple(missing))
        for item in items:
            name = str(item)
            suffix = Path(name).suffix.lower()
            if name != "-" and suffix not in (".jsonl", ".csv") and _size(item) <= PIECE_CHARS:
                reports.append((name, os.path.abspath(item)))
                if len(reports) == size:
                    yield from _flush(reports, fallback)
                continue
            yield from _flush(reports, fallback)
            if name != "-" and suffix in (".jsonl", ".csv"):
                yield from _plan_lines(name, suffix == ".csv", fallback, size)
            else:
                errors: list[DocumentError] = []
                yield from _read_batches(_read_any(item, fallback, errors), errors, size)
    yield from _flush(reports, fallback)


def _flush(reports: list[tuple[str, str]], fallback: dt.date | None) -> Iterator[_Reports]:
    if reports:
        yield _Reports(tuple(reports), fallback)
        reports.clear()


def _read_batches(documents: Iterator[Document], errors: list[DocumentError], size: int) -> Iterator[_Read]:
    """Batches of documents read here, each with the errors met while reading it."""
    for chunk in _chunks(documents, size):
        yield _Read(tuple(chunk), tuple(errors))
        errors.clear()
    if errors:
        yield _Read(errors=tuple(errors))


def _plan_lines(name: str, csv: bool, fallback: dt.date | None, size: int) -> Iterator[_Unit]:
    """Batches of a JSONL or CSV corpus by position."""
    try:
        with sniffed(name) as (stream, encoding):
            if not encoding.startswith("utf-16"):
                cuts = _csv_cuts(stream, encoding, name, size) if csv else _jsonl_cuts(stream, size)
                header = next(cuts) if csv else None
                location = os.path.abspath(name)
                for start, end, line in cuts:
                    yield _Lines(name, location, start, end, line, encoding, fallback, header)
                return
    except InputError as exc:
        yield _Read(errors=(DocumentError(exc.path or name, exc.line, _bare_message(exc)),))
        return
    # UTF-16 bytes have no plain line ends to cut at: this process reads the file.
    errors: list[DocumentError] = []
    yield from _read_batches(_read_any(name, fallback, errors), errors, size)


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
    _csv_header(records, name)
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


def _read_here(unit: _Unit) -> _Read:
    """The documents of ``unit``, read in this process (for workers that cannot see the input)."""
    if isinstance(unit, _Read):
        return unit
    documents, errors = _documents_of(unit)
    return _Read(tuple(documents), tuple(errors))


def _documents_of(unit: _Unit) -> tuple[list[Document], list[DocumentError]]:
    """Read a batch with the readers of :func:`iter_documents`: its documents (ids as read) and errors."""
    if isinstance(unit, _Read):
        return list(unit.documents), list(unit.errors)
    errors: list[DocumentError] = []
    documents: list[Document] = []
    if isinstance(unit, _Reports):
        for name, location in unit.files:
            try:
                documents.append(_read_small_report(name, location, unit.fallback))
            except InputError as exc:
                errors.append(DocumentError(exc.path or name, exc.line, _bare_message(exc)))
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
            documents.extend(_jsonl_documents(lines, unit.name, unit.line, unit.fallback, errors))
        else:
            # The header goes first, as in the file, so the CSV reader sees what the plain reader sees.
            records = csv_records(itertools.chain(unit.header, lines), unit.name)
            header = _csv_header(records, unit.name)
            shift = unit.line - len(unit.header) - 1
            # extend keeps the documents read before a malformed record stops the reader
            documents.extend(_csv_documents(_shifted(records, shift), header, unit.name, unit.fallback, errors))
    except InputError as exc:
        errors.append(DocumentError(exc.path or unit.name, exc.line, _bare_message(exc)))
    return documents, errors


def _shifted(records: Iterator[tuple[int, list[str]]], shift: int) -> Iterator[tuple[int, list[str]]]:
    """CSV records numbered ``shift`` lines further on, errors too."""
    try:
        for line, row in records:
            yield line + shift, row
    except InputError as exc:
        line = None if exc.line is None else exc.line + shift
        raise InputError(_bare_message(exc), path=exc.path, line=line) from None


@dataclass(frozen=True)
class _Done:
    """What the worker of batch ``index`` sends back.

    ``ids`` are the documents' own ids and piece numbers, in order (the
    worker names them unique within its batch; this process renames them
    when an id was seen in an earlier batch). ``part`` are the counts of the
    part files the worker wrote, ``tables`` the events and mentions for this
    process to write instead; both are None when no document could be read.
    """

    index: int
    ids: tuple[tuple[str, int], ...]
    errors: tuple[DocumentError, ...]
    part: _Part | None = None
    tables: tuple[Any, Any] | None = None


def _extract_unit(index: int, unit: _Unit, folders: tuple[str, ...] | None, gazetteer: Any) -> _Done:
    """Read and extract batch ``index`` (runs on a worker).

    With ``folders``, the worker writes its part files there itself and only
    counts travel back; without, its tables do.
    """
    documents, errors = _documents_of(unit)
    ids = tuple((doc.id, doc.part) for doc in documents)
    if not documents:
        return _Done(index, ids, tuple(errors))
    idents = _Idents()
    named = [replace(doc, id=name) if (name := idents.name(doc.id, doc.part)) != doc.id else doc for doc in documents]
    tables = extract_batch(named, gazetteer)
    if folders is None:
        return _Done(index, ids, tuple(errors), tables=tables)
    return _Done(index, ids, tuple(errors), part=_write_part(folders, index, *tables))


def _renames(ids: tuple[tuple[str, int], ...], idents: _Idents) -> dict[str, str]:
    """Names a worker gave its batch's documents that ids seen in earlier batches make wrong.

    ``idents`` names the documents of the whole run, batch after batch, so
    the ids are those :func:`iter_documents` gives.
    """
    local = _Idents()
    renames = {}
    for ident, piece in ids:
        mine, right = local.name(ident, piece), idents.name(ident, piece)
        if mine != right:
            renames[mine] = right
    return renames


def _renamed(events: Any, mentions: Any, renames: dict[str, str]) -> tuple[Any, Any]:
    """The tables of a batch with its documents renamed (``doc_id`` and the ``event_id`` built on it)."""
    if not renames:
        return events, mentions
    events, mentions = events.copy(), mentions.copy()
    if len(events):
        events["event_id"] = [renames[doc] + event[len(doc):] if doc in renames else event
                              for doc, event in zip(events["doc_id"], events["event_id"])]
        events["doc_id"] = [renames.get(doc, doc) for doc in events["doc_id"]]
    if len(mentions):
        mentions["doc_id"] = [renames.get(doc, doc) for doc in mentions["doc_id"]]
    return events, mentions


def _rename_part(folders: tuple[str, ...], index: int, renames: dict[str, str]) -> None:
    """Rewrite the part files of batch ``index`` with its documents renamed (rare: repeated ids)."""
    import geopandas as gpd
    import pandas as pd

    from geomap.extract.mentions import mentions_frame

    name = f"part-{index:05d}.parquet"
    events = gpd.read_parquet(Path(folders[0], name))
    mentions = pd.read_parquet(Path(folders[1], name)) if len(folders) > 1 else mentions_frame([])
    _write_tables(folders, index, *_renamed(events, mentions, renames), built=False)  # read back and edited


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter; none for no items)."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- engines: each yields the batches' results in input order ------------------------------------

def _execute(paths: list[PathLike], units: Iterator[_Unit], folders: tuple[str, ...], workers: int, engine: str,
             scheduler: Any, gazetteer: Any) -> Iterator[_Done]:
    if engine == "dask":
        yield from _execute_dask(paths, units, folders, workers, scheduler, gazetteer)
    elif workers == 1:
        for index, unit in enumerate(units):
            yield _extract_unit(index, unit, folders, gazetteer)
    else:
        yield from _execute_processes(units, folders, workers, gazetteer)


def _execute_processes(units: Iterator[_Unit], folders: tuple[str, ...], workers: int,
                       gazetteer: Any) -> Iterator[_Done]:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, initializer=_load_gazetteer, initargs=(gazetteer,)) as pool:
        pending: deque[Any] = deque()
        for index, unit in enumerate(units):
            pending.append(pool.submit(_extract_unit, index, unit, folders, gazetteer))
            # Results are taken in order: enough batches queued that no worker idles behind a slow one.
            if len(pending) >= 4 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _execute_dask(paths: list[PathLike], units: Iterator[_Unit], folders: tuple[str, ...], workers: int, scheduler: Any,
                  gazetteer: Any) -> Iterator[_Done]:
    try:
        import dask.bag as db
        from distributed import Client, wait
    except ImportError:
        raise InputError("the dask engine needs the geomap[dask] extra: pip install 'geomap[dask]'") from None
    with ExitStack() as stack:
        if isinstance(scheduler, Client):
            client = scheduler
        else:
            client = stack.enter_context(Client(scheduler or stack.enter_context(local_cluster(workers))))
        client.run(_load_gazetteer, gazetteer)  # each worker loads the gazetteer once, before any batch
        # Workers that see the output folders (this machine, or a shared file system) write
        # their parts themselves; others send their tables here to be written.
        on_workers = all(client.run(_sees, folders).values())
        # Workers that see the input files read their batches themselves; for others, this
        # process reads them and ships the documents.
        if not all(client.run(_sees_inputs, _input_files(paths)).values()):
            units = map(_read_here, units)
        units = enumerate(units)
        # Several windows in flight: results are collected in order, so a long batch at the head
        # would otherwise leave the other workers idle until its window completes.
        slots = sum(client.nthreads().values()) or workers  # a remote cluster has its own size
        in_flight: deque[list[Any]] = deque()
        try:
            for window in _chunks(units, 2 * slots):
                # Each batch is the data of its own partition, so every task is a root the scheduler
                # gives to whichever worker is free (and not db.from_sequence, which would hash the
                # batches to name the tasks).
                name = f"geomap-batches-{uuid.uuid4().hex}"
                bag = db.Bag({(name, i): [item] for i, item in enumerate(window)}, name, len(window))
                tasks = bag.starmap(_extract_unit, folders=folders if on_workers else None, gazetteer=gazetteer)
                # one future per partition (batch), so a failure can wait for each of them
                in_flight.append(client.compute(tasks.to_delayed()))
                if len(in_flight) == _WINDOWS_IN_FLIGHT:
                    yield from _window_results(in_flight[0])
                    in_flight.popleft()
            while in_flight:
                yield from _window_results(in_flight[0])
                in_flight.popleft()
        finally:
            # After a failure, let the batches still in flight end before the caller removes the
            # folders they write into (a cluster may outlive this run).
            wait([future for futures in in_flight for future in futures])


#: Windows of ``2 * workers`` batches a Dask run keeps in flight: enough that every worker
#: still has batches queued while the oldest window waits for its slowest one.
_WINDOWS_IN_FLIGHT = 4


def _sees(folders: tuple[str, ...]) -> bool:
    # The folders have random names (mkdtemp): another machine sees them only through a shared file system.
    return all(os.path.isdir(folder) for folder in folders)


_FileStamp = tuple[str, int, int]


def _input_files(paths: list[PathLike]) -> tuple[_FileStamp, ...]:
    """Absolute path, size and modification time of every input file (folders expanded)."""
    stamps = []
    for path in paths:
        for item in _expand(path, []):
            try:
                stat = os.stat(item)
            except OSError:
                continue  # standard input, or gone: its reader reports it
            stamps.append((os.path.abspath(item), stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def _sees_inputs(files: tuple[_FileStamp, ...]) -> bool:
    # Another machine may have a file of the same name: the size and modification time must match too.
    try:
        return all((stat := os.stat(path)).st_size == size and stat.st_mtime_ns == mtime
                   for path, size, mtime in files)
    except OSError:
        return False


def _window_results(futures: list[Any]) -> Iterator[_Done]:
    for future in futures:
        (done,) = future.result()
        yield done


def _load_gazetteer(gazetteer: Any = None) -> None:
    # Unpickling a gazetteer already loads it (and its user layer); else load the bundled one.
    if gazetteer is None:
        from geomap.gazetteer import Gazetteer

        Gazetteer.load()


class _PartsFolder:
    """An output folder of Parquet parts, built aside and renamed into place."""

    def __init__(self, final: Path) -> None:
        self.final = final
        final.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))

    def commit(self) -> None:
        if self.final.is_dir():
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            os.replace(self.final, old)
            os.replace(self.tmp, self.final)
            shutil.rmtree(old, ignore_errors=True)
        elif self.final.exists():
            raise InputError("exists and is not a folder; choose another output", path=str(self.final))
        else:
            os.replace(self.tmp, self.final)

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _write_part(folders: tuple[str, ...], index: int, events: Any, mentions: Any) -> _Part:
    """Write batch ``index``'s tables into the parts folders; return its counts."""
    _write_tables(folders, index, events, mentions)
    return _Part(events=len(events), mentions=len(mentions), located=_located(mentions))


def _write_tables(folders: tuple[str, ...], index: int, events: Any, mentions: Any, *, built: bool = True) -> None:
    """Write batch ``index``'s tables; ``built``: the event table is as events_from_records made it."""
    from geomap.tables import write_built_table, write_events

    name = f"part-{index:05d}.parquet"
    if built:
        write_built_table(events, Path(folders[0], name))  # already in the schema: not conformed again
    else:
        write_events(events, Path(folders[0], name), format="parquet")
    if len(folders) > 1:
        mentions.to_parquet(Path(folders[1], name), index=False)


def _located(mentions: Any) -> int:
    """How many rows of a mentions table are located."""
    return int((mentions["status"].astype(str) == "located").sum()) if len(mentions) else 0
