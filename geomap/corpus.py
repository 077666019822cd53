"""Documents in: single reports, folders, JSONL and CSV corpora.

Every input becomes a stream of :class:`Document` records, each carrying
where it came from (file and line), so an error or an extracted event can be
traced back to its source. Bytes are decoded tolerantly (UTF-8 with or without
BOM, UTF-16 with BOM, legacy single-byte encodings detected by
charset-normalizer); binary and empty files are refused with an
:class:`~geomap.errors.InputError` naming the file.

Corpora are streamed: a JSONL or CSV corpus is read one record at a time and
never held in memory whole.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from geomap.errors import InputError

PathLike = str | os.PathLike[str]

#: File suffixes a folder is scanned for, in this order of preference.
CORPUS_SUFFIXES = (".txt", ".jsonl", ".csv")

#: Column names a CSV corpus may use, best first (the FA-KES layout included).
CSV_TEXT_COLUMNS = ("text", "article_content", "content", "body")
CSV_ID_COLUMNS = ("id", "doc_id", "unit_id")
CSV_TITLE_COLUMNS = ("title", "article_title")

# Legacy encodings worth trying when bytes are not UTF-8: Western European
# (cp1252 is a superset of latin-1's printable range) and Arabic (cp1256).
_LEGACY_ENCODINGS = ["cp1252", "cp1256", "latin_1"]
_SAMPLE_BYTES = 1 << 16


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
    """

    id: str
    text: str
    date: dt.date | None = None
    source: str | None = None
    title: str | None = None
    path: str = ""
    line: int | None = None


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

def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode the bytes of a text file, whatever its encoding.

    Parameters
    ----------
    data : bytes
        The whole file content.
    name : str
        How to name the input in error messages.

    Returns
    -------
    str
        The text, with any byte-order mark removed.

    Raises
    ------
    InputError
        If the bytes look binary (NUL bytes outside UTF-16, or mostly control
        characters).

    Notes
    -----
    Order of decisions: a UTF-8 or UTF-16 byte-order mark wins; then strict
    UTF-8; then UTF-16 without BOM if NUL bytes alternate with text; then the
    best of cp1252, cp1256 and latin-1 according to charset-normalizer. latin-1
    decodes any byte, so no text input ever fails to decode.
    """
    encoding = sniff_encoding(data[:_SAMPLE_BYTES], name)
    if encoding in ("utf-8", "utf-8-sig"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            # Valid UTF-8 in the sample, broken later: judge the whole file.
            encoding = _guess_legacy(data)
    return data.decode(encoding, errors="replace")


def sniff_encoding(sample: bytes, name: str = "<bytes>") -> str:
    """Return the Python codec name for text starting with ``sample``.

    Raises :class:`InputError` naming ``name`` if the sample looks binary.
    See :func:`decode_bytes` for the order of decisions.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        unbommed = _utf16_without_bom(sample)
        if unbommed:
            return unbommed
        raise InputError("binary file (contains NUL bytes), not text", path=name)
    if _mostly_control(sample):
        raise InputError("binary file (mostly control bytes), not text", path=name)
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample's end is still UTF-8.
        if exc.start >= len(sample) - 3 and len(sample) == _SAMPLE_BYTES:
            return "utf-8"
    return _guess_legacy(sample)


def _utf16_without_bom(sample: bytes) -> str | None:
    """Return ``utf-16-le``/``utf-16-be`` if NULs fill every other byte."""
    half = max(1, len(sample) // 2)
    odd_nuls = sample[1::2].count(0)
    even_nuls = sample[0::2].count(0)
    if odd_nuls >= 0.4 * half and even_nuls <= 0.05 * half:
        return "utf-16-le"
    if even_nuls >= 0.4 * half and odd_nuls <= 0.05 * half:
        return "utf-16-be"
    return None


def _mostly_control(sample: bytes) -> bool:
    if not sample:
        return False
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > 0.3 * len(sample)


def _guess_legacy(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * _SAMPLE_BYTES], cp_isolation=_LEGACY_ENCODINGS).best()
    return best.encoding if best is not None else "latin_1"


def read_bytes(path: PathLike) -> bytes:
    """Return the bytes of ``path``; ``-`` reads standard input."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, expected a file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None


def read_text(path: PathLike) -> str:
    """Read a text file in whatever encoding it uses.

    Parameters
    ----------
    path : str or os.PathLike
        The file; ``-`` reads standard input.

    Returns
    -------
    str
        The decoded text (see :func:`decode_bytes` for how the encoding is chosen).

    Raises
    ------
    InputError
        If the file is missing, empty (or only whitespace) or binary.
    """
    name = str(path)
    data = read_bytes(path)
    if not data.strip():
        raise InputError("empty file" if not data else "empty file (only whitespace)", path=name)
    text = decode_bytes(data, name)
    if not text.strip():
        raise InputError("empty file (only whitespace)", path=name)
    return text


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
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    fallback = _as_date(default_date)
    seen: dict[str, int] = {}
    for path in paths:
        for item in _expand(path, errors):
            for doc in _read_any(item, fallback, errors):
                count = seen.get(doc.id, 0) + 1
                seen[doc.id] = count
                # Corpora do repeat ids (FA-KES has 4); events must stay traceable to one document.
                yield doc if count == 1 else replace(doc, id=f"{doc.id}#{count}")


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
            text = read_text(path)
            stem = "stdin" if str(path) == "-" else Path(path).stem
            yield Document(id=stem, text=text, date=fallback, path=str(path))
    except InputError as exc:
        if errors is None:
            raise
        errors.append(DocumentError(exc.path or str(path), exc.line, _bare_message(exc)))


def _bare_message(exc: InputError) -> str:
    """The message of ``exc`` without its ``FILE:LINE:`` prefix."""
    text = str(exc)
    prefix = f"{exc.path}:{exc.line}: " if exc.line is not None else f"{exc.path}: "
    return text[len(prefix):] if exc.path is not None and text.startswith(prefix) else text


def _fail(errors: list[DocumentError] | None, error: DocumentError) -> None:
    if errors is None:
        raise error.to_exception()
    errors.append(error)


def _open_text_stream(path: PathLike) -> IO[str]:
    """Open ``path`` for streaming text, its encoding sniffed from the start."""
    name = str(path)
    if name == "-":
        raw: IO[bytes] = sys.stdin.buffer
    else:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the caller via the wrapper
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=name) from None
    buffered = io.BufferedReader(raw) if not isinstance(raw, io.BufferedReader) else raw
    sample = buffered.peek(_SAMPLE_BYTES)[:_SAMPLE_BYTES]
    if not sample.strip():
        buffered.close()
        raise InputError("empty file", path=name)
    encoding = sniff_encoding(sample, name)
    # A stray bad byte deep in a big corpus becomes U+FFFD rather than
    # aborting a run that has already processed thousands of records.
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")


def _read_jsonl(path: PathLike, fallback: dt.date | None, errors: list[DocumentError] | None) -> Iterator[Document]:
    name = str(path)
    stem = "stdin" if name == "-" else Path(name).stem
    with _open_text_stream(path) as stream:
        for number, line in enumerate(stream, start=1):
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
    stem = "stdin" if name == "-" else Path(name).stem
    _raise_csv_field_limit()
    with _open_text_stream(path) as stream:
        reader = csv.reader(stream)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise InputError("empty file", path=name) from None
        columns = _csv_corpus_columns(header, name)
        last_line = reader.line_num
        while True:
            start = last_line + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise InputError(f"malformed CSV: {exc}", path=name, line=start) from None
            last_line = reader.line_num
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
        text=text,
        date=date,
        source=_optional_str(record.get("source")),
        title=_optional_str(record.get("title")),
        path=name,
        line=line,
    )


def _parse_document_date(value: object, name: str, line: int, slash_order: str) -> dt.date:
    from geomap.events import parse_date

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


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"default date {value!r} is not YYYY-MM-DD") from None


def _raise_csv_field_limit() -> None:
    # News articles exceed the csv module's default 128 KiB field limit.
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(2**31 - 1)
