"""Small file helpers shared by every stage: atomic writes, safe outputs."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

from geomap.errors import InputError


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
    """Raise :class:`InputError` if writing ``output`` could change an input.

    ``output`` may not be one of the ``inputs``, nor lie inside an input
    folder (whose files are all read, so a later run would read the output
    back as a report or overwrite one).
    """
    if output is None or str(output) == "-":
        return
    out = Path(output).resolve()
    for item in inputs:
        if str(item) == "-":
            continue
        source = Path(item).resolve()
        if source == out:
            raise InputError("refusing to overwrite an input file; choose another output path", path=str(output))
        if source.is_dir() and out.is_relative_to(source):
            raise InputError(f"refusing to write inside the input folder {item}; choose another output path",
                             path=str(output))


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

