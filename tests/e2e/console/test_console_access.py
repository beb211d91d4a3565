"""The console at phone width and by keyboard alone, the administrator's screens (webhooks, the
reports' rebuild with its progress), and the live, accent-insensitive movement search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.console.conftest import DESKTOP, Screen, System, api
from tests.e2e.console.helpers import click, error_of, fill, in_days, pdf

pytestmark = pytest.mark.e2e

LEAD = {"X-Actor-Id": "nv.phongkt", "X-Actor-Role": "lead_unit_officer", "X-Actor-Unit": "PKT"}


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_every_screen_works_at_phone_width(phone: Screen, system: System) -> None:
    phone.login("cb.motcua")
    for path, name in (
        ("/tong-quan", "01-tong-quan"),
        ("/ho-so", "02-ho-so"),
        ("/ho-so/tiep-nhan", "03-tiep-nhan"),
        ("/phong-trao", "04-phong-trao"),
        ("/thong-bao", "05-thong-bao"),
    ):
        phone.goto(path)
        assert no_sideways_scroll(phone.page), f"{path} scrolls sideways at 390 px"
        phone.check(name)
    phone.login("cv.pnv")
    phone.goto("/bao-cao")
    assert no_sideways_scroll(phone.page)
    phone.check("06-bao-cao")
    phone.context.clear_cookies()
    phone.goto("/cong-khai")
    assert no_sideways_scroll(phone.page)
    phone.check("07-cong-khai")


def tab_to(page: Page, text: str, limit: int = 150) -> None:
    """Press Tab until the focused element's text (or label) is `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => (document.activeElement.getAttribute('aria-label') || document.activeElement.innerText || '').trim()"
        )
        if focused == text or focused.startswith(text):
            return
    raise AssertionError(f"Tab never reached {text!r}")


def test_a_clerk_works_with_the_keyboard_alone(screen: Screen, system: System) -> None:
    page = screen.page
    screen.goto("/dang-nhap")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Bỏ qua, đến nội dung chính")
    page.keyboard.press("Enter")
    expect(page.locator("#noi-dung")).to_be_focused()
    tab_to(page, "Đăng nhập với vai trò Cán bộ Bộ phận Một cửa")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus can be seen
    page.keyboard.press("Enter")
    page.wait_for_url("**/tong-quan")
    tab_to(page, "Hồ sơ")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ho-so")
    tab_to(page, "Tiếp nhận hồ sơ")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ho-so/tiep-nhan")
    tab_to(page, "Thêm người được đề nghị")
    page.keyboard.press("Enter")
    expect(page.locator("[name='nominees[1].kind']")).to_be_focused()  # the new row takes the keyboard
    tab_to(page, "Thêm người được đề nghị")
    page.keyboard.press("Enter")
    expect(page.locator("[name='nominees[2].kind']")).to_be_focused()
    screen.check("01-tiep-nhan-ban-phim")


def test_administrator_subscribes_a_webhook_and_rebuilds_the_reports_with_progress(
    screen: Screen, system: System
) -> None:
    s, page = screen, screen.page
    s.login("qt.hethong")
    s.goto("/thong-bao")
    click(page, "link", "Đăng ký webhook")
    fill(page, {"url": "ftp://vanban.thanhoai.example/nhan", "secret": "ngan", "description": "Hệ thống văn bản"})
    click(page, "button", "Đăng ký")
    expect(error_of(page, "url")).to_contain_text("http://")
    expect(error_of(page, "secret")).to_be_visible()
    expect(page.locator("[name='description']")).to_have_value("Hệ thống văn bản")
    s.check("01-webhook-loi")
    fill(page, {"url": "http://127.0.0.1:9/nhan-su-kien", "secret": "khoa-ky-bi-mat-16-ky-tu"})
    click(page, "button", "Đăng ký")
    expect(page.locator(".flash")).to_contain_text("Đã đăng ký webhook")
    listed = page.locator("table").filter(has_text="http://127.0.0.1:9/nhan-su-kien")
    expect(listed).to_contain_text("Hệ thống văn bản")
    page.get_by_role("button", name="Hủy đăng ký http://127.0.0.1:9/nhan-su-kien").click()
    expect(page.locator(".flash")).to_contain_text("Đã hủy đăng ký webhook")
    expect(page.locator("table").filter(has_text="http://127.0.0.1:9/nhan-su-kien")).to_have_count(0)

    s.goto("/bao-cao/dung-lai")
    click(page, "button", "Bắt đầu dựng lại")
    expect(page.locator("#tien-do progress")).to_be_visible()
    expect(page.locator("#tien-do")).to_contain_text("Hoàn tất", timeout=30_000)  # polled by htmx, no reload
    s.check("02-dung-lai-bao-cao")


def test_movement_search_finds_without_diacritics_as_one_types(screen: Screen, system: System) -> None:
    base = {"lead_unit_id": "PKT", "kind": "thematic", "start_date": "2025-01-01", "end_date": "2025-06-30"}
    api(
        "POST",
        f"{system.campaigns.url}/campaigns",
        201,
        headers=LEAD,
        json={**base, "code": "PT-2025-NTMNC", "name": "Xây dựng nông thôn mới nâng cao"},
    )
    api(
        "POST",
        f"{system.campaigns.url}/campaigns",
        201,
        headers=LEAD,
        json={**base, "code": "PT-2025-ATTP", "name": "Bảo đảm an toàn thực phẩm"},
    )
    page = screen.page
    screen.login("cv.pnv")
    screen.goto("/phong-trao")
    page.get_by_label("Từ khóa (có dấu hoặc không dấu)").press_sequentially("nong thon moi", delay=20)
    page.wait_for_url(re.compile(r"q=nong(%20|\+)thon(%20|\+)moi"))
    results = page.locator("#ket-qua tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Xây dựng nông thôn mới nâng cao")
    screen.check("01-tim-phong-trao")


def test_the_desk_takes_in_a_dossier_with_a_file_when_javascript_is_off(browser: Browser, system: System) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False, locale="vi-VN")
    try:
        plain = Screen(context, system.url, "no-js-intake")
        page = plain.page
        plain.login("cb.motcua")
        plain.goto("/ho-so/tiep-nhan")
        fill(
            page,
            {
                "kind": "AD_HOC",
                "award_type": "AD_HOC",
                "feat_date": in_days(-2),
                "nominees[0].name": "Nguyễn Văn Hùng",
                "nominees[0].award": "CERTIFICATE_OF_MERIT",
                "nominees[0].position": "Dân quân thường trực",
                "nominees[0].unit": "UBND xã Thanh Oai",
                "nominees[0].gender": "MALE",
                "upload_kind": "SUBMISSION_MEMO",
            },
        )
        page.locator("#f-upload-files").set_input_files(
            files=[{"name": "to-trinh.pdf", "mimeType": "application/pdf", "buffer": pdf("no-js to-trinh")}]
        )
        click(page, "button", "Tiếp nhận hồ sơ")  # no summary of achievements: refused, the file is kept
        expect(error_of(page, "achievements")).to_be_visible()
        expect(page.locator("#tep-da-tai")).to_contain_text("to-trinh.pdf")
        fill(page, {"achievements": "Dũng cảm cứu người bị đuối nước tại sông Đáy."})
        click(page, "button", "Tiếp nhận hồ sơ")
        expect(page.locator(".flash")).to_contain_text("Đã tiếp nhận hồ sơ số")
        expect(page.locator("section[aria-labelledby='h-tai-lieu']")).to_contain_text("to-trinh.pdf — Tờ trình")
        plain.shot("01-tiep-nhan-khong-javascript")
    finally:
        context.close()
