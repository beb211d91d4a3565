"""The relay maps each event of a batch with its aggregate's state built from the previous event's
state in the batch (`shared.messaging.relay._StatesInBatch`), not read from the store again: the
payloads must be exactly those the mapper gives with states read from the store, whatever the
batch boundaries, for every dossier event type."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.dossiers.application import Dossiers
from services.dossiers.publishing import dossier_event_mapper
from shared.messaging.relay import OutboxRelay, envelope_for
from shared.reference.org_units import load_org_units
from tests.integration.dossiers.test_dossiers_published_events import every_event


async def never_published(*_: object) -> None:
    raise AssertionError("this test only maps")


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_payloads_mapped_in_a_batch_are_those_of_states_read_from_the_store(tmp_path: Path, batch_size: int) -> None:
    app = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.sqlite")})
    try:
        every_event(app)
        mapper = dossier_event_mapper(load_org_units())
        relay = OutboxRelay(app, mapper, never_published, service="dossiers", batch_size=batch_size)
        items, start = [], 1
        while True:
            batch, unmappable = relay._read_batch(start)
            assert unmappable is None
            items += batch
            if len(batch) < batch_size:
                break
            start = batch[-1].notification.id + 1
        assert [i.notification.id for i in items] == [n.id for n in app.notification_log.select(start=1, limit=1000)]
        public = [i for i in items if i.contract is not None]
        assert len(public) > 30 and len({i.notification.originator_id for i in public}) >= 6
        assert relay.chain is not None
        for item in public:
            n = item.notification
            link = relay.chain.links([(str(n.originator_id), n.originator_version)]).get(
                (str(n.originator_id), n.originator_version)
            )
            event = app.mapper.to_domain_event(n)
            expected = mapper(app, event, envelope_for("dossiers", n, event, link))
            assert expected is not None and item.payload == expected.payload(), (n.topic, n.originator_version)
    finally:
        app.close()
