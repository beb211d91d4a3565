"""Small helpers for driving the console's forms by their field names (the APIs' error paths)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

from playwright.sync_api import Locator, Page

from services.console.pages import field_id
from shared.workdays import VIETNAM_TZ

THEMATIC_FILES = (
    ("SUBMISSION_MEMO", "to-trinh.pdf"),
    ("ACHIEVEMENT_REPORT", "bao-cao-thanh-tich.pdf"),
    ("REVIEW_MINUTES", "bien-ban-binh-xet.pdf"),
    ("MOVEMENT_PLAN", "ke-hoach-phong-trao.pdf"),
    ("MOVEMENT_REVIEW_REPORT", "bao-cao-so-ket.pdf"),
)


def today() -> date:
    return datetime.now(VIETNAM_TZ).date()


def vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def in_days(n: int) -> str:
    return vn(today() + timedelta(days=n))


def fill(page: Page, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        field = page.locator(f"[name='{name}']").first
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def pdf(label: str) -> bytes:
    return b"%PDF-1.4\n% " + label.encode() + b"\n%%EOF\n"


def upload(page: Page, kind: str, name: str) -> None:
    """Pick a file for a kind; the page uploads it at once (progress bar) and keeps its reference."""
    before = page.locator("#tep-da-tai .ok").count()
    page.locator("[name='upload_kind']").select_option(kind)
    page.locator("#f-upload-files").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": pdf(name + str(time.monotonic()))}]
    )
    page.locator("#tep-da-tai .ok").nth(before).wait_for()


def click(page: Page, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).first.click()  # type: ignore[arg-type]


def reload_until(page: Page, ready: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"{page.url}: not ready after {timeout}s"
        time.sleep(0.5)
        page.reload()


def flash(page: Page) -> str:
    return page.locator(".flash").inner_text()


def error_of(page: Page, name: str) -> Locator:
    """The message the page shows next to the field `name` (the service's error path)."""
    return page.locator(f"#{field_id(name)}-err")
