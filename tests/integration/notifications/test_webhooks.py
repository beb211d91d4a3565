"""Webhooks to a real HTTP receiver: subscriptions over HTTP, a signature the receiver can check,
and a dead receiver marked failed and announced, without holding up the mail."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nats.js.client import JetStreamContext

from shared.contracts.notifications import NotificationFailed
from shared.natsserver import free_port
from shared.streams import NOTIFICATIONS
from tests.support import notification_events as events
from tests.support.notifications import (
    DEV_ACTOR,
    SmtpServer,
    WebhookReceiver,
    eventually,
    publish,
    stream_events,
)

SECRET = "khoa-bi-mat-cua-cong-thong-tin-dien-tu"


def subscription(url: str, *patterns: str) -> dict[str, Any]:
    return {
        "event_types": list(patterns),
        "url": url,
        "secret": SECRET,
        "description": "Cổng thông tin điện tử huyện: công khai quyết định khen thưởng",
    }


async def test_a_subscriber_receives_the_event_json_with_a_signature_it_can_verify(
    service: Callable[..., Any],
    smtp: SmtpServer,
    webhook_receiver: WebhookReceiver,
    jetstream: JetStreamContext,
) -> None:
    event = events.award_decided()
    async with service(smtp_port=smtp.port) as client:
        created = await client.post(
            "/subscriptions", json=subscription(webhook_receiver.url, "tdkt.award.*"), headers=DEV_ACTOR
        )
        assert created.status_code == 201, created.text
        listed = (await client.get("/subscriptions")).json()
        assert [s["id"] for s in listed] == [created.json()["id"]]
        assert "secret" not in listed[0]

        await publish(jetstream, events.dossier_submitted())  # not subscribed
        await publish(jetstream, event)
        await eventually(lambda: webhook_receiver.calls)
        [hook] = await eventually(
            lambda: _deliveries(client, event.event_id, "webhook", "delivered"),
        )

    [call] = webhook_receiver.calls
    timestamp = call.headers["X-Tdkt-Timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + call.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(call.headers["X-Tdkt-Signature"], f"sha256={expected}")
    assert abs(time.time() - int(timestamp)) < 60
    assert json.loads(call.body) == event.payload()
    assert call.headers["X-Tdkt-Event-Type"] == "tdkt.award.decided"
    assert call.headers["X-Tdkt-Delivery-Id"] == hook["id"]
    assert hook["recipient"] == f"subscription:{created.json()['id']}"


async def _deliveries(client: Any, event_id: str, channel: str, status: str) -> list[dict[str, Any]] | None:
    rows = (await client.get("/deliveries", params={"event_id": event_id, "channel": channel})).json()
    return rows if rows and all(r["status"] == status for r in rows) else None


async def test_a_dead_webhook_is_marked_failed_and_announced_while_mail_still_goes_out(
    service: Callable[..., Any], smtp: SmtpServer, jetstream: JetStreamContext
) -> None:
    dead_url = f"http://127.0.0.1:{free_port()}/khong-ai-nghe"
    event = events.award_rejected()
    async with service(smtp_port=smtp.port, notification_max_attempts=3) as client:
        created = await client.post("/subscriptions", json=subscription(dead_url, "tdkt.>"), headers=DEV_ACTOR)
        assert created.status_code == 201
        await publish(jetstream, event)
        await eventually(lambda: smtp.to("phonggiaoduc@thanhoai.example"))
        [hook] = await eventually(lambda: _deliveries(client, event.event_id, "webhook", "failed"))
        failed = (await client.get("/deliveries", params={"status": "failed"})).json()
        announced = await eventually(lambda: stream_events(jetstream, NOTIFICATIONS.name, NotificationFailed.subject))

    assert [f["id"] for f in failed] == [hook["id"]]
    assert hook["attempts"] == 3
    assert [a["outcome"] for a in hook["history"]] == ["retry", "retry", "failed"]
    assert "Không kết nối được" in hook["last_error"] and "đã thử 3 lần" in hook["last_error"]
    [payload] = announced
    notice = NotificationFailed.model_validate(payload)
    assert (notice.delivery_id, notice.cause_event_id, notice.channel) == (hook["id"], event.event_id, "webhook")
    assert (notice.address, notice.attempts, notice.aggregate_version) == (dead_url, 3, 3)
    assert "đã thử 3 lần" in notice.error


async def test_an_operator_can_send_a_failed_delivery_again(
    service: Callable[..., Any], smtp: SmtpServer, webhook_receiver: WebhookReceiver, jetstream: JetStreamContext
) -> None:
    webhook_receiver.status = 404  # permanent: fails at the first attempt
    event = events.deadline_extended()
    async with service(smtp_port=smtp.port) as client:
        await client.post(
            "/subscriptions", json=subscription(webhook_receiver.url, "tdkt.dossier.>"), headers=DEV_ACTOR
        )
        await publish(jetstream, event)
        [hook] = await eventually(lambda: _deliveries(client, event.event_id, "webhook", "failed"))
        assert hook["attempts"] == 1 and "HTTP 404" in hook["last_error"]

        webhook_receiver.status = 204
        retried = await client.post(f"/deliveries/{hook['id']}/retry", headers=DEV_ACTOR)
        assert retried.status_code == 200
        [done] = await eventually(lambda: _deliveries(client, event.event_id, "webhook", "delivered"))
        again = await client.post(f"/deliveries/{hook['id']}/retry", headers=DEV_ACTOR)

    assert [a["outcome"] for a in done["history"]] == ["failed", "delivered"]
    assert len(webhook_receiver.calls) == 2
    assert again.status_code == 409


async def test_subscriptions_are_validated_and_can_be_removed(service: Callable[..., Any], smtp: SmtpServer) -> None:
    async with service(smtp_port=smtp.port) as client:
        bad = await client.post(
            "/subscriptions",
            json={"event_types": ["tdkt.>.award"], "url": "ftp://x", "secret": "ngan"},
            headers=DEV_ACTOR,
        )
        assert bad.status_code == 422
        errors = bad.json()["errors"]
        assert "không phải mẫu loại sự kiện hợp lệ" in errors["event_types"]
        assert "http://" in errors["url"]
        assert errors["secret"] == "Cần ít nhất 16 ký tự."

        created = await client.post(
            "/subscriptions", json=subscription("https://x.example/h", "tdkt.>"), headers=DEV_ACTOR
        )
        removed = await client.delete(f"/subscriptions/{created.json()['id']}", headers=DEV_ACTOR)
        assert removed.status_code == 204
        assert (await client.get("/subscriptions")).json() == []
        gone = await client.delete(f"/subscriptions/{created.json()['id']}", headers=DEV_ACTOR)
        assert gone.status_code == 404


async def test_a_unit_s_own_webhook_and_addresses_come_from_the_contacts_file(
    service: Callable[..., Any],
    smtp: SmtpServer,
    webhook_receiver: WebhookReceiver,
    jetstream: JetStreamContext,
    tmp_path: Path,
) -> None:
    contacts = tmp_path / "lien-he.yaml"
    contacts.write_text(
        "units:\n"
        "  PVHTT:\n"
        "    emails: [vanthu.vhtt@thanhoai.example]\n"
        f"    webhook: {webhook_receiver.url}\n"
        "    webhook_secret: khoa-rieng-cua-phong-van-hoa\n",
        encoding="utf-8",
    )
    event = events.registration_returned()
    async with service(smtp_port=smtp.port, notification_contacts_file=contacts) as client:
        await publish(jetstream, event)
        await eventually(lambda: _deliveries(client, event.event_id, "webhook", "delivered"))
        await eventually(lambda: smtp.to("vanthu.vhtt@thanhoai.example"))

    [call] = webhook_receiver.calls
    timestamp = call.headers["X-Tdkt-Timestamp"]
    mac = hmac.new(b"khoa-rieng-cua-phong-van-hoa", f"{timestamp}.".encode() + call.body, hashlib.sha256)
    assert call.headers["X-Tdkt-Signature"] == f"sha256={mac.hexdigest()}"
    assert json.loads(call.body)["reasons"] == ["Kế hoạch chưa nêu chỉ tiêu cụ thể", "Thiếu văn bản chỉ đạo"]
    [mail] = smtp.received
    assert mail.subject == "Trả lại hồ sơ đăng ký phong trào thi đua «Chuyển đổi số trong cơ quan hành chính»"
