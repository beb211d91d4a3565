"""The package a unit sends upward (khen cao): a zip with every document in Word and PDF and a
JSON manifest that lists each file with its SHA-256 (QĐ 311/QĐ-BNV 2025: the national e-dossier
system takes a dossier's documents as Word and PDF files).

Pure: it takes the files already made and lays them out; `manifest.json` is written last and
lists every other entry of the zip, so a receiver can check the package is whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from unidecode import unidecode

from services.dossiers.documents.records import PackageFile

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = "tdkt.forwarding-package.v1"
WORD_FORMATS = ("docx", "doc")


@dataclass(frozen=True)
class PackageEntry:
    """One file to put in the package."""

    folder: str
    stem: str
    title: str
    kind: str
    format: str
    data: bytes


def slug(text: str) -> str:
    """`Tờ trình số 15` → `to-trinh-so-15`: ASCII names every unzip tool handles."""
    return re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-") or "tep"


def file_format(name: str, data: bytes) -> str:
    """pdf, docx, doc, jpg, png, xlsx, or the name's extension: from the content first."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if data.startswith(b"PK"):
        lower = name.lower()
        return "xlsx" if lower.endswith(".xlsx") else "docx"
    if data.startswith(b"\xff\xd8"):
        return "jpg"
    if data.startswith(b"\x89PNG"):
        return "png"
    return name.rsplit(".", 1)[-1].lower() if "." in name else "bin"


def build_package(
    entries: Sequence[PackageEntry], manifest: Mapping[str, Any], *, generated_at: datetime
) -> tuple[bytes, list[PackageFile]]:
    """The zip and the list of its files (without the manifest, which lists them)."""
    files: list[PackageFile] = []
    buffer = io.BytesIO()
    stamp = generated_at.timetuple()[:6]
    seen: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            path = f"{entry.folder}/{entry.stem}.{entry.format}"
            n = 2
            while path in seen:
                path = f"{entry.folder}/{entry.stem}-{n}.{entry.format}"
                n += 1
            seen.add(path)
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entry.data)
            files.append(
                PackageFile(
                    path=path,
                    title=entry.title,
                    kind=entry.kind,
                    format=entry.format,
                    sha256=hashlib.sha256(entry.data).hexdigest(),
                    size=len(entry.data),
                )
            )
        document = {
            "schema": MANIFEST_SCHEMA,
            **manifest,
            "generated_at": generated_at.isoformat(),
            "files": [f.as_dict() for f in files],
        }
        info = zipfile.ZipInfo(MANIFEST, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, json.dumps(document, ensure_ascii=False, indent=2, default=str))
    return buffer.getvalue(), files
