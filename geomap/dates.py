"""Dates as tables and corpora write them: one month table, two parsers, one report-date check.

Text mentions of dates ("on Tuesday", "3 May") are found by
:mod:`geomap.extract.dates`; this module reads the date *fields* of event
tables (:func:`parse_date`, strict: a table's dates are data to check) and of
corpus records (:func:`parse_dateline`, lenient: a document's date is written
as its site or wire published it), and the report date a user gives.
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



def slash_convention(values: Iterable[str], dayfirst: bool | None = None) -> tuple[str, str | None]:
    """How to read a file's slash dates, and a note saying so when the file itself does not tell.

    Parameters
    ----------
    values : iterable of str
        The file's date cells.
    dayfirst : bool, optional
        The user's word (``--dayfirst``): True reads ``03/05/2016`` as 3 May,
        False as March 5; None decides with :func:`slash_order_of`.

    Returns
    -------
    tuple of (str, str or None)
        ``"mdy"`` or ``"dmy"``, and, when the order was not given and no
        date shows it (every number before the year is at most 12, as in
        ``03/05/2016``), a note naming the convention used and the option
        that reads the other.
    """
    if dayfirst is not None:
        return ("dmy" if dayfirst else "mdy"), None
    slashed = [m for value in values if (m := _RE_SLASH.fullmatch(value.strip()))]
    order = slash_order_of(m[0] for m in slashed)
    if not slashed or not all(1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 12 for m in slashed):
        return order, None  # the file shows its order, or its odd dates are reported row by row
    if all(m[1] == m[2] for m in slashed):
        return order, None  # 05/05/2016 reads the same either way
    example, first, second = next((m[0], int(m[1]), int(m[2])) for m in slashed if m[1] != m[2])
    us, uk = _FULL_MONTHS[first - 1].capitalize(), _FULL_MONTHS[second - 1].capitalize()
    count = f"{len(slashed)} dates such as" if len(slashed) > 1 else "the date"
    return order, (f"{count} {example} could be month/day or day/month: read month first, "
                   f"US style ({us} {second}); if the file writes the day first ({first} {uk}), give --dayfirst")

# A document date is dropped when its year lies outside these bounds (a typo, or a timestamp of 0).
_FIRST_YEAR = 1900
# Numbers separated by dots are written day first everywhere they are used (12.04.2016 is 12 April).
_RE_DOTTED = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")
# Two different fillers: a part of the date the text lacks shows up as a difference between the two readings.
_FILLERS = (dt.datetime(1904, 1, 1), dt.datetime(1908, 2, 2))
# The longest dateline read ("3:58 PM ET, Wednesday December 14, 2016 | Updated ..." is far shorter).
_DATELINE_CHARS = 120


def _quoted(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")


def parse_dateline(text: str, *, slash_order: str = "mdy", today: dt.date | None = None) -> dt.date:
    """Read a document's date as news sites and wires publish it.

    Parameters
    ----------
    text : str
        What a corpus record gives as its date: the forms of :func:`parse_date`,
        timestamps (``2016-11-23T16:58:00Z``, ``Wed, 23 Nov 2016 16:58:00 GMT``)
        and datelines as published (``Wed Nov 23, 2016 | 4:58pm EST``,
        ``2016 Oct 10``, ``December 9th 2016``, ``3:58 PM ET, Wed December 14,
        2016``, ``Nov. 22, 2015 MST``), read with python-dateutil. Times and
        time zones are ignored: the day is the one written.
    slash_order : {"mdy", "dmy"}
        How to read all-number dates (``03/05/2016``, ``03-05-2016``); dates
        written with dots (``03.05.2016``) are always day first.
    today : datetime.date, optional
        The latest year accepted is next year (default: from today).

    Returns
    -------
    datetime.date

    Raises
    ------
    ValueError
        When the text lacks a day, a month or a year ("Nov 23", "Dec 2016",
        "Monday"), is no date at all, or gives a year before 1900 or after
        next year; the message quotes the text.
    """
    value = " ".join(str(text).split())
    if len(value) > _DATELINE_CHARS:
        raise ValueError(f"date {_quoted(value)} is too long to be a date")
    try:
        date = parse_date(value, slash_order=slash_order, today=today)
    except ValueError as exc:
        if _RE_SLASH.fullmatch(value):  # all numbers, and not valid in the order asked for
            raise ValueError(f"{exc}{_other_order_hint(value, slash_order, today)}") from None
        date = _dateline(value, dayfirst=slash_order == "dmy" or bool(_RE_DOTTED.search(value)))
    last = (today or dt.date.today()).year + 1
    if not _FIRST_YEAR <= date.year <= last:
        raise ValueError(f"date {_quoted(value)} gives the year {date.year}, not between {_FIRST_YEAR} and {last}")
    return date


def _other_order_hint(value: str, slash_order: str, today: dt.date | None) -> str:
    """A hint at ``--dayfirst`` when an all-number date is valid read the other way round."""
    other = "dmy" if slash_order == "mdy" else "mdy"
    try:
        parse_date(value, slash_order=other, today=today)
    except ValueError:
        return ""
    if other == "dmy":
        return "; if the corpus writes the day first, give --dayfirst"
    return "; if the corpus writes the month first, leave out --dayfirst"


def _dateline(value: str, *, dayfirst: bool) -> dt.date:
    """A published dateline read by python-dateutil, words around the date (times, zones, bars) skipped."""
    import warnings

    from dateutil import parser

    readings = []
    for filler in _FILLERS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # time zone names it does not know ("ET"): ignored anyway
                readings.append(parser.parse(value, fuzzy=True, dayfirst=dayfirst, default=filler,
                                             ignoretz=True).date())
        except (ValueError, OverflowError):
            raise ValueError(f"date {_quoted(value)} is not a date geomap can read") from None
    if readings[0] != readings[1]:
        raise ValueError(f"date {_quoted(value)} lacks a day, a month or a year")
    return readings[0]
