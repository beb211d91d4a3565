"""Events stored before this version keep loading (eventsourcing upcasting, `class_version`):
they are rewritten here to their earlier shape, stored raw, and read back."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import StoredEvent

from services.dossiers.application import Dossiers
from services.dossiers.domain.values import AwardType
from tests.support.dossiers import CLERK, SECRETARY, at, attachments, fighter, submission, supplied

OLD_SHAPES: dict[str, tuple[str, ...]] = {
    "Dossier.Submitted": ("deciding_authority", "counted_from", "escalation_reason"),
    "Dossier.Supplemented": ("counted_from",),
    "Dossier.NomineeAppraised": ("notes",),
    "Dossier.CouncilVoteRecorded": ("reason",),
}


def as_version_1(app: Dossiers, stored: StoredEvent) -> StoredEvent:
    """The stored event as the code before `class_version` 2 wrote it."""
    name = stored.topic.rsplit(":", 1)[-1]
    if name not in OLD_SHAPES:
        return stored
    state: dict[str, Any] = app.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2
    for key in OLD_SHAPES[name]:
        state.pop(key)
    for nominee in state.get("nominees", []):
        for key in ("sector", "scientific_works", "combat_ingenuity"):
            nominee.pop(key)
        for cited in nominee["cited_awards"]:
            cited.pop("as_basis")
    return StoredEvent(
        stored.originator_id, stored.originator_version, stored.topic, app.mapper.transcoder.encode(state)
    )


def test_events_stored_before_this_version_still_load():
    writer = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    cited = {"award": "CERTIFICATE_OF_MERIT", "award_type": "AD_HOC", "decision_ref": "5/QĐ-UBND"}
    dossier = writer.submit(
        at=at(date(2024, 6, 3)),
        **submission(nominees=[fighter(cited_awards=[cited])], attachments=attachments("SUBMISSION_MEMO")),
    )
    writer.request_supplement(dossier.id, missing=["Báo cáo thành tích"], actor=SECRETARY, at=at(date(2024, 6, 4)))
    writer.supplement(
        dossier.id, actor=CLERK, at=at(date(2024, 6, 5)),
        attachments=supplied("ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION"),
    )  # fmt: skip
    writer.check_completeness(dossier.id, actor=SECRETARY, at=at(date(2024, 6, 6)))
    writer.appraise(dossier.id, actor=SECRETARY, at=at(date(2024, 6, 6), 10))
    writer.record_council_vote(
        dossier.id, nominee_id="n1", members_total=10, votes_for=9, votes_against=1, absent_in_writing=0,
        actor=SECRETARY, at=at(date(2024, 6, 6), 11),
    )  # fmt: skip

    reader = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    old = [as_version_1(writer, e) for e in writer.recorder.select_events(dossier.id)]
    reader.recorder.insert_events(old)

    loaded = reader.get(dossier.id)
    assert loaded.version == writer.get(dossier.id).version
    assert (loaded.deciding_authority, loaded.escalation_reason) == (None, None)
    assert loaded.counted_from == date(2024, 6, 5)  # the supplement's day, as the clock restarted then
    (citation,) = loaded.nominee("n1").cited_awards
    assert (citation.award_type, citation.as_basis) == (AwardType.AD_HOC, True)  # a ground, as it meant then
    assert loaded.appraisals["n1"].notes == ()
    assert (loaded.votes["n1"].reason, loaded.votes["n1"].ballot_round) == (None, 1)
    assert len(reader.history(dossier.id)) == loaded.version
