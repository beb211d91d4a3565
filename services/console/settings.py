"""Settings of the console: where the services answer, and how the session cookie is signed."""

from __future__ import annotations

import secrets

from pydantic import Field

from shared.settings import SERVICE_PORTS, TdktSettings

CONSOLE_PORT = 8000


def _local(service: str) -> str:
    return f"http://127.0.0.1:{SERVICE_PORTS[service]}"


class ConsoleSettings(TdktSettings):
    """`TDKT_CAMPAIGNS_URL`, `TDKT_DOSSIERS_URL`, `TDKT_NOTIFICATIONS_URL`, `TDKT_REPORTING_URL`:
    the services' base URLs; `TDKT_CONSOLE_SECRET` signs the session cookie (a random one per
    process when unset, so sessions end when the console restarts)."""

    campaigns_url: str = Field(default_factory=lambda: _local("campaigns"))
    dossiers_url: str = Field(default_factory=lambda: _local("dossiers"))
    notifications_url: str = Field(default_factory=lambda: _local("notifications"))
    reporting_url: str = Field(default_factory=lambda: _local("reporting"))
    console_secret: str = Field(default_factory=lambda: secrets.token_urlsafe(32))
    console_service_timeout_seconds: float = 30.0
    console_secure_cookie: bool = False
    oidc_client_id: str | None = None
    """The console's OIDC client (`TDKT_OIDC_CLIENT_ID`, with `TDKT_OIDC_CLIENT_SECRET`)."""
    oidc_client_secret: str | None = None
    console_units_ttl_seconds: float = 300.0
    """How long the unit catalogue (`GET /units`: names, award power, successors) is kept."""

    def port_for(self, service: str) -> int:
        return self.port or CONSOLE_PORT
