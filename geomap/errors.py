"""Exceptions raised by geomap.

Every error a user can cause derives from :class:`GeomapError`; the CLI
prints its message on one line and exits with status 1 (2 for a
:class:`UsageError`; no traceback unless ``--debug``).
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


class UsageError(InputError):
    """The command asks for something geomap refuses to do (an output on an input, two outputs on one
    path, a folder geomap did not write); the CLI exits with status 2, as for a bad option."""


class GazetteerError(GeomapError):
    """The gazetteer data is missing, damaged or cannot be built."""


class GeomapWarning(UserWarning):
    """Something in an input was set aside without dropping what was asked for (an unreadable document
    date: the document is extracted without it); the CLI prints it as a warning."""
