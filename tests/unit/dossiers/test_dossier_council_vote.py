"""Council vote (rule 20): required per award by the rule set; passes only when the votes for
reach the threshold of the WHOLE membership."""

from __future__ import annotations

import pytest

from services.dossiers.domain.errors import DossierError, DossierValidationError
from tests.support.dossiers import RULE_SET_IDS, SECRETARY, given_in_appraisal, next_moment, rules, then_events


def vote(rule_set_id: str, *, total: int, yes: int, no: int, absent_in_writing: int = 0, nominee_id: str = "n2"):
    dossier = given_in_appraisal(rule_set_id)
    dossier.record_council_vote(
        rules=rules(rule_set_id),
        nominee_id=nominee_id,
        members_total=total,
        votes_for=yes,
        votes_against=no,
        absent_in_writing=absent_in_writing,
        actor=SECRETARY,
        at=next_moment(dossier),
    )
    (event,) = then_events(dossier, "CouncilVoteRecorded")
    return event


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_grassroots_fighter_passes_at_exactly_80_percent_of_the_council(rule_set_id):
    event = vote(rule_set_id, total=10, yes=8, no=2)
    assert event.passed and event.threshold_percent == 80


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_grassroots_fighter_refused_below_80_percent_of_the_council(rule_set_id):
    assert not vote(rule_set_id, total=10, yes=7, no=3).passed


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_the_threshold_counts_the_whole_membership_not_those_present(rule_set_id):
    # 8 of the 9 who voted (89 %) but only 8 of 11 members (73 %).
    assert not vote(rule_set_id, total=11, yes=8, no=1).passed


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_written_votes_of_absent_members_count(rule_set_id):
    event = vote(rule_set_id, total=10, yes=8, no=0, absent_in_writing=2)
    assert event.passed and event.absent_in_writing == 2


def test_a_title_without_a_vote_requirement_takes_no_vote():
    dossier = given_in_appraisal()
    with pytest.raises(DossierError) as raised:
        dossier.record_council_vote(
            rules=rules("2024-nd98"),
            nominee_id="n1",
            members_total=10,
            votes_for=10,
            votes_against=0,
            absent_in_writing=0,
            actor=SECRETARY,
            at=next_moment(dossier),
        )
    assert raised.value.code == "vote_not_required" and "Lao động tiên tiến" in raised.value.message
    then_events(dossier)


@pytest.mark.parametrize(
    ("total", "yes", "no", "absent", "field"),
    [
        (10, 8, 3, 0, "votes_for"),
        (0, 0, 0, 0, "members_total"),
        (10, 5, 0, 6, "absent_in_writing"),
        (10, -1, 0, 0, "votes_for"),
    ],
)
def test_impossible_ballot_counts_are_invalid(total, yes, no, absent, field):
    dossier = given_in_appraisal()
    with pytest.raises(DossierValidationError) as raised:
        dossier.record_council_vote(
            rules=rules("2024-nd98"),
            nominee_id="n2",
            members_total=total,
            votes_for=yes,
            votes_against=no,
            absent_in_writing=absent,
            actor=SECRETARY,
            at=next_moment(dossier),
        )
    assert field in raised.value.field_errors
    then_events(dossier)
