"""Organisation units as reference data: the packaged Thanh Oai 2023 set, and a caller's own file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shared.reference.org_units import DEFAULT_PATH, OrgUnitDataError, UnknownUnitError, load_org_units

COMMUNES_2023 = [
    "Bích Hòa", "Bình Minh", "Cao Viên", "Cao Xuân Dương", "Cự Khê", "Dân Hòa", "Đỗ Động", "Hồng Dương", "Kim An",
    "Kim Thư", "Liên Châu", "Mỹ Hưng", "Phương Trung", "Tam Hưng", "Tân Ước", "Thanh Cao", "Thanh Mai",
    "Thanh Thùy", "Thanh Văn",
]  # fmt: skip
"""NQ 1656/NQ-UBTVQH15 (2025) Art. 1 points 64-67 name these (Cao Dương and Xuân Dương had merged)."""


def test_default_set_is_thanh_oai_2023_with_its_departments() -> None:
    units = load_org_units()
    assert units.get("UBND-THANH-OAI").authority_level == "district"
    for code, name in [("PKT", "Phòng Kinh tế"), ("PYT", "Phòng Y tế"), ("PTCKH", "Phòng Tài chính – Kế hoạch"),
                       ("PLDTBXH", "Phòng Lao động – Thương binh và Xã hội"), ("CAH", "Công an huyện Thanh Oai"),
                       ("BCHQS", "Ban Chỉ huy Quân sự huyện Thanh Oai")]:  # fmt: skip
        unit = units.get(code)
        assert (unit.name, unit.parent, unit.authority_level) == (name, "UBND-THANH-OAI", "department")


def test_secretariat_is_the_office_of_home_affairs() -> None:
    secretariat = load_org_units().secretariat()
    assert (secretariat.code, secretariat.name) == ("PNV", "Phòng Nội vụ")


def test_2023_has_nineteen_communes_and_the_township_of_kim_bai() -> None:
    units = load_org_units()
    local = [u for u in units.all(active_on=date(2023, 6, 1)) if u.authority_level == "commune"]
    assert sorted(u.short_name for u in local if u.kind == "commune") == sorted(f"xã {n}" for n in COMMUNES_2023)
    assert [u.name for u in local if u.kind == "township"] == ["Ủy ban nhân dân thị trấn Kim Bài"]
    assert units.get("xa-bich-hoa").name == "Ủy ban nhân dân xã Bích Hòa"


NEW_2025 = {
    "XA-THANH-OAI-2025", "XA-TAM-HUNG-2025", "XA-DAN-HOA-2025", "XA-BINH-MINH-2025", "XA-HOA-PHU-2025",
    "PHUONG-PHU-LUONG-2025",
}  # fmt: skip


def test_from_july_2025_only_the_new_communes_remain() -> None:
    units = load_org_units()
    active = units.all(active_on=date(2025, 7, 1))
    assert {u.code for u in active} == NEW_2025
    assert all(u.authority_level == "commune" and u.valid_from == date(2025, 7, 1) for u in active)
    assert not units.get("PKT").is_active_on(date(2025, 7, 1))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("TT-KIM-BAI", ["XA-THANH-OAI-2025"]),
        ("XA-KIM-THU", ["XA-THANH-OAI-2025", "XA-HOA-PHU-2025"]),
        ("XA-CU-KHE", ["PHUONG-PHU-LUONG-2025", "XA-BINH-MINH-2025"]),
        ("XA-THANH-VAN", ["XA-TAM-HUNG-2025"]),
        ("XA-CAO-XUAN-DUONG", ["XA-DAN-HOA-2025"]),
        ("XA-XUAN-DUONG", ["XA-DAN-HOA-2025"]),
    ],
)
def test_the_2025_communes_succeed_thanh_oais_as_resolution_1656_says(old, new) -> None:
    """NQ 1656/NQ-UBTVQH15 Art. 1 points 46, 64-67 and 79 (text read)."""
    assert [u.code for u in load_org_units().successors_on(old, date(2025, 7, 1))] == new


def test_the_successor_of_the_district_follows_the_proposing_unit() -> None:
    """NĐ 129/2025 Art. 59 with NQ 1656: the district's work goes to the commune covering the unit;
    where that unit was split, the data cannot choose alone."""
    units = load_org_units()
    day = date(2025, 7, 1)
    assert units.successor_for("UBND-THANH-OAI", day, via="XA-MY-HUNG").code == "XA-TAM-HUNG-2025"
    assert units.successor_for("UBND-THANH-OAI", day, via="XA-TAM-HUNG-2025").code == "XA-TAM-HUNG-2025"
    assert units.successor_for("UBND-THANH-OAI", day, via="XA-KIM-THU") is None
    assert units.successor_for("UBND-THANH-OAI", day, via="PKT") is None
    assert "UBND-THANH-OAI" in units.predecessors("XA-DAN-HOA-2025")
    assert units.successor_for("XA-TAM-HUNG", date(2024, 1, 1)).code == "XA-TAM-HUNG"  # still there


def test_award_power_is_data_and_district_offices_have_none() -> None:
    """Law 06/2022 Art. 80.1–80.5 (Công báo 571-572/2022)."""
    units = load_org_units()
    assert units.award_level("UBND-THANH-OAI").code == "DISTRICT"
    assert units.award_level("XA-BICH-HOA").code == units.award_level("XA-TAM-HUNG-2025").code == "COMMUNE"
    for office in ("PNV", "PKT", "PYT", "CAH", "BCHQS", "TTVHTTTT"):
        assert units.award_level(office) is None
    assert [lv.code for lv in units.award_levels()] == [
        "DISTRICT", "COMMUNE", "DEPARTMENT", "ENTERPRISE", "ENTERPRISE_BOARD",
    ]  # fmt: skip


def test_bad_succession_data_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(
        "authority_levels: [{code: commune, name: Cấp xã}]\n"
        "secretariat: A\n"
        "units:\n"
        "  - {code: A, name: Xã A, kind: commune, authority_level: commune, valid_to: 2025-06-30, successors: [B]}\n"
        "  - {code: B, name: Xã B, kind: commune, authority_level: commune, valid_to: 2025-06-30, successors: [A]}\n",
        encoding="utf-8",
    )
    with pytest.raises(OrgUnitDataError, match="lặp vòng"):
        load_org_units(path)


def test_codes_are_ascii_and_contacts_empty_by_default() -> None:
    units = load_org_units().all()
    assert all(u.code.isascii() and u.code == u.code.upper() for u in units)
    assert all(u.email == "" and u.webhook == "" for u in units)


def test_unknown_code_raises_with_a_vietnamese_message() -> None:
    with pytest.raises(UnknownUnitError) as caught:
        load_org_units().get("PHONG-MA")
    assert str(caught.value) == "Không tìm thấy đơn vị có mã «PHONG-MA»."
    assert "PHONG-MA" not in load_org_units()


def test_authority_levels_are_data() -> None:
    levels = [lv.code for lv in load_org_units().authority_levels()]
    assert levels == ["district", "commune", "department"]


def test_caller_may_pass_another_file(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(
        "authority_levels: [{code: commune, name: Cấp xã}]\n"
        "secretariat: VP\n"
        "units:\n"
        "  - {code: XA-A, name: Xã A, kind: commune, authority_level: commune}\n"
        "  - {code: vp, name: Văn phòng, kind: department, authority_level: commune, parent: XA-A,"
        " email: vp@example.vn, valid_from: 2025-07-01}\n",
        encoding="utf-8",
    )
    units = load_org_units(path)
    assert [u.code for u in units.all()] == ["XA-A", "VP"]
    assert units.secretariat().email == "vp@example.vn"
    assert [u.code for u in units.children("xa-a")] == ["VP"]
    assert DEFAULT_PATH.name == "org_units.yaml"


UNIT_A = "{code: A, name: A, kind: x, authority_level: commune}"


@pytest.mark.parametrize(
    ("units", "problem"),
    [
        (f"[{UNIT_A}, {UNIT_A.replace('A', 'a', 1)}]", "trùng"),
        ("[{code: A, name: A, kind: x, authority_level: commune, parent: Z}]", "cấp trên"),
        ("[{code: A, name: A, kind: x, authority_level: province}]", "cấp thẩm quyền"),
        ("[{code: A, name: A, kind: x}]", "Thiếu trường"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, units: str, problem: str) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(f"authority_levels: [{{code: commune, name: Cấp xã}}]\nsecretariat: A\nunits: {units}\n", "utf-8")
    with pytest.raises(OrgUnitDataError, match=problem):
        load_org_units(path)
