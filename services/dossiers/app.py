"""Wiring of the dossiers service: event store, campaign view and its consumer, outbox relay,
blob store, slips, HTTP API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI

from services.dossiers import handlers
from services.dossiers.annual.application import AnnualNotFound, AnnualWork
from services.dossiers.application import Dossiers
from services.dossiers.awaiting import CampaignRecheck
from services.dossiers.blobs import BlobNotFound, open_blob_store
from services.dossiers.campaign_table import CampaignTable, create_tables
from services.dossiers.domain.campaign_eligibility import CampaignLookup
from services.dossiers.domain.errors import DossierError, DossierNotFound, DossierValidationError
from services.dossiers.http import annual, attachments, campaigns, documents, overview, policy, slips, steps
from services.dossiers.http import dossiers as dossier_routes
from services.dossiers.publishing import PUBLISHED_CONTRACTS, dossier_event_mapper
from services.dossiers.query_model import DossierQueryModel
from services.dossiers.recheck_schedule import RecheckScheduler
from services.dossiers.settings import DossiersSettings
from services.dossiers.slips import Office, SlipPrinter
from services.dossiers.succession_sweep import succession_sweep
from shared.audit.service import install_audit
from shared.eventstore import persistence_env
from shared.http.circuit import engine_probe, event_store_probe
from shared.http.service import ServiceRuntime, create_service_app, document_publications, make_broker, make_relay
from shared.messaging import idempotence
from shared.reference.org_units import OrgUnitDirectory, load_org_units
from shared.settings import TdktSettings
from shared.sqlstore import make_engine
from shared.streams import DOSSIERS

SERVICE = "dossiers"
QUERY_MODEL_FOLLOW_SECONDS = 1.0
"""How often the query model catches up on its own; `GET /dossiers` also catches up first."""
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def open_dossiers(
    settings: DossiersSettings, campaign_lookup: CampaignLookup | None = None, units: OrgUnitDirectory | None = None
) -> Dossiers:
    """The event-sourced application on the configured store (SQLite under var/ by default)."""
    return Dossiers(
        env=persistence_env("Dossiers", settings.var_dir),
        campaign_lookup=campaign_lookup,
        receipt_office=settings.dossiers_receipt_office,
        units=units or load_org_units(settings.org_units_file),
        receiving_unit=settings.dossiers_receiving_unit,
        external_registers=settings.dossiers_external_decision_registers,
    )


def build_app(settings: TdktSettings | None = None, *, clock: Clock = utc_now) -> FastAPI:
    """The service; `clock` is the time every command records (tests pin it)."""
    settings = settings if isinstance(settings, DossiersSettings) else DossiersSettings()
    units = load_org_units(settings.org_units_file)
    engine = make_engine(settings.database_url(SERVICE, settings.dossiers_database_url))
    idempotence.create_tables(engine)
    create_tables(engine)
    campaign_table = CampaignTable(engine)
    dossiers = open_dossiers(settings, campaign_table.lookup, units)
    blobs = open_blob_store(settings)
    dossier_query = DossierQueryModel(engine, dossiers)

    broker = make_broker(settings, SERVICE)
    document_publications(broker, PUBLISHED_CONTRACTS)
    relay = make_relay(
        dossiers,
        dossier_event_mapper(units, public_url=settings.dossiers_public_url),
        broker,
        settings,
        service=SERVICE,
        stream=DOSSIERS,
    )
    recheck = CampaignRecheck(dossiers, clock)
    started = asyncio.Event()
    scheduler = RecheckScheduler(
        recheck,
        settle_seconds=settings.dossiers_campaign_settle_seconds,
        sweep_seconds=settings.dossiers_campaign_recheck_seconds,
        consumer_caught_up=handlers.consumer_caught_up(broker, started),
    )
    handlers.register(broker, engine, scheduler, settings)

    def org_units_check() -> None:
        if not units.all():
            raise RuntimeError("danh mục đơn vị trống")

    runtime = ServiceRuntime(
        name=SERVICE,
        settings=settings,
        broker=broker,
        relays=[relay],
        broker_started=started,
        background_jobs=[
            scheduler.run_forever,
            succession_sweep(dossiers, clock, settings.dossiers_succession_sweep_seconds),
            dossier_query.follow(QUERY_MODEL_FOLLOW_SECONDS),
        ],
        database_checks={"event_store": event_store_probe(dossiers), "view_database": engine_probe(engine)},
        readiness_checks={
            "org_units": org_units_check,
            "blob_store": blobs.check,
        },
        on_shutdown=[dossiers.close, engine.dispose],
    )
    app = create_service_app(
        runtime,
        policy=policy.POLICY,
        scope_check=policy.scope_check,
        title="tdkt – Hồ sơ khen thưởng",
        description=(
            "Hồ sơ đề nghị khen thưởng: tiếp nhận (trực tuyến, một cửa, bưu chính), kiểm tra tính đầy đủ, "
            "thẩm định, hiệp y, công khai, biểu quyết của Hội đồng, quyết định, trả kết quả, hủy bỏ và thu hồi; "
            "phiếu tiếp nhận, phiếu yêu cầu bổ sung, phiếu từ chối, phiếu xin lỗi và hẹn lại."
        ),
        routers=[
            overview.overview_router,  # first: /dossiers/{dossier_id} would take "overview"
            overview.public_router,
            dossier_routes.router,
            steps.router,
            attachments.router,
            slips.router,
            campaigns.router,
            documents.router,
            documents.blanks_router,
            annual.router,
        ],
        domain_errors={
            DossierValidationError: 422,
            DossierError: 409,
            DossierNotFound: 404,
            BlobNotFound: 404,
            AnnualNotFound: 404,
            **documents.DOMAIN_ERRORS,
        },
    )
    app.state.dossiers = dossiers
    app.state.dossier_query = dossier_query
    app.state.annual = AnnualWork.wired(dossiers)
    app.state.relay = relay
    install_audit(app, runtime, relay, public_stream=DOSSIERS)
    app.state.units = units
    app.state.blobs = blobs
    app.state.clock = clock
    app.state.campaign_table = campaign_table
    app.state.recheck = recheck
    app.state.recheck_scheduler = scheduler
    app.state.documents = documents.document_service(settings, dossiers, units, blobs)
    app.state.slips = SlipPrinter(
        dossiers,
        units,
        Office.from_units(
            units,
            settings.dossiers_receiving_unit,
            desk=settings.dossiers_receiving_desk,
            place=settings.dossiers_place_name,
            phone=settings.dossiers_desk_phone,
        ),
    )
    return app
