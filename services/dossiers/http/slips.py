"""Printable slips over HTTP: HTML pages with print CSS (`services.dossiers.slips`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from services.dossiers.slips import SlipPrinter

router = APIRouter(prefix="/dossiers/{dossier_id}", tags=["phiếu in"], default_response_class=HTMLResponse)


async def get_printer(request: Request) -> SlipPrinter:
    return request.app.state.slips  # type: ignore[no-any-return]


PrinterDep = Annotated[SlipPrinter, Depends(get_printer)]


@router.get("/receipt", summary="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
def receipt(
    dossier_id: str,
    printer: PrinterDep,
    version: Annotated[int | None, Query(ge=1, description="In lại tại phiên bản này (sau khi bổ sung)")] = None,
) -> HTMLResponse:
    return HTMLResponse(printer.receipt(dossier_id, version))


@router.get("/supplement-request-slip", summary="Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
def supplement_request_slip(dossier_id: str, printer: PrinterDep) -> HTMLResponse:
    return HTMLResponse(printer.supplement_request(dossier_id))


@router.get("/refusal-slip", summary="Phiếu từ chối giải quyết hồ sơ")
def refusal_slip(dossier_id: str, printer: PrinterDep) -> HTMLResponse:
    return HTMLResponse(printer.refusal(dossier_id))


@router.get("/apology-slip", summary="Phiếu xin lỗi và hẹn lại ngày trả kết quả")
def apology_slip(dossier_id: str, printer: PrinterDep) -> HTMLResponse:
    return HTMLResponse(printer.apology(dossier_id))
