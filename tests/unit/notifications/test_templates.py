"""Every notice renders in Vietnamese with correct diacritics, dates as dd/mm/yyyy, from editable files."""

from __future__ import annotations

import re
import shutil
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from services.notifications import catalogue
from services.notifications.labels import COUNCIL_STANDARDS
from services.notifications.planning import Occurrence, Planner
from services.notifications.recipients import EMAIL
from services.notifications.reminders import ReminderRules, due_reminders
from services.notifications.templates import (
    PACKAGED_TEMPLATES_DIR,
    NoticeTemplates,
    TemplateSetupError,
    format_date,
    format_money,
    format_number,
    format_time,
)
from services.notifications.views import CampaignView, DossierView
from shared.workdays import WorkingCalendar
from tests.support import notification_events as events

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.IGNORECASE)


def reminder_occurrences() -> list[Occurrence]:
    today = date(2023, 6, 14)
    dossier = DossierView(
        events.DOSSIER_ID, "IN_APPRAISAL", date(2023, 6, 15), events.dossier().model_dump(mode="json")
    )
    late_snapshot = events.dossier(dossier_id="d-late", appointment=date(2023, 6, 9)).model_dump(mode="json")
    late = DossierView("d-late", "RECEIVED", date(2023, 6, 9), late_snapshot)
    ending = events.campaign(end=date(2023, 6, 20)).model_dump(mode="json")
    campaign = CampaignView(events.CAMPAIGN_ID, "launched", date(2023, 6, 20), False, ending)
    found = due_reminders(today, [dossier, late], [campaign], ReminderRules(), WorkingCalendar())
    return [Occurrence(r.event_id, r.kind, r.payload) for r in found]


def all_occurrences() -> list[Occurrence]:
    handled = [Occurrence(e.event_id, subject, events.payload(e)) for subject, e in events.ALL_HANDLED.items()]
    return handled + reminder_occurrences()


def test_samples_cover_every_event_type_the_catalogue_handles() -> None:
    covered = {o.event_type for o in all_occurrences()}
    assert covered == set(catalogue.handled_event_types())


@pytest.mark.parametrize("occurrence", all_occurrences(), ids=lambda o: o.event_type)
def test_every_notice_renders_in_vietnamese_with_dates_as_day_month_year(
    planner: Planner, occurrence: Occurrence
) -> None:
    emails = [p for p in planner.plan(occurrence) if p.channel == EMAIL]
    assert emails, f"no email planned for {occurrence.event_type}"
    for notice in emails:
        for text in (notice.subject, notice.body_text):
            assert VIETNAMESE.search(text), text
            assert unicodedata.normalize("NFC", text) == text
            assert not ISO_DATE.search(text), f"ISO date in {notice.template}: {text}"
            assert "None" not in text and "{{" not in text and "{%" not in text
        assert "\n" not in notice.subject
        assert notice.body_text.startswith(f"Kính gửi: {notice.recipient_name}.")


def test_every_template_the_catalogue_names_is_shipped(planner: Planner) -> None:
    used = set()
    for occurrence in all_occurrences():
        used |= {p.template for p in planner.plan(occurrence)}
    assert used == set(catalogue.required_templates())


def test_receipt_slip_gives_the_receipt_number_and_appointment_date(planner: Planner) -> None:
    event = events.dossier_submitted()
    [to_unit] = [
        p
        for p in planner.plan(Occurrence(event.event_id, event.subject, events.payload(event)))
        if p.channel == EMAIL and p.recipient == "PGDDT"
    ]
    assert to_unit.subject == (
        "Đã tiếp nhận hồ sơ đề nghị khen thưởng số 000.00.19.H26-230601-0007, hẹn trả kết quả ngày 15/06/2023"
    )
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in to_unit.body_text
    assert "- Ngày hẹn trả kết quả: 15/06/2023" in to_unit.body_text
    assert "- Hình thức nộp: Bộ phận Một cửa" in to_unit.body_text
    assert "1. Nguyễn Thị Hương, Giáo viên – Chiến sĩ thi đua cơ sở" in to_unit.body_text
    assert "- To-trinh-07.pdf (Tờ trình)" in to_unit.body_text
    assert to_unit.body_html is not None and "<strong>15/06/2023</strong>" in to_unit.body_html


def test_decision_lists_approvals_with_cash_rewards_and_rejections(planner: Planner) -> None:
    event = events.award_decided()
    [notice] = [
        p
        for p in planner.plan(Occurrence(event.event_id, event.subject, events.payload(event)))
        if p.channel == EMAIL and p.recipient == "PGDDT"
    ]
    assert notice.subject == "Quyết định khen thưởng số 125/QĐ-UBND ngày 12/06/2023"
    assert "1. Nguyễn Thị Hương – Chiến sĩ thi đua cơ sở; tiền thưởng 1.490.000 đồng" in notice.body_text
    assert "- Tổ Khoa học tự nhiên: Chưa đủ tỷ lệ hoàn thành xuất sắc nhiệm vụ" in notice.body_text


def test_supplement_request_lists_what_is_missing(planner: Planner) -> None:
    event = events.supplement_requested()
    notice = next(
        p for p in planner.plan(Occurrence(event.event_id, event.subject, events.payload(event))) if p.channel == EMAIL
    )
    assert notice.subject == "Yêu cầu bổ sung, hoàn thiện hồ sơ số 000.00.19.H26-230601-0007"
    assert "1. Biên bản bình xét\n2. Chứng nhận sáng kiến" in notice.body_text
    assert "tạm dừng từ ngày 01/06/2023" in notice.body_text


def test_council_vote_gives_the_share_of_the_whole_membership(planner: Planner) -> None:
    event = events.council_vote()
    notice = next(
        p for p in planner.plan(Occurrence(event.event_id, event.subject, events.payload(event))) if p.channel == EMAIL
    )
    assert notice.subject.endswith("Nguyễn Thị Hương – đạt")
    assert "- Tỷ lệ đồng ý: 88,9% tổng số thành viên (yêu cầu từ 80% trở lên)" in notice.body_text


def test_dates_times_and_money_read_the_vietnamese_way() -> None:
    assert format_date("2023-01-20") == "20/01/2023"
    assert format_date("2023-06-01T18:30:00Z") == "02/06/2023"  # 01:30 on the 2nd in Vietnam
    assert format_date(None) == ""
    assert format_time(datetime(2023, 6, 1, 2, 30, tzinfo=UTC)) == "09:30 ngày 01/06/2023"
    assert format_money(2_340_000) == "2.340.000 đồng"
    assert format_number(88.888) == "88,9"
    assert format_number("1.0") == "1"


def _copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(PACKAGED_TEMPLATES_DIR, folder)
    return folder


def test_a_missing_template_stops_the_start_with_its_name(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    (folder / "award_decided" / "subject.j2").unlink()
    with pytest.raises(TemplateSetupError, match=r"thiếu award_decided/subject\.j2"):
        NoticeTemplates(folder, catalogue.required_templates())


def test_a_broken_template_stops_the_start_with_the_line(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    (folder / "dossier_refused" / "body.txt.j2").write_text("Kính gửi {{ recipient.name }\n", encoding="utf-8")
    with pytest.raises(TemplateSetupError, match=r"lỗi cú pháp ở dossier_refused/body\.txt\.j2, dòng 1"):
        NoticeTemplates(folder, catalogue.required_templates())


def test_an_edited_template_is_used_without_code_changes(tmp_path: Path, contacts) -> None:  # type: ignore[no-untyped-def]
    from services.notifications.recipients import RecipientResolver

    folder = _copy_templates(tmp_path)
    (folder / "dossier_refused" / "subject.j2").write_text(
        "Phiếu từ chối giải quyết hồ sơ {{ dossier.receipt_number }}", encoding="utf-8"
    )
    edited = Planner(NoticeTemplates(folder, catalogue.required_templates()), RecipientResolver(contacts))
    event = events.refused(kind="ANNUAL_TITLE")
    [notice] = [
        p for p in edited.plan(Occurrence(event.event_id, event.subject, events.payload(event))) if p.channel == EMAIL
    ]
    assert notice.subject == "Phiếu từ chối giải quyết hồ sơ 000.00.19.H26-230601-0007"


def test_a_deciding_authority_given_by_unit_code_is_named_in_the_notice(contacts) -> None:  # type: ignore[no-untyped-def]
    from services.notifications.app import unit_name_lookup
    from services.notifications.recipients import RecipientResolver
    from shared.reference.org_units import load_org_units

    templates = NoticeTemplates(
        PACKAGED_TEMPLATES_DIR, catalogue.required_templates(), unit_name_lookup(load_org_units())
    )
    event = events.award_decided().model_copy(update={"authority": "UBND-THANH-OAI"})
    planned = Planner(templates, RecipientResolver(contacts)).plan(
        Occurrence(event.event_id, event.subject, events.payload(event))
    )
    notice = next(p for p in planned if p.channel == EMAIL)
    assert notice.body_text.splitlines()[2].startswith(
        "Ủy ban nhân dân huyện Thanh Oai đã ký Quyết định số 125/QĐ-UBND"
    )


def test_council_check_names_each_standard_in_words_and_says_what_a_standard_not_met_means(planner: Planner) -> None:
    """Where no record shows a standard, the council's check decides it (docs/domain.md); the
    proposing unit is told which standards, in the rule set's words, and from which minutes."""
    met = next(p for p in planner.plan(occurrence_of(events.council_check())) if p.channel == EMAIL)
    assert met.subject == "Hội đồng Thi đua – Khen thưởng xét tiêu chuẩn: Tổ Khoa học tự nhiên – đạt"
    assert "phiên họp ngày 08/06/2023 (Biên bản số 05/BB-HĐTĐKT)" in met.body_text
    assert "- Hội đồng xác nhận đạt:\n  + Có phong trào thi đua thường xuyên, thiết thực, hiệu quả" in met.body_text
    assert "không phải nộp thêm tài liệu" in met.body_text
    not_met = next(
        p for p in planner.plan(occurrence_of(events.council_check(not_confirmed=True))) if p.channel == EMAIL
    )
    assert not_met.subject.endswith("Tổ Khoa học tự nhiên – có tiêu chuẩn chưa đạt")
    assert "- Hội đồng xác nhận chưa đạt:" in not_met.body_text
    assert "- Lý do Hội đồng xét lại: Hội đồng họp lại sau ý kiến của Phòng Giáo dục" in not_met.body_text
    assert "liên hệ Phòng Nội vụ để Hội đồng xét lại" in not_met.body_text


def test_succession_tells_the_proposing_unit_who_decides_now_and_the_successor_what_it_took_over(
    planner: Planner,
) -> None:
    """NĐ 129/2025 Art. 59: the district ended on 30/6/2025; its pending dossier passes to the commune."""
    notices = {p.recipient: p for p in planner.plan(occurrence_of(events.passed_to_successor())) if p.channel == EMAIL}
    unit, successor = notices["XA-BICH-HOA"], notices["XA-BINH-MINH-2025"]
    assert unit.template == "dossier_passed_to_successor" and successor.template == "dossier_taken_over"
    assert unit.subject == "Hồ sơ số 000.00.19.H26-230601-0007 chuyển cho Ủy ban nhân dân xã Bình Minh (đơn vị kế thừa)"
    assert "Ủy ban nhân dân huyện Thanh Oai chấm dứt hoạt động sau ngày 30/06/2025" in unit.body_text
    assert "Ngày hẹn trả kết quả vẫn là ngày 10/07/2025" in unit.body_text
    assert "Lý do chuyển: Nghị quyết 1656/NQ-UBTVQH15" in unit.body_text
    assert successor.subject == (
        "Tiếp nhận giải quyết hồ sơ số 000.00.19.H26-230601-0007 từ Ủy ban nhân dân huyện Thanh Oai "
        "(đơn vị đã chấm dứt hoạt động)"
    )
    assert "- Trạng thái hiện tại: Đang thẩm định" in successor.body_text
    assert "- Đơn vị đề nghị: Ủy ban nhân dân xã Bích Hòa" in successor.body_text
    assert "hủy bỏ, thu hồi khen thưởng do đơn vị trước quyết định" in successor.body_text


def test_every_standard_the_council_checks_has_its_wording_as_the_rule_sets_give_it() -> None:
    """The event carries keys; the notice must say the standard in the dossiers' own words."""
    found: dict[str, str] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "council_check" in node and "text" in node:
                found[str(node["council_check"])] = str(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((Path(__file__).parents[3] / "services" / "dossiers" / "rulesets").glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert found and found == COUNCIL_STANDARDS


def occurrence_of(event) -> Occurrence:  # type: ignore[no-untyped-def]
    return Occurrence(event.event_id, event.subject, events.payload(event))


def test_a_signed_decision_is_announced_with_links_not_files(planner: Planner) -> None:
    event = events.document_signed()
    deliveries = planner.plan(Occurrence(event.event_id, event.subject, events.payload(event)))
    assert deliveries, "the proposing unit is told"
    body = deliveries[0].body_text
    assert "Quyết định khen thưởng số 125/QĐ-UBND" in body and "đã được ký số" in body
    assert f"https://tdkt.example/dossiers/{events.DOSSIER_ID}/signed-decision.pdf" in body
    assert f"https://tdkt.example/dossiers/{events.DOSSIER_ID}/certificates/n1.pdf" in body
    assert "ab" * 32 in body


def test_the_higher_levels_return_gives_its_reasons(planner: Planner) -> None:
    event = events.higher_level_result(awarded=False)
    (first, *_) = planner.plan(Occurrence(event.event_id, event.subject, events.payload(event)))
    assert "trả lại hồ sơ" in first.subject
    assert "Thiếu xác nhận của cơ quan thuế" in first.body_text
