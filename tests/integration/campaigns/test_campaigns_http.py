"""Every endpoint of the campaigns API, and every error a clerk can meet, over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.campaign_payloads import LEAD_UNIT, SECRETARIAT, thematic_campaign

REVIEW = {
    "report": {"number": "120/BC-UBND", "issued_on": "2024-01-05", "signer": "Trưởng phòng Kinh tế"},
    "summary": "Tổng kết năm 2023: 6 xã đạt chuẩn nông thôn mới nâng cao, vượt chỉ tiêu.",
    "filed_on": "2024-01-05",
    "results": [{"indicator": "Xã đạt chuẩn nông thôn mới nâng cao", "achieved_value": 6}],
    "proposed_collectives": 3,
    "proposed_individuals": 7,
}


def draft(client: TestClient, **overrides: Any) -> dict[str, Any]:
    body = {**thematic_campaign(), **overrides}
    lead_unit = {**LEAD_UNIT, "X-Actor-Unit": body["lead_unit_id"]}  # a lead unit drafts its own movements
    response = client.post("/campaigns", json=body, headers=lead_unit)
    assert response.status_code == 201, response.text
    return response.json()


def act(client: TestClient, campaign_id: str, path: str, body: dict[str, Any], headers=SECRETARIAT) -> Any:  # type: ignore[no-untyped-def]
    return client.post(f"/campaigns/{campaign_id}/{path}", json=body, headers=headers)


def launched(client: TestClient) -> str:
    campaign_id = draft(client)["id"]
    assert (
        act(
            client, campaign_id, "registration", {"registration_number": "05/ĐK-PNV", "registered_on": "2023-01-20"}
        ).status_code
        == 200
    )
    assert act(client, campaign_id, "launch", {"launched_on": "2023-01-25"}, LEAD_UNIT).status_code == 200
    return campaign_id


def test_draft_returns_the_campaign_with_its_actor_and_eligibility(campaigns_client: TestClient) -> None:
    created = draft(campaigns_client)
    assert created["status"] == "draft"
    assert created["lead_unit_id"] == "PKT"
    assert created["drafted_by"] == {"id": "nv.phongkt", "role": "lead_unit_clerk", "unit": "PKT"}
    assert [r["code"] for r in created["eligibility"]["reasons"]] == ["not_registered", "no_review"]


def test_command_without_actor_headers_is_401_in_vietnamese(campaigns_client: TestClient) -> None:
    response = campaigns_client.post("/campaigns", json=thematic_campaign())
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "X-Actor-Id" in response.json()["detail"]


def test_invalid_fields_are_422_with_a_message_per_field_and_nothing_stored(campaigns_client: TestClient) -> None:
    body = {
        **thematic_campaign(),
        "name": "",
        "lead_unit_id": "KHONG-CO",
        "kind": "hang-ngay",
        "end_date": "2022-01-01",
    }
    response = campaigns_client.post("/campaigns", json=body, headers=LEAD_UNIT)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["name"] == "Tên phong trào không được để trống."
    assert errors["lead_unit_id"] == "Không tìm thấy đơn vị có mã «KHONG-CO»."
    assert "Loại phong trào không hợp lệ" in errors["kind"]
    assert "end_date" in errors
    assert campaigns_client.get("/campaigns").json() == []


def test_malformed_date_is_422_in_vietnamese(campaigns_client: TestClient) -> None:
    response = campaigns_client.post(
        "/campaigns", json={**thematic_campaign(), "start_date": "2023-13-01"}, headers=LEAD_UNIT
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"start_date": "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD."}


def test_second_campaign_with_the_same_code_is_409(campaigns_client: TestClient) -> None:
    draft(campaigns_client)
    response = campaigns_client.post("/campaigns", json=thematic_campaign(), headers=LEAD_UNIT)
    assert response.status_code == 409


def test_search_finds_campaigns_with_or_without_diacritics_and_by_filters(campaigns_client: TestClient) -> None:
    draft(campaigns_client)
    draft(
        campaigns_client,
        code="PT-2023-ANTQ",
        name="Toàn dân bảo vệ an ninh Tổ quốc",
        lead_unit_id="CAH",
        kind="regular",
        purpose="Giữ vững an ninh chính trị, trật tự an toàn xã hội trên địa bàn huyện",
        content="Xây dựng phong trào quần chúng tham gia phòng chống tội phạm ở các khu dân cư",
    )
    assert [c["code"] for c in campaigns_client.get("/campaigns", params={"q": "nong thon moi"}).json()] == [
        "PT-2023-NTM"
    ]
    assert [c["code"] for c in campaigns_client.get("/campaigns", params={"q": "Nông thôn"}).json()] == ["PT-2023-NTM"]
    assert [c["code"] for c in campaigns_client.get("/campaigns", params={"lead_unit": "CAH"}).json()] == [
        "PT-2023-ANTQ"
    ]
    assert len(campaigns_client.get("/campaigns", params={"kind": "thematic", "year": 2023}).json()) == 1
    assert campaigns_client.get("/campaigns", params={"year": 2024}).json() == []
    assert len(campaigns_client.get("/campaigns", params={"status": "draft"}).json()) == 2


def test_unknown_campaign_is_404_and_a_bad_id_is_422(campaigns_client: TestClient) -> None:
    missing = campaigns_client.get("/campaigns/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert "Không tìm thấy phong trào" in missing.json()["detail"]
    assert campaigns_client.get("/campaigns/khong-phai-ma").status_code == 422


def test_full_life_then_history_and_past_versions(campaigns_client: TestClient) -> None:
    campaign_id = launched(campaigns_client)
    interim = act(
        campaigns_client,
        campaign_id,
        "interim-reviews",
        {
            **REVIEW,
            "summary": "Sơ kết 6 tháng đầu năm 2023, đạt 60% chỉ tiêu.",
            "filed_on": "2023-07-10",
            "results": [],
        },
        LEAD_UNIT,
    )
    assert interim.status_code == 200, interim.text
    final = act(campaigns_client, campaign_id, "final-review", REVIEW, LEAD_UNIT)
    assert final.status_code == 200, final.text
    assert final.json()["eligibility"] == {"eligible": True, "reasons": []}
    closed = act(campaigns_client, campaign_id, "close", {"closed_on": "2024-01-10"}, LEAD_UNIT)
    assert closed.json()["status"] == "closed"

    history = campaigns_client.get(f"/campaigns/{campaign_id}/history").json()
    assert [h["type"] for h in history] == [
        "Drafted",
        "Registered",
        "Launched",
        "InterimReviewFiled",
        "FinalReviewFiled",
        "Closed",
    ]
    assert history[1]["actor"]["role"] == "council_secretariat"
    as_registered = campaigns_client.get(f"/campaigns/{campaign_id}", params={"version": 2}).json()
    assert as_registered["status"] == "registered"
    assert as_registered["version"] == 2


def test_eligibility_endpoint_lists_every_reason(campaigns_client: TestClient) -> None:
    campaign_id = draft(campaigns_client, directive=None, plan=None, purpose="Ngắn")["id"]
    reasons = campaigns_client.get(f"/campaigns/{campaign_id}/eligibility").json()
    assert reasons["eligible"] is False
    assert {r["code"] for r in reasons["reasons"]} == {
        "not_registered",
        "no_directive_document",
        "no_plan",
        "no_review",
        "purpose_unclear",
    }


@pytest.mark.parametrize(
    ("path", "body", "expected_code"),
    [
        ("launch", {"launched_on": "2023-01-25"}, "not_registered"),
        ("final-review", REVIEW, "not_launched"),
        ("close", {"closed_on": "2024-01-10"}, "final_review_missing"),
    ],
)
def test_invalid_transition_is_409_with_the_reason_and_changes_nothing(
    campaigns_client: TestClient, path: str, body: dict[str, Any], expected_code: str
) -> None:
    campaign_id = draft(campaigns_client)["id"]
    response = act(campaigns_client, campaign_id, path, body, LEAD_UNIT)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == expected_code
    assert campaigns_client.get(f"/campaigns/{campaign_id}").json()["version"] == 1


def test_register_twice_and_second_final_review_are_409(campaigns_client: TestClient) -> None:
    campaign_id = launched(campaigns_client)
    again = act(campaigns_client, campaign_id, "registration", {"registration_number": "06/ĐK-PNV"})
    assert again.status_code == 409
    assert act(campaigns_client, campaign_id, "final-review", REVIEW, LEAD_UNIT).status_code == 200
    second = act(campaigns_client, campaign_id, "final-review", REVIEW, LEAD_UNIT)
    assert second.status_code == 409
    assert second.json()["code"] == "final_review_already_filed"


def test_review_on_a_cancelled_campaign_is_409(campaigns_client: TestClient) -> None:
    campaign_id = launched(campaigns_client)
    cancelled = act(
        campaigns_client,
        campaign_id,
        "cancel",
        {"reason": "Gộp vào phong trào chung của huyện", "cancelled_on": "2023-03-01"},
        LEAD_UNIT,
    )
    assert cancelled.json()["status"] == "cancelled"
    response = act(campaigns_client, campaign_id, "interim-reviews", REVIEW, LEAD_UNIT)
    assert response.status_code == 409
    assert response.json()["code"] == "campaign_cancelled"


def test_returned_registration_is_amended_then_registered(campaigns_client: TestClient) -> None:
    campaign_id = draft(campaigns_client, plan=None)["id"]
    returned = act(
        campaigns_client,
        campaign_id,
        "registration-return",
        {"reasons": ["Chưa có kế hoạch tổ chức phong trào."], "returned_on": "2023-01-15"},
    )
    assert returned.json()["status"] == "registration_returned"
    amended = campaigns_client.patch(
        f"/campaigns/{campaign_id}",
        json={"plan": {"number": "16/KH-UBND", "issued_on": "2023-01-16"}, "reason": "Bổ sung kế hoạch"},
        headers=LEAD_UNIT,
    )
    assert amended.status_code == 200, amended.text
    assert amended.json()["status"] == "draft"
    assert (
        act(
            campaigns_client,
            campaign_id,
            "registration",
            {"registration_number": "07/ĐK-PNV", "registered_on": "2023-01-20"},
        ).status_code
        == 200
    )


def test_amend_after_launch_is_409_but_documents_can_still_be_attached(campaigns_client: TestClient) -> None:
    campaign_id = launched(campaigns_client)
    amend = campaigns_client.patch(f"/campaigns/{campaign_id}", json={"name": "Tên mới"}, headers=LEAD_UNIT)
    assert amend.status_code == 409
    attached = act(
        campaigns_client,
        campaign_id,
        "documents",
        {
            "directive": {"number": "03/CT-UBND", "issued_on": "2023-02-01", "signer": "Chủ tịch UBND huyện"},
            "reason": "Bổ sung chỉ thị mới",
        },
        LEAD_UNIT,
    )
    assert attached.status_code == 200, attached.text
    assert attached.json()["directive"]["number"] == "03/CT-UBND"


def test_final_review_correction_keeps_the_original_in_history(campaigns_client: TestClient) -> None:
    campaign_id = launched(campaigns_client)
    act(campaigns_client, campaign_id, "final-review", REVIEW, LEAD_UNIT)
    corrected = campaigns_client.put(
        f"/campaigns/{campaign_id}/final-review",
        json={**REVIEW, "proposed_individuals": 9, "reason": "Sửa số cá nhân đề nghị"},
        headers=LEAD_UNIT,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["final_review"]["proposed_individuals"] == 9
    types = [h["type"] for h in campaigns_client.get(f"/campaigns/{campaign_id}/history").json()]
    assert types[-2:] == ["FinalReviewFiled", "FinalReviewCorrected"]


def test_units_lists_the_reference_data_with_authority_levels(campaigns_client: TestClient) -> None:
    units = {u["code"]: u for u in campaigns_client.get("/units").json()}
    assert units["PNV"]["name"] == "Phòng Nội vụ"
    assert units["PKT"]["authority_level"] == "department"
    active_2026 = campaigns_client.get("/units", params={"active_on": "2026-01-01"}).json()
    assert "PKT" not in {u["code"] for u in active_2026}


def test_units_say_who_holds_award_power_and_who_took_over_an_ended_unit(campaigns_client: TestClient) -> None:
    """Law 06/2022 Art. 80: a district office proposes, it does not decide; the communes of 2025
    took over the district (NQ 1656/NQ-UBTVQH15). The console shows who will sign from this."""
    units = {u["code"]: u for u in campaigns_client.get("/units").json()}
    assert units["PKT"]["award_level"] is None and units["PKT"]["award_power"] is None
    commune = units["XA-THANH-OAI-2025"]
    assert commune["award_level"] == "COMMUNE" and commune["award_power"] == "Chủ tịch Ủy ban nhân dân cấp xã"
    assert "Điều 80" in commune["award_power_article"]
    district = units["UBND-THANH-OAI"]
    assert district["valid_to"] == "2025-06-30" and "XA-THANH-OAI-2025" in district["successors"]
