"""Each service started as its Deployment starts it: the dev overlay's command and environment,
rendered by kustomize, with only the addresses a cluster has and a test machine does not
translated, against a real nats-server carrying the production accounts and permissions
(deploy/nats/values.yaml) and a real PostgreSQL. An event then travels from campaigns to
reporting, so each user's subject permissions are the ones the services need; and each process
stops within the pod's grace period.

Translated (and nothing else): the NATS and PostgreSQL addresses and the test server's database
user, database names (fresh ones), the listening port and host, the folders the pod mounts
(/tmp, the attachments volume, the public keys' ConfigMap) and the console's service URLs; added:
the test suite's actor headers in place of a bearer token (no OIDC issuer runs here) and smaller
event-store pools (the test PostgreSQL is shared).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import psycopg
import pytest

from shared.natsserver import free_port
from shared.testing.fixtures import wait_until
from shared.testing.servers import PostgresServer
from tests.deploy.manifests import DEPLOY, NATS_SERVICES, ROOT, by_generated_name, objects, resolved_env
from tests.deploy.natsconf import production_nats
from tests.deploy.settings_names import settings_class
from tests.support.campaign_payloads import LEAD_UNIT, thematic_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

GRACE_SECONDS = 45


def image_env() -> dict[str, str]:
    """The image's own ENV line (deploy/Dockerfile), as a container starts with it."""
    line = next(line for line in (DEPLOY / "Dockerfile").read_text().splitlines() if line.startswith("ENV "))
    return dict(pair.split("=", 1) for pair in line.removeprefix("ENV ").split())


class Pod:
    def __init__(self, name: str, env: dict[str, str], home: Path) -> None:
        deployment = objects("dev", "Deployment")[name]
        command = deployment["spec"]["template"]["spec"]["containers"][0]["command"]
        assert command[0] == "python"
        self.name, self.port = name, int(env["TDKT_PORT"])
        self.log_path = home / f"{name}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, *command[1:]], env=env, cwd=home, stdout=self.log, stderr=subprocess.STDOUT
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answers(self, path: str) -> bool:
        assert self.process.poll() is None, f"{self.name} exited:\n{self.log_path.read_text(errors='replace')}"
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(self.url + path, timeout=2).status_code == 200
        return False

    def stop(self) -> float:
        """SIGTERM as the kubelet sends it; how long the process took to exit."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()
        return time.monotonic() - started


def pod_env(name: str, home: Path, nats_url: str, pg: PostgresServer, databases: dict[str, str]) -> dict[str, str]:
    env = {**image_env(), **resolved_env("dev", name)}
    env |= {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "TDKT_HOST": "127.0.0.1"}
    env["TDKT_PORT"] = str(free_port())
    env["TDKT_VAR_DIR"] = str(home / "tmp" / name)
    if "TDKT_DOSSIERS_BLOB_DIR" in env:
        env["TDKT_DOSSIERS_BLOB_DIR"] = str(home / "blobs")
    if "TDKT_AUDIT_PUBLIC_KEYS_FILE" in env:
        env["TDKT_AUDIT_PUBLIC_KEYS_FILE"] = str(home / "audit" / "public-keys.json")
    env["TDKT_NATS_URL"] = nats_url
    env["TDKT_TEST_ACTOR_HEADERS"] = "1"  # the suite's stand-in for a bearer token: no issuer runs here
    if name in NATS_SERVICES and "nats_user" not in settings_class(name).model_fields:
        # Until the services read TDKT_NATS_USER / TDKT_NATS_PASSWORD (#12), the same credentials
        # travel in the URL, which nats-py understands.
        url = urlparse(nats_url)
        env["TDKT_NATS_URL"] = f"nats://{env['TDKT_NATS_USER']}:{env['TDKT_NATS_PASSWORD']}@{url.netloc}"
    if "POSTGRES_DBNAME" in env:
        env |= {"POSTGRES_HOST": pg.host, "POSTGRES_PORT": str(pg.port), "POSTGRES_USER": pg.user}
        env["POSTGRES_PASSWORD"] = pg.password
        env["POSTGRES_DBNAME"] = databases[env["POSTGRES_DBNAME"]]
        env |= {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "4"}  # a server shared by many tests
    for key, value in list(env.items()):
        if key.endswith("_DATABASE_URL"):
            env[key] = pg.dsn(databases[urlparse(value).path.lstrip("/")])
    if "PGPASSWORD" in env:
        env["PGPASSWORD"] = pg.password
    return env


def test_each_service_starts_from_its_deployment_and_the_accounts_carry_an_event(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    secrets = {s: resolved_env("dev", s) for s in NATS_SERVICES}
    passwords = {s: secrets[s]["TDKT_NATS_PASSWORD"] for s in NATS_SERVICES} | {
        "sys": "t-sys",
        "tdkt-admin": "t-admin",
        "tdkt-auditor": "t-auditor",
    }
    home = tmp_path / "home"  # the image's WORKDIR: the package installed, docs/contracts beside it
    (home / "docs").mkdir(parents=True)
    (home / "docs" / "contracts").symlink_to(ROOT / "docs" / "contracts")
    (home / "audit").mkdir()
    keys = by_generated_name(objects("dev", "ConfigMap"), "tdkt-audit-public-keys")["data"]["public-keys.json"]
    (home / "audit" / "public-keys.json").write_text(keys, encoding="utf-8")
    names = ["tdkt_campaigns", "tdkt_dossiers", "tdkt_dossiers_views", "tdkt_notifications", "tdkt_reporting"]
    databases = {name: postgres.create_database(name) for name in names}
    pods: list[Pod] = []
    try:
        with production_nats(tmp_path, passwords) as nats_url:
            envs = {name: pod_env(name, home, nats_url, postgres, databases) for name in NATS_SERVICES}
            envs["console"] = pod_env("console", home, nats_url, postgres, databases)
            for name in NATS_SERVICES:
                envs["console"][f"TDKT_{name.upper()}_URL"] = f"http://127.0.0.1:{envs[name]['TDKT_PORT']}"
            pods += [Pod(name, env, home) for name, env in envs.items()]  # all at once, as a rollout
            for pod in pods:
                wait_until(lambda pod=pod: pod.answers("/healthz" if pod.name == "console" else "/readyz"), timeout=90)

            campaigns, reporting = pods[0], pods[3]
            created = httpx.post(f"{campaigns.url}/campaigns", json=thematic_campaign(), headers=LEAD_UNIT, timeout=15)
            assert created.status_code == 201, created.text

            def drafted_in_reports() -> bool:
                rows = httpx.get(f"{reporting.url}/reports/campaigns", timeout=5).json()
                return sum(row["campaigns"] for row in rows) == 1

            wait_until(drafted_in_reports, timeout=60)
            for pod in pods:
                assert pod.answers("/healthz")
            with psycopg.connect(postgres.dsn(databases["tdkt_campaigns"])) as conn:
                assert conn.execute("SELECT count(*) FROM campaigns_events").fetchone() == (1,)
            for pod in reversed(pods):
                took = pod.stop()
                # uvicorn shuts down gracefully, then re-raises the SIGTERM it caught (exit -15);
                # a process still running after the grace period would have been killed (-9).
                assert pod.process.returncode in (0, -signal.SIGTERM), f"{pod.name}: {pod.process.returncode}"
                assert "Application shutdown complete" in pod.log_path.read_text(errors="replace"), pod.name
                assert took < GRACE_SECONDS - 5, f"{pod.name} took {took:.1f} s to stop"
            logs = "".join(pod.log_path.read_text(errors="replace") for pod in pods)
            assert not re.search(r"[Pp]ermissions? [Vv]iolation", logs), logs[-3000:]
    finally:
        for pod in pods:
            with contextlib.suppress(Exception):
                pod.stop()
        for name in databases.values():
            with contextlib.suppress(psycopg.Error):
                postgres.drop_database(name)
        shutil.rmtree(home / "tmp", ignore_errors=True)
