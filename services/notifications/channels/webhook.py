"""Webhooks: an HTTP POST of the event JSON, signed (see `signing.py`).

Headers: `X-Tdkt-Signature`, `X-Tdkt-Timestamp`, and `X-Tdkt-Event-Type`, `X-Tdkt-Event-Id`,
`X-Tdkt-Delivery-Id` (the receiver's idempotency key: a call may arrive twice if we crash
between its 2xx answer and our commit). Any 2xx is success; 408, 425, 429 and 5xx, timeouts and
connection errors are retried; other answers are permanent failures (a 404 will not heal).
Redirects are not followed: the signed call goes only where it was registered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx

from services.notifications import signing
from services.notifications.channels import PermanentDeliveryError, TransientDeliveryError
from services.notifications.deliveries import DeliveryRecord

RETRYABLE_STATUSES = frozenset({408, 425, 429})

SecretLookup = Callable[[DeliveryRecord], str | None]


class WebhookSender:
    def __init__(
        self, secret_for: SecretLookup, *, timeout_seconds: float = 10.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.secret_for = secret_for
        self.timeout_seconds = timeout_seconds
        self.clock = clock

    async def send(self, delivery: DeliveryRecord) -> str:
        secret = await asyncio.to_thread(self.secret_for, delivery)
        if not secret:
            raise PermanentDeliveryError("Đăng ký webhook đã bị xóa hoặc chưa có khóa ký; không gửi.")
        body = (delivery.payload or "{}").encode("utf-8")
        timestamp = int(self.clock())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "tdkt-notifications/0.1",
            signing.TIMESTAMP_HEADER: str(timestamp),
            signing.SIGNATURE_HEADER: signing.sign(secret, timestamp, body),
            "X-Tdkt-Event-Type": delivery.event_type,
            "X-Tdkt-Event-Id": delivery.event_id,
            "X-Tdkt-Delivery-Id": delivery.delivery_id,
        }
        try:
            async with httpx.AsyncClient(timeout=self.timeout_seconds, follow_redirects=False) as client:
                response = await client.post(delivery.address, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise TransientDeliveryError(f"Hết thời gian chờ {delivery.address} trả lời ({exc!r}).") from exc
        except httpx.HTTPError as exc:
            raise TransientDeliveryError(f"Không kết nối được {delivery.address}: {exc!r}") from exc
        status = response.status_code
        if 200 <= status < 300:
            return f"HTTP {status}"
        if status in RETRYABLE_STATUSES or status >= 500:
            raise TransientDeliveryError(f"{delivery.address} trả lời HTTP {status}; sẽ thử lại.")
        raise PermanentDeliveryError(f"{delivery.address} từ chối: HTTP {status}.")
