"""What goes on the wire: the email message (UTF-8, stable Message-ID) and the retry schedule."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

from services.notifications.channels.email import build_message, sender_address
from services.notifications.deliveries import PENDING, DeliveryRecord
from services.notifications.worker import RetryPolicy


def record(**overrides: object) -> DeliveryRecord:
    fields: dict[str, object] = {
        "delivery_id": "a1b2c3",
        "event_id": "dossiers-1",
        "event_type": "tdkt.dossier.submitted",
        "template": "dossier_submitted",
        "channel": "email",
        "recipient": "PGDDT",
        "recipient_name": "Phòng Giáo dục và Đào tạo",
        "address": "phonggiaoduc@thanhoai.example",
        "subscription_id": None,
        "subject": "Đã tiếp nhận hồ sơ đề nghị khen thưởng số 07, hẹn trả kết quả ngày 15/06/2023",
        "body_text": "Kính gửi: Phòng Giáo dục và Đào tạo.\n",
        "body_html": "<p>Kính gửi: Phòng Giáo dục và Đào tạo.</p>",
        "payload": None,
        "status": PENDING,
        "attempts": 0,
        "attempt_limit": None,
        "next_attempt_at": None,
        "created_at": datetime.now(UTC),
        "delivered_at": None,
        "last_error": None,
    }
    fields.update(overrides)
    return DeliveryRecord(**fields)  # type: ignore[arg-type]


def test_the_email_reads_back_with_its_vietnamese_subject_names_and_both_bodies() -> None:
    sender = sender_address("Hệ thống thi đua – khen thưởng <thongbao@thanhoai.example>")
    raw = build_message(record(), sender).as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Đã tiếp nhận hồ sơ đề nghị khen thưởng số 07, hẹn trả kết quả ngày 15/06/2023"
    assert parsed["From"].addresses[0].display_name == "Hệ thống thi đua – khen thưởng"
    assert parsed["To"].addresses[0].display_name == "Phòng Giáo dục và Đào tạo"
    assert parsed["Message-ID"] == "<a1b2c3@tdkt.notifications>"
    assert parsed["X-Tdkt-Event-Id"] == "dossiers-1"
    assert parsed.get_body(("plain",)).get_content() == "Kính gửi: Phòng Giáo dục và Đào tạo.\n"
    assert "Phòng Giáo dục" in parsed.get_body(("html",)).get_content()
    assert all(byte < 128 for byte in raw), "headers and bodies are transfer-encoded"


def test_retries_back_off_exponentially_up_to_a_ceiling() -> None:
    policy_ = RetryPolicy(max_attempts=8, base_seconds=30, max_seconds=600)
    assert [policy_.delay(n) for n in range(1, 7)] == [30, 60, 120, 240, 480, 600]
