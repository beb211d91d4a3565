"""Wiring of the campaigns service: event store, outbox relay, overdue sweep, HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from services.campaigns.application import Campaigns
from services.campaigns.domain.errors import CampaignError, CampaignNotFound, CampaignValidationError
from services.campaigns.http import campaigns as api
from services.campaigns.http import policy
from services.campaigns.publishing import PUBLISHED_CONTRACTS, map_campaign_event
from services.campaigns.scheduler import overdue_sweep
from services.campaigns.settings import CampaignsSettings
from shared.audit.service import install_audit
from shared.eventstore import persistence_env
from shared.http.circuit import event_store_probe
from shared.http.service import ServiceRuntime, create_service_app, document_publications, make_broker, make_relay
from shared.reference.org_units import load_org_units
from shared.settings import TdktSettings
from shared.streams import CAMPAIGNS

SERVICE = "campaigns"


def open_campaigns(settings: CampaignsSettings) -> Campaigns:
    """The event-sourced application on the configured store (SQLite under var/ by default)."""
    return Campaigns(
        env=persistence_env("Campaigns", settings.var_dir),
        units=load_org_units(settings.org_units_file),
        review_due_days=settings.campaigns_review_due_days,
    )


def build_app(settings: TdktSettings | None = None) -> FastAPI:
    settings = settings if isinstance(settings, CampaignsSettings) else CampaignsSettings()
    campaigns = open_campaigns(settings)
    broker = make_broker(settings, SERVICE)
    document_publications(broker, PUBLISHED_CONTRACTS)
    relay = make_relay(campaigns, map_campaign_event, broker, settings, service=SERVICE, stream=CAMPAIGNS)

    runtime = ServiceRuntime(
        name=SERVICE,
        settings=settings,
        broker=broker,
        relays=[relay],
        database_checks={"event_store": event_store_probe(campaigns)},
        background_jobs=[overdue_sweep(campaigns, settings.campaigns_overdue_check_seconds)],
        on_shutdown=[campaigns.close],
    )
    app = create_service_app(
        runtime,
        policy=policy.POLICY,
        scope_check=policy.scope_check,
        title="tdkt – Phong trào thi đua",
        description=(
            "Đăng ký, phát động, sơ kết, tổng kết phong trào thi đua; kiểm tra điều kiện khen thưởng chuyên đề "
            "(Công văn 147/UBND-NV)."
        ),
        routers=[api.router, api.units_router],
        domain_errors={CampaignValidationError: 422, CampaignError: 409, CampaignNotFound: 404},
    )
    app.state.campaigns = campaigns
    app.state.clock = campaigns.clock
    app.state.relay = relay
    install_audit(app, runtime, relay, public_stream=CAMPAIGNS)
    return app
