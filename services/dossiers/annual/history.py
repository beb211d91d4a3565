"""Every person's and collective's award history (lịch sử khen thưởng), one register per year.

A year's register holds, per (identity, award), the latest state of that award for that year:
proposed in a dossier, decided, not awarded, annulled, or imported from the office's past
records. It is the consistency boundary of "one proposal of a title per person and year": every
submission of the year writes the same aggregate, so two dossiers cannot both propose the same
person for the same title (the second save conflicts, is retried, and is refused naming the
first dossier). Decisions and annulments reach it from the dossiers' own events
(`AnnualWork.sync_history`), whichever screen made them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import yaml
from eventsourcing.domain import Aggregate, event

from services.dossiers.annual.council import ANNUAL_NAMESPACE
from services.dossiers.domain.errors import DossierError
from services.dossiers.domain.values import label
from shared.actor import Actor


class HistoryStatus(StrEnum):
    PROPOSED = "PROPOSED"
    DECIDED = "DECIDED"
    NOT_AWARDED = "NOT_AWARDED"
    ANNULLED = "ANNULLED"
    WITHDRAWN = "WITHDRAWN"


STATUS_LABELS = {
    HistoryStatus.PROPOSED: "đang đề nghị",
    HistoryStatus.DECIDED: "đã khen thưởng",
    HistoryStatus.NOT_AWARDED: "không được khen thưởng",
    HistoryStatus.ANNULLED: "đã hủy bỏ",
    HistoryStatus.WITHDRAWN: "đã rút",
}
HOLDING = frozenset({HistoryStatus.PROPOSED, HistoryStatus.DECIDED})
"""States that block a second proposal of the same award for the same year."""


@dataclass(frozen=True)
class HistoryEntry:
    identity: str
    name: str
    unit: str
    award: str
    year: int
    status: HistoryStatus
    source: str  # DOSSIER | IMPORTED
    dossier_id: str | None = None
    nominee_id: str | None = None
    decision_number: str | None = None
    decision_date: date | None = None
    proposing_unit: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "identity": self.identity,
            "name": self.name,
            "unit": self.unit,
            "award": self.award,
            "award_label": label(self.award),
            "year": self.year,
            "status": self.status.value,
            "status_label": STATUS_LABELS[self.status],
            "source": self.source,
            "dossier_id": self.dossier_id,
            "nominee_id": self.nominee_id,
            "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            "proposing_unit": self.proposing_unit,
        }


def _key(identity: str, award: str) -> str:
    return f"{identity}|{award}"


class AwardYear(Aggregate):
    """The award register of one emulation year."""

    @staticmethod
    def create_id(year: int) -> UUID:
        return uuid5(ANNUAL_NAMESPACE, f"award-year:{year}")

    @event("Opened")
    def __init__(self, year: int) -> None:
        self.year = year
        self.entries: dict[str, HistoryEntry] = {}

    def entry(self, identity: str, award: str) -> HistoryEntry | None:
        return self.entries.get(_key(identity, award))

    def by_dossier(self, dossier_id: str) -> dict[str, HistoryEntry]:
        """This dossier's entries by nominee id."""
        return {e.nominee_id: e for e in self.entries.values() if e.dossier_id == dossier_id and e.nominee_id}

    def conflicts(self, rows: Iterable[Mapping[str, Any]], dossier_id: str | None) -> dict[str, str]:
        """Per row key, why the proposal repeats an award this year already holds (Vietnamese)."""
        found: dict[str, str] = {}
        for row in rows:
            earlier = self.entry(row["identity"], row["award"])
            if earlier is None or earlier.status not in HOLDING or earlier.dossier_id == dossier_id:
                continue
            where = (f"hồ sơ {earlier.dossier_id}" if earlier.dossier_id else "hồ sơ khen thưởng đã nhập từ trước") + (
                f", quyết định số {earlier.decision_number}" if earlier.decision_number else ""
            )
            found[row.get("ref") or row["identity"]] = (
                f"{row.get('name') or earlier.name} đã được đề nghị '{label(row['award'])}' năm {self.year} "
                f"({STATUS_LABELS[earlier.status]}; {where})."
            )
        return found

    def propose(self, *, dossier_id: str, rows: Sequence[Mapping[str, Any]], actor: Actor, at: datetime) -> None:
        """Record a dossier's proposals; refused, naming the earlier dossier, when one repeats."""
        if found := self.conflicts(rows, dossier_id):
            raise DossierError("already_proposed", " ".join(found.values()))
        self._proposed(dossier_id=dossier_id, rows=[dict(r) for r in rows], actor=actor, at=at)

    @event("Proposed")
    def _proposed(self, dossier_id: str, rows: list[dict[str, Any]], actor: Actor, at: datetime) -> None:
        entries = self.entries  # updated in place: this register owns it, and a year holds thousands
        for r in rows:
            entries[_key(r["identity"], r["award"])] = HistoryEntry(
                r["identity"], r["name"], r.get("unit", ""), r["award"], self.year, HistoryStatus.PROPOSED,
                "DOSSIER", dossier_id, r["nominee_id"], None, None, r.get("proposing_unit", ""),
            )  # fmt: skip

    def record_outcome(
        self,
        *,
        dossier_id: str,
        outcomes: Mapping[str, str],
        decision_number: str | None,
        decision_date: date | None,
        actor: Actor,
        at: datetime,
    ) -> bool:
        """Outcomes of a dossier's nominees (nominee id → HistoryStatus); False when nothing changes."""
        mine = self.by_dossier(dossier_id)
        changed = {
            i: s
            for i, s in outcomes.items()
            if i in mine and (mine[i].status != s or mine[i].decision_number != decision_number)
        }
        if not changed:
            return False
        self._outcome(
            dossier_id=dossier_id,
            outcomes=changed,
            decision_number=decision_number,
            decision_date=decision_date,
            actor=actor,
            at=at,
        )
        return True

    @event("OutcomeRecorded")
    def _outcome(
        self,
        dossier_id: str,
        outcomes: dict[str, str],
        decision_number: str | None,
        decision_date: date | None,
        actor: Actor,
        at: datetime,
    ) -> None:
        entries = self.entries
        for e in self.by_dossier(dossier_id).values():
            if e.nominee_id in outcomes:
                status = HistoryStatus(outcomes[e.nominee_id])
                keep = status is HistoryStatus.ANNULLED
                entries[_key(e.identity, e.award)] = HistoryEntry(
                    e.identity, e.name, e.unit, e.award, e.year, status, e.source, e.dossier_id, e.nominee_id,
                    e.decision_number if keep else decision_number, e.decision_date if keep else decision_date,
                    e.proposing_unit,
                )  # fmt: skip

    def import_past(self, *, rows: Sequence[Mapping[str, Any]], actor: Actor, at: datetime, source_ref: str) -> None:
        """Awards decided before this system (the office's registers), as decided."""
        self._imported(rows=[dict(r) for r in rows], source_ref=source_ref, actor=actor, at=at)

    @event("PastAwardsImported")
    def _imported(self, rows: list[dict[str, Any]], source_ref: str, actor: Actor, at: datetime) -> None:
        entries = self.entries
        for r in rows:
            entries[_key(r["identity"], r["award"])] = HistoryEntry(
                r["identity"], r["name"], r.get("unit", ""), r["award"], self.year, HistoryStatus.DECIDED,
                "IMPORTED", None, None, r.get("decision_number") or None,
                date.fromisoformat(r["decision_date"]) if r.get("decision_date") else None,
                r.get("proposing_unit", ""),
            )  # fmt: skip


# --- history requirements (data) ---------------------------------------------------------


@dataclass(frozen=True)
class ConsecutiveRequirement:
    award: str
    of_award: str
    years: int
    text: str
    article: str
    confirmed: bool


RULES_FILE = Path(__file__).with_name("history_rules.yaml")


def load_requirements(path: Path = RULES_FILE) -> dict[str, list[ConsecutiveRequirement]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, list[ConsecutiveRequirement]] = {}
    for award, items in data.get("requirements", {}).items():
        out[award] = [
            ConsecutiveRequirement(
                award,
                i["consecutive"]["award"],
                int(i["consecutive"]["years"]),
                i["text"],
                i["article"],
                bool(i["confirmed"]),
            )
            for i in items
        ]
    return out


def decided_years(registers: Mapping[int, AwardYear], identity: str, award: str) -> set[int]:
    return {
        y
        for y, reg in registers.items()
        if (e := reg.entry(identity, award)) is not None and e.status is HistoryStatus.DECIDED
    }


def history_failures(
    requirement: ConsecutiveRequirement, registers: Mapping[int, AwardYear], identity: str, proposal_year: int
) -> list[str]:
    """Why the history misses `requirement` for a proposal of `proposal_year`: the consecutive years
    end with the proposal year once its own title is decided, else with the year before (a
    proposal made before that year's titles are decided counts the years already decided)."""
    held = decided_years(registers, identity, requirement.of_award)
    last = proposal_year if proposal_year in held else proposal_year - 1
    wanted = range(last - requirement.years + 1, last + 1)
    missing = [y for y in wanted if y not in held]
    if not missing:
        return []
    return [
        f"Lịch sử khen thưởng chưa đủ: {requirement.text} ({requirement.years} năm liên tục "
        f"{wanted.start}–{wanted.stop - 1}; thiếu năm " + ", ".join(str(y) for y in missing) + ")."
    ]


def person_history(registers: Iterable[AwardYear], identity: str) -> list[dict[str, Any]]:
    rows = [e.as_dict() for reg in registers for e in reg.entries.values() if e.identity == identity]
    return sorted(rows, key=lambda r: (r["year"], r["award"]))
