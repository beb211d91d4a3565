"""An aggregate's history (`GET …/history`) as a timeline a person reads: what happened, who did
it in which role and unit, when (Vietnam time), why, and which fields changed."""

from __future__ import annotations

from typing import Any

from services.console.formatting import code_label, vn_date
from services.console.roles import role_label

EVENT_LABELS = {
    # campaigns
    "Drafted": "Soạn thảo phong trào",
    "Amended": "Điều chỉnh nội dung",
    "DocumentsAttached": "Bổ sung văn bản chỉ đạo, kế hoạch",
    "Registered": "Đăng ký phong trào",
    "RegistrationReturned": "Trả lại hồ sơ đăng ký",
    "Launched": "Phát động phong trào",
    "InterimReviewFiled": "Báo cáo sơ kết",
    "FinalReviewFiled": "Báo cáo tổng kết",
    "FinalReviewCorrected": "Đính chính báo cáo tổng kết",
    "Closed": "Kết thúc phong trào",
    "Cancelled": "Hủy phong trào",
    "ReviewOverdueFlagged": "Ghi nhận quá hạn tổng kết",
    # dossiers
    "Submitted": "Tiếp nhận hồ sơ",
    "SupplementRequested": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "Supplemented": "Bổ sung hồ sơ",
    "Refused": "Từ chối giải quyết",
    "AcceptedAsComplete": "Hồ sơ đầy đủ, chuyển thẩm định",
    "CampaignCheckDeferred": "Chờ thông tin phong trào thi đua",
    "ConcurrenceRecorded": "Ghi nhận ý kiến hiệp y",
    "PubliclyDisclosed": "Công khai danh sách đề nghị",
    "NomineeAppraised": "Thẩm định đối tượng",
    "CouncilVoteRecorded": "Ghi nhận kết quả bỏ phiếu của Hội đồng",
    "CouncilCheckRecorded": "Hội đồng xét tiêu chuẩn",
    "PassedToSuccessor": "Chuyển hồ sơ cho đơn vị kế thừa",
    "AwardDecided": "Quyết định khen thưởng",
    "AwardRejected": "Quyết định không khen thưởng",
    "ResultReturned": "Trả kết quả",
    "DeadlineExtended": "Hẹn lại ngày trả kết quả",
    "Withdrawn": "Rút hồ sơ",
    "AwardAnnulled": "Hủy bỏ quyết định khen thưởng",
    "AwardRecovered": "Thu hồi hiện vật, tiền thưởng",
}

FIELD_LABELS = {
    "status": "Trạng thái",
    "status_label": "Trạng thái",
    "appointment_date": "Ngày hẹn trả",
    "attachments": "Tài liệu",
    "missing": "Tài liệu còn thiếu",
    "refusal_reasons": "Lý do từ chối",
    "appraisals": "Kết quả thẩm định",
    "votes": "Kết quả bỏ phiếu",
    "council_checks": "Hội đồng xét tiêu chuẩn",
    "deciding_authority": "Thẩm quyền giải quyết",
    "counted_from": "Thời hạn tính từ",
    "concurrences": "Ý kiến hiệp y",
    "disclosures": "Công khai",
    "decision": "Quyết định",
    "annulments": "Hủy bỏ",
    "recovered_ids": "Đã thu hồi",
    "deadline_extensions": "Số lần hẹn lại",
    "result_returned_on": "Ngày trả kết quả",
    "closing_reason": "Lý do",
    "nominees": "Người được đề nghị",
}

SKIPPED_FIELDS = {"status", "created_on", "submitted_by", "id", "receipt_number", "rule_set_id", "procedure"}


def _short(value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, str):
        return vn_date(value) if value[:4].isdigit() else code_label(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(code_label(v) for v in value)
    if isinstance(value, int | float):
        return str(value)
    return "(xem chi tiết hồ sơ)"


def timeline(entries: list[dict[str, Any]], unit_name: Any) -> list[dict[str, Any]]:
    """Newest first; each with a label, the actor in words, and up to six readable changes."""
    out = []
    for e in entries:
        actor = e.get("actor") or {}
        changes = []
        for key, change in (e.get("changes") or {}).items():
            if key in SKIPPED_FIELDS or key not in FIELD_LABELS:
                continue
            if key == "deciding_authority":  # a unit: by its name
                before, after = unit_name(change.get("before")) or "—", unit_name(change.get("after")) or "—"
            else:
                before, after = _short(change.get("before")), _short(change.get("after"))
            if before != after:
                changes.append({"field": FIELD_LABELS[key], "before": before, "after": after})
        out.append(
            {
                "version": e.get("version"),
                "label": EVENT_LABELS.get(e.get("type", ""), e.get("type", "")),
                "type": e.get("type"),
                "at": e.get("recorded_at"),
                "actor_id": actor.get("id", ""),
                "actor_role": role_label(actor.get("role", "")),
                "actor_unit": unit_name(actor.get("unit")) if actor.get("unit") else "",
                "reason": e.get("reason"),
                "changes": changes[:6],
            }
        )
    return list(reversed(out))
