"""Signed checkpoints: at an interval, each event-sourced service signs the heads of its two
chains (its public stream's and its store log's, the journal's) and publishes them as
`tdkt.audit.checkpoint` to the `TDKT_AUDIT` stream.

A checkpoint covers only what the relay has published (its recorded position), so every event
it attests is in the streams an auditor reads. Its message id is derived from the chain, the
position and the head, so replicas signing the same head publish one message. A store rewritten
afterwards (even with every hash recomputed) no longer ends in the signed head: `tdkt audit
verify` says so, and so can anyone holding the public keys and the published events.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from shared.actor import SYSTEM_ACTOR
from shared.audit.chain import LOG_CHAIN, STREAM_CHAIN, Head, canonical
from shared.audit.chainstore import ChainReader
from shared.audit.keys import ALGORITHM, PublicKeySet, SigningKey
from shared.contracts.audit import AuditCheckpoint, signed_content
from shared.contracts.base import ActorInfo
from shared.streams import journal_stream

log = logging.getLogger(__name__)

Publish = Callable[[str, dict[str, Any] | bytes, dict[str, str]], Awaitable[Any]]


def build_checkpoint(
    key: SigningKey, *, stream: str, chain: str, head: Head, store_position: int, now: datetime | None = None
) -> AuditCheckpoint:
    signed_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat().replace("+00:00", "Z")
    fields = {
        "service": key.service,
        "stream": stream,
        "chain": chain,
        "position": head.index,
        "head": head.hash,
        "signed_at": signed_at,
        "key_id": key.key_id,
        "algorithm": ALGORITHM,
    }
    signature = key.sign(canonical(fields))
    return AuditCheckpoint(
        event_id=f"checkpoint-{key.service}-{chain}-{head.index}-{head.hash[:16]}",
        source=f"/services/{key.service}",
        occurred_at=datetime.fromisoformat(signed_at.replace("Z", "+00:00")),
        actor=ActorInfo(**SYSTEM_ACTOR.as_dict()),
        aggregate_id=stream,
        aggregate_version=head.index,
        store_position=store_position,
        signature=signature,
        **{k: v for k, v in fields.items() if k != "algorithm"},
    )


def check_signature(payload: dict[str, Any], keys: PublicKeySet) -> str | None:
    """None when the checkpoint is signed by a configured key of its service; else why not."""
    key = keys.get(str(payload.get("key_id")))
    if key is None:
        return f"khóa {payload.get('key_id')} không có trong danh sách khóa công khai của hệ thống"
    if key.service != payload.get("service"):
        return f"khóa {key.key_id} thuộc dịch vụ {key.service}, không phải {payload.get('service')}"
    if payload.get("algorithm") != ALGORITHM:
        return f"thuật toán {payload.get('algorithm')} không được chấp nhận"
    if not key.verify(str(payload.get("signature", "")), canonical(signed_content(payload))):
        return "chữ ký không hợp lệ với khóa công khai đã công bố"
    return None


class CheckpointPublisher:
    """Signs and publishes the chain heads of one service when they have grown."""

    def __init__(
        self,
        chain: ChainReader,
        published_position: Callable[[], int],
        publish: Publish,
        key: SigningKey,
        *,
        public_stream: str,
        interval_seconds: float,
    ) -> None:
        self.chain = chain
        self.published_position = published_position
        self.publish = publish
        self.key = key
        self.public_stream = public_stream
        self.journal_stream = journal_stream(key.service).name
        self.interval_seconds = interval_seconds
        self.last: dict[str, Head] = {}

    async def publish_once(self) -> list[AuditCheckpoint]:
        position = await asyncio.to_thread(self.published_position)
        if not position:
            return []
        log_head, stream_head = await asyncio.to_thread(self.chain.heads, position)
        sent = []
        for chain, stream, head in (
            (STREAM_CHAIN, self.public_stream, stream_head),
            (LOG_CHAIN, self.journal_stream, log_head),
        ):
            if head.index == 0 or self.last.get(chain) == head:
                continue
            checkpoint = build_checkpoint(self.key, stream=stream, chain=chain, head=head, store_position=position)
            await self.publish(checkpoint.subject, checkpoint.payload(), checkpoint.headers())
            self.last[chain] = head
            sent.append(checkpoint)
        return sent

    async def run(self, started: asyncio.Event) -> None:
        await started.wait()
        while True:
            try:
                await self.publish_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # NATS or the database away: the next round tries again
                log.warning("checkpoint of %s not published: %s", self.key.service, exc)
            await asyncio.sleep(self.interval_seconds)
