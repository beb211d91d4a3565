"""Award decision: only nominees who passed appraisal (and the vote where required), by a
competent level, within quotas; cash reward = multiplier × base salary, rounded up."""

from __future__ import annotations

from datetime import date

import pytest

from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.rules import DisclosureRule
from services.dossiers.domain.values import DossierStatus
from tests.support.dossiers import (
    AUTHORITY,
    CHAIRMAN,
    COMMUNE_2025,
    DECIDER,
    LEVEL,
    SECRETARY,
    at,
    fighter,
    given_appraised,
    given_in_appraisal,
    individual,
    next_moment,
    powers_on,
    rules,
    signer,
    then_events,
)


def decide(dossier, rule_set_id="2024-nd98", *, approve=("n1", "n2"), rules_=None, **overrides):
    moment = overrides.pop("at", None) or next_moment(dossier)
    kwargs = {
        "rules": rules_ or rules(rule_set_id),
        "powers": powers_on(moment),
        "base_salary_vnd": 2_340_000,
        "number": 12,
        "approve": list(approve),
        "authority": signer(DECIDER[rule_set_id]),
        "actor": CHAIRMAN,
        "at": moment,
    }
    kwargs.update(overrides)
    return dossier.decide_award(**kwargs)


@pytest.mark.parametrize("rule_set_id", ["2023-nd91", "2024-nd98", "2025-nd152"])
def test_an_award_decision_is_numbered_and_computes_the_cash_rewards(rule_set_id):
    dossier = given_appraised(rule_set_id, nominees=[individual()] * 7 + [fighter()])
    decide(dossier, rule_set_id, approve=[f"n{i}" for i in range(1, 9)], reason="Theo đề nghị của Hội đồng")
    (event,) = then_events(dossier, "AwardDecided")
    assert event.decision_number == "12/QĐ-UBND"
    assert event.authority == DECIDER[rule_set_id] and event.authority_level == LEVEL[rule_set_id]
    assert {k: v for k, v in event.approvals[0].items() if k != "multiplier_article"} == {
        "nominee_id": "n1",
        "award": "ADVANCED_WORKER",
        "multiplier": "0.3",
        "base_salary_vnd": 2_340_000,
        "cash_reward_vnd": 710_000,  # 702,000 rounded up to tens of thousands
        "multiplier_confirmed": True,
    }
    assert event.approvals[-1]["cash_reward_vnd"] == 2_340_000
    assert dossier.status is DossierStatus.AWARDED


def test_an_award_form_with_an_unconfirmed_amount_has_no_cash_figure():
    dossier = given_appraised(kind="YEAR_END", nominees=[individual(award="CERTIFICATE_OF_MERIT")])
    decide(dossier, approve=["n1"])
    (event,) = then_events(dossier, "AwardDecided")
    approval = event.approvals[0]
    assert approval["multiplier"] is None and approval["cash_reward_vnd"] is None
    assert approval["multiplier_confirmed"] is False


def test_a_nominee_who_failed_appraisal_cannot_be_awarded():
    dossier = given_appraised(nominees=[individual(performance_rating="COMPLETED"), fighter()])
    with pytest.raises(DossierError) as raised:
        decide(dossier)
    assert raised.value.code == "not_approvable" and "n1: không đạt thẩm định" in raised.value.message
    then_events(dossier)


def test_a_nominee_not_yet_appraised_cannot_be_awarded():
    dossier = given_in_appraisal()
    with pytest.raises(DossierError, match="chưa được thẩm định"):
        decide(dossier)
    then_events(dossier)


def test_a_grassroots_fighter_cannot_be_awarded_without_the_council_vote():
    dossier = given_appraised(votes_for=None)
    with pytest.raises(DossierError, match="chưa có kết quả bỏ phiếu"):
        decide(dossier)
    then_events(dossier)


def test_a_grassroots_fighter_who_missed_the_threshold_cannot_be_awarded():
    dossier = given_appraised(votes_for=7)
    with pytest.raises(DossierError, match="không đạt tỷ lệ phiếu bầu"):
        decide(dossier)
    then_events(dossier)


def test_a_nominee_who_failed_is_rejected_automatically_with_the_reasons():
    dossier = given_appraised(votes_for=7)
    decide(dossier, approve=["n1"])
    (event,) = then_events(dossier, "AwardDecided")
    assert event.rejections == {"n2": ["Không đạt tỷ lệ phiếu bầu (7/10)."]}


def test_a_nominee_who_passed_but_is_not_awarded_needs_a_reason():
    dossier = given_appraised()
    with pytest.raises(DossierValidationError) as raised:
        decide(dossier, approve=["n1"])
    assert raised.value.field_errors["reject"] == "Chưa có kết luận cho: n2."
    with pytest.raises(DossierValidationError):
        decide(dossier, approve=["n1"], reject={"n2": [" "]})
    decide(dossier, approve=["n1"], reject={"n2": ["Chưa tiêu biểu so với đơn vị"]})
    (event,) = then_events(dossier, "AwardDecided")
    assert event.rejections == {"n2": ["Chưa tiêu biểu so với đơn vị"]}


def test_the_commune_cannot_give_grassroots_fighter_under_decree_98():
    """Law Art. 80.3 (before 1/7/2025)."""
    dossier = given_appraised("2024-nd98", deciding_authority="XA-KIM-AN")
    with pytest.raises(DossierError, match="không thuộc thẩm quyền của cấp COMMUNE"):
        decide(dossier, authority=signer("XA-KIM-AN"))
    then_events(dossier)


def test_the_district_no_longer_decides_under_decree_152():
    """NĐ 129/2025 Art. 59: no district chairman after 30/6/2025."""
    dossier = given_appraised("2024-nd98", when=at(date(2025, 6, 30)))
    with pytest.raises(DossierError) as raised:
        decide(dossier, authority=signer(AUTHORITY), at=at(date(2025, 7, 1)))
    assert raised.value.code == "authority_not_in_office"
    then_events(dossier)


def test_the_commune_gives_grassroots_fighter_under_decree_152():
    dossier = given_appraised("2025-nd152")
    decide(dossier, "2025-nd152", authority=signer(COMMUNE_2025))
    then_events(dossier, "AwardDecided")


def test_the_2023_quota_caps_grassroots_fighters_at_15_percent_of_the_advanced_workers():
    dossier = given_appraised("2023-nd91", nominees=[individual()] * 5 + [fighter()])
    with pytest.raises(DossierValidationError) as raised:
        decide(dossier, "2023-nd91", approve=[f"n{i}" for i in range(1, 7)])
    assert "vượt tỷ lệ 15% trên 6 cá nhân" in raised.value.field_errors["approve"]
    then_events(dossier)


def test_the_2023_quota_allows_one_fighter_among_eight():
    dossier = given_appraised("2023-nd91", nominees=[individual()] * 7 + [fighter()])
    decide(dossier, "2023-nd91", approve=[f"n{i}" for i in range(1, 9)])
    then_events(dossier, "AwardDecided")


@pytest.mark.parametrize("rule_set_id", ["2024-nd98", "2025-nd152"])
def test_no_quota_after_2023(rule_set_id):
    dossier = given_appraised(rule_set_id, nominees=[individual(), fighter()])
    decide(dossier, rule_set_id)
    then_events(dossier, "AwardDecided")


def test_where_the_rule_set_asks_for_it_nominees_are_disclosed_before_the_decision():
    disclosure = DisclosureRule(required_before_decision=True, article="khoản 5 Điều 84 Luật", confirmed=False)
    strict = rules("2024-nd98").model_copy(update={"public_disclosure": disclosure})
    dossier = given_appraised()
    with pytest.raises(DossierError, match="chưa công khai"):
        decide(dossier, rules_=strict)
    dossier.disclose_publicly(
        where="Bảng tin UBND và cổng thông tin điện tử",
        from_date=date(2024, 6, 5),
        to_date=date(2024, 6, 12),
        actor=SECRETARY,
        at=next_moment(dossier),
    )
    then_events(dossier, "PubliclyDisclosed")
    decide(dossier, rules_=strict)
    then_events(dossier, "AwardDecided")


def test_a_decision_must_award_someone():
    dossier = given_appraised()
    with pytest.raises(DossierValidationError) as raised:
        decide(dossier, approve=[])
    assert "approve" in raised.value.field_errors


def test_a_decision_date_cannot_precede_the_receipt():
    dossier = given_appraised()
    with pytest.raises(DossierValidationError) as raised:
        decide(dossier, decision_date=date(2024, 1, 2))
    assert "decision_date" in raised.value.field_errors


def test_rejecting_all_nominees_is_an_unnumbered_notice_with_reasons():
    dossier = given_appraised(votes_for=7)
    moment = next_moment(dossier)
    dossier.reject_award(
        rules=rules("2024-nd98"),
        powers=powers_on(moment),
        reasons=["Thành tích chưa tiêu biểu"],
        authority=signer(AUTHORITY),
        actor=CHAIRMAN,
        at=moment,
    )
    (event,) = then_events(dossier, "AwardRejected")
    assert event.rejections["n1"] == ["Thành tích chưa tiêu biểu"]
    assert event.rejections["n2"] == ["Thành tích chưa tiêu biểu", "Không đạt tỷ lệ phiếu bầu (7/10)."]
    assert dossier.status is DossierStatus.REJECTED and dossier.decision.number is None


def test_a_decided_dossier_cannot_be_decided_again():
    dossier = given_appraised()
    decide(dossier)
    dossier.collect_events()
    with pytest.raises(DossierError, match="Đã quyết định khen thưởng"):
        decide(dossier)
