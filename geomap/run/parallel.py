"""Engines: extract batches on local processes or a Dask cluster, each worker writing its own parts."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from geomap.documents import Document, DocumentError, Idents, expand_paths
from geomap.errors import InputError
from geomap.extract import extract_corpus
from geomap.extract.rows import mentions_frame
from geomap.gazetteer import Gazetteer
from geomap.run.plan import Unit, chunks, documents_of, read_here
from geomap.tables import write_built_table, write_events

PathLike = str | os.PathLike[str]

def extract_batch(documents: list[Document], gazetteer: Any = None) -> tuple[Any, Any]:
    """Extract the events and mentions of a batch of documents (runs on a worker).

    Returns ``(events, mentions)`` as two DataFrames, rows in document order.
    The gazetteer is loaded once per worker process (it is cached by
    :meth:`geomap.gazetteer.Gazetteer.load`, and a gazetteer with user places
    is rebuilt from that cache when it arrives, see
    :meth:`geomap.gazetteer.Gazetteer.with_places`).
    """
    import pandas as pd

    # One table per batch, not per document: building a frame costs more than extracting a short report.
    events, mentions = extract_corpus(documents, gazetteer=gazetteer)
    return pd.DataFrame(events), mentions


_QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    # batches wait in the scheduler's queue until a worker is free: nothing to steal
    "distributed.scheduler.work-stealing": False,
    # Dask's own pre-spawn environment also sets MALLOC_TRIM_THRESHOLD_ to 64 kB, which costs
    # CPU on every free: replaced by its thread limits alone, glibc's own heap trimming applies
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
}


def local_cluster(workers: int) -> Any:
    """Start the Dask cluster ``run_corpus(engine="dask")`` uses when given no scheduler.

    One single-threaded worker process per CPU asked for (extraction is pure
    Python: threads would only share one interpreter lock) and no dashboard.
    Dask's housekeeping is slowed down to what a batch job needs, because on a
    small machine it competes with the workers for the same cores: no
    statistical profiler in the workers (it samples the running task's stack
    every 10 ms and keeps the profiles in memory), event-loop, system and
    memory monitors every second or more instead of every 20 to 500 ms, no
    work stealing, and glibc's own heap trimming (Dask's 64 kB
    ``MALLOC_TRIM_THRESHOLD_`` made the workers spend some 10% more CPU than
    one process on the same documents; without it, about 2%, and a few MB
    more memory). The workers are forked from a ``forkserver`` process that
    has imported Dask, pandas and geomap's extraction once, so they start in
    a few milliseconds of CPU instead of importing all of it again each
    (about 1.4 s of CPU per worker).

    Parameters
    ----------
    workers : int
        Worker processes.

    Returns
    -------
    distributed.LocalCluster
        Close it (or use it in a ``with`` block) when done.
    """
    import multiprocessing

    import dask
    from distributed import LocalCluster

    # Workers copy the configuration in force when they start. Windows has no forkserver:
    # there the workers are spawned, Dask's default.
    config = dict(_QUIET_CLUSTER)
    forkserver = "forkserver" in multiprocessing.get_all_start_methods()
    if forkserver:
        config["distributed.worker.multiprocessing-method"] = "forkserver"
    with dask.config.set(config):
        if forkserver:
            _preload_forkserver()  # with the method in force, or Dask's own list would replace ours
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)


#: Modules the worker processes of :func:`local_cluster` find imported when they start.
_PRELOAD = ("distributed", "pandas", "geopandas", "pyarrow", "geomap.documents", "geomap.run.corpus", "geomap.tables", "geomap.extract",
            "geomap.gazetteer")


def _preload_forkserver() -> None:
    # Worker processes are forked from a fresh, single-threaded server process (not from this
    # one, whose threads could hold locks a child would inherit), which imports these first:
    # each worker then starts with them instead of importing them again.
    from distributed.utils import get_mp_context

    get_mp_context().set_forkserver_preload(list(_PRELOAD))


@dataclass(frozen=True)
class _Part:
    """What one batch gave, as counted where its part files were written."""

    events: int
    mentions: int
    located: int


@dataclass(frozen=True)
class _Done:
    """What the worker of batch ``index`` sends back.

    ``ids`` are the documents' own ids and piece numbers, in order (the
    worker names them unique within its batch; this process renames them
    when an id was seen in an earlier batch). ``part`` are the counts of the
    part files the worker wrote, ``tables`` the events and mentions for this
    process to write instead; both are None when no document could be read.
    """

    index: int
    ids: tuple[tuple[str, int], ...]
    errors: tuple[DocumentError, ...]
    part: _Part | None = None
    tables: tuple[Any, Any] | None = None


def _extract_unit(index: int, unit: Unit, folders: tuple[str, ...] | None, gazetteer: Any) -> _Done:
    """Read and extract batch ``index`` (runs on a worker).

    With ``folders``, the worker writes its part files there itself and only
    counts travel back; without, its tables do.
    """
    documents, errors = documents_of(unit)
    ids = tuple((doc.id, doc.part) for doc in documents)
    if not documents:
        return _Done(index, ids, tuple(errors))
    idents = Idents()
    named = [replace(doc, id=name) if (name := idents.name(doc.id, doc.part)) != doc.id else doc for doc in documents]
    tables = extract_batch(named, gazetteer)
    if folders is None:
        return _Done(index, ids, tuple(errors), tables=tables)
    return _Done(index, ids, tuple(errors), part=write_part(folders, index, *tables))


def renames(ids: tuple[tuple[str, int], ...], idents: Idents) -> dict[str, str]:
    """Names a worker gave its batch's documents that ids seen in earlier batches make wrong.

    ``idents`` names the documents of the whole run, batch after batch, so
    the ids are those :func:`iter_documents` gives.
    """
    local = Idents()
    renames = {}
    for ident, piece in ids:
        mine, right = local.name(ident, piece), idents.name(ident, piece)
        if mine != right:
            renames[mine] = right
    return renames


def renamed(events: Any, mentions: Any, renames: dict[str, str]) -> tuple[Any, Any]:
    """The tables of a batch with its documents renamed (``doc_id`` and the ``event_id`` built on it)."""
    if not renames:
        return events, mentions
    events, mentions = events.copy(), mentions.copy()
    if len(events):
        events["event_id"] = [renames[doc] + event[len(doc):] if doc in renames else event
                              for doc, event in zip(events["doc_id"], events["event_id"])]
        events["doc_id"] = [renames.get(doc, doc) for doc in events["doc_id"]]
    if len(mentions):
        mentions["doc_id"] = [renames.get(doc, doc) for doc in mentions["doc_id"]]
    return events, mentions


def rename_part(folders: tuple[str, ...], index: int, renames: dict[str, str]) -> None:
    """Rewrite the part files of batch ``index`` with its documents renamed (rare: repeated ids)."""
    import geopandas as gpd
    import pandas as pd

    name = f"part-{index:05d}.parquet"
    events = gpd.read_parquet(Path(folders[0], name))
    mentions = pd.read_parquet(Path(folders[1], name)) if len(folders) > 1 else mentions_frame([])
    _write_tables(folders, index, *renamed(events, mentions, renames), built=False)  # read back and edited




def execute(paths: list[PathLike], units: Iterator[Unit], folders: tuple[str, ...], workers: int, engine: str,
             scheduler: Any, gazetteer: Any) -> Iterator[_Done]:
    if engine == "dask":
        yield from _execute_dask(paths, units, folders, workers, scheduler, gazetteer)
    elif workers == 1:
        for index, unit in enumerate(units):
            yield _extract_unit(index, unit, folders, gazetteer)
    else:
        yield from _execute_processes(units, folders, workers, gazetteer)


def _execute_processes(units: Iterator[Unit], folders: tuple[str, ...], workers: int,
                       gazetteer: Any) -> Iterator[_Done]:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, initializer=_load_gazetteer, initargs=(gazetteer,)) as pool:
        pending: deque[Any] = deque()
        for index, unit in enumerate(units):
            pending.append(pool.submit(_extract_unit, index, unit, folders, gazetteer))
            # Results are taken in order: enough batches queued that no worker idles behind a slow one.
            if len(pending) >= 4 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _execute_dask(paths: list[PathLike], units: Iterator[Unit], folders: tuple[str, ...], workers: int, scheduler: Any,
                  gazetteer: Any) -> Iterator[_Done]:
    try:
        import dask.bag as db
        from distributed import Client, wait
    except ImportError:
        raise InputError("the dask engine needs the geomap[dask] extra: pip install 'geomap[dask]'") from None
    with ExitStack() as stack:
        if isinstance(scheduler, Client):
            client = scheduler
        else:
            client = stack.enter_context(Client(scheduler or stack.enter_context(local_cluster(workers))))
        client.run(_load_gazetteer, gazetteer)  # each worker loads the gazetteer once, before any batch
        # Workers that see the output folders (this machine, or a shared file system) write
        # their parts themselves; others send their tables here to be written.
        on_workers = all(client.run(_sees, folders).values())
        # Workers that see the input files read their batches themselves; for others, this
        # process reads them and ships the documents.
        if not all(client.run(_sees_inputs, _input_files(paths)).values()):
            units = map(read_here, units)
        units = enumerate(units)
        # Several windows in flight: results are collected in order, so a long batch at the head
        # would otherwise leave the other workers idle until its window completes.
        slots = sum(client.nthreads().values()) or workers  # a remote cluster has its own size
        in_flight: deque[list[Any]] = deque()
        try:
            for window in chunks(units, 2 * slots):
                # Each batch is the data of its own partition, so every task is a root the scheduler
                # gives to whichever worker is free (and not db.from_sequence, which would hash the
                # batches to name the tasks).
                name = f"geomap-batches-{uuid.uuid4().hex}"
                bag = db.Bag({(name, i): [item] for i, item in enumerate(window)}, name, len(window))
                tasks = bag.starmap(_extract_unit, folders=folders if on_workers else None, gazetteer=gazetteer)
                # one future per partition (batch), so a failure can wait for each of them
                in_flight.append(client.compute(tasks.to_delayed()))
                if len(in_flight) == _WINDOWS_IN_FLIGHT:
                    yield from _window_results(in_flight[0])
                    in_flight.popleft()
            while in_flight:
                yield from _window_results(in_flight[0])
                in_flight.popleft()
        finally:
            # After a failure, let the batches still in flight end before the caller removes the
            # folders they write into (a cluster may outlive this run).
            wait([future for futures in in_flight for future in futures])


#: Windows of ``2 * workers`` batches a Dask run keeps in flight: enough that every worker
#: still has batches queued while the oldest window waits for its slowest one.
_WINDOWS_IN_FLIGHT = 4


def _sees(folders: tuple[str, ...]) -> bool:
    # The folders have random names (mkdtemp): another machine sees them only through a shared file system.
    return all(os.path.isdir(folder) for folder in folders)


_FileStamp = tuple[str, int, int]


def _input_files(paths: list[PathLike]) -> tuple[_FileStamp, ...]:
    """Absolute path, size and modification time of every input file (folders expanded)."""
    stamps = []
    for path in paths:
        for item in expand_paths(path, []):
            try:
                stat = os.stat(item)
            except OSError:
                continue  # standard input, or gone: its reader reports it
            stamps.append((os.path.abspath(item), stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def _sees_inputs(files: tuple[_FileStamp, ...]) -> bool:
    # Another machine may have a file of the same name: the size and modification time must match too.
    try:
        return all((stat := os.stat(path)).st_size == size and stat.st_mtime_ns == mtime
                   for path, size, mtime in files)
    except OSError:
        return False


def _window_results(futures: list[Any]) -> Iterator[_Done]:
    for future in futures:
        (done,) = future.result()
        yield done


def _load_gazetteer(gazetteer: Any = None) -> None:
    # Unpickling a gazetteer already loads it (and its user layer); else load the bundled one.
    if gazetteer is None:
        Gazetteer.load()


class PartsFolder:
    """An output folder of Parquet parts, built aside and renamed into place."""

    def __init__(self, final: Path) -> None:
        self.final = final
        final.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))

    def commit(self) -> None:
        if self.final.is_dir():
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            os.replace(self.final, old)
            os.replace(self.tmp, self.final)
            shutil.rmtree(old, ignore_errors=True)
        elif self.final.exists():
            raise InputError("exists and is not a folder; choose another output", path=str(self.final))
        else:
            os.replace(self.tmp, self.final)

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def write_part(folders: tuple[str, ...], index: int, events: Any, mentions: Any) -> _Part:
    """Write batch ``index``'s tables into the parts folders; return its counts."""
    _write_tables(folders, index, events, mentions)
    return _Part(events=len(events), mentions=len(mentions), located=located_count(mentions))


def _write_tables(folders: tuple[str, ...], index: int, events: Any, mentions: Any, *, built: bool = True) -> None:
    """Write batch ``index``'s tables; ``built``: the event table is as events_from_records made it."""
    name = f"part-{index:05d}.parquet"
    if built:
        write_built_table(events, Path(folders[0], name))  # already in the schema: not conformed again
    else:
        write_events(events, Path(folders[0], name), format="parquet")
    if len(folders) > 1:
        mentions.to_parquet(Path(folders[1], name), index=False)


def located_count(mentions: Any) -> int:
    """How many rows of a mentions table are located."""
    return int((mentions["status"].astype(str) == "located").sum()) if len(mentions) else 0
