"""The demo dossiers of the documents tests: an ad hoc Giấy khen of xã Thanh Oai in 2025 (one
person, one collective), and a khen cao dossier (a Bằng khen and a CSTĐ cấp tỉnh) the commune
forwards upward. Built over HTTP, as a clerk, the council and the chairman would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient

from shared.workdays import VIETNAM_TZ

from .payloads import ok

DEMO_MOMENT = datetime(2025, 9, 3, 9, 5, tzinfo=VIETNAM_TZ)
"""A Wednesday under rule set 2025-nd152: the commune decides."""
COMMUNE = "XA-THANH-OAI-2025"
DESK = {"X-Actor-Id": "cb.motcua", "X-Actor-Role": "desk_clerk", "X-Actor-Unit": COMMUNE}
CHAIR = {"X-Actor-Id": "ct.ubnd", "X-Actor-Role": "chairman", "X-Actor-Unit": COMMUNE}
SECRETARIAT = {"X-Actor-Id": "vp.thongke", "X-Actor-Role": "council_secretariat", "X-Actor-Unit": COMMUNE}


def _upload(client: TestClient, files: list[tuple[str, str, bytes]]) -> list[dict[str, Any]]:
    response = client.post(
        "/attachments",
        files=[("files", (name, data, "application/octet-stream")) for name, _, data in files],
        data={"kind": [kind for _, kind, _ in files]},
        headers=DESK,
    )
    assert response.status_code == 201, response.text
    return [{"name": f["name"], "kind": f["kind"], "sha256": f["sha256"]} for f in response.json()]


def tiny_pdf(label: str) -> bytes:
    return b"%PDF-1.4\n% " + label.encode() + b"\n%%EOF\n"


def ad_hoc_awarded(client: TestClient) -> dict[str, Any]:
    """Received, checked, the council's record, appraised and decided: decision N/QĐ-UBND."""
    dossier = ad_hoc_appraised(client)
    return ok(client.post(f"/dossiers/{dossier['id']}/decision", json={"approve": ["n1", "n2"]}, headers=CHAIR))


def ad_hoc_appraised(client: TestClient) -> dict[str, Any]:
    """Received, checked, the council's record and appraised: ready for the chairman."""
    attachments = _upload(
        client,
        [
            ("to-trinh.pdf", "SUBMISSION_MEMO", tiny_pdf("to trinh")),
            ("tom-tat.pdf", "ACHIEVEMENT_SUMMARY", tiny_pdf("tt")),
        ],
    )
    body = {
        "channel": "ONE_STOP_DESK",
        "proposing_unit": COMMUNE,
        "deciding_authority": COMMUNE,
        "award_type": "AD_HOC",
        "kind": "AD_HOC",
        "feat_date": "2025-08-30",
        "achievements": "Dũng cảm cứu người bị đuối nước tại sông Đáy",
        "nominees": [
            {
                "kind": "INDIVIDUAL",
                "name": "Nguyễn Văn Hùng",
                "award": "CERTIFICATE_OF_MERIT",
                "position": "Dân quân thường trực",
                "unit": "UBND xã Thanh Oai",
                "gender": "MALE",
            },
            {"kind": "COLLECTIVE", "name": "Tổ dân quân thôn Kim Lâm", "award": "CERTIFICATE_OF_MERIT", "size": 12},
        ],
        "attachments": attachments,
    }
    response = client.post("/dossiers", json=body, headers=DESK)
    assert response.status_code == 201, response.text
    dossier_id = response.json()["id"]
    ok(client.post(f"/dossiers/{dossier_id}/completeness-check", json={}, headers=DESK))
    ok(
        client.post(
            f"/dossiers/{dossier_id}/council-checks",
            json={"confirmed": ["certificate_merit"], "meeting_date": "2025-09-03", "minutes_ref": "01/BB-HĐTĐKT"},
            headers=SECRETARIAT,
        )
    )
    return ok(client.post(f"/dossiers/{dossier_id}/appraisal", json={}, headers=SECRETARIAT))


def higher_level_voted(client: TestClient, *, word_memo: bytes | None = None) -> dict[str, Any]:
    """A khen cao dossier, checked, with the council's record and vote, appraised: ready to forward."""
    files = [
        ("to-trinh-thon.pdf", "SUBMISSION_MEMO", tiny_pdf("to trinh thon")),
        ("bao-cao-thanh-tich.pdf", "ACHIEVEMENT_REPORT", tiny_pdf("bao cao")),
        ("bien-ban-binh-xet.pdf", "REVIEW_MINUTES", tiny_pdf("bien ban")),
        ("bien-ban-kiem-phieu.pdf", "BALLOT_RESULT", tiny_pdf("kiem phieu")),
        ("chung-nhan-sang-kien.pdf", "INITIATIVE_CERTIFICATION", tiny_pdf("sang kien")),
    ]
    if word_memo is not None:
        files.append(("bao-cao-thanh-tich.docx", "ACHIEVEMENT_REPORT", word_memo))
    body = {
        "channel": "ONE_STOP_DESK",
        "proposing_unit": COMMUNE,
        "deciding_authority": COMMUNE,
        "award_type": "MERIT",
        "kind": "HIGHER_LEVEL",
        "emulation_year": 2025,
        "achievements": "Có thành tích xuất sắc trong chuyển đổi số ở cơ sở giai đoạn 2023–2025",
        "nominees": [
            {
                "kind": "INDIVIDUAL",
                "name": "Lê Thị Mai",
                "award": "PROVINCIAL_EMULATION_FIGHTER",
                "position": "Công chức Văn phòng – Thống kê",
                "unit": "UBND xã Thanh Oai",
                "gender": "FEMALE",
            },
            {"kind": "COLLECTIVE", "name": "Bộ phận Một cửa xã Thanh Oai", "award": "COMMENDATION", "size": 8},
        ],
        "attachments": _upload(client, files),
    }
    response = client.post("/dossiers", json=body, headers=DESK)
    assert response.status_code == 201, response.text
    dossier_id = response.json()["id"]
    checked = ok(client.post(f"/dossiers/{dossier_id}/completeness-check", json={}, headers=DESK))
    assert checked["status"] == "IN_APPRAISAL", checked
    for nominee, keys in (
        ("n1", ["three_grassroots_fighter_terms", "province_wide_initiative"]),
        ("n2", ["commendation_merit"]),
    ):
        ok(
            client.post(
                f"/dossiers/{dossier_id}/council-checks",
                json={
                    "nominee_ids": [nominee],
                    "confirmed": keys,
                    "meeting_date": "2025-09-03",
                    "minutes_ref": "02/BB-HĐTĐKT",
                },
                headers=SECRETARIAT,
            )
        )
    for nominee, votes in (("n1", 10), ("n2", 9)):
        ok(
            client.post(
                f"/dossiers/{dossier_id}/council-votes",
                json={
                    "nominee_id": nominee,
                    "members_total": 10,
                    "votes_for": votes,
                    "votes_against": 10 - votes,
                    "absent_in_writing": 1,
                    "meeting_date": "2025-09-03",
                },
                headers=SECRETARIAT,
            )
        )
    return ok(client.post(f"/dossiers/{dossier_id}/appraisal", json={}, headers=SECRETARIAT))
