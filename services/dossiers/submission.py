"""Receiving a dossier over HTTP: the checks that need more than the domain knows.

The domain validates the dossier itself; here are the checks against this service's
surroundings (the org-unit directory, the campaign id's spelling, the blob store), and a dry run
of the domain's validation so that, when one of these fails, the clerk still sees every
problem of the form at once rather than one kind per attempt.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from services.dossiers.application import Dossiers
from services.dossiers.campaign_table import canonical_campaign_id
from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.errors import DossierValidationError
from shared.actor import Actor
from shared.reference.org_units import OrgUnitDirectory, UnknownUnitError
from shared.workdays import local_date


def campaign_key(value: str | None) -> str | None:
    """Campaign ids compared in one spelling (lower-case UUID), as the campaign view stores them."""
    return canonical_campaign_id(value) if value and value.strip() else None


def submission_fields(body: Mapping[str, Any], attachments: list[dict[str, Any]]) -> dict[str, Any]:
    """The keyword arguments of `Dossiers.submit`, from the request body."""
    fields = dict(body)
    fields["campaign_id"] = campaign_key(fields.get("campaign_id"))
    fields["achievements"] = fields.get("achievements") or ""
    fields["attachments"] = attachments
    return fields


def check_proposing_unit(units: OrgUnitDirectory, fields: dict[str, Any], received_on: date) -> dict[str, str]:
    """The proposing unit must be in the directory and exist on the receipt date; on success
    its code is normalised in `fields`."""
    code = fields.get("proposing_unit")
    if not isinstance(code, str) or not code.strip():
        return {}  # the domain says it is required
    try:
        unit = units.get(code)
    except UnknownUnitError as exc:
        return {"proposing_unit": str(exc)}
    if not unit.is_active_on(received_on):
        return {
            "proposing_unit": f"Đơn vị «{unit.code}» không hoạt động vào ngày tiếp nhận "
            f"{received_on.strftime('%d/%m/%Y')} (đã sáp nhập, giải thể hoặc chưa thành lập)."
        }
    fields["proposing_unit"] = unit.code
    return {}


def domain_errors(app: Dossiers, fields: Mapping[str, Any], actor: Actor, at: datetime) -> dict[str, str]:
    """What the domain would say about these fields, without storing or numbering anything."""
    try:
        rules = app.rule_book.for_date(local_date(at))
    except LookupError:
        return {"at": "Không có bộ quy tắc áp dụng cho ngày tiếp nhận này."}
    dry = {**fields, "attachments": [{**a, "size": a.get("size") or 0} for a in fields.get("attachments", [])]}
    try:
        Dossier.submit(rules=rules, calendar=app.calendar, receipt_number="", actor=actor, at=at, **dry)
    except DossierValidationError as exc:
        return exc.field_errors
    return {}
