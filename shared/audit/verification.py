"""`tdkt audit verify`: compare a service's event store with its streams and its signed
checkpoints, recomputing every hash, and name every mismatch with its position.

Four sources, each read in full:

1. **the store**, in notification order, with its chain rows: each event's hash is recomputed
   from its stored record (an edited event no longer matches), each aggregate's versions must
   follow one another with `prev_hash` linking them, and the log and public-stream chains must
   run 1, 2, 3… in store order with every link recomputed (a deleted event leaves a gap, a
   reordered one an index out of place);
2. **the journal stream** (`TDKT_JOURNAL_<SERVICE>`), which carries every stored event as stored
   with its chain headers: the same recomputation, then each entry against the store;
3. **the public stream** (`TDKT_<SERVICE>`) from its first message: each published event's
   `hash`, `prev_hash`, `stream_index`, `stream_hash` against the store, the stream's own chain
   recomputed from its messages, each aggregate's messages in version order;
4. **the checkpoints** (`TDKT_AUDIT`): each signature against the deployment's public keys (an
   unknown key or a bad signature is rejected), each signed head against the chain recomputed now.

Findings: `missing`, `altered`, `reordered`, `extra`, `unchained`, `rejected` (a checkpoint);
the place (`store`, `journal`, `stream`, `checkpoint`); the store position (notification id),
the stream sequence, the chain index, and the event. Nothing is written anywhere.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from nats.js.client import JetStreamContext

from shared.audit.chain import GENESIS, LOG_CHAIN, STREAM_CHAIN, ChainLink, event_hash, link_hash
from shared.audit.chainstore import ChainReader, ChainStart
from shared.audit.checkpoints import check_signature
from shared.audit.keys import PublicKeySet
from shared.audit.streamscan import scan, stream_bounds
from shared.messaging.journal import EpochMarker, JournalEntry, parse_record
from shared.streams import AUDIT, journal_stream, journal_subject

Progress = Callable[[int], None]

KIND_LABELS = {
    "missing": "THIẾU",
    "altered": "BỊ SỬA",
    "reordered": "SAI THỨ TỰ",
    "extra": "THỪA",
    "unchained": "NGOÀI CHUỖI",
    "rejected": "BỊ BÁC BỎ",
}
PLACE_LABELS = {"store": "kho sự kiện", "journal": "nhật ký", "stream": "luồng công bố", "checkpoint": "điểm kiểm"}


@dataclass(frozen=True)
class Finding:
    kind: str
    place: str
    detail: str
    position: int | None = None
    sequence: int | None = None
    index: int | None = None
    aggregate_id: str | None = None
    aggregate_version: int | None = None
    event_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def line(self) -> str:
        where = [PLACE_LABELS.get(self.place, self.place)]
        if self.position is not None:
            where.append(f"vị trí {self.position}")
        if self.sequence is not None:
            where.append(f"sequence {self.sequence}")
        if self.index is not None:
            where.append(f"số {self.index} của chuỗi")
        if self.aggregate_id is not None:
            where.append(f"đối tượng {self.aggregate_id} phiên bản {self.aggregate_version}")
        return f"[{KIND_LABELS.get(self.kind, self.kind)}] {', '.join(where)}: {self.detail}"


@dataclass
class VerificationReport:
    service: str
    public_stream: str
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    store_events: int = 0
    journal_entries: int = 0
    stream_messages: int = 0
    stream_copies: int = 0
    checkpoints_valid: int = 0
    checkpoints_rejected: int = 0
    published_position: int = 0
    log_head: dict[str, Any] = field(default_factory=dict)
    stream_head: dict[str, Any] = field(default_factory=dict)
    chain_starts: list[ChainStart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "public_stream": self.public_stream,
            "ok": self.ok,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "store_events": self.store_events,
            "journal_entries": self.journal_entries,
            "stream_messages": self.stream_messages,
            "stream_copies": self.stream_copies,
            "checkpoints_valid": self.checkpoints_valid,
            "checkpoints_rejected": self.checkpoints_rejected,
            "published_position": self.published_position,
            "log_head": self.log_head,
            "stream_head": self.stream_head,
            "chain_starts": [s.as_dict() for s in self.chain_starts],
            "notes": self.notes,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass
class _Stored:
    """What the later passes need of one stored event (its state is not kept)."""

    position: int
    aggregate_id: str
    aggregate_version: int
    event_id: str
    link: ChainLink | None


class _Findings:
    """Findings without repeats: one per kind, place and event (or position)."""

    def __init__(self) -> None:
        self.items: dict[tuple[Any, ...], Finding] = {}

    def add(self, finding: Finding) -> None:
        key = (
            finding.kind,
            finding.place,
            finding.aggregate_id,
            finding.aggregate_version,
            finding.index if finding.aggregate_id is None else None,
            finding.sequence if finding.aggregate_id is None and finding.index is None else None,
        )
        self.items.setdefault(key, finding)

    def sorted(self) -> list[Finding]:
        order = {"store": 0, "journal": 1, "stream": 2, "checkpoint": 3}
        return sorted(
            self.items.values(),
            key=lambda f: (order.get(f.place, 9), f.position or 0, f.sequence or 0, f.index or 0, f.kind),
        )


class Verifier:
    def __init__(
        self,
        service: str,
        chain: ChainReader,
        js: JetStreamContext,
        *,
        public_stream: str,
        keys: PublicKeySet,
        published_position: int,
        progress: Progress | None = None,
    ) -> None:
        self.service = service
        self.chain = chain
        self.js = js
        self.public_stream = public_stream
        self.keys = keys
        self.published_position = published_position
        self.progress = progress or (lambda _n: None)
        self.report = VerificationReport(service, public_stream, published_position=published_position)
        self.findings = _Findings()
        self.stored: dict[tuple[str, int], _Stored] = {}
        self.log: dict[int, ChainLink] = {}
        self.stream: dict[int, ChainLink] = {}
        self.orphans: dict[tuple[str, int], ChainLink] = {}

    async def total(self) -> int:
        """How many records the verification reads (for a progress bar)."""
        count = await asyncio.to_thread(self.chain.count)
        for stream in (journal_stream(self.service).name, self.public_stream, AUDIT.name):
            count += (await stream_bounds(self.js, stream))[2]
        return count

    async def run(self) -> VerificationReport:
        await asyncio.to_thread(self.verify_store)
        await self.verify_journal()
        await self.verify_stream()
        await self.verify_checkpoints()
        self.report.findings = self.findings.sorted()
        self.report.finished_at = datetime.now(UTC)
        return self.report

    # -- 1. the store ---------------------------------------------------------------------------------
    def verify_store(self) -> None:
        add = self.findings.add
        altered: set[tuple[str, int]] = set()
        order: list[tuple[int, ChainLink]] = []
        for batch in self.chain.records():
            for record in batch:
                self.progress(1)
                self.report.store_events += 1
                key = (record.aggregate_id, record.aggregate_version)
                link = record.link
                self.stored[key] = _Stored(
                    record.position, record.aggregate_id, record.aggregate_version, link.event_id if link else "", link
                )
                where = {
                    "position": record.position,
                    "aggregate_id": record.aggregate_id,
                    "aggregate_version": record.aggregate_version,
                }
                if link is None:
                    add(
                        Finding(
                            "unchained",
                            "store",
                            "sự kiện không có mắt xích trong chuỗi băm: được ghi vào kho ngoài ứng dụng?",
                            **where,
                        )
                    )
                    continue
                recomputed = event_hash(
                    record.aggregate_id, record.aggregate_version, record.topic, record.state, link.prev_hash
                )
                if recomputed != link.hash:
                    altered.add(key)
                    add(
                        Finding(
                            "altered",
                            "store",
                            "nội dung sự kiện đã lưu không còn khớp mã băm tính lúc lưu: sự kiện đã bị sửa sau khi lưu",
                            event_id=link.event_id,
                            **where,
                        )
                    )
                order.append((record.position, link))
        self._check_aggregates(altered)
        for link in self.chain.orphan_links():
            self.orphans[(link.aggregate_id, link.aggregate_version)] = link
        self._check_chain(order, LOG_CHAIN)
        self._check_chain([(p, link) for p, link in order if link.stream_index is not None], STREAM_CHAIN)
        self.log = {link.log_index: link for _, link in order}
        self.stream = {link.stream_index: link for _, link in order if link.stream_index is not None}
        self.report.chain_starts = self.chain.starts()
        if self.log:
            top = self.log[max(self.log)]
            self.report.log_head = {"index": top.log_index, "hash": top.log_hash}
        if self.stream:
            top = self.stream[max(self.stream)]
            self.report.stream_head = {"index": top.stream_index, "hash": top.stream_hash}

    def _check_aggregates(self, altered: set[tuple[str, int]]) -> None:
        """Each aggregate's versions 1…n all present, each `prev_hash` the previous version's hash."""
        versions: dict[str, list[int]] = {}
        for aggregate_id, version in self.stored:
            versions.setdefault(aggregate_id, []).append(version)
        for aggregate_id, present in versions.items():
            present.sort()
            have = set(present)
            for version in present:
                stored = self.stored[(aggregate_id, version)]
                where = {"position": stored.position, "aggregate_id": aggregate_id}
                if version > 1 and version - 1 not in have:
                    first = version - 1
                    while first > 1 and first - 1 not in have:
                        first -= 1
                    missing = f"{first}" + (f"–{version - 1}" if version - 1 > first else "")
                    self.findings.add(
                        Finding(
                            "missing",
                            "store",
                            f"kho thiếu phiên bản {missing} của đối tượng này (đã bị xóa khỏi kho?)",
                            aggregate_version=first,
                            **where,
                        )
                    )
                    continue
                link = stored.link
                previous = self.stored.get((aggregate_id, version - 1))
                if link is None or (aggregate_id, version) in altered or (previous and previous.link is None):
                    continue  # reported already
                expected = previous.link.hash if previous and previous.link else GENESIS
                if link.prev_hash != expected:
                    self.findings.add(
                        Finding(
                            "altered",
                            "store",
                            "mắt xích prev_hash không khớp mã băm của phiên bản trước: chuỗi của đối tượng bị chèn "
                            "hoặc sửa",
                            aggregate_version=version,
                            event_id=link.event_id,
                            **where,
                        )
                    )

    def _check_chain(self, order: list[tuple[int, ChainLink]], chain: str) -> None:
        """Indexes 1, 2, 3… in store order, each link recomputed."""

        def index(link: ChainLink) -> int:
            return link.log_index if chain == LOG_CHAIN else int(link.stream_index or 0)

        def head(link: ChainLink) -> str:
            return link.log_hash if chain == LOG_CHAIN else str(link.stream_hash)

        name = "chuỗi nhật ký của kho" if chain == LOG_CHAIN else f"chuỗi luồng {self.public_stream}"
        highest = 0
        for position, link in order:
            if index(link) < highest:
                self.findings.add(
                    Finding(
                        "reordered",
                        "store",
                        f"sự kiện mang số {index(link)} của {name} nhưng đứng sau số {highest} trong kho: thứ tự "
                        "các sự kiện đã bị đổi",
                        position=position,
                        index=index(link),
                        aggregate_id=link.aggregate_id,
                        aggregate_version=link.aggregate_version,
                        event_id=link.event_id,
                    )
                )
            highest = max(highest, index(link))
        by_index = {index(link): link for _, link in order}
        orphans = {
            (o.log_index if chain == LOG_CHAIN else o.stream_index): o
            for o in self.orphans.values()
            if chain == LOG_CHAIN or o.stream_index is not None
        }
        for i in range(1, highest + 1):
            link = by_index.get(i)
            if link is None:
                gone = orphans.get(i)
                detail = f"{name} thiếu sự kiện số {i}"
                if gone is not None:
                    detail += f" (sự kiện {gone.event_id} đã bị xóa khỏi kho; mắt xích của nó còn lại)"
                self.findings.add(
                    Finding(
                        "missing",
                        "store",
                        detail,
                        index=i,
                        aggregate_id=gone.aggregate_id if gone else None,
                        aggregate_version=gone.aggregate_version if gone else None,
                        event_id=gone.event_id if gone else None,
                    )
                )
                continue
            prev = by_index.get(i - 1)
            if i > 1 and prev is None:
                continue
            expected = link_hash(i, head(prev) if prev else GENESIS, link.hash)
            if expected != head(link):
                self.findings.add(
                    Finding(
                        "altered",
                        "store",
                        f"mắt xích số {i} của {name} không khớp khi tính lại: bảng chuỗi băm đã bị sửa",
                        position=link.position,
                        index=i,
                        aggregate_id=link.aggregate_id,
                        aggregate_version=link.aggregate_version,
                        event_id=link.event_id,
                    )
                )

    # -- 2. the journal -------------------------------------------------------------------------------
    async def verify_journal(self) -> None:
        stream = journal_stream(self.service).name
        seen: dict[str, JournalEntry] = {}
        versions: dict[str, int] = {}
        first_journaled: int | None = None
        async for batch in scan(self.js, stream, journal_subject(self.service)):
            for message in batch:
                self.progress(1)
                record = parse_record(self.service, message.sequence, message.headers, message.data)
                if isinstance(record, EpochMarker):
                    self.report.notes.append(
                        f"nhật ký: mốc kỷ nguyên ở sequence {record.sequence} ({record.reason}, {record.by})"
                    )
                    continue
                if record is None:
                    continue
                self.report.journal_entries += 1
                self._journal_entry(record, seen, versions)
                stored = self.stored.get((record.originator_id, record.originator_version))
                if stored is not None and (first_journaled is None or stored.position < first_journaled):
                    first_journaled = stored.position
        if first_journaled is None:
            return
        journaled = {(e.originator_id, e.originator_version) for e in seen.values()}
        for key, stored in self.stored.items():
            if first_journaled <= stored.position <= self.published_position and key not in journaled:
                self.findings.add(
                    Finding(
                        "missing",
                        "journal",
                        f"sự kiện đã phát hành (vị trí ≤ {self.published_position}) không có trong nhật ký {stream}",
                        position=stored.position,
                        aggregate_id=stored.aggregate_id,
                        aggregate_version=stored.aggregate_version,
                        event_id=stored.event_id or None,
                    )
                )

    def _journal_entry(self, entry: JournalEntry, seen: dict[str, JournalEntry], versions: dict[str, int]) -> None:
        add = self.findings.add
        where = {
            "sequence": entry.sequence,
            "aggregate_id": entry.originator_id,
            "aggregate_version": entry.originator_version,
            "event_id": entry.event_id,
        }
        earlier = seen.get(entry.event_id)
        if earlier is not None:
            if earlier.state != entry.state or earlier.chain != entry.chain:
                add(Finding("altered", "journal", "hai bản khác nhau của cùng một sự kiện trong nhật ký", **where))
            return
        seen[entry.event_id] = entry
        if entry.originator_version < versions.get(entry.originator_id, 0):
            add(
                Finding(
                    "reordered",
                    "journal",
                    f"phiên bản {entry.originator_version} đứng sau phiên bản {versions[entry.originator_id]} "
                    "của cùng đối tượng trong nhật ký",
                    **where,
                )
            )
        versions[entry.originator_id] = max(versions.get(entry.originator_id, 0), entry.originator_version)
        chain = entry.chain or {}
        journal_hash = chain.get("tdkt-hash")
        if journal_hash is not None:
            recomputed = event_hash(
                entry.originator_id,
                entry.originator_version,
                entry.topic,
                entry.state,
                chain.get("tdkt-prev-hash", ""),
            )
            if recomputed != journal_hash:
                add(Finding("altered", "journal", "bản trong nhật ký không khớp mã băm của chính nó", **where))
                return
        stored = self.stored.get((entry.originator_id, entry.originator_version))
        if stored is None:
            gone = self.orphans.get((entry.originator_id, entry.originator_version))
            add(
                Finding(
                    "missing",
                    "store",
                    "sự kiện có trong nhật ký NATS nhưng không còn trong kho"
                    + (" (mắt xích của nó còn lại: đã bị xóa khỏi kho)" if gone else ""),
                    position=entry.position,
                    **{k: v for k, v in where.items() if k != "sequence"},
                )
            )
            return
        if stored.event_id and stored.event_id != entry.event_id:
            add(
                Finding(
                    "altered",
                    "store",
                    f"kho giữ sự kiện {stored.event_id} ở chỗ nhật ký ghi sự kiện {entry.event_id}",
                    position=stored.position,
                    **{k: v for k, v in where.items() if k != "sequence"},
                )
            )
        elif journal_hash is not None and stored.link is not None and stored.link.hash != journal_hash:
            add(
                Finding(
                    "altered",
                    "store",
                    "sự kiện trong kho khác bản đã ghi vào nhật ký NATS khi phát hành (mã băm khác)",
                    position=stored.position,
                    **{k: v for k, v in where.items() if k != "sequence"},
                )
            )

    # -- 3. the public stream -------------------------------------------------------------------------
    async def verify_stream(self) -> None:
        add = self.findings.add
        seen: dict[str, dict[str, Any]] = {}
        versions: dict[str, int] = {}
        by_index: dict[int, tuple[int, dict[str, Any]]] = {}
        present: set[tuple[str, int]] = set()
        sequences: list[int] = []
        source = f"/services/{self.service}"
        async for batch in scan(self.js, self.public_stream, "tdkt.>"):
            for message in batch:
                self.progress(1)
                if message.headers.get("ce-source") not in (None, source):
                    continue
                try:
                    payload = json.loads(message.data)
                    aggregate_id = str(payload["aggregate_id"])
                    version = int(payload["aggregate_version"])
                except (ValueError, KeyError, TypeError):
                    add(Finding("extra", "stream", "tin nhắn không đọc được", sequence=message.sequence))
                    continue
                event_id = message.headers.get("ce-id") or str(payload.get("event_id") or "")
                where = {
                    "sequence": message.sequence,
                    "aggregate_id": aggregate_id,
                    "aggregate_version": version,
                    "event_id": event_id,
                }
                if event_id in seen:
                    self.report.stream_copies += 1
                    if seen[event_id] != payload:
                        add(Finding("altered", "stream", "hai bản khác nhau của cùng một sự kiện trong luồng", **where))
                    continue
                seen[event_id] = payload
                self.report.stream_messages += 1
                sequences.append(message.sequence)
                if version < versions.get(aggregate_id, 0):
                    add(
                        Finding(
                            "reordered",
                            "stream",
                            f"phiên bản {version} đứng sau phiên bản {versions[aggregate_id]} của cùng đối tượng "
                            f"trong luồng {self.public_stream}",
                            **where,
                        )
                    )
                versions[aggregate_id] = max(versions.get(aggregate_id, 0), version)
                present.add((aggregate_id, version))
                self._stream_event(payload, where)
                if payload.get("stream_index") is not None:
                    by_index[int(payload["stream_index"])] = (message.sequence, payload)
        self._stream_chain(by_index)
        for index, link in sorted(self.stream.items()):
            stored = self.stored[(link.aggregate_id, link.aggregate_version)]
            if stored.position > self.published_position or (link.aggregate_id, link.aggregate_version) in present:
                continue
            neighbours = [f"số {i} ở sequence {by_index[i][0]}" for i in (index - 1, index + 1) if i in by_index]
            add(
                Finding(
                    "missing",
                    "stream",
                    f"sự kiện số {index} của chuỗi không có trong luồng {self.public_stream}"
                    + (f" (bên cạnh: {', '.join(neighbours)})" if neighbours else ""),
                    position=stored.position,
                    index=index,
                    aggregate_id=link.aggregate_id,
                    aggregate_version=link.aggregate_version,
                    event_id=link.event_id,
                )
            )

    def _stream_event(self, payload: dict[str, Any], where: dict[str, Any]) -> None:
        key = (where["aggregate_id"], where["aggregate_version"])
        stored = self.stored.get(key)
        if stored is None:
            if key not in self.orphans:  # a deleted stored event is reported as missing from the store
                self.findings.add(Finding("extra", "stream", "sự kiện trong luồng không có trong kho", **where))
            return
        link = stored.link
        differences = []
        if stored.event_id and stored.event_id != where["event_id"]:
            differences.append(f"event_id (kho: {stored.event_id})")
        if link is not None and payload.get("hash") is not None:
            for name, value in (
                ("hash", link.hash),
                ("prev_hash", link.prev_hash),
                ("stream_index", link.stream_index),
                ("stream_hash", link.stream_hash),
            ):
                if payload.get(name) != value:
                    differences.append(name)
        if differences:
            self.findings.add(
                Finding(
                    "altered",
                    "stream",
                    "sự kiện công bố khác sự kiện trong kho ở: " + ", ".join(differences),
                    position=stored.position,
                    **where,
                )
            )

    def _stream_chain(self, by_index: dict[int, tuple[int, dict[str, Any]]]) -> None:
        """The stream's own chain, from its messages alone (what any subscriber can check)."""
        for index in sorted(by_index):
            sequence, payload = by_index[index]
            previous = by_index.get(index - 1)
            if index > 1 and previous is None:
                continue  # a gap: reported as a missing event
            prev = previous[1].get("stream_hash") if previous else GENESIS
            if link_hash(index, str(prev), str(payload.get("hash"))) != payload.get("stream_hash"):
                self.findings.add(
                    Finding(
                        "altered",
                        "stream",
                        f"mắt xích số {index} của chuỗi luồng không khớp khi tính lại từ các tin nhắn",
                        sequence=sequence,
                        index=index,
                        aggregate_id=str(payload.get("aggregate_id")),
                        aggregate_version=int(payload.get("aggregate_version", 0)),
                        event_id=str(payload.get("event_id")),
                    )
                )

    # -- 4. the checkpoints ---------------------------------------------------------------------------
    async def verify_checkpoints(self) -> None:
        journal = journal_stream(self.service).name
        async for batch in scan(self.js, AUDIT.name, "tdkt.audit.>"):
            for message in batch:
                self.progress(1)
                try:
                    payload = json.loads(message.data)
                except ValueError:
                    continue
                if payload.get("service") != self.service:
                    continue
                problem = check_signature(payload, self.keys)
                index = int(payload.get("position") or 0)
                if problem is not None:
                    self.report.checkpoints_rejected += 1
                    self.findings.add(
                        Finding(
                            "rejected",
                            "checkpoint",
                            f"điểm kiểm bị bác bỏ: {problem}",
                            sequence=message.sequence,
                            index=index,
                        )
                    )
                    continue
                self.report.checkpoints_valid += 1
                is_log = payload.get("stream") == journal
                name = "chuỗi nhật ký của kho" if is_log else f"chuỗi {payload.get('stream')}"
                link = (self.log if is_log else self.stream).get(index)
                if link is None:
                    self.findings.add(
                        Finding(
                            "missing",
                            "checkpoint",
                            f"điểm kiểm đã ký xác nhận {name} đến số {index}, nhưng kho không còn sự kiện số đó",
                            sequence=message.sequence,
                            index=index,
                        )
                    )
                elif (link.log_hash if is_log else link.stream_hash) != payload.get("head"):
                    self.findings.add(
                        Finding(
                            "altered",
                            "checkpoint",
                            f"{name} trong kho tại số {index} khác đầu chuỗi đã ký lúc {payload.get('signed_at')}: "
                            "lịch sử đã bị viết lại sau khi ký",
                            sequence=message.sequence,
                            index=index,
                            aggregate_id=link.aggregate_id,
                            aggregate_version=link.aggregate_version,
                            event_id=link.event_id,
                        )
                    )


async def verify_service(
    service: str,
    chain: ChainReader,
    js: JetStreamContext,
    *,
    public_stream: str,
    keys: PublicKeySet,
    published_position: int,
    progress: Progress | None = None,
) -> VerificationReport:
    verifier = Verifier(
        service,
        chain,
        js,
        public_stream=public_stream,
        keys=keys,
        published_position=published_position,
        progress=progress,
    )
    return await verifier.run()
