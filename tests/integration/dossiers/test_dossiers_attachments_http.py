"""Attachment files over HTTP: content-addressed upload and download, the accepted types and
size, and supplementing a dossier with files in one multipart request."""

from __future__ import annotations

import hashlib
import io
import zipfile
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from .payloads import CLERK, SECRETARY, act, ok, pdf, submit, upload

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def office_file(part: str) -> bytes:
    """A minimal Office Open XML package holding `part` (word/document.xml, xl/workbook.xml)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<root/>")
    return buffer.getvalue()


def post_files(client: TestClient, *files: tuple[str, bytes], kinds: list[str] | None = None):  # type: ignore[no-untyped-def]
    data = {"kind": kinds} if kinds else None
    return client.post(
        "/attachments", files=[("files", (name, content)) for name, content in files], data=data, headers=CLERK
    )


def test_an_uploaded_file_comes_back_byte_for_byte_under_its_sha256(client: TestClient) -> None:
    content = pdf("Tờ trình số 12/TTr-UBND")
    response = post_files(client, ("Tờ trình khen thưởng.pdf", content), kinds=["SUBMISSION_MEMO"])
    assert response.status_code == 201, response.text
    (stored,) = response.json()
    sha = hashlib.sha256(content).hexdigest()
    assert stored == {
        "name": "Tờ trình khen thưởng.pdf",
        "kind": "SUBMISSION_MEMO",
        "size": len(content),
        "sha256": sha,
        "content_type": "application/pdf",
    }
    download = client.get(f"/attachments/{sha}")
    assert download.status_code == 200
    assert download.content == content and hashlib.sha256(download.content).hexdigest() == sha
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == f"inline; filename*=UTF-8''{quote('Tờ trình khen thưởng.pdf')}"
    assert download.headers["etag"] == f'"{sha}"'
    assert download.headers["x-content-type-options"] == "nosniff"


def test_the_same_file_uploaded_twice_is_one_blob(client: TestClient) -> None:
    first = post_files(client, ("a.pdf", pdf("x"))).json()[0]
    second = post_files(client, ("b.pdf", pdf("x"))).json()[0]
    assert first["sha256"] == second["sha256"]
    assert client.get(f"/attachments/{first['sha256']}?name=b.pdf").headers["content-disposition"].endswith("b.pdf")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("bao-cao.docx", office_file("word/document.xml"), DOCX),
        ("danh-sach.xlsx", office_file("xl/workbook.xml"), XLSX),
        ("to-trinh.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "application/msword"),
        ("anh-chup.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 64, "image/jpeg"),
        ("ban-scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png"),
    ],
)
def test_each_accepted_type_is_stored(client: TestClient, name: str, content: bytes, content_type: str) -> None:
    response = post_files(client, (name, content))
    assert response.status_code == 201, response.text
    assert response.json()[0]["content_type"] == content_type


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Định dạng tệp không được chấp nhận; chỉ nhận PDF, DOC, DOCX, JPG, PNG, XLSX."),
        ("gia-mao.pdf", b"MZ\x90\x00 not a pdf", "Nội dung tệp không đúng định dạng PDF như phần mở rộng của tên tệp."),
        ("bang.xlsx", office_file("word/document.xml"), "Nội dung tệp không đúng định dạng XLSX"),
        ("trong.pdf", b"", "Tệp rỗng."),
        ("lon.pdf", b"%PDF-" + b"0" * (64 * 1024), "Tệp vượt quá dung lượng tối đa 64 KB."),
    ],
)
def test_a_refused_file_is_422_in_vietnamese(client: TestClient, name: str, content: bytes, message: str) -> None:
    response = post_files(client, (name, content))
    assert response.status_code == 422
    assert response.json()["errors"]["files[0]"].startswith(f"{name}: {message}")


def test_when_one_file_is_refused_none_is_stored(client: TestClient) -> None:
    good = pdf("good")
    response = post_files(client, ("good.pdf", good), ("bad.exe", b"MZ"), kinds=["OTHER", "KHONG-CO"])
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"files[1]", "kind[1]"}
    assert client.get(f"/attachments/{hashlib.sha256(good).hexdigest()}").status_code == 404


def test_kinds_must_match_the_files(client: TestClient) -> None:
    response = post_files(client, ("a.pdf", pdf("a")), ("b.pdf", pdf("b")), kinds=["OTHER"])
    assert response.status_code == 422
    assert response.json()["errors"] == {"kind": "Cần một loại tài liệu cho mỗi tệp (2 tệp, 1 loại)."}


def test_an_upload_needs_an_actor_and_at_least_one_file(client: TestClient) -> None:
    assert client.post("/attachments", files=[("files", ("a.pdf", pdf("a")))]).status_code == 401
    missing = client.post("/attachments", data={"kind": "OTHER"}, headers=CLERK)
    assert missing.status_code == 422 and missing.json()["errors"] == {"files": "Trường này là bắt buộc."}


@pytest.mark.parametrize("sha", ["0" * 64, "khong-phai-ma-bam"])
def test_an_unknown_file_is_404_in_vietnamese(client: TestClient, sha: str) -> None:
    response = client.get(f"/attachments/{sha}")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Không tìm thấy tệp có mã băm SHA-256")


def test_a_dossier_is_supplemented_with_files_in_one_multipart_request(client: TestClient) -> None:
    dossier = submit(client, attachments=upload(client, "SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES"))
    d = dossier["id"]
    assert ok(act(client, d, "completeness-check"))["status"] == "AWAITING_SUPPLEMENT"
    ballot, certificate = pdf("Biên bản kiểm phiếu"), pdf("Giấy chứng nhận sáng kiến")
    response = client.post(
        f"/dossiers/{d}/attachments",
        files=[("files", ("kiem-phieu.pdf", ballot)), ("files", ("sang-kien.pdf", certificate))],
        data={"kind": ["BALLOT_RESULT", "INITIATIVE_CERTIFICATION"], "note": "Bổ sung theo phiếu yêu cầu"},
        headers={**CLERK, "If-Match": '"2"'},
    )
    supplemented = ok(response)
    assert supplemented["status"] == "RECEIVED" and response.headers["ETag"] == '"3"'
    assert supplemented["attachments"][-2:] == [
        {
            "name": "kiem-phieu.pdf",
            "kind": "BALLOT_RESULT",
            "size": len(ballot),
            "sha256": hashlib.sha256(ballot).hexdigest(),
        },
        {
            "name": "sang-kien.pdf",
            "kind": "INITIATIVE_CERTIFICATION",
            "size": len(certificate),
            "sha256": hashlib.sha256(certificate).hexdigest(),
        },
    ]
    assert client.get(f"/attachments/{hashlib.sha256(ballot).hexdigest()}").content == ballot
    assert ok(act(client, d, "completeness-check", headers=SECRETARY))["status"] == "IN_APPRAISAL"


def test_a_multipart_supplement_needs_a_kind_per_file(client: TestClient) -> None:
    dossier = submit(client)
    response = client.post(
        f"/dossiers/{dossier['id']}/attachments", files=[("files", ("a.pdf", pdf("a")))], headers=CLERK
    )
    assert response.status_code == 422 and response.json()["errors"] == {"kind": "Trường này là bắt buộc."}
