"""The console's OpenID Connect login: authorisation code with PKCE (S256), via Authlib.

`/dang-nhap/oidc` sends the browser to the issuer with a fresh `state` and code verifier (kept
in a short-lived signed cookie); `/dang-nhap/xong` exchanges the code for tokens, verifies the
access token exactly as the services do (`shared.http.auth`), and keeps it in the signed
session cookie. Each call to a service then carries it as `Authorization: Bearer`, so the
services decide with the user's own token. Configured by `TDKT_OIDC_ISSUER`,
`TDKT_OIDC_CLIENT_ID`, `TDKT_OIDC_CLIENT_SECRET` (docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from fastapi import Request

from shared.http.auth import InvalidToken, TokenVerifier, actor_from_claims

log = logging.getLogger(__name__)

FLOW_COOKIE = "tdkt_login"
FLOW_SECONDS = 10 * 60
SCOPE = "openid profile"


def enabled(settings: Any) -> bool:
    return bool(getattr(settings, "oidc_issuer", None) and getattr(settings, "oidc_client_id", None))


def sign(secret: bytes, data: dict[str, Any]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(data).encode())
    return f"{payload.decode()}.{hmac.new(secret, payload, hashlib.sha256).hexdigest()}"


def unsign(secret: bytes, raw: str) -> dict[str, Any] | None:
    payload, _, signature = raw.partition(".")
    expected = hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()
    if not payload or not hmac.compare_digest(signature, expected):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except (ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def verifier(request: Request) -> TokenVerifier:
    state = request.app.state
    if getattr(state, "token_verifier", None) is None:
        s = state.settings
        state.token_verifier = TokenVerifier(
            s.oidc_issuer, s.oidc_audience, jwks_url=s.oidc_jwks_url, leeway_seconds=s.oidc_leeway_seconds
        )
    return state.token_verifier  # type: ignore[no-any-return]


async def discovery(request: Request) -> dict[str, Any]:
    cached = getattr(request.app.state, "oidc_discovery", None)
    if cached is None:
        issuer = request.app.state.settings.oidc_issuer.rstrip("/")
        async with httpx.AsyncClient(timeout=5.0) as http:
            response = await http.get(f"{issuer}/.well-known/openid-configuration")
            response.raise_for_status()
            cached = response.json()
        request.app.state.oidc_discovery = cached
    return cached  # type: ignore[no-any-return]


def _client(request: Request) -> AsyncOAuth2Client:
    s = request.app.state.settings
    return AsyncOAuth2Client(
        client_id=s.oidc_client_id,
        client_secret=s.oidc_client_secret,
        redirect_uri=str(request.url_for("oidc_callback")),
        scope=SCOPE,
        code_challenge_method="S256",
    )


async def authorization_redirect(request: Request, next_url: str) -> tuple[str, str]:
    """(URL to send the browser to, the signed flow cookie to set)."""
    config = await discovery(request)
    code_verifier = generate_token(48)
    client = _client(request)
    url, state = client.create_authorization_url(config["authorization_endpoint"], code_verifier=code_verifier)
    flow = {"s": state, "v": code_verifier, "n": next_url, "t": int(time.time())}
    return url, sign(_secret(request), flow)


async def complete(request: Request, code: str, state: str) -> str | None:
    """The verified access token for the code, or None (forged state, expired flow, refusal)."""
    flow = unsign(_secret(request), request.cookies.get(FLOW_COOKIE, ""))
    if not flow or not hmac.compare_digest(str(flow.get("s")), state) or time.time() - flow["t"] > FLOW_SECONDS:
        return None
    config = await discovery(request)
    client = _client(request)
    try:
        token = await client.fetch_token(config["token_endpoint"], code=code, code_verifier=flow["v"])
        access_token = str(token["access_token"])
        verifier(request).verify(access_token)
    except (InvalidToken, KeyError, httpx.HTTPError, ValueError) as exc:
        log.warning("console login refused: %s", exc)
        return None
    finally:
        await client.aclose()
    return access_token


def user_claims(request: Request, access_token: str) -> dict[str, Any] | None:
    try:
        claims = verifier(request).verify(access_token)
    except InvalidToken:
        return None
    actor = actor_from_claims(claims)
    return {"id": actor.id, "name": actor.name or actor.id, "role": actor.role, "unit": actor.unit}


def flow_next(request: Request) -> str:
    flow = unsign(_secret(request), request.cookies.get(FLOW_COOKIE, "")) or {}
    return str(flow.get("n") or "/")


def _secret(request: Request) -> bytes:
    return request.app.state.settings.console_secret.encode()  # type: ignore[no-any-return]
