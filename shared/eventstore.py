"""Event-store plumbing shared by every event-sourced service.

`TdktApplication` registers the transcodings that domain events need beyond the library's
built-ins (`date` and `Actor`), so that every follower decodes what a leader wrote
(a follower without them cannot read a `date`). `configure_persistence` turns the service settings into the
`eventsourcing` environment: SQLite under `var/` by default, PostgreSQL when
`PERSISTENCE_MODULE=eventsourcing.postgres` and the `POSTGRES_*` variables are set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Recording, Transcoder, Transcoding

from shared.actor import Actor


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ActorAsDict(Transcoding):
    type = Actor
    name = "actor"

    def encode(self, obj: Actor) -> dict[str, str]:
        return obj.as_dict()

    def decode(self, data: dict[str, Any]) -> Actor:
        return Actor.from_dict(data)


class TdktApplication(Application[UUID]):
    """Base of every service's event-sourced application.

    Listeners registered with `add_save_listener` are called after each successful save: the
    outbox relay uses this to wake up at once instead of waiting for its timer.
    """

    log_section_size = 1000  # the relay reads the notification log in batches up to this size

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env)
        self._save_listeners: list[Callable[[], None]] = []

    def add_save_listener(self, listener: Callable[[], None]) -> None:
        self._save_listeners.append(listener)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        recordings = super().save(*objs, **kwargs)
        if recordings:
            for listener in self._save_listeners:
                listener()
        return recordings

    def register_transcodings(self, transcoder: Transcoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(ActorAsDict())


def persistence_env(app_name: str, var_dir: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The `eventsourcing` environment for one application.

    Anything already set in the process environment wins; otherwise the embedded default is a
    SQLite file `var/<app>.sqlite`.
    """
    environ = dict(os.environ if environ is None else environ)
    env: dict[str, str] = {}
    prefix = app_name.upper() + "_"
    module = environ.get(prefix + "PERSISTENCE_MODULE") or environ.get("PERSISTENCE_MODULE")
    if not module:
        var_dir.mkdir(parents=True, exist_ok=True)
        env["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
        if not (environ.get(prefix + "SQLITE_DBNAME") or environ.get("SQLITE_DBNAME")):
            env["SQLITE_DBNAME"] = str(var_dir / f"{app_name.lower()}.sqlite")
    return env
