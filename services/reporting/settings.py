"""Settings of the reporting service (environment, prefix `TDKT_`)."""

from __future__ import annotations

from shared.settings import TdktSettings


class ReportingSettings(TdktSettings):
    reporting_database_url: str | None = None
    """Projections database (`TDKT_REPORTING_DATABASE_URL`); SQLite under var/ when unset."""
    reporting_small_collective_max_members: int = 10
    """A collective with at most this many members counts as small (dispatch 147 asks for
    attention to small collectives; the threshold is a local policy, not law, hence configurable)."""
    reporting_rebuild_batch_size: int = 500
    """Events applied per transaction while rebuilding: large enough to be fast, small enough
    that live writes interleave between batches."""
    reporting_rebuild_decode_processes: int | None = None
    """Worker processes forked to decode a large rebuild's batches (`TDKT_REPORTING_REBUILD_DECODE_PROCESSES`);
    unset: the cores but one (at most 4); 0: decode in a thread of the service (e.g. a pod limited
    to one CPU, where the workers only add work)."""
    reporting_verify_wait_seconds: float = 10.0
    """How long the auditor's check waits for the live consumers to catch up before comparing."""
    reporting_initial_rebuild: bool = True
    """Fill a brand-new projection database from the streams' first message at start-up: the
    durable consumers may already be past events that the new tables have never seen."""
