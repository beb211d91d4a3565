"""Every published campaign event, read back from a real JetStream stream, matches its JSON Schema."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
from nats.js.client import JetStreamContext

from services.campaigns.application import Campaigns
from services.campaigns.domain.campaign import DocumentReference, ReviewResult
from services.campaigns.publishing import map_campaign_event
from shared.actor import Actor
from shared.contracts.schemas import contract_schemas
from shared.messaging.relay import OutboxRelay
from shared.streams import CAMPAIGNS
from shared.testing.jetstream import js_publisher
from tests.support.campaign_payloads import thematic_campaign
from tests.support.campaigns import draft_keywords

LEAD = Actor("nv.phongkt", "lead_unit_clerk", "PKT")
PNV = Actor("cv.pnv", "council_secretariat", "PNV")
REPORT = DocumentReference("120/BC-UBND", date(2023, 12, 20), "Trưởng phòng Kinh tế")
RESULTS = [ReviewResult("Xã đạt chuẩn nông thôn mới nâng cao", Decimal(6))]


def campaign_kwargs(code: str) -> dict[str, Any]:
    """A thematic campaign from 1/1 to 31/12/2023, as `Campaigns.draft` takes it."""
    return draft_keywords(thematic_campaign(code))


def every_event(app: Campaigns) -> None:
    """One campaign through every published event type."""
    first = app.draft(actor=LEAD, **{**campaign_kwargs("PT-2023-A"), "plan": None})
    app.return_registration(first.id, reasons=["Thiếu kế hoạch"], returned_on=date(2023, 1, 10), actor=PNV)
    app.amend(first.id, actor=LEAD, reason="Bổ sung kế hoạch", plan=DocumentReference("16/KH", date(2023, 1, 11)))
    app.register(first.id, registration_number="01/ĐK-PNV", registered_on=date(2023, 1, 15), actor=PNV)
    app.launch(first.id, launched_on=date(2023, 1, 20), actor=LEAD)
    app.attach_documents(
        first.id,
        actor=LEAD,
        directive=DocumentReference("03/CT", date(2023, 2, 1), "Chủ tịch"),
        reason="Chỉ thị mới",
    )
    app.file_interim_review(
        first.id, report=REPORT, summary="Sơ kết 6 tháng đầu năm", filed_on=date(2023, 7, 1), actor=LEAD
    )
    app.file_final_review(
        first.id,
        report=REPORT,
        summary="Tổng kết năm 2023",
        filed_on=date(2024, 1, 5),
        results=RESULTS,
        proposed_collectives=2,
        proposed_individuals=5,
        actor=LEAD,
    )
    app.correct_final_review(
        first.id,
        report=REPORT,
        summary="Tổng kết năm 2023 (đính chính)",
        filed_on=date(2024, 1, 6),
        results=RESULTS,
        reason="Sửa số liệu",
        actor=LEAD,
    )
    app.close_campaign(first.id, closed_on=date(2024, 1, 10), actor=LEAD)

    second = app.draft(actor=LEAD, **campaign_kwargs("PT-2023-B"))
    app.cancel(second.id, reason="Gộp vào phong trào chung", cancelled_on=date(2023, 2, 1), actor=LEAD)

    third = app.draft(actor=LEAD, **campaign_kwargs("PT-2023-C"))
    app.register(third.id, registration_number="02/ĐK-PNV", registered_on=date(2023, 1, 15), actor=PNV)
    app.launch(third.id, launched_on=date(2023, 1, 20), actor=LEAD)
    assert app.flag_overdue_reviews(on=date(2024, 3, 1)) == [third.id]
    assert app.flag_overdue_reviews(on=date(2024, 3, 2)) == []  # emitted once


async def test_every_campaign_event_in_the_stream_matches_its_schema(
    jetstream: JetStreamContext, tmp_path: Path
) -> None:
    app = Campaigns(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "c.db")})
    every_event(app)

    await OutboxRelay(app, map_campaign_event, js_publisher(jetstream), service="campaigns").publish_pending()

    schemas = contract_schemas()
    info = await jetstream.stream_info(CAMPAIGNS.name)
    seen: set[str] = set()
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        message = await jetstream.get_msg(CAMPAIGNS.name, seq)
        payload = json.loads(message.data)
        schema = schemas[(message.subject, payload["schema_version"])]
        jsonschema.validate(payload, schema)
        assert message.headers["ce-type"] == schema["x-cloudevents-type"]
        assert message.headers["ce-id"] == payload["event_id"] == message.headers["Nats-Msg-Id"]
        seen.add(message.subject)
    assert seen == {s for s, _ in schemas if s.startswith("tdkt.campaign.")}
    overdue = await jetstream.get_last_msg(CAMPAIGNS.name, "tdkt.campaign.review_overdue")
    body = json.loads(overdue.data)
    assert body["review_due_on"] == "2024-01-29"  # 20 working days after 31/12/2023
    assert body["campaign"]["code"] == "PT-2023-C"
    closed = json.loads((await jetstream.get_last_msg(CAMPAIGNS.name, "tdkt.campaign.closed")).data)
    assert closed["campaign"]["eligibility"] == {"eligible": True, "reasons": []}


def test_committed_json_schemas_match_the_code() -> None:
    folder = Path(__file__).resolve().parents[3] / "docs" / "contracts"
    for (subject, version), schema in contract_schemas().items():
        path = folder / f"{subject}.v{version}.json"
        assert path.exists(), f"{path.name} missing: run `tdkt schemas`"
        assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(schema)), (
            f"{path.name} is stale: run `tdkt schemas`"
        )
