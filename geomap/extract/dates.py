"""Dates in reports: explicit ("3 May 2016", "May 3", "2016-05-03") and relative
("on Tuesday", "yesterday", "late last week", "last month").

Relative expressions are resolved against the report date: a weekday is the
most recent such day on or before it. Each date carries ACLED's
``time_precision``: 1 a day, 2 a week (or a few days), 3 a month.

Without a report date, relative expressions are resolved against the first
full explicit date of the document (a dateline such as "Wed 05 Apr 2017"),
and when there is none they stay unresolved: the event's ``event_date`` is
left empty rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from geomap.dates import MONTHS, WEEKDAYS
from geomap.extract.lexicon import load as load_lexicon

if TYPE_CHECKING:
    from geomap.extract.text import Tokens

_DATES = load_lexicon("dates")

_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_SUFFIXES = _DATES.phrases("day_suffixes")
_MONTH_CUES = _DATES.phrases("month_cues")
_ISO_RE = re.compile(r"\b(?P<y>1\d\d\d|20\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")
_DAY_MONTH_RE = re.compile(rf"\b(?P<day>[0-3]?\d)(?:{'|'.join(_DAY_SUFFIXES)})?\s+(?:of\s+)?{_MONTH}"
                           r"(?:,?\s+(?P<year>1\d\d\d|20\d\d))?\b")
_MONTH_DAY_RE = re.compile(rf"\b{_MONTH}\s+(?P<day>[0-3]?\d)(?:{'|'.join(_DAY_SUFFIXES)})?\b"
                           r"(?!\s*(?:km|kilomet|people|civilians|%))(?:,?\s+(?P<year>1\d\d\d|20\d\d))?")
_MONTH_ONLY_RE = re.compile(rf"\b(?:{'|'.join(_MONTH_CUES)})[\s-]+{_MONTH}(?:\s+(?:of\s+)?(?P<year>1\d\d\d|20\d\d))?\b")
_WEEKDAY_RE = re.compile(r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b")
# A pattern that opens with a word boundary makes the regex engine try every
# position of the text; a bare literal lets it skip ahead to the literal's
# first letters, several times faster.  So the literals every match must hold
# are found first, and the patterns tried only where a match can begin (see
# _anchored).  Month and weekday names start with a capital and go on in lower
# case, so no two occurrences overlap and one scan finds them all; every month
# name starts with one of these abbreviations.
_MONTH_HINT_RE = re.compile("Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_ANY_MONTH_RE = re.compile(rf"\b(?:{_MONTH_HINT_RE.pattern})")
_WEEKDAY_HINT_RE = re.compile("|".join(WEEKDAYS))
_ISO_HINT_RE = re.compile(r"(?:1\d|20)\d\d-\d\d-\d\d")
_WORD_START_RE = re.compile(r"\b\w")
# (keywords, one of which must occur in the lower-cased text, pattern, unit, amount,
# precision); the keyword test skips most patterns on most texts (lexicon/dates.yaml).
_RELATIVE = [
    (tuple(entry["keywords"]), re.compile(entry["pattern"], re.I), entry["unit"], int(entry["amount"]),
     int(entry["precision"]))
    for entry in _DATES["relative"]
]
# The longest text a _RELATIVE pattern matches ("the day before yesterday"); a test checks it.
RELATIVE_MAX_LEN = 24


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text.

    Attributes
    ----------
    date : datetime.date or None
        The resolved date (None when it needs a reference date that is unknown).
    precision : int
        ACLED ``time_precision``: 1 day, 2 week, 3 month.
    start, end : int
        Character span in the text.
    explicit : bool
        True for a calendar date with day, month and year written out.
    """

    date: dt.date | None
    precision: int
    start: int
    end: int
    explicit: bool = False


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_for(month: int, day: int, ref: dt.date | None) -> int | None:
    """The year of a day-month date: the latest one not after the reference."""
    if ref is None:
        return None
    candidate = _safe_date(ref.year, month, day)
    if candidate is not None and candidate > ref + dt.timedelta(days=1):
        return ref.year - 1
    return ref.year


def find_dates(text: str, start: int = 0, end: int | None = None, ref: dt.date | None = None) -> list[DateMention]:
    """Return the date expressions in ``text[start:end]``, resolved against ``ref``.

    Parameters
    ----------
    text : str
        The document.
    start, end : int
        The span to search (a clause or sentence).
    ref : datetime.date, optional
        The report date; relative expressions stay unresolved without it.

    Returns
    -------
    list of DateMention
        In text order, overlapping expressions removed (the explicit one wins).
    """
    return _resolved(_expressions(text, start, len(text) if end is None else end), ref)


def document_dates(tokens: Tokens, ref: dt.date | None = None) -> list[DateMention]:
    """What ``find_dates(tokens.text, ref=ref)`` returns, the text searched once per document
    whatever ``ref`` (events read the dates with the report date, tolls without)."""
    return _resolved(tokens.derived("date_expressions", lambda t: _expressions(t.text, 0, len(t.text))), ref)


class _Expression(NamedTuple):
    """A date expression as written, before a reference date resolves it."""

    kind: str  # "iso", "day" (a day of a month), "month", "weekday" or "relative"
    start: int
    end: int
    date: dt.date | None = None  # "iso": the date
    month: int = 0  # "day", "month"
    day: int = 0  # "day"
    year: int | None = None  # "day", "month": the year written, if any
    weekday: int = 0  # "weekday"
    unit: str = ""  # "relative": what _relative reads
    amount: int = 0
    precision: int = 1


def _expressions(text: str, start: int, end: int) -> list[_Expression]:
    """The date expressions of ``text[start:end]``, unresolved, in the order they are found."""
    lowered = text[start:end].lower()
    found: list[_Expression] = []
    # every ISO date holds a hint match, and there is rarely one: the exact pattern runs only then
    for m in (_ISO_RE.finditer(text, start, end) if _ISO_HINT_RE.search(text, start, end) else ()):
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if d:
            found.append(_Expression("iso", m.start(), m.end(), date=d))
    months = [m.start() for m in _MONTH_HINT_RE.finditer(text, start, end)]
    if next(_anchored(_ANY_MONTH_RE, text, months, end), None) is None:
        months = []
    for regex, starts in ((_DAY_MONTH_RE, _day_starts(text, months, start)), (_MONTH_DAY_RE, months)):
        for m in _anchored(regex, text, starts, end):
            if m["month"] == "May" and regex is _MONTH_DAY_RE and text[m.start() - 1:m.start()] not in ("", " ", "(", ","):
                continue
            found.append(_Expression("day", m.start(), m.end(), month=MONTHS[m["month"]], day=int(m["day"]),
                                     year=int(m["year"]) if m["year"] else None))
    for m in _anchored(_MONTH_ONLY_RE, text, _cue_starts(text, months, start), end):
        found.append(_Expression("month", m.start("month"), m.end(), month=MONTHS[m["month"]],
                                 year=int(m["year"]) if m["year"] else None))
    weekdays = [m.start() for m in _WEEKDAY_HINT_RE.finditer(text, start, end)] if "day" in lowered else []
    for m in _anchored(_WEEKDAY_RE, text, weekdays, end):
        found.append(_Expression("weekday", m.start(), m.end(), weekday=WEEKDAYS[m["wd"]]))
    # Case-insensitive matching pairs "ı" with "i" and "ſ" with "s", which lower() does not,
    # and "İ" lowers to two characters: elsewhere the keywords found in `lowered` are
    # where a match of the case-insensitive pattern lies.
    aligned = len(lowered) == end - start and "\u0131" not in lowered and "\u017f" not in lowered
    for keywords, regex, unit, amount, precision in _RELATIVE:
        hits = [(k, len(keyword)) for keyword in keywords for k in _occurrences(lowered, keyword)]
        if not hits:
            continue
        matches = _anchored(regex, text, _words_around(text, hits, start), end) if aligned else regex.finditer(text, start, end)
        for m in matches:
            found.append(_Expression("relative", m.start(), m.end(), unit=unit, amount=amount, precision=precision))
    return found


def _resolved(expressions: list[_Expression], ref: dt.date | None) -> list[DateMention]:
    """The dates ``expressions`` say, read against ``ref``: overlapping ones and implausible dates left out."""
    found: list[DateMention] = []
    for e in expressions:
        if e.kind == "iso":
            found.append(DateMention(e.date, 1, e.start, e.end, True))
        elif e.kind == "day":
            year = e.year or _year_for(e.month, e.day, ref)
            d = _safe_date(year, e.month, e.day) if year else None
            if d or year is None:
                found.append(DateMention(d, 1, e.start, e.end, e.year is not None))
        elif e.kind == "month":
            year = e.year or _year_for(e.month, 1, ref)
            found.append(DateMention(_safe_date(year, e.month, 1) if year else None, 3, e.start, e.end))
        elif e.kind == "weekday":
            d = ref - dt.timedelta(days=(ref.weekday() - e.weekday) % 7) if ref is not None else None
            found.append(DateMention(d, 1, e.start, e.end))
        else:
            found.append(DateMention(_relative(ref, e.unit, e.amount), e.precision, e.start, e.end))
    return [d for d in _non_overlapping(found) if _plausible(d.date, ref)]


# A year alone dates nothing to the day or month (ACLED codes no such event), but says when an
# event told in the past tense happened: "in 2013", "in mid-2014", "during 2012".
_EVENT_NOUNS = r"(?i:" + _DATES.alternation("event_nouns") + r")\b"
_YEAR_ONLY_RE = re.compile(
    r"(?i:\b(?:in|during)\s+(?:(?:early|mid|late)[\s-]+)?)(?P<year>1[89]\d\d|20\d\d)\b(?![-/]\d)"
    # a year naming a war or another event: "in the 1967 Six Day War", "during the 2011 uprising"
    # (a name in capitals and lower case, never a count: "after the 2000 people fled")
    r"|(?i:\b(?:in|during)\s+the\s+)(?P<named>1[89]\d\d|20\d\d)\s+(?=[A-Z][a-z]|" + _EVENT_NOUNS + r")"
    r"|(?i:\b(?:since|after|before)\s+the\s+)(?P<since>1[89]\d\d|20\d\d)\s+(?=" + _EVENT_NOUNS + r")",
)


def find_years(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield ``(year, char_start)`` for each year given alone in ``text[start:end]`` ("in 2013", "in mid-2014").

    :func:`find_dates` leaves these out: they say no day or month.
    """
    for m in _YEAR_ONLY_RE.finditer(text, start, len(text) if end is None else end):
        yield int(m["year"] or m["named"] or m["since"]), m.start()


def _anchored(regex: re.Pattern[str], text: str, starts: Iterable[int], end: int) -> Iterator[re.Match[str]]:
    """The matches ``regex.finditer(text, start, end)`` yields, trying only ``starts``.

    ``starts`` must be ascending, from ``start`` on, and hold every position
    where a match can begin; ``regex`` must not match the empty string.
    Like ``finditer``, a match begins no earlier than the previous one ends.
    """
    resume = 0
    for at in starts:
        if at >= resume and (m := regex.match(text, at, end)) is not None:
            yield m
            resume = m.end()


def _space_before(text: str, at: int, start: int, extra: str = "") -> int:
    """Where the run of white space (and ``extra`` characters) ending at ``at`` begins."""
    while at > start and (text[at - 1].isspace() or text[at - 1] in extra):
        at -= 1
    return at


def _day_starts(text: str, months: list[int], start: int) -> list[int]:
    """Where a "3 May" / "3rd of May" date can begin, given where month names begin.

    Between the day and the month there is only white space, "of" and white
    space, and a suffix: read back from the month, the day ends at one of
    two places and starts one or two characters before that.
    """
    starts = set()
    for month in months:
        gap = _space_before(text, month, start)
        if gap == month:
            continue
        day_ends = [gap]
        if gap - 2 >= start and text[gap - 2:gap] == "of" and (before_of := _space_before(text, gap - 2, start)) < gap - 2:
            day_ends.append(before_of)
        for end in day_ends:
            digits_end = (end, end - 2) if end - 2 >= start and text[end - 2:end] in _DAY_SUFFIXES else (end,)
            starts.update(at for e in digits_end for at in (e - 1, e - 2) if at >= start)
    return sorted(starts)


def _cue_starts(text: str, months: list[int], start: int) -> list[int]:
    """Where an "in May" / "since-March" expression can begin: a cue word, then white space or hyphens, then the month."""
    starts = []
    for month in months:
        gap = _space_before(text, month, start, "-")
        if gap < month:
            starts.extend(gap - len(cue) for cue in _MONTH_CUES
                          if gap - len(cue) >= start and text.startswith(cue, gap - len(cue)))
    return sorted(set(starts))


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def _words_around(text: str, hits: list[tuple[int, int]], start: int) -> list[int]:
    """Word starts from which a relative expression could reach a keyword
    found at ``(offset from start, length)``: at most RELATIVE_MAX_LEN before its end."""
    starts = set()
    for offset, length in hits:
        at = start + offset
        lo = max(start, at + length - RELATIVE_MAX_LEN)
        starts.update(m.start() for m in _WORD_START_RE.finditer(text, lo, at + 1))
    return sorted(starts)


# An event is reported after it happens: a date after the report (plus a day for time
# zones) is a plan or a deadline, and a date before 1900 a historical reference.
_EARLIEST = dt.date(1900, 1, 1)


def _plausible(date: dt.date | None, ref: dt.date | None) -> bool:
    if date is None:
        return True
    if date < _EARLIEST:
        return False
    return ref is None or date <= ref + dt.timedelta(days=1)


def _relative(ref: dt.date | None, unit: str, amount: int) -> dt.date | None:
    if ref is None:
        return None
    monday = ref - dt.timedelta(days=ref.weekday())
    if unit == "days":
        return ref + dt.timedelta(days=amount)
    if unit == "weekend":
        # the most recent Saturday on or before the report date
        return ref - dt.timedelta(days=(ref.weekday() - 5) % 7)
    if unit == "lastweek":
        return monday - dt.timedelta(days=7) + dt.timedelta(days=amount)
    if unit == "thisweek":
        return monday
    first = ref.replace(day=1)
    if unit == "lastmonth":
        return (first - dt.timedelta(days=1)).replace(day=1)
    return first


def _non_overlapping(found: list[DateMention]) -> list[DateMention]:
    found.sort(key=lambda d: (not d.explicit, d.precision, d.start - d.end))
    # kept spans never overlap, so sorted by start their ends are sorted too:
    # one bisection finds the only neighbours a new span could overlap
    kept: list[DateMention] = []
    starts: list[int] = []
    for mention in found:
        k = bisect_right(starts, mention.start)
        if k > 0 and kept[k - 1].end > mention.start:
            continue
        if k < len(kept) and kept[k].start < mention.end:
            continue
        kept.insert(k, mention)
        starts.insert(k, mention.start)
    return kept


#: How far into a document its dateline may stand (characters).
DATELINE_REACH = 400


def dateline(text: str) -> dt.date | None:
    """Return the first full explicit date of a document (its dateline), if any."""
    mention = dateline_mention(text)
    return mention.date if mention is not None else None


def printed_date(text: str) -> dt.date | None:
    """The date a report prints at its head ("Fri Apr 29 2016 ...", "16 October 2017 Rebel shelling ...",
    "Published July 20 2015", "... AFP Tuesday 6 Aug 2013"), if any: its first full date, opening
    the text or right after a weekday or a word of publication, and not told as a day of something
    ("On Tuesday 5 May 2020, ...", "Since 1 January 2020, ...", "a truce signed 5 March 2020")."""
    mention = dateline_mention(text)
    if mention is None:
        return None
    before = text[max(0, mention.start - _CUE_REACH):mention.start].lower().split()
    if before[-1:] and before[-1] in _PRINTED_CUES:
        # "Published 20 July", "Fri Apr 29 2016", "Date of publication 16 October" (not "On Tuesday 5 May")
        return None if before[-2:-1] and before[-2] in _TOLD_OF - {"of"} else mention.date
    if not _TOLD_OF.isdisjoint(before[-2:]):
        return None
    return mention.date if mention.start <= PRINTED_REACH else None


#: How far into a report its printed date may start uncued (a quote mark, a bracket), and how far
#: before it a cue ("Published", a weekday) is looked for
PRINTED_REACH = 3
_CUE_REACH = 30
_PRINTED_CUES = frozenset(("published", "publication", "updated", "posted",
                           *(day.lower() for day in WEEKDAYS), *(day[:3].lower() for day in WEEKDAYS)))
# Words that make a date a day of something told, not the report's
_TOLD_OF = frozenset(("on", "since", "in", "of", "from", "until", "till", "by", "after", "before", "signed", "hours",
                      "early", "late", "between", "and", "to"))


@lru_cache(maxsize=4)
def dateline_mention(text: str) -> DateMention | None:
    """The first full explicit date of a document within :data:`DATELINE_REACH` characters, if any
    (remembered for the last few documents: a report's date and its events' both ask for it)."""
    return next((m for m in find_dates(text, 0, min(len(text), DATELINE_REACH)) if m.explicit and m.date), None)
