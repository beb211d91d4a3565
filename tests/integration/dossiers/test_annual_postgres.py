"""The year's workload on PostgreSQL: a round's list (with a bad row kept out), the list vote, one
decision, and the award history read back from a fresh application on the same database."""

from __future__ import annotations

from datetime import date

from services.dossiers.annual.application import AnnualWork
from services.dossiers.annual.identity import person_key
from services.dossiers.annual.nominee_import import write_xlsx
from services.dossiers.application import Dossiers
from shared.testing.servers import PostgresServer
from tests.support.annual_council import constituted
from tests.support.annual_year import BAD_ROWS, people_of
from tests.support.dossiers import ANNUAL, COMMUNE_2025, SECRETARY, at, attachments


def test_a_round_on_postgresql(postgres: PostgresServer, postgres_db: str) -> None:
    env = postgres.eventsourcing_env(postgres_db)
    app = Dossiers(env=env)
    try:
        work = AnnualWork(app)
        constituted(work)
        work.register_emulation(
            unit="DV01", year=2025, targets={"ADVANCED_WORKER": 20, "GRASSROOTS_EMULATION_FIGHTER": 2},
            individuals=[], registered_on=date(2025, 1, 5), actor=SECRETARY, at=at(date(2025, 1, 5)),
        )  # fmt: skip
        rnd = work.open_round(
            authority=COMMUNE_2025, year=2025, name="Tổng kết 2025", units=["DV01"],
            awards=["ADVANCED_WORKER", "GRASSROOTS_EMULATION_FIGHTER"], submission_deadline=date(2025, 12, 5),
            actor=SECRETARY, at=at(date(2025, 11, 3)),
        )  # fmt: skip
        people = people_of(1)[:20]
        out = work.import_to_round(
            rnd.id, unit="DV01", content=write_xlsx([*people, BAD_ROWS[0]]), keep_valid_rows=True,
            attachments=attachments(*ANNUAL), achievements="…", actor=SECRETARY, at=at(date(2025, 11, 20)),
        )  # fmt: skip
        assert out["nominees"] == 20 and out["import"]["rows_with_errors"] == 1
        work.appraise_round(rnd.id, actor=SECRETARY, at=at(date(2025, 12, 1)))
        work.vote_round(
            rnd.id, meeting_date=date(2025, 12, 2), minutes_ref="02/BB", present=[f"m{i}" for i in range(1, 9)],
            written=["m10"], actor=SECRETARY, at=at(date(2025, 12, 2), 16),
        )  # fmt: skip
        decided = work.decide_round(rnd.id, decision_date=date(2025, 12, 5), actor=SECRETARY, at=at(date(2025, 12, 5)))
        assert decided["awarded"] == 20
    finally:
        app.close()
    again = Dossiers(env=env)
    try:
        history = AnnualWork(again).history_of(person_key(people[9]["id_number"]))
        assert [(h["award"], h["status"], h["decision_number"]) for h in history] == [
            ("GRASSROOTS_EMULATION_FIGHTER", "DECIDED", decided["decision_number"])
        ]
    finally:
        again.close()
