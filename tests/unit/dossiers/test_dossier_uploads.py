"""The attachment rules: accepted types judged by content, size limits written for a clerk."""

from __future__ import annotations

import io

import pytest

from services.dossiers.uploads import AcceptedFile, check_upload, clean_name, human_size


@pytest.mark.parametrize(
    ("size", "text"), [(20 * 1024 * 1024, "20 MB"), (1536 * 1024, "1,5 MB"), (64 * 1024, "64 KB"), (900, "900 byte")]
)
def test_sizes_are_written_with_a_decimal_comma(size: int, text: str) -> None:
    assert human_size(size) == text


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("C:\\Users\\van thu\\Tờ trình.pdf", "Tờ trình.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("  a.pdf ", "a.pdf"),
    ],
)
def test_only_the_file_s_own_name_is_kept(raw: str, name: str) -> None:
    assert clean_name(raw) == name


def test_an_accepted_file_is_rewound_for_storing() -> None:
    handle = io.BytesIO(b"%PDF-1.7 ...")
    assert check_upload("Báo cáo.PDF", handle, max_bytes=100) == AcceptedFile("Báo cáo.PDF", "application/pdf", 12)
    assert handle.tell() == 0


def test_a_file_without_a_name_is_refused() -> None:
    assert check_upload("", io.BytesIO(b"%PDF-"), max_bytes=100) == "Tệp không có tên."
