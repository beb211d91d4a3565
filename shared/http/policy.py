"""Who may call which endpoint: each service's policy table, enforced in one place.

A service declares `POLICY: dict[(method, path template), Rule]` in its `policy.py`; the app
runs `enforce_policy` before every endpoint (a FastAPI app-wide dependency). A route missing
from the table is refused (deny by default); the operational endpoints below are open.
A rule's `scope` names a unit check the service implements (`ScopeCheck`): the unit of the
thing acted on must be within the actor's. Every refusal is a 403 with a Vietnamese reason,
logged with the actor, before anything is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from shared.actor import Actor
from shared.http.actor import resolve_actor
from shared.http.problems import ProblemError

log = logging.getLogger("tdkt.policy")

STAFF = frozenset(
    {
        "desk_clerk",
        "lead_unit_officer",
        "lead_unit_clerk",
        "council_secretariat",
        "council_member",
        "chairman",
        "auditor",
        "administrator",
        "operator",
    }
)
"""Every person's role: what they may read (within their scope)."""
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/asyncapi.json", "/asyncapi", "/openapi.json", "/docs", "/redoc"})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] = frozenset()
    scope: dict[str, str] | None = None
    """Per role, the unit check applied to it (e.g. {"desk_clerk": "jurisdiction"})."""
    public: bool = False

    def scope_for(self, role: str) -> str | None:
        return (self.scope or {}).get(role)


def allow(*roles: str | frozenset[str], scope: dict[str, str] | None = None) -> Rule:
    names: set[str] = set()
    for role in roles:
        names |= {role} if isinstance(role, str) else set(role)
    return Rule(frozenset(names), scope)


PUBLIC = Rule(public=True)

Policy = dict[tuple[str, str], Rule]
ScopeCheck = Callable[[Request, Actor, str], Awaitable[str | tuple[str, str] | None]]
"""(request, actor, scope name) → None when within scope, else the Vietnamese refusal (or the
refusal and its problem `code`, when a client explains that code)."""

NOT_LISTED = "Thao tác này chưa có trong bảng phân quyền của dịch vụ nên không ai được thực hiện."


def refusal_for_role(actor: Actor, rule: Rule) -> str:
    role = actor.role or "(không có vai trò)"
    allowed = ", ".join(sorted(rule.roles))
    return f"Vai trò «{role}» không được thực hiện thao tác này (chỉ vai trò: {allowed})."


async def enforce_policy(request: Request) -> None:
    policy: Policy | None = getattr(request.app.state, "policy", None)
    if policy is None:
        return  # a service without a table yet: its endpoints check for themselves
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    if path in OPEN_PATHS:
        return
    rule = policy.get((request.method, path))
    if rule is None and request.method == "HEAD":
        rule = policy.get(("GET", path))
    if rule is not None and rule.public:
        return
    actor = resolve_actor(request)
    if rule is None:
        _refuse(request, actor, NOT_LISTED)
    assert rule is not None
    if actor.role not in rule.roles:
        _refuse(request, actor, refusal_for_role(actor, rule))
    scope = rule.scope_for(actor.role)
    check: ScopeCheck | None = getattr(request.app.state, "scope_check", None)
    if scope and check is not None:
        refusal = await check(request, actor, scope)
        if isinstance(refusal, tuple):
            _refuse(request, actor, refusal[0], refusal[1])
        elif refusal:
            _refuse(request, actor, refusal)


def _refuse(request: Request, actor: Actor, reason: str, code: str | None = None) -> None:
    log.warning(
        "refused %s %s for %s (%s, %s): %s",
        request.method,
        request.url.path,
        actor.id,
        actor.role,
        actor.unit,
        reason,
    )
    raise ProblemError(403, reason, code=code)
