"""Exceptions raised by geomap.

Every error a user can cause derives from :class:`GeomapError`; the CLI
prints its message on one line and exits with status 1 (no traceback
unless ``--debug``).
"""

from __future__ import annotations


class GeomapError(Exception):
    """Base class for errors caused by input or configuration."""


class InputError(GeomapError):
    """An input file or value cannot be read; the message names the file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


class GazetteerError(GeomapError):
    """The gazetteer data is missing, damaged or cannot be built."""
