"""Every stored event carries an identity that is unique for all time, through a restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from shared.actor import Actor
from shared.eventstore import EVENT_ID_KEY, event_id_of, stored_event_id
from shared.history import event_history
from tests.support.relay import Tallies, ids_in_log

ACTOR = Actor("u1", "clerk", "PNV")


def sqlite_tallies(path: Path) -> Tallies:
    return Tallies(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)})


def test_each_stored_event_gets_a_uuid_that_survives_reloading(tmp_path: Path) -> None:
    app = sqlite_tallies(tmp_path / "t.sqlite")
    tally = app.start("Người tốt, việc tốt")
    app.count(tally.id, times=2)

    ids = ids_in_log(app)
    assert len(set(ids)) == 3 and all(str(UUID(i)) == i for i in ids)
    assert ids_in_log(sqlite_tallies(tmp_path / "t.sqlite")) == ids
    history = event_history(app, tally.id)
    assert [h["event_id"] for h in history] == ids
    assert all(EVENT_ID_KEY not in h["data"] for h in history)
    assert app.repository.get(tally.id).count == 2  # the identity never reaches the aggregate


def test_a_store_restored_from_an_earlier_copy_never_reissues_an_id(tmp_path: Path) -> None:
    original = sqlite_tallies(tmp_path / "t.sqlite")
    tally = original.start("Cải cách hành chính")
    with sqlite3.connect(tmp_path / "t.sqlite") as live, sqlite3.connect(tmp_path / "backup.sqlite") as copy:
        live.backup(copy)  # last night's backup
    original.count(tally.id, times=3)  # published, then the disk is lost

    restored = sqlite_tallies(tmp_path / "backup.sqlite")
    restored.count(tally.id, times=3)  # the same positions and versions, other events

    lost, reissued = ids_in_log(original)[1:], ids_in_log(restored)[1:]
    assert ids_in_log(original)[0] == ids_in_log(restored)[0]  # the event both copies hold
    assert not set(lost) & set(reissued)


def test_an_event_stored_before_identities_keeps_loading_under_its_old_published_id(tmp_path: Path) -> None:
    app = sqlite_tallies(tmp_path / "t.sqlite")
    tally = app.start("Nông thôn mới")
    stored = app.recorder.select_events(tally.id)[0]
    state = app.mapper.transcoder.decode(stored.state)
    del state[EVENT_ID_KEY]
    legacy_state = app.mapper.transcoder.encode(state)
    legacy = sqlite_tallies(tmp_path / "legacy.sqlite")
    legacy.recorder.insert_events([StoredEvent(stored.originator_id, 1, stored.topic, legacy_state)])

    event = legacy.mapper.to_domain_event(legacy.notification_log.select(start=1, limit=1)[0])
    assert stored_event_id(event) is None
    assert event_id_of(event, "tallies", 1) == "tallies-1"
    assert legacy.repository.get(tally.id).label == "Nông thôn mới"


def test_a_save_whose_commit_was_not_acknowledged_is_recognised_by_its_identities(tmp_path: Path) -> None:
    # PostgreSQL: the connection breaks after COMMIT, the library retries the insert and meets
    # its own rows. Without identities that is indistinguishable from a lost race (HTTP 409).
    app = sqlite_tallies(tmp_path / "t.sqlite")
    tally = app.start("Người tốt, việc tốt")
    insert = app.recorder.insert_events

    def committed_then_connection_lost(stored_events: Any, **kwargs: Any) -> Any:
        insert(stored_events, **kwargs)
        raise IntegrityError("duplicate key value violates unique constraint (the retry met its own rows)")

    app.recorder.insert_events = committed_then_connection_lost  # type: ignore[method-assign]
    mine = app.repository.get(tally.id)
    mine.count_one(actor=ACTOR)
    app.save(mine)  # not a conflict: these are this save's events
    app.recorder.insert_events = insert  # type: ignore[method-assign]
    assert app.repository.get(tally.id).count == 1

    stale, fresh = app.repository.get(tally.id), app.repository.get(tally.id)
    fresh.count_one(actor=ACTOR)
    app.save(fresh)
    stale.count_one(actor=ACTOR)
    with pytest.raises(IntegrityError):  # a real lost race still is one
        app.save(stale)
