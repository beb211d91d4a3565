"""Hostile-input guards every service shares: a request body limit and a rate limit on writes.

The body limit refuses a declared `Content-Length` above `TDKT_MAX_BODY_BYTES` at once, and
stops reading a streamed body as soon as it passes the limit (413). The rate limit counts
writes (POST, PUT, PATCH, DELETE) per caller (its credentials, else its address) in a sliding
minute, `TDKT_RATE_LIMIT_PER_MINUTE` (0: off), and answers 429 with `Retry-After`. It is per
process: behind several replicas the limit is per replica (docs/security.md).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from typing import Any

from fastapi import FastAPI

from shared.settings import TdktSettings

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOO_LARGE = "Dữ liệu gửi lên vượt quá dung lượng cho phép ({limit} byte)."
TOO_MANY = "Gửi quá nhiều yêu cầu trong một phút; vui lòng thử lại sau ít giây."


class SlidingWindow:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str, now: float | None = None) -> float:
        """0 when admitted, else the seconds until the caller may try again."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - 60.0:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(0.1, 60.0 - (now - hits[0]))
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle callers rather than grow without bound
                for idle in [k for k, v in self._hits.items() if not v]:
                    del self._hits[idle]
            return 0.0


def caller_key(scope: dict[str, Any]) -> str:
    headers = dict(scope.get("headers") or [])
    credential = headers.get(b"authorization") or headers.get(b"x-actor-id")
    if credential:
        return "c:" + hashlib.sha256(credential).hexdigest()[:32]
    client = scope.get("client") or ("?", 0)
    return f"a:{client[0]}"


async def _answer(send: Any, status: int, detail: str, headers: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
    body = json.dumps({"type": "about:blank", "title": detail, "status": status, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LimitsMiddleware:
    def __init__(self, app: Any, *, max_body_bytes: int, per_minute: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.window = SlidingWindow(per_minute) if per_minute > 0 else None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _answer(send, 413, TOO_LARGE.format(limit=limit))
            return
        if self.window is not None and scope.get("method") in WRITES:
            wait = self.window.admit(caller_key(scope))
            if wait:
                await _answer(send, 429, TOO_MANY, [(b"retry-after", str(int(wait) + 1).encode())])
                return
        received = 0
        too_large = False

        async def limited_receive() -> Any:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise BodyTooLarge
            return message

        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _answer(send, 413, TOO_LARGE.format(limit=limit))
        except Exception:
            if too_large and not started:
                await _answer(send, 413, TOO_LARGE.format(limit=limit))
                return
            raise


class BodyTooLarge(Exception):
    pass


def install_limits(app: FastAPI, settings: TdktSettings) -> None:
    app.add_middleware(
        LimitsMiddleware,
        max_body_bytes=settings.max_body_bytes,
        per_minute=settings.rate_limit_per_minute,
    )
