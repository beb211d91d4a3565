"""Reads a stream's stored messages by sequence range, for rebuilds (nats-py, no durable state).

An ephemeral ordered consumer (flow-controlled push, no acks) from a start sequence is the
fastest way to read history back and leaves nothing behind on the server. The range's end is
fixed by the caller (the stream's last sequence when it looked), so a rebuild knows when it is
done even while new events keep arriving.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError

from shared.messaging.consumer import event_identity


@dataclass(frozen=True)
class StreamMessage:
    stream: str
    sequence: int
    subject: str
    event_id: str
    payload: dict[str, Any]


def event_id_of(headers: dict[str, str] | None, payload: dict[str, Any], stream: str, sequence: int) -> str:
    """The idempotence key, by the same rule as the live consumers (`ce-id`, else the payload's
    `event_id`, …: `shared.messaging.consumer.event_identity`), so live and rebuilt generations
    record the same ids and a copy of an event under a new message id is applied once."""
    return event_identity(headers or {}, payload, stream, sequence)


def parse_payload(data: bytes) -> dict[str, Any]:
    """JSON payload, or the raw text under `_raw` (as the live consumer does) so decoding fails."""
    try:
        payload = json.loads(data)
    except ValueError:
        return {"_raw": data.decode("utf-8", "replace")}
    return payload if isinstance(payload, dict) else {"_raw": payload}


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
    """Yield the stored messages with `first <= sequence <= last`, in order, in batches."""
    if last < max(first, 1):
        return
    config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=max(first, 1))
    sub = await js.subscribe("tdkt.>", stream=stream, ordered_consumer=True, config=config)
    batch: list[StreamMessage] = []
    try:
        while True:
            try:
                msg = await sub.next_msg(timeout=idle_timeout)
            except NatsTimeoutError as exc:
                raise TimeoutError(
                    f"{stream}: no message after sequence {batch[-1].sequence if batch else first}"
                ) from exc
            sequence = msg.metadata.sequence.stream
            if sequence > last:
                break
            payload = parse_payload(msg.data)
            batch.append(
                StreamMessage(
                    stream, sequence, msg.subject, event_id_of(msg.headers, payload, stream, sequence), payload
                )
            )
            if len(batch) >= batch_size:
                yield batch
                batch = []
            if sequence >= last:
                break
        if batch:
            yield batch
    finally:
        await sub.unsubscribe()


async def read_all(js: JetStreamContext, stream: str, first: int, last: int) -> list[StreamMessage]:
    """The whole range in one list (for the short tail read during a switch)."""
    messages: list[StreamMessage] = []
    async for batch in read_range(js, stream, first, last):
        messages.extend(batch)
    return messages
