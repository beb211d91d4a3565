"""Async test helpers for JetStream: publish as a relay does, read a stream back, poll a condition."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from nats.js.client import JetStreamContext

from shared.messaging.streamreads import jetstream_publish


def js_publisher(
    js: JetStreamContext, timeout: float = 5.0
) -> Callable[[str, dict[str, Any] | bytes, dict[str, str]], Awaitable[Any]]:
    """A relay's publish function over a plain nats-py JetStream context (awaits the ack, at most
    `timeout` seconds: a test with NATS stopped sees the failure sooner with a shorter one)."""
    return jetstream_publish(js, timeout)


async def stream_messages(js: JetStreamContext, stream: str) -> list[Any]:
    """Every message of a stream, in order."""
    info = await js.stream_info(stream)
    if info.state.messages == 0:
        return []  # an empty stream reports sequence 0, which get_msg refuses
    return [await js.get_msg(stream, seq) for seq in range(info.state.first_seq, info.state.last_seq + 1)]


async def eventually(predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll `predicate` (sync or async) until it returns something truthy; returns that value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last = None
    while loop.time() < deadline:
        last = predicate()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last value: {last!r})")
