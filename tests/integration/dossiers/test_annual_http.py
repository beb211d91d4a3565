"""The year's workload over HTTP on the running dossiers service (real NATS): the council, a round
whose XLSX list has bad rows (422 per row and column, nothing stored; then the valid rows kept),
the list vote, one decision with its annex, the award history, the year's report, and the events
on the stream matching their JSON Schemas."""

from __future__ import annotations

import asyncio
import io
import json

import jsonschema
from fastapi.testclient import TestClient
from nats.js.client import JetStreamContext
from openpyxl import load_workbook

from services.dossiers.annual.nominee_import import write_xlsx
from shared.contracts.schemas import contract_schemas
from shared.streams import DOSSIERS
from shared.testing.jetstream import stream_messages

from .payloads import ANNUAL, AUTHORITY, CHAIRMAN, SECRETARY, PinnedClock, upload
from .test_dossiers_documents_http import docx_text

PEOPLE = [
    {"name": "Nguyễn Thị Hương", "id_number": "001090000001", "gender": "Nữ", "position": "Giáo viên",
     "unit": "THCS Kim Bài", "award": "LĐTT", "rating": "Hoàn thành tốt nhiệm vụ"},
    {"name": "Trần Văn Minh", "id_number": "001090000002", "gender": "Nam", "position": "Tổ trưởng",
     "unit": "THCS Kim Bài", "award": "CSTĐCS", "rating": "Hoàn thành xuất sắc nhiệm vụ",
     "initiative": "Sổ điểm điện tử"},
    {"name": "Dòng lỗi", "id_number": "12345", "gender": "Nam", "position": "CV", "unit": "THCS", "award": "LĐTT"},
]  # fmt: skip
MEMBERS = [{"member_id": f"m{i}", "name": f"Thành viên {i}", "role": "MEMBER"} for i in range(2, 6)]


def ok(response: object, status: int = 200) -> dict:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    return response.json()  # type: ignore[attr-defined]


async def test_a_round_over_http_publishes_its_events(
    jetstream: JetStreamContext, client: TestClient, clock: PinnedClock
) -> None:
    ok(client.post("/councils", headers=SECRETARY, json={
        "authority": AUTHORITY, "name": "Hội đồng Thi đua – Khen thưởng huyện", "term_from": "2024-01-01",
        "members": [{"member_id": "m1", "name": "Chủ tịch", "role": "CHAIRMAN"}, *MEMBERS], "decision_ref": "1/QĐ-UBND",
    }), 201)  # fmt: skip
    ok(client.post("/registrations", headers=SECRETARY, json={
        "unit": "THCS-KIM-BAI", "year": 2024, "targets": {"ADVANCED_WORKER": 5, "GRASSROOTS_EMULATION_FIGHTER": 1},
        "registered_on": "2024-01-10",
    }))  # fmt: skip
    rnd = ok(client.post("/rounds", headers=SECRETARY, json={
        "authority": AUTHORITY, "year": 2024, "name": "Tổng kết năm 2024", "units": ["THCS-KIM-BAI", "XA-BICH-HOA"],
        "awards": ["ADVANCED_WORKER", "GRASSROOTS_EMULATION_FIGHTER"], "submission_deadline": "2024-06-30",
    }), 201)  # fmt: skip
    files = json.dumps(upload(client, *ANNUAL))
    form = {"unit": "THCS-KIM-BAI", "achievements": "Hoàn thành xuất sắc nhiệm vụ.", "attachments": files}
    xlsx = ("ds.xlsx", write_xlsx(PEOPLE), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    refused = client.post(f"/rounds/{rnd['round_id']}/imports", headers=SECRETARY, data=form, files={"file": xlsx})
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == {"rows[4].Số CCCD": "Số CCCD phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ)."}
    assert ok(client.get(f"/rounds/{rnd['round_id']}"))["by_status"] == {"NOT_SUBMITTED": 2}

    kept = ok(client.post(
        f"/rounds/{rnd['round_id']}/imports", headers=SECRETARY, data={**form, "keep_valid_rows": "true"},
        files={"file": xlsx},
    ), 201)  # fmt: skip
    assert kept["nominees"] == 2 and kept["flags"] == []
    assert ok(client.post(f"/rounds/{rnd['round_id']}/appraisal", headers=SECRETARY))["passed"] == 2
    vote = ok(client.post(f"/rounds/{rnd['round_id']}/votes", headers=SECRETARY, json={
        "meeting_date": clock.today().isoformat(), "minutes_ref": "3/BB-HĐ", "present": ["m1", "m2", "m3", "m4"],
        "written": ["m5"],
    }))  # fmt: skip
    assert vote["meeting"]["members_total"] == 5 and vote["passed"] == 1
    decision = ok(client.post(
        f"/rounds/{rnd['round_id']}/decision", headers=CHAIRMAN, json={"decision_date": clock.today().isoformat()}
    ))  # fmt: skip
    assert decision["awarded"] == 2
    annex = client.get(f"/rounds/{rnd['round_id']}/annex", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(annex.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Nguyễn Thị Hương", "Trần Văn Minh"]

    word = client.get(f"/rounds/{rnd['round_id']}/decision.docx")
    assert word.status_code == 200, word.text
    text = "\n".join(docx_text(word.content))
    assert f"Số: {decision['decision_number']}" in text
    assert "Nguyễn Thị Hương" in text and "Trần Văn Minh" in text and "02 cá nhân của 01 cơ quan, đơn vị" in text

    history = ok(client.post("/award-history/search", headers=SECRETARY, json={"id_number": "001090000002"}))
    assert [(a["award"], a["status"], a["decision_number"]) for a in history["awards"]] == [
        ("GRASSROOTS_EMULATION_FIGHTER", "DECIDED", decision["decision_number"])
    ]
    report = ok(client.get("/annual-reports/2024"))
    assert {(r["award"], r["decided"], r["reached"]) for r in report["registrations_against_results"]} == {
        ("ADVANCED_WORKER", 1, False),
        ("GRASSROOTS_EMULATION_FIGHTER", 1, True),
    }
    assert report["rounds"][0]["by_status"] == {"DECIDED": 1, "NOT_SUBMITTED": 1}

    async def annual_messages() -> list:
        return [m for m in await stream_messages(jetstream, DOSSIERS.name) if m.subject.count(".") == 3]

    for _ in range(200):
        if any(m.subject == "tdkt.award.history.outcome_recorded" for m in await annual_messages()):
            break
        await asyncio.sleep(0.05)
    schemas = contract_schemas()
    subjects = set()
    for message in await annual_messages():
        payload = json.loads(message.data)
        jsonschema.validate(payload, schemas[(message.subject, payload["schema_version"])])
        assert "001090000002" not in message.data.decode()
        subjects.add(message.subject)
    assert {
        "tdkt.award.council.constituted", "tdkt.award.pledge.registered", "tdkt.award.round.opened",
        "tdkt.award.round.unit_submitted", "tdkt.award.history.proposed", "tdkt.award.council.meeting_held",
        "tdkt.award.round.list_voted", "tdkt.award.round.list_decided", "tdkt.award.history.outcome_recorded",
    } <= subjects  # fmt: skip


def test_clusters_and_the_council_over_http_answer_in_vietnamese(client: TestClient) -> None:
    assert client.get("/clusters/CUM-9/2024").status_code == 404
    assert "Không tìm thấy cụm" in client.get("/clusters/CUM-9/2024").json()["detail"]
    ok(client.post("/clusters", headers=SECRETARY, json={
        "code": "CUM-1", "year": 2024, "name": "Cụm thi đua số 1", "kind": "CLUSTER",
        "members": ["XA-A", "XA-B", "XA-C"], "leading_unit": "XA-A", "deputy_unit": "XA-B",
    }), 201)  # fmt: skip
    criteria = [
        {"key": "k1", "text": "Nhiệm vụ chính trị", "max_points": 60},
        {"key": "k2", "text": "Phong trào", "max_points": 40},
    ]
    ok(
        client.post(
            "/clusters/CUM-1/2024/pact", headers=SECRETARY, json={"signed_on": "2024-02-01", "criteria": criteria}
        )
    )
    over = client.post(
        "/clusters/CUM-1/2024/scores", headers=SECRETARY, json={"unit": "XA-A", "points": {"k1": 61, "k2": 1}}
    )
    assert over.status_code == 422 and over.json()["errors"] == {"points.k1": "Điểm phải từ 0 đến 60."}
    for unit, points in {
        "XA-A": {"k1": 50, "k2": 30},
        "XA-B": {"k1": 55, "k2": 35},
        "XA-C": {"k1": 50, "k2": 30},
    }.items():
        ok(client.post("/clusters/CUM-1/2024/scores", headers=SECRETARY, json={"unit": unit, "points": points}))
    skipped = client.post(
        "/clusters/CUM-1/2024/proposals", headers=SECRETARY, json={"award": "COMMENDATION", "units": ["XA-C"]}
    )
    assert skipped.status_code == 409 and "XA-B" in skipped.json()["detail"]
    cluster = ok(
        client.post(
            "/clusters/CUM-1/2024/proposals", headers=SECRETARY, json={"award": "EMULATION_FLAG", "units": ["XA-B"]}
        )
    )
    assert [(r["rank"], r["unit"], r["total"]) for r in cluster["ranking"]] == [
        (1, "XA-B", "90"),
        (2, "XA-A", "80"),
        (2, "XA-C", "80"),
    ]

    ok(client.post("/councils", headers=SECRETARY, json={
        "authority": AUTHORITY, "name": "Hội đồng", "term_from": "2024-01-01", "decision_ref": "1/QĐ-UBND",
        "members": [{"member_id": "m1", "name": "Chủ tịch", "role": "CHAIRMAN"}, *MEMBERS],
    }), 201)  # fmt: skip
    again = client.post("/councils", headers=SECRETARY, json={
        "authority": AUTHORITY, "name": "Hội đồng", "term_from": "2024-01-01", "decision_ref": "2/QĐ-UBND",
        "members": MEMBERS,
    })  # fmt: skip
    assert again.status_code == 409 and "đã có Hội đồng" in again.json()["detail"]
    release = {"last_day": "2024-03-31", "decision_ref": "5/QĐ-UBND", "reason": "Chuyển công tác"}
    ok(client.post(f"/councils/{AUTHORITY}/members/m5/release", headers=SECRETARY, json=release))
    ok(client.post(f"/councils/{AUTHORITY}/members", headers=SECRETARY, json={
        "member": {"member_id": "m6", "name": "Thành viên mới", "role": "MEMBER"}, "on": "2024-05-01",
        "decision_ref": "6/QĐ-UBND",
    }))  # fmt: skip
    on = {d: len(ok(client.get(f"/councils/{AUTHORITY}", params={"on": d}))["members_on"])
          for d in ("2024-03-31", "2024-04-15", "2024-05-01")}  # fmt: skip
    assert on == {"2024-03-31": 5, "2024-04-15": 4, "2024-05-01": 5}


def test_a_commune_clerk_cannot_submit_or_register_for_another_commune(client: TestClient) -> None:
    """Issue #12: a clerk acts only within its unit's reach, for year-end lists and registrations too."""
    clerk = {"X-Actor-Id": "cb.xa", "X-Actor-Role": "desk_clerk", "X-Actor-Unit": "XA-THANH-OAI-2025"}
    rnd = ok(client.post("/rounds", headers=SECRETARY, json={
        "authority": AUTHORITY, "year": 2024, "name": "Tổng kết năm 2024", "units": ["XA-BICH-HOA"],
        "awards": ["ADVANCED_WORKER"], "submission_deadline": "2024-06-30",
    }), 201)  # fmt: skip
    form = {"unit": "XA-BICH-HOA", "achievements": "Hoàn thành xuất sắc nhiệm vụ.", "attachments": "[]"}
    xlsx = ("ds.xlsx", write_xlsx(PEOPLE[:1]), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    upload_refused = client.post(f"/rounds/{rnd['round_id']}/imports", headers=clerk, data=form, files={"file": xlsx})
    assert upload_refused.status_code == 403 and "ngoài phạm vi" in upload_refused.json()["detail"]
    registration = {
        "unit": "XA-BICH-HOA",
        "year": 2024,
        "targets": {"ADVANCED_WORKER": 5},
        "registered_on": "2024-01-10",
    }
    refused = client.post("/registrations", headers=clerk, json=registration)
    assert refused.status_code == 403 and "ngoài phạm vi" in refused.json()["detail"]
    assert ok(client.get(f"/rounds/{rnd['round_id']}"))["by_status"] == {"NOT_SUBMITTED": 1}
    assert client.get("/registrations/XA-BICH-HOA/2024").status_code == 404
