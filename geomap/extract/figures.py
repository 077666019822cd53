"""Casualty figures: "killing at least 12 people", "two dead", "dozens were wounded".

The conventions (qualifiers, vague quantities, the most conservative figure)
live in ``lexicon/numbers.yaml`` with the reasons for them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache

from geomap.dates import MONTHS
from geomap.extract.dates import document_dates
from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.text import Tokens, phrase_table, positions

_NUMBERS = load_lexicon("numbers")

_STOP_AFTER = _NUMBERS.words("stop_after")
_COMBINED = _NUMBERS.words("combined")
_YEAR_CUES = _NUMBERS.words("year_cues")


@dataclass(frozen=True)
class Figure:
    """A casualty figure found in text.

    Attributes
    ----------
    value : int
        The coded figure (qualifiers dropped, vague words per the lexicon).
    kind : str
        ``"killed"`` or ``"wounded"``.
    start, end : int
        Character span of the figure's words in the text.
    vague : bool
        Read from a vague quantity ("dozens", "several"): ``value`` is its lowest reading.
    part : bool
        A part of a toll said to be among the dead ("three children were
        among the dead"): a lower bound of it, not a report of the whole.
    additional : bool
        Told as more than a toll already given ("another 14", "a further
        five"): the toll of another event, not another report of one.
    stated : bool
        The toll the report says it codes ("fatalities coded as 3"), already
        shared among the events it is split between: it overrides every
        other figure of the event.
    shares : int
        Not a toll but how many events the event's toll is split between
        ("Fatalities split between two events"): 0 for a toll.
    """

    value: int
    kind: str
    start: int
    end: int
    vague: bool = False
    additional: bool = False
    part: bool = False
    stated: bool = False
    shares: int = 0


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    lex = load_lexicon("numbers")
    units = {str(k): int(v) for k, v in lex["units"].items()}
    multipliers = {str(k): int(v) for k, v in lex["multipliers"].items()}
    vague = phrase_table((k, int(v)) for k, v in lex["vague"].items())
    kill = phrase_table((w, "killed") for w in lex["killed_words"])
    kill.update(phrase_table((w, "wounded") for w in lex["wounded_words"]))
    zero = phrase_table((w, 0) for w in lex["zero_phrases"])
    heads = frozenset(phrase.split()[0] for phrase in kill)
    longest = max(len(phrase.split()) for phrase in kill)
    zero_heads = frozenset(phrase.split()[0] for phrase in zero)
    times = tuple(tuple(str(w).lower().split()) for w in lex["time_words"])
    return {
        "units": units, "multipliers": multipliers, "vague": vague, "words": kill, "zero": zero,
        "heads": heads, "longest": longest, "zero_heads": zero_heads, "times": times,
        "things": frozenset(str(w) for w in lex["counted_things"]),
        "additional": frozenset(str(w) for w in lex["additional"]),
        "qualifier_words": frozenset(word for phrase in lex["qualifiers"] for word in str(phrase).split()),
        "toll_subjects": frozenset(str(w) for w in lex["toll_subjects"]),
        "rise_verbs": frozenset(str(w) for w in lex["rise_verbs"]),
        "toll_reach": int(lex["toll_reach"]),
        "wound_words": frozenset(str(w) for w in lex["wounded_words"]),
        "labels": frozenset(str(w).lower() for w in lex["label_words"]),
        # a group's members ("23 members of the al-Nusra Front"), from the actor lexicon
        "members": frozenset(str(w) for w in load_lexicon("actors")["member_nouns"]),
        "one_person": frozenset(str(w) for w in lex["one_person"]),
        # nouns for people, singular and plural: a count of them is no count of things
        "people": frozenset(str(w) for w in lex["one_person"] + lex["people"])
        | frozenset(str(w) for w in load_lexicon("actors")["member_nouns"]),
        # the words that may stand between a kill word and its figure
        "fillers": frozenset(word for phrase in lex["qualifiers"] + lex["toll_fillers"] + lex["rise_verbs"]
                             for word in str(phrase).split()),
    }


def _figure_starts(tokens: Tokens) -> list[int]:
    """Ascending indices of the tokens a figure (or a zero phrase) can start at: digits and number words."""
    words = _figure_words()
    return tokens.derived("figure_starts", lambda t: sorted(
        positions(map(str.isdecimal, t.low)) + positions(map(words.__contains__, t.low))))


@lru_cache(maxsize=1)
def _figure_words() -> frozenset[str]:
    """Number words, multipliers, vague heads ("dozens") and zero phrase heads."""
    lex = _lexicon()
    return frozenset(lex["units"].keys() | lex["multipliers"].keys() | _VAGUE_HEADS | lex["zero_heads"])


def toll_word_positions(tokens: Tokens) -> list[int]:
    """Ascending indices of the tokens that can open a kill/wound phrase (found once per document)."""
    heads = _lexicon()["heads"]
    return tokens.derived("toll_words", lambda t: positions(map(heads.__contains__, t.low)))


def _parse_number(tokens: Tokens, i: int, hi: int) -> tuple[int, int] | None:
    """Parse a figure starting at token ``i``; return ``(value, next_index)``."""
    lex = _lexicon()
    low = tokens.low
    word = low[i]
    if word.isdecimal():
        if len(word) > _MAX_DIGITS:
            return None  # far above any figure; int() of thousands of digits is refused by Python
        value = int(word)
        j = i + 1
        # thousands separators split the figure into tokens: "1,200"
        while j < hi and low[j].isdecimal() and len(low[j]) == 3 and tokens.text[tokens.ends[j - 1]:tokens.starts[j]] == ",":
            value = value * 1000 + int(low[j])
            j += 1
        return value, j
    for n in (4, 3, 2, 1):
        phrase = " ".join(low[i:i + n])
        if i + n <= hi and phrase in lex["vague"]:
            return lex["vague"][phrase], i + n
    units, mult = lex["units"], lex["multipliers"]
    if word not in units and word not in mult:
        return None
    if word in ("a", "an") and _one_person(tokens, i + 1, hi) is not None:
        return 1, i + 1  # "a woman was killed", "killing a child", "a young girl died"
    value, current, j = 0, 0, i
    seen = False
    while j < hi and (low[j] in units or low[j] in mult):
        w = low[j]
        if w in units:
            if w in ("a", "an", "single") and not (j + 1 < hi and low[j + 1] in mult):
                break
            current += units[w]
        elif mult[w] >= 1000:
            # "two thousand and five", "one hundred thousand": close the group
            value += max(current, 1) * mult[w]
            current = 0
        else:
            current = max(current, 1) * mult[w]
        seen = True
        j += 1
        if j < hi and low[j] == "and" and j + 1 < hi and low[j + 1] in units and (value or current >= 100):
            j += 1
    if not seen:
        return None
    total = value + current
    # "dozens of" after a number word is handled above; "two dozen" is 24
    return (total, j) if total or word in ("zero", "none") else None


def find_figures(tokens: Tokens, lo: int = 0, hi: int | None = None) -> list[Figure]:
    """Return the casualty figures in tokens ``lo:hi`` (one clause or sentence).

    A figure counts when a kill/wound word governs it: right before it
    ("killing at least 12") or shortly after it with no other figure,
    conjunction or punctuation in between ("18 people were killed").
    "Killing and wounding dozens" gives no figure (killed and wounded are
    not told apart).
    """
    hi = len(tokens) if hi is None else hi
    lex = _lexicon()
    span = tokens.low[lo:hi]
    if lex["heads"].isdisjoint(span) and lex["toll_subjects"].isdisjoint(span):
        return []
    stated = _stated_tolls(tokens, lo, hi) if not _STATED_SUBJECTS.isdisjoint(span) else []
    words = {(a, b): kind for a, b, kind in _match(tokens, lex["words"], lo, hi, lex["heads"], lex["longest"])}
    kind_at: dict[int, tuple[int, str]] = {a: (b, kind) for (a, b), kind in words.items()}
    end_at: dict[int, tuple[int, str]] = {b: (a, kind) for (a, b), kind in words.items()}
    figures: list[Figure] = []
    i = lo
    low = tokens.low
    starts = _figure_starts(tokens)
    # only where a figure can start; every other word would just be stepped over
    for at in starts[bisect_left(starts, lo):bisect_left(starts, hi)]:
        if at < i:
            continue
        i = at
        zero = _zero_at(tokens, i, hi, kind_at) if low[i] in lex["zero_heads"] else None
        if zero is not None:
            figures.append(zero)
            i = tokens.index_at(zero.end)
            continue
        numeric = low[i].isdecimal() or low[i] in lex["units"] or low[i] in lex["multipliers"] or low[i] in _VAGUE_HEADS
        parsed = _parse_number(tokens, i, hi) if numeric else None
        if parsed is None:
            i += 1
            continue
        value, j = parsed
        upper = _range_upper(tokens, i, j, lo, hi)
        if upper is not None:
            j = upper[1]  # "between 12 and 15", "12 to 15": the lower bound is coded
        if _is_year(tokens, i, value) or _not_a_count(tokens, i, j) or _part_of_a_total(tokens, i, j, lo, end_at):
            i = j
            continue
        vague = " ".join(low[i:j]) in lex["vague"]
        one = _one_person(tokens, j, hi) if low[i] in ("a", "an") and j == i + 1 else None
        if one is None:
            # "killing six civilians and five militiamen": one toll of 11
            extra, j, vague_extra = _joined_groups(tokens, i, lo, j, hi, end_at)
            value, vague = value + extra, vague or vague_extra
        if j < hi and low[j] == "others" and (after := _governed_after(tokens, j, hi, kind_at)):
            kind = after  # "a child killed two others injured": the others' own verb
        elif (noun := one) is not None:
            # one person, as the subject of a passive or of "died" ("a woman was killed", "a young girl
            # died"), not of an active verb ("the wedding of a member of the SDF killing 22 civilians");
            # with others named beside ("a woman and her three children were killed")
            extra, end, vague_extra = _joined_groups(tokens, i, lo, j, hi, end_at)
            listed = end > j
            if listed:
                value, vague, j = value + extra, vague or vague_extra, end
                noun = max(j, _group_noun_end(tokens, j, hi)) - 1  # the last group's noun ("her two daughters")
            # (with others named beside, the verb follows the last at once: "a man and his son were killed",
            # not "a man and his son shot dead a neighbour")
            after = low[noun + 1:noun + 2] if listed else low[noun + 1:noun + 3]
            kind = _governed_before(tokens, i, lo, end_at) or (
                _governed_after(tokens, j, hi, kind_at) if not _ONE_PERSON_VERBS.isdisjoint(after) else None)
        else:
            kind = (_own_participle(tokens, j, hi, kind_at) if _headline_figure(tokens, i, lo) else None) \
                or _governed_before(tokens, i, lo, end_at) or _governed_after(tokens, j, hi, kind_at) \
                or _risen_toll(tokens, i, lo)
        if kind and value <= _MAX_FIGURE:
            if j < hi and low[j] == "others" and i > lo and low[i - 1] == "and" and figures \
                    and figures[-1].kind == kind and not figures[-1].part:
                # "nine civilians were killed in Qaterji and two others died in Mayssar": 11 in all
                last = figures[-1]
                figures[-1] = replace(last, value=last.value + value, vague=last.vague or vague)
                i = j
                continue
            # "Twelve children and 11 fighters were among the dead": a part of a total told elsewhere
            figures.append(Figure(value, kind, tokens.starts[i], tokens.ends[j - 1], vague,
                                  i > 0 and low[i - 1] in lex["additional"], _among_the_dead(tokens, j, hi)))
        i = j
    return figures + stated


_STATED = _NUMBERS["stated_toll"]
_STATED_SUBJECTS = frozenset(_STATED["subjects"])
_STATED_VERBS = tuple(tuple(str(p).split()) for p in _STATED["verbs"])
_SPLITS = frozenset(_STATED["splits"])
_SPLIT_LINKS = frozenset(_STATED["split_links"])
_SHARES = frozenset(_STATED["shares"])
_STATED_REACH = int(_STATED["reach"])


def _stated_tolls(tokens: Tokens, lo: int, hi: int) -> list[Figure]:
    """The tolls the report says it codes ("fatalities coded as 3 and spread across two locations",
    "[1 fatality split among 12 events]"), each shared among the events it is split between."""
    low = tokens.low
    found: list[Figure] = []
    for k in range(lo, hi):
        if low[k] not in _STATED_SUBJECTS:
            continue
        coded = _after_verb(tokens, k + 1, hi)
        figure = coded or _number_ending_at(tokens, k, lo)
        value, first, j = figure if figure is not None else (0, k, k + 1)
        shares = _shares(tokens, j, hi)
        start, end = tokens.starts[min(first, k)], tokens.ends[(shares[2] if shares else j) - 1]
        if shares is not None and shares[1] is not None:
            found.append(Figure(shares[1], "killed", start, end, stated=True))  # "split across 2 events (3)"
        elif figure is not None and (coded is not None or shares is not None):
            found.append(Figure(int(value / (shares[0] if shares else 1) + 0.5), "killed", start, end, stated=True))
        elif figure is None and shares is not None:
            found.append(Figure(shares[0], "killed", start, end, shares=shares[0]))  # the toll told elsewhere
    return found


def _number_ending_at(tokens: Tokens, k: int, lo: int) -> tuple[int, int, int] | None:
    """A figure right before token ``k`` ("[1 fatality"): ``(value, first, k)``."""
    if k - 1 < lo or not tokens.low[k - 1].isdecimal():
        return None
    parsed = _parse_number(tokens, k - 1, k)
    return (parsed[0], k - 1, k) if parsed else None


def _after_verb(tokens: Tokens, k: int, hi: int) -> tuple[int, int, int] | None:
    """"... coded as 3" within a few words after token ``k``: ``(value, first, next)``."""
    low = tokens.low
    for i in range(k, min(hi, k + _STATED_REACH)):
        for verb in _STATED_VERBS:
            end = i + len(verb)
            if tuple(low[i:end]) == verb and end < hi:
                parsed = _parse_number(tokens, end, hi)
                return (parsed[0], end, parsed[1]) if parsed else None
    return None


def _shares(tokens: Tokens, j: int, hi: int) -> tuple[int, int | None, int] | None:
    """How many events or places a toll is split between ("and spread across two locations"), the
    share a bracket after them gives this event ("split across 2 events (3)") if any, and where
    the wording ends."""
    low = tokens.low
    for i in range(j, min(hi, j + 2 * _STATED_REACH)):
        if low[i] not in _SPLITS:
            continue
        n = i + 1
        while n < hi and low[n] in _SPLIT_LINKS:
            n += 1
        parsed = _parse_number(tokens, n, hi) if n < hi else None
        if not (parsed and parsed[0] > 0 and parsed[1] < hi and low[parsed[1]] in _SHARES):
            return None
        unit = parsed[1]
        share = _parse_number(tokens, unit + 1, hi) if unit + 1 < hi and "(" in _gap(tokens, unit, unit + 1) else None
        closed = share is not None and tokens.text[tokens.ends[share[1] - 1]:].startswith(")")
        return (parsed[0], share[0], share[1]) if closed else (parsed[0], None, unit + 1)
    return None


def _one_person(tokens: Tokens, j: int, hi: int) -> int | None:
    """Where the noun of one person stands after "a"/"an" before token ``j`` ("a woman", "a young girl")."""
    lex, low = _lexicon(), tokens.low
    if j < hi and low[j] in lex["one_person"]:
        return j
    # one word before the noun, told of the person ("young", "Turkish"), not a figure's or a clause's word
    if j + 1 < hi and low[j + 1] in lex["one_person"] and low[j].isalpha() and low[j] not in _GROUP_STOPS \
            and low[j] not in lex["heads"] and low[j] not in _ORDINALS and low[j] not in lex["additional"] \
            and not _broken(tokens, j, j + 1, _PAUSES_AND_BRACKETS):
        return j + 1
    return None


_ORDINALS = _NUMBERS.words("ordinals")


def _headline_figure(tokens: Tokens, i: int, lo: int) -> bool:
    """Can the figure at token ``i`` be a headline's, with its own participle after it?

    Only when no verb of its own stands before it: it opens the clause, follows punctuation, or
    follows another figure's participle ("Three killed two injured", "A child killed 7 people
    injured"), not a subject's verb ("A car bomb in Homs killed 9 people wounded 40").
    """
    low = tokens.low
    if i == lo or _broken(tokens, i - 1, i, _PAUSES):
        return True
    if not low[i - 1].endswith("ed") or i - 2 < lo:
        return False
    before = i - 2
    if low[before] in _lexicon()["people"] and before - 1 >= lo:
        before -= 1  # "A child killed 7 ...", "Two civilians killed 9 ..."
    word = low[before]
    return word.isdecimal() or word in _lexicon()["units"] or word in _lexicon()["multipliers"]


def _own_participle(tokens: Tokens, j: int, hi: int, kind_at: dict) -> str | None:
    """Kind of a participle that follows the figure ending before token ``j`` as its own verb.

    Headlines list tolls without verbs between them: "Three killed two injured
    in blast", "A child killed 7 people injured in attacks": "two" and "7"
    were injured, whatever the word before them. The participle (over a noun
    for people) must end the group, before a preposition, a conjunction, a
    number or punctuation, not describe a noun ("killed two injured soldiers").
    """
    low = tokens.low
    k = j + 1 if j < hi and low[j] in _lexicon()["people"] else j
    if k >= hi or k not in kind_at or not low[k].endswith("ed") or _broken(tokens, k - 1, k, _PAUSES_AND_BRACKETS):
        return None
    end, kind = kind_at[k]
    if end + 1 < hi and low[end] in ("and", "or") and end + 1 in kind_at and kind_at[end + 1][1] != kind:
        return None  # "dozens killed and injured": not told apart
    if end < hi and not (low[end] in _AFTER_PARTICIPLE or low[end].isdecimal() or low[end] in _lexicon()["units"]
                         or _broken(tokens, end - 1, end, _PAUSES_AND_BRACKETS)):
        return None
    return kind


_AFTER_PARTICIPLE = _NUMBERS.words("after_participle")


def _range_upper(tokens: Tokens, i: int, j: int, lo: int, hi: int) -> tuple[int, int] | None:
    """The upper figure of a range opening with the figure in tokens ``i:j``, and where it ends.

    "12 to 15" and "between 12 and 15" are ranges; "rose from 12 to 15" is
    a toll that changed, not a range.
    """
    low = tokens.low
    if j + 1 >= hi or not (low[j] == "to" and not (i > lo and low[i - 1] == "from")
                           or low[j] == "and" and i > lo and low[i - 1] == "between"):
        return None
    nxt = low[j + 1]
    if not (nxt.isdecimal() or nxt in _lexicon()["units"] or nxt in _lexicon()["multipliers"]):
        return None
    return _parse_number(tokens, j + 1, hi)


# Larger figures are typing errors or not casualty counts (the event table caps at 100,000).
_MAX_FIGURE = 100_000
_MAX_DIGITS = 9
_VAGUE_HEADS = _NUMBERS.words("vague_heads")


def _match(tokens: Tokens, table: dict, lo: int, hi: int, heads: frozenset[str],
           longest: int) -> list[tuple[int, int, str]]:
    """Longest-first phrase matches of ``table`` in tokens ``lo:hi``.

    ``heads`` are the phrases' first words, ``longest`` the most words a phrase has.
    """
    out = []
    low = tokens.low
    i = lo
    while i < hi:
        if low[i] not in heads:
            i += 1
            continue
        for n in range(longest, 0, -1):
            phrase = " ".join(low[i:i + n]) if i + n <= hi else None
            if phrase is not None and phrase in table:
                out.append((i, i + n, table[phrase]))
                i += n
                break
        else:
            i += 1
    return out


def _zero_at(tokens: Tokens, i: int, hi: int, kind_at: dict) -> Figure | None:
    zero = _lexicon()["zero"]
    for n in (2, 1):
        phrase = " ".join(tokens.low[i:i + n])
        if i + n <= hi and phrase in zero:
            if phrase.endswith(("casualties", "deaths", "fatalities")):
                return Figure(0, "killed", tokens.starts[i], tokens.ends[i + n - 1])
            kind = _governed_after(tokens, i + n, hi, kind_at)
            if kind:
                return Figure(0, kind, tokens.starts[i], tokens.ends[i + n - 1])
    return None


def _is_year(tokens: Tokens, i: int, value: int) -> bool:
    if not tokens.low[i].isdecimal() or not 1900 <= value <= 2100:
        return False
    prev = tokens.low[i - 1] if i else ""
    # a photo credit's year follows the agency in capitals: "AFP 2018"
    credit = i > 0 and len(tokens.words[i - 1]) > 1 and tokens.words[i - 1].isupper()
    months = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
    return prev in _YEAR_CUES or prev[:3] in months or prev.isdecimal() or credit


def _not_a_count(tokens: Tokens, i: int, j: int) -> bool:
    """True if the number in tokens ``i:j`` is a time, a label, a percentage or part of a date."""
    if not tokens.low[i].isdecimal():
        return False
    lex = _lexicon()
    low, text = tokens.low, tokens.text
    after = text[tokens.ends[j - 1]:tokens.ends[j - 1] + 1]
    before = text[tokens.starts[i] - 1:tokens.starts[i]] if tokens.starts[i] else ""
    # a clock time ("10:07") or a percentage ("40%")
    if after in (":", "%") or (before == ":" and i > 0 and low[i - 1].isdecimal()):
        return True
    if i > 0 and low[i - 1] in lex["labels"] and not _broken(tokens, i - 1, i, _PAUSES):
        return True
    if any(tuple(low[j:j + len(words)]) == words for words in lex["times"]):
        return True
    # only a number beside a month name can be part of a date: the date finder runs for those alone
    months = _month_words()
    after_month = i > 0 and tokens.words[i - 1] in months
    if after_month and len(low[i]) > _YEAR_DIGITS:
        return True  # a day and a year run together: "Jul 152015"
    beside_month = after_month or (j < len(low) and tokens.words[j] in months)
    return beside_month and _in_date(tokens, tokens.starts[i])


_YEAR_DIGITS = 4


@lru_cache(maxsize=1)
def _month_words() -> frozenset[str]:
    """Month names and abbreviations as the date finder reads them (capitalised: "May", not "may")."""
    return frozenset(MONTHS)


def _in_date(tokens: Tokens, char: int) -> bool:
    spans = tokens.derived("date_spans", _date_spans)
    k = bisect_right(spans[0], char) - 1
    return k >= 0 and char < spans[1][k]


def _date_spans(tokens: Tokens) -> tuple[list[int], list[int]]:
    """Where the document's date expressions start and end (ascending, not overlapping)."""
    dates = document_dates(tokens)
    return [d.start for d in dates], [d.end for d in dates]


def _gap(tokens: Tokens, a: int, b: int) -> str:
    """Characters between token ``a`` and token ``b`` (a < b)."""
    return tokens.text[tokens.ends[a]:tokens.starts[b]]


_ONE_PERSON_VERBS = _NUMBERS.words("one_person_verbs")
_PAUSES = frozenset(",.;:")
_PAUSES_AND_BRACKETS = frozenset(",.;:()")
_STOPS = frozenset(".;:")


def _broken(tokens: Tokens, a: int, b: int, marks: frozenset[str]) -> bool:
    """True if punctuation of ``marks`` stands between token ``a`` and token ``b``."""
    return not marks.isdisjoint(_gap(tokens, a, b))


def _governed_before(tokens: Tokens, i: int, lo: int, end_at: dict) -> str | None:
    """Kind of a kill/wound word just before token ``i`` (over qualifiers only)."""
    j = i
    steps = 0
    while j > lo and steps <= 5:
        if j == i and _broken(tokens, i - 1, i, _PAUSES):
            return None
        if j in end_at:
            start, kind = end_at[j]
            if _broken(tokens, j - 1, j, _PAUSES) and j != i:
                return None
            if kind == "wounded" and start >= 2 and tokens.low[start - 1] in ("and", "or") and tokens.low[start - 2] in _COMBINED:
                return None
            if j == i or all(tokens.low[k] in _lexicon()["fillers"] for k in range(j, i)):
                return kind
            return None
        if _broken(tokens, j - 1, j, _PAUSES):
            return None
        j -= 1
        steps += 1
    return None


_GROUP_STOPS = _NUMBERS.words("group_stops")
_GROUP_WORDS = 5  # words in a group's noun ("45 Islamic State militants", "120 Islamic State group militants")


def _group_noun_end(tokens: Tokens, k: int, hi: int) -> int:
    """Where the noun of a counted group starting at token ``k`` ends (``k`` if there is none)."""
    lex, low = _lexicon(), tokens.low
    start = k
    while k < hi and k - start < _GROUP_WORDS and low[k].isalpha() and low[k] not in _GROUP_STOPS \
            and low[k] not in lex["heads"] and low[k] not in lex["units"] and low[k] not in _VAGUE_HEADS \
            and not _broken(tokens, k - 1, k, _PAUSES_AND_BRACKETS):
        k += 1
    return k


def _coordinated(tokens: Tokens, j: int, hi: int) -> tuple[int, int, bool] | None:
    """A second group counted with the figure ending before token ``j``: "six civilians and five militiamen".

    Returns its figure, the token after its number, and whether it is vague;
    None unless a noun, "and", a number and a noun follow in that order
    without punctuation ("killed five civilians and 10 were wounded" has no
    second group: a verb follows its number).
    """
    lex, low = _lexicon(), tokens.low
    k = _group_noun_end(tokens, j, hi)
    joiner = 1 if k < hi and low[k] == "and" else len(_AS_WELL_AS) if tuple(low[k:k + 3]) == _AS_WELL_AS else 0
    if k == j or not joiner or _broken(tokens, k - 1, k, _PAUSES_AND_BRACKETS) \
            or not lex["things"].isdisjoint(low[j:k]):
        return None  # "40 air raids and 6 people": raids are no people
    n = k + joiner
    if n < hi and low[n] in _KIN_POSSESSIVES:
        n += 1  # "a woman and her three children", "a man and his son"
    if n < hi and (low[n] in _ONE_ARTICLES or low[n - 1] in _KIN_POSSESSIVES) \
            and (one := _one_person(tokens, n + (low[n] in _ONE_ARTICLES), hi)) is not None:
        return 1, one + 1, False  # "two men and a boy", "a man and his wife", "as well as another child"
    while n < hi and n - k <= 2 and low[n] in lex["qualifier_words"]:  # "and at least 21 Hezbollah fighters"
        n += 1
    if n >= hi or not (low[n].isdecimal() or low[n] in lex["units"] or low[n] in lex["multipliers"] or low[n] in _VAGUE_HEADS):
        return None
    parsed = _parse_number(tokens, n, hi)
    if parsed is None:
        return None
    value, end = parsed
    noun_end = _group_noun_end(tokens, end, hi)
    if _is_year(tokens, n, value) or _not_a_count(tokens, n, end) or noun_end == end \
            or not lex["things"].isdisjoint(low[end:noun_end]):
        return None  # no noun, or a count of things: "five civilians and two cars"
    return value, end, " ".join(low[n:end]) in lex["vague"]


# Whose kin a second group is ("and her three children", "and his wife"), the words before one more person
# ("and a boy", "as well as another child"), and the longer joiner of groups
_KIN_POSSESSIVES = frozenset(("his", "her", "their"))
_ONE_ARTICLES = frozenset(("a", "an", "another"))
_AS_WELL_AS = ("as", "well", "as")


def _joined_groups(tokens: Tokens, i: int, lo: int, j: int, hi: int, end_at: dict) -> tuple[int, int, bool]:
    """The groups counted with the figure at token ``i`` (its number ending before ``j``): their sum, the token
    after the last one's number (``j`` when there is none), and whether one is vague. Each follows the last with
    "and" or "as well as" (:func:`_coordinated`), and none starts a clause of its own (:func:`_new_subject`)."""
    extra, vague = 0, False
    while (more := _coordinated(tokens, j, hi)) is not None and not _new_subject(tokens, i, lo, more[1], hi, end_at):
        extra, j, vague = extra + more[0], more[1], vague or more[2]
    return extra, j, vague


def _new_subject(tokens: Tokens, i: int, lo: int, end: int, hi: int, end_at: dict) -> bool:
    """Does the group a figure at token ``i`` would be joined with (ending before ``end``) start a clause of
    its own: the first group the object of a verb before it, the second the subject of one after it
    ("gunmen killed a teacher and his 17 students were abducted")?"""
    k = _group_noun_end(tokens, end, hi)  # (past the second group's noun: "his 17 students")
    return k < hi and tokens.low[k] in _CLAUSE_VERBS and _governed_before(tokens, i, lo, end_at) is not None


_CLAUSE_VERBS = frozenset(("was", "were", "is", "are", "had", "has", "have"))


def _among_the_dead(tokens: Tokens, j: int, hi: int) -> bool:
    """Is the figure ending before token ``j`` a part of a toll told apart?

    Said to be among the dead ("three children were among ..."), or also
    killed ("six teachers also died", "two medics were also killed"): the
    toll may or may not count them, so they are a lower bound of it.
    """
    k = _group_noun_end(tokens, j, hi)
    after = tokens.low[k:k + 2]
    return after in _AMONG or after[:1] == ["also"] or (after[1:] == ["also"] and after[0] in _PAUSE_WORDS)


_AMONG = tuple(p.split() for p in _NUMBERS.phrases("among"))


def _risen_toll(tokens: Tokens, i: int, lo: int) -> str | None:
    """Kind of a toll whose subject stands far before the figure at token ``i``.

    "The death toll from the raid on the town of Salma rose to at least 20":
    the figure follows a rise verb (over qualifiers and fillers) whose
    clause opens with a toll (see ``toll_subjects`` in numbers.yaml).
    """
    lex, low = _lexicon(), tokens.low
    k, verb = i - 1, None
    while k >= lo and i - k <= 6 and low[k] in lex["fillers"] and not _broken(tokens, k, k + 1, _PAUSES):
        if low[k] in lex["rise_verbs"]:
            verb = k
        k -= 1
    if verb is None:
        return None
    for m in range(verb - 1, max(lo, verb - lex["toll_reach"]) - 1, -1):
        if _broken(tokens, m, m + 1, _STOPS):
            return None
        if low[m] in lex["toll_subjects"]:
            wounded = not lex["wound_words"].isdisjoint(low[m + 1:verb])
            return "wounded" if wounded else "killed"
    return None


def _governed_after(tokens: Tokens, j: int, hi: int, kind_at: dict) -> str | None:
    """Kind of a kill/wound word shortly after a figure ending before token ``j``."""
    low = tokens.low
    # part: after "including", whose figures and "and" are read over
    k, steps, budget, skipped, part = j, 0, 6, -1, False
    while k < hi and steps < budget:
        if k > j and k != skipped and (after := _aside_end(tokens, k, hi)) is not None:
            # over an aside: "Sixteen civilians - including three children - were killed"
            k = skipped = after
            continue
        steps += 1
        if k > 0 and k != j and k != skipped and _broken(tokens, k - 1, k, _PAUSES_AND_BRACKETS):
            return None
        if k == j and k > 0 and _broken(tokens, k - 1, k, _STOPS):
            return None
        if k in kind_at:
            end, kind = kind_at[k]
            if end < hi and low[end] in ("or", "and") and end + 1 < hi and end + 1 in kind_at and kind_at[end + 1][1] != kind:
                return None
            return kind
        if low[k] in _PART_CUES and not part:
            # "At least 36 civilians including 11 children and five women were killed": the parts are read over
            part, budget = True, budget + 6
        elif low[k:k + 2] in _PART_OPENINGS and not part:
            k, part, budget = k + 2, True, budget + 6  # "11 civilians among them three children were killed"
            continue
        elif part and (low[k] == "and" or low[k].isdecimal() or low[k] in _lexicon()["units"] or low[k] in _VAGUE_HEADS):
            pass
        elif part and low[k] == "among":
            return None  # "Six civilians including a child were among 22 people killed": 22 is the toll
        elif low[k:k + 1] and (low[k].isdecimal() or low[k] in _lexicon()["units"]) and low[k + 1:k + 3] in _PART_AFTER:
            k, part = k + 3, True  # "Two people one of them a child killed"
            continue
        elif low[k - 1] in ("of", "from") and (low[k].isdecimal() or low[k] in _lexicon()["units"]) \
                and k + 1 < hi and low[k + 1] in _lexicon()["things"]:
            k += 2  # a count of things, not of people: "Six civilians from one family were killed"
            continue
        elif low[k] in ("of", "from") and k == j + 1 and low[j] in _lexicon()["members"]:
            # "23 members of the al-Nusra Front terrorist group were killed": the group's name is read over
            name_end = _name_end(tokens, k + 1, hi, kind_at)
            budget += name_end - k
            k = name_end
            continue
        elif low[k] in ("and", "or") and k == j + 1 and k + 2 < hi and not part \
                and low[k + 2] in _lexicon()["people"] \
                and not (low[k + 1].isdecimal() or low[k + 1] in _lexicon()["units"]):
            budget += 2  # two words for one group: "70 regime and rebel fighters have been killed"
        elif low[k] in ("and", "or") and k > j and low[k - 1] in _HARM_PARTICIPLES:
            pass  # one verb of harm before another: "a man was shot and killed"
        elif low[k] in _STOP_AFTER or low[k].isdecimal() or low[k] in _lexicon()["units"]:
            return None
        if low[k] in _lexicon()["things"] and (k == j or (k == j + 1 and low[j] == "of")
                                                or (k - j <= 2 and _lexicon()["people"].isdisjoint(low[j:k]))):
            return None  # what the number counts: "4 rocket shells", "tens of rockets", "two besieged towns"
        k += 1
    return None


_DASHES = frozenset(("-", "--", "\u2013", "\u2014"))
_HARM_PARTICIPLES = _NUMBERS.words("harm_participles")
_PART_CUES = _NUMBERS.words("part_cues")
# After a figure, these make it a part of a total told before it ("Three people, two of them children, died").
_PART_AFTER = tuple(p.split() for p in _NUMBERS.phrases("part_after"))
# Before a figure, these do ("At least 11 civilians, among them three children, were killed",
# "Two people, one of them a child, died").
_PART_OPENINGS = tuple(p.split() for p in _NUMBERS.phrases("part_openings"))
_TOTAL_CUES = _NUMBERS.words("total_cues")


def _part_of_a_total(tokens: Tokens, i: int, j: int, lo: int, end_at: dict) -> bool:
    """Is the figure in tokens ``i:j`` a part of a total ("including 11 children and five women", "two of them")?"""
    low = tokens.low
    if low[j:j + 2] in _PART_AFTER:
        return True  # "two of them"
    if low[i] in ("a", "an") and low[j + 1:j + 3] in _PART_OPENINGS and not _broken(tokens, j, j + 1, _PAUSES):
        return True  # "three persons were killed a woman among them"
    for k in range(i - 1, max(lo, i - 8) - 1, -1):
        if low[k] in _PART_CUES or (k > lo and low[k - 1:k + 1] in _PART_OPENINGS):
            return True
        if low[k] in ("were", "was") and k - 1 > lo and low[k - 2:k] in _PART_OPENINGS:
            return True  # "11 civilians among whom were three children"
        if k + 1 in end_at or low[k] in _TOTAL_CUES or _broken(tokens, k, k + 1, _STOPS):
            return False  # a kill word, "were among" or a full stop comes first: a toll of its own
    return False


_NAME_LINKS = _NUMBERS.words("name_links")
_NAME_MAX = 10
_PAUSE_WORDS = _NUMBERS.words("pause_words")


def _name_end(tokens: Tokens, k: int, hi: int, kind_at: dict) -> int:
    """Where a proper name starting at token ``k`` ends (capitalised words and their links).

    It stops at a kill word, so a headline in capitals ("MEMBERS OF ISIS KILLED") keeps its verb.
    """
    words, low = tokens.words, tokens.low
    end = k
    while end < min(hi, k + _NAME_MAX) and end not in kind_at and (words[end][:1].isupper() or low[end] in _NAME_LINKS) \
            and low[end] not in _PAUSE_WORDS:
        end += 1
    return end


def _spaced_dash(gap: str) -> bool:
    """A dash with space around it, which sets off an aside (not the hyphen of "pro-government")."""
    return gap.strip() in _DASHES and gap != gap.strip()


def _aside_end(tokens: Tokens, k: int, hi: int) -> int | None:
    """If an aside opens before token ``k``, the token after it closes.

    An aside is set off by dashes ("Sixteen civilians - including three
    children - were killed"), or by commas when it counts a part ("Three
    people, two of them children, died"; "11 civilians, among them three
    children, were killed").
    """
    opening = _gap(tokens, k - 1, k)
    if _spaced_dash(opening):
        return next((m for m in range(k + 1, min(hi, k + 12)) if _spaced_dash(_gap(tokens, m - 1, m))), None)
    low = tokens.low
    if opening.strip() == "," and ((low[k].isdecimal() or low[k] in _lexicon()["units"]) and low[k + 1:k + 3] in _PART_AFTER
                                   or low[k:k + 2] in _PART_OPENINGS):
        return next((m for m in range(k + 3, min(hi, k + 8)) if _gap(tokens, m - 1, m).strip() == ","), None)
    return None


def most_conservative(values: list[int]) -> int | None:
    """ACLED's rule for conflicting reports: the lowest figure (None if there is none)."""
    return min(values) if values else None


def coded_figure(figures: list[Figure]) -> int | None:
    """The figure to code from every report of one event (None if there is none).

    The lowest exact figure (ACLED's most conservative rule). Without one,
    the figures are lower bounds: a vague one ("dozens", coded 12) and parts
    among the dead ("nearly 70 children were among those killed"), whose
    largest is coded, since a lower reading does not contradict a higher
    one ("dozens" and "70"; "four children were among the dead" and "at
    least 28"). Conflicting vague figures still code the lowest. A toll the
    report says it codes overrides all of them; a toll it says is split
    between several events is shared evenly (rounded half up).
    """
    stated = [f.value for f in figures if f.stated]
    if stated:
        return min(stated)  # the report's own coding
    shares = max((f.shares for f in figures), default=0)
    figures = [f for f in figures if not f.shares]
    exact = [f.value for f in figures if is_exact(f)]
    if exact:
        value = most_conservative(exact)
    else:
        bounds = [max(f.value for f in figures if f.part)] if any(f.part for f in figures) else []
        vague = [f.value for f in figures if f.vague and not f.part]
        value = max(bounds + ([min(vague)] if vague else []), default=None)
    return int(value / shares + 0.5) if value is not None and shares else value


def is_exact(figure: Figure) -> bool:
    """A figure reported as the whole toll: neither vague nor a part among the dead."""
    return not figure.vague and not figure.part and not figure.shares


def coding_rule(figures: list[Figure]) -> str:
    """How :func:`coded_figure` chose among ``figures``, for the notes."""
    if any(f.stated for f in figures):
        return "the one the report says it codes"
    if any(f.shares for f in figures):
        return coding_rule([f for f in figures if not f.shares]) + ", shared among the events the report splits it between"
    if any(is_exact(f) for f in figures):
        return "the lowest exact one" if not all(is_exact(f) for f in figures) else "the lowest"
    return "the largest lower bound" if any(f.part for f in figures) else "the lowest"
