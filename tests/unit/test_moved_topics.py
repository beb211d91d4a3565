"""Events stored before the aggregates moved into `domain/` packages still load, list and grow.

The fixture holds the stored events (topic and state, as the recorder keeps them) that the code
before the move wrote: `services.campaigns.domain:Campaign.*`, `services.dossiers.domain:Dossier.*`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from services.campaigns.application import Campaigns
from services.campaigns.domain.campaign import Campaign
from services.dossiers.application import Dossiers
from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.values import DossierStatus
from shared.actor import Actor
from shared.topics import topics_of

FIXTURE = json.loads((Path(__file__).parents[1] / "fixtures" / "events_before_domain_packages.json").read_text())
POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
LEAD = Actor("nv.phongkt", "lead_unit_clerk", "PKT")


def given_stored(app: Any, events: list[dict[str, Any]]) -> UUID:
    """The fixture's events in `app`'s store, as the old code left them; the last aggregate's id."""
    app.recorder.insert_events(
        [
            StoredEvent(UUID(e["originator_id"]), e["originator_version"], e["topic"], e["state"].encode())
            for e in events
        ]
    )
    return UUID(events[-1]["originator_id"])


def test_the_fixture_was_stored_under_the_old_module_names() -> None:
    topics = {e["topic"].partition(":")[0] for e in FIXTURE["campaigns"] + FIXTURE["dossiers"]}
    assert topics == {"services.campaigns.domain", "services.dossiers.domain", "services.dossiers.numbering"}


def test_topics_of_a_moved_event_names_the_new_module_first_then_the_old() -> None:
    assert topics_of(Campaign.Drafted) == [
        "services.campaigns.domain.campaign:Campaign.Drafted",
        "services.campaigns.domain:Campaign.Drafted",
    ]


def test_campaign_stored_under_the_old_topics_loads_lists_and_takes_new_events() -> None:
    app = Campaigns(env=POPO)
    campaign_id = given_stored(app, FIXTURE["campaigns"])

    campaign = app.get(campaign_id)
    assert (campaign.code, campaign.status, campaign.version) == ("PT-2023-NTM", "launched", 3)
    assert [c.code for c in app.queries.search(text="nong thon moi")] == ["PT-2023-NTM"]

    app.cancel(campaign_id, reason="Sáp nhập đơn vị chủ trì", cancelled_on=date(2023, 3, 1), actor=LEAD)
    last = app.notification_log.select(start=1, limit=100)[-1]
    assert last.topic == "services.campaigns.domain.campaign:Campaign.Cancelled"
    assert app.get(campaign_id).status == "cancelled"


def test_campaign_events_stored_before_they_carried_at_load_with_their_recording_time() -> None:
    """v1 campaign events had only their legal date; `at` is upcast from the recording timestamp."""
    app = Campaigns(env=POPO)
    campaign_id = given_stored(app, FIXTURE["campaigns"])
    events = list(app.repository.event_store.get(campaign_id))
    assert [type(e).__name__ for e in events] == ["Drafted", "Registered", "Launched"]
    assert [e.at for e in events] == [e.timestamp for e in events]
    assert all(e.at.tzinfo is not None for e in events)


def test_dossier_stored_under_the_old_topics_loads_and_lists() -> None:
    app = Dossiers(env=POPO)
    dossier_id = given_stored(app, FIXTURE["dossiers"])

    dossier = app.get(dossier_id)
    assert isinstance(dossier, Dossier)
    assert dossier.status is DossierStatus.IN_APPRAISAL
    assert [d.id for d in app.list_dossiers()] == [dossier_id]
