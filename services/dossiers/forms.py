"""Reading the forms a clerk fills (a dossier's receipt, its nominees and attachments, rows of an
import) from untrusted JSON: every field checked, a Vietnamese message per field path.

This is edge code: `services.dossiers.submission` and the HTTP layer call it, and hand the
domain the typed values it returns (`Nominee`, `Attachment`). The step commands' fields are
parsed by their pydantic request models instead (`services.dossiers.http.fields`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from services.dossiers.blobs import is_sha256
from services.dossiers.domain.values import (
    AWARD_VALUES,
    PERSON_ID,
    REQUIRED,
    Attachment,
    AttachmentKind,
    AwardType,
    CitedAward,
    Gender,
    Initiative,
    Nominee,
    NomineeKind,
    PerformanceRating,
    Sector,
)

# --- parsing untrusted input -----------------------------------------------------------------

E = TypeVar("E", bound=StrEnum)


class FieldReader:
    """Reads one mapping of untrusted input, recording a Vietnamese message per bad field."""

    def __init__(self, data: Mapping[str, Any], path: str, errors: dict[str, str]) -> None:
        self.data, self.path, self.errors = data, path, errors

    def _key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(self._key(key), message)

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(key, REQUIRED)
            return ""
        if not isinstance(value, str):
            self.fail(key, "Phải là chuỗi ký tự.")
            return ""
        return value.strip()

    def choice(self, key: str, enum: type[E], *, required: bool = True) -> E | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.fail(key, REQUIRED)
            return None
        try:
            return enum(value)
        except ValueError:
            self.fail(key, "Giá trị không hợp lệ; chọn một trong: " + ", ".join(e.value for e in enum) + ".")
            return None

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, "Phải là đúng/sai (true/false).")
            return False
        return value

    def integer(self, key: str, *, required: bool = True, minimum: int = 0) -> int | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, REQUIRED)
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(key, f"Phải là số nguyên không nhỏ hơn {minimum}.")
            return None
        return value

    def ratio(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            self.fail(key, "Phải là tỷ lệ từ 0 đến 1.")
            return None
        return float(value)

    def day(self, key: str, *, required: bool = True) -> date | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.fail(key, REQUIRED)
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(key, "Ngày không hợp lệ (định dạng YYYY-MM-DD).")
            return None

    def items(self, key: str) -> list[tuple[str, Mapping[str, Any]]]:
        value = self.data.get(key) or []
        if not isinstance(value, list | tuple):
            self.fail(key, "Phải là một danh sách.")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                out.append((f"{self._key(key)}[{i}]", item))
            else:
                self.errors.setdefault(f"{self._key(key)}[{i}]", "Phải là một đối tượng.")
        return out


def _as_mapping(value: Any) -> Mapping[str, Any]:
    return value.as_dict() if hasattr(value, "as_dict") else value


def parse_attachment(data: Attachment | Mapping[str, Any], path: str, errors: dict[str, str]) -> Attachment | None:
    """An attachment from untrusted input, or None (with messages in `errors`)."""
    r = FieldReader(_as_mapping(data), path, errors)
    name, kind = r.text("name"), r.choice("kind", AttachmentKind)
    size = r.integer("size")
    sha = r.text("sha256").lower()
    if sha and not is_sha256(sha):
        r.fail("sha256", "Mã băm SHA-256 phải gồm 64 ký tự thập lục phân.")
        sha = ""
    if not (name and kind and size is not None and sha):
        return None
    return Attachment(name, kind, size, sha)


def parse_nominee(
    data: Nominee | Mapping[str, Any], path: str, nominee_id: str, errors: dict[str, str]
) -> Nominee | None:
    """A nominee from untrusted input, checking what its kind needs; None when anything is wrong."""
    before = len(errors)
    r = FieldReader(_as_mapping(data), path, errors)
    kind = r.choice("kind", NomineeKind)
    name = r.text("name")
    award = r.text("award")
    if award and award not in AWARD_VALUES:
        r.fail("award", "Danh hiệu hoặc hình thức khen thưởng không hợp lệ.")
    initiatives = _recognitions(r, "initiatives")
    works = _recognitions(r, "scientific_works")
    ingenuity = _recognitions(r, "combat_ingenuity")
    cited = []
    for cpath, item in r.items("cited_awards"):
        cr = FieldReader(item, cpath, errors)
        c_award, c_type = cr.text("award"), cr.choice("award_type", AwardType)
        year = cr.integer("year", required=False, minimum=1945)
        if c_type is not None:
            cited.append(
                CitedAward(
                    c_award,
                    c_type,
                    cr.flag("thematic"),
                    year,
                    cr.text("decision_ref", required=False),
                    cr.flag("as_basis"),
                )
            )
    nominee = Nominee(
        nominee_id=nominee_id,
        kind=kind or NomineeKind.INDIVIDUAL,
        name=name,
        award=award,
        position=r.text("position", required=kind is NomineeKind.INDIVIDUAL),
        unit=r.text("unit", required=kind is NomineeKind.INDIVIDUAL),
        gender=r.choice("gender", Gender, required=kind is NomineeKind.INDIVIDUAL),
        is_direct_worker=r.flag("is_direct_worker"),
        performance_rating=r.choice("performance_rating", PerformanceRating, required=False),
        initiatives=tuple(initiatives),
        size=r.integer("size", required=kind is NomineeKind.COLLECTIVE, minimum=1),
        share_of_women=r.ratio("share_of_women"),
        address=r.text("address", required=False),
        under_discipline_or_inspection=r.flag("under_discipline_or_inspection"),
        cited_awards=tuple(cited),
        sector=r.choice("sector", Sector, required=False) or Sector.PUBLIC,
        scientific_works=tuple(works),
        combat_ingenuity=tuple(ingenuity),
        id_number=_id_number(r),
        date_of_birth=(born.isoformat() if (born := r.day("date_of_birth", required=False)) else ""),
        person_id=_person_id(r),
    )
    return nominee if len(errors) == before else None


def _id_number(r: FieldReader) -> str:
    value = r.text("id_number", required=False).replace(" ", "")
    if value and not (value.isdigit() and len(value) in (9, 12)):
        r.fail("id_number", "Số định danh cá nhân phải gồm 12 chữ số (hoặc 9 chữ số với chứng minh nhân dân cũ).")
        return ""
    return value


def _person_id(r: FieldReader) -> str:
    value = r.text("person_id", required=False)
    if value and not PERSON_ID.match(value):
        r.fail("person_id", "Mã cá nhân phải có dạng P-… (chữ, số, dấu gạch ngang).")
        return ""
    return value


def _recognitions(r: FieldReader, key: str) -> list[Initiative]:
    """Initiatives, scientific works or feats, each with who recognised (accepted) it and when."""
    found = []
    for path, item in r.items(key):
        ir = FieldReader(item, path, r.errors)
        found.append(
            Initiative(
                ir.text("title"), ir.text("recognised_by", required=False), ir.day("recognised_on", required=False)
            )
        )
    return found
