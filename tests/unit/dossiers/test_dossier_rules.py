"""Rule sets: chosen by date, one per legal regime, with the figures domain.md gives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.dossiers.model import AuthorityLevel, Procedure
from services.dossiers.rules import RuleBook, RuleSet

from .helpers import RULE_SET_IDS, book


@pytest.mark.parametrize(
    ("day", "rule_set_id"),
    [
        (date(2023, 1, 1), "2023-nd91"),
        (date(2023, 12, 31), "2023-nd91"),
        (date(2024, 1, 1), "2024-nd98"),
        (date(2025, 6, 30), "2024-nd98"),
        (date(2025, 7, 1), "2025-nd152"),
        (date(2031, 1, 1), "2025-nd152"),
    ],
)
def test_the_rule_set_in_force_is_chosen_by_date(day, rule_set_id):
    assert book().for_date(day).id == rule_set_id


def test_no_rule_set_before_the_legacy_one():
    with pytest.raises(LookupError):
        book().for_date(date(2022, 12, 31))


def test_overlapping_rule_sets_are_rejected():
    first, second = book().get("2023-nd91"), book().get("2024-nd98")
    with pytest.raises(ValueError, match="overlap"):
        RuleBook([first, second.model_copy(update={"valid_from": date(2023, 12, 1)})], book().base_salaries)


@pytest.mark.parametrize(
    ("day", "amount"),
    [
        (date(2023, 6, 30), 1_490_000),
        (date(2023, 7, 1), 1_800_000),
        (date(2024, 6, 30), 1_800_000),
        (date(2024, 7, 1), 2_340_000),
    ],
)
def test_the_base_salary_follows_its_effective_dates(day, amount):
    assert book().base_salary_on(day) == amount


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_every_rule_set_has_both_procedures_and_the_local_titles(rule_set_id):
    rules = book().get(rule_set_id)
    assert set(rules.procedures) == {Procedure.NORMAL, Procedure.SIMPLIFIED}
    assert {"ADVANCED_WORKER", "GRASSROOTS_EMULATION_FIGHTER", "CERTIFICATE_OF_MERIT"} <= set(rules.awards)


@pytest.mark.parametrize(
    ("rule_set_id", "normal", "simplified"), [("2023-nd91", 10, 8), ("2024-nd98", 10, 8), ("2025-nd152", 20, 8)]
)
def test_deadlines_are_the_working_days_of_rule_22(rule_set_id, normal, simplified):
    rules = book().get(rule_set_id)
    assert rules.working_days(Procedure.NORMAL) == normal
    assert rules.working_days(Procedure.SIMPLIFIED) == simplified


def test_the_district_decides_until_june_2025_and_the_commune_after():
    for rule_set_id in ("2023-nd91", "2024-nd98"):
        assert AuthorityLevel.DISTRICT in book().get(rule_set_id).award("GRASSROOTS_EMULATION_FIGHTER").deciding_levels
    nd152 = book().get("2025-nd152")
    assert AuthorityLevel.DISTRICT not in nd152.authority_levels
    assert all(AuthorityLevel.COMMUNE in a.deciding_levels for a in nd152.awards.values())


def test_only_the_legacy_rule_set_caps_grassroots_fighters_at_15_percent():
    quotas = {r: book().get(r).award("GRASSROOTS_EMULATION_FIGHTER").quota for r in RULE_SET_IDS}
    assert quotas["2023-nd91"] is not None and quotas["2023-nd91"].max_percent == 15
    assert quotas["2024-nd98"] is None and quotas["2025-nd152"] is None


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_grassroots_fighters_need_80_percent_of_the_whole_council(rule_set_id):
    vote = book().get(rule_set_id).award("GRASSROOTS_EMULATION_FIGHTER").council_vote
    assert vote is not None and vote.threshold_percent == 80


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_reward_multipliers_of_rule_27(rule_set_id):
    awards = book().get(rule_set_id).awards
    assert awards["GRASSROOTS_EMULATION_FIGHTER"].reward_multipliers["INDIVIDUAL"] == Decimal("1.0")
    assert awards["ADVANCED_WORKER"].reward_multipliers["INDIVIDUAL"] == Decimal("0.3")
    assert awards["ADVANCED_COLLECTIVE"].reward_multipliers["COLLECTIVE"] == Decimal("0.8")
    assert awards["CULTURAL_VILLAGE"].reward_multipliers["COLLECTIVE"] == Decimal("1.5")
    assert awards["CERTIFICATE_OF_MERIT"].reward_multipliers["COLLECTIVE"] == Decimal("0.6")
    assert awards["CERTIFICATE_OF_MERIT"].reward_multipliers["INDIVIDUAL"] is None  # unconfirmed


def test_a_rule_set_naming_an_unknown_award_is_rejected():
    data = book().get("2024-nd98").model_dump(mode="json")
    data["dossier_kinds"]["YEAR_END"]["awards"].append("GOLDEN_STAR")
    with pytest.raises(ValueError, match="GOLDEN_STAR"):
        RuleSet.model_validate(data)
