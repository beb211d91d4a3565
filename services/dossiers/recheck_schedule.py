"""When to re-check dossiers awaiting their campaign: once the campaign consumer is caught up.

A refusal is final, and campaign events often come in bursts (a relay catching up after an
outage, a consumer replaying the stream): a campaign that is eligible now was ineligible in its
first snapshots (drafted, not registered). Judging on any snapshot but the newest would refuse a
dossier that the campaign's current state allows. So the consumer only *asks* for a re-check
(after every campaign message it processes), and this scheduler runs it when both hold:

- no campaign message has been processed for `settle_seconds` (a burst is over), and
- the durable consumer has nothing pending *and nothing unacknowledged* on the server.

The second condition is the one that matters. Messages of a fetched batch are handled
concurrently, so the message that leaves nothing pending is not the last one to finish; and a
message that failed waits out its retry delay unacknowledged while later ones are processed. In
both cases the view is stale although the newest message has been seen; only the server's count
of unacknowledged messages says so (a message waiting for redelivery counts as one, a message
sent to the dead letters stops counting). While that count cannot be read (NATS away), nothing
runs: an unknown lag is not a caught-up view.

The scheduler also runs a periodic sweep, under the same condition. The sweep covers what the
requests cannot: a re-check requested in memory and lost in a crash, and a completeness check
that read the view just before the campaign arrived but saved its deferral just after the
re-check ran. The re-check itself is idempotent, so running it more often than needed is harmless.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable

from services.dossiers.awaiting import CampaignRecheck
from shared.background import BackgroundLoop

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

    def message_processed(self) -> None:
        """Called by the consumer (any thread) after each campaign message it applied or skipped."""
        self._last_message = self.monotonic()
        self._requested += 1

    def _settled(self, now: float) -> bool:
        return now - self._last_message >= self.settle_seconds

    async def _caught_up(self) -> bool:
        try:
            return await self.consumer_caught_up()
        except Exception as exc:  # NATS away, consumer not created yet: not known to be caught up
            log.debug("campaign consumer progress unknown: %s", exc)
            return False

    async def tick(self) -> bool:
        """Decide once; True when the re-check ran."""
        now = self.monotonic()
        if not self._settled(now):
            return False
        requested = self._requested != self._handled
        sweep_due = self.sweep_seconds > 0 and now - self._last_sweep >= self.sweep_seconds
        if not (requested or sweep_due):
            return False
        if sweep_due and not requested:
            self._last_sweep = now
        if not await self._caught_up():
            return False  # a request stays open until the consumer has caught up
        generation = self._requested
        await asyncio.to_thread(self.recheck.run)
        self._handled = generation
        self._last_sweep = now
        return True

    async def run_forever(self) -> None:
        """The background job (`shared.background`): tick a few times per settle period, forever."""
        interval = max(min(self.settle_seconds / 2, 0.5), 0.05)

        async def tick() -> None:
            await self.tick()

        def postponed(exc: BaseException) -> None:  # NATS away, consumer not created yet, database busy
            log.warning("awaiting-campaign re-check postponed: %s", exc)

        await BackgroundLoop(
            "awaiting-campaign re-check",
            tick,
            interval=interval,
            max_backoff=interval,
            min_backoff=interval,
            on_error=postponed,
            first_wait=interval,
        ).run()
