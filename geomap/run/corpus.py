"""Corpora to tables: one process streaming batch by batch, or many workers writing GeoParquet parts.

:func:`extract_table` writes the events of any number of reports to one CSV
(or standard output) batch by batch, so memory stays bounded at any input
size; :func:`run_corpus` spreads a corpus over local processes or a Dask
cluster and writes a folder of GeoParquet parts (the same parts whatever the
engine).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from geomap.dates import as_date
from geomap.documents import Document, DocumentError, Idents, iter_documents
from geomap.extract import BATCH_CHARS, iter_extract_rows
from geomap.outputs import PartsFolder
from geomap.run import ENGINES
from geomap.run.plan import plan_units
from geomap.schema import EVENT_COLUMNS, MENTION_COLUMNS
from geomap.textio import atomic_write, write_csv_rows

PathLike = str | os.PathLike[str]

def extract_table(
    paths: PathLike | Iterable[PathLike],
    output: PathLike,
    *,
    mentions_output: PathLike | None = None,
    report_date: dt.date | str | None = None,
    gazetteer: Any = None,
    batch_chars: int | None = None,
    dayfirst: bool = False,
) -> CorpusRun:
    """Extract reports and corpora into one event table, in one process, memory bounded.

    Documents are streamed from :func:`iter_documents` (a long report in
    pieces) and extracted in batches of about ``batch_chars`` characters
    (:data:`geomap.extract.BATCH_CHARS` by default, see
    :func:`geomap.extract.iter_extract_corpus`). A CSV output is written
    batch by batch, so memory does not grow with the input; a GeoJSON or
    single-file GeoParquet output is assembled in memory and written at the
    end (for partitioned GeoParquet of any size see :func:`run_corpus`).

    Parameters
    ----------
    paths : path or iterable of paths
        Reports, folders, JSONL or CSV corpora (see :func:`iter_documents`).
    output : path
        The event table (see :func:`geomap.tables.write_events`); ``-``
        writes CSV to standard output. Written atomically.
    mentions_output : path, optional
        A CSV file for the toponym mentions, also streamed.
    report_date : datetime.date or str, optional
        Date of documents that carry none.
    gazetteer : geomap.gazetteer.Gazetteer, optional
        Default: the bundled one.
    batch_chars : int, optional
        Characters of text extracted per batch.
    dayfirst : bool
        Read all-number record dates (``03/05/2016``) day first.

    Returns
    -------
    CorpusRun
        Counts (``parts`` is the number of batches) and the documents that
        could not be read.
    """
    run = CorpusRun()

    def documents() -> Iterator[Document]:
        for doc in iter_documents(paths, report_date=report_date, errors=run.errors, dayfirst=dayfirst):
            run.documents += doc.part == 0
            yield doc

    batches = iter_extract_rows(documents(), gazetteer=gazetteer, batch_chars=batch_chars or BATCH_CHARS)
    with _event_writer(output) as write_events_batch, _mentions_writer(mentions_output) as write_mentions_batch:
        for events, mentions in batches:
            write_events_batch(events)
            write_mentions_batch(mentions)
            run.parts += 1
            run.events += len(events)
            run.mentions += len(mentions)
            run.located += sum(m["status"] == "located" for m in mentions)
    return run


@contextmanager
def _text_output(path: PathLike) -> Iterator[IO[str]]:
    if str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
    else:
        with atomic_write(path) as handle:
            yield handle


def _is_csv(path: PathLike) -> bool:
    return str(path) == "-" or Path(path).suffix.lower() in (".csv", ".tsv")


@contextmanager
def _event_writer(path: PathLike) -> Iterator[Callable[[list[dict[str, Any]]], None]]:
    """Yield a function taking event rows batch by batch; CSV is written as the batches come.

    A CSV of extracted events is written row by row with the one CSV writer
    (:func:`geomap.textio.write_csv_rows`), as :func:`geomap.tables.write_events`
    would write their table, without building one; other formats are
    assembled in memory and written at the end.
    """
    if not _is_csv(path):
        rows: list[dict[str, Any]] = []
        yield rows.extend
        from geomap.frames import (
            events_from_records,  # tables load only for the formats that need them
        )
        from geomap.tables import write_events

        write_events(events_from_records(rows), path)
        return
    with _text_output(path) as handle:
        write_csv_rows(handle, EVENT_COLUMNS, ())
        yield lambda rows: write_csv_rows(handle, EVENT_COLUMNS, ([row.get(c) for c in EVENT_COLUMNS] for row in rows),
                                          header=False)


@contextmanager
def _mentions_writer(path: PathLike | None) -> Iterator[Callable[[list[dict[str, Any]]], None]]:
    """Yield a function taking mention rows batch by batch (a no-op without ``path``), written as CSV."""
    if path is None:
        yield lambda rows: None
        return
    with _text_output(path) as handle:
        write_csv_rows(handle, MENTION_COLUMNS, ())
        yield lambda rows: write_csv_rows(handle, MENTION_COLUMNS,
                                          ([row.get(c) for c in MENTION_COLUMNS] for row in rows), header=False)


@dataclass
class CorpusRun:
    """What :func:`run_corpus` did.

    Attributes
    ----------
    documents : int
        Documents extracted.
    events : int
        Event rows written.
    mentions : int
        Toponym mention rows found (``located`` of them resolved).
    located : int
        Mentions resolved to a gazetteer place.
    parts : int
        Parquet files written into the output folder.
    errors : list of DocumentError
        Files or records that could not be read (the run went on without
        them), and warnings about documents extracted all the same (a date
        that could not be read) or folder entries not read.
    """

    documents: int = 0
    events: int = 0
    mentions: int = 0
    located: int = 0
    parts: int = 0
    errors: list[DocumentError] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        failed = sum(not error.warning for error in self.errors)
        failed = f", {failed} inputs failed" if failed else ""
        return (f"{self.documents} documents, {self.events} events, {self.located} of {self.mentions} "
                f"place mentions located{failed}")


def run_corpus(
    paths: PathLike | Iterable[PathLike],
    output: PathLike,
    *,
    mentions_output: PathLike | None = None,
    report_date: dt.date | str | None = None,
    workers: int = 1,
    engine: str = "processes",
    scheduler: Any = None,
    batch_size: int = 50,
    progress: bool | None = None,
    gazetteer: Any = None,
    dayfirst: bool = False,
    dashboard: str | None = None,
) -> CorpusRun:
    """Extract the events of a corpus in parallel into partitioned GeoParquet.

    The input is cut into batches of about ``batch_size`` documents in input
    order, which ``workers`` processes (or a Dask cluster) read and extract:
    a JSONL or CSV corpus by position (``batch_size`` records a batch, found
    by looking for line ends only in JSONL, by the CSV reader in CSV, whose
    records may span lines), short text reports by file. What workers
    cannot read themselves is read here, with the same readers, and its
    documents are sent: standard input, a long report in pieces, UTF-16
    corpora, and the whole input for Dask workers that do not see the input
    files (another machine without a shared file system, or a copy of
    another size or age). The documents, their ids (``ID#2`` for a repeated
    id), the errors with their file and line, in input order, are those of
    :func:`iter_documents`.

    At most four (Dask: eight) batches per worker are in flight, so memory
    stays bounded whatever the corpus size. Batch ``i`` becomes
    ``OUTPUT/part-{i:05d}.parquet``; a batch never spans two corpus files,
    and one in which no document could be read writes no part. The cut
    depends on the input only: the same input gives the same files whatever
    the engine and number of workers. Workers write their parts themselves
    and send back only counts and their documents' ids; Dask workers that
    cannot see the output folder send their tables back to be written here
    instead.

    Parameters
    ----------
    paths : path or iterable of paths
        Reports, folders, JSONL or CSV corpora (see :func:`iter_documents`).
    output : path
        Folder to write the event parts into (e.g. ``events.parquet``); it is
        built beside its final place and renamed at the end, replacing a
        previous folder of parts of the same name. A folder geomap did not
        write (no :data:`geomap.outputs.MARKER` file in it, and not empty) is
        never replaced: :class:`~geomap.errors.UsageError`.
    mentions_output : path, optional
        Folder for the toponym mention parts, written the same way.
    report_date : datetime.date or str, optional
        Date of documents that carry none.
    workers : int
        Parallel workers; 1 runs in this process.
    engine : {"processes", "dask"}
        Local worker processes, or a Dask bag per window of batches run on a
        ``dask.distributed`` cluster (the ``geomap[dask]`` extra).
    scheduler : str or distributed.Client, optional
        For ``engine="dask"``: a scheduler address (``tcp://host:8786``) or a
        client; default: a local cluster of ``workers`` processes
        (:func:`local_cluster`).
    batch_size : int
        Documents per batch (and per output part); for a JSONL or CSV
        corpus, records that are not blank, bad records included.
    progress : bool, optional
        Show a progress bar on stderr; default: only when stderr is a terminal.
    gazetteer : geomap.gazetteer.Gazetteer, optional
        Default: the bundled one. Pass ``Gazetteer.load().with_places(...)``
        to use the user's own places; workers receive it cheaply (they
        rebuild it from their own cached copy of the bundled index).
    dayfirst : bool
        Read all-number record dates (``03/05/2016``) day first.
    dashboard : str, optional
        For the local Dask cluster: the address of its diagnostics dashboard
        (``:8787``); by default it has none.

    Returns
    -------
    CorpusRun
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if workers < 1 or batch_size < 1:
        raise ValueError("workers and batch_size must be at least 1")
    from tqdm import tqdm

    from geomap.run import (
        parallel,  # the engines (and the tables they write) load only for a parallel run
    )

    run = CorpusRun()
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    units = plan_units(paths, as_date(report_date), batch_size, dayfirst=dayfirst)
    outputs = [PartsFolder(Path(output))]
    try:
        if mentions_output is not None:
            outputs.append(PartsFolder(Path(mentions_output)))
    except BaseException:
        outputs[0].discard()
        raise
    folders = tuple(str(folder.tmp.absolute()) for folder in outputs)  # workers may run in another folder
    idents = Idents()
    bar = tqdm(unit="doc", desc="extract", disable=None if progress is None else not progress, file=sys.stderr)
    try:
        # closing(): the engines stop their workers before the folders they write into are removed
        with closing(parallel.execute(paths, units, folders, workers, engine, scheduler, gazetteer,
                                      dashboard)) as results:
            for done in results:
                _take(done, folders, idents, run)
                bar.update(len(done.ids))
        if run.parts == 0:  # still leave a readable (empty) table behind
            parallel.write_part(folders, 0, *parallel.extract_batch([]))
            run.parts = 1
        for folder in outputs:
            folder.commit()
    finally:
        bar.close()
        for folder in outputs:
            folder.discard()
    return run


def _take(done: Any, folders: tuple[str, ...], idents: Idents, run: CorpusRun) -> None:
    """Count a finished batch, writing or renaming its part when its documents' ids need it."""
    from geomap.run import parallel

    run.errors.extend(done.errors)
    names = parallel.renames(done.ids, idents)
    if done.tables is not None:
        part = parallel.write_part(folders, done.index, *parallel.renamed(*done.tables, names))
    else:
        part = done.part
        if names and part is not None:
            parallel.rename_part(folders, done.index, names)
    if part is None:  # nothing in this batch could be read
        return
    run.documents += sum(piece == 0 for _, piece in done.ids)  # a long report's pieces are one document
    run.events += part.events
    run.mentions += part.mentions
    run.located += part.located
    run.parts += 1
