"""The small guards the campaign's commands share. The input is already typed (parsed at the
edge, `services.campaigns.http`); what stays here are the rules a step cannot do without, each
recorded as a Vietnamese message under its field path so that one `CampaignValidationError`
reports them all. The edge builds its own messages from the same functions, so a clerk reads one
wording whichever side finds the problem."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from services.campaigns.domain.errors import CampaignValidationError

_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{1,39}$")


def blank(label: str) -> str:
    return f"{label} không được để trống."


def too_long(label: str, max_len: int) -> str:
    return f"{label} không được dài quá {max_len} ký tự."


def negative(label: str) -> str:
    return f"{label} không được âm."


def bad_code(label: str) -> str:
    return f"{label} chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ / - (2–40 ký tự)."


def is_code(value: str) -> bool:
    """A code of the registry (campaign, unit): upper-case letters without diacritics, digits, `._/-`."""
    return bool(_CODE_PATTERN.fullmatch(value))


def raise_if(errors: dict[str, str]) -> None:
    """Refuse the step with every problem found, before anything happens."""
    if errors:
        raise CampaignValidationError(errors)


def required_text(errors: dict[str, str], key: str, value: str, label: str) -> str:
    """A text the step cannot do without, stripped."""
    value = value.strip()
    if not value:
        errors.setdefault(key, blank(label))
    return value


def required_code(errors: dict[str, str], key: str, value: str, label: str) -> str:
    """A registry code, stripped and upper-cased."""
    code = required_text(errors, key, value, label).upper()
    if code and not is_code(code):
        errors.setdefault(key, bad_code(label))
    return code


def not_negative(errors: dict[str, str], key: str, value: Decimal | None, label: str) -> None:
    """A figure (target, result): never below zero."""
    if value is not None and value < 0:
        errors.setdefault(key, negative(label))


def whole_count(errors: dict[str, str], key: str, value: int, label: str) -> int:
    """A head count: a whole number, 0 or more."""
    if value < 0:
        errors.setdefault(key, f"{label} phải là số nguyên không âm.")
    return value


def not_before(errors: dict[str, str], key: str, value: date | None, earlier: date | None, what: str) -> None:
    """Dates in the order the movement's life takes them."""
    if value and earlier and value < earlier:
        errors.setdefault(key, f"Ngày này không được trước {what} ({earlier.strftime('%d/%m/%Y')}).")
