"""Unit scope: which org units a person's unit answers for (used by the services' scope checks)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from shared.reference.org_units import OrgUnitDirectory, UnknownUnitError


def home_committee(units: OrgUnitDirectory, code: str) -> str:
    """A people's committee is its own home; a department or office works for its parent."""
    try:
        unit = units.get(code)
    except UnknownUnitError:
        return code
    if unit.kind == "people_committee" or not unit.parent:
        return unit.code
    return unit.parent


def jurisdiction(units: OrgUnitDirectory, code: str) -> frozenset[str]:
    """The actor's home committee, every unit under it, and the units that took over from
    them (a district's dossiers pass to the communes that succeeded it)."""
    if not code:
        return frozenset()
    home = home_committee(units, code)
    found = {home, code}
    pending = [home]
    while pending:
        current = pending.pop()
        try:
            children = units.children(current)
        except UnknownUnitError:
            continue
        try:
            successors = [units.get(code) for code in units.get(current).successors]
        except UnknownUnitError:
            successors = []
        for child in [*children, *successors]:
            if child.code not in found:
                found.add(child.code)
                pending.append(child.code)
    return frozenset(found)


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (empty when it is not one: validation answers that later)."""
    if "json" not in request.headers.get("content-type", ""):
        return {}
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
