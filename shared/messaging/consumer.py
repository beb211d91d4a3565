"""Durable JetStream consumers: at least once in, exactly once in effect, with dead letters.

`subscribe_events` registers a FastStream pull subscriber with manual acks. Each message is
handed to a synchronous handler in a worker thread (handlers write to a database, which is
blocking); the handler is expected to use `apply_once` so redelivery changes nothing. A failing
message is retried with back-off (`nak(delay)`), and after `max_deliver` attempts it is copied to
`deadletter.<consumer>.<subject>` with the error and terminated (`reject()`, JetStream's +TERM),
so it never blocks the stream and never comes back.

**A database that is down is not a poison message.** When the handler fails because its database
cannot be reached (`shared.dberrors.is_database_unavailable`), the message is retried with the
longest back-off for as long as it takes, and never dead-lettered: an outage longer than the
tries would otherwise send perfectly good events to the dead letters, and the projections would
silently miss them. The server therefore redelivers without a bound (`max_deliver=-1`); this
code decides when a message is given up on.

**The de-duplication key is the event's identity**, `Delivery.event_id`: the `ce-id` header,
else the payload's `event_id`, else `Nats-Msg-Id`. Not the message id: a copy of an event
re-published after JetStream's duplicate window (same `ce-id`, new `Nats-Msg-Id`) is the same
event and must change nothing.

**Order is not guaranteed to a handler.** FastStream starts every message of a fetched batch at
once (one worker thread each; `shared.messaging.batches` hands over whole batches, two at a time),
and a retried message comes back after later ones; several replicas share one durable consumer.
Every handler therefore reaches the same state whatever the arrival order: state is kept per
aggregate at the highest `aggregate_version` seen, and facts are keyed by event id (reporting's
`tables.py`, dossiers' `campaign_table.py`, notifications' deliveries keyed by event and
recipient). The streams themselves hold each aggregate's events in
version order (`shared.messaging.relay`), for subscribers that read them one at a time.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from faststream import AckPolicy
from faststream.nats import ConsumerConfig, DeliverPolicy, NatsBroker, NatsMessage, PullSub
from prometheus_client import Counter

from shared.dberrors import is_database_unavailable
from shared.streams import DEAD_LETTERS, StreamSpec, dead_letter_subject, jstream

log = logging.getLogger(__name__)

MESSAGES = Counter("tdkt_consumer_messages_total", "Messages handled by consumer and outcome", ["consumer", "outcome"])


@dataclass(frozen=True)
class Delivery:
    """What a handler knows about the message besides its payload."""

    subject: str
    event_id: str
    stream: str
    stream_sequence: int
    attempt: int
    headers: dict[str, str]
    pending: int | None = None
    """Messages still waiting for this consumer after this one (JetStream metadata); 0 means
    caught up, None when unknown. A handler that acts on "the latest state" waits for 0."""


Handler = Callable[[dict[str, Any], Delivery], None] | Callable[[dict[str, Any], Delivery], Awaitable[None]]
"""A plain function runs in a worker thread; a coroutine function runs on the event loop (it must
not block: e.g. it hands the event to a writer thread of its own, so that the events of one
fetched batch can be written together in one transaction)."""


def event_identity(headers: dict[str, str], payload: dict[str, Any], stream: str, sequence: int) -> str:
    """The event's identity for de-duplication: `ce-id`, else the payload's `event_id`, else
    `Nats-Msg-Id`, else `<stream>-<sequence>` (a message that names no identity at all)."""
    return (
        headers.get("ce-id")
        or str(payload.get("event_id") or "")
        or headers.get("Nats-Msg-Id")
        or f"{stream}-{sequence}"
    )


def delivery_of(msg: NatsMessage, payload: dict[str, Any]) -> Delivery:
    raw = msg.raw_message
    metadata = raw.metadata
    headers = dict(msg.headers or {})
    return Delivery(
        subject=raw.subject,
        event_id=event_identity(headers, payload, metadata.stream, metadata.sequence.stream),
        stream=metadata.stream,
        stream_sequence=metadata.sequence.stream,
        attempt=metadata.num_delivered,
        headers=headers,
        pending=metadata.num_pending,
    )


def subscribe_events(
    broker: NatsBroker,
    *,
    consumer: str,
    stream: StreamSpec,
    subject_filter: str,
    handler: Handler,
    max_deliver: int = 6,
    backoff_seconds: tuple[float, ...] = (1.0, 2.0, 5.0, 15.0, 30.0),
    batch_size: int = 50,
    description: str | None = None,
    ack_wait_seconds: float = 60.0,
) -> None:
    """Register a durable pull consumer `consumer` on `stream`, filtered by `subject_filter`.

    `ack_wait_seconds` is how long the server waits for an ack before redelivering: what a
    message in flight when its consumer's process was killed waits before another replica (or
    the restarted process) gets it."""

    is_async = inspect.iscoroutinefunction(handler)

    async def consume(msg: NatsMessage) -> None:
        try:
            payload = json.loads(msg.body)
        except (ValueError, RecursionError):
            payload = None
        if not isinstance(payload, dict):  # `null`, a list, a number: as malformed as bad JSON
            payload = {"_raw": msg.body.decode("utf-8", "replace")[:10_000]}
        delivery = delivery_of(msg, payload)
        try:
            if is_async:
                await handler(payload, delivery)  # type: ignore[misc]
            else:
                await asyncio.to_thread(handler, payload, delivery)
        except Exception as exc:
            await _on_failure(broker, msg, delivery, consumer, exc, max_deliver, backoff_seconds)
            return
        await msg.ack()
        MESSAGES.labels(consumer, "processed").inc()

    declare_subscriber(
        broker,
        consumer=consumer,
        stream=stream,
        subject_filter=subject_filter,
        batch_size=batch_size,
        fetch_timeout=1.0,
        ack_wait_seconds=ack_wait_seconds,
        description=description,
    )(consume)


def durable_consumer_config(*, ack_wait_seconds: float, max_ack_pending: int = 1000) -> ConsumerConfig:
    """What every durable consumer of the project asks of the server (`declare_subscriber`, and
    `batches.BatchConsumer`): an ack waited for `ack_wait_seconds`, at most `max_ack_pending`
    unacknowledged, and redelivery without a bound: this code decides the dead letter (and never
    gives up on a message only because the database is down)."""
    return ConsumerConfig(ack_wait=ack_wait_seconds, max_deliver=-1, max_ack_pending=max_ack_pending)


def declare_subscriber(
    broker: NatsBroker,
    *,
    consumer: str,
    stream: StreamSpec,
    subject_filter: str,
    batch_size: int,
    fetch_timeout: float,
    ack_wait_seconds: float,
    description: str | None,
) -> Callable[[Callable[..., Awaitable[None]]], Any]:
    """The FastStream subscriber of durable consumer `consumer` on `stream` (a decorator for its
    handler, which it names `<consumer>_<stream>`): what `subscribe_events` consumes through and
    what `shared.messaging.documented` describes in the AsyncAPI document."""

    def declare(handler: Callable[..., Awaitable[None]]) -> Any:
        handler.__name__ = f"{consumer}_{stream.name.lower()}"
        return broker.subscriber(
            subject_filter,
            stream=jstream(stream),
            durable=f"{consumer}-{stream.name.lower()}",
            pull_sub=PullSub(batch_size=batch_size, timeout=fetch_timeout),
            config=durable_consumer_config(ack_wait_seconds=ack_wait_seconds),
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.MANUAL,
            description=description or f"{consumer} reads {subject_filter}",
        )(handler)

    return declare


async def _on_failure(
    broker: NatsBroker,
    msg: NatsMessage,
    delivery: Delivery,
    consumer: str,
    exc: Exception,
    max_deliver: int,
    backoff_seconds: tuple[float, ...],
) -> None:
    async def publish(body: bytes, subject: str, headers: dict[str, str]) -> None:
        await broker.publish(body, subject, headers=headers, stream=DEAD_LETTERS.name)

    await settle_failure(
        consumer,
        delivery,
        msg.body,
        exc,
        max_deliver=max_deliver,
        backoff_seconds=backoff_seconds,
        nak=lambda delay: msg.nack(delay=delay),
        term=msg.reject,  # +TERM: FastStream's NatsMessage has no term() (tech-notes §6)
        publish=publish,
    )


async def settle_failure(
    consumer: str,
    delivery: Delivery,
    body: bytes,
    exc: BaseException,
    *,
    max_deliver: int,
    backoff_seconds: tuple[float, ...],
    nak: Callable[[float], Awaitable[Any]],
    term: Callable[[], Awaitable[Any]],
    publish: Callable[[bytes, str, dict[str, str]], Awaitable[Any]],
) -> None:
    """What a failed message becomes: retried later (`nak(delay)`) while the database is down or
    tries are left, else copied to `deadletter.<consumer>.<subject>` (`publish`) and terminated
    (`term`). Shared by `subscribe_events` and `shared.messaging.batches.BatchConsumer`."""
    error = f"{type(exc).__name__}: {exc}"
    if is_database_unavailable(exc):
        delay = backoff_seconds[min(delivery.attempt - 1, len(backoff_seconds) - 1)] if backoff_seconds else 1.0
        level = logging.WARNING if delivery.attempt == 1 else logging.DEBUG
        log.log(level, "%s: database unavailable on %s, retry in %ss: %s", consumer, delivery.event_id, delay, error)
        MESSAGES.labels(consumer, "retried_database").inc()
        await nak(delay)
        return
    if delivery.attempt < max_deliver:
        delay = backoff_seconds[min(delivery.attempt - 1, len(backoff_seconds) - 1)] if backoff_seconds else 0
        log.warning(
            "%s failed on %s (attempt %s), retry in %ss: %s",
            consumer,
            delivery.event_id,
            delivery.attempt,
            delay,
            error,
        )
        MESSAGES.labels(consumer, "retried").inc()
        await nak(delay)
        return
    log.error("%s gave up on %s after %s attempts: %s", consumer, delivery.event_id, delivery.attempt, error)
    headers = {k: v for k, v in delivery.headers.items() if k != "Nats-Msg-Id"}
    headers.update(
        {
            # One dead letter per stream message and consumer (two copies of one event are two).
            "Nats-Msg-Id": f"dl-{consumer}-{delivery.stream}-{delivery.stream_sequence}",
            "tdkt-dead-letter-consumer": consumer,
            "tdkt-dead-letter-error": error.encode("ascii", "backslashreplace").decode()[:1000],
            "tdkt-original-subject": delivery.subject,
            "tdkt-original-stream": delivery.stream,
            "tdkt-original-sequence": str(delivery.stream_sequence),
            "tdkt-attempts": str(delivery.attempt),
        }
    )
    await publish(body, dead_letter_subject(consumer, delivery.subject), headers)
    MESSAGES.labels(consumer, "dead_lettered").inc()
    await term()
