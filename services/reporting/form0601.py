"""Form 0601 (the number of emulation movements), beside form 0602.

What is known: Circular 02/2023/TT-BNV lists a form on the number of emulation movements next to
0602 (the number of state-level awards); its exact rows and columns were not read here (the
circular's text is not in the team's sources). This system knows the movements it registered and
followed, so the form counts them along what it records: by kind (regular, periodic, thematic) and
by launching level, with how many were registered with the secretariat, launched, and given a
final review. Every assumption is listed in `UNCONFIRMED`; the layout is data for this module alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from services.reporting.dataset import Dataset
from services.reporting.exports import Sheet
from services.reporting.periods import Period

FORM = "0601.N/BNV-TĐKT"
TITLE = "Số lượng phong trào thi đua"
LEGAL_BASIS = "Thông tư số 02/2023/TT-BNV ngày 23/3/2023 của Bộ Nội vụ"
KINDS = (("regular", "Thi đua thường xuyên"), ("periodic", "Thi đua theo đợt"), ("thematic", "Thi đua theo chuyên đề"))
LEVELS = (
    ("district", "Cấp huyện phát động"),
    ("commune", "Cấp xã phát động"),
    ("department", "Cơ quan, đơn vị phát động"),
)
COLUMNS = (
    ("movements", "Số phong trào diễn ra trong kỳ"),
    ("registered", "Đã đăng ký với cơ quan thường trực"),
    ("launched", "Đã phát động"),
    ("final_review", "Đã tổng kết"),
)
UNCONFIRMED = (
    "Tên, dòng và cột của biểu 0601 chưa đối chiếu với văn bản Thông tư 02/2023/TT-BNV; hệ thống đếm theo dữ liệu "
    "phong trào mà nó quản lý.",
    "Phong trào tính vào kỳ khi thời gian thực hiện của nó giao với kỳ báo cáo (hoặc được phát động trong kỳ).",
)


def in_period(row: Any, period: Period) -> bool:
    start: date | None = row.start_date or row.launched_on
    end: date | None = row.end_date or start
    if row.launched_on and period.start <= row.launched_on <= period.end:
        return True
    return bool(start and end and start <= period.end and end >= period.start)


def _counts(rows: list[Any], steps: dict[str, set[str]]) -> dict[str, int]:
    """`steps`: per campaign, the event types it has (`campaign.launched`, …): a step counts when
    either the event or the snapshot shows it."""

    def has(r: Any, step: str) -> bool:
        return f"campaign.{step}" in steps.get(r.campaign_id, set())

    return {
        "movements": len(rows),
        "registered": sum(1 for r in rows if r.registration_number or has(r, "registered")),
        "launched": sum(1 for r in rows if r.launched_on or has(r, "launched")),
        "final_review": sum(1 for r in rows if r.final_review_filed or has(r, "final_review_filed")),
    }


def build_form(ds: Dataset, period: Period, generation: int) -> dict[str, Any]:
    movements = [c for c in ds.campaigns.values() if in_period(c, period)]
    steps: dict[str, set[str]] = {}
    for e in ds.campaign_events:
        if e.event_date <= period.end:
            steps.setdefault(e.campaign_id, set()).add(e.event_type)
    lines: list[tuple[str, str, Callable[[Any], bool]]] = [("1", "Tổng số", lambda r: True)]
    lines += [(f"2.{i}", name, lambda r, k=k: r.kind == k) for i, (k, name) in enumerate(KINDS, start=1)]
    lines += [(f"3.{i}", name, lambda r, v=v: r.launching_level == v) for i, (v, name) in enumerate(LEVELS, start=1)]
    return {
        "form": FORM,
        "title": TITLE,
        "legal_basis": LEGAL_BASIS,
        "period": period.as_dict(),
        "generation": generation,
        "columns": [{"code": c, "label": label} for c, label in COLUMNS],
        "rows": [
            {"code": code, "label": name, **_counts([m for m in movements if select(m)], steps)}
            for code, name, select in lines
        ],
        "unconfirmed": list(UNCONFIRMED),
    }


def form_sheet(form: dict[str, Any]) -> Sheet:
    columns = ["Chỉ tiêu", "Mã số", *(c["label"] for c in form["columns"])]
    rows = [[r["label"], r["code"], *(r[c["code"]] for c in form["columns"])] for r in form["rows"]]
    heading = [f"Biểu số: {form['form']}", f"Ban hành theo {form['legal_basis']}", form["title"].upper()]
    return Sheet(
        "Biểu 0601.N", columns, rows, heading=heading, notes=[f"Chưa xác nhận: {u}" for u in form["unconfirmed"]]
    )
