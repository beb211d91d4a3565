"""What every benchmark item shares in one run: options, a working folder, one nats-server,
and (with `--postgres`) a PostgreSQL server on which each item gets fresh databases."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.results import Run
from shared.testing.servers import PostgresServer


@dataclass
class Context:
    workdir: Path
    nats_url: str
    run: Run
    rounds: int = 3
    window: int = 1000
    events: int = 100_000
    dossiers: int = 20_000
    quick: bool = False
    postgres: PostgresServer | None = None
    databases: list[str] = field(default_factory=list)

    def size(self, normal: int, *, small: int) -> int:
        return small if self.quick else normal

    @property
    def store_label(self) -> str:
        return "PostgreSQL" if self.postgres else "SQLite"

    def database(self, purpose: str) -> str:
        """A fresh PostgreSQL database (dropped at the end of the run)."""
        assert self.postgres is not None
        name = self.postgres.create_database(f"tdkt_bench_{purpose}")
        self.databases.append(name)
        return name

    def event_store_env(self, purpose: str, sqlite_file: Path) -> dict[str, str]:
        """The `eventsourcing` environment of a fresh event store."""
        if self.postgres is None:
            return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(sqlite_file)}
        return {**self.postgres.eventsourcing_env(self.database(purpose)), "POSTGRES_POOL_SIZE": "4"}

    def view_url(self, purpose: str, sqlite_file: Path) -> str:
        """A fresh read-model database URL."""
        if self.postgres is None:
            return f"sqlite:///{sqlite_file}"
        return self.postgres.dsn(self.database(purpose))

    def drop_databases(self) -> None:
        assert self.postgres is not None or not self.databases
        for name in self.databases:
            with contextlib.suppress(Exception):
                self.postgres.drop_database(name)  # type: ignore[union-attr]
