"""Pytest fixtures: real NATS JetStream, real PostgreSQL, services as real processes.

Load with `pytest_plugins = ["shared.testing.fixtures"]`.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import nats
import pytest
from nats.js.client import JetStreamContext

from shared.natsaccounts import service_env
from shared.natsserver import NatsServerProcess, free_port
from shared.streams import ALL_STREAMS, ensure_streams
from shared.testing.servers import NATS_PASSWORDS, PostgresServer, nats_server, postgres_server

# Test-only paths (docs/security.md): the suite acts as any role through X-Actor-* headers
# instead of tokens, and writes as fast as it likes. Nothing outside the fixtures sets these.
os.environ.setdefault("TDKT_TEST_ACTOR_HEADERS", "1")
os.environ.setdefault("TDKT_RATE_LIMIT_PER_MINUTE", "0")


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    with nats_server() as url:
        yield url


@pytest.fixture
async def jetstream(nats_url: str) -> AsyncIterator[JetStreamContext]:
    """A JetStream context on fresh, empty tdkt streams."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await reset_streams(js)
    try:
        yield js
    finally:
        await nc.close()


async def reset_streams(js: JetStreamContext) -> None:
    for spec in ALL_STREAMS:
        with contextlib.suppress(nats.js.errors.NotFoundError):
            await js.delete_stream(spec.name)
    await ensure_streams(js)


@pytest.fixture
def own_nats(tmp_path: Path) -> Iterator[NatsServerProcess]:
    """A private nats-server that a test may stop and restart (same port, same store)."""
    server = NatsServerProcess(free_port(), tmp_path / "nats-store", tmp_path / "nats.log").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    with postgres_server() as server:
        if isinstance(server, str):
            if os.environ.get("TDKT_REQUIRE_POSTGRES"):
                pytest.fail(f"TDKT_REQUIRE_POSTGRES is set but {server}")
            pytest.skip(server)
        yield server


@pytest.fixture
def postgres_db(postgres: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server."""
    name = postgres.create_database()
    try:
        yield name
    finally:
        postgres.drop_database(name)


@dataclass
class ServiceProcess:
    name: str
    port: int
    log_path: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 25.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)


def start_service(
    name: str, env: dict[str, str], log_path: Path, timeout: float = 30.0, *, port: int | None = None
) -> ServiceProcess:
    """`python -m services.<name>` on `port` (a free one by default; the same one to restart a
    service where its clients expect it), once it answers /healthz."""
    port = port or free_port()
    full_env = {**os.environ, **env, "TDKT_PORT": str(port), "TDKT_DEV_MODE": "1"}
    passwords = NATS_PASSWORDS.get(full_env.get("TDKT_NATS_URL", ""), {})
    full_env = {**service_env(name, passwords), **full_env}  # log in to the fixtures' NATS as itself
    output = open(log_path, "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", f"services.{name}"], env=full_env, stdout=output, stderr=subprocess.STDOUT
    )
    service = ServiceProcess(name, port, log_path, process, env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{service.logs()}")
        try:
            if httpx.get(f"{service.url}/healthz", timeout=1).status_code == 200:
                return service
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    service.stop()
    raise TimeoutError(f"{name} did not answer /healthz in {timeout}s:\n{service.logs()}")


@pytest.fixture
def run_service(tmp_path: Path) -> Iterator[Callable[..., ServiceProcess]]:
    """Start `python -m services.<name>` with extra environment; all are stopped at teardown."""
    started: list[ServiceProcess] = []

    def run(name: str, env: dict[str, str], *, var_dir: Path | None = None) -> ServiceProcess:
        var = var_dir or tmp_path / f"var-{name}"
        log_path = tmp_path / f"{name}-{len(started)}.log"
        service = start_service(name, {"TDKT_VAR_DIR": str(var), **env}, log_path)
        started.append(service)
        return service

    yield run
    stop_all(started)


def stop_all(services: list[ServiceProcess]) -> None:
    """Stop every service, each as `ServiceProcess.stop` does, at the same time: a reporting
    service takes a second to end (its consumers finish their fetch), the others need not wait."""
    if services:
        with ThreadPoolExecutor(len(services)) as pool:
            list(pool.map(ServiceProcess.stop, services))


def wait_until(predicate: Callable[[], object], timeout: float = 20.0, interval: float = 0.1) -> object:
    """Poll until `predicate()` is truthy; returns its value or raises AssertionError."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last value: {last!r})")
