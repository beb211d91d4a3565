"""The campaigns store on a SQLite file: dates, actors and history survive closing it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from services.campaigns.application import Campaigns
from services.campaigns.domain.campaign import CampaignStatus
from tests.support.campaigns import LEAD, launched


def test_sqlite_file_store_keeps_dates_actors_and_history(tmp_path: Path) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "campaigns.sqlite")}
    writer = Campaigns(env=env)
    campaign = launched(writer)
    writer.close()

    reader = Campaigns(env=env)
    stored = reader.get(campaign.id)
    assert (stored.launched_on, stored.drafted_by, stored.registration.registered_on) == (
        date(2023, 1, 20),
        LEAD,
        date(2023, 1, 18),
    )
    assert reader.get(campaign.id, version=1).status == CampaignStatus.DRAFT
    assert [c.id for c in reader.queries.search(text="nông thôn")] == [campaign.id]
    reader.close()
