"""How every command endpoint of an event-sourced service calls its use case, the same way in
each service: who acts (the authenticated actor), when (the service clock, read at each
attempt), which version the client expects (`If-Match`, else the body's `expected_version`);
the answer is the aggregate's JSON view with its version as `ETag`.

A service subclasses `CommandContext` as a FastAPI dependency that knows its application and its
view, and each endpoint is one line: `return cmd.run(body, lambda kw: cmd.app.launch(id, **kw))`,
where `kw` holds `actor`, `at` and `expected_version`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

from fastapi import Request, Response

from shared.actor import Actor
from shared.http.requests import set_etag

A = TypeVar("A")
"""The aggregate a use case returns."""

Keywords = dict[str, Any]
"""`actor`, `at` and `expected_version`, as the application's command methods take them."""


class CommandContext(Generic[A]):
    """Everything a command needs besides its body; `run` executes the use case and shapes the reply."""

    attempts = 1
    """How often a use case may run when `retry` says the failure was a lost race, not bad input."""

    def __init__(self, request: Request, response: Response, actor: Actor, header_version: int | None) -> None:
        self.actor, self.header_version, self.response = actor, header_version, response
        self.clock: Callable[[], datetime] = request.app.state.clock

    def view(self, aggregate: A, now: datetime) -> dict[str, Any]:
        """The aggregate's JSON view (the service's `representation.py`)."""
        raise NotImplementedError

    def version_of(self, aggregate: A) -> int:
        return int(aggregate.version)  # type: ignore[attr-defined]

    def retry(self, error: Exception) -> bool:
        """Whether `error` means the use case lost a race and may run again with a fresh time."""
        return False

    def exhausted(self) -> Exception:
        """What to raise when every attempt lost its race."""
        raise NotImplementedError

    def run(self, body: object, use_case: Callable[[Keywords], A]) -> dict[str, Any]:
        """Call `use_case` with actor, at and expected_version (If-Match wins over the body's
        `expected_version`, where the body has one); answer with the aggregate after it, its
        version as ETag."""
        expected = self.header_version
        if expected is None:
            expected = getattr(body, "expected_version", None)
        for _ in range(self.attempts):
            now = self.clock()
            try:
                aggregate = use_case({"actor": self.actor, "at": now, "expected_version": expected})
            except Exception as exc:
                if not self.retry(exc):
                    raise
                continue
            set_etag(self.response, self.version_of(aggregate))
            return self.view(aggregate, now)
        raise self.exhausted()
