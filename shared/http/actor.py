"""The actor of an HTTP request: from a verified bearer token (`shared.http.auth`).

Only where `TDKT_TEST_ACTOR_HEADERS` is on (the test fixtures set it, nothing else does) may
`X-Actor-Id`, `X-Actor-Role` and `X-Actor-Unit` headers stand in for a token, so that the
suite can act as any role without an issuer; and there a read that carries neither is made by
`TEST_READER`. Everywhere else a request without a valid token is 401.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from shared.actor import Actor
from shared.http.auth import InvalidToken, TokenVerifier, actor_from_claims
from shared.http.problems import ProblemError

log = logging.getLogger(__name__)

TEST_READER = Actor(id="test-reader", role="auditor", unit="")
"""Who reads without credentials in the test suite (reads only; commands still need an actor)."""

NO_CREDENTIALS = "Cần đăng nhập: gửi mã truy cập (Authorization: Bearer …) do máy chủ định danh cấp."
BAD_TOKEN = "Mã truy cập không hợp lệ hoặc đã hết hạn; hãy đăng nhập lại."
NO_ISSUER = "Dịch vụ chưa được cấu hình máy chủ định danh (TDKT_OIDC_ISSUER) nên không xác thực được mã truy cập."


def token_verifier(request: Request) -> TokenVerifier | None:
    """The app's verifier, made once from its settings (None when no issuer is configured)."""
    state = request.app.state
    verifier = getattr(state, "token_verifier", None)
    if verifier is None:
        settings = state.settings
        if not getattr(settings, "oidc_issuer", None):
            return None
        verifier = TokenVerifier(
            settings.oidc_issuer,
            settings.oidc_audience,
            jwks_url=settings.oidc_jwks_url,
            leeway_seconds=settings.oidc_leeway_seconds,
        )
        state.token_verifier = verifier
    return verifier  # type: ignore[no-any-return]


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, detail)


def resolve_actor(request: Request) -> Actor:
    """Verify the request's credentials once; the result is kept on `request.state.actor`."""
    cached = getattr(request.state, "actor", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    actor = _authenticate(request)
    request.state.actor = actor
    return actor


def _authenticate(request: Request) -> Actor:
    settings = request.app.state.settings
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if authorization:
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized(BAD_TOKEN)
        verifier = token_verifier(request)
        if verifier is None:
            raise _unauthorized(NO_ISSUER)
        try:
            claims = verifier.verify(token.strip())
        except InvalidToken as exc:
            log.warning("token refused for %s %s: %s", request.method, request.url.path, exc)
            raise _unauthorized(BAD_TOKEN) from exc
        return actor_from_claims(claims)
    if getattr(settings, "test_actor_headers", False):
        actor_id = (request.headers.get("x-actor-id") or "").strip()
        role = (request.headers.get("x-actor-role") or "").strip()
        if actor_id and role:
            return Actor(id=actor_id, role=role, unit=(request.headers.get("x-actor-unit") or "").strip())
        if request.method in ("GET", "HEAD"):
            return TEST_READER
        raise _unauthorized(
            NO_CREDENTIALS + " (Chỉ khi kiểm thử: header X-Actor-Id và X-Actor-Role, X-Actor-Unit nếu có.)"
        )
    raise _unauthorized(NO_CREDENTIALS)


async def actor_from_headers(request: Request) -> Actor:
    """The FastAPI dependency of every command (name kept from the development-header days).

    The policy check (`shared.http.policy.enforce_policy`) has usually resolved the actor
    already: then it is read from the request, without the worker-thread hop a plain `def`
    dependency costs. Otherwise it is resolved in a worker thread, as before (verifying a token
    may fetch the issuer's keys)."""
    cached = getattr(request.state, "actor", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    return await run_in_threadpool(resolve_actor, request)


ActorDep = Annotated[Actor, Depends(actor_from_headers)]
