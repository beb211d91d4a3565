"""End to end: the notifications service as a real process (`python -m services.notifications`),
fed over a real nats-server, mailing through a real SMTP server."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from email import policy
from pathlib import Path

import httpx
import pytest
from nats.js.client import JetStreamContext

from services.notifications.templates import PACKAGED_TEMPLATES_DIR
from shared.history import today_in_vietnam
from shared.testing.fixtures import ServiceProcess, wait_until
from tests.support import notification_events as events
from tests.support.notifications import SmtpServer, publish

pytestmark = pytest.mark.e2e


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


def fast_env(nats_url: str, smtp: SmtpServer | None = None) -> dict[str, str]:
    env = {
        "TDKT_NATS_URL": nats_url,
        "TDKT_NOTIFICATION_RETRY_BASE_SECONDS": "0.2",
        "TDKT_NOTIFICATION_WORKER_POLL_SECONDS": "0.05",
        "TDKT_NOTIFICATION_OUTBOX_POLL_SECONDS": "0.1",
        "TDKT_NOTIFICATION_REMINDER_CHECK_SECONDS": "0.2",
        "TDKT_CONSUMER_BACKOFF_SECONDS": "[0.1]",
    }
    if smtp is not None:
        env |= {"TDKT_SMTP_HOST": "127.0.0.1", "TDKT_SMTP_PORT": str(smtp.port)}
    return env


def deliveries(service: ServiceProcess, **params: str) -> list[dict]:
    return httpx.get(f"{service.url}/deliveries", params=params, timeout=5).json()  # type: ignore[no-any-return]


async def test_a_submitted_dossier_is_mailed_in_vietnamese_by_the_running_service(
    nats_url: str, jetstream: JetStreamContext, smtp: SmtpServer, run_service: Callable[..., ServiceProcess]
) -> None:
    notifications = run_service("notifications", fast_env(nats_url, smtp))
    event = events.dossier_submitted()
    await publish(jetstream, event)

    wait_until(lambda: smtp.to("phonggiaoduc@thanhoai.example"))
    [receipt] = smtp.to("phonggiaoduc@thanhoai.example")
    assert receipt.subject == (
        "Đã tiếp nhận hồ sơ đề nghị khen thưởng số 000.00.19.H26-230601-0007, hẹn trả kết quả ngày 15/06/2023"
    )
    assert "1. Nguyễn Thị Hương, Giáo viên – Chiến sĩ thi đua cơ sở" in receipt.text
    wait_until(lambda: len(deliveries(notifications, event_id=event.event_id, status="delivered")) == 5)
    ready = httpx.get(f"{notifications.url}/readyz", timeout=5)
    assert ready.status_code == 200, ready.text


async def test_a_reminder_fires_once_across_a_restart(
    nats_url: str,
    jetstream: JetStreamContext,
    smtp: SmtpServer,
    run_service: Callable[..., ServiceProcess],
    tmp_path: Path,
) -> None:
    var_dir = tmp_path / "var-notifications"
    today = today_in_vietnam()
    due_today = events.dossier_submitted("dossiers-1", appointment=today)
    subject = f"Sắp đến hạn trả kết quả hồ sơ số 000.00.19.H26-230601-0007: ngày {today:%d/%m/%Y}"

    def reminders_sent() -> list[str]:
        return [m.subject for m in smtp.to("vanthu.pnv@thanhoai.example") if m.subject.startswith("Sắp đến hạn")]

    first = run_service("notifications", fast_env(nats_url, smtp), var_dir=var_dir)
    await publish(jetstream, due_today)
    wait_until(lambda: reminders_sent() == [subject])
    first.stop()

    second = run_service("notifications", fast_env(nats_url, smtp), var_dir=var_dir)
    # A second dossier due today proves the restarted scheduler ran over both conditions.
    other_id = "00000000-0000-4000-8000-000000000002"
    await publish(jetstream, events.dossier_submitted("dossiers-2", dossier_id=other_id, appointment=today))
    wait_until(lambda: len(reminders_sent()) == 2)
    wait_until(lambda: httpx.get(f"{second.url}/readyz", timeout=5).status_code == 200)
    assert reminders_sent() == [subject, subject]  # one per dossier, none repeated
    key = f"reminder:dossier-appointment-near:{events.DOSSIER_ID}:{today:%Y%m%d}"
    assert len(deliveries(second, event_id=key, channel="email")) == 2  # the two PNV addresses, once each


def test_a_missing_template_stops_the_start_with_its_name(nats_url: str, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(PACKAGED_TEMPLATES_DIR, templates)
    shutil.rmtree(templates / "award_annulled")
    env = {
        **os.environ,
        "TDKT_NATS_URL": nats_url,
        "TDKT_VAR_DIR": str(tmp_path / "var"),
        "TDKT_NOTIFICATION_TEMPLATES_DIR": str(templates),
    }
    done = subprocess.run(
        [sys.executable, "-m", "services.notifications"], env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert "thiếu award_annulled/subject.j2; thiếu award_annulled/body.txt.j2" in done.stderr
    assert "dịch vụ không khởi động" in done.stderr


async def test_with_dev_defaults_mail_is_written_to_var_outbox(
    nats_url: str, jetstream: JetStreamContext, run_service: Callable[..., ServiceProcess], tmp_path: Path
) -> None:
    var_dir = tmp_path / "var-dev"
    notifications = run_service("notifications", {"TDKT_NATS_URL": nats_url}, var_dir=var_dir)
    await publish(jetstream, events.award_decided())

    outbox = var_dir / "outbox"
    files = wait_until(lambda: sorted(outbox.glob("*.eml")) if len(list(outbox.glob("*.eml"))) == 2 else None)
    subjects = {str(email.message_from_bytes(f.read_bytes(), policy=policy.default)["Subject"]) for f in files}  # type: ignore[union-attr]
    assert subjects == {"Quyết định khen thưởng số 125/QĐ-UBND ngày 12/06/2023"}
    assert "ghi thành tệp .eml" in notifications.logs()
