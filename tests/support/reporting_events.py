"""Small builders of published events for the projection's unit tests (contract classes only)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.contracts import campaigns as cc
from shared.contracts import dossiers as dc
from shared.contracts.base import ActorInfo, EventContract

ACTOR = ActorInfo(id="cv.pnv", role="council_secretariat", unit="PNV")
AT = datetime(2023, 3, 10, 2, 0, tzinfo=UTC)


def campaign_snapshot(**overrides: Any) -> cc.CampaignSnapshot:
    fields: dict[str, Any] = {
        "campaign_id": "c-1",
        "code": "PT-NTM",
        "name": "Toàn dân chung sức xây dựng nông thôn mới",
        "kind": "thematic",
        "status": "registered",
        "lead_unit": cc.UnitInfo(code="PKT", name="Phòng Kinh tế"),
        "launching_level": "district",
        "start_date": date(2023, 1, 1),
        "end_date": date(2023, 12, 31),
        "registration_number": "01/ĐK-PNV",
        "registered_on": date(2023, 1, 20),
        "review_due_on": date(2024, 1, 30),
        "eligibility": cc.EligibilityInfo(
            eligible=False, reasons=[cc.EligibilityReasonInfo(code="no_review", message="Chưa có báo cáo")]
        ),
    }
    fields.update(overrides)
    return cc.CampaignSnapshot(**fields)


def campaign_event(
    contract: type[cc.CampaignEvent],
    version: int,
    *,
    event_id: str | None = None,
    at: datetime = AT,
    snapshot: dict[str, Any] | None = None,
    **fields: Any,
) -> cc.CampaignEvent:
    campaign = campaign_snapshot(**(snapshot or {}))
    return contract(
        event_id=event_id or f"campaigns-{campaign.campaign_id}-{version}",
        source="/services/campaigns",
        occurred_at=at,
        actor=ACTOR,
        aggregate_id=campaign.campaign_id,
        aggregate_version=version,
        campaign=campaign,
        **fields,
    )


def nominee(nominee_id: str = "n1", **overrides: Any) -> dc.NomineeInfo:
    fields: dict[str, Any] = {
        "nominee_id": nominee_id,
        "kind": "INDIVIDUAL",
        "name": "Nguyễn Văn An",
        "award": "ADVANCED_WORKER",
        "unit": "XA-BICH-HOA",
        "is_direct_worker": True,
    }
    fields.update(overrides)
    return dc.NomineeInfo(**fields)


def dossier_snapshot(**overrides: Any) -> dc.DossierSnapshot:
    fields: dict[str, Any] = {
        "dossier_id": "d-1",
        "receipt_number": "HS-0001",
        "status": "RECEIVED",
        "channel": "ONE_STOP_DESK",
        "proposing_unit": dc.UnitInfo(code="XA-BICH-HOA", name="Xã Bích Hòa"),
        "award_type": "MOVEMENT",
        "kind": "ANNUAL_TITLE",
        "procedure": "NORMAL",
        "campaign_id": "c-1",
        "emulation_year": 2023,
        "rule_set_id": "2023-nd91",
        "received_on": date(2023, 3, 10),
        "appointment_date": date(2023, 3, 24),
        "nominees": [nominee("n1"), nominee("n2", kind="COLLECTIVE", award="ADVANCED_COLLECTIVE", size=8)],
    }
    fields.update(overrides)
    return dc.DossierSnapshot(**fields)


def dossier_event(
    contract: type[dc.DossierEvent],
    version: int,
    *,
    event_id: str | None = None,
    at: datetime = AT,
    snapshot: dict[str, Any] | None = None,
    **fields: Any,
) -> dc.DossierEvent:
    dossier = dossier_snapshot(**(snapshot or {}))
    return contract(
        event_id=event_id or f"dossiers-{dossier.dossier_id}-{version}",
        source="/services/dossiers",
        occurred_at=at,
        actor=ACTOR,
        aggregate_id=dossier.dossier_id,
        aggregate_version=version,
        dossier=dossier,
        **fields,
    )


def approval(nominee_id: str, award: str, cash: int | None, multiplier: str | None = "0.3") -> dc.ApprovalInfo:
    return dc.ApprovalInfo(
        nominee_id=nominee_id, award=award, multiplier=multiplier, base_salary_vnd=1_800_000, cash_reward_vnd=cash
    )


def as_message(event: EventContract) -> tuple[str, dict[str, Any]]:
    return event.subject, event.payload()
