"""Who caused an event: every command records its actor, for the audit trail."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    """A person or system acting in a role for a unit (unit is an organisation-unit code)."""

    id: str
    role: str
    unit: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Actor:
        return cls(id=str(data["id"]), role=str(data["role"]), unit=str(data.get("unit", "")))


SYSTEM_ACTOR = Actor(id="system", role="system", unit="")
