"""Reads a stream's stored messages by sequence range, for rebuilds (nats-py, no durable state).

An ephemeral ordered consumer (flow-controlled push, no acks) from a start sequence is the
fastest way to read history back and leaves nothing behind on the server. The range's end is
fixed by the caller (the stream's last sequence when it looked), so a rebuild knows when it is
done even while new events keep arriving.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError

from services.reporting.projector import parse_payload
from shared.messaging.consumer import event_identity


@dataclass(frozen=True)
class StreamMessage:
    """A stored message as read: its payload is kept as the raw JSON bytes, decoded once by the
    projection (`projector.decode_json`, straight from the bytes); `payload` parses it for
    whoever needs the dict."""

    stream: str
    sequence: int
    subject: str
    event_id: str
    data: bytes

    @cached_property
    def payload(self) -> dict[str, Any]:
        return parse_payload(self.data)


def event_id_of(headers: dict[str, str] | None, data: bytes, stream: str, sequence: int) -> str:
    """The idempotence key, by the same rule as the live consumers (`ce-id`, else the payload's
    `event_id`, …: `shared.messaging.consumer.event_identity`), so live and rebuilt generations
    record the same ids and a copy of an event under a new message id is applied once. Every
    publisher sets `ce-id`; the payload is parsed only when it is missing."""
    headers = headers or {}
    return headers.get("ce-id") or event_identity(headers, parse_payload(data), stream, sequence)


async def last_sequence(js: JetStreamContext, stream: str) -> int:
    """The stream's last stored sequence; 0 when it is empty or does not exist yet."""
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return 0
    return int(info.state.last_seq) if info.state.messages else 0


READ_AHEAD_BATCHES = 2
"""Batches read ahead of the caller; then the subscription waits (and, through flow control,
the server)."""


async def read_range(
    js: JetStreamContext,
    stream: str,
    first: int,
    last: int,
    *,
    batch_size: int = 500,
    idle_timeout: float = 10.0,
) -> AsyncIterator[list[StreamMessage]]:
    """Yield the stored messages with `first <= sequence <= last`, in order, in batches.

    The messages are gathered into batches by the subscription's callback, as they arrive; the
    caller awaits once per batch. (`next_msg` per message created a task, a timeout and a uuid
    for each one: a sixth of a profiled rebuild, docs/performance.md.)"""
    if last < max(first, 1):
        return
    batches: asyncio.Queue[list[StreamMessage] | None] = asyncio.Queue(maxsize=READ_AHEAD_BATCHES)
    batch: list[StreamMessage] = []
    finished = False
    seen = max(first, 1) - 1

    async def receive(msg: Msg) -> None:
        nonlocal batch, finished, seen
        if finished:
            return
        sequence = msg.metadata.sequence.stream
        seen = sequence
        if sequence <= last:
            data = msg.data
            batch.append(
                StreamMessage(stream, sequence, msg.subject, event_id_of(msg.headers, data, stream, sequence), data)
            )
        if sequence >= last:
            finished = True
        if batch and (finished or len(batch) >= batch_size):
            full, batch = batch, []
            await batches.put(full)
        if finished:
            await batches.put(None)

    config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=max(first, 1))
    sub = await js.subscribe("tdkt.>", stream=stream, ordered_consumer=True, config=config, cb=receive)
    try:
        while True:
            before = seen
            try:
                ready = await asyncio.wait_for(batches.get(), idle_timeout)
            except TimeoutError:
                if seen != before:  # still arriving, only slowly
                    continue
                raise TimeoutError(f"{stream}: no message after sequence {seen}") from None
            if ready is None:
                break
            yield ready
    finally:
        await sub.unsubscribe()


async def read_all(js: JetStreamContext, stream: str, first: int, last: int) -> list[StreamMessage]:
    """The whole range in one list (for the short tail read during a switch)."""
    messages: list[StreamMessage] = []
    async for batch in read_range(js, stream, first, last):
        messages.extend(batch)
    return messages
