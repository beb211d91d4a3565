"""The projection's SQL tables, one complete set per generation.

Why generations: a rebuild fills a new set (`rp<n>_…`) beside the live one and then switches a
one-row pointer, so the service keeps answering from the old set while the new one fills.

Why these shapes: every row is derived from exactly one event, so the final tables do not depend
on the order in which events arrive (a dossier event before its campaign's, two versions of one
dossier swapped, a redelivery):
- *state* tables (`campaigns`, `dossiers`, `dossier_nominees`) hold the snapshot carried by the
  event with the highest `aggregate_version` seen for the aggregate;
- *fact* tables hold one row per event (keyed by event id) or per event and nominee;
- `dossier_outcomes` holds, per dossier, what its stored events say together (result day,
  processing time, due date, complete at once) beside its group keys and nominees' awards, and
  `dossier_flows` and `awarded_nominees` what the summary counts by day, each row carrying the
  dossier's group keys: all three recomputed from the dossier's stored rows whenever one of its
  events is applied (`outcomes.py`), so they too are the same whatever the arrival order.
Anything that combines aggregates (a dossier's lead unit comes from its campaign) is joined when a
report is asked for, never when an event is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

registry_metadata = MetaData()

generations = Table(
    "reporting_generations",
    registry_metadata,
    Column("generation", Integer, primary_key=True, autoincrement=False),
    Column("purpose", String(20), nullable=False),  # initial | rebuild | verify
    Column("state", String(20), nullable=False),  # building | live | retired | failed
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("events_applied", Integer, nullable=False, default=0),
    Column("started_by", String(200), nullable=False, default=""),
)

live_pointer = Table(
    "reporting_live",
    registry_metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("generation", Integer, nullable=False),
    Column("switched_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class ProjectionTables:
    """The tables of one generation."""

    generation: int
    metadata: MetaData
    campaigns: Table
    campaign_events: Table
    dossiers: Table
    dossier_nominees: Table
    dossier_events: Table
    award_approvals: Table
    award_annulments: Table
    award_recoveries: Table
    other_events: Table
    dossier_outcomes: Table
    dossier_flows: Table
    awarded_nominees: Table
    stale_outcomes: Table
    """Bookkeeping, not a projection: dossiers whose derived rows wait for a refresh (a live
    catch-up defers them, `live.LiveProjection`); left out of `all()`, so comparisons ignore it."""

    @property
    def prefix(self) -> str:
        return table_prefix(self.generation)

    def all(self) -> list[Table]:
        """Every table, in a fixed order (comparison and drop follow it)."""
        return [
            self.campaigns,
            self.campaign_events,
            self.dossiers,
            self.dossier_nominees,
            self.dossier_events,
            self.award_approvals,
            self.award_annulments,
            self.award_recoveries,
            self.other_events,
            self.dossier_outcomes,
            self.dossier_flows,
            self.awarded_nominees,
        ]

    def created(self) -> list[Table]:
        """Every table a generation has: the projection's (`all()`) and its bookkeeping."""
        return [*self.all(), self.stale_outcomes]

    def derived(self) -> list[Table]:
        """The tables recomputed per dossier from its other rows (`outcomes.refresh_outcomes`)."""
        return [self.dossier_outcomes, self.dossier_flows, self.awarded_nominees]

    def by_name(self) -> dict[str, Table]:
        """Tables keyed by their generation-free name (`campaigns`, `dossier_events`, …)."""
        return {t.name.removeprefix(self.prefix): t for t in self.all()}


def table_prefix(generation: int) -> str:
    return f"rp{generation}_"


def consumer_name(generation: int) -> str:
    """The idempotence key space of a generation in `processed_messages`: a rebuilt set starts
    with no processed events, and the live consumer writing into it later skips what the rebuild
    already applied."""
    return f"reporting-g{generation}"


@lru_cache(maxsize=16)
def projection_tables(generation: int) -> ProjectionTables:
    """The table set of `generation` (not created in the database; see `generations.create`)."""
    p = table_prefix(generation)
    md = MetaData()
    campaigns = Table(
        f"{p}campaigns",
        md,
        Column("campaign_id", String(64), primary_key=True),
        Column("version", Integer, nullable=False),
        Column("code", String(100), nullable=False),
        Column("name", String(500), nullable=False),
        Column("kind", String(20), nullable=False),
        Column("status", String(40), nullable=False),
        Column("lead_unit_code", String(100), nullable=False),
        Column("lead_unit_name", String(300), nullable=False),
        Column("launching_level", String(40), nullable=False),
        Column("start_date", Date),
        Column("end_date", Date),
        Column("registration_number", String(100)),
        Column("registered_on", Date),
        Column("launched_on", Date),
        Column("final_review_filed", Boolean, nullable=False),
        Column("review_due_on", Date),
        Column("eligible", Boolean, nullable=False),
        Column("ineligibility_reasons", Text, nullable=False),
    )
    campaign_events = Table(
        f"{p}campaign_events",
        md,
        Column("event_id", String(200), primary_key=True),
        Column("campaign_id", String(64), nullable=False),
        Column("version", Integer, nullable=False),
        Column("event_type", String(60), nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("occurred_on", Date, nullable=False),
        Column("event_date", Date, nullable=False),
        Column("kind", String(20), nullable=False),
        Column("lead_unit_code", String(100), nullable=False),
        Column("status_after", String(40), nullable=False),
        Column("eligible_after", Boolean, nullable=False),
        Column("ineligibility_reasons", Text, nullable=False),
        Column("start_date", Date),
        Column("end_date", Date),
        Column("review_due_on", Date),
        Index(f"{p}ix_campaign_events_type_date", "event_type", "event_date"),
        Index(f"{p}ix_campaign_events_campaign", "campaign_id"),
    )
    dossiers = Table(
        f"{p}dossiers",
        md,
        Column("dossier_id", String(64), primary_key=True),
        Column("version", Integer, nullable=False),
        Column("receipt_number", String(100), nullable=False),
        Column("status", String(40), nullable=False),
        Column("channel", String(40), nullable=False),
        Column("proposing_unit_code", String(100), nullable=False),
        Column("proposing_unit_name", String(300), nullable=False),
        Column("award_type", String(40), nullable=False),
        Column("kind", String(40), nullable=False),
        Column("procedure", String(40), nullable=False),
        Column("campaign_id", String(64)),
        Column("emulation_year", Integer),
        Column("rule_set_id", String(60), nullable=False),
        Column("received_on", Date, nullable=False),
        Column("appointment_date", Date),
        Column("feat_date", Date),
        Column("late_proposal", Boolean, nullable=False),
        Column("days_after_feat", Integer),
        Column("decision_number", String(100)),
        Column("decision_date", Date),
        Column("nominee_count", Integer, nullable=False),
        Index(f"{p}ix_dossiers_received_on", "received_on"),
        Index(f"{p}ix_dossiers_emulation_year", "emulation_year"),
    )
    dossier_nominees = Table(
        f"{p}dossier_nominees",
        md,
        Column("dossier_id", String(64), primary_key=True),
        Column("nominee_id", String(64), primary_key=True),
        Column("kind", String(20), nullable=False),
        Column("name", String(300), nullable=False),
        Column("award", String(60), nullable=False),
        Column("unit", String(300), nullable=False),
        Column("position", String(300), nullable=False),
        Column("gender", String(10)),
        Column("is_direct_worker", Boolean, nullable=False),
        Column("size", Integer),
    )
    dossier_events = Table(
        f"{p}dossier_events",
        md,
        Column("event_id", String(200), primary_key=True),
        Column("dossier_id", String(64), nullable=False),
        Column("version", Integer, nullable=False),
        Column("event_type", String(60), nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("occurred_on", Date, nullable=False),
        Column("event_date", Date, nullable=False),
        Column("status_after", String(40), nullable=False),
        Column("appointment_date_after", Date),
        # Covering the summary's flows (kind, date, dossier) so they are read from the index alone.
        Index(f"{p}ix_dossier_events_type_date_dossier", "event_type", "event_date", "dossier_id"),
        Index(f"{p}ix_dossier_events_dossier", "dossier_id"),
    )
    award_approvals = Table(
        f"{p}award_approvals",
        md,
        Column("event_id", String(200), primary_key=True),
        Column("nominee_id", String(64), primary_key=True),
        Column("dossier_id", String(64), nullable=False),
        Column("decision_number", String(100), nullable=False),
        Column("decision_date", Date, nullable=False),
        Column("award", String(60), nullable=False),
        Column("multiplier", String(20)),
        Column("base_salary_vnd", BigInteger, nullable=False),
        Column("cash_reward_vnd", BigInteger),
        Index(f"{p}ix_award_approvals_date", "decision_date"),
        Index(f"{p}ix_award_approvals_dossier", "dossier_id"),
    )
    award_annulments = Table(
        f"{p}award_annulments",
        md,
        Column("event_id", String(200), primary_key=True),
        Column("nominee_id", String(64), primary_key=True),
        Column("dossier_id", String(64), nullable=False),
        Column("annulled_on", Date, nullable=False),
        Column("ground", String(4), nullable=False),
        Column("decision_number", String(100)),
        Column("act_reference", String(300), nullable=False),
        Index(f"{p}ix_award_annulments_dossier", "dossier_id"),
        Index(f"{p}ix_award_annulments_annulled_on", "annulled_on"),
    )
    award_recoveries = Table(
        f"{p}award_recoveries",
        md,
        Column("event_id", String(200), primary_key=True),
        Column("dossier_id", String(64), nullable=False),
        Column("recovered_on", Date, nullable=False),
        Column("nominee_count", Integer, nullable=False),
        Column("amount_recovered_vnd", BigInteger, nullable=False),
        Index(f"{p}ix_award_recoveries_recovered_on", "recovered_on"),
    )
    other_events = Table(
        f"{p}other_events",
        md,
        Column("event_id", String(200), primary_key=True),
        Column("subject", String(200), nullable=False),
        Column("aggregate_id", String(200), nullable=False),
        Column("version", Integer),
        Column("occurred_at", DateTime(timezone=True)),
    )
    # One narrow row per dossier with everything a summary reads about it (its group keys copied
    # from its latest snapshot, its nominees' awards, its dates and outcome), so each family of
    # metrics is one range scan of a covering index, joined with nothing (docs/performance.md).
    group_keys = ("proposing_unit_code", "campaign_id", "award_type", "channel", "awards")
    dossier_outcomes = Table(
        f"{p}dossier_outcomes",
        md,
        Column("dossier_id", String(64), primary_key=True),
        Column("result_on", Date),
        Column("processing_days", Integer),
        Column("due_on", Date),
        Column("complete_first_time", Boolean, nullable=False),
        Column("received_on", Date, nullable=False),
        Column("proposing_unit_code", String(100), nullable=False),
        Column("campaign_id", String(64)),
        Column("award_type", String(40), nullable=False),
        Column("channel", String(40), nullable=False),
        Column("late_proposal", Boolean, nullable=False),
        Column("nominees", Integer, nullable=False),
        # The nominees' awards with their counts, as sorted JSON pairs: `[["ADVANCED_WORKER", 2]]`.
        Column("awards", Text, nullable=False),
        Index(
            f"{p}ix_dossier_outcomes_received",
            "received_on",
            *group_keys,
            "complete_first_time",
            "late_proposal",
            "nominees",
        ),
        Index(f"{p}ix_dossier_outcomes_result", "result_on", *group_keys, "processing_days", "due_on"),
        sqlite_with_rowid=False,
    )
    # The summary's flows: one row per dossier, kind of event and distinct day (`decision`: the
    # days of either decision), with the dossier's group keys. `previous_date` is the dossier's
    # previous day of the same kind: a period counts the rows whose previous day is before it,
    # one per dossier, without a COUNT(DISTINCT …). Clustered by kind and day on SQLite.
    dossier_flows = Table(
        f"{p}dossier_flows",
        md,
        Column("event_type", String(60), primary_key=True),
        Column("event_date", Date, primary_key=True),
        Column("dossier_id", String(64), primary_key=True),
        Column("previous_date", Date),
        Column("proposing_unit_code", String(100), nullable=False),
        Column("campaign_id", String(64)),
        Column("award_type", String(40), nullable=False),
        Column("channel", String(40), nullable=False),
        Column("awards", Text, nullable=False),
        Index(f"{p}ix_dossier_flows_dossier", "dossier_id"),
        sqlite_with_rowid=False,
    )
    # Each approval with what the summary reads of its nominee and dossier (the nominee from the
    # dossier's latest snapshot; `annulled`: any annulment of it), clustered by decision day.
    awarded_nominees = Table(
        f"{p}awarded_nominees",
        md,
        Column("decision_date", Date, primary_key=True),
        Column("event_id", String(200), primary_key=True),
        Column("nominee_id", String(64), primary_key=True),
        Column("dossier_id", String(64), nullable=False),
        Column("award", String(60), nullable=False),
        Column("cash_reward_vnd", BigInteger),
        Column("nominee_kind", String(20)),
        Column("is_direct_worker", Boolean),
        Column("size", Integer),
        Column("nominee_unit", String(300)),
        Column("annulled", Boolean, nullable=False),
        Column("emulation_year", Integer),
        Column("proposing_unit_code", String(100), nullable=False),
        Column("campaign_id", String(64)),
        Column("award_type", String(40), nullable=False),
        Column("channel", String(40), nullable=False),
        Column("awards", Text, nullable=False),
        Index(f"{p}ix_awarded_nominees_dossier", "dossier_id"),
        Index(
            f"{p}ix_awarded_nominees_award_year",
            "award",
            "emulation_year",
            "annulled",
            "decision_date",
            "proposing_unit_code",
            "nominee_unit",
        ),
        sqlite_with_rowid=False,
    )
    # Dossiers whose `derived()` rows are behind their events: marked in the transaction that
    # applies the events, unmarked in the one that refreshes them (`outcomes.refresh_marked`).
    stale_outcomes = Table(
        f"{p}stale_outcomes",
        md,
        Column("dossier_id", String(64), primary_key=True),
        sqlite_with_rowid=False,
    )
    return ProjectionTables(
        generation,
        md,
        campaigns,
        campaign_events,
        dossiers,
        dossier_nominees,
        dossier_events,
        award_approvals,
        award_annulments,
        award_recoveries,
        other_events,
        dossier_outcomes,
        dossier_flows,
        awarded_nominees,
        stale_outcomes,
    )
