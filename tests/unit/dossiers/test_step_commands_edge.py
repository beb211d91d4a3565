"""The step commands' fields are parsed once, at the edge, by their request models: each problem a
Vietnamese message under its field, answered by the one 422 handler; what comes out is typed
(dates, whole numbers, enum members, stripped text) for the use case.

No HTTP here: the models are validated directly and their errors go through the same function the
service's 422 handler uses (`shared.http.problems.request_field_errors`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from services.dossiers.documents.records import HigherLevelOutcome
from services.dossiers.domain.values import AnnulmentGround
from services.dossiers.http.documents import HigherResultIn
from services.dossiers.http.steps import (
    AnnulmentIn,
    ConcurrenceIn,
    CouncilCheckIn,
    CouncilVoteIn,
    DecisionIn,
    DisclosureIn,
    ExtensionIn,
    ReasonIn,
    RecoveryIn,
)
from shared.http.problems import request_field_errors

REQUIRED = "Bắt buộc nhập."
BAD_DAY = "Ngày không hợp lệ (định dạng YYYY-MM-DD)."
VOTE = {"nominee_id": "n2", "members_total": 9, "votes_for": 7, "votes_against": 2, "absent_in_writing": 0}


def errors_of(model: type[BaseModel], body: dict[str, Any]) -> dict[str, str]:
    """What the service answers in its 422 `errors` for this body."""
    with pytest.raises(ValidationError) as raised:
        model.model_validate(body)
    wrapped = RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in raised.value.errors()])
    return request_field_errors(wrapped).field_errors


INVALID: list[tuple[type[BaseModel], dict[str, Any], dict[str, str]]] = [
    (ConcurrenceIn, {"agrees": False}, {"department": REQUIRED, "opinion": REQUIRED}),
    (ConcurrenceIn, {"department": "Phòng Tư pháp"}, {"agrees": "Phải là đúng/sai (true/false).", "opinion": REQUIRED}),
    (ConcurrenceIn, {"department": "  ", "agrees": True}, {"department": REQUIRED}),
    (ConcurrenceIn, {"department": 12, "agrees": True}, {"department": "Phải là chuỗi ký tự."}),
    (
        DisclosureIn,
        {"where": "Bảng tin", "from_date": "2024-06-31"},
        {"from_date": BAD_DAY, "to_date": REQUIRED},
    ),
    (
        DisclosureIn,
        {"from_date": 20240601, "to_date": "2024-06-10"},
        {"where": REQUIRED, "from_date": "Phải là chuỗi ký tự."},
    ),
    (CouncilVoteIn, {**VOTE, "members_total": 0}, {"members_total": "Phải là số nguyên không nhỏ hơn 1."}),
    (CouncilVoteIn, {**VOTE, "votes_against": -1}, {"votes_against": "Phải là số nguyên không nhỏ hơn 0."}),
    (CouncilVoteIn, {**VOTE, "votes_for": "bảy"}, {"votes_for": "Phải là số nguyên."}),
    (CouncilVoteIn, {**VOTE, "absent_in_writing": True}, {"absent_in_writing": "Phải là số nguyên không nhỏ hơn 0."}),
    (
        CouncilVoteIn,
        {**VOTE, "nominee_id": "", "meeting_date": "hôm qua"},
        {"nominee_id": REQUIRED, "meeting_date": BAD_DAY},
    ),
    (CouncilCheckIn, {"confirmed": ["k1"]}, {"meeting_date": REQUIRED, "minutes_ref": REQUIRED}),
    (DecisionIn, {"approve": ["n1"], "decision_date": "03/06/2024"}, {"decision_date": BAD_DAY}),
    (ExtensionIn, {"new_date": "2024-13-01"}, {"new_date": BAD_DAY, "reason": "Phải nêu lý do."}),
    (ReasonIn, {"reason": " "}, {"reason": "Phải nêu lý do."}),
    (
        AnnulmentIn,
        {"ground": "e", "reason": "Kê khai sai"},
        {"ground": "Giá trị không hợp lệ; chọn một trong: a, b, c, d.", "act_reference": REQUIRED},
    ),
    (AnnulmentIn, {"act_reference": "KL 05"}, {"ground": REQUIRED, "reason": "Phải nêu lý do."}),
    (
        RecoveryIn,
        {"nominee_ids": ["n1"], "amount_recovered_vnd": -5},
        {"amount_recovered_vnd": "Phải là số nguyên không nhỏ hơn 0."},
    ),
    (RecoveryIn, {"nominee_ids": ["n1"]}, {"amount_recovered_vnd": REQUIRED}),
    (
        HigherResultIn,
        {"outcome": "ACCEPTED", "decided_by": "Chủ tịch UBND thành phố"},
        {"outcome": "Giá trị không hợp lệ; chọn một trong: AWARDED, RETURNED."},
    ),
]


@pytest.mark.parametrize(
    ("model", "body", "errors"), INVALID, ids=[f"{m.__name__}-{i}" for i, (m, _, _) in enumerate(INVALID)]
)
def test_each_bad_field_is_one_vietnamese_message_under_its_name(
    model: type[BaseModel], body: dict[str, Any], errors: dict[str, str]
) -> None:
    assert errors_of(model, body) == errors


def test_what_comes_out_is_typed_for_the_use_case() -> None:
    concurrence = ConcurrenceIn.model_validate({"department": " Phòng Tư pháp ", "agrees": True})
    assert (concurrence.department, concurrence.opinion) == ("Phòng Tư pháp", "")
    disclosure = DisclosureIn.model_validate({"where": "Bảng tin", "from_date": "2024-06-05", "to_date": "2024-06-10"})
    assert (disclosure.from_date, disclosure.to_date) == (date(2024, 6, 5), date(2024, 6, 10))
    vote = CouncilVoteIn.model_validate({**VOTE, "meeting_date": ""})
    assert (vote.members_total, vote.meeting_date) == (9, None)
    annulment = AnnulmentIn.model_validate({"ground": "b", "act_reference": "KL 05", "reason": " Giả mạo "})
    assert annulment.ground is AnnulmentGround.FALSE_INFORMATION_OR_FORGERY and annulment.reason == "Giả mạo"
    result = HigherResultIn.model_validate({"outcome": "RETURNED", "decided_by": "UBND thành phố"})
    assert result.outcome is HigherLevelOutcome.RETURNED


def test_a_single_reason_not_to_award_becomes_a_list() -> None:
    decision = DecisionIn.model_validate({"approve": ["n1"], "reject": {"n2": "Chưa tiêu biểu", "n3": ["a", "b"]}})
    assert decision.reject == {"n2": ["Chưa tiêu biểu"], "n3": ["a", "b"]}


def test_an_agreeing_department_needs_no_opinion() -> None:
    assert ConcurrenceIn.model_validate({"department": "Phòng Tư pháp", "agrees": True}).opinion == ""
