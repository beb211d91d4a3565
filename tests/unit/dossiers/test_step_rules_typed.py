"""The aggregate takes typed values only (parsed at the edge), and still refuses every business
rule itself: one `DossierValidationError` with a Vietnamese message per field, nothing recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.errors import DossierValidationError
from tests.support.dossiers import SECRETARY, calendar, given_in_appraisal, next_moment, rules, then_events

R = rules("2024-nd98")


def concurrence(d: Dossier, **given: Any) -> None:
    fields = {"department": "Phòng Tư pháp", "agrees": True, "opinion": ""} | given
    d.record_concurrence(**fields, actor=SECRETARY, at=next_moment(d))


def disclosure(d: Dossier, **given: Any) -> None:
    fields = {"where": "Bảng tin UBND huyện", "from_date": date(2024, 6, 5), "to_date": date(2024, 6, 10)} | given
    d.disclose_publicly(**fields, actor=SECRETARY, at=next_moment(d))


def vote(d: Dossier, **given: Any) -> None:
    fields = {"nominee_id": "n2", "members_total": 9, "votes_for": 7, "votes_against": 2, "absent_in_writing": 0}
    d.record_council_vote(rules=R, **(fields | given), actor=SECRETARY, at=next_moment(d))


def extension(d: Dossier, **given: Any) -> None:
    fields = {"new_date": date(2024, 6, 28), "reason": "Chờ ý kiến hiệp y"} | given
    d.extend_deadline(calendar=calendar(), **fields, actor=SECRETARY, at=next_moment(d))


def council_check(d: Dossier, **given: Any) -> None:
    fields = {"nominee_ids": ["n1"], "confirmed": [], "meeting_date": date(2024, 6, 5), "minutes_ref": "BB 01"} | given
    d.record_council_check(rules=R, **fields, actor=SECRETARY, at=next_moment(d))


REFUSED: list[tuple[Callable[..., None], dict[str, Any], dict[str, str]]] = [
    (concurrence, {"agrees": False, "opinion": "  "}, {"opinion": "Bắt buộc nhập."}),
    (concurrence, {"department": " "}, {"department": "Bắt buộc nhập."}),
    (disclosure, {"to_date": date(2024, 6, 4)}, {"to_date": "Ngày kết thúc không được trước ngày bắt đầu."}),
    (disclosure, {"where": ""}, {"where": "Bắt buộc nhập."}),
    (
        vote,
        {"votes_for": 8, "votes_against": 3},
        {"votes_for": "Tổng số phiếu đồng ý và không đồng ý vượt quá tổng số thành viên Hội đồng."},
    ),
    (
        vote,
        {"members_total": 0, "votes_for": 0, "votes_against": 0},
        {"members_total": "Phải là số nguyên không nhỏ hơn 1."},
    ),
    (
        vote,
        {"absent_in_writing": 10},
        {"absent_in_writing": "Số thành viên vắng mặt bỏ phiếu bằng văn bản vượt quá số phiếu đã bỏ."},
    ),
    (extension, {"new_date": date(2024, 6, 22)}, {"new_date": "Ngày hẹn mới phải là ngày làm việc."}),
    (extension, {"reason": " "}, {"reason": "Phải nêu lý do."}),
    (
        council_check,
        {"meeting_date": date(2030, 1, 1)},
        {
            "meeting_date": "Ngày họp không được sau ngày ghi nhận.",
            "confirmed": "Phải nêu tiêu chuẩn Hội đồng đã xác nhận (hoặc chưa xác nhận).",
        },
    ),
]


@pytest.mark.parametrize(
    ("step", "given", "errors"), REFUSED, ids=[f"{s.__name__}-{i}" for i, (s, _, _) in enumerate(REFUSED)]
)
def test_a_business_rule_broken_with_typed_values_is_refused_and_nothing_happens(
    step: Callable[..., None], given: dict[str, Any], errors: dict[str, str]
) -> None:
    dossier = given_in_appraisal()
    with pytest.raises(DossierValidationError) as raised:
        step(dossier, **given)
    assert raised.value.field_errors == errors
    then_events(dossier)


@pytest.mark.parametrize("step", [concurrence, disclosure, vote, extension])
def test_the_same_steps_with_valid_typed_values_are_recorded(step: Callable[..., None]) -> None:
    dossier = given_in_appraisal()
    step(dossier)
    assert len(dossier.collect_events()) == 1
