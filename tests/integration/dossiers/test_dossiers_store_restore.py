"""The dossiers' event store restored from an earlier copy (a disk loss): the service sees that its
store is behind its stream, refuses writes and says why; `tdkt store reconcile dossiers` brings
back what was published; no receipt number is issued twice and no event reaches the stream twice."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nats.js.client import JetStreamContext
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from services.cli import app as cli
from services.dossiers.application import Dossiers
from shared.eventstore import event_id_of
from shared.messaging.reconcile import ReconcileRefused, reconcile
from shared.messaging.relay import relay_tracking_name
from shared.messaging.storecheck import StoreState, check_store
from shared.messaging.streamreads import JetStreamReader, jetstream_publish
from shared.streams import DOSSIERS
from shared.testing.fixtures import wait_until
from shared.testing.jetstream import stream_messages
from shared.testing.servers import PostgresServer

from .payloads import CLERK, annual_body, submit


def published(client: TestClient) -> bool:
    relay = client.get("/readyz").json()["checks"]["relay:dossiers"]
    return relay["lag_events"] == 0 and relay["store"]["state"] == "in_sync"


def backup(store: Path, copy: Path) -> None:
    with sqlite3.connect(store) as live, sqlite3.connect(copy) as target:
        live.backup(target)


def restore(copy: Path, store: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    backup(copy, store)


async def dossier_messages(js: JetStreamContext) -> list[dict[str, Any]]:
    return [json.loads(m.data) for m in await stream_messages(js, DOSSIERS.name)]


async def test_a_store_restored_from_last_nights_copy_is_refused_then_reconciled_without_reissuing_a_number(
    make_client: Callable[..., TestClient], jetstream: JetStreamContext, tmp_path: Path, nats_url: str
) -> None:
    client = make_client(store_recheck_seconds=0.2)
    before = [submit(client)["receipt_number"] for _ in range(3)]
    wait_until(lambda: published(client))
    backup(tmp_path / "dossiers.sqlite", tmp_path / "last-night.sqlite")
    lost = [submit(client) for _ in range(4)]  # answered 201 and published, then the disk is lost
    wait_until(lambda: published(client))
    client.__exit__(None, None, None)

    restore(tmp_path / "last-night.sqlite", tmp_path / "dossiers.sqlite")
    restarted = make_client(store_recheck_seconds=0.2)
    ready = restarted.get("/readyz")
    assert ready.status_code == 503
    store = ready.json()["checks"]["relay:dossiers"]["store"]
    assert store["state"] == "behind" and "tdkt store reconcile dossiers" in store["detail"]
    refused = restarted.post("/dossiers", json=annual_body(restarted), headers=CLERK)
    assert refused.status_code == 503 and refused.json()["code"] == "event_store_behind"
    assert "tdkt store reconcile dossiers" in refused.json()["detail"]
    assert restarted.get(f"/dossiers/{lost[0]['id']}").status_code == 404  # not there (yet)
    metrics = restarted.get("/metrics/").text
    assert 'tdkt_event_store_in_sync{service="dossiers"} 0.0' in metrics
    assert 'tdkt_relay_lag_events{service="dossiers"}' in metrics

    env = {"TDKT_VAR_DIR": str(tmp_path), "TDKT_NATS_URL": nats_url}
    checked = await asyncio.to_thread(CliRunner().invoke, cli, ["store", "check", "dossiers"], env=env)
    assert checked.exit_code == 1 and "[THIẾU]" in checked.output
    result = await asyncio.to_thread(  # as the operator runs it, beside the running service
        CliRunner().invoke, cli, ["store", "reconcile", "dossiers"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "Đã nạp lại" in result.output and "[KHỚP]" in result.output

    wait_until(lambda: restarted.get("/readyz").status_code == 200, timeout=10)
    checked = await asyncio.to_thread(CliRunner().invoke, cli, ["store", "check", "dossiers"], env=env)
    assert checked.exit_code == 0 and "[KHỚP]" in checked.output
    for dossier in lost:
        assert restarted.get(f"/dossiers/{dossier['id']}").json()["receipt_number"] == dossier["receipt_number"]
    after = submit(restarted)["receipt_number"]
    numbers = [*before, *(d["receipt_number"] for d in lost), after]
    assert numbers == [f"{n:06d}/2024/TN" for n in range(1, 9)]  # gapless, none issued twice

    wait_until(lambda: published(restarted))
    messages = await dossier_messages(jetstream)
    assert len(messages) == 8 and len({m["event_id"] for m in messages}) == 8  # each event once in the stream
    assert [m["dossier"]["receipt_number"] for m in messages] == numbers


async def test_a_store_that_wrote_events_of_its_own_after_a_restore_is_not_mixed_with_the_journal(
    jetstream: JetStreamContext, make_client: Callable[..., TestClient], tmp_path: Path
) -> None:
    client = make_client()
    submit(client)
    wait_until(lambda: published(client))
    backup(tmp_path / "dossiers.sqlite", tmp_path / "copy.sqlite")
    submit(client)
    wait_until(lambda: published(client))
    client.__exit__(None, None, None)
    restore(tmp_path / "copy.sqlite", tmp_path / "dossiers.sqlite")
    # Written by hand (with the service stopped) at the versions the journal already holds.
    app = Dossiers(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "dossiers.sqlite")}
    )
    app.submit(**_minimal_submission())
    reader, publish = JetStreamReader(lambda: jetstream), jetstream_publish(jetstream)

    status = await check_store(app, reader, "dossiers")
    assert status.state is StoreState.BEHIND  # the newest journal entry is a dossier it lacks …
    with pytest.raises(ReconcileRefused, match=r"another event.*--new-epoch"):  # … and its receipt number differs
        await reconcile(app, reader, publish, "dossiers", tracking_name=relay_tracking_name("dossiers"))
    report = await reconcile(
        app, reader, publish, "dossiers", tracking_name=relay_tracking_name("dossiers"), new_epoch=True, by="test"
    )
    assert report.epoch_started and report.after.state is StoreState.IN_SYNC


@pytest.mark.postgres
async def test_reconcile_re_imports_into_postgresql_and_moves_the_relay_past_what_it_imported(
    postgres: PostgresServer, postgres_db: str, jetstream: JetStreamContext
) -> None:
    from services.dossiers.publishing import dossier_event_mapper
    from shared.messaging.relay import OutboxRelay
    from shared.reference.org_units import load_org_units

    app = Dossiers(env=postgres.eventsourcing_env(postgres_db))
    reader, publish = JetStreamReader(lambda: jetstream), jetstream_publish(jetstream)
    relay = OutboxRelay(
        app, dossier_event_mapper(load_org_units()), publish, service="dossiers", reader=reader, journal=True
    )
    for _ in range(3):
        app.submit(**_minimal_submission())
    await relay.publish_pending()
    stored = [event_id_of(app.mapper.to_domain_event(n), "dossiers", n.id) for n in app.notification_log.select(1, 100)]

    # The restore: the rows after the third (one dossier and its receipt number) are gone, with
    # their hash-chain rows (a backup holds the database's tables as of one moment).
    engine = create_engine(postgres.dsn(postgres_db).replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM dossiers_events WHERE notification_id > 3"))
        conn.execute(text("DELETE FROM dossiers_events_chain WHERE position > 3"))
        conn.execute(text("UPDATE dossiers_tracking SET notification_id = 3"))
    engine.dispose()
    assert (await check_store(app, reader, "dossiers")).state is StoreState.BEHIND

    report = await reconcile(app, reader, publish, "dossiers", tracking_name=relay_tracking_name("dossiers"))
    assert report.imported == 4 and report.after.state is StoreState.IN_SYNC  # 2 dossiers and their 2 numbers
    log = app.notification_log.select(1, 100)
    assert [event_id_of(app.mapper.to_domain_event(n), "dossiers", n.id) for n in log] == stored
    assert relay.published_position() == log[-1].id  # nothing re-imported is published again
    assert await relay.publish_pending() == 0
    assert app.submit(**_minimal_submission()).receipt_number == "000004/2024/TN"
    app.close()


def _minimal_submission() -> dict[str, Any]:
    from tests.support.dossiers import at, submission

    from .payloads import RECEIPT_MOMENT

    return {"at": at(RECEIPT_MOMENT.date()), **submission()}
