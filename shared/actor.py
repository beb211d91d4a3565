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
    name: str = ""
    """The person's name from their verified token (recorded only when known)."""

    def as_dict(self) -> dict[str, str]:
        data = asdict(self)
        if not self.name:
            del data["name"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Actor:
        return cls(
            id=str(data["id"]), role=str(data["role"]), unit=str(data.get("unit", "")), name=str(data.get("name", ""))
        )


SYSTEM_ACTOR = Actor(id="system", role="system", unit="")
