"""Field types of the campaigns' request models, built from `shared.http.fields` with the
messages a clerk has always seen for a campaign's fields: each names its field ("Tên phong trào
không được để trống.", "Đơn vị tính không được dài quá 100 ký tự."), in the wording of the
domain's guards (`services.campaigns.domain.guards`), which check the same rules again.

pydantic parses the JSON types first (a missing field, a string that is not a date or a number
get its messages, translated by `shared.http.problems`); these validators then check what the
domain would refuse of the single field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from services.campaigns.domain.campaign import KIND_LABELS, MovementKind
from services.campaigns.domain.guards import bad_code, blank, is_code, negative, too_long
from shared.http.fields import NOT_TEXT, invalid, trimmed

NAME_MAX = 300
TEXT_MAX = 20_000
REASON_MAX = 2000
CODE_MAX = 40


def text(label: str, max_len: int, *, required: bool = False) -> Any:
    """A string, stripped, at most `max_len` characters; blank is refused when `required`."""
    return Annotated[str, trimmed(max_len, too_long(label, max_len), required=blank(label) if required else None)]


def _none_as_empty(value: Any) -> Any:
    return "" if value is None else value


def cleared(field_type: Any) -> Any:
    """`field_type` where null means empty (an amendment clearing a text field)."""
    return Annotated[field_type, BeforeValidator(_none_as_empty)]


def cleared_text(label: str, max_len: int, *, required: bool = False) -> Any:
    """As `text`, where null means empty."""
    return cleared(text(label, max_len, required=required))


def code(label: str) -> Any:
    """A registry code (campaign, unit): stripped, upper-cased, letters without diacritics,
    digits and `. _ / -`."""

    def check(value: str) -> str:
        value = value.upper()
        if not is_code(value):
            raise invalid(bad_code(label))
        return value

    return Annotated[text(label, CODE_MAX, required=True), AfterValidator(check)]


def _kind(value: Any) -> MovementKind:
    if not isinstance(value, str):
        raise invalid(NOT_TEXT)
    try:
        return MovementKind(value.strip().lower())
    except ValueError:
        allowed = ", ".join(f"{k.value} ({label})" for k, label in KIND_LABELS.items())
        raise invalid(f"Loại phong trào không hợp lệ: «{value}». Chọn một trong: {allowed}.") from None


Kind = Annotated[MovementKind, BeforeValidator(_kind)]
"""A kind of movement, by its value (any case)."""


def figure(label: str) -> Any:
    """A figure (target, result), not negative; absent: None."""

    def check(value: Decimal | None) -> Decimal | None:
        if value is not None and value < 0:
            raise invalid(negative(label))
        return value

    return Annotated[Decimal | None, AfterValidator(check)]


def required_day(label: str) -> Any:
    """A date the document cannot do without (pydantic parses it; absent or null: blank)."""

    def check(value: date | None) -> date:
        if value is None:
            raise invalid(blank(label))
        return value

    return Annotated[date | None, AfterValidator(check)]


def _positive(value: int) -> int:
    if value < 1:
        raise invalid("Số thứ tự đợt phải là số nguyên dương.")
    return value


StageNumber = Annotated[int, AfterValidator(_positive)]
"""A stage's number, from 1."""


# --------------------------------------------------------------------------- the fields of the campaigns' bodies

Indicator = text("Tên chỉ tiêu", 500, required=True)
TargetValue = figure("Giá trị chỉ tiêu")
UnitOfMeasure = text("Đơn vị tính", 100)
StageName = text("Tên đợt", NAME_MAX, required=True)
AchievedValue = figure("Kết quả đạt được")
Note = text("Ghi chú", REASON_MAX)
NewName = cleared_text("Tên phong trào", NAME_MAX, required=True)
UnitCode = code("Mã đơn vị chủ trì")
NewUnitCode = cleared(UnitCode)
"""A unit code an amendment sends; null: blank."""
NewLevel = cleared_text("Cấp phát động", CODE_MAX, required=True)
Purpose = cleared_text("Mục đích", TEXT_MAX)
Requirements = cleared_text("Yêu cầu", TEXT_MAX)
Content = cleared_text("Nội dung", TEXT_MAX)
AmendReason = text("Lý do sửa", REASON_MAX)
CampaignCode = code("Mã phong trào")
Name = text("Tên phong trào", NAME_MAX, required=True)
Level = text("Cấp phát động", CODE_MAX, required=True)
Reason = text("Lý do", REASON_MAX)
RegistrationNumber = text("Số đăng ký", 100, required=True)
ReturnReason = text("Lý do trả lại", REASON_MAX, required=True)
Summary = text("Tóm tắt kết quả", TEXT_MAX, required=True)
CorrectionReason = text("Lý do điều chỉnh", REASON_MAX, required=True)
CancelReason = text("Lý do hủy", REASON_MAX, required=True)
