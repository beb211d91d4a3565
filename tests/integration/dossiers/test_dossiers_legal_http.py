"""The legal rules of who decides, council checks, revotes and succession, as a clerk meets them
over HTTP: Vietnamese messages, 409 for what the law forbids, 422 for what the request gets wrong,
nothing stored when refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from services.dossiers.app import build_app
from services.dossiers.settings import DossiersSettings
from shared.testing.fixtures import wait_until
from shared.workdays import VIETNAM_TZ

from .payloads import (
    CHAIRMAN,
    SECRETARY,
    PinnedClock,
    act,
    annual_body,
    appraised,
    collective,
    in_appraisal,
    individual,
    ok,
    submit,
)


def test_a_district_office_cannot_sign_a_decision(client: TestClient) -> None:
    """Law 06/2022 Art. 80.1: Phòng Nội vụ has no award power of its own, whatever the request says."""
    dossier = appraised(client)
    claimed = {"approve": ["n1", "n2"], "authority": "PNV", "authority_level": "DEPARTMENT"}
    response = act(client, dossier["id"], "decision", claimed, CHAIRMAN)
    assert response.status_code == 422
    assert "Phòng Nội vụ" in response.json()["errors"]["authority_level"]
    response = act(client, dossier["id"], "decision", {"approve": ["n1", "n2"], "authority": "PNV"}, CHAIRMAN)
    assert response.status_code == 409 and response.json()["code"] == "no_award_power"
    assert "không có thẩm quyền quyết định khen thưởng" in response.json()["detail"]
    assert client.get(f"/dossiers/{dossier['id']}").json()["version"] == dossier["version"]


def test_the_level_comes_from_the_org_unit_data(client: TestClient) -> None:
    """Law Art. 80.2: the body may omit `authority` and `authority_level`: the signer is the
    authority the dossier is addressed to, at the level the org-unit data records."""
    dossier = appraised(client)
    assert dossier["deciding_authority"] == "UBND-THANH-OAI"
    assert dossier["deciding_authority_name"] == "Ủy ban nhân dân huyện Thanh Oai"
    decided = ok(act(client, dossier["id"], "decision", {"approve": ["n1", "n2"]}, CHAIRMAN))
    assert (decided["decision"]["authority"], decided["decision"]["authority_level"]) == ("UBND-THANH-OAI", "DISTRICT")
    assert decided["decision"]["approvals"][0]["cash_reward_vnd"] == 540_000  # 0.3 × 1,800,000 (June 2024)


def test_the_council_records_the_standards_no_record_shows(client: TestClient) -> None:
    """Law Art. 75 (Giấy khen): the standard is judged by the council; the view lists what it must
    confirm, an appraisal without it fails, and a second record needs a reason."""
    dossier = in_appraisal(client, kind="YEAR_END", nominees=[collective()])
    (standard,) = dossier["required_council_checks"]["n1"]
    assert standard["key"] == "certificate_merit"
    failed = ok(act(client, dossier["id"], "appraisal"))
    assert failed["appraisals"]["n1"]["passed"] is False
    body = {"confirmed": ["certificate_merit"], "meeting_date": "2024-06-03", "minutes_ref": "BB 01/HĐTĐKT"}
    checked = ok(act(client, dossier["id"], "council-checks", body))
    assert checked["council_checks"]["n1"]["confirmed"] == ["certificate_merit"]
    again = act(client, dossier["id"], "council-checks", body)
    assert again.status_code == 422 and "phải nêu lý do" in again.json()["errors"]["reason"]
    passed = ok(act(client, dossier["id"], "appraisal"))
    assert passed["appraisals"]["n1"]["passed"] is True


def test_a_revote_needs_its_reason_and_keeps_the_first_ballot(client: TestClient) -> None:
    """NĐ 98/2023 Art. 30.7 (the ballot minuted): a second ballot is a revote, never an overwrite."""
    dossier = appraised(client)
    ballot = {"nominee_id": "n2", "members_total": 9, "votes_for": 6, "votes_against": 3, "absent_in_writing": 0}
    response = act(client, dossier["id"], "council-votes", ballot)
    assert response.status_code == 422 and "bỏ phiếu lại phải nêu lý do" in response.json()["errors"]["reason"]
    revoted = ok(act(client, dossier["id"], "council-votes", {**ballot, "reason": "Phát hiện đơn thư phản ánh"}))
    rounds = revoted["vote_history"]["n2"]
    assert [(r["votes_for"], r["ballot_round"]) for r in rounds] == [(9, 1), (6, 2)]
    assert revoted["votes"]["n2"]["passed"] is False


@pytest.fixture
def june_2025(dossiers_settings: DossiersSettings) -> Iterator[tuple[TestClient, PinnedClock]]:
    clock = PinnedClock(datetime(2025, 6, 25, 9, 0, tzinfo=VIETNAM_TZ))
    with TestClient(build_app(dossiers_settings, clock=clock)) as client:
        yield client, clock


def test_a_dossier_pending_at_the_ended_district_passes_to_its_successor(june_2025) -> None:
    """NĐ 129/2025 Art. 59 and NQ 1656/NQ-UBTVQH15 Art. 1 point 65: xã Bích Hòa's dossier, pending at
    the district on 30/6/2025, passes to xã Bình Minh; the district chairman can no longer sign."""
    client, clock = june_2025
    one = submit(client, annual_body(client, nominees=[individual()]))
    two = submit(client, annual_body(client, nominees=[individual()]))
    assert one["deciding_authority"] == "UBND-THANH-OAI"
    early = act(client, one["id"], "successor", {})
    assert early.status_code == 409 and early.json()["code"] == "authority_still_in_office"
    clock.advance(days=7)  # 2/7/2025
    moved = ok(act(client, one["id"], "successor", {}))
    assert (moved["deciding_authority"], moved["deciding_authority_name"]) == (
        "XA-BINH-MINH-2025",
        "Ủy ban nhân dân xã Bình Minh",
    )
    assert moved["successions"] == [{"from": "UBND-THANH-OAI", "to": "XA-BINH-MINH-2025", "ended_on": "2025-06-30"}]
    swept = client.post("/dossiers/successions", headers=SECRETARY)
    assert swept.status_code == 200
    assert [(r["id"], r["to"]) for r in swept.json()] == [(two["id"], "XA-BINH-MINH-2025")]
    types = [h["type"] for h in client.get(f"/dossiers/{two['id']}/history").json()]
    assert types[-1] == "PassedToSuccessor"


def test_the_running_service_hands_pending_dossiers_over_by_itself(dossiers_settings: DossiersSettings) -> None:
    """NĐ 129/2025 Art. 59: once the district has ended, the service's sweep passes its pending
    dossiers to their successors, as the system, with the event that says so."""
    clock = PinnedClock(datetime(2025, 6, 25, 9, 0, tzinfo=VIETNAM_TZ))
    settings = dossiers_settings.model_copy(update={"dossiers_succession_sweep_seconds": 0.2})
    with TestClient(build_app(settings, clock=clock)) as client:
        dossier = submit(client, annual_body(client, nominees=[individual()]))
        clock.advance(days=7)

        def handed_over() -> bool:
            return client.get(f"/dossiers/{dossier['id']}").json()["deciding_authority"] == "XA-BINH-MINH-2025"

        wait_until(handed_over, timeout=15)
        last = client.get(f"/dossiers/{dossier['id']}/history").json()[-1]
        assert (last["type"], last["actor"]["role"]) == ("PassedToSuccessor", "system")
