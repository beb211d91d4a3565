"""Campaigns use cases over the in-memory (POPO) event store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.campaigns.application import Campaigns
from services.campaigns.demo import CAMPAIGNS, demo_commands
from services.campaigns.domain.campaign import CampaignStatus, ReviewResult, campaign_id_for
from services.campaigns.domain.errors import CampaignError, CampaignNotFound, CampaignValidationError
from tests.support.campaigns import LEAD, NTM, POPO, REPORT, SECRETARIAT, campaign_app, launched


def test_application_is_named_campaigns() -> None:
    assert campaign_app().name == "Campaigns"


def test_draft_is_stored_and_read_back() -> None:
    app = campaign_app()
    campaign = app.draft(**NTM)
    stored = app.get(campaign.id)
    assert (stored.code, stored.version, stored.status) == ("PT-2023-NTM", 1, CampaignStatus.DRAFT)
    assert app.get_by_code("pt-2023-ntm").id == campaign.id == campaign_id_for("PT-2023-NTM")


def test_mutating_use_cases_return_the_saved_campaign() -> None:
    app = campaign_app()
    campaign = launched(app)
    campaign = app.file_interim_review(
        campaign.id, report=REPORT, summary="Sơ kết 6 tháng", filed_on=date(2023, 7, 10), actor=LEAD
    )
    campaign = app.file_final_review(
        campaign.id,
        report=replace(REPORT, number="200/BC-PKT"),
        summary="Tổng kết",
        filed_on=date(2024, 1, 10),
        actor=LEAD,
        results=[ReviewResult("Xã đạt chuẩn nông thôn mới nâng cao", Decimal(6))],
        proposed_collectives=2,
        proposed_individuals=9,
    )
    closed = app.close_campaign(campaign.id, closed_on=date(2024, 1, 20), actor=LEAD)
    assert (closed.version, closed.status) == (6, CampaignStatus.CLOSED)
    assert app.get(closed.id).version == 6


def test_unknown_lead_unit_is_a_validation_error_on_the_lead_unit_field() -> None:
    with pytest.raises(CampaignValidationError) as caught:
        campaign_app().draft(**{**NTM, "lead_unit_id": "PHONG-MA", "name": ""})
    assert caught.value.field_errors == {
        "lead_unit_id": "Không tìm thấy đơn vị có mã «PHONG-MA».",
        "name": "Tên phong trào không được để trống.",
    }


def test_lead_unit_must_exist_on_the_start_date() -> None:
    with pytest.raises(CampaignValidationError) as caught:
        campaign_app().draft(**{**NTM, "start_date": date(2026, 1, 1), "end_date": date(2026, 12, 31)})
    assert "không hoạt động" in caught.value.field_errors["lead_unit_id"]


def test_launching_level_must_be_a_known_authority_level() -> None:
    with pytest.raises(CampaignValidationError) as caught:
        campaign_app().draft(**{**NTM, "launching_level": "province"})
    assert set(caught.value.field_errors) == {"launching_level"}


def test_amend_checks_the_new_lead_unit() -> None:
    app = campaign_app()
    campaign = app.draft(**NTM)
    with pytest.raises(CampaignValidationError) as caught:
        app.amend(campaign.id, actor=LEAD, lead_unit_id="KHONG-CO")
    assert set(caught.value.field_errors) == {"lead_unit_id"}
    assert app.amend(campaign.id, actor=LEAD, lead_unit_id="pvhtt").lead_unit_id == "PVHTT"


def test_amend_without_changes_saves_nothing() -> None:
    app = campaign_app()
    campaign = app.draft(**NTM)
    assert app.amend(campaign.id, actor=LEAD, name=NTM["name"]).version == 1
    assert app.get(campaign.id).version == 1


def test_duplicate_code_refused() -> None:
    app = campaign_app()
    app.draft(**NTM)
    with pytest.raises(CampaignError) as caught:
        app.draft(**{**NTM, "code": "pt-2023-ntm", "name": "Bản khác"})
    assert caught.value.code == "duplicate_code"


def test_unknown_campaign_is_campaign_not_found() -> None:
    missing = campaign_id_for("KHONG-CO")
    with pytest.raises(CampaignNotFound) as caught:
        campaign_app().launch(missing, launched_on=date(2023, 1, 1), actor=LEAD)
    assert caught.value.message == f"Không tìm thấy phong trào thi đua có mã định danh {missing}."


def test_concurrent_change_is_a_conflict_not_a_lost_write(monkeypatch: pytest.MonkeyPatch) -> None:
    app = campaign_app()
    campaign = app.draft(**NTM)
    stale = app.get(campaign.id)  # loaded by a second clerk before the registration below
    app.register(campaign.id, registration_number="05", registered_on=date(2023, 1, 18), actor=SECRETARIAT)
    monkeypatch.setattr(app, "get", lambda *_args, **_kwargs: stale)
    with pytest.raises(CampaignError) as caught:
        app.cancel(campaign.id, reason="Trùng phong trào", cancelled_on=date(2023, 1, 18), actor=LEAD)
    assert caught.value.code == "concurrent_update"
    monkeypatch.undo()
    assert app.get(campaign.id).status == CampaignStatus.REGISTERED


def test_eligibility_is_computable_at_every_version() -> None:
    app = campaign_app()
    campaign = launched(app)
    app.file_interim_review(
        campaign.id, report=REPORT, summary="Sơ kết 6 tháng", filed_on=date(2023, 7, 10), actor=LEAD
    )
    views = [app.state_as_dict(app.get(campaign.id, version=v))["eligibility"] for v in (1, 2, 3, 4)]
    assert [[r["code"] for r in view["reasons"]] for view in views] == [
        ["not_registered", "no_review"],
        ["no_review"],
        ["no_review"],
        [],
    ]
    assert views[3]["eligible"] is True


def test_state_as_dict_is_json_ready() -> None:
    app = campaign_app(review_due_days=10)
    view = app.state_as_dict(launched(app))
    json.dumps(view)
    assert view["status"] == "launched" and view["status_label"] == "đã phát động"
    assert view["targets"][0]["target_value"] == "5"
    assert view["review_due_on"] == "2024-01-15"  # 10 working days after 31/12/2023
    assert view["registration"] == {"number": "05/ĐK-PNV", "registered_on": "2023-01-18"}


def test_overdue_sweep_flags_each_campaign_once() -> None:
    app = campaign_app(review_due_days=15)
    campaign = launched(app)
    app.draft(**{**NTM, "code": "PT-2023-KHAC"})
    assert app.flag_overdue_reviews(on=date(2024, 1, 22)) == []  # 15 working days after 31/12/2023
    assert app.flag_overdue_reviews(on=date(2024, 1, 23)) == [campaign.id]
    assert app.flag_overdue_reviews(on=date(2024, 1, 24)) == []
    assert app.flag_review_overdue(campaign.id, on=date(2024, 1, 25)).version == 4
    flagged = app.notification_log.select(
        start=1, limit=100, topics=["services.campaigns.domain.campaign:Campaign.ReviewOverdueFlagged"]
    )
    assert len(flagged) == 1


def test_search_by_lead_unit_kind_status_year_and_text() -> None:
    app = campaign_app()
    for command in demo_commands():
        getattr(app, command.method)(**command.kwargs)

    def codes(**filters: Any) -> list[str]:
        return [c.code for c in app.queries.search(**filters)]

    assert len(codes()) == len(CAMPAIGNS)
    assert codes(lead_unit_id="pnv") == ["PT-2023-NTVT", "PT-2023-CCHC"]
    assert codes(kind="periodic") == ["PT-2022-TCTC"]
    assert codes(status="closed") == ["PT-2023-NTVT"]
    assert codes(year=2024) == ["PT-2022-TCTC"]  # 2022–2025
    assert len(codes(year=2023)) == len(CAMPAIGNS)
    assert codes(text="nong thon moi") == ["PT-2023-NTM", "PT-2023-DSVH"]  # DSVH mentions it in its requirements
    assert codes(text="chung suc nong thon moi") == ["PT-2023-NTM"]
    assert "PT-2023-NTM" in codes(text="nông thôn")
    assert codes(text="quyet thang", status="launched") == ["PT-2023-QT"]


def test_demo_data_reaches_every_state_it_intends() -> None:
    app = campaign_app()
    for command in demo_commands():
        getattr(app, command.method)(**command.kwargs)
    status = {c.code: c.status for c in app.queries.search()}
    assert status["PT-2023-NTVT"] == CampaignStatus.CLOSED
    assert status["PT-2023-HTS"] == CampaignStatus.DRAFT
    assert status["PT-2023-SKTD"] == CampaignStatus.REGISTERED
    assert status["PT-2023-ANTQ"] == status["PT-2023-QT"] == CampaignStatus.LAUNCHED
    assert app.get_by_code("PT-2023-ANTQ").lead_unit_id == "CAH"
    assert app.get_by_code("PT-2023-QT").lead_unit_id == "BCHQS"
    assert len(app.get_by_code("PT-2023-VNN").registration_returns) == 1
    assert all("dữ liệu mẫu" in c["directive"].number for c in CAMPAIGNS if c["directive"])


def test_snapshots_rebuild_the_same_campaign() -> None:
    app = Campaigns(env={**POPO, "IS_SNAPSHOTTING_ENABLED": "y"})
    campaign = launched(app)
    app.take_snapshot(campaign.id)
    assert app.state_as_dict(app.get(campaign.id)) == app.state_as_dict(campaign)
    assert app.get(campaign.id).status is CampaignStatus.LAUNCHED
