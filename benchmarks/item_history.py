"""Item 6: reading a dossier with about 1,000 events, replayed from the store, and as the service
reads it: from its latest snapshot (the service snapshots a dossier every 50 events, in its
typed snapshot format, `shared.snapshots.TypedSnapshot`) plus the events after it.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from benchmarks.context import Context
from benchmarks.results import Figure, bound_figure, percentile
from services.dossiers.application import Dossiers
from tests.support.dossiers import CLERK, SECRETARY, at, attachments, submission, supplied


def long_history(app: Dossiers, events: int) -> Any:
    moment = at(date(2024, 6, 3))
    dossier = app.submit(at=moment, **submission(attachments=attachments("SUBMISSION_MEMO")))
    while dossier.version < events:
        moment += timedelta(minutes=1)
        dossier = app.request_supplement(dossier.id, missing=["Báo cáo thành tích"], actor=SECRETARY, at=moment)
        moment += timedelta(minutes=1)
        dossier = app.supplement(dossier.id, attachments=supplied("ACHIEVEMENT_REPORT"), actor=CLERK, at=moment)
    return dossier


def timed_reads(read: Any, times: int) -> list[float]:
    out = []
    for _ in range(times):
        started = time.perf_counter()
        read()
        out.append((time.perf_counter() - started) * 1000)
    return out


def run(ctx: Context) -> None:
    events = ctx.size(1000, small=60)
    app = Dossiers(env=ctx.event_store_env("history", ctx.workdir / "history.sqlite"))
    dossier = long_history(app, events)
    plain = Dossiers(env={**app.env, "IS_SNAPSHOTTING_ENABLED": "n"})  # the same store, never a snapshot
    assert app.snapshots is not None and plain.snapshots is None
    assert vars(app.repository.get(dossier.id)) == vars(plain.repository.get(dossier.id))
    reads = ctx.size(30, small=3)
    without = timed_reads(lambda: plain.repository.get(dossier.id), reads)
    with_ = timed_reads(lambda: app.repository.get(dossier.id), reads)
    ctx.run.add(
        Figure(
            "6 history", f"read a dossier of {dossier.version} events, replayed, p50", "ms", [percentile(without, 50)]
        ),
        bound_figure(
            "6 history",
            f"read a dossier of {dossier.version} events from its latest snapshot (every 50 events), p50",
            "ms",
            [percentile(with_, 50)],
            5,
        ),
    )
    plain.close()
    app.close()
