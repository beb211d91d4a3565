"""Fuzzed NATS payloads leave a consumer running: every malformed, oversized or mistyped
message ends in the dead letters (or is skipped as harmless), and the next real event is applied.

Uses the reporting service's real handler and projection on the session's real nats-server.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from nats.js.client import JetStreamContext

from services.reporting.campaign_counts import campaigns_by_lead_unit
from services.reporting.handlers import batch_handler_for
from shared.messaging.batches import BatchConsumer, consuming
from shared.streams import CAMPAIGNS, DEAD_LETTERS
from shared.testing.jetstream import eventually

from .test_consumers import campaign_event, publish, reporting_projection

SEED = 20261203


def fuzzed_payloads(rng: random.Random) -> list[bytes]:
    """Random bytes, broken JSON, wrong JSON types, every field of a real event replaced by a
    value of another type, and one oversized body."""
    real = campaign_event("fuzz-template")
    payloads: list[bytes] = [
        b"",
        b"\x00\xff\xfe",
        b"null",
        b"[]",
        b"42",
        b'"a string"',
        b'{"event_id": ',
        json.dumps({"unexpected": True}).encode(),
        b"{" + b'"a":' * 2000 + b"1" + b"}" * 2000,  # deep nesting, invalid
        json.dumps({**real, "campaign": "x" * 500_000}).encode(),  # oversized
    ]
    payloads += [rng.randbytes(rng.randint(1, 300)) for _ in range(8)]
    strange: list[Any] = [None, 0, -1, 1.5, "", "☃" * 50, [], {}, True, "2026-13-45", 10**30]
    for key in real:
        broken = dict(real, event_id=f"fuzz-{key}")
        broken[key] = rng.choice(strange)
        payloads.append(json.dumps(broken).encode())
    return payloads


async def test_fuzzed_payloads_leave_the_consumer_applying_the_next_real_event(
    nats_url: str, jetstream: JetStreamContext, tmp_path: Path
) -> None:
    live = reporting_projection(tmp_path)
    consumer = BatchConsumer(  # as the service consumes: whole fetched batches, raw
        consumer="test-fuzz",
        stream=CAMPAIGNS,
        subject_filter="tdkt.campaign.>",
        handler=batch_handler_for(live),
        max_deliver=2,
        backoff_seconds=(0.05,),
    )
    payloads = fuzzed_payloads(random.Random(SEED))
    async with consuming(jetstream, [consumer]):
        for n, payload in enumerate(payloads):
            await jetstream.publish(
                "tdkt.campaign.registered", payload, stream=CAMPAIGNS.name, headers={"Nats-Msg-Id": f"f{n}"}
            )
        await publish(jetstream, "tdkt.campaign.registered", campaign_event("campaigns-real", lead_unit="PKT"))

        async def drained() -> bool:
            info = await jetstream.consumer_info(CAMPAIGNS.name, "test-fuzz-tdkt_campaigns")
            return info.num_pending == 0 and info.num_ack_pending == 0

        assert await eventually(drained, timeout=30)
        rows = campaigns_by_lead_unit(live.engine)
    dead = (await jetstream.stream_info(DEAD_LETTERS.name)).state.messages
    assert dead >= 18  # at least every payload that is not an event object at all
    assert {"lead_unit_code": "PKT", "lead_unit_name": "Phòng Kinh tế", "campaigns": 1, "registered": 1} in rows
