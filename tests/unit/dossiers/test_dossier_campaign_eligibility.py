"""Thematic eligibility (dispatch 147): a thematic dossier is refused when its campaign is not
eligible, and waits when the campaign is not known yet."""

from __future__ import annotations

from datetime import date

import pytest

from services.dossiers.domain.campaign_eligibility import (
    CampaignCheck,
    CampaignVerdict,
    CampaignView,
    check_thematic_campaign,
)
from services.dossiers.domain.errors import DossierError
from services.dossiers.domain.values import DossierStatus
from tests.support.dossiers import (
    CLERK,
    SECRETARY,
    THEMATIC,
    at,
    attachments,
    collective,
    given_received,
    next_moment,
    rules,
    submission,
    then_events,
)

R = rules("2024-nd98")


def view(**overrides) -> CampaignView:
    values = {
        "campaign_id": "c-1",
        "name": "Chung tay xây dựng nông thôn mới",
        "kind": "THEMATIC",
        "status": "LAUNCHED",
        "eligible": True,
        "eligibility_reasons": [],
        "version": 4,
    }
    values.update(overrides)
    return CampaignView(**values)


def thematic(**overrides):
    values = {
        "kind": "THEMATIC",
        "campaign_id": "c-1",
        "nominees": [collective()],
        "attachments": attachments(*THEMATIC),
    }
    values.update(overrides)
    return given_received(**values)


# --- the pure rule ---


def test_an_eligible_thematic_campaign_is_eligible():
    assert check_thematic_campaign("c-1", view()).verdict is CampaignVerdict.ELIGIBLE


def test_an_ineligible_campaign_gives_its_reasons_citing_dispatch_147():
    check = check_thematic_campaign(
        "c-1", view(eligible=False, eligibility_reasons=["Phong trào chưa đăng ký với UBND qua Phòng Nội vụ."])
    )
    assert check.verdict is CampaignVerdict.NOT_ELIGIBLE
    assert check.reasons == (
        "Không đủ điều kiện khen thưởng chuyên đề theo Công văn số 147 (2023): "
        "Phong trào chưa đăng ký với UBND qua Phòng Nội vụ.",
    )


def test_an_ineligible_campaign_without_reasons_still_gets_one():
    check = check_thematic_campaign("c-1", view(eligible=False))
    assert len(check.reasons) == 1 and "không đủ điều kiện" in check.reasons[0]


def test_a_campaign_that_is_not_thematic_cannot_ground_a_thematic_award():
    check = check_thematic_campaign("c-1", view(kind="regular"))
    assert check.verdict is CampaignVerdict.NOT_ELIGIBLE
    assert "không phải phong trào thi đua theo chuyên đề" in check.reasons[0]


def test_an_unknown_campaign_is_unknown():
    check = check_thematic_campaign("c-9", None)
    assert check.verdict is CampaignVerdict.UNKNOWN and "c-9" in check.reasons[0]


# --- in the dossier ---


def test_a_thematic_dossier_under_an_ineligible_campaign_is_refused_at_the_completeness_check():
    dossier = thematic()
    check = check_thematic_campaign("c-1", view(eligible=False, eligibility_reasons=["Không có kế hoạch."]))
    dossier.check_completeness(rules=R, campaign=check, actor=SECRETARY, at=next_moment(dossier))
    (event,) = then_events(dossier, "Refused")
    assert event.reasons == list(check.reasons)
    assert dossier.status is DossierStatus.REFUSED


def test_refusal_for_an_ineligible_campaign_comes_before_asking_for_documents():
    dossier = thematic(attachments=attachments("SUBMISSION_MEMO"))
    check = check_thematic_campaign("c-1", view(eligible=False))
    dossier.check_completeness(rules=R, campaign=check, actor=SECRETARY, at=next_moment(dossier))
    then_events(dossier, "Refused")


def test_a_thematic_dossier_under_an_unknown_campaign_waits_for_it():
    dossier = thematic()
    dossier.check_completeness(
        rules=R, campaign=check_thematic_campaign("c-1", None), actor=SECRETARY, at=next_moment(dossier)
    )
    (event,) = then_events(dossier, "CampaignCheckDeferred")
    assert event.campaign_id == "c-1"
    assert dossier.status is DossierStatus.AWAITING_CAMPAIGN
    assert dossier.clock_running  # the delay is the administration's, not the applicant's


def test_checking_again_while_the_campaign_is_still_unknown_changes_nothing():
    dossier = thematic()
    dossier.check_completeness(rules=R, campaign=None, actor=SECRETARY, at=next_moment(dossier))
    dossier.collect_events()
    dossier.check_completeness(rules=R, campaign=None, actor=SECRETARY, at=next_moment(dossier))
    then_events(dossier)


def test_a_waiting_dossier_is_accepted_once_the_campaign_is_known_eligible():
    dossier = thematic()
    dossier.check_completeness(rules=R, campaign=None, actor=SECRETARY, at=next_moment(dossier))
    dossier.collect_events()
    dossier.check_completeness(
        rules=R, campaign=CampaignCheck(CampaignVerdict.ELIGIBLE), actor=SECRETARY, at=next_moment(dossier)
    )
    then_events(dossier, "AcceptedAsComplete")


def test_a_waiting_dossier_can_still_be_refused_by_hand():
    dossier = thematic()
    dossier.check_completeness(rules=R, campaign=None, actor=SECRETARY, at=next_moment(dossier))
    dossier.collect_events()
    dossier.refuse(reasons=["Phong trào chưa đăng ký với UBND."], actor=SECRETARY, at=next_moment(dossier))
    then_events(dossier, "Refused")


def test_a_thematic_dossier_cannot_be_accepted_without_an_eligible_campaign():
    dossier = thematic()
    with pytest.raises(DossierError) as raised:
        dossier.accept_as_complete(rules=R, campaign=None, actor=SECRETARY, at=next_moment(dossier))
    assert raised.value.code == "campaign_unknown"
    with pytest.raises(DossierError) as raised:
        dossier.accept_as_complete(
            rules=R,
            campaign=check_thematic_campaign("c-1", view(eligible=False)),
            actor=SECRETARY,
            at=next_moment(dossier),
        )
    assert raised.value.code == "campaign_not_eligible"
    then_events(dossier)


# --- through the application, with the injected lookup ---


def test_the_application_asks_the_campaign_lookup(app):
    views = {"c-1": view(eligible=False, eligibility_reasons=["Chưa có báo cáo sơ kết, tổng kết."])}
    app.campaign_lookup = views.get
    dossier = app.submit(
        at=at(date(2024, 6, 3)),
        **submission(kind="THEMATIC", campaign_id="c-1", nominees=[collective()], attachments=attachments(*THEMATIC)),
    )
    app.check_completeness(dossier.id, actor=SECRETARY, at=next_moment(dossier))
    refused = app.get(dossier.id)
    assert refused.status is DossierStatus.REFUSED
    assert "Chưa có báo cáo sơ kết, tổng kết." in refused.refusal_reasons[0]


def test_the_application_without_a_lookup_waits_for_the_campaign(app):
    dossier = app.submit(
        at=at(date(2024, 6, 3)),
        **submission(kind="THEMATIC", campaign_id="c-1", nominees=[collective()], attachments=attachments(*THEMATIC)),
    )
    assert (
        app.check_completeness(dossier.id, actor=CLERK, at=next_moment(dossier)).status
        is DossierStatus.AWAITING_CAMPAIGN
    )
