"""Who may read what: role checks on the actor, in one place.

Today the actor comes from the development headers (`shared.http.actor`); when authentication
lands (issue #12) only `actor_from_headers` changes, and every check here keeps working.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends

from shared.actor import Actor
from shared.http.actor import ActorDep
from shared.http.problems import ProblemError

AUDIT_ROLES = frozenset({"auditor", "administrator"})
"""Thanh tra, kiểm tra (auditor) and the system administrator read the tamper-evidence checks."""


def require_role(roles: frozenset[str], refusal: str) -> Callable[[Actor], Awaitable[Actor]]:
    async def check(actor: ActorDep) -> Actor:
        if actor.role not in roles:
            raise ProblemError(403, refusal)
        return actor

    return check


require_auditor = require_role(
    AUDIT_ROLES,
    "Chỉ thanh tra viên (vai trò auditor) hoặc quản trị hệ thống (administrator) được xem kết quả đối chiếu "
    "chuỗi băm của kho sự kiện.",
)
AuditorDep = Annotated[Actor, Depends(require_auditor)]
