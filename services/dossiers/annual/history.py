"""Every person's and collective's award history (lịch sử khen thưởng), one register per year.

A year's register holds, per (identity, award), the latest state of that award for that year:
proposed in a dossier, decided, not awarded, annulled, or imported from the office's past
records. It is the consistency boundary of "one proposal of a title per person and year": every
submission of the year that names someone identifiable (a round's list or an ordinary dossier)
writes the same aggregate, so two dossiers cannot both propose the same person for the same title
(the second save conflicts, is retried, and is refused naming the first dossier). Awards the rule
set does not limit to one a year (Giấy khen, Bằng khen: `once_a_year` in the rule set) are kept
per dossier instead, never refused. Decisions and annulments reach it from the dossiers' own
events (`AnnualWork.sync_history`), whichever screen made them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

import yaml
from eventsourcing.domain import Aggregate, event

from services.dossiers.annual.council import ANNUAL_NAMESPACE
from services.dossiers.annual.identity import nominee_identity
from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.values import label
from shared.actor import Actor
from shared.snapshots import TypedSnapshot

if TYPE_CHECKING:
    from services.dossiers.domain.dossier import Dossier


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
    receipt_number: str = ""

    @property
    def where(self) -> str:
        """The dossier (or the imported record) this entry comes from, as a clerk names it."""
        if self.receipt_number:
            return f"hồ sơ số {self.receipt_number}"
        return f"hồ sơ {self.dossier_id}" if self.dossier_id else "hồ sơ khen thưởng đã nhập từ trước"

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
            "receipt_number": self.receipt_number,
        }


def _key(identity: str, award: str) -> str:
    return f"{identity}|{award}"


def _row_key(row: Mapping[str, Any], source: str) -> str:
    """Where a row lives in the register: one place per (identity, award) for an award limited to
    one a year (rows stored before the flag existed were all treated so), else one per `source`
    (the proposing dossier, or the decision an imported award came from)."""
    key = _key(row["identity"], row["award"])
    return key if row.get("once_a_year", True) else f"{key}|{source}"


class AwardYear(Aggregate):
    """The award register of one emulation year."""

    Snapshot = TypedSnapshot  # its entries keep their type and status enum in snapshots (shared.snapshots)

    @staticmethod
    def create_id(year: int) -> UUID:
        return uuid5(ANNUAL_NAMESPACE, f"award-year:{year}")

    @event("Opened")
    def __init__(self, year: int) -> None:
        self.year = year
        self.entries: dict[str, HistoryEntry] = {}
        self._keys: dict[str, list[str]] = {}
        """Per dossier id, the keys its proposals were written under (an entry may since belong to
        a later dossier): a decision touches its own entries without reading the whole year."""

    def entry(self, identity: str, award: str) -> HistoryEntry | None:
        return self.entries.get(_key(identity, award))

    def _of(self, dossier_id: str) -> list[tuple[str, HistoryEntry]]:
        entries = self.entries
        return [(k, e) for k in self._keys.get(dossier_id, ()) if (e := entries[k]).dossier_id == dossier_id]

    def by_dossier(self, dossier_id: str) -> dict[str, HistoryEntry]:
        """This dossier's entries by nominee id."""
        return {e.nominee_id: e for _, e in self._of(dossier_id) if e.nominee_id}

    def conflicts(self, rows: Iterable[Mapping[str, Any]], dossier_id: str | None) -> dict[str, str]:
        """Per row key, why the proposal repeats an award this year already holds (Vietnamese);
        rows of an award not limited to one a year (`once_a_year: False`) never conflict."""
        found: dict[str, str] = {}
        for row in rows:
            if not row.get("once_a_year", True):
                continue
            earlier = self.entry(row["identity"], row["award"])
            if earlier is None or earlier.status not in HOLDING or earlier.dossier_id == dossier_id:
                continue
            where = earlier.where + (f", quyết định số {earlier.decision_number}" if earlier.decision_number else "")
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
        keys = self._keys.setdefault(dossier_id, [])
        for r in rows:
            key = _row_key(r, dossier_id)
            keys.append(key)
            entries[key] = HistoryEntry(
                r["identity"], r["name"], r.get("unit", ""), r["award"], self.year, HistoryStatus.PROPOSED,
                "DOSSIER", dossier_id, r["nominee_id"], None, None, r.get("proposing_unit", ""),
                r.get("receipt_number", ""),
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
        for k, e in self._of(dossier_id):
            if e.nominee_id not in outcomes:
                continue
            status = HistoryStatus(outcomes[e.nominee_id])  # type: ignore[index]
            keep = status is HistoryStatus.ANNULLED
            entries[k] = HistoryEntry(
                e.identity, e.name, e.unit, e.award, e.year, status, e.source, e.dossier_id, e.nominee_id,
                e.decision_number if keep else decision_number, e.decision_date if keep else decision_date,
                e.proposing_unit, e.receipt_number,
            )  # fmt: skip

    def import_past(self, *, rows: Sequence[Mapping[str, Any]], actor: Actor, at: datetime, source_ref: str) -> None:
        """Awards decided before this system (the office's registers), as decided."""
        self._imported(rows=[dict(r) for r in rows], source_ref=source_ref, actor=actor, at=at)

    @event("PastAwardsImported")
    def _imported(self, rows: list[dict[str, Any]], source_ref: str, actor: Actor, at: datetime) -> None:
        entries = self.entries
        for i, r in enumerate(rows):
            # the decision it came from; without a number, its row of this source (a re-import
            # of the same register replaces, two rows of one import never overwrite each other)
            source = f"QĐ:{r['decision_number']}" if r.get("decision_number") else f"NHẬP:{source_ref}:{i}"
            entries[_row_key(r, source)] = HistoryEntry(
                r["identity"], r["name"], r.get("unit", ""), r["award"], self.year, HistoryStatus.DECIDED,
                "IMPORTED", None, None, r.get("decision_number") or None,
                date.fromisoformat(r["decision_date"]) if r.get("decision_date") else None,
                r.get("proposing_unit", ""),
            )  # fmt: skip


# --- which dossiers enter, and where ------------------------------------------------------

NO_IDENTITY = "Chưa có số định danh, không đối chiếu được lịch sử khen thưởng."
"""Why a nominee is not in the history: an individual with neither an ID number nor the office's
person id has no stable identity."""


def history_year(dossier: Dossier) -> int:
    """The register a dossier's proposals belong to: its emulation year when set (a round, an annual
    title), else the year it was received (an ad hoc or thematic award is for that year's deed)."""
    return dossier.emulation_year or dossier.received_on.year


def dossier_proposals(dossier: Dossier, once_a_year: Callable[[str], bool]) -> list[dict[str, Any]]:
    """The register rows of a dossier's nominees that have a stable identity (`nominee_identity`);
    422 when the dossier names the same person (collective) twice for the same award."""
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    errors: dict[str, str] = {}
    for i, n in enumerate(dossier.nominees):
        identity = nominee_identity(
            kind=n.kind.value,
            id_number=n.id_number,
            person_id=n.person_id,
            name=n.name,
            proposing_unit=dossier.proposing_unit,
        )
        if identity is None:
            continue
        if (identity, n.award) in seen:
            field = "id_number" if n.id_number else "person_id" if n.person_id else "name"
            errors[f"nominees[{i}].{field}"] = (
                f"Trùng với đối tượng thứ {seen[(identity, n.award)] + 1}: cùng người (tập thể), cùng danh hiệu."
            )
            continue
        seen[(identity, n.award)] = i
        rows.append(
            {
                "identity": identity,
                "award": n.award,
                "once_a_year": once_a_year(n.award),
                "name": n.name,
                "unit": n.unit or dossier.proposing_unit,
                "nominee_id": n.nominee_id,
                "ref": f"nominees[{i}]",
                "proposing_unit": dossier.proposing_unit,
                "receipt_number": dossier.receipt_number,
            }
        )
    if errors:
        raise DossierValidationError(errors)
    return rows


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
