"""A year-end award round (đợt xét khen thưởng tổng kết năm), opened by Phòng Nội vụ.

The round names its deciding authority, its year, its deadlines, the awards it considers and the
units expected to submit. Each unit submits once (one submission, holding one dossier per dossier
kind its list needs); the council votes on the round's list; one decision covers the list, its
annex naming every nominee awarded. The round's progress by unit is a query over this record and
the dossiers' statuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.values import AWARD_VALUES
from shared.actor import Actor


class UnitProgress(StrEnum):
    NOT_SUBMITTED = "NOT_SUBMITTED"
    OVERDUE = "OVERDUE"
    SUBMITTED = "SUBMITTED"
    SUBMITTED_LATE = "SUBMITTED_LATE"
    DECIDED = "DECIDED"


PROGRESS_LABELS = {
    UnitProgress.NOT_SUBMITTED: "Chưa nộp",
    UnitProgress.OVERDUE: "Quá hạn, chưa nộp",
    UnitProgress.SUBMITTED: "Đã nộp",
    UnitProgress.SUBMITTED_LATE: "Nộp muộn",
    UnitProgress.DECIDED: "Đã có quyết định",
}


@dataclass(frozen=True)
class Submission:
    unit: str
    dossier_ids: tuple[str, ...]
    nominees: int
    submitted_on: date
    late: bool
    flags: tuple[str, ...] = ()


class AwardRound(Aggregate):
    """Đợt xét khen thưởng tổng kết năm."""

    @classmethod
    def open(
        cls,
        *,
        authority: str,
        year: int,
        name: str,
        awards: Sequence[str],
        units: Sequence[str],
        submission_deadline: date,
        decision_deadline: date | None,
        actor: Actor,
        at: datetime,
    ) -> AwardRound:
        errors: dict[str, str] = {}
        if not str(name or "").strip():
            errors["name"] = "Bắt buộc nhập tên đợt xét."
        if not isinstance(year, int) or year < 1945:
            errors["year"] = "Năm thi đua không hợp lệ."
        if not awards:
            errors["awards"] = "Phải nêu danh hiệu, hình thức được xét trong đợt."
        elif bad := [a for a in awards if a not in AWARD_VALUES]:
            errors["awards"] = "Danh hiệu không hợp lệ: " + ", ".join(bad) + "."
        if not units:
            errors["units"] = "Phải nêu các đơn vị thuộc đợt xét."
        if decision_deadline is not None and decision_deadline < submission_deadline:
            errors["decision_deadline"] = "Hạn quyết định không được trước hạn nộp hồ sơ."
        if errors:
            raise DossierValidationError(errors)
        return cls(
            authority=authority,
            year=year,
            name=name.strip(),
            awards=list(dict.fromkeys(awards)),
            units=list(dict.fromkeys(u.strip().upper() for u in units)),
            submission_deadline=submission_deadline,
            decision_deadline=decision_deadline,
            actor=actor,
            at=at,
        )

    @event("Opened")
    def __init__(
        self,
        authority: str,
        year: int,
        name: str,
        awards: list[str],
        units: list[str],
        submission_deadline: date,
        decision_deadline: date | None,
        actor: Actor,
        at: datetime,
    ) -> None:
        self.authority, self.year, self.name = authority, year, name
        self.awards, self.units = tuple(awards), tuple(units)
        self.submission_deadline, self.decision_deadline = submission_deadline, decision_deadline
        self.submissions: dict[str, Submission] = {}
        self.meetings: tuple[dict[str, Any], ...] = ()
        self.decisions: tuple[dict[str, Any], ...] = ()

    def dossier_ids(self) -> list[str]:
        return [d for s in self.submissions.values() for d in s.dossier_ids]

    def check_can_submit(self, unit: str) -> None:
        if unit not in self.units:
            raise DossierError("unit_not_in_round", f"Đơn vị mã «{unit}» không thuộc {self.name}.")
        if (earlier := self.submissions.get(unit)) is not None:
            raise DossierError(
                "already_submitted",
                f"Đơn vị mã «{unit}» đã nộp hồ sơ cho {self.name} ngày {earlier.submitted_on:%d/%m/%Y} "
                f"(hồ sơ {', '.join(earlier.dossier_ids)}); mỗi đơn vị nộp một lần trong đợt.",
            )
        if self.decisions:
            raise DossierError("round_decided", f"{self.name} đã có quyết định; không nhận thêm hồ sơ.")

    def record_submission(
        self,
        *,
        unit: str,
        dossier_ids: Sequence[UUID | str],
        nominees: int,
        on: date,
        flags: Sequence[str],
        actor: Actor,
        at: datetime,
    ) -> Submission:
        self.check_can_submit(unit)
        self._submitted(
            unit=unit,
            dossier_ids=[str(d) for d in dossier_ids],
            nominees=nominees,
            on=on,
            late=on > self.submission_deadline,
            flags=list(flags),
            actor=actor,
            at=at,
        )
        return self.submissions[unit]

    @event("UnitSubmitted")
    def _submitted(
        self,
        unit: str,
        dossier_ids: list[str],
        nominees: int,
        on: date,
        late: bool,
        flags: list[str],
        actor: Actor,
        at: datetime,
    ) -> None:
        self.submissions = {
            **self.submissions,
            unit: Submission(unit, tuple(dossier_ids), nominees, on, late, tuple(flags)),
        }

    def record_list_vote(
        self, *, meeting_id: UUID, meeting_date: date, voted: int, passed: int, actor: Actor, at: datetime
    ) -> None:
        self._list_voted(
            meeting_id=str(meeting_id), meeting_date=meeting_date, voted=voted, passed=passed, actor=actor, at=at
        )

    @event("ListVoted")
    def _list_voted(
        self, meeting_id: str, meeting_date: date, voted: int, passed: int, actor: Actor, at: datetime
    ) -> None:
        self.meetings = (
            *self.meetings,
            {"meeting_id": meeting_id, "meeting_date": meeting_date, "voted": voted, "passed": passed},
        )

    def record_list_decision(
        self,
        *,
        decision_number: str,
        decision_date: date,
        authority: str,
        dossier_ids: Sequence[str],
        awarded: int,
        not_awarded: int,
        actor: Actor,
        at: datetime,
    ) -> None:
        if not dossier_ids:
            raise DossierError("nothing_to_decide", f"{self.name} không còn hồ sơ nào chờ quyết định.")
        self._list_decided(
            decision_number=decision_number,
            decision_date=decision_date,
            authority=authority,
            dossier_ids=list(dossier_ids),
            awarded=awarded,
            not_awarded=not_awarded,
            actor=actor,
            at=at,
        )

    @event("ListDecided")
    def _list_decided(
        self,
        decision_number: str,
        decision_date: date,
        authority: str,
        dossier_ids: list[str],
        awarded: int,
        not_awarded: int,
        actor: Actor,
        at: datetime,
    ) -> None:
        self.decisions = (
            *self.decisions,
            {
                "decision_number": decision_number,
                "decision_date": decision_date,
                "authority": authority,
                "dossier_ids": tuple(dossier_ids),
                "awarded": awarded,
                "not_awarded": not_awarded,
            },
        )

    def progress(self, today: date, decided_dossiers: set[str]) -> list[dict[str, Any]]:
        """Each expected unit: not submitted (or overdue), submitted (late or on time), decided."""
        rows = []
        for unit in self.units:
            s = self.submissions.get(unit)
            if s is None:
                status = UnitProgress.OVERDUE if today > self.submission_deadline else UnitProgress.NOT_SUBMITTED
            elif s.dossier_ids and all(d in decided_dossiers for d in s.dossier_ids):
                status = UnitProgress.DECIDED
            else:
                status = UnitProgress.SUBMITTED_LATE if s.late else UnitProgress.SUBMITTED
            rows.append(
                {
                    "unit": unit,
                    "status": status.value,
                    "status_label": PROGRESS_LABELS[status],
                    "submitted_on": s.submitted_on.isoformat() if s else None,
                    "late": bool(s and s.late),
                    "nominees": s.nominees if s else 0,
                    "dossier_ids": list(s.dossier_ids) if s else [],
                    "flags": list(s.flags) if s else [],
                }
            )
        return rows

    def view(self) -> dict[str, Any]:
        return {
            "round_id": str(self.id),
            "authority": self.authority,
            "year": self.year,
            "name": self.name,
            "awards": list(self.awards),
            "units": list(self.units),
            "submission_deadline": self.submission_deadline.isoformat(),
            "decision_deadline": self.decision_deadline.isoformat() if self.decision_deadline else None,
            "submissions": len(self.submissions),
            "meetings": [{**m, "meeting_date": m["meeting_date"].isoformat()} for m in self.meetings],
            "decisions": [
                {**d, "decision_date": d["decision_date"].isoformat(), "dossier_ids": list(d["dossier_ids"])}
                for d in self.decisions
            ],
        }
