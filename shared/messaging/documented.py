"""Batch consumers described in the service's AsyncAPI document.

FastStream's AsyncAPI document lists only the subscribers of the brokers it is given, and a
`shared.messaging.batches.BatchConsumer` is not one: it pulls with nats-py directly. So that a
service's document still says what it reads (subject filter, stream, durable consumer), each
batch consumer is declared as `subscribe_events` declares its subscriber, on a broker of its own
that is never connected nor started; the document is built from both brokers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from faststream.nats import NatsBroker

from shared.messaging.batches import BatchConsumer
from shared.messaging.consumer import declare_subscriber


def documented_subscriptions(consumers: Sequence[BatchConsumer]) -> NatsBroker:
    """A never-started broker with one subscriber per batch consumer."""
    broker = NatsBroker()
    for consumer in consumers:
        declare_subscriber(
            broker,
            consumer=consumer.consumer,
            stream=consumer.stream,
            subject_filter=consumer.subject_filter,
            batch_size=consumer.batch_size,
            fetch_timeout=consumer.fetch_timeout,
            ack_wait_seconds=consumer.ack_wait_seconds,
            description=consumer.description,
        )(_never_called())
    return broker


def _never_called() -> Callable[[dict[str, Any]], Awaitable[None]]:
    """A handler of its own for each subscriber (the declaration names it)."""

    async def consume(payload: dict[str, Any]) -> None:
        raise RuntimeError("a documented subscription does not consume: its broker never starts")

    return consume
