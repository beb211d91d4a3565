"""Rendering the Kustomize overlays and reading what each container is given.

`kubectl kustomize` (the Kubernetes client's own kustomize) renders an overlay exactly as
`kubectl apply -k` would; no cluster is involved. Where kubectl is missing the tests that need it
skip, unless `TDKT_REQUIRE_KUBECTL=1` (CI) makes that a failure.
"""

from __future__ import annotations

import base64
import copy
import functools
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kubernetes_validate
import kubernetes_validate.utils
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUSTOMIZE = DEPLOY / "kubernetes"
OVERLAYS = ("dev", "prod")
SERVICES = ("campaigns", "dossiers", "notifications", "reporting", "console")
NATS_SERVICES = ("campaigns", "dossiers", "notifications", "reporting")
KUBERNETES_VERSION = "1.33.0"
"""The Kubernetes release the objects are validated against (kubernetes-validate ships 1.25-1.37)."""


def require_kubectl() -> str:
    found = shutil.which("kubectl")
    if found:
        return found
    if os.environ.get("TDKT_REQUIRE_KUBECTL"):
        pytest.fail("kubectl is needed to render the overlays (TDKT_REQUIRE_KUBECTL is set)")
    pytest.skip(
        "kubectl is not installed, so the Kustomize overlays cannot be rendered on this machine; install"
        " the Kubernetes client to run these checks (CI sets TDKT_REQUIRE_KUBECTL=1 and fails without it)"
    )


Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The library reads its (large) definitions file again for every object; the files do not change.
kubernetes_validate.utils.schema_contents = functools.cache(kubernetes_validate.utils.schema_contents)


def validate(obj: dict[str, Any], version: str = KUBERNETES_VERSION) -> None:
    """Strict validation (no unknown field) against the schemas kubernetes-validate ships."""
    kubernetes_validate.validate(obj, version, strict=True)


@functools.cache
def _render(path: str) -> tuple[dict[str, Any], ...]:
    kubectl = require_kubectl()
    result = subprocess.run([kubectl, "kustomize", path], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"kubectl kustomize {path} failed:\n{result.stderr}"
    return tuple(doc for doc in yaml.load_all(result.stdout, Loader=Loader) if doc)


def render(overlay: str) -> list[dict[str, Any]]:
    """Every object of an overlay (a fresh copy: callers may change it)."""
    return copy.deepcopy(list(_render(str(KUSTOMIZE / "overlays" / overlay))))


def _rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    """The cached rendering, shared: for reading only."""
    return _render(str(KUSTOMIZE / "overlays" / overlay))


def objects(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: copy.deepcopy(o) for o in _rendered(overlay) if o["kind"] == kind}


def by_generated_name(found: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    """A generated ConfigMap or Secret by its name without kustomize's hash suffix."""
    matches = [o for n, o in found.items() if n == name or n.rsplit("-", 1)[0] == name]
    assert len(matches) == 1, f"{name}: {sorted(found)}"
    return matches[0]


@dataclass
class ContainerEnv:
    """What one container of a rendered overlay is given, with where each value comes from."""

    values: dict[str, str | None] = field(default_factory=dict)
    """Literal values (None: from a secret)."""
    secret_keys: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    """Variable -> (secret, key, optional)."""
    secret_sources: list[tuple[str, bool]] = field(default_factory=list)
    """Whole secrets given with envFrom (name, optional)."""

    @property
    def names(self) -> set[str]:
        return set(self.values) | set(self.secret_keys)


def container_env(overlay: str, service: str) -> ContainerEnv:
    """The environment a service's container gets in an overlay (ConfigMaps resolved)."""
    rendered = _rendered(overlay)
    config_maps = {o["metadata"]["name"]: o for o in rendered if o["kind"] == "ConfigMap"}
    deployment = next(o for o in rendered if o["kind"] == "Deployment" and o["metadata"]["name"] == service)
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = ContainerEnv()
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.values.update(config_maps[source["configMapRef"]["name"]].get("data", {}))
        else:
            ref = source["secretRef"]
            env.secret_sources.append((ref["name"], bool(ref.get("optional"))))
    for item in container.get("env", []):
        ref = item.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            env.secret_keys[item["name"]] = (ref["name"], ref["key"], bool(ref.get("optional")))
            env.values.pop(item["name"], None)
        else:
            env.values[item["name"]] = item.get("value")
    return env


def secret_data(overlay: str) -> dict[str, dict[str, str]]:
    """The secrets an overlay generates (development values), decoded, by rendered name."""
    found: dict[str, dict[str, str]] = {}
    for o in _rendered(overlay):
        if o["kind"] == "Secret":
            data = {k: base64.b64decode(v).decode() for k, v in (o.get("data") or {}).items()}
            found[o["metadata"]["name"]] = {**data, **(o.get("stringData") or {})}
    return found


def resolved_env(overlay: str, service: str) -> dict[str, str]:
    """The container's environment with the overlay's own secrets filled in (development)."""
    env = container_env(overlay, service)
    secrets = secret_data(overlay)
    resolved = {k: v for k, v in env.values.items() if v is not None}
    for name, (secret, key, optional) in env.secret_keys.items():
        if secret in secrets and key in secrets[secret]:
            resolved[name] = secrets[secret][key]
        else:
            assert optional, f"{overlay}/{service}: {name} from {secret}/{key}, which the overlay does not make"
    for secret, _optional in env.secret_sources:
        resolved.update(secrets.get(secret, {}))
    return resolved


def load_yaml(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
