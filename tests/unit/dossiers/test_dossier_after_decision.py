"""Result, deadline extension, withdrawal, annulment (Law Art. 93) and recovery."""

from __future__ import annotations

from datetime import date

import pytest

from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.values import AnnulmentGround, DossierStatus
from tests.support.dossiers import (
    AUTHORITY,
    CLERK,
    SECRETARY,
    UNIT_OFFICER,
    at,
    calendar,
    given_appraised,
    given_awarded,
    given_in_appraisal,
    given_received,
    next_moment,
    powers_on,
    rules,
    signer,
    then_events,
)

R = rules("2024-nd98")


# --- result ---


def test_the_result_is_returned_after_the_decision():
    dossier = given_awarded()
    dossier.return_result(actor=CLERK, at=at(date(2024, 6, 14)), returned_to="Ông Nguyễn Văn A, văn thư trường")
    (event,) = then_events(dossier, "ResultReturned")
    assert event.returned_on == date(2024, 6, 14)
    assert dossier.status is DossierStatus.RESULT_RETURNED


def test_no_result_can_be_returned_before_the_decision():
    dossier = given_in_appraisal()
    with pytest.raises(DossierError):
        dossier.return_result(actor=CLERK, at=next_moment(dossier))
    then_events(dossier)


# --- deadline ---


def test_a_dossier_is_overdue_after_its_appointment_while_the_clock_runs():
    dossier = given_in_appraisal(when=at(date(2024, 6, 3)))
    assert dossier.appointment_date == date(2024, 6, 17)
    assert not dossier.is_overdue(date(2024, 6, 17))
    assert dossier.is_overdue(date(2024, 6, 18))


def test_a_decided_dossier_is_not_overdue():
    assert not given_awarded().is_overdue(date(2030, 1, 1))


def test_a_missed_appointment_is_extended_with_a_reason():
    dossier = given_in_appraisal(when=at(date(2024, 6, 3)))
    dossier.extend_deadline(
        calendar=calendar(),
        new_date=date(2024, 6, 28),
        actor=SECRETARY,
        at=at(date(2024, 6, 18)),
        reason="Chờ Hội đồng họp xét",
    )
    (event,) = then_events(dossier, "DeadlineExtended")
    assert event.previous_date == date(2024, 6, 17) and event.new_date == date(2024, 6, 28)
    assert event.reason == "Chờ Hội đồng họp xét"
    assert dossier.appointment_date == date(2024, 6, 28) and dossier.deadline_extensions == 1
    assert not dossier.is_overdue(date(2024, 6, 20))


@pytest.mark.parametrize(
    ("new_date", "reason", "field"),
    [
        (date(2024, 6, 28), "", "reason"),
        (date(2024, 6, 10), "Chờ họp", "new_date"),  # not after the current appointment
        (date(2024, 6, 22), "Chờ họp", "new_date"),  # a Saturday
    ],
)
def test_an_extension_needs_a_reason_and_a_later_working_day(new_date, reason, field):
    dossier = given_in_appraisal(when=at(date(2024, 6, 3)))
    with pytest.raises(DossierValidationError) as raised:
        dossier.extend_deadline(
            calendar=calendar(), new_date=new_date, actor=SECRETARY, at=at(date(2024, 6, 18)), reason=reason
        )
    assert field in raised.value.field_errors
    then_events(dossier)


def test_no_extension_while_the_unit_supplements():
    dossier = given_received()
    dossier.request_supplement(missing=["Tờ trình"], actor=SECRETARY, at=next_moment(dossier))
    dossier.collect_events()
    with pytest.raises(DossierError):
        dossier.extend_deadline(
            calendar=calendar(), new_date=date(2024, 7, 1), actor=SECRETARY, at=next_moment(dossier), reason="x"
        )


# --- withdrawal ---


@pytest.mark.parametrize("given", [given_received, given_in_appraisal, given_appraised])
def test_the_proposing_unit_may_withdraw_before_the_decision(given):
    dossier = given()
    dossier.withdraw(actor=UNIT_OFFICER, at=next_moment(dossier), reason="Đơn vị rút để hoàn thiện lại")
    (event,) = then_events(dossier, "Withdrawn")
    assert event.reason == "Đơn vị rút để hoàn thiện lại"
    assert dossier.status is DossierStatus.WITHDRAWN


def test_no_withdrawal_after_the_decision():
    dossier = given_awarded()
    with pytest.raises(DossierError, match="rút hồ sơ"):
        dossier.withdraw(actor=UNIT_OFFICER, at=next_moment(dossier), reason="Muộn")
    then_events(dossier)


def test_a_withdrawal_needs_a_reason():
    dossier = given_received()
    with pytest.raises(DossierValidationError):
        dossier.withdraw(actor=UNIT_OFFICER, at=next_moment(dossier), reason=" ")


# --- annulment and recovery ---


def annul(dossier, **overrides):
    moment = overrides.pop("at", None) or next_moment(dossier)
    kwargs = {
        "rules": R,
        "powers": powers_on(moment),
        "number": 40,
        "ground": AnnulmentGround("b"),
        "act_reference": "Kết luận thanh tra số 05/KL-TTr",
        "authority": signer(AUTHORITY),
        "actor": SECRETARY,
        "at": moment,
        "reason": "Hồ sơ kê khai không trung thực",
    }
    kwargs.update(overrides)
    return dossier.annul_award(**kwargs)


def test_the_deciding_authority_annuls_an_award_on_a_ground_of_article_93():
    dossier = given_awarded()
    annul(dossier)
    (event,) = then_events(dossier, "AwardAnnulled")
    assert event.ground == "b" and event.act_reference == "Kết luận thanh tra số 05/KL-TTr"
    assert event.decision_number == "40/QĐ-UBND" and event.nominee_ids == ["n1", "n2"]
    assert dossier.status is DossierStatus.ANNULLED
    assert dossier.decision.approvals  # the award itself is still on record


def test_annulling_some_awardees_keeps_the_others():
    dossier = given_awarded()
    annul(dossier, nominee_ids=["n2"], ground=AnnulmentGround("d"))
    then_events(dossier, "AwardAnnulled")
    assert dossier.status is DossierStatus.AWARDED and dossier.annulled_ids == {"n2"}


def test_only_the_authority_that_decided_may_annul():
    """Law Art. 93: the authority that decided annuls (or, once it ended, its successor)."""
    dossier = given_awarded()
    with pytest.raises(DossierError) as raised:
        annul(dossier, authority=signer("XA-BICH-HOA"))
    assert raised.value.code == "not_deciding_authority"
    then_events(dossier)


def test_the_successor_annuls_once_the_deciding_authority_has_ended():
    """Law Art. 93 with NĐ 129/2025 Art. 59: XA-BINH-MINH-2025 succeeds the district."""
    dossier = given_awarded()
    annul(dossier, authority=signer("XA-BINH-MINH-2025"), at=at(date(2025, 8, 1)))
    (event,) = then_events(dossier, "AwardAnnulled")
    assert event.authority == "XA-BINH-MINH-2025" and event.decision_number == "40/QĐ-UBND"


@pytest.mark.parametrize(("field", "value"), [("act_reference", ""), ("reason", "")])
def test_an_annulment_needs_a_competent_act_and_a_reason(field, value):
    dossier = given_awarded()
    with pytest.raises(DossierValidationError) as raised:
        annul(dossier, **{field: value})
    assert field in raised.value.field_errors
    then_events(dossier)


def test_an_award_cannot_be_annulled_twice():
    dossier = given_awarded()
    annul(dossier)
    dossier.collect_events()
    with pytest.raises(DossierError):
        annul(dossier)


def test_an_annulled_award_is_recovered():
    dossier = given_awarded()
    annul(dossier, nominee_ids=["n2"])
    dossier.collect_events()
    dossier.record_recovery(
        nominee_ids=["n2"],
        artefacts_returned=["Giấy chứng nhận CSTĐCS", "Khung"],
        amount_recovered_vnd=2_340_000,
        actor=SECRETARY,
        at=next_moment(dossier),
    )
    (event,) = then_events(dossier, "AwardRecovered")
    assert event.amount_recovered_vnd == 2_340_000 and event.artefacts_returned == ["Giấy chứng nhận CSTĐCS", "Khung"]
    assert dossier.recovered_ids == {"n2"}


def test_more_money_than_was_paid_cannot_be_recovered():
    dossier = given_awarded()
    annul(dossier, nominee_ids=["n1"])
    dossier.collect_events()
    with pytest.raises(DossierValidationError) as raised:
        dossier.record_recovery(
            nominee_ids=["n1"],
            artefacts_returned=[],
            amount_recovered_vnd=710_001,  # paid: 710,000 (702,000 rounded up)
            actor=SECRETARY,
            at=next_moment(dossier),
        )
    assert "amount_recovered_vnd" in raised.value.field_errors


def test_nothing_is_recovered_before_an_annulment():
    dossier = given_awarded()
    with pytest.raises(DossierError) as raised:
        dossier.record_recovery(
            nominee_ids=["n1"], artefacts_returned=[], amount_recovered_vnd=0, actor=SECRETARY, at=next_moment(dossier)
        )
    assert raised.value.code == "nothing_to_recover"
