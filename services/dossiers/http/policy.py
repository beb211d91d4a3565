"""Who may do what with award dossiers: the dossiers service's policy table.

Read as: (method, path) → the roles allowed, and for some roles the unit check applied:
- "jurisdiction": a desk clerk (Bộ phận Một cửa) receives and handles only dossiers proposed
  by, or addressed to, the people's committee it works for and the units under it;
- "authority": only the chairman of the dossier's deciding authority decides, rejects or
  annuls its award.
An auditor reads everything and changes nothing. Enforced for every request by
`shared.http.policy.enforce_policy`; docs/security.md prints this table for people.
"""

from __future__ import annotations

import asyncio

from fastapi import Request

from shared.actor import Actor
from shared.http.policy import PUBLIC, STAFF, Policy, allow
from shared.http.unitscope import home_committee, json_body, jurisdiction
from shared.reference.org_units import OrgUnitDirectory, UnknownUnitError

CLERK = {"desk_clerk": "jurisdiction"}
CHAIR = {"chairman": "authority"}
SECRETARIAT = "council_secretariat"
D = "/dossiers/{dossier_id}"
READ = allow(STAFF, scope=CLERK)
AUDIT = allow("auditor", "administrator")

UNIT_CLERKS = ("desk_clerk", "lead_unit_officer", "lead_unit_clerk", SECRETARIAT)
OWN_LIST = {role: "jurisdiction" for role in UNIT_CLERKS if role != SECRETARIAT}
"""A unit's year-end list or registration: within the clerk's or officer's reach (`unit` field)."""
COUNCIL_KEEPERS = allow(SECRETARIAT, "administrator")
ROUND = "/rounds/{round_id}"
CLUSTER = "/clusters/{code}/{year}"

ANNUAL_POLICY: Policy = {
    # the council (Hội đồng TĐKT) as data: kept by the secretariat
    ("POST", "/councils"): COUNCIL_KEEPERS,
    ("GET", "/councils/{authority}"): allow(STAFF),
    ("POST", "/councils/{authority}/members"): COUNCIL_KEEPERS,
    ("POST", "/councils/{authority}/members/{member_id}/release"): COUNCIL_KEEPERS,
    ("POST", f"{D}/council-ballots"): allow(SECRETARIAT, "council_member"),
    ("GET", "/council-meetings/{meeting_id}"): allow(STAFF),
    # award history: searched by ID number, so only those who check eligibility
    ("POST", "/award-history/imports"): COUNCIL_KEEPERS,
    ("POST", "/award-history/imports/xlsx"): COUNCIL_KEEPERS,
    ("GET", "/award-history/imports/template.xlsx"): COUNCIL_KEEPERS,
    ("POST", "/award-history/search"): allow(SECRETARIAT, "council_member", "chairman", "auditor", "desk_clerk"),
    ("GET", f"{D}/award-history"): READ,
    # year-end rounds
    ("POST", "/rounds"): allow(SECRETARIAT),
    ("GET", "/rounds"): allow(STAFF),
    ("GET", ROUND): allow(STAFF),
    ("POST", f"{ROUND}/submissions"): allow(*UNIT_CLERKS, scope=OWN_LIST),
    ("POST", f"{ROUND}/imports"): allow(*UNIT_CLERKS, scope=OWN_LIST),
    ("POST", f"{ROUND}/appraisal"): allow(SECRETARIAT),
    ("POST", f"{ROUND}/council-checks"): allow(SECRETARIAT, "council_member"),
    ("POST", f"{ROUND}/votes"): allow(SECRETARIAT, "council_member"),
    ("POST", f"{ROUND}/decision"): allow("chairman"),
    ("GET", f"{ROUND}/list"): allow(STAFF),
    ("GET", f"{ROUND}/decision.{{fmt}}"): allow(STAFF),
    ("GET", f"{ROUND}/annex"): allow(STAFF),
    # emulation registration (đăng ký thi đua) and clusters (cụm, khối)
    ("POST", "/registrations"): allow(*UNIT_CLERKS, scope=OWN_LIST),
    ("POST", "/registrations/imports"): allow(*UNIT_CLERKS, scope=OWN_LIST),
    ("GET", "/registrations/{unit}/{year}"): allow(STAFF),
    ("POST", "/clusters"): allow(SECRETARIAT),
    ("GET", CLUSTER): allow(STAFF),
    ("POST", f"{CLUSTER}/pact"): allow(SECRETARIAT),
    ("POST", f"{CLUSTER}/scores"): allow(SECRETARIAT),
    ("POST", f"{CLUSTER}/proposals"): allow(SECRETARIAT),
    ("GET", "/annual-reports/{year}"): allow(STAFF),
}
"""The year's workload (services/dossiers/annual): councils, award history, rounds, registrations,
clusters. Round submissions and registrations are not yet limited to the clerk's own unit."""

POLICY: Policy = {
    ("GET", "/public/nominees"): PUBLIC,  # what is publicly disclosed anyway (Điều 84 NĐ 98/2023)
    ("GET", "/dossiers/overview"): allow(STAFF),
    ("GET", "/dossiers"): allow(STAFF),
    ("POST", "/dossiers"): allow("desk_clerk", SECRETARIAT, scope=CLERK),
    ("POST", "/dossiers/successions"): allow(SECRETARIAT, "administrator"),
    ("GET", D): READ,
    ("GET", f"{D}/history"): READ,
    ("POST", f"{D}/completeness-check"): allow("desk_clerk", SECRETARIAT, scope=CLERK),
    ("POST", f"{D}/supplement-request"): allow("desk_clerk", SECRETARIAT, scope=CLERK),
    ("POST", f"{D}/supplement"): allow("desk_clerk", SECRETARIAT, scope=CLERK),
    ("POST", f"{D}/acceptance"): allow(SECRETARIAT),
    ("POST", f"{D}/refusal"): allow(SECRETARIAT),
    ("POST", f"{D}/concurrences"): allow(SECRETARIAT),
    ("POST", f"{D}/disclosures"): allow(SECRETARIAT),
    ("POST", f"{D}/appraisal"): allow(SECRETARIAT),
    ("POST", f"{D}/council-votes"): allow(SECRETARIAT, "council_member"),
    ("POST", f"{D}/council-checks"): allow(SECRETARIAT, "council_member"),
    ("POST", f"{D}/successor"): allow(SECRETARIAT, "chairman", "administrator"),
    ("POST", f"{D}/decision"): allow("chairman", scope=CHAIR),
    ("POST", f"{D}/rejection"): allow("chairman", scope=CHAIR),
    ("POST", f"{D}/annulment"): allow("chairman", scope=CHAIR),
    ("POST", f"{D}/recovery"): allow(SECRETARIAT, "chairman"),
    ("POST", f"{D}/result-return"): allow("desk_clerk", SECRETARIAT, scope=CLERK),
    ("POST", f"{D}/deadline-extension"): allow("desk_clerk", SECRETARIAT, scope=CLERK),
    ("POST", f"{D}/withdrawal"): allow("desk_clerk", scope=CLERK),
    ("POST", "/attachments"): allow("desk_clerk", SECRETARIAT, "lead_unit_officer", "lead_unit_clerk", "chairman"),
    ("GET", "/attachments/{sha256}"): allow(STAFF),
    ("POST", f"{D}/attachments"): allow("desk_clerk", SECRETARIAT, scope=CLERK),
    ("GET", f"{D}/receipt"): READ,
    ("GET", f"{D}/supplement-request-slip"): READ,
    ("GET", f"{D}/refusal-slip"): READ,
    ("GET", f"{D}/apology-slip"): READ,
    ("GET", "/campaigns"): allow(STAFF),
    ("GET", "/campaigns/{campaign_id}"): allow(STAFF),
    ("GET", f"{D}/documents"): READ,
    ("GET", f"{D}/documents/{{document}}.{{fmt}}"): READ,
    ("POST", f"{D}/signed-decision"): allow("chairman", SECRETARIAT),
    ("POST", f"{D}/signed-decision/signing"): allow("chairman"),
    ("GET", f"{D}/signed-decision.pdf"): READ,
    ("GET", f"{D}/certificates/{{nominee_id}}.pdf"): READ,
    ("POST", f"{D}/forwarding"): allow(SECRETARIAT, "chairman"),
    ("GET", f"{D}/forwarding/package.zip"): READ,
    ("POST", f"{D}/forwarding/result"): allow("desk_clerk", SECRETARIAT, "chairman", scope=CLERK),
    ("GET", "/certificate-blanks"): allow(STAFF),
    ("PUT", "/certificate-blanks/{blank_id}/calibration"): allow("desk_clerk", SECRETARIAT, "administrator"),
    ("GET", "/certificate-blanks/{blank_id}/test-page.pdf"): allow(STAFF),
    ("POST", "/certificate-prints"): allow("desk_clerk", SECRETARIAT, "administrator"),
    ("GET", "/audit/chain"): AUDIT,
    ("GET", "/audit/verify"): AUDIT,
    **ANNUAL_POLICY,
}

OUTSIDE = "Đơn vị «{unit}» không được xử lý hồ sơ của đơn vị «{other}» (ngoài phạm vi đơn vị mình)."
NOT_AUTHORITY = "Hồ sơ đang thuộc thẩm quyền giải quyết của {authority}, không phải của {unit}."
"""The domain's own wording (and code, `not_deciding_authority`), so clients explain it alike."""


def reach_of(units: OrgUnitDirectory, actor: Actor) -> frozenset[str] | None:
    """The units whose dossiers a person may list: a desk clerk only its own committee's and the
    units under it (as for one dossier, "jurisdiction"); None for everyone else."""
    if CLERK.get(actor.role) == "jurisdiction":
        return jurisdiction(units, actor.unit)
    return None


def _name(units: OrgUnitDirectory, code: str) -> str:
    try:
        return units.get(code).name
    except UnknownUnitError:
        return f"đơn vị mã «{code or '?'}»"


async def unit_named_in(request: Request) -> str:
    """The unit a command is for: `proposing_unit` (a dossier) or `unit` (a year-end list or a
    registration), from a JSON body or a form upload."""
    if "multipart/form-data" in request.headers.get("content-type", ""):
        form = await request.form()  # cached on the request: the endpoint reads the same form
        return str(form.get("unit") or "")
    body = await json_body(request)
    return str(body.get("proposing_unit") or body.get("unit") or "")


async def scope_check(request: Request, actor: Actor, scope: str) -> str | tuple[str, str] | None:
    units = request.app.state.units
    dossier_id = request.path_params.get("dossier_id")
    if dossier_id is None:
        if scope != "jurisdiction":
            return None
        proposing = (await unit_named_in(request)).strip().upper()
        if proposing in units and proposing not in jurisdiction(units, actor.unit):
            return OUTSIDE.format(unit=actor.unit or "?", other=proposing)
        return None
    try:
        # an event-store read: off the event loop, like every endpoint's
        dossier = await asyncio.to_thread(request.app.state.dossiers.get, str(dossier_id))
    except Exception:  # unknown or malformed id: the endpoint answers 404/422
        return None
    if scope == "jurisdiction":
        mine = jurisdiction(units, actor.unit)
        if dossier.proposing_unit not in mine and (dossier.deciding_authority or "") not in mine:
            return OUTSIDE.format(unit=actor.unit or "?", other=dossier.proposing_unit)
    authority = dossier.deciding_authority
    if scope == "authority" and authority and authority != home_committee(units, actor.unit):
        detail = NOT_AUTHORITY.format(authority=_name(units, authority), unit=_name(units, actor.unit))
        return detail, "not_deciding_authority"
    return None
