"""Form fields ⇄ API bodies: names are the services' error paths, rows left blank are dropped,
indices are compacted so the re-rendered form matches what the service reports."""

from __future__ import annotations

from services.console import formdata as F


def test_nested_rows_are_compacted_and_blank_rows_dropped() -> None:
    raw = F.nest(
        [
            ("code", "PT-2026-CDS"),
            ("targets[0].indicator", "Hồ sơ trực tuyến"),
            ("targets[3].indicator", "Thanh toán không tiền mặt"),
            ("targets[1].indicator", "  "),
            ("targets[1].target_value", ""),
            ("_csrf", "ignored"),
        ]
    )
    assert raw == {
        "code": "PT-2026-CDS",
        "targets": [{"indicator": "Hồ sơ trực tuyến"}, {"indicator": "Thanh toán không tiền mặt"}],
    }
    assert F.flatten(raw)["targets[1].indicator"] == "Thanh toán không tiền mặt"


def test_checkbox_groups_keep_every_value_and_nested_rows_inside_rows_work() -> None:
    raw = F.nest(
        [("approve", "n1"), ("approve", "n3"), ("nominees[0].initiatives[0].title", "Số hóa sổ hộ tịch")],
        multi=("approve",),
    )
    assert raw["approve"] == ["n1", "n3"]
    assert raw["nominees"] == [{"initiatives": [{"title": "Số hóa sổ hộ tịch"}]}]


def test_conversion_sends_types_the_apis_expect_and_leaves_bad_text_for_the_service_to_explain() -> None:
    raw = {
        "start_date": "25/11/2026",
        "end_date": "31-12-2026",
        "emulation_year": "2026",
        "members_total": "chín",
        "reasons": "Thiếu tờ trình\n\n  Sai mẫu báo cáo  ",
        "nominees": [{"size": "40", "share_of_women": "0,7", "is_direct_worker": "true", "name": " Hợp tác xã "}],
        "directive": {"number": "", "signer": ""},
        "note": "",
        "objections": {"n1": "Đang bị thanh tra"},
    }
    body = F.convert(
        raw,
        {
            "start_date": F.day,
            "end_date": F.day,
            "emulation_year": F.integer,
            "members_total": F.integer,
            "reasons": F.lines,
            "nominees[].size": F.integer,
            "nominees[].share_of_women": F.number,
            "nominees[].is_direct_worker": F.flag,
            "objections.*": F.lines,
        },
    )
    assert body == {
        "start_date": "2026-11-25",
        "end_date": "2026-12-31",
        "emulation_year": 2026,
        "members_total": "chín",  # the service answers "Phải là số nguyên"
        "reasons": ["Thiếu tờ trình", "Sai mẫu báo cáo"],
        "nominees": [{"size": 40, "share_of_women": 0.7, "is_direct_worker": True, "name": "Hợp tác xã"}],
        "objections": {"n1": ["Đang bị thanh tra"]},
    }  # a blank sub-form (directive) and blank text (note) are left out


def test_dates_typed_wrongly_are_sent_as_typed_and_shown_back_as_dd_mm_yyyy() -> None:
    assert F.day("31/02/2026") == "31/02/2026"
    assert F.day("2026-02-01") == "2026-02-01"
    assert F.day_text("2026-02-01") == "01/02/2026"
    assert F.yes_no("") is F.SKIP and F.yes_no("false") is False


def test_errors_split_between_the_fields_on_the_form_and_the_rest() -> None:
    on_form, rest = F.split_errors({"name": "Bắt buộc nhập.", "at": "Thời điểm…"}, ["name", "code"])
    assert on_form == {"name": "Bắt buộc nhập."} and rest == {"at": "Thời điểm…"}
