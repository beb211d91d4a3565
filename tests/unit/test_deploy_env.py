"""Every setting each service needs in production is provided, in each overlay and in compose.yaml,
and nothing is provided that the service does not read (a typo, a setting that was removed).

The names come from the services' settings code (`tests/deploy/settings_names.py`), not from a
list kept by hand, except the identity settings agreed with #12 that its code adds."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from compose_spec import PyCompose

from services.console.roles import ROLE_LABELS
from tests.deploy.manifests import (
    DEPLOY,
    NATS_SERVICES,
    OVERLAYS,
    SERVICES,
    container_env,
    load_yaml,
    objects,
    resolved_env,
    secret_data,
)
from tests.deploy.natsconf import COMPOSE_CONF, chart_values, compose_conf_text
from tests.deploy.settings_names import known_names, required_names

COMPOSE = DEPLOY / "compose.yaml"
COMPOSE_ENV_EXAMPLE = DEPLOY / "compose.env.example"
README = DEPLOY / "README.md"
CNPG = DEPLOY / "postgres" / "cluster.yaml"


def provided(overlay: str, service: str) -> set[str]:
    env = container_env(overlay, service)
    names = env.names
    secrets = secret_data(overlay)
    for secret, _optional in env.secret_sources:
        names |= set(secrets.get(secret, {}))
    return names


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_every_required_setting_is_provided_and_every_provided_one_is_read(overlay: str, service: str) -> None:
    names = provided(overlay, service)
    assert required_names(service) <= names, f"missing: {sorted(required_names(service) - names)}"
    assert names <= known_names(service), f"read by no code: {sorted(names - known_names(service))}"


def test_the_required_names_come_from_the_settings_code() -> None:
    """A spot check of the derivation: loopback defaults, SQLite fallbacks, random per process."""
    assert {"TDKT_NATS_URL", "TDKT_HOST", "TDKT_VAR_DIR", "TDKT_REPORTING_DATABASE_URL"} <= required_names("reporting")
    assert {"TDKT_CONSOLE_SECRET", "TDKT_CAMPAIGNS_URL"} <= required_names("console")
    assert "TDKT_NATS_URL" not in required_names("console")
    assert {"POSTGRES_PASSWORD", "TDKT_PII_KEY", "TDKT_DOSSIERS_PUBLIC_URL"} <= required_names("dossiers")
    assert "TDKT_SMTP_HOST" in known_names("notifications") and "TDKT_SMTP_HOST" not in known_names("reporting")


@pytest.mark.parametrize("service", SERVICES)
def test_development_secrets_are_generated_and_production_ones_documented(service: str) -> None:
    resolved_env("dev", service)  # fails on a secret key the dev overlay does not make
    readme = README.read_text(encoding="utf-8")
    for name, (secret, key, _optional) in container_env("prod", service).secret_keys.items():
        row = re.search(rf"^\| `{re.escape(secret)}` \| `{re.escape(key)}` \|.*$", readme, re.M)
        assert row, f"{service}: {name} from {secret}/{key} is not in deploy/README.md's secret table"
    for secret, optional in container_env("prod", service).secret_sources:
        assert optional and f"`{secret}`" in readme


def test_production_is_not_in_development_mode() -> None:
    for service in SERVICES:
        assert container_env("prod", service).values.get("TDKT_DEV_MODE") in (None, "0")
        assert container_env("dev", service).values["TDKT_DEV_MODE"] == "1"
    assert not [o for o in objects("prod", "Secret")], "production secrets are made outside git"


# --- consistency with PostgreSQL and NATS ---------------------------------------------------


def cnpg() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for doc in load_yaml(CNPG):
        found.setdefault(doc["kind"], []).append(doc)
    return found


def cnpg_databases() -> dict[str, str]:
    """database -> owner, from the Cluster's initdb and the Database objects."""
    docs = cnpg()
    initdb = docs["Cluster"][0]["spec"]["bootstrap"]["initdb"]
    owners = {initdb["database"]: initdb["owner"]}
    owners |= {d["spec"]["name"]: d["spec"]["owner"] for d in docs["Database"]}
    return owners


def cnpg_role_secrets() -> dict[str, str]:
    cluster = cnpg()["Cluster"][0]["spec"]
    secrets = {cluster["bootstrap"]["initdb"]["owner"]: cluster["bootstrap"]["initdb"]["secret"]["name"]}
    secrets |= {r["name"]: r["passwordSecret"]["name"] for r in cluster["managed"]["roles"]}
    return secrets


@pytest.mark.parametrize("service", NATS_SERVICES)
def test_each_service_opens_its_own_databases_as_its_own_role(service: str) -> None:
    env = container_env("prod", service)
    cluster = cnpg()["Cluster"][0]["metadata"]["name"]
    host = f"{cluster}-rw.postgres.svc.cluster.local"
    owners, secrets = cnpg_databases(), cnpg_role_secrets()
    databases = []
    if "POSTGRES_DBNAME" in env.values:
        assert env.values["POSTGRES_HOST"] == host and env.values["POSTGRES_PORT"] == "5432"
        assert env.values["POSTGRES_USER"] == service
        databases.append(env.values["POSTGRES_DBNAME"])
        assert env.secret_keys["POSTGRES_PASSWORD"][:2] == (secrets[service], "password")
    for name, value in env.values.items():
        if name.endswith("_DATABASE_URL"):
            url = urlparse(value or "")
            assert url.scheme == "postgresql" and url.hostname == host and url.username == service
            assert url.password is None  # from PGPASSWORD, never in a value
            assert env.secret_keys["PGPASSWORD"][:2] == (secrets[service], "password")
            databases.append(url.path.lstrip("/"))
    assert databases and all(owners[db] == service for db in databases)
    hba = cnpg()["Cluster"][0]["spec"]["postgresql"]["pg_hba"]
    assert any(line.split()[1].split(",") == sorted(databases) and line.split()[2] == service for line in hba)


@pytest.mark.parametrize("service", NATS_SERVICES)
def test_each_service_connects_to_nats_as_its_own_user(service: str) -> None:
    env = container_env("prod", service)
    assert env.values["TDKT_NATS_USER"] == service
    assert env.secret_keys["TDKT_NATS_PASSWORD"][:2] == (f"tdkt-nats-{service}", "password")
    users = chart_values()["config"]["merge"]["accounts"]["TDKT"]["users"]
    user = next(u for u in users if u["user"] == service)
    variable = user["password"].removeprefix("<< $").removesuffix(" >>")
    server_env = chart_values()["container"]["merge"]["env"]
    source = next(e for e in server_env if e["name"] == variable)["valueFrom"]["secretKeyRef"]
    assert source == {"name": "nats-tdkt-users", "key": service}


# --- compose.yaml ---------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("service", SERVICES)
def test_compose_gives_each_service_what_it_reads(service: str) -> None:
    spec = compose()["services"][service]
    names = set(spec["environment"])
    assert required_names(service) <= names, f"missing: {sorted(required_names(service) - names)}"
    assert names <= known_names(service), f"read by no code: {sorted(names - known_names(service))}"
    assert "TDKT_DEV_MODE" not in names
    deployment = objects("prod", "Deployment")[service]
    assert spec["command"] == deployment["spec"]["template"]["spec"]["containers"][0]["command"]
    for name, value in spec["environment"].items():
        if name.endswith("_DATABASE_URL"):
            assert urlparse(value).password is None and "PGPASSWORD" in names


def test_compose_file_follows_the_compose_specification() -> None:
    """Parsed strictly (unknown keys, enum values, port syntax) by compose_spec; YAML merge keys
    are resolved first, as Docker Compose does."""
    parsed = PyCompose.from_json(json.dumps(compose()))
    assert set(parsed.service_names()) == {*SERVICES, "nats", "postgres", "keycloak", "mail"}
    broken = compose()
    broken["services"]["campaigns"]["read_onlyy"] = True
    with pytest.raises(ValueError, match="read_onlyy"):
        PyCompose.from_json(json.dumps(broken))


def test_compose_variables_are_all_in_the_example_env_file() -> None:
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE.read_text(encoding="utf-8")))
    lines = COMPOSE_ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    listed = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    assert used == listed
    assert "deploy/.env" in (DEPLOY.parent / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_compose_nats_has_the_cluster_accounts_and_each_service_its_password() -> None:
    assert COMPOSE_CONF.read_text(encoding="utf-8") == compose_conf_text(), "python -m tests.deploy.natsconf"
    services = compose()["services"]
    nats_env = services["nats"]["environment"]
    for service in NATS_SERVICES:
        env = services[service]["environment"]
        assert env["TDKT_NATS_USER"] == service
        assert env["TDKT_NATS_PASSWORD"] == nats_env[f"{service.upper()}_PASSWORD"]


def test_compose_postgres_makes_the_roles_and_databases_the_services_use() -> None:
    services = compose()["services"]
    init_sql = (DEPLOY / "postgres" / "init.sql").read_text(encoding="utf-8")
    owners = dict(re.findall(r"CREATE DATABASE (\w+) OWNER (\w+);", init_sql))
    assert owners == cnpg_databases()  # the same layout with and without CloudNativePG
    db_env = services["postgres"]["environment"]
    for service in NATS_SERVICES:
        env = services[service]["environment"]
        if "POSTGRES_DBNAME" in env:
            assert owners[env["POSTGRES_DBNAME"]] == env["POSTGRES_USER"] == service
            assert env["POSTGRES_PASSWORD"] == db_env[f"{service.upper()}_DB_PASSWORD"]
        for name, value in env.items():
            if name.endswith("_DATABASE_URL"):
                url = urlparse(value)
                assert owners[url.path.lstrip("/")] == url.username == service
                assert env["PGPASSWORD"] == db_env[f"{service.upper()}_DB_PASSWORD"]


def test_the_imported_realm_issues_what_the_services_expect() -> None:
    """deploy/compose/keycloak/tdkt-realm.json: every role the console knows, the audience the
    services check, the claims `roles` and `unit`, the console's client with its secret."""
    realm = json.loads((DEPLOY / "compose" / "keycloak" / "tdkt-realm.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in realm["roles"]["realm"]} == set(ROLE_LABELS)
    env = compose()["services"]["console"]["environment"]
    assert env["TDKT_OIDC_ISSUER"].endswith("/realms/" + realm["realm"])
    (client,) = [c for c in realm["clients"] if c["clientId"] == env["TDKT_OIDC_CLIENT_ID"]]
    assert client["publicClient"] is False and client["secret"] == "${TDKT_OIDC_CLIENT_SECRET}"
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    mappers = {m["protocolMapper"]: m["config"] for m in client["protocolMappers"]}
    assert mappers["oidc-audience-mapper"]["included.custom.audience"] == env["TDKT_OIDC_AUDIENCE"]
    assert mappers["oidc-usermodel-realm-role-mapper"]["claim.name"] == "roles"
    assert mappers["oidc-usermodel-attribute-mapper"]["claim.name"] == "unit"
    keycloak_env = compose()["services"]["keycloak"]["environment"]
    assert keycloak_env["TDKT_OIDC_CLIENT_SECRET"] == env["TDKT_OIDC_CLIENT_SECRET"]
    for overlay in OVERLAYS:
        assert container_env(overlay, "console").values["TDKT_OIDC_CLIENT_ID"] == client["clientId"]
        assert container_env(overlay, "console").values["TDKT_OIDC_AUDIENCE"] == env["TDKT_OIDC_AUDIENCE"]
