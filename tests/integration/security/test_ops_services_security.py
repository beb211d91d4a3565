"""The notifications and reporting services over HTTP with real tokens: their policy tables walked
role by role, no route left out of them, and schemathesis finding no 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from nats.js.client import JetStreamContext

from services.notifications.app import build_app as build_notifications
from services.notifications.http.policy import POLICY as NOTIFICATIONS
from services.reporting.app import build_app as build_reporting
from services.reporting.http.policy import POLICY as REPORTING
from services.reporting.rebuild import nats_connector
from services.reporting.settings import ReportingSettings
from shared.http.auth import KNOWN_ROLES
from shared.natsserver import free_port
from shared.testing.apicheck import check_no_server_errors, check_policy_matrix, unlisted_routes
from shared.testing.issuer import TestIssuer, running_issuer
from tests.support.notifications import fast_settings


@pytest.fixture
def issuer() -> Iterator[TestIssuer]:
    with running_issuer() as running:
        yield running


@pytest.fixture
def reporting(tmp_path: Path, issuer: TestIssuer) -> Iterator[TestClient]:
    settings = ReportingSettings(
        nats_url=f"nats://127.0.0.1:{free_port()}",  # nobody listens: the API works without NATS
        var_dir=tmp_path,
        reporting_initial_rebuild=False,
        oidc_issuer=issuer.url,
        oidc_jwks_url=issuer.jwks_url,
        test_actor_headers=False,
    )
    with TestClient(build_reporting(settings)) as client:
        # The auditor's check still tries that NATS and reports it away, but after its three
        # reconnect attempts 0.1 s apart instead of 2 s (6 s for each role the policy lets in).
        client.app.state.reporting.rebuilder.connect = nats_connector(  # type: ignore[attr-defined]
            settings.nats_url, reconnect_time_wait=0.1
        )
        yield client


@pytest.fixture
def notifications(
    tmp_path: Path, nats_url: str, jetstream: JetStreamContext, issuer: TestIssuer
) -> Iterator[TestClient]:
    settings = fast_settings(
        nats_url, tmp_path, oidc_issuer=issuer.url, oidc_jwks_url=issuer.jwks_url, test_actor_headers=False
    )
    with TestClient(build_notifications(settings)) as client:
        yield client


def test_reporting_follows_its_policy_table_and_answers_no_5xx(reporting: TestClient, issuer: TestIssuer) -> None:
    assert unlisted_routes(reporting, REPORTING) == set()
    assert check_policy_matrix(reporting, issuer, REPORTING, "PNV") == len(REPORTING) * len(KNOWN_ROLES)
    assert reporting.get("/reports/campaigns").status_code == 401
    assert check_no_server_errors(reporting, issuer.headers("auditor", "TTRA")) >= 6


def test_notifications_follow_their_policy_table_and_answer_no_5xx(
    notifications: TestClient, issuer: TestIssuer
) -> None:
    assert unlisted_routes(notifications, NOTIFICATIONS) == set()
    assert check_policy_matrix(notifications, issuer, NOTIFICATIONS, "PNV") == len(NOTIFICATIONS) * len(KNOWN_ROLES)
    assert check_no_server_errors(notifications, issuer.headers("administrator", "VP-HDND-UBND")) >= 6
