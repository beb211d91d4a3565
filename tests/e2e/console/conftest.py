"""The console's browser tests: the four services and the console as real processes on a real
nats-server, driven by Playwright in Debian's Chromium (launched by its path, never a
downloaded browser), with screenshots saved as artefacts and an axe-core check per page."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from shared.testing.fixtures import ServiceProcess, reset_streams, start_service, stop_all

CHROMIUM = os.environ.get("TDKT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).with_name("assets") / "axe.min.js"
ROOT = Path(__file__).resolve().parents[3]
ARTEFACTS = Path(os.environ.get("TDKT_TEST_ARTEFACTS", ROOT / "var" / "test-artefacts")) / "console"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class System:
    console: ServiceProcess
    campaigns: ServiceProcess
    dossiers: ServiceProcess
    notifications: ServiceProcess
    reporting: ServiceProcess

    @property
    def url(self) -> str:
        return self.console.url


@contextmanager
def running_system(nats_url: str, tmp: Path, module: str, env: dict[str, str] | None = None) -> Iterator[System]:
    """The whole system on fresh streams, as `tdkt up` runs it (dev mode, SQLite under a var dir),
    with `env` added to every process; logs copied to the artefacts at the end."""
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium; .ci/run does it)"
        if os.environ.get("TDKT_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    asyncio.run(_fresh_streams(nats_url))
    var = tmp / "var"
    common = {
        "TDKT_NATS_URL": nats_url,
        "TDKT_VAR_DIR": str(var),
        "TDKT_RELAY_POLL_SECONDS": "0.3",
        "TDKT_DOSSIERS_CAMPAIGN_SETTLE_SECONDS": "0.3",
        "TDKT_NOTIFICATION_WORKER_POLL_SECONDS": "0.5",
        **(env or {}),
    }
    started: list[ServiceProcess] = []
    system: System | None = None
    try:
        for name in ("campaigns", "dossiers", "notifications", "reporting"):
            started.append(start_service(name, common, tmp / f"{name}.log"))
        urls = {f"TDKT_{s.name.upper()}_URL": s.url for s in started}
        started.append(start_service("console", {**common, **urls}, tmp / "console.log"))
        system = System(**{s.name: s for s in started})
        yield system
    finally:
        if system is not None:  # a service restarted by a test is stopped, not its first process
            started = [system.campaigns, system.dossiers, system.notifications, system.reporting, system.console]
        stop_all(started)
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        for log in tmp.glob("*.log"):
            shutil.copy(log, ARTEFACTS / f"{module}-{log.name}")


def restart(system: System, name: str, env: dict[str, str] | None = None) -> ServiceProcess:
    """Stop one service and start it again on the same port (the console keeps its address),
    with `env` changed; the system then holds the new process."""
    old: ServiceProcess = getattr(system, name)
    old.stop()
    new = start_service(name, {**old.env, **(env or {})}, old.log_path, port=old.port)
    setattr(system, name, new)
    return new


@pytest.fixture(scope="module")
def system(nats_url: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[System]:
    """The whole system on fresh streams, as `tdkt up` runs it."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    with running_system(nats_url, tmp_path_factory.mktemp("console-system"), module) as running:
        yield running


async def _fresh_streams(url: str) -> None:
    nc = await nats.connect(url)
    try:
        await reset_streams(nc.jetstream())
    finally:
        await nc.close()


@pytest.fixture(scope="module")
def browser(system: System) -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Screen:
    """One person at one browser: log in as a demo user, visit, check, photograph."""

    def __init__(self, context: BrowserContext, base: str, label: str) -> None:
        self.context, self.base, self.label = context, base, label
        self.page: Page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on(
            "console", lambda m: self.errors.append(m.text) if m.type == "error" and not _refusal(m.text) else None
        )
        self.shots = 0

    def goto(self, path: str) -> Page:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        return self.page

    def login(self, user_id: str) -> None:
        self.context.clear_cookies()
        self.page.goto(self.base + "/dang-nhap")
        self.page.locator(f"form:has(input[name=user_id][value='{user_id}']) button").click()
        self.page.wait_for_url("**/tong-quan")

    def shot(self, name: str, *, page: Page | None = None, full_page: bool = True) -> Path:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = ARTEFACTS / f"{self.label}-{name}.png"
        (page or self.page).screenshot(path=str(path), full_page=full_page)
        return path

    def check(self, name: str) -> None:
        """Screenshot, then axe-core: no violation of WCAG 2.1 A/AA, and no script error."""
        self.shot(name)
        violations = axe_violations(self.page)
        assert not violations, f"{name}: " + "; ".join(violations)
        assert not self.errors, f"{name}: browser errors {self.errors}"


def _refusal(text: str) -> bool:
    """A page answered 422 or 409 is a refusal the page shows, and 503 an outage it explains (the
    form kept), not a broken resource."""
    return any(f"status of {code}" in text for code in (422, 409, 503))


def axe_violations(page: Page) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.fixture
def screen(browser: Browser, system: System, request: pytest.FixtureRequest) -> Iterator[Screen]:
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", bypass_csp=True)
    context.set_default_timeout(15_000)
    try:
        yield Screen(context, system.url, request.node.name.removeprefix("test_")[:40])
    finally:
        context.close()


@pytest.fixture
def phone(browser: Browser, system: System, request: pytest.FixtureRequest) -> Iterator[Screen]:
    context = browser.new_context(
        viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", bypass_csp=True, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    try:
        yield Screen(context, system.url, "phone-" + request.node.name.removeprefix("test_")[:34])
    finally:
        context.close()


def api(method: str, url: str, expected: int, **kwargs: Any) -> Any:
    response = httpx.request(method, url, timeout=10, **kwargs)
    assert response.status_code == expected, f"{method} {url}: {response.status_code} {response.text}"
    return response.json() if response.content else None
