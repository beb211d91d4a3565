"""The console's OpenID Connect login: authorisation code with PKCE (S256), via Authlib.

`/dang-nhap/oidc` sends the browser to the issuer with a fresh `state` and code verifier (kept
in a short-lived signed cookie); `/dang-nhap/xong` exchanges the code for tokens, verifies the
access token exactly as the services do (`shared.http.auth`), and keeps it in the signed
session cookie, and the refresh token, encrypted, in a second cookie. Each call to a service
then carries the access token as `Authorization: Bearer`, so the services decide with the
user's own token. Shortly before the access token expires, the next request exchanges the
refresh token for a new one (`refresh`), so a clerk filling a long form is not sent to the login
page (Keycloak's access tokens live 5 minutes). Configured by `TDKT_OIDC_ISSUER`,
`TDKT_OIDC_CLIENT_ID`, `TDKT_OIDC_CLIENT_SECRET` (docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import Request

from shared.http.auth import InvalidToken, TokenVerifier, actor_from_claims

log = logging.getLogger(__name__)

FLOW_COOKIE = "tdkt_login"
FLOW_SECONDS = 10 * 60
REFRESH_COOKIE = "tdkt_refresh"
REFRESH_MARGIN_SECONDS = 60
"""An access token expiring within this is renewed before the request runs."""
SCOPE = "openid profile"


@dataclass(frozen=True)
class Tokens:
    access: str
    refresh: str | None


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


async def complete(request: Request, code: str, state: str) -> Tokens | None:
    """The verified tokens for the code, or None (forged state, expired flow, refusal)."""
    flow = unsign(_secret(request), request.cookies.get(FLOW_COOKIE, ""))
    if not flow or not hmac.compare_digest(str(flow.get("s")), state) or time.time() - flow["t"] > FLOW_SECONDS:
        return None
    config = await discovery(request)
    client = _client(request)
    try:
        return _verified(
            request, await client.fetch_token(config["token_endpoint"], code=code, code_verifier=flow["v"])
        )
    except (InvalidToken, KeyError, httpx.HTTPError, ValueError) as exc:
        log.warning("console login refused: %s", exc)
        return None
    finally:
        await client.aclose()


async def refresh(request: Request, refresh_token: str) -> Tokens | None:
    """New tokens for a refresh token, or None (expired, revoked, the issuer unreachable)."""
    config = await discovery(request)
    client = _client(request)
    try:
        answer = await client.refresh_token(config["token_endpoint"], refresh_token=refresh_token)
        tokens = _verified(request, answer)
    except (InvalidToken, KeyError, httpx.HTTPError, ValueError) as exc:
        log.info("console session not renewed: %s", exc)
        return None
    finally:
        await client.aclose()
    return Tokens(tokens.access, tokens.refresh or refresh_token)  # an issuer may keep the same one


def _verified(request: Request, token: dict[str, Any]) -> Tokens:
    access_token = str(token["access_token"])
    verifier(request).verify(access_token)
    return Tokens(access_token, str(token["refresh_token"]) if token.get("refresh_token") else None)


def expires_within(access_token: str, seconds: float) -> bool:
    """Whether a token this console verified and signed into its cookie expires within `seconds`."""
    try:
        payload = access_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"]) - time.time() < seconds
    except (IndexError, KeyError, TypeError, ValueError):
        return True


def _refresh_key(secret: bytes) -> AESGCM:
    return AESGCM(hashlib.sha256(b"tdkt-console-refresh-token:" + secret).digest())


def seal(secret: bytes, text: str) -> str:
    """The refresh token encrypted for its cookie (the browser keeps it; only this console reads it)."""
    nonce = os.urandom(12)
    return base64.urlsafe_b64encode(nonce + _refresh_key(secret).encrypt(nonce, text.encode(), None)).decode()


def unseal(secret: bytes, raw: str) -> str | None:
    try:
        data = base64.urlsafe_b64decode(raw.encode())
        return _refresh_key(secret).decrypt(data[:12], data[12:], None).decode()
    except (InvalidTag, ValueError, TypeError):
        return None


def user_claims(request: Request, access_token: str) -> dict[str, Any] | None:
    try:
        claims = verifier(request).verify(access_token)
    except InvalidToken:
        return None
    actor = actor_from_claims(claims)
    return {"id": actor.id, "name": actor.name or actor.id, "role": actor.role, "unit": actor.unit}


async def end_session_url(request: Request, after: str) -> str | None:
    """The issuer's logout page (OpenID RP-Initiated Logout) returning to `after`, if it has one."""
    try:
        endpoint = (await discovery(request)).get("end_session_endpoint")
    except httpx.HTTPError:
        return None
    if not endpoint:
        return None
    query = httpx.QueryParams(
        {"client_id": request.app.state.settings.oidc_client_id, "post_logout_redirect_uri": after}
    )
    return f"{endpoint}?{query}"


def flow_next(request: Request) -> str:
    flow = unsign(_secret(request), request.cookies.get(FLOW_COOKIE, "")) or {}
    return str(flow.get("n") or "/")


def _secret(request: Request) -> bytes:
    return request.app.state.settings.console_secret.encode()  # type: ignore[no-any-return]
