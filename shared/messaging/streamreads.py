"""Reading a stream's stored messages by sequence, for the relay's checks and the store checks.

The relay publishes through a plain function (so tests and benchmarks can hand it any
JetStream publish; `jetstream_publish` is the nats-py one); what it must read back (a message
JetStream reported as a duplicate, the tail of a journal) goes through a `StreamReader`.
`JetStreamReader` is the nats-py one; it takes a function returning the JetStream context,
because a service's broker connects in the background and the context exists only once it has.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError

from shared.streams import stream_for_subject


@dataclass(frozen=True)
class RawMessage:
    stream: str
    sequence: int
    subject: str
    headers: dict[str, str]
    data: bytes


class StreamReader(Protocol):
    async def bounds(self, stream: str) -> tuple[int, int]:
        """(first, last) sequence of the stream's stored messages; (0, 0) when empty or absent."""
        ...

    async def message(self, stream: str, sequence: int) -> RawMessage | None:
        """The message stored at `sequence`, or None (deleted, or beyond the end)."""
        ...


class JetStreamReader:
    def __init__(self, context: Callable[[], JetStreamContext]) -> None:
        self.context = context

    async def bounds(self, stream: str) -> tuple[int, int]:
        try:
            info = await self.context().stream_info(stream)
        except NotFoundError:
            return 0, 0
        if not info.state.messages:
            return 0, 0
        return int(info.state.first_seq), int(info.state.last_seq)

    async def message(self, stream: str, sequence: int) -> RawMessage | None:
        try:
            msg = await self.context().get_msg(stream, sequence)
        except NotFoundError:
            return None
        return RawMessage(stream, sequence, msg.subject, dict(msg.headers or {}), bytes(msg.data or b""))


def jetstream_publish(
    js: JetStreamContext, timeout: float = 5.0
) -> Callable[[str, dict[str, Any] | bytes, dict[str, str]], Awaitable[Any]]:
    """A relay's publish function over a plain nats-py JetStream context (awaits the ack)."""

    async def publish(subject: str, payload: dict[str, Any] | bytes, headers: dict[str, str]) -> Any:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return await js.publish(
            subject, data, headers=headers, stream=stream_for_subject(subject).name, timeout=timeout
        )

    return publish
