"""Dates as tables and corpora write them: one month table, one parser, one report-date check.

Text mentions of dates ("on Tuesday", "3 May") are found by
:mod:`geomap.extract.dates`; this module reads the date *fields* of event
tables and corpus records, and the report date a user gives.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from geomap.errors import InputError

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",),
            ("June", "Jun"), ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"),
            ("October", "Oct"), ("November", "Nov"), ("December", "Dec"),
        ]
    )
    for name in names
}


WEEKDAYS = {d: i for i, d in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])}

_MONTH_KEYS = {name.casefold(): number for name, number in MONTHS.items()}
_FULL_MONTHS = tuple(max((n.casefold() for n, m in MONTHS.items() if m == number), key=len) for number in range(1, 13))


def as_date(value: dt.date | str | None, what: str = "report_date") -> dt.date | None:
    """Return ``value`` as a date: a :class:`datetime.date`, an ISO ``YYYY-MM-DD`` string or None.

    Parameters
    ----------
    value : datetime.date, str or None
        The date a user gave.
    what : str
        How to name the value in the error message.

    Raises
    ------
    InputError
        If ``value`` is a string that is not an ISO date.
    """
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not YYYY-MM-DD") from None


def month_number(name: str) -> int:
    """Return the number of a month named in full, abbreviated or by a prefix of three letters or more."""
    key = name.casefold().rstrip(".")
    if key in _MONTH_KEYS:
        return _MONTH_KEYS[key]
    if len(key) >= 3:
        for number, full in enumerate(_FULL_MONTHS, start=1):
            if full.startswith(key):
                return number
    raise ValueError(f"unknown month {name!r}")


_RE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


_RE_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")


_RE_NAMED = re.compile(r"(\d{1,2})[-\s]+([A-Za-z]+)\.?,?[-\s]+(\d{2}|\d{4})")


_RE_NAMED_US = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


def parse_date(text: str, *, slash_order: str = "mdy", today: dt.date | None = None) -> dt.date:
    """Parse a date as ACLED exports and spreadsheets write it.

    Parameters
    ----------
    text : str
        ``2020-05-09``; ``9-May-20`` / ``09-May-2020`` / ``09 May 2020`` (day,
        month name, year); ``May 9, 2020``; ``5/9/2020`` / ``5/9/20`` (slashes).
    slash_order : {"mdy", "dmy"}
        How to read slash dates. ACLED's exports opened in a US-locale
        spreadsheet write month/day/year, hence the default; a day above 12
        in the first place is an error under "mdy" (see :func:`slash_order_of`
        to decide per file).
    today : datetime.date, optional
        Pivot for two-digit years (defaults to today): ``yy`` is 20yy unless
        that is more than a year in the future, then 19yy.

    Returns
    -------
    datetime.date

    Raises
    ------
    ValueError
        With a message quoting the text.
    """
    if slash_order not in ("mdy", "dmy"):
        raise ValueError(f"slash_order must be 'mdy' or 'dmy', not {slash_order!r}")
    value = text.strip()
    try:
        if m := _RE_ISO.fullmatch(value):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _RE_SLASH.fullmatch(value):
            first, second = int(m[1]), int(m[2])
            month, day = (first, second) if slash_order == "mdy" else (second, first)
            return dt.date(_full_year(m[3], today), month, day)
        if m := _RE_NAMED.fullmatch(value):
            return dt.date(_full_year(m[3], today), month_number(m[2]), int(m[1]))
        if m := _RE_NAMED_US.fullmatch(value):
            return dt.date(int(m[3]), month_number(m[1]), int(m[2]))
    except ValueError as exc:
        raise ValueError(f"date {text!r} is not a valid date ({exc})") from None
    raise ValueError(f"date {text!r} is not in a known format (e.g. 2020-05-09, 9-May-20, 09 May 2020, 5/9/2020)")


def _full_year(text: str, today: dt.date | None) -> int:
    if len(text) == 4:
        return int(text)
    now = today or dt.date.today()
    year = 2000 + int(text)
    return year if year <= now.year + 1 else year - 100


def slash_order_of(values: Iterable[str]) -> str:
    """Decide how a column of slash dates is to be read: ``"mdy"`` or ``"dmy"``.

    A file is read one way throughout: ``"dmy"`` if some date has a first
    number above 12 and none has a second number above 12, else ``"mdy"``
    (ACLED's and US spreadsheets' order). Dates that contradict the choice
    are then reported as invalid rather than silently read the other way.
    """
    first_big = second_big = False
    for value in values:
        if m := _RE_SLASH.fullmatch(value.strip()):
            first_big |= int(m[1]) > 12
            second_big |= int(m[2]) > 12
    return "dmy" if first_big and not second_big else "mdy"
