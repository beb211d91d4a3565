"""Which environment variables each service reads, derived from its settings code.

Known names: every field of the service's pydantic-settings class (prefix `TDKT_`), the
`eventsourcing` persistence keys for the event-sourced services (read by the library from the
environment, optionally prefixed with the application's name), libpq's `PGPASSWORD`, and the names
agreed with the identity work (#12) that its code adds. A deployment that sets a name outside
these sets a typo or a setting that no longer exists.

Required names: those whose default only suits a developer's machine (a loopback address, a
SQLite file, a folder relative to the working directory, a random value per process) plus the
event store's connection and the identity settings: production must set each one.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from eventsourcing.postgres import PostgresFactory
from pydantic_settings import BaseSettings

from shared.streams import JOURNALED_SERVICES

SETTINGS_CLASSES = {
    "campaigns": "services.campaigns.settings:CampaignsSettings",
    "dossiers": "services.dossiers.settings:DossiersSettings",
    "notifications": "services.notifications.settings:NotificationsSettings",
    "reporting": "services.reporting.settings:ReportingSettings",
    "console": "services.console.settings:ConsoleSettings",
}

EVENTSOURCING_KEYS = frozenset(name for name in dir(PostgresFactory) if name.isupper() and not name.startswith("_"))
EVENT_STORE_REQUIRED = frozenset(
    {"PERSISTENCE_MODULE", "POSTGRES_DBNAME", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD"}
)
LIBPQ = frozenset({"PGPASSWORD", "PGSSLMODE", "PGSSLROOTCERT"})
"""libpq reads the password of a `postgresql://user@host/db` URL, and its TLS checks, from these."""

# Agreed with the identity issue (#12), which adds them to the code at the same time as these
# manifests (its contract: OIDC for every service, NATS users for the four that use NATS, the PII
# key for the store that holds nominees' personal data, the console's OIDC client).
OIDC = frozenset({"TDKT_OIDC_ISSUER", "TDKT_OIDC_AUDIENCE"})
OIDC_OPTIONAL = frozenset({"TDKT_OIDC_JWKS_URL"})
NATS_CREDENTIALS = frozenset({"TDKT_NATS_USER", "TDKT_NATS_PASSWORD"})
NATS_OPTIONAL = frozenset({"TDKT_NATS_TLS_CA"})
PII = frozenset({"TDKT_PII_KEY"})
PII_OPTIONAL = frozenset({"TDKT_PII_OLD_KEYS"})
CONSOLE_CLIENT = frozenset({"TDKT_OIDC_CLIENT_ID", "TDKT_OIDC_CLIENT_SECRET"})
NATS_SERVICES = ("campaigns", "dossiers", "notifications", "reporting")
PII_SERVICES = ("dossiers",)


def settings_class(service: str) -> type[BaseSettings]:
    module, _, name = SETTINGS_CLASSES[service].partition(":")
    return getattr(importlib.import_module(module), name)


def _env_name(cls: type[BaseSettings], field: str) -> str:
    return (str(cls.model_config.get("env_prefix", "")) + field).upper()


def _needs_production_value(field: str, info: object) -> bool:
    default = getattr(info, "default", None)
    if getattr(info, "default_factory", None) is not None:
        return True  # computed per process: a loopback URL or a random secret
    if field.endswith("database_url") or field == "stream_replicas":
        return True  # SQLite under var/; one replica on a 3-node cluster
    if isinstance(default, str) and ("127.0.0.1" in default or "localhost" in default):
        return True
    return isinstance(default, Path) and not default.is_absolute()  # read-only root file system


def settings_names(service: str) -> set[str]:
    cls = settings_class(service)
    return {_env_name(cls, field) for field in cls.model_fields}


def identity_names(service: str) -> tuple[set[str], set[str]]:
    """(required, optional) names of the identity contract for one service."""
    required, optional = set(OIDC), set(OIDC_OPTIONAL)
    if service in NATS_SERVICES:
        required |= NATS_CREDENTIALS
        optional |= NATS_OPTIONAL
    if service in PII_SERVICES:
        required |= PII
        optional |= PII_OPTIONAL
    if service == "console":
        required |= CONSOLE_CLIENT
    return required, optional


def known_names(service: str) -> set[str]:
    names = settings_names(service) | LIBPQ
    if service in JOURNALED_SERVICES:
        prefix = service.upper() + "_"
        names |= EVENTSOURCING_KEYS | {prefix + key for key in EVENTSOURCING_KEYS}
    required, optional = identity_names(service)
    return names | required | optional


def required_names(service: str) -> set[str]:
    cls = settings_class(service)
    names = {_env_name(cls, f) for f, info in cls.model_fields.items() if _needs_production_value(f, info)}
    if service in JOURNALED_SERVICES:
        names |= EVENT_STORE_REQUIRED
    if service not in NATS_SERVICES:  # the console inherits the NATS settings but never connects
        names -= {"TDKT_NATS_URL", "TDKT_STREAM_REPLICAS"}
    return names | identity_names(service)[0]
