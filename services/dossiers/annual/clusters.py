"""Emulation clusters and blocs (cụm, khối thi đua) of a year, their pacts and their ranking.

A cluster has its member units, a leading unit (cụm trưởng) and a deputy (cụm phó); its members
sign a pact (giao ước thi đua) whose criteria carry maximum points. At year end each member's
points are scored per criterion; the ranking orders members by total (ties share a place, the
next place skips: 1, 2, 2, 4). The cluster then proposes its leading units for the Cờ thi đua
(the first-ranked only) or Bằng khen, never passing over a better-ranked member.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.dossiers.annual.council import ANNUAL_NAMESPACE
from services.dossiers.domain.errors import DossierError, DossierValidationError
from shared.actor import Actor


class ClusterKind(StrEnum):
    CLUSTER = "CLUSTER"  # cụm thi đua
    BLOC = "BLOC"  # khối thi đua


class ClusterAward(StrEnum):
    EMULATION_FLAG = "EMULATION_FLAG"  # Cờ thi đua
    COMMENDATION = "COMMENDATION"  # Bằng khen


AWARD_LABELS = {ClusterAward.EMULATION_FLAG: "Cờ thi đua", ClusterAward.COMMENDATION: "Bằng khen"}


def _points(value: Any) -> Decimal | None:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


class EmulationCluster(Aggregate):
    """Cụm (khối) thi đua of one year."""

    @staticmethod
    def create_id(code: str, year: int) -> UUID:
        return uuid5(ANNUAL_NAMESPACE, f"cluster:{code.strip().upper()}:{year}")

    @classmethod
    def form(
        cls,
        *,
        code: str,
        year: int,
        name: str,
        kind: str,
        members: Sequence[str],
        leading_unit: str,
        deputy_unit: str,
        actor: Actor,
        at: datetime,
    ) -> EmulationCluster:
        errors: dict[str, str] = {}
        members_ = list(dict.fromkeys(m.strip().upper() for m in members if m and m.strip()))
        if not code or not code.strip():
            errors["code"] = "Bắt buộc nhập mã cụm, khối."
        if not name or not name.strip():
            errors["name"] = "Bắt buộc nhập tên cụm, khối."
        if kind not in ClusterKind.__members__:
            errors["kind"] = "Loại phải là CLUSTER (cụm) hoặc BLOC (khối)."
        if len(members_) < 2:
            errors["members"] = "Cụm, khối phải có ít nhất hai đơn vị."
        lead, deputy = leading_unit.strip().upper(), deputy_unit.strip().upper()
        if lead not in members_:
            errors["leading_unit"] = "Đơn vị cụm trưởng phải là thành viên."
        if deputy not in members_:
            errors["deputy_unit"] = "Đơn vị cụm phó phải là thành viên."
        elif deputy == lead:
            errors["deputy_unit"] = "Cụm phó phải khác cụm trưởng."
        if errors:
            raise DossierValidationError(errors)
        return cls(
            code=code.strip().upper(),
            year=year,
            name=name.strip(),
            kind=kind,
            members=members_,
            leading_unit=lead,
            deputy_unit=deputy,
            actor=actor,
            at=at,
        )

    @event("Formed")
    def __init__(
        self,
        code: str,
        year: int,
        name: str,
        kind: str,
        members: list[str],
        leading_unit: str,
        deputy_unit: str,
        actor: Actor,
        at: datetime,
    ) -> None:
        self.code, self.year, self.name, self.kind = code, year, name, ClusterKind(kind)
        self.members, self.leading_unit, self.deputy_unit = tuple(members), leading_unit, deputy_unit
        self.pact: dict[str, Any] | None = None
        self.scores: dict[str, dict[str, Decimal]] = {}
        self.proposals: tuple[dict[str, Any], ...] = ()

    def sign_pact(self, *, signed_on: date, criteria: Sequence[Mapping[str, Any]], actor: Actor, at: datetime) -> None:
        """The pact (giao ước thi đua): criteria with their maximum points, signed by every member."""
        if self.pact is not None:
            raise DossierError("pact_signed", f"{self.name} đã ký giao ước thi đua năm {self.year}.")
        errors: dict[str, str] = {}
        items = []
        for i, c in enumerate(criteria):
            key, text, top = (
                str(c.get("key") or "").strip(),
                str(c.get("text") or "").strip(),
                _points(c.get("max_points")),
            )
            if not key:
                errors[f"criteria[{i}].key"] = "Bắt buộc nhập mã tiêu chí."
            if not text:
                errors[f"criteria[{i}].text"] = "Bắt buộc nhập nội dung tiêu chí."
            if top is None or top <= 0:
                errors[f"criteria[{i}].max_points"] = "Điểm tối đa phải là số dương."
            items.append({"key": key, "text": text, "max_points": str(top)})
        if not criteria:
            errors["criteria"] = "Giao ước phải có ít nhất một tiêu chí."
        if len({i["key"] for i in items}) != len(items):
            errors["criteria"] = "Mã tiêu chí bị trùng."
        if errors:
            raise DossierValidationError(errors)
        self._pact_signed(signed_on=signed_on, criteria=items, actor=actor, at=at)

    @event("PactSigned")
    def _pact_signed(self, signed_on: date, criteria: list[dict[str, Any]], actor: Actor, at: datetime) -> None:
        self.pact = {"signed_on": signed_on, "criteria": criteria}

    def record_scores(
        self, *, unit: str, points: Mapping[str, Any], actor: Actor, at: datetime, reason: str | None = None
    ) -> None:
        """One member's end-of-year points per criterion (each between 0 and the criterion's maximum)."""
        if self.pact is None:
            raise DossierError("no_pact", f"{self.name} chưa ký giao ước thi đua: chưa chấm điểm được.")
        unit = unit.strip().upper()
        errors: dict[str, str] = {}
        if unit not in self.members:
            errors["unit"] = f"Đơn vị mã «{unit}» không thuộc {self.name}."
        tops = {c["key"]: Decimal(c["max_points"]) for c in self.pact["criteria"]}
        clean: dict[str, str] = {}
        for key, top in tops.items():
            value = _points(points.get(key))
            if value is None:
                errors[f"points.{key}"] = "Bắt buộc chấm điểm tiêu chí này."
            elif not 0 <= value <= top:
                errors[f"points.{key}"] = f"Điểm phải từ 0 đến {top}."
            else:
                clean[key] = str(value)
        if extra := [k for k in points if k not in tops]:
            errors["points"] = "Tiêu chí không có trong giao ước: " + ", ".join(extra) + "."
        if unit in self.scores and not (reason and reason.strip()):
            errors["reason"] = "Đơn vị đã có điểm; chấm lại phải nêu lý do."
        if errors:
            raise DossierValidationError(errors)
        self._scored(unit=unit, points=clean, actor=actor, at=at, reason=reason)

    @event("Scored")
    def _scored(self, unit: str, points: dict[str, str], actor: Actor, at: datetime, reason: str | None) -> None:
        self.scores = {**self.scores, unit: {k: Decimal(v) for k, v in points.items()}}

    def ranking(self) -> list[dict[str, Any]]:
        """Members with a score, best first; equal totals share a place (1, 2, 2, 4), listed by code."""
        totals = sorted(((sum(p.values(), Decimal(0)), u) for u, p in self.scores.items()), key=lambda t: (-t[0], t[1]))
        rows: list[dict[str, Any]] = []
        for i, (total, unit) in enumerate(totals):
            place = rows[-1]["rank"] if rows and Decimal(rows[-1]["total"]) == total else i + 1
            rows.append({"rank": place, "unit": unit, "total": str(total)})
        return rows

    def propose_leading_units(self, *, award: str, units: Sequence[str], actor: Actor, at: datetime) -> dict[str, Any]:
        """Propose the cluster's leading units for an award: every member scored; Cờ thi đua only
        to the first-ranked; no unit proposed while a better-ranked one is passed over."""
        errors: dict[str, str] = {}
        if award not in ClusterAward.__members__:
            errors["award"] = "Hình thức phải là EMULATION_FLAG (Cờ thi đua) hoặc COMMENDATION (Bằng khen)."
        wanted = [u.strip().upper() for u in units]
        if not wanted:
            errors["units"] = "Phải nêu đơn vị được đề nghị."
        if missing := [m for m in self.members if m not in self.scores]:
            errors["units"] = "Chưa chấm điểm đủ các đơn vị: " + ", ".join(missing) + "."
        if errors:
            raise DossierValidationError(errors)
        ranking = self.ranking()
        rank = {r["unit"]: r["rank"] for r in ranking}
        if strangers := [u for u in wanted if u not in rank]:
            raise DossierValidationError({"units": "Không thuộc cụm, khối: " + ", ".join(strangers) + "."})
        if award == ClusterAward.EMULATION_FLAG and any(rank[u] != 1 for u in wanted):
            raise DossierError("flag_for_first_only", "Cờ thi đua chỉ đề nghị cho đơn vị dẫn đầu (xếp thứ nhất).")
        worst = max(rank[u] for u in wanted)
        if skipped := [r["unit"] for r in ranking if r["rank"] < worst and r["unit"] not in wanted]:
            raise DossierError(
                "ranking_skipped",
                "Không đề nghị đơn vị xếp sau khi bỏ qua đơn vị xếp trên: " + ", ".join(skipped) + ".",
            )
        proposal = [{"unit": u, "rank": rank[u]} for u in wanted]
        self._proposed(award=award, units=proposal, actor=actor, at=at)
        return self.proposals[-1]

    @event("LeadingUnitsProposed")
    def _proposed(self, award: str, units: list[dict[str, Any]], actor: Actor, at: datetime) -> None:
        self.proposals = (
            *self.proposals,
            {"award": award, "award_label": AWARD_LABELS[ClusterAward(award)], "units": units},
        )

    def view(self) -> dict[str, Any]:
        return {
            "cluster_id": str(self.id),
            "code": self.code,
            "year": self.year,
            "name": self.name,
            "kind": self.kind.value,
            "members": list(self.members),
            "leading_unit": self.leading_unit,
            "deputy_unit": self.deputy_unit,
            "pact": (
                {"signed_on": self.pact["signed_on"].isoformat(), "criteria": self.pact["criteria"]}
                if self.pact
                else None
            ),
            "scores": {u: {k: str(v) for k, v in p.items()} for u, p in self.scores.items()},
            "ranking": self.ranking(),
            "proposals": list(self.proposals),
        }
