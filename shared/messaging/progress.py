"""The one meaning of "caught up" for a service that reads other services' events.

A read model fed by durable JetStream consumers is current when each of those consumers has
nothing left to deliver and nothing delivered but not yet acknowledged: a message waiting out
its retry delay counts as not caught up, so a decision taken on "caught up" never misses it.
Not knowing (NATS away, the consumer not created yet, the broker not started) is not caught up.
"""

from __future__ import annotations

from collections.abc import Iterable

from nats.js.client import JetStreamContext


async def consumers_caught_up(js: JetStreamContext | None, durables: Iterable[tuple[str, str]]) -> bool:
    """Whether every `(stream, durable)` consumer has nothing pending nor awaiting its ack."""
    if js is None:
        return False
    for stream, durable in durables:
        try:
            info = await js.consumer_info(stream, durable)
        except Exception:  # unreachable or not there yet: we cannot know, so we wait
            return False
        if info.num_pending or info.num_ack_pending:
            return False
    return True
