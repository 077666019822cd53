"""Checking an event table: every problem named with its line, nothing dropped silently.

Each problem is reported as ``FILE:LINE: message`` (the physical line of the
record in a CSV, header = line 1; ``feature N`` / ``row N`` for GeoJSON /
GeoParquet, counted from 1) and the row is kept and flagged, or, with
``strict=True``, rejected. Rows with a ``location`` but no coordinates are
geocoded against the gazetteer. The checks themselves are
:mod:`geomap.tables.check`'s, a column at a time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geomap.frames import COLUMN_DTYPES, STRING_DTYPE, give_memory_back, points_of
from geomap.schema import EVENT_COLUMNS, FLAGS_COLUMN, load_taxonomy
from geomap.tables.check import bundled_gazetteer, check_table
from geomap.tables.raw import RawTable

if TYPE_CHECKING:
    import geopandas as gpd

PathLike = str | os.PathLike[str]

@dataclass(frozen=True)
class Problem:
    """One validation problem: ``str(problem)`` is ``FILE:WHERE: message``.

    Attributes
    ----------
    path : str
        The table it was found in.
    where : int, str or None
        The CSV line number (an int), or ``"feature N"`` / ``"row N"``; None
        for a problem of the whole table.
    message : str
        What is wrong, and what was done about it.
    """

    path: str
    where: int | str | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.where}: {self.message}" if self.where is not None else f"{self.path}: {self.message}"


@dataclass
class ReadReport:
    """What happened to the rows of one table.

    Every data row (blank rows excepted) is counted once:
    ``read == mapped + flagged + rejected``.

    Attributes
    ----------
    path : str
        The input.
    read : int
        Data rows in the input (rows whose every field is empty are not rows:
        they are counted in ``blank``).
    mapped : int
        Rows kept with a valid point and no problem (including geocoded ones).
    flagged : int
        Rows kept with at least one problem in :data:`FLAGS_COLUMN` (with or
        without a point): ``strict=False`` only.
    rejected : int
        Rows left out of the table because of a problem: ``strict=True`` only.
    geocoded : int
        Rows that had a ``location`` but no coordinates and were located
        through the gazetteer (part of ``mapped``).
    unlocated : int
        Rows whose ``location`` the gazetteer does not know (flagged or rejected).
    blank : int
        Empty rows skipped.
    problems : list of Problem
        Every problem, in file order.
    notes : list of str
        Remarks on the whole file, such as the order its slash dates were read in.
    """

    path: str
    read: int = 0
    mapped: int = 0
    flagged: int = 0
    rejected: int = 0
    geocoded: int = 0
    unlocated: int = 0
    blank: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no row was flagged or rejected."""
        return not self.problems

    def __deepcopy__(self, memo: dict[int, Any]) -> ReadReport:
        # pandas deep-copies ``DataFrame.attrs`` on every operation; a report
        # of many problems would make each filter slow, and it describes the
        # file as read, so derived tables share it.
        return self

    def summary(self) -> str:
        """One line: ``FILE: N rows read: M clean (G geocoded), F flagged, R rejected``.

        Clean rows (``mapped``) have a point and no problem; flagged rows are kept, their problems in
        :data:`FLAGS_COLUMN` (a map draws those that have a point); rejected rows are left out.
        """
        parts = [f"{self.mapped} clean" + (f" ({self.geocoded} geocoded)" if self.geocoded else "")]
        parts.append(f"{self.flagged} flagged")
        parts.append(f"{self.rejected} rejected")
        tail = f"; {self.blank} blank rows skipped" if self.blank else ""
        return f"{self.path}: {self.read} rows read: {', '.join(parts)}{tail}"

    def __str__(self) -> str:
        return "\n".join([*map(str, self.problems), self.summary()])


def validate_raw(raw: RawTable, *, strict: bool, gazetteer: Any,
                 dayfirst: bool | None = None, geometry: bool = True) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """Check every row of a raw table; return the typed table and what happened to its rows.

    ``dayfirst`` says how slash dates are read (None: the file's own dates
    decide, and ``report.notes`` says so when they cannot). With
    ``geometry=False`` the table is a plain DataFrame without Point
    geometries (a million of them take about as much memory as the notes).
    """
    import geopandas as gpd

    checked = check_table(raw, taxonomy=load_taxonomy(), gazetteer=gazetteer, load_gazetteer=bundled_gazetteer,
                          dayfirst=dayfirst)
    report = ReadReport(raw.path, read=len(raw), blank=raw.blank, notes=list(checked.notes))
    flagged = np.zeros(len(raw), dtype=bool)
    flags = np.full(len(raw), None, dtype=object)
    for row, messages in sorted(checked.problems.items()):
        flagged[row] = True
        flags[row] = "; ".join(messages)
        where = raw.where(row)
        report.problems.extend(Problem(raw.path, where, m) for m in messages)
    report.unlocated = int(checked.unlocated.sum())
    report.mapped = int((~flagged).sum())
    report.geocoded = int((checked.geocoded & ~flagged).sum())
    if strict:
        report.rejected = int(flagged.sum())
    else:
        report.flagged = int(flagged.sum())
    columns = {**checked.columns, FLAGS_COLUMN: pd.Series(flags, dtype=STRING_DTYPE)}
    order = [*EVENT_COLUMNS, *checked.extras, FLAGS_COLUMN]
    frame = pd.DataFrame({name: _column(columns[name], COLUMN_DTYPES.get(name, STRING_DTYPE))
                          for name in order}, columns=order, copy=False)
    if strict and flagged.any():
        frame = frame[~flagged].reset_index(drop=True)
    del checked, columns
    give_memory_back()
    if not geometry:
        frame.attrs["report"] = report
        return frame, report
    table = gpd.GeoDataFrame(frame, geometry=points_of(frame["latitude"], frame["longitude"]), crs="EPSG:4326")
    table.attrs["report"] = report
    return table, report


def _column(values: Any, dtype: Any) -> Any:
    """A checked column as the schema's dtype (they already are; a plain array becomes a Series)."""
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    return pd.Series(values, dtype=dtype if dtype != "Int64" or isinstance(values, pd.api.extensions.ExtensionArray)
                     else "Int64")
