"""The delivery worker's side of the database: claim a due delivery, record how it went.

Claiming is one conditional UPDATE (`… WHERE delivery_id = ? AND status = 'pending' AND
next_attempt_at <= now`, or a `sending` row whose lease ran out): on SQLite the write lock and on
PostgreSQL the row lock make exactly one worker see `rowcount = 1`, so two replicas never send
the same delivery at the same time. The claim carries a lease; a worker that dies mid-send loses
it and another worker re-sends after it expires (at least once: see the crash note in
`worker.py`). Finishing checks that the claim is still ours, and writes the outcome, the attempt
and the outcome event (outbox) in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, and_, or_, select

from services.notifications import outbox
from services.notifications.deliveries import DELIVERED, FAILED, PENDING, SENDING, DeliveryRecord
from services.notifications.recipients import INBOX
from services.notifications.tables import attempts, deliveries

IN_PROGRESS = "in_progress"
INTERRUPTED = "interrupted"
RETRY = "retry"


@dataclass(frozen=True)
class Claim:
    record: DeliveryRecord
    attempt: int
    worker: str


@dataclass(frozen=True)
class Outcome:
    status: str
    """DELIVERED, PENDING (retry at `next_attempt_at`) or FAILED"""
    detail: str
    next_attempt_at: datetime | None = None


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        deliveries.c.channel != INBOX,
        or_(
            and_(deliveries.c.status == PENDING, deliveries.c.next_attempt_at <= now),
            and_(deliveries.c.status == SENDING, deliveries.c.lease_until < now),
        ),
    )


class ClaimStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim_due(self, worker: str, limit: int, now: datetime, lease_seconds: float) -> list[Claim]:
        """Claim up to `limit` due deliveries for `worker`; rows another worker won are skipped."""
        with self.engine.connect() as conn:
            candidates = conn.execute(
                select(deliveries.c.delivery_id).where(_due(now)).order_by(deliveries.c.next_attempt_at).limit(limit)
            ).scalars()
            ids = list(candidates)
        claims = []
        for delivery_id in ids:
            claim = self._claim_one(delivery_id, worker, now, lease_seconds)
            if claim is not None:
                claims.append(claim)
        return claims

    def _claim_one(self, delivery_id: str, worker: str, now: datetime, lease_seconds: float) -> Claim | None:
        with self.engine.begin() as conn:
            won = conn.execute(
                deliveries.update()
                .where(deliveries.c.delivery_id == delivery_id, _due(now))
                .values(
                    status=SENDING,
                    lease_until=now + timedelta(seconds=lease_seconds),
                    claimed_by=worker,
                    attempts=deliveries.c.attempts + 1,
                )
            )
            if won.rowcount != 1:
                return None
            conn.execute(
                attempts.update()
                .where(attempts.c.delivery_id == delivery_id, attempts.c.outcome == IN_PROGRESS)
                .values(
                    outcome=INTERRUPTED,
                    finished_at=now,
                    detail="Lần gửi bị gián đoạn (tiến trình dừng giữa chừng); gửi lại.",
                )
            )
            record = DeliveryRecord.from_row(
                conn.execute(select(deliveries).where(deliveries.c.delivery_id == delivery_id)).one()
            )
            conn.execute(
                attempts.insert().values(
                    delivery_id=delivery_id,
                    number=record.attempts,
                    worker=worker,
                    started_at=now,
                    outcome=IN_PROGRESS,
                )
            )
        return Claim(record=record, attempt=record.attempts, worker=worker)

    def finish(self, claim: Claim, outcome: Outcome, now: datetime) -> bool:
        """Record the outcome if the claim is still ours; False when the lease was lost meanwhile."""
        values: dict[str, object] = {"status": outcome.status, "lease_until": None, "claimed_by": None}
        if outcome.status == DELIVERED:
            values.update(delivered_at=now, next_attempt_at=None)
        elif outcome.status == PENDING:
            values.update(next_attempt_at=outcome.next_attempt_at, last_error=outcome.detail)
        else:
            values.update(next_attempt_at=None, last_error=outcome.detail)
        with self.engine.begin() as conn:
            kept = conn.execute(
                deliveries.update()
                .where(
                    deliveries.c.delivery_id == claim.record.delivery_id,
                    deliveries.c.status == SENDING,
                    deliveries.c.claimed_by == claim.worker,
                    deliveries.c.attempts == claim.attempt,
                )
                .values(**values)
            )
            if kept.rowcount != 1:
                return False
            conn.execute(
                attempts.update()
                .where(attempts.c.delivery_id == claim.record.delivery_id, attempts.c.number == claim.attempt)
                .values(
                    outcome=RETRY if outcome.status == PENDING else outcome.status,
                    finished_at=now,
                    detail=outcome.detail,
                )
            )
            if outcome.status in (DELIVERED, FAILED):
                error = None if outcome.status == DELIVERED else outcome.detail
                outbox.stage(conn, outbox.outcome_event(claim.record, attempts=claim.attempt, at=now, error=error))
        return True

    def requeue(self, delivery_id: str, now: datetime, extra_attempts: int) -> bool:
        """An operator sends a failed delivery again, with a fresh budget of attempts."""
        with self.engine.begin() as conn:
            done = conn.execute(
                deliveries.update()
                .where(deliveries.c.delivery_id == delivery_id, deliveries.c.status == FAILED)
                .values(
                    status=PENDING,
                    next_attempt_at=now,
                    attempt_limit=deliveries.c.attempts + extra_attempts,
                )
            )
        return bool(done.rowcount)
