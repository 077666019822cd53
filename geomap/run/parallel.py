"""Engines: extract batches on local processes or a Dask cluster, each worker writing its own parts."""

from __future__ import annotations

import os
import signal
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


def local_cluster(workers: int, dashboard: str | None = None) -> Any:
    """Start the Dask cluster ``run_corpus(engine="dask")`` uses when given no scheduler.

    One single-threaded worker process per CPU asked for (extraction is pure
    Python: threads would only share one interpreter lock) and no dashboard
    unless asked for (Dask's default opens one on port 8787 of every
    interface; without it, no page is served and no fixed port taken).
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
    dashboard : str, optional
        Address for Dask's diagnostics dashboard (``":8787"``, ``"127.0.0.1:8787"``);
        default: no dashboard, so the run opens no HTTP port.

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
        if dashboard is not None:
            return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=dashboard)
        # The scheduler always starts an HTTP server (dashboard or not), by default on :8787: without a
        # dashboard it gets a free port on 127.0.0.1 and no pages.
        with dask.config.set({"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}):
            return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False})


#: Modules the worker processes of :func:`local_cluster` find imported when they start.
_PRELOAD = ("distributed", "pandas", "geopandas", "pyarrow", "geomap.documents", "geomap.run.corpus", "geomap.tables",
            "geomap.extract", "geomap.gazetteer")


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
            scheduler: Any, gazetteer: Any, dashboard: str | None = None) -> Iterator[_Done]:
    """What each batch gave, in order, from this process, local worker processes or Dask.

    Closing the generator early (an error, Ctrl-C, SIGTERM) stops the local
    workers at once: none is left running, or writing, after it.
    """
    if engine == "dask":
        yield from _execute_dask(paths, units, folders, workers, scheduler, gazetteer, dashboard)
    elif workers == 1:
        for index, unit in enumerate(units):
            yield _extract_unit(index, unit, folders, gazetteer)
    else:
        yield from _execute_processes(units, folders, workers, gazetteer)


def _execute_processes(units: Iterator[Unit], folders: tuple[str, ...], workers: int,
                       gazetteer: Any) -> Iterator[_Done]:
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(gazetteer,))
    try:
        pending: deque[Any] = deque()
        for index, unit in enumerate(units):
            pending.append(pool.submit(_extract_unit, index, unit, folders, gazetteer))
            # Results are taken in order: enough batches queued that no worker idles behind a slow one.
            if len(pending) >= 4 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException:
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool: Any) -> None:
    """Stop a process pool's workers now, not after the batches they were given (an error or a signal)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)


def _start_worker(gazetteer: Any = None) -> None:
    # A worker forked from a CLI run inherits its SIGTERM handler, which would turn the signal into an
    # exception sent back as a batch's result: a worker told to stop stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _load_gazetteer(gazetteer)


def _execute_dask(paths: list[PathLike], units: Iterator[Unit], folders: tuple[str, ...], workers: int, scheduler: Any,
                  gazetteer: Any, dashboard: str | None = None) -> Iterator[_Done]:
    try:
        import dask.bag as db
        from distributed import Client, wait
    except ImportError:
        raise InputError("the dask engine needs the geomap[dask] extra: pip install 'geomap[dask]'") from None
    with ExitStack() as stack:
        client = scheduler if isinstance(scheduler, Client) else _connect(stack, scheduler, workers, dashboard)
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
        interrupted = False
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
        except BaseException as exc:
            # Ctrl-C, SIGTERM (see geomap.cli), or the caller closing this generator early
            interrupted = not isinstance(exc, Exception)
            raise
        finally:
            futures = [future for futures in in_flight for future in futures]
            if interrupted and scheduler is None:
                # Stopped by the user: our own cluster is closed next, its workers with it.
                client.cancel(futures)
            else:
                # After a failure, let the batches still in flight end before the caller removes the
                # folders they write into (a cluster may outlive this run).
                wait(futures)


def _connect(stack: ExitStack, scheduler: str | None, workers: int, dashboard: str | None) -> Any:
    """A client of the scheduler at ``scheduler``, or of a local cluster started for this run."""
    from distributed import Client

    if scheduler:
        try:
            return stack.enter_context(Client(scheduler, timeout="20s"))
        except (OSError, TimeoutError, RuntimeError, ValueError) as exc:
            raise InputError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    problem = _loopback_problem()
    if problem is not None:
        raise InputError(f"a local Dask cluster talks over 127.0.0.1, which does not answer here ({problem}); "
                         f"run without --engine dask (--workers N uses local processes)")
    try:
        return stack.enter_context(Client(stack.enter_context(local_cluster(workers, dashboard))))
    except (OSError, TimeoutError, RuntimeError) as exc:
        raise InputError(f"cannot start a local Dask cluster: {exc}") from None


def _loopback_problem() -> str | None:
    """Why a connection to 127.0.0.1 fails (no loopback network in a sandbox), or None; in a second at most."""
    import socket

    try:
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            with socket.create_connection(server.getsockname(), timeout=1.0):
                return None
    except OSError as exc:
        return exc.strerror or str(exc)


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
