"""Every published dossier and award event, read back from a real JetStream stream, matches its
JSON Schema; ids are `dossiers-<notification id>`; the number sequences are never published."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
from fastapi.testclient import TestClient
from nats.js.client import JetStreamContext

from services.dossiers.annual.publishing import ANNUAL_CONTRACTS
from services.dossiers.application import Dossiers
from services.dossiers.domain.values import AnnulmentGround
from services.dossiers.publishing import dossier_event_mapper
from shared.contracts.schemas import contract_schemas
from shared.eventstore import event_id_of
from shared.messaging.relay import OutboxRelay
from shared.reference.org_units import load_org_units
from shared.streams import DOSSIERS
from shared.testing.jetstream import js_publisher, stream_messages
from tests.support.dossiers import (
    AUTHORITY,
    CHAIRMAN,
    CLERK,
    SECRETARY,
    THEMATIC,
    at,
    attachments,
    collective,
    submission,
    supplied,
)

from .document_events import document_events
from .payloads import submit

UNIT = "XA-BICH-HOA"


def decided(app: Dossiers, day: int) -> Any:
    d = app.submit(at=at(date(2024, 6, day)), **submission(proposing_unit=UNIT))
    app.check_completeness(d.id, actor=SECRETARY, at=at(date(2024, 6, day), 10))
    app.appraise(d.id, actor=SECRETARY, at=at(date(2024, 6, day), 11))
    app.record_council_vote(
        d.id,
        nominee_id="n2",
        members_total=9,
        votes_for=9,
        votes_against=0,
        absent_in_writing=0,
        actor=SECRETARY,
        at=at(date(2024, 6, day), 12),
    )
    return app.decide_award(
        d.id,
        approve=["n1", "n2"],
        authority=AUTHORITY,
        authority_level="DISTRICT",
        actor=CHAIRMAN,
        at=at(date(2024, 6, day), 15),
    )


def every_event(app: Dossiers) -> None:
    """Dossiers through every published event type."""
    d = app.submit(
        at=at(date(2024, 6, 3)), **submission(proposing_unit=UNIT, attachments=attachments("SUBMISSION_MEMO"))
    )
    app.request_supplement(
        d.id, missing=["Báo cáo thành tích"], reason="Thiếu", actor=SECRETARY, at=at(date(2024, 6, 4))
    )
    app.supplement(
        d.id,
        attachments=supplied("ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION"),
        actor=CLERK,
        at=at(date(2024, 6, 5)),
        note="Bổ sung đủ",
    )
    app.accept_as_complete(d.id, actor=SECRETARY, at=at(date(2024, 6, 6)))
    app.record_concurrence(
        d.id, department="PNV", agrees=True, opinion="Thống nhất", actor=SECRETARY, at=at(date(2024, 6, 7))
    )
    app.disclose_publicly(
        d.id,
        where="Cổng thông tin điện tử huyện",
        from_date=date(2024, 6, 7),
        to_date=date(2024, 6, 12),
        actor=SECRETARY,
        at=at(date(2024, 6, 7), 10),
    )
    app.appraise(d.id, actor=SECRETARY, at=at(date(2024, 6, 10)))
    app.record_council_vote(
        d.id,
        nominee_id="n2",
        members_total=9,
        votes_for=6,
        votes_against=3,
        absent_in_writing=1,
        actor=SECRETARY,
        at=at(date(2024, 6, 11)),
        meeting_date=date(2024, 6, 11),
    )
    app.extend_deadline(d.id, new_date=date(2024, 6, 28), actor=SECRETARY, at=at(date(2024, 6, 17)), reason="Chờ họp")
    app.reject_award(
        d.id,
        reasons=["Chưa tiêu biểu"],
        authority=AUTHORITY,
        authority_level="DISTRICT",
        actor=CHAIRMAN,
        at=at(date(2024, 6, 20)),
    )
    app.return_result(d.id, actor=CLERK, at=at(date(2024, 6, 21)), returned_to="Văn phòng UBND xã")

    w = app.submit(at=at(date(2024, 6, 3)), **submission(proposing_unit=UNIT))
    app.withdraw(w.id, actor=CLERK, at=at(date(2024, 6, 4)), reason="Đơn vị rút hồ sơ")

    a = decided(app, 12)
    document_events(app, a)
    app.annul_award(
        a.id,
        ground=AnnulmentGround("b"),
        act_reference="Kết luận 07/KL-TTr",
        authority=AUTHORITY,
        actor=CHAIRMAN,
        at=at(date(2024, 9, 3)),
        reason="Hồ sơ giả mạo",
        nominee_ids=["n2"],
    )
    app.record_recovery(
        a.id,
        nominee_ids=["n2"],
        artefacts_returned=["Bằng chứng nhận", "Khung"],
        amount_recovered_vnd=1_800_000,
        actor=SECRETARY,
        at=at(date(2024, 9, 20)),
    )

    t = app.submit(
        at=at(date(2024, 6, 3)),
        **submission(
            proposing_unit=UNIT,
            kind="THEMATIC",
            campaign_id="c-9",
            nominees=[collective()],
            attachments=attachments(*THEMATIC),
        ),
    )
    app.check_completeness(t.id, actor=SECRETARY, at=at(date(2024, 6, 4)))  # the campaign is unknown: it waits
    app.refuse(t.id, reasons=["Phong trào chưa đăng ký"], actor=SECRETARY, at=at(date(2024, 6, 5)))

    g = app.submit(at=at(date(2024, 6, 3)), **submission(proposing_unit=UNIT, kind="YEAR_END", nominees=[collective()]))
    app.check_completeness(g.id, actor=SECRETARY, at=at(date(2024, 6, 4)))
    app.record_council_check(
        g.id,
        confirmed=["certificate_merit"],
        meeting_date=date(2024, 6, 4),
        minutes_ref="Biên bản 03/BB-HĐTĐKT",
        actor=SECRETARY,
        at=at(date(2024, 6, 4), 10),
    )

    s = app.submit(at=at(date(2025, 6, 25)), **submission(proposing_unit=UNIT))
    app.pass_to_successor(s.id, actor=SECRETARY, at=at(date(2025, 7, 2)))  # xã Bích Hòa → xã Bình Minh


async def test_every_dossier_event_in_the_stream_matches_its_schema_and_sequences_stay_inside(
    jetstream: JetStreamContext, tmp_path: Path
) -> None:
    app = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "d.db")})
    every_event(app)

    relay = OutboxRelay(app, dossier_event_mapper(load_org_units()), js_publisher(jetstream), service="dossiers")
    sent = await relay.publish_pending()

    notifications = app.notification_log.select(start=1, limit=1000)
    ids = {n.id: event_id_of(app.mapper.to_domain_event(n), "dossiers", n.id) for n in notifications}
    dossier_ids = {ids[n.id] for n in notifications if ":Dossier." in n.topic or ":DossierDocuments." in n.topic}
    sequence_ids = {ids[n.id] for n in notifications if "NumberSequence" in n.topic}
    assert sequence_ids and relay.published_position() == notifications[-1].id

    schemas = contract_schemas()
    messages = await stream_messages(jetstream, DOSSIERS.name)
    assert len(messages) == sent == len(dossier_ids)
    seen: set[str] = set()
    for message in messages:
        payload = json.loads(message.data)
        schema = schemas[(message.subject, payload["schema_version"])]
        jsonschema.validate(payload, schema)
        assert message.headers["ce-type"] == schema["x-cloudevents-type"]
        assert message.headers["ce-id"] == payload["event_id"] == message.headers["Nats-Msg-Id"]
        assert message.headers["ce-source"] == "/services/dossiers"
        assert payload["event_id"] in dossier_ids and payload["event_id"] not in sequence_ids
        assert payload["dossier"]["proposing_unit"] == {"code": UNIT, "name": "Ủy ban nhân dân xã Bích Hòa"}
        seen.add(message.subject)
    annual = {c.subject for c in ANNUAL_CONTRACTS}  # the year's workload: test_annual_http.py
    assert seen == {s for s, _ in schemas if s.startswith(("tdkt.dossier.", "tdkt.award.")) and s not in annual}

    by_subject = {m.subject: json.loads(m.data) for m in messages}
    decided_ = by_subject["tdkt.award.decided"]
    assert decided_["decision_number"] == "1/QĐ-UBND" and decided_["dossier"]["decision_number"] == "1/QĐ-UBND"
    assert [a["cash_reward_vnd"] for a in decided_["approvals"]] == [540_000, 1_800_000]
    assert decided_["actor"] == {"id": "ct-01", "role": "chairman", "unit": AUTHORITY}
    assert by_subject["tdkt.award.annulled"]["decision_number"] == "2/QĐ-UBND"
    recovered = by_subject["tdkt.award.recovered"]
    assert recovered["artefacts_returned"] is True and recovered["artefacts"] == ["Bằng chứng nhận", "Khung"]
    assert by_subject["tdkt.dossier.awaiting_campaign"]["campaign_id"] == "c-9"
    assert by_subject["tdkt.dossier.refused"]["reasons"] == ["Phong trào chưa đăng ký"]
    assert by_subject["tdkt.dossier.submitted"]["attachments"][0]["kind"] == "SUBMISSION_MEMO"
    assert by_subject["tdkt.dossier.council_check_recorded"]["confirmed"] == ["certificate_merit"]
    passed = by_subject["tdkt.dossier.passed_to_successor"]
    assert (passed["from_authority"]["code"], passed["to_authority"]["code"]) == ("UBND-THANH-OAI", "XA-BINH-MINH-2025")
    assert passed["dossier"]["deciding_authority"]["code"] == "XA-BINH-MINH-2025"
    signed = by_subject["tdkt.award.document_signed"]
    assert signed["decision_number"] == "1/QĐ-UBND" and signed["sha256"] == "a" * 64
    assert signed["document_url"].endswith(f"/dossiers/{signed['aggregate_id']}/signed-decision.pdf")
    assert {link["kind"] for link in signed["links"]} >= {"decision", "signed_decision", "certificate"}
    printed = by_subject["tdkt.award.certificates_printed"]
    assert printed["prints"] == [{"nominee_id": "n1", "copy_number": 1, "reprint": False, "reprint_reason": None}]
    forwarded = by_subject["tdkt.dossier.forwarded"]
    assert (forwarded["proposal_number"], forwarded["round"], forwarded["dossier"]["status"]) == (
        "15/TTr-UBND",
        1,
        "FORWARDED",
    )
    result = by_subject["tdkt.dossier.higher_level_result_recorded"]
    assert (result["outcome"], result["decision_number"], result["awarded_ids"]) == ("AWARDED", "3456/QĐ-UBND", ["n1"])
    assert result["dossier"]["status"] == "HIGHER_LEVEL_AWARDED"


async def test_the_running_service_publishes_what_it_stores(jetstream: JetStreamContext, client: TestClient) -> None:
    dossier = submit(client)

    async def submitted() -> list[Any]:
        return [m for m in await stream_messages(jetstream, DOSSIERS.name) if m.subject == "tdkt.dossier.submitted"]

    for _ in range(100):
        if await submitted():
            break
        await asyncio.sleep(0.05)
    (message,) = await submitted()
    payload = json.loads(message.data)
    submitted_event = client.get(f"/dossiers/{dossier['id']}/history").json()[0]["event_id"]
    assert message.headers["Nats-Msg-Id"] == message.headers["ce-id"] == submitted_event
    assert payload["dossier"]["dossier_id"] == dossier["id"]
    assert payload["dossier"]["receipt_number"] == "000001/2024/TN"
    assert payload["actor"] == {"id": "cb.motcua", "role": "desk_clerk", "unit": "VP-HDND-UBND"}
    for _ in range(100):
        if client.get("/readyz").json()["checks"]["relay:dossiers"]["published_position"] == 3:
            break
        await asyncio.sleep(0.05)
    assert client.get("/readyz").json()["checks"]["relay:dossiers"]["published_position"] == 3  # 1, 2: sequence
