"""The console's screens of the year's workload against the real dossiers service (a process on
real NATS): the council constituted and changed, a round opened, a unit's XLSX list refused for
its bad row (the row and column in Vietnamese, nothing stored) then sent again keeping the valid
rows without picking the files again, a clerk refused for another commune (the service's 403 in
its words), appraisal, the list vote against the council, one decision with its annex, the
minutes and the award history; registrations (form, and an XLSX with a bad row), clusters with a
pact, scores (a score above the criterion's maximum refused), ranking and proposal."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from services.dossiers.annual.nominee_import import write_xlsx
from shared.testing.fixtures import ServiceProcess
from tests.integration.console.support import console_as, fresh_dossiers, hidden, moved, text
from tests.support.clock import today_in_vietnam

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUTHORITY = "XA-THANH-OAI-2025"
YEAR = today_in_vietnam().year
TODAY = today_in_vietnam().strftime("%d/%m/%Y")
PEOPLE = [
    {"name": "Nguyễn Thị Hương", "id_number": "001090000011", "gender": "Nữ", "position": "Giáo viên",
     "unit": "Trường THCS Thanh Oai", "award": "LĐTT", "rating": "Hoàn thành tốt nhiệm vụ"},
    {"name": "Trần Văn Minh", "id_number": "001090000012", "gender": "Nam", "position": "Công chức Tư pháp",
     "unit": "UBND xã Thanh Oai", "award": "CSTĐCS", "rating": "Hoàn thành xuất sắc nhiệm vụ",
     "initiative": "Số hóa sổ hộ tịch"},
    {"name": "Dòng lỗi", "id_number": "12345", "gender": "Nam", "position": "CV", "unit": "UBND xã", "award": "LĐTT",
     "rating": "Hoàn thành tốt nhiệm vụ"},
]  # fmt: skip
PAPERS = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION")


@pytest.fixture(scope="module")
def dossiers(nats_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    with fresh_dossiers(nats_url, tmp_path_factory.mktemp("console-annual")) as service:
        yield service


@contextmanager
def console(dossiers: ServiceProcess, user_id: str) -> Iterator[TestClient]:
    with console_as(dossiers.url, user_id) as client:
        yield client


def test_the_round_from_opening_to_the_decision_on_the_console(dossiers: ServiceProcess) -> None:
    with console(dossiers, "cv.pnv") as office:
        members = {
            f"members[{i}].{k}": v
            for i, (mid, name, role) in enumerate(
                [("m1", "Đỗ Văn Thành", "CHAIRMAN"), ("m2", "Lê Thị Hạnh", "STANDING_MEMBER"),
                 ("m3", "Phạm Quốc Huy", "MEMBER"), ("m4", "Ngô Văn Tú", "MEMBER")]
            )
            for k, v in {"member_id": mid, "name": name, "role": role, "position": ""}.items()
        }  # fmt: skip
        moved(office.post(f"/hoi-dong/{AUTHORITY}/thanh-lap", data={
            "name": "Hội đồng Thi đua – Khen thưởng xã Thanh Oai", "decision_ref": "12/QĐ-UBND",
            "term_from": f"01/01/{YEAR}", **members,
        }), f"/hoi-dong/{AUTHORITY}")  # fmt: skip
        moved(office.post(f"/hoi-dong/{AUTHORITY}/bo-sung", data={
            "member.member_id": "m5", "member.name": "Trịnh Thu Hà", "member.role": "MEMBER", "on": f"02/01/{YEAR}",
            "decision_ref": "15/QĐ-UBND",
        }))  # fmt: skip
        moved(office.post(f"/hoi-dong/{AUTHORITY}/thanh-vien/m4/thoi", data={
            "last_day": f"03/01/{YEAR}", "decision_ref": "16/QĐ-UBND", "reason": "Chuyển công tác",
        }))  # fmt: skip
        council = text(office.get(f"/hoi-dong/{AUTHORITY}"))
        assert "4 thành viên" in council and "Trịnh Thu Hà" in council and "Thành viên thôi tham gia" in council

        opened = moved(office.post("/dot-xet/mo", data={
            "authority": AUTHORITY, "year": str(YEAR), "name": f"Tổng kết năm {YEAR} xã Thanh Oai",
            "awards": ["ADVANCED_WORKER", "GRASSROOTS_EMULATION_FIGHTER"], "units": [AUTHORITY, "XA-TAM-HUNG-2025"],
            "submission_deadline": f"31/12/{YEAR}",
        }), "/dot-xet/")  # fmt: skip
        round_id = opened.rsplit("/", 1)[1]

    with console(dossiers, "cb.motcua") as clerk:
        assert "Lịch sử khen thưởng" in clerk.get("/dot-xet").text  # the menu a clerk sees
        moved(clerk.post("/dang-ky-thi-dua/moi", data={
            "unit": AUTHORITY, "year": str(YEAR), "registered_on": f"05/01/{YEAR}", "targets.ADVANCED_WORKER": "12",
            "individuals[0].name": "Nguyễn Thị Hương", "individuals[0].id_number": "001090000011",
            "individuals[0].award": "ADVANCED_WORKER", "targets.GRASSROOTS_EMULATION_FIGHTER": "1",
            "individuals[1].name": "Trần Văn Minh", "individuals[1].id_number": "001090000012",
            "individuals[1].award": "GRASSROOTS_EMULATION_FIGHTER",
        }), f"/dang-ky-thi-dua/{AUTHORITY}/{YEAR}")  # fmt: skip
        registered = text(clerk.get(f"/dang-ky-thi-dua/{AUTHORITY}/{YEAR}"))
        assert "Lao động tiên tiến: 12" in registered and "Nguyễn Thị Hương" in registered
        form = {"unit": AUTHORITY, "achievements": "Hoàn thành tốt nhiệm vụ năm."}
        files = [("file", ("ds.xlsx", write_xlsx(PEOPLE), XLSX))] + [
            (f"file_{k}", (f"{k.lower()}.pdf", b"%PDF-1.4\n% " + k.encode() + b"\n%%EOF\n", "application/pdf"))
            for k in PAPERS
        ]
        refused = clerk.post(f"/dot-xet/{round_id}/nop", data=form, files=files)
        assert refused.status_code == 422
        shown = text(refused)
        assert re.search(r"4\s+Số CCCD\s+Số CCCD phải gồm 12 chữ số", shown), shown
        progress = clerk.get(f"/dot-xet/{round_id}")
        assert "Đã nộp" not in text(progress)  # nothing stored

        kept = {**hidden(refused.text, "attachments["), **hidden(refused.text, "list_")}
        assert len([k for k in kept if k.endswith(".sha256")]) == len(PAPERS) and kept["list_sha256"]
        moved(clerk.post(f"/dot-xet/{round_id}/nop", data={**form, **kept, "keep_valid_rows": "true"}))
        assert "bỏ qua 1 dòng có lỗi" in text(clerk.get(f"/dot-xet/{round_id}"))

        elsewhere = clerk.post(f"/dot-xet/{round_id}/nop", data={**form, **kept, "unit": "XA-TAM-HUNG-2025"})
        assert elsewhere.status_code == 422 and "ngoài phạm vi" in text(elsewhere)
        not_mine = clerk.post("/dot-xet/mo", data={"authority": AUTHORITY, "year": str(YEAR), "name": "x"})
        assert not_mine.status_code == 422 and "Chưa thực hiện được" in not_mine.text
        assert "Vai trò «desk_clerk» không được thực hiện thao tác này" in text(not_mine)

    with console(dossiers, "cv.pnv") as office:
        page = text(office.get(f"/dot-xet/{round_id}"))
        assert "Đã nộp" in page and "Chưa nộp" in page and "Danh sách 2 người được đề nghị" in page
        assert re.search(r"Ủy ban nhân dân xã Tam Hưng\s+Chưa nộp", page), page
        one_unit = office.get(f"/dot-xet/{round_id}/danh-sach?don_vi={AUTHORITY}")
        listed = text(one_unit)
        assert "Nguyễn Thị Hương" in listed and "Chưa thẩm định" in listed
        assert f'<option value="{AUTHORITY}" selected>Ủy ban nhân dân xã Thanh Oai</option>' in one_unit.text
        assert f'<span title="{AUTHORITY}">Ủy ban nhân dân xã Thanh Oai</span>' in one_unit.text  # named, not coded
        assert "Chưa có ai" in text(office.get(f"/dot-xet/{round_id}/danh-sach?don_vi=XA-TAM-HUNG-2025"))
        moved(office.post(f"/dot-xet/{round_id}/tham-dinh"))
        assert "Đã thẩm định danh sách: 2 đạt" in text(office.get(f"/dot-xet/{round_id}"))
        listed = text(office.get(f"/dot-xet/{round_id}/danh-sach"))
        assert "2 người được đề nghị" in listed and listed.count("Đạt") == 2 and "Không đạt" not in listed

    with console(dossiers, "tv.hoidong") as member:
        ballot = text(member.get(f"/dot-xet/{round_id}/bo-phieu"))
        assert "4 thành viên" in ballot and "Ngô Văn Tú" not in ballot  # released before the meeting
        attendance = {f"attendance.m{i}": "present" for i in (1, 2, 3)} | {"attendance.m5": "written"}
        no_ref = member.post(f"/dot-xet/{round_id}/bo-phieu", data={"meeting_date": TODAY, **attendance})
        assert no_ref.status_code == 422 and 'id="f-minutes-ref-err"' in no_ref.text
        moved(member.post(f"/dot-xet/{round_id}/bo-phieu", data={
            "meeting_date": TODAY, "minutes_ref": "07/BB-HĐTĐKT", **attendance,
        }))  # fmt: skip
        voted = member.get(f"/dot-xet/{round_id}")
        assert "Hội đồng 4 thành viên" in text(voted)
        meeting = re.search(r'href="(/hoi-dong/bien-ban/[^"]+)"', voted.text)
        assert meeting, voted.text
        minutes = text(member.get(meeting[1]))
        assert "07/BB-HĐTĐKT" in minutes and "Trịnh Thu Hà" in minutes

    with console(dossiers, "ct.ubnd") as chairman:
        assert "Nguyễn Thị Hương" in chairman.get(f"/dot-xet/{round_id}/quyet-dinh").text
        preview = chairman.post(f"/dot-xet/{round_id}/quyet-dinh", data={"decision_date": TODAY})
        assert "Khen thưởng 2 người, không khen thưởng 0 người." in text(preview)
        checked = hidden(preview.text, "_checked")
        moved(chairman.post(f"/dot-xet/{round_id}/quyet-dinh", data={
            "decision_date": TODAY, "_action": "confirm", **checked,
        }))  # fmt: skip
        decided = chairman.get(f"/dot-xet/{round_id}")
        assert "Đã ban hành quyết định số" in text(decided) and "/tai/phu-luc.xlsx" in decided.text
        twice = chairman.post(f"/dot-xet/{round_id}/quyet-dinh", data={"decision_date": TODAY})  # a 409
        assert twice.status_code == 422 and "không còn hồ sơ nào chờ quyết định" in text(twice)
        annex = chairman.get(f"/dot-xet/{round_id}/tai/phu-luc.xlsx")
        assert annex.status_code == 200
        sheet = load_workbook(io.BytesIO(annex.content)).active
        assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["Nguyễn Thị Hương", "Trần Văn Minh"]

        history = chairman.post("/lich-su-khen-thuong", data={"id_number": "001090000011"})
        assert (
            history.status_code == 200 and "Lao động tiên tiến" in text(history) and "đã khen thưởng" in text(history)
        )
        dossier_id = re.search(r'href="/ho-so/([0-9a-f-]{36})"', decided.text)[1]  # type: ignore[index]
        assert f"/lich-su-khen-thuong?ho_so={dossier_id}" in chairman.get(f"/ho-so/{dossier_id}").text
        by_dossier = text(chairman.get(f"/lich-su-khen-thuong?ho_so={dossier_id}"))
        assert "Nguyễn Thị Hương" in by_dossier and "đã khen thưởng" in by_dossier
        bad = chairman.post("/lich-su-khen-thuong", data={"id_number": "123"})
        assert bad.status_code == 422 and "12 chữ số" in text(bad)


def registration_xlsx(rows: list[tuple[str, str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Số CCCD", "Danh hiệu đăng ký"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_registrations_and_clusters_on_the_console(dossiers: ServiceProcess) -> None:
    with console(dossiers, "cv.pnv") as office:
        moved(office.post("/dang-ky-thi-dua/moi", data={
            "unit": "XA-DAN-HOA-2025", "year": str(YEAR), "registered_on": f"06/01/{YEAR}",
            "targets.GRASSROOTS_EMULATION_FIGHTER": "2", "targets.ADVANCED_WORKER": "30",
        }), f"/dang-ky-thi-dua/XA-DAN-HOA-2025/{YEAR}")  # fmt: skip
        listing = text(office.get(f"/dang-ky-thi-dua?nam={YEAR}"))
        assert re.search(r"xã Dân Hòa\s+Lao động tiên tiến\s+30\s+0\s+0", listing), listing  # by name
        again = office.post("/dang-ky-thi-dua/moi", data={
            "unit": "XA-DAN-HOA-2025", "year": str(YEAR), "registered_on": f"07/01/{YEAR}",
        })  # fmt: skip
        assert again.status_code == 422 and "phải nêu lý do" in text(again)

    with console(dossiers, "cb.motcua") as clerk:
        file = registration_xlsx([("Lê Văn Nam", "001090000013", "LĐTT"), ("Sai", "99", "LĐTT")])
        refused = clerk.post(
            "/dang-ky-thi-dua/tep",
            data={"unit": AUTHORITY, "year": str(YEAR), "registered_on": TODAY, "reason": "Bổ sung người"},
            files={"file": ("dk.xlsx", file, XLSX)},
        )
        assert refused.status_code == 422
        assert re.search(r"3\s+Số CCCD\s+Số CCCD phải gồm 12 chữ số", text(refused)), text(refused)
        assert "Lê Văn Nam" not in text(clerk.get(f"/dang-ky-thi-dua/{AUTHORITY}/{YEAR}"))
        not_office = clerk.post("/cum-khoi/moi", data={"code": "CUM-X", "year": str(YEAR)})
        assert not_office.status_code == 422 and "Chưa thực hiện được" in not_office.text

    with console(dossiers, "cv.pnv") as office:
        units = ["XA-THANH-OAI-2025", "XA-TAM-HUNG-2025", "XA-DAN-HOA-2025"]
        moved(office.post("/cum-khoi/moi", data={
            "code": "CUM-2", "year": str(YEAR), "name": "Cụm thi đua số 2", "kind": "CLUSTER", "members": units,
            "leading_unit": units[0], "deputy_unit": units[1],
        }), f"/cum-khoi/CUM-2/{YEAR}")  # fmt: skip
        base = f"/cum-khoi/CUM-2/{YEAR}"
        moved(office.post(f"{base}/giao-uoc", data={
            "signed_on": f"01/02/{YEAR}", "criteria[0].key": "TC1", "criteria[0].text": "Nhiệm vụ chính trị",
            "criteria[0].max_points": "60", "criteria[1].key": "TC2", "criteria[1].text": "Phong trào",
            "criteria[1].max_points": "40",
        }))  # fmt: skip
        over = office.post(f"{base}/cham-diem", data={"unit": units[0], "points.TC1": "61", "points.TC2": "1"})
        assert over.status_code == 422 and "Điểm phải từ 0 đến 60." in over.text and 'value="61"' in over.text
        for unit, (a, b) in zip(units, [("50", "30"), ("55", "35"), ("50", "30")], strict=True):
            moved(office.post(f"{base}/cham-diem", data={"unit": unit, "points.TC1": a, "points.TC2": b}))
        moved(office.post(f"{base}/de-nghi", data={"award": "EMULATION_FLAG", "units": units[1]}))
        page = text(office.get(base))
        assert re.search(r"1\s+Ủy ban nhân dân xã Tam Hưng\s+55\s+35\s+90", page), page
        assert "Cờ thi đua: Ủy ban nhân dân xã Tam Hưng (hạng 1)" in page and "XA-TAM-HUNG-2025" not in page
        assert "Cụm thi đua số 2" in text(office.get(f"/cum-khoi?nam={YEAR}"))
