"""The text extraction reads: markup and invisible characters out, look-alike letters folded, offsets kept.

A report pasted from a web page or a word processor carries what a reader
never sees: HTML tags and entities, soft hyphens and zero-width characters
inside words, fullwidth or compatibility letters, a Cyrillic "і" in a Latin
word. Each would split or hide a name ("Idl\\u200bib") or glue sentences
together (``</p><p>``). :func:`normalise` gives the text as read, with the
offset in the original of each of its characters, so every offset geomap
writes still points into the text the user gave.

Only what needs it is touched: plain ASCII prose without markup is returned
as it is, at the cost of three scans.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from geomap.extract.lexicon import load as load_lexicon

_TEXT = load_lexicon("text")


@dataclass(frozen=True)
class Normalised:
    """A text as extraction reads it, and where each of its characters came from.

    Attributes
    ----------
    text : str
        The text read.
    original : str
        The text given.
    origin : tuple of int, or None
        ``origin[i]`` is the offset in ``original`` of ``text[i]``; one more
        entry, ``len(original)``, closes the last span. None when ``text`` is
        ``original``.
    """

    text: str
    original: str
    origin: tuple[int, ...] | None = None
    # where a character read from more than one of the original ends (an entity: after its ";")
    wide: dict[int, int] = field(default_factory=dict, compare=False)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``original`` that ``text[start:end]`` was read from."""
        if self.origin is None:
            return start, end
        first = self.origin[start]
        if end <= start:
            return first, first
        last = self.origin[end - 1]
        return first, self.wide.get(last, last + 1)


# A tag of HTML (named, so "a < b" and "<john@example.org>" are left alone), a comment, or a
# script or style element with its content (each looked for over a bounded stretch: an unclosed
# one many times over costs no more than that).
_TAG_NAMES = "|".join(_TEXT.words("html_inline_tags") | _TEXT.words("html_block_tags"))
_MARKUP = re.compile(
    r"<(?:script|style)\b[^>]{0,500}>.{0,4000}?</(?:script|style)\s*>|<!--.{0,4000}?-->"
    rf"|</?(?:{_TAG_NAMES})\b[^<>]{{0,500}}>|&(?:#\d{{1,7}}|#[xX][0-9a-fA-F]{{1,6}}|[A-Za-z][A-Za-z0-9]{{1,31}});",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK = re.compile(rf"</?(?:{'|'.join(_TEXT.words('html_block_tags'))}|script|style)\b", re.IGNORECASE)
# Letters of other scripts drawn like Latin ones, folded only inside a word that also has Latin letters.
_CONFUSABLES = {ord(k): v for k, v in _TEXT["confusables"].items()}
_MIXED_WORD = re.compile(r"\w*[A-Za-z]\w*")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def normalise(text: str) -> Normalised:
    """The text extraction reads, with the offsets of its characters in ``text``.

    Block tags (``<p>``, ``<br>``, ``<li>`` ...) become sentence ends (a blank
    line), other tags and comments go, entities are read as the characters
    they stand for; format characters (soft hyphen, zero-width space and
    joiners, word joiner, byte-order mark, direction marks) go; every other
    non-ASCII character is read in its NFKC form (fullwidth "Ｉｄｌｉｂ" is
    "Idlib", Arabic presentation forms are letters); and in a word mixing
    scripts, letters drawn like Latin ones are read as those ("Idlіb" with a
    Cyrillic "і" is "Idlib").

    Parameters
    ----------
    text : str
        A document's text, as given.

    Returns
    -------
    Normalised
        The text read and the map back to ``text``.
    """
    markup = "<" in text or "&" in text
    if text.isascii() and not markup:
        return Normalised(text, text)
    pieces: list[str] = []
    origin: list[int] = []
    wide: dict[int, int] = {}
    done = 0
    for match in (_MARKUP.finditer(text) if markup else ()):
        _plain(text, done, match.start(), pieces, origin)
        found = match.group(0)
        read = html.unescape(found) if found.startswith("&") else "\n\n" if _BLOCK.match(found) else ""
        read = _read_characters(read)
        pieces.append(read)
        origin.extend([match.start()] * len(read))
        if read:
            wide[match.start()] = match.end()
        done = match.end()
    _plain(text, done, len(text), pieces, origin)
    read = "".join(pieces)
    if not read.isascii():
        read = _fold_confusables(read)
    if read == text:
        return Normalised(text, text)
    origin.append(len(text))
    return Normalised(read, text, tuple(origin), wide)


def _plain(text: str, start: int, end: int, pieces: list[str], origin: list[int]) -> None:
    """Read ``text[start:end]`` (no markup) into ``pieces``, noting each character's origin."""
    done = start
    for run in _NON_ASCII.finditer(text, start, end):
        pieces.append(text[done:run.start()])
        origin.extend(range(done, run.start()))
        kept = "".join(ch for ch in run.group(0) if _kept(ch))
        whole = unicodedata.normalize("NFKC", kept)
        if len(whole) == len(kept) == run.end() - run.start():  # one character read for each (Arabic, accents)
            pieces.append(whole)
            origin.extend(range(run.start(), run.end()))
        else:
            for k in range(run.start(), run.end()):
                read = _read_characters(text[k])
                pieces.append(read)
                origin.extend([k] * len(read))
        done = run.end()
    pieces.append(text[done:end])
    origin.extend(range(done, end))


def _read_characters(chars: str) -> str:
    """``chars`` with format characters and footnote marks dropped and the others in NFKC form."""
    if chars.isascii():
        return chars
    return unicodedata.normalize("NFKC", "".join(ch for ch in chars if _kept(ch)))


def _kept(ch: str) -> bool:
    """A character read at all: not a format character, nor a superscript or subscript digit (a
    footnote mark, which NFKC would turn into a digit of the figure before it: "12²")."""
    return unicodedata.category(ch) != "Cf" and ch not in _MARKS


_MARKS = frozenset("\u00b2\u00b3\u00b9" + "".join(map(chr, range(0x2070, 0x208f))))


def _fold_confusables(text: str) -> str:
    """Read look-alike letters as Latin in the words that mix them with Latin letters (same length)."""
    return _MIXED_WORD.sub(lambda m: m.group(0).translate(_CONFUSABLES) if not m.group(0).isascii() else m.group(0),
                           text)
