"""The stream and subject catalogue: one JetStream stream per publishing service.

Streams are the permanent, replayable history (file storage, limits retention, no age limit),
declared here once and created idempotently at start-up by every service that touches them.

Beside the public streams, each event-sourced service has a journal stream
(`TDKT_JOURNAL_<SERVICE>`, subject `journal.<service>`): every event its store holds, internal
ones included, exactly as stored. It is internal (no contract, no outside subscriber): it is what
lets a service see that its store is behind its own history and re-import what a restore lost
(`shared.messaging.storecheck`, `shared.messaging.reconcile`).

De-duplication: JetStream drops a message whose `Nats-Msg-Id` it has seen within the stream's
duplicate window. The default window is a day (`TDKT_DUPLICATE_WINDOW_SECONDS`), long enough for
a relay that re-sends after a night's outage; past it, a copy is stored, and every consumer
de-duplicates on the event id (`ce-id`) for the stream's whole history anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from faststream.nats import JStream
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    description: str


CAMPAIGNS = StreamSpec("TDKT_CAMPAIGNS", ("tdkt.campaign.>",), "Phong trào thi đua (services/campaigns)")
DOSSIERS = StreamSpec("TDKT_DOSSIERS", ("tdkt.dossier.>", "tdkt.award.>"), "Hồ sơ đề nghị và quyết định khen thưởng")
NOTIFICATIONS = StreamSpec("TDKT_NOTIFICATIONS", ("tdkt.notification.>",), "Kết quả gửi thông báo")
DEAD_LETTERS = StreamSpec("TDKT_DEAD_LETTERS", ("deadletter.>",), "Messages a consumer gave up on, for operators")
AUDIT = StreamSpec(
    "TDKT_AUDIT", ("tdkt.audit.>",), "Điểm kiểm đã ký của chuỗi băm (tdkt.audit.checkpoint), cho thanh tra, kiểm toán"
)
EVENT_STREAMS: tuple[StreamSpec, ...] = (CAMPAIGNS, DOSSIERS, NOTIFICATIONS)
JOURNALED_SERVICES: tuple[str, ...] = ("campaigns", "dossiers")
"""The event-sourced services: each keeps a journal of its store in NATS."""

DEFAULT_DUPLICATE_WINDOW_SECONDS = 24 * 3600


def journal_stream(service: str) -> StreamSpec:
    """The internal journal of one event-sourced service's store."""
    return StreamSpec(
        f"TDKT_JOURNAL_{service.upper()}",
        (journal_subject(service),),
        f"Nhật ký nội bộ: mọi sự kiện đã lưu của dịch vụ {service}, để đối chiếu và khôi phục kho sự kiện",
    )


def journal_subject(service: str) -> str:
    return f"journal.{service}"


JOURNAL_STREAMS: tuple[StreamSpec, ...] = tuple(journal_stream(s) for s in JOURNALED_SERVICES)
ALL_STREAMS: tuple[StreamSpec, ...] = (CAMPAIGNS, DOSSIERS, NOTIFICATIONS, DEAD_LETTERS, AUDIT, *JOURNAL_STREAMS)


def subject(aggregate: str, event: str) -> str:
    """`tdkt.<aggregate>.<event>` in lower snake case."""
    return f"tdkt.{aggregate}.{event}"


def dead_letter_subject(consumer: str, original_subject: str) -> str:
    return f"deadletter.{consumer}.{original_subject}"


def stream_config(
    spec: StreamSpec, *, replicas: int = 1, duplicate_window_seconds: int = DEFAULT_DUPLICATE_WINDOW_SECONDS
) -> StreamConfig:
    return StreamConfig(
        name=spec.name,
        subjects=list(spec.subjects),
        description=spec.description,
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        max_age=0,
        num_replicas=replicas,
        duplicate_window=duplicate_window_seconds,
    )


def jstream(spec: StreamSpec) -> JStream:
    """The FastStream view of a stream, for subscribers; `declare=False` because
    `ensure_streams` already created it with the full configuration."""
    return JStream(name=spec.name, subjects=list(spec.subjects), declare=False)


async def ensure_streams(
    js: JetStreamContext,
    specs: tuple[StreamSpec, ...] = ALL_STREAMS,
    *,
    replicas: int = 1,
    duplicate_window_seconds: int = DEFAULT_DUPLICATE_WINDOW_SECONDS,
) -> None:
    """Create each stream, or bring its configuration up to date; safe to run from every replica."""
    for spec in specs:
        config = stream_config(spec, replicas=replicas, duplicate_window_seconds=duplicate_window_seconds)
        try:
            await js.stream_info(spec.name)
        except NotFoundError:
            try:
                await js.add_stream(config)
                continue
            except Exception:  # another replica won the race; fall through to update
                pass
        await js.update_stream(config)


def stream_for_subject(subject_name: str) -> StreamSpec:
    """The stream that stores a published subject (`tdkt.award.decided` → TDKT_DOSSIERS,
    `journal.<service>` → that service's journal)."""
    if subject_name.startswith("journal."):
        return journal_stream(subject_name.removeprefix("journal."))
    for spec in ALL_STREAMS:
        for pattern in spec.subjects:
            prefix = pattern.removesuffix(">")
            if subject_name.startswith(prefix):
                return spec
    raise KeyError(f"no stream stores {subject_name}")
