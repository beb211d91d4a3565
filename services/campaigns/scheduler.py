"""The overdue-review sweep, run periodically in the service's event loop."""

from __future__ import annotations

import asyncio
import logging

from services.campaigns.application import Campaigns
from shared.history import today_in_vietnam
from shared.messaging.storecheck import StoreNotWritable

log = logging.getLogger(__name__)


def overdue_sweep(app: Campaigns, interval_seconds: float):  # type: ignore[no-untyped-def]
    """A background job: flag campaigns whose final review is overdue (Vietnam date), then sleep."""

    async def job() -> None:
        while True:
            try:
                flagged = await asyncio.to_thread(app.flag_overdue_reviews, on=today_in_vietnam())
                if flagged:
                    log.info("flagged %d campaign(s) with an overdue final review", len(flagged))
            except StoreNotWritable as exc:  # not yet compared with its stream: the next round
                log.info("overdue-review sweep waits: %s", exc.status.detail)
            except Exception:
                log.exception("overdue-review sweep failed; will try again")
            await asyncio.sleep(interval_seconds)

    return job
