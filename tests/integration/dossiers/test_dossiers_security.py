"""Identity, authorisation and personal data of the dossiers service, over HTTP.

Real bearer tokens from a test issuer (its JWKS served over HTTP), the policy table walked
role by role, a cross-unit attempt, and the encrypted event store.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from eventsourcing.cryptography import AESCipher
from fastapi.testclient import TestClient

from services.dossiers.http.policy import POLICY
from shared.contracts.dossiers import NomineeInfo
from shared.http.auth import KNOWN_ROLES
from shared.pii import SENSITIVE_NOMINEE_FIELDS
from shared.testing.apicheck import check_policy_matrix, unlisted_routes
from shared.testing.issuer import TestIssuer, foreign_key, running_issuer

from .payloads import CLERK, SECRETARY, annual_body, individual

COMMUNE_CLERK = {"X-Actor-Id": "cb.xa", "X-Actor-Role": "desk_clerk", "X-Actor-Unit": "XA-THANH-OAI-2025"}
ID_NUMBER = "001190012345"


@pytest.fixture
def issuer() -> Iterator[TestIssuer]:
    with running_issuer() as running:
        yield running


@pytest.fixture
def token_client(make_client: Callable[..., TestClient], issuer: TestIssuer) -> TestClient:
    """The app accepting only tokens of the test issuer (no X-Actor-* headers)."""
    return make_client(oidc_issuer=issuer.url, oidc_jwks_url=issuer.jwks_url, test_actor_headers=False)


def test_bad_tokens_are_401_and_a_good_one_passes(token_client: TestClient, issuer: TestIssuer) -> None:
    now = int(time.time())
    bad = {
        "missing": {},
        "not bearer": {"Authorization": "Basic Zm9vOmJhcg=="},
        "garbage": {"Authorization": "Bearer not.a.jwt"},
        "expired": issuer.headers("auditor", exp=now - 3600, iat=now - 7200),
        "wrong audience": issuer.headers("auditor", aud="another-app"),
        "wrong issuer": issuer.headers("auditor", iss="https://evil.example"),
        "foreign signature": {"Authorization": f"Bearer {issuer.token('auditor', key=foreign_key())}"},
        "development headers": {"X-Actor-Id": "cb", "X-Actor-Role": "auditor"},
    }
    for why, headers in bad.items():
        response = token_client.get("/dossiers", headers=headers)
        assert response.status_code == 401, (why, response.text)
        assert "Cần đăng nhập" in response.json()["detail"] or "Mã truy cập" in response.json()["detail"], why
    assert token_client.get("/dossiers", headers=issuer.headers("auditor")).status_code == 200


def test_every_role_is_refused_exactly_where_the_policy_table_says(
    token_client: TestClient, issuer: TestIssuer
) -> None:
    assert check_policy_matrix(token_client, issuer, POLICY, "UBND-THANH-OAI") == len(POLICY) * len(KNOWN_ROLES)


def test_no_route_is_missing_from_the_policy_table(client: TestClient) -> None:
    assert unlisted_routes(client, POLICY) == set()


def test_a_commune_clerk_cannot_submit_for_another_commune_and_nothing_is_stored(client: TestClient) -> None:
    body = annual_body(client)  # proposed by XA-BICH-HOA, under the district
    response = client.post("/dossiers", json=body, headers=COMMUNE_CLERK)
    assert response.status_code == 403
    assert "ngoài phạm vi" in response.json()["detail"]
    assert client.get("/dossiers").json() == []


def test_a_commune_clerk_lists_only_its_own_communes_dossiers(client: TestClient) -> None:
    """Issue #12: "a commune clerk submits and sees only their commune's dossiers"."""
    body = annual_body(client)  # proposed by XA-BICH-HOA, under the district
    created = client.post("/dossiers", json=body, headers=CLERK)
    assert created.status_code == 201, created.text
    assert client.get("/dossiers", headers=COMMUNE_CLERK).json() == []
    assert client.get("/dossiers", params={"proposing_unit": "XA-BICH-HOA"}, headers=COMMUNE_CLERK).json() == []
    assert [d["id"] for d in client.get("/dossiers", headers=CLERK).json()] == [created.json()["id"]]
    assert [d["id"] for d in client.get("/dossiers", headers=SECRETARY).json()] == [created.json()["id"]]


def test_personal_data_is_encrypted_at_rest_never_published_and_masked_for_other_roles(
    make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jetstream: object
) -> None:
    monkeypatch.setenv("TDKT_PII_KEY", AESCipher.create_key(32))
    client = make_client()
    nominee = individual(id_number=ID_NUMBER, date_of_birth="1985-04-12")
    body = annual_body(client, nominees=[nominee])
    created = client.post("/dossiers", json=body, headers=CLERK)
    assert created.status_code == 201, created.text
    dossier_id = created.json()["id"]

    stored = b"".join(p.read_bytes() for p in tmp_path.glob("dossiers.sqlite*"))
    assert stored and ID_NUMBER.encode() not in stored
    assert "Nguyễn Thị Hương".encode() not in stored

    seen = client.get(f"/dossiers/{dossier_id}", headers=CLERK).json()
    assert seen["nominees"][0]["id_number"] == ID_NUMBER
    member = {"X-Actor-Id": "tv", "X-Actor-Role": "council_member", "X-Actor-Unit": "UBND-THANH-OAI"}
    masked = client.get(f"/dossiers/{dossier_id}", headers=member).json()
    assert masked["nominees"][0]["id_number"] == "***"
    history = client.get(f"/dossiers/{dossier_id}/history", headers=member).text
    assert ID_NUMBER not in history

    assert not SENSITIVE_NOMINEE_FIELDS & set(NomineeInfo.model_fields)


def test_an_oversized_body_is_413_before_it_is_read(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_body_bytes=1024)
    response = client.post("/dossiers", content=json.dumps({"x": "a" * 4096}), headers=CLERK)
    assert response.status_code == 413
    assert client.get("/dossiers").json() == []


def test_submissions_beyond_the_rate_limit_are_429(make_client: Callable[..., TestClient]) -> None:
    client = make_client(rate_limit_per_minute=3)
    statuses = [client.post("/dossiers", json={}, headers=CLERK).status_code for _ in range(5)]
    assert statuses[:3] == [422, 422, 422] and statuses[3:] == [429, 429]
    assert int(client.post("/dossiers", json={}, headers=CLERK).headers["retry-after"]) > 0
