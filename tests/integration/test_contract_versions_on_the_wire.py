"""v1 and v2 of one subject published side by side on JetStream, and each read back as its own
contract from the headers and payload a subscriber receives."""

from __future__ import annotations

import json

from nats.js.client import JetStreamContext

from shared.streams import CAMPAIGNS
from tests.support.versions import SUBJECT, both_versions, registry_with_both


async def test_a_subscriber_reads_both_versions_of_a_subject(jetstream: JetStreamContext) -> None:
    registry = registry_with_both()
    published = both_versions()
    for event in published:
        await jetstream.publish(SUBJECT, json.dumps(event.payload()).encode(), headers=event.headers())

    read = []
    for seq in (1, 2):
        message = await jetstream.get_msg(CAMPAIGNS.name, seq)
        event = registry.parse(message.subject, json.loads(message.data))
        assert message.headers["ce-type"] == event.ce_type()
        assert message.headers["ce-dataschema"] == f"{SUBJECT}.v{event.schema_version}"
        read.append(event)
    assert tuple(read) == published
