"""The human-readable timeline of an audit bundle: each dossier's events in Vietnamese, as HTML and
as PDF (WeasyPrint, with the DejaVu fonts that carry every Vietnamese diacritic)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from shared.contracts.labels import ANNULMENT_GROUNDS, ATTACHMENT_KINDS, DOSSIER_STATUSES, label
from shared.workdays import VIETNAM_TZ

EVENT_LABELS = {
    "tdkt.dossier.submitted": "Tiếp nhận hồ sơ",
    "tdkt.dossier.supplement_requested": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "tdkt.dossier.supplemented": "Bổ sung hồ sơ",
    "tdkt.dossier.accepted_as_complete": "Hồ sơ đầy đủ, chuyển thẩm định",
    "tdkt.dossier.awaiting_campaign": "Chờ thông tin phong trào thi đua",
    "tdkt.dossier.refused": "Từ chối giải quyết",
    "tdkt.dossier.concurrence_recorded": "Ghi nhận ý kiến hiệp y",
    "tdkt.dossier.publicly_disclosed": "Công khai danh sách đề nghị",
    "tdkt.dossier.nominee_appraised": "Thẩm định",
    "tdkt.dossier.council_check_recorded": "Hội đồng xác nhận tiêu chuẩn",
    "tdkt.dossier.council_vote_recorded": "Hội đồng biểu quyết",
    "tdkt.dossier.passed_to_successor": "Chuyển cho đơn vị kế thừa",
    "tdkt.award.decided": "Quyết định khen thưởng",
    "tdkt.award.rejected": "Thông báo không khen thưởng",
    "tdkt.dossier.result_returned": "Trả kết quả",
    "tdkt.dossier.deadline_extended": "Gia hạn, hẹn lại ngày trả kết quả",
    "tdkt.dossier.withdrawn": "Rút hồ sơ",
    "tdkt.award.annulled": "Hủy bỏ quyết định khen thưởng",
    "tdkt.award.recovered": "Thu hồi hiện vật, tiền thưởng",
}
ROLE_LABELS = {
    "desk_clerk": "Cán bộ Bộ phận Một cửa",
    "lead_unit_officer": "Cán bộ đơn vị chủ trì",
    "lead_unit_clerk": "Cán bộ đơn vị chủ trì",
    "council_secretariat": "Thường trực Hội đồng (Phòng Nội vụ)",
    "secretariat": "Thường trực Hội đồng (Phòng Nội vụ)",
    "council_member": "Thành viên Hội đồng",
    "chairman": "Chủ tịch UBND",
    "auditor": "Thanh tra, kiểm tra",
    "administrator": "Quản trị hệ thống",
    "system": "Hệ thống (tự động)",
}


def vn_time(moment: str) -> str:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")


def vn_date(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def _names(payload: dict[str, Any], ids: list[str]) -> str:
    nominees = {n["nominee_id"]: n["name"] for n in payload.get("dossier", {}).get("nominees", [])}
    return ", ".join(nominees.get(i, i) for i in ids)


def describe(subject: str, p: dict[str, Any]) -> str:
    """What happened, in a sentence an inspector reads."""
    d = p.get("dossier", {})
    match subject:
        case "tdkt.dossier.submitted":
            text = f"Số tiếp nhận {d.get('receipt_number')}, qua {label(d.get('channel'))}; "
            text += f"{len(d.get('nominees', []))} đối tượng được đề nghị"
            if d.get("appointment_date"):
                text += f"; hẹn trả kết quả ngày {vn_date(d['appointment_date'])}"
            return text + "."
        case "tdkt.dossier.supplement_requested":
            missing = ", ".join(label(m, ATTACHMENT_KINDS) for m in p.get("missing", []))
            return f"Cần bổ sung: {missing}." + (f" Lý do: {p['reason']}." if p.get("reason") else "")
        case "tdkt.dossier.supplemented":
            return f"Nộp bổ sung {len(p.get('attachments', []))} tệp." + (f" {p['note']}" if p.get("note") else "")
        case "tdkt.dossier.refused" | "tdkt.dossier.withdrawn":
            return f"Lý do: {p.get('reason') or ''}."
        case "tdkt.dossier.nominee_appraised":
            verdict = "đạt" if p.get("passed") else "không đạt"
            return f"{_names(p, [p.get('nominee_id', '')])}: {verdict}" + (
                f" ({'; '.join(p['failures'])})" if p.get("failures") else ""
            )
        case "tdkt.dossier.council_vote_recorded":
            verdict = "đạt" if p.get("passed") else "không đạt"
            return (
                f"{_names(p, [p.get('nominee_id', '')])}: {p.get('votes_for')}/{p.get('members_total')} thành viên "
                f"đồng ý, {verdict}."
            )
        case "tdkt.award.decided":
            approved = _names(p, [a["nominee_id"] for a in p.get("approvals", [])])
            text = f"Quyết định số {p.get('decision_number')} ngày {vn_date(p.get('decision_date'))}"
            text += f"; khen thưởng: {approved}"
            if p.get("rejections"):
                text += f"; không khen thưởng: {_names(p, list(p['rejections']))}"
            return text + "."
        case "tdkt.award.rejected":
            return (
                f"Ngày {vn_date(p.get('decision_date'))}: không khen thưởng {_names(p, list(p.get('rejections', {})))}."
            )
        case "tdkt.dossier.result_returned":
            return f"Trả kết quả ngày {vn_date(p.get('returned_on'))}."
        case "tdkt.dossier.deadline_extended":
            return f"Hẹn lại từ {vn_date(p.get('previous_date'))} sang {vn_date(p.get('new_date'))}: {p.get('reason')}."
        case "tdkt.award.annulled":
            ground = ANNULMENT_GROUNDS.get(str(p.get("ground")), str(p.get("ground")))
            return f"Hủy bỏ khen thưởng {_names(p, p.get('nominee_ids', []))}: {ground}."
    return ""


TEMPLATE = Path(__file__).with_name("templates") / "timeline.html.j2"


def render_html(
    dossiers: list[dict[str, Any]],
    *,
    scope: str,
    created_at: datetime,
    verification_ok: bool,
    verification_summary: str,
    keys: str,
) -> str:
    """`dossiers`: each {"id", "events": [published payloads with "subject"], "attachments": [...]}, in order."""
    rows = []
    total = 0
    for dossier in dossiers:
        events = dossier["events"]
        total += len(events)
        last = events[-1]["payload"]["dossier"]
        rows.append(
            {
                "id": dossier["id"],
                "receipt_number": last.get("receipt_number"),
                "unit": last.get("proposing_unit", {}).get("name") or last.get("proposing_unit", {}).get("code"),
                "kind": label(last.get("kind")),
                "status": label(last.get("status"), DOSSIER_STATUSES),
                "nominees": "; ".join(f"{n['name']} ({label(n['award'])})" for n in last.get("nominees", [])),
                "attachments": [{**a, "kind": label(a.get("kind"), ATTACHMENT_KINDS)} for a in dossier["attachments"]],
                "events": [
                    {
                        "when": vn_time(e["payload"]["occurred_at"]),
                        "version": e["payload"]["aggregate_version"],
                        "what": EVENT_LABELS.get(e["subject"], e["subject"]),
                        "who": _actor(e["payload"].get("actor") or {}),
                        "detail": describe(e["subject"], e["payload"]),
                        "status": label(e["payload"].get("dossier", {}).get("status"), DOSSIER_STATUSES),
                        "hash": (e["payload"].get("hash") or "")[:16],
                    }
                    for e in events
                ],
            }
        )
    environment = Environment(autoescape=select_autoescape(default=True))
    return environment.from_string(TEMPLATE.read_text(encoding="utf-8")).render(
        dossiers=rows,
        events=total,
        scope=scope,
        created_at=created_at.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M"),
        verification_ok=verification_ok,
        verification_summary=verification_summary,
        keys=keys,
    )


def _actor(actor: dict[str, Any]) -> str:
    role = ROLE_LABELS.get(str(actor.get("role")), str(actor.get("role") or ""))
    unit = f", {actor['unit']}" if actor.get("unit") else ""
    return f"{actor.get('id', '')} ({role}{unit})"


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
