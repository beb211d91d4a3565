"""Emulation registration checked against the year-end proposals, by the rule set's policy."""

from __future__ import annotations

from datetime import date

from services.dossiers.annual.application import AnnualWork
from services.dossiers.annual.identity import person_key
from services.dossiers.annual.registration import EmulationPledge, policy_for
from services.dossiers.application import Dossiers
from tests.support.dossiers import ANNUAL, AUTHORITY, SECRETARY, at, attachments, individual

KEY = bytes(16)


def test_unregistered_titles_and_people_are_flagged() -> None:
    reg = EmulationPledge(unit="THCS-KIM-BAI", year=2024)
    reg.register(
        targets={"ADVANCED_WORKER": 20},
        individuals=[{"identity": "P-1", "name": "An", "award": "ADVANCED_WORKER"}],
        registered_on=date(2024, 1, 10),
        actor=SECRETARY,
        at=at(date(2024, 1, 10)),
    )
    flags = reg.unregistered(
        [
            {"ref": "a", "identity": "P-1", "award": "ADVANCED_WORKER", "kind": "INDIVIDUAL", "name": "An"},
            {
                "ref": "b",
                "identity": "P-1",
                "award": "GRASSROOTS_EMULATION_FIGHTER",
                "kind": "INDIVIDUAL",
                "name": "An",
            },
            {"ref": "c", "identity": "P-2", "award": "ADVANCED_WORKER", "kind": "INDIVIDUAL", "name": "Bình"},
        ]
    )
    assert "a" not in flags
    assert flags["b"] == [
        "Đơn vị không đăng ký chỉ tiêu 'Chiến sĩ thi đua cơ sở' năm 2024.",
        "An đăng ký danh hiệu khác ('Chiến sĩ thi đua cơ sở').",
    ]
    assert flags["c"] == ["Bình chưa đăng ký thi đua ('Lao động tiên tiến')."]


def test_policy_is_rule_set_data() -> None:
    assert policy_for("2024-nd98") == "WARN"
    assert policy_for("2025-nd152") == "BLOCK"


def test_under_a_warning_policy_the_flags_travel_with_the_submission(app: Dossiers) -> None:
    work = AnnualWork(app)
    work.register_emulation(
        unit="THCS-KIM-BAI", year=2024, targets={"ADVANCED_WORKER": 20},
        individuals=[{"id_number": "001090000001", "name": "Nguyễn Thị Hương", "award": "ADVANCED_WORKER"}],
        registered_on=date(2024, 1, 10), actor=SECRETARY, at=at(date(2024, 1, 10)),
    )  # fmt: skip
    assert work.registration("THCS-KIM-BAI", 2024).individuals[f"{person_key('001090000001')}|ADVANCED_WORKER"]
    rnd = work.open_round(
        authority=AUTHORITY, year=2024, name="Tổng kết năm 2024", awards=["ADVANCED_WORKER"],
        units=["THCS-KIM-BAI"], submission_deadline=date(2024, 12, 10), actor=SECRETARY, at=at(date(2024, 11, 1)),
    )  # fmt: skip
    out = work.submit_to_round(
        rnd.id,
        unit="THCS-KIM-BAI",
        nominees=[
            {"identity": person_key("001090000001"), "nominee": individual(), "ref": "dòng 2"},
            {
                "identity": person_key("001090000002"),
                "nominee": individual(name="Lê Văn Nam", gender="MALE"),
                "ref": "dòng 3",
            },
        ],
        attachments=attachments(*ANNUAL),
        achievements="Hoàn thành tốt nhiệm vụ năm 2024.",
        actor=SECRETARY,
        at=at(date(2024, 12, 2)),
    )
    assert out["flags"] == ["dòng 3: Lê Văn Nam chưa đăng ký thi đua ('Lao động tiên tiến')."]
    assert work.round_progress(rnd.id, date(2024, 12, 3))["progress"][0]["flags"] == out["flags"]


def _sheet(rows: list[list[object]]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    for r in rows:
        book.active.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_registration_is_imported_from_xlsx_and_a_bad_file_stores_nothing(app: Dossiers) -> None:
    import pytest

    from services.dossiers.annual.application import ImportRejected

    work = AnnualWork(app)
    header = ["STT", "Họ và tên", "Số CCCD", "Danh hiệu đăng ký"]
    bad = _sheet([header, [1, "An", "001090000001", "LĐTT"], [2, "", "12", "Danh hiệu lạ"]])
    with pytest.raises(ImportRejected) as err:
        work.import_registration(
            unit="DV01", year=2025, content=bad, targets=None, registered_on=date(2025, 1, 5), actor=SECRETARY,
            at=at(date(2025, 1, 5)),
        )  # fmt: skip
    assert set(err.value.field_errors) == {"rows[3].Họ và tên", "rows[3].Danh hiệu đăng ký", "rows[3].Số CCCD"}
    assert work.registration("DV01", 2025) is None
    good = _sheet([header, [1, "An", "001090000001", "LĐTT"], [2, "Bình", "001090000002", "CSTĐCS"],
                   [3, "Chi", "001090000003", "Lao động tiên tiến"]])  # fmt: skip
    reg = work.import_registration(
        unit="DV01", year=2025, content=good, targets=None, registered_on=date(2025, 1, 5), actor=SECRETARY,
        at=at(date(2025, 1, 5)),
    )  # fmt: skip
    assert reg.targets == {"ADVANCED_WORKER": 2, "GRASSROOTS_EMULATION_FIGHTER": 1}
    assert f"{person_key('001090000002')}|GRASSROOTS_EMULATION_FIGHTER" in reg.individuals


def test_a_submitted_list_names_its_problems_by_row(app: Dossiers) -> None:
    import pytest

    from services.dossiers.domain.errors import DossierValidationError

    work = AnnualWork(app)
    rnd = work.open_round(
        authority=AUTHORITY, year=2024, name="Tổng kết năm 2024", awards=["ADVANCED_WORKER", "ADVANCED_COLLECTIVE"],
        units=["THCS-KIM-BAI"], submission_deadline=date(2024, 12, 10), actor=SECRETARY, at=at(date(2024, 11, 1)),
    )  # fmt: skip
    hương = {"identity": person_key("001090000001"), "nominee": individual()}
    common = {"attachments": attachments(*ANNUAL), "achievements": "…", "actor": SECRETARY, "at": at(date(2024, 12, 2))}
    with pytest.raises(DossierValidationError) as twice:
        work.submit_to_round(
            rnd.id, unit="THCS-KIM-BAI", nominees=[{**hương, "ref": "dòng 2"}, {**hương, "ref": "dòng 3"}], **common
        )
    assert twice.value.field_errors == {"dòng 3": "Trùng với dòng 2: cùng người (tập thể), cùng danh hiệu."}
    person_as_team = {"identity": "P-0009", "nominee": individual(award="ADVANCED_COLLECTIVE"), "ref": "dòng 4"}
    with pytest.raises(DossierValidationError) as wrong:
        work.submit_to_round(
            rnd.id, unit="THCS-KIM-BAI", nominees=[{**hương, "ref": "dòng 2"}, person_as_team], **common
        )
    assert list(wrong.value.field_errors) == ["dòng 4.kind"]
    assert work.round_progress(rnd.id, date(2024, 12, 2))["by_status"] == {"NOT_SUBMITTED": 1}
