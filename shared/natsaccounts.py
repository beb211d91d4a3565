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
from shared.streams import AUDIT, CAMPAIGNS, DOSSIERS, EVENT_STREAMS, JOURNAL_STREAMS, journal_stream

JETSTREAM_CLIENT = (
    "$JS.API.INFO",
    "$JS.API.STREAM.INFO.*",
    "$JS.API.STREAM.CREATE.*",
    "$JS.API.STREAM.UPDATE.*",
    "$JS.API.STREAM.NAMES",
    "$JS.API.STREAM.LIST",
    "$JS.API.CONSUMER.LIST.*",
    "$JS.API.CONSUMER.NAMES.*",
    "$JS.ACK.>",
    "$JS.FC.>",
)
"""What every JetStream client publishes besides its own subjects: server, stream and consumer
info (`/readyz` and `/metrics` show every consumer's lag), declaring the streams at start-up
(never deleting or purging one), acks and flow control replies.
Reading a stream is granted per stream (`SERVICE_READS`). deploy/nats/values.yaml gives
production the same."""

SERVICE_READS: dict[str, tuple[str, ...]] = {
    "campaigns": (CAMPAIGNS.name, journal_stream("campaigns").name, AUDIT.name),
    "dossiers": (CAMPAIGNS.name, DOSSIERS.name, journal_stream("dossiers").name, AUDIT.name),
    "notifications": tuple(s.name for s in EVENT_STREAMS),
    "reporting": tuple(s.name for s in EVENT_STREAMS),
}
"""The streams each service reads: those it consumes, its own public stream and journal (the
relay's and the start-up check's reads) and the audit checkpoints it signs."""


def stream_read_api(stream: str) -> tuple[str, ...]:
    """The JetStream API subjects of consumers and message reads on one stream."""
    return (
        f"$JS.API.CONSUMER.CREATE.{stream}",
        f"$JS.API.CONSUMER.CREATE.{stream}.>",
        f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.>",
        f"$JS.API.CONSUMER.INFO.{stream}.>",
        f"$JS.API.CONSUMER.MSG.NEXT.{stream}.>",
        f"$JS.API.CONSUMER.DELETE.{stream}.>",
        f"$JS.API.STREAM.MSG.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}.>",
    )


INBOX = ("_INBOX.>",)

SERVICE_PUBLISHES: dict[str, tuple[str, ...]] = {
    "campaigns": ("tdkt.campaign.>", "journal.campaigns", "tdkt.audit.checkpoint"),
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
AUDITOR_USER = "tdkt-auditor"
"""Auditors and other readers of the history (`tdkt audit replay`, `verify`, `export`, a subscriber
of another organisation): read every stream, publish nothing, declare nothing."""
AUDITOR_READS: tuple[str, ...] = tuple(s.name for s in (*EVENT_STREAMS, AUDIT, *JOURNAL_STREAMS))
READ_ONLY_CLIENT = tuple(s for s in JETSTREAM_CLIENT if ".CREATE." not in s and ".UPDATE." not in s)
"""The JetStream client API without declaring streams: what a reader needs besides its reads."""


def service_permissions(service: str) -> dict[str, Any]:
    return {
        "publish": {
            "allow": [
                *SERVICE_PUBLISHES[service],
                *JETSTREAM_CLIENT,
                *(api for stream in SERVICE_READS[service] for api in stream_read_api(stream)),
            ]
        },
        "subscribe": {"allow": list(INBOX)},
    }


def auditor_permissions() -> dict[str, Any]:
    return {
        "publish": {
            "allow": [*READ_ONLY_CLIENT, *(api for stream in AUDITOR_READS for api in stream_read_api(stream))]
        },
        "subscribe": {"allow": list(INBOX)},
    }


def user_permissions(user: str) -> dict[str, Any] | None:
    """What one user of the table may do; None for the operators' user (everything)."""
    if user in SERVICE_PUBLISHES:
        return service_permissions(user)
    if user == AUDITOR_USER:
        return auditor_permissions()
    return None


def new_passwords() -> dict[str, str]:
    return {name: secrets.token_urlsafe(18) for name in [*SERVICE_PUBLISHES, AUDITOR_USER, ADMIN_USER]}


def nats_server_config(passwords: dict[str, str], *, no_auth_user: str | None = None) -> str:
    """A nats-server config (its JSON-compatible syntax) with one user per service.

    `no_auth_user` names the user a client without credentials becomes (the test fixtures use
    the admin user, so test code may inspect streams freely while services log in as
    themselves)."""
    users: list[dict[str, Any]] = []
    for name, password in passwords.items():
        user: dict[str, Any] = {"user": name, "password": password}
        if (permissions := user_permissions(name)) is not None:
            user["permissions"] = permissions
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
