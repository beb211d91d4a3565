"""From an event to its deliveries: the right audiences, one delivery per recipient, channel and
address, stable ids, and subscriptions matched by subject pattern."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from services.notifications.planning import Occurrence, Planner, delivery_id_for, delivery_key
from services.notifications.recipients import EMAIL, INBOX, WEBHOOK
from services.notifications.subscriptions import Subscription, pattern_problem, subject_matches
from tests.support import notification_events as events


def occurrence(event) -> Occurrence:  # type: ignore[no-untyped-def]
    return Occurrence(event.event_id, event.subject, events.payload(event))


def subscription(*patterns: str) -> Subscription:
    return Subscription("s1", "https://he-thong-khac.example/hook", patterns, "Cổng thông tin", datetime.now(UTC), "x")


def test_a_submitted_dossier_tells_the_proposing_unit_and_the_secretariat(planner: Planner) -> None:
    planned = planner.plan(occurrence(events.dossier_submitted()))
    assert sorted((p.recipient, p.channel, p.address, p.template) for p in planned) == [
        ("PGDDT", EMAIL, "phonggiaoduc@thanhoai.example", "dossier_submitted"),
        ("PGDDT", INBOX, "PGDDT", "dossier_submitted"),
        ("PNV", EMAIL, "thiduakhenthuong.pnv@thanhoai.example", "dossier_arrived"),
        ("PNV", EMAIL, "vanthu.pnv@thanhoai.example", "dossier_arrived"),
        ("PNV", INBOX, "PNV", "dossier_arrived"),
    ]


def test_planning_twice_gives_the_same_keys_and_ids(planner: Planner) -> None:
    first = planner.plan(occurrence(events.dossier_submitted()))
    again = planner.plan(occurrence(events.dossier_submitted()))
    assert [(p.delivery_key, p.delivery_id) for p in first] == [(p.delivery_key, p.delivery_id) for p in again]
    key = delivery_key("dossiers-1", "PGDDT", EMAIL, "phonggiaoduc@thanhoai.example")
    assert key in {p.delivery_key for p in first}
    assert delivery_id_for(key) == next(p.delivery_id for p in first if p.delivery_key == key)


def test_a_unit_playing_two_parts_is_told_once_per_channel(planner: Planner) -> None:
    event = events.review_overdue()
    payload = events.payload(event)
    payload["campaign"]["lead_unit"] = {"code": "PNV", "name": "Phòng Nội vụ"}
    planned = planner.plan(Occurrence(event.event_id, event.subject, payload))
    assert sorted((p.recipient, p.channel, p.template) for p in planned) == [
        ("PNV", EMAIL, "campaign_review_overdue"),
        ("PNV", EMAIL, "campaign_review_overdue"),
        ("PNV", INBOX, "campaign_review_overdue"),
    ]


def test_only_a_thematic_refusal_is_also_reported_to_the_secretariat(planner: Planner) -> None:
    thematic = {p.recipient for p in planner.plan(occurrence(events.refused(kind="THEMATIC")))}
    annual = {p.recipient for p in planner.plan(occurrence(events.refused(kind="ANNUAL_TITLE")))}
    assert thematic == {"PGDDT", "PNV"}
    assert annual == {"PGDDT"}


def test_a_decision_also_reaches_nominees_with_an_address(planner: Planner) -> None:
    planned = planner.plan(occurrence(events.award_decided()))
    person = [p for p in planned if p.recipient == "huong.nt@thcskimbai.example"]
    assert {(p.channel, p.address) for p in person} == {
        (INBOX, "huong.nt@thcskimbai.example"),
        (EMAIL, "huong.nt@thcskimbai.example"),
    }
    assert person[0].body_text.startswith("Kính gửi: Nguyễn Thị Hương.")


def test_a_matching_subscription_gets_the_event_json_as_it_was_published(planner: Planner) -> None:
    event = events.award_decided()
    [hook] = [p for p in planner.plan(occurrence(event), [subscription("tdkt.award.*")]) if p.channel == WEBHOOK]
    assert (hook.recipient, hook.address, hook.subscription_id) == ("subscription:s1", subscription().url, "s1")
    assert json.loads(hook.payload or "") == events.payload(event)


def test_an_event_nobody_handles_still_reaches_its_subscribers(planner: Planner) -> None:
    payload = {"event_id": "dossiers-40", "aggregate_version": 3}
    planned = planner.plan(Occurrence("dossiers-40", "tdkt.dossier.withdrawn", payload), [subscription("tdkt.>")])
    assert [(p.channel, p.recipient) for p in planned] == [(WEBHOOK, "subscription:s1")]
    assert (
        planner.plan(Occurrence("dossiers-40", "tdkt.dossier.withdrawn", payload), [subscription("tdkt.award.>")]) == []
    )


def test_subject_patterns_follow_nats_wildcards() -> None:
    assert subject_matches("tdkt.award.decided", "tdkt.award.decided")
    assert subject_matches("tdkt.dossier.*", "tdkt.dossier.submitted")
    assert not subject_matches("tdkt.dossier.*", "tdkt.award.decided")
    assert subject_matches("tdkt.>", "tdkt.campaign.registered")
    assert not subject_matches("tdkt.campaign.>", "tdkt.campaign")
    assert not subject_matches("tdkt.award", "tdkt.award.decided")


def test_invalid_patterns_are_explained_in_vietnamese() -> None:
    assert pattern_problem("tdkt.dossier.*") is None
    assert pattern_problem("tdkt.>") is None
    problem = pattern_problem("tdkt.>.award")
    assert problem is not None and "không phải mẫu loại sự kiện hợp lệ" in problem
    assert pattern_problem("Tdkt Award") is not None


def test_a_succession_reaches_the_proposing_unit_and_the_unit_that_took_the_dossier_over(planner: Planner) -> None:
    planned = planner.plan(occurrence(events.passed_to_successor()))
    assert sorted({(p.recipient, p.template) for p in planned}) == [
        ("XA-BICH-HOA", "dossier_passed_to_successor"),
        ("XA-BINH-MINH-2025", "dossier_taken_over"),
    ]
    assert {p.channel for p in planned if p.recipient == "XA-BINH-MINH-2025"} == {INBOX, EMAIL}


def test_the_councils_check_is_told_to_the_proposing_unit_only(planner: Planner) -> None:
    planned = planner.plan(occurrence(events.council_check()))
    assert {(p.recipient, p.template) for p in planned} == {("PGDDT", "council_check_recorded")}
