"""Who may do what with campaigns (phong trào thi đua): the campaigns service's policy table.

Read as: (method, path) → the roles allowed, and for some roles the unit check applied
("own_movement": a lead unit manages only the movements it leads). Enforced for every request
by `shared.http.policy.enforce_policy`; docs/security.md prints this table for people.
"""

from __future__ import annotations

import asyncio
from uuid import UUID

from fastapi import Request

from shared.actor import Actor
from shared.http.policy import PUBLIC, STAFF, Policy, allow
from shared.http.unitscope import json_body

LEAD = frozenset({"lead_unit_officer", "lead_unit_clerk"})
OWN = {"lead_unit_officer": "own_movement", "lead_unit_clerk": "own_movement"}
AUDIT = allow("auditor", "administrator")
ID = "/campaigns/{campaign_id}"

POLICY: Policy = {
    ("GET", "/campaigns"): allow(STAFF),
    ("GET", ID): allow(STAFF),
    ("GET", f"{ID}/history"): allow(STAFF),
    ("GET", f"{ID}/eligibility"): allow(STAFF),
    ("GET", "/units"): PUBLIC,  # the org-unit catalogue: public reference data
    ("POST", "/campaigns"): allow(LEAD, "council_secretariat", scope=OWN),
    ("PATCH", ID): allow(LEAD, "council_secretariat", scope=OWN),
    ("POST", f"{ID}/documents"): allow(LEAD, "council_secretariat", scope=OWN),
    ("POST", f"{ID}/registration"): allow("council_secretariat"),
    ("POST", f"{ID}/registration-return"): allow("council_secretariat"),
    ("POST", f"{ID}/launch"): allow(LEAD, scope=OWN),
    ("POST", f"{ID}/interim-reviews"): allow(LEAD, scope=OWN),
    ("POST", f"{ID}/final-review"): allow(LEAD, scope=OWN),
    ("PUT", f"{ID}/final-review"): allow(LEAD, scope=OWN),
    ("POST", f"{ID}/close"): allow(LEAD, "council_secretariat", scope=OWN),
    ("POST", f"{ID}/cancel"): allow(LEAD, "council_secretariat", scope=OWN),
    ("GET", "/audit/chain"): AUDIT,
    ("GET", "/audit/verify"): AUDIT,
}

NOT_OWN = "Đơn vị «{unit}» chỉ quản lý phong trào do chính đơn vị chủ trì (phong trào này do «{lead}» chủ trì)."


async def scope_check(request: Request, actor: Actor, scope: str) -> str | None:
    if scope != "own_movement":
        return None
    campaign_id = request.path_params.get("campaign_id")
    if campaign_id is None:
        lead = str((await json_body(request)).get("lead_unit_id") or "").strip().upper()
        if lead not in request.app.state.campaigns.units:
            return None  # an unknown unit is a field error (422), not a refusal
    else:
        try:
            campaign = await asyncio.to_thread(request.app.state.campaigns.get, UUID(str(campaign_id)))
            lead = campaign.lead_unit_id
        except Exception:  # unknown or malformed id: the endpoint answers 404/422
            return None
    if lead and lead != actor.unit.upper():
        return NOT_OWN.format(unit=actor.unit or "?", lead=lead)
    return None
