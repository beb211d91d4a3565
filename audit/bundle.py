"""`tdkt audit export`: an audit bundle for an inspector with no access to the system.

One zip (the canonical container of `audit.bundlecheck`), for one dossier, a unit's dossiers of a
period, or every dossier of a period:

- `events.jsonl`: the published events of each dossier, in order (dossier, then version), as published;
- `records.jsonl`: the same events as stored (state in base64) with their hashes and chain links;
- `anchor.json`: the first checkpoint the service signed that covers them, and the public stream's
  chain from the first of them up to it (index, hash), to recompute the chain to the signed head;
- `attachments.json`: each dossier's files (name, kind, size, SHA-256); `files/<sha256>-<name>`:
  the files themselves (`--with-files`);
- `verification.json`: `tdkt audit verify dossiers` at the time of export;
- `public-keys.json`: the deployment's public keys;
- `timeline.html`, `timeline.pdf`: the timeline in Vietnamese; `README.txt`: how to check by hand;
- `manifest.json`: the SHA-256 of every file, signed with the dossiers service's key.

Run it where the dossiers service runs (its store, its NATS, its signing key).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from nats.js.client import JetStreamContext

from audit.bundlecheck import FORMAT, MANIFEST, canonical, sha256_hex, write_zip
from audit.stores import OpenedStore
from audit.subscriber import read_stream
from audit.timeline import render_html, render_pdf
from shared.audit.checkpoints import check_signature
from shared.audit.keys import PublicKeySet, SigningKey
from shared.audit.recorders import stored_identity
from shared.audit.verification import VerificationReport, Verifier
from shared.streams import AUDIT

FileSource = Callable[[str], bytes | None]
"""The content of an attached file by its SHA-256, or None when the blob store lacks it."""


class ExportRefused(Exception):
    """Nothing to export, or no key to sign with; the message says what to do."""


@dataclass(frozen=True)
class Scope:
    dossier_ids: tuple[str, ...] = ()
    unit: str | None = None
    period: tuple[date, date] | None = None
    period_label: str = ""

    def label(self) -> str:
        if self.dossier_ids:
            return "hồ sơ " + ", ".join(self.dossier_ids)
        unit = f"đơn vị {self.unit}, " if self.unit else ""
        return f"{unit}kỳ {self.period_label}"

    def wants(self, snapshot: dict[str, Any]) -> bool:
        if self.dossier_ids:
            return str(snapshot["dossier_id"]) in self.dossier_ids
        if self.unit and snapshot["proposing_unit"]["code"] != self.unit:
            return False
        if self.period is not None:
            received = date.fromisoformat(snapshot["received_on"])
            return self.period[0] <= received <= self.period[1]
        return True


def parse_period(text: str) -> tuple[date, date]:
    """2024, 2024-Q2, 2024-H1, 2024-03, or 2024-01-01:2024-06-30."""
    if ":" in text:
        start, end = text.split(":", 1)
        return date.fromisoformat(start), date.fromisoformat(end)
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return date(year, 1, 1), date(year, 12, 31)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, q = int(m[1]), int(m[2])
        return date(year, 3 * q - 2, 1), _month_end(year, 3 * q)
    if m := re.fullmatch(r"(\d{4})-H([12])", text):
        year, h = int(m[1]), int(m[2])
        return date(year, 6 * h - 5, 1), _month_end(year, 6 * h)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        return date(year, month, 1), _month_end(year, month)
    raise ValueError(f"kỳ «{text}» không hợp lệ: dùng 2024, 2024-Q2, 2024-H1, 2024-03 hoặc 2024-01-01:2024-06-30")


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


README = """GÓI HỒ SƠ KIỂM TRA (thi đua, khen thưởng) — {scope}
Xuất lúc {created_at} từ dịch vụ hồ sơ; định dạng {format}.

Nội dung
  events.jsonl       các sự kiện đã công bố của từng hồ sơ, theo thứ tự (hồ sơ, phiên bản)
  records.jsonl      cùng các sự kiện đó như đã lưu trong kho (state mã hóa base64), kèm mã băm
  anchor.json        điểm kiểm do dịch vụ ký (Ed25519) và đoạn chuỗi băm từ sự kiện đầu tiên của gói tới điểm kiểm
  attachments.json   tệp đính kèm của từng hồ sơ: tên, loại, cỡ, SHA-256
  files/             các tệp đính kèm (nếu được yêu cầu khi xuất)
  verification.json  kết quả đối chiếu kho sự kiện với luồng NATS lúc xuất
  public-keys.json   khóa công khai của hệ thống (hãy đối chiếu mã khóa với danh sách được công bố chính thức)
  timeline.html/pdf  dòng thời gian bằng tiếng Việt
  manifest.json      SHA-256 của mọi tệp trên, có chữ ký của dịch vụ hồ sơ

Cách kiểm tra
  Tự động, không cần truy cập hệ thống:  tdkt audit verify-bundle <gói.zip> [--public-keys <khóa công bố>.json]
  Bằng tay:
  1. SHA-256 của từng tệp phải bằng giá trị trong manifest.json; chữ ký manifest (trường signature) là chữ ký
     Ed25519 trên JSON chuẩn hóa RFC 8785 của manifest bỏ trường signature, kiểm bằng khóa key_id.
  2. Mỗi dòng records.jsonl: hash = SHA-256(JSON chuẩn hóa RFC 8785 của {{aggregate_id, aggregate_version, topic,
     state_sha256 = SHA-256(state), prev_hash}}); prev_hash của phiên bản 1 là 64 chữ số 0, của phiên bản sau là
     hash của phiên bản trước. Sự kiện tương ứng trong events.jsonl mang đúng hash đó.
  3. Chuỗi luồng: stream_hash(i) = SHA-256(JSON chuẩn hóa của
     {{"index": i, "prev": stream_hash(i-1), "hash": hash(i)}}), tính từ anchor.json["start"] qua từng
     sự kiện (của gói hoặc trong anchor.json["segment"]) tới số thứ tự của điểm kiểm; kết quả phải bằng
     "head" của điểm kiểm, và chữ ký điểm kiểm hợp lệ với khóa công khai.
  4. SHA-256 của mỗi tệp trong files/ bằng phần đầu tên tệp và bằng giá trị sự kiện ghi.
"""


async def collect_events(js: JetStreamContext, stream: str, scope: Scope) -> dict[str, list[dict[str, Any]]]:
    """The scope's dossiers' published events, each dossier's in version order (copies dropped)."""
    by_dossier: dict[str, dict[int, dict[str, Any]]] = {}
    async for event in read_stream(js, stream):
        snapshot = event.payload.get("dossier")
        if not snapshot:
            continue
        dossier_id = str(snapshot["dossier_id"])
        entry = {"stream_sequence": event.sequence, "subject": event.subject, "headers": event.headers}
        by_dossier.setdefault(dossier_id, {}).setdefault(event.version, {**entry, "payload": event.payload})
    # a dossier belongs to a period or unit by its latest snapshot (a unit can hand over, a date be corrected)
    out = {}
    for dossier_id, versions in by_dossier.items():
        latest = versions[max(versions)]["payload"]["dossier"]
        if scope.wants(latest):
            out[dossier_id] = [versions[v] for v in sorted(versions)]
    return dict(sorted(out.items(), key=lambda item: (item[1][0]["payload"]["dossier"]["receipt_number"], item[0])))


async def anchoring_checkpoint(
    js: JetStreamContext, service: str, stream: str, keys: PublicKeySet, at_least: int
) -> dict[str, Any] | None:
    """The valid signed checkpoint of the stream's chain with the smallest position ≥ `at_least`."""
    best: dict[str, Any] | None = None
    async for event in read_stream(js, AUDIT.name, "tdkt.audit.>"):
        p = event.payload
        if p.get("service") != service or p.get("stream") != stream or int(p.get("position") or 0) < at_least:
            continue
        if check_signature(p, keys) is None and (best is None or int(p["position"]) < int(best["position"])):
            best = p
    return best


async def export_bundle(
    store: OpenedStore,
    js: JetStreamContext,
    scope: Scope,
    *,
    key: SigningKey,
    keys: PublicKeySet,
    files: FileSource | None = None,
    exported_by: str = "",
    now: datetime | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """The bundle's bytes and a short summary."""
    created = now or datetime.now(UTC)
    stream = store.public_stream.name
    events = await collect_events(js, stream, scope)
    if not events:
        raise ExportRefused(f"Không có hồ sơ nào trong phạm vi {scope.label()} trên luồng {stream}.")
    records = store.chain.records_of(list(events))
    record_lines = [
        {
            "position": r.position,
            "aggregate_id": r.aggregate_id,
            "aggregate_version": r.aggregate_version,
            "topic": r.topic,
            "event_id": stored_identity(r.state),
            "state_base64": base64.b64encode(r.state).decode("ascii"),
            **(
                {
                    "prev_hash": r.link.prev_hash,
                    "hash": r.link.hash,
                    "stream_index": r.link.stream_index,
                    "stream_hash": r.link.stream_hash,
                }
                if r.link
                else {"prev_hash": None, "hash": None, "stream_index": None, "stream_hash": None}
            ),
        }
        for r in records
    ]
    indexes = [int(r["stream_index"]) for r in record_lines if r["stream_index"] is not None]
    checkpoint = await anchoring_checkpoint(js, store.service, stream, keys, max(indexes) if indexes else 1)
    anchor: dict[str, Any] = {"checkpoint": checkpoint, "start": None, "segment": []}
    if checkpoint is not None and indexes:
        first = min(indexes)
        segment = store.chain.stream_segment(max(first - 1, 1), int(checkpoint["position"]))
        anchor["start"] = next((h for i, _, h in segment if i == first - 1), None) if first > 1 else None
        ours = set(indexes)
        anchor["segment"] = [{"index": i, "hash": h} for i, h, _ in segment if i >= first and i not in ours]
    verifier = Verifier(
        store.service,
        store.chain,
        js,
        public_stream=stream,
        keys=keys,
        published_position=store.published_position(),
    )
    report: VerificationReport = await verifier.run()
    attachments = {dossier_id: _attachments(dossier_events) for dossier_id, dossier_events in events.items()}
    entries: list[tuple[str, bytes]] = []
    entries.append(
        (
            "README.txt",
            README.format(scope=scope.label(), created_at=created.isoformat(), format=FORMAT).encode("utf-8"),
        )
    )
    entries.append(("events.jsonl", _jsonl(e for dossier in events.values() for e in dossier)))
    entries.append(("records.jsonl", _jsonl(record_lines)))
    entries.append(("anchor.json", _json(anchor)))
    entries.append(("attachments.json", _json(attachments)))
    entries.append(("verification.json", _json(report.as_dict())))
    entries.append(("public-keys.json", _json(keys.as_dict())))
    html = render_html(
        [{"id": d, "events": e, "attachments": attachments[d]} for d, e in events.items()],
        scope=scope.label(),
        created_at=created,
        verification_ok=report.ok,
        verification_summary=(
            f"{report.store_events} sự kiện trong kho, {report.stream_messages} trong luồng, "
            f"{report.checkpoints_valid} điểm kiểm hợp lệ, {len(report.findings)} sai lệch"
        ),
        keys=", ".join(f"{k.service}: {k.key_id}" for k in keys.keys.values()),
    )
    entries.append(("timeline.html", html.encode("utf-8")))
    entries.append(("timeline.pdf", render_pdf(html)))
    missing_files = []
    if files is not None:
        for sha256, name in sorted({(a["sha256"], a["name"]) for items in attachments.values() for a in items}):
            content = files(sha256)
            if content is None:
                missing_files.append(sha256)
                continue
            entries.append((f"files/{sha256}-{_safe(name)}", content))
    manifest = {
        "format": FORMAT,
        "service": store.service,
        "scope": {
            "dossiers": list(scope.dossier_ids),
            "unit": scope.unit,
            "period": [d.isoformat() for d in scope.period] if scope.period else None,
            "label": scope.label(),
        },
        "created_at": created.isoformat(),
        "exported_by": exported_by,
        "dossiers": len(events),
        "events": sum(len(e) for e in events.values()),
        "files": {name: sha256_hex(data) for name, data in entries},
        "key_id": key.key_id,
        "algorithm": "Ed25519",
    }
    manifest["signature"] = key.sign(canonical(manifest))
    entries.append((MANIFEST, _json(manifest)))
    summary = {
        "dossiers": len(events),
        "events": manifest["events"],
        "anchored": checkpoint is not None,
        "verification_ok": report.ok,
        "files": sum(1 for name, _ in entries if name.startswith("files/")),
        "files_missing": missing_files,
    }
    return write_zip(entries), summary


def _attachments(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for event in events:
        for a in event["payload"].get("attachments") or ():
            found.append({"name": a["name"], "kind": a["kind"], "size": a["size"], "sha256": a["sha256"]})
    return found


def _safe(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name)[:80] or "tep"


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _jsonl(values: Any) -> bytes:
    return "".join(json.dumps(v, ensure_ascii=False, sort_keys=True) + "\n" for v in values).encode("utf-8")
