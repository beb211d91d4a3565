"""The succession sweep: dossiers pending at a unit that has ended pass to its successor.

When the org-unit data says a unit ended (the district on 30/6/2025), every open dossier
addressed to it passes to the unit that took over its work, as the system actor, with a
`PassedToSuccessor` event saying so (docs/domain.md W4). Where the data names several successors
for a dossier, it stays and is logged for a clerk to choose (`POST /dossiers/{id}/successor`).
The work is idempotent: a dossier already handed over is not pending at an ended unit any more.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from services.dossiers.application import Dossiers
from shared.actor import SYSTEM_ACTOR
from shared.background import BackgroundLoop

log = logging.getLogger(__name__)


def sweep_once(app: Dossiers, now: datetime) -> list[dict[str, object]]:
    """One pass; the dossiers handed over, and those that need a choice."""
    results = app.pass_pending_to_successors(actor=SYSTEM_ACTOR, at=now)
    for r in results:
        if r["to"]:
            log.info("dossier %s passed from %s to its successor %s", r["id"], r["from"], r["to"])
        else:
            log.warning("dossier %s is pending at %s, which ended: %s", r["id"], r["from"], r["problem"])
    return results


def succession_sweep(
    app: Dossiers, clock: Callable[[], datetime], interval_seconds: float
) -> Callable[[], Awaitable[None]]:
    """A background job running `sweep_once` every `interval_seconds` (0 disables it)."""

    async def sweep() -> None:
        await asyncio.to_thread(sweep_once, app, clock())

    def failed(_: BaseException) -> None:
        log.exception("succession sweep failed; will try again")

    async def job() -> None:
        if interval_seconds <= 0:
            return
        await BackgroundLoop(
            "succession sweep", sweep, interval=interval_seconds, max_backoff=interval_seconds, on_error=failed
        ).run()

    return job
