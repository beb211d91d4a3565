"""Reports as tables: the layout of the exported files.

The summary follows the layout of Vietnamese statistical tables: one row per indicator (Chỉ
tiêu, Đơn vị tính, Tổng số), then one column per group ("Chia ra").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.reporting.exports import Sheet
from services.reporting.periods import vn_date


def _d(text: str) -> str:
    """An ISO date as dd/mm/yyyy."""
    return vn_date(date.fromisoformat(text))


def _period_line(period: dict[str, str]) -> str:
    return f"Kỳ báo cáo: {period['label']} (từ ngày {_d(period['from'])} đến ngày {_d(period['to'])}, giờ Việt Nam)"


def summary_sheets(summary: dict[str, Any]) -> list[Sheet]:
    groups = summary["groups"]
    columns = ["STT", "Nhóm chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Tổng số"] + [g["label"] for g in groups]
    rows = []
    for index, m in enumerate(summary["metrics"], start=1):
        values = [summary["total"][m["key"]]] + [g["values"][m["key"]] for g in groups]
        rows.append([index, m["section"], m["label"], m["unit"], *values])
    heading = [
        "BÁO CÁO TỔNG HỢP CÔNG TÁC THI ĐUA, KHEN THƯỞNG",
        _period_line(summary["period"]),
        f"Chia theo: {summary['group_by_label']}",
        f"Lập lúc {summary['generated_at']} (giờ Việt Nam), từ bộ bảng số liệu thế hệ {summary['generation']}",
    ]
    main = Sheet("Tổng hợp", columns, rows, heading=heading, notes=summary["notes"])
    communes = summary["details"]["communes_without_advanced_worker"]
    commune_sheet = Sheet(
        "Xã chưa có LĐTT",
        ["STT", "Mã đơn vị", "Tên xã, thị trấn"],
        [[i, c["code"], c["name"]] for i, c in enumerate(communes["communes"], start=1)],
        heading=[f"Xã, thị trấn chưa có cá nhân đạt danh hiệu Lao động tiên tiến năm {communes['year']}"],
    )
    thematic_sheet = Sheet(
        "PT chuyên đề chưa đủ ĐK",
        ["STT", "Mã phong trào", "Tên phong trào", "Đơn vị chủ trì", "Lý do chưa đủ điều kiện"],
        [
            [i, c["code"], c["name"], c["lead_unit"], c["reasons_label"]]
            for i, c in enumerate(summary["details"]["thematic_campaigns_not_eligible"], start=1)
        ],
        heading=["Phong trào chuyên đề chưa đủ điều kiện khen thưởng chuyên đề tại ngày cuối kỳ (Công văn 147)"],
    )
    definitions = Sheet(
        "Giải thích chỉ tiêu",
        ["Chỉ tiêu", "Đơn vị tính", "Cách tính"],
        [[m["label"], m["unit"], m["definition"]] for m in summary["metrics"]],
    )
    return [main, commune_sheet, thematic_sheet, definitions]


def form_sheets(form: dict[str, Any]) -> list[Sheet]:
    state_columns = [f"Cấp Nhà nước – {c['code']}. {c['label']}" for c in form["state_level_columns"]]
    local_columns = ["Cấp cơ sở (hệ thống quyết định) – Tổng số"] + [
        f"Cấp cơ sở – {c['label']}" for c in form["local_columns"]
    ]
    columns = ["Chỉ tiêu", "Mã số", "Đơn vị tính", *state_columns, *local_columns]
    rows = []
    for row in form["rows"]:
        state = [None] * len(state_columns)
        if row["heading"]:
            local: list[Any] = [None] * len(local_columns)
        else:
            by_award = row["local_by_award"] or {}
            local = [row["local_total"]] + [by_award.get(c["code"]) for c in form["local_columns"]]
        rows.append([row["label"], row["code"], row["unit"], *state, *local])
    heading = [
        f"Biểu số: {form['form']}",
        f"Ban hành theo {form['legal_basis']}",
        f"Ngày nhận báo cáo: {form['due']}",
        form["title"].upper(),
        _period_line(form["period"]),
    ]
    notes = form["notes"] + [f"Chưa xác nhận: {u}" for u in form["unconfirmed"]]
    return [Sheet("Biểu 0602.N", columns, rows, heading=heading, notes=notes)]


def cash_sheets(report: dict[str, Any]) -> list[Sheet]:
    columns = [
        "Kỳ",
        "Từ ngày",
        "Đến ngày",
        report["group_by_label"],
        "Số lượt khen thưởng",
        "Tổng tiền thưởng (đồng)",
        "Số lượt chưa xác định mức tiền thưởng",
        "Tiền thưởng đã thu hồi (đồng)",
    ]
    rows = [
        [
            r["period"]["label"],
            _d(r["period"]["from"]),
            _d(r["period"]["to"]),
            r["group_label"],
            r["awards"],
            r["cash_reward_vnd"],
            r["awards_without_cash_amount"],
            r["cash_recovered_vnd"],
        ]
        for r in report["rows"]
    ]
    heading = ["TIỀN THƯỞNG THEO KỲ VÀ ĐƠN VỊ", _period_line(report["period"])]
    return [Sheet("Tiền thưởng", columns, rows, heading=heading, notes=report["notes"])]
