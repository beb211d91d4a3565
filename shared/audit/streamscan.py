"""Read a whole JetStream stream from its first message, with headers (nats-py).

An ephemeral ordered consumer (flow-controlled push, no acks) leaves nothing on the server and
reads history back an order of magnitude faster than fetching message by message. The end is
the stream's last sequence when the scan starts; messages deleted from the stream are simply
not delivered, which is what the verification looks for.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError


@dataclass(frozen=True)
class ScannedMessage:
    stream: str
    sequence: int
    subject: str
    headers: dict[str, str]
    data: bytes


async def stream_bounds(js: JetStreamContext, stream: str) -> tuple[int, int, int]:
    """(first, last, count) of the stream's stored messages; zeros when empty or absent."""
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return 0, 0, 0
    if not info.state.messages:
        return 0, 0, 0
    return int(info.state.first_seq), int(info.state.last_seq), int(info.state.messages)


async def scan(
    js: JetStreamContext, stream: str, filter_subject: str, *, batch_size: int = 500, idle_timeout: float = 3.0
) -> AsyncIterator[list[ScannedMessage]]:
    """Every stored message of `stream` (matching `filter_subject`), in sequence order, in batches."""
    first, last, _ = await stream_bounds(js, stream)
    if not last:
        return
    config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=first)
    sub = await js.subscribe(filter_subject, stream=stream, ordered_consumer=True, config=config)
    batch: list[ScannedMessage] = []
    try:
        while True:
            try:
                msg = await sub.next_msg(timeout=idle_timeout)
            except NatsTimeoutError:
                break  # the rest was deleted: nothing more to deliver up to `last`
            sequence = msg.metadata.sequence.stream
            if sequence > last:
                break
            batch.append(ScannedMessage(stream, sequence, msg.subject, dict(msg.headers or {}), bytes(msg.data or b"")))
            if len(batch) >= batch_size:
                yield batch
                batch = []
            if sequence >= last:
                break
        if batch:
            yield batch
    finally:
        await sub.unsubscribe()
