"""Given–when–then over the dossier's document events: the signed decision, certificate prints,
forwarding upward (khen cao) and the higher level's result; and the office's own register."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from services.dossiers.documents.records import HigherLevelOutcome, PackageFile, SignedDocument, SigningMethod
from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.values import DossierStatus
from services.dossiers.numbering import DecisionNumberSequence, parse_decision_number
from tests.support.dossiers import (
    CHAIRMAN,
    CLERK,
    COMMUNE_2025,
    SECRETARY,
    at,
    attachments,
    given_appraised,
    given_awarded,
    next_moment,
    powers_on,
    rules,
    signer,
    then_events,
)

R = "2025-nd152"
KHEN_CAO = [
    {
        "kind": "INDIVIDUAL",
        "name": "Lê Thị Mai",
        "award": "PROVINCIAL_EMULATION_FIGHTER",
        "position": "Công chức",
        "unit": "UBND xã Thanh Oai",
        "gender": "FEMALE",
    },
    {"kind": "COLLECTIVE", "name": "Bộ phận Một cửa", "award": "COMMENDATION", "size": 8},
]
FILES = (
    "SUBMISSION_MEMO",
    "ACHIEVEMENT_REPORT",
    "REVIEW_MINUTES",
    "BALLOT_RESULT",
    "INITIATIVE_CERTIFICATION",
)


def khen_cao(votes_for: int | None = 10):
    return given_appraised(
        R,
        votes_for=votes_for,
        kind="HIGHER_LEVEL",
        award_type="MERIT",
        nominees=KHEN_CAO,
        attachments=attachments(*FILES),
    )


def forward(dossier, **overrides):
    moment = next_moment(dossier)
    values = dict(
        rules=rules(R),
        powers=powers_on(moment),
        authority=signer(COMMUNE_2025),
        to_authority="Chủ tịch UBND thành phố Hà Nội",
        proposal_number="15/TTr-UBND",
        proposal_date=moment.date(),
        nominee_ids=[],
        package_sha256="a" * 64,
        package_size=10,
        files=[PackageFile("01-to-trinh/to-trinh.docx", "Tờ trình", "SUBMISSION_MEMO", "docx", "b" * 64, 5)],
        actor=SECRETARY,
        at=moment,
    )
    values.update(overrides)
    return dossier.forward_upward(**values)


def test_a_khen_cao_dossier_is_forwarded_with_the_units_proposal_and_the_clock_stops() -> None:
    dossier = khen_cao()
    forwarding = forward(dossier)
    (event,) = then_events(dossier, "ForwardedUpward")
    assert event.proposal_number == "15/TTr-UBND" and event.nominee_ids == ["n1", "n2"]
    assert forwarding.round == 1 and dossier.status is DossierStatus.FORWARDED and not dossier.clock_running


def test_an_award_the_commune_may_give_itself_is_not_forwarded() -> None:
    dossier = given_appraised(
        R,
        kind="AD_HOC",
        award_type="AD_HOC",
        feat_date=date(2025, 9, 1),
        nominees=[KHEN_CAO[1] | {"award": "CERTIFICATE_OF_MERIT"}],
        attachments=attachments("SUBMISSION_MEMO", "ACHIEVEMENT_SUMMARY"),
    )
    with pytest.raises(DossierError, match="thuộc thẩm quyền của") as refused:
        forward(dossier)
    assert refused.value.code == "not_forwardable"


def test_a_nominee_without_the_councils_vote_is_not_forwarded() -> None:
    dossier = khen_cao(votes_for=None)
    with pytest.raises(DossierError, match="chưa có kết quả bỏ phiếu"):
        forward(dossier, nominee_ids=["n1"])


def test_a_return_is_recorded_and_forwarding_again_needs_a_reason() -> None:
    dossier = khen_cao()
    forward(dossier)
    dossier.record_higher_level_result(
        outcome=HigherLevelOutcome.RETURNED,
        decided_by="Chủ tịch UBND thành phố Hà Nội",
        reasons=["Thiếu xác nhận sáng kiến"],
        actor=SECRETARY,
        at=next_moment(dossier),
    )
    assert dossier.status is DossierStatus.HIGHER_LEVEL_RETURNED
    with pytest.raises(DossierValidationError) as missing:
        forward(dossier)
    assert "reason" in missing.value.field_errors
    assert forward(dossier, reason="Đã bổ sung").round == 2


def test_the_higher_levels_decision_makes_its_awardees_the_ones_certificates_are_printed_for() -> None:
    dossier = khen_cao()
    forward(dossier)
    moment = next_moment(dossier)
    result = dossier.record_higher_level_result(
        outcome=HigherLevelOutcome.AWARDED,
        decided_by="Chủ tịch UBND thành phố Hà Nội",
        decision_number="3456/QĐ-UBND",
        decision_date=moment.date(),
        awarded_ids=["n1"],
        actor=SECRETARY,
        at=moment,
    )
    assert result.not_awarded == {"n2": ("Cấp trên không khen thưởng.",)}
    assert dossier.status is DossierStatus.HIGHER_LEVEL_AWARDED and dossier.awarded_ids == ("n1",)
    with pytest.raises(DossierValidationError, match="Không được khen thưởng"):
        dossier.record_certificate_prints(
            batch_id="b",
            blank_id="x",
            offset_x_mm=0,
            offset_y_mm=0,
            pdf_sha256="c" * 64,
            nominee_ids=["n2"],
            actor=CLERK,
            at=next_moment(dossier),
        )


def test_a_reprint_needs_a_reason_and_is_counted_as_a_copy() -> None:
    dossier = given_awarded()
    kwargs = dict(batch_id="b1", blank_id="giay-khen-a4-ngang", offset_x_mm=0.0, offset_y_mm=0.0, pdf_sha256="c" * 64)
    first = dossier.record_certificate_prints(**kwargs, nominee_ids=["n1", "n2"], actor=CLERK, at=next_moment(dossier))
    assert [(p.copy, p.reprint) for p in first] == [(1, False), (1, False)]
    with pytest.raises(DossierValidationError) as refused:
        dossier.record_certificate_prints(**kwargs, nominee_ids=["n1"], actor=CLERK, at=next_moment(dossier))
    assert "in lại phải nêu lý do" in refused.value.field_errors["reprint_reason"]
    (again,) = dossier.record_certificate_prints(
        **kwargs, nominee_ids=["n1"], reprint_reason="Hỏng phôi", actor=CLERK, at=next_moment(dossier)
    )
    assert (again.copy, again.reprint, again.reprint_reason) == (2, True, "Hỏng phôi")


def signed(number: str) -> SignedDocument:
    return SignedDocument(
        "a" * 64, 10, "qd.pdf", number, "CN=A", "1", "CN=CA", "b" * 64, "CN=CA", None, SigningMethod.UPLOADED
    )


def test_the_signed_file_must_be_this_decision_and_a_replacement_needs_a_reason() -> None:
    dossier = given_awarded()
    with pytest.raises(DossierValidationError, match="không phải số"):
        dossier.record_signed_decision(document=signed("2/QĐ-UBND"), actor=CHAIRMAN, at=next_moment(dossier))
    dossier.record_signed_decision(document=signed("1/QĐ-UBND"), actor=CHAIRMAN, at=next_moment(dossier))
    then_events(dossier, "DecisionDocumentSigned")
    with pytest.raises(DossierValidationError, match="phải nêu lý do"):
        dossier.record_signed_decision(document=signed("1/QĐ-UBND"), actor=CHAIRMAN, at=next_moment(dossier))


def test_the_offices_own_numbers_are_unique_in_the_year_and_keep_the_dates_in_order() -> None:
    register = DecisionNumberSequence(authority=COMMUNE_2025, year=2025)
    register.issue_decision(uuid4(), at(date(2025, 3, 3)), date(2025, 3, 3))  # number 1, by this system
    register.record_external(40, uuid4(), at(date(2025, 5, 5)), date(2025, 5, 5))
    with pytest.raises(DossierValidationError, match="đã được dùng"):
        register.record_external(1, uuid4(), at(date(2025, 5, 6)), date(2025, 5, 6))
    with pytest.raises(DossierValidationError, match="không khớp thứ tự"):
        register.record_external(41, uuid4(), at(date(2025, 5, 6)), date(2025, 5, 4))
    register.record_external(39, uuid4(), at(date(2025, 5, 6)), date(2025, 5, 5))
    assert register.peek() == 41, "the system, if used again, numbers after every known number"
    assert parse_decision_number("125/QĐ-UBND", "QĐ-UBND") == 125 == parse_decision_number(" 125 ", "QĐ-UBND")
    with pytest.raises(DossierValidationError):
        parse_decision_number("12a/QĐ-UBND", "QĐ-UBND")
