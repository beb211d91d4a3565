"""Field types of the dossiers' request models, built from `shared.http.fields` with the
messages a clerk has always seen for a dossier's fields ("Bắt buộc nhập.", …).

A required field is declared with a default (`department: Text = None`) so that its absence is
validated too (`validate_default`) and reported as "Bắt buộc nhập." rather than pydantic's
generic "missing".
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from services.dossiers.domain.values import REQUIRED
from shared.http import fields
from shared.http.fields import NOT_TEXT, invalid

__all__ = ["NOT_TEXT", "Day", "OptionalDay", "OptionalText", "Reason", "Text", "choice", "count", "invalid"]

BAD_DAY = "Ngày không hợp lệ (định dạng YYYY-MM-DD)."
NO_REASON = "Phải nêu lý do."
NOT_A_FLAG = "Phải là đúng/sai (true/false)."


def count(minimum: int = 0) -> Any:
    """A required whole number not below `minimum`."""
    return fields.count(minimum, REQUIRED)


def choice(enum: type[StrEnum]) -> Any:
    """A required member of `enum`, by its value."""
    return fields.choice(enum, REQUIRED)


Text = Annotated[str, fields.text(REQUIRED), Field(validate_default=True)]
"""A required string, stripped; blank or absent: "Bắt buộc nhập."."""
OptionalText = Annotated[str | None, fields.text(None)]
"""A string, stripped; blank or absent: None."""
Reason = Annotated[str, fields.text(NO_REASON), Field(validate_default=True)]
"""A reason a person must give: "Phải nêu lý do." when blank or absent."""
Day = Annotated[date, fields.day(REQUIRED, BAD_DAY), Field(validate_default=True)]
"""A required ISO date (YYYY-MM-DD)."""
OptionalDay = Annotated[date | None, fields.day(None, BAD_DAY)]
"""An ISO date, or None when absent or empty."""
Count = count()
"""A required whole number, 0 or more."""
Flag = fields.flag(NOT_A_FLAG)
"""A required true/false."""
