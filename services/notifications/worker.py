"""The delivery worker: sends pending deliveries, retries on a schedule, records every attempt.

It runs beside the consumer, never inside it: the consumer only records deliveries and acks, so
a mail server that is down, or a webhook that hangs, delays only its own deliveries. Up to
`concurrency` sends run at once; a slow one does not hold the others.

Crash between send and record: the choice is **at least once**. If the process dies after the
SMTP server said 250 (or the webhook answered 2xx) but before the outcome is committed, the
claim's lease expires and another attempt sends again. The copy is recognisable: the same
`Message-ID` (mail stores and clients drop it) and the same `X-Tdkt-Delivery-Id` (the webhook
receiver's idempotency key). The opposite choice (at most once) would silently lose a notice
whenever a crash hit before the send, which for a deadline or a refusal is worse than a
duplicate. On a graceful shutdown the worker lets in-flight sends finish and records them.
When the database is unreachable at the moment of recording, the worker keeps the outcome in
memory and tries again until shortly before its lease ends, so a database outage shorter than
the lease does not turn one sent notice into two.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter

from services.notifications.channels import PermanentDeliveryError, Sender
from services.notifications.claims import Claim, ClaimStore, Outcome
from services.notifications.deliveries import DELIVERED, FAILED, PENDING
from shared.background import BackgroundLoop
from shared.dberrors import is_database_unavailable

log = logging.getLogger(__name__)

SENT = Counter("tdkt_notification_attempts_total", "Delivery attempts by channel and outcome", ["channel", "outcome"])


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off: base, 2×base, 4×base … capped; then give up after `max_attempts`."""

    max_attempts: int = 8
    base_seconds: float = 30.0
    max_seconds: float = 3600.0

    def delay(self, attempt: int) -> float:
        return float(min(self.base_seconds * 2 ** max(attempt - 1, 0), self.max_seconds))


def utc_now() -> datetime:
    return datetime.now(UTC)


class DeliveryWorker:
    def __init__(
        self,
        store: ClaimStore,
        senders: Mapping[str, Sender],
        policy: RetryPolicy,
        *,
        worker_id: str,
        concurrency: int = 8,
        poll_seconds: float = 2.0,
        lease_seconds: float = 120.0,
        shutdown_grace_seconds: float = 15.0,
        on_outcome: Callable[[], None] = lambda: None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.senders = dict(senders)
        self.policy = policy
        self.worker_id = worker_id
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self.shutdown_grace_seconds = shutdown_grace_seconds
        self.on_outcome = on_outcome
        self.clock = clock
        self._in_flight: set[asyncio.Task[None]] = set()
        self._background = BackgroundLoop("notification delivery worker", self._round, interval=poll_seconds)

    def wake(self) -> None:
        """Callable from any thread: the consumer calls it after recording new deliveries."""
        self._background.wake()

    async def run(self) -> None:
        """Until cancelled (`shared.background`): claim what is due, up to `concurrency` sends at
        once; woken by new deliveries, by each finished send and by a timer."""
        try:
            await self._background.run()
        finally:
            if self._in_flight:  # graceful shutdown: let sends finish and be recorded
                await asyncio.wait(self._in_flight, timeout=self.shutdown_grace_seconds)

    async def _round(self) -> None:
        free = self.concurrency - len(self._in_flight)
        if free <= 0:
            return
        for claim in await self._claim(free):
            task = asyncio.create_task(self.deliver(claim))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
            task.add_done_callback(lambda _: self._background.wake())

    async def run_once(self) -> int:
        """Claim what is due and deliver it all; returns how many were attempted (for tests)."""
        claims = await self._claim(self.concurrency)
        await asyncio.gather(*(self.deliver(claim) for claim in claims))
        return len(claims)

    async def _record(self, claim: Claim, outcome: Outcome) -> bool | None:
        """Record the outcome; None when it could not be recorded before the lease ends."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 0.8 * self.lease_seconds
        delay = 0.5
        while True:
            try:
                return await asyncio.to_thread(self.store.finish, claim, outcome, self.clock())
            except Exception as exc:
                if not is_database_unavailable(exc) or loop.time() + delay > deadline:
                    # The lease will expire and the delivery be tried again: at least once, never lost.
                    log.exception(
                        "không ghi được kết quả gửi %s; sẽ gửi lại khi hết hạn giữ quyền", claim.record.delivery_id
                    )
                    return None
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _claim(self, limit: int) -> list[Claim]:
        try:
            return await asyncio.to_thread(
                self.store.claim_due, self.worker_id, limit, self.clock(), self.lease_seconds
            )
        except Exception:
            log.exception("không nhận được việc gửi từ cơ sở dữ liệu; thử lại sau")
            return []

    async def deliver(self, claim: Claim) -> None:
        record = claim.record
        try:
            detail = await self.senders[record.channel].send(record)
            outcome = Outcome(DELIVERED, detail)
        except PermanentDeliveryError as exc:
            outcome = Outcome(FAILED, str(exc))
        except Exception as exc:
            error = str(exc) or type(exc).__name__
            limit = record.attempt_limit or self.policy.max_attempts
            if claim.attempt >= limit:
                outcome = Outcome(FAILED, f"{error} (đã thử {claim.attempt} lần, dừng)")
            else:
                next_at = self.clock() + timedelta(seconds=self.policy.delay(claim.attempt))
                outcome = Outcome(PENDING, error, next_attempt_at=next_at)
        SENT.labels(record.channel, outcome.status).inc()
        kept = await self._record(claim, outcome)
        if kept is None:
            return
        if not kept:
            log.warning("mất quyền gửi %s (đã quá hạn giữ quyền); kết quả của lần khác được giữ", record.delivery_id)
            return
        if outcome.status == FAILED:
            log.error("gửi %s tới %s thất bại: %s", record.channel, record.address, outcome.detail)
        elif outcome.status == PENDING:
            log.warning(
                "gửi %s tới %s chưa được (lần %s): %s; thử lại lúc %s",
                record.channel,
                record.address,
                claim.attempt,
                outcome.detail,
                outcome.next_attempt_at,
            )
        if outcome.status in (DELIVERED, FAILED):
            self.on_outcome()
