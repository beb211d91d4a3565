"""Appraisal (thẩm định): small generic functions that apply a rule set's data to nominees.

Nothing here knows a title by name: "CSTĐCS needs the LĐTT standard plus an excellent rating or
an initiative" is data (`standard_of`, `any_of`, `min_rating`, `min_recognised_initiatives`);
these functions only interpret it, and word each failure for the appraisal record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from services.dossiers.model import AwardType, Concurrence, Nominee, label
from services.dossiers.rules import (
    AnyOf,
    Criterion,
    MinRating,
    MinRecognisedInitiatives,
    QuotaRule,
    RuleSet,
    StandardOf,
)


@dataclass(frozen=True)
class NomineeFinding:
    nominee_id: str
    passed: bool
    failures: tuple[str, ...]


def criterion_failures(criterion: Criterion, nominee: Nominee, rules: RuleSet) -> list[str]:
    """Why `nominee` misses one criterion; empty when it is met."""
    match criterion:
        case MinRating(min_rating=minimum):
            rating = nominee.performance_rating
            if rating is None:
                return [f"Chưa có kết quả đánh giá, xếp loại (cần '{label(minimum)}' trở lên)."]
            if rating.rank < minimum.rank:
                return [f"Kết quả đánh giá '{label(rating)}' chưa đạt mức '{label(minimum)}' trở lên."]
            return []
        case MinRecognisedInitiatives(min_recognised_initiatives=minimum):
            if nominee.recognised_initiatives < minimum:
                return [f"Chưa có đủ {minimum} sáng kiến được cấp có thẩm quyền công nhận."]
            return []
        case StandardOf(standard_of=award):
            inner = criteria_failures(rules.award(award).criteria, nominee, rules)
            return [f"Chưa đạt tiêu chuẩn '{label(award)}': {f}" for f in inner]
        case AnyOf(any_of=alternatives):
            each = [criteria_failures([alt], nominee, rules) for alt in alternatives]
            if any(not f for f in each):
                return []
            return ["Chưa đáp ứng một trong các điều kiện: " + " hoặc ".join("; ".join(f) for f in each)]
    raise TypeError(f"unknown criterion {criterion!r}")


def criteria_failures(criteria: Iterable[Criterion], nominee: Nominee, rules: RuleSet) -> list[str]:
    return [failure for c in criteria for failure in criterion_failures(c, nominee, rules)]


def principle_failures(nominee: Nominee, rules: RuleSet) -> list[str]:
    """The rule set's principles that hold for every award (domain rule 3(3) and 3(4))."""
    failures = []
    hold = rules.principles.hold_blocks_award
    if hold.applies and nominee.under_discipline_or_inspection:
        failures.append(
            "Đang trong thời gian bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra hoặc giải quyết "
            f"khiếu nại, tố cáo: chưa xét khen thưởng ({hold.citation})."
        )
    grounds = rules.principles.ad_hoc_and_thematic_not_grounds
    if grounds.applies:
        for cited in nominee.cited_awards:
            if cited.award_type is AwardType.AD_HOC or (cited.award_type is AwardType.MOVEMENT and cited.thematic):
                kind = "đột xuất" if cited.award_type is AwardType.AD_HOC else "theo chuyên đề"
                failures.append(
                    f"Khen thưởng {kind} '{label(cited.award)}'"
                    + (f" ({cited.decision_ref})" if cited.decision_ref else "")
                    + f" không được dùng làm căn cứ đề nghị khen thưởng mức cao hơn ({grounds.citation})."
                )
    return failures


def concurrence_failures(
    nominee: Nominee, required_departments: Sequence[str], concurrences: Sequence[Concurrence]
) -> list[str]:
    """Missing or dissenting opinions (hiệp y) of the departments the rule set asks for."""
    failures = []
    covering = [c for c in concurrences if c.covers(nominee.nominee_id)]
    for department in required_departments:
        if not any(c.department == department for c in covering):
            failures.append(f"Chưa có ý kiến hiệp y của {department}.")
    for c in covering:
        if not c.agrees:
            failures.append(f"{c.department} không thống nhất (hiệp y): {c.opinion}")
    return failures


def appraise_nominee(
    nominee: Nominee,
    rules: RuleSet,
    *,
    concurrence_departments: Sequence[str] = (),
    concurrences: Sequence[Concurrence] = (),
    objections: Sequence[str] = (),
) -> NomineeFinding:
    """Every check on one nominee: the award's kinds and criteria, the principles, the
    concurrences, and the appraising officer's own objections (facts the rules cannot see)."""
    award = rules.awards.get(nominee.award)
    failures: list[str] = []
    if award is None:
        failures.append(f"'{label(nominee.award)}' không có trong bộ quy tắc {rules.id}.")
    else:
        if nominee.kind not in award.nominee_kinds:
            failures.append(f"'{label(nominee.award)}' không xét tặng cho đối tượng này.")
        failures += criteria_failures(award.criteria, nominee, rules)
    failures += principle_failures(nominee, rules)
    failures += concurrence_failures(nominee, concurrence_departments, concurrences)
    failures += [o.strip() for o in objections if o.strip()]
    return NomineeFinding(nominee.nominee_id, not failures, tuple(failures))


def vote_passes(votes_for: int, members_total: int, threshold_percent: int) -> bool:
    """Whether the votes for reach the threshold of the WHOLE membership (not of those present)."""
    return votes_for * 100 >= threshold_percent * members_total


def quota_breach(award: str, quota: QuotaRule, approved_awards: Sequence[str]) -> str | None:
    """The quota message when too many approvals get `award`, else None.

    The base is the nominees approved in this decision for `quota.of_awards` (a CSTĐCS also
    holds the LĐTT standard, so it counts in the base); the cap is rounded down.
    """
    count = sum(1 for a in approved_awards if a == award)
    base = sum(1 for a in approved_awards if a in quota.of_awards)
    if count * 100 > quota.max_percent * base:
        cap = quota.max_percent * base // 100
        return (
            f"Số '{label(award)}' ({count}) vượt tỷ lệ {quota.max_percent}% trên {base} cá nhân đạt "
            f"danh hiệu trong quyết định (tối đa {cap})."
        )
    return None


def cash_reward(multiplier: Decimal | None, base_salary_vnd: int, rounding_vnd: int) -> int | None:
    """multiplier × base salary, rounded up to `rounding_vnd`; None when the multiplier is unknown."""
    if multiplier is None:
        return None
    amount = multiplier * base_salary_vnd
    steps = (amount / rounding_vnd).to_integral_value(rounding=ROUND_CEILING)
    return int(steps * rounding_vnd)
