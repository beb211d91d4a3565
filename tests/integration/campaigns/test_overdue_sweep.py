"""The overdue-review sweep is safe on several replicas: the event happens once."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from services.campaigns.application import Campaigns
from shared.actor import Actor
from tests.integration.campaigns.test_published_events import campaign_kwargs

LEAD = Actor("nv.phongkt", "lead_unit_clerk", "PKT")
PNV = Actor("cv.pnv", "council_secretariat", "PNV")


def test_two_replicas_sweeping_at_once_flag_each_overdue_campaign_once(tmp_path: Path) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "c.db")}
    setup = Campaigns(env=env)
    ids = []
    for n in range(5):
        campaign = setup.draft(actor=LEAD, **campaign_kwargs(f"PT-2023-Q{n}"))
        setup.register(campaign.id, registration_number=f"{n}/ĐK", registered_on=date(2023, 1, 15), actor=PNV)
        setup.launch(campaign.id, launched_on=date(2023, 1, 20), actor=LEAD)
        ids.append(campaign.id)

    replicas = [Campaigns(env=env), Campaigns(env=env)]
    flagged: list[list] = [[], []]
    barrier = threading.Barrier(2)

    def sweep(index: int) -> None:
        barrier.wait()
        flagged[index] = replicas[index].flag_overdue_reviews(on=date(2024, 2, 15))

    threads = [threading.Thread(target=sweep, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(flagged[0] + flagged[1]) == sorted(ids)  # each campaign flagged by exactly one replica
    checker = Campaigns(env=env)
    for campaign_id in ids:
        types = [type(e).__name__ for e in checker.repository.event_store.get(campaign_id)]
        assert types.count("ReviewOverdueFlagged") == 1
    assert checker.flag_overdue_reviews(on=date(2024, 3, 1)) == []
