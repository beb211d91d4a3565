"""The council reviews a round's list for the standards no record shows (TTLĐTT…): all confirmed
except what it names; the appraisal then follows its record."""

from __future__ import annotations

from datetime import date

from services.dossiers.annual.application import AnnualWork
from services.dossiers.annual.identity import collective_key, person_key
from services.dossiers.application import Dossiers
from tests.support.annual_council import constituted
from tests.support.dossiers import ANNUAL, COMMUNE_2025, SECRETARY, at, attachments, individual


def test_a_collective_passes_once_the_council_confirms_its_standards(app: Dossiers) -> None:
    work = AnnualWork(app)
    constituted(work)
    work.register_emulation(
        unit="DV01", year=2025, targets={"ADVANCED_WORKER": 1, "ADVANCED_COLLECTIVE": 2}, individuals=[],
        registered_on=date(2025, 1, 5), actor=SECRETARY, at=at(date(2025, 1, 5)),
    )  # fmt: skip
    rnd = work.open_round(
        authority=COMMUNE_2025, year=2025, name="Tổng kết 2025", awards=["ADVANCED_WORKER", "ADVANCED_COLLECTIVE"],
        units=["DV01"], submission_deadline=date(2025, 12, 5), actor=SECRETARY, at=at(date(2025, 11, 3)),
    )  # fmt: skip
    teams = [
        {"kind": "COLLECTIVE", "name": name, "award": "ADVANCED_COLLECTIVE", "size": 9}
        for name in ("Tổ Văn", "Tổ Toán")
    ]
    work.submit_to_round(
        rnd.id, unit="DV01",
        nominees=[{"identity": person_key("001090000001"), "nominee": individual()},
                  *({"identity": collective_key("DV01", t["name"]), "nominee": t} for t in teams)],
        attachments=attachments(*ANNUAL), achievements="…", actor=SECRETARY, at=at(date(2025, 11, 20)),
    )  # fmt: skip
    assert work.appraise_round(rnd.id, actor=SECRETARY, at=at(date(2025, 12, 1))) == {
        "passed": 1, "failed": 2, "awaiting_supplement": 0,
    }  # fmt: skip
    refs = {r["name"]: r["ref"] for r in work.round_list(rnd.id)}
    done = work.record_round_council_checks(
        rnd.id, meeting_date=date(2025, 12, 2), minutes_ref="02/BB-HĐ",
        not_confirmed={refs["Tổ Toán"]: ["movement_effective"]}, actor=SECRETARY, at=at(date(2025, 12, 2), 16),
    )  # fmt: skip
    assert done == {"recorded": 2, "dossiers": 1}
    assert work.appraise_round(rnd.id, actor=SECRETARY, at=at(date(2025, 12, 3)))["passed"] == 2
    failures = {r["name"]: r["failures"] for r in work.round_list(rnd.id)}
    assert failures["Tổ Văn"] == []
    assert len(failures["Tổ Toán"]) == 1 and "phong trào thi đua" in failures["Tổ Toán"][0]
    decided = work.decide_round(rnd.id, decision_date=date(2025, 12, 5), actor=SECRETARY, at=at(date(2025, 12, 5)))
    assert (decided["awarded"], decided["not_awarded"]) == (2, 1)
