"""End to end: campaigns and dossiers as real processes. A thematic dossier goes through or is
refused according to what the dossiers service learned of its campaign over NATS, and the
award decision is in the TDKT_DOSSIERS stream exactly once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from nats.js.client import JetStreamContext

from shared.contracts.schemas import contract_schemas
from shared.streams import DOSSIERS
from shared.testing.fixtures import ServiceProcess
from shared.testing.jetstream import eventually
from tests.support.campaign_payloads import LEAD_UNIT, SECRETARIAT, thematic_campaign

pytestmark = pytest.mark.e2e

CLERK = {"X-Actor-Id": "cb.motcua", "X-Actor-Role": "desk_clerk", "X-Actor-Unit": "XA-THANH-OAI-2025"}
SECRETARY = {"X-Actor-Id": "cc.vanphong", "X-Actor-Role": "council_secretariat", "X-Actor-Unit": "XA-THANH-OAI-2025"}
CHAIRMAN = {"X-Actor-Id": "ct.ubndxa", "X-Actor-Role": "chairman", "X-Actor-Unit": "XA-THANH-OAI-2025"}
THEMATIC = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "MOVEMENT_PLAN", "MOVEMENT_REVIEW_REPORT")
FINAL_REVIEW = {
    "report": {"number": "120/BC-UBND", "issued_on": "2024-01-05", "signer": "Trưởng phòng Kinh tế"},
    "summary": "Tổng kết năm 2023: 6 xã đạt chuẩn nông thôn mới nâng cao, vượt chỉ tiêu.",
    "filed_on": "2024-01-05",
    "results": [{"indicator": "Xã đạt chuẩn nông thôn mới nâng cao", "achieved_value": 6}],
}


def call(method: str, url: str, expected: int, **kwargs: Any) -> Any:
    response = httpx.request(method, url, timeout=10, **kwargs)
    assert response.status_code == expected, f"{method} {url}: {response.status_code} {response.text}"
    return response.json()


def campaign(campaigns: ServiceProcess, code: str, *, eligible: bool) -> str:
    created = call("POST", f"{campaigns.url}/campaigns", 201, json=thematic_campaign(code), headers=LEAD_UNIT)
    campaign_id = created["id"]
    if eligible:
        base = f"{campaigns.url}/campaigns/{campaign_id}"
        registration = {"registration_number": f"{code}/ĐK-PNV", "registered_on": "2023-01-20"}
        call("POST", f"{base}/registration", 200, json=registration, headers=SECRETARIAT)
        call("POST", f"{base}/launch", 200, json={"launched_on": "2023-01-25"}, headers=LEAD_UNIT)
        call("POST", f"{base}/final-review", 200, json=FINAL_REVIEW, headers=LEAD_UNIT)
    return str(campaign_id)


def thematic_dossier(dossiers: ServiceProcess, campaign_id: str) -> str:
    files = [("files", (f"{k.lower()}.pdf", f"%PDF-1.4 {campaign_id} {k}".encode())) for k in THEMATIC]
    uploaded = call(
        "POST", f"{dossiers.url}/attachments", 201, files=files, data={"kind": list(THEMATIC)}, headers=CLERK
    )
    body = {
        "channel": "ONLINE_PORTAL",
        "proposing_unit": "XA-THANH-OAI-2025",
        "award_type": "MOVEMENT",
        "kind": "THEMATIC",
        "campaign_id": campaign_id,
        "achievements": "Dẫn đầu phong trào xây dựng nông thôn mới nâng cao.",
        "nominees": [
            {
                "kind": "COLLECTIVE",
                "name": "Hợp tác xã Nông nghiệp Thanh Oai",
                "award": "CERTIFICATE_OF_MERIT",
                "size": 40,
            }
        ],
        "attachments": [{"name": f["name"], "kind": f["kind"], "sha256": f["sha256"]} for f in uploaded],
    }
    return str(call("POST", f"{dossiers.url}/dossiers", 201, json=body, headers=CLERK)["id"])


async def award_messages(js: JetStreamContext) -> list[Any]:
    info = await js.stream_info(DOSSIERS.name)
    if info.state.messages == 0:
        return []
    messages = [await js.get_msg(DOSSIERS.name, s) for s in range(info.state.first_seq, info.state.last_seq + 1)]
    return [m for m in messages if m.subject == "tdkt.award.decided"]


async def test_a_thematic_dossier_goes_through_or_is_refused_on_what_was_learned_of_its_campaign_over_nats(
    nats_url: str, jetstream: JetStreamContext, run_service: Callable[..., ServiceProcess], tmp_path: Path
) -> None:
    env = {"TDKT_NATS_URL": nats_url, "TDKT_RELAY_POLL_SECONDS": "0.3"}
    campaigns = run_service("campaigns", env)
    dossiers_env = {**env, "TDKT_DOSSIERS_CAMPAIGN_SETTLE_SECONDS": "0.3"}
    var_dir = tmp_path / "var-dossiers"
    dossiers = run_service("dossiers", dossiers_env, var_dir=var_dir)

    eligible, unregistered = (
        campaign(campaigns, "PT-2026-A", eligible=True),
        campaign(campaigns, "PT-2026-B", eligible=False),
    )

    def known(campaign_id: str, version: int) -> bool:
        response = httpx.get(f"{dossiers.url}/campaigns/{campaign_id}", timeout=5)
        return response.status_code == 200 and response.json()["version"] == version

    await eventually(lambda: known(eligible, 4) and known(unregistered, 1), timeout=20)

    accepted_id, refused_id = thematic_dossier(dossiers, eligible), thematic_dossier(dossiers, unregistered)
    accepted = call(
        "POST", f"{dossiers.url}/dossiers/{accepted_id}/completeness-check", 200, json={}, headers=SECRETARY
    )
    refused = call("POST", f"{dossiers.url}/dossiers/{refused_id}/completeness-check", 200, json={}, headers=SECRETARY)
    assert accepted["status"] == "IN_APPRAISAL"
    assert refused["status"] == "REFUSED"
    assert any("chưa được đăng ký với UBND" in r for r in refused["refusal_reasons"])

    # Giấy khen's standard (Law Art. 75) shows in no record: the council's review confirms it first.
    standards = accepted["required_council_checks"]["n1"]
    check = {
        "confirmed": [c["key"] for c in standards],
        "meeting_date": accepted["received_on"],
        "minutes_ref": "Biên bản họp Hội đồng Thi đua – Khen thưởng xã số 05/BB",
    }
    call("POST", f"{dossiers.url}/dossiers/{accepted_id}/council-checks", 200, json=check, headers=SECRETARY)
    call("POST", f"{dossiers.url}/dossiers/{accepted_id}/appraisal", 200, json={}, headers=SECRETARY)
    decision = {"approve": ["n1"], "authority": "XA-THANH-OAI-2025", "authority_level": "COMMUNE"}
    awarded = call("POST", f"{dossiers.url}/dossiers/{accepted_id}/decision", 200, json=decision, headers=CHAIRMAN)
    assert awarded["status"] == "AWARDED" and awarded["decision"]["number"] == "1/QĐ-UBND"

    assert len(await _decided(jetstream, dossiers.url)) == 1
    # Stopped and started again on the same store, the relay resumes after what it published.
    dossiers.stop()
    restarted = run_service("dossiers", dossiers_env, var_dir=var_dir)
    await eventually(lambda: httpx.get(f"{restarted.url}/readyz", timeout=5).status_code == 200, timeout=20)
    messages = await _decided(jetstream, restarted.url)
    assert len(messages) == 1
    payload = json.loads(messages[0].data)
    jsonschema.validate(payload, contract_schemas()[("tdkt.award.decided", 1)])
    assert payload["dossier"]["dossier_id"] == accepted_id
    assert payload["dossier"]["campaign_id"] == eligible
    assert payload["decision_number"] == "1/QĐ-UBND"
    assert payload["approvals"][0]["cash_reward_vnd"] == 1_410_000  # 0.6 × 2,340,000 = 1,404,000, rounded up


async def _decided(js: JetStreamContext, service_url: str) -> list[Any]:
    """The award.decided messages once the dossiers' relay has published everything it stored:
    a re-sent copy would have landed by then, so de-duplication must have dropped it."""

    def published_all() -> bool:
        relay = httpx.get(f"{service_url}/readyz", timeout=5).json()["checks"].get("relay:dossiers")
        return isinstance(relay, dict) and relay.get("lag_events") == 0

    await eventually(published_all, timeout=20)
    await eventually(lambda: award_messages(js), timeout=20)
    return await award_messages(js)
