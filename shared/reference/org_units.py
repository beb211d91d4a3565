"""Organisation units (departments, communes, the people's committee) as reference data.

Why data: the deciding level and the organisation tree change with the law (the district level
ended on 1/7/2025), so they live in a YAML file the caller may replace, not in code. The packaged
default is the Thanh Oai 2023 set (`org_units.yaml` next to this module).
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
    ) -> None:
        self.name = name
        self._levels = {level.code: level for level in authority_levels}
        self._units: dict[str, OrgUnit] = {}
        for unit in units:
            if unit.code in self._units:
                raise OrgUnitDataError(f"Mã đơn vị bị trùng: {unit.code}")
            if unit.authority_level not in self._levels:
                raise OrgUnitDataError(f"Đơn vị {unit.code}: cấp thẩm quyền không hợp lệ «{unit.authority_level}»")
            self._units[unit.code] = unit
        for unit in self._units.values():
            if unit.parent is not None and unit.parent not in self._units:
                raise OrgUnitDataError(f"Đơn vị {unit.code}: không có đơn vị cấp trên mã «{unit.parent}»")
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
    return OrgUnitDirectory(
        units=[_unit(u) for u in data["units"]],
        authority_levels=levels,
        secretariat_code=str(data.get("secretariat", "")).strip().upper(),
        name=str(data.get("name") or ""),
    )
