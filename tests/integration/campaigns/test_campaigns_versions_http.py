"""A movement's version travels as ETag / If-Match like a dossier's, and its past is readable:
a stale form is refused (409) and changes nothing; `?as_of=` shows it as it stood; the history
says what each event changed."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.support.campaign_payloads import LEAD_UNIT, SECRETARIAT, thematic_campaign

REGISTRATION = {"registration_number": "05/ĐK-PNV", "registered_on": "2023-01-20"}


def drafted(client: TestClient) -> tuple[str, str]:
    response = client.post("/campaigns", json=thematic_campaign(), headers=LEAD_UNIT)
    assert response.status_code == 201, response.text
    return response.json()["id"], response.headers["ETag"]


def test_a_command_with_a_stale_if_match_is_409_and_changes_nothing(campaigns_client: TestClient) -> None:
    campaign_id, etag = drafted(campaigns_client)
    assert etag == '"1"'
    amended = campaigns_client.patch(
        f"/campaigns/{campaign_id}",
        json={"name": "Tên mới", "reason": "Sửa tên"},
        headers={**LEAD_UNIT, "If-Match": etag},
    )
    assert amended.status_code == 200 and amended.headers["ETag"] == '"2"'

    stale = campaigns_client.post(
        f"/campaigns/{campaign_id}/registration", json=REGISTRATION, headers={**SECRETARIAT, "If-Match": etag}
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_update"
    assert stale.json()["detail"] == "Phong trào vừa được người khác cập nhật; hãy tải lại và thử lại."
    assert campaigns_client.get(f"/campaigns/{campaign_id}").json()["status"] == "draft"

    fresh = campaigns_client.post(
        f"/campaigns/{campaign_id}/registration", json=REGISTRATION, headers={**SECRETARIAT, "If-Match": '"2"'}
    )
    assert fresh.status_code == 200 and fresh.json()["status"] == "registered"
    assert campaigns_client.get(f"/campaigns/{campaign_id}").headers["ETag"] == '"3"'


def test_a_malformed_if_match_is_422_in_the_one_format(campaigns_client: TestClient) -> None:
    campaign_id, _ = drafted(campaigns_client)
    response = campaigns_client.post(
        f"/campaigns/{campaign_id}/registration", json=REGISTRATION, headers={**SECRETARIAT, "If-Match": "hom-qua"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"If-Match": 'Phải là số phiên bản của phong trào, ví dụ "3".'}
    assert response.json()["detail"] == "Dữ liệu gửi lên chưa hợp lệ; xem chi tiết từng trường."


def test_as_of_shows_the_movement_as_it_stood_and_history_says_what_changed(campaigns_client: TestClient) -> None:
    campaign_id, _ = drafted(campaigns_client)
    between = datetime.now(UTC).isoformat()
    assert campaigns_client.post(f"/campaigns/{campaign_id}/registration", json=REGISTRATION, headers=SECRETARIAT)

    then = campaigns_client.get(f"/campaigns/{campaign_id}", params={"as_of": between})
    assert then.status_code == 200 and then.headers["ETag"] == '"1"'
    assert then.json()["status"] == "draft"
    assert campaigns_client.get(f"/campaigns/{campaign_id}", params={"as_of": "2000-01-01T00:00:00"}).status_code == 404
    both = campaigns_client.get(f"/campaigns/{campaign_id}", params={"as_of": between, "version": 1})
    assert both.status_code == 422 and "as_of" in both.json()["errors"]

    history = campaigns_client.get(f"/campaigns/{campaign_id}/history").json()
    assert [e["type"] for e in history] == ["Drafted", "Registered"]
    assert history[1]["changes"]["status"] == {"before": "draft", "after": "registered"}
