"""The store's public-stream chain takes exactly the events the relay publishes: the application's
rule (`internal_topic_prefixes`) agrees with each service's mapper on a real history."""

from __future__ import annotations

from pathlib import Path

from services.campaigns.app import open_campaigns
from services.campaigns.publishing import map_campaign_event
from services.campaigns.seed import seed_demo
from services.campaigns.settings import CampaignsSettings
from services.dossiers.app import open_dossiers
from services.dossiers.publishing import dossier_event_mapper
from services.dossiers.settings import DossiersSettings
from shared.audit.chainstore import ChainReader
from shared.messaging.relay import envelope_for
from shared.reference.org_units import load_org_units
from tests.support.audit_history import generate


def test_the_public_chain_takes_what_the_mapper_publishes(tmp_path: Path) -> None:
    dossiers = open_dossiers(DossiersSettings(var_dir=tmp_path))
    campaigns = open_campaigns(CampaignsSettings(var_dir=tmp_path))
    try:
        generate(dossiers, 12)
        seed_demo(campaigns)
        for app, mapper, service in (
            (dossiers, dossier_event_mapper(load_org_units()), "dossiers"),
            (campaigns, map_campaign_event, "campaigns"),
        ):
            chain = ChainReader.of(app)
            assert chain is not None
            notifications = app.notification_log.select(start=1, limit=1000)
            links = chain.links([(str(n.originator_id), n.originator_version) for n in notifications])
            public = 0
            for n in notifications:
                event = app.mapper.to_domain_event(n)
                published = mapper(app, event, envelope_for(service, n, event)) is not None
                link = links[(str(n.originator_id), n.originator_version)]
                assert (link.stream_index is not None) == published == app.is_published_topic(n.topic), n.topic
                public += published
            assert public > 0 and (public < len(notifications)) == (service == "dossiers")  # numbers are internal
    finally:
        dossiers.close()
        campaigns.close()
