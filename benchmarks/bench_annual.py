"""The year's workload: a round of 5,000 nominees across 30 units, imported from XLSX, appraised,
voted on by list and decided by one decision, on a SQLite file (the embedded default store).

Prints the wall time and CPU time of each step; the issue's budget is the performance issue's
(#14): run `python -m benchmarks annual` before and after a change to the round's code.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from services.dossiers.annual.application import AnnualWork
from services.dossiers.application import Dossiers
from tests.support.annual_council import constituted
from tests.support.annual_year import DEADLINE, ROUND_OPENED, UNITS, unit_file
from tests.support.dossiers import ANNUAL, COMMUNE_2025, SECRETARY, at, attachments


def _step(name: str, started: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
    print(f"{name:<28} {wall:7.2f} s wall {cpu:7.2f} s cpu", flush=True)
    return time.perf_counter(), time.process_time()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(tmp) / "d.db")})
        work = AnnualWork(app)
        constituted(work)
        for unit in UNITS:
            work.register_emulation(
                unit=unit, year=2025, targets={"ADVANCED_WORKER": 170, "GRASSROOTS_EMULATION_FIGHTER": 17},
                individuals=[], registered_on=date(2025, 1, 15), actor=SECRETARY, at=at(date(2025, 1, 15)),
            )  # fmt: skip
        rnd = work.open_round(
            authority=COMMUNE_2025, year=2025, name="Tổng kết năm 2025",
            awards=["ADVANCED_WORKER", "GRASSROOTS_EMULATION_FIGHTER"], units=UNITS,
            submission_deadline=DEADLINE, actor=SECRETARY, at=at(ROUND_OPENED),
        )  # fmt: skip
        files = [unit_file(k) for k in range(1, 31)]
        t = time.perf_counter(), time.process_time()
        for k, content in enumerate(files, start=1):
            work.import_to_round(
                rnd.id, unit=UNITS[k - 1], content=content, keep_valid_rows=False, attachments=attachments(*ANNUAL),
                achievements="Tổng kết năm 2025", actor=SECRETARY, at=at(date(2025, 11, 24)),
            )  # fmt: skip
        t = _step("import 30 XLSX (5,000 rows)", t)
        work.round_page(rnd.id, offset=2500, limit=100)
        t = _step("one page of the list (100)", t)
        work.round_list(rnd.id)
        t = _step("the whole list (5,000)", t)
        work.appraise_round(rnd.id, actor=SECRETARY, at=at(date(2025, 12, 9)))
        t = _step("appraise the round", t)
        work.vote_round(
            rnd.id, meeting_date=date(2025, 12, 10), minutes_ref="07/BB", present=[f"m{i}" for i in range(1, 9)],
            written=["m10"], actor=SECRETARY, at=at(date(2025, 12, 10), 16),
        )  # fmt: skip
        t = _step("list vote", t)
        work.decide_round(rnd.id, decision_date=date(2025, 12, 20), actor=SECRETARY, at=at(date(2025, 12, 20)))
        t = _step("one list decision + history", t)
        work.round_page(rnd.id, offset=2500, limit=100)
        t = _step("one page, decided (100)", t)
        rows = work.round_list(rnd.id)
        work.round_annex(rnd.id, rows)
        _step("the list and its annex", t)
        app.close()
