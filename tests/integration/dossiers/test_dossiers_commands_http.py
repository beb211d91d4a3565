"""Every step command of the dossiers API over HTTP: the happy paths, the 422s in Vietnamese, the
409s on refused transitions and lost races, with nothing stored when a command is refused."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .payloads import (
    AUTHORITY,
    CHAIRMAN,
    CLERK,
    SECRETARY,
    PinnedClock,
    act,
    appraised,
    awarded,
    decision_body,
    in_appraisal,
    ok,
    submit,
    upload,
)
from .test_dossiers_numbering_http import concurrently


def history_types(client: TestClient, dossier_id: str) -> list[str]:
    return [h["type"] for h in client.get(f"/dossiers/{dossier_id}/history").json()]


def test_a_dossier_goes_through_every_step_to_its_returned_result(client: TestClient, clock: PinnedClock) -> None:
    dossier = submit(client, attachments=upload(client, "SUBMISSION_MEMO"))
    d = dossier["id"]
    assert ok(act(client, d, "supplement-request", {"missing": ["Báo cáo thành tích"]}))["appointment_date"] is None
    supplemented = ok(
        act(
            client,
            d,
            "supplement",
            {
                "attachments": upload(
                    client, "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION"
                ),
                "note": "Bổ sung đủ",
            },
            CLERK,
        )
    )
    assert supplemented["status"] == "RECEIVED" and supplemented["appointment_date"] == "2024-06-17"
    assert ok(act(client, d, "acceptance"))["status"] == "IN_APPRAISAL"
    ok(act(client, d, "concurrences", {"department": "PNV", "agrees": True, "opinion": "Thống nhất"}))
    ok(
        act(
            client,
            d,
            "disclosures",
            {"where": "Bảng tin UBND huyện", "from_date": "2024-06-04", "to_date": "2024-06-07"},
        )
    )
    appraisal = ok(act(client, d, "appraisal"))
    assert {k: v["passed"] for k, v in appraisal["appraisals"].items()} == {"n1": True, "n2": True}
    assert "Ưu tiên" in appraisal["appraisals"]["n1"]["notes"][0]  # a woman: NĐ 152/2025 Art. 4(6)
    assert appraisal["appraisals"]["n2"]["notes"] == []
    vote = ok(
        act(
            client,
            d,
            "council-votes",
            {
                "nominee_id": "n2",
                "members_total": 9,
                "votes_for": 8,
                "votes_against": 1,
                "absent_in_writing": 0,
                "meeting_date": "2024-06-05",
            },
        )
    )
    assert vote["votes"]["n2"]["passed"] is True and vote["votes"]["n2"]["threshold_percent"] == 80
    extended = ok(act(client, d, "deadline-extension", {"new_date": "2024-06-24", "reason": "Chờ họp Hội đồng"}))
    assert extended["appointment_date"] == "2024-06-24" and extended["deadline_extensions"] == 1
    clock.advance(days=1)
    decided = ok(act(client, d, "decision", decision_body(reason="Đủ tiêu chuẩn"), CHAIRMAN))
    assert decided["status"] == "AWARDED"
    assert decided["decision"]["number"] == "1/QĐ-UBND" and decided["decision"]["decision_date"] == "2024-06-04"
    assert [a["cash_reward_vnd"] for a in decided["decision"]["approvals"]] == [540_000, 1_800_000]
    returned = ok(act(client, d, "result-return", {"returned_to": "Văn phòng UBND xã Bích Hòa"}, CLERK))
    assert returned["status"] == "RESULT_RETURNED" and returned["result_returned_on"] == "2024-06-04"
    annulled = ok(
        act(
            client,
            d,
            "annulment",
            {
                "ground": "a",
                "act_reference": "Kết luận thanh tra 05/KL-TTr",
                "authority": AUTHORITY,
                "reason": "Kê khai thành tích không trung thực",
                "nominee_ids": ["n2"],
            },
            CHAIRMAN,
        )
    )
    assert annulled["annulments"][0]["decision_number"] == "2/QĐ-UBND"
    recovered = ok(
        act(
            client,
            d,
            "recovery",
            {"nominee_ids": ["n2"], "artefacts_returned": ["Bằng chứng nhận"], "amount_recovered_vnd": 1_800_000},
        )
    )
    assert recovered["recovered_ids"] == ["n2"]
    assert history_types(client, d) == [
        "Submitted",
        "SupplementRequested",
        "Supplemented",
        "AcceptedAsComplete",
        "ConcurrenceRecorded",
        "PubliclyDisclosed",
        "NomineeAppraised",
        "NomineeAppraised",
        "CouncilVoteRecorded",
        "DeadlineExtended",
        "AwardDecided",
        "ResultReturned",
        "AwardAnnulled",
        "AwardRecovered",
    ]


def test_the_authority_may_reject_every_nominee_with_a_written_notice(client: TestClient) -> None:
    d = appraised(client)["id"]
    rejected = ok(
        act(
            client,
            d,
            "rejection",
            {"reasons": ["Thành tích chưa tiêu biểu"], "authority": AUTHORITY, "authority_level": "DISTRICT"},
            CHAIRMAN,
        )
    )
    assert rejected["status"] == "REJECTED" and rejected["decision"]["number"] is None
    assert ok(act(client, d, "result-return", {}, CLERK))["status"] == "RESULT_RETURNED"


def test_a_dossier_can_be_refused_or_withdrawn(client: TestClient) -> None:
    refused = ok(act(client, submit(client)["id"], "refusal", {"reasons": ["Sai thẩm quyền", "Quá hạn đề nghị"]}))
    assert refused["status"] == "REFUSED" and refused["refusal_reasons"] == ["Sai thẩm quyền", "Quá hạn đề nghị"]
    withdrawn = ok(act(client, submit(client)["id"], "withdrawal", {"reason": "Đơn vị rút để hoàn thiện"}, CLERK))
    assert withdrawn["status"] == "WITHDRAWN" and withdrawn["closing_reason"] == "Đơn vị rút để hoàn thiện"


def test_the_completeness_check_asks_for_what_is_missing(client: TestClient) -> None:
    dossier = submit(client, attachments=upload(client, "SUBMISSION_MEMO", "ACHIEVEMENT_REPORT"))
    checked = ok(act(client, dossier["id"], "completeness-check"))
    assert checked["status"] == "AWAITING_SUPPLEMENT"
    assert checked["missing"] == [
        "Biên bản bình xét",
        "Biên bản kiểm phiếu (kết quả bỏ phiếu)",
        "Chứng nhận sáng kiến / xác nhận hoàn thành xuất sắc nhiệm vụ",
    ]


# --- 422: each command's fields, in Vietnamese ---

RECEIVED, IN_APPRAISAL = "received", "in_appraisal"
INVALID: list[tuple[str, str, dict[str, Any], dict[str, str]]] = [
    (RECEIVED, "supplement-request", {"missing": []}, {"missing": "Phải nêu ít nhất một nội dung."}),
    (RECEIVED, "refusal", {}, {"reasons": "Phải nêu ít nhất một nội dung."}),
    (RECEIVED, "withdrawal", {}, {"reason": "Phải nêu lý do."}),
    (
        RECEIVED,
        "deadline-extension",
        {"new_date": "2024-13-01"},
        {"new_date": "Ngày không hợp lệ (định dạng YYYY-MM-DD).", "reason": "Phải nêu lý do."},
    ),
    (
        RECEIVED,
        "deadline-extension",
        {"new_date": "2024-06-22", "reason": "Chờ họp"},
        {"new_date": "Ngày hẹn mới phải là ngày làm việc."},
    ),
    (IN_APPRAISAL, "concurrences", {"agrees": False}, {"department": "Bắt buộc nhập.", "opinion": "Bắt buộc nhập."}),
    (
        IN_APPRAISAL,
        "disclosures",
        {"where": "Bảng tin", "from_date": "2024-06-10", "to_date": "2024-06-05"},
        {"to_date": "Ngày kết thúc không được trước ngày bắt đầu."},
    ),
    (IN_APPRAISAL, "appraisal", {"nominee_ids": ["n9"]}, {"nominee_ids": "Không có trong hồ sơ: n9."}),
    (
        IN_APPRAISAL,
        "council-votes",
        {"members_total": 9},
        {
            "nominee_id": "Bắt buộc nhập.",
            "votes_for": "Bắt buộc nhập.",
            "votes_against": "Bắt buộc nhập.",
            "absent_in_writing": "Bắt buộc nhập.",
        },
    ),
    (
        IN_APPRAISAL,
        "council-votes",
        {"nominee_id": "n2", "members_total": 9, "votes_for": 8, "votes_against": 3, "absent_in_writing": 0},
        {"votes_for": "Tổng số phiếu đồng ý và không đồng ý vượt quá tổng số thành viên Hội đồng."},
    ),
    (
        IN_APPRAISAL,
        "decision",
        {"approve": ["n1"], "authority": "", "authority_level": "PROVINCE"},
        {
            "authority_level": "Cấp thẩm quyền lấy theo danh mục đơn vị, không theo khai báo: Ủy ban nhân dân huyện "
            "Thanh Oai là cấp DISTRICT (Chủ tịch UBND cấp huyện); không nhận giá trị «PROVINCE».",
        },
    ),
    (
        IN_APPRAISAL,
        "decision",
        {"approve": ["n1"], "authority": AUTHORITY, "authority_level": "DISTRICT", "decision_date": "03/06/2024"},
        {"decision_date": "Ngày không hợp lệ (định dạng YYYY-MM-DD)."},
    ),
    (
        IN_APPRAISAL,
        "rejection",
        {"reasons": [], "authority": AUTHORITY, "authority_level": "DISTRICT"},
        {"reasons": "Phải nêu ít nhất một nội dung."},
    ),
]


@pytest.mark.parametrize(
    ("state", "step", "body", "errors"), INVALID, ids=[f"{s}-{next(iter(e))}" for _, s, _, e in INVALID]
)
def test_invalid_command_fields_are_422_in_vietnamese_and_nothing_changes(
    client: TestClient, state: str, step: str, body: dict[str, Any], errors: dict[str, str]
) -> None:
    dossier = submit(client) if state == RECEIVED else in_appraisal(client)
    response = act(client, dossier["id"], step, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == errors
    assert client.get(f"/dossiers/{dossier['id']}").json()["version"] == dossier["version"]


def test_a_supplement_referring_to_a_file_never_uploaded_is_422(client: TestClient) -> None:
    dossier = submit(client, attachments=upload(client, "SUBMISSION_MEMO"))
    ok(act(client, dossier["id"], "completeness-check"))
    response = act(client, dossier["id"], "supplement", {"attachments": [{"kind": "OTHER", "sha256": "0" * 64}]}, CLERK)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "attachments[0].sha256": "Chưa có tệp này trong kho; hãy tải tệp lên trước (POST /attachments)."
    }


# --- 409: refused transitions change nothing ---


@pytest.mark.parametrize(
    ("step", "body", "detail"),
    [
        ("decision", decision_body(), "Không thể quyết định khen thưởng khi hồ sơ ở trạng thái 'Đã tiếp nhận'."),
        ("result-return", {}, "Không thể trả kết quả khi hồ sơ ở trạng thái 'Đã tiếp nhận'."),
        ("supplement", {"attachments": []}, "Không thể bổ sung hồ sơ khi hồ sơ ở trạng thái 'Đã tiếp nhận'."),
        ("appraisal", {}, "Không thể thẩm định khi hồ sơ ở trạng thái 'Đã tiếp nhận'."),
    ],
)
def test_a_step_the_state_does_not_allow_is_409_and_stores_nothing(
    client: TestClient, step: str, body: dict[str, Any], detail: str
) -> None:
    dossier = submit(client)
    response = act(client, dossier["id"], step, body)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["detail"] == detail
    assert history_types(client, dossier["id"]) == ["Submitted"]


def test_accepting_an_incomplete_dossier_is_409_with_what_is_missing(client: TestClient) -> None:
    dossier = submit(client, attachments=upload(client, "SUBMISSION_MEMO"))
    response = act(client, dossier["id"], "acceptance")
    assert response.status_code == 409
    assert response.json()["code"] == "incomplete"
    assert response.json()["detail"].startswith("Hồ sơ còn thiếu: Báo cáo thành tích; Biên bản bình xét")


def test_deciding_for_a_nominee_who_failed_the_vote_is_409(client: TestClient) -> None:
    d = in_appraisal(client)["id"]
    ok(act(client, d, "appraisal"))
    vote = {"nominee_id": "n2", "members_total": 10, "votes_for": 7, "votes_against": 3, "absent_in_writing": 0}
    ok(act(client, d, "council-votes", vote))
    response = act(client, d, "decision", decision_body(), CHAIRMAN)
    assert response.status_code == 409 and response.json()["code"] == "not_approvable"
    assert "không đạt tỷ lệ phiếu bầu (7/10 < 80% tổng số thành viên Hội đồng)" in response.json()["detail"]
    decided = ok(act(client, d, "decision", decision_body(approve=["n1"]), CHAIRMAN))
    assert decided["decision"]["number"] == "1/QĐ-UBND"  # the refused attempt used no number
    assert list(decided["decision"]["rejections"]) == ["n2"]


def test_annulment_by_another_authority_is_409(client: TestClient) -> None:
    d = awarded(client)["id"]
    body = {"ground": "b", "act_reference": "Bản án 01/2024", "authority": "XA-BICH-HOA", "reason": "Giả mạo hồ sơ"}
    response = act(client, d, "annulment", body, CHAIRMAN)
    assert response.status_code == 409 and response.json()["code"] == "not_deciding_authority"


def test_annulment_by_an_unknown_unit_is_422(client: TestClient) -> None:
    d = awarded(client)["id"]
    body = {"ground": "b", "act_reference": "Bản án 01/2024", "authority": "UBND-KHAC", "reason": "Giả mạo hồ sơ"}
    response = act(client, d, "annulment", body, CHAIRMAN)
    assert response.status_code == 422 and "UBND-KHAC" in response.json()["errors"]["authority"]


# --- 409: stale versions and lost races ---


def test_a_stale_if_match_is_409_and_changes_nothing(client: TestClient) -> None:
    dossier = in_appraisal(client)  # version 2
    d = dossier["id"]
    stale = act(client, d, "appraisal", {}, {**SECRETARY, "If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_update"
    assert stale.json()["detail"] == "Hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thử lại."
    assert act(client, d, "appraisal", {"expected_version": 1}).status_code == 409
    assert history_types(client, d) == ["Submitted", "AcceptedAsComplete"]
    fresh = act(client, d, "appraisal", {}, {**SECRETARY, "If-Match": '"2"'})
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"4"'


def test_a_malformed_if_match_is_422(client: TestClient) -> None:
    dossier = submit(client)
    response = act(client, dossier["id"], "refusal", {"reasons": ["x"]}, {**SECRETARY, "If-Match": "hom-qua"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"If-Match": 'Phải là số phiên bản của hồ sơ, ví dụ "3".'}


def test_of_simultaneous_commands_on_the_same_version_one_wins_the_others_get_409(client: TestClient) -> None:
    dossier = in_appraisal(client)
    d, version = dossier["id"], dossier["version"]
    headers = {**SECRETARY, "If-Match": f'"{version}"'}
    responses = concurrently(
        [
            lambda i=i: act(client, d, "concurrences", {"department": f"PHONG-{i}", "agrees": True}, headers)
            for i in range(6)
        ]
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409, 409, 409]
    assert history_types(client, d).count("ConcurrenceRecorded") == 1


def test_simultaneous_commands_without_if_match_never_lose_a_write(client: TestClient) -> None:
    d = in_appraisal(client)["id"]
    responses = concurrently(
        [lambda i=i: act(client, d, "concurrences", {"department": f"PHONG-{i}", "agrees": True}) for i in range(6)]
    )
    assert {r.status_code for r in responses} <= {200, 409}
    succeeded = [r for r in responses if r.status_code == 200]
    assert succeeded and history_types(client, d).count("ConcurrenceRecorded") == len(succeeded)
    assert all(r.json()["code"] == "concurrent_update" for r in responses if r.status_code == 409)
