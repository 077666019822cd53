"""Cell values as spreadsheets and exports write them: missing, counts, coordinates."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from geomap.errors import shown
from geomap.schema import MAX_FATALITIES

PathLike = str | os.PathLike[str]

def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if type(value) is str:
        return not value or value.isspace()
    if value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and (not value or value.isspace())


INT_TEXT = re.compile(r"[+-]?\d+(\.0*)?")


_INT64_LIMIT = 2**63  # Int64 columns hold -2**63 .. 2**63 - 1


_MAX_DIGITS = 30


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+")


def check_count(value: Any, column: str = "fatalities") -> tuple[int | None, list[str]]:
    """Check one casualty count by the rule the table readers apply to a row.

    Parameters
    ----------
    value : Any
        The count as given (``12``, ``"12"``, ``2.5``, ``-5``, ``"many"``).
    column : str
        Its column, named in the problems.

    Returns
    -------
    (int or None, list of str)
        The whole number in ``[0, MAX_FATALITIES]``, else ``None``; and what
        is wrong with the value (empty when nothing is).
    """
    problems: list[str] = []
    number = checked_int({column: value}, column, 0, MAX_FATALITIES, problems)
    return (None if problems else number), problems


def checked_int(row: Mapping[str, Any], column: str, low: int, high: int | None, problems: list[str]) -> int | None:
    value = row.get(column)
    if value is None:
        return None
    number = to_int(value)
    if number is None:
        problems.append(f"{column} {shown(value)} is not a whole number")
        return None
    if not -_INT64_LIMIT <= number < _INT64_LIMIT:
        text = str(value).strip()
        problems.append(f"{column} {text[:24]}{'...' if len(text) > 24 else ''} is out of range")
        return None
    if number < low:
        problems.append(f"{column} {number} is negative" if low == 0 else f"{column} {number} is below {low}")
        return number
    if high is not None and number > high:
        problems.append(f"{column} {number} is above {high:,}" + (" (absurd count)" if high == MAX_FATALITIES else ""))
    return number


def to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if math.isfinite(value) and float(value).is_integer() else None
    text = str(value).strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not INT_TEXT.fullmatch(text):
        return None
    digits = text.split(".")[0]
    if len(digits.lstrip("+-")) > _MAX_DIGITS:
        # Python refuses int() of thousands of digits; anything this long is out of range anyway.
        return -_INT64_LIMIT - 1 if digits.startswith("-") else _INT64_LIMIT
    return int(digits)


def to_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = str(value).strip()
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")  # 36,2 from a decimal-comma locale
    try:
        return float(text)
    except ValueError:
        return None


_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def coordinate(value: Any, column: str, problems: list[str]) -> float | None:
    """The finite number in ``value``, else None with the problem noted."""
    if value is None:
        other = "longitude" if column == "latitude" else "latitude"
        problems.append(f"{column} is missing ({other} is given)")
        return None
    number = to_float(value)
    if number is None:
        problems.append(f"{column} {shown(value)} is not a number")
        return None
    if not math.isfinite(number):
        problems.append(f"{column} is {number} (not a finite number)")
        return None
    return number
