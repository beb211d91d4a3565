"""Organisation units (departments, communes, the people's committee) as reference data.

Why data: the deciding level and the organisation tree change with the law (the district level
ended on 1/7/2025), so they live in a YAML file the caller may replace, not in code. The packaged
default is the Thanh Oai 2023 set (`org_units.yaml` next to this module).

Two facts about a unit matter for awards and are data here, never the caller's word:
- `award_level`: the level at which the unit's head may decide awards of their own (Law 06/2022
  Art. 80), or none: a district office (phòng), the district police and military command
  propose to the chairman (Art. 80.1 names no district office; Art. 80.5 leaves the armed
  forces to their ministries).
- `valid_from`/`valid_to` and `successors`: who exists on a given day, and who took over a
  unit that ended (a district's dossiers, its decisions to annul, a merged commune's record).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("org_units.yaml")


class UnknownUnitError(LookupError):
    """No unit has this code."""

    def __init__(self, code: str) -> None:
        super().__init__(f"Không tìm thấy đơn vị có mã «{code}».")
        self.code = code


class OrgUnitDataError(ValueError):
    """The reference file is malformed (duplicate code, unknown parent, …)."""


@dataclass(frozen=True)
class AuthorityLevel:
    """A level whose head may act (district, commune, department…), named as data."""

    code: str
    name: str


@dataclass(frozen=True)
class AwardLevel:
    """A level of award power (Law Art. 80), named as data: code, who holds it, and its article."""

    code: str
    name: str
    article: str = ""


@dataclass(frozen=True)
class OrgUnit:
    code: str
    name: str
    kind: str
    authority_level: str
    parent: str | None = None
    short_name: str = ""
    email: str = ""
    webhook: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    award_level: str | None = None
    """Code of the unit's own award power (an `AwardLevel`), None when it has none."""
    successors: tuple[str, ...] = ()
    """Units that took over this one when it ended (several when it was split)."""

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_active_on(self, day: date) -> bool:
        """Whether the unit exists on `day` (both bounds inclusive, None meaning open-ended)."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class OrgUnitDirectory:
    """The units of one locality, looked up by code."""

    def __init__(
        self,
        units: Iterable[OrgUnit],
        authority_levels: Iterable[AuthorityLevel],
        secretariat_code: str,
        name: str = "",
        award_levels: Iterable[AwardLevel] = (),
    ) -> None:
        self.name = name
        self._levels = {level.code: level for level in authority_levels}
        self._award_levels = {level.code: level for level in award_levels}
        self._units: dict[str, OrgUnit] = {}
        for unit in units:
            if unit.code in self._units:
                raise OrgUnitDataError(f"Mã đơn vị bị trùng: {unit.code}")
            if unit.authority_level not in self._levels:
                raise OrgUnitDataError(f"Đơn vị {unit.code}: cấp thẩm quyền không hợp lệ «{unit.authority_level}»")
            if unit.award_level is not None and unit.award_level not in self._award_levels:
                raise OrgUnitDataError(f"Đơn vị {unit.code}: thẩm quyền khen thưởng không hợp lệ «{unit.award_level}»")
            self._units[unit.code] = unit
        for unit in self._units.values():
            if unit.parent is not None and unit.parent not in self._units:
                raise OrgUnitDataError(f"Đơn vị {unit.code}: không có đơn vị cấp trên mã «{unit.parent}»")
            for successor in unit.successors:
                if successor not in self._units or successor == unit.code:
                    raise OrgUnitDataError(f"Đơn vị {unit.code}: không có đơn vị kế thừa mã «{successor}»")
            if unit.successors and unit.valid_to is None:
                raise OrgUnitDataError(f"Đơn vị {unit.code}: có đơn vị kế thừa nhưng không có ngày kết thúc (valid_to)")
        self._check_no_succession_cycle()
        if secretariat_code not in self._units:
            raise OrgUnitDataError(f"Cơ quan thường trực «{secretariat_code}» không có trong danh sách đơn vị")
        self._secretariat_code = secretariat_code

    def get(self, code: str) -> OrgUnit:
        """The unit with this code (case-insensitive); raises `UnknownUnitError`."""
        unit = self._units.get(code.strip().upper()) if isinstance(code, str) else None
        if unit is None:
            raise UnknownUnitError(str(code))
        return unit

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._units

    def all(self, *, active_on: date | None = None) -> list[OrgUnit]:
        """Every unit in file order, or only those that exist on `active_on`."""
        units = list(self._units.values())
        return units if active_on is None else [u for u in units if u.is_active_on(active_on)]

    def children(self, code: str) -> list[OrgUnit]:
        parent = self.get(code).code
        return [u for u in self._units.values() if u.parent == parent]

    def secretariat(self) -> OrgUnit:
        """The council's standing body (cơ quan thường trực), which registers movements."""
        return self._units[self._secretariat_code]

    def authority_levels(self) -> list[AuthorityLevel]:
        return list(self._levels.values())

    def award_levels(self) -> list[AwardLevel]:
        return list(self._award_levels.values())

    def award_level(self, code: str) -> AwardLevel | None:
        """The award power of the unit with this code, None when it has none of its own."""
        level = self.get(code).award_level
        return self._award_levels[level] if level is not None else None

    # --- succession ----------------------------------------------------------------------

    def _check_no_succession_cycle(self) -> None:
        done: set[str] = set()

        def visit(code: str, path: tuple[str, ...]) -> None:
            if code in path:
                raise OrgUnitDataError(f"Đơn vị {path[0]}: chuỗi đơn vị kế thừa lặp vòng qua «{code}»")
            if code in done:
                return
            for successor in self._units[code].successors:
                visit(successor, (*path, code))
            done.add(code)

        for code in self._units:
            visit(code, ())

    def successors_on(self, code: str, day: date) -> list[OrgUnit]:
        """The units that exist on `day` and took over `code` (directly or through units that
        ended in turn); the unit itself when it still exists; empty when no one took over."""
        start = self.get(code)
        if start.is_active_on(day):
            return [start]
        found: list[OrgUnit] = []
        seen: set[str] = set()
        todo = list(start.successors)
        while todo:
            unit = self._units[todo.pop(0)]
            if unit.code in seen:
                continue
            seen.add(unit.code)
            if unit.is_active_on(day):
                found.append(unit)
            else:
                todo.extend(unit.successors)
        return found

    def predecessors(self, code: str) -> frozenset[str]:
        """Every unit whose functions passed to `code`, directly or through other successors."""
        target = self.get(code).code
        found: set[str] = set()
        changed = True
        while changed:
            changed = False
            for unit in self._units.values():
                if unit.code not in found and (target in unit.successors or found & set(unit.successors)):
                    found.add(unit.code)
                    changed = True
        return frozenset(found)

    def successor_for(self, code: str, day: date, *, via: str | None = None) -> OrgUnit | None:
        """The one unit that carries on `code`'s work on `day`, or None when it is ambiguous.

        With one candidate, that one. With several (a district split into communes), the one the
        unit `via` (e.g. the proposing unit of a dossier) belongs to on that day: `via` itself,
        or its own successor, or an ancestor of either.
        """
        candidates = self.successors_on(code, day)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates or via is None or via not in self:
            return None
        by_code = {c.code: c for c in candidates}
        matches: dict[str, OrgUnit] = {}
        for unit in self.successors_on(via, day):
            current: OrgUnit | None = unit
            while current is not None:
                if current.code in by_code:
                    matches[current.code] = current
                    break
                current = self._units.get(current.parent) if current.parent else None
        return next(iter(matches.values())) if len(matches) == 1 else None


def _as_date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise OrgUnitDataError(f"{where}: ngày không hợp lệ «{value}»") from exc


def _unit(data: Mapping[str, Any]) -> OrgUnit:
    try:
        code = str(data["code"]).strip().upper()
        return OrgUnit(
            code=code,
            name=str(data["name"]),
            kind=str(data["kind"]),
            authority_level=str(data["authority_level"]),
            parent=None if data.get("parent") is None else str(data["parent"]).strip().upper(),
            short_name=str(data.get("short_name") or ""),
            email=str(data.get("email") or ""),
            webhook=str(data.get("webhook") or ""),
            valid_from=_as_date(data.get("valid_from"), code),
            valid_to=_as_date(data.get("valid_to"), code),
            award_level=None if data.get("award_level") is None else str(data["award_level"]).strip().upper(),
            successors=tuple(str(c).strip().upper() for c in data.get("successors") or ()),
        )
    except KeyError as exc:
        raise OrgUnitDataError(f"Thiếu trường {exc} ở đơn vị {dict(data)}") from exc


def load_org_units(path: str | Path | None = None) -> OrgUnitDirectory:
    """Reads a directory from YAML; `path` defaults to the packaged Thanh Oai 2023 set."""
    with Path(path or DEFAULT_PATH).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, Mapping) or not isinstance(data.get("units"), list):
        raise OrgUnitDataError("Tệp đơn vị phải có khóa 'units' là một danh sách")
    levels = [AuthorityLevel(str(lv["code"]), str(lv["name"])) for lv in data.get("authority_levels") or []]
    award_levels = [
        AwardLevel(str(lv["code"]).strip().upper(), str(lv["name"]), str(lv.get("article") or ""))
        for lv in data.get("award_levels") or []
    ]
    return OrgUnitDirectory(
        units=[_unit(u) for u in data["units"]],
        authority_levels=levels,
        secretariat_code=str(data.get("secretariat", "")).strip().upper(),
        name=str(data.get("name") or ""),
        award_levels=award_levels,
    )
