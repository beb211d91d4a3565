"""Thematic dossiers and the campaign events, on a real nats-server: the campaigns application
publishes through its own outbox relay, the dossiers service learns the campaign only from the
stream, and decides on the campaign's eligibility (dispatch 147)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nats.js.client import JetStreamContext

from services.campaigns.application import Campaigns
from services.campaigns.domain.eligibility import MESSAGES, EligibilityCode
from services.campaigns.publishing import map_campaign_event
from services.dossiers import handlers
from services.dossiers.domain.campaign_eligibility import CampaignCheck, CampaignVerdict
from services.dossiers.handlers import DURABLE
from shared.actor import SYSTEM_ACTOR
from shared.contracts.campaigns import CampaignEvent
from shared.messaging.relay import OutboxRelay
from shared.streams import CAMPAIGNS
from shared.testing.jetstream import eventually, js_publisher
from tests.integration.campaigns.test_published_events import LEAD, PNV, REPORT, RESULTS, campaign_kwargs

from .payloads import PinnedClock, act, ok, submit, thematic_body

DISPATCH = "Không đủ điều kiện khen thưởng chuyên đề theo Công văn số 147 (2023): "


class CampaignsService:
    """The campaigns application and its relay, publishing to the test's JetStream."""

    def __init__(self, tmp_path: Path, js: JetStreamContext) -> None:
        self.js = js
        self.app = Campaigns(
            env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "c.db")}
        )

        self.relay = OutboxRelay(self.app, map_campaign_event, js_publisher(js), service="campaigns")

    def unregistered(self, code: str) -> str:
        return str(self.app.draft(actor=LEAD, **campaign_kwargs(code)).id)

    def eligible(self, code: str) -> str:
        campaign = self.app.draft(actor=LEAD, **campaign_kwargs(code))
        self.app.register(campaign.id, registration_number="07/ĐK-PNV", registered_on=date(2023, 1, 15), actor=PNV)
        self.app.launch(campaign.id, launched_on=date(2023, 1, 20), actor=LEAD)
        self.app.file_final_review(
            campaign.id,
            report=REPORT,
            summary="Tổng kết phong trào",
            filed_on=date(2024, 1, 5),  # after the end date
            results=RESULTS,
            actor=LEAD,
        )
        return str(campaign.id)

    async def publish(self) -> int:
        return await self.relay.publish_pending()


@pytest.fixture
def campaigns(tmp_path: Path, jetstream: JetStreamContext) -> CampaignsService:
    return CampaignsService(tmp_path, jetstream)


async def consumer_caught_up(js: JetStreamContext) -> None:
    """Wait until the dossiers consumer has acknowledged every campaign message."""
    for _ in range(200):
        stream = await js.stream_info(CAMPAIGNS.name)
        try:
            info = await js.consumer_info(CAMPAIGNS.name, DURABLE)
        except Exception:  # not created yet
            info = None
        if info is not None and info.ack_floor.stream_seq == stream.state.last_seq and info.num_ack_pending == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the dossiers consumer did not catch up")


def status_of(client: TestClient, dossier_id: str) -> str:
    return client.get(f"/dossiers/{dossier_id}").json()["status"]


async def test_a_thematic_dossier_under_a_campaign_already_known_ineligible_is_refused_with_its_reasons(
    jetstream: JetStreamContext, campaigns: CampaignsService, client: TestClient
) -> None:
    campaign_id = campaigns.unregistered("PT-2024-A")
    await campaigns.publish()
    known = await eventually(lambda: client.get(f"/campaigns/{campaign_id}").json().get("eligible") is False)
    assert known

    dossier = submit(client, thematic_body(client, campaign_id.upper()))  # any spelling of the id
    assert dossier["campaign_id"] == campaign_id
    refused = ok(act(client, dossier["id"], "completeness-check"))
    assert refused["status"] == "REFUSED"
    assert refused["refusal_reasons"] == [
        DISPATCH + MESSAGES[EligibilityCode.NOT_REGISTERED],
        DISPATCH + MESSAGES[EligibilityCode.NO_REVIEW],
    ]
    slip = client.get(f"/dossiers/{dossier['id']}/refusal-slip").text
    assert MESSAGES[EligibilityCode.NOT_REGISTERED] in slip


async def test_dossiers_waiting_for_their_campaign_move_on_when_its_events_arrive_and_redelivery_changes_nothing(
    jetstream: JetStreamContext, campaigns: CampaignsService, client: TestClient
) -> None:
    good, bad = campaigns.eligible("PT-2024-B"), campaigns.unregistered("PT-2024-C")  # stored, not yet published
    waiting = [submit(client, thematic_body(client, c))["id"] for c in (good, bad)]
    for d in waiting:
        assert ok(act(client, d, "completeness-check"))["status"] == "AWAITING_CAMPAIGN"

    # Five events at once: the eligible campaign is ineligible in its first snapshots (drafted,
    # not registered); the re-check waits until the consumer has caught up with the last one.
    assert await campaigns.publish() == 5
    await eventually(lambda: all(status_of(client, d) != "AWAITING_CAMPAIGN" for d in waiting))
    accepted = client.get(f"/dossiers/{waiting[0]}").json()
    refused = client.get(f"/dossiers/{waiting[1]}").json()
    assert accepted["status"] == "IN_APPRAISAL"
    assert refused["status"] == "REFUSED"
    assert refused["refusal_reasons"] == [
        DISPATCH + MESSAGES[EligibilityCode.NOT_REGISTERED],
        DISPATCH + MESSAGES[EligibilityCode.NO_REVIEW],
    ]
    for d in waiting:
        last = client.get(f"/dossiers/{d}/history").json()[-1]
        assert last["actor"] == SYSTEM_ACTOR.as_dict()

    # The same campaign event delivered again (a copy under another message id): nothing changes.
    await consumer_caught_up(jetstream)
    before = [client.get(f"/dossiers/{d}").json()["version"] for d in waiting]
    view_before = client.get(f"/campaigns/{good}").json()
    last = await jetstream.get_last_msg(CAMPAIGNS.name, "tdkt.campaign.final_review_filed")
    await jetstream.publish(
        last.subject, last.data, headers={**last.headers, "Nats-Msg-Id": "campaigns-copy"}, stream=CAMPAIGNS.name
    )
    await consumer_caught_up(jetstream)
    assert [client.get(f"/dossiers/{d}").json()["version"] for d in waiting] == before
    assert (
        client.get(f"/campaigns/{good}").json()
        == view_before
        == {
            "campaign_id": good,
            "name": "Toàn dân chung sức xây dựng Nông thôn mới",
            "kind": "thematic",
            "status": "final_reviewed",
            "eligible": True,
            "eligibility_reasons": [],
            "version": 4,
            "launching_level": "district",
        }
    )


async def test_the_sweep_moves_a_dossier_that_was_deferred_just_after_its_campaign_arrived(
    jetstream: JetStreamContext, campaigns: CampaignsService, make_client: Callable[..., TestClient], clock: PinnedClock
) -> None:
    client = make_client(dossiers_campaign_recheck_seconds=0.2)
    campaign_id = campaigns.eligible("PT-2024-D")
    await campaigns.publish()
    await consumer_caught_up(jetstream)

    # The race the events cannot close: a check that read the view before the campaign arrived
    # saves its deferral after the consumer's re-check ran. Played here on the domain directly.
    dossier = submit(client, thematic_body(client, campaign_id))
    app = client.app.state.dossiers  # type: ignore[attr-defined]
    aggregate = app.get(dossier["id"])
    aggregate.defer_for_campaign(campaign=CampaignCheck(CampaignVerdict.UNKNOWN), actor=SYSTEM_ACTOR, at=clock())
    app.save(aggregate)
    assert status_of(client, dossier["id"]) == "AWAITING_CAMPAIGN"

    assert await eventually(lambda: status_of(client, dossier["id"]) == "IN_APPRAISAL", timeout=5)


async def test_a_waiting_dossier_is_judged_only_once_an_earlier_campaign_message_has_come_back_from_its_retry(
    jetstream: JetStreamContext, campaigns: CampaignsService, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race: the campaign's last event (its final review, which makes it eligible) fails once
    # and waits out its retry delay, while a later campaign message (another movement) is
    # processed with nothing pending after it. A re-check run then would judge the dossier on
    # the campaign without its final review and refuse it, for good.
    good, other = campaigns.eligible("PT-2024-E"), campaigns.unregistered("PT-2024-F")
    waiting = submit(client, thematic_body(client, good))["id"]
    assert ok(act(client, waiting, "completeness-check"))["status"] == "AWAITING_CAMPAIGN"

    failed: list[CampaignEvent] = []
    apply = handlers.apply_campaign_event

    def busy_once_on_the_final_review(conn: Any, event: CampaignEvent) -> bool:
        if event.campaign.campaign_id == good and event.aggregate_version == 4 and not failed:
            failed.append(event)
            raise sqlite3.OperationalError("database is locked")
        return apply(conn, event)

    monkeypatch.setattr(handlers, "apply_campaign_event", busy_once_on_the_final_review)
    assert await campaigns.publish() == 5
    await eventually(lambda: failed)
    await eventually(lambda: client.get(f"/campaigns/{other}").status_code == 200)

    await eventually(lambda: status_of(client, waiting) != "AWAITING_CAMPAIGN", timeout=15)
    assert status_of(client, waiting) == "IN_APPRAISAL", client.get(f"/dossiers/{waiting}").json()
