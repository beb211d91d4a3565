"""The records this console read most recently, by id.

A form refused because a service cannot take commands for a while (HTTP 503: its database down,
its event store behind) is shown again with what the person typed. Showing it needs the record
the form is about; when the service cannot even be read, the copy the person was working on is
used instead of an error page that would lose their typing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from services.console.clients import ServiceError


class LastSeen:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def keep(self, record: dict[str, Any]) -> dict[str, Any]:
        key = str(record["id"])
        self._items[key] = record
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return record

    def get(self, record_id: str) -> dict[str, Any] | None:
        return self._items.get(str(record_id))

    async def for_form(
        self, read: Callable[[], Awaitable[dict[str, Any]]], record_id: str, error: ServiceError
    ) -> dict[str, Any]:
        """The record to show a refused form with: read afresh, else (during an outage) the last copy."""
        try:
            return self.keep(await read())
        except ServiceError:
            if error.is_outage and (seen := self.get(record_id)) is not None:
                return seen
            raise
