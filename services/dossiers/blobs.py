"""Attachment files, content-addressed by SHA-256.

Events record only an attachment's name, kind, size and SHA-256 (`model.Attachment`); the bytes
live here, under their hash. Content addressing makes an upload idempotent (the same file twice is
one blob), lets anyone verify a download against the dossier's record, and needs no delete: a
blob no event refers to is harmless.

Two backends behind one interface: a folder (the embedded default, under var/) and any
S3-compatible store. The S3 backend needs `boto3`, which is not a dependency of this project
yet; choosing it without boto3 installed fails at start-up with a clear message.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import quote, unquote

CHUNK = 1024 * 1024
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int
    content_type: str
    name: str
    """The name the file had when it was first stored; a dossier keeps its own name for it."""


class BlobNotFound(LookupError):
    def __init__(self, sha256: str) -> None:
        super().__init__(f"Không tìm thấy tệp có mã băm SHA-256 {sha256}.")
        self.sha256 = sha256


class BlobStoreUnavailable(RuntimeError):
    """The configured backend cannot work here (e.g. S3 without boto3)."""


class BlobStore(Protocol):
    def put(self, source: BinaryIO, *, name: str, content_type: str) -> BlobInfo:
        """Store the bytes read from `source` (from its current position); idempotent."""
        ...

    def info(self, sha256: str) -> BlobInfo | None: ...

    def open(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes in chunks; raises `BlobNotFound`."""
        ...

    def check(self) -> None:
        """Raise if the store cannot be used (readiness)."""
        ...


def is_sha256(value: str) -> bool:
    return bool(SHA256_HEX.match(value))


def _hash_into(source: BinaryIO, sink: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        sink.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class FolderBlobStore:
    """`<root>/<ab>/<abcdef…>` plus a small JSON sidecar with the content type and first name.

    A blob is written to a temporary file in the same folder tree and renamed into place, so a
    reader never sees half a file and two writers of the same content both succeed.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "tmp").mkdir(exist_ok=True)

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def _meta_path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.json"

    def put(self, source: BinaryIO, *, name: str, content_type: str) -> BlobInfo:
        fd, tmp_name = tempfile.mkstemp(dir=self.root / "tmp")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as sink:
                sha256, size = _hash_into(source, sink)
            target = self._path(sha256)
            target.parent.mkdir(exist_ok=True)
            existing = self.info(sha256)
            if existing is not None and target.exists():
                return existing
            os.replace(tmp, target)
            info = BlobInfo(sha256, size, content_type, name)
            self._write_meta(info)
            return info
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def _write_meta(self, info: BlobInfo) -> None:
        meta = self._meta_path(info.sha256)
        fd, tmp_name = tempfile.mkstemp(dir=self.root / "tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(info), handle, ensure_ascii=False)
        os.replace(tmp_name, meta)

    def info(self, sha256: str) -> BlobInfo | None:
        if not is_sha256(sha256):
            return None
        meta = self._meta_path(sha256)
        if not meta.exists() or not self._path(sha256).exists():
            return None
        return BlobInfo(**json.loads(meta.read_text(encoding="utf-8")))

    def open(self, sha256: str) -> Iterator[bytes]:
        if self.info(sha256) is None:
            raise BlobNotFound(sha256)
        path = self._path(sha256)

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    yield chunk

        return chunks()

    def check(self) -> None:
        if not os.access(self.root / "tmp", os.W_OK):
            raise BlobStoreUnavailable(f"Không ghi được vào thư mục lưu tệp {self.root}.")


class S3BlobStore:
    """Blobs in an S3-compatible bucket under `<prefix><sha256>`, name and type as metadata.

    Not exercised by the tests (boto3 is not installed in this project); written against the
    boto3 client API (`put_object`, `head_object`, `get_object`, `head_bucket`).
    """

    def __init__(self, bucket: str, *, prefix: str = "", endpoint_url: str | None = None, region: str | None = None):
        try:
            import boto3  # type: ignore[import-not-found]
        except ImportError as exc:
            raise BlobStoreUnavailable(
                "Kho tệp S3 cần gói boto3 (pip install boto3); chưa cài, hãy dùng TDKT_DOSSIERS_BLOB_BACKEND=folder."
            ) from exc
        if not bucket:
            raise BlobStoreUnavailable("Chưa cấu hình TDKT_DOSSIERS_S3_BUCKET cho kho tệp S3.")
        self.bucket, self.prefix = bucket, prefix
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def _key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256}"

    def put(self, source: BinaryIO, *, name: str, content_type: str) -> BlobInfo:
        with tempfile.TemporaryFile() as spool:
            sha256, size = _hash_into(source, spool)
            existing = self.info(sha256)
            if existing is not None:
                return existing
            spool.seek(0)
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(sha256),
                Body=spool,
                ContentType=content_type,
                Metadata={"name": quote(name), "sha256": sha256},
            )
        return BlobInfo(sha256, size, content_type, name)

    def info(self, sha256: str) -> BlobInfo | None:
        if not is_sha256(sha256):
            return None
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except self.client.exceptions.ClientError:
            return None
        name = unquote((head.get("Metadata") or {}).get("name", sha256))
        return BlobInfo(sha256, int(head["ContentLength"]), head.get("ContentType", "application/octet-stream"), name)

    def open(self, sha256: str) -> Iterator[bytes]:
        if self.info(sha256) is None:
            raise BlobNotFound(sha256)
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"]
        return iter(lambda: body.read(CHUNK), b"")

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)


def open_blob_store(settings: Any) -> BlobStore:
    """The backend the settings choose (`DossiersSettings.dossiers_blob_backend`)."""
    if settings.dossiers_blob_backend == "s3":
        return S3BlobStore(
            settings.dossiers_s3_bucket,
            prefix=settings.dossiers_s3_prefix,
            endpoint_url=settings.dossiers_s3_endpoint_url,
            region=settings.dossiers_s3_region,
        )
    return FolderBlobStore(settings.blob_dir())
