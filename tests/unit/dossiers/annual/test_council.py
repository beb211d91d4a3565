"""The council as data over time: a vote counts the council as it stood on the meeting date."""

from __future__ import annotations

from datetime import date

import pytest

from services.dossiers.annual.application import AnnualNotFound, AnnualWork
from services.dossiers.annual.council import tally_list_vote
from services.dossiers.application import Dossiers
from services.dossiers.domain.errors import DossierError, DossierValidationError
from tests.support.annual_council import constituted
from tests.support.dossiers import COMMUNE_2025, SECRETARY, at, fighter, submission


def test_council_as_it_stood_on_a_day(app: Dossiers) -> None:
    council = constituted(AnnualWork(app))
    assert len(council.members_on(date(2025, 8, 1))) == 9
    assert "m9" in {m.member_id for m in council.members_on(date(2025, 8, 31))}
    assert len(council.members_on(date(2025, 9, 15))) == 9  # m9 left, m10 joined
    assert {m.member_id for m in council.members_on(date(2025, 12, 10))} == {f"m{i}" for i in range(1, 12)} - {"m9"}


def test_second_chairman_and_unknown_council_are_refused(app: Dossiers) -> None:
    work = AnnualWork(app)
    constituted(work)
    with pytest.raises(DossierValidationError) as err:
        work.appoint_member(
            COMMUNE_2025,
            member={"member_id": "m12", "name": "Người thứ hai", "role": "CHAIRMAN"},
            on=date(2025, 11, 1),
            decision_ref="50/QĐ-UBND",
            actor=SECRETARY,
            at=at(date(2025, 11, 1)),
        )
    assert "Chủ tịch" in err.value.field_errors["member.role"]
    with pytest.raises(AnnualNotFound):
        work.council("UBND-THANH-OAI")


def test_vote_against_a_council_that_changed_mid_year_counts_its_members_on_the_meeting_day(app: Dossiers) -> None:
    work = AnnualWork(app)
    constituted(work)
    dossier = app.submit(
        **submission(
            nominees=[fighter(), fighter(name="Phạm Thị Dung", gender="FEMALE")],
            deciding_authority=COMMUNE_2025,
            emulation_year=2025,
        ),
        at=at(date(2025, 11, 3)),
    )
    app.accept_as_complete(dossier.id, actor=SECRETARY, at=at(date(2025, 11, 4)))
    app.appraise(dossier.id, actor=SECRETARY, at=at(date(2025, 11, 5)))

    voted, meeting = work.vote_on_dossier(
        dossier.id,
        meeting_date=date(2025, 12, 10),
        minutes_ref="05/BB-HĐTĐKT",
        present=["m1", "m2", "m3", "m4", "m5", "m6", "m7"],
        written=["m10"],
        crossed_out={"m7": ["n2"]},
        actor=SECRETARY,
        at=at(date(2025, 12, 10), 16),
    )

    # Ten members on 10/12 (m9 left, m10 and m11 joined): 8 of 10 for n1 passes 80 %, 7 of 10 for n2 fails.
    first, second = voted.votes["n1"], voted.votes["n2"]
    assert (first.members_total, first.votes_for, first.votes_against, first.absent_in_writing) == (10, 8, 0, 1)
    assert first.passed
    assert (second.votes_for, second.votes_against) == (7, 1)
    assert not second.passed
    minutes = meeting.minutes()
    assert [p["member_id"] for p in minutes["present"]] == ["m1", "m2", "m3", "m4", "m5", "m6", "m7"]
    assert [p["name"] for p in minutes["absent_in_writing"]] == ["Ủy viên mới m10"]
    assert [p["member_id"] for p in minutes["absent_without_vote"]] == ["m11", "m8"]
    assert app.get(dossier.id).votes["n1"].members_total == 10


def test_a_member_who_had_left_cannot_vote(app: Dossiers) -> None:
    council = constituted(AnnualWork(app))
    with pytest.raises(DossierValidationError) as err:
        tally_list_vote(council, meeting_date=date(2025, 12, 10), refs=["n1"], present=["m1", "m9"])
    assert "m9" in err.value.field_errors["present"]
    with pytest.raises(DossierError):
        tally_list_vote(council, meeting_date=date(2025, 6, 1), refs=["n1"], present=["m1"])


def test_a_typed_total_must_agree_with_the_council_on_record(app: Dossiers) -> None:
    work = AnnualWork(app)
    app.council_size = work.council_size
    constituted(work)
    dossier = app.submit(
        **submission(nominees=[fighter()], deciding_authority=COMMUNE_2025, emulation_year=2025),
        at=at(date(2025, 11, 3)),
    )
    app.accept_as_complete(dossier.id, actor=SECRETARY, at=at(date(2025, 11, 4)))
    app.appraise(dossier.id, actor=SECRETARY, at=at(date(2025, 11, 5)))
    vote = {"nominee_id": "n1", "votes_for": 9, "votes_against": 0, "absent_in_writing": 0, "actor": SECRETARY}
    with pytest.raises(DossierValidationError) as err:
        app.record_council_vote(
            dossier.id, members_total=9, meeting_date=date(2025, 12, 10), at=at(date(2025, 12, 10)), **vote
        )
    assert "10 thành viên vào ngày họp 10/12/2025" in err.value.field_errors["members_total"]
    voted = app.record_council_vote(
        dossier.id, members_total=10, meeting_date=date(2025, 12, 10), at=at(date(2025, 12, 10)), **vote
    )
    assert voted.votes["n1"].members_total == 10


def test_a_second_ballot_is_a_revote_with_its_reason_and_both_are_kept(app: Dossiers) -> None:
    work = AnnualWork(app)
    constituted(work)
    dossier = app.submit(
        **submission(nominees=[fighter()], deciding_authority=COMMUNE_2025, emulation_year=2025),
        at=at(date(2025, 11, 3)),
    )
    app.accept_as_complete(dossier.id, actor=SECRETARY, at=at(date(2025, 11, 4)))
    app.appraise(dossier.id, actor=SECRETARY, at=at(date(2025, 11, 5)))
    ballot = {"minutes_ref": "05/BB", "present": [f"m{i}" for i in range(1, 8)], "actor": SECRETARY}
    work.vote_on_dossier(dossier.id, meeting_date=date(2025, 12, 10), at=at(date(2025, 12, 10), 16), **ballot)
    assert not app.get(dossier.id).votes["n1"].passed  # 7 of 10
    with pytest.raises(DossierValidationError) as err:
        work.vote_on_dossier(dossier.id, meeting_date=date(2025, 12, 17), at=at(date(2025, 12, 17), 16), **ballot)
    assert "bỏ phiếu lại phải nêu lý do" in err.value.field_errors["reason"]
    again, _ = work.vote_on_dossier(
        dossier.id,
        meeting_date=date(2025, 12, 17),
        at=at(date(2025, 12, 17), 16),
        **{**ballot, "present": [f"m{i}" for i in range(1, 9)]},
        written=["m10"],
        reason="Họp lại đủ thành viên",
    )
    assert [v.votes_for for v in again.vote_history["n1"]] == [7, 9] and again.votes["n1"].passed
