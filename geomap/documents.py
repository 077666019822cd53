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
import errno
import io
import json
import os
import re
import stat
import sys
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from geomap.dates import as_date, parse_dateline
from geomap.errors import GeomapWarning, InputError
from geomap.textio import (
    csv_records,
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
#: How much of a report's opening the pieces after the first carry: its dateline lies in the first few hundred characters.
HEAD_CHARS = 1000
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
    head : str
        For the pieces after the first of a report without a date: the
        report's opening characters, whose dateline dates every piece
        (empty otherwise).
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
    head: str = ""


@dataclass(frozen=True)
class DocumentError:
    """A document or corpus record that could not be read, or a warning about one that was.

    ``str(error)`` is the one-line ``FILE:LINE: message`` form printed by the CLI.
    ``warning`` is True when nothing asked for was dropped: the document was
    extracted all the same (without a date it could not read), or the entry
    is a subfolder, which is not read by design.
    """

    path: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"

    def to_exception(self) -> InputError:
        """Return the equivalent :class:`InputError`."""
        return InputError(self.message, path=self.path, line=self.line)


# --- documents -----------------------------------------------------------------

def iter_documents(
    paths: PathLike | Iterable[PathLike],
    *,
    report_date: dt.date | str | None = None,
    errors: list[DocumentError] | None = None,
    dayfirst: bool = False,
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
    report_date : datetime.date or str, optional
        Date given to documents that carry none (``YYYY-MM-DD`` if a string).
    errors : list of DocumentError, optional
        If given, an unreadable file or record is appended here and iteration
        goes on (the CLI reports them all and exits 1 at the end); if omitted,
        the first one raises :class:`InputError`. A record whose date cannot
        be read is never dropped: it is yielded without the date, and the
        problem is appended here as a warning (without ``errors``: a
        :class:`~geomap.errors.GeomapWarning`). Entries of a folder that are
        not read (subfolders, broken links, pipes named like reports) are
        reported the same way.
    dayfirst : bool
        Read all-number record dates (``03/05/2016``) day first; default
        month first. See :func:`geomap.dates.parse_dateline` for the
        datelines understood.

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
    (``report_date``, else the dateline at the top of the report), so
    relative dates resolve as in the first piece.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    fallback = as_date(report_date)
    idents = Idents()
    for path in paths:
        for item in expand_paths(path, errors):
            for doc in read_any(item, fallback, errors, dayfirst=dayfirst):
                ident = idents.name(doc.id, doc.part)
                yield doc if ident == doc.id else replace(doc, id=ident)


class Idents:
    """Names documents uniquely, in reading order (see :attr:`Document.id`).

    Corpora do repeat ids (FA-KES has 4), and events must stay traceable to
    one document: the second document with an id gets ``ID#2``, or the
    first of ``ID#3``, ``ID#4``, ... that no document has been named yet
    (ids ``a``, ``a``, ``a#2`` give ``a``, ``a#2``, ``a#2#2``). The pieces
    of a long report take the name of its first piece.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}
        self._taken: set[str] = set()
        self._raw = self._name = ""

    def name(self, ident: str, part: int) -> str:
        """The unique name of the next document, whose own id is ``ident``."""
        # A piece whose report began before this counter started (a batch that opens
        # mid-report) counts as a sighting of its id, as that report's first piece would.
        if part == 0 or ident != self._raw:
            count = self._seen.get(ident, 0) + 1
            name = ident if count == 1 else f"{ident}#{count}"
            while name in self._taken:
                count += 1
                name = f"{ident}#{count}"
            self._seen[ident] = count
            self._taken.add(name)
            self._raw, self._name = ident, name
        return self._name


def expand_paths(path: PathLike, errors: list[DocumentError] | None) -> list[PathLike]:
    """The files an input stands for: itself, or a folder's report and corpus files sorted by name.

    A folder is read one level deep: its ``.txt``, ``.jsonl`` and ``.csv``
    files. Its subfolders are reported as warnings, and entries named like
    reports that cannot be read as files (broken or looping symbolic links,
    pipes, devices) as errors; hidden entries and files of other kinds are
    left alone.
    """
    if str(path) == "-":
        return [path]
    p = Path(path)
    if p.is_dir():
        found = []
        for entry in sorted(p.iterdir(), key=lambda f: f.name):
            if entry.name.startswith("."):
                continue
            kind = entry_kind(entry)
            if kind == "file":
                if entry.suffix.lower() in CORPUS_SUFFIXES:
                    found.append(entry)
            elif kind == "folder":
                _fail(errors, DocumentError(str(entry), None, "subfolder not read (geomap reads the files of a "
                                            "folder, not its subfolders: give it as an input of its own)",
                                            warning=True))
            elif entry.suffix.lower() in CORPUS_SUFFIXES:
                _fail(errors, DocumentError(str(entry), None, f"{kind}, not read"))
        if not found:
            _fail(errors, DocumentError(str(p), None, "folder has no .txt, .jsonl or .csv files"))
        return list(found)
    if not p.exists():
        kind = entry_kind(p) if os.path.lexists(p) else "no such file or folder"
        _fail(errors, DocumentError(str(p), None, kind))
        return []
    return [p]


def entry_kind(path: Path) -> str:
    """``"file"``, ``"folder"``, or what else ``path`` is, in words for a message."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop (the link leads back to itself)"
        if path.is_symlink():
            return f"a broken symbolic link (its target {os.readlink(path)} does not exist)"
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return "a device, not a file"


def read_any(path: PathLike, fallback: dt.date | None, errors: list[DocumentError] | None, *,
             dayfirst: bool = False) -> Iterator[Document]:
    suffix = Path(str(path)).suffix.lower()
    try:
        if suffix == ".jsonl":
            yield from _read_jsonl(path, fallback, errors, dayfirst)
        elif suffix == ".csv":
            yield from _read_csv_corpus(path, fallback, errors, dayfirst)
        else:
            yield from _read_report(path, fallback)
    except InputError as exc:
        if errors is None:
            raise
        errors.append(DocumentError(exc.path or str(path), exc.line, bare_message(exc)))


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
    elif small_report(path):
        yield read_small_report(name, name, fallback)
        return
    offset, part, head = 0, 0, ""
    with text_lines(path, line_limit=_LINE_LIMIT, raw=raw) as lines:
        for piece in _pieces(lines, PIECE_CHARS):
            start, offset = offset, offset + len(piece)
            if not piece.strip():
                continue
            if part == 0 and fallback is None:
                head = piece[:HEAD_CHARS]
            yield Document(id=stem, text=piece, date=fallback, path=name, offset=start, part=part,
                           head=head if part else "")
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


def read_small_report(name: str, location: str, fallback: dt.date | None) -> Document:
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


def small_report(path: PathLike) -> bool:
    """True for a file of at most :data:`PIECE_CHARS` bytes, read whole.

    Anything else is streamed: a larger file, and what has no size to trust
    (a pipe, a device such as ``/dev/zero``: its first bytes are sniffed, so
    an endless binary stream is refused at once). A path that cannot be
    examined counts as small: reading it names the problem.
    """
    try:
        info = os.stat(path)
    except OSError:
        return True
    return stat.S_ISREG(info.st_mode) and info.st_size <= PIECE_CHARS


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
        ends = [match.end() for match in pattern.finditer(text, size // 2, size)]
        if ends:
            return ends[-1]
    later = [found.end() for pattern in _PIECE_ENDS if (found := pattern.search(text, size))]
    return min(later, default=len(text))


def bare_message(exc: InputError) -> str:
    """The message of ``exc`` without its ``FILE:LINE:`` prefix."""
    text = str(exc)
    prefix = f"{exc.path}:{exc.line}: " if exc.line is not None else f"{exc.path}: "
    return text[len(prefix):] if exc.path is not None and text.startswith(prefix) else text


def _fail(errors: list[DocumentError] | None, error: DocumentError) -> None:
    if errors is not None:
        errors.append(error)
    elif error.warning:
        warnings.warn(str(error), GeomapWarning, stacklevel=3)
    else:
        raise error.to_exception()
















def _read_jsonl(path: PathLike, fallback: dt.date | None, errors: list[DocumentError] | None,
                dayfirst: bool) -> Iterator[Document]:
    with text_lines(path) as lines:
        yield from jsonl_documents(lines, str(path), 1, fallback, errors, dayfirst=dayfirst)


def jsonl_documents(lines: Iterable[str], name: str, first: int, fallback: dt.date | None,
                     errors: list[DocumentError] | None, *, dayfirst: bool = False) -> Iterator[Document]:
    """The documents of JSONL ``lines`` of file ``name``, the first of them line ``first``."""
    stem = _stem(name)
    for number, line in enumerate(lines, start=first):
        if not line.strip():
            continue
        try:
            yield _jsonl_document(line, name, number, stem, fallback, errors, dayfirst)
        except InputError as exc:
            _fail(errors, DocumentError(name, number, bare_message(exc)))


def _jsonl_document(line: str, name: str, number: int, stem: str, fallback: dt.date | None,
                    errors: list[DocumentError] | None, dayfirst: bool) -> Document:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=name, line=number) from None
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, got {type(record).__name__}", path=name, line=number)
    return _make_document(record, name, number, f"{stem}:{number}", fallback, errors, dayfirst=dayfirst)


def _read_csv_corpus(path: PathLike, fallback: dt.date | None, errors: list[DocumentError] | None,
                     dayfirst: bool) -> Iterator[Document]:
    name = str(path)
    with text_lines(path) as lines:
        records = csv_records(lines, name)
        header = csv_header(records, name)
        yield from csv_documents(records, header, name, fallback, errors, dayfirst=dayfirst)


def csv_header(records: Iterator[tuple[int, list[str]]], name: str) -> list[str]:
    """The column names of a CSV corpus (its first record), checked for a text column."""
    header = [h.strip().lower() for h in next(records)[1]]
    _csv_corpus_columns(header, name)
    return header


def csv_documents(records: Iterable[tuple[int, list[str]]], header: list[str], name: str,
                   fallback: dt.date | None, errors: list[DocumentError] | None, *,
                   dayfirst: bool = False) -> Iterator[Document]:
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
            yield _make_document(record, name, start, f"{stem}:{start}", fallback, errors, dayfirst=dayfirst)
        except InputError as exc:
            _fail(errors, DocumentError(name, start, bare_message(exc)))


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
    record: dict, name: str, line: int, default_id: str, fallback: dt.date | None,
    errors: list[DocumentError] | None, *, dayfirst: bool,
) -> Document:
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("record has no text (a non-empty 'text' field is required)", path=name, line=line)
    date = fallback
    raw_date = record.get("date")
    if raw_date not in (None, ""):
        try:
            date = _document_date(raw_date, dayfirst)
        except (TypeError, ValueError) as exc:
            # The text is what matters: the document is extracted without the date, never dropped.
            instead = f"the report date {fallback.isoformat()}" if fallback else "no date"
            _fail(errors, DocumentError(name, line, f"{exc}; the document is extracted with {instead}",
                                        warning=True))
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


def _document_date(value: object, dayfirst: bool) -> dt.date:
    """A record's date as published (see :func:`geomap.dates.parse_dateline`); ValueError or TypeError if unreadable."""
    if not isinstance(value, str):
        raise TypeError(f"date must be a string, got {value!r}")
    return parse_dateline(value, slash_order="dmy" if dayfirst else "mdy")


def _optional_str(value: object) -> str | None:
    if value in (None, ""):
        return None
    return str(value)
