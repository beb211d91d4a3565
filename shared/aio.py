"""Small asyncio helpers that behave the same on every supported Python."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable


async def wait_for_event(event: asyncio.Event, timeout: float) -> None:
    """Wait until `event` is set or `timeout` seconds pass, whichever is first.

    On Python 3.11 `asyncio.wait_for` can swallow a cancellation that arrives just as the awaited
    event fires (cpython gh-86296): a `while True` loop around it then never stops, and a
    service's shutdown hangs. This re-raises the cancellation the task was asked for.
    """
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout)
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def cancel_and_wait(tasks: Iterable[asyncio.Task[object]], timeout: float = 30.0) -> set[asyncio.Task[object]]:
    """Cancel tasks and wait for them to end, cancelling again any that swallowed the request.

    Returns the tasks still running after `timeout` (left behind rather than waited on forever).
    """
    pending = {t for t in tasks if not t.done()}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while pending and loop.time() < deadline:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=min(1.0, max(deadline - loop.time(), 0.01)))
    return pending
