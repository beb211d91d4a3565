"""Campaign life, as given–when–then specs: given past events, when a command, then new events or an error."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from services.campaigns.domain.campaign import (
    Campaign,
    CampaignStatus,
    DocumentReference,
    MovementKind,
    ReviewResult,
    Stage,
    Target,
    campaign_id_for,
    is_review_overdue,
    review_due_date,
)
from services.campaigns.domain.errors import CampaignError, CampaignValidationError
from shared.actor import Actor

AT = datetime(2023, 1, 10, 9, 0, tzinfo=UTC)
"""When each step is recorded; the legal dates are separate fields."""
LEAD = Actor(id="nv.pkt", role="lead_unit_officer", unit="PKT")
SECRETARIAT = Actor(id="cv.pnv", role="council_secretariat", unit="PNV")
SYSTEM = Actor(id="scheduler", role="system")

DRAFT: dict[str, Any] = {
    "code": "pt-2023-ntm",
    "name": "Toàn dân chung sức xây dựng Nông thôn mới",
    "lead_unit_id": "PKT",
    "kind": MovementKind.THEMATIC,
    "launching_level": "district",
    "actor": LEAD,
    "at": AT,
    "purpose": "Huy động cả hệ thống chính trị xây dựng nông thôn mới nâng cao.",
    "requirements": "Bám sát bộ tiêu chí nông thôn mới nâng cao của thành phố.",
    "content": "Xây dựng đường giao thông nông thôn, chỉnh trang khu dân cư.",
    "targets": [
        Target("Xã đạt chuẩn nông thôn mới nâng cao", Decimal(5), "xã"),
        Target("Nhà văn hóa thôn được cải tạo", Decimal("12"), "nhà"),
    ],
    "start_date": date(2023, 1, 15),
    "end_date": date(2023, 12, 31),
    "directive": DocumentReference("03/CT-UBND", date(2023, 1, 9), "Chủ tịch UBND huyện"),
    "plan": DocumentReference("15/KH-UBND", date(2023, 1, 12)),
}
REPORT = DocumentReference("120/BC-PKT", date(2024, 1, 10))
RESULTS = [
    ReviewResult("Xã đạt chuẩn nông thôn mới nâng cao", Decimal(6)),
    ReviewResult("Nhà văn hóa thôn được cải tạo", Decimal("12"), "Đạt"),
]


# --------------------------------------------------------------------------- givens


def given_drafted(**overrides: Any) -> Campaign:
    campaign = Campaign.draft(**{**DRAFT, **overrides})
    campaign.collect_events()
    return campaign


def given_registered(**overrides: Any) -> Campaign:
    campaign = given_drafted(**overrides)
    campaign.register(registration_number="05/ĐK-PNV", registered_on=date(2023, 1, 18), actor=SECRETARIAT, at=AT)
    campaign.collect_events()
    return campaign


def given_launched(**overrides: Any) -> Campaign:
    campaign = given_registered(**overrides)
    campaign.launch(launched_on=date(2023, 1, 20), actor=LEAD, at=AT)
    campaign.collect_events()
    return campaign


def given_final_reviewed() -> Campaign:
    campaign = given_launched()
    campaign.file_final_review(
        report=REPORT,
        summary="Hoàn thành",
        results=RESULTS,
        filed_on=date(2024, 1, 10),
        actor=LEAD,
        at=AT,
        proposed_collectives=3,
        proposed_individuals=12,
    )
    campaign.collect_events()
    return campaign


def given_cancelled(campaign: Campaign) -> Campaign:
    campaign.cancel(reason="Trùng với phong trào của thành phố", cancelled_on=date(2023, 3, 1), actor=LEAD, at=AT)
    campaign.collect_events()
    return campaign


def then_events(campaign: Campaign) -> list[Any]:
    return campaign.collect_events()


def then_refused(code: str, when: Any) -> CampaignError:
    with pytest.raises(CampaignError) as caught:
        when()
    assert caught.value.code == code
    assert caught.value.message  # Vietnamese text for the clerk
    return caught.value


def then_invalid(when: Any) -> dict[str, str]:
    with pytest.raises(CampaignValidationError) as caught:
        when()
    return caught.value.field_errors


# --------------------------------------------------------------------------- draft


def test_draft_records_drafted_with_actor_and_normalised_values() -> None:
    campaign = Campaign.draft(**DRAFT)
    [drafted] = then_events(campaign)
    assert isinstance(drafted, Campaign.Drafted)
    assert drafted.actor == LEAD
    assert drafted.code == "PT-2023-NTM"
    assert drafted.targets[1] == {
        "indicator": "Nhà văn hóa thôn được cải tạo",
        "target_value": "12",
        "unit_of_measure": "nhà",
    }
    assert drafted.plan["issued_on"] == "2023-01-12"
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.kind is MovementKind.THEMATIC
    assert campaign.targets[0].target_value == Decimal(5)


def test_campaign_id_is_derived_from_code_so_codes_are_unique() -> None:
    assert Campaign.draft(**DRAFT).id == campaign_id_for(" PT-2023-ntm ")


def test_draft_refused_with_a_message_per_broken_rule() -> None:
    """Typed values may still break the rules: the aggregate names every one (the edge parses
    the shapes: tests/unit/campaigns/test_edge_parsing.py)."""
    errors = then_invalid(
        lambda: Campaign.draft(
            **{
                **DRAFT,
                "code": "phong trào 1",
                "name": "  ",
                "end_date": date(2023, 1, 1),
                "targets": [Target("", Decimal(-1), "xã")],
                "directive": DocumentReference("03/CT-UBND", date(2023, 1, 9)),
                "plan": DocumentReference(" ", None),
            }
        )
    )
    assert errors == {
        "code": "Mã phong trào chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ / - (2–40 ký tự).",
        "name": "Tên phong trào không được để trống.",
        "end_date": "Ngày kết thúc phải sau ngày bắt đầu.",
        "targets[0].indicator": "Tên chỉ tiêu không được để trống.",
        "targets[0].target_value": "Giá trị chỉ tiêu không được âm.",
        "directive.signer": "Người ký văn bản chỉ đạo không được để trống.",
        "plan.number": "Số hiệu kế hoạch không được để trống.",
        "plan.issued_on": "Ngày ban hành kế hoạch không được để trống.",
    }


def test_draft_refused_for_repeated_targets_and_a_blank_launching_level() -> None:
    twice = Target("xã đạt chuẩn nông thôn mới nâng cao", Decimal(1), "xã")
    errors = then_invalid(
        lambda: Campaign.draft(**{**DRAFT, "launching_level": " ", "targets": [*DRAFT["targets"], twice]})
    )
    assert errors == {
        "launching_level": "Cấp phát động không được để trống.",
        "targets[2].indicator": "Chỉ tiêu «xã đạt chuẩn nông thôn mới nâng cao» bị trùng.",
    }


def test_draft_refused_when_stage_outside_timeline_or_repeated() -> None:
    stages = [
        Stage(1, "Đợt 1", date(2023, 1, 1), date(2023, 6, 30)),
        Stage(1, "Đợt 2", date(2023, 7, 1), date(2024, 2, 1)),
    ]
    errors = then_invalid(lambda: Campaign.draft(**{**DRAFT, "kind": MovementKind.PERIODIC, "stages": stages}))
    assert set(errors) == {"stages[0].start_date", "stages[1].number", "stages[1].end_date"}


def test_draft_may_leave_plan_details_open() -> None:
    campaign = Campaign.draft(
        code="PT-X",
        name="Phong trào mới",
        lead_unit_id="PYT",
        kind=MovementKind.REGULAR,
        launching_level="district",
        actor=LEAD,
        at=AT,
    )
    assert campaign.targets == () and campaign.start_date is None and campaign.directive is None


# --------------------------------------------------------------------------- amend


def test_amend_records_only_the_changed_fields() -> None:
    campaign = given_drafted()
    changed = campaign.amend(
        actor=LEAD,
        at=AT,
        reason="Điều chỉnh tên",
        name="Chung sức xây dựng Nông thôn mới",
        kind=MovementKind.THEMATIC,
        end_date=date(2023, 11, 30),
    )
    [amended] = then_events(campaign)
    assert changed is True
    assert isinstance(amended, Campaign.Amended)
    assert amended.changes == {"name": "Chung sức xây dựng Nông thôn mới", "end_date": "2023-11-30"}
    assert amended.reason == "Điều chỉnh tên"
    assert campaign.end_date == date(2023, 11, 30)


def test_amend_with_nothing_changed_records_nothing() -> None:
    campaign = given_drafted()
    assert campaign.amend(actor=LEAD, at=AT, name=DRAFT["name"]) is False
    assert then_events(campaign) == []


def test_amend_refused_for_the_code_and_unknown_fields() -> None:
    errors = then_invalid(lambda: given_drafted().amend(actor=LEAD, at=AT, code="PT-KHAC", colour="đỏ"))
    assert set(errors) == {"code", "colour"}


def test_amend_checks_the_timeline_against_current_dates() -> None:
    errors = then_invalid(lambda: given_drafted().amend(actor=LEAD, at=AT, end_date=date(2023, 1, 1)))
    assert errors == {"end_date": "Ngày kết thúc phải sau ngày bắt đầu."}


def test_amend_allowed_after_registration_and_keeps_it() -> None:
    campaign = given_registered()
    campaign.amend(actor=LEAD, at=AT, content="Nội dung bổ sung: xây dựng mô hình thôn thông minh.")
    assert campaign.status == CampaignStatus.REGISTERED and campaign.registration is not None


def test_amend_refused_after_launch() -> None:
    then_refused("amend_not_allowed", lambda: given_launched().amend(actor=LEAD, at=AT, name="Tên khác"))


def test_drafted_event_is_not_changed_by_later_amendments() -> None:
    campaign = Campaign.draft(**DRAFT)
    campaign.amend(actor=LEAD, at=AT, targets=[Target("Chỉ tiêu mới", Decimal(1), "xã")])
    drafted, _ = campaign.collect_events()
    assert [t["indicator"] for t in drafted.targets] == [t.indicator for t in DRAFT["targets"]]


# --------------------------------------------------------------------------- registration


def test_register_records_number_and_date() -> None:
    campaign = given_drafted()
    campaign.register(registration_number=" 05/ĐK-PNV ", registered_on=date(2023, 1, 18), actor=SECRETARIAT, at=AT)
    [registered] = then_events(campaign)
    assert isinstance(registered, Campaign.Registered)
    assert (registered.registration_number, registered.registered_on) == ("05/ĐK-PNV", date(2023, 1, 18))
    assert registered.actor == SECRETARIAT
    assert campaign.status == CampaignStatus.REGISTERED


def test_register_refused_when_already_registered() -> None:
    error = then_refused(
        "already_registered",
        lambda: given_registered().register(
            registration_number="06", registered_on=date(2023, 2, 1), actor=SECRETARIAT, at=AT
        ),
    )
    assert "đã được đăng ký" in error.message


def test_register_requires_a_number() -> None:
    errors = then_invalid(
        lambda: given_drafted().register(
            registration_number="", registered_on=date(2023, 1, 18), actor=SECRETARIAT, at=AT
        )
    )
    assert errors == {"registration_number": "Số đăng ký không được để trống."}


def test_returned_registration_can_be_amended_and_registered_again() -> None:
    campaign = given_drafted(plan=None)
    campaign.return_registration(reasons=["Chưa có kế hoạch."], returned_on=date(2023, 1, 16), actor=SECRETARIAT, at=AT)
    assert campaign.status == CampaignStatus.REGISTRATION_RETURNED
    campaign.amend(actor=LEAD, at=AT, plan=DocumentReference("15/KH-UBND", date(2023, 1, 17)))
    assert campaign.status == CampaignStatus.DRAFT
    campaign.register(registration_number="05/ĐK-PNV", registered_on=date(2023, 1, 18), actor=SECRETARIAT, at=AT)
    events = then_events(campaign)
    assert [type(e).__name__ for e in events] == ["RegistrationReturned", "Amended", "Registered"]
    assert events[0].reasons == ["Chưa có kế hoạch."]
    assert campaign.registration_returns[0].returned_on == date(2023, 1, 16)


def test_return_registration_requires_a_reason() -> None:
    errors = then_invalid(
        lambda: given_drafted().return_registration(reasons=[], returned_on=date(2023, 1, 16), actor=SECRETARIAT, at=AT)
    )
    assert "reasons" in errors


def test_return_registration_refused_once_registered() -> None:
    then_refused(
        "already_registered",
        lambda: given_registered().return_registration(
            reasons=["Sai"], returned_on=date(2023, 2, 1), actor=SECRETARIAT, at=AT
        ),
    )


# --------------------------------------------------------------------------- launch


def test_launch_refused_before_registration() -> None:
    error = then_refused(
        "not_registered", lambda: given_drafted().launch(launched_on=date(2023, 1, 20), actor=LEAD, at=AT)
    )
    assert "chưa được đăng ký" in error.message


def test_launch_refused_on_a_date_before_registration() -> None:
    errors = then_invalid(lambda: given_registered().launch(launched_on=date(2023, 1, 2), actor=LEAD, at=AT))
    assert errors == {"launched_on": "Ngày này không được trước ngày đăng ký (18/01/2023)."}


def test_launch_records_launched() -> None:
    campaign = given_registered()
    campaign.launch(launched_on=date(2023, 1, 20), actor=LEAD, at=AT)
    [launched] = then_events(campaign)
    assert isinstance(launched, Campaign.Launched) and launched.launched_on == date(2023, 1, 20)
    assert campaign.status == CampaignStatus.LAUNCHED


def test_launch_twice_refused() -> None:
    then_refused("already_launched", lambda: given_launched().launch(launched_on=date(2023, 2, 1), actor=LEAD, at=AT))


# --------------------------------------------------------------------------- reviews


def test_interim_review_refused_before_launch() -> None:
    then_refused(
        "not_launched",
        lambda: given_registered().file_interim_review(
            report=REPORT, summary="Sơ kết", filed_on=date(2023, 7, 1), actor=LEAD, at=AT
        ),
    )


def test_interim_review_records_report_summary_and_results() -> None:
    campaign = given_launched()
    campaign.file_interim_review(
        report=REPORT,
        summary="Sơ kết 6 tháng",
        filed_on=date(2023, 7, 10),
        actor=LEAD,
        at=AT,
        results=RESULTS[:1],
        proposed_individuals=4,
    )
    [filed] = then_events(campaign)
    assert isinstance(filed, Campaign.InterimReviewFiled)
    assert filed.report["number"] == "120/BC-PKT" and filed.stage is None
    assert filed.results == [{"indicator": RESULTS[0].indicator, "achieved_value": "6", "note": ""}]
    assert campaign.interim_reviews[0].proposed_individuals == 4


def test_interim_review_names_one_of_the_stages_once() -> None:
    stages = [
        Stage(1, "Học kỳ II", date(2023, 1, 15), date(2023, 5, 31)),
        Stage(2, "Học kỳ I", date(2023, 9, 5), date(2023, 12, 31)),
    ]
    campaign = given_launched(kind=MovementKind.PERIODIC, stages=stages)
    review = {"report": REPORT, "summary": "Sơ kết đợt", "filed_on": date(2023, 6, 15), "actor": LEAD, "at": AT}
    assert "stage" in then_invalid(lambda: campaign.file_interim_review(**review))
    assert then_invalid(lambda: campaign.file_interim_review(stage=3, **review)) == {
        "stage": "Phong trào không có đợt số 3."
    }
    campaign.file_interim_review(stage=1, **review)
    assert [e.stage for e in then_events(campaign)] == [1]
    then_refused("stage_already_reviewed", lambda: campaign.file_interim_review(stage=1, **review))


def test_review_refused_on_cancelled_campaign() -> None:
    campaign = given_cancelled(given_launched())
    then_refused(
        "campaign_cancelled",
        lambda: campaign.file_interim_review(
            report=REPORT, summary="Sơ kết", filed_on=date(2023, 7, 1), actor=LEAD, at=AT
        ),
    )
    then_refused(
        "campaign_cancelled",
        lambda: campaign.file_final_review(
            report=REPORT, summary="Tổng kết", filed_on=date(2024, 1, 1), actor=LEAD, at=AT
        ),
    )


def test_final_review_needs_a_result_for_every_target() -> None:
    errors = then_invalid(
        lambda: given_launched().file_final_review(
            report=REPORT, summary="Tổng kết", results=RESULTS[:1], filed_on=date(2024, 1, 10), actor=LEAD, at=AT
        )
    )
    assert errors == {"results": "Báo cáo tổng kết thiếu kết quả của chỉ tiêu: Nhà văn hóa thôn được cải tạo."}


def test_review_results_must_name_a_target() -> None:
    errors = then_invalid(
        lambda: given_launched().file_interim_review(
            report=REPORT,
            summary="Sơ kết",
            filed_on=date(2023, 7, 1),
            actor=LEAD,
            at=AT,
            results=[ReviewResult("Chỉ tiêu lạ", Decimal(1))],
        )
    )
    assert errors == {"results[0].indicator": "Phong trào không có chỉ tiêu «Chỉ tiêu lạ»."}


def test_final_review_records_results_and_proposals() -> None:
    campaign = given_launched()
    campaign.file_final_review(
        report=REPORT,
        summary="Hoàn thành",
        results=RESULTS,
        filed_on=date(2024, 1, 10),
        actor=LEAD,
        at=AT,
        proposed_collectives=3,
        proposed_individuals=12,
    )
    [filed] = then_events(campaign)
    assert isinstance(filed, Campaign.FinalReviewFiled)
    assert (filed.proposed_collectives, filed.proposed_individuals) == (3, 12)
    assert campaign.status == CampaignStatus.FINAL_REVIEWED
    assert campaign.final_review.results[0].achieved_value == Decimal(6)


def test_second_final_review_refused() -> None:
    then_refused(
        "final_review_already_filed",
        lambda: given_final_reviewed().file_final_review(
            report=REPORT, summary="Lần 2", results=RESULTS, filed_on=date(2024, 1, 11), actor=LEAD, at=AT
        ),
    )


def test_interim_review_refused_after_final_review() -> None:
    then_refused(
        "final_review_already_filed",
        lambda: given_final_reviewed().file_interim_review(
            report=REPORT, summary="Sơ kết muộn", filed_on=date(2024, 1, 11), actor=LEAD, at=AT
        ),
    )


def test_final_review_correction_is_a_new_event_with_a_reason() -> None:
    campaign = given_final_reviewed()
    corrected = [replace(RESULTS[0], achieved_value=Decimal(7)), RESULTS[1]]
    campaign.correct_final_review(
        report=REPORT,
        summary="Hoàn thành (sửa số liệu)",
        results=corrected,
        filed_on=date(2024, 1, 12),
        reason="Sai số liệu xã đạt chuẩn",
        actor=LEAD,
        at=AT,
    )
    [event] = then_events(campaign)
    assert isinstance(event, Campaign.FinalReviewCorrected) and event.reason == "Sai số liệu xã đạt chuẩn"
    assert campaign.final_review.results[0].achieved_value == Decimal(7)


def test_final_review_correction_refused_without_a_final_review() -> None:
    then_refused(
        "final_review_missing",
        lambda: given_launched().correct_final_review(
            report=REPORT, summary="x", results=RESULTS, filed_on=date(2024, 1, 12), reason="x", actor=LEAD, at=AT
        ),
    )


def test_documents_can_be_attached_after_launch() -> None:
    campaign = given_launched(plan=None)
    campaign.attach_documents(
        plan=DocumentReference("40/KH-UBND", date(2023, 2, 1)),
        actor=LEAD,
        at=AT,
        reason="Kế hoạch ban hành sau lễ phát động",
    )
    [attached] = then_events(campaign)
    assert isinstance(attached, Campaign.DocumentsAttached) and attached.directive is None
    assert campaign.plan.number == "40/KH-UBND"


# --------------------------------------------------------------------------- close and cancel


def test_close_refused_without_final_review() -> None:
    error = then_refused(
        "final_review_missing", lambda: given_launched().close(closed_on=date(2024, 1, 20), actor=LEAD, at=AT)
    )
    assert "chưa có báo cáo tổng kết" in error.message


def test_close_after_final_review() -> None:
    campaign = given_final_reviewed()
    campaign.close(closed_on=date(2024, 1, 20), actor=LEAD, at=AT)
    [closed] = then_events(campaign)
    assert isinstance(closed, Campaign.Closed) and campaign.status == CampaignStatus.CLOSED


def test_cancel_records_the_reason() -> None:
    campaign = given_registered()
    campaign.cancel(reason="Trùng phong trào của thành phố", cancelled_on=date(2023, 2, 1), actor=LEAD, at=AT)
    [cancelled] = then_events(campaign)
    assert isinstance(cancelled, Campaign.Cancelled) and cancelled.reason == "Trùng phong trào của thành phố"
    assert campaign.cancellation.cancelled_on == date(2023, 2, 1)


def test_cancel_requires_a_reason() -> None:
    errors = then_invalid(lambda: given_drafted().cancel(reason=" ", cancelled_on=date(2023, 2, 1), actor=LEAD, at=AT))
    assert errors == {"reason": "Lý do hủy không được để trống."}


def test_cancel_refused_after_closing() -> None:
    campaign = given_final_reviewed()
    campaign.close(closed_on=date(2024, 1, 20), actor=LEAD, at=AT)
    then_refused(
        "campaign_closed", lambda: campaign.cancel(reason="Muộn", cancelled_on=date(2024, 2, 1), actor=LEAD, at=AT)
    )


def test_cancelled_campaign_refuses_every_change() -> None:
    campaign = given_cancelled(given_drafted())
    then_refused(
        "already_cancelled", lambda: campaign.cancel(reason="Lần 2", cancelled_on=date(2023, 3, 2), actor=LEAD, at=AT)
    )
    then_refused(
        "campaign_cancelled",
        lambda: campaign.register(registration_number="1", registered_on=date(2023, 3, 2), actor=SECRETARIAT, at=AT),
    )
    then_refused("campaign_cancelled", lambda: campaign.amend(actor=LEAD, at=AT, name="Tên mới"))


# --------------------------------------------------------------------------- review deadline


def test_review_due_date_counts_working_days_after_the_end_date() -> None:
    # 1/1/2024 is a holiday: 20 working days from 2/1 end on 29/1; 10 on 15/1.
    assert review_due_date(date(2023, 12, 31)) == date(2024, 1, 29)
    assert review_due_date(date(2023, 12, 31), review_due_days=10) == date(2024, 1, 15)


def test_overdue_only_after_the_due_date_while_launched_without_final_review() -> None:
    campaign = given_launched()
    assert not is_review_overdue(campaign, date(2024, 1, 29))
    assert is_review_overdue(campaign, date(2024, 1, 30))
    assert is_review_overdue(campaign, date(2024, 1, 16), review_due_days=10)
    assert not is_review_overdue(given_final_reviewed(), date(2024, 6, 1))
    assert not is_review_overdue(given_registered(), date(2024, 6, 1))


def test_review_overdue_flagged_once() -> None:
    campaign = given_launched()
    assert campaign.flag_review_overdue(on=date(2024, 2, 1), review_due_days=20, actor=SYSTEM, at=AT) is True
    [flagged] = then_events(campaign)
    assert isinstance(flagged, Campaign.ReviewOverdueFlagged)
    assert (flagged.due_on, flagged.flagged_on, flagged.review_due_days) == (date(2024, 1, 29), date(2024, 2, 1), 20)
    assert campaign.flag_review_overdue(on=date(2024, 2, 2), review_due_days=20, actor=SYSTEM, at=AT) is False
    assert then_events(campaign) == []


def test_review_overdue_flag_refused_when_not_overdue() -> None:
    then_refused(
        "review_not_overdue",
        lambda: given_launched().flag_review_overdue(on=date(2024, 1, 29), review_due_days=20, actor=SYSTEM, at=AT),
    )


# --------------------------------------------------------------------------- history


def test_every_event_records_its_actor() -> None:
    campaign = Campaign.draft(**DRAFT)
    campaign.register(registration_number="05", registered_on=date(2023, 1, 18), actor=SECRETARIAT, at=AT)
    campaign.launch(launched_on=date(2023, 1, 20), actor=LEAD, at=AT)
    campaign.flag_review_overdue(on=date(2024, 3, 1), review_due_days=30, actor=SYSTEM, at=AT)
    assert [e.actor for e in campaign.collect_events()] == [LEAD, SECRETARIAT, LEAD, SYSTEM]


def test_every_event_records_when_it_was_recorded_apart_from_its_legal_date() -> None:
    """One convention in both event-sourced services: `at` is when the step was recorded (passed
    in, never read from a clock here); the legal date (`registered_on`, …) is its own field."""
    later = datetime(2023, 1, 25, 14, 30, tzinfo=UTC)
    campaign = Campaign.draft(**DRAFT)
    campaign.register(registration_number="05", registered_on=date(2023, 1, 18), actor=SECRETARIAT, at=later)
    drafted, registered = campaign.collect_events()
    assert (drafted.at, registered.at) == (AT, later)
    assert registered.registered_on == date(2023, 1, 18)


def test_a_time_without_zone_is_refused_and_nothing_happens() -> None:
    campaign = given_registered()
    errors = then_invalid(lambda: campaign.launch(launched_on=date(2023, 1, 20), actor=LEAD, at=datetime(2023, 1, 20)))
    assert errors == {"at": "Thời điểm phải là ngày giờ có múi giờ."}
    assert campaign.collect_events() == []


def test_replaying_the_events_rebuilds_the_same_state() -> None:
    campaign = Campaign.draft(**DRAFT)
    campaign.register(registration_number="05", registered_on=date(2023, 1, 18), actor=SECRETARIAT, at=AT)
    campaign.launch(launched_on=date(2023, 1, 20), actor=LEAD, at=AT)
    campaign.file_final_review(
        report=REPORT, summary="Xong", results=RESULTS, filed_on=date(2024, 1, 10), actor=LEAD, at=AT
    )
    replayed = None
    for event in campaign.collect_events():
        replayed = event.mutate(replayed)
    assert replayed.__dict__ == campaign.__dict__


# --------------------------------------------------------------------------- rules on typed values


def test_review_results_refused_twice_negative_or_with_negative_proposals() -> None:
    twice = ReviewResult("xã đạt chuẩn nông thôn mới nâng cao", Decimal(-1))
    errors = then_invalid(
        lambda: given_launched().file_final_review(
            report=REPORT,
            summary="Tổng kết",
            results=[*RESULTS, twice],
            filed_on=date(2024, 1, 10),
            proposed_collectives=-2,
            actor=LEAD,
            at=AT,
        )
    )
    assert errors == {
        "results[2].indicator": "Chỉ tiêu «xã đạt chuẩn nông thôn mới nâng cao» được báo cáo hai lần.",
        "results[2].achieved_value": "Kết quả đạt được không được âm.",
        "proposed_collectives": "Số tập thể đề nghị khen thưởng phải là số nguyên không âm.",
    }


def test_a_review_report_needs_its_number_date_and_summary() -> None:
    errors = then_invalid(
        lambda: given_launched().file_interim_review(
            report=DocumentReference(" ", None), summary=" ", filed_on=date(2023, 7, 1), actor=LEAD, at=AT
        )
    )
    assert errors == {
        "report.number": "Số hiệu báo cáo sơ kết không được để trống.",
        "report.issued_on": "Ngày ban hành báo cáo sơ kết không được để trống.",
        "summary": "Tóm tắt kết quả không được để trống.",
    }


def test_attaching_nothing_or_a_blank_return_reason_is_refused() -> None:
    errors = then_invalid(lambda: given_launched().attach_documents(actor=LEAD, at=AT))
    assert errors == {"directive": "Cần ít nhất văn bản chỉ đạo hoặc kế hoạch."}
    errors = then_invalid(
        lambda: given_drafted().return_registration(
            reasons=["Thiếu kế hoạch", " "], returned_on=date(2023, 1, 16), actor=SECRETARIAT, at=AT
        )
    )
    assert errors == {"reasons[1]": "Lý do trả lại không được để trống."}


def test_closing_before_the_final_review_was_filed_is_refused() -> None:
    errors = then_invalid(lambda: given_final_reviewed().close(closed_on=date(2024, 1, 9), actor=LEAD, at=AT))
    assert errors == {"closed_on": "Ngày này không được trước ngày báo cáo tổng kết (10/01/2024)."}
