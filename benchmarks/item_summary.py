"""Item 5's year summary alone, without item 4's broker and consumers: the reporting tables built
straight from the same generated history (`--events`; applied with `live.apply_batch`, as the
live consumers apply a group, outcomes included), grown to `--dossiers` dossiers over 2017–2026
(`reporting_scale.grow`), then a year's summary by unit, ungrouped and by award, each request
timed cold and alone: wall time (p99 against the target) and the process's CPU time per request
(what the load of the machine does not inflate).

    python -m benchmarks summary --events 20000 --dossiers 100000     # ≈ 2–3 minutes
"""

from __future__ import annotations

import gc
import statistics
import time

from benchmarks.context import Context
from benchmarks.reporting_scale import grow
from benchmarks.results import Figure, bound_figure
from services.reporting.generations import ensure_live_generation
from services.reporting.live import Incoming, apply_batch
from services.reporting.periods import year_period
from services.reporting.projector import decode
from services.reporting.summary import SummaryOptions, summarize
from services.reporting.tables import projection_tables
from shared.reference.org_units import load_org_units
from shared.sqlstore import make_engine
from tests.support.reporting_history import generate

GROUPINGS = ("proposing_unit", "none", "award")
BATCH = 500


def run(ctx: Context) -> None:
    dossiers = max(60, round(ctx.events / 5.2))
    events = generate(seed=2024, campaigns=max(4, dossiers // 90), dossiers=dossiers)
    engine = make_engine(ctx.view_url("summary", ctx.workdir / "summary.sqlite"))
    generation, _ = ensure_live_generation(engine)
    print(f"   applying {len(events)} events ({dossiers} dossiers)", flush=True)
    started = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, len(events), BATCH):
            batch = events[i : i + BATCH]
            items = [Incoming(e.event_id, e.subject, None, decode(e.subject, e.payload())) for e in batch]
            apply_batch(conn, generation, items)
    applied = time.perf_counter() - started
    del events
    gc.collect()
    reached = dossiers
    if ctx.dossiers > dossiers:
        print(f"   growing the reporting tables to {ctx.dossiers} dossiers", flush=True)
        reached = grow(engine, projection_tables(generation), ctx.dossiers)
    ctx.run.notes.append(
        f"summary: {dossiers} generated dossiers applied directly in {applied:.1f} s, grown to {reached} "
        f"({ctx.store_label})"
    )
    units, year = load_org_units(), year_period(2023)
    summarize(engine, [year], SummaryOptions("none"), units)  # the connection and the file's pages
    runs = ctx.size(30, small=3)
    for group_by in GROUPINGS:
        wall, cpu = [], []
        for _ in range(runs):
            started, used = time.perf_counter(), time.process_time()
            summarize(engine, [year], SummaryOptions(group_by), units)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
        spread = " over 2017-2026" if reached > dossiers else ""
        label = f"summary of a year by {group_by} ({reached} dossiers{spread})"
        ctx.run.add(bound_figure("5 queries", f"{label}, p99", "ms", wall, 50, of="p99"))
        figure = Figure("5 queries", f"{label}, CPU time per request", "ms", cpu, higher_is_better=False)
        figure.note = f"median {statistics.median(cpu):.1f} ms of CPU in this process (SQLite runs in it)"
        ctx.run.add(figure)
    engine.dispose()
