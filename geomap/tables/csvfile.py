"""CSV bytes -> columns of text, each record with the physical line it starts on.

Two readers give the same answer:

* **pyarrow**, for files whose quoting is regular (every quoted field opens at
  the start of a field and closes before a separator or a line end, the
  shape spreadsheets and geomap write), of one width (every record has the
  header's number of fields) and valid UTF-8. A vectorised scan of the bytes
  (numpy) checks the quoting and finds where each record starts, so line
  numbers count the newlines inside quoted notes;
* Python's :mod:`csv` reader (strict), record by record, for everything else:
  ragged rows, a quote opened in the middle of a field, a broken record
  (refused at the line where it starts), legacy encodings decoded line by
  line.

Rows whose every cell is blank are not rows: they are counted as ``blank``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geomap.errors import InputError
from geomap.frames import STRING_DTYPE, give_memory_back
from geomap.tables.columns import present
from geomap.textio import (
    SAMPLE_BYTES,
    csv_records,
    decode_bytes,
    delimiter,
    read_bytes,
    sniff_encoding,
)

_QUOTE, _LF, _CR = 34, 10, 13
_SCAN_CHUNK = 1 << 25  # bytes compared at a time: the scan's memory stays small on a large file
_BLOCK_BYTES = 1 << 24  # pyarrow's block: a record (a long article) must fit in one


@dataclass
class CsvColumns:
    """The records of a CSV file: the header's cells, and one text column per header cell.

    ``frame`` has columns ``0 .. len(header) - 1`` (strings; missing where a
    short row has no such field); ``lines[i]`` is the physical line where data
    row ``i`` starts (header = line 1); ``found`` holds the problems of a row
    found while reading it (a ragged row), by row position.
    """

    header: list[str]
    frame: pd.DataFrame
    lines: np.ndarray
    found: dict[int, list[str]] = field(default_factory=dict)
    blank: int = 0


def read_csv_file(path: str | os.PathLike[str]) -> CsvColumns:
    """Read a CSV file (``-``: standard input) without holding all its bytes while pyarrow parses it.

    A UTF-8 file is scanned through a memory map, then parsed by pyarrow from
    the file; anything else is read whole (:func:`read_csv_columns`).
    """
    name = str(path)
    if name == "-":
        return read_csv_columns(read_bytes(path), name)
    try:
        with open(path, "rb") as handle:
            sample = handle.read(4 * SAMPLE_BYTES)
    except OSError:
        return read_csv_columns(read_bytes(path), name)  # read_bytes names the problem
    if sample.strip() and sniff_encoding(sample[:SAMPLE_BYTES], name) in ("utf-8", "utf-8-sig"):
        skip = 3 if sample.startswith(codecs.BOM_UTF8) else 0
        data = np.memmap(path, dtype=np.uint8, mode="r", offset=skip)

        def from_offset(offset: int) -> Any:
            handle = open(path, "rb")  # noqa: SIM115 - pyarrow reads it; closed below
            handle.seek(skip + offset)
            return handle

        plan = _plan(data)
        del data  # the map is let go before pyarrow parses: the file's bytes are never held twice
        give_memory_back()  # and the scan's temporary arrays
        fast = None if plan is None else _parse(plan, from_offset)
        if fast is not None:
            return fast
    return read_csv_columns(read_bytes(path), name)


def read_csv_columns(data: bytes, name: str) -> CsvColumns:
    """Read the bytes of a CSV file (any encoding :func:`geomap.textio.decode_bytes` reads).

    Raises
    ------
    InputError
        Empty or binary file, or a malformed record (at the line where it starts).
    """
    if not data[:SAMPLE_BYTES].strip() and not data.strip():
        raise InputError("empty file", path=name)
    encoding = sniff_encoding(data[:SAMPLE_BYTES], name)
    if encoding in ("utf-8", "utf-8-sig"):
        fast = _read_in_memory(memoryview(data)[3:] if encoding == "utf-8-sig" else memoryview(data), name,
                               has_cr=b"\r" in data)
        if fast is not None:
            return fast
    text = decode_bytes(data, name)
    if encoding not in ("utf-8", "utf-8-sig"):
        fast = _read_in_memory(memoryview(text.encode("utf-8")), name, has_cr="\r" in text)
        if fast is not None:
            return fast
    return _read_records(text, name)


def _read_in_memory(body: memoryview, name: str, *, has_cr: bool) -> CsvColumns | None:
    import pyarrow as pa

    plan = _plan(np.frombuffer(body, dtype=np.uint8), has_cr=has_cr)
    return None if plan is None else _parse(plan, lambda offset: pa.BufferReader(pa.py_buffer(body[offset:])))


# --------------------------------------------------------------------------- Python's csv reader


def _read_records(text: str, name: str) -> CsvColumns:
    # newline="" keeps quoted newlines intact and lets csv count physical lines.
    records = csv_records(io.StringIO(text, newline=""), name, delimiter=delimiter(text))
    header = next(records)[1]
    width = len(header)
    rows: list[list[str | None]] = []
    lines: list[int] = []
    found: dict[int, list[str]] = {}
    blank = 0
    for start, cells in records:
        if not any(c.strip() for c in cells):
            blank += 1
            continue
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]  # spreadsheets pad rows with empty cells: nothing is lost
        if len(cells) != width:
            found[len(rows)] = [ragged_message(cells, header)]
        rows.append([*cells[:width], *([None] * (width - len(cells)))])
        lines.append(start)
    columns = list(zip(*rows)) if rows else [()] * width
    frame = pd.DataFrame({i: pd.array(list(values), dtype=STRING_DTYPE) for i, values in enumerate(columns)},
                         columns=range(width))
    return CsvColumns(header, frame, np.array(lines, dtype=np.int64), found, blank)


def ragged_message(cells: list[str], header: list[str]) -> str:
    """What a row of the wrong width loses or lacks."""
    message = f"row has {len(cells)} fields, header has {len(header)}"
    if len(cells) > len(header):
        lost = cells[len(header):]
        message += f"; extra values {lost!r} are not in any column"
    else:
        message += "; missing fields are left empty"
    return message


# --------------------------------------------------------------------------- pyarrow, for regular files


@dataclass
class _Layout:
    """Where the records of a regularly quoted file start and end."""

    starts: np.ndarray  # byte offset of each record
    ends: np.ndarray  # byte offset just past each record's last field (line end excluded)
    lines: np.ndarray  # physical line each record starts on


@dataclass
class _Plan:
    """What the scan of a regular file found: its separator, its records, its header's cells."""

    sep: str
    layout: _Layout
    header: list[str]


def _plan(data: np.ndarray, *, has_cr: bool = True) -> _Plan | None:
    """Scan the bytes of a file (a memory map will do): None when the csv reader must read it."""
    first = _first_line_text(data)
    if first is None:
        return None
    sep = delimiter(first)
    layout = _layout(data, ord(sep), has_cr)
    if layout is None or not len(layout.starts) or layout.ends[0] == layout.starts[0]:
        return None
    try:
        header_text = data[layout.starts[0]:layout.ends[0]].tobytes().decode("utf-8")
    except UnicodeDecodeError:
        return None
    return _Plan(sep, layout, next(csv.reader(io.StringIO(header_text, newline=""), delimiter=sep, strict=True)))


def _parse(plan: _Plan, source: Callable[[int], Any]) -> CsvColumns | None:
    """The records of a scanned file through pyarrow (``source(offset)`` opens the file at a byte offset).

    None when pyarrow refuses it (ragged rows, invalid UTF-8): the csv reader then says what is wrong.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    sep, layout, header = plan.sep, plan.layout, plan.header
    width = len(header)
    rows = layout.ends[1:] > layout.starts[1:]
    names = [str(i) for i in range(width)]
    if rows.any():
        stream = source(int(layout.starts[1]))
        try:
            table = pacsv.read_csv(
                stream,
                read_options=pacsv.ReadOptions(column_names=names, block_size=_BLOCK_BYTES),
                parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=True),
                convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                     strings_can_be_null=False),
                memory_pool=_returning_pool(),
            )
        except (pa.ArrowException, ValueError):
            return None  # ragged rows, invalid UTF-8, ...: the csv reader says what is wrong
        finally:
            stream.close()
        if table.num_rows != int(rows.sum()):
            return None
        mapper = None if STRING_DTYPE is object else {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get
        frame = table.to_pandas(types_mapper=mapper)
        frame.columns = range(width)
        del table
    else:
        frame = pd.DataFrame({i: pd.array([], dtype=STRING_DTYPE) for i in range(width)}, columns=range(width))
    lines = layout.lines[1:][rows]
    return _without_blank_rows(CsvColumns(header, frame, lines, {}, int((~rows).sum())))


def _returning_pool() -> Any:
    """pyarrow's jemalloc pool set to give freed memory back at once (else the default pool).

    The parser's working buffers are about as large as the file; the default
    (mimalloc) pool keeps them after the parse, which at a million rows is
    hundreds of megabytes that the rest of the run could not use.
    """
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, pa.ArrowException):
        return None
    return pool


def _first_line_text(data: np.ndarray) -> str | None:
    """The text :func:`geomap.textio.delimiter` looks at (the first line, within the first 64 KiB)."""
    head = data[:4 * SAMPLE_BYTES].tobytes()
    end = head.find(b"\n", 0, SAMPLE_BYTES)
    try:
        return head[:end + 1].decode("utf-8") if end >= 0 else head.decode("utf-8", errors="ignore")[:SAMPLE_BYTES]
    except UnicodeDecodeError:
        return None


def _positions(data: np.ndarray, byte: int) -> np.ndarray:
    found = [np.flatnonzero(data[i:i + _SCAN_CHUNK] == byte) + i for i in range(0, len(data), _SCAN_CHUNK)]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _layout(data: np.ndarray, sep: int, has_cr: bool = True) -> _Layout | None:
    """Record boundaries of a file whose quoting is regular, or None if it is not.

    Quotes are regular when, counting them in order, each even-numbered one
    (0, 2, ...) opens a field (at the start of the file, after a separator, a
    line end, or right after a quote: the second of a doubled quote) and each
    odd-numbered one closes it or doubles (it is followed by a quote, a
    separator, a line end, or the end of the file). A line end is then inside
    a quoted field exactly when an odd number of quotes precede it.
    """
    size = len(data)
    quotes = _positions(data, _QUOTE)
    if len(quotes) % 2:
        return None
    bounds = np.array([_QUOTE, sep, _LF, _CR], dtype=np.uint8)
    closing, opening = quotes[1::2], quotes[0::2]
    after = data[np.minimum(closing + 1, size - 1)]
    if not (np.isin(after, bounds) | (closing + 1 == size)).all():
        return None
    before = data[np.maximum(opening - 1, 0)]
    if not (np.isin(before, bounds) | (opening == 0)).all():
        return None
    lf = _positions(data, _LF)
    cr = _positions(data, _CR) if has_cr else lf[:0]
    cr = cr[(cr + 1 >= size) | (data[np.minimum(cr + 1, size - 1)] != _LF)]  # a CR of CRLF is not a line end
    breaks = np.union1d(lf, cr)
    outside = np.searchsorted(quotes, breaks) % 2 == 0
    ends_at = breaks[outside]
    starts = np.concatenate([[0], ends_at + 1])
    ends = np.concatenate([ends_at, [size]])
    if starts[-1] >= size:  # the file ends with a line end
        starts, ends = starts[:-1], ends[:-1]
    crlf = (ends > starts) & (ends < size)
    crlf[crlf] = (data[ends[crlf]] == _LF) & (data[ends[crlf] - 1] == _CR)
    ends = ends - crlf
    lines = np.concatenate([[1], np.searchsorted(breaks, ends_at) + 2])[: len(starts)]
    return _Layout(starts, ends, lines)


def _without_blank_rows(read: CsvColumns) -> CsvColumns:
    """Drop the rows whose every cell is blank (counted in ``blank``)."""
    frame = read.frame
    if not len(frame) or not frame.shape[1]:
        return read
    blank = ~present(frame[0])
    for column in list(frame.columns)[1:]:
        if not blank.any():
            break
        blank[blank] = ~present(frame[column][blank])
    if blank.any():
        read.frame = frame[~blank].reset_index(drop=True)
        read.lines = read.lines[~blank]
        read.blank += int(blank.sum())
    return read
