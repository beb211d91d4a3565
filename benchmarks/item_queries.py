"""Item 5: listing and searching dossiers on the dossiers service's query model at scale.

Real dossiers are received by the application and projected by `DossierQueryModel.catch_up`
(its rate is a figure too); the table is then grown to `--dossiers` rows by copying those rows
with new ids, units (the whole org-unit directory), years, statuses and Vietnamese names, which
is what the queries' cost depends on. Each query is what `GET /dossiers` runs, with its page of
100 lines formatted as the route answers them.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import date, timedelta

from sqlalchemy import insert, select

from benchmarks.context import Context
from benchmarks.results import Figure, bound_figure
from services.dossiers.application import Dossiers
from services.dossiers.http.dossiers import _line
from services.dossiers.query_model import DossierFilter, DossierQueryModel, dossier_rows, folded_words
from shared.reference.org_units import load_org_units
from shared.sqlstore import make_engine
from tests.support.dossiers import at, individual, submission

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Thị", "Văn", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Hồng")
GIVEN = ("Hương", "Đức", "Hùng", "Lan", "Mai", "Nam", "Phương", "Quân", "Sơn", "Thảo", "Tuấn", "Yến", "Trang", "Dũng")
STATUSES = ("RECEIVED", "AWAITING_SUPPLEMENT", "UNDER_APPRAISAL", "AWARD_DECIDED", "RESULT_RETURNED", "REFUSED")


def name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def receive(app: Dossiers, count: int, rng: random.Random) -> None:
    for _ in range(count):
        day = rng.choice([date(2024, 6, 3), date(2024, 6, 4)])
        app.submit(
            at=at(day),
            **submission(
                proposing_unit=rng.choice(["THCS-KIM-BAI", "UBND-XA-BICH-HOA"]),
                nominees=[individual(name=name(rng)), individual(name=name(rng), award="ADVANCED_WORKER")],
            ),
        )


def grow(model: DossierQueryModel, target: int, rng: random.Random) -> None:
    units = [u.code for u in load_org_units().all()]
    with model.engine.connect() as conn:
        real = [dict(r._mapping) for r in conn.execute(select(dossier_rows))]
        position = max(r["position"] for r in real)
    missing = target - len(real)
    while missing > 0:
        rows, names = [], []
        for _ in range(min(5000, missing)):
            row = dict(rng.choice(real))
            position += 1
            year = rng.randint(2016, 2026)
            received = date(year, 1, 1) + timedelta(days=rng.randint(0, 360))
            row.update(
                id=str(uuid.UUID(int=rng.getrandbits(128))),
                position=position,
                proposing_unit=rng.choice(units),
                status=rng.choice(STATUSES),
                received_on=received,
                received_year=year,
                appointment_date=received + timedelta(days=14),
                clock_running=rng.random() < 0.3,
            )
            rows.append(row)
            for i in range(rng.choice((1, 1, 2, 3))):
                names.append((row["id"], i, folded_words(name(rng))))
        with model.engine.begin() as conn:
            conn.execute(insert(dossier_rows), rows)
            model.insert_names(conn, names)
        missing -= len(rows)


def run(ctx: Context) -> None:
    rng = random.Random(14)
    real = ctx.size(min(ctx.dossiers, 1500), small=min(ctx.dossiers, 60))
    app = Dossiers(env=ctx.event_store_env("queries", ctx.workdir / "queries-store.sqlite"))
    receive(app, real, rng)
    engine = make_engine(ctx.view_url("dossiers_views", ctx.workdir / "queries-views.sqlite"))
    model = DossierQueryModel(engine, app)
    started = time.perf_counter()
    model.catch_up()
    events = app.recorder.max_notification_id() or 0
    ctx.run.add(
        Figure(
            "5 queries",
            f"dossiers query model catch-up ({real} dossiers, {ctx.store_label})",
            "events/s",
            [events / (time.perf_counter() - started)],
        )
    )
    units = load_org_units()
    today = date(2026, 12, 3)
    where = DossierFilter(proposing_unit="THCS-KIM-BAI")
    model_ms, replay_ms = [], []
    for _ in range(ctx.rounds):
        started = time.perf_counter()
        [_line(units, row, today) for row in model.search(where, limit=100)]
        model_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        app.list_dossiers(proposing_unit="THCS-KIM-BAI", limit=100)  # what GET /dossiers did before
        replay_ms.append((time.perf_counter() - started) * 1000)
    f = Figure(
        "5 queries",
        f"GET /dossiers of a unit, query model ({real} dossiers)",
        "ms",
        model_ms,
        reference_name="replaying every dossier (the route before)",
        reference_raw=replay_ms,
        higher_is_better=False,
    )
    ctx.run.add(f)
    grow(model, ctx.dossiers, rng)
    some_unit = units.all()[len(units.all()) // 2].code
    queries = {
        "first page, no filter": DossierFilter(),
        f"unit {some_unit}": DossierFilter(proposing_unit=some_unit),
        "status AWAITING_SUPPLEMENT": DossierFilter(status="AWAITING_SUPPLEMENT"),
        "year 2024": DossierFilter(year=2024),
        "unit + year + status": DossierFilter(proposing_unit=some_unit, year=2024, status="RECEIVED"),
        "nominee 'nguyen thi huong'": DossierFilter(nominee_name="nguyen thi huong"),
        "nominee 'Đặng Xuân Yến' (rare)": DossierFilter(nominee_name="Đặng Xuân Yến"),
        "overdue today": DossierFilter(overdue_on=today),
    }
    for label, where in queries.items():
        times = []
        for _ in range(ctx.size(30, small=3)):
            started = time.perf_counter()
            lines = [_line(units, row, today) for row in model.search(where, limit=100)]
            times.append((time.perf_counter() - started) * 1000)
        ctx.run.notes.append(f"queries: {label}: {len(lines)} lines on the first page")
        ctx.run.add(
            bound_figure("5 queries", f"GET /dossiers {label} ({ctx.dossiers} rows)", "ms", times, 50, of="p99")
        )
    app.close()
    engine.dispose()
