"""Emulation registration (đăng ký thi đua): what a unit and its people pledged for a year.

A unit registers its title targets (how many LĐTT, CSTĐCS… it aims for) and its people's
individual targets. At year end a proposal is checked against it: a title nobody registered for
is flagged, and the rule set's policy (`registration_policy.yaml`, by rule set) says whether the
flag blocks the proposal or only warns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import yaml
from eventsourcing.domain import Aggregate, event

from services.dossiers.annual.council import ANNUAL_NAMESPACE
from services.dossiers.domain.errors import DossierValidationError
from services.dossiers.domain.values import AWARD_VALUES, label
from shared.actor import Actor

POLICY_FILE = Path(__file__).with_name("registration_policy.yaml")


def policy_for(rule_set_id: str, path: Path = POLICY_FILE) -> str:
    """BLOCK or WARN: what an unregistered proposal does under this rule set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entry = data.get("rule_sets", {}).get(rule_set_id) or data.get("default") or {}
    return str(entry.get("unregistered_proposal", "WARN")).upper()


class EmulationPledge(Aggregate):
    """Bản đăng ký thi đua of one unit for one year (registering again replaces it; history keeps both)."""

    @staticmethod
    def create_id(unit: str, year: int) -> UUID:
        return uuid5(ANNUAL_NAMESPACE, f"registration:{unit.strip().upper()}:{year}")

    @event("Started")
    def __init__(self, unit: str, year: int) -> None:
        self.unit, self.year = unit, year
        self.targets: dict[str, int] = {}
        self.individuals: dict[str, dict[str, Any]] = {}
        self.registered_on: date | None = None
        self.revision = 0

    def register(
        self,
        *,
        targets: Mapping[str, int],
        individuals: Sequence[Mapping[str, Any]],
        registered_on: date,
        actor: Actor,
        at: datetime,
        reason: str | None = None,
    ) -> None:
        errors: dict[str, str] = {}
        for award, count in targets.items():
            if award not in AWARD_VALUES:
                errors[f"targets.{award}"] = "Danh hiệu không hợp lệ."
            elif isinstance(count, bool) or not isinstance(count, int) or count < 0:
                errors[f"targets.{award}"] = "Chỉ tiêu phải là số nguyên không âm."
        people = []
        for i, p in enumerate(individuals):
            identity, award = str(p.get("identity") or "").strip(), str(p.get("award") or "").strip()
            if not identity:
                errors[f"individuals[{i}].identity"] = "Bắt buộc có mã định danh (mã cá nhân hoặc số CCCD)."
            if award not in AWARD_VALUES:
                errors[f"individuals[{i}].award"] = "Danh hiệu không hợp lệ."
            people.append({"identity": identity, "name": str(p.get("name") or "").strip(), "award": award})
        if not targets and not individuals:
            errors["targets"] = "Phải đăng ký ít nhất một chỉ tiêu."
        if self.revision and not (reason and reason.strip()):
            errors["reason"] = "Đơn vị đã đăng ký; đăng ký lại phải nêu lý do."
        if errors:
            raise DossierValidationError(errors)
        self._registered(
            targets=dict(targets), individuals=people, registered_on=registered_on, actor=actor, at=at, reason=reason
        )

    @event("Registered")
    def _registered(
        self,
        targets: dict[str, int],
        individuals: list[dict[str, Any]],
        registered_on: date,
        actor: Actor,
        at: datetime,
        reason: str | None,
    ) -> None:
        self.targets = dict(targets)
        self.individuals = {f"{p['identity']}|{p['award']}": p for p in individuals}
        self.registered_on = registered_on
        self.revision += 1

    @property
    def is_registered(self) -> bool:
        return self.revision > 0

    def unregistered(self, proposals: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
        """Per proposal ref: why it was not registered (title not among the unit's targets, or, for
        an individual title, the person did not register for it when the unit listed people)."""
        flags: dict[str, list[str]] = {}
        if not self.is_registered:
            return {p["ref"]: [f"Đơn vị chưa đăng ký thi đua năm {self.year}."] for p in proposals}
        registered_people = {k.split("|", 1)[0] for k in self.individuals}
        for p in proposals:
            why = []
            if not self.targets.get(p["award"]):
                why.append(f"Đơn vị không đăng ký chỉ tiêu '{label(p['award'])}' năm {self.year}.")
            if (
                p.get("kind") == "INDIVIDUAL"
                and self.individuals
                and f"{p['identity']}|{p['award']}" not in self.individuals
            ):
                who = "chưa đăng ký thi đua" if p["identity"] not in registered_people else "đăng ký danh hiệu khác"
                why.append(f"{p.get('name') or 'Cá nhân'} {who} ('{label(p['award'])}').")
            if why:
                flags[p["ref"]] = why
        return flags

    def view(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "year": self.year,
            "registered": self.is_registered,
            "registered_on": self.registered_on.isoformat() if self.registered_on else None,
            "targets": self.targets,
            "individuals": list(self.individuals.values()),
            "revision": self.revision,
        }
