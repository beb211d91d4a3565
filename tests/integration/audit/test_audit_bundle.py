"""Audit bundles: exported for one dossier (with its files) and for a unit's period, checked offline
by `tdkt audit verify-bundle`, refused after one byte of the zip is changed anywhere; the timeline
PDF carries Vietnamese text (extracted back with poppler's pdftotext; a page rendered to PNG with
pdftoppm is kept for a person to look at)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from nats.js.client import JetStreamContext

from audit.bundlecheck import write_zip
from tests.support.dossiers import AUTHORITY, CHAIRMAN, CLERK, SECRETARY, at, submission

from .support import Deployment, checkpointed, deployment, make_history

FILES = {
    "SUBMISSION_MEMO": ("Tờ trình đề nghị khen thưởng.pdf", b"%PDF-1.4\n% To trinh de nghi khen thuong\n%%EOF\n"),
    "ACHIEVEMENT_REPORT": ("Báo cáo thành tích năm 2024.pdf", b"%PDF-1.4\n% Bao cao thanh tich\n%%EOF\n"),
    "REVIEW_MINUTES": ("Biên bản bình xét.pdf", b"%PDF-1.4\n% Bien ban binh xet\n%%EOF\n"),
    "BALLOT_RESULT": ("Biên bản kiểm phiếu.pdf", b"%PDF-1.4\n% Bien ban kiem phieu\n%%EOF\n"),
    "INITIATIVE_CERTIFICATION": ("Chứng nhận sáng kiến.pdf", b"%PDF-1.4\n% Chung nhan sang kien\n%%EOF\n"),
}


def awarded_dossier_with_files(client: Any) -> str:
    """A dossier whose files are really in the blob store, decided and returned."""
    blobs, app = client.app.state.blobs, client.app.state.dossiers
    attachments = []
    for kind, (name, content) in FILES.items():
        info = blobs.put(io.BytesIO(content), name=name, content_type="application/pdf")
        attachments.append({"name": name, "kind": kind, "size": info.size, "sha256": info.sha256})
    day = date(2024, 1, 11)  # among the generated history's days, its decision in the register's date order
    d = app.submit(at=at(day, 9), **submission(attachments=attachments, proposing_unit="THCS-KIM-BAI")).id
    app.check_completeness(d, actor=SECRETARY, at=at(day, 10))
    # another unit's dossier received meanwhile: its link lies between this dossier's events
    app.submit(at=at(day, 10, 30), **submission(proposing_unit="THCS-KIM-BAI"))
    app.appraise(d, actor=SECRETARY, at=at(day, 11))
    app.record_council_vote(
        d, nominee_id="n2", members_total=9, votes_for=9, votes_against=0, absent_in_writing=0, actor=SECRETARY,
        at=at(day, 14),
    )  # fmt: skip
    app.decide_award(d, approve=["n1", "n2"], authority=AUTHORITY, actor=CHAIRMAN, at=at(date(2024, 1, 12), 16))
    app.return_result(d, actor=CLERK, at=at(date(2024, 1, 13), 9))
    return str(d)


def export_env(dep: Deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TDKT_AUDIT_SIGNING_KEY_FILE", str(dep.signing_key))


@pytest.fixture
def dep(tmp_path: Path, nats_url: str, jetstream: JetStreamContext) -> Deployment:
    return deployment(tmp_path, nats_url)


async def test_a_dossier_bundle_verifies_offline_and_fails_after_one_byte_is_changed(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with dep.service(monkeypatch) as client:
        make_history(client, 6)  # other dossiers around it: the chain segment has links that are not its own
        dossier_id = awarded_dossier_with_files(client)
        make_history(client, 2)
        await checkpointed(jetstream, client)
    export_env(dep, monkeypatch)
    bundle = tmp_path / "ho-so.zip"
    code, output = await asyncio.to_thread(
        dep.cli, monkeypatch, "audit", "export", "--dossier", dossier_id, "--with-files", "--out", str(bundle)
    )
    assert code == 0, output
    assert "1 hồ sơ" in output and "5 tệp đính kèm" in output

    # offline: another folder, no service, no NATS, only the file and the published keys
    offline = tmp_path / "thanh-tra"
    offline.mkdir()
    shutil.copy(bundle, offline / "ho-so.zip")
    shutil.copy(dep.public_keys, offline / "khoa-cong-khai.json")
    code, output = await asyncio.to_thread(
        dep.cli, monkeypatch, "audit", "verify-bundle", str(offline / "ho-so.zip"),
        "--public-keys", str(offline / "khoa-cong-khai.json"),
    )  # fmt: skip
    assert code == 0, output
    assert output.count("[ĐẠT]") == 6 and "[KHÔNG ĐẠT]" not in output and "[HỢP LỆ]" in output

    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        events = [json.loads(line) for line in archive.read("events.jsonl").decode().splitlines()]
        manifest = json.loads(archive.read("manifest.json"))
        anchor = json.loads(archive.read("anchor.json"))
    assert {"README.txt", "timeline.html", "timeline.pdf", "verification.json", "public-keys.json"} <= set(names)
    assert len([n for n in names if n.startswith("files/")]) == 5
    assert [e["payload"]["aggregate_version"] for e in events] == list(range(1, len(events) + 1))
    assert {e["payload"]["aggregate_id"] for e in events} == {dossier_id}
    # the anchor is the first signed checkpoint at or after the dossier's last event (it may be that event)
    assert manifest["dossiers"] == 1 and anchor["checkpoint"]["position"] >= events[-1]["payload"]["stream_index"]
    assert anchor["segment"]  # the link of the dossier received between its events (and any up to the signed head)

    raw = bundle.read_bytes()
    spots = {"start": 0, "events": raw.index(b'"aggregate_version"'), "pdf": raw.index(b"%PDF-1.") + 20}
    spots["end"] = len(raw) - 10  # the central directory
    spots["date"] = raw.index(b"PK\x01\x02") + 12  # a date in the central directory, not in any file
    for where, offset in spots.items():
        damaged = bytearray(raw)
        damaged[offset] ^= 0x01
        (offline / "ho-so.zip").write_bytes(bytes(damaged))
        code, output = await asyncio.to_thread(
            dep.cli, monkeypatch, "audit", "verify-bundle", str(offline / "ho-so.zip")
        )
        assert code == 1, f"a byte changed at {where} ({offset}) went unnoticed:\n{output}"
        assert "[KHÔNG HỢP LỆ]" in output

    # Rewritten with care (timeline edited, zip rebuilt the canonical way): the manifest gives it away …
    with zipfile.ZipFile(bundle) as archive:
        entries = [(i.filename, archive.read(i)) for i in archive.infolist()]
    edited = [(n, d.replace("Quyết định số".encode(), "Quyết định số 9".encode()) if n == "timeline.html" else d)
              for n, d in entries]  # fmt: skip
    (offline / "ho-so.zip").write_bytes(write_zip(edited))
    code, output = await asyncio.to_thread(dep.cli, monkeypatch, "audit", "verify-bundle", str(offline / "ho-so.zip"))
    assert code == 1 and "timeline.html: SHA-256 khác với manifest" in output
    # … and a re-signed manifest needs the service's private key: with another key it is refused.
    manifest_entries = dict(edited)
    forged = json.loads(manifest_entries["manifest.json"])
    forged["files"]["timeline.html"] = __import__("hashlib").sha256(manifest_entries["timeline.html"]).hexdigest()
    edited = [(n, json.dumps(forged).encode() if n == "manifest.json" else d) for n, d in edited]
    (offline / "ho-so.zip").write_bytes(write_zip(edited))
    code, output = await asyncio.to_thread(
        dep.cli, monkeypatch, "audit", "verify-bundle", str(offline / "ho-so.zip"),
        "--public-keys", str(offline / "khoa-cong-khai.json"),
    )  # fmt: skip
    assert code == 1 and "chữ ký của manifest không hợp lệ" in output


async def test_a_units_period_bundle_and_its_vietnamese_timeline(
    dep: Deployment, jetstream: JetStreamContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with dep.service(monkeypatch) as client:
        make_history(client, 12)
        await checkpointed(jetstream, client)
    export_env(dep, monkeypatch)
    bundle = tmp_path / "don-vi.zip"
    code, output = await asyncio.to_thread(
        dep.cli, monkeypatch, "audit", "export", "--unit", "thcs-kim-bai", "--period", "2024-Q1", "--out", str(bundle)
    )
    assert code == 0, output
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        pdf = archive.read("timeline.pdf")
        html = archive.read("timeline.html").decode("utf-8")
        verification = json.loads(archive.read("verification.json"))
    assert manifest["dossiers"] == 12 and manifest["scope"]["period"] == ["2024-01-01", "2024-03-31"]
    assert verification["ok"] is True
    assert "Quyết định khen thưởng" in html and "Nguyễn Thị Hương" in html and "Từ chối giải quyết" in html
    code, output = await asyncio.to_thread(dep.cli, monkeypatch, "audit", "verify-bundle", str(bundle))
    assert code == 0, output

    (tmp_path / "timeline.pdf").write_bytes(pdf)
    pdftotext, pdftoppm = shutil.which("pdftotext"), shutil.which("pdftoppm")
    if not (pdftotext and pdftoppm):
        if os.environ.get("TDKT_REQUIRE_POPPLER"):
            pytest.fail(
                "TDKT_REQUIRE_POPPLER is set but pdftotext/pdftoppm are missing (apt-get install poppler-utils)"
            )
        pytest.skip(
            "poppler-utils (pdftotext, pdftoppm) is not installed, so the timeline PDF cannot be read back"
            " (apt-get install -y poppler-utils; .ci/run installs it and sets TDKT_REQUIRE_POPPLER=1)"
        )
    text = " ".join(
        subprocess.run(
            [pdftotext, str(tmp_path / "timeline.pdf"), "-"], capture_output=True, check=True, text=True
        ).stdout.split()
    )  # table cells wrap: compare words, not lines
    phrases = ("Dòng thời gian hồ sơ đề nghị khen thưởng", "Nguyễn Thị Hương", "Đã trả kết quả", "Thường trực Hội đồng")
    for phrase in (*phrases, "Chiến sĩ thi đua cơ sở", "Từ chối giải quyết", "Đối chiếu lúc xuất gói"):
        assert phrase in text, f"{phrase!r} not in the PDF's text"
    subprocess.run([pdftoppm, "-png", "-r", "70", "-f", "1", "-l", "1", str(tmp_path / "timeline.pdf"),
                    str(tmp_path / "timeline")], check=True)  # fmt: skip
    assert (tmp_path / "timeline-1.png").stat().st_size > 10_000
    shutil.copy(tmp_path / "timeline-1.png", Path(tempfile.gettempdir()) / "tdkt-audit-timeline-1.png")
