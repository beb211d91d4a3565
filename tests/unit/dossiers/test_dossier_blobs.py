"""The folder blob store: content-addressed, idempotent, never a half-written file."""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import pytest

from services.dossiers.blobs import BlobNotFound, BlobStoreUnavailable, FolderBlobStore, S3BlobStore


def test_a_blob_is_stored_under_its_sha256_and_read_back(tmp_path: Path) -> None:
    store = FolderBlobStore(tmp_path)
    data = b"%PDF-1.4 " + b"x" * 3_000_000  # larger than one read chunk
    info = store.put(io.BytesIO(data), name="Báo cáo.pdf", content_type="application/pdf")
    assert info.sha256 == hashlib.sha256(data).hexdigest() and info.size == len(data)
    assert b"".join(store.open(info.sha256)) == data
    assert store.info(info.sha256) == info
    assert list((tmp_path / "tmp").iterdir()) == []  # no temporary file left behind
    store.check()


def test_storing_the_same_content_again_keeps_the_first_name(tmp_path: Path) -> None:
    store = FolderBlobStore(tmp_path)
    first = store.put(io.BytesIO(b"same"), name="a.pdf", content_type="application/pdf")
    second = store.put(io.BytesIO(b"same"), name="b.pdf", content_type="application/pdf")
    assert second == first
    assert list((tmp_path / "tmp").iterdir()) == []


def test_an_unknown_or_malformed_hash_is_not_found(tmp_path: Path) -> None:
    store = FolderBlobStore(tmp_path)
    assert store.info("0" * 64) is None and store.info("../../etc/passwd") is None
    with pytest.raises(BlobNotFound, match="Không tìm thấy tệp"):
        store.open("0" * 64)


def test_the_s3_backend_says_it_needs_boto3_when_it_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # as on a machine without boto3: import fails
    with pytest.raises(BlobStoreUnavailable, match="boto3"):
        S3BlobStore("tdkt-dossiers")
