"""Uploaded file names are sanitised before they are stored or sent back in a header."""

from __future__ import annotations

import pytest

from services.dossiers.uploads import MAX_NAME_CHARS, clean_name


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\lan\\to-trinh.pdf", "to-trinh.pdf"),
        ('bad\x00name\r\n".pdf', "badname.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("Tờ trình số 01.pdf", "Tờ trình số 01.pdf"),
        ("", ""),
    ],
)
def test_names_keep_only_a_printable_file_name(sent: str, kept: str) -> None:
    assert clean_name(sent) == kept


def test_a_long_name_is_cut_and_keeps_its_extension() -> None:
    name = clean_name("x" * 500 + ".docx")
    assert len(name) == MAX_NAME_CHARS and name.endswith(".docx")
