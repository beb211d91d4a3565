"""Load the demo movements of dispatch 147 (2023) into a campaigns store, once."""

from __future__ import annotations

from services.campaigns.application import Campaigns
from services.campaigns.demo import demo_commands
from services.campaigns.domain.campaign import campaign_id_for
from services.campaigns.domain.errors import CampaignNotFound


def seed_demo(app: Campaigns) -> int:
    """Run the demo commands for every demo campaign not yet in the store; returns how many were added."""
    added: set[str] = set()
    skipped: set[str] = set()
    for command in demo_commands():
        kwargs = dict(command.kwargs)
        if command.method == "draft":
            code = kwargs["code"]
            try:
                app.get(campaign_id_for(code))
                skipped.add(str(campaign_id_for(code)))
                continue
            except CampaignNotFound:
                added.add(str(campaign_id_for(code)))
        elif str(kwargs.get("campaign_id")) in skipped:
            continue
        method = "close_campaign" if command.method == "close" else command.method
        getattr(app, method)(**kwargs)
    return len(added)


def store_is_empty(app: Campaigns) -> bool:
    return app.queries.is_empty()
