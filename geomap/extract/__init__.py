"""Text -> events: toponym and actor mentions, ACLED event coding, linking.

Public API: :func:`extract_events` (the event table of one report),
:func:`extract_mentions` (its toponym mentions), :func:`extract_document`
(both in one pass) and :func:`extract_corpus` (many reports, one table).
The stages, in the order they run: :mod:`~geomap.extract.text` (tokens,
sentences), :mod:`~geomap.extract.actors` and :mod:`~geomap.extract.triggers`
(sides and event words, from :mod:`~geomap.extract.vocabulary`),
:mod:`~geomap.extract.find` (toponym mentions), :mod:`~geomap.extract.resolve`
(their places in context), :mod:`~geomap.extract.linking` (events with their
sides, place, date and toll from :mod:`~geomap.extract.figures` and
:mod:`~geomap.extract.dates`, re-typed by :mod:`~geomap.extract.rules`), and
:mod:`~geomap.extract.rows` (the output tables). Every word list and rule is
data in ``lexicon/*.yaml``, checked when loaded (:mod:`~geomap.extract.lexicon`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from geomap.dates import as_date
from geomap.extract import linking
from geomap.extract.actors import (
    ActorMention,
    actor_name_spans,
    find_actors,
    names_scoped_sides,
    sides_country_of,
    source_spans,
)
from geomap.extract.dates import dateline, printed_date
from geomap.extract.find import Mention, find_mentions
from geomap.extract.lexicon import load as load_lexicon
from geomap.extract.normalize import Normalised, normalise
from geomap.extract.resolve import drop_junk, placed_country, resolve_mentions
from geomap.extract.rows import mention_rows, mentions_frame, to_row
from geomap.extract.text import Tokens
from geomap.extract.triggers import described, find_triggers, without_tolls
from geomap.gazetteer import Gazetteer
from geomap.schema import country_name_of

_TOPONYMS = load_lexicon("toponyms")

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["extract_events", "extract_mentions", "extract_document", "extract_corpus", "iter_extract_corpus",
           "extract_rows", "iter_extract_rows", "analyse", "StageClock"]


class DocumentLike(Protocol):
    """What :func:`extract_corpus` needs of a document (e.g. :class:`geomap.documents.Document`)."""

    id: str
    text: str
    date: dt.date | None
    source: str | None


@dataclass
class Analysis:
    """Everything found in one document: tokens, toponym mentions, coded events.

    ``text`` is the text as read (:func:`~geomap.extract.normalize.normalise`):
    the offsets of tokens, mentions and events point into it, and
    ``normalised.span`` maps them into the document as given.
    """

    text: str
    normalised: Normalised
    doc_id: str | None
    tokens: Tokens
    mentions: list[Mention]
    events: list[linking.EventRecord]
    gazetteer: Gazetteer


def _gazetteer(gazetteer: Gazetteer | None) -> Gazetteer:
    # Gazetteer.load caches per folder, so the data loads once per process.
    return gazetteer if gazetteer is not None else Gazetteer.load()


def _sources(tokens: Tokens) -> set[int]:
    return {i for a, b in source_spans(tokens) for i in range(a, b)}


class StageClock:
    """CPU seconds of each extraction stage, summed over the documents timed with it.

    Pass one to :func:`analyse` (benchmarks do); ``seconds`` maps a stage
    ("tokens", "lexicons", "toponyms", "resolution", "events", "rows") to its
    CPU time (``time.process_time``).
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.process_time()

    def start(self) -> None:
        """Start timing a document: what ran since the last stage is nobody's."""
        self._last = time.process_time()

    def lap(self, stage: str) -> None:
        """Charge the CPU time since the last call to ``stage``."""
        now = time.process_time()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now


class _NoClock(StageClock):
    def start(self) -> None:
        pass

    def lap(self, stage: str) -> None:
        pass


_NO_CLOCK = _NoClock()


def _mentions(tokens: Tokens, gaz: Gazetteer, sources: set[int],
              clock: StageClock = _NO_CLOCK) -> tuple[list[Mention], str | None]:
    # governments named by their country or capital ("Russia", "Washington")
    # are still places; other actor names ("Jaish al-Islam") are not
    names = actor_name_spans(tokens, gaz)
    governments = frozenset(i for a, b, actor in names if actor.government_body for i in range(a, b))
    masked = sources | ({i for a, b, _actor in names for i in range(a, b)} - governments)
    found = find_mentions(tokens, gaz, masked, governments)
    clock.lap("toponyms")
    resolved, country = resolve_mentions(found, gaz, tokens)
    kept = drop_junk(resolved, tokens, country)
    clock.lap("resolution")
    return kept, country or placed_country(kept)


# Places whose names many countries share: a village of Syria's (the gazetteer holds them all) or a
# town has namesakes across the world, so one alone does not show the country a report is about.
_VILLAGES = frozenset(("village", "neighbourhood", "facility"))
_SMALL_PLACES = _VILLAGES | {"city", "town", "region", "admin3"}


def _names_country(mention: Mention, country: str | None) -> bool:
    """Is ``mention`` a place of ``country`` spelled as the text names it, and no village?"""
    place = mention.place
    return place is not None and place.country == country and not mention.resolution.fuzzy \
        and place.kind not in _VILLAGES


def _tells_country(mention: Mention, country: str | None) -> bool:
    """Does ``mention`` show plainly that the report is about ``country``: a place of it spelled as
    named, and a country, a province or a district (no town: towns have namesakes abroad)?"""
    return _names_country(mention, country) and mention.place.kind not in _SMALL_PLACES


def analyse(text: str, *, report_date: dt.date | str | None = None, doc_id: str | None = None,
            gazetteer: Gazetteer | None = None, clock: StageClock | None = None) -> Analysis:
    """Run every extraction stage on one document and keep the intermediate results.

    Parameters
    ----------
    text : str
        The report.
    report_date : datetime.date or str, optional
        As for :func:`extract_events`.
    doc_id : str, optional
        The document's id.
    gazetteer : Gazetteer, optional
        Defaults to the bundled gazetteer.
    clock : StageClock, optional
        Charged the CPU time of each stage.

    Returns
    -------
    Analysis
        The tokens, the toponym mentions (resolved) and the event records,
        before they become table rows.
    """
    clock = clock or _NO_CLOCK
    clock.start()
    gaz = _gazetteer(gazetteer)
    normalised = normalise(text)
    text = normalised.text
    tokens = Tokens.of(text)
    clock.lap("tokens")
    sources = _sources(tokens)
    actors = find_actors(tokens, gaz, sources)
    every = [t for t in find_triggers(tokens, tolls=False) if sources.isdisjoint(range(t.first, t.end))]
    triggers = without_tolls(tokens, every)
    clock.lap("lexicons")
    mentions, country = _mentions(tokens, gaz, sources, clock)
    # "MOSCOW (Sputnik) -": where the report was filed, not Russia's government acting
    filed = {i for m in mentions if m.dateline for i in range(m.first, m.last)}
    actors = [a for a in actors if filed.isdisjoint(range(a.first, a.end))]
    # the sides named without their country ("government forces", "civilians") are the document's country's:
    # its places', else the one its named sides fight in; a state's forces outside it are external forces
    # (not a country named in a side's name: "the military forces of Armenia" may fight abroad)
    in_sides = {i for a in actors for i in range(a.first, a.end)}
    places = [m for m in mentions if in_sides.isdisjoint(range(m.first, m.last))]
    placed = any(_tells_country(m, country) for m in places)
    named = any(_names_country(m, country) for m in places)
    sides_country = sides_country_of(actors, country if placed else None, country if named else None)
    if names_scoped_sides(tokens, sides_country):  # words whose side depends on the country ("the coalition" in Yemen)
        actors = [a for a in find_actors(tokens, gaz, sources, sides_country) if filed.isdisjoint(range(a.first, a.end))]
    country_name = country_name_of(sides_country or country)
    actors = [ActorMention(a.first, a.end, a.actor.in_country(country_name).seen_from(sides_country))
              for a in actors]
    # the date the report prints at its head is what its "yesterday" and "on Sunday" count from, before
    # a date given for it from outside (a crawl's, a table's)
    ref = printed_date(text) or as_date(report_date) or dateline(text)
    focus = linking.document_focus(mentions, country)
    kept = {id(t) for t in triggers}
    tolled = [t for t in every if id(t) not in kept]
    events = linking.build_events(linking.Doc(text, tokens, actors, mentions, triggers, ref, focus, gaz,
                                              country=country_name, tolled=tolled))
    if tolled and not any(r.violent for r in events):
        # the report's words of violence that made its killing words their tolls all proved no event (an
        # aim, a support, a denial: "an operation backed by airstrikes killed 18"): the killings are events,
        # but not those told of something else ("arrested men suspected of the bombing that killed 12")
        every = [t for t in every if not (t.type.fallback and described(tokens.low, t))]
        if len(every) > len(triggers):
            events = linking.build_events(linking.Doc(text, tokens, actors, mentions, every, ref, focus, gaz,
                                                      country=country_name))
    clock.lap("events")
    return Analysis(text, normalised, doc_id, tokens, mentions, events, gaz)


def _rows(text: str, report_date: Any, doc_id: str | None, gazetteer: Gazetteer | None,
          source: str | None, clock: StageClock | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    found = analyse(text, report_date=report_date, doc_id=doc_id, gazetteer=gazetteer, clock=clock)
    events = [to_row(r, i, doc_id, found.text, source, found.gazetteer) for i, r in enumerate(found.events, start=1)]
    rows = events, mention_rows(found.mentions, doc_id)
    if found.normalised.origin is not None:
        for row in (*events, *rows[1]):  # offsets into the document as given
            row["char_start"], row["char_end"] = found.normalised.span(row["char_start"], row["char_end"])
    (clock or _NO_CLOCK).lap("rows")
    return rows


def extract_events(text: str, *, report_date: dt.date | str | None = None, doc_id: str | None = None,
                   gazetteer: Gazetteer | None = None, source: str | None = None) -> gpd.GeoDataFrame:
    """Extract ACLED-style events from one news report.

    Parameters
    ----------
    text : str
        The report.
    report_date : datetime.date or str, optional
        Publication date (``YYYY-MM-DD``); relative dates ("on Tuesday",
        "late last week") are resolved against it, unless the text prints its
        own date at its head ("Fri Apr 29 2016 ...", "Published July 20
        2015": :func:`~geomap.extract.dates.printed_date`), which wins.
        Without either, a dateline in the text is used; failing that, events
        without an explicit date get an empty ``event_date``.
    doc_id : str, optional
        Identifier written to ``doc_id`` and used in ``event_id``.
    gazetteer : Gazetteer, optional
        Defaults to the bundled gazetteer (loaded once per process).
    source : str, optional
        The report's outlet, written to the ``source`` column.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per event, columns :data:`geomap.schema.EVENT_COLUMNS`,
        EPSG:4326 points.  ``notes`` holds the supporting sentences (and
        conflicting figures), ``char_start``/``char_end`` the first
        sentence's span in ``text``, ``reason`` how the place was chosen.

    Examples
    --------
    >>> events = extract_events("Rebels shelled Aleppo on Monday, killing 3 people.", report_date="2016-05-03")
    >>> events.loc[0, ["event_date", "sub_event_type", "location", "fatalities"]].tolist()
    ['2016-05-02', 'Shelling/artillery/missile attack', 'Aleppo', 3]
    """
    return extract_document(text, report_date=report_date, doc_id=doc_id, gazetteer=gazetteer, source=source)[0]


def extract_document(text: str, *, report_date: dt.date | str | None = None, doc_id: str | None = None,
                     gazetteer: Gazetteer | None = None, source: str | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Return both the event table and the mentions table of one report (one pass).

    Parameters
    ----------
    text, report_date, doc_id, gazetteer, source
        As for :func:`extract_events`.

    Returns
    -------
    (geopandas.GeoDataFrame, pandas.DataFrame)
        The event table (as :func:`extract_events`) and the mentions table
        (as :func:`extract_mentions`).
    """
    events, mentions = _rows(text, report_date, doc_id, gazetteer, source)
    return _tables(events, mentions)


def extract_corpus(documents: Iterable[DocumentLike], *, gazetteer: Gazetteer | None = None,
                   report_date: dt.date | str | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Extract the events and mentions of many reports into one table each.

    Parameters
    ----------
    documents : iterable of Document
        Objects with ``id``, ``text``, ``date`` and ``source`` (see
        :func:`geomap.documents.iter_documents`), and optionally ``offset`` and
        ``part`` when they are pieces of one long report: offsets in the
        tables then point into the whole report, and the events of piece
        ``part > 0`` are numbered ``ID/PART-N``.
    gazetteer : Gazetteer, optional
        Defaults to the bundled gazetteer.
    report_date : datetime.date or str, optional
        Date for documents that carry none.

    Returns
    -------
    (geopandas.GeoDataFrame, pandas.DataFrame)
        The event table and the mentions table; tables are built once at
        the end, which is what makes many short reports fast. For inputs
        too big to hold as one table, see :func:`iter_extract_corpus`.
    """
    events, mentions = extract_rows(documents, gazetteer=gazetteer, report_date=report_date)
    return _tables(events, mentions)


def extract_rows(documents: Iterable[DocumentLike], *, gazetteer: Gazetteer | None = None,
                 report_date: dt.date | str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of :func:`extract_corpus`'s two tables, as dicts: no table is built.

    For writers that stream rows (a CSV of events needs neither pandas nor
    geopandas).

    Parameters
    ----------
    documents, gazetteer, report_date
        As for :func:`extract_corpus`.

    Returns
    -------
    (list of dict, list of dict)
        The event rows (keys :data:`geomap.schema.EVENT_COLUMNS`) and the
        mention rows (keys :data:`geomap.schema.MENTION_COLUMNS`).
    """
    gaz = _gazetteer(gazetteer)
    events: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    for doc in documents:
        e, m = _document_rows(doc, gaz, report_date)
        events.extend(e)
        mentions.extend(m)
    return events, mentions


def _tables(events: list[dict[str, Any]], mentions: list[dict[str, Any]]) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    # pandas and geopandas load only when a table is asked for (a third of a second)
    from geomap.frames import events_from_records

    return events_from_records(events), mentions_frame(mentions)


#: Characters of text per table yielded by :func:`iter_extract_corpus`.
BATCH_CHARS = 2_000_000


def iter_extract_corpus(documents: Iterable[DocumentLike], *, gazetteer: Gazetteer | None = None,
                        report_date: dt.date | str | None = None,
                        batch_chars: int = BATCH_CHARS) -> Iterator[tuple[gpd.GeoDataFrame, pd.DataFrame]]:
    """Extract many reports as a stream of tables, so memory stays bounded.

    Concatenated, the tables are what :func:`extract_corpus` returns for the
    same documents.

    Parameters
    ----------
    documents, gazetteer, report_date
        As for :func:`extract_corpus`.
    batch_chars : int
        Documents are taken until their text reaches this many characters,
        then that batch's event and mention tables are yielded.

    Yields
    ------
    (geopandas.GeoDataFrame, pandas.DataFrame)
        The events and mentions of one batch of documents; nothing is
        yielded for no documents.
    """
    for events, mentions in iter_extract_rows(documents, gazetteer=gazetteer, report_date=report_date,
                                              batch_chars=batch_chars):
        yield _tables(events, mentions)


def iter_extract_rows(documents: Iterable[DocumentLike], *, gazetteer: Gazetteer | None = None,
                      report_date: dt.date | str | None = None,
                      batch_chars: int = BATCH_CHARS) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """:func:`iter_extract_corpus`'s batches as rows (see :func:`extract_rows`), no table built.

    Parameters
    ----------
    documents : iterable of Document
        As for :func:`extract_corpus`.
    gazetteer : Gazetteer, optional
        Defaults to the bundled gazetteer.
    report_date : datetime.date or str, optional
        Date for documents that carry none.
    batch_chars : int
        Characters of text per batch.

    Yields
    ------
    (list of dict, list of dict)
        The event rows and mention rows of one batch of documents.
    """
    batch: list[DocumentLike] = []
    size = 0
    for doc in documents:
        batch.append(doc)
        size += len(doc.text)
        if size >= batch_chars:
            yield extract_rows(batch, gazetteer=gazetteer, report_date=report_date)
            batch, size = [], 0
    if batch:
        yield extract_rows(batch, gazetteer=gazetteer, report_date=report_date)


def _document_rows(doc: DocumentLike, gaz: Gazetteer,
                   report_date: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of one document, with offsets into the whole report when it is one piece of it."""
    # a later piece of a long report is dated by the report's own dateline, at its head (the date it prints
    # there first, as the whole report would be)
    head = getattr(doc, "head", "")
    date = (printed_date(head) if head else None) or doc.date or report_date or (dateline(head) if head else None)
    events, mentions = _rows(doc.text, date, doc.id, gaz, doc.source)
    offset, part = getattr(doc, "offset", 0), getattr(doc, "part", 0)
    if offset:
        for row in (*events, *mentions):
            row["char_start"] += offset
            row["char_end"] += offset
    if part:
        # Pieces are extracted apart (maybe by other workers), so a piece's ids cannot continue the last one's.
        for index, row in enumerate(events, start=1):
            row["event_id"] = f"{doc.id}/{part}-{index}"
    return events, mentions


def extract_mentions(text: str, *, doc_id: str | None = None, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Find and resolve every toponym mention of one report.

    Parameters
    ----------
    text : str
        The report.
    doc_id : str, optional
        Written to the ``doc_id`` column.
    gazetteer : Gazetteer, optional
        Defaults to the bundled gazetteer.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, text, char_start, char_end, status, place_id, name,
        kind, latitude, longitude, admin1, country, score, reason``; status
        is ``located``, ``ambiguous`` (candidates, no safe choice) or
        ``unlocated`` (a cued name the gazetteer lacks).
    """
    normalised = normalise(text)
    tokens = Tokens.of(normalised.text)
    gaz = _gazetteer(gazetteer)
    sources = _sources(tokens)
    mentions, _country = _mentions(tokens, gaz, sources)
    rows = mention_rows(mentions, doc_id)
    for row in rows:
        row["char_start"], row["char_end"] = normalised.span(row["char_start"], row["char_end"])
    return mentions_frame(rows)
