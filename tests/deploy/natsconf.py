"""The nats-server configuration that deploy/nats/values.yaml gives the chart's servers, as a file.

The chart merges `config.merge` into its own configuration and writes `<< X >>` unquoted; the
same accounts and JetStream settings, rendered here, are deploy/compose/nats.conf (one server,
Docker Compose) and the server the deploy tests start, so the permissions the manifests grant are
the ones exercised. `python -m tests.deploy.natsconf` rewrites the compose file.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from shared.natsserver import find_nats_server, free_port, port_open
from shared.testing.fixtures import wait_until

ROOT = Path(__file__).resolve().parents[2]
VALUES = ROOT / "deploy" / "nats" / "values.yaml"
COMPOSE_CONF = ROOT / "deploy" / "compose" / "nats.conf"
UNQUOTED = re.compile(r'"<< (.+?) >>"')


def chart_values() -> dict[str, Any]:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def server_config(values: dict[str, Any], store_dir: str = "/data") -> dict[str, Any]:
    """The parts of the server's configuration that tdkt sets: JetStream and the accounts."""
    jetstream = {"store_dir": store_dir, **values["config"]["jetstream"].get("merge", {})}
    return {"jetstream": jetstream, **values["config"]["merge"]}


def render(config: dict[str, Any]) -> str:
    text = json.dumps(config, indent=2, ensure_ascii=True)
    return UNQUOTED.sub(r"\1", text) + "\n"


def password_variable(user: str) -> str:
    """The environment variable the servers read a user's password from (`<< $NAME >>`)."""
    for account in chart_values()["config"]["merge"]["accounts"].values():
        for entry in account["users"]:
            if entry["user"] == user:
                return UNQUOTED.fullmatch(json.dumps(entry["password"])).group(1).removeprefix("$")
    raise KeyError(user)


def compose_conf_text() -> str:
    header = (
        "# Generated from deploy/nats/values.yaml by `python -m tests.deploy.natsconf`: do not edit.\n"
        "# One server for deploy/compose.yaml, with the accounts and JetStream settings of the cluster.\n"
        "# Passwords come from the environment ($CAMPAIGNS_PASSWORD …; deploy/compose.env.example).\n"
    )
    return header + render({"listen": "0.0.0.0:4222", "http": "0.0.0.0:8222", **server_config(chart_values())})


@contextlib.contextmanager
def production_nats(tmp_path: Path, passwords: dict[str, str]) -> Iterator[str]:
    """A nats-server with the production accounts (passwords by user name); its URL."""
    port = free_port()
    config = {"listen": f"127.0.0.1:{port}", **server_config(chart_values(), store_dir=str(tmp_path / "js"))}
    conf = tmp_path / "nats.conf"
    conf.write_text(render(config), encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", ""), **{password_variable(u): p for u, p in passwords.items()}}
    log = open(tmp_path / "nats.log", "wb")  # noqa: SIM115
    process = subprocess.Popen([find_nats_server(), "-c", str(conf)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: port_open("127.0.0.1", port) or process.poll() is not None, timeout=15)
        assert process.poll() is None, (tmp_path / "nats.log").read_text()
        yield f"nats://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)
        log.close()


if __name__ == "__main__":
    COMPOSE_CONF.parent.mkdir(parents=True, exist_ok=True)
    COMPOSE_CONF.write_text(compose_conf_text(), encoding="utf-8")
    print(f"wrote {COMPOSE_CONF.relative_to(ROOT)}")
