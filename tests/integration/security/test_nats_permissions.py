"""The real nats-server refuses a service publishing outside its own subjects.

Starts its own nats-server with the services' accounts (CI's shared server on 4222 has none).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import nats
import pytest
from nats.errors import TimeoutError as NatsTimeout

from shared.natsaccounts import ADMIN_USER
from shared.streams import ALL_STREAMS, CAMPAIGNS, DOSSIERS, ensure_streams
from shared.testing.jetstream import eventually
from shared.testing.servers import NATS_PASSWORDS, accounts_nats_server


async def _connect_as(url: str, user: str, errors: list[str]) -> nats.NATS:
    async def collect(exc: Exception) -> None:
        errors.append(str(exc))

    return await nats.connect(url, user=user, password=NATS_PASSWORDS[url][user], error_cb=collect)


async def test_a_service_may_publish_its_own_events_and_is_refused_anothers(tmp_path: Path) -> None:
    with accounts_nats_server(tmp_path / "nats") as server:
        errors: list[str] = []
        admin = await _connect_as(server.url, ADMIN_USER, errors)
        await ensure_streams(admin.jetstream(), ALL_STREAMS)
        campaigns = await _connect_as(server.url, "campaigns", errors)
        js = campaigns.jetstream()

        ack = await js.publish("tdkt.campaign.registered", b"{}", stream=CAMPAIGNS.name)
        assert ack.seq == 1

        with pytest.raises((NatsTimeout, asyncio.TimeoutError)):
            await js.publish("tdkt.award.decided", b'{"forged": true}', stream=DOSSIERS.name, timeout=1.0)
        await eventually(lambda: any("permissions violation" in e.lower() for e in errors), timeout=5)
        assert (await admin.jetstream().stream_info(DOSSIERS.name)).state.messages == 0

        await campaigns.close()
        await admin.close()


async def test_a_wrong_password_is_refused(tmp_path: Path) -> None:
    with accounts_nats_server(tmp_path / "nats") as server, pytest.raises(Exception, match=r"[Aa]uthorization"):
        await nats.connect(
            server.url, user="dossiers", password="not-the-password", allow_reconnect=False, connect_timeout=2
        )
