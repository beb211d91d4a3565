"""The campaign view and its handler on a real SQLite database, without a broker: the highest
version wins whatever the arrival order, and a redelivered event changes nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from services.dossiers.application import Dossiers
from services.dossiers.awaiting import CampaignRecheck
from services.dossiers.campaign_table import CampaignTable, create_tables
from services.dossiers.handlers import handle_campaign_event
from services.dossiers.recheck_schedule import RecheckScheduler
from shared.messaging import idempotence
from shared.messaging.consumer import Delivery
from shared.sqlstore import make_engine
from tests.support.contracts import campaign_payload
from tests.support.dossiers import SECRETARY, THEMATIC, at, attachments, collective, submission

from .payloads import RECEIPT_MOMENT, PinnedClock

CAMPAIGN = "5e0b3c3a-7f4e-4d5f-9a51-0c6c1a2b3d4e"


def campaign_event(version: int, *, eligible: bool, status: str = "registered") -> dict[str, Any]:
    return campaign_payload(
        {
            "campaign_id": CAMPAIGN,
            "code": "PT-2024-CDS",
            "name": "Chuyển đổi số trong cơ quan hành chính",
            "kind": "thematic",
            "status": status,
            "lead_unit": {"code": "PVHTT", "name": "Phòng Văn hóa và Thông tin"},
            "eligibility": {
                "eligible": eligible,
                "reasons": [] if eligible else [{"code": "no_review", "message": "Chưa có báo cáo tổng kết."}],
            },
        },
        version,
        event_id=f"campaigns-{version}",
    )


def delivery(version: int, pending: int | None = 0) -> Delivery:
    return Delivery("tdkt.campaign.registered", f"campaigns-{version}", "TDKT_CAMPAIGNS", version, 1, {}, pending)


def setup(tmp_path: Path, *, consumer_caught_up: bool = True) -> tuple[Any, CampaignTable, Dossiers, RecheckScheduler]:
    engine = make_engine(f"sqlite:///{tmp_path / 'views.sqlite'}")
    idempotence.create_tables(engine)
    create_tables(engine)
    view = CampaignTable(engine)
    app = Dossiers(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.sqlite")},
        campaign_lookup=view.lookup,
    )

    async def caught_up() -> bool:  # what the server would say of the durable consumer
        return consumer_caught_up

    scheduler = RecheckScheduler(
        CampaignRecheck(app, PinnedClock(RECEIPT_MOMENT)),
        settle_seconds=0,
        sweep_seconds=0,
        consumer_caught_up=caught_up,
    )
    return engine, view, app, scheduler


def test_the_highest_version_wins_whatever_the_order(tmp_path: Path) -> None:
    engine, view, _, scheduler = setup(tmp_path)
    assert handle_campaign_event(engine, scheduler, campaign_event(3, eligible=True), delivery(3)) is True
    assert handle_campaign_event(engine, scheduler, campaign_event(1, eligible=False), delivery(1)) is True
    found = view.lookup(CAMPAIGN.upper())
    assert found is not None and found.version == 3 and found.eligible is True


def test_a_redelivered_campaign_event_changes_nothing(tmp_path: Path) -> None:
    engine, view, app, scheduler = setup(tmp_path)
    dossier = app.submit(
        at=at(RECEIPT_MOMENT.date()),
        **submission(
            kind="THEMATIC", campaign_id=CAMPAIGN, nominees=[collective()], attachments=attachments(*THEMATIC)
        ),
    )
    app.check_completeness(dossier.id, actor=SECRETARY, at=at(RECEIPT_MOMENT.date(), 10))
    assert app.get(dossier.id).status == "AWAITING_CAMPAIGN"

    event = campaign_event(2, eligible=False)
    assert handle_campaign_event(engine, scheduler, event, delivery(2)) is True
    assert asyncio.run(scheduler.tick()) is True
    refused = app.get(dossier.id)
    assert refused.status == "REFUSED"
    assert refused.refusal_reasons == (
        "Không đủ điều kiện khen thưởng chuyên đề theo Công văn số 147 (2023): Chưa có báo cáo tổng kết.",
    )

    assert handle_campaign_event(engine, scheduler, event, delivery(2)) is False  # redelivered
    assert asyncio.run(scheduler.tick()) is True  # the re-check runs again, and finds nothing to do
    assert app.get(dossier.id).version == refused.version
    assert view.lookup(CAMPAIGN).version == 2  # type: ignore[union-attr]


def test_no_recheck_runs_while_the_consumer_has_campaign_messages_pending(tmp_path: Path) -> None:
    engine, _, app, scheduler = setup(tmp_path, consumer_caught_up=False)
    dossier = app.submit(
        at=at(RECEIPT_MOMENT.date()),
        **submission(
            kind="THEMATIC", campaign_id=CAMPAIGN, nominees=[collective()], attachments=attachments(*THEMATIC)
        ),
    )
    app.check_completeness(dossier.id, actor=SECRETARY, at=at(RECEIPT_MOMENT.date(), 10))
    handle_campaign_event(engine, scheduler, campaign_event(1, eligible=False), delivery(1, pending=3))
    assert asyncio.run(scheduler.tick()) is False
    assert app.get(dossier.id).status == "AWAITING_CAMPAIGN"
