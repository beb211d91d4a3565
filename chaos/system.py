"""The system under test: a nats-server, the four services as separate processes (one or two
replicas each), SQLite or PostgreSQL stores, an SMTP server and, for PostgreSQL, a proxy the
harness can cut. Every fault is injected from here: kill -9, a restart, NATS down, the database
down, a store file replaced by an older copy."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from chaos.outside import SmtpServer
from chaos.proxy import TcpProxy
from shared.natsserver import NatsServerProcess, free_port
from shared.testing.servers import PostgresServer

SERVICES = ("campaigns", "dossiers", "notifications", "reporting")
EVENT_STORES = ("campaigns", "dossiers")

FAST_SETTINGS = {
    "TDKT_DEV_MODE": "1",
    # a test harness: its workload acts through the test-only actor headers, as fast as it can
    "TDKT_TEST_ACTOR_HEADERS": "1",
    "TDKT_RATE_LIMIT_PER_MINUTE": "0",
    "TDKT_RELAY_POLL_SECONDS": "0.3",
    "TDKT_STORE_RECHECK_SECONDS": "1",
    "TDKT_CONSUMER_MAX_DELIVER": "3",
    "TDKT_CONSUMER_BACKOFF_SECONDS": "[0.3, 0.6]",
    "TDKT_CONSUMER_ACK_WAIT_SECONDS": "10",
    "TDKT_DOSSIERS_CAMPAIGN_SETTLE_SECONDS": "0.5",
    "TDKT_NOTIFICATION_MAX_ATTEMPTS": "3",
    "TDKT_NOTIFICATION_RETRY_BASE_SECONDS": "0.5",
    "TDKT_NOTIFICATION_RETRY_MAX_SECONDS": "1",
    "TDKT_NOTIFICATION_WORKER_POLL_SECONDS": "0.3",
    "TDKT_NOTIFICATION_OUTBOX_POLL_SECONDS": "0.3",
    "TDKT_NOTIFICATION_LEASE_SECONDS": "15",
    "TDKT_WEBHOOK_TIMEOUT_SECONDS": "1",
    "TDKT_SMTP_TIMEOUT_SECONDS": "10",
    "TDKT_LOG_LEVEL": "INFO",
    "PYTHONUNBUFFERED": "1",
}
"""Short delays so a scenario recovers in seconds; the logic is the production one."""


@dataclass
class Replica:
    service: str
    index: int
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def label(self) -> str:
        return f"{self.service}#{self.index}"

    def spawn(self) -> None:
        output = open(self.log_path, "ab")  # noqa: SIM115 (the child keeps it)
        output.write(f"\n===== start {time.strftime('%H:%M:%S')} =====\n".encode())
        self.process = subprocess.Popen(
            [sys.executable, "-m", f"services.{self.service}"],
            env={**os.environ, **self.env, "TDKT_PORT": str(self.port)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )

    def healthy(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            return False
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """kill -9: no shutdown hook, no last publish, no drain."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Databases:
    """PostgreSQL databases of one run (created fresh, dropped at the end)."""

    server: PostgresServer
    proxy: TcpProxy
    names: dict[str, str] = field(default_factory=dict)

    def create(self, run: str) -> None:
        for purpose in ("campaigns", "dossiers", "dossiers_views", "notifications", "reporting"):
            self.names[purpose] = self.server.create_database(f"chaos_{run}_{purpose}")

    def drop(self) -> None:
        for name in self.names.values():
            with contextlib.suppress(Exception):
                self.server.drop_database(name)

    def dsn(self, purpose: str, *, direct: bool = False) -> str:
        port = self.server.port if direct else self.proxy.port
        auth = self.server.user + (f":{self.server.password}" if self.server.password else "")
        return f"postgresql://{auth}@127.0.0.1:{port}/{self.names[purpose]}"

    def eventsourcing_env(self, purpose: str, *, direct: bool = False) -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.names[purpose],
            "POSTGRES_HOST": self.server.host if direct else "127.0.0.1",
            "POSTGRES_PORT": str(self.server.port if direct else self.proxy.port),
            "POSTGRES_USER": self.server.user,
            "POSTGRES_PASSWORD": self.server.password,
            # Eight processes share one server (maybe with other users): small pools.
            "POSTGRES_POOL_SIZE": "2",
            "POSTGRES_MAX_OVERFLOW": "6",
        }


class System:
    def __init__(
        self,
        workdir: Path,
        *,
        postgres: PostgresServer | None = None,
        replicas: int = 1,
        smtp_delay_seconds: float = 0.0,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.replicas = replicas
        self.nats = NatsServerProcess(free_port(), workdir / "nats", workdir / "nats.log")
        self.smtp = SmtpServer(smtp_delay_seconds)
        self.databases: Databases | None = None
        if postgres is not None:
            self.databases = Databases(postgres, TcpProxy(postgres.host, postgres.port))
        self.extra_env = extra_env or {}
        self.replica_sets: dict[str, list[Replica]] = {}

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> System:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.nats.start()
        self.smtp.start()
        if self.databases is not None:
            self.databases.proxy.up()
            self.databases.create(self.workdir.name.replace("-", "_")[:20])
        for service in SERVICES:
            self.replica_sets[service] = [
                Replica(service, i, free_port(), self.env_for(service), self.workdir / f"{service}-{i}.log")
                for i in range(self.replicas)
            ]
        self.spawn(*self.all_replicas())
        return self

    def stop(self) -> None:
        # Each replica shuts down as before (SIGTERM, then kill after 30 s); all at the same time.
        with ThreadPoolExecutor(max(1, len(self.all_replicas()))) as pool:
            list(pool.map(Replica.stop, self.all_replicas()))
        self.nats.stop()
        self.smtp.stop()
        if self.databases is not None:
            self.databases.proxy.down()
            self.databases.drop()

    def __enter__(self) -> System:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    # -- configuration ----------------------------------------------------------------------------
    def var_dir(self, service: str) -> Path:
        return self.workdir / f"var-{service}"

    def env_for(self, service: str, *, direct: bool = False) -> dict[str, str]:
        env = {
            **FAST_SETTINGS,
            "TDKT_NATS_URL": self.nats.url,
            "TDKT_VAR_DIR": str(self.var_dir(service)),
            "TDKT_SMTP_HOST": "127.0.0.1",
            "TDKT_SMTP_PORT": str(self.smtp.port),
            **self.extra_env,
        }
        db = self.databases
        if db is not None:
            if service in EVENT_STORES:
                env.update(db.eventsourcing_env(service, direct=direct))
            if service == "dossiers":
                env["TDKT_DOSSIERS_DATABASE_URL"] = db.dsn("dossiers_views", direct=direct)
            if service in ("notifications", "reporting"):
                env[f"TDKT_{service.upper()}_DATABASE_URL"] = db.dsn(service, direct=direct)
        return env

    def store_path(self, service: str) -> Path:
        """The SQLite event store of a service (SQLite runs only)."""
        return self.var_dir(service) / f"{service}.sqlite"

    def views_url(self, service: str) -> str:
        """The read-model database of a service, for the audit (direct, not through the proxy)."""
        if self.databases is not None:
            purpose = "dossiers_views" if service == "dossiers" else service
            return self.databases.dsn(purpose, direct=True)
        return f"sqlite:///{self.var_dir(service) / f'{service}-views.sqlite'}"

    # -- processes --------------------------------------------------------------------------------
    def all_replicas(self) -> list[Replica]:
        return [r for service in SERVICES for r in self.replica_sets.get(service, [])]

    def replica(self, service: str, index: int = 0) -> Replica:
        return self.replica_sets[service][index]

    def urls(self, service: str) -> list[str]:
        return [r.url for r in self.replica_sets[service]]

    def spawn(self, *replicas: Replica, timeout: float = 60.0) -> None:
        for replica in replicas:
            replica.spawn()
        deadline = time.monotonic() + timeout
        waiting = list(replicas)
        while waiting and time.monotonic() < deadline:
            waiting = [r for r in waiting if not r.healthy()]
            for r in waiting:
                if r.process is not None and r.process.poll() is not None:
                    raise RuntimeError(f"{r.label} exited with {r.process.returncode}; see {r.log_path}")
            time.sleep(0.1)
        if waiting:
            raise TimeoutError(f"{[r.label for r in waiting]} did not answer /healthz; see {self.workdir}")

    def kill(self, service: str, index: int = 0) -> None:
        self.replica(service, index).kill()

    def restart(self, service: str, index: int = 0) -> None:
        replica = self.replica(service, index)
        replica.kill()
        self.spawn(replica)

    def readiness(self) -> dict[str, int]:
        out = {}
        for r in self.all_replicas():
            try:
                out[r.label] = httpx.get(f"{r.url}/readyz", timeout=5).status_code
            except httpx.HTTPError:
                out[r.label] = 0
        return out

    def wait_ready(self, timeout: float = 90.0) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        states = self.readiness()
        while time.monotonic() < deadline and any(code != 200 for code in states.values()):
            time.sleep(0.2)
            states = self.readiness()
        return states

    # -- store copies (the restore fault) ---------------------------------------------------------
    def backup_store(self, service: str, name: str) -> None:
        """Take a consistent copy of a service's event store, as a nightly backup would."""
        if self.databases is not None:
            raise NotImplementedError("PostgreSQL backups: restore scenario runs on SQLite")
        with sqlite3.connect(self.store_path(service)) as live, sqlite3.connect(self.workdir / name) as copy:
            live.backup(copy)

    def restore_store(self, service: str, name: str) -> None:
        """Replace a (stopped) service's event store by an earlier copy."""
        store = self.store_path(service)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(self.workdir / name) as copy, sqlite3.connect(store) as target:
            copy.backup(target)

    def tdkt(self, *args: str, service: str) -> subprocess.CompletedProcess[str]:
        """Run the `tdkt` command line as an operator would, with the service's environment."""
        return subprocess.run(
            [sys.executable, "-c", "from services.cli import main; main()", *args],
            env={**os.environ, **self.env_for(service, direct=True)},
            capture_output=True,
            text=True,
            timeout=120,
        )


@contextlib.contextmanager
def running(workdir: Path, **options: Any) -> Iterator[System]:
    system = System(workdir, **options)
    try:
        yield system.start()
    finally:
        system.stop()
