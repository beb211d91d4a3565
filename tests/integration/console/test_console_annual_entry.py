"""More of the year's screens against the real dossiers service (a process on real NATS): a
dossier's award history per nominee (the service's note for one it cannot identify); the office's
register of past awards imported from XLSX (row errors in Vietnamese, nothing stored, then the valid
rows kept without picking the file again); a unit's list entered by hand (rows added without
JavaScript, the service's errors by row and field); the round's list page by page (the service
serves one page); the vote form whose default action records the vote; the chairman's decision for
a list of hundreds, naming only those not awarded, with the summary before signing."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from services.dossiers.annual.past_awards_import import write_past_awards_xlsx
from shared.testing.fixtures import ServiceProcess
from tests.integration.console.support import console_as, fresh_dossiers, hidden, moved, text
from tests.support.clock import today_in_vietnam

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COMMUNE = "XA-THANH-OAI-2025"
CLERK = {"X-Actor-Id": "cb.motcua", "X-Actor-Role": "desk_clerk", "X-Actor-Unit": COMMUNE}
YEAR = today_in_vietnam().year


@pytest.fixture(scope="module")
def dossiers(nats_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    with fresh_dossiers(nats_url, tmp_path_factory.mktemp("console-annual-entry")) as service:
        yield service


def unique_ids(page: str) -> bool:
    ids = re.findall(r'\sid="([^"]+)"', page)
    return len(ids) == len(set(ids))


def papers(api: httpx.Client, *kinds: str, tag: str = "") -> list[dict[str, Any]]:
    files = [("files", (f"{k.lower()}.pdf", b"%PDF-1.4\n% " + (tag + k).encode() + b"\n%%EOF\n")) for k in kinds]
    stored = api.post("/attachments", files=files, data={"kind": list(kinds)})
    assert stored.status_code == 201, stored.text
    return [{"name": f["name"], "kind": f["kind"], "sha256": f["sha256"]} for f in stored.json()]


def test_a_dossier_s_award_history_per_nominee_with_the_note_for_one_not_identified(
    dossiers: ServiceProcess,
) -> None:
    with httpx.Client(base_url=dossiers.url, headers=CLERK, timeout=20) as api:
        person = {"kind": "INDIVIDUAL", "award": "CERTIFICATE_OF_MERIT", "position": "Công an viên",
                  "unit": "Công an xã", "gender": "FEMALE"}  # fmt: skip
        submitted = api.post("/dossiers", json={
            "channel": "ONE_STOP_DESK", "proposing_unit": COMMUNE, "award_type": "AD_HOC", "kind": "AD_HOC",
            "feat_date": (today_in_vietnam() - timedelta(days=2)).isoformat(),
            "achievements": "Dũng cảm cứu tài sản của Nhân dân trong vụ cháy chợ.",
            "nominees": [{**person, "name": "Lê Thị Hoa", "id_number": "001190000301"},
                         {**person, "name": "Phạm Văn Không Số"}],
            "attachments": papers(api, "SUBMISSION_MEMO", "ACHIEVEMENT_SUMMARY", tag="hoa"),
        })  # fmt: skip
        assert submitted.status_code == 201, submitted.text
        dossier = submitted.json()

    with console_as(dossiers.url, "cv.pnv") as office:
        page = office.get(f"/lich-su-khen-thuong?ho_so={dossier['id']}")
        assert page.status_code == 200
        shown = text(page)
        hoa = shown[shown.index("Lê Thị Hoa") : shown.index("Phạm Văn Không Số")]
        assert "Giấy khen" in hoa and "đang đề nghị" in hoa and f"Hồ sơ số {dossier['receipt_number']}" in hoa
        rest = shown[shown.index("Phạm Văn Không Số") :]
        assert "Chưa có số định danh, không đối chiếu được lịch sử khen thưởng." in rest
        assert "đang đề nghị" not in rest
        on_dossier = text(office.get(f"/ho-so/{dossier['id']}"))
        assert "Giấy khen — đang đề nghị" in on_dossier
        assert "Chưa có số định danh, không đối chiếu được lịch sử khen thưởng." in on_dossier


def test_past_awards_imported_from_the_office_s_register(dossiers: ServiceProcess) -> None:
    with console_as(dossiers.url, "cb.motcua") as clerk:
        assert "/lich-su-khen-thuong/nhap" not in clerk.get("/lich-su-khen-thuong").text
        assert "Chỉ Thường trực Hội đồng" in text(clerk.get("/lich-su-khen-thuong/nhap"))

    with console_as(dossiers.url, "cv.pnv") as office:
        assert 'href="/lich-su-khen-thuong/nhap"' in office.get("/lich-su-khen-thuong").text
        template = office.get("/lich-su-khen-thuong/nhap/mau.xlsx")
        assert template.status_code == 200 and template.headers["content-type"] == XLSX
        header = next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
        assert "Số CCCD / Mã định danh" in header and "Danh hiệu / Hình thức" in header

        rows = [
            {"name": "Trần Văn Minh", "id": "001090000302", "unit": "THCS Kim Bài", "award": "CSTĐCS",
             "year": YEAR - 2, "decision_number": "15/QĐ-UBND", "decision_date": f"20/12/{YEAR - 2}"},
            {"name": "Sai năm", "id": "001090000303", "unit": "THCS", "award": "LĐTT", "year": YEAR + 5},
        ]  # fmt: skip
        form = {"source_ref": f"Sổ khen thưởng xã {YEAR - 2}"}
        file = {"file": ("so-khen-thuong.xlsx", write_past_awards_xlsx(rows), XLSX)}
        refused = office.post("/lich-su-khen-thuong/nhap", data=form, files=file)
        assert refused.status_code == 422 and unique_ids(refused.text)
        assert re.search(rf"3\s+Năm\s+Năm phải là số từ 1945 đến {YEAR}\.", text(refused)), text(refused)
        assert "Nhập từ trước" not in text(office.post("/lich-su-khen-thuong", data={"id_number": "001090000302"}))

        kept = hidden(refused.text, "list_")
        assert kept["list_sha256"] and kept["list_name"] == "so-khen-thuong.xlsx"
        done = moved(office.post("/lich-su-khen-thuong/nhap", data={**form, **kept, "keep_valid_rows": "true"}))
        summary = text(office.get(done))
        assert f"Đã nhập 1 khen thưởng vào lịch sử (năm {YEAR - 2}); tệp có 2 dòng, bỏ qua 1 dòng có lỗi." in summary
        found = text(office.post("/lich-su-khen-thuong", data={"id_number": "001090000302"}))
        assert "Chiến sĩ thi đua cơ sở" in found and "15/QĐ-UBND" in found and "Nhập từ trước" in found


PAPERS = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION")
SECRETARY = {"X-Actor-Id": "cv.pnv", "X-Actor-Role": "council_secretariat", "X-Actor-Unit": "PNV"}


def open_round(api: httpx.Client, name: str, units: list[str]) -> str:
    opened = api.post("/rounds", json={
        "authority": COMMUNE, "year": YEAR, "name": name, "units": units,
        "awards": ["ADVANCED_WORKER", "GRASSROOTS_EMULATION_FIGHTER"], "submission_deadline": f"{YEAR}-12-31",
    })  # fmt: skip
    assert opened.status_code == 201, opened.text
    return str(opened.json()["round_id"])


def register(api: httpx.Client, unit: str, people: list[tuple[str, str]]) -> None:
    registered = api.post("/registrations", json={
        "unit": unit, "year": YEAR, "registered_on": f"{YEAR}-01-05", "targets": {"ADVANCED_WORKER": len(people)},
        "individuals": [{"name": n, "id_number": i, "award": "ADVANCED_WORKER"} for n, i in people],
    })  # fmt: skip
    assert registered.status_code == 200, registered.text


def row(i: int, name: str, id_number: str, **more: str) -> dict[str, str]:
    typed = {"name": name, "id_number": id_number, "award": "ADVANCED_WORKER", "gender": "FEMALE",
             "position": "Giáo viên", "unit": "Tiểu học Thanh Oai", "performance_rating": "GOOD", **more}  # fmt: skip
    return {f"nominees[{i}].{k}": v for k, v in typed.items()}


def test_a_short_list_entered_by_hand_with_rows_added_and_errors_on_their_row(dossiers: ServiceProcess) -> None:
    with httpx.Client(base_url=dossiers.url, headers=SECRETARY, timeout=20) as api:
        round_id = open_round(api, f"Tổng kết năm {YEAR} (nhập tay)", [COMMUNE])
        register(api, COMMUNE, [("Vũ Thị Lan", "001190000401"), ("Đặng Văn Nam", "001090000402")])

    with console_as(dossiers.url, "cb.motcua") as clerk:
        assert f"/dot-xet/{round_id}/nhap-tay" in clerk.get(f"/dot-xet/{round_id}").text
        blank = clerk.get(f"/dot-xet/{round_id}/nhap-tay").text
        assert 'name="nominees[4].name"' in blank and 'name="nominees[5].name"' not in blank
        form = {"unit": COMMUNE, "achievements": "Hoàn thành tốt nhiệm vụ năm.", "_rows": "5"}
        files = [(f"file_{k}", (f"{k.lower()}.pdf", b"%PDF-1.4\n% tay" + k.encode() + b"\n%%EOF\n", "application/pdf"))
                 for k in PAPERS]  # fmt: skip
        more = clerk.post(f"/dot-xet/{round_id}/nhap-tay", data={
            **form, **row(0, "Vũ Thị Lan", "001190000401"), "_action": "add-rows",
        }, files=files)  # fmt: skip
        assert more.status_code == 200 and 'name="nominees[9].name"' in more.text
        assert 'value="Vũ Thị Lan"' in more.text and "Đã nộp" not in text(clerk.get(f"/dot-xet/{round_id}"))
        kept = hidden(more.text, "attachments[")
        assert len([k for k in kept if k.endswith(".sha256")]) == len(PAPERS)

        typed = {**form, **kept, "_rows": "10", **row(0, "Vũ Thị Lan", "001190000401")}
        wrong = clerk.post(f"/dot-xet/{round_id}/nhap-tay", data={**typed, **row(3, "Đặng Văn Nam", "12345")})
        assert wrong.status_code == 422
        error = re.search(r'id="f-nominees-1--id-number-err">(.*?)</p>', wrong.text)  # the blank rows dropped
        assert error and "Dòng 2: Số CCCD phải gồm 12 chữ số" in error[1], wrong.text
        assert 'name="nominees[9].name"' in wrong.text and 'value="Đặng Văn Nam"' in wrong.text
        assert unique_ids(wrong.text) and unique_ids(more.text)
        assert "nominees[" not in text(wrong)  # rows are named as on the screen
        assert "Đã nộp" not in text(clerk.get(f"/dot-xet/{round_id}"))

        done = moved(clerk.post(f"/dot-xet/{round_id}/nhap-tay", data={
            **typed, **row(1, "Đặng Văn Nam", "001090000402", gender="MALE"),
        }), f"/dot-xet/{round_id}")  # fmt: skip
        assert "Đã nộp danh sách: 2 người được đề nghị." in text(clerk.get(done))
        listed = text(clerk.get(f"/dot-xet/{round_id}/danh-sach"))
        assert "Vũ Thị Lan" in listed and "Đặng Văn Nam" in listed


def test_a_round_s_long_list_is_shown_a_page_at_a_time_with_the_unit_kept(dossiers: ServiceProcess) -> None:
    unit = "XA-TAM-HUNG-2025"
    people = [(f"Người thứ {i:03d}", f"0010905{i:05d}") for i in range(1, 106)]
    with httpx.Client(base_url=dossiers.url, headers=SECRETARY, timeout=60) as api:
        round_id = open_round(api, f"Tổng kết năm {YEAR} (danh sách dài)", [unit, COMMUNE])
        register(api, unit, people)
        person = {"kind": "INDIVIDUAL", "award": "ADVANCED_WORKER", "gender": "MALE", "position": "Cán bộ",
                  "unit": "UBND xã Tam Hưng", "performance_rating": "GOOD"}  # fmt: skip
        submitted = api.post(f"/rounds/{round_id}/submissions", json={
            "unit": unit, "achievements": "Hoàn thành tốt nhiệm vụ.",
            "nominees": [{"id_number": i, "nominee": {**person, "name": n}} for n, i in people],
            "attachments": [{"kind": p["kind"], "sha256": p["sha256"]} for p in papers(api, *PAPERS, tag="dai")],
        })  # fmt: skip
        assert submitted.status_code == 201, submitted.text

    with console_as(dossiers.url, "cv.pnv") as office:
        first = office.get(f"/dot-xet/{round_id}/danh-sach?don_vi={unit}")
        assert unique_ids(first.text)
        shown = text(first)
        assert "105 người được đề nghị" in shown and "Trang 1/2 · dòng 1–100 trong 105" in shown
        assert "Người thứ 100" in shown and "Người thứ 101" not in shown
        assert first.text.count("<tr>") == 101  # the header and a hundred nominees
        assert f'href="?don_vi={unit}&amp;trang=2"' in first.text
        second = text(office.get(f"/dot-xet/{round_id}/danh-sach?don_vi={unit}&trang=2"))
        assert "Trang 2/2 · dòng 101–105 trong 105" in second
        assert "Người thứ 101" in second and "Người thứ 105" in second and "Người thứ 100" not in second
        beyond = text(office.get(f"/dot-xet/{round_id}/danh-sach?trang=99"))
        assert "Trang 2/2" in beyond and "Người thứ 105" in beyond
        assert "Trang 1/" not in text(office.get(f"/dot-xet/{round_id}/danh-sach?don_vi={COMMUNE}"))


def test_the_vote_form_s_default_action_records_the_vote(dossiers: ServiceProcess) -> None:
    with httpx.Client(base_url=dossiers.url, headers=SECRETARY, timeout=20) as api:
        round_id = open_round(api, f"Tổng kết năm {YEAR} (bỏ phiếu)", [COMMUNE])
        constituted = api.post("/councils", json={
            "authority": COMMUNE, "name": "Hội đồng Thi đua – Khen thưởng xã Thanh Oai", "term_from": f"{YEAR}-01-01",
            "decision_ref": "12/QĐ-UBND", "members": [
                {"member_id": "m1", "name": "Đỗ Văn Thành", "role": "CHAIRMAN", "position": ""},
                {"member_id": "m2", "name": "Lê Thị Hạnh", "role": "MEMBER", "position": ""},
            ],
        })  # fmt: skip
        assert constituted.status_code == 201, constituted.text

    with console_as(dossiers.url, "tv.hoidong") as member:
        page = member.get(f"/dot-xet/{round_id}/bo-phieu?meeting_date=02/01/{YEAR}").text
        viewing = re.search(r'<form method="get"[^>]*>(.*?)</form>', page, re.S)
        recording = re.search(r'<form method="post" class="form"[^>]*>(.*?)</form>', page, re.S)
        assert viewing and recording and unique_ids(page), page
        assert "Xem thành phần Hội đồng ngày này" in viewing[1] and 'name="meeting_date"' in viewing[1]
        buttons = re.findall(r"<button[^>]*>([^<]*)</button>", recording[1])
        assert buttons[0] == "Ghi nhận kết quả bỏ phiếu", buttons  # what Enter in a text field does
        assert "Xem thành phần" not in recording[1]
        assert f'<input type="hidden" name="meeting_date" value="02/01/{YEAR}">' in recording[1]
        assert "2 thành viên" in text(member.get(f"/dot-xet/{round_id}/bo-phieu"))


def submit_people(api: httpx.Client, round_id: str, unit: str, people: list[tuple[str, str]], tag: str) -> None:
    person = {"kind": "INDIVIDUAL", "award": "ADVANCED_WORKER", "gender": "MALE", "position": "Cán bộ",
              "unit": "UBND xã", "performance_rating": "GOOD"}  # fmt: skip
    submitted = api.post(f"/rounds/{round_id}/submissions", json={
        "unit": unit, "achievements": "Hoàn thành tốt nhiệm vụ.",
        "nominees": [{"id_number": i, "nominee": {**person, "name": n}} for n, i in people],
        "attachments": [{"kind": p["kind"], "sha256": p["sha256"]} for p in papers(api, *PAPERS, tag=tag)],
    })  # fmt: skip
    assert submitted.status_code == 201, submitted.text


def test_a_decision_for_a_list_of_hundreds_names_only_those_not_awarded(dossiers: ServiceProcess) -> None:
    units = {"XA-DAN-HOA-2025": "Dân Hòa", "XA-HOA-PHU-2025": "Hòa Phú"}
    with httpx.Client(base_url=dossiers.url, headers=SECRETARY, timeout=120) as api:
        round_id = open_round(api, f"Tổng kết năm {YEAR} (quyết định danh sách dài)", list(units))
        for k, (unit, place) in enumerate(units.items()):
            people = [(f"{place} người {i:03d}", f"00109{k}6{i:05d}") for i in range(1, 151)]
            register(api, unit, people)
            submit_people(api, round_id, unit, people, tag=f"qd{k}")
        appraised = api.post(f"/rounds/{round_id}/appraisal")
        assert appraised.status_code == 200 and appraised.json()["passed"] == 300, appraised.text

        whole = api.get(f"/rounds/{round_id}/list")  # without paging: the whole list, as before
        assert len(whole.json()) == 300 and whole.headers["x-total-count"] == "300"
        part = api.get(f"/rounds/{round_id}/list", params={"unit": "XA-HOA-PHU-2025", "offset": 10, "limit": 5})
        assert part.headers["x-total-count"] == "150"
        assert [r["stt"] for r in part.json()] == [161, 162, 163, 164, 165]
        assert [r["name"] for r in part.json()] == [f"Hòa Phú người {i:03d}" for i in range(11, 16)]
        assert api.get(f"/rounds/{round_id}/list", params={"limit": 0}).status_code == 422
        ref_255 = whole.json()[254]["ref"]

    path = f"/dot-xet/{round_id}/quyet-dinh"
    with console_as(dossiers.url, "ct.ubnd") as chairman:
        first = chairman.get(path)
        assert unique_ids(first.text)
        shown = text(first)
        assert "300 người chờ quyết định" in shown and "Trang 1/3 · dòng 1–100 trong 300" in shown
        assert first.text.count('name="pick"') == 100 and "Dân Hòa người 100" in shown

        form = {"decision_date": f"{today_in_vietnam():%d/%m/%Y}", "reason": ""}
        browsed = chairman.post(path, data={**form, "don_vi": "XA-HOA-PHU-2025", "trang": "2", "not_awarded": "7: x"})
        assert "Trang 2/2 · dòng 101–150 trong 150" in text(browsed) and "Hòa Phú người 150" in text(browsed)
        assert ">7: x</textarea>" in browsed.text  # what was typed is kept
        added = chairman.post(path, data={**form, "_action": "add", "not_awarded": "7: x", "pick": ["255", "7"]})
        assert ">7: x\n255: </textarea>" in added.text, added.text

        no_reason = chairman.post(path, data={**form, "not_awarded": "7: Chuyển công tác\n255:\n999: Sai số"})
        assert no_reason.status_code == 422
        assert "Dòng 2: ghi lý do không khen thưởng." in text(no_reason)
        assert "Dòng 3: không có số thứ tự 999 trong danh sách." in text(no_reason)

        named = {**form, "not_awarded": f"7: Chuyển công tác\n{ref_255} – Vi phạm kỷ luật trong năm"}
        preview = chairman.post(path, data=named)
        assert preview.status_code == 200, text(preview)
        summary = text(preview)
        assert "Khen thưởng 298 người, không khen thưởng 2 người." in summary
        assert "Dân Hòa người 007" in summary and "Hòa Phú người 105" in summary and "Vi phạm kỷ luật" in summary
        checked = hidden(preview.text, "_checked")

        changed = chairman.post(
            path, data={**named, "not_awarded": "7: Chuyển công tác", "_action": "confirm", **checked}
        )
        assert changed.status_code == 200 and "Nội dung đã thay đổi" in text(changed)
        assert "Khen thưởng 299 người, không khen thưởng 1 người." in text(changed)

        moved(chairman.post(path, data={**named, "_action": "confirm", **checked}), f"/dot-xet/{round_id}")
        decided = text(chairman.get(f"/dot-xet/{round_id}"))
        assert "khen thưởng 298, không khen thưởng 2" in decided
        listed = text(chairman.get(f"/dot-xet/{round_id}/danh-sach"))
        assert re.search(
            r"\s7\s+\S+\s+Dân Hòa người 007\s+[^\n]*\s+Lao động tiên tiến\s+Đạt\s+—\s+Không khen thưởng", listed
        ), listed
