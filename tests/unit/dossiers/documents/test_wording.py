"""The wording of administrative documents: dates, numbers, money in words (NĐ 30/2020 Phụ lục I)."""

from __future__ import annotations

from datetime import date

import pytest

from services.dossiers.documents import wording as w
from services.dossiers.documents.context import legal_bases
from services.dossiers.domain.rules import RuleBook


def test_the_date_line_puts_a_zero_before_days_under_ten_and_months_one_and_two() -> None:
    assert w.date_line("Thanh Oai", date(2026, 2, 5), 2026) == "Thanh Oai, ngày 05 tháng 02 năm 2026"
    assert w.date_line("Thanh Oai", date(2025, 9, 3), 2025) == "Thanh Oai, ngày 03 tháng 9 năm 2025"
    assert w.date_line("Thanh Oai", date(2025, 11, 20), 2025) == "Thanh Oai, ngày 20 tháng 11 năm 2025"
    draft = w.date_line("Thanh Oai", None, 2025)
    assert draft.startswith("Thanh Oai, ngày") and draft.endswith("năm 2025") and "tháng" in draft


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (710_000, "Bảy trăm mười nghìn đồng"),
        (1_410_000, "Một triệu bốn trăm mười nghìn đồng"),
        (2_340_000, "Hai triệu ba trăm bốn mươi nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (21_000_000, "Hai mươi mốt triệu đồng"),
        (125_450_000, "Một trăm hai mươi lăm triệu bốn trăm năm mươi nghìn đồng"),
        (1_000_024_000, "Một tỷ không trăm hai mươi tư nghìn đồng"),
    ],
)
def test_a_total_is_written_in_words_as_decisions_write_it(amount: int, words: str) -> None:
    assert w.vnd_in_words(amount) == words


def test_money_has_dots_between_thousands() -> None:
    assert (w.money(1_410_000), w.money(None)) == ("1.410.000", "")


def test_the_abstract_names_titles_as_titles_and_recognises_cultural_ones() -> None:
    assert w.subject_line(["CERTIFICATE_OF_MERIT"]) == "Về việc tặng Giấy khen"
    assert w.subject_line(["ADVANCED_WORKER"]) == "Về việc tặng danh hiệu “Lao động tiên tiến”"
    assert w.subject_line(["CULTURAL_FAMILY"]).startswith("Về việc công nhận danh hiệu")


def test_the_bases_cite_every_text_of_the_rule_set_the_last_with_a_full_stop() -> None:
    lines = legal_bases(RuleBook.load().get("2025-nd152"))
    assert lines[0] == "Căn cứ Luật Tổ chức chính quyền địa phương;"
    assert lines[1] == "Căn cứ Luật Thi đua, khen thưởng;"
    assert "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025" in lines[2]
    assert "129/2025/NĐ-CP" in lines[3] and lines[3].endswith(".")
    assert all(line.endswith(";") for line in lines[:-1])
    assert any("98/2023/NĐ-CP" in line for line in legal_bases(RuleBook.load().get("2024-nd98")))
