"""Per-service NATS users and what each may publish and subscribe to.

A service publishes only its own subjects (its events, its store journal, its audit
checkpoints, dead letters of its consumers) plus the JetStream API and acknowledgements it
needs; it subscribes only to reply inboxes (pull consumers and ordered readers deliver there).
`nats_server_config` renders these as a nats-server `authorization` block: used by `tdkt up`
and by the test fixtures' own nats-server, so every test run goes through the same
permissions. In production the same table becomes the operator's accounts (docs/security.md).
"""

from __future__ import annotations

import json
import secrets
import ssl
from typing import Any

from faststream.security import BaseSecurity, SASLPlaintext

from shared.settings import TdktSettings

JETSTREAM_CLIENT = ("$JS.API.>", "$JS.ACK.>", "$JS.FC.>", "_INBOX.>")
"""What every JetStream client publishes besides its own subjects: API requests, acks, flow
control replies and replies to requests."""
INBOX = ("_INBOX.>",)

SERVICE_PUBLISHES: dict[str, tuple[str, ...]] = {
    "campaigns": ("tdkt.campaign.>", "journal.campaigns", "tdkt.audit.checkpoint", "deadletter.campaigns.>"),
    "dossiers": (
        "tdkt.dossier.>",
        "tdkt.award.>",
        "journal.dossiers",
        "tdkt.audit.checkpoint",
        "deadletter.dossiers.>",
    ),
    "notifications": ("tdkt.notification.>", "deadletter.notifications.>"),
    "reporting": ("deadletter.reporting.>",),
}
"""Each service's own subjects (the console does not use NATS)."""
ADMIN_USER = "tdkt-admin"
"""Operators' tools (`tdkt store`, backups): every subject. Not given to any service."""


def service_permissions(service: str) -> dict[str, Any]:
    return {
        "publish": {"allow": [*SERVICE_PUBLISHES[service], *JETSTREAM_CLIENT]},
        "subscribe": {"allow": list(INBOX)},
    }


def new_passwords() -> dict[str, str]:
    return {name: secrets.token_urlsafe(18) for name in [*SERVICE_PUBLISHES, ADMIN_USER]}


def nats_server_config(passwords: dict[str, str], *, no_auth_user: str | None = None) -> str:
    """A nats-server config (its JSON-compatible syntax) with one user per service.

    `no_auth_user` names the user a client without credentials becomes (the test fixtures use
    the admin user, so test code may inspect streams freely while services log in as
    themselves)."""
    users: list[dict[str, Any]] = []
    for name, password in passwords.items():
        user: dict[str, Any] = {"user": name, "password": password}
        if name in SERVICE_PUBLISHES:
            user["permissions"] = service_permissions(name)
        users.append(user)
    config: dict[str, Any] = {"authorization": {"users": users}}
    if no_auth_user:
        config["no_auth_user"] = no_auth_user
    return json.dumps(config, indent=2)


def service_env(service: str, passwords: dict[str, str]) -> dict[str, str]:
    if service not in passwords:
        return {}
    return {"TDKT_NATS_USER": service, "TDKT_NATS_PASSWORD": passwords[service]}


def broker_security(settings: TdktSettings) -> BaseSecurity | None:
    """The same credentials and TLS as FastStream's `security=` for `NatsBroker`."""
    options = nats_options(settings)
    if "user" in options:
        return SASLPlaintext(options["user"], options["password"], ssl_context=options.get("tls"))
    if "tls" in options:
        return BaseSecurity(ssl_context=options["tls"])
    return None


def nats_options(settings: TdktSettings) -> dict[str, Any]:
    """Keyword arguments for `nats.connect` / `NatsBroker`: credentials and TLS from settings."""
    options: dict[str, Any] = {}
    if settings.nats_user:
        options["user"] = settings.nats_user
        options["password"] = settings.nats_password or ""
    if settings.nats_tls_ca or settings.nats_url.startswith("tls://"):
        context = ssl.create_default_context(cafile=str(settings.nats_tls_ca) if settings.nats_tls_ca else None)
        options["tls"] = context
    return options
