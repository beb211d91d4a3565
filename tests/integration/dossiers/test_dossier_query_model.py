"""The query model behind `GET /dossiers` stays consistent with the aggregates: for every filter
it lists the same dossiers, in the same order, as replaying them all does, and catching up from
two places at once (or twice) applies each change once in effect."""

from __future__ import annotations

import json
import random
import threading
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy import Engine

from services.dossiers.application import Dossiers
from services.dossiers.query_model import DossierFilter, DossierQueryModel, positions
from shared.sqlstore import make_engine
from tests.support.dossiers import SECRETARY, at, attachments, individual, submission

UNITS = ("THCS-KIM-BAI", "UBND-XA-BICH-HOA")
NAMES = ("Nguyễn Thị Hương", "Đặng Văn Đức", "Trần Văn Hùng", "Lê Thị Hồng-Nhung", "Phạm Xuân Trường")


@pytest.fixture
def app() -> Dossiers:
    """A dossiers application on the in-memory (POPO) store; the query model is the SQL here."""
    return Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def engine(tmp_path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'views.sqlite'}")
    yield engine
    engine.dispose()


def populate(app: Dossiers, count: int, seed: int) -> None:
    """A mix of receipt days, units, names, and dossiers whose clock stopped (supplement asked)."""
    rng = random.Random(seed)
    for n in range(count):
        day = rng.choice([date(2024, 6, 3), date(2024, 6, 4), date(2025, 9, 3), date(2025, 9, 4)])
        dossier = app.submit(
            at=at(day),
            **submission(
                proposing_unit=rng.choice(UNITS),
                nominees=[individual(name=rng.choice(NAMES))] * rng.choice((1, 1, 2)),
                **({"attachments": attachments("SUBMISSION_MEMO")} if n % 2 else {}),
                **({"deciding_authority": "XA-THANH-OAI-2025"} if day.year == 2025 else {}),
            ),
        )
        if n % 3 == 1:
            app.check_completeness(dossier.id, actor=SECRETARY, at=at(day + timedelta(days=1)))


FILTERS = [
    DossierFilter(),
    *(DossierFilter(proposing_unit=u) for u in UNITS),
    DossierFilter(status="AWAITING_SUPPLEMENT"),
    DossierFilter(status="RECEIVED"),
    DossierFilter(year=2024),
    DossierFilter(year=2025, proposing_unit=UNITS[0]),
    DossierFilter(overdue_on=date(2024, 12, 31)),
    DossierFilter(overdue_on=date(2025, 12, 31)),
    DossierFilter(not_overdue_on=date(2024, 12, 31)),
    *(DossierFilter(nominee_name=q) for q in ("nguyen thi huong", "ĐỨC", "hong nhung", "Hồng-Nhung", "van")),
    # Substrings, words shorter than a trigram (alone: a scan; beside longer ones: checked on
    # what the index finds), words of two nominees of one dossier, and a name no one has.
    *(DossierFilter(nominee_name=q) for q in ("uong", "ng", "t h", "thi h", "n hu", "huong duc", "xuan", "ưo")),
    DossierFilter(nominee_name="huong", proposing_unit=UNITS[1], year=2024),
]


def replayed(app: Dossiers, f: DossierFilter) -> list[str]:
    found = app.list_dossiers(
        proposing_unit=f.proposing_unit,
        status=f.status,
        year=f.year,
        overdue_on=f.overdue_on,
        nominee_name=f.nominee_name,
    )
    if f.not_overdue_on is not None:
        found = [d for d in found if not d.is_overdue(f.not_overdue_on)]
    return [str(d.id) for d in found]


def assert_consistent(app: Dossiers, model: DossierQueryModel) -> None:
    for f in FILTERS:
        assert model.ids(f) == replayed(app, f), f
    for row in model.search(DossierFilter()):
        d = app.get(row["id"])
        assert (row["version"], row["status"], row["appointment_date"]) == (d.version, d.status, d.appointment_date)


def test_the_query_model_lists_what_replaying_the_aggregates_lists(app: Dossiers, engine: Engine) -> None:
    populate(app, 24, seed=14)
    model = DossierQueryModel(engine, app, batch_size=7)
    model.catch_up()
    assert model.position() == app.recorder.max_notification_id()
    assert_consistent(app, model)

    populate(app, 6, seed=15)  # later changes, including to dossiers already listed
    first = model.search(DossierFilter(), limit=1)[0]
    app.check_completeness(first["id"], actor=SECRETARY, at=at(date(2024, 6, 5)))
    model.catch_up()
    assert_consistent(app, model)
    assert model.search(DossierFilter(), offset=3, limit=4) == model.search(DossierFilter())[3:7]


def test_catching_up_from_two_places_at_once_or_again_applies_each_change_once(app: Dossiers, engine: Engine) -> None:
    populate(app, 30, seed=16)
    replicas = [DossierQueryModel(engine, app, batch_size=5) for _ in range(2)]
    threads = [threading.Thread(target=r.catch_up) for r in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert replicas[0].position() == app.recorder.max_notification_id()
    assert_consistent(app, replicas[0])
    # A batch read from a position another replica has moved on from is not written.
    assert replicas[1]._apply(0, 3, [], {}) is False
    assert replicas[1].position() == app.recorder.max_notification_id()

    with engine.begin() as conn:  # as if the position had been lost: everything is read again
        conn.execute(positions.update().values(position=0))
    replicas[1].catch_up()
    assert_consistent(app, replicas[1])


def test_a_dossier_stored_before_the_domain_package_is_listed(app: Dossiers, engine: Engine) -> None:
    """Events stored under `services.dossiers.domain:Dossier.*` (before the move) are the
    dossier's too: the model reads every name its events were stored under."""
    fixture = json.loads((Path(__file__).parents[2] / "fixtures" / "events_before_domain_packages.json").read_text())
    app.recorder.insert_events(
        [
            StoredEvent(UUID(e["originator_id"]), e["originator_version"], e["topic"], e["state"].encode())
            for e in fixture["dossiers"]
        ]
    )
    model = DossierQueryModel(engine, app)
    model.catch_up()
    (row,) = model.search(DossierFilter())
    assert row["id"] == fixture["dossiers"][-1]["originator_id"] and row["status"] == "IN_APPRAISAL"


def test_name_searches_go_through_the_trigram_index_and_follow_every_change(app: Dossiers, engine: Engine) -> None:
    """On SQLite the names are in an FTS5 trigram table; a database whose rows were written
    before the table existed gets it filled from them."""
    populate(app, 20, seed=17)
    model = DossierQueryModel(engine, app, batch_size=6)
    model.catch_up()
    assert model.name_index
    with engine.connect() as conn:
        indexed = conn.exec_driver_sql("SELECT count(*) FROM dossiers_query_names").scalar_one()
        names = conn.exec_driver_sql("SELECT count(*) FROM dossiers_query_nominees").scalar_one()
    assert indexed == names > 20
    assert_consistent(app, model)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE dossiers_query_names")
    assert_consistent(app, DossierQueryModel(engine, app))


@pytest.mark.postgres
def test_the_query_model_on_postgresql_has_a_trigram_index_and_lists_what_replaying_lists(
    app: Dossiers, postgres, postgres_db
) -> None:
    engine = make_engine(postgres.dsn(postgres_db))
    try:
        populate(app, 20, seed=18)
        model = DossierQueryModel(engine, app, batch_size=6)
        model.catch_up()
        with engine.connect() as conn:
            indexes = conn.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'dossiers_query_nominees'"
            ).scalars()
            assert "ix_dossiers_query_nominees_trgm" in set(indexes)
        assert_consistent(app, model)
    finally:
        engine.dispose()
