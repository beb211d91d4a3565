"""How the console shows things: Vietnamese dates and numbers, charts, timelines, error paths."""

from __future__ import annotations

from services.console.charts import bar_chart
from services.console.clients import form_path, reword
from services.console.formatting import code_label, money, number, vn_date, vn_datetime
from services.console.history import timeline
from services.console.pages import field_id
from services.console.roles import may_step, menu_for


def test_dates_numbers_and_codes_read_the_vietnamese_way() -> None:
    assert vn_date("2026-11-25") == "25/11/2026"
    assert vn_datetime("2026-11-25T17:30:00+00:00") == "00:30 26/11/2026"  # Asia/Ho_Chi_Minh is UTC+7
    assert number(1404000) == "1.404.000" and number(12.5, 1) == "12,5" and number(3.0, 1) == "3"
    assert money(2340000) == "2.340.000 đồng" and number(None) == "–"
    assert code_label("GRASSROOTS_EMULATION_FIGHTER") == "Chiến sĩ thi đua cơ sở"
    assert code_label("FEMALE") == "Nữ" and code_label("UNKNOWN_CODE") == "UNKNOWN_CODE"


def test_service_error_paths_become_form_field_names_and_dates_are_asked_as_typed() -> None:
    assert form_path("targets.0.target_value") == "targets[0].target_value"
    assert form_path("nominees[1].name") == "nominees[1].name"
    assert "ngày/tháng/năm" in reword("Ngày không hợp lệ (định dạng YYYY-MM-DD).")
    assert field_id("nominees[0].initiatives[0].title") == "f-nominees-0--initiatives-0--title"


def test_bar_chart_puts_the_largest_first_leaves_out_zeros_and_stacks_series() -> None:
    chart = bar_chart("Khen thưởng", [("Giấy khen", [3]), ("Bằng khen", [0]), ("Lao động tiên tiến", [6])], unit="lượt")
    assert [r.label for r in chart.rows] == ["Lao động tiên tiến", "Giấy khen"]
    assert chart.rows[0].segments[0].width == 100 and chart.rows[1].segments[0].width == 50
    assert chart.rows[1].text == "3 lượt"
    stacked = bar_chart("Đúng hẹn", [("Xã A", [3, 1])], series=(("Đúng hẹn", "ok"), ("Trễ hẹn", "late")))
    ok, late = stacked.rows[0].segments
    assert (ok.x, ok.width, late.x, late.width) == (0, 75, 75, 25)
    assert stacked.rows[0].text == "Đúng hẹn 3, Trễ hẹn 1"
    assert bar_chart("Trống", [("Xã A", [0])]).empty


def test_timeline_is_newest_first_with_the_actor_in_words_and_readable_changes() -> None:
    entries = [
        {
            "version": 1,
            "type": "Submitted",
            "recorded_at": "2026-12-01T02:00:00+00:00",
            "actor": {"id": "cb.motcua", "role": "desk_clerk", "unit": "XA-THANH-OAI-2025"},
            "reason": None,
            "changes": {
                "status": {"before": None, "after": "RECEIVED"},
                "appointment_date": {"before": None, "after": "2026-12-29"},
            },
        },
        {
            "version": 2,
            "type": "Refused",
            "recorded_at": "2026-12-02T02:00:00+00:00",
            "actor": {"id": "cv.pnv", "role": "council_secretariat", "unit": "PNV"},
            "reason": "Sai đối tượng",
            "changes": {
                "status_label": {"before": "Đã tiếp nhận", "after": "Từ chối giải quyết"},
                "missing": {"before": [], "after": []},
            },
        },
    ]
    rows = timeline(entries, {"PNV": "Phòng Nội vụ", "XA-THANH-OAI-2025": "Ủy ban nhân dân xã Thanh Oai"}.get)
    assert [r["label"] for r in rows] == ["Từ chối giải quyết", "Tiếp nhận hồ sơ"]
    assert rows[0]["actor_role"] == "Thường trực Hội đồng (Phòng Nội vụ)" and rows[0]["actor_unit"] == "Phòng Nội vụ"
    assert rows[0]["reason"] == "Sai đối tượng"
    assert rows[0]["changes"] == [{"field": "Trạng thái", "before": "Đã tiếp nhận", "after": "Từ chối giải quyết"}]
    assert {"field": "Ngày hẹn trả", "before": "—", "after": "29/12/2026"} in rows[1]["changes"]


def test_each_role_has_its_menu_and_is_offered_only_its_steps() -> None:
    assert [m.label for m in menu_for("desk_clerk")][:2] == ["Tổng quan", "Hồ sơ"]
    assert "Báo cáo" not in [m.label for m in menu_for("desk_clerk")]
    assert may_step("chairman", "decision") and not may_step("desk_clerk", "decision")
    assert may_step("council_member", "council-votes") and not may_step("council_member", "appraisal")
    assert [m.label for m in menu_for("someone_else")] == ["Tổng quan", "Công khai"]
