"""Who signs a decision on a dossier, and why, in words; and what to do about each refusal of who
may sign.

The console never asks a person for an authority level: the dossiers service takes it from the
org-unit data and checks it again on every decision. These functions only *explain* what that
data says (from the unit catalogue), so the chairman sees before signing whose dossier it is,
what power their unit holds, and what will happen if the unit it was addressed to has ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from services.console.formatting import vn_date


class Units(Protocol):
    def name(self, code: str | None) -> str: ...
    def get(self, code: str | None) -> dict[str, Any] | None: ...
    def ended(self, code: str | None, on: date | None = None) -> date | None: ...
    def successors(self, code: str | None) -> list[tuple[str, str]]: ...


REFUSAL_HELP: dict[str, tuple[str, str | None]] = {
    "no_award_power": (
        "Người ký phải là người đứng đầu đơn vị có thẩm quyền khen thưởng theo danh mục đơn vị (Điều 80 Luật "
        "Thi đua, khen thưởng 2022) vào ngày quyết định. Phòng, ban chuyên môn, công an, quân sự cấp huyện chỉ "
        "đề nghị, không tự quyết định.",
        None,
    ),
    "authority_not_in_office": (
        "Đơn vị có thẩm quyền không còn hoạt động vào ngày quyết định: chuyển hồ sơ cho đơn vị kế thừa, người "
        "đứng đầu đơn vị kế thừa ký quyết định.",
        "successor",
    ),
    "not_deciding_authority": (
        "Chỉ người đứng đầu đơn vị đang giải quyết hồ sơ (hoặc đơn vị kế thừa khi đơn vị đó đã chấm dứt hoạt "
        "động) mới ký được. Hồ sơ của đơn vị khác do đơn vị đó quyết định.",
        None,
    ),
    "thematic_not_escalated": (
        "Khen thưởng chuyên đề do cấp đã phát động phong trào xét (Công văn 147/UBND-NV, điểm 4). Hồ sơ chỉ "
        "trình cấp trên khi thành tích có phạm vi ảnh hưởng rộng và lý do được ghi khi tiếp nhận; hồ sơ này "
        "không ghi lý do đó. Hãy quyết định không khen thưởng, hoặc để đơn vị rút hồ sơ và nộp lại kèm lý do.",
        None,
    ),
    "authority_still_in_office": (
        "Đơn vị đang giải quyết hồ sơ vẫn còn hoạt động: chỉ chuyển hồ sơ khi danh mục đơn vị ghi đơn vị đó "
        "đã chấm dứt hoạt động.",
        None,
    ),
    "not_successor": ("Chỉ chuyển được cho đơn vị mà danh mục đơn vị ghi là đơn vị kế thừa.", None),
    "same_authority": ("Hồ sơ đã thuộc thẩm quyền của đơn vị này.", None),
    "not_approvable": (
        "Mỗi người được khen thưởng phải đạt thẩm định (kể cả tiêu chuẩn Hội đồng xét), đạt tỷ lệ phiếu khi "
        "danh hiệu cần bỏ phiếu, đã được công khai khi quy định yêu cầu, và thuộc thẩm quyền của cấp ký.",
        None,
    ),
}
"""What a person can do about each refusal code of the dossiers service, and the step that helps."""


def refusal_help(code: str | None) -> tuple[str, str | None] | None:
    return REFUSAL_HELP.get(code or "")


@dataclass
class SignerView:
    """The signer as the decision screen shows it: who, with what power, and why this dossier is theirs."""

    code: str
    name: str
    power: str | None
    article: str | None
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _power(units: Units, code: str) -> tuple[str | None, str | None]:
    unit = units.get(code) or {}
    return unit.get("award_power"), unit.get("award_power_article")


def signer_view(d: dict[str, Any], signer: str, units: Units, today: date, *, annulment: bool = False) -> SignerView:
    """Explain who signs `d` when the person logged in for unit `signer` does.

    For a decision the dossier is pending at `deciding_authority`; for an annulment, at the
    authority that decided (or the unit that took over its work)."""
    decision = d.get("decision") or {}
    pending = decision.get("authority") if annulment else d.get("deciding_authority")
    power, article = _power(units, signer)
    view = SignerView(signer, units.name(signer), power, article)
    name = units.name(pending) if pending else ""
    if annulment and pending:
        view.reasons.append(f"Quyết định số {decision.get('number')} do {name} ký.")
    elif pending:
        origin = f"Hồ sơ đang thuộc thẩm quyền giải quyết của {name}"
        moves = d.get("successions") or []
        if moves:
            last = moves[-1]
            origin += (
                f", chuyển từ {units.name(last['from'])} (chấm dứt hoạt động sau ngày {vn_date(last['ended_on'])})"
            )
        else:
            origin += f" từ khi tiếp nhận ngày {vn_date(d.get('received_on'))}"
        view.reasons.append(origin + ".")
    else:
        view.reasons.append("Hồ sơ không ghi cơ quan có thẩm quyền giải quyết.")
    if d.get("escalation_reason") and not annulment:
        view.reasons.append(f"Trình cấp trên với lý do ghi khi tiếp nhận: «{d['escalation_reason']}».")
    if power:
        view.reasons.append(f"Thẩm quyền khen thưởng theo danh mục đơn vị: {power} ({article or 'không ghi điều'}).")
    else:
        view.warnings.append(
            f"Theo danh mục đơn vị, {view.name} không có thẩm quyền khen thưởng: dịch vụ hồ sơ sẽ từ chối."
        )
    ended = units.ended(pending, today) if pending else None
    if pending and pending != signer:
        successors = [c for c, _ in units.successors(pending)]
        if ended and signer in successors:
            view.reasons.append(
                f"{name} đã chấm dứt hoạt động sau ngày {vn_date(ended)}; {view.name} là đơn vị kế thừa: khi ký, "
                "hồ sơ được chuyển cho đơn vị này và lịch sử hồ sơ ghi lại việc chuyển."
            )
        else:
            view.warnings.append(
                f"Hồ sơ thuộc thẩm quyền của {name}, không phải của {view.name}: dịch vụ hồ sơ sẽ từ chối."
            )
    elif ended:
        view.warnings.append(
            f"{name} đã chấm dứt hoạt động sau ngày {vn_date(ended)}: chuyển hồ sơ cho đơn vị kế thừa trước khi ký."
        )
    return view
