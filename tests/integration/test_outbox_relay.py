"""The outbox relay against a real nats-server: stored first, then published, exactly once in the
stream, in order per aggregate; a stall is visible; a duplicate ack is checked, not trusted."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.js.client import JetStreamContext

from shared.messaging.journal import JournalEntry, parse_record
from shared.messaging.ready import prepare_messages
from shared.messaging.relay import IdentityCollision, OutboxRelay
from shared.messaging.streamreads import JetStreamReader
from shared.natsserver import NatsServerProcess
from shared.streams import CAMPAIGNS, ensure_streams, journal_stream
from shared.testing.jetstream import eventually, js_publisher, stream_messages
from tests.support.relay import Tallies, TallyNoted, ids_in_log, tally_mapper

TALLIES_JOURNAL = journal_stream("tallies")


async def campaign_messages(js: JetStreamContext) -> list[Any]:
    return await stream_messages(js, CAMPAIGNS.name)


async def fresh_journal(js: JetStreamContext) -> None:
    with contextlib.suppress(nats.js.errors.NotFoundError):
        await js.delete_stream(TALLIES_JOURNAL.name)
    await ensure_streams(js, (TALLIES_JOURNAL,))


MESSAGES_MADE = {"when": "stored"}


@pytest.fixture(autouse=True, params=["stored", "relayed"])
def messages_made(request: pytest.FixtureRequest) -> str:
    """Every test runs with each event's message made when it is stored (`shared.messaging.ready`,
    as the services run) and with the relay mapping every event (a store from before that)."""
    MESSAGES_MADE["when"] = request.param
    return str(request.param)


def sqlite_app(tmp_path: Path, mapper: Any = tally_mapper) -> Tallies:
    app = Tallies(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "t.sqlite")})
    if MESSAGES_MADE["when"] == "stored":
        prepare_messages(app, mapper, "tallies")
    return app


async def test_relay_publishes_each_stored_event_once_with_its_identity_and_cloudevents_headers(
    jetstream: JetStreamContext, tmp_path: Path
) -> None:
    await fresh_journal(jetstream)
    app = sqlite_app(tmp_path)
    tally = app.start("Người tốt, việc tốt")
    app.count(tally.id, times=2)
    relay = OutboxRelay(app, tally_mapper, js_publisher(jetstream), service="tallies", journal=True)
    ready = relay._ready(app.notification_log.select(start=1, limit=10))
    # v2 and v3 were saved together: v2's state at its version is not in hand then; the relay maps it.
    assert sorted(ready) == ([1, 3] if MESSAGES_MADE["when"] == "stored" else [])

    assert await relay.publish_pending() == 3
    assert await relay.publish_pending() == 0

    messages = await campaign_messages(jetstream)
    ids = ids_in_log(app)
    assert [m.headers["Nats-Msg-Id"] for m in messages] == [m.headers["ce-id"] for m in messages] == ids
    first = messages[0]
    assert first.headers["ce-type"] == "vn.gov.tdkt.campaign.test_tally_noted.v1"
    assert first.headers["ce-source"] == "/services/tallies"
    assert first.headers["ce-subject"] == str(tally.id)
    body = json.loads(first.data)
    assert body["event_id"] == ids[0]
    assert body["label"] == "Người tốt, việc tốt"
    assert body["actor"] == {"id": "u1", "role": "clerk", "unit": "PNV"}
    assert [json.loads(m.data)["aggregate_version"] for m in messages] == [1, 2, 3]
    assert relay.published_position() == 3

    journal = [
        parse_record("tallies", m.seq, m.headers, m.data)
        for m in await stream_messages(jetstream, TALLIES_JOURNAL.name)
    ]
    assert all(isinstance(e, JournalEntry) for e in journal)
    stored = app.recorder.select_events(tally.id)
    assert [(e.event_id, e.position, e.originator_version, e.state) for e in journal] == [  # type: ignore[union-attr]
        (ids[n], n + 1, s.originator_version, s.state) for n, s in enumerate(stored)
    ]


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
    # The first batch (a round's first read is `first_batch_size` events), and maybe some of the
    # second: it is published while the first waits for its position, and stopped when that fails.
    first = crashing.first_batch_size
    assert first <= len(await campaign_messages(jetstream)) <= first + 3
    assert crashing.published_position() == 0

    restarted = OutboxRelay(
        sqlite_app(tmp_path),
        tally_mapper,
        js_publisher(jetstream),
        service="tallies",
        batch_size=3,
        reader=JetStreamReader(lambda: jetstream),
    )
    assert await restarted.publish_pending() == 5  # the whole log again; JetStream drops the three copies

    ids = [m.headers["Nats-Msg-Id"] for m in await campaign_messages(jetstream)]
    assert ids == ids_in_log(app)
    assert len(set(ids)) == len(ids) == 5


@pytest.mark.parametrize("batch_size", [200, 2])
async def test_after_a_partly_failed_batch_each_aggregate_stays_in_version_order(
    jetstream: JetStreamContext, tmp_path: Path, batch_size: int
) -> None:
    """One batch, or batches of two published one while the one before awaits its acks: the
    failed event's aggregate sends nothing after it, in its batch or the next."""
    app = sqlite_app(tmp_path)
    first, second = app.start("Phong trào A"), app.start("Phong trào B")
    app.count(first.id, times=3)
    app.count(second.id, times=3)
    publish = js_publisher(jetstream)
    failed: list[str] = []

    async def flaky(subject: str, payload: Any, headers: dict[str, str]) -> Any:
        # The second event of the first aggregate is lost on the way, once (public messages
        # carry `ce-id`; the relay hands them encoded).
        body = json.loads(payload) if "ce-id" in headers else {}
        lost = (body.get("aggregate_id"), body.get("aggregate_version")) == (str(first.id), 2)
        if lost and not failed:
            failed.append(headers["Nats-Msg-Id"])
            raise TimeoutError("nats: timeout")
        return await publish(subject, payload, headers)

    relay = OutboxRelay(
        app, tally_mapper, flaky, service="tallies", batch_size=batch_size, reader=JetStreamReader(lambda: jetstream)
    )
    with pytest.raises(TimeoutError):
        await relay.publish_pending()
    assert relay.published_position() == 2  # first v1, second v1: the acknowledged prefix of the log
    sent = [json.loads(m.data) for m in await campaign_messages(jetstream)]
    assert [m["aggregate_version"] for m in sent if m["aggregate_id"] == str(first.id)] == [1]
    await relay.publish_pending()

    messages = [json.loads(m.data) for m in await campaign_messages(jetstream)]
    for aggregate in (first, second):
        versions = [m["aggregate_version"] for m in messages if m["aggregate_id"] == str(aggregate.id)]
        assert versions == [1, 2, 3, 4]
    assert len({m["event_id"] for m in messages}) == len(messages) == 8


async def test_commands_succeed_while_nats_is_down_and_events_arrive_once_after_restart(
    own_nats: NatsServerProcess, tmp_path: Path
) -> None:
    nc = await nats.connect(own_nats.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    js = nc.jetstream()
    await ensure_streams(js)
    app = sqlite_app(tmp_path)
    # A publish to the stopped server fails after 1 s instead of 5 (the relay tries again anyway).
    relay = OutboxRelay(
        app, tally_mapper, js_publisher(js, timeout=1.0), service="tallies", poll_seconds=0.2, max_backoff_seconds=0.5
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
        assert (await asyncio.to_thread(relay.health)).detail["lag_events"] == 3

        own_nats.start()
        await wait_for(lambda: relay.published_position() == 4, timeout=20)
        messages = await campaign_messages(js)
        assert [m.headers["Nats-Msg-Id"] for m in messages] == ids_in_log(app)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await nc.close()


async def test_an_event_saved_while_a_batch_is_published_is_read_meanwhile_and_sent_after_it(
    jetstream: JetStreamContext, tmp_path: Path
) -> None:
    """Freshness: the save wakes the relay, which reads the new event while the batch before it
    is still waiting for its acks, and sends it once they came, in order."""
    app = sqlite_app(tmp_path)
    tally = app.start("Dân vận khéo")
    release, publishing = asyncio.Event(), asyncio.Event()
    real = js_publisher(jetstream)

    async def held(subject: str, payload: Any, headers: dict[str, str]) -> Any:
        publishing.set()
        await release.wait()
        return await real(subject, payload, headers)

    relay = OutboxRelay(app, tally_mapper, held, service="tallies", batch_size=10)
    app.add_save_listener(relay.wake)
    reads: list[int | None] = []
    read_batch = relay._read_batch

    def counted(start: int | None = None) -> Any:
        reads.append(start)
        return read_batch(start)

    relay._read_batch = counted  # type: ignore[method-assign]
    task = asyncio.create_task(relay.publish_pending())
    await publishing.wait()
    await asyncio.to_thread(app.count, tally.id, 1)
    await eventually(lambda: reads == [None, 2])  # read while the first batch is not acknowledged
    assert relay.published_position() == 0
    release.set()
    assert await task == 2
    assert relay.published_position() == 2
    assert [m.headers["Nats-Msg-Id"] for m in await campaign_messages(jetstream)] == ids_in_log(app)


async def test_a_rounds_first_read_is_a_quarter_batch_and_the_rest_follows_in_order(
    jetstream: JetStreamContext, tmp_path: Path
) -> None:
    """The first read of a round is not overlapped by any publishing: it reads a quarter of a
    batch (then full batches, read while the one before is published), and everything goes
    out once, in order."""
    app = sqlite_app(tmp_path)
    tally = app.start("Thi đua yêu nước")
    app.count(tally.id, times=8)  # 9 events
    events: list[str] = []
    real = js_publisher(jetstream)

    async def publish(subject: str, payload: Any, headers: dict[str, str]) -> Any:
        events.append("publish")
        return await real(subject, payload, headers)

    relay = OutboxRelay(app, tally_mapper, publish, service="tallies", batch_size=8)
    read_batch = relay._read_batch

    def counted(start: int | None = None) -> Any:
        items, unmappable = read_batch(start)
        events.append(f"read {start}: {len(items)}")
        return items, unmappable

    relay._read_batch = counted  # type: ignore[method-assign]
    assert await relay.publish_pending() == 9
    reads = [e for e in events if e.startswith("read")]
    assert reads == ["read None: 2", "read 3: 7"]
    assert relay.published_position() == 9
    assert [m.headers["Nats-Msg-Id"] for m in await campaign_messages(jetstream)] == ids_in_log(app)


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
    reader = JetStreamReader(lambda: jetstream)
    first = OutboxRelay(sqlite_app(tmp_path), tally_mapper, js_publisher(jetstream), service="tallies", reader=reader)
    second = OutboxRelay(sqlite_app(tmp_path), tally_mapper, js_publisher(jetstream), service="tallies", reader=reader)

    await asyncio.gather(first.publish_pending(), second.publish_pending())

    ids = [m.headers["Nats-Msg-Id"] for m in await campaign_messages(jetstream)]
    assert ids == ids_in_log(app)
    assert first.published_position() == second.published_position() == 6


async def test_an_event_the_mapper_cannot_publish_stops_the_relay_visibly_and_nothing_after_it_is_skipped(
    jetstream: JetStreamContext, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = True
    attempts = 0

    def mapper(app_: Tallies, event: Any, envelope: Any) -> TallyNoted:
        nonlocal attempts
        tally = app_.repository.get(event.originator_id, version=event.originator_version)
        if broken and tally.label == "nhãn hỏng":
            attempts += 1
            raise KeyError("label")
        return tally_mapper(app_, event, envelope)

    app = sqlite_app(tmp_path, mapper)  # when stored: its mapping fails there too, and it is left to the relay
    good, bad = app.start("Phong trào A"), app.start("nhãn hỏng")
    app.count(good.id, times=2)

    relay = OutboxRelay(
        app,
        mapper,
        js_publisher(jetstream),
        service="tallies",
        poll_seconds=0.05,
        max_lag_events=1,
        max_stall_seconds=60,
        max_backoff_seconds=0.5,  # the attempts after the first come every half second, not 1, 2, 4 s apart
    )
    task = asyncio.create_task(relay.run())
    try:
        await wait_for(lambda: relay.blocked is not None)
        tried = attempts
        await wait_for(lambda: attempts >= tried + 3)  # several more attempts, still one ERROR line
        health = await asyncio.to_thread(relay.health)
        assert not health.ok and health.detail["lag_events"] == 3
        assert any("cannot be published" in p and f"aggregate {bad.id} v1" in p for p in health.problems)
        assert relay.published_position() == 1  # the event before it; nothing after it skipped ahead
        errors = [r for r in caplog.records if r.levelno == logging.ERROR and "unmappable" in r.getMessage()]
        assert len(errors) == 1

        broken = False  # the fix is deployed
        relay.wake()
        await wait_for(lambda: relay.published_position() == 4)
        assert relay.blocked is None and (await asyncio.to_thread(relay.health)).ok
    finally:
        relay.request_stop()
        await asyncio.gather(task, return_exceptions=True)
    assert [json.loads(m.data)["aggregate_id"] for m in await campaign_messages(jetstream)] == [
        str(good.id),
        str(bad.id),
        str(good.id),
        str(good.id),
    ]


async def test_a_duplicate_ack_for_an_event_published_for_the_first_time_is_an_alarm(
    jetstream: JetStreamContext, tmp_path: Path
) -> None:
    app = sqlite_app(tmp_path)
    tally = app.start("Phong trào A")
    event_id = ids_in_log(app)[0]
    # Another event already in the stream under the same id (what a reused position id produced).
    await jetstream.publish(
        "tdkt.campaign.test_tally_noted",
        json.dumps({"aggregate_id": "someone-else", "aggregate_version": 7}).encode(),
        headers={"Nats-Msg-Id": event_id},
        stream=CAMPAIGNS.name,
    )
    relay = OutboxRelay(
        app, tally_mapper, js_publisher(jetstream), service="tallies", reader=JetStreamReader(lambda: jetstream)
    )
    with pytest.raises(IdentityCollision, match=event_id):
        await relay.publish_pending()
    assert relay.published_position() == 0
    assert str(tally.id) not in [json.loads(m.data)["aggregate_id"] for m in await campaign_messages(jetstream)]


async def test_ready_messages_are_deleted_once_their_position_is_recorded(
    jetstream: JetStreamContext, tmp_path: Path
) -> None:
    """The ready rows are derived data the relay never reads again past its recorded position:
    they are deleted, so the table holds only what is not yet published."""
    stored = MESSAGES_MADE["when"] == "stored"
    await fresh_journal(jetstream)
    app = sqlite_app(tmp_path)
    for n in range(3):
        app.start(f"Tổ {n}")
    relay = OutboxRelay(app, tally_mapper, js_publisher(jetstream), service="tallies", journal=True, prune_every=2)

    def ready() -> list[int]:
        return sorted(relay._ready(app.notification_log.select(start=1, limit=10)))

    assert ready() == ([1, 2, 3] if stored else [])
    assert await relay.publish_pending() == 3
    assert ready() == []

    later = app.start("Tổ 4")
    assert ready() == ([4] if stored else [])
    assert await relay.publish_pending() == 1  # one position past the last deletion: kept for now
    assert ready() == ([4] if stored else [])
    assert [json.loads(m.data)["aggregate_id"] for m in await campaign_messages(jetstream)][-1] == str(later.id)
