"""Cash rewards by sub-period (month, quarter, half year, year) and by unit or other grouping."""

from __future__ import annotations

from typing import Any

from services.reporting.context import ReportingContext
from services.reporting.metrics import GROUP_BY
from services.reporting.periods import Period, split
from services.reporting.summary import SummaryOptions, summarize


def _row(part: dict[str, str], group_key: str | None, group_label: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "period": part,
        "group_key": group_key,
        "group_label": group_label,
        "awards": values["nominees_awarded"],
        "cash_reward_vnd": values["cash_reward_vnd"],
        "awards_without_cash_amount": values["awards_without_cash_amount"],
        "cash_recovered_vnd": values["cash_recovered_vnd"],
    }


def cash_report(ctx: ReportingContext, period: Period, interval: str, group_by: str) -> dict[str, Any]:
    """One row per sub-period and group, then the sub-period's total ("Cộng")."""
    parts = split(period, interval)
    options = SummaryOptions(group_by, ctx.settings.reporting_small_collective_max_members)
    summaries = summarize(ctx.engine, parts, options, ctx.units)
    rows = []
    for summary in summaries:
        for group in summary["groups"]:
            rows.append(_row(summary["period"], group["key"], group["label"], group["values"]))
        rows.append(_row(summary["period"], None, "Cộng" if group_by != "none" else GROUP_BY["none"], summary["total"]))
    totals = summarize(ctx.engine, [period], SummaryOptions("none"), ctx.units)[0]["total"]
    return {
        "period": period.as_dict(),
        "interval": interval,
        "group_by": group_by,
        "group_by_label": GROUP_BY[group_by],
        "generation": summaries[0]["generation"] if summaries else None,
        "rows": rows,
        "total": _row(period.as_dict(), None, "Tổng cộng", totals),
        "notes": [
            "Tiền thưởng = hệ số × mức lương cơ sở tại ngày quyết định, theo quyết định ký trong kỳ; "
            "khen thưởng chưa xác định hệ số được đếm riêng, không cộng vào tổng tiền.",
            "Tiền thu hồi tính theo ngày ghi nhận thu hồi.",
        ],
    }
