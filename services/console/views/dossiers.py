"""Hồ sơ: the one-stop intake (channel, nominees, uploads with progress, the deciding authority
and a thematic dossier's reason to go above the launching level) and its printable slip, the
role's queue and the search, the dossier's page with its timeline, and one screen per step
(completeness check, supplement, appraisal, concurrence, disclosure, the council's check of the
standards no record shows, council vote and revote, decision, passing to a successor unit,
result, extension, withdrawal, annulment, recovery)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from services.console import formdata as F
from services.console import roles
from services.console.auth import User, UserDep
from services.console.authority import refusal_help, signer_view
from services.console.clients import ServiceError
from services.console.formatting import today_vn
from services.console.history import EVENT_LABELS, timeline
from services.console.lastseen import LastSeen
from services.console.pages import error_context, form_status, redirect
from services.console.views.common import PagesDep, ServicesDep, form_files, form_pairs
from shared.contracts import labels as L

router = APIRouter(prefix="/ho-so", tags=["hồ sơ"])

NOMINEE_CONVERTERS: dict[str, F.Converter] = {
    "emulation_year": F.integer,
    "feat_date": F.day,
    "postmark_date": F.day,
    "nominees[].size": F.integer,
    "nominees[].share_of_women": F.number,
    "nominees[].is_direct_worker": F.flag,
    "nominees[].under_discipline_or_inspection": F.flag,
    "nominees[].initiatives[].recognised_on": F.day,
    "attachments[].size": F.integer,
}
AWARD_CHOICES = {k: v for k, v in L.AWARDS.items() if k != "COMMENDATION"}
RATINGS = {
    "EXCELLENT": "Hoàn thành xuất sắc nhiệm vụ",
    "GOOD": "Hoàn thành tốt nhiệm vụ",
    "COMPLETED": "Hoàn thành nhiệm vụ",
    "NOT_COMPLETED": "Không hoàn thành nhiệm vụ",
}
GENDERS = {"MALE": "Nam", "FEMALE": "Nữ"}
SECTORS = {
    "PUBLIC": "Cán bộ, công chức, viên chức, lực lượng vũ trang (xét theo xếp loại)",
    "OTHER": "Công nhân, nông dân, người lao động ngoài khu vực công (không cần xếp loại)",
}
OPEN_STATUSES = ("RECEIVED", "AWAITING_SUPPLEMENT", "AWAITING_CAMPAIGN", "IN_APPRAISAL")
SIGNED_STEPS = ("decision", "rejection", "annulment")
"""Steps signed by the person logged in, for their own unit: the service checks that unit."""


@dataclass(frozen=True)
class Step:
    """One command on a dossier: its screen, its API path, and how its form converts."""

    key: str
    title: str
    button: str
    done: str
    converters: dict[str, F.Converter] = field(default_factory=dict)
    multi: tuple[str, ...] = ()
    hint: str = ""


STEPS: dict[str, Step] = {
    s.key: s
    for s in (
        Step(
            "completeness-check",
            "Kiểm tra tính đầy đủ",
            "Kiểm tra tính đầy đủ",
            "Đã kiểm tra tính đầy đủ.",
            hint="Dịch vụ hồ sơ đối chiếu thành phần hồ sơ với bộ quy tắc và, với hồ sơ chuyên đề, điều kiện "
            "của phong trào: từ chối, yêu cầu bổ sung, chờ thông tin phong trào hoặc chuyển thẩm định.",
        ),
        Step(
            "supplement-request",
            "Yêu cầu bổ sung, hoàn thiện hồ sơ",
            "Gửi yêu cầu bổ sung",
            "Đã yêu cầu bổ sung; thời hạn giải quyết tạm dừng.",
            {"missing": F.lines},
        ),
        Step(
            "supplement",
            "Bổ sung hồ sơ",
            "Ghi nhận bổ sung",
            "Đã bổ sung hồ sơ; thời hạn tính lại.",
            {"attachments[].size": F.integer},
        ),
        Step("acceptance", "Tiếp nhận hồ sơ đầy đủ", "Chuyển thẩm định", "Hồ sơ đầy đủ, đã chuyển thẩm định."),
        Step(
            "refusal",
            "Từ chối giải quyết hồ sơ",
            "Từ chối giải quyết",
            "Đã từ chối giải quyết hồ sơ.",
            {"reasons": F.lines},
        ),
        Step(
            "concurrences",
            "Ý kiến hiệp y",
            "Ghi nhận ý kiến hiệp y",
            "Đã ghi nhận ý kiến hiệp y.",
            {"agrees": F.yes_no, "opinion": F.text_or_empty},
            ("nominee_ids",),
        ),
        Step(
            "disclosures",
            "Công khai danh sách đề nghị khen thưởng",
            "Ghi nhận công khai",
            "Đã ghi nhận công khai.",
            {"from_date": F.day, "to_date": F.day},
            ("nominee_ids",),
        ),
        Step(
            "appraisal",
            "Thẩm định",
            "Thẩm định",
            "Đã thẩm định theo bộ quy tắc của hồ sơ.",
            {"objections.*": F.lines},
            ("nominee_ids",),
        ),
        Step(
            "council-checks",
            "Hội đồng xét tiêu chuẩn",
            "Ghi nhận kết quả xét của Hội đồng",
            "Đã ghi nhận kết quả Hội đồng xét tiêu chuẩn; thẩm định lại để áp dụng.",
            {"meeting_date": F.day},
            ("nominee_ids",),
            hint="Những tiêu chuẩn không hồ sơ, số liệu nào chứng minh (ví dụ tiêu chuẩn Giấy khen, Điều 75 Luật "
            "Thi đua, khen thưởng; Gia đình văn hóa; thôn, tổ dân phố văn hóa) do Hội đồng xét tại cuộc họp và ghi "
            "vào biên bản. Chưa có kết quả này thì đối tượng không đạt thẩm định; ghi nhận lại phải nêu lý do và "
            "lịch sử giữ lần trước.",
        ),
        Step(
            "council-votes",
            "Kết quả bỏ phiếu của Hội đồng",
            "Ghi nhận kết quả bỏ phiếu",
            "Đã ghi nhận kết quả bỏ phiếu.",
            {
                "members_total": F.integer,
                "votes_for": F.integer,
                "votes_against": F.integer,
                "absent_in_writing": F.integer,
                "meeting_date": F.day,
            },
            hint="Bỏ phiếu lại cho người đã có kết quả là một lần bỏ phiếu mới, phải nêu lý do; kết quả các lần "
            "trước vẫn được giữ trong lịch sử bỏ phiếu.",
        ),
        Step(
            "decision",
            "Quyết định khen thưởng",
            "Ký quyết định khen thưởng",
            "Đã ban hành quyết định khen thưởng.",
            {"decision_date": F.day, "reject.*": F.lines},
            ("approve",),
        ),
        Step(
            "successor",
            "Chuyển hồ sơ cho đơn vị kế thừa",
            "Chuyển hồ sơ",
            "Đã chuyển hồ sơ cho đơn vị kế thừa.",
            hint="Khi cơ quan đang giải quyết hồ sơ chấm dứt hoạt động (sáp nhập, giải thể, kết thúc cấp huyện), "
            "hồ sơ chuyển cho đơn vị kế thừa theo danh mục đơn vị; lịch sử hồ sơ ghi lại việc chuyển. Đơn vị kế "
            "thừa ký quyết định, và có thể hủy bỏ, thu hồi khen thưởng của đơn vị trước.",
        ),
        Step(
            "rejection",
            "Quyết định không khen thưởng",
            "Quyết định không khen thưởng",
            "Đã quyết định không khen thưởng.",
            {"reasons": F.lines, "decision_date": F.day},
        ),
        Step("result-return", "Trả kết quả", "Ghi nhận trả kết quả", "Đã trả kết quả cho đơn vị đề nghị."),
        Step(
            "deadline-extension",
            "Hẹn lại ngày trả kết quả",
            "Hẹn lại và in phiếu xin lỗi",
            "Đã hẹn lại ngày trả kết quả; in phiếu xin lỗi từ trang hồ sơ.",
            {"new_date": F.day},
        ),
        Step("withdrawal", "Rút hồ sơ", "Ghi nhận rút hồ sơ", "Đã ghi nhận đơn vị rút hồ sơ."),
        Step(
            "annulment",
            "Hủy bỏ quyết định khen thưởng",
            "Hủy bỏ quyết định",
            "Đã hủy bỏ quyết định khen thưởng.",
            {},
            ("nominee_ids",),
            hint="Điều 93 Luật Thi đua, khen thưởng: chỉ người có thẩm quyền đã quyết định mới được hủy bỏ.",
        ),
        Step(
            "recovery",
            "Thu hồi hiện vật, tiền thưởng",
            "Ghi nhận thu hồi",
            "Đã ghi nhận thu hồi.",
            {"artefacts_returned": F.lines, "amount_recovered_vnd": F.integer},
            ("nominee_ids",),
        ),
    )
}
OFFERED: dict[str, tuple[str, ...]] = {
    "RECEIVED": (
        "successor",
        "completeness-check",
        "supplement-request",
        "acceptance",
        "refusal",
        "deadline-extension",
        "withdrawal",
    ),
    "AWAITING_SUPPLEMENT": ("successor", "supplement", "refusal", "withdrawal"),
    "AWAITING_CAMPAIGN": (
        "successor",
        "completeness-check",
        "acceptance",
        "refusal",
        "deadline-extension",
        "withdrawal",
    ),
    "IN_APPRAISAL": (
        "successor",
        "concurrences",
        "disclosures",
        "council-checks",
        "appraisal",
        "council-votes",
        "decision",
        "rejection",
        "deadline-extension",
        "withdrawal",
    ),
    "AWARDED": ("disclosures", "result-return", "annulment", "recovery"),
    "REJECTED": ("result-return",),
    "RESULT_RETURNED": ("disclosures", "annulment", "recovery"),
    "ANNULLED": ("recovery",),
}
SLIPS = {
    "giay-tiep-nhan": ("receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "phieu-bo-sung": ("supplement-request-slip", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "phieu-tu-choi": ("refusal-slip", "Phiếu từ chối giải quyết hồ sơ"),
    "phieu-xin-loi": ("apology-slip", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
}


# --- list and queue ------------------------------------------------------------------------------


@router.get("")
async def list_dossiers(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    q = dict(request.query_params)
    filters = {k: q.get(k, "") for k in ("q", "status", "kind", "proposing_unit", "year", "overdue")}
    if roles.sees_own_unit_only(user.role) and "proposing_unit" not in q:
        filters["proposing_unit"] = user.unit
    problem = None
    found: list[dict[str, Any]] = []
    queue: list[dict[str, Any]] = []
    try:
        found = await services.dossiers.get("/dossiers", user=user, params={**filters, "limit": 200})
        queue = await role_queue(services, user)
    except ServiceError as error:
        problem = error
    return pages.render(
        request,
        "dossiers/list.html",
        {
            "dossiers": found,
            "queue": queue,
            "queue_title": roles.QUEUE_TITLES.get(user.role),
            "filters": filters,
            "values": filters,
            "statuses": L.DOSSIER_STATUSES,
            "kinds": L.DOSSIER_KINDS,
            "problem": problem,
            "may_receive": user.role == "desk_clerk",
            "may_pass_in_bulk": roles.may_pass_in_bulk(user.role),
        },
    )


async def role_queue(services: ServicesDep, user: User) -> list[dict[str, Any]]:
    """The dossiers waiting for this role, oldest first."""
    found: list[dict[str, Any]] = []
    unit = user.unit if roles.sees_own_unit_only(user.role) else None
    for status in roles.DOSSIER_QUEUES.get(user.role, ()):
        found += await services.dossiers.get(
            "/dossiers", user=user, params={"status": status, "proposing_unit": unit, "limit": 200}
        )
    return sorted(found, key=lambda d: (d.get("appointment_date") or "9999", d["received_on"]))


# --- intake at the one-stop desk -----------------------------------------------------------------


async def _intake_context(
    request: Request, services: ServicesDep, user: User, values: dict[str, Any], error: ServiceError | None
) -> dict[str, Any]:
    try:
        campaigns = await services.campaigns.get("/campaigns", user=user, params={"kind": "thematic"})
    except ServiceError:
        campaigns = []
    rows = 1 + max((int(k.split("[")[1].split("]")[0]) for k in values if k.startswith("nominees[")), default=0)
    attachments = []
    i = 0
    while f"attachments[{i}].sha256" in values:
        attachments.append({k: values.get(f"attachments[{i}].{k}", "") for k in ("sha256", "name", "kind", "size")})
        i += 1
    return {
        "values": values,
        "nominee_rows": rows,
        "attachments": attachments,
        "campaigns": [c for c in campaigns if c["status"] not in ("draft", "cancelled", "registration_returned")],
        "deciding_units": request.app.state.units.deciding(today_vn()),
        "channels": L.CHANNELS,
        "award_types": L.AWARD_TYPES,
        "dossier_kinds": L.DOSSIER_KINDS,
        "attachment_kinds": L.ATTACHMENT_KINDS,
        **_nominee_choices(),
        **error_context(error),
    }


def _nominee_choices() -> dict[str, Any]:
    return {
        "nominee_kinds": L.NOMINEE_KINDS,
        "awards": AWARD_CHOICES,
        "ratings": RATINGS,
        "genders": GENDERS,
        "sectors": SECTORS,
    }


@router.get("/tiep-nhan")
async def intake_form(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    values = {
        "id": str(uuid.uuid4()),
        "channel": "ONE_STOP_DESK",
        "proposing_unit": user.unit,
        "nominees[0].kind": "INDIVIDUAL",
    }
    return pages.render(request, "dossiers/intake.html", await _intake_context(request, services, user, values, None))


@router.get("/them-nguoi")
async def nominee_row(request: Request, index: int, user: UserDep, pages: PagesDep) -> Response:
    """One more nominee (htmx), numbered after the last one on the form."""
    context = {"i": index, "values": {f"nominees[{index}].kind": "INDIVIDUAL"}, "errors": {}, **_nominee_choices()}
    return pages.fragment(request, "dossiers/_nominee.html", context)


async def upload_files(services: ServicesDep, user: User, files: list[Any], kinds: list[str]) -> list[dict[str, Any]]:
    parts = [("files", (f.filename, await f.read(), f.content_type or "application/octet-stream")) for f in files]
    response = await services.dossiers.request("POST", "/attachments", user=user, files=parts, data={"kind": kinds})
    return response.json()  # type: ignore[no-any-return]


@router.post("/tep")
async def upload(request: Request, user: UserDep, services: ServicesDep) -> Response:
    """The intake screen's upload (one request per file picked, with a progress bar in the page)."""
    form = await request.form()
    files = await form_files(request, "files")
    kinds = [k for k in form.getlist("kind") if isinstance(k, str)]
    if not files:
        return JSONResponse({"detail": "Chưa chọn tệp.", "errors": {}}, status_code=422)
    try:
        stored = await upload_files(services, user, files, kinds)
    except ServiceError as error:
        return JSONResponse({"detail": error.detail, "errors": error.errors}, status_code=error.status)
    return JSONResponse(stored, status_code=201)


@router.get("/tep/{sha256}")
async def download(sha256: str, user: UserDep, services: ServicesDep, name: str | None = None) -> Response:
    response = await services.dossiers.request("GET", f"/attachments/{sha256}", user=user, params={"name": name})
    keep = ("content-type", "content-disposition", "content-length", "etag")
    return Response(response.content, headers={k: v for k, v in response.headers.items() if k in keep})


async def _attach_posted_files(request: Request, services: ServicesDep, user: User, raw: dict[str, Any]) -> None:
    """Without JavaScript the files come with the form: upload them first, then refer to them."""
    files = await form_files(request, "upload_files")
    if not files:
        return
    form = await request.form()
    kinds = [k for k in form.getlist("upload_kind") if isinstance(k, str)][: len(files)]
    stored = await upload_files(services, user, files, kinds + ["OTHER"] * (len(files) - len(kinds)))
    raw.setdefault("attachments", [])
    raw["attachments"] += [{k: str(f[k] or "") for k in ("sha256", "name", "kind", "size")} for f in stored]


@router.post("/tiep-nhan")
async def receive(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    raw = F.nest(await form_pairs(request))
    try:
        await _attach_posted_files(request, services, user, raw)
        body = F.convert(raw, NOMINEE_CONVERTERS)
        body.setdefault("nominees", [])
        created = await services.dossiers.post("/dossiers", user=user, json=body)
    except ServiceError as error:
        if error.status == 409 and raw.get("id"):  # sent twice: the first one was received
            try:
                created = await services.dossiers.get(f"/dossiers/{raw['id']}", user=user)
            except ServiceError:
                created = None
            if created:
                return redirect(f"/ho-so/{created['id']}", "Hồ sơ này đã được tiếp nhận trước đó.")
        context = await _intake_context(request, services, user, F.flatten(raw), error)
        return pages.render(request, "dossiers/intake.html", context, status_code=form_status(error))
    return redirect(f"/ho-so/{created['id']}?moi=1", received_message(created))


def received_message(d: dict[str, Any]) -> str:
    """What the desk tells the person who handed the dossier in: its number, from when the
    deadline counts (a receipt outside working time counts from the next working day) and the
    appointment (set once the dossier is complete)."""
    text = f"Đã tiếp nhận hồ sơ số {d['receipt_number']}"
    counted, received = d.get("counted_from"), d.get("received_on")
    if counted and received and counted != received:
        text += f"; tiếp nhận ngoài giờ làm việc, thời hạn tính từ ngày {F.day_text(counted)}"
    if d.get("appointment_date"):
        return text + f"; hẹn trả kết quả ngày {F.day_text(d['appointment_date'])}."
    return text + "; chưa hẹn trả kết quả: hồ sơ còn thiếu, thời hạn tính từ khi hồ sơ đầy đủ."


# --- one dossier ---------------------------------------------------------------------------------


LAST_SEEN = LastSeen()


async def _dossier(services: ServicesDep, user: User, dossier_id: str) -> dict[str, Any]:
    return LAST_SEEN.keep(await services.dossiers.get(f"/dossiers/{dossier_id}", user=user))


async def _dossier_for_form(services: ServicesDep, user: User, dossier_id: str, error: ServiceError) -> dict[str, Any]:
    """The dossier to show a refused form with; during an outage, the last copy read."""
    return await LAST_SEEN.for_form(
        lambda: services.dossiers.get(f"/dossiers/{dossier_id}", user=user), dossier_id, error
    )


async def _campaign_name(services: ServicesDep, user: User, campaign_id: str | None) -> str | None:
    if not campaign_id:
        return None
    try:
        c = await services.campaigns.get(f"/campaigns/{campaign_id}", user=user)
    except ServiceError:
        return campaign_id
    return f"{c['code']} – {c['name']}"


def offered_steps(d: dict[str, Any], user: User, units: Any) -> list[Step]:
    """The steps the dossier's state allows and the role does; passing to a successor only while
    the unit the dossier is pending at has ended."""
    ended = units.ended(d.get("deciding_authority"))
    return [
        STEPS[k] for k in OFFERED.get(d["status"], ()) if roles.may_step(user.role, k) and (k != "successor" or ended)
    ]


def standards_of(d: dict[str, Any]) -> dict[str, str]:
    """Every standard the council must confirm for some nominee: key → wording."""
    found: dict[str, str] = {}
    for checks in (d.get("required_council_checks") or {}).values():
        for c in checks:
            found.setdefault(c["key"], c["text"])
    return found


def nominee_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Each nominee with what became of them: the council's check of the standards no record
    shows, appraisal (with the priority to women), every vote round, decision, annulment."""
    decision = d.get("decision") or {}
    approvals = {a["nominee_id"]: a for a in decision.get("approvals", [])}
    rejections = decision.get("rejections", {})
    annulled = {i for a in d.get("annulments", []) for i in a["nominee_ids"]}
    wording = standards_of(d)
    rows = []
    for n in d["nominees"]:
        i = n["nominee_id"]
        appraisal = d.get("appraisals", {}).get(i)
        check = (d.get("council_checks") or {}).get(i)
        rows.append(
            {
                **n,
                "appraisal": appraisal,
                "priority": [x for x in (appraisal or {}).get("notes", []) if x.startswith("Ưu tiên")],
                "vote": d.get("votes", {}).get(i),
                "vote_rounds": (d.get("vote_history") or {}).get(i, []),
                "standards": [
                    {"key": c["key"], "text": c["text"]} for c in (d.get("required_council_checks") or {}).get(i, [])
                ],
                "council_check": None
                if check is None
                else {
                    **check,
                    "confirmed_text": [wording.get(k, k) for k in check["confirmed"]],
                    "not_confirmed_text": [wording.get(k, k) for k in check["not_confirmed"]],
                },
                "approval": approvals.get(i),
                "rejection": rejections.get(i),
                "annulled": i in annulled,
                "recovered": i in d.get("recovered_ids", []),
            }
        )
    return rows


def available_slips(d: dict[str, Any], history: list[dict[str, Any]]) -> list[tuple[str, str]]:
    kinds = {h["type"] for h in history}
    slips = [("giay-tiep-nhan", SLIPS["giay-tiep-nhan"][1])]
    if "SupplementRequested" in kinds:
        slips.append(("phieu-bo-sung", SLIPS["phieu-bo-sung"][1]))
    if d["status"] == "REFUSED":
        slips.append(("phieu-tu-choi", SLIPS["phieu-tu-choi"][1]))
    if d.get("deadline_extensions"):
        slips.append(("phieu-xin-loi", SLIPS["phieu-xin-loi"][1]))
    return slips


@router.get("/{dossier_id}")
async def detail(request: Request, dossier_id: str, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    version = request.query_params.get("phien_ban", "")
    if version.isdigit():  # the record as it stood after that step, for an auditor
        d = await services.dossiers.get(f"/dossiers/{dossier_id}", user=user, params={"version": version})
    else:
        d = await _dossier(services, user, dossier_id)
    history = await services.dossiers.get(f"/dossiers/{dossier_id}/history", user=user)
    as_of = next((h for h in history if str(h["version"]) == version), None) if version else None
    try:
        award_history = await services.dossiers.get(f"/dossiers/{dossier_id}/award-history", user=user)
    except ServiceError:
        award_history = None  # the page stands without it
    return pages.render(
        request,
        "dossiers/detail.html",
        {
            "d": d,
            "as_of": as_of,
            "as_of_label": EVENT_LABELS.get(as_of["type"], as_of["type"]) if as_of else "",
            "latest_version": history[-1]["version"],
            "campaign_name": await _campaign_name(services, user, d.get("campaign_id")),
            "nominees": nominee_rows(d),
            "steps": [] if as_of else offered_steps(d, user, request.app.state.units),
            "authority_ended": request.app.state.units.ended(d.get("deciding_authority")),
            "timeline": timeline(history, request.app.state.units.name),
            "slips": available_slips(d, history),
            "just_received": request.query_params.get("moi") == "1",
            "award_history": award_history,
        },
    )


@router.get("/{dossier_id}/in/{slip}")
async def print_slip(dossier_id: str, slip: str, user: UserDep, services: ServicesDep) -> Response:
    """The service's printable slip (A4, print CSS), as the service renders it."""
    if slip not in SLIPS:
        raise HTTPException(404)
    response = await services.dossiers.request("GET", f"/dossiers/{dossier_id}/{SLIPS[slip][0]}", user=user)
    page = HTMLResponse(response.text)
    page.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return page


def _step_defaults(step: Step, d: dict[str, Any], user: User) -> dict[str, Any]:
    today = today_vn().strftime("%d/%m/%Y")
    values: dict[str, Any] = {"expected_version": str(d["version"])}
    if step.key in ("decision", "rejection"):
        values["decision_date"] = today
    if step.key == "decision":
        values["approve"] = [i for i, a in d.get("appraisals", {}).items() if a["passed"]]
    if step.key == "council-checks":
        values["meeting_date"] = today
        values["nominee_ids"] = list(d.get("required_council_checks") or {})
        values.update({f"standards.{key}": "skip" for key in standards_of(d)})
    if step.key == "disclosures":
        values.update({"where": "Bảng tin trụ sở UBND", "from_date": today})
    if step.key == "council-votes":
        values["meeting_date"] = today
        values["absent_in_writing"] = "0"
        voted = d.get("votes", {})
        pending = [n["nominee_id"] for n in d["nominees"] if n["nominee_id"] not in voted]
        values["nominee_id"] = (pending or [d["nominees"][0]["nominee_id"]])[0]
    if step.key == "result-return":
        values["returned_to"] = d.get("proposing_unit_name", "")
    return values


def _step_context(
    step: Step, d: dict[str, Any], values: dict[str, Any], error: ServiceError | None, user: User, units: Any
) -> dict[str, Any]:
    help_ = refusal_help(error.code) if error is not None and not error.errors and not error.is_outage else None
    return {
        "step": step,
        "d": d,
        "nominees": nominee_rows(d),
        "values": values,
        "attachment_kinds": L.ATTACHMENT_KINDS,
        "grounds": L.ANNULMENT_GROUNDS,
        "annulled_pending": [n for n in nominee_rows(d) if n["annulled"] and not n["recovered"]],
        "signer": signer_view(d, user.unit, units, today_vn(), annulment=step.key == "annulment")
        if step.key in SIGNED_STEPS
        else None,
        "standards": standards_of(d),
        "successor_options": units.successors(d.get("deciding_authority")) or units.deciding(),
        "authority_ended": units.ended(d.get("deciding_authority")),
        "refusal": {"help": help_[0], "step": STEPS.get(help_[1] or "")} if help_ else None,
        **error_context(error),
    }


def _council_check_body(raw: dict[str, Any]) -> None:
    """The form asks one question per standard (đạt / chưa đạt / not considered): the API takes
    the keys the council confirmed and those it did not."""
    answers = raw.pop("standards", None) or {}
    raw["confirmed"] = [k for k, v in answers.items() if v == "confirmed"]
    raw["not_confirmed"] = [k for k, v in answers.items() if v == "not_confirmed"]


@router.get("/{dossier_id}/buoc/{step_key}")
async def step_form(
    request: Request, dossier_id: str, step_key: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    step = STEPS.get(step_key)
    if step is None:
        raise HTTPException(404)
    d = await _dossier(services, user, dossier_id)
    values = _step_defaults(step, d, user)
    return pages.render(
        request, "dossiers/step.html", _step_context(step, d, values, None, user, request.app.state.units)
    )


@router.post("/{dossier_id}/buoc/{step_key}")
async def run_step(
    request: Request, dossier_id: str, step_key: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    step = STEPS.get(step_key)
    if step is None:
        raise HTTPException(404)
    raw = F.nest(await form_pairs(request), multi=step.multi)
    try:
        if step.key == "supplement":
            await _attach_posted_files(request, services, user, raw)
        body = F.convert(raw, {"expected_version": F.integer, **step.converters})
        for name in step.multi:
            body.setdefault(name, [])
        if step.key == "council-checks":
            _council_check_body(body)
        if step.key in ("appraisal", "annulment", "council-checks") and not body["nominee_ids"]:
            body.pop("nominee_ids")  # none ticked: all of them (the service's default)
        if step.key in SIGNED_STEPS:
            body["authority"] = user.unit  # the person signs for their own unit; the service checks it
        after = LAST_SEEN.keep(await services.dossiers.post(f"/dossiers/{dossier_id}/{step.key}", user=user, json=body))
    except ServiceError as error:
        d = await _dossier_for_form(services, user, dossier_id, error)
        context = _step_context(step, d, F.flatten(raw), error, user, request.app.state.units)
        return pages.render(request, "dossiers/step.html", context, status_code=form_status(error))
    return redirect(f"/ho-so/{dossier_id}", done_message(step, after, request.app.state.units))


def done_message(step: Step, after: dict[str, Any], units: Any) -> str:
    if step.key == "completeness-check":
        message = f"Đã kiểm tra tính đầy đủ: hồ sơ chuyển sang «{after['status_label']}»."
        if after.get("appointment_date"):
            message += f" Hẹn trả kết quả ngày {F.day_text(after['appointment_date'])}."
        return message
    if step.key == "decision" and after.get("decision"):
        return f"Đã ban hành quyết định số {after['decision']['number']}."
    if step.key == "successor":
        return f"Đã chuyển hồ sơ cho {units.name(after.get('deciding_authority'))} (đơn vị kế thừa)."
    return step.done
