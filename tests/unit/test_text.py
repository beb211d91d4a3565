"""Accent-insensitive Vietnamese search."""

from __future__ import annotations

import unicodedata

from shared.text import fold_vietnamese, matches


def test_fold_lowercases_strips_diacritics_and_collapses_spaces() -> None:
    assert (
        fold_vietnamese("  Toàn dân chung sức   xây dựng\tNông thôn MỚI ")
        == "toan dan chung suc xay dung nong thon moi"
    )


def test_fold_maps_d_with_stroke() -> None:
    assert fold_vietnamese("Đỗ Động, đường") == "do dong, duong"


def test_fold_gives_the_same_text_for_composed_and_decomposed_input() -> None:
    text = "Thanh Thùy, Dân Hòa, Tân Ước"
    assert (
        fold_vietnamese(unicodedata.normalize("NFD", text)) == fold_vietnamese(text) == "thanh thuy, dan hoa, tan uoc"
    )


def test_query_without_accents_finds_text_with_accents() -> None:
    assert matches("nong thon moi", "Toàn dân chung sức xây dựng Nông thôn mới")


def test_query_with_accents_finds_text() -> None:
    assert matches("nông thôn", "Toàn dân chung sức xây dựng Nông thôn mới")


def test_every_query_word_must_appear_in_some_field() -> None:
    assert matches("moi phong", "Nông thôn mới", "PHONG KINH TẾ")
    assert not matches("nong thon moi ha noi", "Nông thôn mới")


def test_words_may_be_typed_partly_and_punctuation_is_ignored() -> None:
    assert matches("kh-ubnd 15", "Kế hoạch số 15/KH-UBND")
    assert matches("cai cach", "Đẩy mạnh cải cách hành chính")


def test_empty_query_matches_and_missing_fields_are_skipped() -> None:
    assert matches("", "bất kỳ")
    assert matches("y te", None, "Phòng Y tế")
