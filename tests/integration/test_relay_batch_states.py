"""What the relay publishes for each event is what the mapper gives with the aggregate's state read
from the store, whichever way it was made:

- mapped by the relay in a batch, with states built from the previous event's state in the batch
  (`shared.messaging.relay._StatesInBatch`), whatever the batch boundaries;
- mapped when the event was saved and stored beside it as a ready message (`shared.messaging.
  ready`, `shared.outbox`), chain fields added in the storing transaction;
- a mix: events stored before ready messages existed, then after.

For every dossier event type, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.dossiers.application import Dossiers
from services.dossiers.publishing import dossier_event_mapper
from shared.messaging.ready import prepare_messages
from shared.messaging.relay import JSON_CONTENT, OutboxRelay, _Item, envelope_for
from shared.reference.org_units import load_org_units
from shared.testing.servers import PostgresServer
from tests.integration.dossiers.test_dossiers_published_events import every_event


async def never_published(*_: object) -> None:
    raise AssertionError("this test only maps")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "sqlite":
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.sqlite")}
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.eventsourcing_env(request.getfixturevalue("postgres_db"))


def read_all(relay: OutboxRelay, batch_size: int) -> list[_Item]:
    items: list[_Item] = []
    start = 1
    while True:
        batch, unmappable = relay._read_batch(start)
        assert unmappable is None
        items += batch
        if len(batch) < batch_size:
            return items
        start = batch[-1].notification.id + 1


def ready_positions(app: Any) -> set[int]:
    rows = app.recorder.read_rows(f"SELECT position FROM {app.recorder.outbox.sql.table}")
    return {int(r["position"]) for r in rows}


def check_items(app: Dossiers, relay: OutboxRelay, items: list[_Item]) -> None:
    """Every item's message and journal entry are those made from the store the old way."""
    mapper = relay.mapper
    assert [i.notification.id for i in items] == [n.id for n in app.notification_log.select(start=1, limit=1000)]
    public = [i for i in items if i.message is not None]
    assert len(public) > 30 and len({i.notification.originator_id for i in public}) >= 6
    assert relay.chain is not None
    for item in items:
        n = item.notification
        link = relay.chain.links([(str(n.originator_id), n.originator_version)]).get(
            (str(n.originator_id), n.originator_version)
        )
        event = app.mapper.to_domain_event(n)
        envelope = envelope_for("dossiers", n, event, link)
        expected = mapper(app, event, envelope)
        where = (n.topic, n.originator_version)
        if expected is None:
            assert item.message is None, where
        else:
            assert item.message is not None, where
            assert json.loads(item.message.data) == expected.payload(), where
            assert item.message.headers == {**expected.headers(), **JSON_CONTENT}, where
            assert item.message.subject == expected.subject, where
        assert item.journal is not None
        assert item.journal.event_id == envelope.event_id and item.journal.state == bytes(n.state), where
        assert item.journal.chain == (link.journal_headers() if link else None), where
        assert item.journal_headers == item.journal.headers(), where


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_payloads_mapped_in_a_batch_are_those_of_states_read_from_the_store(tmp_path: Path, batch_size: int) -> None:
    app = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.sqlite")})
    try:
        every_event(app)
        assert ready_positions(app) == set()
        mapper = dossier_event_mapper(load_org_units())
        relay = OutboxRelay(app, mapper, never_published, service="dossiers", batch_size=batch_size, journal=True)
        check_items(app, relay, read_all(relay, batch_size))
    finally:
        app.close()


def test_messages_made_when_stored_are_those_the_relay_would_make(store_env: dict[str, str]) -> None:
    app = Dossiers(env=store_env)
    try:
        mapper = dossier_event_mapper(load_org_units())
        prepare_messages(app, mapper, "dossiers")
        every_event(app)
        stored = [n.id for n in app.notification_log.select(start=1, limit=1000)]
        ready = ready_positions(app)
        assert len(ready) >= len(stored) - 2, "nearly every event is stored with its message"
        relay = OutboxRelay(app, mapper, never_published, service="dossiers", batch_size=1000, journal=True)
        relay.mapper = failing_mapper(mapper, ready)  # the relay maps none of the events stored ready
        items = read_all(relay, 1000)
        relay.mapper = mapper
        check_items(app, relay, items)

        middle = stored[len(stored) // 2]
        app.recorder.delete_ready(middle)  # what the relay does once its position passes `middle`
        assert ready_positions(app) == {p for p in ready if p > middle}
    finally:
        app.close()


def test_events_stored_before_ready_messages_are_mapped_by_the_relay_in_order_with_the_rest(
    store_env: dict[str, str],
) -> None:
    """A store from before ready messages: its older events have no row (here: the rows of the
    first half are removed, which is what such a store holds)."""
    app = Dossiers(env=store_env)
    try:
        mapper = dossier_event_mapper(load_org_units())
        prepare_messages(app, mapper, "dossiers")
        every_event(app)
        half = (app.recorder.max_notification_id() or 0) // 2
        table = app.recorder.outbox.sql.table
        delete = f"DELETE FROM {table} WHERE position <= {half}"
        with app.recorder.datastore.transaction(commit=True) as c:
            c.execute(delete)
        ready = ready_positions(app)
        assert ready and min(ready) > half
        relay = OutboxRelay(app, mapper, never_published, service="dossiers", batch_size=7, journal=True)
        relay.mapper = failing_mapper(mapper, ready)
        items = read_all(relay, 7)
        relay.mapper = mapper
        check_items(app, relay, items)
    finally:
        app.close()


def test_a_ready_row_that_names_another_event_is_not_published(tmp_path: Path) -> None:
    """A row left at a position now holding another event (a store restored around its outbox)
    is ignored: the relay maps the event stored there."""
    app = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.sqlite")})
    try:
        mapper = dossier_event_mapper(load_org_units())
        prepare_messages(app, mapper, "dossiers")
        every_event(app)
        table = app.recorder.outbox.sql.table
        with app.recorder.datastore.transaction(commit=True) as c:
            c.execute(f"UPDATE {table} SET originator_version = originator_version + 1 WHERE position = 1")
        relay = OutboxRelay(app, mapper, never_published, service="dossiers", batch_size=1000, journal=True)
        relay.mapper = failing_mapper(mapper, ready_positions(app) - {1})
        items = read_all(relay, 1000)
        relay.mapper = mapper
        check_items(app, relay, items)
    finally:
        app.close()


def failing_mapper(mapper: Any, positions: set[int]) -> Any:
    """The mapper, failing the test for an event at one of `positions` (aggregate, version)."""

    def mapping(app: Any, event: Any, envelope: Any) -> Any:
        for n in app.notification_log.select(start=1, limit=1000):
            if (n.originator_id, n.originator_version) == (event.originator_id, event.originator_version):
                assert n.id not in positions, f"the relay mapped the event at {n.id}, stored with its message"
        return mapper(app, event, envelope)

    return mapping
