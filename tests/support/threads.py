"""Running the same work in several threads released together (each with its own application on
one database, as separate service processes would): for the concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from services.dossiers.application import Dossiers


def in_threads(count: int, make_app: Callable[[], Dossiers], work: Callable[[Dossiers, int], Any]) -> list[Any]:
    """Run `work(app, i)` in `count` threads released together; results or exceptions, by i."""
    apps = [make_app() for _ in range(count)]
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(apps[i], i)
        except Exception as e:  # collected and asserted by the caller
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for app in apps:
        app.close()  # as a stopped service process would: its connections go back at once
    return results
