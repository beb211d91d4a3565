"""A rebuild that decodes in worker processes (a large history's way, `replay_decode`) fills the
same tables, row for row, as one decoding in a thread (a small history's way), and leaves out and
reports the same message that does not match its contract."""

from __future__ import annotations

import json
from pathlib import Path

from nats.js.client import JetStreamContext

from services.reporting.compare import compare_generations
from services.reporting.generations import ensure_live_generation
from services.reporting.live import LiveProjection
from services.reporting.rebuild import JobProgress, Rebuilder, nats_connector
from shared.sqlstore import make_engine
from shared.streams import stream_for_subject
from tests.support.reporting_history import generate


async def test_decoding_in_processes_fills_the_same_tables(
    tmp_path: Path, nats_url: str, jetstream: JetStreamContext
) -> None:
    events = generate(seed=11, campaigns=4, dossiers=60)
    for event in events[:100]:
        await publish(jetstream, event.subject, json.dumps(event.payload()).encode(), event.headers())
    broken = events[100]
    payload = {**broken.payload(), "aggregate_version": "not a number"}
    await publish(jetstream, broken.subject, json.dumps(payload).encode(), {"ce-id": "broken-1"})
    for event in events[100:]:
        await publish(jetstream, event.subject, json.dumps(event.payload()).encode(), event.headers())
    for event in events[:10]:  # copies under new message ids: applied once
        copy = {"ce-id": event.event_id}
        await publish(jetstream, event.subject, json.dumps(event.payload()).encode(), copy)

    engine = make_engine(f"sqlite:///{tmp_path / 'reporting.sqlite'}")
    generation, _ = ensure_live_generation(engine)
    live = LiveProjection(engine, generation)
    in_thread = Rebuilder(live, nats_connector(nats_url), batch_size=50)
    in_processes = Rebuilder(
        live, nats_connector(nats_url), batch_size=50, decode_processes=2, decode_in_processes_from=0
    )
    assert in_thread._decoding_processes(len(events)) is None
    first = await in_thread.rebuild("test")
    second = await in_processes.rebuild("test")

    for job in (first, second):
        assert job.state == "done", job.error
        assert job.applied == len(events)
        assert job.skipped == 1
    assert second.skipped_events == first.skipped_events
    assert [e["event_id"] for e in first.skipped_events] == ["broken-1"]
    with engine.connect() as conn:
        comparison = compare_generations(conn, generation_of(first), generation_of(second))
    assert comparison["equal"], comparison
    engine.dispose()


async def publish(js: JetStreamContext, subject: str, data: bytes, headers: dict[str, str]) -> None:
    await js.publish(subject, data, stream=stream_for_subject(subject).name, headers=headers)


def generation_of(job: JobProgress) -> int:
    assert job.generation is not None
    return job.generation
