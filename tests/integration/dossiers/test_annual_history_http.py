"""The award history over HTTP on the running dossiers service (real NATS, SQLite): an ad hoc
dossier's nominee with an ID number is found by /award-history/search as proposed, decided, then
annulled; a second ordinary proposal of a one-a-year title is a 409 naming the first; past awards
come from the office's XLSX register (422 per row and column and nothing stored, unless the valid
rows are kept)."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from services.dossiers.annual.past_awards_import import write_past_awards_xlsx

from .payloads import AUTHORITY, CHAIRMAN, CLERK, SECRETARY, UNIT, annual_body, individual, submit, upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HUONG, MINH = "001090000201", "001090000202"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def history(client: TestClient, id_number: str) -> list[tuple[int, str, str, str | None]]:
    found = ok(client.post("/award-history/search", headers=SECRETARY, json={"id_number": id_number}))
    return [(a["year"], a["award"], a["status"], a["decision_number"]) for a in found["awards"]]


def test_an_ad_hoc_award_is_in_the_history_from_submission_to_annulment(client: TestClient) -> None:
    body = {
        "channel": "ONE_STOP_DESK", "proposing_unit": UNIT, "deciding_authority": AUTHORITY, "award_type": "AD_HOC",
        "kind": "AD_HOC", "feat_date": "2024-05-30", "achievements": "Dũng cảm cứu người bị đuối nước.",
        "nominees": [
            individual(award="CERTIFICATE_OF_MERIT", id_number=HUONG),
            individual(name="Lê Văn Không Số", award="CERTIFICATE_OF_MERIT"),
        ],
        "attachments": upload(client, "SUBMISSION_MEMO", "ACHIEVEMENT_SUMMARY"),
    }  # fmt: skip
    dossier = ok(client.post("/dossiers", json=body, headers=CLERK), 201)
    d = dossier["id"]
    assert history(client, HUONG) == [(2024, "CERTIFICATE_OF_MERIT", "PROPOSED", None)]
    per_nominee = ok(client.get(f"/dossiers/{d}/award-history", headers=SECRETARY))
    assert (
        per_nominee["n1"]["identified"]
        and per_nominee["n1"]["awards"][0]["receipt_number"] == dossier["receipt_number"]
    )
    assert per_nominee["n2"]["note"] == "Chưa có số định danh, không đối chiếu được lịch sử khen thưởng."

    ok(client.post(f"/dossiers/{d}/completeness-check", json={}, headers=CLERK))
    ok(client.post(f"/dossiers/{d}/council-checks", headers=SECRETARY, json={
        "confirmed": ["certificate_merit"], "meeting_date": "2024-06-03", "minutes_ref": "01/BB-HĐTĐKT",
    }))  # fmt: skip
    ok(client.post(f"/dossiers/{d}/appraisal", json={}, headers=SECRETARY))
    decided = ok(client.post(f"/dossiers/{d}/decision", headers=CHAIRMAN, json={
        "approve": ["n1", "n2"], "authority": AUTHORITY, "authority_level": "DISTRICT",
    }))  # fmt: skip
    number = decided["decision"]["number"]
    assert history(client, HUONG) == [(2024, "CERTIFICATE_OF_MERIT", "DECIDED", number)]

    ok(client.post(f"/dossiers/{d}/annulment", headers=CHAIRMAN, json={
        "ground": "b", "act_reference": "Kết luận thanh tra số 12/KL-TTr", "reason": "Không đúng thành tích",
    }))  # fmt: skip
    assert history(client, HUONG) == [(2024, "CERTIFICATE_OF_MERIT", "ANNULLED", number)]


def test_a_second_ordinary_proposal_of_the_same_title_is_409(client: TestClient) -> None:
    first = submit(client, nominees=[individual(id_number=MINH)])
    body = annual_body(client, nominees=[individual(id_number=MINH, name="Nguyễn T. Hương")], channel="ONLINE_PORTAL")
    second = client.post("/dossiers", headers=CLERK, json=body)
    assert second.status_code == 409, second.text
    assert second.json()["code"] == "already_proposed"
    assert f"hồ sơ số {first['receipt_number']}" in second.json()["detail"]
    assert [d["id"] for d in ok(client.get("/dossiers", headers=SECRETARY))] == [first["id"]]


def test_past_awards_from_an_xlsx_register(client: TestClient) -> None:
    template = client.get("/award-history/imports/template.xlsx", headers=SECRETARY)
    assert template.status_code == 200 and template.headers["content-type"] == XLSX
    header = next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert header == ("STT", "Họ và tên", "Số CCCD / Mã định danh", "Đơn vị", "Danh hiệu / Hình thức", "Năm",
                      "Số quyết định", "Ngày quyết định")  # fmt: skip

    rows = [
        {"name": "Trần Văn Minh", "id": MINH, "unit": "THCS Kim Bài", "award": "CSTĐCS", "year": 2021,
         "decision_number": "15/QĐ-UBND", "decision_date": "20/12/2021"},
        {"name": "Trần Văn Minh", "id": MINH, "unit": "THCS Kim Bài", "award": "Chiến sĩ thi đua cơ sở",
         "year": 2022, "decision_number": "9/QĐ-UBND", "decision_date": "2022-12-15"},
        {"name": "Sai số", "id": "12345", "unit": "THCS", "award": "LĐTT", "year": 2022},
        {"name": "Sai năm", "id": HUONG, "unit": "THCS", "award": "LĐTT", "year": 2031},
        {"name": "Trần Văn Minh", "id": MINH, "unit": "THCS", "award": "CSTĐCS", "year": 2022},
    ]  # fmt: skip
    form = {"source_ref": "Sổ khen thưởng huyện 2021–2022"}
    file = {"file": ("so-khen-thuong.xlsx", write_past_awards_xlsx(rows), XLSX)}
    refused = client.post("/award-history/imports/xlsx", headers=SECRETARY, data=form, files=file)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == {
        "rows[4].Số CCCD / Mã định danh": "Số CCCD phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ); "
        "mã cá nhân có dạng P-….",
        "rows[5].Năm": "Năm phải là số từ 1945 đến 2024.",
        "rows[6].Danh hiệu / Hình thức": "Trùng với dòng 3: cùng người, cùng danh hiệu, cùng năm.",
    }
    assert history(client, MINH) == []

    kept = ok(client.post("/award-history/imports/xlsx", headers=SECRETARY, data={**form, "keep_valid_rows": "true"},
                          files=file))  # fmt: skip
    assert kept["imported"] == 2 and kept["import"]["rows_with_errors"] == 3
    assert history(client, MINH) == [
        (2021, "GRASSROOTS_EMULATION_FIGHTER", "DECIDED", "15/QĐ-UBND"),
        (2022, "GRASSROOTS_EMULATION_FIGHTER", "DECIDED", "9/QĐ-UBND"),
    ]
