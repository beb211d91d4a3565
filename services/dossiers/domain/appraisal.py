"""Appraisal (thẩm định): small generic functions that apply a rule set's data to nominees.

Nothing here knows a title by name: "CSTĐCS needs the LĐTT standard plus an excellent rating, a
recognised initiative, an accepted scientific work or recognised ingenuity in combat" is data
(`standard_of`, `any_of`, `min_rating`, …); these functions only interpret it, and word each
failure for the appraisal record. A criterion that no record can show is a `council_check`: it
holds only when the council recorded it for that nominee, so nothing passes by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from services.dossiers.domain.rules import (
    AnyOf,
    BySector,
    CouncilCheck,
    Criterion,
    MinAcceptedScientificWorks,
    MinRating,
    MinRecognisedInitiatives,
    QuotaRule,
    RecognisedCombatIngenuity,
    RuleSet,
    StandardOf,
)
from services.dossiers.domain.values import AwardType, Concurrence, Nominee, NomineeKind, Sector, label

SECTOR_LABELS = {
    Sector.PUBLIC: "cán bộ, công chức, viên chức, người lao động, lực lượng vũ trang",
    Sector.OTHER: "công nhân, nông dân, người lao động ngoài khu vực công",
}


@dataclass(frozen=True)
class NomineeFinding:
    nominee_id: str
    passed: bool
    failures: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())


def criterion_failures(
    criterion: Criterion, nominee: Nominee, rules: RuleSet, checks: frozenset[str] = frozenset()
) -> list[str]:
    """Why `nominee` misses one criterion; empty when it is met. `checks` are the council-check
    keys the council confirmed for this nominee."""
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
                return [f"Chưa có đủ {minimum} sáng kiến được cơ quan, đơn vị công nhận."]
            return []
        case MinAcceptedScientificWorks(min_accepted_scientific_works=minimum):
            if nominee.accepted_scientific_works < minimum:
                return [f"Chưa có đủ {minimum} đề tài, đề án, công trình khoa học đã được nghiệm thu."]
            return []
        case RecognisedCombatIngenuity():
            if not nominee.recognised_combat_ingenuity:
                return ["Chưa có thành tích mưu trí, sáng tạo trong chiến đấu, phục vụ chiến đấu được công nhận."]
            return []
        case StandardOf(standard_of=award):
            inner = criteria_failures(rules.award(award).criteria, nominee, rules, checks)
            return [f"Chưa đạt tiêu chuẩn '{label(award)}': {f}" for f in inner]
        case CouncilCheck(council_check=key, text=text):
            if key not in checks:
                return [f"Hội đồng chưa xác nhận tiêu chuẩn: {text}"]
            return []
        case AnyOf(any_of=alternatives):
            each = [criteria_failures([alt], nominee, rules, checks) for alt in alternatives]
            if any(not f for f in each):
                return []
            return ["Chưa đáp ứng một trong các điều kiện: " + " hoặc ".join("; ".join(f) for f in each)]
        case BySector(by_sector=by_sector):
            chosen = by_sector.get(nominee.sector)
            if chosen is None:
                return [f"Danh hiệu này không xét cho {SECTOR_LABELS[nominee.sector]}."]
            return criteria_failures(chosen, nominee, rules, checks)
    raise TypeError(f"unknown criterion {criterion!r}")


def criteria_failures(
    criteria: Iterable[Criterion], nominee: Nominee, rules: RuleSet, checks: frozenset[str] = frozenset()
) -> list[str]:
    return [failure for c in criteria for failure in criterion_failures(c, nominee, rules, checks)]


def principle_failures(nominee: Nominee, rules: RuleSet) -> list[str]:
    """The rule set's principles that hold for every award (NĐ 152/2025 Art. 4(3) and 4(4))."""
    failures = []
    hold = rules.principles.hold_blocks_award
    if hold.applies and nominee.under_discipline_or_inspection:
        failures.append(
            "Đang trong thời gian bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra hoặc giải quyết "
            f"khiếu nại, tố cáo: chưa xét khen thưởng ({hold.article})."
        )
    grounds = rules.principles.ad_hoc_and_thematic_not_grounds
    if grounds.applies:
        # Only an award the proposal RESTS ON fails it; one merely mentioned does not.
        for cited in nominee.cited_awards:
            if not cited.as_basis:
                continue
            if cited.award_type is AwardType.AD_HOC or (cited.award_type is AwardType.MOVEMENT and cited.thematic):
                kind = "đột xuất" if cited.award_type is AwardType.AD_HOC else "theo chuyên đề"
                failures.append(
                    f"Khen thưởng {kind} '{label(cited.award)}'"
                    + (f" ({cited.decision_ref})" if cited.decision_ref else "")
                    + f" không được dùng làm căn cứ đề nghị khen thưởng mức cao hơn ({grounds.article})."
                )
    return failures


def priority_notes(nominee: Nominee, rules: RuleSet) -> list[str]:
    """What the decision should weigh when achievements are equal: women first (NĐ 152 Art. 4(6))."""
    women = rules.principles.women_priority
    if not women.applies or not nominee.is_women_priority(women.min_share_of_women):
        return []
    who = (
        "cá nhân nữ"
        if nominee.kind is NomineeKind.INDIVIDUAL
        else f"tập thể có tỷ lệ nữ từ {round(women.min_share_of_women * 100)}% trở lên"
    )
    return [f"Ưu tiên khi có nhiều đối tượng cùng đủ điều kiện, tiêu chuẩn: {who} ({women.article})."]


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
    council_checks: frozenset[str] = frozenset(),
    concurrence_departments: Sequence[str] = (),
    concurrences: Sequence[Concurrence] = (),
    objections: Sequence[str] = (),
) -> NomineeFinding:
    """Every check on one nominee: the award's kinds and criteria (with the council's recorded
    checks), the principles, the concurrences, and the appraising officer's own objections."""
    award = rules.awards.get(nominee.award)
    failures: list[str] = []
    if award is None:
        failures.append(f"'{label(nominee.award)}' không có trong bộ quy tắc {rules.id}.")
    else:
        if nominee.kind not in award.nominee_kinds:
            failures.append(f"'{label(nominee.award)}' không xét tặng cho đối tượng này.")
        failures += criteria_failures(award.criteria, nominee, rules, council_checks)
    failures += principle_failures(nominee, rules)
    failures += concurrence_failures(nominee, concurrence_departments, concurrences)
    failures += [o.strip() for o in objections if o.strip()]
    notes = priority_notes(nominee, rules) if not failures else []
    return NomineeFinding(nominee.nominee_id, not failures, tuple(failures), tuple(notes))


def vote_passes(votes_for: int, members_total: int, threshold_percent: int) -> bool:
    """Whether the votes for reach the threshold of the WHOLE membership (not of those present)."""
    return votes_for * 100 >= threshold_percent * members_total


def quota_breach(
    award: str, quota: QuotaRule, approved_awards: Sequence[str], earlier: Mapping[str, int] | None = None
) -> str | None:
    """The quota message when too many holders of `award` there would be, else None.

    The base is every holder of `quota.of_awards` in the proposing unit's year: those of
    earlier decisions (`earlier`, by award) and those approved now (a CSTĐCS also holds the LĐTT
    standard, so it counts in the base). The cap is rounded down.
    """
    earlier = earlier or {}
    count = sum(1 for a in approved_awards if a == award) + earlier.get(award, 0)
    base = sum(1 for a in approved_awards if a in quota.of_awards) + sum(earlier.get(a, 0) for a in quota.of_awards)
    if count * 100 > quota.max_percent * base:
        cap = quota.max_percent * base // 100
        return (
            f"Số '{label(award)}' của đơn vị trong năm ({count}, kể cả quyết định này) vượt tỷ lệ "
            f"{quota.max_percent}% trên {base} cá nhân đạt danh hiệu (tối đa {cap}; {quota.article})."
        )
    return None
