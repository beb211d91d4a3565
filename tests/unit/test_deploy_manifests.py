"""The Kubernetes overlays, rendered with kustomize and checked offline: valid objects that start the
services the code defines, with the probes, budgets, accounts and network paths they need."""

from __future__ import annotations

import copy
from typing import Any

import kubernetes_validate
import pytest

from tests.deploy.manifests import (
    DEPLOY,
    KUBERNETES_VERSION,
    NATS_SERVICES,
    OVERLAYS,
    ROOT,
    SERVICES,
    by_generated_name,
    container_env,
    load_yaml,
    objects,
    render,
    validate,
)

SHUTDOWN_BUDGET_SECONDS = 5 + 20 + 15  # preStop sleep + uvicorn graceful shutdown + FastStream drain
HTTP_PORT = 8000


def pod_spec(overlay: str, service: str) -> dict[str, Any]:
    return objects(overlay, "Deployment")[service]["spec"]["template"]["spec"]


@pytest.mark.parametrize("version", [KUBERNETES_VERSION, kubernetes_validate.latest_version() + ".0"])
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_is_valid_against_the_kubernetes_schemas(overlay: str, version: str) -> None:
    """kubernetes-validate's schemas ship in its wheel: strict (no unknown field), offline; the
    release the manifests target and the newest the library knows."""
    rendered = render(overlay)
    assert rendered
    for obj in rendered:
        validate(obj, version)


def test_the_schema_check_catches_a_misspelt_field() -> None:
    deployment = copy.deepcopy(objects("prod", "Deployment")["campaigns"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_runs_its_module_under_its_own_service_account(overlay: str) -> None:
    deployments = objects(overlay, "Deployment")
    accounts = objects(overlay, "ServiceAccount")
    assert set(deployments) == set(SERVICES)
    for name in SERVICES:
        spec = pod_spec(overlay, name)
        assert spec["containers"][0]["command"] == ["python", "-m", f"services.{name}"]
        assert (ROOT / "services" / name / "__main__.py").exists()
        assert spec["serviceAccountName"] == name
        assert accounts[name]["automountServiceAccountToken"] is False


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("name", SERVICES)
def test_probes_resources_and_shutdown(overlay: str, name: str) -> None:
    spec = pod_spec(overlay, name)
    container = spec["containers"][0]
    env = container_env(overlay, name).values
    assert container["ports"][0]["containerPort"] == int(env["TDKT_PORT"]) == HTTP_PORT
    assert env["TDKT_HOST"] == "0.0.0.0"
    ready = "/healthz" if name == "console" else "/readyz"  # the console has no /readyz
    assert container["readinessProbe"]["httpGet"]["path"] == ready
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert spec["terminationGracePeriodSeconds"] > SHUTDOWN_BUDGET_SECONDS
    assert container["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "5"]
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert env["TDKT_VAR_DIR"].startswith("/tmp/")  # the one writable place besides volumes
    assert any(m["mountPath"] == "/tmp" for m in container["volumeMounts"])


def test_shutdown_budget_matches_the_code() -> None:
    """The grace period is computed from the same numbers the service uses."""
    serve = (ROOT / "shared" / "http" / "serve.py").read_text(encoding="utf-8")
    assert "timeout_graceful_shutdown=20" in serve


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_has_a_disruption_budget_that_lets_a_node_drain(overlay: str) -> None:
    budgets = objects(overlay, "PodDisruptionBudget")
    deployments = objects(overlay, "Deployment")
    hpas = objects(overlay, "HorizontalPodAutoscaler")
    assert set(budgets) == set(SERVICES)
    for name, budget in budgets.items():
        assert budget["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": name}
        least = hpas[name]["spec"]["minReplicas"] if name in hpas else deployments[name]["spec"].get("replicas", 1)
        if "minAvailable" in budget["spec"]:
            assert budget["spec"]["minAvailable"] < least or overlay == "dev"
        else:
            assert budget["spec"]["maxUnavailable"] >= 1


def test_production_scales_the_stateless_services_and_keeps_reporting_single() -> None:
    hpas = objects("prod", "HorizontalPodAutoscaler")
    deployments = objects("prod", "Deployment")
    assert set(hpas) == {"campaigns", "dossiers", "notifications", "console"}
    for name, hpa in hpas.items():
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
        assert "replicas" not in deployments[name]["spec"]  # the autoscaler owns the count
    reporting = deployments["reporting"]["spec"]
    assert reporting["replicas"] == 1
    assert reporting["strategy"]["type"] == "Recreate"


def test_development_runs_one_of_everything() -> None:
    for name, deployment in objects("dev", "Deployment").items():
        assert deployment["spec"]["replicas"] == 1, name
    assert not objects("dev", "HorizontalPodAutoscaler")


def test_dossiers_replicas_share_one_attachment_volume() -> None:
    prod = objects("prod", "PersistentVolumeClaim")["dossiers-blobs"]
    assert prod["spec"]["accessModes"] == ["ReadWriteMany"]
    spec = pod_spec("prod", "dossiers")
    mount = next(m for m in spec["containers"][0]["volumeMounts"] if m["name"] == "blobs")
    assert container_env("prod", "dossiers").values["TDKT_DOSSIERS_BLOB_DIR"] == mount["mountPath"]
    assert next(v for v in spec["volumes"] if v["name"] == "blobs")["persistentVolumeClaim"] == {
        "claimName": "dossiers-blobs"
    }
    assert spec["securityContext"]["fsGroup"] == spec["securityContext"]["runAsUser"]  # writable


@pytest.mark.parametrize("name", ["campaigns", "dossiers"])
def test_the_event_sourced_services_get_their_signing_key_and_the_public_keys(name: str) -> None:
    """docs/audit.md: each signs its checkpoints with its own key; the public keys are configuration."""
    spec = pod_spec("prod", name)
    container = spec["containers"][0]
    env = container_env("prod", name).values
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert env["TDKT_AUDIT_SIGNING_KEY_FILE"].startswith(mounts["audit-signing"] + "/")
    assert volumes["audit-signing"]["secret"]["secretName"] == f"tdkt-audit-{name}"
    assert spec["securityContext"]["fsGroup"] == spec["securityContext"]["runAsUser"]  # the key is readable
    assert env["TDKT_AUDIT_PUBLIC_KEYS_FILE"].startswith(mounts["audit-public-keys"] + "/")
    config_maps = objects("prod", "ConfigMap")
    assert volumes["audit-public-keys"]["configMap"]["name"] in config_maps
    assert by_generated_name(config_maps, "tdkt-audit-public-keys")["data"]["public-keys.json"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_generated_objects_live_in_the_namespace_and_are_referenced(overlay: str) -> None:
    """Without `namespace:` in an overlay, kustomize puts its generated secrets in `default` and
    leaves the Deployments pointing at a name that does not exist."""
    rendered = render(overlay)
    for obj in rendered:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "tdkt", obj["metadata"]["name"]
    generated = {o["metadata"]["name"] for o in rendered if o["kind"] in {"ConfigMap", "Secret"}}
    for name in SERVICES:
        for source in pod_spec(overlay, name)["containers"][0]["envFrom"]:
            ref = source.get("configMapRef") or source["secretRef"]
            assert ref["name"] in generated or ref.get("optional"), ref


# --- network paths --------------------------------------------------------------------------


def _selects(policy: dict[str, Any], service: str) -> bool:
    selector = policy["spec"]["podSelector"]
    if not selector:
        return True
    if "matchLabels" in selector:
        return selector["matchLabels"].get("app.kubernetes.io/name") == service
    return any(
        e["key"] == "app.kubernetes.io/name" and e["operator"] == "In" and service in e["values"]
        for e in selector["matchExpressions"]
    )


def egress(overlay: str, service: str) -> list[tuple[dict[str, Any], set[int]]]:
    """(peer, ports) of every egress rule that applies to a service."""
    rules = []
    for policy in objects(overlay, "NetworkPolicy").values():
        if _selects(policy, service):
            for rule in policy["spec"].get("egress", []):
                ports = {p["port"] for p in rule.get("ports", [])}
                rules.extend((peer, ports) for peer in rule["to"])
    return rules


def _namespace(peer: dict[str, Any]) -> str | None:
    return peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_everything_is_denied_unless_a_policy_opens_it(overlay: str) -> None:
    deny = objects(overlay, "NetworkPolicy")["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_reaches_only_what_it_needs(name: str) -> None:
    reach: dict[str, set[int]] = {}
    cidrs: dict[str, set[int]] = {}
    pods: set[int] = set()
    for peer, ports in egress("prod", name):
        if "ipBlock" in peer:
            cidrs.setdefault(peer["ipBlock"]["cidr"], set()).update(ports)
        elif _namespace(peer):
            reach.setdefault(_namespace(peer), set()).update(ports)
        else:
            pods |= ports  # same namespace
    assert reach.pop("kube-system") == {53}
    assert reach.pop("identity") <= {8080, 8443}  # the OIDC issuer
    if name in NATS_SERVICES:
        assert reach.pop("nats") == {4222}
        assert reach.pop("postgres") == {5432}
    assert not reach, f"{name} may also reach {reach}"
    assert pods == ({HTTP_PORT} if name == "console" else set())
    issuer = {"203.0.113.10/32": {443}}
    if name == "notifications":
        assert cidrs == {**issuer, "192.0.2.25/32": {25, 465, 587}, "0.0.0.0/0": {443}}
        webhooks = next(p for p, _ in egress("prod", name) if p.get("ipBlock", {}).get("cidr") == "0.0.0.0/0")
        assert {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"} <= set(webhooks["ipBlock"]["except"])
    else:
        assert cidrs == issuer


def test_only_the_console_is_reachable_from_outside_and_the_services_only_from_it() -> None:
    policies = objects("prod", "NetworkPolicy")
    ingress_from: dict[str, list[dict[str, Any]]] = {s: [] for s in SERVICES}
    for policy in policies.values():
        for service in SERVICES:
            if _selects(policy, service):
                for rule in policy["spec"].get("ingress", []):
                    ingress_from[service].extend(rule["from"])
    for service, peers in ingress_from.items():
        namespaces = {_namespace(p) for p in peers if _namespace(p)}
        expected = {"monitoring", "ingress-nginx"} if service == "console" else {"monitoring"}
        assert namespaces == expected, service
        local = [p for p in peers if not _namespace(p)]
        if service != "console":
            assert local == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "console"}}}]
    ingress = objects("prod", "Ingress")["console"]["spec"]
    assert ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "console"
    assert ingress["tls"]


def test_the_base_is_the_only_place_objects_are_defined() -> None:
    """Every file the base lists exists, and every YAML file in the base is listed."""
    base = DEPLOY / "kubernetes" / "base"
    listed = set(load_yaml(base / "kustomization.yaml")[0]["resources"])
    on_disk = {p.name for p in base.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk
