"""The campaigns service's reads: search, the list of ids, and which movements may be overdue,
over its query model (`shared.projection.FoldedAggregates`: the stored events folded in log
order), never by loading every campaign from the event store.

Each campaign's JSON view is computed once per change and kept beside it.
"""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

from services.campaigns.domain.campaign import Campaign
from shared.projection import FoldedAggregates
from shared.text import matches


class CampaignQueries:
    """Reads over the folded campaigns; `view` is the service's JSON view of one campaign."""

    def __init__(self, app: Any, view: Any) -> None:
        self.folded = FoldedAggregates(app, Campaign)
        self.view = view
        self._views: dict[UUID, tuple[int, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def campaigns(self) -> list[Campaign]:
        """Every campaign as last stored, in drafting order (read-only copies)."""
        return self.folded.all()

    def search(
        self,
        *,
        lead_unit_id: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        year: int | None = None,
        text: str | None = None,
    ) -> list[Campaign]:
        """Campaigns matching every given filter, in drafting order.

        `year` keeps campaigns whose timeline overlaps that year (a campaign without dates has no
        year); `text` is accent-insensitive over code, name, purpose, requirements and content.
        """
        found = []
        for campaign in self.campaigns():
            if lead_unit_id and campaign.lead_unit_id != lead_unit_id.strip().upper():
                continue
            if kind and campaign.kind != kind.strip().lower():
                continue
            if status and campaign.status != status.strip().lower():
                continue
            if year is not None and not _in_year(campaign, year):
                continue
            if text and not matches(
                text, campaign.code, campaign.name, campaign.purpose, campaign.requirements, campaign.content
            ):
                continue
            found.append(campaign)
        return found

    def views(self, campaigns: list[Campaign]) -> list[dict[str, Any]]:
        """The JSON views of `campaigns` (folded copies), each computed once per version."""
        out = []
        with self._lock:
            for campaign in campaigns:
                cached = self._views.get(campaign.id)
                if cached is None or cached[0] != campaign.version:
                    cached = (campaign.version, self.view(campaign))
                    self._views[campaign.id] = cached
                out.append(cached[1])
        return out

    def is_empty(self) -> bool:
        return not self.campaigns()


def _in_year(campaign: Campaign, year: int) -> bool:
    start = campaign.start_date or campaign.end_date
    end = campaign.end_date or campaign.start_date
    return start is not None and end is not None and start.year <= year <= end.year
