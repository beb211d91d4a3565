"""Field types of the dossiers' request models: untrusted JSON parsed once, at the edge.

Each is an `Annotated` type whose validators turn a body field into the value the use case
takes (a stripped non-empty `str`, a `date`, an `int` above a floor, an enum member) or raise a
`PydanticCustomError` carrying the Vietnamese message a clerk has always seen for that field.
FastAPI reports them as a `RequestValidationError`, which `shared.http.problems` answers with
the one 422 format (`errors`: field → message), the same as the domain's `DossierValidationError`.

A required field is declared with a default (`department: Text = None`) so that its absence is
validated too (`validate_default`) and reported as "Bắt buộc nhập." rather than pydantic's
generic "missing".
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from services.dossiers.domain.values import REQUIRED

NOT_TEXT = "Phải là chuỗi ký tự."
BAD_DAY = "Ngày không hợp lệ (định dạng YYYY-MM-DD)."
NO_REASON = "Phải nêu lý do."
NOT_A_FLAG = "Phải là đúng/sai (true/false)."


def invalid(message: str) -> PydanticCustomError:
    """A field's problem as pydantic reports it. Its type is none of pydantic's own, so the
    422 handler shows the message as it is instead of its generic wording for that type."""
    return PydanticCustomError("dossier_field", message)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(required_message: str | None) -> Any:
    def parse(value: Any) -> str | None:
        if _blank(value):
            if required_message:
                raise invalid(required_message)
            return None
        if not isinstance(value, str):
            raise invalid(NOT_TEXT)
        return value.strip()

    return BeforeValidator(parse)


def _day(required: bool) -> Any:
    def parse(value: Any) -> date | None:
        if value is None or value == "":
            if required:
                raise invalid(REQUIRED)
            return None
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise invalid(NOT_TEXT)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise invalid(BAD_DAY) from None

    return BeforeValidator(parse)


def count(minimum: int = 0) -> Any:
    """A required whole number not below `minimum` (pydantic itself parses the number)."""

    message = f"Phải là số nguyên không nhỏ hơn {minimum}."

    def not_a_flag(value: Any) -> Any:
        if isinstance(value, bool):  # JSON true is not a count
            raise invalid(message)
        return value

    def check(value: int | None) -> int:
        if value is None:
            raise invalid(REQUIRED)
        if value < minimum:
            raise invalid(message)
        return value

    return Annotated[int | None, BeforeValidator(not_a_flag), AfterValidator(check), Field(validate_default=True)]


def choice(enum: type[StrEnum]) -> Any:
    """A required member of `enum`, by its value."""
    options = ", ".join(e.value for e in enum)

    def parse(value: Any) -> StrEnum:
        if value is None or value == "":
            raise invalid(REQUIRED)
        try:
            return enum(value)
        except ValueError:
            raise invalid(f"Giá trị không hợp lệ; chọn một trong: {options}.") from None

    return Annotated[enum, BeforeValidator(parse), Field(validate_default=True)]


def _flag(value: Any) -> Any:
    if value is None:
        raise invalid(NOT_A_FLAG)
    return value


Text = Annotated[str, _text(REQUIRED), Field(validate_default=True)]
"""A required string, stripped; blank or absent: "Bắt buộc nhập."."""
OptionalText = Annotated[str | None, _text(None)]
"""A string, stripped; blank or absent: None."""
Reason = Annotated[str, _text(NO_REASON), Field(validate_default=True)]
"""A reason a person must give: "Phải nêu lý do." when blank or absent."""
Day = Annotated[date, _day(True), Field(validate_default=True)]
"""A required ISO date (YYYY-MM-DD)."""
OptionalDay = Annotated[date | None, _day(False)]
"""An ISO date, or None when absent or empty."""
Count = count()
"""A required whole number, 0 or more."""
Flag = Annotated[bool, BeforeValidator(_flag), Field(validate_default=True)]
"""A required true/false."""
