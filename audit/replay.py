"""`tdkt audit replay`: rebuild every dossier and the period summaries from the published events
alone, check their hash chains and signed checkpoints, and compare with what the dossiers and
reporting services answer over HTTP.

Independent of tdkt's code on purpose (a test checks its imports): it reads the streams as any
outside subscriber does (`audit.subscriber`), validates each payload against the JSON Schemas in
`docs/contracts/`, and computes the summary figures from the metric definitions the reporting
service publishes, with its own code. A difference therefore points at a fault in one of the two,
or at a record changed on one side.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from nats.js.client import JetStreamContext

from audit.subscriber import AUDIT_STREAM, PUBLIC_STREAMS, Deduplicator, Event, Schemas, read_stream

GENESIS = "0" * 64
VIETNAM = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh has no daylight saving time
SIGNED_FIELDS = ("service", "stream", "chain", "position", "head", "signed_at", "key_id", "algorithm")

COMPARED_METRICS = (
    "campaigns_launched",
    "campaigns_registered",
    "dossiers_received",
    "dossiers_supplement_requested",
    "dossiers_supplemented",
    "dossiers_refused",
    "dossiers_withdrawn",
    "dossiers_decided",
    "dossiers_awarded",
    "dossiers_rejected",
    "nominees_proposed",
    "nominees_awarded",
    "results_returned",
)
"""The summary figures recomputed here, each from its published definition (`metrics[].definition`)."""

BUSINESS_DATES = {
    "tdkt.campaign.registered": "registered_on",
    "tdkt.campaign.launched": "launched_on",
    "tdkt.award.decided": "decision_date",
    "tdkt.award.rejected": "decision_date",
    "tdkt.dossier.result_returned": "returned_on",
}
"""Events dated by the day they name (a decision's signature, not when it was recorded)."""


def link_hash(index: int, prev: str, hash_: str) -> str:
    return hashlib.sha256(rfc8785.dumps({"index": index, "prev": prev, "hash": hash_})).hexdigest()


def local_day(moment: str) -> date:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(VIETNAM).date()


def event_day(event: Event) -> date:
    name = BUSINESS_DATES.get(event.subject)
    if name and event.payload.get(name):
        return date.fromisoformat(str(event.payload[name]))
    return local_day(str(event.payload["occurred_at"]))


@dataclass(frozen=True)
class Difference:
    kind: str  # schema | chain | checkpoint | dossier | summary | missing | extra
    subject: str
    detail: str

    def line(self) -> str:
        return f"[{self.kind}] {self.subject}: {self.detail}"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "subject": self.subject, "detail": self.detail}


@dataclass
class Aggregate:
    aggregate_id: str
    events: list[Event] = field(default_factory=list)

    def ordered(self) -> list[Event]:
        return sorted(self.events, key=lambda e: e.version)

    @property
    def latest(self) -> Event:
        return max(self.events, key=lambda e: e.version)


@dataclass
class Rebuilt:
    """Everything rebuilt from the streams."""

    campaigns: dict[str, Aggregate] = field(default_factory=dict)
    dossiers: dict[str, Aggregate] = field(default_factory=dict)
    checkpoints: list[Event] = field(default_factory=list)
    events: int = 0
    copies: int = 0

    def dossier_state(self, dossier_id: str) -> dict[str, Any]:
        """The dossier as its events describe it: the newest snapshot, plus what only events carry."""
        aggregate = self.dossiers[dossier_id]
        snapshot = aggregate.latest.payload["dossier"]
        attachments: list[str] = []  # every file received, in order (a supplement adds to the list)
        for event in aggregate.ordered():
            attachments.extend(a["sha256"] for a in event.payload.get("attachments") or ())
        return {
            "version": aggregate.latest.version,
            "status": snapshot["status"],
            "receipt_number": snapshot["receipt_number"],
            "proposing_unit": snapshot["proposing_unit"]["code"],
            "award_type": snapshot["award_type"],
            "kind": snapshot["kind"],
            "channel": snapshot["channel"],
            "received_on": snapshot["received_on"],
            "appointment_date": snapshot.get("appointment_date"),
            "nominees": sorted((n["nominee_id"], n["name"], n["award"]) for n in snapshot["nominees"]),
            "decision_number": snapshot.get("decision_number"),
            "decision_date": snapshot.get("decision_date"),
            "attachments": sorted(attachments),
        }


def service_state(answer: dict[str, Any]) -> dict[str, Any]:
    """The same fields from the dossiers service's answer (`GET /dossiers/{id}`)."""
    decision = answer.get("decision") or {}
    return {
        "version": answer["version"],
        "status": answer["status"],
        "receipt_number": answer["receipt_number"],
        "proposing_unit": answer["proposing_unit"],
        "award_type": answer["award_type"],
        "kind": answer["kind"],
        "channel": answer["channel"],
        "received_on": answer["received_on"],
        "appointment_date": answer.get("appointment_date"),
        "nominees": sorted((n["nominee_id"], n["name"], n["award"]) for n in answer["nominees"]),
        "decision_number": decision.get("number"),
        "decision_date": decision.get("decision_date"),
        "attachments": sorted(a["sha256"] for a in answer.get("attachments", [])),
    }


class Replay:
    def __init__(self, schemas: Schemas, public_keys: dict[str, Any] | None = None) -> None:
        self.schemas = schemas
        self.keys = {k["key_id"]: k for k in (public_keys or {}).get("keys", [])}
        self.rebuilt = Rebuilt()
        self.differences: list[Difference] = []

    def differ(self, kind: str, subject: str, detail: str) -> None:
        self.differences.append(Difference(kind, subject, detail))

    # -- reading ----------------------------------------------------------------------------------------
    async def read(self, js: JetStreamContext) -> Rebuilt:
        for service, stream in PUBLIC_STREAMS.items():
            seen = Deduplicator()
            async for event in read_stream(js, stream):
                if not seen.first_time(event):
                    if seen.conflicting(event):
                        self.differ("extra", event.event_id, f"{stream} #{event.sequence}: bản sao khác nội dung")
                    continue
                self.apply(service, event)
            self.rebuilt.copies += seen.copies
        async for event in read_stream(js, AUDIT_STREAM, "tdkt.audit.>"):
            self.rebuilt.checkpoints.append(event)
        self.check_chains()
        return self.rebuilt

    def apply(self, service: str, event: Event) -> None:
        problems = self.schemas.problems(event.subject, event.payload)
        if problems:
            self.differ("schema", f"{event.stream} #{event.sequence}", "; ".join(problems[:3]))
            return
        self.rebuilt.events += 1
        book = self.rebuilt.campaigns if service == "campaigns" else self.rebuilt.dossiers
        book.setdefault(event.aggregate_id, Aggregate(event.aggregate_id)).events.append(event)

    # -- hash chains and checkpoints (what any subscriber can check) ------------------------------------
    def check_chains(self) -> None:
        for service, book in (("campaigns", self.rebuilt.campaigns), ("dossiers", self.rebuilt.dossiers)):
            by_index: dict[int, Event] = {}
            for aggregate in book.values():
                previous: Event | None = None
                for event in aggregate.ordered():
                    expected_version = previous.version + 1 if previous else 1
                    if event.version < expected_version:
                        self.differ(
                            "extra",
                            aggregate.aggregate_id,
                            f"hai sự kiện khác nhau cùng mang phiên bản {event.version}",
                        )
                    elif event.version > expected_version:
                        gap = f"{expected_version}" + (
                            f"–{event.version - 1}" if event.version - 1 > expected_version else ""
                        )
                        self.differ("missing", aggregate.aggregate_id, f"thiếu phiên bản {gap}")
                    prev_hash = event.payload.get("prev_hash")
                    if prev_hash is not None:
                        expected = (previous.payload.get("hash") if previous else GENESIS) or prev_hash
                        if prev_hash != expected:
                            self.differ(
                                "chain",
                                aggregate.aggregate_id,
                                f"phiên bản {event.version}: prev_hash không khớp hash của phiên bản trước",
                            )
                    if event.payload.get("stream_index") is not None:
                        by_index[int(event.payload["stream_index"])] = event
                    previous = event
            self._check_stream_chain(PUBLIC_STREAMS[service], by_index)
            self._check_checkpoints(service, PUBLIC_STREAMS[service], by_index)

    def _check_stream_chain(self, stream: str, by_index: dict[int, Event]) -> None:
        if not by_index:
            return
        for index in range(min(by_index), max(by_index) + 1):
            event = by_index.get(index)
            if event is None:
                self.differ("missing", stream, f"chuỗi luồng thiếu sự kiện số {index}")
                continue
            previous = by_index.get(index - 1)
            if previous is None and index != 1:
                continue  # the first chained event after a starting point
            prev = previous.payload["stream_hash"] if previous else GENESIS
            if link_hash(index, prev, event.payload["hash"]) != event.payload["stream_hash"]:
                self.differ("chain", stream, f"mắt xích số {index} không khớp khi tính lại (#{event.sequence})")

    def _check_checkpoints(self, service: str, stream: str, by_index: dict[int, Event]) -> None:
        for checkpoint in self.rebuilt.checkpoints:
            payload = checkpoint.payload
            if payload.get("service") != service or payload.get("stream") != stream:
                continue
            where = f"{AUDIT_STREAM} #{checkpoint.sequence}"
            if self.keys:
                problem = self._signature_problem(payload)
                if problem:
                    self.differ("checkpoint", where, f"bị bác bỏ: {problem}")
                    continue
            event = by_index.get(int(payload["position"]))
            if event is None:
                self.differ("checkpoint", where, f"ký xác nhận sự kiện số {payload['position']} mà luồng không có")
            elif event.payload.get("stream_hash") != payload.get("head"):
                self.differ("checkpoint", where, f"đầu chuỗi đã ký khác chuỗi trong luồng tại số {payload['position']}")

    def _signature_problem(self, payload: dict[str, Any]) -> str | None:
        key = self.keys.get(str(payload.get("key_id")))
        if key is None or key.get("service") != payload.get("service"):
            return f"khóa {payload.get('key_id')} không có trong danh sách khóa công khai"
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
        signed = rfc8785.dumps({name: payload.get(name) for name in SIGNED_FIELDS})
        try:
            public.verify(base64.b64decode(str(payload.get("signature", ""))), signed)
        except (InvalidSignature, ValueError):
            return "chữ ký không hợp lệ"
        return None

    # -- comparing with the services -------------------------------------------------------------------------
    def compare_dossiers(self, client: httpx.Client) -> int:
        """Each rebuilt dossier against the dossiers service's answer; returns how many compared."""
        listed: set[str] = set()
        offset = 0
        while True:
            page = client.get("/dossiers", params={"offset": offset, "limit": 500})
            page.raise_for_status()
            rows = page.json()
            listed.update(str(r["id"]) for r in rows)
            if len(rows) < 500:
                break
            offset += 500
        for missing in sorted(listed - set(self.rebuilt.dossiers)):
            self.differ("extra", missing, "dịch vụ hồ sơ có hồ sơ này nhưng luồng sự kiện không có")
        for dossier_id in sorted(self.rebuilt.dossiers):
            answer = client.get(f"/dossiers/{dossier_id}")
            if answer.status_code == 404:
                self.differ("missing", dossier_id, "luồng sự kiện có hồ sơ này nhưng dịch vụ hồ sơ không có")
                continue
            answer.raise_for_status()
            ours, theirs = self.rebuilt.dossier_state(dossier_id), service_state(answer.json())
            for name in ours:
                if ours[name] != theirs[name]:
                    self.differ("dossier", dossier_id, f"{name}: từ sự kiện {ours[name]!r}, dịch vụ {theirs[name]!r}")
        return len(self.rebuilt.dossiers)

    def summary(self, start: date, end: date) -> dict[str, int]:
        """The compared figures for one period, from the events and the metric definitions."""
        keys: dict[str, set[str]] = defaultdict(set)

        def inside(day: date | str | None) -> bool:
            if day is None:
                return False
            day = date.fromisoformat(day) if isinstance(day, str) else day
            return start <= day <= end

        for campaign in self.rebuilt.campaigns.values():
            for event in campaign.events:
                metric = {
                    "tdkt.campaign.launched": "campaigns_launched",
                    "tdkt.campaign.registered": "campaigns_registered",
                }
                if event.subject in metric and inside(event_day(event)):
                    keys[metric[event.subject]].add(campaign.aggregate_id)
        flows = {
            "tdkt.dossier.supplement_requested": "dossiers_supplement_requested",
            "tdkt.dossier.supplemented": "dossiers_supplemented",
            "tdkt.dossier.refused": "dossiers_refused",
            "tdkt.dossier.withdrawn": "dossiers_withdrawn",
            "tdkt.award.decided": "dossiers_awarded",
            "tdkt.award.rejected": "dossiers_rejected",
        }
        for dossier_id, aggregate in self.rebuilt.dossiers.items():
            snapshot = aggregate.latest.payload["dossier"]
            if inside(snapshot["received_on"]):
                keys["dossiers_received"].add(dossier_id)
                keys["nominees_proposed"].update(f"{dossier_id}/{n['nominee_id']}" for n in snapshot["nominees"])
            results = []
            for event in aggregate.events:
                day = event_day(event)
                if event.subject in flows and inside(day):
                    keys[flows[event.subject]].add(dossier_id)
                    if event.subject in ("tdkt.award.decided", "tdkt.award.rejected"):
                        keys["dossiers_decided"].add(dossier_id)
                if event.subject == "tdkt.award.decided" and inside(day):
                    keys["nominees_awarded"].update(
                        f"{dossier_id}/{a['nominee_id']}" for a in event.payload.get("approvals", [])
                    )
                if event.subject in ("tdkt.dossier.result_returned", "tdkt.dossier.refused"):
                    results.append((day, event.version))
            if results and inside(min(results)[0]):
                keys["results_returned"].add(dossier_id)
        return {metric: len(keys[metric]) for metric in COMPARED_METRICS}

    def periods(self) -> list[str]:
        years = sorted({int(a.latest.payload["dossier"]["received_on"][:4]) for a in self.rebuilt.dossiers.values()})
        return [p for y in years for p in (str(y), f"{y}-Q1", f"{y}-Q2", f"{y}-Q3", f"{y}-Q4")]

    def compare_summaries(self, client: httpx.Client, periods: list[str] | None = None) -> list[str]:
        periods = periods or self.periods()
        for period in periods:
            answer = client.get("/reports/summary", params={"period": period})
            answer.raise_for_status()
            report = answer.json()
            start, end = date.fromisoformat(report["period"]["from"]), date.fromisoformat(report["period"]["to"])
            ours = self.summary(start, end)
            for metric, value in ours.items():
                theirs = report["total"].get(metric)
                if theirs != value:
                    self.differ("summary", f"{period} {metric}", f"từ sự kiện {value}, báo cáo {theirs}")
        return periods


@dataclass
class ReplayResult:
    events: int
    copies: int
    dossiers: int
    campaigns: int
    checkpoints: int
    periods: list[str]
    differences: list[Difference]

    @property
    def ok(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "copies": self.copies,
            "dossiers": self.dossiers,
            "campaigns": self.campaigns,
            "checkpoints": self.checkpoints,
            "periods": self.periods,
            "differences": [d.as_dict() for d in self.differences],
        }


def _bearer() -> dict[str, str]:
    """`TDKT_ACCESS_TOKEN`, sent as a bearer token to the services compared with (an auditor's)."""
    token = os.environ.get("TDKT_ACCESS_TOKEN", "").strip()
    return {"Authorization": f"Bearer {token}"} if token else {}


async def replay(
    js: JetStreamContext,
    *,
    schemas: Path,
    dossiers_url: str,
    reporting_url: str,
    public_keys: dict[str, Any] | None = None,
    periods: list[str] | None = None,
) -> ReplayResult:
    run = Replay(Schemas(schemas), public_keys)
    rebuilt = await run.read(js)
    with httpx.Client(base_url=dossiers_url, timeout=30, headers=_bearer()) as client:
        compared = run.compare_dossiers(client)
    with httpx.Client(base_url=reporting_url, timeout=60, headers=_bearer()) as client:
        periods = run.compare_summaries(client, periods)
    return ReplayResult(
        rebuilt.events,
        rebuilt.copies,
        compared,
        len(rebuilt.campaigns),
        len(rebuilt.checkpoints),
        periods,
        run.differences,
    )
