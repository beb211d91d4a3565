"""The application on the in-memory store: use cases, numbering, and the audit reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from services.dossiers.application import Dossiers
from services.dossiers.domain.errors import DossierConcurrencyError, DossierNotFound, DossierValidationError
from services.dossiers.domain.values import AnnulmentGround, DossierStatus
from services.dossiers.representation import state_as_dict
from tests.support.dossiers import (
    AUTHORITY,
    CHAIRMAN,
    CLERK,
    SECRETARY,
    THEMATIC,
    at,
    attachments,
    collective,
    individual,
    submission,
    supplied,
)


def received(app: Dossiers, day: date = date(2024, 6, 3), **overrides):
    return app.submit(at=at(day), **submission(**overrides))


def through_appraisal(app: Dossiers, dossier_id, day: date = date(2024, 6, 4)):
    app.check_completeness(dossier_id, actor=SECRETARY, at=at(day, 9))
    app.appraise(dossier_id, actor=SECRETARY, at=at(day, 10))
    return app.record_council_vote(
        dossier_id,
        nominee_id="n2",
        members_total=9,
        votes_for=9,
        votes_against=0,
        absent_in_writing=1,
        actor=SECRETARY,
        at=at(day, 11),
    )


def decided(app: Dossiers, day: date = date(2024, 6, 3), authority: str = AUTHORITY, decided_on: date | None = None):
    dossier = received(app, day)
    through_appraisal(app, dossier.id, day + timedelta(days=1))
    moment = at(decided_on or day + timedelta(days=2))
    return app.decide_award(dossier.id, approve=["n1", "n2"], authority=authority, actor=CHAIRMAN, at=moment)


# --- use cases end to end ---


def test_a_dossier_goes_from_receipt_to_returned_result(app):
    dossier = received(app)
    through_appraisal(app, dossier.id)
    app.decide_award(
        dossier.id,
        approve=["n1", "n2"],
        authority=AUTHORITY,
        authority_level="DISTRICT",
        actor=CHAIRMAN,
        at=at(date(2024, 6, 10)),
    )
    final = app.return_result(dossier.id, actor=CLERK, at=at(date(2024, 6, 12)))
    assert final.status is DossierStatus.RESULT_RETURNED
    assert final.decision.number == "1/QĐ-UBND"
    assert [a.cash_reward_vnd for a in final.decision.approvals] == [540_000, 1_800_000]  # June 2024, already round


def test_receipt_numbers_follow_each_other_within_a_year_and_restart_each_year(app):
    first, second = received(app, date(2024, 6, 3)), received(app, date(2024, 6, 4))
    next_year = received(app, date(2025, 1, 6))
    assert [first.receipt_number, second.receipt_number] == ["000001/2024/TN", "000002/2024/TN"]
    assert next_year.receipt_number == "000001/2025/TN"


def test_decision_numbers_are_per_authority_and_per_year(app):
    commune = received(app, date(2024, 6, 3), nominees=[individual()], deciding_authority="XA-BICH-HOA")
    app.check_completeness(commune.id, actor=SECRETARY, at=at(date(2024, 6, 4)))
    app.appraise(commune.id, actor=SECRETARY, at=at(date(2024, 6, 4), 10))
    numbers = [
        decided(app, date(2024, 6, 3)).decision.number,
        decided(app, date(2024, 6, 3)).decision.number,
        app.decide_award(commune.id, approve=["n1"], actor=CHAIRMAN, at=at(date(2024, 6, 5))).decision.number,
        decided(app, date(2024, 12, 20), decided_on=date(2025, 1, 3)).decision.number,
    ]
    assert numbers == ["1/QĐ-UBND", "2/QĐ-UBND", "1/QĐ-UBND", "1/QĐ-UBND"]


def test_a_failed_decision_does_not_use_up_a_number(app):
    dossier = received(app)
    through_appraisal(app, dossier.id)
    with pytest.raises(DossierValidationError):
        app.decide_award(
            dossier.id,
            approve=["n9"],
            authority=AUTHORITY,
            authority_level="DISTRICT",
            actor=CHAIRMAN,
            at=at(date(2024, 6, 10)),
        )
    assert decided(app).decision.number == "1/QĐ-UBND"


def test_an_annulment_takes_the_next_number_of_the_deciding_authority(app):
    dossier = decided(app)
    annulled = app.annul_award(
        dossier.id,
        ground=AnnulmentGround("a"),
        act_reference="Kết luận 01/KL-TTr",
        authority=AUTHORITY,
        actor=CHAIRMAN,
        at=at(date(2024, 9, 3)),
        reason="Kê khai thành tích không đúng",
    )
    assert annulled.annulments[0].decision_number == "2/QĐ-UBND"
    assert annulled.status is DossierStatus.ANNULLED


def test_the_cash_reward_uses_the_base_salary_on_the_decision_date(app):
    before = decided(app, date(2024, 6, 3), decided_on=date(2024, 6, 28))
    after = decided(app, date(2024, 6, 3), decided_on=date(2024, 7, 1))
    assert before.decision.approvals[1].cash_reward_vnd == 1_800_000
    assert after.decision.approvals[1].cash_reward_vnd == 2_340_000


def test_a_dossier_keeps_the_rule_set_of_its_receipt_date(app):
    """The receipt date keeps the criteria (NĐ 98); the decision date gives the power (NĐ 129/2025
    Art. 59: from 1/7/2025 the commune chairman signs what the district chairman did)."""
    dossier = received(app, date(2025, 6, 30))  # NĐ 98, the district still exists
    app.check_completeness(dossier.id, actor=SECRETARY, at=at(date(2025, 7, 2)))
    dossier = app.appraise(dossier.id, actor=SECRETARY, at=at(date(2025, 7, 2), 10))
    assert dossier.rule_set_id == "2024-nd98" and dossier.appointment_date == date(2025, 7, 14)
    app.record_council_vote(
        dossier.id,
        nominee_id="n2",
        members_total=5,
        votes_for=4,
        votes_against=1,
        absent_in_writing=0,
        actor=SECRETARY,
        at=at(date(2025, 7, 3)),
    )
    decided_ = app.decide_award(
        dossier.id,
        approve=["n1", "n2"],
        authority="XA-THANH-OAI-2025",
        actor=CHAIRMAN,
        at=at(date(2025, 7, 4)),
    )
    assert decided_.rule_set_id == "2024-nd98"
    assert (decided_.decision.authority, decided_.decision.authority_level.value) == ("XA-THANH-OAI-2025", "COMMUNE")


def test_a_dossier_received_before_any_rule_set_is_invalid(app):
    with pytest.raises(DossierValidationError) as raised:
        received(app, date(2022, 12, 1))
    assert "at" in raised.value.field_errors


# --- errors ---


def test_an_unknown_dossier_is_not_found(app):
    with pytest.raises(DossierNotFound):
        app.get(uuid4())
    with pytest.raises(DossierNotFound):
        app.get("not-a-uuid")
    with pytest.raises(DossierNotFound):
        app.history(uuid4())


def test_a_number_sequence_is_not_a_dossier(app):
    dossier = received(app)
    from services.dossiers.numbering import ReceiptNumberSequence

    with pytest.raises(DossierNotFound):
        app.get(ReceiptNumberSequence.create_id(office="TN", year=2024))
    assert dossier.id in list(app.dossier_ids())


def test_a_stale_expected_version_is_a_concurrency_error(app):
    dossier = received(app)
    with pytest.raises(DossierConcurrencyError):
        app.check_completeness(dossier.id, actor=SECRETARY, at=at(date(2024, 6, 4)), expected_version=7)
    assert app.get(dossier.id).version == 1


def test_a_lost_race_on_the_dossier_is_a_concurrency_error(app):
    dossier = received(app)
    mine, theirs = app.get(dossier.id), app.get(dossier.id)
    theirs.withdraw(actor=CLERK, at=at(date(2024, 6, 4)), reason="Rút")
    app.save(theirs)
    mine.refuse(reasons=["Sai đối tượng"], actor=SECRETARY, at=at(date(2024, 6, 4)))
    with pytest.raises(DossierConcurrencyError):
        app._save(mine)
    assert app.get(dossier.id).status is DossierStatus.WITHDRAWN


def test_a_decision_on_a_dossier_changed_meanwhile_is_a_concurrency_error(app):
    dossier = received(app)
    voted = through_appraisal(app, dossier.id)
    app.disclose_publicly(
        dossier.id,
        where="Bảng tin",
        from_date=date(2024, 6, 5),
        to_date=date(2024, 6, 7),
        actor=SECRETARY,
        at=at(date(2024, 6, 5)),
    )
    with pytest.raises(DossierConcurrencyError):
        app.decide_award(
            dossier.id,
            approve=["n1", "n2"],
            authority=AUTHORITY,
            authority_level="DISTRICT",
            actor=CHAIRMAN,
            at=at(date(2024, 6, 10)),
            expected_version=voted.version,
        )


def test_submitting_the_same_dossier_id_twice_is_refused(app):
    dossier_id = uuid4()
    received(app, dossier_id=dossier_id)
    with pytest.raises(DossierConcurrencyError):
        received(app, dossier_id=dossier_id)


# --- audit reads ---


def test_the_history_lists_every_event_with_who_when_why_and_what_changed(app):
    dossier = received(app)
    app.request_supplement(
        dossier.id, missing=["Tờ trình có chữ ký"], actor=SECRETARY, at=at(date(2024, 6, 4)), reason="Tờ trình chưa ký"
    )
    history = app.history(dossier.id)
    assert [(h["version"], h["type"]) for h in history] == [(1, "Submitted"), (2, "SupplementRequested")]
    second = history[1]
    assert second["actor"] == {"id": "nv-01", "role": "secretariat", "unit": "PHONG-NOI-VU"}
    assert second["at"] == at(date(2024, 6, 4)).isoformat() and second["reason"] == "Tờ trình chưa ký"
    assert second["data"]["missing"] == ["Tờ trình có chữ ký"]
    assert second["changes"]["status"] == {"before": "RECEIVED", "after": "AWAITING_SUPPLEMENT"}
    assert second["changes"]["appointment_date"] == {"before": "2024-06-17", "after": None}
    assert history[0]["data"]["receipt_number"] == "000001/2024/TN"


def test_an_earlier_version_can_be_read(app):
    dossier = received(app)
    app.refuse(dossier.id, reasons=["Sai thẩm quyền"], actor=SECRETARY, at=at(date(2024, 6, 4)))
    assert app.get(dossier.id, version=1).status is DossierStatus.RECEIVED
    assert app.get(dossier.id).status is DossierStatus.REFUSED


def test_the_state_as_of_a_time_is_the_last_event_recorded_by_then(app):
    dossier = received(app)
    app.refuse(dossier.id, reasons=["Sai thẩm quyền"], actor=SECRETARY, at=at(date(2024, 6, 4)))
    first, second = (datetime.fromisoformat(h["recorded_at"]) for h in app.history(dossier.id))
    assert app.get_as_of(dossier.id, first).version == 1
    assert app.get_as_of(dossier.id, second).status is DossierStatus.REFUSED
    assert app.get_as_of(dossier.id, datetime.now(UTC) + timedelta(days=1)).version == 2
    with pytest.raises(DossierNotFound):
        app.get_as_of(dossier.id, first - timedelta(microseconds=1))


def test_the_state_is_plain_json(app):
    import json

    dossier = decided(app)
    state = state_as_dict(dossier, on=date(2024, 6, 20))
    assert json.loads(json.dumps(state)) == state
    assert state["decision"]["number"] == "1/QĐ-UBND" and state["overdue"] is False
    assert state["status_label"] == "Đã quyết định khen thưởng"


# --- listing ---


@pytest.fixture
def several(app):
    a = received(app, date(2024, 6, 3), proposing_unit="THCS-KIM-BAI")
    b = received(
        app,
        date(2024, 6, 3),
        proposing_unit="UBND-XA-BICH-HOA",
        nominees=[individual(name="Đặng Văn Đức")],
        attachments=attachments("SUBMISSION_MEMO"),
    )
    c = received(
        app,
        date(2025, 9, 3),
        kind="THEMATIC",
        campaign_id="c-7",
        nominees=[collective(name="Hội Nông dân xã")],
        attachments=attachments(*THEMATIC),
        emulation_year=2025,
        deciding_authority="XA-THANH-OAI-2025",
    )
    app.check_completeness(b.id, actor=SECRETARY, at=at(date(2024, 6, 4)))  # asks for documents: clock stops
    return a, b, c


def ids(dossiers):
    return [d.id for d in dossiers]


def test_all_dossiers_are_listed_in_submission_order(app, several):
    assert ids(app.list_dossiers()) == ids(several)


def test_dossiers_are_filtered_by_unit_status_kind_campaign_and_year(app, several):
    a, b, c = several
    assert ids(app.list_dossiers(proposing_unit="UBND-XA-BICH-HOA")) == [b.id]
    assert ids(app.list_dossiers(status="AWAITING_SUPPLEMENT")) == [b.id]
    assert ids(app.list_dossiers(kind="THEMATIC")) == [c.id]
    assert ids(app.list_dossiers(award_type="MOVEMENT", campaign_id="c-7")) == [c.id]
    assert ids(app.list_dossiers(year=2024)) == [a.id, b.id]
    assert ids(app.list_dossiers(year=2024, offset=1, limit=5)) == [b.id]


def test_overdue_dossiers_are_those_past_their_appointment_with_the_clock_running(app, several):
    a, _b, c = several
    assert ids(app.list_dossiers(overdue_on=date(2024, 6, 18))) == [a.id]
    assert ids(app.list_dossiers(overdue_on=date(2025, 12, 31))) == [a.id, c.id]


@pytest.mark.parametrize("query", ["Đặng Văn Đức", "dang van duc", "VĂN ĐỨC", "Dang"])
def test_nominees_are_found_with_or_without_diacritics(app, several, query):
    assert ids(app.list_dossiers(nominee_name=query)) == [several[1].id]


def test_every_use_case_is_reachable_through_the_application(app):
    d = received(app, attachments=attachments("SUBMISSION_MEMO"))
    app.request_supplement(d.id, missing=["Báo cáo thành tích"], actor=SECRETARY, at=at(date(2024, 6, 4)))
    app.supplement(
        d.id,
        attachments=supplied("ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION"),
        actor=CLERK,
        at=at(date(2024, 6, 6)),
        note="Bổ sung đủ",
    )
    app.accept_as_complete(d.id, actor=SECRETARY, at=at(date(2024, 6, 7)))
    app.record_concurrence(
        d.id, department="PHONG-GD", agrees=True, opinion="Thống nhất", actor=SECRETARY, at=at(date(2024, 6, 10))
    )
    app.disclose_publicly(
        d.id,
        where="Cổng thông tin",
        from_date=date(2024, 6, 10),
        to_date=date(2024, 6, 14),
        actor=SECRETARY,
        at=at(date(2024, 6, 10), 10),
    )
    app.appraise(d.id, actor=SECRETARY, at=at(date(2024, 6, 11)))
    app.record_council_vote(
        d.id,
        nominee_id="n2",
        members_total=9,
        votes_for=6,
        votes_against=3,
        absent_in_writing=0,
        actor=SECRETARY,
        at=at(date(2024, 6, 12)),
    )
    app.extend_deadline(d.id, new_date=date(2024, 6, 28), actor=SECRETARY, at=at(date(2024, 6, 20)), reason="Chờ họp")
    app.reject_award(
        d.id,
        reasons=["Chưa tiêu biểu"],
        authority=AUTHORITY,
        authority_level="DISTRICT",
        actor=CHAIRMAN,
        at=at(date(2024, 6, 24)),
    )
    app.return_result(d.id, actor=CLERK, at=at(date(2024, 6, 25)))
    assert [h["type"] for h in app.history(d.id)] == [
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
        "AwardRejected",
        "ResultReturned",
    ]

    w = received(app)
    assert (
        app.withdraw(w.id, actor=CLERK, at=at(date(2024, 6, 4)), reason="Đơn vị rút").status is DossierStatus.WITHDRAWN
    )

    a = decided(app)
    app.annul_award(
        a.id,
        ground=AnnulmentGround("d"),
        act_reference="Bản án 12/2024/HS-ST",
        authority=AUTHORITY,
        actor=CHAIRMAN,
        at=at(date(2024, 9, 3)),
        reason="Không đạt tiêu chuẩn trong thời gian xét",
        nominee_ids=["n2"],
    )
    recovered = app.record_recovery(
        a.id,
        nominee_ids=["n2"],
        artefacts_returned=["Bằng chứng nhận"],
        amount_recovered_vnd=1_800_000,
        actor=SECRETARY,
        at=at(date(2024, 9, 20)),
    )
    assert recovered.recovered_ids == {"n2"} and recovered.status is DossierStatus.AWARDED
    assert app.history(a.id)[-1]["data"]["amount_recovered_vnd"] == 1_800_000


def test_the_refusal_reasons_appear_as_the_reason_in_the_history(app):
    d = received(app)
    app.refuse(d.id, reasons=["Sai đối tượng", "Quá hạn"], actor=SECRETARY, at=at(date(2024, 6, 4)))
    assert app.history(d.id)[-1]["reason"] == "Sai đối tượng; Quá hạn"


def test_nested_dates_survive_the_store(app):
    d = received(app)
    assert app.get(d.id).nominees[1].initiatives[0].recognised_on == date(2023, 5, 10)
