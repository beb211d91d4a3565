"""The console's OpenID Connect session against the real development provider (a process) whose
access tokens live two seconds: the console renews them with the refresh token before a request
runs, so a person stays logged in; without a refresh token the session ends and they log in again."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from services.console.app import build_app
from services.console.auth import COOKIE
from services.console.oidc import REFRESH_COOKIE, expires_within, unsign
from services.console.settings import ConsoleSettings
from shared.natsserver import free_port, port_open
from shared.testing.fixtures import wait_until

TOKEN_SECONDS = 2


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "TDKT_DEV_IDP_PORT": str(port), "TDKT_DEV_IDP_TOKEN_SECONDS": str(TOKEN_SECONDS)}
    process = subprocess.Popen(
        [sys.executable, "-m", "services.devidp"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: port_open("127.0.0.1", port), timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def console(issuer: str) -> Iterator[TestClient]:
    nowhere = f"http://127.0.0.1:{free_port()}"
    settings = ConsoleSettings(
        dev_mode=True,
        oidc_issuer=issuer,
        oidc_client_id="tdkt-console",
        oidc_client_secret="test-console-secret",
        oidc_leeway_seconds=0,
        campaigns_url=nowhere,
        dossiers_url=nowhere,
        notifications_url=nowhere,
        reporting_url=nowhere,
        console_service_timeout_seconds=2,
    )
    with TestClient(build_app(settings), follow_redirects=False) as client:
        yield client


def log_in(console: TestClient, user: str) -> None:
    """The browser's part of the code flow: the console → the provider's form → back."""
    to_issuer = console.get("/dang-nhap/oidc", params={"next": "/ho-so"}).headers["location"]
    with httpx.Client(timeout=10) as browser:
        form = browser.get(to_issuer)
        back = browser.post(str(form.url), data={"sub": user})
    assert back.status_code in (302, 303), back.text[-500:]
    callback = urlsplit(back.headers["location"])
    assert console.get(f"{callback.path}?{callback.query}").headers["location"] == "/ho-so"


def access_token(console: TestClient) -> str:
    session = unsign(console.app.state.settings.console_secret.encode(), console.cookies[COOKIE].strip('"')) or {}
    return str(session["t"])


def test_an_expiring_access_token_is_renewed_and_the_person_stays_logged_in(console: TestClient) -> None:
    log_in(console, "cv.pnv")
    first = access_token(console)
    assert REFRESH_COOKIE in console.cookies and "cv.pnv" not in console.cookies[REFRESH_COOKIE]  # sealed
    wait_until(lambda: expires_within(first, -0.5), timeout=10)  # expired, past any leeway
    page = console.get("/ho-so")
    assert page.status_code == 200 and "Lê Thị Hạnh" in page.text
    renewed = access_token(console)
    assert renewed != first


def test_without_a_usable_refresh_token_an_expired_session_goes_to_the_login(console: TestClient) -> None:
    log_in(console, "cv.pnv")
    first = access_token(console)
    console.cookies.set(REFRESH_COOKIE, "not-a-sealed-token")
    wait_until(lambda: expires_within(first, -0.5), timeout=10)
    answer = console.get("/ho-so")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/dang-nhap")
    assert COOKIE not in console.cookies  # the ended session is cleared


def test_logging_out_clears_both_cookies(console: TestClient) -> None:
    log_in(console, "ct.ubnd")
    assert console.get("/ho-so").status_code == 200
    answer = console.post("/dang-xuat")
    assert answer.status_code == 303
    to_issuer = urlsplit(answer.headers["location"])  # the issuer's session ends too (RP-initiated logout)
    assert f"{to_issuer.scheme}://{to_issuer.netloc}" == console.app.state.settings.oidc_issuer
    assert "post_logout_redirect_uri=" in to_issuer.query and "client_id=tdkt-console" in to_issuer.query
    assert COOKIE not in console.cookies and REFRESH_COOKIE not in console.cookies
    assert console.get("/ho-so").status_code == 303
