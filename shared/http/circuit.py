"""Fail fast while a database is down: commands answer 503 at once instead of hanging.

Without this, a command during a database outage waits for the libraries' own retries (the
`eventsourcing` PostgreSQL recorder retries ten times, each waiting up to
`POSTGRES_CONNECT_TIMEOUT` for a connection) and a clerk stares at a spinner for half a minute
before an error. The circuit probes every database of the service once a second with one cheap,
non-retrying query each (`probes`), and is *open* while any probe fails or a request has just met
an unreachable database; while it is open, commands (anything but GET and HEAD) are answered 503
with `Retry-After` without touching a database. It closes by itself at the first round of probes
that all pass. Reads are left alone: they change nothing, and the ones a cache or SQLite can
answer still do.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text

from shared.http.problems import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, problem

log = logging.getLogger(__name__)

Probe = Callable[[], None]


def engine_probe(engine: Engine) -> Probe:
    def probe() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    return probe


def event_store_probe(app: Any, timeout_seconds: int = 2) -> Probe:
    """One query on a fresh connection with the store's own parameters: neither the recorder's
    retries nor its pool's wait for a connection (both last longer than a short outage)."""
    pool = getattr(getattr(app.recorder, "datastore", None), "pool", None)

    def probe() -> None:
        if pool is not None and hasattr(pool, "kwargs"):  # PostgreSQL
            import psycopg  # imported already by the store; not at all on SQLite

            params = {k: v for k, v in pool.kwargs.items() if k != "row_factory"}
            with psycopg.connect(pool.conninfo, **params, connect_timeout=timeout_seconds) as conn:
                conn.execute("SELECT 1")
        else:  # SQLite: a local file
            app.recorder.max_notification_id()

    return probe


class FailFastWhileDown:
    """The ASGI middleware that answers commands 503 while `circuit` is open. Plain ASGI:
    Starlette's `BaseHTTPMiddleware` (`@app.middleware("http")`) would run every request of the
    service through an extra task and a memory stream for this one check."""

    def __init__(self, app: Any, *, circuit: DatabaseCircuit) -> None:
        self.app = app
        self.circuit = circuit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.circuit.is_open and scope.get("method") not in ("GET", "HEAD"):
            answer = problem(
                503, DATABASE_UNAVAILABLE, code="database_unavailable", headers={"Retry-After": RETRY_AFTER_SECONDS}
            )
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)


class DatabaseCircuit:
    def __init__(self, probes: dict[str, Probe], *, interval_seconds: float = 1.0) -> None:
        self.probes = probes
        self.interval_seconds = interval_seconds
        self.down: str | None = None
        self.since: float | None = None

    @property
    def is_open(self) -> bool:
        return self.down is not None

    def trip(self, reason: str) -> None:
        """A request met an unreachable database: fail the next ones fast until the probes pass."""
        if self.down is None:
            log.warning("database unavailable, commands answered 503 until it is back: %s", reason)
            self.since = time.monotonic()
        self.down = reason

    def _probe_all(self) -> str | None:
        for name, probe in self.probes.items():
            try:
                probe()
            except Exception as exc:
                return f"{name}: {type(exc).__name__}: {exc}"
        return None

    async def run(self) -> None:
        """The background job: probe every database once per interval."""
        while True:
            failure = await asyncio.to_thread(self._probe_all)
            if failure is not None:
                self.trip(failure)
            elif self.down is not None:
                lasted = time.monotonic() - (self.since or time.monotonic())
                log.info("database reachable again after %.1f s; commands accepted", lasted)
                self.down = None
                self.since = None
            await asyncio.sleep(self.interval_seconds)
