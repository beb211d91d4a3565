"""Campaigns as the use cases take them: actors, a complete thematic movement, and one launched."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from services.campaigns.application import Campaigns
from services.campaigns.domain.campaign import Campaign, DocumentReference, MovementKind, Target
from services.campaigns.http.bodies import DraftIn
from shared.actor import Actor

LEAD = Actor(id="nv.pkt", role="lead_unit_officer", unit="PKT")
SECRETARIAT = Actor(id="cv.pnv", role="council_secretariat", unit="PNV")
POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}

NTM: dict[str, Any] = {
    "code": "PT-2023-NTM",
    "name": "Toàn dân chung sức xây dựng Nông thôn mới",
    "lead_unit_id": "PKT",
    "kind": MovementKind.THEMATIC,
    "launching_level": "district",
    "actor": LEAD,
    "purpose": "Huy động cả hệ thống chính trị xây dựng nông thôn mới nâng cao.",
    "requirements": "Bám sát bộ tiêu chí nông thôn mới nâng cao của thành phố.",
    "content": "Xây dựng đường giao thông nông thôn, chỉnh trang khu dân cư.",
    "targets": [Target("Xã đạt chuẩn nông thôn mới nâng cao", Decimal(5), "xã")],
    "start_date": date(2023, 1, 15),
    "end_date": date(2023, 12, 31),
    "directive": DocumentReference("03/CT-UBND", date(2023, 1, 9), "Chủ tịch UBND huyện"),
    "plan": DocumentReference("15/KH-UBND", date(2023, 1, 12)),
}
REPORT = DocumentReference("120/BC-PKT", date(2023, 7, 10))


def draft_keywords(body: dict[str, Any]) -> dict[str, Any]:
    """A draft's JSON body (`tests.support.campaign_payloads`) as the typed keywords of
    `Campaigns.draft`, parsed the way the HTTP edge parses it."""
    return DraftIn.model_validate(body).command()


def campaign_app(**kwargs: Any) -> Campaigns:
    return Campaigns(env=POPO, **kwargs)


def launched(app: Campaigns, **overrides: Any) -> Campaign:
    campaign = app.draft(**{**NTM, **overrides})
    app.register(campaign.id, registration_number="05/ĐK-PNV", registered_on=date(2023, 1, 18), actor=SECRETARIAT)
    return app.launch(campaign.id, launched_on=date(2023, 1, 20), actor=LEAD)
