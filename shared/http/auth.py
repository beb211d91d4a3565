"""Who is calling: an OpenID Connect bearer token, verified against the issuer's keys.

Every service accepts `Authorization: Bearer <JWT>` signed by the issuer (`TDKT_OIDC_ISSUER`)
for the audience `TDKT_OIDC_AUDIENCE`. The signature, `iss`, `aud`, `exp`/`nbf` (with
`TDKT_OIDC_LEEWAY_SECONDS` of clock skew) are checked by joserfc against the issuer's JWKS
(`TDKT_OIDC_JWKS_URL`, else discovered from `<issuer>/.well-known/openid-configuration`); keys
are cached and fetched again when a token names a key id not seen yet (key rotation).

The actor is built from the claims `sub`, `name`, `roles` (or Keycloak's `realm_access.roles`)
and `unit`. `X-Actor-*` headers are accepted only when `TDKT_TEST_ACTOR_HEADERS` is on, which
only the test fixtures set (`shared.testing.fixtures`).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from shared.actor import Actor

log = logging.getLogger(__name__)

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
KNOWN_ROLES = (
    "administrator",
    "auditor",
    "chairman",
    "council_secretariat",
    "council_member",
    "lead_unit_officer",
    "lead_unit_clerk",
    "desk_clerk",
    "operator",
    "system",
)
"""The roles a token may carry (docs/security.md); the first one listed in the token wins."""
REFETCH_AFTER_SECONDS = 30.0
"""An unknown key id makes the verifier fetch the JWKS again, at most this often."""


class InvalidToken(Exception):
    """The token was refused; the message is for the log, the client gets a generic 401."""


class TokenVerifier:
    def __init__(self, issuer: str, audience: str, *, jwks_url: str | None = None, leeway_seconds: int = 60) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.jwks_url = jwks_url
        self.leeway_seconds = leeway_seconds
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def _discover_jwks_url(self) -> str:
        if self.jwks_url:
            return self.jwks_url
        config = httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5.0)
        config.raise_for_status()
        self.jwks_url = str(config.json()["jwks_uri"])
        return self.jwks_url

    def keys(self, *, refresh: bool = False) -> KeySet:
        with self._lock:
            stale = refresh and time.monotonic() - self._fetched_at > REFETCH_AFTER_SECONDS
            if self._keys is None or stale:
                response = httpx.get(self._discover_jwks_url(), timeout=5.0)
                response.raise_for_status()
                self._keys = KeySet.import_key_set(response.json())
                self._fetched_at = time.monotonic()
            return self._keys

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, or `InvalidToken` saying why not."""
        try:
            try:
                decoded = jwt.decode(token, self.keys(), algorithms=ALGORITHMS)
            except (ValueError, JoseError) as first:
                if "kid" not in str(first).lower() and "key" not in str(first).lower():
                    raise
                decoded = jwt.decode(token, self.keys(refresh=True), algorithms=ALGORITHMS)
            registry = jwt.JWTClaimsRegistry(
                leeway=self.leeway_seconds,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                exp={"essential": True},
                sub={"essential": True},
            )
            registry.validate(decoded.claims)
        except (ValueError, JoseError) as exc:
            raise InvalidToken(f"{type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise InvalidToken(f"issuer keys unavailable: {exc}") from exc
        return dict(decoded.claims)


def token_roles(claims: dict[str, Any]) -> list[str]:
    roles = claims.get("roles")
    if roles is None:
        roles = (claims.get("realm_access") or {}).get("roles", [])
    if isinstance(roles, str):
        roles = roles.split()
    return [str(r) for r in roles]


def actor_from_claims(claims: dict[str, Any]) -> Actor:
    """The actor of a verified token: its first known role, its unit, subject and name."""
    roles = token_roles(claims)
    role = next((r for r in roles if r in KNOWN_ROLES), "")
    return Actor(
        id=str(claims["sub"]),
        role=role,
        unit=str(claims.get("unit") or ""),
        name=str(claims.get("name") or claims.get("preferred_username") or ""),
    )
