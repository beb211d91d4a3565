"""Request bodies for the campaigns API, shared by the end-to-end tests."""

from __future__ import annotations

from typing import Any

LEAD_UNIT = {"X-Actor-Id": "nv.phongkt", "X-Actor-Role": "lead_unit_clerk", "X-Actor-Unit": "PKT"}
SECRETARIAT = {"X-Actor-Id": "cv.phongnoivu", "X-Actor-Role": "council_secretariat", "X-Actor-Unit": "PNV"}


def thematic_campaign(code: str = "PT-2023-NTM", lead_unit: str = "PKT") -> dict[str, Any]:
    return {
        "code": code,
        "name": "Toàn dân chung sức xây dựng Nông thôn mới",
        "lead_unit_id": lead_unit,
        "kind": "thematic",
        "purpose": "Nâng cao đời sống vật chất và tinh thần của người dân nông thôn",
        "requirements": "Huy động sức mạnh của cả hệ thống chính trị và của người dân",
        "content": "Xây dựng hạ tầng, phát triển sản xuất, bảo vệ môi trường nông thôn",
        "targets": [{"indicator": "Xã đạt chuẩn nông thôn mới nâng cao", "target_value": 5, "unit_of_measure": "xã"}],
        "start_date": "2023-01-01",
        "end_date": "2023-12-31",
        "directive": {"number": "02/CT-UBND", "issued_on": "2023-01-05", "signer": "Chủ tịch UBND huyện"},
        "plan": {"number": "15/KH-UBND", "issued_on": "2023-01-12", "signer": "Chủ tịch UBND huyện"},
    }
