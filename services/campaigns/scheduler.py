"""The overdue-review sweep, run periodically in the service's event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from services.campaigns.application import Campaigns
from shared.background import BackgroundLoop
from shared.history import today_in_vietnam
from shared.messaging.storecheck import StoreNotWritable

log = logging.getLogger(__name__)


def overdue_sweep(app: Campaigns, interval_seconds: float) -> Callable[[], Awaitable[None]]:
    """A background job (`shared.background`): every `interval_seconds`, flag the campaigns whose
    final review is overdue (Vietnam date)."""

    async def sweep() -> None:
        try:
            flagged = await asyncio.to_thread(app.flag_overdue_reviews, on=today_in_vietnam())
        except StoreNotWritable as exc:  # not yet compared with its stream: the next round
            log.info("overdue-review sweep waits: %s", exc.status.detail)
            return
        if flagged:
            log.info("flagged %d campaign(s) with an overdue final review", len(flagged))

    def failed(_: BaseException) -> None:
        log.exception("overdue-review sweep failed; will try again")

    loop = BackgroundLoop(
        "overdue-review sweep", sweep, interval=interval_seconds, max_backoff=interval_seconds, on_error=failed
    )
    return loop.run
