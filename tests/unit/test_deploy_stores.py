"""NATS chart values and the CloudNativePG objects, checked offline.

Neither publishes a schema usable here: the NATS chart (1.x) ships no values.schema.json, and
CloudNativePG's CRDs are not packaged for offline use. So both are checked against the fields
their documentation names (the chart's values.yaml; the CloudNativePG API reference), closed to
anything else, plus what tdkt needs of them: the cluster's size, the durability setting, one
account per service with only its own subjects, one role and database per service.
"""

from __future__ import annotations

import re
import subprocess
from typing import Any

import jsonschema
import pytest

from services.dossiers.handlers import CONSUMER as DOSSIERS_CONSUMER
from services.notifications.handlers import CONSUMER as NOTIFICATIONS_CONSUMER
from services.reporting.handlers import CONSUMER as REPORTING_CONSUMER
from shared.contracts.audit import AuditCheckpoint
from shared.natsserver import find_nats_server
from shared.streams import CAMPAIGNS, DOSSIERS, JOURNALED_SERVICES, NOTIFICATIONS, journal_subject
from tests.deploy.manifests import DEPLOY, NATS_SERVICES, ROOT, container_env, load_yaml
from tests.deploy.natsconf import COMPOSE_CONF, chart_values

# --- NATS -----------------------------------------------------------------------------------


def closed(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "additionalProperties": False, **extra}


ANY_OBJECT = {"type": "object"}
MERGE_PATCH = {"merge": ANY_OBJECT, "patch": {"type": "array"}}
# The keys of the chart's values.yaml (nats-io/k8s, helm/charts/nats, 1.x) that these values use.
NATS_VALUES_SCHEMA = closed(
    {
        "config": closed(
            {
                "cluster": closed({"enabled": {"type": "boolean"}, "replicas": {"type": "integer"}, **MERGE_PATCH}),
                "jetstream": closed(
                    {
                        "enabled": {"type": "boolean"},
                        "fileStore": closed(
                            {
                                "enabled": {"type": "boolean"},
                                "dir": {"type": "string"},
                                "pvc": closed(
                                    {"enabled": {"type": "boolean"}, "size": {"type": "string"}, **MERGE_PATCH}
                                ),
                            }
                        ),
                        **MERGE_PATCH,
                    }
                ),
                **MERGE_PATCH,
            }
        ),
        "podTemplate": closed({"topologySpreadConstraints": ANY_OBJECT, **MERGE_PATCH}),
        "container": closed({"env": ANY_OBJECT, **MERGE_PATCH}),
    }
)


def test_nats_values_use_only_the_charts_documented_keys() -> None:
    jsonschema.validate(chart_values(), NATS_VALUES_SCHEMA)
    dev = load_yaml(DEPLOY / "nats" / "values.dev.yaml")[0]
    jsonschema.validate(dev, NATS_VALUES_SCHEMA)
    assert dev["config"]["cluster"]["enabled"] is False


def test_a_three_node_jetstream_cluster_matches_the_streams_replicas() -> None:
    values = chart_values()["config"]
    assert values["cluster"] == {"enabled": True, "replicas": 3}
    assert values["jetstream"]["enabled"] is True
    assert values["jetstream"]["fileStore"]["pvc"]["size"]
    for service in NATS_SERVICES:
        assert container_env("prod", service).values["TDKT_STREAM_REPLICAS"] == "3"
        assert container_env("dev", service).values["TDKT_STREAM_REPLICAS"] == "1"
    spread = chart_values()["podTemplate"]["topologySpreadConstraints"]["kubernetes.io/hostname"]
    assert spread["whenUnsatisfiable"] == "DoNotSchedule"  # one node per host, or not at all


def test_sync_interval_is_chosen_and_written_down() -> None:
    assert chart_values()["config"]["jetstream"]["merge"]["sync_interval"] == "always"
    reliability = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert "set\n  `sync_interval: always`" in reliability and "deploy/nats/values.yaml" in reliability


def own_subjects() -> dict[str, set[str]]:
    """What each service publishes, from the stream catalogue and the consumers' names."""
    subjects = {
        "campaigns": set(CAMPAIGNS.subjects),
        "dossiers": set(DOSSIERS.subjects),
        "notifications": set(NOTIFICATIONS.subjects),
        "reporting": set(),
    }
    for service in JOURNALED_SERVICES:  # the journal, and the signed checkpoints of the chains
        subjects[service] |= {journal_subject(service), AuditCheckpoint.subject}
    for consumer in (DOSSIERS_CONSUMER, NOTIFICATIONS_CONSUMER, REPORTING_CONSUMER):
        subjects[consumer].add(f"deadletter.{consumer}.>")
    return subjects


def nats_users() -> dict[str, dict[str, Any]]:
    accounts = chart_values()["config"]["merge"]["accounts"]
    return {u["user"]: u for u in accounts["TDKT"]["users"]}


def test_each_service_publishes_only_its_own_subjects() -> None:
    users = nats_users()
    assert set(users) == {*NATS_SERVICES, "tdkt-admin", "tdkt-auditor"}
    for service, subjects in own_subjects().items():
        permissions = users[service]["permissions"]
        allowed = set(permissions["publish"]["allow"])
        data = {s for s in allowed if not s.startswith("$JS.")}
        assert data == subjects, service
        api = allowed - data
        assert not [s for s in api if re.search(r"STREAM\.(DELETE|PURGE)|^\$JS\.API\.>$", s)], service
        assert permissions["subscribe"]["allow"] == ["_INBOX.>"]
        assert users[service]["password"] == f"<< ${service.upper()}_PASSWORD >>"


def test_the_generated_server_configuration_is_valid_for_nats_server(tmp_path: Any) -> None:
    env = {f"{u.upper()}_PASSWORD": f"pw-{u}" for u in [*NATS_SERVICES, "admin", "auditor", "sys"]}
    result = subprocess.run(
        [find_nats_server(), "-c", str(COMPOSE_CONF), "-t"], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr + result.stdout


# --- CloudNativePG --------------------------------------------------------------------------

SECRET_KEY_REF = closed({"name": {"type": "string"}, "key": {"type": "string"}}, required=["name", "key"])
LOCAL_REF = closed({"name": {"type": "string"}}, required=["name"])
COMPRESSION = {"enum": ["gzip", "bzip2", "snappy", "lz4", "xz", "zstd"]}
BARMAN_STORE = closed(
    {
        "destinationPath": {"type": "string", "pattern": "^s3://"},
        "endpointURL": {"type": "string"},
        "s3Credentials": closed({"accessKeyId": SECRET_KEY_REF, "secretAccessKey": SECRET_KEY_REF}),
        "wal": closed({"compression": COMPRESSION}),
        "data": closed({"compression": COMPRESSION}),
    },
    required=["destinationPath"],
)
STORAGE = closed({"size": {"type": "string"}, "storageClass": {"type": "string"}}, required=["size"])
# postgresql.cnpg.io/v1, the fields these files use (CloudNativePG API reference, 1.25).
CLUSTER_SPEC = closed(
    {
        "instances": {"type": "integer", "minimum": 1},
        "imageName": {"type": "string"},
        "primaryUpdateStrategy": {"enum": ["unsupervised", "supervised"]},
        "storage": STORAGE,
        "walStorage": STORAGE,
        "affinity": closed(
            {
                "enablePodAntiAffinity": {"type": "boolean"},
                "topologyKey": {"type": "string"},
                "podAntiAffinityType": {"enum": ["preferred", "required"]},
            }
        ),
        "bootstrap": closed(
            {
                "initdb": closed(
                    {"database": {"type": "string"}, "owner": {"type": "string"}, "secret": LOCAL_REF},
                    required=["database", "owner"],
                ),
                "recovery": closed(
                    {"source": {"type": "string"}, "recoveryTarget": closed({"targetTime": {"type": "string"}})}
                ),
            },
            maxProperties=1,
        ),
        "managed": closed(
            {
                "roles": {
                    "type": "array",
                    "items": closed(
                        {
                            "name": {"type": "string"},
                            "ensure": {"enum": ["present", "absent"]},
                            "login": {"type": "boolean"},
                            "passwordSecret": LOCAL_REF,
                        },
                        required=["name"],
                    ),
                }
            }
        ),
        "postgresql": closed(
            {
                "synchronous": closed(
                    {"method": {"enum": ["any", "first"]}, "number": {"type": "integer", "minimum": 1}},
                    required=["method", "number"],
                ),
                "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
                "pg_hba": {"type": "array", "items": {"type": "string"}},
            }
        ),
        "resources": ANY_OBJECT,
        "backup": closed(
            {"retentionPolicy": {"type": "string", "pattern": "^[1-9][0-9]*[dwm]$"}, "barmanObjectStore": BARMAN_STORE}
        ),
        "externalClusters": {
            "type": "array",
            "items": closed({"name": {"type": "string"}, "barmanObjectStore": BARMAN_STORE}, required=["name"]),
        },
    },
    required=["instances", "storage"],
)
SPECS = {
    "Cluster": CLUSTER_SPEC,
    "ScheduledBackup": closed(
        {
            "schedule": {"type": "string"},
            "backupOwnerReference": {"enum": ["none", "self", "cluster"]},
            "cluster": LOCAL_REF,
        },
        required=["schedule", "cluster"],
    ),
    "Database": closed(
        {"name": {"type": "string"}, "owner": {"type": "string"}, "cluster": LOCAL_REF},
        required=["name", "owner", "cluster"],
    ),
}
OBJECT = closed(
    {
        "apiVersion": {"const": "postgresql.cnpg.io/v1"},
        "kind": {"enum": sorted(SPECS)},
        "metadata": closed(
            {"name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}, "namespace": {"type": "string"}},
            required=["name", "namespace"],
        ),
        "spec": ANY_OBJECT,
    },
    required=["apiVersion", "kind", "metadata", "spec"],
)


def cnpg_objects(name: str = "cluster.yaml") -> list[dict[str, Any]]:
    return load_yaml(DEPLOY / "postgres" / name)


@pytest.mark.parametrize("name", ["cluster.yaml", "restore.example.yaml"])
def test_cloudnativepg_objects_use_only_documented_fields(name: str) -> None:
    for obj in cnpg_objects(name):
        jsonschema.validate(obj, OBJECT)
        jsonschema.validate(obj["spec"], SPECS[obj["kind"]])


def test_three_instances_one_role_and_database_per_service_and_a_backup() -> None:
    found = {o["kind"]: [] for o in cnpg_objects()}
    for obj in cnpg_objects():
        found[obj["kind"]].append(obj)
    cluster = found["Cluster"][0]["spec"]
    assert cluster["instances"] == 3
    assert cluster["affinity"]["podAntiAffinityType"] == "required"
    roles = {cluster["bootstrap"]["initdb"]["owner"]} | {r["name"] for r in cluster["managed"]["roles"]}
    assert roles == set(NATS_SERVICES)
    owners = {d["spec"]["owner"] for d in found["Database"]} | {cluster["bootstrap"]["initdb"]["owner"]}
    assert owners == set(NATS_SERVICES)
    assert all(d["spec"]["cluster"]["name"] == found["Cluster"][0]["metadata"]["name"] for d in found["Database"])
    hba = cluster["postgresql"]["pg_hba"]
    assert hba[-1].split() == ["host", "all", ",".join(NATS_SERVICES), "all", "reject"]
    assert all(line.startswith("hostssl ") and line.endswith(" scram-sha-256") for line in hba[:-1])
    assert cluster["backup"]["barmanObjectStore"]["destinationPath"]
    (nightly,) = found["ScheduledBackup"]
    assert len(nightly["spec"]["schedule"].split()) == 6  # CloudNativePG's cron has seconds first
    restore = cnpg_objects("restore.example.yaml")[0]["spec"]
    assert restore["bootstrap"]["recovery"]["source"] == restore["externalClusters"][0]["name"]
    source, backup = restore["externalClusters"][0]["barmanObjectStore"], cluster["backup"]["barmanObjectStore"]
    for field in ("destinationPath", "endpointURL", "s3Credentials"):
        assert source[field] == backup[field]  # it reads what the cluster writes


def test_production_nats_permissions_are_the_development_servers() -> None:
    """`tdkt up` and the test fixtures run nats-server with shared/natsaccounts.py's table; the
    chart's accounts must grant each service exactly the same."""
    from shared.natsaccounts import AUDITOR_USER, SERVICE_PUBLISHES, user_permissions

    users = {u["user"]: u for u in chart_values()["config"]["merge"]["accounts"]["TDKT"]["users"]}
    for service in (*SERVICE_PUBLISHES, AUDITOR_USER):
        granted = users[service]["permissions"]
        expected = user_permissions(service)
        assert expected is not None
        assert set(granted["publish"]["allow"]) == set(expected["publish"]["allow"]), service
        assert set(granted["subscribe"]["allow"]) == set(expected["subscribe"]["allow"]), service
