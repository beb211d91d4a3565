"""Hội đồng Thi đua – Khen thưởng: each deciding authority's council as data (members, roles,
term, changes over time, and who sat on it on a given day), constituted and changed by Phòng Nội
vụ (the service decides who may), and the minutes of a meeting (members present, written votes
of the absent, names crossed out)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import formdata as F
from services.console import roles
from services.console.auth import UserDep
from services.console.clients import ServiceError
from services.console.formatting import today_vn
from services.console.views.common import PagesDep, ServicesDep, day_or_today, post_form

router = APIRouter(prefix="/hoi-dong", tags=["hội đồng thi đua – khen thưởng"])

COUNCIL_ROLES = {
    "CHAIRMAN": "Chủ tịch Hội đồng",
    "VICE_CHAIRMAN": "Phó Chủ tịch Hội đồng",
    "STANDING_MEMBER": "Ủy viên thường trực",
    "MEMBER": "Ủy viên",
}
CHANGES = {
    "CONSTITUTED": "Thành lập Hội đồng",
    "APPOINTED": "Bổ sung thành viên",
    "RELEASED": "Thành viên thôi tham gia",
}
MEMBER_ROWS = 7
"""Blank member rows on the constitution form (rows left blank are dropped)."""


@router.get("")
async def councils(request: Request, user: UserDep, pages: PagesDep) -> Response:
    authorities = request.app.state.units.deciding(today_vn())
    return pages.render(request, "councils/list.html", {"authorities": authorities})


@router.get("/bien-ban/{meeting_id}")
async def minutes(request: Request, meeting_id: str, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    meeting = await services.dossiers.get(f"/council-meetings/{meeting_id}", user=user)
    return pages.render(request, "councils/minutes.html", {"mt": meeting})


@router.get("/{authority}")
async def council(request: Request, authority: str, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    on = day_or_today(request.query_params.get("ngay", ""))
    found, problem = None, None
    try:
        found = await services.dossiers.get(f"/councils/{authority}", user=user, params={"on": on})
    except ServiceError as error:
        if error.status != 404:
            raise
        problem = error
    return pages.render(
        request,
        "councils/detail.html",
        {
            "authority": authority,
            "c": found,
            "problem": problem,
            "on": on,
            "may_keep": roles.may_annual(user.role, "keep-council"),
            "changes": CHANGES,
        },
    )


def _context(authority: str, **more: Any) -> dict[str, Any]:
    return {"authority": authority, "council_roles": list(COUNCIL_ROLES.items()), "member_rows": MEMBER_ROWS, **more}


@router.get("/{authority}/thanh-lap")
async def constitute_form(request: Request, authority: str, user: UserDep, pages: PagesDep) -> Response:
    name = request.app.state.units.name(authority)
    values = {"name": f"Hội đồng Thi đua – Khen thưởng {name}", "term_from": F.day_text(today_vn())}
    return pages.render(request, "councils/constitute.html", _context(authority, values=values))


@router.post("/{authority}/thanh-lap")
async def constitute(
    request: Request, authority: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    def shape(body: dict[str, Any]) -> None:
        body["authority"] = authority
        body.setdefault("members", [])

    return await post_form(
        request,
        services,
        user,
        pages,
        path="/councils",
        template="councils/constitute.html",
        context=_context(authority),
        converters={"term_from": F.day, "term_to": F.day},
        shape=shape,
        done=lambda c: (f"/hoi-dong/{authority}", f"Đã thành lập {c['name']} ({len(c['members'])} thành viên)."),
    )


@router.get("/{authority}/bo-sung")
async def appoint_form(request: Request, authority: str, user: UserDep, pages: PagesDep) -> Response:
    values = {"on": F.day_text(today_vn()), "member.role": "MEMBER"}
    return pages.render(request, "councils/appoint.html", _context(authority, values=values))


@router.post("/{authority}/bo-sung")
async def appoint(request: Request, authority: str, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    return await post_form(
        request,
        services,
        user,
        pages,
        path=f"/councils/{authority}/members",
        template="councils/appoint.html",
        context=_context(authority),
        converters={"on": F.day},
        done=lambda c: (f"/hoi-dong/{authority}", "Đã bổ sung thành viên Hội đồng."),
    )


async def _member(services: ServicesDep, user: Any, authority: str, member_id: str) -> dict[str, Any]:
    c = await services.dossiers.get(f"/councils/{authority}", user=user)
    return next((m for m in c["members"] if m["member_id"] == member_id), {"member_id": member_id, "name": member_id})


@router.get("/{authority}/thanh-vien/{member_id}/thoi")
async def release_form(
    request: Request, authority: str, member_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    member = await _member(services, user, authority, member_id)
    context = _context(authority, member=member, values={"last_day": F.day_text(today_vn())})
    return pages.render(request, "councils/release.html", context)


@router.post("/{authority}/thanh-vien/{member_id}/thoi")
async def release(
    request: Request, authority: str, member_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    member = await _member(services, user, authority, member_id)
    return await post_form(
        request,
        services,
        user,
        pages,
        path=f"/councils/{authority}/members/{member_id}/release",
        template="councils/release.html",
        context=_context(authority, member=member),
        converters={"last_day": F.day},
        done=lambda c: (f"/hoi-dong/{authority}", f"{member['name']} thôi tham gia Hội đồng."),
    )
