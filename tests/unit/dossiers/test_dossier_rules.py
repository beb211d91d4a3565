"""Rule sets: chosen by date, one per legal regime, with the figures docs/domain.md gives; every
entry names its article and whether its text was read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.dossiers.domain.rules import RuleBook, RuleSet
from services.dossiers.domain.values import AuthorityLevel, NomineeKind, Procedure
from tests.support.dossiers import RULE_SET_IDS, book


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
def test_deadlines_are_the_working_days_of_the_procedure_records(rule_set_id, normal, simplified):
    rules = book().get(rule_set_id)
    assert rules.working_days(Procedure.NORMAL) == normal
    assert rules.working_days(Procedure.SIMPLIFIED) == simplified


def test_the_district_decides_until_june_2025_and_the_commune_after():
    """Law Art. 80.2 until 30/6/2025; NĐ 129/2025 Art. 59 from 1/7/2025."""
    for rule_set_id in ("2023-nd91", "2024-nd98"):
        assert AuthorityLevel.DISTRICT in book().get(rule_set_id).award("GRASSROOTS_EMULATION_FIGHTER").deciding_levels
    nd152 = book().get("2025-nd152")
    assert AuthorityLevel.DISTRICT not in nd152.authority_levels
    local = [a for a in nd152.awards.values() if a.deciding_levels]
    assert all(AuthorityLevel.COMMUNE in a.deciding_levels for a in local)


def test_the_board_chair_gives_certificates_only():
    """Law Art. 80.4: the chair of the board or members' council decides Giấy khen, nothing else."""
    for rule_set_id in RULE_SET_IDS:
        awards = book().get(rule_set_id).awards
        assert [n for n, a in awards.items() if AuthorityLevel.ENTERPRISE_BOARD in a.deciding_levels] == [
            "CERTIFICATE_OF_MERIT"
        ]


def test_only_the_legacy_rule_set_caps_grassroots_fighters_at_15_percent():
    quotas = {r: book().get(r).award("GRASSROOTS_EMULATION_FIGHTER").quota for r in RULE_SET_IDS}
    assert quotas["2023-nd91"] is not None and quotas["2023-nd91"].max_percent == 15
    assert quotas["2024-nd98"] is None and quotas["2025-nd152"] is None


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_grassroots_fighters_need_80_percent_of_the_whole_council(rule_set_id):
    vote = book().get(rule_set_id).award("GRASSROOTS_EMULATION_FIGHTER").council_vote
    assert vote is not None and vote.threshold_percent == 80


def multiplier(rule_set_id: str, award: str, kind: str, level: str = "COMMUNE") -> Decimal | None:
    reward = book().get(rule_set_id).award(award).reward_for(NomineeKind(kind), AuthorityLevel(level))
    return reward.multiplier if reward else None


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_reward_multipliers_of_the_titles(rule_set_id):
    """NĐ 152/2025 Art. 50 (the same figures in NĐ 91/2017 and NĐ 98/2023 for these titles)."""
    assert multiplier(rule_set_id, "GRASSROOTS_EMULATION_FIGHTER", "INDIVIDUAL") == Decimal("1.0")
    assert multiplier(rule_set_id, "ADVANCED_WORKER", "INDIVIDUAL") == Decimal("0.3")
    assert multiplier(rule_set_id, "ADVANCED_COLLECTIVE", "COLLECTIVE") == Decimal("0.8")
    assert multiplier(rule_set_id, "CULTURAL_VILLAGE", "COLLECTIVE") == Decimal("1.5")


def test_certificate_of_merit_amounts_by_regime_and_level():
    """NĐ 91/2017 Art. 73 by the deciding level; NĐ 152/2025 Art. 54 for collectives; the rest
    not read (null, marked unconfirmed)."""
    assert multiplier("2023-nd91", "CERTIFICATE_OF_MERIT", "INDIVIDUAL", "COMMUNE") == Decimal("0.15")
    assert multiplier("2023-nd91", "CERTIFICATE_OF_MERIT", "INDIVIDUAL", "DISTRICT") == Decimal("0.3")
    assert multiplier("2023-nd91", "CERTIFICATE_OF_MERIT", "COLLECTIVE", "DISTRICT") == Decimal("0.6")
    assert multiplier("2023-nd91", "CERTIFICATE_OF_MERIT", "INDIVIDUAL", "ENTERPRISE") is None
    assert multiplier("2025-nd152", "CERTIFICATE_OF_MERIT", "COLLECTIVE", "ENTERPRISE_BOARD") == Decimal("0.6")
    assert multiplier("2025-nd152", "CERTIFICATE_OF_MERIT", "INDIVIDUAL") is None
    assert multiplier("2025-nd152", "CERTIFICATE_OF_MERIT", "HOUSEHOLD") is None


def sourced_entries(rules: RuleSet) -> list[tuple[str, Any]]:
    """Every entry of a rule set that must name its article, with a path for the message."""
    found: list[tuple[str, Any]] = [("ad_hoc", rules.ad_hoc), ("public_disclosure", rules.public_disclosure)]
    found += [("cash", rules.cash)]
    found += [(f"procedures.{k}", v) for k, v in rules.procedures.items()]
    found += [(f"principles.{k}", getattr(rules.principles, k)) for k in type(rules.principles).model_fields]
    found += [(f"authority_levels.{k}", v) for k, v in rules.authority_levels.items()]
    found += [(f"dossier_kinds.{k}", v) for k, v in rules.dossier_kinds.items()]
    for name, award in rules.awards.items():
        found.append((f"awards.{name}", award))
        found += [(f"awards.{name}.criteria[{i}]", c) for i, c in enumerate(award.criteria)]
        found += [(f"awards.{name}.rewards[{i}]", r) for i, r in enumerate(award.rewards)]
        found += [(f"awards.{name}.{k}", getattr(award, k)) for k in ("council_vote", "quota") if getattr(award, k)]
    return found


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_every_rule_set_entry_names_its_article_and_whether_it_was_confirmed(rule_set_id):
    """docs/domain.md: a rule kept as data says where it comes from and whether that text was read."""
    entries = sourced_entries(book().get(rule_set_id))
    missing = [path for path, e in entries if len(e.article.strip()) < 3 or not isinstance(e.confirmed, bool)]
    assert missing == []
    assert len(entries) > 40


def test_every_base_salary_names_its_decree():
    assert all(s.article and isinstance(s.confirmed, bool) for s in book().base_salaries)


def test_a_rule_set_naming_an_unknown_award_is_rejected():
    data = book().get("2024-nd98").model_dump(mode="json")
    data["dossier_kinds"]["YEAR_END"]["awards"].append("GOLDEN_STAR")
    with pytest.raises(ValueError, match="GOLDEN_STAR"):
        RuleSet.model_validate(data)
