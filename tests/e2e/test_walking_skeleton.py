"""End to end: services as real processes, driven over HTTP, observed over NATS."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import nats
import pytest
from nats.js.client import JetStreamContext

from shared.natsserver import NatsServerProcess
from shared.streams import CAMPAIGNS
from shared.testing.fixtures import ServiceProcess, wait_until
from shared.testing.jetstream import stream_messages
from tests.support.campaign_payloads import LEAD_UNIT, SECRETARIAT, thematic_campaign

pytestmark = pytest.mark.e2e


def reporting_counts(reporting: ServiceProcess) -> list[dict]:
    return httpx.get(f"{reporting.url}/reports/campaigns", timeout=5).json()


async def stream_ids(js: JetStreamContext) -> list[str]:
    return [m.headers["Nats-Msg-Id"] for m in await stream_messages(js, CAMPAIGNS.name)]


def stored_ids(campaigns: ServiceProcess, campaign_id: str) -> list[str]:
    """The identities the store gave the campaign's events (also their ce-id and Nats-Msg-Id)."""
    history = httpx.get(f"{campaigns.url}/campaigns/{campaign_id}/history", timeout=5).json()
    return [h["event_id"] for h in history]


async def test_posted_campaign_is_in_the_stream_once_and_reporting_shows_it(
    nats_url: str, jetstream: JetStreamContext, run_service: Callable[..., ServiceProcess]
) -> None:
    campaigns = run_service("campaigns", {"TDKT_NATS_URL": nats_url})
    reporting = run_service("reporting", {"TDKT_NATS_URL": nats_url})

    created = httpx.post(f"{campaigns.url}/campaigns", json=thematic_campaign(), headers=LEAD_UNIT, timeout=10)
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    registered = httpx.post(
        f"{campaigns.url}/campaigns/{campaign_id}/registration",
        json={"registration_number": "01/ĐK-PNV", "registered_on": "2023-01-20"},
        headers=SECRETARIAT,
        timeout=10,
    )
    assert registered.status_code == 200, registered.text

    wait_until(lambda: reporting_counts(reporting) and reporting_counts(reporting)[0]["registered"] == 1)
    assert reporting_counts(reporting) == [
        {"lead_unit_code": "PKT", "lead_unit_name": "Phòng Kinh tế", "campaigns": 1, "registered": 1}
    ]
    assert await stream_ids(jetstream) == stored_ids(campaigns, campaign_id)
    assert len(set(stored_ids(campaigns, campaign_id))) == 2
    consumers = httpx.get(f"{reporting.url}/readyz", timeout=5).json()["checks"]["consumers"]
    assert consumers["reporting-tdkt_campaigns"] == {"pending": 0, "ack_pending": 0}
    last = await jetstream.get_last_msg(CAMPAIGNS.name, "tdkt.campaign.registered")
    payload = json.loads(last.data)
    assert payload["registration_number"] == "01/ĐK-PNV"
    assert payload["actor"] == {"id": "cv.phongnoivu", "role": "council_secretariat", "unit": "PNV"}
    assert payload["campaign"]["eligibility"]["eligible"] is False  # no review filed yet
    assert [r["code"] for r in payload["campaign"]["eligibility"]["reasons"]] == ["no_review"]


async def test_command_succeeds_while_nats_is_down_and_the_event_arrives_once_after_restart(
    own_nats: NatsServerProcess, run_service: Callable[..., ServiceProcess]
) -> None:
    campaigns = run_service("campaigns", {"TDKT_NATS_URL": own_nats.url, "TDKT_RELAY_POLL_SECONDS": "0.3"})
    reporting = run_service("reporting", {"TDKT_NATS_URL": own_nats.url})
    created = httpx.post(f"{campaigns.url}/campaigns", json=thematic_campaign(), headers=LEAD_UNIT, timeout=10)
    campaign_id = created.json()["id"]
    wait_until(lambda: reporting_counts(reporting))

    own_nats.stop()
    registered = httpx.post(
        f"{campaigns.url}/campaigns/{campaign_id}/registration",
        json={"registration_number": "02/ĐK-PNV", "registered_on": "2023-01-20"},
        headers=SECRETARIAT,
        timeout=10,
    )
    assert registered.status_code == 200, registered.text
    assert registered.json()["status"] == "registered"
    wait_until(lambda: httpx.get(f"{campaigns.url}/readyz", timeout=5).status_code == 503)

    own_nats.start()
    wait_until(lambda: reporting_counts(reporting)[0]["registered"] == 1, timeout=40)
    wait_until(lambda: httpx.get(f"{campaigns.url}/readyz", timeout=5).status_code == 200, timeout=20)
    nc = await nats.connect(own_nats.url)
    try:
        assert await stream_ids(nc.jetstream()) == stored_ids(campaigns, campaign_id)
        assert len(set(stored_ids(campaigns, campaign_id))) == 2
    finally:
        await nc.close()
