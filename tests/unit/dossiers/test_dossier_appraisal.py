"""Appraisal (thẩm định): each criterion of each rule set, the principles of NĐ 152/2025 Art. 4,
concurrence opinions and the officer's objections. One `NomineeAppraised` per nominee."""

from __future__ import annotations

import pytest

from services.dossiers.domain.appraisal import appraise_nominee
from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.rules import KindRule
from services.dossiers.domain.values import Concurrence
from services.dossiers.forms import parse_nominee
from tests.support.dossiers import (
    ANNUAL,
    RULE_SET_IDS,
    SECRETARY,
    attachments,
    collective,
    fighter,
    given_in_appraisal,
    given_received,
    individual,
    next_moment,
    rules,
    then_events,
)

MODERN = ("2024-nd98", "2025-nd152")


def appraise_one(rule_set_id: str, nominee: dict):
    """Given an accepted dossier with this one nominee, when appraised, then its one event."""
    dossier = given_in_appraisal(rule_set_id, nominees=[nominee], attachments=attachments(*ANNUAL))
    dossier.appraise(rules=rules(rule_set_id), actor=SECRETARY, at=next_moment(dossier))
    (event,) = then_events(dossier, "NomineeAppraised")
    return event


# --- Lao động tiên tiến: rating "good" or better (Law Art. 24.1) ---


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_advanced_worker_passes_with_a_good_rating(rule_set_id):
    event = appraise_one(rule_set_id, individual(performance_rating="GOOD"))
    assert event.passed and event.failures == []


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_advanced_worker_refused_below_a_good_rating(rule_set_id):
    event = appraise_one(rule_set_id, individual(performance_rating="COMPLETED"))
    assert not event.passed
    assert event.failures == ["Kết quả đánh giá 'Hoàn thành nhiệm vụ' chưa đạt mức 'Hoàn thành tốt nhiệm vụ' trở lên."]


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_advanced_worker_refused_without_a_rating(rule_set_id):
    event = appraise_one(rule_set_id, individual(performance_rating=None))
    assert not event.passed and "Chưa có kết quả đánh giá" in event.failures[0]


# --- Chiến sĩ thi đua cơ sở: LĐTT standard plus one alternative (Law Art. 23) ---


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_grassroots_fighter_refused_without_excellent_rating_or_initiative(rule_set_id):
    event = appraise_one(rule_set_id, fighter(performance_rating="GOOD", initiatives=[]))
    assert not event.passed


@pytest.mark.parametrize("rule_set_id", MODERN)
def test_grassroots_fighter_passes_with_an_excellent_rating_and_no_initiative(rule_set_id):
    event = appraise_one(rule_set_id, fighter(performance_rating="EXCELLENT", initiatives=[]))
    assert event.passed


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_grassroots_fighter_passes_with_a_good_rating_and_a_recognised_initiative(rule_set_id):
    event = appraise_one(rule_set_id, fighter(performance_rating="GOOD"))
    assert event.passed


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_an_unrecognised_initiative_does_not_count(rule_set_id):
    event = appraise_one(rule_set_id, fighter(performance_rating="GOOD", initiatives=[{"title": "Ý tưởng mới"}]))
    assert not event.passed


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_grassroots_fighter_refused_below_the_advanced_worker_standard_even_with_an_initiative(rule_set_id):
    event = appraise_one(rule_set_id, fighter(performance_rating="COMPLETED"))
    assert not event.passed
    assert event.failures[0].startswith("Chưa đạt tiêu chuẩn 'Lao động tiên tiến': ")


def test_grassroots_fighter_needed_an_initiative_work_or_feat_before_the_2022_law():
    """NĐ 91/2017 Art. 9.3(b): no excellent-rating alternative."""
    event = appraise_one("2023-nd91", fighter(performance_rating="EXCELLENT", initiatives=[]))
    assert not event.passed
    assert event.failures == [
        "Chưa đáp ứng một trong các điều kiện: Chưa có đủ 1 sáng kiến được cơ quan, đơn vị công nhận. hoặc Chưa có "
        "đủ 1 đề tài, đề án, công trình khoa học đã được nghiệm thu. hoặc Chưa có thành tích mưu trí, sáng tạo trong "
        "chiến đấu, phục vụ chiến đấu được công nhận."
    ]


def test_the_either_or_failure_names_every_alternative():
    event = appraise_one("2024-nd98", fighter(performance_rating="GOOD", initiatives=[]))
    assert event.failures == [
        "Chưa đáp ứng một trong các điều kiện: Kết quả đánh giá 'Hoàn thành tốt nhiệm vụ' chưa đạt mức "
        "'Hoàn thành xuất sắc nhiệm vụ' trở lên. hoặc Chưa có đủ 1 sáng kiến được cơ quan, đơn vị công nhận. hoặc "
        "Chưa có đủ 1 đề tài, đề án, công trình khoa học đã được nghiệm thu. hoặc Chưa có thành tích mưu trí, sáng "
        "tạo trong chiến đấu, phục vụ chiến đấu được công nhận."
    ]


# --- principles (NĐ 152/2025 Art. 4) ---


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_no_award_while_the_nominee_is_under_discipline_or_inspection(rule_set_id):
    event = appraise_one(rule_set_id, individual(under_discipline_or_inspection=True))
    assert not event.passed
    assert (
        "kỷ luật" in event.failures[0] and rules(rule_set_id).principles.hold_blocks_award.article in event.failures[0]
    )


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_an_ad_hoc_award_cannot_ground_a_higher_award(rule_set_id):
    cited = [
        {
            "award": "CERTIFICATE_OF_MERIT",
            "award_type": "AD_HOC",
            "year": 2022,
            "decision_ref": "15/QĐ-UBND",
            "as_basis": True,
        }
    ]
    event = appraise_one(rule_set_id, individual(cited_awards=cited))
    assert not event.passed
    assert "Khen thưởng đột xuất 'Giấy khen' (15/QĐ-UBND) không được dùng làm căn cứ" in event.failures[0]


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_a_thematic_award_cannot_ground_a_higher_award(rule_set_id):
    cited = [
        {"award": "CERTIFICATE_OF_MERIT", "award_type": "MOVEMENT", "thematic": True, "year": 2022, "as_basis": True}
    ]
    event = appraise_one(rule_set_id, individual(cited_awards=cited))
    assert not event.passed and "theo chuyên đề" in event.failures[0]


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_a_regular_movement_award_may_ground_a_higher_award(rule_set_id):
    cited = [{"award": "ADVANCED_WORKER", "award_type": "MOVEMENT", "year": 2022, "as_basis": True}]
    assert appraise_one(rule_set_id, individual(cited_awards=cited)).passed


# --- concurrence (hiệp y) where the rule set asks for it ---

TAX = "CHI-CUC-THUE"


def with_concurrence(rule_set_id: str = "2024-nd98"):
    """The rule set with YEAR_END dossiers needing the tax office's opinion (none does today)."""
    r = rules(rule_set_id)
    kinds = dict(r.dossier_kinds)
    kinds["YEAR_END"] = KindRule(**{**kinds["YEAR_END"].model_dump(), "concurrence_departments": [TAX]})
    return r.model_copy(update={"dossier_kinds": kinds})


def nominee():
    errors: dict[str, str] = {}
    n = parse_nominee(collective(), "nominees[0]", "n1", errors)
    assert n is not None and not errors
    return n


CHECKED = frozenset({"certificate_merit"})
"""The council confirmed the Giấy khen standard (Law Art. 75), so only the concurrence decides."""


def test_a_required_concurrence_that_is_missing_fails_the_nominee():
    finding = appraise_nominee(nominee(), with_concurrence(), council_checks=CHECKED, concurrence_departments=[TAX])
    assert finding.failures == (f"Chưa có ý kiến hiệp y của {TAX}.",)


def test_a_dissenting_concurrence_fails_the_nominee():
    opinion = Concurrence(TAX, agrees=False, opinion="Còn nợ thuế năm 2023")
    finding = appraise_nominee(
        nominee(), with_concurrence(), council_checks=CHECKED, concurrence_departments=[TAX], concurrences=[opinion]
    )
    assert finding.failures == (f"{TAX} không thống nhất (hiệp y): Còn nợ thuế năm 2023",)


def test_an_agreeing_concurrence_lets_the_nominee_pass():
    opinion = Concurrence(TAX, agrees=True, opinion="", nominee_ids=("n1",))
    finding = appraise_nominee(
        nominee(), with_concurrence(), council_checks=CHECKED, concurrence_departments=[TAX], concurrences=[opinion]
    )
    assert finding.passed


def test_a_concurrence_about_another_nominee_does_not_count():
    opinion = Concurrence(TAX, agrees=True, opinion="", nominee_ids=("n2",))
    finding = appraise_nominee(
        nominee(), with_concurrence(), council_checks=CHECKED, concurrence_departments=[TAX], concurrences=[opinion]
    )
    assert not finding.passed


def test_concurrence_opinions_are_recorded_during_appraisal():
    dossier = given_in_appraisal()
    dossier.record_concurrence(
        department=TAX,
        agrees=False,
        opinion="Chưa nộp đủ thuế",
        actor=SECRETARY,
        at=next_moment(dossier),
        nominee_ids=["n1"],
        document_ref="12/CCT-NV",
    )
    (event,) = then_events(dossier, "ConcurrenceRecorded")
    assert event.department == TAX and event.nominee_ids == ["n1"]
    assert dossier.concurrences[0].covers("n1") and not dossier.concurrences[0].covers("n2")


def test_a_dissenting_concurrence_must_give_its_opinion():
    dossier = given_in_appraisal()
    with pytest.raises(DossierValidationError) as raised:
        dossier.record_concurrence(department=TAX, agrees=False, opinion="", actor=SECRETARY, at=next_moment(dossier))
    assert "opinion" in raised.value.field_errors
    then_events(dossier)


# --- the appraisal step itself ---


def test_every_nominee_gets_its_own_appraisal_event():
    dossier = given_in_appraisal()
    dossier.appraise(rules=rules("2024-nd98"), actor=SECRETARY, at=next_moment(dossier))
    events = then_events(dossier, "NomineeAppraised", "NomineeAppraised")
    assert [e.nominee_id for e in events] == ["n1", "n2"]
    assert all(a.passed for a in dossier.appraisals.values())


def test_an_officers_objection_fails_the_nominee():
    dossier = given_in_appraisal()
    dossier.appraise(
        rules=rules("2024-nd98"),
        actor=SECRETARY,
        at=next_moment(dossier),
        objections={"n2": ["Thành tích kê khai chưa được xác minh"]},
        reason="Đối chiếu hồ sơ cán bộ",
    )
    first, second = then_events(dossier, "NomineeAppraised", "NomineeAppraised")
    assert first.passed and not second.passed
    assert second.failures == ["Thành tích kê khai chưa được xác minh"] and second.reason == "Đối chiếu hồ sơ cán bộ"


def test_appraising_again_replaces_the_finding():
    dossier = given_in_appraisal()
    r = rules("2024-nd98")
    dossier.appraise(rules=r, actor=SECRETARY, at=next_moment(dossier), objections={"n1": ["Thiếu xác nhận"]})
    dossier.appraise(rules=r, actor=SECRETARY, at=next_moment(dossier), nominee_ids=["n1"])
    assert dossier.appraisals["n1"].passed


def test_appraisal_of_an_unknown_nominee_is_invalid():
    dossier = given_in_appraisal()
    with pytest.raises(DossierValidationError):
        dossier.appraise(rules=rules("2024-nd98"), actor=SECRETARY, at=next_moment(dossier), nominee_ids=["n9"])
    then_events(dossier)


def test_appraisal_waits_for_a_complete_dossier():
    dossier = given_received()
    with pytest.raises(DossierError):
        dossier.appraise(rules=rules("2024-nd98"), actor=SECRETARY, at=next_moment(dossier))
    then_events(dossier)
