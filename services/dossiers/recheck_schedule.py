"""When to re-check dossiers awaiting their campaign: once the campaign stream has settled.

A refusal is final, and campaign events often come in bursts (a relay catching up after an
outage, a consumer replaying the stream): a campaign that is eligible now was ineligible in its
first snapshots (drafted, not registered). Judging on the first snapshot of a burst would refuse
a dossier that the campaign's current state allows. So the consumer only *asks* for a re-check
(when a delivery leaves nothing pending), and this scheduler runs it once no campaign message has
been processed for `settle_seconds`: by then the view holds the last snapshot of the burst.

The scheduler also runs a periodic sweep, only while the campaign consumer reports nothing
pending. The sweep covers what the requests cannot: a re-check requested in memory and lost in a
crash, and a completeness check that read the view just before the campaign arrived but saved
its deferral just after the re-check ran. The re-check itself is idempotent, so running it more
often than needed is harmless.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable

from services.dossiers.awaiting import CampaignRecheck

log = logging.getLogger(__name__)


class RecheckScheduler:
    def __init__(
        self,
        recheck: CampaignRecheck,
        *,
        settle_seconds: float,
        sweep_seconds: float,
        consumer_caught_up: Callable[[], Awaitable[bool]],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.recheck = recheck
        self.settle_seconds = settle_seconds
        self.sweep_seconds = sweep_seconds
        self.consumer_caught_up = consumer_caught_up
        self.monotonic = monotonic
        self._last_message = -math.inf
        self._last_sweep = -math.inf
        self._requested = 0  # a counter, not a flag: a request during a run is not lost
        self._handled = 0

    def message_processed(self, *, caught_up: bool) -> None:
        """Called by the consumer (any thread) after each campaign message it applied or skipped."""
        self._last_message = self.monotonic()
        if caught_up:
            self._requested += 1

    def _settled(self, now: float) -> bool:
        return now - self._last_message >= self.settle_seconds

    async def tick(self) -> bool:
        """Decide once; True when the re-check ran."""
        now = self.monotonic()
        if not self._settled(now):
            return False
        if self._requested != self._handled:
            generation = self._requested
            await asyncio.to_thread(self.recheck.run)
            self._handled = generation
            self._last_sweep = now
            return True
        if self.sweep_seconds > 0 and now - self._last_sweep >= self.sweep_seconds:
            self._last_sweep = now
            if await self.consumer_caught_up():
                await asyncio.to_thread(self.recheck.run)
                return True
        return False

    async def run_forever(self) -> None:
        """The background job: tick a few times per settle period, forever."""
        interval = max(min(self.settle_seconds / 2, 0.5), 0.05)
        while True:
            await asyncio.sleep(interval)
            try:
                await self.tick()
            except Exception as exc:  # NATS away, consumer not created yet, database busy: next tick
                log.warning("awaiting-campaign re-check postponed: %s", exc)
