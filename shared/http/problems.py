"""RFC 9457 problem details, with messages a clerk can act on (in Vietnamese)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.dberrors import database_error_types, is_database_unavailable
from shared.errors import FieldErrors
from shared.messaging.storecheck import StoreNotWritable

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác định người thực hiện",
    403: "Không có quyền thực hiện",
    404: "Không tìm thấy",
    409: "Thao tác không hợp lệ với trạng thái hiện tại",
    422: "Dữ liệu không hợp lệ",
    500: "Lỗi hệ thống",
    503: "Dịch vụ tạm thời chưa sẵn sàng",
}

# pydantic error type → Vietnamese message; `{…}` takes values from the error's context.
VALIDATION_MESSAGES = {
    "missing": "Trường này là bắt buộc.",
    "string_too_short": "Cần ít nhất {min_length} ký tự.",
    "string_too_long": "Tối đa {max_length} ký tự.",
    "string_type": "Phải là chuỗi ký tự.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "float_parsing": "Phải là số.",
    "decimal_parsing": "Phải là số.",
    "bool_parsing": "Phải là đúng/sai (true/false).",
    "date_from_datetime_parsing": "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD.",
    "date_parsing": "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD.",
    "date_type": "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD.",
    "datetime_parsing": "Thời điểm không hợp lệ; dùng định dạng ISO 8601.",
    "datetime_from_date_parsing": "Thời điểm không hợp lệ; dùng định dạng ISO 8601.",
    "uuid_parsing": "Mã định danh không hợp lệ.",
    "enum": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "literal_error": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "greater_than": "Phải lớn hơn {gt}.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "too_short": "Cần ít nhất {min_length} mục.",
    "list_type": "Phải là một danh sách.",
    "dict_type": "Phải là một đối tượng.",
    "model_attributes_type": "Phải là một đối tượng.",
    "model_type": "Phải là một đối tượng.",
    "finite_number": "Phải là một số hữu hạn.",
    "date_from_datetime_inexact": "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD.",
    "json_invalid": "Nội dung JSON không hợp lệ.",
    "extra_forbidden": "Trường này không được phép.",
    "value_error": "{error}",
}


def vietnamese_message(error: dict[str, Any]) -> str:
    template = VALIDATION_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", "Giá trị không hợp lệ."))
    context = {k: v for k, v in (error.get("ctx") or {}).items()}
    if "error" in context:
        context["error"] = str(context["error"])
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return str(error.get("msg", "Giá trị không hợp lệ."))


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """A field's path as every 422 names it: `targets[0].indicator` (a list item by its index)."""
    path = ""
    for part in loc:
        if part in ("body", "query", "path", "header"):
            continue
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


DATABASE_UNAVAILABLE = (
    "Cơ sở dữ liệu tạm thời không truy cập được; thao tác chưa được ghi nhận. Vui lòng thử lại sau ít phút."
)
RETRY_AFTER_SECONDS = "5"


def problem(
    status: int,
    detail: str,
    *,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": TITLES.get(status, "Lỗi"), "status": status}
    body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def request_field_errors(exc: RequestValidationError | ValidationError) -> FieldErrors:
    """What pydantic found wrong in a request (or in a body an endpoint reads itself), as the one
    422 error (first message per field)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        errors.setdefault(field_path(error.get("loc", ())), vietnamese_message(error))
    return FieldErrors(errors)


def unprocessable(exc: FieldErrors) -> JSONResponse:
    """The one 422 answer of every service (see `shared.errors`)."""
    return problem(422, exc.detail, errors=exc.field_errors)


class ProblemError(Exception):
    """Raise from an endpoint to answer with a problem document."""

    def __init__(self, status: int, detail: str, errors: dict[str, str] | None = None, code: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.code = code


def install_problem_handlers(app: FastAPI, domain_errors: dict[type[Exception], int] | None = None) -> None:
    """Answer every error as problem+json; `domain_errors` maps a service's exceptions to statuses.

    Every 422 is a `shared.errors.FieldErrors` (a service's validation error is one; so is what
    pydantic finds in a request), answered by `unprocessable`; any other domain exception carries
    a Vietnamese message as its `str()` and, for a 409, a stable `code`.
    """

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return unprocessable(request_field_errors(exc))

    @app.exception_handler(FieldErrors)
    async def _fields(_: Request, exc: FieldErrors) -> JSONResponse:
        return unprocessable(exc)

    @app.exception_handler(StoreNotWritable)
    async def _store(_: Request, exc: StoreNotWritable) -> JSONResponse:
        return problem(
            503, str(exc), code=f"event_store_{exc.status.state}", headers={"Retry-After": RETRY_AFTER_SECONDS}
        )

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        # A database that is down is a 503 the client may retry, not a 500; anything else is a bug.
        if not is_database_unavailable(exc):
            raise exc
        circuit = getattr(request.app.state, "database_circuit", None)
        if circuit is not None:
            circuit.trip(f"{type(exc).__name__}: {exc}")
        return problem(
            503, DATABASE_UNAVAILABLE, code="database_unavailable", headers={"Retry-After": RETRY_AFTER_SECONDS}
        )

    for error_type in database_error_types():
        app.add_exception_handler(error_type, _database)

    @app.exception_handler(ProblemError)
    async def _problem(_: Request, exc: ProblemError) -> JSONResponse:
        return problem(exc.status, exc.detail, errors=exc.errors, code=exc.code)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Lỗi")
        if exc.status_code == 404 and detail == "Not Found":
            detail = "Không tìm thấy địa chỉ này."
        if exc.status_code == 405:
            detail = "Phương thức không được hỗ trợ cho địa chỉ này."
        return problem(exc.status_code, detail)

    for error_type, status in (domain_errors or {}).items():
        if issubclass(error_type, FieldErrors):
            continue  # answered by the one 422 handler above

        async def _domain(_: Request, exc: Exception, status: int = status) -> JSONResponse:
            return problem(status, str(exc), code=getattr(exc, "code", None) or None)

        app.add_exception_handler(error_type, _domain)  # type: ignore[arg-type]
