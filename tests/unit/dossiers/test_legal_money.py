"""Money: cash rewards rounded up to tens of thousands of dong, Giấy khen amounts by the deciding
level, unconfirmed figures marked, and recovery of whatever cash an award paid."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.dossiers.application import Dossiers
from services.dossiers.domain.values import AnnulmentGround
from tests.support.dossiers import CHAIRMAN, SECRETARY, at, collective, individual, submission


def decided(app: Dossiers, day: date, decided_on: date, nominees: list[dict[str, Any]], **overrides: Any):
    """Received on `day` from xã Kim An, complete, checked by the council where its standards ask
    for it, appraised, and decided on `decided_on` by the authority it is addressed to."""
    values = submission(**{"proposing_unit": "XA-KIM-AN", "nominees": nominees, **overrides})
    if not overrides.get("deciding_authority"):
        values.pop("deciding_authority", None)
    dossier = app.submit(at=at(day), **values)
    app.check_completeness(dossier.id, actor=SECRETARY, at=at(day, 10))
    titles_with_a_rating = {"ADVANCED_WORKER", "GRASSROOTS_EMULATION_FIGHTER"}  # no council check for officials
    required = {}
    if any(n["award"] not in titles_with_a_rating for n in nominees):
        required = app.get(dossier.id).required_council_checks(app.rules_of(dossier))
    for nominee_id, checks in required.items():
        app.record_council_check(
            dossier.id, nominee_ids=[nominee_id], confirmed=[c["key"] for c in checks], meeting_date=day,
            minutes_ref="BB 01/HĐTĐKT", actor=SECRETARY, at=at(day, 11),
        )  # fmt: skip
    app.appraise(dossier.id, actor=SECRETARY, at=at(day, 12))
    return app.decide_award(
        dossier.id, approve=[f"n{i + 1}" for i in range(len(nominees))], actor=CHAIRMAN, at=at(decided_on)
    )


def test_cash_rewards_are_rounded_up_to_the_next_ten_thousand_dong(app):
    """NĐ 98/2023 (as NĐ 91/2017 before it): the reward "được làm tròn số lên hàng chục nghìn
    đồng". LĐTT: 0.3 × 2,340,000 = 702,000 → 710,000."""
    done = decided(app, date(2024, 7, 1), date(2024, 7, 10), [individual()])
    approval = done.decision.approvals[0]
    assert (approval.multiplier, approval.base_salary_vnd, approval.cash_reward_vnd) == ("0.3", 2_340_000, 710_000)


def test_rounding_is_data_up_or_to_the_nearest():
    """The rounding rule of the rule set (`cash`), its direction kept as data until the text is read."""
    from services.dossiers.domain.rules import CashRule, Rounding

    up = CashRule(round_to_vnd=10_000, rounding=Rounding.UP, article="khoản 2 Điều 68 NĐ 91/2017", confirmed=False)
    nearest = up.model_copy(update={"rounding": Rounding.NEAREST})
    from decimal import Decimal

    assert up.amount(Decimal("0.15"), 1_490_000) == 230_000  # 223,500
    assert nearest.amount(Decimal("0.15"), 1_490_000) == 220_000
    assert up.amount(Decimal("1.0"), 2_340_000) == 2_340_000  # already round: unchanged


@pytest.mark.parametrize(
    ("authority", "nominee", "expected"),
    [
        ("XA-KIM-AN", individual(award="CERTIFICATE_OF_MERIT"), ("0.15", 230_000)),  # 223,500
        ("XA-KIM-AN", collective(), ("0.3", 450_000)),  # 447,000
        ("UBND-THANH-OAI", individual(award="CERTIFICATE_OF_MERIT"), ("0.3", 450_000)),  # 447,000
        ("UBND-THANH-OAI", collective(), ("0.6", 900_000)),  # 894,000
    ],
)
def test_a_certificate_of_merit_pays_what_decree_91_gives_the_deciding_level(app, authority, nominee, expected):
    """NĐ 91/2017 Art. 73: the commune chairman's Giấy khen carries 0.15 × the base salary for an
    individual, the district chairman's 0.3; a collective twice the individual amount (73.2.b).
    Base salary 1,490,000 before 1/7/2023."""
    done = decided(app, date(2023, 6, 1), date(2023, 6, 12), [nominee], kind="YEAR_END", deciding_authority=authority)
    approval = done.decision.approvals[0]
    assert (approval.multiplier, approval.cash_reward_vnd) == expected
    assert approval.multiplier_confirmed is True and "Điều 73" in approval.multiplier_article


def test_decree_152_gives_collectives_0_6_and_a_figure_not_read_is_marked_not_paid(app):
    """NĐ 152/2025 Art. 54: Giấy khen of any level 0.6 for a collective; the individual and
    household figures were not read, so no amount is computed and the approval says why."""
    done = decided(
        app, date(2025, 9, 3), date(2025, 9, 12), [collective(), individual(award="CERTIFICATE_OF_MERIT")],
        kind="YEAR_END", proposing_unit="XA-TAM-HUNG-2025",
    )  # fmt: skip
    team, person = done.decision.approvals
    assert (team.multiplier, team.cash_reward_vnd, team.multiplier_confirmed) == ("0.6", 1_410_000, True)  # 1,404,000
    assert (person.cash_reward_vnd, person.multiplier_confirmed) == (None, False)
    assert "Điều 54" in person.multiplier_article


def test_recovery_works_for_an_award_whose_cash_figure_the_rule_set_did_not_know(app):
    """Law 06/2022 Art. 93: an annulled award's artefacts AND money are recovered. Where the
    decision recorded no figure (NĐ 98's individual Giấy khen amount was not read), the unit still
    paid what it paid, and that amount can be recorded as recovered."""
    done = decided(
        app, date(2024, 6, 3), date(2024, 6, 12), [individual(award="CERTIFICATE_OF_MERIT")], kind="YEAR_END"
    )
    assert done.decision.approvals[0].cash_reward_vnd is None
    app.annul_award(done.id, ground=AnnulmentGround("a"), act_reference="KL 02/KL-TTr", actor=CHAIRMAN,
                    at=at(date(2024, 9, 3)), reason="Kê khai thành tích không đúng")  # fmt: skip
    recovered = app.record_recovery(
        done.id, nominee_ids=["n1"], artefacts_returned=["Giấy khen"], amount_recovered_vnd=710_000, actor=SECRETARY,
        at=at(date(2024, 9, 20)),
    )  # fmt: skip
    assert recovered.recovered_ids == {"n1"}


def test_the_rounded_amount_paid_is_recovered_in_full(app):
    """Law Art. 93: the money recovered is the money paid, i.e. the rounded 710,000, not 702,000."""
    done = decided(app, date(2024, 7, 1), date(2024, 7, 10), [individual()])
    app.annul_award(done.id, ground=AnnulmentGround("d"), act_reference="QĐ kỷ luật 12/QĐ",
                    actor=CHAIRMAN, at=at(date(2024, 9, 3)),
                    reason="Không bảo đảm tiêu chuẩn trong thời gian tính thành tích")  # fmt: skip
    recovered = app.record_recovery(done.id, nominee_ids=["n1"], artefacts_returned=[], amount_recovered_vnd=710_000,
                                    actor=SECRETARY, at=at(date(2024, 9, 20)))  # fmt: skip
    assert recovered.recovered_ids == {"n1"}


def test_a_household_certificate_is_one_and_a_half_times_the_individual_amount():
    """NĐ 152/2025 Art. 54: a household's Giấy khen carries 1.5 × the individual amount. The
    individual figure was not read, so neither is known yet; set it, and the household's follows."""
    from decimal import Decimal

    from services.dossiers.domain.values import AuthorityLevel, NomineeKind
    from tests.support.dossiers import rules

    nd152 = rules("2025-nd152")
    award = nd152.award("CERTIFICATE_OF_MERIT")
    household, commune = NomineeKind.HOUSEHOLD, AuthorityLevel.COMMUNE
    assert award.multiplier_for(household, commune) is None
    with_individual = [
        r.model_copy(update={"multiplier": Decimal("0.3")}) if r.nominee_kind is NomineeKind.INDIVIDUAL else r
        for r in award.rewards
    ]
    assert award.model_copy(update={"rewards": with_individual}).multiplier_for(household, commune) == Decimal("0.45")
    assert nd152.cash.amount(Decimal("0.45"), 2_340_000) == 1_060_000  # 1,053,000 rounded up
