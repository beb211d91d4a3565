"""What the dossiers service accepts as an attachment file: the type and size rules.

Only the formats a dossier is forwarded in (word + pdf, for dossiers forwarded upward) and the usual scans
and tables: PDF, DOC/DOCX, JPG/PNG, XLSX. The type is judged by the file's extension AND its
first bytes (or, for the Office formats, the parts inside the zip), so a renamed executable is
refused; the declared Content-Type of the upload is not trusted. Messages are in Vietnamese,
for the clerk who picked the file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

ACCEPTED = "PDF, DOC, DOCX, JPG, PNG, XLSX"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip_with(part: str) -> Callable[[BinaryIO, bytes], bool]:
    def check(handle: BinaryIO, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as archive:
                return part in archive.namelist()
        except zipfile.BadZipFile:
            return False

    return check


def _starts(*magics: bytes) -> Callable[[BinaryIO, bytes], bool]:
    return lambda _handle, head: head.startswith(magics)


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    matches: Callable[[BinaryIO, bytes], bool]


FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType("PDF", "application/pdf", _starts(b"%PDF-")),
    ".doc": FileType("DOC", "application/msword", _starts(OLE2)),
    ".docx": FileType(
        "DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_with("word/document.xml"),
    ),
    ".xlsx": FileType(
        "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip_with("xl/workbook.xml")
    ),
    ".jpg": FileType("JPG", "image/jpeg", _starts(b"\xff\xd8\xff")),
    ".jpeg": FileType("JPG", "image/jpeg", _starts(b"\xff\xd8\xff")),
    ".png": FileType("PNG", "image/png", _starts(b"\x89PNG\r\n\x1a\n")),
}


def human_size(size: int) -> str:
    """`20 MB`, `1,5 MB`, `64 KB`: how a clerk reads a limit (Vietnamese decimal comma)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            text = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
    return f"{size} byte"


@dataclass(frozen=True)
class AcceptedFile:
    name: str
    content_type: str
    size: int


MAX_NAME_CHARS = 200


def clean_name(filename: str | None) -> str:
    """The file's own name, without any folder a browser may send, control characters, quotes
    (it goes into a Content-Disposition header) or more than 200 characters (extension kept)."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '"<>|*?:').strip().lstrip(".")
    if len(name) > MAX_NAME_CHARS:
        suffix = PurePath(name).suffix[:10]
        name = name[: MAX_NAME_CHARS - len(suffix)] + suffix
    return name


def check_upload(filename: str | None, handle: BinaryIO, *, max_bytes: int) -> AcceptedFile | str:
    """The accepted file, or a Vietnamese message saying why it is refused.

    `handle` must be seekable (FastAPI spools uploads to a temporary file); it is left at 0.
    """
    name = clean_name(filename)
    if not name:
        return "Tệp không có tên."
    file_type = FILE_TYPES.get(PurePath(name).suffix.lower())
    if file_type is None:
        return f"Định dạng tệp không được chấp nhận; chỉ nhận {ACCEPTED}."
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    if size == 0:
        return "Tệp rỗng."
    if size > max_bytes:
        return f"Tệp vượt quá dung lượng tối đa {human_size(max_bytes)}."
    head = handle.read(16)
    matched = file_type.matches(handle, head)
    handle.seek(0)
    if not matched:
        return f"Nội dung tệp không đúng định dạng {file_type.label} như phần mở rộng của tên tệp."
    return AcceptedFile(name, file_type.content_type, size)
