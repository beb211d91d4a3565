"""The Kubernetes manifests, checked offline: they must start the services the code defines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BASE = DEPLOY / "kubernetes" / "base"
OVERLAYS = DEPLOY / "kubernetes" / "overlays"
SERVICES = ("campaigns", "dossiers", "notifications", "reporting")
SHUTDOWN_BUDGET_SECONDS = 20 + 15 + 5  # uvicorn graceful + FastStream drain + preStop sleep


def load(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def base_documents() -> list[dict[str, Any]]:
    kustomization = load(BASE / "kustomization.yaml")[0]
    documents: list[dict[str, Any]] = []
    for resource in kustomization["resources"]:
        documents.extend(load(BASE / resource))
    return documents


def config_literals(kustomization: dict[str, Any]) -> dict[str, str]:
    literals: dict[str, str] = {}
    for generator in kustomization.get("configMapGenerator", []):
        for literal in generator.get("literals", []):
            key, _, value = literal.partition("=")
            literals[key] = value
    return literals


def deployments() -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in base_documents() if d["kind"] == "Deployment"}


def test_every_service_has_a_deployment_that_runs_its_module() -> None:
    found = deployments()
    assert set(found) == set(SERVICES)
    for name, deployment in found.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["command"] == ["python", "-m", f"services.{name}"]
        assert (ROOT / "services" / name / "__main__.py").exists()


@pytest.mark.parametrize("name", SERVICES)
def test_probes_ports_and_shutdown_match_the_service_app(name: str) -> None:
    spec = deployments()[name]["spec"]["template"]["spec"]
    container = spec["containers"][0]
    config = config_literals(load(BASE / "kustomization.yaml")[0])
    assert container["ports"][0]["containerPort"] == int(config["TDKT_PORT"])
    assert config["TDKT_HOST"] == "0.0.0.0"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert spec["terminationGracePeriodSeconds"] > SHUTDOWN_BUDGET_SECONDS
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    sources = {next(iter(s.values()))["name"] for s in container["envFrom"]}
    assert sources == {"tdkt-config", "tdkt-secrets"}


def test_reporting_runs_one_replica_everywhere() -> None:
    reporting = deployments()["reporting"]["spec"]
    assert reporting["replicas"] == 1
    assert reporting["strategy"]["type"] == "Recreate"
    for overlay in OVERLAYS.iterdir():
        for replica in load(overlay / "kustomization.yaml")[0].get("replicas", []):
            assert replica["name"] != "reporting" or replica["count"] == 1


def test_dev_secrets_provide_every_key_the_deployments_read() -> None:
    wanted = set()
    for deployment in deployments().values():
        for env in deployment["spec"]["template"]["spec"]["containers"][0].get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                wanted.add(ref["key"])
    lines = (OVERLAYS / "dev" / "secrets.dev.env").read_text(encoding="utf-8").splitlines()
    provided = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    assert wanted | {"POSTGRES_PASSWORD"} <= provided


def test_stream_replicas_match_the_nats_cluster() -> None:
    base = config_literals(load(BASE / "kustomization.yaml")[0])
    nats_values = load(DEPLOY / "nats" / "values.yaml")[0]
    assert nats_values["config"]["jetstream"]["enabled"] is True
    assert int(base["TDKT_STREAM_REPLICAS"]) == nats_values["config"]["cluster"]["replicas"] == 3
    dev = config_literals(load(OVERLAYS / "dev" / "kustomization.yaml")[0])
    assert dev["TDKT_STREAM_REPLICAS"] == "1"


def test_overlays_reference_the_base_and_existing_deployments() -> None:
    names = set(deployments())
    for overlay in OVERLAYS.iterdir():
        kustomization = load(overlay / "kustomization.yaml")[0]
        assert "../../base" in kustomization["resources"]
        for replica in kustomization.get("replicas", []):
            assert replica["name"] in names


@pytest.mark.parametrize("name", ["campaigns", "dossiers"])
def test_the_event_sourced_services_get_their_signing_key_and_the_public_keys(name: str) -> None:
    """docs/audit.md: each signs its checkpoints with its own key; the public keys are configuration."""
    spec = deployments()[name]["spec"]["template"]["spec"]
    container = spec["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert env["TDKT_AUDIT_SIGNING_KEY_FILE"].startswith(mounts["audit-signing"] + "/")
    assert volumes["audit-signing"]["secret"]["secretName"] == f"tdkt-audit-{name}"
    assert spec["securityContext"]["fsGroup"] == spec["securityContext"]["runAsUser"]  # the key is readable
    config = config_literals(load(BASE / "kustomization.yaml")[0])
    assert config["TDKT_AUDIT_PUBLIC_KEYS_FILE"].startswith(mounts["audit-public-keys"] + "/")
    assert volumes["audit-public-keys"]["configMap"]["name"] == "tdkt-audit-public-keys"
