"""The console's round screens against the real dossiers service (a process on real NATS): the
rounds, each unit's progress, and the award history on the dossier's page."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import nats

from shared.testing.fixtures import ServiceProcess, reset_streams
from tests.integration.console.support import console_as
from tests.integration.dossiers.payloads import SECRETARY
from tests.support.clock import today_in_vietnam

PERSON = {
    "id_number": "001090000002",
    "nominee": {
        "kind": "INDIVIDUAL", "name": "Trần Văn Minh", "award": "ADVANCED_WORKER", "position": "Tổ trưởng",
        "unit": "Trường THCS Kim Bài", "gender": "MALE", "performance_rating": "GOOD",
    },
}  # fmt: skip


def test_rounds_and_award_history_in_the_console(nats_url: str, run_service: Callable[..., ServiceProcess]) -> None:
    async def fresh() -> None:
        nc = await nats.connect(nats_url)
        await reset_streams(nc.jetstream())
        await nc.close()

    asyncio.run(fresh())
    dossiers = run_service("dossiers", {"TDKT_NATS_URL": nats_url})
    api = httpx.Client(base_url=dossiers.url, headers=SECRETARY, timeout=20)
    year = today_in_vietnam().year
    rnd = api.post("/rounds", json={
        "authority": "XA-THANH-OAI-2025", "year": year, "name": f"Tổng kết năm {year}", "units": ["DV01", "DV02"],
        "awards": ["ADVANCED_WORKER"], "submission_deadline": f"{year}-12-31",
    }).json()  # fmt: skip
    api.post("/registrations", json={"unit": "DV01", "year": year, "targets": {"ADVANCED_WORKER": 3},
                                     "registered_on": f"{year}-01-05"})  # fmt: skip
    files = api.post(
        "/attachments",
        files=[("files", (f"{k}.pdf", b"%PDF-1.4\n% " + k.encode() + b"\n%%EOF\n", "application/pdf"))
               for k in ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES")],
        data={"kind": ["SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES"]},
    ).json()  # fmt: skip
    submitted = api.post(f"/rounds/{rnd['round_id']}/submissions", json={
        "unit": "DV01", "nominees": [PERSON], "achievements": "Hoàn thành tốt nhiệm vụ.",
        "attachments": [{"kind": f["kind"], "sha256": f["sha256"]} for f in files],
    })  # fmt: skip
    assert submitted.status_code == 201, submitted.text

    with console_as(dossiers.url, "cv.pnv") as console:
        listing = console.get("/dot-xet")
        assert listing.status_code == 200 and f"Tổng kết năm {year}" in listing.text and "1/2" in listing.text
        detail = console.get(f"/dot-xet/{rnd['round_id']}")
        assert detail.status_code == 200
        assert "Đã nộp" in detail.text and "Chưa nộp" in detail.text
        page = console.get(f"/ho-so/{submitted.json()['dossier_ids'][0]}")
        assert page.status_code == 200
        assert "Lịch sử khen thưởng" in page.text and "Lao động tiên tiến — đang đề nghị" in page.text
