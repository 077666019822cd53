"""Where outputs may go: never onto an input, never two on one path, and only over folders geomap wrote.

Every verb checks its outputs with :func:`check_outputs` before it reads
anything: an output that is an input (a report, a table, the ``--gazetteer``
file), that lies inside an input folder or holds an input, or that shares
its path with another output of the same run is refused with a
:class:`~geomap.errors.UsageError` (exit status 2).

A partitioned GeoParquet output is a folder of parts (:class:`PartsFolder`):
it is built beside its final place and renamed over it at the end, and
geomap writes a marker file (:data:`MARKER`) into it. A later run replaces
only a folder that carries that marker, or an empty one: a folder of the
user's own is never emptied (:func:`check_parts_folder`).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from geomap.errors import InputError, UsageError

PathLike = str | os.PathLike[str]

#: The file geomap writes into every folder of parts it makes; only such a folder is replaced.
MARKER = ".geomap-parts"
_MARKER_TEXT = ("This folder was written by geomap (a partitioned GeoParquet table).\n"
                "The next geomap run writing to it replaces all of it; remove this file to keep it.\n")


#: What ``geomap extract -o`` writes (see :func:`geomap.tables.write_events`); ``.parquet`` is a folder of parts.
TABLE_SUFFIXES = (".csv", ".tsv", ".geojson", ".json", ".parquet", ".geoparquet", ".pq")
#: What ``--mentions`` writes: CSV, or a folder of parts beside ``-o EVENTS.parquet``.
MENTIONS_SUFFIXES = (".csv", ".tsv", ".parquet")


def unknown_suffix(option: str, path: PathLike | None, allowed: tuple[str, ...], *,
                   stdout: bool = False) -> str | None:
    """Why ``path`` cannot be the output of ``option`` (a suffix not in ``allowed``), or None.

    ``-`` (standard output) is accepted when ``stdout`` is True.
    """
    if path is None or (stdout and str(path) == "-"):
        return None
    if Path(path).suffix.lower() in allowed:
        return None
    return f"{path}: unknown output format for {option} (use {', '.join(allowed)})"


def check_outputs(outputs: Mapping[str, PathLike | None], inputs: Iterable[PathLike]) -> None:
    """Refuse outputs that would destroy an input or each other.

    Parameters
    ----------
    outputs : mapping of str to path or None
        Each output by the option that names it (``{"-o": "events.csv",
        "--mentions": "m.csv"}``); ``-`` is standard output, None is no output.
    inputs : iterable of path
        Every file or folder the run reads, user gazetteer included; ``-``
        (standard input) is ignored.

    Raises
    ------
    UsageError
        When an output is an input, lies inside an input folder, is a folder
        holding an input, or two outputs share a path (or both write to
        standard output). The message names the output.
    """
    given = [(option, str(path)) for option, path in outputs.items() if path is not None]
    sources = [str(item) for item in inputs if str(item) != "-"]
    seen: dict[str, str] = {}
    for option, path in given:
        key = "-" if path == "-" else _identity(path)
        if key in seen:
            where = "standard output" if key == "-" else "the same file"
            raise UsageError(f"{seen[key]} and {option} both write to {where}; give each output its own path",
                             path=None if key == "-" else path)
        seen[key] = option
        if path != "-":
            _refuse_over_inputs(path, sources)


def _identity(path: str) -> str:
    """One name per file: symbolic links, ``..`` and relative paths resolved."""
    return os.path.realpath(path)


def _refuse_over_inputs(output: str, inputs: list[str]) -> None:
    out = Path(_identity(output))
    for item in inputs:
        source = Path(_identity(item))
        if source == out or _same_file(output, item):
            raise UsageError("refusing to overwrite an input; choose another output path", path=output)
        if source.is_dir() and out.is_relative_to(source):
            raise UsageError(f"refusing to write inside the input folder {item}; choose another output path",
                             path=output)
        if source.is_relative_to(out):
            raise UsageError(f"refusing to write over a folder holding the input {item}; choose another output path",
                             path=output)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)  # hard links, and names a case-insensitive file system folds together
    except OSError:
        return False


def check_parts_folder(path: PathLike) -> None:
    """Refuse to replace ``path`` unless it is absent, an empty folder, or a folder geomap wrote.

    Raises
    ------
    UsageError
        When ``path`` is a file, or a folder with content and no :data:`MARKER`.
    """
    folder = Path(path)
    if not os.path.lexists(folder):
        return
    if not folder.is_dir():
        raise UsageError("exists and is not a folder of parts; choose another output (or remove it)",
                         path=str(path))
    if (folder / MARKER).is_file():
        return
    try:
        empty = next(os.scandir(folder), None) is None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if not empty:
        raise UsageError("is a folder geomap did not write (no geomap marker file in it); refusing to replace "
                         "its contents: choose another output, or empty or remove it yourself", path=str(path))


class PartsFolder:
    """An output folder of Parquet parts, built aside and renamed over ``final`` on :meth:`commit`.

    The folder under construction (:attr:`tmp`, a hidden sibling of
    ``final``) holds :data:`MARKER`, and has the permissions a folder made
    with ``mkdir`` would have. ``final`` is checked now and again on commit
    (:func:`check_parts_folder`).
    """

    def __init__(self, final: Path) -> None:
        self.final = final
        check_parts_folder(final)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
            os.chmod(self.tmp, 0o777 & ~_umask())  # mkdtemp's folders are private (0700)
            (self.tmp / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", path=str(final)) from None

    def commit(self) -> None:
        """Put the parts in place, replacing a previous folder of parts."""
        check_parts_folder(self.final)
        try:
            if self.final.is_dir():
                old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
                os.replace(self.final, old)
                os.replace(self.tmp, self.final)
                _remove_tree(old)
            else:
                os.replace(self.tmp, self.final)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", path=str(self.final)) from None

    def discard(self) -> None:
        """Remove the folder under construction (nothing, after a commit)."""
        _remove_tree(self.tmp)


def _remove_tree(folder: Path) -> None:
    """Remove a folder geomap made, even one a user made read-only."""
    def writable_then_retry(function: Callable[[str], object], path: str, _exc: object) -> None:
        try:
            os.chmod(os.path.dirname(path), stat.S_IRWXU)
            function(path)
        except OSError:
            pass

    if folder.exists():
        shutil.rmtree(folder, onerror=writable_then_retry)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
