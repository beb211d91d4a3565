"""Fixtures: a real SMTP server, a real webhook receiver, the service on the session's nats-server."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from nats.js.client import JetStreamContext

from services.notifications.app import build_app
from tests.support.notifications import SmtpServer, WebhookReceiver, fast_settings, running


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """An SMTP server whose port is known but which runs only once the test starts it."""
    server = SmtpServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()


@pytest.fixture
def service(
    nats_url: str, jetstream: JetStreamContext, tmp_path: Path
) -> Callable[..., contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]:
    """`async with service(smtp_port=…, **settings) as client:` runs the service on fresh streams."""

    def start(**overrides: Any) -> contextlib.AbstractAsyncContextManager[httpx.AsyncClient]:
        settings = {"smtp_host": "127.0.0.1", **overrides}
        return running(build_app(fast_settings(nats_url, tmp_path / "var", **settings)))

    return start
