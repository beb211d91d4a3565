"""Vietnamese labels for the codes that travel in events (titles, award forms, channels, …).

The words come from the published language (`shared.contracts.labels`). A code without a label
is shown as itself.
"""

from __future__ import annotations

from shared.contracts.labels import AWARD_TYPES, AWARDS, CHANNELS, ELIGIBILITY_REASONS

__all__ = ["AWARDS", "AWARD_TYPES", "CHANNELS", "ELIGIBILITY_REASONS", "label", "reasons"]

NO_CAMPAIGN = "Không thuộc phong trào thi đua"
UNKNOWN_CAMPAIGN = "Chưa rõ (chưa nhận được sự kiện của phong trào)"


def label(table: dict[str, str], code: str | None) -> str:
    return table.get(code or "", code or "")


def reasons(codes: str) -> str:
    """Comma-separated eligibility reason codes as Vietnamese text."""
    return "; ".join(label(ELIGIBILITY_REASONS, c) for c in codes.split(",") if c)
