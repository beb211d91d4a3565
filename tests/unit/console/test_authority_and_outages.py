"""What the console says about who signs, about each refusal of who may sign, and about a service
that cannot take commands for a while; and which dossier steps it offers, to whom."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader

from services.console import formatting
from services.console.authority import REFUSAL_HELP, refusal_help, signer_view
from services.console.clients import ServiceError, ServiceUnavailable
from services.console.pages import field_id, form_status
from services.console.roles import may_pass_in_bulk, may_step
from services.console.views.dossiers import nominee_rows, offered_steps, received_message

TODAY = date(2026, 12, 3)
UNITS: dict[str, dict[str, Any]] = {
    "XA-THANH-OAI-2025": {
        "code": "XA-THANH-OAI-2025",
        "name": "Ủy ban nhân dân xã Thanh Oai",
        "award_power": "Chủ tịch Ủy ban nhân dân cấp xã",
        "award_power_article": "khoản 3 Điều 80 Luật Thi đua, khen thưởng 2022",
        "valid_to": None,
        "successors": [],
    },
    "XA-DAN-HOA-2025": {
        "code": "XA-DAN-HOA-2025",
        "name": "Ủy ban nhân dân xã Dân Hòa",
        "award_power": "Chủ tịch Ủy ban nhân dân cấp xã",
        "valid_to": "2026-12-01",
        "successors": ["XA-THANH-OAI-2025"],
    },
    "PKT": {"code": "PKT", "name": "Phòng Kinh tế", "award_power": None, "valid_to": "2025-06-30", "successors": []},
}


class Units:
    """The unit catalogue as the campaigns service lists it, without the HTTP call."""

    def name(self, code: str | None) -> str:
        return UNITS[code]["name"] if code in UNITS else (code or "")

    def get(self, code: str | None) -> dict[str, Any] | None:
        return UNITS.get(code or "")

    def ended(self, code: str | None, on: date | None = None) -> date | None:
        unit = UNITS.get(code or "")
        if not unit or not unit["valid_to"]:
            return None
        last = date.fromisoformat(unit["valid_to"])
        return last if last < (on or TODAY) else None

    def successors(self, code: str | None) -> list[tuple[str, str]]:
        return [(c, self.name(c)) for c in (UNITS.get(code or "") or {}).get("successors", [])]


def dossier(**fields: Any) -> dict[str, Any]:
    return {
        "id": "d1",
        "status": "IN_APPRAISAL",
        "received_on": "2026-11-20",
        "deciding_authority": "XA-THANH-OAI-2025",
        "successions": [],
        "escalation_reason": None,
        "nominees": [{"nominee_id": "n1", "name": "Hợp tác xã", "award": "CERTIFICATE_OF_MERIT"}],
        **fields,
    }


def test_the_signer_is_the_person_s_own_unit_with_its_power_from_the_data() -> None:
    view = signer_view(dossier(), "XA-THANH-OAI-2025", Units(), TODAY)
    assert view.name == "Ủy ban nhân dân xã Thanh Oai" and not view.warnings
    assert "Hồ sơ đang thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã Thanh Oai" in view.reasons[0]
    assert "20/11/2026" in view.reasons[0]
    assert "Chủ tịch Ủy ban nhân dân cấp xã (khoản 3 Điều 80" in view.reasons[1]


def test_a_unit_without_award_power_and_a_dossier_of_another_unit_are_warned_of_before_signing() -> None:
    """Law Art. 80: a district office proposes; it has no award power of its own."""
    office = signer_view(dossier(), "PKT", Units(), TODAY)
    assert any("Phòng Kinh tế không có thẩm quyền khen thưởng" in w for w in office.warnings)
    assert any("không phải của Phòng Kinh tế" in w for w in office.warnings)


def test_a_successor_signs_for_an_ended_unit_and_the_ended_unit_is_told_to_pass_the_dossier_on() -> None:
    ended = dossier(deciding_authority="XA-DAN-HOA-2025")
    successor = signer_view(ended, "XA-THANH-OAI-2025", Units(), TODAY)
    assert not successor.warnings
    assert any("là đơn vị kế thừa" in r and "01/12/2026" in r for r in successor.reasons)
    own = signer_view(ended, "XA-DAN-HOA-2025", Units(), TODAY)
    assert any("chuyển hồ sơ cho đơn vị kế thừa trước khi ký" in w for w in own.warnings)
    passed = dossier(successions=[{"from": "XA-DAN-HOA-2025", "to": "XA-THANH-OAI-2025", "ended_on": "2026-12-01"}])
    assert (
        "chuyển từ Ủy ban nhân dân xã Dân Hòa (chấm dứt hoạt động sau ngày 01/12/2026)"
        in (signer_view(passed, "XA-THANH-OAI-2025", Units(), TODAY).reasons[0])
    )


def test_an_escalated_thematic_dossier_shows_its_reason_and_an_annulment_names_who_decided() -> None:
    escalated = dossier(escalation_reason="Thành tích có phạm vi ảnh hưởng toàn huyện")
    assert any(
        "«Thành tích có phạm vi ảnh hưởng toàn huyện»" in r
        for r in signer_view(escalated, "XA-THANH-OAI-2025", Units(), TODAY).reasons
    )
    decided = dossier(status="AWARDED", decision={"number": "1/QĐ-UBND", "authority": "XA-THANH-OAI-2025"})
    view = signer_view(decided, "XA-THANH-OAI-2025", Units(), TODAY, annulment=True)
    assert view.reasons[0] == "Quyết định số 1/QĐ-UBND do Ủy ban nhân dân xã Thanh Oai ký."


@pytest.mark.parametrize(
    "code", ["no_award_power", "authority_not_in_office", "not_deciding_authority", "thematic_not_escalated"]
)
def test_each_refusal_of_who_may_sign_has_a_vietnamese_way_forward(code: str) -> None:
    text, _ = REFUSAL_HELP[code]
    assert text and text[0].isupper()
    assert refusal_help("authority_not_in_office") == (REFUSAL_HELP["authority_not_in_office"][0], "successor")
    assert refusal_help("unknown_code") is None and refusal_help(None) is None


def render(problem: ServiceError) -> str:
    env = Environment(loader=FileSystemLoader(Path(formatting.__file__).with_name("templates")), autoescape=True)
    formatting.install(env)
    env.globals["field_id"] = field_id
    template = env.from_string('{% import "macros.html" as m with context %}{{ m.error_summary() }}')
    return template.render(problem=problem, errors=problem.errors)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("event_store_behind", "thiếu dữ liệu so với lịch sử sự kiện đã phát hành"),
        ("event_store_unchecked", "chưa đối chiếu được kho dữ liệu với luồng sự kiện"),
        ("database_unavailable", "Cơ sở dữ liệu của dịch vụ hồ sơ khen thưởng tạm thời không truy cập được"),
    ],
)
def test_a_503_is_an_outage_banner_that_says_why_and_that_the_form_is_kept(code: str, words: str) -> None:
    problem = ServiceError(503, "Dịch vụ trả lời 503.", code=code, service="hồ sơ khen thưởng")
    assert problem.is_outage and form_status(problem) == 503
    page = render(problem)
    assert words in page and "Những gì bạn đã nhập vẫn còn nguyên" in page and 'id="loi"' in page
    down = ServiceUnavailable(503, "Không kết nối được dịch vụ hồ sơ khen thưởng.", service="hồ sơ khen thưởng")
    assert "khởi động lại hoặc tạm ngừng" in render(down)
    refused = ServiceError(409, "Không thể quyết định.", code="invalid_transition")
    assert not refused.is_outage and form_status(refused) == 422
    assert "Những gì bạn đã nhập" not in render(refused)


def test_steps_offered_follow_the_state_the_role_and_whether_the_deciding_unit_ended() -> None:
    class Clerk:
        role = "council_secretariat"

    class Chairman:
        role = "chairman"

    keys = [s.key for s in offered_steps(dossier(), Clerk(), Units())]  # type: ignore[arg-type]
    assert "council-checks" in keys and "successor" not in keys and "decision" not in keys
    ended = dossier(deciding_authority="XA-DAN-HOA-2025")
    assert "successor" in [s.key for s in offered_steps(ended, Clerk(), Units())]  # type: ignore[arg-type]
    assert "successor" in [s.key for s in offered_steps(ended, Chairman(), Units())]  # type: ignore[arg-type]
    assert may_step("council_member", "council-checks") and not may_step("desk_clerk", "successor")
    assert may_pass_in_bulk("council_secretariat") and may_pass_in_bulk("administrator")
    assert not may_pass_in_bulk("desk_clerk")


def test_nominee_rows_carry_the_councils_check_every_vote_round_and_the_priority_to_women() -> None:
    d = dossier(
        required_council_checks={"n1": [{"key": "certificate_merit", "text": "Gương mẫu chấp hành"}]},
        council_checks={
            "n1": {
                "confirmed": ["certificate_merit"],
                "not_confirmed": [],
                "meeting_date": "2026-11-25",
                "minutes_ref": "05/BB",
                "round": 2,
                "reason": "Họp lại",
            }
        },
        appraisals={"n1": {"passed": True, "failures": [], "notes": ["Ưu tiên khi có nhiều đối tượng … nữ"]}},
        votes={"n1": {"ballot_round": 2}},
        vote_history={"n1": [{"ballot_round": 1}, {"ballot_round": 2}]},
    )
    row = nominee_rows(d)[0]
    assert row["council_check"]["confirmed_text"] == ["Gương mẫu chấp hành"]
    assert [v["ballot_round"] for v in row["vote_rounds"]] == [1, 2]
    assert row["priority"] == ["Ưu tiên khi có nhiều đối tượng … nữ"]


def test_the_desk_is_told_from_when_the_deadline_counts_and_why_no_appointment_yet() -> None:
    """A receipt outside working time counts from the next working day; the appointment is set
    once the dossier is complete (docs/domain.md)."""
    late = {"receipt_number": "000007/2026/TN", "received_on": "2026-12-05", "counted_from": "2026-12-07"}
    assert "thời hạn tính từ ngày 07/12/2026" in received_message({**late, "appointment_date": "2026-12-28"})
    assert "hẹn trả kết quả ngày 28/12/2026" in received_message({**late, "appointment_date": "2026-12-28"})
    incomplete = received_message({**late, "counted_from": "2026-12-05", "appointment_date": None})
    assert "chưa hẹn trả kết quả" in incomplete and "thời hạn tính từ khi hồ sơ đầy đủ" in incomplete
