"""The development OpenID Connect provider that `tdkt up` starts: PyPI `oidc-provider-mock`.

Its authorisation-code flow (with PKCE), discovery document, JWKS and ID tokens are the
package's, built on Authlib's server components; this module only adds
- the demo users of the Thanh Oai demo, one per role, with the claims the services read
  (`roles`, `unit`, `name`);
- access tokens as JWTs (RFC 9068 style, signed with joserfc by the provider's own key, for the
  audience `TDKT_OIDC_AUDIENCE`), since the services verify bearer tokens offline;
- `GET /dev/token/<user>`: an access token for a demo user without a browser (curl, scripts).
Never for production: anyone reaching it may act as any demo user.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from typing import Any

import flask
from joserfc import jwt
from joserfc.jwk import RSAKey
from oidc_provider_mock import User, init_app

from services.console.auth import DEMO_USERS

DEV_IDP_PORT = 4480
ACCESS_TOKEN_SECONDS = int(os.environ.get("TDKT_DEV_IDP_TOKEN_SECONDS", 8 * 60 * 60))
"""How long its access tokens live (short in the test of the console's session renewal)."""


def demo_claims() -> dict[str, dict[str, Any]]:
    return {
        u.id: {"name": u.name, "preferred_username": u.id, "roles": [u.role], "unit": u.unit, "title": u.title}
        for u in DEMO_USERS
    }


def _signing_key() -> RSAKey:
    storage = flask.g.oidc_provider_mock_storage
    data = storage.jwk.as_dict(is_private=True)
    return RSAKey.import_key(data, parameters={"kid": data.get("kid") or storage.jwk.thumbprint()})


def access_token(sub: str, claims: dict[str, Any], audience: str, client_id: str, scope: str = "openid") -> str:
    key = _signing_key()
    now = int(time.time())
    body = {
        "iss": flask.request.host_url.rstrip("/"),
        "aud": audience,
        "sub": sub,
        "client_id": client_id,
        "scope": scope,
        "iat": now,
        "exp": now + ACCESS_TOKEN_SECONDS,
        "jti": uuid.uuid4().hex,
        **{k: v for k, v in claims.items() if k in ("name", "preferred_username", "roles", "unit")},
    }
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "at+jwt"}, body, key)


def build_provider(audience: str = "tdkt") -> flask.Flask:
    users = demo_claims()
    app = flask.Flask("oidc_provider_mock")  # its templates (the authorisation form) live there

    def generate(client: Any, grant_type: str, user: Any, scope: str, **_: Any) -> str:
        return access_token(user.sub, dict(user.claims), audience, client.get_client_id(), scope or "openid")

    app.config["OAUTH2_ACCESS_TOKEN_GENERATOR"] = generate
    init_app(app, user_claims=[User(sub=sub, claims=claims) for sub, claims in users.items()])
    app.secret_key = secrets.token_bytes(16)

    @app.get("/dev/token/<sub>")
    def dev_token(sub: str) -> Any:
        if sub not in users:
            return flask.jsonify({"error": f"no demo user {sub}", "users": sorted(users)}), 404
        token = access_token(sub, users[sub], audience, "tdkt-dev")
        return flask.jsonify({"access_token": token, "token_type": "Bearer", "expires_in": ACCESS_TOKEN_SECONDS})

    return app


def main() -> None:
    from werkzeug.serving import run_simple

    port = int(os.environ.get("TDKT_DEV_IDP_PORT", DEV_IDP_PORT))
    audience = os.environ.get("TDKT_OIDC_AUDIENCE", "tdkt")
    run_simple("127.0.0.1", port, build_provider(audience), threaded=True)


if __name__ == "__main__":
    main()
