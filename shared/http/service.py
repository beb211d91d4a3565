"""One service = one process = one FastAPI app with its FastStream broker in the same event loop.

`ServiceRuntime` holds what a service's wiring assembles (settings, broker, outbox relays,
readiness checks, background jobs); `create_service_app` turns it into the FastAPI app with
`/healthz`, `/readyz`, `/metrics`, `/asyncapi.json` and problem-details errors. The broker
connects in the background and keeps retrying, so HTTP commands of a running service work while
NATS is down. At start-up the app waits a few seconds (`TDKT_STARTUP_CHECK_WAIT_SECONDS`) for
each relay to compare its event store with its journal stream: until that has happened once,
writes are refused (see `shared.messaging.storecheck`).

`/readyz` is 503 when a database or NATS cannot be reached, when an event store is not in sync
with its stream, or when an outbox relay is stuck past its thresholds (`RelayHealth`); the body
says which and why. How far each durable consumer is behind is shown, not judged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from faststream.nats import NatsBroker
from faststream.specification import AsyncAPI
from faststream.specification.asyncapi import get_asyncapi_html
from prometheus_client import make_asgi_app

from shared.aio import cancel_and_wait
from shared.contracts.base import EventContract
from shared.http.circuit import DatabaseCircuit, FailFastWhileDown
from shared.http.limits import install_limits
from shared.http.pii_mask import install_pii_mask
from shared.http.policy import Policy, ScopeCheck, enforce_policy
from shared.http.problems import install_problem_handlers
from shared.logs import faststream_logger
from shared.messaging.batches import BatchConsumer
from shared.messaging.documented import documented_subscriptions
from shared.messaging.ready import prepare_messages
from shared.messaging.relay import EventMapper, OutboxRelay
from shared.messaging.streamreads import JetStreamReader
from shared.natsaccounts import broker_security
from shared.settings import TdktSettings
from shared.streams import ALL_STREAMS, EVENT_STREAMS, StreamSpec, ensure_streams, stream_for_subject

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], None]
BackgroundJob = Callable[[], Awaitable[None]]


def make_broker(settings: TdktSettings, service: str) -> NatsBroker:
    return NatsBroker(
        settings.nats_url,
        security=broker_security(settings),  # this service's NATS user and TLS (shared.natsaccounts)
        name=f"tdkt-{service}",
        max_reconnect_attempts=-1,  # keep trying: the relay waits, commands still succeed
        reconnect_time_wait=1.0,
        connect_timeout=2.0,
        graceful_timeout=15.0,
        # FastStream's own handler prints coloured text; route its records through the service's
        # logging (JSON lines in production) and keep the per-message lines at DEBUG.
        logger=faststream_logger(),
        log_level=logging.DEBUG,
    )


def jetstream_publisher(
    broker: NatsBroker,
) -> Callable[[str, dict[str, Any] | bytes, dict[str, str]], Awaitable[Any]]:
    """The relay's publish function: a JetStream publish that awaits the ack."""

    async def publish(subject: str, payload: dict[str, Any] | bytes, headers: dict[str, str]) -> Any:
        ack = await broker.publish(
            payload, subject, headers=headers, stream=stream_for_subject(subject).name, timeout=5.0
        )
        if ack is None:
            raise RuntimeError(f"no JetStream ack for {subject}")
        return ack

    return publish


def broker_reader(broker: NatsBroker) -> JetStreamReader:
    """Reads of the broker's JetStream (available once the broker has connected)."""
    return JetStreamReader(lambda: broker.config.connection_state.stream)


def make_relay(
    app: Any, mapper: EventMapper, broker: NatsBroker, settings: TdktSettings, *, service: str, stream: StreamSpec
) -> OutboxRelay:
    """The outbox relay of an event-sourced service: journaled, its store checked before writes,
    woken after every save."""
    relay = OutboxRelay(
        app,
        mapper,
        jetstream_publisher(broker),
        service=service,
        batch_size=settings.relay_batch_size,
        poll_seconds=settings.relay_poll_seconds,
        reader=broker_reader(broker),
        journal=True,
        store_check=settings.store_check,
        public_stream=stream.name,
        store_recheck_seconds=settings.store_recheck_seconds,
        max_lag_events=settings.relay_max_lag_events,
        max_stall_seconds=settings.relay_max_stall_seconds,
    )
    app.add_save_listener(relay.wake)
    prepare_messages(app, mapper, service)  # each event's message made when it is stored
    return relay


def document_publications(broker: NatsBroker, contracts: Sequence[type[EventContract]]) -> None:
    """Declare the published subjects so that the AsyncAPI document describes them."""
    for contract in contracts:
        broker.publisher(
            contract.subject,
            schema=contract,
            title=f"{contract.subject}:Publish",
            description=(contract.__doc__ or "").strip() or None,
        )


@dataclass
class ServiceRuntime:
    name: str
    settings: TdktSettings
    broker: NatsBroker
    relays: list[OutboxRelay] = field(default_factory=list)
    readiness_checks: dict[str, ReadinessCheck] = field(default_factory=dict)
    database_checks: dict[str, ReadinessCheck] = field(default_factory=dict)
    """One cheap, non-retrying query per database: part of readiness, and the probes of the
    circuit that answers commands 503 at once while a database is down (`shared.http.circuit`)."""
    background_jobs: list[BackgroundJob] = field(default_factory=list)
    batch_consumers: list[BatchConsumer] = field(default_factory=list)
    """Consumers of whole fetched batches (`shared.messaging.batches`): started with the broker's
    subscribers, stopped before it."""
    on_shutdown: list[Callable[[], None]] = field(default_factory=list)
    broker_started: asyncio.Event = field(default_factory=asyncio.Event)
    circuit: DatabaseCircuit = field(init=False)

    def __post_init__(self) -> None:
        self.circuit = DatabaseCircuit(self.database_checks)

    async def connect_broker(self) -> None:
        """Connect (retrying until NATS answers), create the streams, then start the subscribers."""
        await self.broker.connect()
        js = self.broker.config.connection_state.stream
        await ensure_streams(
            js,
            ALL_STREAMS,
            replicas=self.settings.stream_replicas,
            duplicate_window_seconds=self.settings.duplicate_window_seconds,
        )
        await self.broker.start()
        for consumer in self.batch_consumers:
            await consumer.start(js)
        self.broker_started.set()
        for relay in self.relays:
            relay.wake()  # compare the store with its stream now, not at the next timer
        log.info("%s connected to NATS at %s", self.name, self.settings.nats_url)

    async def run_relay(self, relay: OutboxRelay) -> None:
        """A relay needs NATS for everything it does (compare the store, publish): it starts once
        the broker has connected, and keeps running through later outages."""
        await self.broker_started.wait()
        await relay.run()

    async def wait_for_store_checks(self, timeout: float) -> None:
        """Wait (at most `timeout`) until every relay has compared its store with its stream."""
        waits = [asyncio.create_task(r.store_checked.wait()) for r in self.relays if r.store_check]
        if not waits:
            return
        _, pending = await asyncio.wait(waits, timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("%s: event store not yet compared with its stream (NATS unreachable?); writes wait", self.name)

    async def consumer_progress(self) -> dict[str, Any]:
        """How far this service's durable consumers are behind (informational, never fails
        readiness): a stalled consumer shows as pending messages that do not go down."""
        progress: dict[str, Any] = {}
        js = self.broker.config.connection_state.stream
        for spec in EVENT_STREAMS:
            try:
                consumers = await js.consumers_info(spec.name)
            except Exception:  # stream not there yet
                continue
            for info in consumers:
                name = info.name or ""
                if name.startswith(f"{self.name}-"):
                    progress[name] = {"pending": info.num_pending, "ack_pending": info.num_ack_pending}
        return progress

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        checks: dict[str, Any] = {}
        ok = True
        try:
            nats_ok = self.broker_started.is_set() and await self.broker.ping(timeout=2.0)
        except Exception:
            nats_ok = False
        checks["nats"] = "ok" if nats_ok else "unreachable"
        ok &= bool(nats_ok)
        for name, check in {**self.database_checks, **self.readiness_checks}.items():
            try:
                await asyncio.to_thread(check)
                checks[name] = "ok"
            except Exception as exc:
                checks[name] = f"error: {type(exc).__name__}: {exc}"
                ok = False
        if nats_ok:
            checks["consumers"] = await self.consumer_progress()
        for relay in self.relays:
            try:
                health = await asyncio.to_thread(relay.health)
            except Exception as exc:  # the store itself is unreachable
                checks[f"relay:{relay.service}"] = f"error: {type(exc).__name__}: {exc}"
                ok = False
                continue
            checks[f"relay:{relay.service}"] = health.detail
            ok &= health.ok
        return ok, checks


def create_service_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    domain_errors: dict[type[Exception], int] | None = None,
    version: str = "0.1.0",
    policy: Policy | None = None,
    scope_check: ScopeCheck | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(runtime.connect_broker(), name=f"{runtime.name}-broker")]
        relay_tasks = [asyncio.create_task(runtime.run_relay(r), name=f"{r.service}-relay") for r in runtime.relays]
        if runtime.database_checks:
            tasks.append(asyncio.create_task(runtime.circuit.run(), name=f"{runtime.name}-database-circuit"))
        for job in runtime.background_jobs:
            tasks.append(asyncio.create_task(job()))
        await runtime.wait_for_store_checks(runtime.settings.startup_check_wait_seconds)
        try:
            yield
        finally:
            await _shut_down(runtime, relay_tasks, tasks)

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        dependencies=[Depends(enforce_policy)],  # who may call what: the service's policy.py
    )
    app.state.policy = policy
    app.state.scope_check = scope_check
    app.state.settings = runtime.settings
    app.state.runtime = runtime
    app.state.database_circuit = runtime.circuit
    install_problem_handlers(app, domain_errors)

    app.add_middleware(FailFastWhileDown, circuit=runtime.circuit)
    install_pii_mask(app)
    install_limits(app, runtime.settings)
    for router in routers:
        app.include_router(router)
    brokers = [runtime.broker]
    if runtime.batch_consumers:  # not FastStream subscribers: described by a broker of their own
        brokers.append(documented_subscriptions(runtime.batch_consumers))
    asyncapi = AsyncAPI(*brokers, title=f"tdkt {runtime.name}", version=version, description=description)

    @app.get("/healthz", tags=["vận hành"], summary="Tiến trình còn sống")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.name}

    @app.get("/readyz", tags=["vận hành"], summary="Sẵn sàng: cơ sở dữ liệu và NATS truy cập được")
    async def readyz() -> JSONResponse:
        ok, checks = await runtime.readiness()
        return JSONResponse(
            {"status": "ready" if ok else "not_ready", "checks": checks}, status_code=200 if ok else 503
        )

    @app.get("/asyncapi.json", tags=["tài liệu"], summary="AsyncAPI: sự kiện dịch vụ phát và nhận")
    async def asyncapi_json() -> dict[str, Any]:
        return asyncapi.to_specification().to_jsonable()  # type: ignore[no-any-return]

    @app.get("/asyncapi", tags=["tài liệu"], include_in_schema=False)
    async def asyncapi_html() -> HTMLResponse:
        return HTMLResponse(get_asyncapi_html(asyncapi.to_specification()))

    app.mount("/metrics", make_asgi_app())
    return app


async def _shut_down(
    runtime: ServiceRuntime, relay_tasks: list[asyncio.Task[None]], tasks: list[asyncio.Task[Any]]
) -> None:
    """Stop in an order that never closes a database under a worker thread still using it."""
    for relay in runtime.relays:
        relay.request_stop()
    if relay_tasks:
        # Relays that never started (NATS never answered) have nothing to finish.
        timeout = 10 if runtime.broker_started.is_set() else 0
        _, still_running = await asyncio.wait(relay_tasks, timeout=timeout)
        await cancel_and_wait(still_running, timeout=10)
    for relay in runtime.relays:
        with contextlib.suppress(Exception):  # last chance to publish what was just stored
            if runtime.broker_started.is_set() and relay.store_status.writable:
                await asyncio.wait_for(relay.publish_pending(), timeout=5)
    left = await cancel_and_wait([*tasks, *relay_tasks], timeout=30)
    if left:
        log.warning("%s: %d background task(s) did not stop", runtime.name, len(left))
    if runtime.batch_consumers:  # their batches in hand finish and are acknowledged
        await asyncio.gather(*(c.stop() for c in runtime.batch_consumers), return_exceptions=True)
    if runtime.broker_started.is_set():
        try:
            await runtime.broker.stop()  # waits for in-flight messages (graceful_timeout)
        except Exception as exc:  # NATS already gone: nothing left to drain
            log.warning("%s: broker stopped without draining: %s", runtime.name, exc)
    # A cancelled `asyncio.to_thread` call keeps running in its thread: wait for those threads
    # before the hooks close the stores they use (closing SQLite under them crashes the process).
    try:
        await asyncio.wait_for(asyncio.get_running_loop().shutdown_default_executor(), timeout=20)
    except TimeoutError:
        # Better to leave the stores to the process exit than to close one under a live thread.
        log.warning("%s: worker threads still busy after 20 s; stores left open", runtime.name)
        return
    except RuntimeError:
        pass
    for hook in runtime.on_shutdown:
        hook()
