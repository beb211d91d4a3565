"""The period summary on a small history whose numbers are worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from services.reporting.periods import quarter_period
from services.reporting.summary import SummaryOptions, summarize
from shared.contracts import campaigns as cc
from shared.contracts import dossiers as dc
from shared.reference.org_units import load_org_units
from tests.integration.reporting_tables.conftest import Projection
from tests.support.reporting_events import approval, campaign_event, dossier_event, nominee

UNITS = load_org_units()
Q1 = quarter_period(2023, 1)


def on(day: date) -> datetime:
    return datetime.combine(day, time(2, 0), UTC)


def history() -> list[Any]:
    c1 = {"campaign_id": "c-1"}
    c2 = {"campaign_id": "c-2", "kind": "regular", "lead_unit": cc.UnitInfo(code="PVHTT", name="Phòng Văn hóa")}
    d1 = {"dossier_id": "d-1", "received_on": date(2023, 3, 1), "appointment_date": date(2023, 3, 15)}
    d2 = {
        "dossier_id": "d-2",
        "proposing_unit": dc.UnitInfo(code="PKT", name="Phòng Kinh tế"),
        "channel": "ONLINE_PORTAL",
        "award_type": "AD_HOC",
        "kind": "AD_HOC",
        "procedure": "SIMPLIFIED",
        "campaign_id": None,
        "emulation_year": None,
        "received_on": date(2023, 3, 6),
        "appointment_date": date(2023, 3, 16),
        "feat_date": date(2023, 1, 2),
        "late_proposal": True,
        "days_after_feat": 63,
        "nominees": [nominee("n1", award="CERTIFICATE_OF_MERIT", is_direct_worker=False)],
    }
    d3 = {
        "dossier_id": "d-3",
        "proposing_unit": dc.UnitInfo(code="XA-CAO-VIEN", name="Xã Cao Viên"),
        "channel": "POST",
        "kind": "YEAR_END",
        "campaign_id": None,
        "received_on": date(2023, 3, 20),
        "nominees": [nominee("n1", award="CERTIFICATE_OF_MERIT")],
    }
    awarded = {**d1, "status": "AWARDED", "decision_number": "15/QĐ-UBND", "decision_date": date(2023, 3, 13)}
    return [
        campaign_event(
            cc.CampaignRegistered, 2, registration_number="01/ĐK-PNV", registered_on=date(2023, 1, 20), snapshot=c1
        ),
        campaign_event(cc.CampaignLaunched, 3, launched_on=date(2023, 2, 1), snapshot={**c1, "status": "launched"}),
        campaign_event(
            cc.CampaignFinalReviewFiled,
            5,
            report=cc.DocumentReferenceInfo(number="3/BC"),
            filed_on=date(2023, 2, 10),
            summary="Tổng kết",
            snapshot={**c2, "status": "final_reviewed", "review_due_on": date(2023, 2, 28)},
        ),
        dossier_event(dc.DossierSubmitted, 1, at=on(date(2023, 3, 1)), snapshot=d1),
        dossier_event(
            dc.DossierAcceptedAsComplete, 2, at=on(date(2023, 3, 2)), snapshot={**d1, "status": "IN_APPRAISAL"}
        ),
        dossier_event(
            dc.AwardDecided,
            3,
            at=on(date(2023, 3, 13)),
            decision_number="15/QĐ-UBND",
            decision_date=date(2023, 3, 13),
            authority="Chủ tịch UBND huyện",
            authority_level="DISTRICT",
            approvals=[approval("n1", "ADVANCED_WORKER", 540_000), approval("n2", "ADVANCED_COLLECTIVE", 1_440_000)],
            snapshot=awarded,
        ),
        dossier_event(
            dc.DossierResultReturned,
            4,
            at=on(date(2023, 3, 14)),
            returned_on=date(2023, 3, 14),
            snapshot={**awarded, "status": "RESULT_RETURNED"},
        ),
        dossier_event(dc.DossierSubmitted, 1, at=on(date(2023, 3, 6)), snapshot=d2),
        dossier_event(
            dc.DossierSupplementRequested,
            2,
            at=on(date(2023, 3, 7)),
            missing=["Tóm tắt thành tích"],
            snapshot={**d2, "status": "AWAITING_SUPPLEMENT", "appointment_date": None},
        ),
        dossier_event(
            dc.DossierSupplemented,
            3,
            at=on(date(2023, 3, 9)),
            appointment_date=date(2023, 3, 21),
            snapshot={**d2, "appointment_date": date(2023, 3, 21)},
        ),
        dossier_event(
            dc.DossierRefused,
            4,
            at=on(date(2023, 3, 22)),
            reasons=["Không đủ điều kiện"],
            snapshot={**d2, "status": "REFUSED", "appointment_date": date(2023, 3, 21)},
        ),
        dossier_event(dc.DossierSubmitted, 1, at=on(date(2023, 3, 20)), snapshot=d3),
        dossier_event(
            dc.DossierWithdrawn, 2, at=on(date(2023, 3, 25)), reason="Rút", snapshot={**d3, "status": "WITHDRAWN"}
        ),
    ]


@pytest.fixture
def fed(projection: Projection) -> Projection:
    projection.feed(*history())
    return projection


def summary(projection: Projection, group_by: str = "none") -> dict[str, Any]:
    return summarize(projection.live.engine, [Q1], SummaryOptions(group_by, 10), UNITS)[0]


def test_the_quarter_in_figures(fed: Projection) -> None:
    communes = [u for u in UNITS.all() if u.kind in ("commune", "township") and u.is_active_on(date(2023, 12, 31))]
    assert summary(fed)["total"] == {
        "campaigns_launched": 1,
        "campaigns_registered": 1,
        "campaigns_final_reviews_filed": 1,
        "campaigns_reviewed_on_time": 1,
        "campaigns_review_overdue": 0,
        "thematic_campaigns_not_eligible": 1,
        "dossiers_received": 3,
        "dossiers_complete_first_time": 1,
        "dossiers_supplement_requested": 1,
        "dossiers_supplemented": 1,
        "dossiers_refused": 1,
        "dossiers_withdrawn": 1,
        "dossiers_decided": 1,
        "dossiers_awarded": 1,
        "dossiers_rejected": 0,
        "nominees_proposed": 4,
        "nominees_awarded": 2,
        "awards_annulled": 0,
        "results_returned": 2,
        "processing_days_median": 9.5,  # 9 working days (d-1) and 12 − 2 waiting for the supplement (d-2)
        "processing_days_p90": 10.0,
        "results_on_time": 1,
        "results_with_appointment": 2,
        "results_on_time_share": 50.0,
        "awarded_individuals": 1,
        "awarded_direct_workers": 1,
        "direct_worker_share": 100.0,
        "awarded_collectives": 1,
        "awarded_small_collectives": 1,
        "small_collective_share": 100.0,
        "ad_hoc_dossiers": 1,
        "ad_hoc_late": 1,
        "ad_hoc_late_share": 100.0,
        "communes_without_advanced_worker": len(communes) - 1,  # Bích Hòa has one
        "cash_reward_vnd": 1_980_000,
        "awards_without_cash_amount": 0,
        "cash_recovered_vnd": 0,
    }


def test_the_communes_without_an_advanced_worker_are_listed_by_name(fed: Projection) -> None:
    listed = summary(fed)["details"]["communes_without_advanced_worker"]
    assert listed["year"] == 2023
    names = [c["name"] for c in listed["communes"]]
    assert "Xã Cao Viên" in names and "Xã Bích Hòa" not in names
    assert not any(c["code"].endswith("-2025") for c in listed["communes"])  # merged communes came later


def test_by_award_a_dossier_counts_under_each_award_it_proposes(fed: Projection) -> None:
    answer = summary(fed, "award")
    groups = {g["label"]: g["values"] for g in answer["groups"]}
    assert {k: v["dossiers_received"] for k, v in groups.items()} == {
        "Giấy khen": 2,
        "Lao động tiên tiến": 1,
        "Tập thể lao động tiên tiến": 1,
    }
    assert answer["total"]["dossiers_received"] == 3
    assert groups["Lao động tiên tiến"]["cash_reward_vnd"] == 540_000
    assert groups["Giấy khen"]["campaigns_launched"] is None  # campaigns are not split by award


def test_by_lead_unit_dossiers_follow_their_campaign(fed: Projection) -> None:
    groups = {g["label"]: g["values"] for g in summary(fed, "lead_unit")["groups"]}
    assert list(groups) == ["Phòng Kinh tế", "Phòng Văn hóa và Thông tin", "Không thuộc phong trào thi đua"]
    assert groups["Phòng Kinh tế"]["dossiers_received"] == 1
    assert groups["Phòng Kinh tế"]["campaigns_launched"] == 1
    assert groups["Phòng Văn hóa và Thông tin"]["campaigns_reviewed_on_time"] == 1
    assert groups["Không thuộc phong trào thi đua"]["dossiers_received"] == 2


def test_a_dossier_whose_campaign_has_not_arrived_is_shown_as_unknown(projection: Projection) -> None:
    projection.feed(*[e for e in history() if not e.subject.startswith("tdkt.campaign.")])
    groups = {g["key"]: g for g in summary(projection, "lead_unit")["groups"]}
    assert groups["?"]["label"] == "Chưa rõ (chưa nhận được sự kiện của phong trào)"
    assert groups["?"]["values"]["dossiers_received"] == 1
