"""The rule sets as a readable document (`docs/rule-sets.md`): every entry with its value, its
article and whether that article's text was read, so an inspector can check the data without
reading YAML. Written by `tdkt rule-sets`; a test keeps the committed file equal to the data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from services.dossiers.domain.rules import (
    AnyOf,
    BySector,
    CouncilCheck,
    Criterion,
    MinAcceptedScientificWorks,
    MinRating,
    MinRecognisedInitiatives,
    RecognisedCombatIngenuity,
    RuleBook,
    RuleSet,
    StandardOf,
)
from services.dossiers.domain.values import label

HEADER = """# Rule sets: every entry, its article, and whether its text was read

Generated from `services/dossiers/rulesets/*.yaml` by `tdkt rule-sets`; do not edit by hand (a
test compares this file with the data). "đã đọc" means the article's wording was read (the gazette,
or a word-for-word quotation); "chưa xác nhận" means the value is kept as data until someone reads
the text. The reasons and sources are in `docs/domain.md`.
"""


def _status(confirmed: bool | None) -> str:
    return "đã đọc" if confirmed else "chưa xác nhận"


def describe(criterion: Criterion) -> str:
    """A criterion in a few Vietnamese words."""
    match criterion:
        case MinRating(min_rating=rating):
            return f"đánh giá từ «{label(rating)}» trở lên"
        case MinRecognisedInitiatives(min_recognised_initiatives=n):
            return f"có {n} sáng kiến được công nhận"
        case MinAcceptedScientificWorks(min_accepted_scientific_works=n):
            return f"có {n} đề tài, đề án, công trình khoa học đã nghiệm thu"
        case RecognisedCombatIngenuity():
            return "mưu trí, sáng tạo trong chiến đấu được công nhận"
        case StandardOf(standard_of=award):
            return f"đạt tiêu chuẩn «{label(award)}»"
        case CouncilCheck(council_check=key, text=text):
            return f"Hội đồng xác nhận `{key}`: {text}"
        case AnyOf(any_of=alternatives):
            return "một trong: " + " | ".join(describe(a) for a in alternatives)
        case BySector(by_sector=by_sector):
            parts = [f"{sector.value}: " + "; ".join(describe(c) for c in crits) for sector, crits in by_sector.items()]
            return "theo khu vực — " + " / ".join(parts)
    return repr(criterion)


def _rows(rules: RuleSet) -> Iterator[tuple[str, str, Any]]:
    """(entry, value, sourced object) for every entry that names its article."""
    for procedure, rule in rules.procedures.items():
        yield f"Thời hạn {procedure.value}", f"{rule.working_days} ngày làm việc", rule
    yield "Đề nghị đột xuất muộn", f"sau {rules.ad_hoc.late_after_days} ngày", rules.ad_hoc
    for name in type(rules.principles).model_fields:
        principle = getattr(rules.principles, name)
        yield f"Nguyên tắc {name}", "áp dụng" if principle.applies else "không áp dụng", principle
    disclosure = rules.public_disclosure
    yield (
        "Công khai trước quyết định",
        "bắt buộc" if disclosure.required_before_decision else "không bắt buộc",
        disclosure,
    )
    yield "Làm tròn tiền thưởng", f"{rules.cash.rounding.value} tới {rules.cash.round_to_vnd:,} đồng", rules.cash
    for level, rule in rules.authority_levels.items():
        yield f"Cấp {level.value}", f"{rule.name}; số {rule.number_suffix}", rule
    for kind, rule in rules.dossier_kinds.items():
        attachments = ", ".join(label(a) for a in rule.required_attachments)
        yield f"Hồ sơ {kind.value}", f"{', '.join(label(a) for a in rule.awards)}; kèm: {attachments}", rule
    for name, award in rules.awards.items():
        levels = ", ".join(lv.value for lv in award.deciding_levels) or "không xét ở cơ sở"
        yield f"{label(name)}: thẩm quyền", levels, award
        for criterion in award.criteria:
            yield f"{label(name)}: tiêu chuẩn", describe(criterion), criterion
        if award.council_vote:
            yield (
                f"{label(name)}: biểu quyết",
                f"≥ {award.council_vote.threshold_percent}% tổng số thành viên",
                (award.council_vote),
            )
        if award.quota:
            yield (
                f"{label(name)}: tỷ lệ",
                f"≤ {award.quota.max_percent}% số người đạt LĐTT của đơn vị trong năm",
                (award.quota),
            )
        if award.once_a_year:
            yield f"{label(name)}: mỗi năm", "một lần đề nghị cho một người (tập thể)", award.once_a_year
        for reward in award.rewards:
            levels = f" ({', '.join(lv.value for lv in reward.levels)})" if reward.levels else ""
            if reward.multiplier is not None:
                value = f"{reward.multiplier} × lương cơ sở"
            elif reward.times is not None and reward.of_kind is not None:
                value = f"{reward.times} × mức của {reward.of_kind.value}"
            else:
                value = "chưa có mức"
            yield f"{label(name)}: tiền thưởng {reward.nominee_kind.value}{levels}", value, reward


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(book: RuleBook) -> str:
    lines = [HEADER]
    for rules in book.rule_sets:
        until = rules.valid_to.isoformat() if rules.valid_to else "nay"
        lines += [
            f"## {rules.id}: {rules.name}",
            "",
            f"Hồ sơ tiếp nhận từ {rules.valid_from.isoformat()} đến {until}. Căn cứ: {'; '.join(rules.legal_basis)}.",
            "",
            "| Mục | Giá trị | Căn cứ | Văn bản |",
            "|---|---|---|---|",
        ]
        for entry, value, sourced in _rows(rules):
            lines.append(
                f"| {_cell(entry)} | {_cell(value)} | {_cell(sourced.article)} | {_status(sourced.confirmed)} |"
            )
        lines.append("")
    lines += [
        "## Mức lương cơ sở",
        "",
        "| Từ ngày | Mức | Căn cứ | Văn bản |",
        "|---|---|---|---|",
    ]
    for salary in book.base_salaries:
        lines.append(
            f"| {salary.valid_from.isoformat()} | {salary.amount_vnd:,} đồng | {salary.article} | "
            f"{_status(salary.confirmed)} |"
        )
    return "\n".join(lines) + "\n"


def write(book: RuleBook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(book), encoding="utf-8")
    return path
