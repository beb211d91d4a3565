"""Gapless numbers through HTTP under concurrent requests: receipt numbers and decision numbers
stay 1, 2, 3… with no gap and no duplicate, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.testing.servers import PostgresServer

from .payloads import CHAIRMAN, CLERK, act, annual_body, appraised, decision_body, ok

PARALLEL = 8


def concurrently(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def decide_all_at_once(client: TestClient) -> list[str]:
    ids = [appraised(client)["id"] for _ in range(PARALLEL)]
    responses = concurrently([lambda i=i: act(client, i, "decision", decision_body(), CHAIRMAN) for i in ids])
    return [ok(r)["decision"]["number"] for r in responses]


def submit_all_at_once(client: TestClient) -> list[str]:
    bodies = [annual_body(client) for _ in range(PARALLEL)]
    responses = concurrently([lambda b=b: client.post("/dossiers", json=b, headers=CLERK) for b in bodies])
    assert [r.status_code for r in responses] == [201] * PARALLEL, [r.text for r in responses]
    return [r.json()["receipt_number"] for r in responses]


def expected_numbers(suffix: str) -> list[str]:
    return sorted(f"{n}/{suffix}" for n in range(1, PARALLEL + 1))


def test_concurrent_decisions_get_gapless_numbers_on_sqlite(client: TestClient) -> None:
    assert sorted(decide_all_at_once(client)) == expected_numbers("QĐ-UBND")


def test_concurrent_receipts_get_gapless_numbers_on_sqlite(client: TestClient) -> None:
    numbers = submit_all_at_once(client)
    assert sorted(numbers) == [f"{n:06d}/2024/TN" for n in range(1, PARALLEL + 1)]


@pytest.mark.postgres
def test_concurrent_decisions_and_receipts_are_gapless_on_postgresql(
    postgres: PostgresServer, postgres_db: str, make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in postgres.eventsourcing_env(postgres_db).items():
        monkeypatch.setenv(key, value)
    client = make_client(dossiers_database_url=postgres.dsn(postgres_db))
    assert sorted(r[:6] for r in submit_all_at_once(client)) == [f"{n:06d}" for n in range(1, PARALLEL + 1)]
    assert sorted(decide_all_at_once(client)) == expected_numbers("QĐ-UBND")
    ready = client.get("/readyz").json()["checks"]
    assert ready["event_store"] == "ok" and ready["view_database"] == "ok"
    # The reads that filter the notification log by topic work on PostgreSQL too.
    assert len(client.get("/dossiers").json()) == 2 * PARALLEL
    assert client.app.state.recheck.run() == []  # type: ignore[attr-defined]
