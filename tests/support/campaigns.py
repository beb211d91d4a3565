"""Campaigns as the use cases take them: actors, a complete thematic movement, and one launched."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.campaigns.application import Campaigns
from services.campaigns.domain.campaign import Campaign
from shared.actor import Actor

LEAD = Actor(id="nv.pkt", role="lead_unit_officer", unit="PKT")
SECRETARIAT = Actor(id="cv.pnv", role="council_secretariat", unit="PNV")
POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}

NTM: dict[str, Any] = {
    "code": "PT-2023-NTM",
    "name": "Toàn dân chung sức xây dựng Nông thôn mới",
    "lead_unit_id": "PKT",
    "kind": "thematic",
    "launching_level": "district",
    "actor": LEAD,
    "purpose": "Huy động cả hệ thống chính trị xây dựng nông thôn mới nâng cao.",
    "requirements": "Bám sát bộ tiêu chí nông thôn mới nâng cao của thành phố.",
    "content": "Xây dựng đường giao thông nông thôn, chỉnh trang khu dân cư.",
    "targets": [{"indicator": "Xã đạt chuẩn nông thôn mới nâng cao", "target_value": 5, "unit_of_measure": "xã"}],
    "start_date": date(2023, 1, 15),
    "end_date": date(2023, 12, 31),
    "directive": {"number": "03/CT-UBND", "issued_on": date(2023, 1, 9), "signer": "Chủ tịch UBND huyện"},
    "plan": {"number": "15/KH-UBND", "issued_on": date(2023, 1, 12)},
}
REPORT = {"number": "120/BC-PKT", "issued_on": date(2023, 7, 10)}


def campaign_app(**kwargs: Any) -> Campaigns:
    return Campaigns(env=POPO, **kwargs)


def launched(app: Campaigns, **overrides: Any) -> Campaign:
    campaign = app.draft(**{**NTM, **overrides})
    app.register(campaign.id, registration_number="05/ĐK-PNV", registered_on=date(2023, 1, 18), actor=SECRETARIAT)
    return app.launch(campaign.id, launched_on=date(2023, 1, 20), actor=LEAD)
