"""HTTP checks every service's security tests share: the policy matrix and schemathesis.

`check_policy_matrix` walks a service's policy table role by role with real tokens;
`check_no_server_errors` sends schemathesis-generated requests (a few per operation, so it
runs in seconds) and fails on any 5xx.
"""

from __future__ import annotations

import re
import uuid

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings

from shared.http.auth import KNOWN_ROLES
from shared.http.policy import Policy
from shared.testing.issuer import TestIssuer

SENT = ("method", "url", "headers", "params", "json", "content", "data", "files")
OPEN_PATHS = {"/healthz", "/readyz", "/asyncapi.json"}


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: str(uuid.uuid4()) if "id" in m.group(0) else "x", path)


def check_policy_matrix(client: TestClient, issuer: TestIssuer, policy: Policy, unit: str) -> int:
    """A role outside an endpoint's rule gets 403; a role inside it never 401/403 (the request
    goes on to 404/409/422/200 as the endpoint decides). Returns the number of requests."""
    sent = 0
    for (method, path), rule in policy.items():
        url = concrete(path)
        for role in KNOWN_ROLES:
            response = client.request(
                method, url, headers=issuer.headers(role, unit), json=None if method == "GET" else {}
            )
            if rule.public or role in rule.roles:
                assert response.status_code not in (401, 403), (method, path, role, response.text)
            else:
                assert response.status_code == 403, (method, path, role, response.text)
                assert "không được thực hiện" in response.json()["detail"]
            sent += 1
    return sent


def unlisted_routes(client: TestClient, policy: Policy) -> set[tuple[str, str]]:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    routes = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    return {r for r in routes if r[1] not in OPEN_PATHS} - set(policy)


def check_no_server_errors(client: TestClient, headers: dict[str, str], *, examples: int = 2) -> int:
    """Every operation of the app's OpenAPI, `examples` generated requests each; returns how
    many operations were exercised."""
    api = schemathesis.openapi.from_dict(client.app.openapi())  # type: ignore[attr-defined]
    # /readyz answers 503 by design while a dependency is down: not a server error
    operations = [op for result in api.get_all_operations() if (op := result.ok()).path != "/readyz"]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def no_server_error(case: schemathesis.Case) -> None:
            kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
            response = client.request(**{k: v for k, v in kwargs.items() if k in SENT})
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])

        no_server_error()
    return len(operations)
