"""Item 6: reading a dossier with about 1,000 events, replayed from the store, and from a
snapshot taken at its last version.

The service stores no dossier snapshots: a dossier's state holds frozensets, tuples, enums and
value-object dataclasses that the library's JSON transcoder would flatten or refuse (see
`Dossiers`' docstring). To measure what a snapshot would buy, this bench stores one whose state is
the aggregate's attributes pickled: good enough to time a read, not a format to keep in a store
(it would tie stored data to class layouts and unpickle what the database hands back).
"""

from __future__ import annotations

import base64
import pickle
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from eventsourcing.domain import Snapshot

from benchmarks.context import Context
from benchmarks.results import Figure, bound_figure, percentile
from services.dossiers.application import Dossiers
from tests.support.dossiers import CLERK, SECRETARY, at, attachments, submission, supplied


@dataclass(frozen=True)
class PickledSnapshot(Snapshot):
    @classmethod
    def take(cls, aggregate: Any) -> PickledSnapshot:
        plain = Snapshot.take(aggregate)
        state = {"pickled": base64.b64encode(pickle.dumps(plain.state)).decode()}
        return cls(
            originator_id=plain.originator_id,
            originator_version=plain.originator_version,
            timestamp=plain.timestamp,
            topic=plain.topic,
            state=state,
        )

    def mutate(self, _: None) -> Any:
        state = pickle.loads(base64.b64decode(self.state["pickled"]))
        return Snapshot(
            originator_id=self.originator_id,
            originator_version=self.originator_version,
            timestamp=self.timestamp,
            topic=self.topic,
            state=state,
        ).mutate(None)


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
    plain = Dossiers(env=ctx.event_store_env("history", ctx.workdir / "history.sqlite"))
    dossier = long_history(plain, events)
    reads = ctx.size(30, small=3)
    without = timed_reads(lambda: plain.repository.get(dossier.id), reads)
    with_snapshots = Dossiers(env={**plain.env, "IS_SNAPSHOTTING_ENABLED": "y"})
    with_snapshots.snapshots.put([PickledSnapshot.take(with_snapshots.repository.get(dossier.id))])  # type: ignore[union-attr]
    again = with_snapshots.repository.get(dossier.id)
    assert vars(again) == vars(plain.repository.get(dossier.id))
    with_ = timed_reads(lambda: with_snapshots.repository.get(dossier.id), reads)
    ctx.run.add(
        Figure(
            "6 history", f"read a dossier of {dossier.version} events, replayed, p50", "ms", [percentile(without, 50)]
        ),
        bound_figure(
            "6 history",
            f"read a dossier of {dossier.version} events from a snapshot (bench-only format), p50",
            "ms",
            [percentile(with_, 50)],
            5,
        ),
    )
    plain.close()
    with_snapshots.close()
