"""Item 2: the outbox relay (store → JetStream, with its journal and checked duplicate acks)
beside raw nats-py publishing the very messages the relay sent, with their `Nats-Msg-Id`,
`window` messages in flight. Each round starts from empty streams."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from pathlib import Path
from typing import Any

import nats
from nats.js import JetStreamContext

from benchmarks.bench_relay import store
from benchmarks.context import Context
from benchmarks.results import ratio_figure
from services.campaigns.application import Campaigns
from services.campaigns.publishing import map_campaign_event
from shared.messaging.ready import prepare_messages
from shared.messaging.relay import OutboxRelay
from shared.messaging.streamreads import JetStreamReader, jetstream_publish
from shared.settings import TdktSettings
from shared.streams import ALL_STREAMS, ensure_streams, stream_for_subject

Message = tuple[str, bytes, dict[str, str]]


async def fresh_streams(js: JetStreamContext) -> None:
    for spec in ALL_STREAMS:
        with contextlib.suppress(Exception):
            await js.delete_stream(spec.name)
    await ensure_streams(js)


async def relay_round(app: Campaigns, js: JetStreamContext, round_no: int) -> tuple[float, list[Message]]:
    sent: list[Message] = []
    base = jetstream_publish(js)

    async def publish(subject: str, payload: dict[str, Any] | bytes, headers: dict[str, str]) -> Any:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        sent.append((subject, data, dict(headers)))
        return await base(subject, data, headers)

    relay = OutboxRelay(
        app,
        map_campaign_event,
        publish,
        service="campaigns",
        batch_size=TdktSettings().relay_batch_size,
        reader=JetStreamReader(lambda: js),
        journal=True,
    )
    relay.tracking_name = f"campaigns-relay-bench-{round_no}"  # its own position: each round publishes all
    started = time.perf_counter()
    await relay.publish_pending()
    return time.perf_counter() - started, sent


async def raw_round(js: JetStreamContext, messages: list[Message], window: int) -> float:
    started = time.perf_counter()
    for i in range(0, len(messages), window):
        await asyncio.gather(
            *(
                js.publish(s, d, headers=h, stream=stream_for_subject(s).name, timeout=10)
                for s, d, h in messages[i : i + window]
            )
        )
    return time.perf_counter() - started


async def measure(ctx: Context, app: Campaigns, events: int) -> tuple[list[float], list[float], int]:
    nc = await nats.connect(ctx.nats_url)
    js = nc.jetstream()
    relay_rates, raw_rates, messages = [], [], 0
    try:
        for r in range(ctx.rounds):
            await fresh_streams(js)
            seconds, sent = await relay_round(app, js, r)
            relay_rates.append(events / seconds)
            await fresh_streams(js)
            raw_seconds = await raw_round(js, sent, ctx.window)
            raw_rates.append(events / raw_seconds)  # the same messages, so the same events per second
            messages = len(sent)
    finally:
        await nc.close()
    return relay_rates, raw_rates, messages


def run(ctx: Context) -> None:
    campaigns = ctx.size(300, small=20)
    folder = ctx.workdir / "relay"
    folder.mkdir(exist_ok=True)
    app = Campaigns(env={**ctx.event_store_env("relay", Path(folder) / "campaigns.sqlite")})
    prepare_messages(app, map_campaign_event, "campaigns")  # as `make_relay` wires a service
    store_seconds = store(app, campaigns)
    events = app.recorder.max_notification_id() or 0
    relay_rates, raw_rates, messages = asyncio.run(measure(ctx, app, events))
    app.close()
    ctx.run.notes.append(
        f"relay: {events} stored campaign events ({events / store_seconds:.0f} stored/s, one save per command); "
        f"{messages} messages per round (event + journal entry)"
    )
    ctx.run.add(
        ratio_figure(
            "2 relay",
            "relay: events published+acked/s (journal, ordered chains)",
            "events/s",
            relay_rates,
            f"raw nats-py, same messages, {ctx.window} in flight",
            raw_rates,
            0.8,
        )
    )
