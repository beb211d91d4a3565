"""Settings of the campaigns service (environment, prefix `TDKT_`)."""

from __future__ import annotations

from shared.settings import TdktSettings


class CampaignsSettings(TdktSettings):
    campaigns_review_due_days: int = 20
    """Working days (weekends, holidays and Tết skipped) after a movement's end date within which
    its final review is due. No text gives the period: 20 is a default, not a confirmed rule."""
    campaigns_overdue_check_seconds: float = 3600.0
    """How often the overdue-review sweep runs (safe on several replicas: the event happens once)."""
