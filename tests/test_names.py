"""Name normalisation: spelling variants share a key, distinct names do not."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import REPO, SOURCE_DATA, requires_shared
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap import names
from geomap.names import fold_token, is_article, normalise, token_keys, tokenize

# Names and the keys the implementation before the speed-up gave them (see
# tests/data/make_name_keys.py): the gazetteer's merges and every extraction
# result depend on these keys, so a faster normaliser must give the same.
REFERENCE = REPO / "tests" / "data" / "name_keys.jsonl"
PLACES = REPO / "gazetteer" / "places.tsv"

VARIANT_FAMILIES = [
    ["Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor", "Deir al-Zour", "Deir-ez-Zor", "DEIR EZ-ZOR", "Dayr az-Zawr", "Deir el-Zor"],
    ["Raqqa", "Ar-Raqqah", "Al-Raqqa", "Raqqah", "Rakka", "Ar Raqqah", "Arraqqa", "Alraqqa", "ar-Raqqa"],
    ["الرقة", "الرقه", "ٱلرَّقَّة", "الرّقة"],
    ["Homs", "Hims", "Ḥimṣ", "HOMS"],
    ["Latakia", "Lattakia", "Latakiyah", "Lattakieh", "Lattakiya"],
    ["اللاذقية", "اللاذقيه", "اللّاذقيّة"],
    ["Idlib", "Idleb", "Edlib"],
    ["إدلب", "ادلب", "أدلب"],
    ["Hasakah", "Al-Hasakeh", "Hassakeh", "Hasaka", "El Hasakeh", "al-Hasakah"],
    ["Douma", "Duma", "Dūmā"],
    ["Daraa", "Deraa", "Dar'a", "Dara’a", "Darʿa"],
    ["Qamishli", "Al-Qamishli", "Kamishli", "Qameshli", "Qamishly"],
    ["Manbij", "Membij", "Menbij"],
    ["Tadmur", "Tadmor"],
    ["Suwayda", "As-Suwayda", "Sweida", "Suweida", "Es Suweida", "Soueida"],
    ["Kuweires", "Kweires", "Kuwayris"],
    ["Mayadin", "Al-Mayadin", "Mayadeen", "Meyadin"],
    ["Darayya", "Daraya", "Darayyah"],
    ["Zawiya", "Zawiyah", "Zaouia"],
    ["Sayyida Zaynab", "Sayeda Zeinab", "Sayyidah Zainab"],
    ["Tal Abyad", "Tell Abiad", "Tel Abyad", "Tall Abyad"],
    ["Khan Shaykhun", "Khan Sheikhoun", "Khan Shaykhoun"],
    ["Ma'arrat al-Nu'man", "Maarat al-Numan", "Maaret Al-Noman", "Ma‘arrat an-Nu‘man"],
    ["Ras al-Ain", "Ra's al 'Ayn", "Ras al Ayn"],
    ["Jisr al-Shughur", "Jisr ash-Shughur", "Jisr el-Choughour"],
    ["Kobani", "Kobane", "Kobanî"],
    ["Muhafaza", "Al-Mohafaza", "Mouhafaza"],
    ["حماة", "حماه"],
]


@pytest.mark.parametrize("family", VARIANT_FAMILIES, ids=lambda f: f[0])
def test_spelling_variants_share_one_key(family: list[str]) -> None:
    keys = {normalise(name) for name in family}
    assert len(keys) == 1, dict(zip(family, map(normalise, family)))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Homs", "Hama"),
        ("Daraa", "Deir"),
        ("Raqqa", "Ariha"),
        ("Aleppo", "Idlib"),
        ("Khan", "Han"),  # kh and h are different letters
        ("Sham", "Sam"),  # as are sh and s
        ("Tal", "Dal"),
        ("Geneva", "Ghana"),
        ("Ain al-Arab", "Arab"),  # Ain is a word, not an article
        ("Darayya", "Daraa"),  # the nisba ending is kept
        ("Rashidiyeh", "Rashideh"),
        ("Mayadin", "Maadan"),  # y between vowels is a consonant
        ("Hweira", "Hara"),  # so is w before a vowel
        ("Ghasam", "Jasim"),  # gh is not j
    ],
)
def test_distinct_names_keep_distinct_keys(left: str, right: str) -> None:
    assert normalise(left) != normalise(right)


@pytest.mark.parametrize("token", ["al", "Al", "AL", "el", "ar", "as", "ash", "ad", "an", "az", "at", "ath", "adh",
                                   "es", "ez", "ed", "er", "en", "et", "esh", "ul", "ال", "Āl"])
def test_articles_are_recognised(token: str) -> None:
    assert is_article(token)


@pytest.mark.parametrize("token", ["Ain", "Ayn", "Abu", "Tal", "Deir", "and", "Aleppo", "ا"])
def test_words_are_not_articles(token: str) -> None:
    assert not is_article(token)


def test_article_is_dropped_anywhere_in_the_name() -> None:
    assert normalise("Bab al-Hawa") == normalise("Bab Hawa") == normalise("Bab el Hawa")
    assert normalise("Al-Bab") == normalise("Bab")


def test_glued_article_is_stripped_but_not_from_plain_words() -> None:
    assert fold_token("Arraqqa") == fold_token("Raqqa")
    assert fold_token("Ezzor") == fold_token("Zor")
    assert fold_token("Alqamishli") == fold_token("Qamishli")
    assert fold_token("Aleppo") != fold_token("eppo")  # al before a vowel is the word itself
    assert fold_token("Essa") != fold_token("Sa")  # too short to hold an article


def test_tokenize_keeps_offsets_into_the_original_text() -> None:
    text = "Shelling in Deir-ez-Zor, Dar'a and Aleppo's east; ٱلرَّقَّة too."
    tokens = tokenize(text)
    for token, start, end in tokens:
        assert text[start:end] == token
    words = [t for t, _, _ in tokens]
    assert words[:6] == ["Shelling", "in", "Deir", "ez", "Zor", "Dar'a"]
    assert "Aleppo" in words  # possessive cut off
    assert "ٱلرَّقَّة" in words  # harakat stay inside the token


def test_short_word_keeps_its_apostrophe_s() -> None:
    assert [t for t, _, _ in tokenize("Ra's al-Ain")] == ["Ra's", "al", "Ain"]


def test_normalise_is_the_join_of_token_keys() -> None:
    text = "Deir ez-Zor"
    keys = token_keys(text)
    assert " ".join(k for k, _, _ in keys) == normalise(text)
    assert [text[s:e] for _, s, e in keys] == ["Deir", "Zor"]
    manual = [fold_token(t) for t, _, _ in tokenize(text) if not is_article(t)]
    assert " ".join(k for k in manual if k) == normalise(text)


def test_arabic_digits_and_odd_input() -> None:
    assert normalise("١٢٣") == "123"
    assert normalise("") == ""
    assert normalise("  --  ") == ""
    assert normalise("al-") == ""
    assert normalise("ـ") == ""


def test_key_never_contains_an_article_token() -> None:
    for name in ["Ain", "Ayn", "Ash", "An Nabk", "En", "Aan"]:
        for key, _, _ in token_keys(normalise(name)):
            assert not is_article(key)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_normalise_is_idempotent_and_total(text: str) -> None:
    key = normalise(text)
    assert isinstance(key, str)
    assert normalise(key) == key


_NAMEISH = st.lists(
    st.sampled_from(["al", "Al-", "ar", "ez", "Deir", "Ezzor", "Raqqa", "Ain", "aa", "ssa", "Ash", "ʿ", "'", "-", " ",
                     "ال", "أ", "ة", "ـ", "َ", "Ā", "h", "ah", "ee", "Nb", "ch", "dh", "ll", "y", "w", "ß", "ﷺ", "٣"]),
    max_size=8,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_NAMEISH)
def test_normalise_is_idempotent_on_name_like_text(text: str) -> None:
    key = normalise(text)
    assert normalise(key) == key
    assert all(" " not in k and k for k in key.split(" ")) or key == ""


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_tokens_point_into_the_text(text: str) -> None:
    for token, start, end in tokenize(text):
        assert text[start:end] == token and token


def _tokens_by_definition(text: str) -> list[tuple[str, int, int]]:
    """tokenize as its docstring defines it: every match of the token pattern, an English possessive cut."""
    tokens = []
    for match in names._TOKEN_RE.finditer(text):
        token, (start, end) = match.group(), match.span()
        if len(token) >= 5 and names._POSSESSIVE_RE.search(token):
            token, end = token[:-2], end - 2
        tokens.append((token, start, end))
    return tokens


_TEXTISH = st.lists(
    st.sampled_from(["Aleppo", "Homs", "a", "Ra", "s", "S", "ſ", "'s", "’s", "`s", "ʿs", "''", "'", "’", "´", "ʾ",
                     " ", "-", "_", ".", "\n", "é", "\u0301", "\u064e", "الرقة", "ـ", "٣", "7", "Straße", "ﬀ", "Ḥimṣ"]),
    max_size=14,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_TEXTISH, st.text()))
def test_tokenize_finds_what_its_pattern_defines(text: str) -> None:
    # tokenize takes simpler patterns for ASCII text and text without marks,
    # and cuts possessives found by a scan of the text: same tokens, same offsets.
    assert tokenize(text) == _tokens_by_definition(text)
    assert names._words(text) == [token for token, _s, _e in _tokens_by_definition(text)]


@requires_shared
def test_tokenize_finds_what_its_pattern_defines_in_news_text() -> None:
    csv.field_size_limit(1 << 30)
    with open(SOURCE_DATA / "corpus" / "fakes-dev.csv", encoding="utf-8", errors="replace", newline="") as handle:
        texts = [row["article_content"] for row in csv.DictReader(handle)][:120]
    texts += [text.replace("'", "\u2019").replace("e", "\u00e9") for text in texts[:30]]  # not ASCII
    assert all(tokenize(text) == _tokens_by_definition(text) for text in texts)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _NAMEISH))
def test_normalise_is_built_from_token_keys(text: str) -> None:
    keys = [fold_token(t) for t, _, _ in tokenize(text) if not is_article(t)]
    assert normalise(text) == " ".join(k for k in keys if k)


def _reference_rows() -> list[list]:
    with open(REFERENCE, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _token_path(text: str) -> str:
    """normalise as the module docstring defines it, token by token."""
    keys = [fold_token(t) for t, _, _ in tokenize(text) if not is_article(t)]
    return " ".join(k for k in keys if k)


def test_keys_are_those_of_the_reference_implementation() -> None:
    rows = _reference_rows()
    assert len(rows) > 4000
    names.clear_caches()  # computed here, not remembered from earlier tests
    wrong = []
    for text, key, tokens in rows:
        got = [[tok, fold_token(tok), is_article(tok)] for tok, _s, _e in tokenize(text)]
        if normalise(text) != key or got != tokens:
            wrong.append((text, key, normalise(text)))
    assert not wrong, wrong[:5]


def test_reference_covers_every_path() -> None:
    """The fixture holds Arabic script, diacritics, apostrophes, hyphens, articles and marks."""
    texts = [row[0] for row in _reference_rows()]
    assert sum(any("\u0600" <= c <= "\u06ff" for c in t) for t in texts) > 500
    assert sum(any("\u00c0" <= c <= "\u024f" for c in t) for t in texts) > 300
    assert sum("'" in t or "\u2019" in t or "\u02bf" in t for t in texts) > 300
    assert sum("-" in t for t in texts) > 300
    assert sum(any(article for _t, _k, article in row[2]) for row in _reference_rows()) > 300
    assert sum("\u0640" in t or "\u064e" in t for t in texts) > 100


@pytest.mark.skipif(not PLACES.exists(), reason="gazetteer/places.tsv not built yet")
def test_whole_name_paths_agree_with_the_token_path_on_gazetteer_names() -> None:
    # normalise keys plain ASCII and most other names without tokenising;
    # the gazetteer's every name must get the key the token path gives.
    with open(PLACES, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    all_names = [name for row in rows for name in [row[1], *row[10].split("|")] if name]
    names.clear_caches()
    wrong = [name for name in all_names[::3] if normalise(name) != _token_path(name)]
    assert not wrong, wrong[:10]


@requires_shared
def test_whole_name_paths_agree_with_the_token_path_on_news_text() -> None:
    corpus = SOURCE_DATA / "corpus" / "fakes-dev.csv"
    csv.field_size_limit(1 << 30)
    with open(corpus, encoding="latin-1", newline="") as handle:
        texts = [row["article_title"] for row in csv.DictReader(handle)]
    words = sorted({word for text in texts for word in text.split()})
    names.clear_caches()
    assert not [w for w in words + texts if normalise(w) != _token_path(w)]


@pytest.mark.parametrize("text", [
    "al" + "\u064e" * 6,  # enough marks to make the word too long to be an article
    "a\u0301\u0301\u0301\u0301\u0301\u0301\u0301l Raqqa",
    "\u0345al",  # a mark with a letter of its own, before the word it does not belong to
    "Homs's", "Ra's al-Ain", "d`Alep", "ﬀa", "Straße", "ـالرقة", "\u3381bc",
])
def test_edge_cases_take_the_same_path_as_tokens(text: str) -> None:
    names.clear_caches()
    assert normalise(text) == _token_path(text)


def test_characters_fold_one_at_a_time() -> None:
    # The per-character tables rely on this: NFKD reorders only characters of
    # a combining class above 0, and every one of them is a mark, which the
    # basic form drops. A Unicode update that broke it must fail here.
    import sys
    import unicodedata

    odd = [hex(code) for code in range(sys.maxunicode + 1)
           if unicodedata.combining(chr(code)) and (not unicodedata.category(chr(code)).startswith("M")
                                                   or chr(code).isalnum())]
    assert not odd


def test_word_keys_are_the_folds_of_their_words() -> None:
    sample = ["Deir ez-Zor", "Ma'arrat al-Nu'man", "Ḩalab", "الرقة", "Tell Abyad", "Ra's al 'Ayn"]
    keys, fixed = names.word_keys(sample)
    assert keys["deir"] == fold_token("Deir") and keys["halab"] == fold_token("Ḩalab")
    assert "al" not in keys and "ال" not in keys  # articles are not words
    assert all(key and fold_token(basic) == key for basic, key in keys.items())
    assert fixed and all(fold_token(key) == key for key in fixed)
    before = [normalise(name) for name in sample]
    names.add_word_keys(keys, fixed)
    names.clear_caches()
    assert [normalise(name) for name in sample] == before


def test_clear_caches_forgets_earlier_names() -> None:
    normalise("Kafr Nabl")
    names.clear_caches()
    assert normalise.cache_info().currsize == 0


# --- exact lookups (Gazetteer.candidates keys names with normalise) ---------

_LOOKUP_ROWS = [
    ("t:1", "Raqqa", "city", "35.95", "39.01", "SY", "Raqqa", "Raqqa", "", "500000", "Ar-Raqqah|الرقة", "test"),
    ("t:2", "Ar-Raqqa", "admin1", "35.9", "38.9", "SY", "Raqqa", "", "", "", "Raqqa Governorate", "test"),
    ("t:3", "Kafr Nabl", "town", "35.61", "36.56", "SY", "Idlib", "Maarrat", "", "", "", "test"),
]


def _lookup_gazetteer(folder, monkeypatch):
    """A small gazetteer loaded the way later processes load it: from its index cache, no place made yet."""
    from geomap.gazetteer import COLUMNS, Gazetteer

    monkeypatch.setenv("GEOMAP_CACHE", str(folder / "cache"))
    path = folder / "places.tsv"
    path.write_text("\n".join("\t".join(row) for row in [COLUMNS, *_LOOKUP_ROWS]) + "\n", encoding="utf-8")
    Gazetteer.load(path)  # builds the index cache
    Gazetteer._loaded.pop(path.resolve())
    return Gazetteer.load(path)


def test_exact_lookups_list_every_place_of_the_key_in_gazetteer_order(tmp_path, monkeypatch) -> None:
    gazetteer = _lookup_gazetteer(tmp_path, monkeypatch)
    for spelling in ("Al Raqqah", "RAKKA", "الرقه"):
        found = gazetteer.candidates(spelling, fuzzy=False)
        ids = ["t:1", "t:2"] if spelling != "الرقه" else ["t:1"]
        assert [c.place.place_id for c in found] == ids, spelling
        assert all(c.score == 100.0 and not c.fuzzy and c.key == normalise(spelling) for c in found)
        assert all(c.place is gazetteer.get(c.place.place_id) for c in found)


def test_remembered_lookups_give_fresh_lists(tmp_path, monkeypatch) -> None:
    gazetteer = _lookup_gazetteer(tmp_path, monkeypatch)
    for spelling in ("Raqqa", "Kafr Nabl"):
        first = gazetteer.candidates(spelling)
        again = gazetteer.candidates(spelling)
        assert again == first and again is not first
        first.clear()  # a caller's list is its own
        assert gazetteer.candidates(spelling) == again


def test_a_name_without_exact_match_still_gets_fuzzy_candidates_later(tmp_path, monkeypatch) -> None:
    gazetteer = _lookup_gazetteer(tmp_path, monkeypatch)
    assert gazetteer.candidates("Kafr Nablx", fuzzy=False) == []
    fuzzy = gazetteer.candidates("Kafr Nablx")
    assert [c.place.place_id for c in fuzzy] == ["t:3"] and fuzzy[0].fuzzy
    assert gazetteer.candidates("Kafr Nablx", fuzzy=False) == []
    assert gazetteer.candidates("al-", fuzzy=True) == [] == gazetteer.candidates("al-")


def _plain_key(basic: str) -> str:
    """A word's key by the definition: the folds repeated until nothing changes (no tables)."""
    key = names._fold_basic(basic)
    for _ in range(names._MAX_PASSES):
        again = names._fold_basic(names._basic(key))
        if again == key:
            break
        key = again
    return key


@pytest.mark.skipif(not PLACES.exists(), reason="gazetteer/places.tsv not built yet")
def test_variants_of_gazetteer_words_get_the_keys_the_folds_give() -> None:
    # A word the first folds turn into a gazetteer word takes that word's key
    # from the table: doubled or single letters, glued articles and digraph
    # spellings must all end where the folds themselves end.
    with open(PLACES, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    words = sorted({names._basic(w) for row in rows for name in [row[1], *row[10].split("|")][:3]
                    for w in names._words(name) if names._basic(w).isascii()})[::20]
    keys, fixed = names.word_keys(words)
    names.add_word_keys(keys, fixed)
    variants = {word[:at] + word[at - 1] + word[at:] for word in words if len(word) > 2 for at in range(1, len(word))}
    variants |= {("a" + word[0] if word[0] in "tdrzsn" else "al") + word for word in words}
    variants |= {word.replace("sh", "sch").replace("th", "dh").replace("f", "ph") for word in words}
    names.clear_caches()
    wrong = [v for v in sorted(variants) if names.fold_token(v) != _plain_key(v)]
    assert not wrong, wrong[:10]
    assert sum(names._fold_start(v) in keys for v in variants) > 2_000  # the table was used
