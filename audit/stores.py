"""Opening a service's event store read-only for the audit tools, from the same environment as the
service (`TDKT_VAR_DIR`, `PERSISTENCE_MODULE`, `POSTGRES_*`…), without the service's code."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from shared.audit.chainstore import ChainReader
from shared.audit.recorders import chained_recorder
from shared.eventstore import persistence_env
from shared.messaging.relay import relay_tracking_name
from shared.settings import TdktSettings
from shared.streams import CAMPAIGNS, DOSSIERS, StreamSpec

APP_NAMES = {"campaigns": "Campaigns", "dossiers": "Dossiers"}
PUBLIC_STREAMS: dict[str, StreamSpec] = {"campaigns": CAMPAIGNS, "dossiers": DOSSIERS}


@dataclass
class OpenedStore:
    service: str
    chain: ChainReader
    factory: InfrastructureFactory
    public_stream: StreamSpec

    def published_position(self) -> int:
        tracking = self.factory.tracking_recorder()
        return tracking.max_tracking_id(relay_tracking_name(self.service)) or 0


@contextmanager
def open_store(service: str, settings: TdktSettings | None = None) -> Iterator[OpenedStore]:
    settings = settings or TdktSettings()
    name = APP_NAMES[service]
    env = dict(os.environ)
    env.update(persistence_env(name, settings.var_dir))
    factory = InfrastructureFactory.construct(Environment(name, env))
    try:
        recorder = chained_recorder(factory)
        if recorder is None:
            raise RuntimeError(f"{service}: the configured store keeps no hash chain (in-memory store?)")
        yield OpenedStore(service, ChainReader(recorder), factory, PUBLIC_STREAMS[service])
    finally:
        factory.close()
