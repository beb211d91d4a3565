"""The small guards every dossier command shares: the input is already typed (parsed at the
edge, `services.dossiers.http`); what stays here are the rules a step cannot do without, each
recorded as a Vietnamese message under its field so that one `DossierValidationError` reports
them all."""

from __future__ import annotations

from collections.abc import Sequence

from services.dossiers.domain.errors import DossierValidationError
from services.dossiers.domain.values import REQUIRED


def raise_if(errors: dict[str, str]) -> None:
    """Refuse the step with every problem found, before anything happens."""
    if errors:
        raise DossierValidationError(errors)


def required_text(value: str, key: str, errors: dict[str, str]) -> str:
    """A text the step cannot do without (the department, where it was disclosed…), stripped."""
    if not value.strip():
        errors[key] = REQUIRED
    return value.strip()


def at_least(value: int, key: str, errors: dict[str, str], *, minimum: int = 0) -> int:
    """A head count or an amount: never below `minimum`."""
    if value < minimum:
        errors[key] = f"Phải là số nguyên không nhỏ hơn {minimum}."
    return value


def texts(values: Sequence[str] | None, key: str, errors: dict[str, str]) -> list[str]:
    """At least one item (reason, missing document), none of them blank."""
    if not values:
        errors[key] = "Phải nêu ít nhất một nội dung."
        return []
    cleaned = [v.strip() for v in values if v.strip()]
    if len(cleaned) != len(values):
        errors[key] = "Mỗi nội dung phải là chuỗi ký tự không rỗng."
    return cleaned


def reason(value: str | None, errors: dict[str, str], *, required: bool = True) -> str | None:
    """Why a person did this, stripped; None when not given (a message under `reason` when required)."""
    if value is None or not value.strip():
        if required:
            errors["reason"] = "Phải nêu lý do."
        return None
    return value.strip()
