"""Bytes in, bytes out: decoding text files in any encoding, CSV records, atomic writes.

Reading: bytes are decoded tolerantly (UTF-8 with or without BOM, UTF-16 with
BOM, legacy single-byte encodings detected by charset-normalizer); binary and
empty files are refused with an :class:`~geomap.errors.InputError` naming the
file. Large files are streamed line by line (:func:`text_lines`).

Writing: every output goes through :func:`atomic_write`, so an interrupted run
never leaves a half-written file, and :func:`refuse_overwriting_inputs` keeps
outputs off the inputs (see :mod:`geomap.outputs`).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from geomap.errors import InputError
from geomap.outputs import check_outputs

PathLike = str | os.PathLike[str]


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path`` and rename it over ``path`` on success.

    An interrupted run never leaves a half-written output: on any exception
    the temporary file is removed and ``path`` is untouched.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", path=str(target)) from exc
    try:
        # mkstemp makes a private (0600) file; outputs get the permissions a plain open() would give.
        os.chmod(tmp, 0o666 & ~_current_umask())
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding, newline=None if "b" in mode else "") as handle:
            yield handle
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror or exc}", path=str(target)) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def refuse_overwriting_inputs(output: str | os.PathLike[str] | None, inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise :class:`~geomap.errors.UsageError` if writing ``output`` could change an input.

    ``output`` may not be one of the ``inputs``, lie inside an input folder
    (whose files are all read, so a later run would read the output back as
    a report or overwrite one), nor be a folder holding an input. See
    :func:`geomap.outputs.check_outputs`, which also checks several outputs
    against each other.
    """
    check_outputs({"output": output}, inputs)


def csv_records(lines: Iterable[str], name: str, **fmtparams: Any) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for every record of CSV text, the header first.

    ``line`` is the physical line where the record starts (quoted newlines
    counted). The reader is strict: a quote left open raises
    :class:`InputError` at the line where the broken record starts instead of
    swallowing the rest of the file. No record at all is an "empty file" error.
    """
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(2**31 - 1)  # news articles and long notes exceed the 128 KiB default
    reader = csv.reader(lines, strict=True, **fmtparams)
    last = 0
    while True:
        start = last + 1
        try:
            cells = next(reader)
        except StopIteration:
            if last == 0:
                raise InputError("empty file", path=name) from None
            return
        except csv.Error as exc:
            raise InputError(_csv_error_message(exc, header=last == 0), path=name, line=start) from None
        last = reader.line_num
        yield start, cells


def _csv_error_message(exc: csv.Error, *, header: bool) -> str:
    """The csv module's complaint, with what it means for the record starting on this line."""
    if header:
        return f"malformed CSV header: {exc}"
    if "unexpected end of data" in str(exc):
        return "malformed CSV: a quoted field opened in the record starting here is never closed"
    return f"malformed CSV ({exc}); the record starting here is broken"


# Legacy encodings worth trying when bytes are not UTF-8: Western European
# (cp1252 is a superset of latin-1's printable range) and Arabic (cp1256).
_LEGACY_ENCODINGS = ["cp1252", "cp1256", "latin_1"]


SAMPLE_BYTES = 1 << 16


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
    Order of decisions: a UTF-8 or UTF-16 byte-order mark wins; then UTF-16
    without BOM if NUL bytes alternate with text; then UTF-8. Text that is not
    all UTF-8 is decoded line by line: lines that are valid UTF-8 as UTF-8,
    the others in the best of cp1252, cp1256 and latin-1 according to
    charset-normalizer (so files pasted together from several sources read
    right). latin-1 decodes any byte, so no text input ever fails to decode.
    """
    encoding = sniff_encoding(data[:SAMPLE_BYTES], name)
    if encoding.startswith("utf-16"):
        return data.decode(encoding, errors="replace")
    if encoding in ("utf-8", "utf-8-sig"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    start = len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0
    if data[start:].decode("utf-8", errors="ignore").isascii():
        # No UTF-8 at all: one legacy encoding for the whole file (fast path).
        return data[start:].decode(_guess_legacy(data), errors="replace")
    legacy = _guess_legacy(_invalid_lines(data))
    return "".join(_decode_line(line, legacy) for line in data[start:].splitlines(keepends=True))


def _decode_line(line: bytes, legacy: str) -> str:
    """UTF-8 if the line is valid UTF-8, else the legacy encoding.

    Files assembled from several sources mix encodings line by line; legacy
    bytes above 0x7F almost never form valid UTF-8, so the test is safe.
    """
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode(legacy, errors="replace")


def _invalid_lines(data: bytes) -> bytes:
    bad = []
    for line in data.splitlines():
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(line)
            if sum(map(len, bad)) > SAMPLE_BYTES:
                break
    return b"\n".join(bad)


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
        if exc.reason == "unexpected end of data" and exc.start >= len(sample) - 3:
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


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _mostly_control(sample: bytes) -> bool:
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > 0.3 * len(sample)


def _guess_legacy(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * SAMPLE_BYTES], cp_isolation=_LEGACY_ENCODINGS).best()
    encoding = best.encoding if best is not None else "latin_1"
    if encoding == "latin_1":
        # latin-1 reads cp1252's quotes and dashes as invisible C1 controls,
        # which real text never contains: prefer cp1252 whenever it fits.
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return encoding


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
    return text_of(read_bytes(path), str(path))


def text_of(data: bytes, name: str) -> str:
    """The text of a whole file's bytes (see :func:`read_text`)."""
    if not data.strip():
        raise InputError("empty file" if not data else "empty file (only whitespace)", path=name)
    text = decode_bytes(data, name)
    if not text.strip():
        raise InputError("empty file (only whitespace)", path=name)
    return text


@contextmanager
def text_lines(path: PathLike, line_limit: int | None = None,
                raw: IO[bytes] | None = None) -> Iterator[Iterator[str]]:
    """Stream the decoded lines of ``path`` (line endings kept), never the whole file.

    The encoding is sniffed from the first 64 KiB; lines that are not valid
    UTF-8 are decoded in the legacy encoding (see :func:`decode_bytes`).
    With ``line_limit``, a longer line comes in parts of at most that many
    bytes (characters for UTF-16), never splitting a character. ``raw``, if
    given, is read instead of opening ``path`` (which then only names it).
    """
    with sniffed(path, raw) as (stream, encoding):
        yield lines_of(stream, encoding, line_limit)


@contextmanager
def sniffed(path: PathLike, raw: IO[bytes] | None = None) -> Iterator[tuple[io.BufferedReader, str]]:
    """Open ``path`` (or read ``raw``) and sniff its encoding from the first 64 KiB.

    Yields the buffered byte stream, still at its start, and the encoding
    (see :func:`sniff_encoding`); raises :class:`InputError` for an empty or
    binary file.
    """
    name = str(path)
    if raw is None and name == "-":
        raw = sys.stdin.buffer
    elif raw is None:
        try:
            raw = open(path, "rb", buffering=SAMPLE_BYTES)  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=name) from None
    # A buffer as big as the sample, so that peek() can show all of it.
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw, buffer_size=SAMPLE_BYTES)
    try:
        sample = buffered.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
        if not sample.strip():
            raise InputError("empty file", path=name)
        yield buffered, sniff_encoding(sample, name)
    finally:
        if name != "-":
            buffered.close()


def lines_of(stream: IO[bytes], encoding: str, line_limit: int | None = None, *,
              first: bool = True) -> Iterator[str]:
    """The decoded lines of a byte stream in ``encoding`` (see :func:`text_lines`).

    ``first`` says the stream starts the file (a UTF-8 byte-order mark there is dropped).
    """
    if encoding.startswith("utf-16"):
        text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
        return text if line_limit is None else iter(lambda: text.readline(line_limit), "")
    raw_lines = stream if line_limit is None else _bounded_lines(stream, line_limit)
    return decoded_lines(raw_lines, legacy_encoding(encoding), first=first)


def legacy_encoding(encoding: str) -> str:
    """The encoding for lines that are not UTF-8 in a file sniffed as ``encoding``."""
    return encoding if encoding not in ("utf-8", "utf-8-sig") else "cp1252"


def _bounded_lines(stream: IO[bytes], limit: int) -> Iterator[bytes]:
    """The lines of ``stream``, a line longer than ``limit`` bytes in parts.

    A part ends before a UTF-8 character that it would cut (that character
    starts the next part), so every part decodes as the whole line would.
    """
    carry = b""
    while True:
        line = stream.readline(limit)
        if not line:
            if carry:
                yield carry
            return
        line, carry = carry + line, b""
        if not line.endswith(b"\n"):
            keep = _utf8_boundary(line)
            line, carry = line[:keep], line[keep:]
        if line:
            yield line


def _utf8_boundary(data: bytes) -> int:
    """Length of ``data`` without a UTF-8 character cut at its end."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:  # a lead byte: is its character complete?
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) if back >= need else len(data) - back
    return len(data)


def decoded_lines(stream: Iterable[bytes], legacy: str, first: bool = True) -> Iterator[str]:
    for line in stream:
        if first and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8):]
        first = False
        yield _decode_line(line, legacy)


# --- writing CSV ---------------------------------------------------------------------

_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: First characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_STARTS = "=+-@\t\r"

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

# A cell neutralised by spreadsheet_safe: its apostrophe, then apostrophes and a formula start.
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")

_RISKY_STARTS = frozenset(FORMULA_STARTS + "'")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a CSV cell that a spreadsheet shows as text and never runs as a formula.

    OWASP's rule: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return gets a leading apostrophe (spreadsheets hide it). Numbers
    are left alone (``-36.2`` stays a number). Text that already starts with
    apostrophes followed by one of those characters gets one more apostrophe,
    so that :func:`spreadsheet_text` gives back exactly the original text.
    """
    if not text or text[0] not in _RISKY_STARTS:
        return text
    if (text[0] != "'" and not _NUMBER.fullmatch(text)) or _NEUTRALISED.match(text):
        return "'" + text
    return text


def spreadsheet_text(cell: str) -> str:
    """The text :func:`spreadsheet_safe` was given (reading back a CSV that geomap wrote)."""
    return cell[1:] if cell.startswith("'") and _NEUTRALISED.match(cell) else cell


def cell_text(value: Any) -> str:
    """How geomap writes one value in a CSV cell.

    Missing values (None, NaN) are empty; floats take their shortest exact
    form; a control character becomes U+FFFD (a NUL would make the file read
    back as binary, and control characters carry no text); text that a
    spreadsheet would run as a formula is neutralised (:func:`spreadsheet_safe`).
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if value != value else repr(value)
    if isinstance(value, str):
        return spreadsheet_safe(_CONTROL_CHARS.sub("\ufffd", value))
    return _CONTROL_CHARS.sub("\ufffd", str(value))


def write_csv_rows(handle: IO[str], columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
                   header: bool = True) -> None:
    """Write ``rows`` (one value per column, in order) as CSV, the header first unless ``header`` is False."""
    writer = csv.writer(handle, lineterminator="\n")
    if header:
        writer.writerow(columns)
    writer.writerows([cell_text(v) for v in row] for row in rows)


def delimiter(text: str) -> str:
    """The field separator: ``,`` unless the header line has more ``;`` or tabs.

    Spreadsheets in locales with a decimal comma save "CSV" with semicolons.
    """
    first = text[: text.find("\n")] if "\n" in text[:65536] else text[:65536]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","
