"""Whole columns of cells at once: which cells are missing, their text, their numbers.

The rules are those of :mod:`geomap.tables.cells`, which reads one cell; here
they are applied to a column with pandas/pyarrow operations where the cells
are plain (``"12"``, ``"36.2"``), and through the one-cell rule, once per
distinct value, for the rest. So a column of any size costs a few vector
operations plus a Python call per *distinct* odd value, and every value is
read exactly as :mod:`geomap.tables.cells` reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from geomap.frames import STRING_DTYPE
from geomap.tables.cells import is_missing

#: The characters Python's ``str.isspace`` accepts (and ``str.strip`` removes):
#: a cell of only these is missing. Spelt out because pyarrow's notion of
#: white space is not Python's.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")

_BLANK = f"[{WHITESPACE}]*"

# Plain spellings that pyarrow reads exactly as Python's int() / float() do; anything else
# (spaces, signs, thousands separators, decimal commas, "nan") goes through the one-cell rule.
_PLAIN_INT = r"[0-9]{1,18}"
_PLAIN_FLOAT = r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})(?:[eE][+-]?[0-9]{1,2})?"  # always finite


def is_text(series: pd.Series) -> bool:
    """True when ``series`` holds strings in pandas' string dtype."""
    return isinstance(series.dtype, pd.StringDtype)


def as_strings(series: pd.Series) -> pd.Series:
    """An object column whose cells are all strings (or missing) in the string dtype; others unchanged."""
    if series.dtype == object and len(series) and pd.api.types.infer_dtype(series, skipna=True) == "string":
        return series.astype(STRING_DTYPE if STRING_DTYPE is not object else "string")
    return series


def present(series: pd.Series) -> np.ndarray:
    """True for each cell that holds a value (:func:`geomap.tables.cells.is_missing` is False)."""
    if is_text(series):
        return (series.notna() & ~series.str.fullmatch(_BLANK).fillna(False).astype(bool)).to_numpy(dtype=bool)
    if series.dtype == object:
        return np.fromiter((not is_missing(v) for v in series.tolist()), dtype=bool, count=len(series))
    if pd.api.types.is_float_dtype(series.dtype) and series.dtype != "float64":
        # A float32 cell reaches the one-cell rule as a numpy scalar, which it does not take for missing.
        return np.fromiter((not is_missing(v) for v in series.astype(object).tolist()), dtype=bool,
                           count=len(series))
    return series.notna().to_numpy(dtype=bool)


def texts(series: pd.Series, mask: np.ndarray) -> pd.Series:
    """``str(value)`` of the cells in ``mask``, missing elsewhere, in the string dtype."""
    if is_text(series):
        out = series if mask.all() else series.where(mask)
    else:
        values = series.astype(object).tolist()
        out = pd.Series([str(v) if keep else None for v, keep in zip(values, mask)], index=series.index,
                        dtype=object)
    return out.astype(STRING_DTYPE) if out.dtype != STRING_DTYPE else out


def python_values(series: pd.Series, rows: np.ndarray) -> list[Any]:
    """The cells at ``rows`` as the one-cell rules see them (plain Python values)."""
    return series.iloc[rows].astype(object).tolist() if len(rows) else []


def per_distinct(series: pd.Series, rows: np.ndarray, rule: Callable[[Any], Any]) -> list[Any]:
    """``rule(value)`` for the cell of each row in ``rows``, computed once per distinct value.

    Values are told apart by type as well as by value (``1``, ``1.0`` and
    ``True`` are three values to the rules); unhashable cells (lists from
    GeoJSON) are each computed on their own.
    """
    if not len(rows):
        return []
    if series.dtype != object:
        codes, uniques = pd.factorize(series.iloc[rows])
        answers = [rule(v) for v in pd.Series(uniques).astype(object).tolist()]
        return [answers[c] for c in codes.tolist()]
    memo: dict[Any, Any] = {}
    out = []
    for value in python_values(series, rows):
        try:
            key = (type(value), value)
            hash(key)
        except TypeError:
            out.append(rule(value))
            continue
        if key not in memo:
            memo[key] = rule(value)
        out.append(memo[key])
    return out


def distinct_answers(series: pd.Series, rows: np.ndarray, rule: Callable[[Any], Any]) -> tuple[np.ndarray, list[Any]]:
    """Like :func:`per_distinct`, as ``(codes, answers)``: row ``rows[k]``'s answer is ``answers[codes[k]]``.

    For a text column of strings only (missing cells are given to ``rule`` as None).
    """
    if not len(rows):
        return np.zeros(0, dtype=np.int64), []
    codes, uniques = pd.factorize(series.iloc[rows], use_na_sentinel=True)
    answers = [rule(v) for v in uniques.tolist()]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(answers), codes)
        answers.append(rule(None))
    return codes, answers


def replaced(base: pd.Series, rows: np.ndarray, codes: np.ndarray, values: list[str | None]) -> pd.Series:
    """A text column: ``base`` with ``values[codes[k]]`` at row ``rows[k]`` (None: missing).

    Built with arrow operations (a take from the few distinct values), never
    a Python string per row.
    """
    table = pd.array(values, dtype=STRING_DTYPE)
    positions = np.full(len(base), -1, dtype=np.int64)
    positions[rows] = codes
    new = pd.Series(table.take(positions, allow_fill=True), index=base.index)
    if len(rows) == len(base):
        return new
    keep = np.ones(len(base), dtype=bool)
    keep[rows] = False
    return new.mask(keep, base)


def plain_ints(series: pd.Series, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cells of ``mask`` that are plain whole numbers, read without Python.

    Returns ``(plain, values)``: which cells were plain (digits only in text,
    whole finite numbers in a numeric column) and their values as int64
    (0 elsewhere). The other cells of ``mask`` need the one-cell rule.
    """
    values = np.zeros(len(series), dtype=np.int64)
    if is_text(series):
        plain = mask & series.str.fullmatch(_PLAIN_INT).fillna(False).to_numpy(dtype=bool)
        if plain.any():
            values[plain] = series[plain].astype("int64").to_numpy()
        return plain, values
    if pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values[mask] = series[mask].astype("int64").to_numpy()
        return mask.copy(), values
    if series.dtype == "float64":
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        plain = mask & np.isfinite(numbers) & (np.abs(numbers) < 2**53)
        plain[plain] = np.floor(numbers[plain]) == numbers[plain]
        values[plain] = numbers[plain].astype(np.int64)
        return plain, values
    return np.zeros(len(series), dtype=bool), values


def plain_floats(series: pd.Series, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cells of ``mask`` that are plain decimal numbers, read without Python.

    Returns ``(plain, values)`` like :func:`plain_ints`, values as float64
    (NaN elsewhere). pyarrow reads a decimal string to the same double as
    Python's ``float``.
    """
    values = np.full(len(series), np.nan)
    if is_text(series):
        plain = mask & series.str.fullmatch(_PLAIN_FLOAT).fillna(False).to_numpy(dtype=bool)
        if plain.any():
            values[plain] = series[plain].astype("float64").to_numpy()
        return plain, values
    if series.dtype == "float64" or (pd.api.types.is_integer_dtype(series.dtype)
                                     and not pd.api.types.is_bool_dtype(series.dtype)):
        values[mask] = series[mask].to_numpy(dtype="float64", na_value=np.nan)
        plain = mask & np.isfinite(values)
        values[~plain] = np.nan
        return plain, values
    return np.zeros(len(series), dtype=bool), values
