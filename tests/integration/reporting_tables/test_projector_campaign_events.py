"""Campaign events: one fact row per event with its business date; the campaign row keeps the
snapshot of the highest version, whatever order the versions arrive in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.contracts import campaigns as cc
from tests.integration.reporting_tables.conftest import Projection
from tests.support.reporting_events import campaign_event

REPORT = cc.DocumentReferenceInfo(number="12/BC-PKT")

BUSINESS_DATES = [
    (cc.CampaignDrafted, {}, date(2023, 3, 10)),
    (cc.CampaignAmended, {"changed_fields": ["name"]}, date(2023, 3, 10)),
    (cc.CampaignDocumentsAttached, {}, date(2023, 3, 10)),
    (
        cc.CampaignRegistered,
        {"registration_number": "01/ĐK-PNV", "registered_on": date(2023, 1, 20)},
        date(2023, 1, 20),
    ),
    (
        cc.CampaignRegistrationReturned,
        {"reasons": ["Thiếu kế hoạch"], "returned_on": date(2023, 1, 5)},
        date(2023, 1, 5),
    ),
    (cc.CampaignLaunched, {"launched_on": date(2023, 2, 1)}, date(2023, 2, 1)),
    (
        cc.CampaignInterimReviewFiled,
        {"report": REPORT, "filed_on": date(2023, 6, 30), "summary": "Sơ kết"},
        date(2023, 6, 30),
    ),
    (
        cc.CampaignFinalReviewFiled,
        {"report": REPORT, "filed_on": date(2024, 1, 10), "summary": "Tổng kết"},
        date(2024, 1, 10),
    ),
    (
        cc.CampaignFinalReviewCorrected,
        {"report": REPORT, "filed_on": date(2024, 1, 12), "summary": "Đính chính"},
        date(2024, 1, 12),
    ),
    (cc.CampaignClosed, {"closed_on": date(2024, 2, 1)}, date(2024, 2, 1)),
    (cc.CampaignCancelled, {"reason": "Không phù hợp", "cancelled_on": date(2023, 4, 2)}, date(2023, 4, 2)),
    (
        cc.CampaignReviewOverdue,
        {"review_due_on": date(2024, 1, 30), "flagged_on": date(2024, 2, 2), "review_due_days": 30},
        date(2024, 2, 2),
    ),
]


@pytest.mark.parametrize(
    ("contract", "fields", "business_date"), BUSINESS_DATES, ids=lambda v: getattr(v, "subject", "")
)
def test_each_campaign_event_is_a_fact_dated_by_the_day_it_names(
    projection: Projection, contract: type[cc.CampaignEvent], fields: dict, business_date: date
) -> None:
    assert projection.feed(campaign_event(contract, 3, **fields)) == [True]
    [fact] = projection.rows("campaign_events")
    assert fact["event_type"] == contract.subject.removeprefix("tdkt.")
    assert fact["event_date"] == business_date
    assert fact["occurred_on"] == date(2023, 3, 10)
    assert (fact["campaign_id"], fact["version"], fact["lead_unit_code"]) == ("c-1", 3, "PKT")
    assert fact["eligible_after"] is False and fact["ineligibility_reasons"] == "no_review"
    [campaign] = projection.rows("campaigns")
    assert campaign["version"] == 3


def test_an_event_recorded_after_midnight_in_vietnam_belongs_to_the_next_day(projection: Projection) -> None:
    late = datetime(2023, 3, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 April in Hà Nội
    projection.feed(campaign_event(cc.CampaignDrafted, 1, at=late))
    assert projection.rows("campaign_events")[0]["occurred_on"] == date(2023, 4, 1)


def test_campaign_row_keeps_the_highest_version_whatever_the_arrival_order(projection: Projection) -> None:
    drafted = campaign_event(cc.CampaignDrafted, 1, snapshot={"status": "draft", "registration_number": None})
    launched = campaign_event(
        cc.CampaignLaunched,
        3,
        launched_on=date(2023, 2, 1),
        snapshot={"status": "launched", "launched_on": date(2023, 2, 1)},
    )
    registered = campaign_event(
        cc.CampaignRegistered, 2, registration_number="01/ĐK-PNV", registered_on=date(2023, 1, 20)
    )
    projection.feed(launched, drafted, registered)
    [campaign] = projection.rows("campaigns")
    assert (campaign["version"], campaign["status"], campaign["launched_on"]) == (3, "launched", date(2023, 2, 1))
    assert len(projection.rows("campaign_events")) == 3


def test_a_repeated_campaign_event_changes_nothing(projection: Projection) -> None:
    event = campaign_event(cc.CampaignDrafted, 1)
    assert projection.feed(event, event) == [True, False]
    assert len(projection.rows("campaign_events")) == 1
