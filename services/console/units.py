"""Organisation units as the campaigns service lists them (`GET /units`), kept for a few minutes.

Screens name units ("Phòng Kinh tế", "xã Thanh Oai") and offer them in lists; the codes are what
the services take. The listing also says who holds award power of their own (Law Art. 80), when
a unit ended and which units took over its work: the decision and succession screens show that
to explain who signs, and the dossiers service checks it again on every command. When the
campaigns service does not answer (or does not list a unit), a unit is still named from the
packaged org-unit data (`TDKT_ORG_UNITS_FILE`, the file every service reads); a code no data knows
is shown as it is.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from services.console.clients import ServiceClient, ServiceError
from shared.reference.org_units import load_org_units
from shared.workdays import VIETNAM_TZ

TTL_SECONDS = 300.0


class UnitCatalogue:
    def __init__(self, client: ServiceClient, ttl: float = TTL_SECONDS, reference: Path | None = None) -> None:
        self.client, self.ttl, self.reference = client, ttl, reference
        self._reference_names: dict[str, str] | None = None
        self._units: list[dict[str, Any]] = []
        self._by_code: dict[str, dict[str, Any]] = {}
        self._loaded_at = 0.0

    async def ensure(self) -> None:
        if self._units and time.monotonic() - self._loaded_at < self.ttl:
            return
        try:
            units = await self.client.get("/units")
        except ServiceError:
            return
        self._units = sorted(units, key=lambda u: (u.get("kind") != "people_committee", u["name"]))
        self._by_code = {u["code"]: u for u in units}
        self._loaded_at = time.monotonic()

    def name(self, code: str | None) -> str:
        if not code:
            return ""
        unit = self._by_code.get(code)
        return unit["name"] if unit else self._packaged_names().get(code.strip().upper(), code)

    def _packaged_names(self) -> dict[str, str]:
        if self._reference_names is None:
            try:
                self._reference_names = {u.code: u.name for u in load_org_units(self.reference).all()}
            except (OSError, ValueError):
                self._reference_names = {}
        return self._reference_names

    def active(self, on: date | None = None, kinds: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """Units existing on `on` (today by default), optionally of some kinds."""
        day = (on or datetime.now(VIETNAM_TZ).date()).isoformat()
        return [
            u
            for u in self._units
            if (not u.get("valid_from") or str(u["valid_from"]) <= day)
            and (not u.get("valid_to") or day <= str(u["valid_to"]))
            and (not kinds or u.get("kind") in kinds)
        ]

    def get(self, code: str | None) -> dict[str, Any] | None:
        return self._by_code.get(code) if code else None

    def ended(self, code: str | None, on: date | None = None) -> date | None:
        """The last day of a unit that no longer exists on `on` (today by default), else None."""
        unit = self.get(code)
        if not unit or not unit.get("valid_to"):
            return None
        last = date.fromisoformat(str(unit["valid_to"]))
        return last if last < (on or datetime.now(VIETNAM_TZ).date()) else None

    def successors(self, code: str | None) -> list[tuple[str, str]]:
        """(code, name) of the units that took over an ended unit's work."""
        unit = self.get(code)
        return [(c, self.name(c)) for c in (unit or {}).get("successors") or []]

    def deciding(self, on: date | None = None) -> list[tuple[str, str]]:
        """(code, name) of the units existing on `on` whose head holds award power of their own."""
        return [(u["code"], u["name"]) for u in self.active(on) if u.get("award_level")]

    def all(self, kinds: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        return [u for u in self._units if not kinds or u.get("kind") in kinds]

    def options(self, kinds: tuple[str, ...] = (), active_on: date | None = None) -> list[tuple[str, str]]:
        """(code, name) pairs for a select; only units existing on `active_on` when given."""
        units = self.active(active_on, kinds) if active_on else self.all(kinds)
        return [(u["code"], u["name"]) for u in units]
