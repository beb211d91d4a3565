"""Tamper evidence on PostgreSQL: replicas writing different aggregates at the same moment append
to one log chain in commit order (the library's table lock), and an edit is named."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import psycopg
import pytest
from nats.js.client import JetStreamContext

from services.dossiers.application import Dossiers
from shared.testing.servers import PostgresServer
from tests.support.audit_history import generate

from .support import checkpointed, deployment, make_history

pytestmark = pytest.mark.postgres

LAST_DECISION_DAY = date(2024, 12, 20)
"""Both writers date their decisions on one day: they share one decision register, whose numbers
must not go back in date, and race through the same days of receipt."""


async def test_concurrent_replicas_chain_in_commit_order_and_an_edit_is_named(
    tmp_path: Path,
    nats_url: str,
    jetstream: JetStreamContext,
    postgres: PostgresServer,
    postgres_db: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = postgres.eventsourcing_env(postgres_db)
    dep = deployment(tmp_path, nats_url, env)
    with dep.service(monkeypatch) as client:
        other = Dossiers(env=env)  # a second replica's application on the same database
        try:
            make_history(client, 2)
            with ThreadPoolExecutor(2) as pool:
                writers = [
                    pool.submit(generate, app, 8, LAST_DECISION_DAY)
                    for app in (client.app.state.dossiers, other)  # type: ignore[attr-defined]
                ]
                for writer in writers:
                    writer.result()  # a writer's refusal fails the test here, by name
        finally:
            other.close()
        await checkpointed(jetstream, client)
    code, report, output = await dep.verify(monkeypatch)
    assert code == 0, output
    assert report["store_events"] > 80 and report["log_head"]["index"] == report["store_events"]

    with psycopg.connect(postgres.dsn(postgres_db), autocommit=True) as db:
        position = db.execute(
            "SELECT notification_id FROM dossiers_events WHERE topic LIKE %s ORDER BY notification_id LIMIT 1 OFFSET 5",
            ("%Dossier.AwardDecided",),
        ).fetchone()[0]
        # one byte more: a space after the JSON, which still reads the same
        db.execute("UPDATE dossiers_events SET state = state || '\\x20'::bytea WHERE notification_id = %s", (position,))
    code, report, output = await dep.verify(monkeypatch)
    assert code == 1
    [edited] = [f for f in report["findings"] if f["place"] == "store"]
    assert edited["kind"] == "altered" and edited["position"] == position, output
