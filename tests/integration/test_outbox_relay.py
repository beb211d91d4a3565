"""The outbox relay against a real nats-server: stored first, then published, exactly once in the stream."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.js.client import JetStreamContext

from shared.messaging.relay import OutboxRelay
from shared.natsserver import NatsServerProcess
from shared.streams import CAMPAIGNS, ensure_streams
from shared.testing.jetstream import js_publisher, stream_messages
from tests.integration.relay_fixtures import Tallies, tally_mapper


async def campaign_messages(js: JetStreamContext) -> list[Any]:
    return await stream_messages(js, CAMPAIGNS.name)


def sqlite_app(tmp_path: Path) -> Tallies:
    return Tallies(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "t.sqlite")})


async def test_relay_publishes_each_stored_event_once_with_stable_ids_and_cloudevents_headers(
    jetstream: JetStreamContext, tmp_path: Path
) -> None:
    app = sqlite_app(tmp_path)
    tally = app.start("Người tốt, việc tốt")
    app.count(tally.id, times=2)
    relay = OutboxRelay(app, tally_mapper, js_publisher(jetstream), service="tallies")

    assert await relay.publish_pending() == 3
    assert await relay.publish_pending() == 0

    messages = await campaign_messages(jetstream)
    assert [m.headers["Nats-Msg-Id"] for m in messages] == ["tallies-1", "tallies-2", "tallies-3"]
    first = messages[0]
    assert first.headers["ce-type"] == "vn.gov.tdkt.campaign.test_tally_noted.v1"
    assert first.headers["ce-source"] == "/services/tallies"
    assert first.headers["ce-subject"] == str(tally.id)
    body = json.loads(first.data)
    assert body["label"] == "Người tốt, việc tốt"
    assert body["actor"] == {"id": "u1", "role": "clerk", "unit": "PNV"}
    assert [json.loads(m.data)["aggregate_version"] for m in messages] == [1, 2, 3]
    assert relay.published_position() == 3


async def test_relay_restarted_after_publishing_but_before_recording_adds_no_duplicate(
    jetstream: JetStreamContext, tmp_path: Path
) -> None:
    app = sqlite_app(tmp_path)
    tally = app.start("Cải cách hành chính")
    app.count(tally.id, times=4)
    crashing = OutboxRelay(app, tally_mapper, js_publisher(jetstream), service="tallies", batch_size=3)

    def crash(_: int) -> None:
        raise RuntimeError("process killed before recording the position")

    crashing._record_position = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await crashing.publish_pending()
    assert len(await campaign_messages(jetstream)) == 3

    restarted = OutboxRelay(
        sqlite_app(tmp_path), tally_mapper, js_publisher(jetstream), service="tallies", batch_size=3
    )
    assert await restarted.publish_pending() == 5  # the whole log again; JetStream drops the three copies

    messages = await campaign_messages(jetstream)
    ids = [m.headers["Nats-Msg-Id"] for m in messages]
    assert ids == [f"tallies-{n}" for n in range(1, 6)]
    assert len(set(ids)) == len(ids)


async def test_commands_succeed_while_nats_is_down_and_events_arrive_once_after_restart(
    own_nats: NatsServerProcess, tmp_path: Path
) -> None:
    nc = await nats.connect(own_nats.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    js = nc.jetstream()
    await ensure_streams(js)
    app = sqlite_app(tmp_path)
    relay = OutboxRelay(
        app, tally_mapper, js_publisher(js), service="tallies", poll_seconds=0.2, max_backoff_seconds=0.5
    )
    app.add_save_listener(relay.wake)
    task = asyncio.create_task(relay.run())
    try:
        tally = await asyncio.to_thread(app.start, "Nông thôn mới")
        await wait_for(lambda: relay.published_position() == 1)

        own_nats.stop()
        await asyncio.to_thread(app.count, tally.id, 3)  # the command succeeds: stored, not yet published
        await wait_for(lambda: relay.last_error is not None)
        assert relay.published_position() == 1

        own_nats.start()
        await wait_for(lambda: relay.published_position() == 4, timeout=20)
        messages = await campaign_messages(js)
        assert [m.headers["Nats-Msg-Id"] for m in messages] == [f"tallies-{n}" for n in range(1, 5)]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await nc.close()


async def wait_for(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await asyncio.to_thread(predicate):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_two_relays_over_one_store_publish_each_event_once(jetstream: JetStreamContext, tmp_path: Path) -> None:
    app = sqlite_app(tmp_path)
    tally = app.start("Thi đua dạy tốt, học tốt")
    app.count(tally.id, times=5)
    first = OutboxRelay(sqlite_app(tmp_path), tally_mapper, js_publisher(jetstream), service="tallies")
    second = OutboxRelay(sqlite_app(tmp_path), tally_mapper, js_publisher(jetstream), service="tallies")

    await asyncio.gather(first.publish_pending(), second.publish_pending())

    ids = [m.headers["Nats-Msg-Id"] for m in await campaign_messages(jetstream)]
    assert ids == [f"tallies-{n}" for n in range(1, 7)]
    assert first.published_position() == second.published_position() == 6
