"""Receiving a dossier: the untrusted form parsed once, at the edge, into a `SubmitDossier`.

Everything a clerk can get wrong is reported at once, one Vietnamese message per field path:
the shape of each field (`FieldReader`), the receipt rules the aggregate will guard again
(`receipt_problems`, run here on what could be read), and what only this service's
surroundings know (the org-unit directory, the blob store: `edge_errors`, passed in). Nothing is
stored, numbered or dry-run to find them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from services.dossiers.campaign_table import canonical_campaign_id
from services.dossiers.domain.commands import SubmitDossier
from services.dossiers.domain.dossier import receipt_problems
from services.dossiers.domain.errors import DossierValidationError
from services.dossiers.domain.rules import RuleSet
from services.dossiers.domain.values import AwardType, Channel, DossierKind
from services.dossiers.forms import FieldReader, parse_attachment, parse_nominee
from shared.reference.org_units import OrgUnitDirectory, UnknownUnitError

NO_RULE_SET = "Không có bộ quy tắc áp dụng cho ngày tiếp nhận này."


def campaign_key(value: str | None) -> str | None:
    """Campaign ids compared in one spelling (lower-case UUID), as the campaign table stores them."""
    return canonical_campaign_id(value) if value and value.strip() else None


def read_submission(
    fields: Mapping[str, Any],
    *,
    rules: RuleSet | None = None,
    received_on: date | None = None,
    edge_errors: Mapping[str, str] | None = None,
) -> SubmitDossier:
    """The command, or `DossierValidationError` with every problem of the form.

    `rules` is the rule set in force on `received_on` (None: the shape only; the aggregate
    checks the rules when it receives the command); `edge_errors` are the surroundings'
    findings, which win over the others."""
    errors: dict[str, str] = {}
    r = FieldReader(fields, "", errors)
    channel, unit = r.choice("channel", Channel), r.text("proposing_unit")
    award_type, kind = r.choice("award_type", AwardType), r.choice("kind", DossierKind)
    achievements = r.text("achievements")
    campaign = campaign_key(r.text("campaign_id", required=False))
    feat = r.day("feat_date", required=award_type is AwardType.AD_HOC)
    postmark = r.day("postmark_date", required=channel is Channel.POST)
    year = r.integer("emulation_year", required=False, minimum=1945)
    authority = r.text("deciding_authority", required=False).upper() or None
    escalation = r.text("escalation_reason", required=False) or None
    raw_nominees = fields.get("nominees")
    raw_nominees = list(raw_nominees) if isinstance(raw_nominees, list | tuple) else []
    nominees = [parse_nominee(n, f"nominees[{i}]", f"n{i + 1}", errors) for i, n in enumerate(raw_nominees)]
    raw_files = fields.get("attachments") or []
    files = [parse_attachment(a, f"attachments[{i}]", errors) for i, a in enumerate(raw_files)]
    if rules is not None and received_on is not None:
        problems = receipt_problems(
            rules,
            received_on,
            proposing_unit=unit,
            achievements=achievements,
            channel=channel,
            award_type=award_type,
            kind=kind,
            campaign_id=campaign,
            feat_date=feat,
            postmark_date=postmark,
            emulation_year=year,
            nominees=nominees,
        )
        for key, message in problems.items():
            if key.startswith("nominees"):
                errors[key] = message  # about a nominee that was read: after its own messages
            else:
                errors.setdefault(key, message)
    elif not raw_nominees:
        errors["nominees"] = "Phải có ít nhất một cá nhân, tập thể hoặc hộ gia đình được đề nghị."
    errors.update(edge_errors or {})
    if errors:
        raise DossierValidationError(errors)
    assert channel and award_type and kind  # guaranteed when there are no errors
    return SubmitDossier(
        channel=channel,
        proposing_unit=unit,
        award_type=award_type,
        kind=kind,
        achievements=achievements,
        nominees=tuple(n for n in nominees if n),
        attachments=tuple(a for a in files if a),
        campaign_id=campaign,
        feat_date=feat,
        postmark_date=postmark,
        emulation_year=year,
        deciding_authority=authority,
        escalation_reason=escalation,
    )


def check_proposing_unit(units: OrgUnitDirectory, code: Any, received_on: date) -> tuple[str | None, dict[str, str]]:
    """The proposing unit must be in the directory and exist on the receipt date: its code as
    the directory spells it, or the message."""
    if not isinstance(code, str) or not code.strip():
        return None, {}  # the form's own check says it is required
    try:
        unit = units.get(code)
    except UnknownUnitError as exc:
        return None, {"proposing_unit": str(exc)}
    if not unit.is_active_on(received_on):
        return None, {
            "proposing_unit": f"Đơn vị «{unit.code}» không hoạt động vào ngày tiếp nhận "
            f"{received_on.strftime('%d/%m/%Y')} (đã sáp nhập, giải thể hoặc chưa thành lập)."
        }
    return unit.code, {}
