"""Rebuild and verify: replay every event stream from its first message into a new table set.

A rebuild fills a new generation beside the live one while the service keeps answering from the
live one, then switches: under the write lock, in one transaction that first locks the live
pointer, it applies whatever reached the streams since it looked (the tail), and moves the
pointer. A verification does the same into a scratch generation, waits for the live consumers to
catch up, compares row for row inside that transaction (again, a few times, while the only
difference is events the live side has not applied yet), and drops the scratch set.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import nats
from nats.aio.client import Client as NatsClient
from nats.errors import NoServersError
from nats.js.client import JetStreamContext
from sqlalchemy import Connection, Engine

from services.reporting import generations, replay_decode
from services.reporting.compare import compare_generations
from services.reporting.live import Incoming, LiveProjection, apply_batch
from services.reporting.outcomes import all_dossier_ids, chunks, refresh_outcomes
from services.reporting.projector import decode_json
from services.reporting.stream_reader import StreamMessage, last_sequence, read_all, read_range
from services.reporting.tables import projection_tables
from shared.messaging.progress import consumers_caught_up
from shared.streams import EVENT_STREAMS, StreamSpec

log = logging.getLogger(__name__)

STATE_LABELS = {
    "running": "Đang đọc lại các luồng sự kiện",
    "catching_up": "Đang chờ bộ bảng đang dùng xử lý kịp sự kiện mới",
    "switching": "Đang chuyển sang bộ bảng mới",
    "comparing": "Đang so sánh với bộ bảng đang dùng",
    "done": "Hoàn tất",
    "failed": "Thất bại",
}
MAX_SKIPPED_SHOWN = 20
PROGRESS_LOG_EVERY = 100_000
"""A long rebuild logs its progress every this many events (`GET /admin/rebuild` shows it too)."""
TAIL_READ_TIMEOUT = 120.0
COMPARE_ATTEMPTS = 3


REPLAY_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector's youngest generation every 50,000 allocations instead of
    700 while a replay runs. A replay allocates (and frees, by reference counting) millions of
    short-lived objects; each collection also walks older objects, and with the default
    threshold they took a quarter to a third of a rebuild (docs/performance.md). Process-wide, restored
    after; one job runs at a time."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], REPLAY_GC_THRESHOLD), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


DECODE_PROCESSES = max(1, min(4, (os.cpu_count() or 1) - 1))
"""Worker processes decoding a large replay's batches (`replay_decode`): the cores but one."""
DECODE_IN_PROCESSES_FROM = 10_000
"""Messages in the streams from which a replay decodes in worker processes."""
REPLAY_CACHE_KIB = 65_536


@contextlib.contextmanager
def bulk_loading(engine: Engine) -> Iterator[Connection]:
    """The one connection a replay writes the new generation with. On SQLite it commits without
    waiting for the disk (`synchronous=NORMAL`: in WAL mode the database stays consistent, a
    power cut may only lose the last commits, of a generation nobody reads yet; a crashed
    rebuild is started again and its half-built generation dropped) and keeps a 64 MiB page
    cache (the default 2 MiB made every insert of a large history a read). The switch is made
    on another connection, at the engine's settings (`FULL`), and its commit syncs the whole
    log, the replay's pages with it. Both settings are put back before the connection returns
    to the pool."""
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            yield conn
            return
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
        conn.exec_driver_sql(f"PRAGMA cache_size=-{REPLAY_CACHE_KIB}")
        conn.commit()
        try:
            yield conn
        finally:
            try:
                conn.rollback()
                conn.exec_driver_sql(f"PRAGMA synchronous={int(synchronous)}")
                conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
                conn.commit()
            except Exception:  # never back to the pool with the replay's settings
                conn.invalidate()
                raise


Decoding = tuple[list[Incoming], list[replay_decode.Skipped]]


def _decode_here(batch: list[StreamMessage]) -> Decoding:
    items, skipped = [], []
    for message in batch:
        try:
            event = decode_json(message.subject, message.data)
        except Exception as exc:
            skipped.append((message.event_id, message.subject, type(exc).__name__))
            continue
        items.append(Incoming(message.event_id, message.subject, message.sequence, event))
    return items, skipped


def _decode_batch(pool: ProcessPoolExecutor | None, batch: list[StreamMessage]) -> asyncio.Future[Decoding]:
    """The batch decoded, in a worker process (its events as rows) or else in a thread."""
    if pool is None:
        return asyncio.ensure_future(asyncio.to_thread(_decode_here, batch))
    messages = [(m.event_id, m.subject, m.sequence, m.data) for m in batch]
    done = asyncio.get_running_loop().run_in_executor(pool, replay_decode.decode_batch, messages)

    async def as_items() -> Decoding:
        decoded, skipped = await done
        return [Incoming(*d) for d in decoded], skipped

    return asyncio.ensure_future(as_items())


def _count_skipped(progress: JobProgress, skipped: list[replay_decode.Skipped]) -> None:
    """Messages that do not match their contract: the live consumer dead-letters such a message;
    the replay leaves it out too, and counts it."""
    for event_id, subject, error in skipped:
        progress.skipped += 1
        if len(progress.skipped_events) < MAX_SKIPPED_SHOWN:
            progress.skipped_events.append({"event_id": event_id, "subject": subject, "error": error})


class ReplayWriter:
    """The replay's connection, used by one worker thread at a time; `close` waits for a batch
    still being written (a cancelled await does not stop its thread) and refuses later ones, so
    the connection is never used after `bulk_loading` gave it back."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.lock = threading.Lock()
        self.closed = False

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self.lock:
            if self.closed:
                raise RuntimeError("the replay has ended")
            return fn(self.conn, *args)

    def close(self) -> None:
        with self.lock:
            self.closed = True


def without_waiting_for_disk(conn: Connection) -> None:
    """PostgreSQL's counterpart of `bulk_loading`'s SQLite setting, for the current transaction
    only: its commit does not wait for the log to reach the disk (a crash may lose it, never
    corrupt anything; the switch's transaction commits as usual and waits for all of it)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


class JobBusy(Exception):
    def __init__(self, running: JobProgress) -> None:
        super().__init__(
            f"Đang có một lượt {running.label} (thế hệ bảng {running.generation}); chờ hoàn tất rồi thử lại."
        )
        self.running = running


@dataclass
class StreamProgress:
    stream: str
    last_sequence: int = 0
    position: int = 0
    read: int = 0


@dataclass
class JobProgress:
    """What `GET /admin/rebuild` shows; updated in place while the job runs."""

    job: str  # rebuild | verify
    started_by: str
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    state: str = "running"
    generation: int | None = None
    streams: dict[str, StreamProgress] = field(default_factory=dict)
    applied: int = 0
    skipped: int = 0
    skipped_events: list[dict[str, str]] = field(default_factory=list)
    finished_at: datetime | None = None
    previous_generation: int | None = None
    error: str | None = None
    result: dict[str, Any] | None = None
    logged: int = 0

    @property
    def label(self) -> str:
        return "dựng lại bảng báo cáo" if self.job == "rebuild" else "kiểm tra đối chiếu"

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def as_dict(self) -> dict[str, Any]:
        total = sum(s.last_sequence for s in self.streams.values())
        read = sum(s.read for s in self.streams.values())
        return {
            "job": self.job,
            "job_label": self.label,
            "state": self.state,
            "state_label": STATE_LABELS[self.state],
            "generation": self.generation,
            "previous_generation": self.previous_generation,
            "started_by": self.started_by,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "messages_read": read,
            "messages_total": total,
            "percent": round(100 * read / total, 1) if total else 100.0,
            "events_applied": self.applied,
            "events_skipped": self.skipped,
            "skipped_events": self.skipped_events,
            "streams": [vars(s) for s in self.streams.values()],
            "error": self.error,
            "result": self.result,
        }


Connect = Callable[[], Awaitable[NatsClient]]


def nats_connector(url: str, **options: Any) -> Connect:
    """`options`: credentials and TLS (`shared.natsaccounts.nats_options`)."""

    async def quiet(exc: Exception) -> None:  # the job reports the failure itself, once
        log.debug("rebuild connection to NATS: %s", exc)

    async def connect() -> NatsClient:
        return await nats.connect(url, connect_timeout=2, max_reconnect_attempts=3, error_cb=quiet, **options)

    return connect


class Rebuilder:
    """Runs one rebuild or verification at a time and keeps its progress."""

    def __init__(
        self,
        live: LiveProjection,
        connect: Connect,
        *,
        streams: Sequence[StreamSpec] = EVENT_STREAMS,
        durables: Sequence[tuple[str, str]] = (),
        batch_size: int = 500,
        verify_wait_seconds: float = 10.0,
        decode_processes: int = DECODE_PROCESSES,
        decode_in_processes_from: int = DECODE_IN_PROCESSES_FROM,
    ) -> None:
        self.live = live
        self.engine = live.engine
        self.connect = connect
        self.streams = list(streams)
        self.durables = list(durables)
        self.batch_size = batch_size
        self.verify_wait_seconds = verify_wait_seconds
        self.decode_processes = decode_processes
        self.decode_in_processes_from = decode_in_processes_from
        self.current: JobProgress | None = None
        self.tasks: set[asyncio.Task[JobProgress]] = set()

    # --- entry points ---------------------------------------------------------------------

    def start_rebuild(self, started_by: str) -> JobProgress:
        """Start a rebuild in the background; raises `JobBusy` if a job is running."""
        progress = self._claim("rebuild", started_by)
        task = asyncio.create_task(self._run(progress), name="reporting-rebuild")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return progress

    async def rebuild(self, started_by: str) -> JobProgress:
        return await self._run(self._claim("rebuild", started_by))

    async def verify(self, started_by: str) -> JobProgress:
        return await self._run(self._claim("verify", started_by))

    def cancel(self) -> None:
        """Stop a background rebuild at shutdown; its half-built generation is dropped at the next start."""
        for task in self.tasks:
            task.cancel()

    def _claim(self, job: str, started_by: str) -> JobProgress:
        if self.current is not None and not self.current.finished:
            raise JobBusy(self.current)
        self.current = JobProgress(job=job, started_by=started_by)
        return self.current

    # --- the job --------------------------------------------------------------------------

    async def _run(self, progress: JobProgress) -> JobProgress:
        nc: NatsClient | None = None
        try:
            await asyncio.to_thread(self._locked, generations.drop_all_but_live, self.engine)
            progress.generation = await asyncio.to_thread(
                self._locked,
                functools.partial(generations.create_generation, indexes=False),
                self.engine,
                progress.job,
                progress.started_by,
            )
            nc = await self.connect()
            js = nc.jetstream()
            for spec in self.streams:
                last = await last_sequence(js, spec.name)
                progress.streams[spec.name] = StreamProgress(spec.name, last_sequence=last)
            messages = sum(s.last_sequence for s in progress.streams.values())
            pool = self._decoding_processes(messages)
            try:
                with bulk_loading(self.engine) as conn:
                    writer = ReplayWriter(conn)
                    try:
                        for stream in progress.streams.values():
                            batches = read_range(js, stream.stream, 1, stream.last_sequence, batch_size=self.batch_size)
                            await self._replay(writer, pool, progress, stream, batches)
                        await asyncio.to_thread(self._create_indexes, progress.generation, derived=False)
                        await asyncio.to_thread(writer.run, self._refresh_outcomes, progress.generation)
                        await asyncio.to_thread(self._create_indexes, progress.generation, derived=True)
                    finally:
                        await asyncio.to_thread(writer.close)
            finally:
                if pool is not None:
                    await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)
            loop = asyncio.get_running_loop()
            if progress.job == "rebuild":
                progress.state = "switching"
                await asyncio.to_thread(self._finish, progress, js, loop)
            else:
                await self._compare(progress, js, loop)
            progress.state = "done"
        except Exception as exc:
            unreachable = isinstance(exc, OSError | NoServersError | TimeoutError)
            log.warning("reporting %s failed: %s", progress.job, exc, exc_info=not unreachable)
            progress.state = "failed"
            progress.error = f"{type(exc).__name__}: {exc}"
            if progress.generation is not None:
                await asyncio.to_thread(self._discard, progress.generation)
        finally:
            progress.finished_at = datetime.now(UTC)
            if nc is not None:
                with contextlib.suppress(Exception):
                    await nc.close()
        return progress

    def _decoding_processes(self, messages: int) -> ProcessPoolExecutor | None:
        """Worker processes that decode the replay's batches (`replay_decode`), for a history of
        at least `decode_in_processes_from` messages (below, starting them costs more than it
        saves), where processes can be forked. Forked, not spawned: a worker starts in
        milliseconds with everything imported, and runs only `decode_batch` (no lock, file or
        connection of the service is used in it)."""
        if (
            self.decode_processes < 1
            or messages < self.decode_in_processes_from
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return None
        pool = ProcessPoolExecutor(self.decode_processes, mp_context=multiprocessing.get_context("fork"))
        pool.submit(replay_decode.ready)  # forks the workers now, before the first batch arrives
        return pool

    async def _replay(
        self,
        writer: ReplayWriter,
        pool: ProcessPoolExecutor | None,
        progress: JobProgress,
        stream: StreamProgress,
        batches: AsyncIterator[list[StreamMessage]],
    ) -> None:
        """Apply the batches in order, in a pipeline: while one batch is written (a worker
        thread), the next ones are read from the stream and decoded, in the worker processes
        (`pool`, one batch ahead per process) or else in another thread, so the rebuild takes
        about max(read + decode, write), not their sum. (In a thread, decoding shares the
        interpreter with the writer: pydantic-core holds its lock, the database driver releases
        it while SQLite works.)"""

        def apply(batch: list[StreamMessage], items: list[Incoming]) -> None:
            writer.run(self._apply_batch, progress, items)
            stream.read += len(batch)
            stream.position = batch[-1].sequence
            if progress.applied >= progress.logged + PROGRESS_LOG_EVERY:
                progress.logged = progress.applied
                log.info("reporting %s: %s events applied (%s)", progress.job, progress.applied, stream.stream)

        writing: asyncio.Future[None] | None = None
        decoding: deque[tuple[list[StreamMessage], asyncio.Future[Decoding]]] = deque()
        ahead = 1 + (self.decode_processes if pool is not None else 0)

        async def write_next() -> None:
            nonlocal writing
            batch, decoded = decoding.popleft()
            items, skipped = await decoded
            _count_skipped(progress, skipped)
            if writing is not None:
                await writing
            writing = asyncio.ensure_future(asyncio.to_thread(apply, batch, items))

        try:
            with fewer_collections():
                async for batch in batches:
                    decoding.append((batch, _decode_batch(pool, batch)))
                    if len(decoding) >= ahead:
                        await write_next()
                while decoding:
                    await write_next()
                if writing is not None:
                    await writing
        finally:
            for _, decoded in decoding:
                decoded.cancel()
            if writing is not None and not writing.done():
                writing.cancel()
                with contextlib.suppress(BaseException):
                    await writing

    def _locked(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self.live.write_lock:
            return fn(*args)

    def _apply_batch(self, conn: Connection, progress: JobProgress, items: list[Incoming]) -> None:
        assert progress.generation is not None
        with self.live.write_lock, conn.begin():
            without_waiting_for_disk(conn)
            progress.applied += sum(apply_batch(conn, progress.generation, items, outcomes="leave"))

    def _create_indexes(self, generation: int, *, derived: bool) -> None:
        """The new generation's secondary indexes, built once over its rows (left out while it
        was filled; the outcomes, the tail, the comparison and the readers need them): those of
        the derived tables after the outcomes have filled them (`derived`), the others before."""
        with self.live.write_lock:
            generations.create_indexes(self.engine, generation, derived=derived)

    def _refresh_outcomes(self, conn: Connection, generation: int) -> None:
        """Every dossier's outcome once, after the replay, instead of at each batch that touches
        the dossier (most dossiers' events are spread over many batches); a chunk of dossiers per
        transaction, so live writers wait for one chunk at most. The tail, applied at the switch,
        refreshes the dossiers it touches itself."""
        tables = projection_tables(generation)
        with conn.begin():
            ids = all_dossier_ids(conn, tables)
        for part in chunks(ids, 5_000):
            with self.live.write_lock, conn.begin():
                without_waiting_for_disk(conn)
                refresh_outcomes(conn, tables, part, fresh=True)

    def _apply(self, conn: Connection, progress: JobProgress, batch: list[StreamMessage]) -> None:
        """Apply a batch the way the live consumers apply theirs (`live.apply_batch`): skip ids
        already applied, record each id with its stream sequence beside its effect."""
        assert progress.generation is not None
        progress.applied += sum(apply_batch(conn, progress.generation, self._decode(progress, batch)))

    @staticmethod
    def _decode(progress: JobProgress, batch: list[StreamMessage]) -> list[Incoming]:
        """The batch's events read with their contracts (from the raw bytes, `decode_json`); a
        message that does not match its contract is counted as skipped and left out."""
        items, skipped = _decode_here(batch)
        _count_skipped(progress, skipped)
        return items

    async def _compare(self, progress: JobProgress, js: JetStreamContext, loop: asyncio.AbstractEventLoop) -> None:
        """Compare, then drop the scratch set. Events the live consumers have not applied yet (a
        lag, not a fault) make the sets differ; the comparison is repeated a few times, each
        after they caught up, before such a difference is reported."""
        assert progress.generation is not None
        try:
            for _ in range(COMPARE_ATTEMPTS):
                progress.state = "catching_up"
                await self._wait_for_live_consumers(js)
                await asyncio.to_thread(self.live.refresh_stale)  # a catch-up's deferred outcomes
                progress.state = "comparing"
                await asyncio.to_thread(self._finish, progress, js, loop)
                assert progress.result is not None
                events = progress.result["events"]
                if progress.result["equal"] or events["only_in_live"] or not events["missing_in_live"]:
                    return
        finally:
            await asyncio.to_thread(self._discard, progress.generation)

    def _finish(self, progress: JobProgress, js: JetStreamContext, loop: asyncio.AbstractEventLoop) -> None:
        """The tail and the switch (or the comparison) in one transaction, pointer locked first."""
        assert progress.generation is not None
        with self.live.write_lock:
            with self.engine.begin() as conn:
                generations.lock_pointer(conn)
                for spec in self.streams:
                    stream = progress.streams[spec.name]
                    tail = asyncio.run_coroutine_threadsafe(self._read_tail(js, stream), loop).result(TAIL_READ_TIMEOUT)
                    self._apply(conn, progress, tail)
                    stream.read += len(tail)
                if progress.job == "rebuild":
                    progress.previous_generation = generations.make_live(conn, progress.generation, progress.applied)
                else:
                    live = generations.live_generation(conn)
                    assert live is not None
                    progress.result = compare_generations(conn, live, progress.generation)
            if progress.job == "rebuild":
                self.live.generation = progress.generation

    async def _read_tail(self, js: JetStreamContext, stream: StreamProgress) -> list[StreamMessage]:
        last = await last_sequence(js, stream.stream)
        tail = await read_all(js, stream.stream, stream.position + 1, last)
        stream.last_sequence = max(stream.last_sequence, last)
        if tail:
            stream.position = tail[-1].sequence
        return tail

    async def _wait_for_live_consumers(self, js: JetStreamContext) -> None:
        """Give the live consumers a moment to apply what is in the streams, so that a difference
        the check reports is a real one and not a lag."""
        deadline = asyncio.get_running_loop().time() + self.verify_wait_seconds
        while asyncio.get_running_loop().time() < deadline:
            if await consumers_caught_up(js, self.durables):  # `shared.messaging.progress`
                return
            await asyncio.sleep(0.2)

    def _discard(self, generation: int) -> None:
        try:
            with self.live.write_lock:
                generations.drop_generation(self.engine, generation)
        except Exception:  # a later rebuild drops it (drop_all_but_live)
            log.exception("could not drop generation %s", generation)
