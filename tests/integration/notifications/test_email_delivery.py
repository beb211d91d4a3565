"""Email over a real SMTP server from events on a real nats-server: the right Vietnamese notice,
once in effect whatever is redelivered, and delivered after the mail server comes back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nats.js.client import JetStreamContext

from shared.contracts.notifications import NotificationDelivered
from shared.streams import DOSSIERS, NOTIFICATIONS
from tests.support import notification_events as events
from tests.support.notifications import (
    DEV_ACTOR,
    SmtpServer,
    consumed,
    eventually,
    publish,
    stream_events,
)

UNIT_ADDRESS = "phonggiaoduc@thanhoai.example"
PNV_ADDRESSES = ("thiduakhenthuong.pnv@thanhoai.example", "vanthu.pnv@thanhoai.example")


async def test_a_submitted_dossier_mails_its_receipt_once_even_when_the_event_comes_again(
    service: Callable[..., Any], smtp: SmtpServer, jetstream: JetStreamContext
) -> None:
    event = events.dossier_submitted()
    async with service(smtp_port=smtp.port) as client:
        await publish(jetstream, event)
        await eventually(lambda: len(smtp.received) == 3)

        [receipt] = smtp.to(UNIT_ADDRESS)
        assert receipt.subject == (
            "Đã tiếp nhận hồ sơ đề nghị khen thưởng số 000.00.19.H26-230601-0007, hẹn trả kết quả ngày 15/06/2023"
        )
        assert receipt.text.startswith("Kính gửi: Phòng Giáo dục và Đào tạo.\n")
        assert "- Ngày hẹn trả kết quả: 15/06/2023" in receipt.text
        assert str(receipt.message["From"]) == "Hệ thống thi đua – khen thưởng <thongbao@thanhoai.example>"
        for address in PNV_ADDRESSES:
            [arrived] = smtp.to(address)
            assert arrived.subject == "Hồ sơ mới số 000.00.19.H26-230601-0007 của Phòng Giáo dục và Đào tạo"

        # JetStream redelivery is covered by the consumer's idempotence; a re-publication under a new
        # message id (past the duplicate window) reaches the handler and must change nothing either.
        await publish(jetstream, event, msg_id="dossiers-1-republished")
        await eventually(lambda: consumed(jetstream, DOSSIERS.name, 2))
        deliveries = (await client.get("/deliveries", params={"event_id": event.event_id})).json()

    assert len(smtp.received) == 3
    assert sorted((d["channel"], d["recipient"], d["status"]) for d in deliveries) == [
        ("email", "PGDDT", "delivered"),
        ("email", "PNV", "delivered"),
        ("email", "PNV", "delivered"),
        ("inbox", "PGDDT", "delivered"),
        ("inbox", "PNV", "delivered"),
    ]
    email = next(d for d in deliveries if d["address"] == UNIT_ADDRESS)
    assert [a["outcome"] for a in email["history"]] == ["delivered"]
    assert "đã nhận thư" in email["history"][0]["detail"]
    assert receipt.message["Message-ID"] == f"<{email['id']}@tdkt.notifications>"


async def test_each_delivery_is_announced_on_the_notifications_stream(
    service: Callable[..., Any], smtp: SmtpServer, jetstream: JetStreamContext
) -> None:
    async with service(smtp_port=smtp.port):
        await publish(jetstream, events.award_decided())
        announced = await eventually(
            lambda: _delivered(jetstream), timeout=15
        )  # 2 units' channels + the nominee's inbox and email
    by_channel = sorted((e.channel, e.recipient) for e in announced)
    assert by_channel == [
        ("email", "PGDDT"),
        ("email", "huong.nt@thcskimbai.example"),
        ("inbox", "PGDDT"),
        ("inbox", "huong.nt@thcskimbai.example"),
    ]
    assert {e.cause_event_id for e in announced} == {"dossiers-6"}
    assert all(e.attempts == 1 for e in announced)


async def _delivered(js: JetStreamContext) -> list[NotificationDelivered] | None:
    payloads = await stream_events(js, NOTIFICATIONS.name, NotificationDelivered.subject)
    return [NotificationDelivered.model_validate(p) for p in payloads] if len(payloads) == 4 else None


async def test_mail_waits_while_the_smtp_server_is_down_and_goes_out_once_it_is_back(
    service: Callable[..., Any], smtp_down: SmtpServer, jetstream: JetStreamContext
) -> None:
    event = events.supplement_requested()
    async with service(smtp_port=smtp_down.port) as client:
        await publish(jetstream, event)

        async def retried() -> dict[str, Any] | None:
            rows = (await client.get("/deliveries", params={"event_id": event.event_id, "channel": "email"})).json()
            return rows[0] if rows and rows[0]["attempts"] >= 2 and rows[0]["status"] == "pending" else None

        waiting = await eventually(retried)
        assert "Không gửi được qua máy chủ SMTP" in waiting["last_error"]
        # The stream moved on: the event was acked although nothing could be sent.
        assert await consumed(jetstream, DOSSIERS.name, 1)

        smtp_down.start()
        await eventually(lambda: smtp_down.to(UNIT_ADDRESS))
        [row] = await eventually(
            lambda: _rows_with_status(client, event.event_id, "delivered"),
        )

    assert len(smtp_down.received) == 1
    assert smtp_down.received[0].subject == "Yêu cầu bổ sung, hoàn thiện hồ sơ số 000.00.19.H26-230601-0007"
    outcomes = [a["outcome"] for a in row["history"]]
    assert outcomes[-1] == "delivered" and set(outcomes[:-1]) == {"retry"} and len(outcomes) >= 3


async def _rows_with_status(client: Any, event_id: str, status: str) -> list[dict[str, Any]] | None:
    rows = (await client.get("/deliveries", params={"event_id": event_id, "channel": "email"})).json()
    return rows if rows and all(r["status"] == status for r in rows) else None


async def test_the_inbox_lists_notices_for_a_unit_and_marks_them_read(
    service: Callable[..., Any], smtp: SmtpServer, jetstream: JetStreamContext
) -> None:
    async with service(smtp_port=smtp.port) as client:
        await publish(jetstream, events.dossier_submitted())
        inbox = await eventually(
            lambda: _inbox_with(client, "pnv", 1),
        )
        [item] = inbox["items"]
        assert item["subject"] == "Hồ sơ mới số 000.00.19.H26-230601-0007 của Phòng Giáo dục và Đào tạo"
        assert (inbox["recipient"], inbox["unread"], item["read"]) == ("PNV", 1, False)

        refused = await client.post(f"/inbox/{item['id']}/read")
        assert refused.status_code == 401  # a command names its actor
        read = await client.post(f"/inbox/{item['id']}/read", headers=DEV_ACTOR)
        assert read.status_code == 200 and read.json()["read_by"] == "qtv.he-thong"
        again = (await client.get("/inbox", params={"recipient": "PNV"})).json()
        assert (again["unread"], again["items"][0]["read"]) == (0, True)
        unread_only = (await client.get("/inbox", params={"recipient": "PNV", "unread_only": True})).json()
        assert unread_only["items"] == []
        missing = await client.post("/inbox/khong-co/read", headers=DEV_ACTOR)
        assert missing.status_code == 404 and missing.json()["detail"].startswith("Không có thông báo")


async def _inbox_with(client: Any, recipient: str, count: int) -> dict[str, Any] | None:
    inbox = (await client.get("/inbox", params={"recipient": recipient})).json()
    return inbox if len(inbox["items"]) == count else None
