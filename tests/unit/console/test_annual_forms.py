"""The year's workload screens' own bits: an imported list's errors as a table, the council's
exceptions typed per line, the menus by role."""

from __future__ import annotations

from services.console.roles import may_annual, menu_for
from services.console.views.common import row_errors
from services.console.views.rounds import _per_ref, submitted_message


def test_an_import_s_errors_become_rows_in_sheet_order_and_the_rest_stay_by_field() -> None:
    rows, rest = row_errors({
        "rows[12].Số CCCD": "Số CCCD phải gồm 12 chữ số.",
        "rows[3].Danh hiệu đề nghị": "Không nhận ra danh hiệu «LĐ».",
        "rows[1]": "Thiếu cột «Họ và tên».",
        "dòng 7": "Đơn vị chưa đăng ký thi đua năm 2026.",
        "unit": "Bắt buộc nhập mã đơn vị.",
    })  # fmt: skip
    assert [(r["row"], r["column"]) for r in rows] == [(1, ""), (3, "Danh hiệu đề nghị"), (7, ""), (12, "Số CCCD")]
    assert rest == {"unit": "Bắt buộc nhập mã đơn vị."}


def test_the_council_s_exceptions_are_read_per_line_with_the_code_s_own_colons() -> None:
    typed = "XA-A:000001/2026/TN:n1: TC1, TC2\n\n XA-A:000001/2026/TN:n2:TC3 \n"
    assert _per_ref(typed) == {"XA-A:000001/2026/TN:n1": ["TC1", "TC2"], "XA-A:000001/2026/TN:n2": ["TC3"]}


def test_the_submission_message_says_what_was_skipped_and_flagged() -> None:
    done = {"nominees": 2, "late": True, "flags": ["x"], "import": {"rows_with_errors": 1}}
    assert submitted_message(done) == (
        "Đã nộp danh sách: 2 người được đề nghị; bỏ qua 1 dòng có lỗi; nộp sau hạn; "
        "1 người đề nghị danh hiệu chưa đăng ký thi đua."
    )


def test_menus_and_offered_actions_follow_the_role() -> None:
    labels = {role: [m.label for m in menu_for(role)] for role in ("desk_clerk", "council_secretariat", "chairman")}
    assert "Cụm, khối" in labels["council_secretariat"] and "Cụm, khối" not in labels["desk_clerk"]
    assert "Đăng ký thi đua" in labels["desk_clerk"] and "Hội đồng TĐKT" in labels["chairman"]
    assert may_annual("council_secretariat", "open-round") and not may_annual("desk_clerk", "open-round")
    assert may_annual("chairman", "decide-round") and not may_annual("council_member", "decide-round")


def test_council_checks_are_read_per_list_reference_split_at_the_last_colon() -> None:
    from services.console.views.rounds import _per_ref

    a, b = "XA-THANH-OAI-2025:12/2025:n1", "XA-DAN-HOA:3/2025:n2"  # unit:receipt:nominee, as a round names them
    text = f"{a}: STD_A, STD_B\n\n  {b}:STD_C ,  \n{a}x:"
    assert _per_ref(text) == {a: ["STD_A", "STD_B"], b: ["STD_C"], f"{a}x": []}
