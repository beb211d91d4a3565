"""Dossier and award events: facts per event (and per nominee where an event names nominees);
the dossier and its nominees from the highest version; unknown subjects kept, malformed refused."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from shared.contracts import dossiers as dc
from tests.integration.reporting_tables.conftest import Projection
from tests.support.reporting_events import approval, dossier_event, nominee


def decided(version: int = 4, **snapshot: object) -> dc.AwardDecided:
    return dossier_event(
        dc.AwardDecided,
        version,
        decision_number="15/QĐ-UBND",
        decision_date=date(2023, 3, 28),
        authority="Chủ tịch UBND huyện",
        authority_level="DISTRICT",
        approvals=[approval("n1", "ADVANCED_WORKER", 540_000), approval("n2", "ADVANCED_COLLECTIVE", None, None)],
        snapshot={"status": "AWARDED", "decision_number": "15/QĐ-UBND", "decision_date": date(2023, 3, 28), **snapshot},
    )


def test_a_submitted_dossier_is_stored_with_its_nominees_and_dated_by_its_receipt(projection: Projection) -> None:
    projection.feed(dossier_event(dc.DossierSubmitted, 1))
    [dossier] = projection.rows("dossiers")
    assert (dossier["received_on"], dossier["appointment_date"], dossier["nominee_count"]) == (
        date(2023, 3, 10),
        date(2023, 3, 24),
        2,
    )
    assert [(n["nominee_id"], n["kind"], n["award"], n["size"]) for n in projection.rows("dossier_nominees")] == [
        ("n1", "INDIVIDUAL", "ADVANCED_WORKER", None),
        ("n2", "COLLECTIVE", "ADVANCED_COLLECTIVE", 8),
    ]
    [fact] = projection.rows("dossier_events")
    assert (fact["event_type"], fact["event_date"], fact["appointment_date_after"]) == (
        "dossier.submitted",
        date(2023, 3, 10),
        date(2023, 3, 24),
    )


@pytest.mark.parametrize(
    ("contract", "fields", "status"),
    [
        (dc.DossierSupplementRequested, {"missing": ["Tờ trình"]}, "AWAITING_SUPPLEMENT"),
        (dc.DossierSupplemented, {"appointment_date": date(2023, 4, 7)}, "RECEIVED"),
        (dc.DossierAcceptedAsComplete, {}, "IN_APPRAISAL"),
        (dc.DossierAwaitingCampaign, {"campaign_id": "c-9"}, "AWAITING_CAMPAIGN"),
        (dc.DossierRefused, {"reasons": ["Không đúng đối tượng"]}, "REFUSED"),
        (dc.DossierConcurrenceRecorded, {"department": "PTP", "agrees": True}, "IN_APPRAISAL"),
        (
            dc.DossierPubliclyDisclosed,
            {"where": "Cổng TTĐT", "from_date": date(2023, 3, 1), "to_date": date(2023, 3, 5)},
            "IN_APPRAISAL",
        ),
        (dc.DossierNomineeAppraised, {"nominee_id": "n1", "passed": True}, "IN_APPRAISAL"),
        (
            dc.DossierCouncilVoteRecorded,
            {
                "nominee_id": "n1",
                "members_total": 9,
                "votes_for": 8,
                "votes_against": 1,
                "absent_in_writing": 0,
                "threshold_percent": 80,
                "passed": True,
            },
            "IN_APPRAISAL",
        ),
        (dc.DossierDeadlineExtended, {"new_date": date(2023, 3, 31)}, "IN_APPRAISAL"),
        (dc.DossierWithdrawn, {"reason": "Rút"}, "WITHDRAWN"),
    ],
    ids=lambda v: getattr(v, "subject", ""),
)
def test_each_dossier_event_is_a_fact_dated_by_the_day_it_happened(
    projection: Projection, contract: type[dc.DossierEvent], fields: dict, status: str
) -> None:
    projection.feed(dossier_event(contract, 2, snapshot={"status": status}, **fields))
    [fact] = projection.rows("dossier_events")
    assert (fact["event_type"], fact["event_date"], fact["status_after"]) == (
        contract.subject.removeprefix("tdkt."),
        date(2023, 3, 10),
        status,
    )
    assert projection.rows("dossiers")[0]["status"] == status


def test_a_decision_is_dated_by_its_signature_and_records_each_approval_with_its_cash(projection: Projection) -> None:
    projection.feed(decided())
    assert projection.rows("dossier_events")[0]["event_date"] == date(2023, 3, 28)
    assert [
        (a["nominee_id"], a["award"], a["cash_reward_vnd"], a["decision_date"])
        for a in projection.rows("award_approvals")
    ] == [
        ("n1", "ADVANCED_WORKER", 540_000, date(2023, 3, 28)),
        ("n2", "ADVANCED_COLLECTIVE", None, date(2023, 3, 28)),
    ]


def test_a_rejection_is_dated_by_its_notice_and_approves_no_one(projection: Projection) -> None:
    projection.feed(
        dossier_event(
            dc.AwardRejected,
            4,
            decision_date=date(2023, 3, 27),
            authority="Chủ tịch UBND huyện",
            authority_level="DISTRICT",
            rejections={"n1": ["Không đạt"]},
            snapshot={"status": "REJECTED"},
        )
    )
    assert projection.rows("dossier_events")[0]["event_date"] == date(2023, 3, 27)
    assert projection.rows("award_approvals") == []


def test_a_returned_result_is_dated_by_the_return(projection: Projection) -> None:
    projection.feed(
        dossier_event(
            dc.DossierResultReturned, 5, returned_on=date(2023, 3, 30), snapshot={"status": "RESULT_RETURNED"}
        )
    )
    assert projection.rows("dossier_events")[0]["event_date"] == date(2023, 3, 30)


def test_an_annulment_names_each_annulled_nominee_and_a_recovery_its_amount(projection: Projection) -> None:
    projection.feed(
        decided(),
        dossier_event(
            dc.AwardAnnulled,
            6,
            nominee_ids=["n1", "n1"],
            ground="b",
            act_reference="5/KL-TTr",
            decision_number="20/QĐ-UBND",
            authority="Chủ tịch UBND huyện",
        ),
        dossier_event(dc.AwardRecovered, 7, nominee_ids=["n1"], artefacts_returned=True, amount_recovered_vnd=540_000),
    )
    [annulment] = projection.rows("award_annulments")
    assert (annulment["nominee_id"], annulment["ground"], annulment["annulled_on"]) == ("n1", "b", date(2023, 3, 10))
    [recovery] = projection.rows("award_recoveries")
    assert (recovery["amount_recovered_vnd"], recovery["nominee_count"]) == (540_000, 1)


def test_nominees_follow_the_newest_snapshot_and_ignore_an_older_one(projection: Projection) -> None:
    newer = dossier_event(dc.DossierAcceptedAsComplete, 3, snapshot={"nominees": [nominee("n1", name="Trần Thị Bình")]})
    older = dossier_event(dc.DossierSubmitted, 1)
    projection.feed(newer, older)
    assert [(n["nominee_id"], n["name"]) for n in projection.rows("dossier_nominees")] == [("n1", "Trần Thị Bình")]
    assert projection.rows("dossiers")[0]["version"] == 3


def test_an_event_of_another_kind_is_kept_as_seen(projection: Projection) -> None:
    payload = {
        "event_id": "notifications-1",
        "aggregate_id": "delivery-1",
        "aggregate_version": 1,
        "occurred_at": "2023-03-10T02:00:00Z",
    }
    assert projection.live.apply("tdkt.notification.delivered", payload, event_id="notifications-1", stream_sequence=1)
    [row] = projection.rows("other_events")
    assert (row["subject"], row["aggregate_id"], row["version"]) == ("tdkt.notification.delivered", "delivery-1", 1)


def test_a_newer_contract_version_is_kept_aside_rather_than_misread(projection: Projection) -> None:
    payload = {**dossier_event(dc.DossierSubmitted, 1).payload(), "schema_version": 2}
    projection.live.apply("tdkt.dossier.submitted", payload, event_id="dossiers-1", stream_sequence=1)
    assert projection.rows("dossiers") == []
    assert projection.rows("other_events")[0]["subject"] == "tdkt.dossier.submitted"


def test_a_malformed_event_is_refused_so_the_consumer_retries_and_dead_letters_it(projection: Projection) -> None:
    payload = dossier_event(dc.DossierSubmitted, 1).payload()
    del payload["dossier"]
    with pytest.raises(ValidationError):
        projection.live.apply("tdkt.dossier.submitted", payload, event_id="dossiers-1", stream_sequence=1)
    assert projection.rows("dossier_events") == []
