"""Field types for the request models of every service: untrusted JSON parsed once, at the edge.

Each builder returns a pydantic validator (or an `Annotated` type) that turns a body field into
the value a use case takes (a stripped `str`, a `date`, an `int` above a floor, an enum member)
or raises `invalid(message)` carrying the Vietnamese message a clerk sees for that field. The
messages are the service's own (each service builds its field types from these with its
wording: `services/*/http/fields.py`); FastAPI reports them as a `RequestValidationError`,
which `shared.http.problems` answers with the one 422 format (`errors`: field path → message).

A required field may be declared with a default (`department: Text = None`) so that its
absence is validated too (`validate_default`) and reported with the service's message rather
than pydantic's generic "missing".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

NOT_TEXT = "Phải là chuỗi ký tự."
FIELD_ERROR = "tdkt_field"
"""The error kind of these validators: none of pydantic's, so the 422 handler shows the message
as it is instead of its generic wording for a pydantic type."""


def invalid(message: str) -> PydanticCustomError:
    """A field's problem as pydantic reports it, with the message the clerk reads."""
    return PydanticCustomError(FIELD_ERROR, message)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(required: str | None, *, not_text: str = NOT_TEXT) -> Any:
    """Any JSON value to a stripped string: blank or absent is `required` (the message), or None
    when the field may be left out; anything but a string is `not_text`."""

    def parse(value: Any) -> str | None:
        if is_blank(value):
            if required:
                raise invalid(required)
            return None
        if not isinstance(value, str):
            raise invalid(not_text)
        return value.strip()

    return BeforeValidator(parse)


def trimmed(max_len: int, too_long: str, *, required: str | None = None) -> Any:
    """A string pydantic has already accepted, stripped; longer than `max_len` is `too_long`,
    blank is `required` when given."""

    def check(value: str) -> str:
        value = value.strip()
        if required and not value:
            raise invalid(required)
        if len(value) > max_len:
            raise invalid(too_long)
        return value

    return AfterValidator(check)


def day(required: str | None, bad_day: str, *, not_text: str = NOT_TEXT) -> Any:
    """An ISO date (YYYY-MM-DD) to a `date`: absent or empty is `required`, or None."""

    def parse(value: Any) -> date | None:
        if value is None or value == "":
            if required:
                raise invalid(required)
            return None
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise invalid(not_text)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise invalid(bad_day) from None

    return BeforeValidator(parse)


def count(minimum: int, required: str) -> Any:
    """A required whole number not below `minimum` (pydantic itself parses the number)."""

    message = f"Phải là số nguyên không nhỏ hơn {minimum}."

    def not_a_flag(value: Any) -> Any:
        if isinstance(value, bool):  # JSON true is not a count
            raise invalid(message)
        return value

    def check(value: int | None) -> int:
        if value is None:
            raise invalid(required)
        if value < minimum:
            raise invalid(message)
        return value

    return Annotated[int | None, BeforeValidator(not_a_flag), AfterValidator(check), Field(validate_default=True)]


def choice(enum: type[StrEnum], required: str) -> Any:
    """A required member of `enum`, by its value."""
    options = ", ".join(e.value for e in enum)

    def parse(value: Any) -> StrEnum:
        if value is None or value == "":
            raise invalid(required)
        try:
            return enum(value)
        except ValueError:
            raise invalid(f"Giá trị không hợp lệ; chọn một trong: {options}.") from None

    return Annotated[enum, BeforeValidator(parse), Field(validate_default=True)]


def flag(message: str) -> Any:
    """A required true/false (pydantic parses it; absent or null is `message`)."""

    def present(value: Any) -> Any:
        if value is None:
            raise invalid(message)
        return value

    return Annotated[bool, BeforeValidator(present), Field(validate_default=True)]


def parsed_apart(model: type[BaseModel], data: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The fields `names` of `data` that parse on their own as `model` declares them, leaving
    out the others: what a body with errors still says, so that the rules on it can be checked
    and every problem reported at once."""
    values: dict[str, Any] = {}
    for name in names:
        if name not in data:
            continue
        field = model.model_fields[name]
        try:
            values[name] = TypeAdapter(Annotated[field.annotation, field]).validate_python(data[name])
        except ValidationError:
            continue
    return values
