"""A campaign command's body is parsed once, at the edge, by its request model
(`services/campaigns/http/bodies.py`): each problem a Vietnamese message under its field path,
answered by the one 422 handler of `shared.http.problems`; what comes out is typed (`Target`,
`Stage`, `DocumentReference`, `ReviewResult`, `date`, `MovementKind`, stripped text).

No HTTP server and no thread: the handler the service installs is called directly on the error
the request model (or `read_draft`) raises.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from services.campaigns.domain.campaign import Campaign, DocumentReference, MovementKind, ReviewResult, Stage, Target
from services.campaigns.domain.errors import CampaignValidationError
from services.campaigns.http.bodies import (
    AmendIn,
    CancelIn,
    CorrectionIn,
    DocumentsIn,
    DraftIn,
    InterimReviewIn,
    RegisterIn,
    ReturnIn,
    ReviewIn,
    read_draft,
)
from shared.errors import FieldErrors
from shared.http.problems import install_problem_handlers
from tests.support.campaign_payloads import thematic_campaign
from tests.support.campaigns import LEAD, campaign_app

MISSING = "Trường này là bắt buộc."
BAD_DATE = "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD."
REPORT = {"number": "120/BC-PKT", "issued_on": "2024-01-05"}
REVIEW = {"report": REPORT, "summary": "Tổng kết năm 2023."}


def answer(error: Exception) -> tuple[int, dict[str, Any]]:
    """The service's answer to `error`, from the handlers it installs."""
    app = FastAPI()
    install_problem_handlers(app, {CampaignValidationError: 422})
    handler = app.exception_handlers[RequestValidationError if isinstance(error, ValidationError) else FieldErrors]
    if isinstance(error, ValidationError):  # as FastAPI raises it for a request body
        error = RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in error.errors()])
    request = Request({"type": "http", "method": "POST", "path": "/campaigns", "headers": [], "app": app})
    response = asyncio.run(handler(request, error))
    return response.status_code, json.loads(bytes(response.body))


def errors_of(model: type[BaseModel], body: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(body)
    status, problem = answer(raised.value)
    assert status == 422 and problem["status"] == 422 and problem["detail"]
    return problem["errors"]  # type: ignore[no-any-return]


def draft_errors(body: dict[str, Any]) -> dict[str, str]:
    app = campaign_app()
    try:
        with pytest.raises(CampaignValidationError) as raised:
            read_draft(body, app)
    finally:
        app.close()
    status, problem = answer(raised.value)
    assert status == 422
    return problem["errors"]  # type: ignore[no-any-return]


INVALID: list[tuple[type[BaseModel], dict[str, Any], dict[str, str]]] = [
    (
        AmendIn,
        {"name": None, "lead_unit_id": " ", "kind": 3, "purpose": "x" * 20_001},
        {
            "name": "Tên phong trào không được để trống.",
            "lead_unit_id": "Mã đơn vị chủ trì không được để trống.",
            "kind": "Phải là chuỗi ký tự.",
            "purpose": "Mục đích không được dài quá 20000 ký tự.",
        },
    ),
    (
        AmendIn,
        {"targets": [{"indicator": " ", "target_value": -1, "unit_of_measure": "x" * 101}]},
        {
            "targets[0].indicator": "Tên chỉ tiêu không được để trống.",
            "targets[0].target_value": "Giá trị chỉ tiêu không được âm.",
            "targets[0].unit_of_measure": "Đơn vị tính không được dài quá 100 ký tự.",
        },
    ),
    (
        AmendIn,
        {"stages": [{"number": 0, "name": ""}, {"name": "Đợt 2", "start_date": "2023-02-30"}]},
        {
            "stages[0].number": "Số thứ tự đợt phải là số nguyên dương.",
            "stages[0].name": "Tên đợt không được để trống.",
            "stages[1].number": MISSING,
            "stages[1].start_date": BAD_DATE,
        },
    ),
    (
        DocumentsIn,
        {"directive": {"number": "02/CT-UBND"}, "plan": {"number": " ", "issued_on": "hôm qua"}},
        {
            "directive.issued_on": "Ngày ban hành văn bản chỉ đạo không được để trống.",
            "directive.signer": "Người ký văn bản chỉ đạo không được để trống.",
            "plan.number": "Số hiệu kế hoạch không được để trống.",
            "plan.issued_on": BAD_DATE,
        },
    ),
    (RegisterIn, {"registration_number": "  "}, {"registration_number": "Số đăng ký không được để trống."}),
    (RegisterIn, {"registered_on": "18/01/2023"}, {"registration_number": MISSING, "registered_on": BAD_DATE}),
    (ReturnIn, {"reasons": ["Thiếu kế hoạch", " "]}, {"reasons[1]": "Lý do trả lại không được để trống."}),
    (
        ReviewIn,
        {"report": {"number": " ", "issued_on": "2024-01-05"}, "summary": ""},
        {
            "report.number": "Số hiệu báo cáo tổng kết không được để trống.",
            "summary": "Tóm tắt kết quả không được để trống.",
        },
    ),
    (
        InterimReviewIn,
        {**REVIEW, "report": {"issued_on": None, "number": " "}, "proposed_individuals": -1},
        {
            "report.number": "Số hiệu báo cáo sơ kết không được để trống.",
            "report.issued_on": "Ngày ban hành báo cáo sơ kết không được để trống.",
            "proposed_individuals": "Phải lớn hơn hoặc bằng 0.",
        },
    ),
    (
        ReviewIn,
        {**REVIEW, "results": [{"indicator": "Xã đạt chuẩn", "achieved_value": "sáu"}, {"achieved_value": -6}]},
        {
            "results[0].achieved_value": "Phải là số.",
            "results[1].indicator": MISSING,
            "results[1].achieved_value": "Kết quả đạt được không được âm.",
        },
    ),
    (CorrectionIn, {**REVIEW, "reason": " "}, {"reason": "Lý do điều chỉnh không được để trống."}),
    (
        CancelIn,
        {"reason": "", "cancelled_on": "2023-1-5"},
        {"reason": "Lý do hủy không được để trống.", "cancelled_on": BAD_DATE},
    ),
]


@pytest.mark.parametrize(("model", "body", "expected"), INVALID)
def test_a_malformed_field_is_a_422_with_its_message_under_its_path(
    model: type[BaseModel], body: dict[str, Any], expected: dict[str, str]
) -> None:
    assert errors_of(model, body) == expected


def test_a_draft_names_every_problem_at_once_shapes_and_rules() -> None:
    """The shape of each field, the org-unit directory and the timeline, in one answer."""
    body = {
        **thematic_campaign(),
        "code": "phong trào 1",
        "name": "",
        "lead_unit_id": "KHONG-CO",
        "kind": "hang-ngay",
        "end_date": "2022-01-01",
        "targets": [{"indicator": "Xã", "target_value": "nhiều"}, {"indicator": "xã"}],
    }
    errors = draft_errors(body)
    assert errors == {
        "code": "Mã phong trào chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ / - (2–40 ký tự).",
        "name": "Tên phong trào không được để trống.",
        "lead_unit_id": "Không tìm thấy đơn vị có mã «KHONG-CO».",
        "kind": (
            "Loại phong trào không hợp lệ: «hang-ngay». Chọn một trong: regular (thường xuyên), "
            "periodic (theo đợt), thematic (theo chuyên đề)."
        ),
        "end_date": "Ngày kết thúc phải sau ngày bắt đầu.",
        "targets[0].target_value": "Phải là số.",
    }


def test_a_draft_with_well_formed_fields_still_meets_the_rules_at_the_edge() -> None:
    stages = [
        {"number": 1, "name": "Đợt 1", "start_date": "2022-12-01", "end_date": "2023-06-30"},
        {"number": 1, "name": "Đợt 2", "start_date": "2023-07-01", "end_date": "2023-12-31"},
    ]
    targets = [{"indicator": "Xã đạt chuẩn"}, {"indicator": " xã ĐẠT chuẩn "}]
    body = {**thematic_campaign(), "name": " ", "stages": stages, "targets": targets}
    assert draft_errors(body) == {
        "name": "Tên phong trào không được để trống.",
        "stages[0].start_date": "Đợt không được bắt đầu trước ngày bắt đầu phong trào.",
        "stages[1].number": "Đợt số 1 bị trùng.",
        "targets[1].indicator": "Chỉ tiêu «xã ĐẠT chuẩn» bị trùng.",
    }


def test_a_draft_that_is_not_an_object_is_a_422() -> None:
    assert set(draft_errors([thematic_campaign()])) == {"body"}  # type: ignore[arg-type]


def test_a_parsed_draft_is_typed_for_the_use_case() -> None:
    body = {
        **thematic_campaign(code=" pt-2023-ntm "),
        "kind": "Periodic",
        "name": "  Nông thôn mới  ",
        "stages": [{"number": 1, "name": "Năm 2023", "start_date": "2023-01-01", "end_date": "2023-12-31"}],
    }
    command = DraftIn.model_validate(body).command()
    assert command["code"] == "PT-2023-NTM" and command["name"] == "Nông thôn mới"
    assert command["kind"] is MovementKind.PERIODIC
    assert command["targets"] == (Target("Xã đạt chuẩn nông thôn mới nâng cao", Decimal(5), "xã"),)
    assert command["stages"] == (Stage(1, "Năm 2023", date(2023, 1, 1), date(2023, 12, 31)),)
    assert command["directive"] == DocumentReference("02/CT-UBND", date(2023, 1, 5), "Chủ tịch UBND huyện")
    assert command["start_date"] == date(2023, 1, 1) and command["purpose"].startswith("Nâng cao")


def test_a_minimal_draft_leaves_the_texts_it_does_not_send_empty_and_is_drafted() -> None:
    body = {"code": "PT-2025-NTMNC", "name": "Xây dựng nông thôn mới nâng cao", "lead_unit_id": "PKT"}
    command = DraftIn.model_validate({**body, "kind": "thematic"}).command()
    assert (command["purpose"], command["requirements"], command["content"]) == ("", "", "")
    campaign = Campaign.draft(actor=LEAD, at=datetime(2025, 1, 2, 9, 0, tzinfo=UTC), **command)
    assert campaign.code == "PT-2025-NTMNC" and campaign.purpose == ""


def test_an_amendment_changes_only_the_fields_it_sends_and_null_empties_them() -> None:
    body = AmendIn.model_validate({"targets": None, "directive": None, "purpose": None, "reason": " Gộp "})
    assert body.changes() == {"purpose": "", "targets": (), "directive": None}
    assert body.reason == "Gộp"


def test_a_review_is_typed_for_the_use_case() -> None:
    body = ReviewIn.model_validate({**REVIEW, "results": [{"indicator": " Xã ", "achieved_value": "6.5"}]})
    review = body.review()
    assert review["report"] == DocumentReference("120/BC-PKT", date(2024, 1, 5))
    assert review["results"] == (ReviewResult("Xã", Decimal("6.5")),)
    assert (review["filed_on"], review["proposed_collectives"]) == (None, 0)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"targets": [1]}, {"targets[0]": "Phải là một đối tượng."}),
        (
            {"targets": [{"indicator": "Xã", "target_value": "NaN"}]},
            {"targets[0].target_value": "Phải là một số hữu hạn."},
        ),
        ({"start_date": 5}, {"start_date": BAD_DATE}),
    ],
)
def test_what_pydantic_refuses_is_said_in_vietnamese_too(body: dict[str, Any], expected: dict[str, str]) -> None:
    assert errors_of(AmendIn, body) == expected
