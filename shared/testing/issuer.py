"""A test issuer: an RSA key whose JWKS is served over HTTP, minting tokens with joserfc.

Tests point a service at it (`TDKT_OIDC_ISSUER`, `TDKT_OIDC_JWKS_URL`) and act as any role
with real, verifiable bearer tokens, or with broken ones (expired, another audience, another
issuer, a foreign signature).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

AUDIENCE = "tdkt"


class TestIssuer:
    __test__ = False  # not a test class

    def __init__(self, url: str, key: RSAKey) -> None:
        self.url = url
        self.key = key

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/jwks"

    def token(
        self,
        role: str,
        unit: str = "",
        *,
        sub: str | None = None,
        key: RSAKey | None = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": sub or f"test.{role}",
            "name": f"Người thử {role}",
            "roles": [role],
            "unit": unit,
            "iat": now,
            "exp": now + 300,
            **claims,
        }
        signer = key or self.key
        return jwt.encode({"alg": "RS256", "kid": signer.kid}, body, signer)

    def headers(self, role: str, unit: str = "", **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, unit, **claims)}"}


@contextmanager
def running_issuer() -> Iterator[TestIssuer]:
    key = RSAKey.generate_key(2048, parameters={"kid": "test-1"}, private=True)
    jwks = json.dumps(KeySet([key]).as_dict(private=False)).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/jwks" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            if self.path == "/jwks":
                self.wfile.write(jwks)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TestIssuer(f"http://127.0.0.1:{server.server_address[1]}", key)
    finally:
        server.shutdown()
        server.server_close()


def foreign_key() -> RSAKey:
    """A key the issuer never published, under the issuer's key id."""
    return RSAKey.generate_key(2048, parameters={"kid": "test-1"}, private=True)
