"""Request builders and actors for the dossiers HTTP tests (2024: rule set NĐ 98, district level)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from shared.workdays import VIETNAM_TZ

RECEIPT_MOMENT = datetime(2024, 6, 3, 9, 5, tzinfo=VIETNAM_TZ)
"""A Monday under rule set 2024-nd98; the appointment is 10 working days later, 17/06/2024."""
APPOINTMENT = date(2024, 6, 17)

CLERK = {"X-Actor-Id": "cb.motcua", "X-Actor-Role": "desk_clerk", "X-Actor-Unit": "VP-HDND-UBND"}
SECRETARY = {"X-Actor-Id": "cv.pnv", "X-Actor-Role": "council_secretariat", "X-Actor-Unit": "PNV"}
CHAIRMAN = {"X-Actor-Id": "ct.ubnd", "X-Actor-Role": "chairman", "X-Actor-Unit": "UBND-THANH-OAI"}
STEP_ACTORS = {"decision": CHAIRMAN, "rejection": CHAIRMAN, "annulment": CHAIRMAN, "withdrawal": CLERK}
UNIT = "XA-BICH-HOA"
AUTHORITY = "UBND-THANH-OAI"

ANNUAL = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION")
THEMATIC = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "MOVEMENT_PLAN", "MOVEMENT_REVIEW_REPORT")


class PinnedClock:
    """Starts at a chosen instant and runs at real speed: times grow (each step is later than
    the last, as the domain requires) while the date stays the pinned one."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.t0 = time.monotonic()
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return self.start + self.offset + timedelta(seconds=time.monotonic() - self.t0)

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)

    def today(self) -> date:
        return self().astimezone(VIETNAM_TZ).date()


def pdf(label: str) -> bytes:
    """A tiny file that starts like a PDF; distinct labels give distinct SHA-256s."""
    return b"%PDF-1.4\n% " + label.encode() + b"\n%%EOF\n"


def upload(client: TestClient, *kinds: str, prefix: str = "") -> list[dict[str, Any]]:
    files = [("files", (f"{prefix}{k.lower()}.pdf", pdf(prefix + k), "application/pdf")) for k in kinds]
    response = client.post("/attachments", files=files, data={"kind": list(kinds)}, headers=CLERK)
    assert response.status_code == 201, response.text
    return [{"name": f["name"], "kind": f["kind"], "sha256": f["sha256"]} for f in response.json()]


def individual(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "INDIVIDUAL",
        "name": "Nguyễn Thị Hương",
        "award": "ADVANCED_WORKER",
        "position": "Công chức Văn phòng – Thống kê",
        "unit": "UBND xã Bích Hòa",
        "gender": "FEMALE",
        "performance_rating": "GOOD",
        **overrides,
    }


def fighter(**overrides: Any) -> dict[str, Any]:
    return individual(
        name="Trần Văn Đức",
        gender="MALE",
        award="GRASSROOTS_EMULATION_FIGHTER",
        performance_rating="EXCELLENT",
        initiatives=[{"title": "Số hóa hồ sơ một cửa", "recognised_by": "Hội đồng sáng kiến huyện"}],
        **overrides,
    )


def collective(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "COLLECTIVE",
        "name": "Hội Nông dân xã Bích Hòa",
        "award": "CERTIFICATE_OF_MERIT",
        "size": 25,
        **overrides,
    }


def annual_body(client: TestClient, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "ONE_STOP_DESK",
        "proposing_unit": UNIT,
        "award_type": "MOVEMENT",
        "kind": "ANNUAL_TITLE",
        "emulation_year": 2023,
        "achievements": "Hoàn thành xuất sắc nhiệm vụ năm 2023.",
        "nominees": [individual(), fighter()],
        "attachments": upload(client, *ANNUAL),
    }
    body.update(overrides)
    return body


def thematic_body(client: TestClient, campaign_id: str, **overrides: Any) -> dict[str, Any]:
    return annual_body(
        client,
        kind="THEMATIC",
        campaign_id=campaign_id,
        nominees=[collective()],
        attachments=upload(client, *THEMATIC, prefix="ct-"),
        **overrides,
    )


def submit(client: TestClient, body: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    response = client.post("/dossiers", json=body or annual_body(client, **overrides), headers=CLERK)
    assert response.status_code == 201, response.text
    return response.json()


def act(
    client: TestClient,
    dossier_id: str,
    step: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """POST a step command on a dossier (by default the role the policy table lets take it:
    the chairman decides, the desk clerk withdraws, the secretariat does the rest)."""
    headers = headers or STEP_ACTORS.get(step, SECRETARY)
    return client.post(f"/dossiers/{dossier_id}/{step}", json=body or {}, headers=headers)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def in_appraisal(client: TestClient, **overrides: Any) -> dict[str, Any]:
    dossier = submit(client, **overrides)
    checked = ok(act(client, dossier["id"], "completeness-check"))
    assert checked["status"] == "IN_APPRAISAL", checked
    return checked


def appraised(client: TestClient, **overrides: Any) -> dict[str, Any]:
    """In appraisal, both nominees appraised, and the council voted 9/9 for the CSTĐCS."""
    dossier = in_appraisal(client, **overrides)
    ok(act(client, dossier["id"], "appraisal"))
    return ok(
        act(
            client,
            dossier["id"],
            "council-votes",
            {"nominee_id": "n2", "members_total": 9, "votes_for": 9, "votes_against": 0, "absent_in_writing": 1},
        )
    )


def decision_body(**overrides: Any) -> dict[str, Any]:
    return {"approve": ["n1", "n2"], "authority": AUTHORITY, "authority_level": "DISTRICT", **overrides}


def awarded(client: TestClient) -> dict[str, Any]:
    dossier = appraised(client)
    return ok(act(client, dossier["id"], "decision", decision_body(), CHAIRMAN))
