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
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalise", "tokenize", "fold_token", "is_article", "token_keys"]

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

_LATIN_ARTICLES = frozenset(
    """al el il ul l ar er as es ash esh ad ed adh edh an en az ez at et ath eth""".split()
)
_ARABIC_ARTICLE = "\u0627\u0644"  # ال
_ARTICLES = _LATIN_ARTICLES | {_ARABIC_ARTICLE}

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
_DIGRAPHS = (("sch", "sh"), ("ch", "sh"), ("dh", "th"), ("ph", "f"))
# French "ou" before a vowel is a w (Soueida, Ouadi).
_OU_RE = re.compile(r"ou(?=[aei])")
# The nisba ending -iyya (Latakia, Ladhiqiyah, Lattakieh, Darayya, Rashidiyeh): a
# "ya" of its own, so Rashidiyeh is not Rashideh, nor Darayya Daraa.
_NISBA_RE = re.compile(r"(?<=[a-z]{2})(?:[ie]?y[ae]h?|i[ae]h?)$")
# w before a vowel is a consonant and swallows the vowels before it
# (Suwayda/Sweida, Kuweires/Kweires); y between vowels is one (Mayadin).
_W_RE = re.compile(r"[aeiou]*w(?=[aeiouy])")
_Y_RE = re.compile(r"[aeiou]+y(?=[aeiou])")
# An assimilated article glued to its word: Arraqqa, Ezzor, Ashshaddadi.
_GLUED_ASSIMILATED_RE = re.compile(r"^[ae](?=(sh|th|dh|[tdrzsn])\1[a-z]{2})(?:sh|th|dh|[tdrzsn])")
# ``al`` glued before a consonant (Alraqqa, Alqamishli); not before a vowel (Aleppo).
_GLUED_AL_RE = re.compile(r"^al(?=[bcdfghjkmnpqrstvxz][a-z]{2})")
_MAX_PASSES = 6
_ASCII_JUNK_RE = re.compile(r"[^a-z0-9]+")
_DOUBLED_RE = re.compile(r"(.)\1+")
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
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        start, end = match.span()
        token = match.group()
        if len(token) >= 5 and token[-2] in _APOSTROPHES and _POSSESSIVE_RE.search(token):
            end -= 2
            token = token[:-2]
        tokens.append((token, start, end))
    return tokens


def _basic(token: str) -> str:
    """Case, compatibility forms, diacritics, apostrophes and Arabic letter forms."""
    text = token.casefold()
    if text.isascii():  # NFKD leaves ASCII alone; most names take this path
        return text if text.isalnum() else _ASCII_JUNK_RE.sub("", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
    text = text.translate(_SPECIAL_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch.isalnum())


@lru_cache(maxsize=65_536)
def is_article(token: str) -> bool:
    """Return True if ``token`` is a free-standing Arabic article.

    Covers ``al el il ul l``, the assimilated forms (``ar as ash ad an az at
    ath adh`` and their ``e``-spellings) and Arabic-script ``ال``, in any case
    and with or without diacritics.
    """
    # Articles have at most three letters; the margin allows marks and apostrophes.
    return len(token) <= 8 and _basic(token) in _ARTICLES


def _collapse_doubles(text: str) -> str:
    return _DOUBLED_RE.sub(r"\1", text) if _DOUBLED_RE.search(text) else text


def _fold_latin(text: str) -> str:
    if text[0] in "ae":
        text = _GLUED_ASSIMILATED_RE.sub("", text, count=1)
        text = _GLUED_AL_RE.sub("", text, count=1)
    for old, new in _DIGRAPHS:
        if old in text:
            text = text.replace(old, new)
    text = _collapse_doubles(text)
    if "ou" in text:
        text = _OU_RE.sub("w", text)
    suffix = ""
    if "y" in text or "i" in text:
        nisba = _NISBA_RE.search(text)
        if nisba:
            text, suffix = text[: nisba.start()], "ya"
    if "w" in text:
        text = _W_RE.sub("W", text)
    if "y" in text:
        text = _Y_RE.sub("aY", text)
    head = ""
    if text[:1] in ("y", "w"):
        head, text = text[0], text[1:]
    # Upper-case W and Y are the consonants marked above; translate leaves them be.
    text = head + text.translate(_LATIN_CLASSES)
    if "nb" in text:
        text = text.replace("nb", "mb")
    text = _collapse_doubles(text)
    if len(text) > 2 and text.endswith("ah"):
        text = text[:-1]
    return text.lower() + suffix


def _fold_once(token: str) -> str:
    return _fold_basic(_basic(token))


def _fold_basic(text: str) -> str:
    if not text:
        return ""
    if text.startswith(_ARABIC_ARTICLE) and len(text) >= 4:
        text = text[2:]
    if text.isascii() or _LATIN_RE.search(text):
        text = _fold_latin(text)
    if text in _ARTICLES:
        text += text[-1]
    return text


@lru_cache(maxsize=200_000)
def fold_token(token: str) -> str:
    """Return the lookup key of one token (see the module docstring).

    May return ``""`` for a token with no letters or digits left after
    cleaning (a lone tatweel, say); callers skip empty keys.
    """
    key = _fold_once(token)
    if key in _FIXED_POINTS:
        return key
    for _ in range(_MAX_PASSES):
        # Lower-case ASCII letters and digits are already what _basic returns.
        again = _fold_basic(key) if key.isascii() and key == key.lower() else _fold_once(key)
        if again == key:
            if len(_FIXED_POINTS) < _MAX_FIXED_POINTS:
                _FIXED_POINTS.add(key)
            break
        key = again
    return key


# Keys already checked to fold to themselves: spelling variants share keys, so
# most tokens skip the checking pass.
_FIXED_POINTS: set[str] = set()
_MAX_FIXED_POINTS = 1_000_000


def token_keys(text: str) -> list[tuple[str, int, int]]:
    """Return ``(key, start, end)`` for every non-article token of ``text``.

    This is the relation gazetteer keys are built with; scanning running text
    with it finds gazetteer names whatever their spelling variant.
    """
    keys = []
    for token, start, end in tokenize(text):
        if is_article(token):
            continue
        key = fold_token(token)
        if key:
            keys.append((key, start, end))
    return keys


@lru_cache(maxsize=100_000)
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
    return " ".join(key for key, _start, _end in token_keys(name))
