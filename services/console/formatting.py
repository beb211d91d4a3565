"""How values read on screen: dates dd/mm/yyyy, times in Asia/Ho_Chi_Minh, money in đồng, codes
as Vietnamese words (the published language's own labels, `shared.contracts.labels`)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from shared.contracts import labels as L
from shared.workdays import VIETNAM_TZ

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

EXTRA_LABELS = {
    "MALE": "Nam",
    "FEMALE": "Nữ",
    "EXCELLENT": "Hoàn thành xuất sắc nhiệm vụ",
    "GOOD": "Hoàn thành tốt nhiệm vụ",
    "COMPLETED": "Hoàn thành nhiệm vụ",
    "NOT_COMPLETED": "Không hoàn thành nhiệm vụ",
    "ENTERPRISE": "Doanh nghiệp",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
    "department": "Cấp phòng, ban, ngành",
}


def today_vn() -> date:
    """Today in Vietnam (the machine's clock may run on UTC)."""
    return datetime.now(VIETNAM_TZ).date()


def vn_date(value: Any) -> str:
    """2026-11-25 (or a datetime) → 25/11/2026; empty stays empty."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        return value.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if _ISO_DATE.match(text[:10]):
        if len(text) > 10:
            return vn_datetime(text)
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    return text


def vn_datetime(value: Any) -> str:
    """An ISO instant → 14:05 25/11/2026 in Vietnam's time (a naive one is taken as UTC)."""
    if value in (None, ""):
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y")


def number(value: Any, decimals: int = 0) -> str:
    """1404000 → 1.404.000; 12.5 → 12,5 (Vietnamese separators); None → –."""
    if value is None or value == "":
        return "–"
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return str(value)
    if amount.is_integer():
        return f"{int(amount):,}".replace(",", ".")
    text = f"{amount:,.{decimals or 1}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def money(value: Any) -> str:
    return "–" if value is None else f"{number(value)} đồng"


def code_label(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return EXTRA_LABELS.get(text) or L.label(text)


def install(env: Any) -> None:
    env.filters.update({"ngay": vn_date, "gio": vn_datetime, "so": number, "tien": money, "nhan": code_label})
