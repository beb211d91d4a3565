"""End to end: the reporting service as a real process beside the campaigns service, fed over
NATS, driven over HTTP and by the `tdkt reporting` command line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import httpx
import pytest
from nats.js.client import JetStreamContext
from openpyxl import load_workbook

from shared.contracts import dossiers as dc
from shared.contracts.base import EventContract
from shared.streams import stream_for_subject
from shared.testing.fixtures import ServiceProcess, wait_until
from tests.support.campaign_payloads import LEAD_UNIT, SECRETARIAT, thematic_campaign
from tests.support.reporting_events import approval, dossier_event

pytestmark = pytest.mark.e2e


def on(day: date) -> datetime:
    return datetime.combine(day, time(2, 0), UTC)


def dossier_history(campaign_id: str) -> list[EventContract]:
    """What the dossiers service would publish for one awarded dossier of the movement."""
    d = {"dossier_id": "d-e2e", "campaign_id": campaign_id, "received_on": date(2023, 3, 1)}
    awarded = {**d, "status": "AWARDED", "decision_number": "15/QĐ-UBND", "decision_date": date(2023, 3, 13)}
    events = [
        dossier_event(dc.DossierSubmitted, 1, at=on(date(2023, 3, 1)), snapshot=d),
        dossier_event(
            dc.DossierAcceptedAsComplete, 2, at=on(date(2023, 3, 2)), snapshot={**d, "status": "IN_APPRAISAL"}
        ),
        dossier_event(
            dc.AwardDecided,
            3,
            at=on(date(2023, 3, 13)),
            decision_number="15/QĐ-UBND",
            decision_date=date(2023, 3, 13),
            authority="Chủ tịch UBND huyện",
            authority_level="DISTRICT",
            approvals=[approval("n1", "ADVANCED_WORKER", 540_000), approval("n2", "ADVANCED_COLLECTIVE", 1_440_000)],
            snapshot=awarded,
        ),
        dossier_event(
            dc.DossierResultReturned,
            4,
            at=on(date(2023, 3, 14)),
            returned_on=date(2023, 3, 14),
            snapshot={**awarded, "status": "RESULT_RETURNED"},
        ),
    ]
    return [e.model_copy(update={"event_id": f"dossiers-{n}"}) for n, e in enumerate(events, start=1)]


def summary(reporting: ServiceProcess, **params: str) -> dict[str, Any]:
    answer = httpx.get(f"{reporting.url}/reports/summary", params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def figures(reporting: ServiceProcess) -> tuple[Any, ...]:
    answer = summary(reporting, period="2023", group_by="lead_unit")
    return answer["total"], answer["groups"]


def tdkt(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "tdkt"), "reporting", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


async def test_reports_rebuild_and_verify_over_http_and_the_command_line(
    nats_url: str, jetstream: JetStreamContext, run_service: Callable[..., ServiceProcess], tmp_path: Path
) -> None:
    campaigns = run_service("campaigns", {"TDKT_NATS_URL": nats_url})
    reporting = run_service("reporting", {"TDKT_NATS_URL": nats_url}, var_dir=tmp_path / "first")
    created = httpx.post(f"{campaigns.url}/campaigns", json=thematic_campaign(), headers=LEAD_UNIT, timeout=10)
    campaign_id = created.json()["id"]
    registered = httpx.post(
        f"{campaigns.url}/campaigns/{campaign_id}/registration",
        json={"registration_number": "01/ĐK-PNV", "registered_on": "2023-01-20"},
        headers=SECRETARIAT,
        timeout=10,
    )
    assert registered.status_code == 200, registered.text
    for event in dossier_history(campaign_id):
        await jetstream.publish(
            event.subject,
            json.dumps(event.payload()).encode(),
            stream=stream_for_subject(event.subject).name,
            headers=event.headers(),
        )

    wait_until(lambda: summary(reporting, period="2023")["total"]["results_returned"] == 1)
    wait_until(lambda: summary(reporting, period="2023")["total"]["campaigns_registered"] == 1)
    total, groups = figures(reporting)
    assert (total["dossiers_received"], total["nominees_awarded"], total["cash_reward_vnd"]) == (1, 2, 1_980_000)
    assert total["processing_days_median"] == 9.0  # 2–14 March 2023: nine working days
    [pkt] = [g for g in groups if g["key"] == "PKT"]
    assert (pkt["label"], pkt["values"]["dossiers_received"], pkt["values"]["campaigns_registered"]) == (
        "Phòng Kinh tế",
        1,
        1,
    )

    xlsx = httpx.get(f"{reporting.url}/reports/summary", params={"period": "2023", "format": "xlsx"}, timeout=10)
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Tổng hợp"
    csv_text = httpx.get(f"{reporting.url}/reports/forms/0602", params={"year": "2023", "format": "csv"}, timeout=10)
    assert csv_text.content.startswith("\ufeffChỉ tiêu,Mã số,Đơn vị tính".encode())
    refused = httpx.get(
        f"{reporting.url}/reports/summary", params={"from": "2023-12-31", "to": "2023-01-01"}, timeout=10
    )
    assert refused.status_code == 422 and refused.json()["title"] == "Dữ liệu không hợp lệ"

    rebuilt = tdkt("rebuild", "--url", reporting.url, "--poll", "0.2")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "Đã chuyển sang thế hệ bảng" in rebuilt.stdout
    assert figures(reporting) == (total, groups)
    verified = tdkt("verify", "--url", reporting.url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Khớp từng dòng." in verified.stdout

    # A new, empty database behind the same durable consumers (which already acknowledged every
    # event) is filled from the streams' history at start-up.
    reporting.stop()
    fresh = run_service("reporting", {"TDKT_NATS_URL": nats_url}, var_dir=tmp_path / "fresh")
    wait_until(lambda: figures(fresh) == (total, groups))
    job = httpx.get(f"{fresh.url}/admin/rebuild", timeout=10).json()["job"]
    assert (job["state"], job["started_by"]) == ("done", "hệ thống: nạp lần đầu từ lịch sử sự kiện")
