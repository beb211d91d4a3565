"""Receipt, search and audit reads of the dossiers API over HTTP, with every error a clerk meets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from shared.natsserver import NatsServerProcess
from shared.testing.fixtures import wait_until

from .payloads import (
    APPOINTMENT,
    CLERK,
    UNIT,
    PinnedClock,
    act,
    annual_body,
    collective,
    individual,
    ok,
    pdf,
    submit,
    thematic_body,
    upload,
)

PROBLEM = "application/problem+json"


def test_a_submitted_dossier_gets_a_receipt_number_an_appointment_and_its_version_as_etag(client: TestClient) -> None:
    response = client.post("/dossiers", json=annual_body(client), headers=CLERK)
    assert response.status_code == 201, response.text
    dossier = response.json()
    assert dossier["receipt_number"] == "000001/2024/TN"
    assert dossier["status"] == "RECEIVED" and dossier["status_label"] == "Đã tiếp nhận"
    assert dossier["rule_set_id"] == "2024-nd98"
    assert dossier["received_on"] == "2024-06-03" and dossier["appointment_date"] == APPOINTMENT.isoformat()
    assert dossier["proposing_unit"] == UNIT and dossier["proposing_unit_name"] == "Ủy ban nhân dân xã Bích Hòa"
    assert dossier["submitted_by"] == {"id": "cb.motcua", "role": "desk_clerk", "unit": "VP-HDND-UBND"}
    assert dossier["attachments"][0]["size"] == len(pdf("SUBMISSION_MEMO"))
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"] == f"/dossiers/{dossier['id']}"


@pytest.mark.parametrize("channel", ["ONLINE_PORTAL", "ONE_STOP_DESK", "POST"])
def test_a_dossier_is_received_through_each_channel(client: TestClient, channel: str) -> None:
    extra = {"postmark_date": "2024-05-31"} if channel == "POST" else {}
    dossier = submit(client, channel=channel, **extra)
    assert dossier["channel"] == channel
    assert dossier["postmark_date"] == extra.get("postmark_date")


def test_a_posted_dossier_without_its_postmark_date_is_422(client: TestClient) -> None:
    response = client.post("/dossiers", json=annual_body(client, channel="POST"), headers=CLERK)
    assert response.status_code == 422
    assert response.json()["errors"] == {"postmark_date": "Bắt buộc nhập."}


def test_an_invalid_submission_is_422_with_a_vietnamese_message_per_field_and_nothing_stored(
    client: TestClient,
) -> None:
    body = annual_body(
        client,
        proposing_unit="KHONG-CO",
        kind="HANG-NGAY",
        nominees=[individual(name=""), individual(gender="NU")],
        feat_date="2024-13-01",
    )
    body["attachments"].append({"kind": "OTHER", "sha256": "ab" * 32})
    response = client.post("/dossiers", json=body, headers=CLERK)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["title"] == "Dữ liệu không hợp lệ"
    assert problem["detail"] == "Dữ liệu gửi lên chưa hợp lệ; xem chi tiết từng trường."
    errors = problem["errors"]
    assert errors["proposing_unit"] == "Không tìm thấy đơn vị có mã «KHONG-CO»."
    assert errors["kind"].startswith("Giá trị không hợp lệ; chọn một trong: ANNUAL_TITLE")
    assert errors["nominees[0].name"] == "Bắt buộc nhập."
    assert errors["nominees[1].gender"].startswith("Giá trị không hợp lệ")
    assert errors["feat_date"] == "Ngày không hợp lệ (định dạng YYYY-MM-DD)."
    assert errors["attachments[5].sha256"] == "Chưa có tệp này trong kho; hãy tải tệp lên trước (POST /attachments)."
    assert client.get("/dossiers").json() == []


def test_a_unit_that_does_not_exist_on_the_receipt_date_cannot_propose(client: TestClient) -> None:
    response = client.post("/dossiers", json=annual_body(client, proposing_unit="XA-THANH-OAI-2025"), headers=CLERK)
    assert response.status_code == 422
    assert response.json()["errors"]["proposing_unit"] == (
        "Đơn vị «XA-THANH-OAI-2025» không hoạt động vào ngày tiếp nhận 03/06/2024 "
        "(đã sáp nhập, giải thể hoặc chưa thành lập)."
    )


def test_a_wrong_declared_size_of_an_uploaded_file_is_422(client: TestClient) -> None:
    body = annual_body(client)
    body["attachments"][0]["size"] = 1
    response = client.post("/dossiers", json=body, headers=CLERK)
    assert response.status_code == 422
    assert response.json()["errors"]["attachments[0].size"].startswith("Dung lượng không khớp với tệp đã tải lên")


def test_a_command_without_an_actor_is_401_in_vietnamese(client: TestClient) -> None:
    response = client.post("/dossiers", json=annual_body(client))
    assert response.status_code == 401
    assert "X-Actor-Id" in response.json()["detail"]


def test_submitting_the_same_client_id_twice_is_a_409_and_stores_one_dossier(client: TestClient) -> None:
    body = annual_body(client, id=str(uuid4()))
    assert client.post("/dossiers", json=body, headers=CLERK).status_code == 201
    again = client.post("/dossiers", json=body, headers=CLERK)
    assert again.status_code == 409
    assert again.json()["detail"] == "Hồ sơ có mã định danh này đã được tiếp nhận."
    assert len(client.get("/dossiers").json()) == 1


@pytest.mark.parametrize("path", [f"/dossiers/{uuid4()}", "/dossiers/khong-phai-ma", f"/dossiers/{uuid4()}/history"])
def test_an_unknown_dossier_is_404_in_vietnamese(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["detail"].startswith("Không tìm thấy hồ sơ đề nghị khen thưởng")


def test_a_command_on_an_unknown_dossier_is_404(client: TestClient) -> None:
    response = act(client, str(uuid4()), "refusal", {"reasons": ["Sai thẩm quyền"]})
    assert response.status_code == 404


# --- search ---


@pytest.fixture
def three(client: TestClient, clock: PinnedClock) -> list[dict]:
    """An annual dossier (Bích Hòa), one from Kim Bài that lacks documents, a thematic one waiting
    for its campaign."""
    a = submit(client)
    b = submit(
        client,
        proposing_unit="TT-KIM-BAI",
        nominees=[individual(name="Đặng Văn Đức", unit="UBND thị trấn Kim Bài")],
        attachments=upload(client, "SUBMISSION_MEMO", prefix="b-"),
    )
    ok(act(client, b["id"], "completeness-check"))  # asks for documents: the clock stops
    c = submit(client, body=thematic_body(client, "c0ffee00-0000-4000-8000-000000000001"))
    ok(act(client, c["id"], "completeness-check"))  # the campaign is not known: it waits
    return [a, b, c]


def found(client: TestClient, query: str) -> list[str]:
    response = client.get(f"/dossiers?{query}")
    assert response.status_code == 200, response.text
    return [d["id"] for d in response.json()]


def test_dossiers_are_listed_in_submission_order_with_a_summary(client: TestClient, three: list[dict]) -> None:
    listed = client.get("/dossiers").json()
    assert [d["id"] for d in listed] == [d["id"] for d in three]
    assert listed[1]["proposing_unit_name"] == "Ủy ban nhân dân thị trấn Kim Bài"
    assert listed[1]["status"] == "AWAITING_SUPPLEMENT" and listed[2]["status"] == "AWAITING_CAMPAIGN"
    assert listed[0]["nominees"][1] == {
        "nominee_id": "n2",
        "name": "Trần Văn Đức",
        "award": "GRASSROOTS_EMULATION_FIGHTER",
    }


def test_dossiers_are_filtered_by_unit_status_type_kind_campaign_and_year(
    client: TestClient, three: list[dict]
) -> None:
    a, b, c = (d["id"] for d in three)
    assert found(client, "proposing_unit=tt-kim-bai") == [b]
    assert found(client, "status=AWAITING_CAMPAIGN") == [c]
    assert found(client, "kind=THEMATIC") == [c]
    assert found(client, "award_type=MOVEMENT&kind=ANNUAL_TITLE") == [a, b]
    assert found(client, "campaign=C0FFEE00-0000-4000-8000-000000000001") == [c]
    assert found(client, "year=2024") == [a, b, c] and found(client, "year=2023") == []
    assert found(client, "offset=1&limit=1") == [b]


@pytest.mark.parametrize("q", ["Đặng Văn Đức", "dang van duc", "ĐẶNG VĂN", "Dang"])
def test_nominees_are_found_by_name_with_or_without_diacritics(client: TestClient, three: list[dict], q: str) -> None:
    assert found(client, f"q={q}") == [three[1]["id"]]


def test_overdue_dossiers_are_those_past_their_appointment_with_the_clock_running(
    client: TestClient, three: list[dict], clock: PinnedClock
) -> None:
    a, b, c = (d["id"] for d in three)
    assert found(client, "overdue=true") == []
    clock.advance(days=15)  # 18/06/2024, the day after the appointment
    assert found(client, "overdue=true") == [a, c]  # b's clock stopped while it is supplemented
    assert found(client, "overdue=false") == [b]
    assert client.get(f"/dossiers/{a}").json()["overdue"] is True


def test_an_invalid_filter_is_422_in_vietnamese(client: TestClient) -> None:
    response = client.get("/dossiers?status=DANG-XU-LY&year=abc")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["status"].startswith("Giá trị không hợp lệ; chọn một trong:")
    assert errors["year"] == "Phải là số nguyên."


# --- audit reads ---


def test_an_earlier_version_and_the_state_at_a_past_time_can_be_read(client: TestClient) -> None:
    dossier = submit(client)
    ok(act(client, dossier["id"], "refusal", {"reasons": ["Sai thẩm quyền"]}))
    first, second = (
        datetime.fromisoformat(h["recorded_at"]) for h in client.get(f"/dossiers/{dossier['id']}/history").json()
    )

    v1 = client.get(f"/dossiers/{dossier['id']}?version=1")
    assert v1.json()["status"] == "RECEIVED" and v1.headers["ETag"] == '"1"'
    assert client.get(f"/dossiers/{dossier['id']}", params={"as_of": first.isoformat()}).json()["version"] == 1
    assert client.get(f"/dossiers/{dossier['id']}", params={"as_of": second.isoformat()}).json()["status"] == "REFUSED"
    naive_local = (second + timedelta(hours=7)).replace(tzinfo=None).isoformat()  # Vietnam time, no offset
    assert client.get(f"/dossiers/{dossier['id']}", params={"as_of": naive_local}).json()["version"] == 2
    before = (first - timedelta(seconds=1)).isoformat()
    assert client.get(f"/dossiers/{dossier['id']}", params={"as_of": before}).status_code == 404
    assert client.get(f"/dossiers/{dossier['id']}?version=9").status_code == 404
    both = client.get(f"/dossiers/{dossier['id']}", params={"version": 1, "as_of": second.isoformat()})
    assert both.status_code == 422 and both.json()["errors"] == {"as_of": "Chỉ dùng một trong hai: version hoặc as_of."}


def test_the_history_says_who_did_what_when_and_why(client: TestClient) -> None:
    dossier = submit(client)
    ok(
        act(
            client,
            dossier["id"],
            "supplement-request",
            {"missing": ["Tờ trình có chữ ký"], "reason": "Tờ trình chưa ký"},
        )
    )
    history = client.get(f"/dossiers/{dossier['id']}/history").json()
    assert [(h["version"], h["type"]) for h in history] == [(1, "Submitted"), (2, "SupplementRequested")]
    assert history[1]["actor"] == {"id": "cv.pnv", "role": "council_secretariat", "unit": "PNV"}
    assert history[1]["reason"] == "Tờ trình chưa ký"
    assert history[1]["changes"]["status"] == {"before": "RECEIVED", "after": "AWAITING_SUPPLEMENT"}
    assert history[1]["at"].startswith("2024-06-03T09:05")


def test_readiness_reports_the_event_store_the_view_database_and_the_org_units(client: TestClient) -> None:
    checks = client.get("/readyz").json()["checks"]
    assert {checks[k] for k in ("event_store", "view_database", "org_units", "blob_store")} == {"ok"}
    assert "relay:dossiers" in checks


def test_a_collective_nominee_needs_its_size(client: TestClient) -> None:
    body = annual_body(client, kind="YEAR_END", nominees=[collective(size=None)])
    response = client.post("/dossiers", json=body, headers=CLERK)
    assert response.status_code == 422
    assert response.json()["errors"]["nominees[0].size"] == "Bắt buộc nhập."


def test_commands_succeed_while_nats_is_down_and_readiness_says_so(
    make_client: Callable[..., TestClient], own_nats: NatsServerProcess
) -> None:
    client = make_client(nats_url=own_nats.url)  # compared its store with its stream at start-up
    dossier = submit(client)
    own_nats.stop()
    assert ok(act(client, dossier["id"], "completeness-check"))["status"] == "IN_APPRAISAL"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["nats"] == "unreachable"
    relay = ready.json()["checks"]["relay:dossiers"]
    assert relay["lag_events"] >= 1 and relay["store"]["state"] == "in_sync"  # waiting in the log

    own_nats.start()
    wait_until(lambda: client.get("/readyz").status_code == 200, timeout=30)
    assert client.get("/readyz").json()["checks"]["relay:dossiers"]["lag_events"] == 0


def test_a_service_started_while_nats_is_down_refuses_writes_until_it_has_seen_its_stream(
    make_client: Callable[..., TestClient],
) -> None:
    # A store restored from a backup looks healthy on its own; only its stream can tell.
    offline = make_client(nats_url="nats://127.0.0.1:9", startup_check_wait_seconds=0.2)  # nothing listens there
    refused = offline.post("/dossiers", json=annual_body(offline), headers=CLERK)
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    assert refused.json()["code"] == "event_store_unchecked"
    assert "chưa nhận thao tác ghi" in refused.json()["detail"]
    ready = offline.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["nats"] == "unreachable"
    assert ready.json()["checks"]["relay:dossiers"]["store"]["state"] == "unchecked"
    assert offline.get("/dossiers").status_code == 200  # reads still answer
