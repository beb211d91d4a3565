"""Dossiers are snapshotted, and a dossier read from a snapshot is exactly the dossier replayed
from its events: same attributes with the same types (an enum stays an enum, a tuple a tuple, a
value object a value object), at every version of a lifecycle through every event type."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from eventsourcing.domain import Snapshot

from services.dossiers.application import Dossiers
from services.dossiers.domain.dossier import Dossier
from shared.snapshots import TypedSnapshot
from tests.support.dossiers import CLERK, SECRETARY, at, attachments, submission, supplied

from .test_dossiers_published_events import every_event

EVENT_KINDS = [
    "Submitted",
    "SupplementRequested",
    "Supplemented",
    "Refused",
    "AcceptedAsComplete",
    "CampaignCheckDeferred",
    "ConcurrenceRecorded",
    "PubliclyDisclosed",
    "NomineeAppraised",
    "CouncilCheckRecorded",
    "CouncilVoteRecorded",
    "PassedToSuccessor",
    "AwardDecided",
    "AwardRejected",
    "ResultReturned",
    "DeadlineExtended",
    "Withdrawn",
    "AwardAnnulled",
    "AwardRecovered",
    "DecisionDocumentSigned",
    "CertificatesPrinted",
    "ForwardedUpward",
    "HigherLevelResultRecorded",
]


class SnapshotEveryEvent(Dossiers):
    name = "Dossiers"  # the same tables
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Dossier: 1}


def typed(value: Any) -> Any:
    """`value` with the type of every part spelled out, so that equal results mean equal types too."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value), [(f.name, typed(getattr(value, f.name))) for f in dataclasses.fields(value)])
    if isinstance(value, dict):
        return (type(value), [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value), [typed(v) for v in value])
    if isinstance(value, set | frozenset):
        return (type(value), sorted(repr(typed(v)) for v in value))
    return (type(value), value)


def state(dossier: Dossier) -> dict[str, Any]:
    """Each attribute, typed (in any order: a snapshot restores `_id` and `_version` last)."""
    return {name: typed(value) for name, value in vars(dossier).items()}


def replaying(env: Mapping[str, str]) -> Dossiers:
    return Dossiers(env={**env, "IS_SNAPSHOTTING_ENABLED": "n"})


def check_every_version_read_from_a_snapshot(env: Mapping[str, str]) -> None:
    app = SnapshotEveryEvent(env=env)
    plain = replaying(env)
    try:
        every_event(app)
        ids = list(app.dossier_ids())
        assert len(ids) >= 6 and plain.snapshots is None
        for dossier_id in ids:
            last = plain.repository.get(dossier_id).version
            assert [s.originator_version for s in app.snapshots.get(dossier_id)] == list(range(1, last + 1))
            for version in range(1, last + 1):
                replayed = plain.repository.get(dossier_id, version=version)
                assert state(app.repository.get(dossier_id, version=version)) == state(replayed)
        kinds = {n.topic.rpartition(".")[2] for n in app.notification_log.select(start=1, limit=1000)}
        assert set(EVENT_KINDS) <= kinds, set(EVENT_KINDS) - kinds
    finally:
        app.close()
        plain.close()


def test_every_version_of_every_dossier_reads_the_same_from_a_snapshot_on_sqlite(tmp_path: Path) -> None:
    check_every_version_read_from_a_snapshot(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.sqlite")}
    )


@pytest.mark.postgres
def test_every_version_of_every_dossier_reads_the_same_from_a_snapshot_on_postgres(postgres, postgres_db) -> None:
    check_every_version_read_from_a_snapshot(postgres.eventsourcing_env(postgres_db))


def test_the_stored_snapshot_is_plain_json_and_would_not_read_back_typed_without_the_tags(tmp_path: Path) -> None:
    """The tags are what keeps the types: the library's own snapshot of the same dossier is refused
    by the transcoder (its value objects), and the typed one reads back with its enums."""
    app = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.sqlite")})
    try:
        dossier = app.submit(at=at(date(2024, 6, 3)), **submission())
        with pytest.raises(Exception, match="serializable"):
            app.mapper.to_stored_event(Snapshot.take(dossier))
        stored = app.mapper.to_stored_event(TypedSnapshot.take(dossier))
        assert b'"_tdkt_":"enum"' in stored.state
        again = app.mapper.to_domain_event(stored).mutate(None)
        assert again.status is dossier.status and state(again) == state(dossier)
    finally:
        app.close()


def test_a_long_dossier_is_snapshotted_every_50_events_and_reads_the_same(tmp_path: Path) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.sqlite")}
    app = Dossiers(env=env)
    plain = replaying(env)
    try:
        moment = at(date(2024, 6, 3))
        dossier = app.submit(at=moment, **submission(attachments=attachments("SUBMISSION_MEMO")))
        while dossier.version < 105:
            moment += timedelta(minutes=1)
            dossier = app.request_supplement(dossier.id, missing=["Báo cáo thành tích"], actor=SECRETARY, at=moment)
            moment += timedelta(minutes=1)
            dossier = app.supplement(dossier.id, attachments=supplied("ACHIEVEMENT_REPORT"), actor=CLERK, at=moment)
        assert [s.originator_version for s in app.snapshots.get(dossier.id)] == [50, 100]
        reopened = Dossiers(env=env)
        assert state(reopened.get(dossier.id)) == state(plain.get(dossier.id))
        reopened.close()
        assert state(app.get(dossier.id, version=100)) == state(plain.get(dossier.id, version=100))
    finally:
        app.close()
        plain.close()
