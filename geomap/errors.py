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


def shown(value: object, limit: int = 80) -> str:
    """A user's value as a message quotes it (``repr``), cut short when long: one readable line.

    Parameters
    ----------
    value : object
        The value read.
    limit : int
        The most characters of it shown.

    Returns
    -------
    str
        ``repr(value)``, or the ``repr`` of its first ``limit`` characters and an ellipsis.
    """
    text = repr(value)
    if len(text) <= limit + 2:
        return text
    return repr(str(value)[:limit] + "…")

