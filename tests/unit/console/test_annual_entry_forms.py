"""The year's screens' pure parts: a list typed by hand (rows shown, the API's body, its errors
back on the rows), a long list's pages, the summary of an imported register, a dossier's history
per nominee."""

from __future__ import annotations

from services.console import formdata as F
from services.console.paging import page_of
from services.console.roundentry import entry_errors, nominee_item, rows_named, rows_shown, submission_body
from services.console.views.awardhistory import nominees_history
from services.console.views.pastawards import imported_message


def test_rows_shown_keep_what_was_there_and_grow_on_request() -> None:
    assert rows_shown([], 0) == 5
    assert rows_shown([("_rows", "10")], 2) == 10
    assert rows_shown([("_rows", "5"), ("_action", "add-rows")], 1) == 10
    assert rows_shown([("_rows", "x")], 7) == 7  # never fewer than the rows filled
    assert rows_shown([("_rows", "100"), ("_action", "add-rows")], 3) == 100  # a long list goes by file


def test_typed_rows_become_the_submission_s_nominees_blank_rows_dropped() -> None:
    pairs = [
        ("unit", "XA-A"), ("achievements", " Tốt "), ("_rows", "5"),
        ("nominees[0].name", "Vũ Thị Lan"), ("nominees[0].kind", ""), ("nominees[0].id_number", " 001190000401 "),
        ("nominees[0].person_id", ""), ("nominees[0].award", "GRASSROOTS_EMULATION_FIGHTER"),
        ("nominees[0].gender", "FEMALE"), ("nominees[0].position", ""), ("nominees[0].initiative", "Sổ điện tử"),
        ("nominees[1].name", ""), ("nominees[1].kind", ""), ("nominees[1].size", ""),
        ("nominees[2].name", "Tổ Văn phòng"), ("nominees[2].kind", "COLLECTIVE"), ("nominees[2].size", "12"),
        ("nominees[2].award", "ADVANCED_COLLECTIVE"), ("nominees[2].gender", "MALE"),
    ]  # fmt: skip
    body = submission_body(F.nest(pairs), [{"kind": "SUBMISSION_MEMO", "sha256": "ab"}])
    assert body["unit"] == "XA-A" and body["achievements"] == "Tốt" and len(body["nominees"]) == 2
    lan, team = body["nominees"]
    assert lan == {
        "kind": "INDIVIDUAL", "name": "Vũ Thị Lan", "id_number": "001190000401",
        "nominee": {"kind": "INDIVIDUAL", "name": "Vũ Thị Lan", "award": "GRASSROOTS_EMULATION_FIGHTER",
                    "gender": "FEMALE", "is_direct_worker": False,
                    "initiatives": [{"title": "Sổ điện tử", "recognised_by": "XA-A"}]},
    }  # fmt: skip
    assert team["nominee"] == {"kind": "COLLECTIVE", "name": "Tổ Văn phòng", "award": "ADVANCED_COLLECTIVE", "size": 12}
    assert "id_number" not in team and body["attachments"] == [{"kind": "SUBMISSION_MEMO", "sha256": "ab"}]


def test_a_size_that_is_not_a_number_is_sent_as_typed_for_the_service_to_explain() -> None:
    assert nominee_item({"kind": "COLLECTIVE", "name": "Tổ", "size": "mười"}, "XA-A")["nominee"]["size"] == "mười"


def test_the_service_s_errors_land_on_the_row_s_fields_with_rows_numbered_as_shown() -> None:
    errors = entry_errors({
        "nominees[0].identity": "Thiếu mã định danh của đối tượng.",
        "nominees[1].initiatives[0].title": "Bắt buộc nhập tên sáng kiến.",
        "nominees[2]": "Trùng với nominees[0]: cùng người (tập thể), cùng danh hiệu.",
        "nominees": "Đợt xét không xét danh hiệu của: nominees[3].",
        "unit": "Bắt buộc.",
    })  # fmt: skip
    assert errors == {
        "nominees[0].id_number": "Dòng 1: Thiếu mã định danh của đối tượng.",
        "nominees[1].initiative": "Dòng 2: Bắt buộc nhập tên sáng kiến.",
        "nominees[2]": "Dòng 3: Trùng với dòng 1: cùng người (tập thể), cùng danh hiệu.",
        "nominees": "Đợt xét không xét danh hiệu của: dòng 4.",
        "unit": "Bắt buộc.",
    }
    assert rows_named("Vũ Thị Lan đã được đề nghị (nominees[11])") == "Vũ Thị Lan đã được đề nghị (dòng 12)"


def test_a_long_list_is_cut_in_pages_and_a_page_out_of_range_is_the_nearest() -> None:
    items = list(range(1, 251))
    first = page_of(items, None)
    assert (first.number, first.pages, first.first, first.last, first.items[-1]) == (1, 3, 1, 100, 100)
    last = page_of(items, "3")
    assert (last.number, last.first, last.last, list(last.items)) == (3, 201, 250, list(range(201, 251)))
    assert page_of(items, "99").number == 3 and page_of(items, "0").number == 1 and page_of(items, "-2").number == 1
    assert list(page_of(items, "2").window()) == [1, 2, 3]
    empty = page_of([], "4")
    assert (empty.number, empty.pages, empty.first, empty.last) == (1, 1, 0, 0)


def test_the_import_summary_says_how_many_for_which_years_and_what_was_left_out() -> None:
    done = {"imported": 3, "years": [2019, 2021], "import": {"rows_read": 5, "rows_with_errors": 2}}
    assert (
        imported_message(done)
        == "Đã nhập 3 khen thưởng vào lịch sử (năm 2019, 2021); tệp có 5 dòng, bỏ qua 2 dòng có lỗi."
    )
    assert imported_message({"imported": 1, "years": [2020]}) == "Đã nhập 1 khen thưởng vào lịch sử (năm 2020)."


def test_a_dossier_s_history_follows_its_nominees_and_one_the_service_does_not_answer_is_not_identified() -> None:
    note = "Chưa có số định danh, không đối chiếu được lịch sử khen thưởng."
    answered = {
        "n1": {"name": "Lan", "identified": True, "awards": [{"year": 2025}], "note": None},
        "n2": {"name": "Nam", "identified": False, "awards": [], "note": note},
    }
    people = nominees_history(
        [{"nominee_id": "n2", "name": "Nam"}, {"nominee_id": "n1", "name": "Lan"}, {"nominee_id": "n3", "name": "Hà"}],
        answered,
    )
    assert [(p["name"], p["identified"], len(p["awards"]), p["note"]) for p in people] == [
        ("Nam", False, 0, note), ("Lan", True, 1, None), ("Hà", False, 0, None),
    ]  # fmt: skip
