"""Completeness check: supplement (the clock stops, then restarts), refusal, acceptance."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.values import Attachment, DossierStatus
from tests.support.dossiers import (
    ANNUAL,
    SECRETARY,
    UNIT_OFFICER,
    at,
    attachment,
    attachments,
    calendar,
    given_received,
    individual,
    next_moment,
    rules,
    supplied,
    then_events,
)

R = rules("2024-nd98")


def test_a_supplement_request_stops_the_clock():
    dossier = given_received(when=at(date(2024, 6, 3)))
    dossier.request_supplement(
        missing=["Biên bản bình xét"], actor=SECRETARY, at=at(date(2024, 6, 4)), reason="Thiếu biên bản"
    )
    (event,) = then_events(dossier, "SupplementRequested")
    assert event.missing == ["Biên bản bình xét"] and event.reason == "Thiếu biên bản"
    assert dossier.status is DossierStatus.AWAITING_SUPPLEMENT
    assert dossier.appointment_date is None
    assert not dossier.is_overdue(date(2024, 12, 31))


def test_a_supplement_request_must_say_what_is_missing():
    dossier = given_received()
    with pytest.raises(DossierValidationError) as raised:
        dossier.request_supplement(missing=[], actor=SECRETARY, at=next_moment(dossier))
    assert "missing" in raised.value.field_errors
    then_events(dossier)


def test_supplementing_restarts_the_clock_with_the_full_working_days():
    dossier = given_received(when=at(date(2024, 6, 3)))
    dossier.request_supplement(missing=["Tờ trình"], actor=SECRETARY, at=at(date(2024, 6, 5)))
    dossier.collect_events()
    dossier.supplement(
        rules=R,
        calendar=calendar(),
        attachments=[Attachment.from_dict(attachment("SUBMISSION_MEMO", "to-trinh-v2.pdf"))],
        actor=UNIT_OFFICER,
        at=at(date(2024, 6, 20)),
    )
    (event,) = then_events(dossier, "Supplemented")
    assert event.appointment_date == date(2024, 7, 4)  # 20/6 + 10 working days, not the days left
    assert dossier.status is DossierStatus.RECEIVED
    assert dossier.appointment_date == date(2024, 7, 4)
    assert dossier.attachments[-1].name == "to-trinh-v2.pdf"


def test_supplementing_is_only_possible_when_asked():
    dossier = given_received()
    with pytest.raises(DossierError) as raised:
        dossier.supplement(
            rules=R, calendar=calendar(), attachments=supplied("OTHER"), actor=UNIT_OFFICER, at=next_moment(dossier)
        )
    assert raised.value.code == "invalid_transition"
    assert "Đã tiếp nhận" in raised.value.message
    then_events(dossier)


def test_a_refusal_closes_the_dossier_with_its_reasons():
    dossier = given_received()
    dossier.refuse(reasons=["Không thuộc thẩm quyền giải quyết"], actor=SECRETARY, at=next_moment(dossier))
    (event,) = then_events(dossier, "Refused")
    assert event.reasons == ["Không thuộc thẩm quyền giải quyết"]
    assert dossier.status is DossierStatus.REFUSED
    assert not dossier.is_overdue(date(2030, 1, 1))


def test_a_refusal_needs_reasons():
    dossier = given_received()
    with pytest.raises(DossierValidationError):
        dossier.refuse(reasons=[" "], actor=SECRETARY, at=next_moment(dossier))
    then_events(dossier)


def test_a_refused_dossier_cannot_be_accepted():
    dossier = given_received()
    dossier.refuse(reasons=["Sai đối tượng"], actor=SECRETARY, at=next_moment(dossier))
    dossier.collect_events()
    with pytest.raises(DossierError, match="Từ chối giải quyết"):
        dossier.accept_as_complete(rules=R, campaign=None, actor=SECRETARY, at=next_moment(dossier))
    then_events(dossier)


def test_a_complete_dossier_is_accepted_for_appraisal():
    dossier = given_received()
    dossier.accept_as_complete(rules=R, campaign=None, actor=SECRETARY, at=next_moment(dossier))
    then_events(dossier, "AcceptedAsComplete")
    assert dossier.status is DossierStatus.IN_APPRAISAL


def test_an_incomplete_dossier_cannot_be_accepted():
    dossier = given_received(attachments=attachments("SUBMISSION_MEMO"))
    with pytest.raises(DossierError) as raised:
        dossier.accept_as_complete(rules=R, campaign=None, actor=SECRETARY, at=next_moment(dossier))
    assert raised.value.code == "incomplete"
    assert "Báo cáo thành tích" in raised.value.message
    then_events(dossier)


@pytest.mark.parametrize("rule_set_id", ["2023-nd91", "2024-nd98", "2025-nd152"])
def test_a_grassroots_fighter_needs_the_ballot_result_and_the_initiative_certification(rule_set_id):
    dossier = given_received(
        rule_set_id, attachments=attachments("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES")
    )
    assert [k.value for k in dossier.missing_attachments(rules(rule_set_id))] == [
        "BALLOT_RESULT",
        "INITIATIVE_CERTIFICATION",
    ]


def test_an_advanced_worker_alone_needs_only_the_common_documents():
    dossier = given_received(
        nominees=[individual()], attachments=attachments("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES")
    )
    assert dossier.missing_attachments(R) == []


def test_the_completeness_check_requests_what_is_missing():
    dossier = given_received(attachments=attachments(*ANNUAL[:3]))
    dossier.check_completeness(rules=R, campaign=None, actor=SECRETARY, at=next_moment(dossier))
    (event,) = then_events(dossier, "SupplementRequested")
    assert event.missing == [
        "Biên bản kiểm phiếu (kết quả bỏ phiếu)",
        "Chứng nhận sáng kiến / xác nhận hoàn thành xuất sắc nhiệm vụ",
    ]


def test_the_completeness_check_accepts_a_complete_dossier():
    dossier = given_received()
    dossier.check_completeness(rules=R, campaign=None, actor=SECRETARY, at=next_moment(dossier))
    then_events(dossier, "AcceptedAsComplete")


def test_a_step_cannot_be_dated_before_the_previous_one():
    dossier = given_received()
    with pytest.raises(DossierValidationError) as raised:
        dossier.accept_as_complete(rules=R, campaign=None, actor=SECRETARY, at=dossier.last_at - timedelta(minutes=1))
    assert "at" in raised.value.field_errors
    then_events(dossier)


def test_the_dossier_is_checked_under_its_own_rule_set_only():
    dossier = given_received()
    with pytest.raises(ValueError):
        dossier.accept_as_complete(rules=rules("2025-nd152"), campaign=None, actor=SECRETARY, at=next_moment(dossier))
