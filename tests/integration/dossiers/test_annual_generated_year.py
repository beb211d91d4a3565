"""A generated year, in-process on SQLite: 30 units register, 5,000 nominees are imported from their
XLSX lists (one file with bad rows), the council votes on the list, one decision covers it, and the
award history feeds the next year's CSTĐ cấp tỉnh check."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from services.dossiers.annual.application import AnnualWork, ImportRejected
from services.dossiers.annual.identity import person_key
from services.dossiers.application import Dossiers
from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.values import AnnulmentGround
from tests.support.annual_council import constituted
from tests.support.annual_year import BAD_ROWS, DEADLINE, FIGHTERS, NOMINEES, ROUND_OPENED, UNITS, P, Q, R, unit_file
from tests.support.dossiers import ANNUAL, COMMUNE_2025, SECRETARY, at, attachments, fighter

FIGHTER = "GRASSROOTS_EMULATION_FIGHTER"
PROVINCIAL = "PROVINCIAL_EMULATION_FIGHTER"


@pytest.fixture
def app() -> Dossiers:
    """A dossiers application on the in-memory (POPO) store."""
    return Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Dossiers:
    app = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.sqlite")})
    yield app
    app.close()


def import_list(work: AnnualWork, round_id: object, unit_no: int, day: date, **kw: object) -> dict:
    return work.import_to_round(
        round_id,
        unit=UNITS[unit_no - 1],
        content=kw.pop("content", None) or unit_file(unit_no),  # type: ignore[arg-type]
        keep_valid_rows=bool(kw.pop("keep_valid_rows", False)),
        attachments=attachments(*ANNUAL),
        achievements="Hoàn thành xuất sắc nhiệm vụ năm 2025.",
        actor=SECRETARY,
        at=at(day),
    )


def test_a_generated_year_feeds_the_next_years_provincial_fighter_check(sqlite_app: Dossiers) -> None:
    app, work = sqlite_app, AnnualWork(sqlite_app)
    constituted(work)
    work.import_past_awards(
        rows=[
            {"id_number": P, "name": "P", "award": FIGHTER, "year": 2023},
            {"id_number": P, "name": "P", "award": FIGHTER, "year": 2024},
            {"id_number": Q, "name": "Q", "award": FIGHTER, "year": 2024},
            {"id_number": R, "name": "R", "award": FIGHTER, "year": 2023},
            {"id_number": R, "name": "R", "award": FIGHTER, "year": 2024},
        ],
        source_ref="Sổ khen thưởng 2023–2024",
        actor=SECRETARY,
        at=at(date(2025, 10, 1)),
    )
    for unit in UNITS[:-1]:  # DV30 forgets to register
        work.register_emulation(
            unit=unit,
            year=2025,
            targets={"ADVANCED_WORKER": 160, FIGHTER: 17},
            individuals=[],
            registered_on=date(2025, 1, 15),
            actor=SECRETARY,
            at=at(date(2025, 1, 15)),
        )
    rnd = work.open_round(
        authority=COMMUNE_2025,
        year=2025,
        name="Đợt xét khen thưởng tổng kết năm 2025",
        awards=["ADVANCED_WORKER", FIGHTER],
        units=UNITS,
        submission_deadline=DEADLINE,
        actor=SECRETARY,
        at=at(ROUND_OPENED),
    )

    # DV02's file has bad rows: nothing is stored, every row and column is named.
    with pytest.raises(ImportRejected) as rejected:
        import_list(work, rnd.id, 2, date(2025, 11, 20), content=unit_file(2, with_bad_rows=True))
    errors = rejected.value.field_errors
    bad = 167 + 2  # the first bad row (after the header and DV02's 167 people)
    assert set(errors) == {
        f"rows[{bad}].Số CCCD",
        f"rows[{bad + 1}].Danh hiệu đề nghị",
        f"rows[{bad + 2}].Giới tính",
        f"rows[{bad + 3}].Danh hiệu đề nghị",
    }
    assert "Trùng với dòng 2" in errors[f"rows[{bad + 3}].Danh hiệu đề nghị"]
    assert rejected.value.summary["rows_read"] == 167 + len(BAD_ROWS)
    assert list(app.dossier_ids()) == []
    # … unless the clerk keeps the valid rows.
    kept = import_list(
        work, rnd.id, 2, date(2025, 11, 20), content=unit_file(2, with_bad_rows=True), keep_valid_rows=True
    )
    assert kept["nominees"] == 167 and kept["import"]["rows_with_errors"] == 4

    # An unregistered unit is blocked under the 2025 rule set's policy, until it registers.
    with pytest.raises(DossierValidationError) as blocked:
        import_list(work, rnd.id, 30, date(2025, 11, 21))
    assert "chưa đăng ký thi đua năm 2025" in str(blocked.value)
    work.register_emulation(
        unit="DV30", year=2025, targets={"ADVANCED_WORKER": 150, FIGHTER: 17}, individuals=[],
        registered_on=date(2025, 11, 21), actor=SECRETARY, at=at(date(2025, 11, 21)),
    )  # fmt: skip
    for unit_no in range(1, 31):
        if unit_no == 2:
            continue
        day = date(2025, 12, 8) if unit_no == 29 else date(2025, 11, 24)  # DV29 is late
        import_list(work, rnd.id, unit_no, day)
    with pytest.raises(DossierError, match="đã nộp"):
        import_list(work, rnd.id, 5, date(2025, 11, 25))

    progress = work.round_progress(rnd.id, date(2025, 12, 9))
    assert progress["by_status"] == {"SUBMITTED": 29, "SUBMITTED_LATE": 1}
    assert sum(u["nominees"] for u in progress["progress"]) == NOMINEES

    appraised = work.appraise_round(rnd.id, actor=SECRETARY, at=at(date(2025, 12, 9)))
    assert appraised == {"passed": NOMINEES, "failed": 0, "awaiting_supplement": 0}

    fighters = [r["ref"] for r in work.round_list(rnd.id) if r["award"] == FIGHTER]
    assert len(fighters) == FIGHTERS
    crossed, kept_by_one = fighters[5], fighters[6]
    vote = work.vote_round(
        rnd.id,
        meeting_date=date(2025, 12, 10),
        minutes_ref="07/BB-HĐTĐKT",
        present=[f"m{i}" for i in range(1, 9)],
        written=["m10"],
        crossed_out={"m1": [crossed], "m2": [crossed], "m3": [crossed, kept_by_one]},
        actor=SECRETARY,
        at=at(date(2025, 12, 10), 16),
    )
    # Ten members on 10/12; nine ballots; 6/10 fails the 80 % threshold, 8/10 reaches it.
    assert vote["voted"] == len(fighters) and vote["passed"] == len(fighters) - 1
    assert vote["meeting"]["members_total"] == 10
    assert [m["member_id"] for m in vote["meeting"]["absent_without_vote"]] == ["m11"]

    decided = work.decide_round(rnd.id, decision_date=date(2025, 12, 20), actor=SECRETARY, at=at(date(2025, 12, 20)))
    assert decided["awarded"] == NOMINEES - 1 and decided["dossiers"] == 30
    rows = work.round_list(rnd.id)
    assert {r["decision_number"] for r in rows} == {decided["decision_number"]}
    assert [r["ref"] for r in rows if not r["awarded"]] == [crossed]
    assert len(work.round_annex(rnd.id, rows)) == NOMINEES - 1
    assert Counter(u["status"] for u in work.round_progress(rnd.id, date(2025, 12, 21))["progress"]) == {"DECIDED": 30}

    # R's 2025 title is annulled (Law Art. 93): the history shows it.
    r_row = next(r for r in rows if r["name"] == "Người lao động 01-030")
    app.annul_award(
        r_row["dossier_id"], ground=AnnulmentGround("d"), act_reference="Kết luận thanh tra số 12/KL-TTr",
        actor=SECRETARY, at=at(date(2026, 1, 5)), reason="Không đạt tiêu chuẩn",
        nominee_ids=[r_row["ref"].split(":")[-1]],
    )  # fmt: skip
    work.sync_history()
    statuses = {(e["year"], e["status"]) for e in work.history_of(person_key(R), years=[2023, 2024, 2025])}
    assert statuses == {(2023, "DECIDED"), (2024, "DECIDED"), (2025, "ANNULLED")}

    # The next year: DV01 proposes P, Q and R for CSTĐ cấp tỉnh; the history decides who has three in a row.
    work.register_emulation(
        unit="DV01", year=2026, targets={PROVINCIAL: 3}, individuals=[], registered_on=date(2026, 1, 10),
        actor=SECRETARY, at=at(date(2026, 1, 12)),
    )  # fmt: skip
    next_round = work.open_round(
        authority=COMMUNE_2025, year=2026, name="Đề nghị CSTĐ cấp tỉnh năm 2026", awards=[PROVINCIAL],
        units=["DV01", "DV02"], submission_deadline=date(2026, 2, 27), actor=SECRETARY, at=at(date(2026, 1, 12)),
    )  # fmt: skip

    def proposal(id_no: str, name: str) -> dict:
        return {"identity": person_key(id_no), "nominee": fighter(name=name, award=PROVINCIAL), "ref": name}

    submitted = work.submit_to_round(
        next_round.id, unit="DV01", nominees=[proposal(P, "P"), proposal(Q, "Q"), proposal(R, "R")],
        attachments=attachments(*ANNUAL), achievements="Ba năm liền CSTĐCS.", actor=SECRETARY, at=at(date(2026, 1, 20)),
    )  # fmt: skip
    with pytest.raises(DossierError) as again:
        work.submit_to_round(
            next_round.id, unit="DV02", nominees=[proposal(P, "P")], attachments=attachments(*ANNUAL),
            achievements="…", actor=SECRETARY, at=at(date(2026, 1, 21)),
        )  # fmt: skip
    assert f"hồ sơ số {submitted['receipt_numbers'][0]}" in again.value.message
    work.appraise_round(next_round.id, actor=SECRETARY, at=at(date(2026, 1, 22)))
    history = {r["name"]: [f for f in r["failures"] if f.startswith("Lịch sử")] for r in work.round_list(next_round.id)}
    assert history["P"] == []
    assert "thiếu năm 2023" in history["Q"][0]
    assert "thiếu năm 2025" in history["R"][0]


def test_the_one_dossier_appraisal_also_reads_the_history(app: Dossiers) -> None:
    work = AnnualWork(app)
    app.history_objections = work.history_objections_for
    work.import_past_awards(
        rows=[{"id_number": Q, "name": "Q", "award": FIGHTER, "year": y} for y in (2023, 2024)],
        source_ref="Sổ khen thưởng", actor=SECRETARY, at=at(date(2025, 10, 1)),
    )  # fmt: skip
    for unit in ("DV01",):
        work.register_emulation(
            unit=unit, year=2025, targets={PROVINCIAL: 1}, individuals=[], registered_on=date(2025, 1, 5),
            actor=SECRETARY, at=at(date(2025, 1, 5)),
        )  # fmt: skip
    rnd = work.open_round(
        authority=COMMUNE_2025, year=2025, name="CSTĐ cấp tỉnh 2025", awards=[PROVINCIAL], units=["DV01"],
        submission_deadline=date(2025, 12, 5), actor=SECRETARY, at=at(date(2025, 11, 3)),
    )  # fmt: skip
    out = work.submit_to_round(
        rnd.id, unit="DV01", nominees=[{"identity": person_key(Q), "nominee": fighter(name="Q", award=PROVINCIAL)}],
        attachments=attachments(*ANNUAL), achievements="…", actor=SECRETARY, at=at(date(2025, 11, 20)),
    )  # fmt: skip
    dossier_id = out["dossier_ids"][0]
    app.check_completeness(dossier_id, actor=SECRETARY, at=at(date(2025, 11, 21)))
    appraised = app.appraise(dossier_id, actor=SECRETARY, at=at(date(2025, 11, 22)))
    # 2025's CSTĐCS is not decided yet: the three years counted are 2022–2024, and 2022 is missing.
    assert any("thiếu năm 2022" in f for f in appraised.appraisals["n1"].failures)
