"""Schemathesis over the dossiers service's OpenAPI, with a valid token: no generated request
gets a 5xx (a few examples per operation, so it runs in seconds)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from shared.testing.apicheck import check_no_server_errors
from shared.testing.issuer import TestIssuer, running_issuer


@pytest.fixture
def issuer() -> Iterator[TestIssuer]:
    with running_issuer() as running:
        yield running


def test_no_generated_request_gets_a_server_error(make_client: Callable[..., TestClient], issuer: TestIssuer) -> None:
    client = make_client(oidc_issuer=issuer.url, oidc_jwks_url=issuer.jwks_url, test_actor_headers=False)
    assert check_no_server_errors(client, issuer.headers("council_secretariat", "PNV")) > 40
