"""Real parts for the notifications tests: an SMTP server (aiosmtpd), a webhook receiver
(http.server in a thread), the service's app running in the test's event loop, and helpers to
publish events as the other services do. Fixtures wrapping these are in conftest.py; the
end-to-end tests import them from here."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from nats.js.client import JetStreamContext

from services.notifications.settings import NotificationsSettings
from shared.contracts.base import EventContract
from shared.natsserver import free_port
from shared.streams import stream_for_subject
from shared.testing.jetstream import eventually  # noqa: F401  (re-exported for the tests)

DEV_ACTOR = {"X-Actor-Id": "qtv.he-thong", "X-Actor-Role": "operator", "X-Actor-Unit": "PNV"}


# --- SMTP ------------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        body = self.message.get_body(("plain",))
        return str(body.get_content()).replace("\r\n", "\n") if body else ""


class SmtpSink:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"


class SmtpServer:
    """A real SMTP server on a fixed local port, which a test may start late (the "down" case)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.sink = SmtpSink()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[ReceivedMail]:
        return list(self.sink.received)

    def to(self, address: str) -> list[ReceivedMail]:
        return [m for m in self.received if address in m.rcpt_tos]


# --- webhook receiver ------------------------------------------------------------------------


@dataclass
class ReceivedCall:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """An HTTP server in a thread that records every POST and answers `status`."""

    url: str = ""
    calls: list[ReceivedCall] = field(default_factory=list)
    status: int = 200
    _server: ThreadingHTTPServer | None = None

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.calls.append(ReceivedCall(self.path, dict(self.headers.items()), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tdkt-events"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


# --- the service ------------------------------------------------------------------------------


def fast_settings(nats_url: str, var_dir: Path, **overrides: Any) -> NotificationsSettings:
    """Real loops, short delays: retries in fractions of a second.

    The sample events date from 2023, so their appointment dates have passed: the reminder
    scheduler checks only hourly here, unless a test asks for it, to keep its notices out of
    counts that are not about reminders."""
    values: dict[str, Any] = {
        "nats_url": nats_url,
        "var_dir": var_dir,
        "dev_mode": True,
        "smtp_timeout_seconds": 2.0,
        "webhook_timeout_seconds": 2.0,
        "notification_retry_base_seconds": 0.2,
        "notification_retry_max_seconds": 0.5,
        "notification_max_attempts": 20,
        "notification_worker_poll_seconds": 0.05,
        "notification_outbox_poll_seconds": 0.1,
        "notification_reminder_check_seconds": 3600.0,
        "consumer_backoff_seconds": (0.1,),
    }
    values.update(overrides)
    return NotificationsSettings(**values)


@contextlib.asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app's lifespan (broker, worker, publisher, scheduler) in this event loop, and a client."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as client:
            yield client


# --- publishing and waiting ------------------------------------------------------------------


async def publish(js: JetStreamContext, event: EventContract, *, msg_id: str | None = None) -> None:
    """Publish as the owning service's relay does (CloudEvents headers, Nats-Msg-Id)."""
    headers = event.headers()
    if msg_id:
        headers["Nats-Msg-Id"] = msg_id
    await js.publish(
        event.subject,
        json.dumps(event.payload()).encode(),
        stream=stream_for_subject(event.subject).name,
        headers=headers,
    )


async def consumed(js: JetStreamContext, stream: str, count: int) -> bool:
    """Whether the service's durable consumer on `stream` has acked its first `count` messages."""
    info = await js.consumer_info(stream, f"notifications-{stream.lower()}")
    return info.ack_floor.stream_seq >= count and info.num_ack_pending == 0


async def stream_events(js: JetStreamContext, stream: str, subject: str) -> list[dict[str, Any]]:
    """Payloads of every message on `subject` in `stream`, in order."""
    info = await js.stream_info(stream)
    if info.state.messages == 0:
        return []
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        message = await js.get_msg(stream, seq)
        if message.subject == subject:
            found.append(json.loads(message.data))
    return found
