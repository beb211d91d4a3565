"""HTTP clients of the four services, and their refusals as `ServiceError`.

A service answers an error as RFC 9457 problem+json with a Vietnamese `detail` and, for field
errors, `errors: {path: message}`. The console shows those messages next to the field (by path)
or the action they concern; it adds no rules of its own. The only rewording is of a date
format: the console's forms take dates as dd/mm/yyyy, so "YYYY-MM-DD" in a message would
mislead the person who typed one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.console.auth import User, service_credentials

_INDEX = re.compile(r"\.(\d+)(?=\.|$)")
_DATE_FORMAT = re.compile(r"\(?\s*định dạng YYYY-MM-DD\s*\)?|YYYY-MM-DD")


def form_path(path: str) -> str:
    """`targets.0.indicator` (pydantic's path) → `targets[0].indicator` (the domain's and the forms')."""
    return _INDEX.sub(r"[\1]", path)


def reword(message: str) -> str:
    return _DATE_FORMAT.sub("(định dạng ngày/tháng/năm, ví dụ 25/11/2026)", message).replace("  ", " ")


OUTAGES = {
    "event_store_behind": (
        "Dịch vụ {service} đang thiếu dữ liệu so với lịch sử sự kiện đã phát hành (thường gặp sau khi "
        "khôi phục từ bản sao lưu), nên tạm dừng nhận thao tác ghi để không cấp trùng số. Quản trị viên "
        "cần đối chiếu lại kho dữ liệu; việc xem hồ sơ vẫn bình thường."
    ),
    "event_store_unchecked": (
        "Dịch vụ {service} chưa đối chiếu được kho dữ liệu với luồng sự kiện (chưa kết nối được máy chủ "
        "NATS), nên tạm chưa nhận thao tác ghi. Thường chỉ mất ít phút."
    ),
    "database_unavailable": (
        "Cơ sở dữ liệu của dịch vụ {service} tạm thời không truy cập được; thao tác chưa được ghi nhận."
    ),
}
"""What a person is told when a service refuses writes for a while (HTTP 503), by its `code`."""


@dataclass
class ServiceError(Exception):
    """A service refused (4xx) or could not be reached; `errors` are keyed by form field path."""

    status: int
    detail: str
    errors: dict[str, str] = field(default_factory=dict)
    code: str | None = None
    service: str = ""

    def __str__(self) -> str:
        return self.detail

    @property
    def is_outage(self) -> bool:
        """The service could not take the command now (503, or no answer): nothing was recorded,
        and the same form sent again later will do."""
        return self.status == 503

    @property
    def outage_text(self) -> str:
        """Why the service refuses writes for now, in words a clerk understands."""
        if self.code in OUTAGES:
            return OUTAGES[self.code].format(service=self.service or "")
        if isinstance(self, ServiceUnavailable):
            return "Dịch vụ đang khởi động lại hoặc tạm ngừng; thao tác chưa được ghi nhận."
        return "Dịch vụ tạm thời chưa nhận thao tác; thao tác chưa được ghi nhận."

    @classmethod
    def from_response(cls, service: str, response: httpx.Response) -> ServiceError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, Mapping):
            body = {}
        errors = body.get("errors") or {}
        detail = str(body.get("detail") or body.get("title") or f"Dịch vụ {service} trả lỗi {response.status_code}.")
        return cls(
            status=response.status_code,
            detail=reword(detail),
            errors={form_path(str(k)): reword(str(v)) for k, v in errors.items()} if isinstance(errors, dict) else {},
            code=body.get("code"),
            service=service,
        )


class ServiceUnavailable(ServiceError):
    """No answer at all (connection refused, time-out): the service is down or starting."""


class ServiceClient:
    """One service's base URL and label; every call names the user it acts for."""

    def __init__(self, name: str, label: str, base_url: str, http: httpx.AsyncClient) -> None:
        self.name, self.label, self.base_url, self.http = name, label, base_url.rstrip("/"), http

    async def request(
        self, method: str, path: str, *, user: User | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        try:
            response = await self.http.request(
                method,
                self.base_url + path,
                headers={**service_credentials(user), **(headers or {})},
                **kwargs,
            )
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(
                503,
                f"Không kết nối được dịch vụ {self.label} ({self.base_url}); hãy thử lại sau ít phút.",
                service=self.label,
            ) from exc
        if response.status_code >= 400:
            raise ServiceError.from_response(self.label, response)
        return response

    async def get(self, path: str, *, user: User | None = None, params: Any = None) -> Any:
        return (await self.request("GET", path, user=user, params=clean_params(params))).json()

    async def post(self, path: str, *, user: User | None = None, json: Any = None, **kwargs: Any) -> Any:
        response = await self.request("POST", path, user=user, json=json, **kwargs)
        return response.json() if response.content else None

    async def patch(self, path: str, *, user: User | None = None, json: Any = None) -> Any:
        return (await self.request("PATCH", path, user=user, json=json)).json()

    async def put(self, path: str, *, user: User | None = None, json: Any = None) -> Any:
        return (await self.request("PUT", path, user=user, json=json)).json()

    async def delete(self, path: str, *, user: User | None = None) -> None:
        await self.request("DELETE", path, user=user)


def clean_params(params: Any) -> Any:
    """Drop empty query parameters: an empty filter box means no filter."""
    if isinstance(params, Mapping):
        return {k: v for k, v in params.items() if v not in (None, "")}
    return params


@dataclass
class Services:
    campaigns: ServiceClient
    dossiers: ServiceClient
    notifications: ServiceClient
    reporting: ServiceClient

    @classmethod
    def connect(cls, http: httpx.AsyncClient, urls: Mapping[str, str]) -> Services:
        return cls(
            campaigns=ServiceClient("campaigns", "phong trào thi đua", urls["campaigns"], http),
            dossiers=ServiceClient("dossiers", "hồ sơ khen thưởng", urls["dossiers"], http),
            notifications=ServiceClient("notifications", "thông báo", urls["notifications"], http),
            reporting=ServiceClient("reporting", "báo cáo", urls["reporting"], http),
        )
