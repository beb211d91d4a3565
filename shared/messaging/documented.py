"""Batch consumers described in the service's AsyncAPI document.

FastStream's AsyncAPI document lists only the subscribers of the brokers it is given, and a
`shared.messaging.batches.BatchConsumer` is not one: it pulls with nats-py directly. So that a
service's document still says what it reads (subject filter, stream, durable consumer), each
batch consumer is declared as a FastStream subscriber on a broker of its own that is never
connected nor started; the document is built from both brokers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from faststream import AckPolicy
from faststream.nats import ConsumerConfig, DeliverPolicy, NatsBroker, PullSub

from shared.messaging.batches import BatchConsumer
from shared.streams import jstream


def documented_subscriptions(consumers: Sequence[BatchConsumer]) -> NatsBroker:
    """A never-started broker with one subscriber per batch consumer, declared as
    `subscribe_events` declares its own."""
    broker = NatsBroker()
    for consumer in consumers:
        broker.subscriber(
            consumer.subject_filter,
            stream=jstream(consumer.stream),
            durable=consumer.durable,
            pull_sub=PullSub(batch_size=consumer.batch_size, timeout=consumer.fetch_timeout),
            config=ConsumerConfig(ack_wait=consumer.ack_wait_seconds, max_deliver=-1),
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.MANUAL,
            description=consumer.description,
        )(_never_called(f"{consumer.consumer}_{consumer.stream.name.lower()}"))
    return broker


def _never_called(name: str) -> Any:
    async def consume(payload: dict[str, Any]) -> None:
        raise RuntimeError("a documented subscription does not consume: its broker never starts")

    consume.__name__ = name
    return consume
