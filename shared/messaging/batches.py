"""Durable JetStream consumers that hand their handler whole fetched batches of raw messages.

`subscribe_events` (`consumer.py`) runs one handler call per message through FastStream. A
handler whose work is cheaper per batch than per message (a projection writing a batch in one
transaction) uses a `BatchConsumer` instead: it pulls up to `batch_size` messages (nats-py
`fetch`, which returns what is there at once rather than waiting to fill the batch), hands the
handler the whole batch with each message's raw bytes and `Delivery`, and settles every message
by the outcome the handler gives it: acknowledged when it succeeded, else retried and finally
dead-lettered exactly as `subscribe_events` does (`consumer.settle_failure`: the same back-off,
`max_deliver`, dead letter and +TERM, and a database outage is never a poison message). A failure
is per message: the handler reports one outcome for each.

**Read ahead.** Up to `in_flight` batches are handled at once: the next batch is fetched (and
its handling started) while the previous one is still being written, instead of fetching only
when a batch is finished. A message is acknowledged only after its handler returned for it, so
what was fetched and not yet handled when a process dies is redelivered after `ack_wait`.

The durable consumer is the one `subscribe_events` would create for the same arguments (same
name, filter and configuration), so switching a consumer from one to the other keeps its
position, and the readiness and "caught up" checks (`shared.messaging.progress`) see it alike.
Order is not guaranteed to a handler, as with `subscribe_events`: batches in flight at once and
retried messages interleave.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext

from shared.messaging.consumer import MESSAGES, Delivery, durable_consumer_config, event_identity, settle_failure
from shared.streams import DEAD_LETTERS, StreamSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Received:
    """A fetched message as the handler gets it: the payload's raw bytes, undecoded."""

    data: bytes
    delivery: Delivery


BatchHandler = Callable[[list[Received]], Awaitable[Sequence[BaseException | None]]]
"""Handles a fetched batch and returns one outcome per message, in order: None when it is done
(applied now or already before), else the exception it failed with. Runs on the event loop: it
hands blocking work to a thread of its own."""


def _payload_for_identity(data: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError):
        return {}
    return payload if isinstance(payload, dict) else {}


def raw_delivery(msg: Msg) -> Delivery:
    """`consumer.delivery_of` for a nats-py message; the payload is parsed only when the
    message has no `ce-id` header (every publisher of the system sets it)."""
    metadata = msg.metadata
    headers = dict(msg.headers or {})
    stream, sequence = metadata.stream, metadata.sequence.stream
    event_id = headers.get("ce-id") or event_identity(headers, _payload_for_identity(msg.data), stream, sequence)
    return Delivery(
        subject=msg.subject,
        event_id=event_id,
        stream=stream,
        stream_sequence=sequence,
        attempt=metadata.num_delivered,
        headers=headers,
        pending=metadata.num_pending,
    )


class BatchConsumer:
    """A durable pull consumer `consumer` on `stream` (filtered by `subject_filter`) handing
    fetched batches to `handler`; `start` with the JetStream context once connected, `stop` at
    shutdown (it lets the batches being handled finish and be acknowledged)."""

    def __init__(
        self,
        *,
        consumer: str,
        stream: StreamSpec,
        subject_filter: str,
        handler: BatchHandler,
        max_deliver: int = 6,
        backoff_seconds: tuple[float, ...] = (1.0, 2.0, 5.0, 15.0, 30.0),
        batch_size: int = 500,
        in_flight: int = 2,
        ack_wait_seconds: float = 60.0,
        fetch_timeout: float = 1.0,
        description: str | None = None,
    ) -> None:
        self.consumer = consumer
        self.stream = stream
        self.subject_filter = subject_filter
        self.handler = handler
        self.max_deliver = max_deliver
        self.backoff_seconds = backoff_seconds
        self.batch_size = batch_size
        self.in_flight = in_flight
        self.ack_wait_seconds = ack_wait_seconds
        self.fetch_timeout = fetch_timeout
        self.description = description or f"{consumer} reads {subject_filter}"
        self._js: JetStreamContext | None = None
        self._sub: JetStreamContext.PullSubscription | None = None
        self._task: asyncio.Task[None] | None = None
        self._running = False

    @property
    def durable(self) -> str:
        """The same name `subscribe_events` gives the consumer."""
        return f"{self.consumer}-{self.stream.name.lower()}"

    def config(self) -> ConsumerConfig:
        return dataclasses.replace(
            durable_consumer_config(
                ack_wait_seconds=self.ack_wait_seconds, max_ack_pending=max(1000, self.batch_size * self.in_flight)
            ),
            durable_name=self.durable,
            description=self.description,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            filter_subject=self.subject_filter,
        )

    async def start(self, js: JetStreamContext) -> None:
        if self._task is not None:
            return
        self._js = js
        self._sub = await js.pull_subscribe(
            self.subject_filter, durable=self.durable, stream=self.stream.name, config=self.config()
        )
        self._running = True
        self._task = asyncio.create_task(self._run(), name=f"consumer-{self.durable}")

    async def stop(self, timeout: float = 30.0) -> None:
        """Stop fetching; the batches being handled finish (at most `timeout`), then unsubscribe."""
        self._running = False
        task, self._task = self._task, None
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        sub, self._sub = self._sub, None
        if sub is not None:
            with contextlib.suppress(Exception):  # NATS already gone
                await sub.unsubscribe()

    async def _run(self) -> None:
        assert self._sub is not None
        slots = asyncio.Semaphore(self.in_flight)
        handling: set[asyncio.Task[None]] = set()

        def finished(task: asyncio.Task[None]) -> None:
            handling.discard(task)
            slots.release()

        try:
            while self._running:
                await slots.acquire()
                try:
                    messages = await self._sub.fetch(self.batch_size, timeout=self.fetch_timeout)
                except TimeoutError:  # nothing new (nats-py's TimeoutError is one too)
                    slots.release()
                    continue
                except asyncio.CancelledError:
                    slots.release()
                    raise
                except Exception as exc:  # NATS away or restarting: try again shortly
                    slots.release()
                    if self._running:
                        log.warning("%s: fetch failed: %s: %s", self.durable, type(exc).__name__, exc)
                        await asyncio.sleep(1.0)
                    continue
                if not self._running:  # fetched while stopping: give them back at once
                    for msg in messages:
                        with contextlib.suppress(Exception):
                            await msg.nak()
                    slots.release()
                    break
                task = asyncio.create_task(self._handle(messages))
                handling.add(task)
                task.add_done_callback(finished)
        finally:
            if handling:
                await asyncio.gather(*handling, return_exceptions=True)

    async def _handle(self, messages: list[Msg]) -> None:
        batch = [Received(msg.data, raw_delivery(msg)) for msg in messages]
        try:
            outcomes = list(await self.handler(batch))
            if len(outcomes) != len(batch):
                raise RuntimeError(f"{len(outcomes)} outcomes for {len(batch)} messages")
        except Exception as exc:  # the handler itself failed: no message of the batch is done
            log.exception("%s: batch handler failed", self.durable)
            outcomes = [exc] * len(batch)
        done = 0
        for msg, received, outcome in zip(messages, batch, outcomes, strict=True):
            try:
                if outcome is None:
                    await msg.ack()
                    done += 1
                else:
                    await self._failed(msg, received, outcome)
            except Exception as exc:  # NATS away: unacknowledged, it comes back after ack_wait
                log.warning("%s: could not settle %s: %s", self.durable, received.delivery.event_id, exc)
        if done:
            MESSAGES.labels(self.consumer, "processed").inc(done)

    async def _failed(self, msg: Msg, received: Received, exc: BaseException) -> None:
        js = self._js
        assert js is not None

        async def publish(body: bytes, subject: str, headers: dict[str, str]) -> None:
            await js.publish(subject, body, stream=DEAD_LETTERS.name, headers=headers)

        await settle_failure(
            self.consumer,
            received.delivery,
            received.data,
            exc,
            max_deliver=self.max_deliver,
            backoff_seconds=self.backoff_seconds,
            nak=lambda delay: msg.nak(delay=delay),
            term=msg.term,
            publish=publish,
        )


@contextlib.asynccontextmanager
async def consuming(js: JetStreamContext, consumers: Sequence[BatchConsumer]) -> AsyncIterator[None]:
    """Run `consumers` for the duration of the block (for callers without a `ServiceRuntime`)."""
    for consumer in consumers:
        await consumer.start(js)
    try:
        yield
    finally:
        await asyncio.gather(*(c.stop() for c in consumers))
