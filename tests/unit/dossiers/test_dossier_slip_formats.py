"""How dates and times are written on the printed slips."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.dossiers.slips import clock_time, day_word, dmy


def test_the_date_line_puts_a_zero_before_days_under_ten_and_before_january_and_february() -> None:
    assert day_word(date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert day_word(date(2024, 1, 31)) == "ngày 31 tháng 01 năm 2024"
    assert day_word(date(2024, 6, 17)) == "ngày 17 tháng 6 năm 2024"
    assert day_word(date(2024, 12, 3)) == "ngày 03 tháng 12 năm 2024"


def test_body_dates_are_day_month_year_and_instants_are_shown_in_vietnam_time() -> None:
    assert dmy(date(2024, 6, 3)) == "03/06/2024"
    assert dmy(None) == "…/…/……"
    late_evening_utc = datetime(2024, 6, 2, 18, 30, tzinfo=UTC)  # 01:30 on 3 June in Hà Nội
    assert dmy(late_evening_utc) == "03/06/2024"
    assert clock_time(late_evening_utc) == "01 giờ 30 phút, ngày 03/06/2024"


def test_after_the_district_level_ended_the_commune_receives_and_signs_the_slips() -> None:
    from datetime import date

    from services.dossiers.slips import Office
    from shared.reference.org_units import load_org_units

    units = load_org_units()
    office = Office.from_units(units, "UBND-THANH-OAI", desk="Bộ phận Một cửa", place="Thanh Oai")
    assert office.on(units, date(2024, 6, 3), "XA-BICH-HOA").authority == "Ủy ban nhân dân huyện Thanh Oai"
    assert office.on(units, date(2026, 11, 28), "XA-THANH-OAI-2025").authority == "Ủy ban nhân dân xã Thanh Oai"
