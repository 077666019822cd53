"""Name normalisation: one lookup key for the many spellings of a place.

English-language reporting on Syria writes the same place a dozen ways:
``Deir ez-Zor``, ``Dayr az Zawr``, ``Deir Ezzor``, ``Deir al-Zour``; ``Raqqa``,
``Ar-Raqqah``, ``Al-Raqqa``; ``Homs``/``Hims``; ``Daraa``/``Deraa``/``Dar'a``.
:func:`normalise` maps such variants to one key, so a dictionary lookup finds
the place; fuzzy matching is only a fallback for what the folds miss.

The key is built token by token
-------------------------------
``normalise`` is defined by the per-token pieces, and code that scans running
text (the toponym finder) must build its keys the same way::

    normalise(name) == " ".join(key for key, _start, _end in token_keys(name))

    token_keys(text) == [(fold_token(tok), start, end)
                         for tok, start, end in tokenize(text)
                         if not is_article(tok) and fold_token(tok)]

So a gazetteer key made of ``n`` words matches ``n`` consecutive entries of
``token_keys(text)``; their ``start``/``end`` are character offsets into the
original text (not into any normalised form). Attached articles need no
special handling by the caller: ``fold_token`` itself strips an assimilated
article glued to its word (``Arraqqa`` -> ``raqqa``, ``Ezzor`` -> ``zor``) and
``al`` glued before a consonant (``Alraqqa``). Separate article tokens
(``al``, ``el``, ``ar``, ``ez``, ``ash``, ``ال`` ...) are dropped by
``is_article``, wherever they stand in the name.

What a key looks like
---------------------
Latin tokens are lower-cased, stripped of diacritics and apostrophes
(``ʿ ʾ ' ’ `` `` ``), then folded so transliteration variants coincide:

- digraphs: ``ch``/``sch`` -> ``sh``; ``dh`` -> ``th``; ``ph`` -> ``f``; ``kh``, ``gh``,
  ``sh`` and ``th`` stay distinct from ``k``, ``g``, ``s``, ``t``;
- consonant classes: ``q``/``k``/``c`` -> ``k``; ``j``/``g`` -> ``g``; ``p`` -> ``b``; ``v`` -> ``f``;
  ``nb`` -> ``mb`` (``Manbij``/``Membij``);
- every run of vowels (``a e i o u``, and ``y``/``w`` where they are vowels) becomes
  one ``a`` (``Douma``/``Duma``, ``Deir``/``Dayr``/``Dair``, ``Abyad``/``Abiad``);
  ``w`` before a vowel is a consonant that absorbs the vowels before it
  (``Suwayda``/``Sweida``/``Soueida``), ``y`` between vowels is a consonant
  (``Mayadin`` is not ``Maadan``), as is a word-initial ``y`` (``Yabroud``);
- the nisba ending (``-iya``, ``-iyah``, ``-iyeh``, ``-iyya``, ``-ia``, ``-ieh``) becomes
  ``ya``: ``Latakia``/``Lattakieh``/``Ladhiqiyah`` agree and ``Darayya`` is not ``Daraa``;
- doubled letters collapse (``Raqqa``/``Raqa``, ``Hassakeh``/``Hasakeh``);
- a final ``h`` after a vowel goes (``Raqqah``/``Raqqa``, ``Hasakeh``/``Hasaka``).

Arabic-script tokens: harakat, tatweel and hamza carriers are removed, alef
forms (``أ إ آ ٱ``) become ``ا``, ``ة`` -> ``ه``, ``ى`` -> ``ي``, and a leading
article ``ال`` is stripped (``الرقة`` -> ``رقه``). Arabic and Latin keys share
one key space but are not meant to equal each other.

The folds are deliberately lossy; the gazetteer ranks the candidates a key
returns (by context, population and how closely the spelling matches), so
a collision costs a ranking decision, not a wrong answer by construction.

Guarantees: :func:`normalise` is idempotent and never raises on any ``str``.
A key never contains a token that :func:`is_article` would drop (a fold
that would produce one, e.g. ``Ain`` -> ``an``, doubles its last letter).

Speed
-----
Gazetteer lookups key names never seen before, so the folds must be cheap.
The key of a word depends only on its basic form (case, diacritics and
apostrophes gone), and a word's basic form is the concatenation of its
characters' forms; so :func:`normalise` turns a whole name into the basic
forms of its words with one ``str.translate`` (a byte table for plain
ASCII) and a split, and looks each word up among keys computed in advance
(:func:`word_keys`, which a gazetteer computes for its own words when it
builds its index and hands to :func:`add_word_keys`); only other words run
the folds, and those the first folds (a glued article, digraph spellings,
doubled letters) turn into a gazetteer word stop there and take its key.
Names with apostrophes, or with many combining marks that could hide an
article's length, take the token-by-token path. Every path gives the keys
the definition above gives (``tests/test_names.py`` checks them against a
fixture made by the plain implementation, and against the folds themselves).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate

__all__ = [
    "normalise", "tokenize", "fold_token", "is_article", "token_keys",
    "word_keys", "add_word_keys", "clear_caches",
]

# Combining marks Python's ``\w`` does not match: Latin diacritics in NFD text,
# Hebrew/Arabic vowel signs, and the general combining blocks.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
# Apostrophes and half-rings that transliterate hamza and ayn (Dar'a, Ma'arrat).
_APOSTROPHES = "'\u2019\u2018\u02bf\u02be\u02bc\u02bb`\u00b4"
_WORD = rf"(?:[^\W_]|[{_MARKS}])"
_TOKEN_RE = re.compile(rf"[^\W_]{_WORD}*(?:[{_APOSTROPHES}]+{_WORD}+)*")
_POSSESSIVE_RE = re.compile(rf"[{_APOSTROPHES}]s$", re.IGNORECASE)
# _TOKEN_RE restricted to ASCII text, where its letters are [A-Za-z0-9] and its
# apostrophes ' and `; without apostrophes a token is a plain alphanumeric run.
_ASCII_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['`]+[A-Za-z0-9]+)*")
# _TOKEN_RE for text without combining marks: its letters are one class, which
# the regex engine runs in a tight loop instead of trying two branches a letter.
_PLAIN_TOKEN_RE = re.compile(rf"[^\W_]+(?:[{_APOSTROPHES}]+[^\W_]+)*")
# Each token pattern as one group, for re.split: the tokens and the text between
# them come out as strings, without a match object per token.
_SPLIT_RES = {pattern: re.compile(f"({pattern.pattern})") for pattern in (_TOKEN_RE, _ASCII_TOKEN_RE, _PLAIN_TOKEN_RE)}
# Where a possessive may end a token (a superset: _has_possessive decides).
_APOSTROPHE_S_RE = re.compile(rf"[{_APOSTROPHES}]s", re.IGNORECASE)

_LATIN_ARTICLES = frozenset(
    """al el il ul l ar er as es ash esh ad ed adh edh an en az ez at et ath eth""".split()
)
_ARABIC_ARTICLE = "\u0627\u0644"  # ال
_ARTICLES = _LATIN_ARTICLES | {_ARABIC_ARTICLE}
# Articles have at most three letters; the margin allows marks and apostrophes.
_ARTICLE_MAX_CHARS = 8

_SPECIAL_LETTERS = str.maketrans(
    {
        "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
        "ħ": "h", "ı": "i", "ŧ": "t", "ŋ": "n",
        # Half-rings and modifier apostrophes are letters to Unicode, not to us.
        "\u02bf": None, "\u02be": None, "\u02bc": None, "\u02bb": None,
        # Arabic letter forms that NFKD leaves alone.
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0629": "\u0647",  # taa marbuta -> haa
        "\u0649": "\u064a",  # alef maqsura -> yaa
        "\u06cc": "\u064a",  # Persian yeh -> yaa
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u0640": None,      # tatweel
        # Arabic-Indic and Persian digits -> ASCII digits.
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)
_LATIN_CLASSES = str.maketrans(
    {
        **dict.fromkeys("aeiouyw", "a"),
        "q": "k", "c": "k", "j": "g", "p": "b", "v": "f",
    }
)
# The same classes for ASCII text, where a byte table is several times faster.
_LATIN_CLASSES_ASCII = bytes.maketrans(b"aeiouywqcjpv", b"aaaaaaakkgbf")
# Plain ASCII names (no apostrophes): letters lower-cased, anything else a space.
_ASCII_WORDS = bytes(
    byte + 32 if 65 <= byte <= 90 else byte if 97 <= byte <= 122 or 48 <= byte <= 57 else 32 for byte in range(256)
)
# French "ou" before a vowel is a w (Soueida, Ouadi).
_OU_RE = re.compile(r"ou(?=[aei])")
# The nisba ending -iyya (Latakia, Ladhiqiyah, Lattakieh, Darayya, Rashidiyeh): a
# "ya" of its own, so Rashidiyeh is not Rashideh, nor Darayya Daraa.
_NISBA_RE = re.compile(r"(?<=[a-z]{2})(?:[ie]?y[ae]h?|i[ae]h?)$")
_NISBA_ENDINGS = ("ya", "ye", "yah", "yeh", "ia", "ie", "iah", "ieh")  # what _NISBA_RE can end with
# w before a vowel is a consonant and swallows the vowels before it
# (Suwayda/Sweida, Kuweires/Kweires); y between vowels is one (Mayadin).
_W_RE = re.compile(r"[aeiou]*w(?=[aeiouy])")
_Y_RE = re.compile(r"[aeiou]+y(?=[aeiou])")
# An article glued to its word: assimilated (Arraqqa, Ezzor, Ashshaddadi), or
# ``al`` before a consonant (Alraqqa, Alqamishli; not Aleppo). Once an
# assimilated article is gone the word starts with a consonant, so at most one
# of the two ever applies.
_GLUED_ARTICLE_RE = re.compile(
    r"^(?:[ae](?=(sh|th|dh|[tdrzsn])\1[a-z]{2})(?:sh|th|dh|[tdrzsn])|al(?=[bcdfghjkmnpqrstvxz][a-z]{2}))"
)
_MAX_PASSES = 6
_ASCII_JUNK_RE = re.compile(r"[^a-z0-9]+")
# Deleting every character its twin follows collapses each run to one letter,
# with a literal replacement (a ``\1`` template would call back into Python).
_DOUBLED_RE = re.compile(r"(.)(?=\1)")
_DOUBLE_RE = re.compile(r"(.)\1")
_LATIN_RE = re.compile("[a-z]")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Split text into word tokens with their character offsets.

    A token is a run of letters (any script, with combining marks) and digits;
    apostrophes inside a word belong to it (``Dar'a``, ``Ma'arrat``), hyphens
    and spaces separate tokens (``Deir-ez-Zor`` is three). An English
    possessive ``'s`` is cut off words of three or more letters (``Homs's``,
    ``Aleppo's``) but kept in short ones (``Ra's``).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of (str, int, int)
        ``(token, start, end)`` with ``text[start:end] == token``.
    """
    parts = _SPLIT_RES[_token_pattern(text)].split(text)
    # The parts alternate between the text before a token and the token, so
    # the running sums of their lengths are the tokens' offsets.
    bounds = list(accumulate(map(len, parts)))
    words = parts[1::2]
    tokens = list(zip(words, bounds[0::2], bounds[1::2]))
    ends: list[int] | None = None
    for match in _APOSTROPHE_S_RE.finditer(text):
        if ends is None:
            ends = bounds[1::2]
        i = bisect_left(ends, match.end())
        if i < len(ends) and ends[i] == match.end() and _has_possessive(words[i]):
            tokens[i] = (words[i][:-2], tokens[i][1], ends[i] - 2)
    return tokens


def _token_pattern(text: str) -> re.Pattern[str]:
    """_TOKEN_RE, or a simpler pattern that finds the same tokens in ``text``."""
    if text.isascii():
        return _ASCII_TOKEN_RE
    return _TOKEN_RE if _MARK_RE.search(text) else _PLAIN_TOKEN_RE


def _has_possessive(token: str) -> bool:
    """An English possessive 's to cut off (``Aleppo's``; not short words like ``Ra's``)."""
    return len(token) >= 5 and token[-2] in _APOSTROPHES and _POSSESSIVE_RE.search(token) is not None


def _words(text: str) -> list[str]:
    """The tokens of :func:`tokenize`, without offsets."""
    words = _token_pattern(text).findall(text)
    for i, word in enumerate(words):
        if _has_possessive(word):
            words[i] = word[:-2]
    return words


def _basic_char(char: str) -> str:
    """Case, compatibility form, diacritics and letter forms of one character."""
    text = unicodedata.normalize("NFKD", char.casefold())
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    return "".join(ch for ch in text if ch.isalnum())


class _BasicChars(dict):
    """``str.translate`` table: code point -> its basic form, filled on first sight.

    The basic form of a word is the concatenation of its characters' forms:
    case folding is context-free, and the only context NFKD uses (reordering
    of combining marks, canonical class > 0) touches marks alone, which are
    all dropped (every character of class > 0 is a mark and not alphanumeric).
    """

    _LIMIT = 50_000  # distinct characters kept; beyond, computed each time

    def __missing__(self, code: int) -> str:
        basic = _basic_char(chr(code))
        if len(self) < self._LIMIT:
            self[code] = basic
        return basic


_BASIC_CHARS = _BasicChars()

_ALNUM_RE = re.compile(r"[^\W_]")
_MARK_RE = re.compile(f"[{_MARKS}]")
# What _NAME_CHARS maps a character to when it is not a word letter with a basic form.
_SEPARATOR, _UNSURE, _SILENT = " ", "\x01", "\x02"


class _NameChars(dict):
    """``str.translate`` table that turns a name into its words' basic forms at once.

    A letter or digit becomes its basic form, or ``_SILENT`` when that is
    empty (tatweel); a combining mark ``_SILENT``; any other character a
    space. Apostrophes (which may join a word or start a possessive) and the
    rare marks with a basic form of their own become ``_UNSURE``: names with
    one take the token-by-token path.
    """

    _LIMIT = 50_000

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _APOSTROPHES:
            value = _UNSURE
        elif _ALNUM_RE.match(char):
            value = _BASIC_CHARS[code] or _SILENT
        elif _MARK_RE.match(char):
            value = _UNSURE if _BASIC_CHARS[code] else _SILENT
        else:
            value = _SEPARATOR
        if len(self) < self._LIMIT:
            self[code] = value
        return value


_NAME_CHARS = _NameChars()


class _UnseenCharacter(Exception):
    """A character a fast table (see _fast_table) does not hold yet."""


def _unseen() -> str:
    raise _UnseenCharacter


def _fast_table() -> defaultdict[int, str]:
    """A ``str.translate`` table whose lookups stay in C and whose misses raise _UnseenCharacter.

    str.translate reads a dict subclass with ``__missing__`` (like
    _NameChars) through a Python-level ``__getitem__`` call per character,
    even when the character is there; a defaultdict is read like a dict, and
    its factory raising stops the translation, so the caller can fill the
    table from the full one and translate again.
    """
    return defaultdict(_unseen)


def _learn(text: str, fast: defaultdict[int, str], full: _BasicChars | _NameChars) -> str:
    """``text.translate(full)``, after which ``fast`` holds the characters of ``text`` (within its limit)."""
    translated = text.translate(full)
    if len(fast) < full._LIMIT:
        fast.update({code: full[code] for code in map(ord, set(text))})
    return translated


_BASIC_FAST = _fast_table()
_NAME_FAST = _fast_table()
# A word whose basic form is an article is an article only if it has at most
# _ARTICLE_MAX_CHARS characters; with fewer silent ones than this in the whole
# name, every such word has (an article's basic form is 3 letters at most).
_SILENT_LIMIT = _ARTICLE_MAX_CHARS - 3 + 1


def _basic(token: str) -> str:
    """Case, compatibility forms, diacritics, apostrophes and Arabic letter forms."""
    if token.isascii():  # NFKD leaves ASCII alone; most names take this path
        text = token.lower()
        return text if text.isalnum() else _ASCII_JUNK_RE.sub("", text)
    try:
        return token.translate(_BASIC_FAST)
    except _UnseenCharacter:
        return _learn(token, _BASIC_FAST, _BASIC_CHARS)


@lru_cache(maxsize=65_536)
def is_article(token: str) -> bool:
    """Return True if ``token`` is a free-standing Arabic article.

    Covers ``al el il ul l``, the assimilated forms (``ar as ash ad an az at
    ath adh`` and their ``e``-spellings) and Arabic-script ``ال``, in any case
    and with or without diacritics.
    """
    return len(token) <= _ARTICLE_MAX_CHARS and _basic(token) in _ARTICLES


def _fold_latin(text: str) -> str:
    return _fold_rest(_fold_start(text))


def _fold_start(text: str) -> str:
    """The first Latin folds: a glued article, digraph spellings, doubled letters.

    Their result is a fixed point of this function: the replacements leave no
    digraph they replace and collapsing doubled letters makes none (a glued
    article is checked apart, see _fold_new).
    """
    if text[0] in "ae":
        text = _GLUED_ARTICLE_RE.sub("", text, count=1)
    if "h" in text:
        # None of the replacements makes a new digraph, so their order is free.
        text = text.replace("sch", "sh").replace("ch", "sh").replace("dh", "th").replace("ph", "f")
    # One pass of sub, without a search first: most words it sees have a doubled letter.
    return _DOUBLED_RE.sub("", text)


def _fold_rest(text: str) -> str:
    if "ou" in text:
        text = _OU_RE.sub("w", text)
    suffix = ""
    if text.endswith(_NISBA_ENDINGS):
        nisba = _NISBA_RE.search(text)
        if nisba:
            text, suffix = text[: nisba.start()], "ya"
    if "w" in text:
        text = _W_RE.sub("W", text)
    if "y" in text:
        text = _Y_RE.sub("aY", text)
    # Upper-case W and Y are the consonants marked above; translate leaves them be.
    head = text[0] if text[0] in "yw" else ""
    if text.isascii():
        text = head + text[len(head):].encode().translate(_LATIN_CLASSES_ASCII).decode()
    else:
        text = head + text[len(head):].translate(_LATIN_CLASSES)
    if "nb" in text:
        text = text.replace("nb", "mb")
    if _DOUBLE_RE.search(text):
        text = _DOUBLED_RE.sub("", text)
    if len(text) > 2 and text.endswith("ah"):
        text = text[:-1]
    return text.lower() + suffix


def _fold_basic(text: str) -> str:
    if not text:
        return ""
    if text.isascii():
        text = _fold_latin(text)
    else:
        if text.startswith(_ARABIC_ARTICLE) and len(text) >= 4:
            text = text[2:]
        if text.isascii() or _LATIN_RE.search(text):
            text = _fold_latin(text)
    if text in _ARTICLES:
        text += text[-1]
    return text


@lru_cache(maxsize=200_000)
def _fold_new(basic: str) -> str:
    """The key of a word's basic form: the folds repeated until nothing changes."""
    if basic.isascii() and basic:
        text = _fold_start(basic)
        # A word the first folds turn into a gazetteer word (Raqa, Hassakeh,
        # Alraqqa) has that word's key: the folds of both go on from the same
        # text, unless it still starts with a glued article.
        known = _WORD_KEYS.get(text)
        if known and (text[0] not in "ae" or _GLUED_ARTICLE_RE.match(text) is None):
            return known
        key = _fold_rest(text)
        if key in _ARTICLES:
            key += key[-1]
    else:
        key = _fold_basic(basic)
    if key in _KNOWN_FIXED_POINTS or key in _FIXED_POINTS:
        return key
    for _ in range(_MAX_PASSES):
        # Lower-case ASCII letters and digits are already what _basic returns.
        again = _fold_basic(key) if key.isascii() and key == key.lower() else _fold_basic(_basic(key))
        if again == key:
            if len(_FIXED_POINTS) < _MAX_FIXED_POINTS:
                _FIXED_POINTS[key] = None
            break
        key = again
    return key


# Keys already checked to fold to themselves: spelling variants share keys, so
# most words skip the checking pass. A gazetteer's own come with its word keys
# (add_word_keys); the others are learned from the words folded. They are
# dicts, not sets: a dict holding only strings is invisible to the garbage
# collector, while every full collection would walk a set's tens of thousands
# of entries.
_KNOWN_FIXED_POINTS: dict[str, None] = {}
_FIXED_POINTS: dict[str, None] = {}
_MAX_FIXED_POINTS = 1_000_000
# Basic form -> key of words known in advance (a gazetteer's own words, see
# add_word_keys), and "" for the articles' basic forms: the one lookup serves
# the name paths, where a word spelled like an article is one.
_WORD_KEYS: dict[str, str] = dict.fromkeys(_ARTICLES, "")


def _basic_key(basic: str) -> str:
    return _WORD_KEYS.get(basic) or _fold_new(basic)


def fold_token(token: str) -> str:
    """Return the lookup key of one token (see the module docstring).

    May return ``""`` for a token with no letters or digits left after
    cleaning (a lone tatweel, say); callers skip empty keys.
    """
    return _basic_key(_basic(token))


def _token_key(token: str) -> str:
    """The key of a token, or ``""`` for an article."""
    basic = _basic(token)
    if basic in _ARTICLES and len(token) <= _ARTICLE_MAX_CHARS:
        return ""
    return _basic_key(basic)


def token_keys(text: str) -> list[tuple[str, int, int]]:
    """Return ``(key, start, end)`` for every non-article token of ``text``.

    This is the relation gazetteer keys are built with; scanning running text
    with it finds gazetteer names whatever their spelling variant.
    """
    keys = []
    for token, start, end in tokenize(text):
        key = _token_key(token)
        if key:
            keys.append((key, start, end))
    return keys


def _token_path(name: str) -> str:
    return " ".join(key for key in map(_token_key, _words(name)) if key)


def normalise(name: str) -> str:
    """Return the canonical lookup key of a place name.

    Parameters
    ----------
    name : str
        A place name in Latin or Arabic script, as written anywhere.

    Returns
    -------
    str
        Space-separated folded tokens; ``""`` when nothing but articles and
        punctuation remains. Idempotent; never raises.

    Examples
    --------
    >>> normalise("Deir ez-Zor") == normalise("Dayr az Zawr") == normalise("Deir Ezzor")
    True
    >>> normalise("Ar-Raqqah") == normalise("Raqqa")
    True
    """
    if name.isascii():
        if "'" in name or "`" in name:
            return _token_path(name)
        # Each lower-cased alphanumeric run is a token and its own basic form.
        words = name.encode().translate(_ASCII_WORDS).decode().split()
    else:
        try:
            words = name.translate(_NAME_FAST)
        except _UnseenCharacter:
            words = _learn(name, _NAME_FAST, _NAME_CHARS)
        if _UNSURE in words or words.count(_SILENT) >= _SILENT_LIMIT:
            return _token_path(name)
        words = words.replace(_SILENT, "").split()
    # No word here is an article too long to be one, so "" (an article's key
    # in _WORD_KEYS) means "drop it".
    if len(words) == 1:
        key = _WORD_KEYS.get(words[0])
        return _fold_new(words[0]) if key is None else key
    keys = list(map(_WORD_KEYS.get, words))
    if None in keys:
        keys = [_fold_new(word) if key is None else key for word, key in zip(words, keys)]
    if "" in keys:
        keys = [key for key in keys if key]
    return " ".join(keys)


# Callers that remember their own answers (Gazetteer.candidates) key names
# without this memo; everyone else shares it.
_normalise_unmemoised = normalise
normalise = lru_cache(maxsize=100_000)(normalise)


def word_keys(names: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Compute the keys of every word of ``names``, for :func:`add_word_keys`.

    Parameters
    ----------
    names : iterable of str
        Place names, e.g. every name of a gazetteer.

    Returns
    -------
    (dict, list)
        Basic form (lower case, no diacritics or apostrophes) -> key of each
        word that is not an article, and the keys checked to fold to
        themselves. Both depend on this module's code: store them only with
        a digest of it.
    """
    keys: dict[str, str] = {}
    for name in names:
        for word in _words(name):
            basic = _basic(word)
            if basic and basic not in _ARTICLES and basic not in keys:
                key = _fold_new(basic)
                if key:
                    keys[basic] = key
    fixed = sorted({key for key in keys.values() if key and _fold_basic(_basic(key)) == key})
    return keys, fixed


def add_word_keys(keys: dict[str, str], fixed: Iterable[str]) -> None:
    """Remember word keys computed by :func:`word_keys`, so their words skip the folds.

    Later calls of :func:`normalise`, :func:`fold_token` and :func:`token_keys`
    return exactly what they would without this; only faster.
    """
    _WORD_KEYS.update(keys)
    _KNOWN_FIXED_POINTS.update(dict.fromkeys(fixed))


def clear_caches() -> None:
    """Forget the keys memoised from earlier inputs (not those of :func:`add_word_keys`).

    For benchmarks that must time names never seen before.
    """
    normalise.cache_clear()
    is_article.cache_clear()
    _fold_new.cache_clear()
    _FIXED_POINTS.clear()
