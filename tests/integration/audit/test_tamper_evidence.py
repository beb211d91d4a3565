"""Tamper evidence, end to end: the dossiers service stores a history (hash chains computed in the
storing transaction), publishes it and signs checkpoints; then someone edits, deletes, reorders or
forges, and `tdkt audit verify` names it, with its position. A clean history exits 0."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError

from shared.audit.chain import Head
from shared.audit.checkpoints import build_checkpoint
from shared.audit.keys import SigningKey
from shared.streams import AUDIT, DOSSIERS

from .support import AUDITOR, CLERK, Deployment, checkpointed, deployment, kinds, make_history, sqlite_store


async def published(js: JetStreamContext, stream: str) -> list[tuple[int, dict[str, str], dict[str, Any]]]:
    """(sequence, headers with the subject under "subject", payload) of every message left."""
    info = await js.stream_info(stream)
    out = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        try:
            msg = await js.get_msg(stream, seq)
        except NotFoundError:
            continue
        out.append((seq, {**(msg.headers or {}), "subject": msg.subject}, json.loads(msg.data)))
    return out


async def history(dep: Deployment, js: JetStreamContext, monkeypatch: pytest.MonkeyPatch, dossiers: int = 6) -> None:
    with dep.service(monkeypatch) as client:
        make_history(client, dossiers)
        await checkpointed(js, client)


@pytest.fixture
def dep(tmp_path: Path, nats_url: str, jetstream: JetStreamContext) -> Deployment:
    return deployment(tmp_path, nats_url)


async def test_a_clean_history_verifies_and_exits_0(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await history(dep, jetstream, monkeypatch)
    code, report, output = await dep.verify(monkeypatch, progress=True)
    assert code == 0, output
    assert report["ok"] and report["findings"] == []
    assert "Đối chiếu" in output  # the progress bar's label (the bar itself is drawn on a terminal only)
    assert report["store_events"] > report["stream_messages"] > 20  # number sequences are stored, not published
    assert report["journal_entries"] == report["store_events"]
    assert report["checkpoints_valid"] >= 2 and report["checkpoints_rejected"] == 0
    assert "[KHỚP]" in output
    # every published event carries its links, and the stream's own chain closes on the signed head
    messages = await published(jetstream, DOSSIERS.name)
    assert all(m["hash"] and m["prev_hash"] and m["stream_index"] for _, _, m in messages)
    assert sorted(m["stream_index"] for _, _, m in messages) == list(range(1, len(messages) + 1))
    assert report["stream_head"]["index"] == len(messages)


async def test_an_event_edited_in_the_database_is_named_with_its_position(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await history(dep, jetstream, monkeypatch)
    with sqlite_store(dep) as db:
        rowid, originator, version = db.execute(
            "SELECT rowid, originator_id, originator_version FROM stored_events "
            "WHERE topic LIKE '%Dossier.Submitted' ORDER BY rowid LIMIT 1 OFFSET 2"
        ).fetchone()
        db.execute(
            "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), 'Hoàn thành xuất sắc', "
            "'Hoàn thành tốt') AS BLOB) WHERE rowid = ?",
            (rowid,),
        )
    code, report, output = await dep.verify(monkeypatch)
    assert code == 1
    edited = [f for f in report["findings"] if f["kind"] == "altered" and f["place"] == "store"]
    assert len(edited) == 1, output
    assert edited[0]["position"] == rowid and edited[0]["aggregate_version"] == version == 1
    assert edited[0]["aggregate_id"].replace("-", "") == originator
    assert "bị sửa" in output


async def test_an_event_deleted_from_the_stream_is_named(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await history(dep, jetstream, monkeypatch)
    messages = await published(jetstream, DOSSIERS.name)
    seq, _, gone = messages[len(messages) // 2]
    await jetstream.delete_msg(DOSSIERS.name, seq)
    code, report, _ = await dep.verify(monkeypatch)
    assert code == 1
    assert kinds(report) == {("missing", "stream")}
    [finding] = report["findings"]
    assert finding["index"] == gone["stream_index"] and finding["event_id"] == gone["event_id"]
    assert (finding["aggregate_id"], finding["aggregate_version"]) == (gone["aggregate_id"], gone["aggregate_version"])
    assert f"số {gone['stream_index'] - 1} ở sequence" in finding["detail"]  # where it stood between


async def test_events_reordered_in_the_stream_are_named(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await history(dep, jetstream, monkeypatch)
    messages = await published(jetstream, DOSSIERS.name)
    by_aggregate: dict[str, list[tuple[int, dict[str, str], dict[str, Any]]]] = {}
    for message in messages:
        by_aggregate.setdefault(message[2]["aggregate_id"], []).append(message)
    first, second = next(m for m in by_aggregate.values() if len(m) >= 4)[1:3]
    for seq, _, _ in (first, second):
        await jetstream.delete_msg(DOSSIERS.name, seq)
    for _, headers, payload in (second, first):  # re-published the other way round
        subject = headers.pop("subject")
        headers["Nats-Msg-Id"] += "-again"
        await jetstream.publish(subject, json.dumps(payload).encode(), headers=headers)
    code, report, output = await dep.verify(monkeypatch)
    assert code == 1
    assert ("reordered", "stream") in kinds(report), output
    moved = {f["aggregate_version"]: f for f in report["findings"] if f["kind"] == "reordered"}
    assert moved[first[2]["aggregate_version"]]["sequence"] == messages[-1][0] + 2  # now after the later version


async def test_events_reordered_in_the_store_are_named(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await history(dep, jetstream, monkeypatch)
    with sqlite_store(dep) as db:
        a, b = 10, 11
        db.execute("UPDATE stored_events SET rowid = -1 WHERE rowid = ?", (a,))
        db.execute("UPDATE stored_events SET rowid = ? WHERE rowid = ?", (a, b))
        db.execute("UPDATE stored_events SET rowid = ? WHERE rowid = -1", (b,))
    code, report, output = await dep.verify(monkeypatch)
    assert code == 1
    assert kinds(report) == {("reordered", "store")}, output
    [finding] = report["findings"]
    assert finding["position"] == b and finding["index"] == a  # chain index a now stands after index b


async def test_a_forged_checkpoint_signature_is_rejected(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await history(dep, jetstream, monkeypatch)
    genuine = SigningKey.load(dep.signing_key, "dossiers")
    forger = SigningKey.generate("dossiers")
    forged = build_checkpoint(forger, stream=DOSSIERS.name, chain="stream", head=Head(3, "f" * 64), store_position=3)
    payload = {**forged.payload(), "key_id": genuine.key_id}  # claims the genuine key
    await jetstream.publish("tdkt.audit.checkpoint", json.dumps(payload).encode(), stream=AUDIT.name)
    code, report, output = await dep.verify(monkeypatch)
    assert code == 1
    assert kinds(report) == {("rejected", "checkpoint")}, output
    assert "chữ ký không hợp lệ" in report["findings"][0]["detail"]
    assert report["checkpoints_rejected"] == 1 and report["checkpoints_valid"] >= 2


async def test_a_history_rewritten_with_every_hash_recomputed_contradicts_the_signed_checkpoints(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An insider with the database edits an event and recomputes the whole chain table: the store
    agrees with itself, but not with what was signed and published."""
    from shared.audit.chain import GENESIS, event_hash, link_hash

    await history(dep, jetstream, monkeypatch)
    with sqlite_store(dep) as db:
        db.execute(
            "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), 'Hoàn thành xuất sắc', "
            "'Hoàn thành tốt') AS BLOB) WHERE rowid = (SELECT min(rowid) FROM stored_events "
            "WHERE topic LIKE '%Dossier.Submitted')"
        )
        rows = db.execute(
            "SELECT e.rowid, c.originator_id, e.originator_version, e.topic, e.state, c.stream_index "
            "FROM stored_events e JOIN stored_events_chain c ON c.originator_id = "
            "lower(substr(e.originator_id,1,8)||'-'||substr(e.originator_id,9,4)||'-'||substr(e.originator_id,13,4)"
            "||'-'||substr(e.originator_id,17,4)||'-'||substr(e.originator_id,21,12)) "
            "AND c.originator_version = e.originator_version ORDER BY e.rowid"
        ).fetchall()
        last: dict[str, str] = {}
        log = stream = GENESIS
        for i, (_, aggregate, version, topic, state, stream_index) in enumerate(rows, start=1):
            h = event_hash(aggregate, version, topic, state, last.get(aggregate, GENESIS))
            log = link_hash(i, log, h)
            if stream_index is not None:
                stream = link_hash(stream_index, stream, h)
            db.execute(
                "UPDATE stored_events_chain SET prev_hash = ?, hash = ?, log_hash = ?, stream_hash = ? "
                "WHERE originator_id = ? AND originator_version = ?",
                (last.get(aggregate, GENESIS), h, log, stream if stream_index else None, aggregate, version),
            )
            last[aggregate] = h
    code, report, output = await dep.verify(monkeypatch)
    assert code == 1
    assert ("altered", "checkpoint") in kinds(report), output  # the signed heads no longer match
    assert ("altered", "stream") in kinds(report)  # nor do the published hashes
    assert not {k for k in kinds(report) if k[1] == "store" and k[0] != "altered"}


async def test_the_chain_survives_a_restore_and_reconcile(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with dep.service(monkeypatch) as client:
        make_history(client, 4)
        await checkpointed(jetstream, client)
        shutil.copy(dep.var_dir / "dossiers.sqlite", tmp_path / "copy.sqlite")  # quiet store: a plain copy
        make_history(client, 4)
        await checkpointed(jetstream, client)
    (dep.var_dir / "dossiers.sqlite").unlink()
    shutil.copy(tmp_path / "copy.sqlite", dep.var_dir / "dossiers.sqlite")
    code, _, _ = await dep.verify(monkeypatch)
    assert code == 1  # the restored store lacks what the streams and the checkpoints hold
    code, output = await asyncio.to_thread(dep.cli, monkeypatch, "store", "reconcile", "dossiers")
    assert code == 0 and "Đã nạp lại" in output, output
    code, report, output = await dep.verify(monkeypatch)
    assert code == 0, output  # the re-imported events kept their hashes, and the chain closes again
    assert report["journal_entries"] == report["store_events"]


async def test_the_auditor_reads_the_verification_over_http_and_a_clerk_cannot(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    with dep.service(monkeypatch) as client:
        make_history(client, 3)
        await checkpointed(jetstream, client)
        answer = client.get("/audit/verify", headers=AUDITOR)
        assert answer.status_code == 200 and answer.json()["ok"] is True, answer.text
        assert answer.json()["checkpoints_valid"] >= 2
        refused = client.get("/audit/verify", headers=CLERK)
        assert refused.status_code == 403 and "auditor" in refused.json()["detail"]
        assert client.get("/audit/chain", headers={**AUDITOR, "X-Actor-Role": "administrator"}).status_code == 200


async def test_an_existing_history_gets_its_chain_from_a_recorded_starting_point(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store (and stream) from before chains: opened by this version, its events are chained at
    once and the moment is recorded; events published then carry no hashes and are compared by
    identity; everything after is chained as it is stored."""
    import shared.eventstore

    with monkeypatch.context() as before_chains:
        before_chains.setattr(shared.eventstore, "chained_recorder", lambda _factory: None)
        with dep.service(monkeypatch, audit_signing_key_file=None) as client:
            make_history(client, 3)
            await asyncio.to_thread(_wait_caught_up, client)
    with dep.service(monkeypatch) as client:
        make_history(client, 2)
        await checkpointed(jetstream, client)
    messages = [m for _, _, m in await published(jetstream, DOSSIERS.name)]
    assert messages[0]["hash"] is None and messages[-1]["hash"]
    code, report, output = await dep.verify(monkeypatch)
    assert code == 0, output
    [start] = report["chain_starts"]
    assert start["first_position"] == 1 and start["events"] > 10
    assert "Mốc bắt đầu chuỗi" in output


def _wait_caught_up(client: Any) -> None:
    from shared.testing.fixtures import wait_until

    from .support import caught_up

    wait_until(lambda: caught_up(client), 30)


async def test_an_event_inserted_in_the_database_is_named(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row written around the application (here: a copy of a dossier's last event as its next
    version) has no place in the chain."""
    await history(dep, jetstream, monkeypatch)
    with sqlite_store(dep) as db:
        originator, version, topic, state = db.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE topic LIKE '%Dossier.ResultReturned' ORDER BY rowid LIMIT 1"
        ).fetchone()
        db.execute("INSERT INTO stored_events VALUES (?, ?, ?, ?)", (originator, version + 1, topic, state))
        position = db.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
    code, report, output = await dep.verify(monkeypatch)
    assert code == 1
    assert kinds(report) == {("unchained", "store")}, output
    [finding] = report["findings"]
    assert (finding["position"], finding["aggregate_version"]) == (position, version + 1)
