"""Reads a stream's stored messages by sequence range, for rebuilds (nats-py, no durable state).

An ephemeral pull consumer (no acks) from a start sequence reads history back at the pace of
whoever applies it and leaves nothing behind on the server. The range's end is
fixed by the caller (the stream's last sequence when it looked), so a rebuild knows when it is
done even while new events keep arriving.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
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

    An ephemeral pull consumer (no acks; the server drops it a minute after it was last used,
    and it is deleted at the end) from which one batch is fetched ahead of the caller: the
    reading waits for the caller. (An ordered push consumer, fix 19, delivered as fast as the
    server could send; on a large history the client buffered what the writer had not taken yet
    until it passed nats-py's 256 MiB limit, dropped messages as a slow consumer, and the
    rebuild stopped near the end with "no message after sequence …": every 200,000-event rebuild
    tried, docs/performance.md fix 22.)"""
    if last < max(first, 1):
        return
    name = f"reporting-replay-{uuid.uuid4().hex}"
    config = ConsumerConfig(
        name=name,
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
        opt_start_seq=max(first, 1),
        ack_policy=AckPolicy.NONE,
        inactive_threshold=60.0,
        filter_subject="tdkt.>",
    )
    await js.add_consumer(stream, config=config)
    sub = await js.pull_subscribe_bind(name=name, stream=stream)
    seen = max(first, 1) - 1

    def fetch() -> asyncio.Future[list[Msg]]:
        return asyncio.ensure_future(sub.fetch(batch_size, timeout=idle_timeout))

    ahead = fetch()
    try:
        while True:
            try:
                messages = await ahead
            except TimeoutError:  # nats' own TimeoutError is one too
                raise TimeoutError(f"{stream}: no message after sequence {seen}") from None
            batch = []
            for msg in messages:
                sequence = msg.metadata.sequence.stream
                if sequence <= seen:
                    continue
                seen = sequence
                if sequence <= last:
                    data = msg.data
                    event_id = event_id_of(msg.headers, data, stream, sequence)
                    batch.append(StreamMessage(stream, sequence, msg.subject, event_id, data))
            finished = seen >= last
            if not finished:
                ahead = fetch()
            if batch:
                yield batch
            if finished:
                return
    finally:
        ahead.cancel()
        with contextlib.suppress(BaseException):
            await ahead
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
        with contextlib.suppress(Exception):
            await js.delete_consumer(stream, name)


async def read_all(js: JetStreamContext, stream: str, first: int, last: int) -> list[StreamMessage]:
    """The whole range in one list (for the short tail read during a switch)."""
    messages: list[StreamMessage] = []
    async for batch in read_range(js, stream, first, last):
        messages.extend(batch)
    return messages
