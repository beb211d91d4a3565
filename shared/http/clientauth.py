"""What the command-line tools send to a running service: `TDKT_ACCESS_TOKEN` as a bearer token.

Get one from the issuer (`make up`: `curl http://127.0.0.1:4480/dev/token/<user>`; production:
the province's Keycloak, client-credentials of an operator's client, docs/security.md).
"""

from __future__ import annotations

import os


def bearer_headers() -> dict[str, str]:
    token = os.environ.get("TDKT_ACCESS_TOKEN", "").strip()
    return {"Authorization": f"Bearer {token}"} if token else {}
