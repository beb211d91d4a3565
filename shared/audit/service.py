"""The audit pieces of an event-sourced service: its checkpoint publisher (a background job) and
its read-only endpoints for the auditor role (`GET /audit/verify`, `GET /audit/chain`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, FastAPI

from shared.audit.chainstore import ChainReader
from shared.audit.checkpoints import CheckpointPublisher
from shared.audit.keys import PublicKeySet, SigningKey
from shared.audit.verification import verify_service
from shared.http.problems import ProblemError
from shared.http.roles import AuditorDep
from shared.http.service import ServiceRuntime, jetstream_publisher
from shared.messaging.relay import OutboxRelay
from shared.streams import StreamSpec

log = logging.getLogger(__name__)


def install_audit(app: FastAPI, runtime: ServiceRuntime, relay: OutboxRelay, *, public_stream: StreamSpec) -> None:
    """Add the checkpoint job (when a signing key is configured) and the auditor's endpoints."""
    chain = ChainReader.of(relay.app)
    if chain is None:
        return
    settings = runtime.settings
    service = relay.service
    publisher: CheckpointPublisher | None = None
    key_file = settings.audit_signing_key_file
    if key_file is not None and not key_file.exists():
        log.error("%s: the signing key %s does not exist: its hash chains are NOT checkpointed", service, key_file)
        key_file = None
    if key_file is not None:
        publisher = CheckpointPublisher(
            chain,
            relay.published_position,
            jetstream_publisher(runtime.broker),
            SigningKey.load(key_file, service),
            public_stream=public_stream.name,
            interval_seconds=settings.audit_checkpoint_seconds,
        )

        async def checkpoints() -> None:
            assert publisher is not None
            await publisher.run(runtime.broker_started)

        runtime.background_jobs.append(checkpoints)
    else:
        log.warning("%s: no TDKT_AUDIT_SIGNING_KEY_FILE: its hash chains are not checkpointed", service)
    app.state.checkpoints = publisher
    app.include_router(_router(runtime, relay, chain, public_stream.name))


def _router(runtime: ServiceRuntime, relay: OutboxRelay, chain: ChainReader, public_stream: str) -> APIRouter:
    router = APIRouter(prefix="/audit", tags=["kiểm toán"])

    @router.get("/chain", summary="Đầu chuỗi băm hiện tại của kho sự kiện (chỉ đọc, vai trò auditor)")
    async def chain_heads(_: AuditorDep) -> dict[str, Any]:
        position = await asyncio.to_thread(relay.published_position)
        (log_all, stream_all), (log_pub, stream_pub) = await asyncio.gather(
            asyncio.to_thread(chain.heads), asyncio.to_thread(chain.heads, position)
        )
        return {
            "service": relay.service,
            "public_stream": public_stream,
            "stored": {"log": vars(log_all), "stream": vars(stream_all)},
            "published_position": position,
            "published": {"log": vars(log_pub), "stream": vars(stream_pub)},
        }

    @router.get(
        "/verify",
        summary="Đối chiếu kho sự kiện với luồng NATS và các điểm kiểm đã ký (chỉ đọc, vai trò auditor)",
    )
    async def verify(_: AuditorDep) -> dict[str, Any]:
        if not runtime.broker_started.is_set():
            raise ProblemError(503, "Chưa kết nối được NATS nên chưa đối chiếu được với các luồng sự kiện.")
        report = await verify_service(
            relay.service,
            chain,
            runtime.broker.config.connection_state.stream,
            public_stream=public_stream,
            keys=PublicKeySet.load(runtime.settings.audit_public_keys_file),
            published_position=await asyncio.to_thread(relay.published_position),
        )
        return report.as_dict()

    return router
