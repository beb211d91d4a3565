"""Receipt: a dossier enters through a channel, under the rule set of its receipt date, with an
appointment date; invalid input changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.errors import DossierValidationError
from services.dossiers.domain.values import DossierStatus
from tests.support.dossiers import (
    AD_HOC,
    RECEIPT_DAY,
    THEMATIC,
    at,
    attachments,
    calendar,
    collective,
    household,
    individual,
    rules,
    submission,
    then_events,
)


def submit(rule_set_id: str = "2024-nd98", when: datetime | None = None, **overrides) -> Dossier:
    return Dossier.submit(
        rules=rules(rule_set_id),
        calendar=calendar(),
        receipt_number="000007/2024/TN",
        at=when or at(RECEIPT_DAY[rule_set_id]),
        **submission(**overrides),
    )


def test_a_received_dossier_records_its_receipt_and_appointment():
    dossier = submit(when=at(date(2024, 6, 3)))  # Monday, NĐ 98: 10 working days
    (received,) = then_events(dossier, "Submitted")
    assert dossier.status is DossierStatus.RECEIVED
    assert dossier.receipt_number == "000007/2024/TN"
    assert dossier.received_on == date(2024, 6, 3)
    assert dossier.appointment_date == date(2024, 6, 17)
    assert dossier.rule_set_id == "2024-nd98"
    assert [n.nominee_id for n in dossier.nominees] == ["n1", "n2"]
    assert received.actor.role == "desk_clerk" and received.at == at(date(2024, 6, 3))


def test_the_appointment_of_a_dossier_received_before_tet_skips_the_holidays():
    dossier = submit(when=at(date(2024, 2, 7)))
    assert dossier.appointment_date == date(2024, 2, 28)


def test_a_dossier_received_after_june_2025_follows_decree_152_with_20_working_days():
    dossier = submit("2025-nd152", when=at(date(2025, 7, 1)), emulation_year=2025)
    assert dossier.rule_set_id == "2025-nd152"
    assert dossier.appointment_date == date(2025, 7, 29)


def test_the_receipt_date_is_the_vietnamese_date():
    # 18:00 UTC on 30/6 is already 1/7 in Hà Nội.
    dossier = submit("2025-nd152", when=datetime(2025, 6, 30, 18, tzinfo=UTC))
    assert dossier.received_on == date(2025, 7, 1)


def test_a_rule_set_out_of_force_on_the_receipt_date_is_a_programming_error():
    with pytest.raises(ValueError):
        submit("2024-nd98", when=at(date(2025, 7, 1)))


def test_an_ad_hoc_proposal_uses_the_simplified_procedure():
    dossier = submit(
        kind="AD_HOC",
        award_type="AD_HOC",
        nominees=[individual(award="CERTIFICATE_OF_MERIT")],
        attachments=attachments(*AD_HOC),
        feat_date=date(2024, 5, 20),
        when=at(date(2024, 6, 3)),
    )
    assert dossier.procedure.value == "SIMPLIFIED"
    assert dossier.appointment_date == date(2024, 6, 13)  # 8 working days
    assert not dossier.late_proposal and dossier.days_after_feat == 14


def test_a_late_ad_hoc_proposal_is_flagged_not_refused():
    dossier = submit(
        kind="AD_HOC",
        award_type="AD_HOC",
        nominees=[individual(award="CERTIFICATE_OF_MERIT")],
        attachments=attachments(*AD_HOC),
        feat_date=date(2024, 4, 1),
        when=at(date(2024, 6, 3)),
    )
    then_events(dossier, "Submitted")
    assert dossier.late_proposal and dossier.days_after_feat == 63


def test_a_posted_ad_hoc_proposal_counts_from_its_postmark():
    dossier = submit(
        channel="POST",
        kind="AD_HOC",
        award_type="AD_HOC",
        nominees=[individual(award="CERTIFICATE_OF_MERIT")],
        attachments=attachments(*AD_HOC),
        feat_date=date(2024, 4, 25),
        postmark_date=date(2024, 5, 24),
        when=at(date(2024, 6, 3)),
    )
    assert dossier.days_after_feat == 29 and not dossier.late_proposal
    assert dossier.received_on == date(2024, 6, 3)  # the clock still starts on arrival


def test_a_posted_dossier_needs_its_postmark_date():
    with pytest.raises(DossierValidationError) as raised:
        submit(channel="POST")
    assert "postmark_date" in raised.value.field_errors


def test_an_ad_hoc_dossier_needs_the_date_of_the_feat():
    with pytest.raises(DossierValidationError) as raised:
        submit(kind="AD_HOC", award_type="AD_HOC", nominees=[individual(award="CERTIFICATE_OF_MERIT")])
    assert raised.value.field_errors["feat_date"] == "Bắt buộc nhập."


def test_a_thematic_dossier_needs_its_campaign():
    with pytest.raises(DossierValidationError) as raised:
        submit(kind="THEMATIC", nominees=[collective()], attachments=attachments(*THEMATIC))
    assert "campaign_id" in raised.value.field_errors


def test_an_award_type_must_fit_the_dossier_kind():
    with pytest.raises(DossierValidationError) as raised:
        submit(kind="YEAR_END", award_type="AD_HOC", feat_date=date(2024, 5, 20), nominees=[collective()])
    assert "award_type" in raised.value.field_errors


def test_a_title_outside_the_dossier_kind_is_invalid():
    with pytest.raises(DossierValidationError) as raised:
        submit(kind="YEAR_END", nominees=[individual()])  # LĐTT is an annual title
    assert "nominees[0].award" in raised.value.field_errors


def test_a_household_cannot_be_proposed_for_an_individual_title():
    with pytest.raises(DossierValidationError) as raised:
        submit(nominees=[household(award="ADVANCED_WORKER")])
    assert "nominees[0].kind" in raised.value.field_errors


def test_invalid_input_is_reported_per_field_in_vietnamese():
    with pytest.raises(DossierValidationError) as raised:
        submit(
            channel="FAX",
            proposing_unit=" ",
            nominees=[individual(name="", gender="X"), collective(size=0)],
            attachments=[{"name": "a.pdf", "kind": "SUBMISSION_MEMO", "size": -1, "sha256": "xyz"}],
        )
    errors = raised.value.field_errors
    assert errors["channel"].startswith("Giá trị không hợp lệ")
    assert errors["proposing_unit"] == "Bắt buộc nhập."
    assert errors["nominees[0].name"] == "Bắt buộc nhập."
    assert "nominees[0].gender" in errors
    assert "nominees[1].size" in errors
    assert "attachments[0].size" in errors and "attachments[0].sha256" in errors


def test_a_dossier_needs_at_least_one_nominee():
    with pytest.raises(DossierValidationError) as raised:
        submit(nominees=[])
    assert "nominees" in raised.value.field_errors


def test_a_naive_time_is_invalid():
    with pytest.raises(DossierValidationError) as raised:
        submit(when=datetime(2024, 6, 3, 9))
    assert "at" in raised.value.field_errors


def test_the_submitted_event_holds_only_types_the_transcoder_knows():
    (received,) = then_events(submit(), "Submitted")
    assert type(received.channel) is str and type(received.nominees[0]["kind"]) is str
    assert type(received.nominees[1]["initiatives"][0]) is dict
