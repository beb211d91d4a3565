"""`tdkt audit verify-bundle`: check an audit bundle offline, with nothing but the file (and,
better, the deployment's public keys obtained separately).

Imports nothing of tdkt (a test checks it), so an inspector can run it, or redo each step by
hand, without access to the system. What is checked, in order:

1. **the container**: a zip written in one canonical way (stored, not compressed; fixed dates and
   attributes; nothing between or after the entries). The file is rewritten from its own entries
   and compared byte for byte, so a change anywhere in it, even in a date field, is found;
2. **the manifest**: every file's SHA-256 as listed, no file added or missing, and the manifest's
   Ed25519 signature by the exporting service's key (from `--public-keys` when given, else from
   the bundle's own `public-keys.json`, whose fingerprints are printed so they can be compared);
3. **the records**: each stored event's hash recomputed from its record (RFC 8785 canonical JSON,
   SHA-256), each dossier's events linked from version 1 by `prev_hash`, each published event
   carrying the hash of its record;
4. **the anchor**: the public stream's chain recomputed from the events' hashes through the chain
   segment up to a checkpoint signed by the service, whose head it must reach;
5. **the files**: each attached file's SHA-256 equal to the one the events name.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "tdkt-audit-bundle/1"
GENESIS = "0" * 64
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MANIFEST = "manifest.json"
CHECKPOINT_FIELDS = ("service", "stream", "chain", "position", "head", "signed_at", "key_id", "algorithm")


def canonical(value: Any) -> bytes:
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def event_hash(record: dict[str, Any], state: bytes) -> str:
    """The stored event's hash (docs/audit.md): SHA-256 of the canonical JSON of its record."""
    return sha256_hex(
        canonical(
            {
                "aggregate_id": record["aggregate_id"],
                "aggregate_version": int(record["aggregate_version"]),
                "topic": record["topic"],
                "state_sha256": sha256_hex(state),
                "prev_hash": record["prev_hash"],
            }
        )
    )


def link_hash(index: int, prev: str, hash_: str) -> str:
    return sha256_hex(canonical({"index": int(index), "prev": prev, "hash": hash_}))


def zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    return info


def write_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """The canonical container: the same entries always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in entries:
            archive.writestr(zip_entry(name), data)
    return buffer.getvalue()


def fingerprint(public_key_b64: str) -> str:
    return sha256_hex(base64.b64decode(public_key_b64))[:16]


def verify_signature(public_key_b64: str, signature_b64: str, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64)).verify(
            base64.b64decode(signature_b64), message
        )
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass
class BundleCheck:
    checks: list[tuple[bool, str]] = field(default_factory=list)
    keys_used: list[str] = field(default_factory=list)

    def passed(self, text: str) -> None:
        self.checks.append((True, text))

    def failed(self, text: str) -> None:
        self.checks.append((False, text))

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(ok for ok, _ in self.checks)

    def lines(self) -> list[str]:
        return [f"[{'ĐẠT' if ok else 'KHÔNG ĐẠT'}] {text}" for ok, text in self.checks]


def _jsonl(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def check_bundle(path: Path, trusted_keys: dict[str, Any] | None = None) -> BundleCheck:
    result = BundleCheck()
    raw = Path(path).read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        result.failed(f"tệp không đọc được như một gói zip nguyên vẹn: {exc}")
        return result
    except Exception as exc:  # zlib errors and the like: the container is damaged
        result.failed(f"tệp bị hỏng: {type(exc).__name__}: {exc}")
        return result
    if write_zip(entries) != raw:
        result.failed("vỏ tệp zip khác cách ghi chuẩn của gói: tệp đã bị sửa sau khi xuất")
    else:
        result.passed("vỏ tệp zip đúng cách ghi chuẩn, không có byte nào bị thêm hay sửa")
    files = dict(entries)
    manifest = _check_manifest(files, trusted_keys, result)
    if manifest is None:
        return result
    records = {(r["aggregate_id"], int(r["aggregate_version"])): r for r in _jsonl(files.get("records.jsonl", b""))}
    events = _jsonl(files.get("events.jsonl", b""))
    _check_records(records, events, result)
    _check_anchor(files, records, manifest, trusted_keys, result)
    _check_files(files, events, result)
    return result


def _keys(files: dict[str, bytes], trusted: dict[str, Any] | None, result: BundleCheck) -> dict[str, dict[str, Any]]:
    source = trusted if trusted is not None else json.loads(files.get("public-keys.json", b'{"keys": []}'))
    keys = {k["key_id"]: k for k in source.get("keys", [])}
    for key in keys.values():
        if fingerprint(key["public_key"]) != key["key_id"]:
            result.failed(f"khóa {key['key_id']}: mã khóa không khớp khóa công khai")
    return keys


def _check_manifest(
    files: dict[str, bytes], trusted: dict[str, Any] | None, result: BundleCheck
) -> dict[str, Any] | None:
    if MANIFEST not in files:
        result.failed("gói không có manifest.json")
        return None
    try:
        manifest = json.loads(files[MANIFEST])
    except ValueError:
        result.failed("manifest.json không đọc được")
        return None
    if manifest.get("format") != FORMAT:
        result.failed(f"định dạng gói {manifest.get('format')!r} không phải {FORMAT}")
    listed: dict[str, str] = manifest.get("files", {})
    present = set(files) - {MANIFEST}
    wrong = [name for name, digest in listed.items() if name in files and sha256_hex(files[name]) != digest]
    missing, extra = sorted(set(listed) - present), sorted(present - set(listed))
    if wrong or missing or extra:
        for name in wrong:
            result.failed(f"{name}: SHA-256 khác với manifest (tệp đã bị sửa)")
        for name in missing:
            result.failed(f"{name}: có trong manifest nhưng không có trong gói")
        for name in extra:
            result.failed(f"{name}: có trong gói nhưng không có trong manifest")
    else:
        result.passed(f"{len(listed)} tệp đúng SHA-256 ghi trong manifest")
    keys = _keys(files, trusted, result)
    key = keys.get(str(manifest.get("key_id")))
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    if key is None:
        result.failed(f"manifest ký bằng khóa {manifest.get('key_id')} không có trong danh sách khóa công khai")
    elif key.get("service") != manifest.get("service") or not verify_signature(
        key["public_key"], str(manifest.get("signature", "")), canonical(unsigned)
    ):
        result.failed("chữ ký của manifest không hợp lệ")
    else:
        origin = "khóa được cung cấp riêng" if trusted is not None else "khóa đi kèm gói (hãy đối chiếu mã khóa)"
        result.keys_used.append(key["key_id"])
        result.passed(f"manifest được ký bởi dịch vụ {key['service']}, khóa {key['key_id']} ({origin})")
    return manifest


def _check_records(records: dict[tuple[str, int], Any], events: list[dict[str, Any]], result: BundleCheck) -> None:
    bad = []
    by_aggregate: dict[str, list[int]] = {}
    for (aggregate_id, version), record in records.items():
        state = base64.b64decode(record["state_base64"])
        if event_hash(record, state) != record["hash"]:
            bad.append(f"{aggregate_id} v{version}: bản ghi không khớp mã băm")
        by_aggregate.setdefault(aggregate_id, []).append(version)
    for aggregate_id, versions in by_aggregate.items():
        versions.sort()
        if versions != list(range(1, len(versions) + 1)):
            bad.append(f"{aggregate_id}: thiếu phiên bản (có {versions})")
            continue
        prev = GENESIS
        for version in versions:
            record = records[(aggregate_id, version)]
            if record["prev_hash"] != prev:
                bad.append(f"{aggregate_id} v{version}: prev_hash không nối với phiên bản trước")
            prev = record["hash"]
    before_chain = 0
    for event in events:
        payload = event["payload"]
        record = records.get((payload["aggregate_id"], int(payload["aggregate_version"])))
        if record is None:
            bad.append(f"sự kiện {payload.get('event_id')}: không có bản ghi tương ứng")
            continue
        if payload.get("hash") is None:
            before_chain += 1  # published before chains existed: matched by identity only (docs/audit.md)
            names: tuple[str, ...] = ()
        else:
            names = ("hash", "prev_hash", "stream_index", "stream_hash")
        for name in names:
            if payload.get(name) != record.get(name):
                bad.append(f"sự kiện {payload.get('event_id')}: {name} khác bản ghi")
        if record.get("event_id") and payload.get("event_id") != record["event_id"]:
            bad.append(f"sự kiện {payload.get('event_id')}: mã sự kiện khác bản ghi")
    if len(events) != len(records):
        bad.append(f"{len(events)} sự kiện công bố nhưng {len(records)} bản ghi")
    for text in bad[:50]:
        result.failed(text)
    if not bad:
        result.passed(
            f"{len(records)} bản ghi của {len(by_aggregate)} hồ sơ: mã băm tính lại khớp, chuỗi từng hồ sơ liền mạch "
            "từ phiên bản 1, sự kiện công bố mang đúng mã băm của bản ghi"
            + (
                f" ({before_chain} sự kiện công bố trước khi có chuỗi băm: đối chiếu theo mã sự kiện)"
                if before_chain
                else ""
            )
        )


def _check_anchor(
    files: dict[str, bytes],
    records: dict[tuple[str, int], Any],
    manifest: dict[str, Any],
    trusted: dict[str, Any] | None,
    result: BundleCheck,
) -> None:
    if not records:
        result.failed("gói không có sự kiện nào")
        return
    try:
        anchor = json.loads(files["anchor.json"])
    except (KeyError, ValueError):
        result.failed("gói không có anchor.json (điểm kiểm đã ký và đoạn chuỗi)")
        return
    checkpoint = anchor.get("checkpoint")
    segment = {int(s["index"]): s for s in anchor.get("segment", [])}
    if checkpoint is None:
        result.failed("chưa có điểm kiểm đã ký nào bao trùm các sự kiện của gói: chưa neo được vào chữ ký")
        return
    keys = _keys(files, trusted, result)
    key = keys.get(str(checkpoint.get("key_id")))
    signed = canonical({name: checkpoint.get(name) for name in CHECKPOINT_FIELDS})
    if key is None or key.get("service") != checkpoint.get("service"):
        result.failed(f"điểm kiểm ký bằng khóa {checkpoint.get('key_id')} không có trong danh sách khóa công khai")
        return
    if not verify_signature(key["public_key"], str(checkpoint.get("signature", "")), signed):
        result.failed("chữ ký điểm kiểm không hợp lệ")
        return
    ours = {int(r["stream_index"]): r for r in records.values() if r.get("stream_index") is not None}
    first, last = min(ours), int(checkpoint["position"])
    if max(ours) > last:
        result.failed("điểm kiểm không bao trùm sự kiện mới nhất của gói")
        return
    head = anchor.get("start", GENESIS) if first > 1 else GENESIS
    for index in range(first, last + 1):
        hash_ = ours[index]["hash"] if index in ours else segment.get(index, {}).get("hash")
        if hash_ is None:
            result.failed(f"đoạn chuỗi thiếu mắt xích số {index}")
            return
        head = link_hash(index, head, hash_)
    if head != checkpoint["head"]:
        result.failed("chuỗi tính lại từ các sự kiện không tới đúng đầu chuỗi đã ký: dữ liệu đã bị sửa")
        return
    result.passed(
        f"chuỗi luồng {checkpoint['stream']} tính lại từ sự kiện số {first} tới số {last} khớp đầu chuỗi đã ký "
        f"lúc {checkpoint['signed_at']} (khóa {checkpoint['key_id']})"
    )


def _check_files(files: dict[str, bytes], events: list[dict[str, Any]], result: BundleCheck) -> None:
    named = {a["sha256"] for e in events for a in e["payload"].get("attachments") or ()}
    attached = [name for name in files if name.startswith("files/")]
    bad = []
    for name in attached:
        digest = name.removeprefix("files/").split("-", 1)[0]
        if sha256_hex(files[name]) != digest:
            bad.append(f"{name}: SHA-256 của tệp khác mã trong tên")
        elif digest not in named:
            bad.append(f"{name}: tệp không được sự kiện nào nêu")
    for text in bad:
        result.failed(text)
    if not bad:
        result.passed(
            f"{len(attached)} tệp đính kèm khớp SHA-256 mà các sự kiện ghi ({len(named)} tệp được nêu)"
            if attached
            else f"{len(named)} tệp đính kèm được nêu bằng SHA-256 (gói không kèm tệp)"
        )
