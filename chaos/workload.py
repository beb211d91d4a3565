"""Bounded concurrent load over HTTP on loopback, and the record of every acknowledged command.

Two kinds of work, picked at random by a few worker threads: a department drafts and registers a
movement (campaigns), and a one-stop desk receives a thematic dossier under one of the eligible
movements and checks it for completeness (dossiers). Every 2xx answer is recorded as an `Ack`
(which aggregate, at which version): the audit later demands that each has its events stored,
published once and applied by reporting. A refused or failed request (503 while a fault lasts,
a connection refused while a process is down) is recorded too, with how long it took.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from chaos.system import System

LEAD_UNIT = {"X-Actor-Id": "nv.phongkt", "X-Actor-Role": "lead_unit_clerk", "X-Actor-Unit": "PKT"}
SECRETARIAT = {"X-Actor-Id": "cv.phongnoivu", "X-Actor-Role": "council_secretariat", "X-Actor-Unit": "PNV"}
CLERK = {"X-Actor-Id": "cb.motcua", "X-Actor-Role": "desk_clerk", "X-Actor-Unit": "XA-THANH-OAI-2025"}
SECRETARY = {"X-Actor-Id": "cc.vanphong", "X-Actor-Role": "council_secretariat", "X-Actor-Unit": "XA-THANH-OAI-2025"}
THEMATIC_FILES = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "MOVEMENT_PLAN", "MOVEMENT_REVIEW_REPORT")
FINAL_REVIEW = {
    "report": {"number": "120/BC-UBND", "issued_on": "2023-12-31", "signer": "Trưởng phòng Kinh tế"},
    "summary": "Tổng kết năm 2023: 6 xã đạt chuẩn nông thôn mới nâng cao, vượt chỉ tiêu.",
    "filed_on": "2023-12-31",  # a final review is filed from the movement's end date on
    "results": [{"indicator": "Xã đạt chuẩn nông thôn mới nâng cao", "achieved_value": 6}],
}


def campaign_body(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"Phong trào thi đua {code}",
        "lead_unit_id": "PKT",
        "kind": "thematic",
        "purpose": "Nâng cao đời sống vật chất và tinh thần của người dân nông thôn",
        "requirements": "Huy động sức mạnh của cả hệ thống chính trị và của người dân",
        "content": "Xây dựng hạ tầng, phát triển sản xuất, bảo vệ môi trường nông thôn",
        "targets": [{"indicator": "Xã đạt chuẩn nông thôn mới nâng cao", "target_value": 5, "unit_of_measure": "xã"}],
        "start_date": "2023-01-01",
        "end_date": "2023-12-31",
        "directive": {"number": "02/CT-UBND", "issued_on": "2023-01-05", "signer": "Chủ tịch UBND huyện"},
        "plan": {"number": "15/KH-UBND", "issued_on": "2023-01-12", "signer": "Chủ tịch UBND huyện"},
    }


def dossier_body(campaign_id: str, attachments: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "channel": "ONLINE_PORTAL",
        "proposing_unit": "XA-THANH-OAI-2025",
        "award_type": "MOVEMENT",
        "kind": "THEMATIC",
        "campaign_id": campaign_id,
        "achievements": "Dẫn đầu phong trào xây dựng nông thôn mới nâng cao.",
        "nominees": [
            {
                "kind": "COLLECTIVE",
                "name": "Hợp tác xã Nông nghiệp Thanh Oai",
                "award": "CERTIFICATE_OF_MERIT",
                "size": 40,
            }
        ],
        "attachments": attachments,
    }


@dataclass(frozen=True)
class Ack:
    """A command answered 2xx: the aggregate it changed and its version afterwards."""

    service: str
    command: str
    aggregate_id: str
    version: int
    receipt_number: str | None = None


@dataclass(frozen=True)
class Outcome:
    service: str
    command: str
    status: int
    """HTTP status, or 0 when no answer came (connection refused or reset, timeout)."""
    seconds: float
    at: float


@dataclass
class Workload:
    system: System
    concurrency: int = 4
    seed: int = 2023
    pace_seconds: float = 0.05
    """Pause of each client between commands (longer after a failure), so that a service that is
    down is not hammered by a tight loop of refused connections."""
    acks: list[Ack] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    eligible_campaigns: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(self.seed)
        self._codes = itertools.count(1)
        self._local = threading.local()

    # -- plumbing ---------------------------------------------------------------------------------
    def _client(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = httpx.Client(timeout=15)
        return client

    def _url(self, service: str) -> str:
        with self._lock:
            return self._rng.choice(self.system.urls(service))

    def call(self, service: str, command: str, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response: httpx.Response | None = self._client().request(method, self._url(service) + path, **kwargs)
        except httpx.HTTPError:
            response = None
        outcome = Outcome(
            service, command, response.status_code if response else 0, time.monotonic() - started, started
        )
        with self._lock:
            self.outcomes.append(outcome)
        return response if response is not None and response.is_success else None

    def record_ack(self, service: str, command: str, body: dict[str, Any]) -> None:
        """Record a 2xx answer (the audit demands its event everywhere)."""
        ack = Ack(service, command, str(body["id"]), int(body["version"]), body.get("receipt_number"))
        with self._lock:
            self.acks.append(ack)

    def code(self) -> str:
        return f"CHAOS-{self.seed}-{next(self._codes):05d}"

    # -- the commands -------------------------------------------------------------------------------
    def new_campaign(self, *, eligible: bool = False) -> str | None:
        created = self.call(
            "campaigns", "draft", "POST", "/campaigns", json=campaign_body(self.code()), headers=LEAD_UNIT
        )
        if created is None:
            return None
        body = created.json()
        self.record_ack("campaigns", "draft", body)
        steps: list[tuple[str, str, dict[str, Any], dict[str, str]]] = [
            (
                "register",
                "registration",
                {"registration_number": "01/ĐK-PNV", "registered_on": "2023-01-20"},
                SECRETARIAT,
            )
        ]
        if eligible:
            steps += [
                ("launch", "launch", {"launched_on": "2023-01-25"}, LEAD_UNIT),
                ("final_review", "final-review", FINAL_REVIEW, LEAD_UNIT),
            ]
        for command, path, payload, actor in steps:
            done = self.call(
                "campaigns", command, "POST", f"/campaigns/{body['id']}/{path}", json=payload, headers=actor
            )
            if done is None:
                return None
            self.record_ack("campaigns", command, done.json())
        return str(body["id"])

    def new_dossier(self, *, check: bool = True) -> dict[str, Any] | None:
        with self._lock:
            campaign_id = self._rng.choice(self.eligible_campaigns)
        tag = self.code()
        files = [("files", (f"{k.lower()}.pdf", f"%PDF-1.4 {tag} {k}".encode())) for k in THEMATIC_FILES]
        uploaded = self.call(
            "dossiers",
            "upload",
            "POST",
            "/attachments",
            files=files,
            data={"kind": list(THEMATIC_FILES)},
            headers=CLERK,
        )
        if uploaded is None:
            return None
        attachments = [{"name": f["name"], "kind": f["kind"], "sha256": f["sha256"]} for f in uploaded.json()]
        submitted = self.call(
            "dossiers", "submit", "POST", "/dossiers", json=dossier_body(campaign_id, attachments), headers=CLERK
        )
        if submitted is None:
            return None
        body = submitted.json()
        self.record_ack("dossiers", "submit", body)
        if check:
            checked = self.call(
                "dossiers",
                "completeness_check",
                "POST",
                f"/dossiers/{body['id']}/completeness-check",
                json={},
                headers=SECRETARY,
            )
            if checked is not None:
                self.record_ack("dossiers", "completeness_check", checked.json())
                return dict(checked.json())
        return dict(body)

    # -- set-up and load ----------------------------------------------------------------------------
    def setup(self, campaigns: int = 2, timeout: float = 30.0) -> None:
        """Eligible movements, known to the dossiers service, for the dossiers to name."""
        for _ in range(campaigns):
            campaign_id = self.new_campaign(eligible=True)
            if campaign_id is None:
                raise RuntimeError("could not create the movements the load needs")
            self.eligible_campaigns.append(campaign_id)
        deadline = time.monotonic() + timeout
        for campaign_id in self.eligible_campaigns:
            for url in self.system.urls("dossiers"):
                while True:
                    seen = httpx.get(f"{url}/campaigns/{campaign_id}", timeout=5)
                    if seen.status_code == 200 and seen.json().get("eligible"):
                        break
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"the dossiers service never learned campaign {campaign_id}")
                    time.sleep(0.2)

    def one_command(self) -> None:
        with self._lock:
            draw = self._rng.random()
        if draw < 0.25:
            self.new_campaign()
        else:
            self.new_dossier()

    @contextmanager
    def running(self) -> Iterator[Callable[[], int]]:
        """Load in the background while the block injects a fault; yields a counter of acks."""
        stop = threading.Event()

        def worker() -> None:
            while not stop.is_set():
                before = len(self.acks)
                self.one_command()
                stop.wait(self.pace_seconds if len(self.acks) > before else 4 * self.pace_seconds)

        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="chaos-load")
        futures = [pool.submit(worker) for _ in range(self.concurrency)]
        try:
            yield lambda: len(self.acks)
        finally:
            stop.set()
            for future in futures:
                future.result()
            pool.shutdown()

    def wait_for_acks(self, count: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acks) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    def run_commands(self, count: int) -> None:
        """`count` more commands acknowledged, under load."""
        target = len(self.acks) + count
        with self.running():
            self.wait_for_acks(target)

    def statuses(self, since: float = 0.0, until: float = float("inf")) -> list[Outcome]:
        return [o for o in self.outcomes if since <= o.at <= until]
