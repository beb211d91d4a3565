"""The console app on its own, with every service unreachable: login and its guard rails, what a
person sees when a service is down, and the headers every page carries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.console.app import build_app
from services.console.auth import COOKIE
from services.console.settings import ConsoleSettings
from shared.natsserver import free_port


def console(dev_mode: bool = True) -> TestClient:
    nowhere = f"http://127.0.0.1:{free_port()}"
    settings = ConsoleSettings(
        dev_mode=dev_mode,
        campaigns_url=nowhere,
        dossiers_url=nowhere,
        notifications_url=nowhere,
        reporting_url=nowhere,
        console_service_timeout_seconds=2,
    )
    return TestClient(build_app(settings), follow_redirects=False)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with console() as c:
        yield c


def login(client: TestClient, user_id: str = "cv.pnv", next_url: str = "/tong-quan") -> str:
    response = client.post("/dang-nhap", data={"user_id": user_id, "next": next_url})
    assert response.status_code == 303
    return response.headers["location"]


def test_pages_need_a_login_and_come_back_to_where_the_person_was_going(client: TestClient) -> None:
    response = client.get("/ho-so?status=RECEIVED")
    assert response.status_code == 303 and response.headers["location"] == "/dang-nhap?next=/ho-so%3Fstatus%3DRECEIVED"
    page = client.get("/dang-nhap")
    assert page.text.count("Đăng nhập với vai trò này") == 7
    assert login(client, next_url="/ho-so?status=RECEIVED") == "/ho-so?status=RECEIVED"
    assert client.get("/ho-so").status_code == 200


def test_login_never_sends_anyone_to_another_site_and_a_forged_cookie_is_no_login(client: TestClient) -> None:
    assert login(client, next_url="//evil.example/phish") == "/"
    assert login(client, next_url="https://evil.example") == "/"
    client.cookies.set(COOKIE, client.cookies[COOKIE].rsplit(".", 1)[0] + ".0000")
    assert client.get("/tong-quan").status_code == 303
    assert client.post("/dang-nhap", data={"user_id": "nobody"}).headers["location"].startswith("/dang-nhap")


def test_without_development_mode_there_is_no_demo_login() -> None:
    with console(dev_mode=False) as client:
        page = client.get("/dang-nhap")
        assert "chưa được cấu hình" in page.text and "Đăng nhập với vai trò này" not in page.text
        response = client.post("/dang-nhap", data={"user_id": "cv.pnv", "next": "/tong-quan"})
        assert COOKIE not in response.cookies
        assert client.get("/tong-quan").status_code == 303


def test_a_service_that_does_not_answer_is_named_in_vietnamese_and_lists_still_open(client: TestClient) -> None:
    login(client)
    one = client.get("/ho-so/3f0a5a52-0000-4000-8000-000000000000")
    assert one.status_code == 503
    assert "Không kết nối được dịch vụ hồ sơ khen thưởng" in one.text
    listing = client.get("/ho-so")
    assert listing.status_code == 200 and "Không kết nối được dịch vụ hồ sơ khen thưởng" in listing.text
    dashboard = client.get("/tong-quan")
    assert dashboard.status_code == 200 and "Chưa đọc được báo cáo" in dashboard.text
    public = client.get("/cong-khai")
    assert public.status_code == 200 and "Không kết nối được" in public.text


def test_pages_carry_a_strict_content_policy_and_the_static_assets_are_served(client: TestClient) -> None:
    page = client.get("/dang-nhap")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert '<html lang="vi">' in page.text
    assert client.get("/tinh/htmx.min.js").status_code == 200
    assert client.get("/tinh/console.css").status_code == 200
    missing = client.get("/khong-co")
    assert missing.status_code == 404 and "Không tìm thấy trang này." in missing.text
