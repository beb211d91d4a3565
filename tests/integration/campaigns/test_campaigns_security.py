"""Identity and authorisation of the campaigns service over HTTP: its policy table walked role
by role with real tokens, a lead unit refused another's movement, schemathesis finding no 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from nats.js.client import JetStreamContext

from services.campaigns.app import build_app
from services.campaigns.http.policy import POLICY
from services.campaigns.settings import CampaignsSettings
from shared.http.auth import KNOWN_ROLES
from shared.testing.apicheck import check_no_server_errors, check_policy_matrix, unlisted_routes
from shared.testing.issuer import TestIssuer, running_issuer

from .test_campaigns_http import LEAD_UNIT, thematic_campaign


@pytest.fixture
def issuer() -> Iterator[TestIssuer]:
    with running_issuer() as running:
        yield running


@pytest.fixture
def token_client(
    tmp_path: Path, nats_url: str, jetstream: JetStreamContext, issuer: TestIssuer
) -> Iterator[TestClient]:
    settings = CampaignsSettings(
        var_dir=tmp_path,
        nats_url=nats_url,
        oidc_issuer=issuer.url,
        oidc_jwks_url=issuer.jwks_url,
        test_actor_headers=False,
    )
    with TestClient(build_app(settings)) as client:
        yield client


def test_every_role_is_refused_exactly_where_the_policy_table_says(
    token_client: TestClient, issuer: TestIssuer
) -> None:
    assert check_policy_matrix(token_client, issuer, POLICY, "PKT") == len(POLICY) * len(KNOWN_ROLES)
    assert unlisted_routes(token_client, POLICY) == set()


def test_a_lead_unit_cannot_draft_another_units_movement_and_nothing_is_stored(campaigns_client: TestClient) -> None:
    other = {**LEAD_UNIT, "X-Actor-Unit": "PVHTT"}
    response = campaigns_client.post("/campaigns", json=thematic_campaign(), headers=other)  # led by PKT
    assert response.status_code == 403 and "chỉ quản lý phong trào" in response.json()["detail"]
    assert campaigns_client.get("/campaigns").json() == []


def test_the_recorded_actor_comes_from_the_token(token_client: TestClient, issuer: TestIssuer) -> None:
    created = token_client.post(
        "/campaigns", json=thematic_campaign(), headers=issuer.headers("lead_unit_officer", "PKT")
    )
    assert created.status_code == 201, created.text
    assert created.json()["drafted_by"] == {
        "id": "test.lead_unit_officer",
        "role": "lead_unit_officer",
        "unit": "PKT",
        "name": "Người thử lead_unit_officer",
    }


def test_no_generated_request_gets_a_server_error(token_client: TestClient, issuer: TestIssuer) -> None:
    assert check_no_server_errors(token_client, issuer.headers("lead_unit_officer", "PKT")) > 10
