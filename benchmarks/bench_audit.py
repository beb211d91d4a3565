"""Tamper evidence: what the hash chain costs a save, and how long `tdkt audit verify` takes over a
store and its streams (dossiers on SQLite, a local JetStream, checkpoints signed)."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import nats

from services.dossiers.application import Dossiers
from services.dossiers.publishing import dossier_event_mapper
from shared.audit.chainstore import ChainReader
from shared.audit.checkpoints import CheckpointPublisher
from shared.audit.keys import PublicKeySet, SigningKey
from shared.audit.verification import Verifier
from shared.messaging.relay import OutboxRelay
from shared.messaging.streamreads import JetStreamReader, jetstream_publish
from shared.natsserver import NatsServerProcess, free_port
from shared.reference.org_units import load_org_units
from shared.streams import DOSSIERS, ensure_streams
from tests.support.audit_history import generate

DOSSIER_COUNT = 600


def timed_history(path: Path) -> tuple[Dossiers, float, float, int]:
    """Store the history; returns the app, the seconds all saves took, the seconds of those spent
    chaining (inside the storing transaction), and the number of stored events."""
    app = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)})
    writer = app.recorder.chain  # type: ignore[attr-defined]
    chaining = 0.0
    append = writer.append

    def timed_append(cursor: object, events: list[object]) -> object:
        nonlocal chaining
        started = time.perf_counter()
        try:
            return append(cursor, events)
        finally:
            chaining += time.perf_counter() - started

    writer.append = timed_append
    started = time.perf_counter()
    generate(app, DOSSIER_COUNT)
    return app, time.perf_counter() - started, chaining, app.recorder.max_notification_id() or 0


async def publish_and_verify(app: Dossiers, url: str) -> tuple[float, float, int]:
    nc = await nats.connect(url)
    js = nc.jetstream()
    await ensure_streams(js)
    relay = OutboxRelay(
        app,
        dossier_event_mapper(load_org_units()),
        jetstream_publish(js),
        service="dossiers",
        reader=JetStreamReader(lambda: js),
        journal=True,
    )
    started = time.perf_counter()
    await relay.publish_pending()
    published = time.perf_counter() - started
    chain = ChainReader.of(app)
    assert chain is not None
    key = SigningKey.generate("dossiers")
    checkpoints = CheckpointPublisher(
        chain, relay.published_position, jetstream_publish(js), key, public_stream=DOSSIERS.name, interval_seconds=1
    )
    await checkpoints.publish_once()
    verifier = Verifier(
        "dossiers",
        chain,
        js,
        public_stream=DOSSIERS.name,
        keys=PublicKeySet().add(key.public_entry()),
        published_position=relay.published_position(),
    )
    started = time.perf_counter()
    report = await verifier.run()
    verified = time.perf_counter() - started
    await nc.close()
    assert report.ok, [f.line() for f in report.findings[:5]]
    return published, verified, report.store_events + report.journal_entries + report.stream_messages


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app, seconds, chaining, events = timed_history(Path(folder) / "dossiers.sqlite")
        print(
            f"{DOSSIER_COUNT} dossiers, {events} stored events in {seconds:.2f} s of commands; chaining them took "
            f"{chaining:.2f} s ({chaining / events * 1000:.2f} ms per event, "
            f"{chaining / seconds * 100:.0f} % of the time)"
        )
        server = NatsServerProcess(free_port(), Path(folder) / "nats", Path(folder) / "nats.log").start()
        try:
            published, verified, read = asyncio.run(publish_and_verify(app, server.url))
        finally:
            server.stop()
            app.close()
        print(
            f"relay published them in {published:.2f} s; tdkt audit verify read {read} records "
            f"(store, journal, stream) in {verified:.2f} s ({read / verified:.0f} records/s)"
        )


if __name__ == "__main__":
    main()
