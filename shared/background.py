"""The one background loop of every service: run a step, then wait to be woken or for a timer,
backing off while the step fails.

The outbox relay, the notifications outbox and delivery worker, and the periodic sweeps
(overdue reviews, successions, reminders, the awaiting-campaign re-check) all have this shape;
each provides only its step. A step returns how long to wait before the next round (None: the
loop's interval); a step that raises is reported through `on_error` and the wait doubles from
the interval (at least `min_backoff`) up to `max_backoff`, so a broker or database that is away is not hammered.
`wake()` may be called from any thread (the event store's save listener runs in a worker
thread): the next round starts at once instead of at the timer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from shared.aio import wait_for_event

log = logging.getLogger(__name__)

Step = Callable[[], Awaitable[float | None]]


class BackgroundLoop:
    """Runs `step` until stopped or cancelled; see the module docstring."""

    def __init__(
        self,
        name: str,
        step: Step,
        *,
        interval: float,
        max_backoff: float = 10.0,
        min_backoff: float = 0.5,
        on_error: Callable[[BaseException], None] | None = None,
        first_wait: float = 0.0,
    ) -> None:
        self.name = name
        self.step = step
        self.interval = interval
        self.max_backoff = max_backoff
        self.min_backoff = min_backoff
        self.on_error = on_error or self._log_error
        self.first_wait = first_wait
        self._wakeup: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False

    def wake(self) -> None:
        """Start the next round now (callable from any thread; a no-op before `run`)."""
        loop, wakeup = self._loop, self._wakeup
        if loop is not None and wakeup is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wakeup.set)

    def request_stop(self) -> None:
        """Return from `run` after the current step (nothing is cut off half-way)."""
        self._stopping = True
        self.wake()

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wakeup = wakeup = asyncio.Event()
        if self.first_wait > 0:
            await wait_for_event(wakeup, self.first_wait)
            wakeup.clear()
        backoff = self.interval
        while not self._stopping:
            try:
                wait = await self.step()
                backoff = self.interval
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.on_error(exc)
                backoff = min(max(backoff * 2, self.min_backoff), self.max_backoff)
                wait = backoff
            if self._stopping:
                return
            await wait_for_event(wakeup, self.interval if wait is None else wait)
            wakeup.clear()

    def _log_error(self, exc: BaseException) -> None:
        log.warning("%s failed; will try again: %s: %s", self.name, type(exc).__name__, exc)
