"""Đợt xét: the year-end rounds. Phòng Nội vụ opens a round (year, deadlines, awards considered,
units expected); a unit's clerk submits the unit's list by uploading the office's usual XLSX (the
service's row and column errors shown in a table, with the choice to keep the valid rows); the
round's page shows each unit's progress (not submitted, overdue, late, decided) and the list with
its appraisal, votes and outcome; the secretariat appraises the whole list, the council records
its check of the standards no record shows and votes by list (members present, written votes of
the absent; the members' total comes from the council on the meeting day, never typed); the
chairman signs one decision for the list, whose Word/PDF and annex are downloaded here."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.console import formdata as F
from services.console import roles
from services.console.auth import User, UserDep
from services.console.clients import ServiceError, clean_params
from services.console.formatting import today_vn
from services.console.pages import redirect
from services.console.paging import PAGE_SIZE, Page, page_number, pages_for, served
from services.console.views.common import (
    PagesDep,
    ServicesDep,
    day_or_today,
    form_pairs,
    refused,
    refused_list,
)
from services.console.views.listfiles import XLSX, kept_list_file, kept_papers
from shared.contracts import labels as L

router = APIRouter(prefix="/dot-xet", tags=["đợt xét khen thưởng"])

ROUND_AWARDS = {
    k: L.AWARDS[k]
    for k in (
        "ADVANCED_WORKER",
        "GRASSROOTS_EMULATION_FIGHTER",
        "ADVANCED_COLLECTIVE",
        "EXCELLENT_COLLECTIVE",
        "CERTIFICATE_OF_MERIT",
    )
}
"""What a year-end round considers (LĐTT, CSTĐCS, TTLĐTT, TTLĐXS, Giấy khen)."""
LIST_FILES = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION")
"""The papers a unit's list comes with (tờ trình, báo cáo thành tích, biên bản bình xét, …)."""
DOWNLOADS = {
    "quyet-dinh.docx": ("/decision.docx", None),
    "quyet-dinh.pdf": ("/decision.pdf", None),
    "phu-luc.xlsx": ("/annex", {"format": "xlsx"}),
}
PROGRESS_LABELS = {
    "NOT_SUBMITTED": "Chưa nộp",
    "OVERDUE": "Quá hạn, chưa nộp",
    "SUBMITTED": "Đã nộp",
    "SUBMITTED_LATE": "Nộp muộn",
    "DECIDED": "Đã có quyết định",
}
ATTENDANCE = {"present": "Có mặt", "written": "Vắng, có phiếu bằng văn bản", "absent": "Vắng, không có phiếu"}


# --- the rounds ----------------------------------------------------------------------------------


@router.get("")
async def rounds(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    found: list[dict[str, Any]] = []
    problem = None
    try:
        found = await services.dossiers.get("/rounds", user=user)
    except ServiceError as error:
        problem = error
    context = {"rounds": found, "problem": problem, "may_open": roles.may_annual(user.role, "open-round")}
    return pages.render(request, "rounds/list.html", context)


def _open_context(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    units = request.app.state.units
    return {
        "values": values,
        "authorities": units.deciding(today_vn()),
        "unit_options": units.options(active_on=today_vn()),
        "award_options": list(ROUND_AWARDS.items()),
    }


@router.get("/mo")
async def open_form(request: Request, user: UserDep, pages: PagesDep) -> Response:
    year = today_vn().year
    values = {
        "year": str(year),
        "name": f"Xét khen thưởng tổng kết năm {year}",
        "awards": ["ADVANCED_WORKER", "GRASSROOTS_EMULATION_FIGHTER"],
        "authority": user.unit if user.unit in dict(request.app.state.units.deciding(today_vn())) else "",
    }
    return pages.render(request, "rounds/open.html", _open_context(request, values))


@router.post("/mo")
async def open_round(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    raw = F.nest(await form_pairs(request), multi=("awards", "units"))
    try:
        body = F.convert(
            raw, {"year": F.integer, "submission_deadline": F.day, "decision_deadline": F.day, "awards": F.text}
        )
        body.setdefault("awards", [])
        body.setdefault("units", [])
        opened = await services.dossiers.post("/rounds", user=user, json=body)
    except ServiceError as error:
        return refused(request, pages, "rounds/open.html", _open_context(request, F.flatten(raw)), error)
    return redirect(f"/dot-xet/{opened['round_id']}", f"Đã mở đợt xét «{opened['name']}».")


@router.get("/{round_id}")
async def round_detail(
    request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    """The round's progress, read from the round's own record (no dossier is loaded, so the page
    stays quick for a round of thousands); the list has its own page."""
    progress = await services.dossiers.get(f"/rounds/{round_id}", user=user)
    mine = [u["unit"] for u in progress["progress"] if _may_submit_for(request, user, u["unit"])]
    return pages.render(
        request,
        "rounds/detail.html",
        {
            "r": progress,
            "nominees_total": sum(u["nominees"] for u in progress["progress"]),
            "actions": roles.annual_actions(user.role),
            "my_units": mine,
            "progress_labels": PROGRESS_LABELS,
        },
    )


async def list_page(
    services: ServicesDep, user: User, round_id: str, unit: str, asked: str | None, size: int = PAGE_SIZE
) -> Page:
    """One page of the round's list (of one unit's part), as the service serves it
    (`unit`, `offset`, `limit`; the rows there are in `X-Total-Count`); past the end, the last page."""

    async def fetch(number: int) -> tuple[list[dict[str, Any]], int]:
        params = clean_params({"unit": unit, "offset": (number - 1) * size, "limit": size})
        response = await services.dossiers.request("GET", f"/rounds/{round_id}/list", user=user, params=params)
        return response.json(), int(response.headers.get("x-total-count") or 0)

    number = page_number(asked)
    items, total = await fetch(number)
    if number > (last := pages_for(total, size)):
        number = last
        items, total = await fetch(number)
    return served(items, total, number, size)


def unit_choices(request: Request, r: dict[str, Any]) -> list[tuple[str, str]]:
    """The round's units that submitted, by name (the code in the address)."""
    names = request.app.state.units
    return [(u["unit"], names.name(u["unit"])) for u in r["progress"] if u["dossier_ids"]]


@router.get("/{round_id}/danh-sach")
async def round_list(
    request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    """The round's nominees (or one unit's) with appraisal, votes and outcome, a page at a time:
    the console asks the service for one page only (a round of thousands)."""
    r = await services.dossiers.get(f"/rounds/{round_id}", user=user)
    unit = request.query_params.get("don_vi", "")
    page = await list_page(services, user, round_id, unit, request.query_params.get("trang"))
    return pages.render(
        request,
        "rounds/nominees.html",
        {
            "r": r,
            "unit": unit,
            "page": page,
            "page_query": {"don_vi": unit} if unit else {},
            "unit_options": unit_choices(request, r),
            "last_vote": r["meetings"][-1] if r.get("meetings") else None,
        },
    )


def _may_submit_for(request: Request, user: User, unit: str) -> bool:
    """The units a clerk is offered to submit for: the secretariat any, a clerk or officer its
    own unit and those under it (the service checks the reach again)."""
    if not roles.may_annual(user.role, "submit-list"):
        return False
    if user.role == "council_secretariat":
        return True
    units = request.app.state.units
    seen, code = set(), unit
    while code and code not in seen:
        if code == user.unit:
            return True
        seen.add(code)
        code = (units.get(code) or {}).get("parent")
    return units.get(unit) is None  # not in the catalogue: the service decides


@router.get("/{round_id}/tai/{name}")
async def download(round_id: str, name: str, user: UserDep, services: ServicesDep) -> Response:
    """The list decision (Word, PDF) and its annex (XLSX), as the service renders them."""
    if name not in DOWNLOADS:
        raise HTTPException(404)
    path, params = DOWNLOADS[name]
    response = await services.dossiers.request("GET", f"/rounds/{round_id}{path}", user=user, params=params)
    keep = ("content-type", "content-disposition", "content-length")
    return Response(response.content, headers={k: v for k, v in response.headers.items() if k in keep})


@router.post("/{round_id}/tham-dinh")
async def appraise(round_id: str, user: UserDep, services: ServicesDep) -> Response:
    try:
        done = await services.dossiers.post(f"/rounds/{round_id}/appraisal", user=user)
    except ServiceError as error:
        return redirect(f"/dot-xet/{round_id}", f"Chưa thẩm định được: {error.detail}", kind="error")
    text = f"Đã thẩm định danh sách: {done['passed']} đạt, {done['failed']} không đạt"
    if done.get("awaiting_supplement"):
        text += f"; {done['awaiting_supplement']} hồ sơ phải bổ sung"
    return redirect(f"/dot-xet/{round_id}", text + ".")


# --- a unit submits its list ---------------------------------------------------------------------


async def submit_context(
    request: Request, services: ServicesDep, user: User, round_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    r = await services.dossiers.get(f"/rounds/{round_id}", user=user)
    units = request.app.state.units
    return {
        "r": r,
        "values": values,
        "unit_options": [(u, units.name(u)) for u in r["units"] if _may_submit_for(request, user, u)],
        "file_kinds": [(k, L.ATTACHMENT_KINDS[k]) for k in LIST_FILES],
        "columns": COLUMNS_HELP,
        "row_errors": [],
    }


COLUMNS_HELP = (
    "Họ và tên",
    "Đối tượng (cá nhân, tập thể)",
    "Số CCCD hoặc Mã cá nhân",
    "Giới tính",
    "Chức vụ",
    "Đơn vị công tác",
    "Danh hiệu đề nghị",
    "Xếp loại",
    "Sáng kiến",
)
"""The list's columns as the service reads them (by header, any order)."""


@router.get("/{round_id}/nop")
async def submit_form(
    request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    context = await submit_context(request, services, user, round_id, {"unit": user.unit})
    return pages.render(request, "rounds/submit.html", context)


@router.post("/{round_id}/nop")
async def submit_list(
    request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    """The list and its papers are stored in the service's file store first, so a list refused
    for its rows can be sent again with "keep the valid rows" without picking the files again."""
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    try:
        kept = await kept_papers(request, services, user, values, LIST_FILES)
        name, content = await kept_list_file(request, services, user, values)
        done = await services.dossiers.post(
            f"/rounds/{round_id}/imports",
            user=user,
            json=None,
            data={
                "unit": values.get("unit", ""),
                "achievements": values.get("achievements", ""),
                "keep_valid_rows": "true" if values.get("keep_valid_rows") else "false",
                "attachments": json.dumps(kept),
            },
            files={"file": (name, content, XLSX)},
        )
    except ServiceError as error:
        context = await submit_context(request, services, user, round_id, values)
        return refused_list(request, pages, "rounds/submit.html", context, error)
    return redirect(f"/dot-xet/{round_id}", submitted_message(done))


def submitted_message(done: dict[str, Any]) -> str:
    text = f"Đã nộp danh sách: {done['nominees']} người được đề nghị"
    summary = done.get("import") or {}
    if summary.get("rows_with_errors"):
        text += f"; bỏ qua {summary['rows_with_errors']} dòng có lỗi"
    if done.get("late"):
        text += "; nộp sau hạn"
    if done.get("flags"):
        text += f"; {len(done['flags'])} người đề nghị danh hiệu chưa đăng ký thi đua"
    return text + "."


# --- the council: its check of the standards, its vote by list -----------------------------------


@router.get("/{round_id}/xet-tieu-chuan")
async def checks_form(
    request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    r = await services.dossiers.get(f"/rounds/{round_id}", user=user)
    return pages.render(request, "rounds/checks.html", {"r": r, "values": {"meeting_date": F.day_text(today_vn())}})


@router.post("/{round_id}/xet-tieu-chuan")
async def record_checks(
    request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    raw = F.nest(await form_pairs(request))
    try:
        body = F.convert(raw, {"meeting_date": F.day, "not_confirmed": F.text_or_empty})
        body["not_confirmed"] = _per_ref(str(raw.get("not_confirmed", "")))
        done = await services.dossiers.post(f"/rounds/{round_id}/council-checks", user=user, json=body)
    except ServiceError as error:
        r = await services.dossiers.get(f"/rounds/{round_id}", user=user)
        return refused(request, pages, "rounds/checks.html", {"r": r, "values": F.flatten(raw)}, error)
    return redirect(
        f"/dot-xet/{round_id}",
        f"Đã ghi nhận kết quả Hội đồng xét tiêu chuẩn cho {done['recorded']} người; thẩm định lại để áp dụng.",
    )


def _per_ref(text: str) -> dict[str, list[str]]:
    """`ref: key, key` a line → {ref: [keys]} (the ref itself holds colons: split at the last)."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        ref, _, keys = line.strip().rpartition(":")
        if ref.strip():
            found[ref.strip()] = [k.strip() for k in keys.split(",") if k.strip()]
    return found


async def _vote_context(services: ServicesDep, user: User, round_id: str, values: dict[str, Any]) -> dict[str, Any]:
    r = await services.dossiers.get(f"/rounds/{round_id}", user=user)
    on = day_or_today(str(values.get("meeting_date") or ""))
    council, council_problem = None, None
    try:
        council = await services.dossiers.get(f"/councils/{r['authority']}", user=user, params={"on": on})
    except ServiceError as error:
        council_problem = error
    return {
        "r": r,
        "values": values,
        "council": council,
        "council_problem": council_problem,
        "attendance": list(ATTENDANCE.items()),
        "revote": bool(r.get("meetings")),
    }


@router.get("/{round_id}/bo-phieu")
async def vote_form(request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    values = {"meeting_date": F.day_text(today_vn()), **{k: v for k, v in request.query_params.items() if v}}
    context = await _vote_context(services, user, round_id, values)
    for m in (context["council"] or {}).get("members_on", []):
        context["values"].setdefault(f"attendance.{m['member_id']}", "present")
    return pages.render(request, "rounds/vote.html", context)


@router.post("/{round_id}/bo-phieu")
async def vote(request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    raw = F.nest(await form_pairs(request))
    try:
        attendance: dict[str, str] = raw.get("attendance") or {}
        body = F.convert(
            {k: raw[k] for k in ("meeting_date", "minutes_ref", "reason") if k in raw}, {"meeting_date": F.day}
        )
        body["present"] = [m for m, a in attendance.items() if a == "present"]
        body["written"] = [m for m, a in attendance.items() if a == "written"]
        crossed = {
            m: [x.strip() for x in str(v).replace("\n", ",").split(",") if x.strip()]
            for m, v in (raw.get("crossed_out") or {}).items()
        }
        body["crossed_out"] = {m: refs for m, refs in crossed.items() if refs}
        done = await services.dossiers.post(f"/rounds/{round_id}/votes", user=user, json=body)
    except ServiceError as error:
        context = await _vote_context(services, user, round_id, F.flatten(raw))
        return refused(request, pages, "rounds/vote.html", context, error)
    minutes = done["meeting"]
    return redirect(
        f"/dot-xet/{round_id}",
        f"Đã ghi nhận kết quả bỏ phiếu (biên bản {minutes['minutes_ref']}, Hội đồng {minutes['members_total']} "
        f"thành viên): {done['passed']}/{done['voted']} người đạt.",
    )
