"""The stream and subject catalogue: one JetStream stream per publishing service.

Streams are the permanent, replayable history (file storage, limits retention, no age limit),
declared here once and created idempotently at start-up by every service that touches them.
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
ALL_STREAMS: tuple[StreamSpec, ...] = (CAMPAIGNS, DOSSIERS, NOTIFICATIONS, DEAD_LETTERS)
EVENT_STREAMS: tuple[StreamSpec, ...] = (CAMPAIGNS, DOSSIERS, NOTIFICATIONS)


def subject(aggregate: str, event: str) -> str:
    """`tdkt.<aggregate>.<event>` in lower snake case."""
    return f"tdkt.{aggregate}.{event}"


def dead_letter_subject(consumer: str, original_subject: str) -> str:
    return f"deadletter.{consumer}.{original_subject}"


def stream_config(spec: StreamSpec, *, replicas: int = 1, duplicate_window_seconds: int = 120) -> StreamConfig:
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
    duplicate_window_seconds: int = 120,
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
    """The stream that stores a published subject (`tdkt.award.decided` → TDKT_DOSSIERS)."""
    for spec in ALL_STREAMS:
        for pattern in spec.subjects:
            prefix = pattern.removesuffix(">")
            if subject_name.startswith(prefix):
                return spec
    raise KeyError(f"no stream stores {subject_name}")
