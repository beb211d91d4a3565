"""The outside world the notifications service talks to: an SMTP server that can be slow, and a
webhook endpoint that accepts the connection and never answers (the caller's timeout fires)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.controller import Controller

from shared.natsserver import free_port


@dataclass(frozen=True)
class Mail:
    event_id: str
    message_id: str
    recipients: tuple[str, ...]


@dataclass
class SmtpSink:
    delay_seconds: float = 0.0
    received: list[Mail] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(
            Mail(
                str(message.get("X-Tdkt-Event-Id", "")),
                str(message.get("Message-ID", "")),
                tuple(a.lower() for a in envelope.rcpt_tos),
            )
        )
        return "250 OK"

    def sent_twice(self) -> int:
        """Notices received more than once for one event and recipient, under different
        Message-IDs (a re-send with the same Message-ID is the same message to a mail system)."""
        distinct: dict[tuple[str, str], set[str]] = {}
        for mail in self.received:
            for rcpt in mail.recipients:
                distinct.setdefault((mail.event_id, rcpt), set()).add(mail.message_id)
        return sum(len(ids) - 1 for ids in distinct.values() if len(ids) > 1)

    def resent_same_message_id(self) -> int:
        counts = Counter((m.message_id, r) for m in self.received for r in m.recipients)
        return sum(n - 1 for n in counts.values() if n > 1)


class SmtpServer:
    def __init__(self, delay_seconds: float = 0.0) -> None:
        self.port = free_port()
        self.sink = SmtpSink(delay_seconds)
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


class SilentWebhook:
    """Accepts TCP connections, reads, never answers."""

    def __init__(self) -> None:
        self.port = free_port()
        self.connections = 0
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", self.port))
        self._held: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> SilentWebhook:
        self._socket.listen(64)
        threading.Thread(target=self._accept, daemon=True, name="chaos-silent-webhook").start()
        return self

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            self._held.append(conn)

    def stop(self) -> None:
        self._socket.close()
        for conn in self._held:
            conn.close()
