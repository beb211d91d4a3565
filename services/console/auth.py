"""Who is logged in to the console, and what the console passes to the services for them.

This is the one place identity lives. With `TDKT_OIDC_ISSUER` and `TDKT_OIDC_CLIENT_ID` set,
login is OpenID Connect (authorisation code with PKCE, `services.console.oidc`): the verified
access token is kept in the signed session cookie and sent to every service as
`Authorization: Bearer`. `tdkt up` runs the development provider (`services.devidp`) whose
demo users (`DEMO_USERS`, one per role) the login page lists. Without an issuer, the test
suite alone (`TDKT_TEST_ACTOR_HEADERS`, with `TDKT_DEV_MODE`) picks a demo user directly and
the services receive `X-Actor-*` headers; nothing else in the console knows how a user was
identified.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.console import oidc

COOKIE = "tdkt_console"
MAX_AGE_SECONDS = 10 * 60 * 60  # a working day


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: str
    unit: str
    title: str
    token: str = ""
    """The user's verified access token (OIDC login); empty on the test suite's demo login."""


DEMO_USERS: tuple[User, ...] = (
    User("cb.motcua", "Nguyễn Thị Lan", "desk_clerk", "XA-THANH-OAI-2025", "Cán bộ Bộ phận Một cửa, UBND xã Thanh Oai"),
    User("nv.phongkt", "Trần Văn Minh", "lead_unit_officer", "PKT", "Chuyên viên Phòng Kinh tế (đơn vị chủ trì)"),
    User("cv.pnv", "Lê Thị Hạnh", "council_secretariat", "PNV", "Chuyên viên Phòng Nội vụ, thường trực Hội đồng"),
    User(
        "tv.hoidong",
        "Phạm Quốc Huy",
        "council_member",
        "XA-THANH-OAI-2025",
        "Thành viên Hội đồng Thi đua – Khen thưởng",
    ),
    User("ct.ubnd", "Đỗ Văn Thành", "chairman", "XA-THANH-OAI-2025", "Chủ tịch UBND xã Thanh Oai"),
    User("tt.kiemtra", "Hoàng Thu Trang", "auditor", "TTRA", "Thanh tra viên (kiểm tra, đối chiếu)"),
    User("qt.hethong", "Vũ Đức Anh", "administrator", "VP-HDND-UBND", "Quản trị hệ thống"),
)
USERS_BY_ID = {u.id: u for u in DEMO_USERS}


class LoginRequired(Exception):
    """Raised by `require_user`; the app answers with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def _secret(request: Request) -> bytes:
    return request.app.state.settings.console_secret.encode()


def _sign(secret: bytes, payload: bytes) -> str:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()


def session_value(secret: bytes, user: User) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"u": user.id}).encode())
    return f"{payload.decode()}.{_sign(secret, payload)}"


def current_user(request: Request) -> User | None:
    """The logged-in user, or None (no cookie, a forged or expired one, or no login configured)."""
    settings = request.app.state.settings
    if oidc.enabled(settings):
        token = session_token(request)
        claims = oidc.user_claims(request, token) if token else None
        if claims is None:
            return None
        known = USERS_BY_ID.get(claims["id"])
        title = known.title if known else ""
        return User(claims["id"], claims["name"], claims["role"], claims["unit"], title, token=token)
    if not (settings.dev_mode and getattr(settings, "test_actor_headers", False)):
        return None
    raw = request.cookies.get(COOKIE, "")
    payload, _, signature = raw.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(_secret(request), payload.encode())):
        return None
    try:
        user_id = json.loads(base64.urlsafe_b64decode(payload.encode()))["u"]
    except (ValueError, KeyError, TypeError):
        return None
    return USERS_BY_ID.get(user_id)


def session_token(request: Request) -> str:
    """The access token of this request's session: renewed by `renew_session` if it was, else the cookie's."""
    renewed = getattr(request.state, "renewed_tokens", None)
    if renewed is not None:
        return renewed.access if renewed else ""
    session = oidc.unsign(_secret(request), request.cookies.get(COOKIE, "")) or {}
    return str(session.get("t") or "")


async def renew_session(request: Request) -> None:
    """Before a request runs: an access token about to expire is exchanged for a new one with the
    session's refresh token (`oidc.refresh`); with none, or a refused one, the session ends."""
    if not oidc.enabled(request.app.state.settings) or request.url.path.startswith("/dang-nhap"):
        return
    token = session_token(request)
    if not token or not oidc.expires_within(token, oidc.REFRESH_MARGIN_SECONDS):
        return
    refresh_token = oidc.unseal(_secret(request), request.cookies.get(oidc.REFRESH_COOKIE, ""))
    request.state.renewed_tokens = (await oidc.refresh(request, refresh_token) if refresh_token else None) or False


def keep_renewed_session(request: Request, response: Response) -> None:
    """After the request: the renewed tokens go into the cookies (or the ended session out of them)."""
    renewed = getattr(request.state, "renewed_tokens", None)
    if renewed is None or any(c.startswith(f"{COOKIE}=") for c in response.headers.getlist("set-cookie")):
        return  # nothing renewed, or the request itself set or ended the session (logout)
    if renewed:
        set_session(request, response, renewed)
    else:
        response.delete_cookie(COOKIE)
        response.delete_cookie(oidc.REFRESH_COOKIE)


def set_session(request: Request, response: Response, tokens: oidc.Tokens) -> None:
    secure = request.app.state.settings.console_secure_cookie
    secret = _secret(request)
    cookie = {"max_age": MAX_AGE_SECONDS, "httponly": True, "samesite": "lax", "secure": secure}
    response.set_cookie(COOKIE, oidc.sign(secret, {"t": tokens.access}), **cookie)  # type: ignore[arg-type]
    if tokens.refresh:
        response.set_cookie(oidc.REFRESH_COOKIE, oidc.seal(secret, tokens.refresh), **cookie)  # type: ignore[arg-type]


def require_user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


UserDep = Annotated[User, Depends(require_user)]
OptionalUserDep = Annotated[User | None, Depends(current_user)]


def service_credentials(user: User | None) -> dict[str, str]:
    """What each call to a service carries for `user`: their access token (the test suite's
    demo login: the test-only actor headers)."""
    if user is None:
        return {}
    if user.token:
        return {"Authorization": f"Bearer {user.token}"}
    return {"X-Actor-Id": user.id, "X-Actor-Role": user.role, "X-Actor-Unit": user.unit}


def safe_next(next_url: str | None) -> str:
    """Only a path on this site, so the login cannot be used to send someone elsewhere."""
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return next_url
    return "/"


router = APIRouter(tags=["đăng nhập"])


@router.get("/dang-nhap", summary="Đăng nhập (chế độ phát triển: chọn người dùng mẫu)")
async def login_page(request: Request, next: str | None = None) -> Response:
    return request.app.state.pages.render(
        request,
        "login.html",
        {
            "demo_users": DEMO_USERS if request.app.state.settings.dev_mode else (),
            "next": safe_next(next),
            "oidc": oidc.enabled(request.app.state.settings),
        },
        user=None,
    )


@router.post("/dang-nhap")
async def login(request: Request, user_id: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    user = USERS_BY_ID.get(user_id)
    settings = request.app.state.settings
    if oidc.enabled(settings):  # every login goes through the issuer, demo users included
        return RedirectResponse("/dang-nhap/oidc?next=" + quote(safe_next(next)), status_code=303)
    if not (settings.dev_mode and getattr(settings, "test_actor_headers", False)) or user is None:
        return RedirectResponse("/dang-nhap?next=" + quote(safe_next(next)), status_code=303)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        session_value(_secret(request), user),
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.console_secure_cookie,
    )
    return response


@router.post("/dang-xuat")
async def logout(request: Request) -> Response:
    """Ends the console's session, and the issuer's too where it offers RP-initiated logout."""
    target = "/dang-nhap"
    if oidc.enabled(request.app.state.settings):
        target = await oidc.end_session_url(request, str(request.url_for("login_page"))) or target
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(COOKIE)
    response.delete_cookie(oidc.REFRESH_COOKIE)
    return response


@router.get("/dang-nhap/oidc", summary="Đăng nhập qua máy chủ định danh (OIDC, mã ủy quyền + PKCE)")
async def oidc_login(request: Request, next: str | None = None) -> Response:
    if not oidc.enabled(request.app.state.settings):
        return RedirectResponse("/dang-nhap", status_code=303)
    url, flow = await oidc.authorization_redirect(request, safe_next(next))
    response = RedirectResponse(url, status_code=303)
    secure = request.app.state.settings.console_secure_cookie
    response.set_cookie(oidc.FLOW_COOKIE, flow, max_age=oidc.FLOW_SECONDS, httponly=True, samesite="lax", secure=secure)
    return response


@router.get("/dang-nhap/xong", name="oidc_callback", include_in_schema=False)
async def oidc_callback(request: Request, code: str = "", state: str = "") -> Response:
    tokens = await oidc.complete(request, code, state) if code and state else None
    if tokens is None:
        return RedirectResponse("/dang-nhap", status_code=303)
    response = RedirectResponse(safe_next(oidc.flow_next(request)), status_code=303)
    response.delete_cookie(oidc.FLOW_COOKIE)
    set_session(request, response, tokens)
    return response
