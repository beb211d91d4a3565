"""Gapless numbers under concurrency: decisions (per authority and year) and receipts (per year).

Each thread gets its own application instance on the same database, as separate service
processes would. `concurrent_decisions(env)` takes the persistence environment, so the same
check runs on SQLite here and on PostgreSQL when one is configured.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError

from services.dossiers.application import Dossiers, default_units
from services.dossiers.domain.errors import DossierError
from services.dossiers.numbering import DecisionNumberSequence, ReceiptNumberSequence
from shared.reference.org_units import OrgUnit, OrgUnitDirectory
from tests.support.dossiers import CHAIRMAN, SECRETARY, at, submission
from tests.support.threads import in_threads

THREADS = 6


def with_district(code: str) -> OrgUnitDirectory:
    """The packaged units plus one more district people's committee (its own register)."""
    base = default_units()
    extra = OrgUnit(code, f"Ủy ban nhân dân huyện {code}", "people_committee", "district", award_level="DISTRICT")
    return OrgUnitDirectory([*base.all(), extra], base.authority_levels(), "PNV", award_levels=base.award_levels())


def ready_for_decision(app: Dossiers, authority: str) -> uuid.UUID:
    dossier = app.submit(at=at(date(2024, 6, 3)), **submission(deciding_authority=authority))
    app.check_completeness(dossier.id, actor=SECRETARY, at=at(date(2024, 6, 4), 9))
    app.appraise(dossier.id, actor=SECRETARY, at=at(date(2024, 6, 4), 10))
    app.record_council_vote(
        dossier.id,
        nominee_id="n2",
        members_total=5,
        votes_for=5,
        votes_against=0,
        absent_in_writing=0,
        actor=SECRETARY,
        at=at(date(2024, 6, 4), 11),
    )
    return dossier.id


def decide(app: Dossiers, dossier_id: uuid.UUID, authority: str) -> str:
    decided = app.decide_award(
        dossier_id,
        approve=["n1", "n2"],
        authority=authority,
        actor=CHAIRMAN,
        at=at(date(2024, 6, 10)),
    )
    assert decided.decision is not None and decided.decision.number is not None
    return decided.decision.number


def concurrent_decisions(env: dict[str, str], app_class: type[Dossiers] = Dossiers) -> None:
    """Decide THREADS dossiers at once for one authority: numbers 1..THREADS, each used once."""
    authority = f"UBND-TEST-{uuid.uuid4().hex[:8]}".upper()
    units = with_district(authority)
    setup = app_class(env=env, units=units)
    dossier_ids = [ready_for_decision(setup, authority) for _ in range(THREADS)]
    numbers = in_threads(
        THREADS, lambda: app_class(env=env, units=units), lambda app, i: decide(app, dossier_ids[i], authority)
    )
    assert sorted(numbers, key=lambda n: int(n.split("/")[0])) == [f"{n}/QĐ-UBND" for n in range(1, THREADS + 1)]
    sequence_id = DecisionNumberSequence.create_id(authority=authority, year=2024)
    issued = [e for e in setup.events.get(sequence_id) if type(e).__name__ == "DecisionNumberIssued"]
    assert [e.number for e in issued] == list(range(1, THREADS + 1))
    assert {e.dossier_id for e in issued} == set(dossier_ids)
    for dossier_id, number in zip(dossier_ids, numbers, strict=True):
        assert setup.get(dossier_id).decision.number == number


def concurrent_decisions_on_one_dossier(env: dict[str, str], app_class: type[Dossiers] = Dossiers) -> None:
    """Several people decide the SAME dossier at once: one wins, the others get a 409-type
    error, and only one number is used."""
    authority = f"UBND-TEST-{uuid.uuid4().hex[:8]}".upper()
    units = with_district(authority)
    setup = app_class(env=env, units=units)
    dossier_id = ready_for_decision(setup, authority)
    results = in_threads(
        THREADS, lambda: app_class(env=env, units=units), lambda app, i: decide(app, dossier_id, authority)
    )
    assert [r for r in results if isinstance(r, str)] == ["1/QĐ-UBND"]
    assert all(isinstance(r, DossierError) for r in results if not isinstance(r, str)), results
    sequence = setup.repository.get(DecisionNumberSequence.create_id(authority=authority, year=2024))
    assert sequence.last_number == 1


def concurrent_receipts(env: dict[str, str], app_class: type[Dossiers] = Dossiers) -> None:
    office = f"T{uuid.uuid4().hex[:6]}"
    numbers = in_threads(
        THREADS,
        lambda: app_class(env=env, receipt_office=office),
        lambda app, i: app.submit(at=at(date(2024, 6, 3)), **submission()).receipt_number,
    )
    assert sorted(numbers) == [f"{n:06d}/2024/{office}" for n in range(1, THREADS + 1)]
    reader = app_class(env=env)  # keep a reference: a dropped application closes its connections
    sequence = reader.repository.get(ReceiptNumberSequence.create_id(office=office, year=2024))
    assert sequence.last_number == THREADS


# --- SQLite (a temp file, so that every thread's connection sees the same database) ---


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "dossiers.sqlite"),
        "SQLITE_LOCK_TIMEOUT": "10",
    }


def test_concurrent_decisions_get_gapless_unique_numbers_on_sqlite(sqlite_env):
    concurrent_decisions(sqlite_env)


def test_concurrent_decisions_on_one_dossier_use_one_number_on_sqlite(sqlite_env):
    concurrent_decisions_on_one_dossier(sqlite_env)


def test_concurrent_receipts_get_gapless_unique_numbers_on_sqlite(sqlite_env):
    concurrent_receipts(sqlite_env)


# --- PostgreSQL (the shared `postgres_db` fixture: a fresh database, skipped where none can be had) ---


@pytest.mark.postgres
def test_concurrent_decisions_get_gapless_unique_numbers_on_postgres(postgres, postgres_db):
    env = postgres.eventsourcing_env(postgres_db)
    concurrent_decisions(env)
    concurrent_decisions_on_one_dossier(env)
    concurrent_receipts(env)


def test_the_receipt_sequence_is_read_from_a_snapshot_and_stays_gapless(tmp_path):
    """Every receipt reads its office's sequence for the year: without a snapshot the N-th dossier
    would replay N events."""
    store = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.sqlite")}
    app = Dossiers(env=store)
    numbers = [app.submit(at=at(date(2024, 6, 3)), **submission()).receipt_number for _ in range(55)]
    sequence_id = ReceiptNumberSequence.create_id(office=app.receipt_office, year=2024)
    assert [s.originator_version for s in app.snapshots.get(sequence_id)] == [50]
    reopened = Dossiers(env=store)
    assert reopened.submit(at=at(date(2024, 6, 4)), **submission()).receipt_number == "000056/2024/TN"
    assert numbers == [f"{n:06d}/2024/TN" for n in range(1, 56)]


def test_receipts_submitted_in_threads_of_one_application_queue_for_the_number_instead_of_racing(
    sqlite_env, monkeypatch
):
    """The HTTP threadpool's case (one process, many requests): each receipt reads the sequence
    as the previous left it, so none loses its save to a conflict and starts again."""
    app = Dossiers(env=sqlite_env)
    conflicts = []
    save = app.save

    def counted(*objs, **kwargs):
        try:
            return save(*objs, **kwargs)
        except IntegrityError:
            conflicts.append(objs)
            raise

    monkeypatch.setattr(app, "save", counted)
    barrier = threading.Barrier(THREADS)

    def receipts() -> list[str]:
        barrier.wait()
        return [app.submit(at=at(date(2024, 6, 3)), **submission()).receipt_number for _ in range(5)]

    with ThreadPoolExecutor(THREADS) as pool:
        numbers = [n for batch in pool.map(lambda _: receipts(), range(THREADS)) for n in batch]
    assert sorted(numbers) == [f"{n:06d}/2024/TN" for n in range(1, 5 * THREADS + 1)]
    assert conflicts == []
