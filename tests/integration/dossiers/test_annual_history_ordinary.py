"""Ordinary dossiers (outside a year-end round) in the award history, on SQLite and PostgreSQL: a
nominee with an ID number enters the year's register at submission; a second proposal of a title
limited to one a year is refused naming the first dossier (also when two arrive at once), while
Giấy khen are not limited; appraisal reads the history for consecutive-year requirements."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.dossiers.annual.application import AnnualWork
from services.dossiers.annual.history import NO_IDENTITY, AwardYear, ConsecutiveRequirement
from services.dossiers.annual.identity import person_key
from services.dossiers.application import Dossiers
from services.dossiers.domain.errors import DossierError
from services.dossiers.domain.values import AnnulmentGround
from services.dossiers.numbering import ReceiptNumberSequence
from tests.support.dossiers import (
    AD_HOC,
    ANNUAL,
    AUTHORITY,
    CHAIRMAN,
    CLERK,
    COMMUNE_2025,
    SECRETARY,
    at,
    attachments,
    fighter,
    individual,
    submission,
)
from tests.support.threads import in_threads

X, Y, Z, V = "001090000101", "001090000102", "001090000103", "001090000104"
LDTT, FIGHTER, PROVINCIAL, GK = (
    "ADVANCED_WORKER",
    "GRASSROOTS_EMULATION_FIGHTER",
    "PROVINCIAL_EMULATION_FIGHTER",
    "CERTIFICATE_OF_MERIT",
)


@pytest.fixture(params=["sqlite", "postgres"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "sqlite":
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "dossiers.sqlite"),
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    postgres = request.getfixturevalue("postgres")
    return postgres.eventsourcing_env(request.getfixturevalue("postgres_db"))  # type: ignore[no-any-return]


@pytest.fixture
def work(env: dict[str, str]) -> Any:
    app = Dossiers(env=env)
    yield AnnualWork.wired(app)
    app.close()


def ldtt(id_number: str, unit: str = "THCS-KIM-BAI", year: int = 2023, **kw: Any) -> dict[str, Any]:
    """An annual-titles dossier proposing one LĐTT (received 3/6/2024 under 2024-nd98)."""
    return submission(proposing_unit=unit, emulation_year=year, nominees=[individual(id_number=id_number, **kw)])


def ad_hoc(*nominees: dict[str, Any]) -> dict[str, Any]:
    return submission(
        kind="AD_HOC", award_type="AD_HOC", emulation_year=None, feat_date="2024-05-30",
        nominees=list(nominees), attachments=attachments(*AD_HOC),
    )  # fmt: skip


def statuses(work: AnnualWork, id_number: str) -> list[tuple[int, str, str]]:
    work.sync_history()
    return [(e["year"], e["award"], e["status"]) for e in work.history_of(person_key(id_number))]


def test_a_second_proposal_of_a_one_a_year_title_is_refused_naming_the_first(work: AnnualWork) -> None:
    app = work.app
    first = app.submit(at=at(date(2024, 6, 3)), **ldtt(X))
    assert statuses(work, X) == [(2023, LDTT, "PROPOSED")]

    with pytest.raises(DossierError) as refused:
        app.submit(at=at(date(2024, 6, 3), 10), **ldtt(X, unit="XA-BICH-HOA", name="Nguyễn T. Hương"))
    assert refused.value.code == "already_proposed"
    assert f"hồ sơ số {first.receipt_number}" in refused.value.message
    assert "Lao động tiên tiến" in refused.value.message and "năm 2023" in refused.value.message
    # Nothing stored: no dossier, no receipt number used.
    assert list(app.dossier_ids()) == [first.id]
    sequence = app.repository.get(ReceiptNumberSequence.create_id(office=app.receipt_office, year=2024))
    assert sequence.last_number == 1

    # Another year's LĐTT, and Giấy khen (an achievement, not limited to one a year), are accepted.
    app.submit(at=at(date(2024, 6, 4)), **ldtt(X, year=2024))
    app.submit(at=at(date(2024, 6, 4), 10), **ad_hoc(individual(id_number=X, award=GK)))
    app.submit(at=at(date(2024, 6, 4), 11), **ad_hoc(individual(id_number=X, award=GK)))
    assert sorted(statuses(work, X)) == [(2023, LDTT, "PROPOSED"), (2024, LDTT, "PROPOSED"),
                                         (2024, GK, "PROPOSED"), (2024, GK, "PROPOSED")]  # fmt: skip

    # Once the first is withdrawn the title may be proposed again.
    app.withdraw(first.id, actor=CLERK, at=at(date(2024, 6, 5)), reason="Đơn vị rút để bổ sung")
    assert (2023, LDTT, "WITHDRAWN") in statuses(work, X)
    again = app.submit(at=at(date(2024, 6, 5), 10), **ldtt(X, unit="XA-BICH-HOA"))
    entry = work.year_register(2023).entry(person_key(X), LDTT)
    assert entry is not None and entry.dossier_id == str(again.id) and entry.receipt_number == again.receipt_number


def test_two_proposals_at_once_only_one_passes(work: AnnualWork, env: dict[str, str]) -> None:
    def wired() -> Dossiers:
        return AnnualWork.wired(Dossiers(env=env)).app

    results = in_threads(4, wired, lambda app, i: app.submit(at=at(date(2024, 6, 3), 9, i), **ldtt(Z)))
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1, results
    assert all(isinstance(e, DossierError) and e.code == "already_proposed" for e in lost), lost
    assert all(f"hồ sơ số {won[0].receipt_number}" in e.message for e in lost)
    assert list(work.app.dossier_ids()) == [won[0].id]
    register = work.app.repository.get(AwardYear.create_id(2023))
    assert [e.dossier_id for e in register.entries.values()] == [str(won[0].id)]


def test_an_ad_hoc_award_is_decided_then_annulled_in_the_history(work: AnnualWork) -> None:
    app = work.app
    dossier = app.submit(
        at=at(date(2024, 6, 3)),
        **ad_hoc(individual(id_number=Y, award=GK), individual(name="Lê Văn Không Số", award=GK)),
    )
    view = work.dossier_history(dossier)
    assert [h["award"] for h in view["n1"]["awards"]] == [GK] and view["n1"]["note"] is None
    assert view["n2"] == {"name": "Lê Văn Không Số", "identified": False, "awards": [], "note": NO_IDENTITY}

    app.check_completeness(dossier.id, actor=SECRETARY, at=at(date(2024, 6, 4), 9))
    app.record_council_check(
        dossier.id, confirmed=["certificate_merit"], meeting_date=date(2024, 6, 4), minutes_ref="01/BB-HĐTĐKT",
        actor=SECRETARY, at=at(date(2024, 6, 4), 10),
    )  # fmt: skip
    app.appraise(dossier.id, actor=SECRETARY, at=at(date(2024, 6, 4), 11))
    decided = app.decide_award(
        dossier.id, approve=["n1", "n2"], authority=AUTHORITY, actor=CHAIRMAN, at=at(date(2024, 6, 5))
    )
    number = decided.decision.number
    work.sync_history()
    assert [(e["status"], e["decision_number"]) for e in work.history_of(person_key(Y))] == [("DECIDED", number)]

    app.annul_award(
        dossier.id, ground=AnnulmentGround("d"), act_reference="Kết luận thanh tra số 12/KL-TTr", actor=CHAIRMAN,
        at=at(date(2024, 6, 20)), reason="Không đúng thành tích", authority=AUTHORITY,
    )  # fmt: skip
    work.sync_history()
    assert [(e["status"], e["decision_number"]) for e in work.history_of(person_key(Y))] == [("ANNULLED", number)]


def test_appraisal_of_an_ordinary_dossier_reads_the_history(env: dict[str, str]) -> None:
    """A CSTĐCS proposal after LĐTT years (a two-year requirement given to this test, decided through
    an ordinary dossier and imported), and the rule set's own CSTĐ cấp tỉnh after three CSTĐCS."""
    two_years = ConsecutiveRequirement(FIGHTER, LDTT, 2, "Hai năm liên tục đạt LĐTT (yêu cầu thử)", "thử nghiệm", False)
    app = Dossiers(env=env)
    try:
        work = AnnualWork.wired(app, {**AnnualWork(app).requirements, FIGHTER: [two_years]})
        work.import_past_awards(
            rows=[
                {"id_number": X, "name": "X", "award": LDTT, "year": 2022},
                *({"id_number": Y, "name": "Y", "award": FIGHTER, "year": y} for y in (2022, 2023, 2024)),
                *({"id_number": Z, "name": "Z", "award": FIGHTER, "year": y} for y in (2022, 2024)),
            ],
            source_ref="Sổ khen thưởng huyện", actor=SECRETARY, at=at(date(2024, 6, 1)),
        )  # fmt: skip
        first = app.submit(at=at(date(2024, 6, 3)), **ldtt(X))  # X's LĐTT 2023, through an ordinary dossier
        app.check_completeness(first.id, actor=SECRETARY, at=at(date(2024, 6, 3), 10))
        app.appraise(first.id, actor=SECRETARY, at=at(date(2024, 6, 3), 11))
        app.decide_award(first.id, approve=["n1"], authority=AUTHORITY, actor=CHAIRMAN, at=at(date(2024, 6, 4)))

        fighters = app.submit(
            at=at(date(2024, 6, 5)),
            **submission(
                emulation_year=2024,
                nominees=[fighter(name="X", id_number=X), fighter(name="W"), fighter(name="V", id_number=V)],
            ),
        )
        app.check_completeness(fighters.id, actor=SECRETARY, at=at(date(2024, 6, 5), 10))
        appraised = app.appraise(fighters.id, actor=SECRETARY, at=at(date(2024, 6, 5), 11))
        assert [f for f in appraised.appraisals["n1"].failures if f.startswith("Lịch sử")] == []
        assert [f for f in appraised.appraisals["n2"].failures if f.startswith("Lịch sử")] == []  # no ID: not read
        assert ["thiếu năm 2022, 2023" in f for f in appraised.appraisals["n3"].failures if "Lịch sử" in f] == [True]

        higher = app.submit(
            at=at(date(2025, 9, 3)),
            **submission(
                kind="HIGHER_LEVEL", award_type="MERIT", emulation_year=2025, deciding_authority=COMMUNE_2025,
                attachments=attachments(*ANNUAL),
                nominees=[fighter(name="Y", award=PROVINCIAL, id_number=Y), fighter(name="Z", award=PROVINCIAL,
                          id_number=Z)],
            ),
        )  # fmt: skip
        app.check_completeness(higher.id, actor=SECRETARY, at=at(date(2025, 9, 3), 10))
        appraised = app.appraise(higher.id, actor=SECRETARY, at=at(date(2025, 9, 3), 11))
        history = {i: [f for f in a.failures if f.startswith("Lịch sử")] for i, a in appraised.appraisals.items()}
        assert history["n1"] == []
        assert len(history["n2"]) == 1 and "thiếu năm 2023" in history["n2"][0]
    finally:
        app.close()


def test_the_years_register_is_read_from_a_snapshot(work: AnnualWork, env: dict[str, str]) -> None:
    """Every receipt naming someone identifiable reads the year's register: it is snapshotted every 50
    events, as the receipt sequence is, and reads back the same from the snapshot."""
    app = work.app
    register = AwardYear(year=2024)
    for i in range(55):
        rows = [{"identity": f"C-{i}", "award": GK, "once_a_year": False, "name": f"Tổ {i}", "nominee_id": "n1"}]
        register.propose(dossier_id=f"d{i}", rows=rows, actor=SECRETARY, at=at(date(2024, 6, 3)))
        app.save(register)
    register.record_outcome(dossier_id="d7", outcomes={"n1": "DECIDED"}, decision_number="7/QĐ-UBND",
                            decision_date=date(2024, 7, 1), actor=SECRETARY, at=at(date(2024, 7, 1)))  # fmt: skip
    app.save(register)
    assert [s.originator_version for s in app.snapshots.get(register.id)] == [50]
    other = Dossiers(env=env)
    try:
        read = other.repository.get(register.id)
        assert read.version == register.version and read.entries == register.entries
        assert read.by_dossier("d7")["n1"].decision_date == date(2024, 7, 1)
    finally:
        other.close()
