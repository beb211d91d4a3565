"""The council (Hội đồng Thi đua – Khen thưởng) of a deciding level, as data over time.

Members join and leave on dates (decisions on the council's composition), so the council "as it
stood on the meeting date" is a query, never a number typed by hand. A list vote (bỏ phiếu theo
danh sách) is tallied from the ballots of the members present and the written ballots of the
absent: every ballot approves the whole list except the names it crosses out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.dossiers.domain.errors import DossierError, DossierValidationError
from shared.actor import Actor

ANNUAL_NAMESPACE = uuid5(NAMESPACE_URL, "urn:tdkt:dossiers:annual")


class CouncilRole(StrEnum):
    CHAIRMAN = "CHAIRMAN"
    VICE_CHAIRMAN = "VICE_CHAIRMAN"
    STANDING_MEMBER = "STANDING_MEMBER"
    MEMBER = "MEMBER"


ROLE_LABELS = {
    CouncilRole.CHAIRMAN: "Chủ tịch Hội đồng",
    CouncilRole.VICE_CHAIRMAN: "Phó Chủ tịch Hội đồng",
    CouncilRole.STANDING_MEMBER: "Ủy viên thường trực",
    CouncilRole.MEMBER: "Ủy viên",
}


@dataclass(frozen=True)
class CouncilMember:
    member_id: str
    name: str
    role: CouncilRole
    position: str
    from_date: date
    to_date: date | None = None

    def serves_on(self, day: date) -> bool:
        return self.from_date <= day and (self.to_date is None or day <= self.to_date)

    def as_dict(self) -> dict[str, Any]:
        return {
            "member_id": self.member_id,
            "name": self.name,
            "role": self.role.value,
            "role_label": ROLE_LABELS[self.role],
            "position": self.position,
            "from_date": self.from_date.isoformat(),
            "to_date": self.to_date.isoformat() if self.to_date else None,
        }


def _member_fields(data: Mapping[str, Any], path: str, errors: dict[str, str]) -> dict[str, Any] | None:
    member_id = str(data.get("member_id") or "").strip()
    name = str(data.get("name") or "").strip()
    role = str(data.get("role") or CouncilRole.MEMBER.value).strip().upper()
    before = len(errors)
    if not member_id:
        errors[f"{path}.member_id"] = "Bắt buộc nhập mã thành viên."
    if not name:
        errors[f"{path}.name"] = "Bắt buộc nhập họ và tên thành viên."
    if role not in CouncilRole.__members__:
        errors[f"{path}.role"] = "Vai trò không hợp lệ; chọn một trong: " + ", ".join(CouncilRole) + "."
    if len(errors) != before:
        return None
    return {"member_id": member_id, "name": name, "role": role, "position": str(data.get("position") or "").strip()}


class Council(Aggregate):
    """Hội đồng Thi đua – Khen thưởng of one deciding authority (an org-unit code)."""

    @staticmethod
    def create_id(authority: str) -> UUID:
        return uuid5(ANNUAL_NAMESPACE, f"council:{authority.strip().upper()}")

    @classmethod
    def constitute(
        cls,
        *,
        authority: str,
        name: str,
        term_from: date,
        term_to: date | None,
        members: Sequence[Mapping[str, Any]],
        decision_ref: str,
        actor: Actor,
        at: datetime,
    ) -> Council:
        """Constitute the council from its founding decision: its term and first members (all from
        `term_from`)."""
        errors: dict[str, str] = {}
        if not str(authority or "").strip():
            errors["authority"] = "Bắt buộc nhập mã cơ quan có thẩm quyền."
        if not str(name or "").strip():
            errors["name"] = "Bắt buộc nhập tên Hội đồng."
        if not str(decision_ref or "").strip():
            errors["decision_ref"] = "Bắt buộc nhập số quyết định thành lập (kiện toàn) Hội đồng."
        if term_to is not None and term_to < term_from:
            errors["term_to"] = "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu."
        parsed = [_member_fields(m, f"members[{i}]", errors) for i, m in enumerate(members)]
        if not members:
            errors["members"] = "Hội đồng phải có ít nhất một thành viên."
        ids = [m["member_id"] for m in parsed if m]
        if len(ids) != len(set(ids)):
            errors["members"] = "Mã thành viên bị trùng."
        if sum(1 for m in parsed if m and m["role"] == CouncilRole.CHAIRMAN) > 1:
            errors["members"] = "Hội đồng chỉ có một Chủ tịch."
        if errors:
            raise DossierValidationError(errors)
        return cls(
            authority=authority.strip().upper(),
            name=name.strip(),
            term_from=term_from,
            term_to=term_to,
            members=[m for m in parsed if m],
            decision_ref=decision_ref.strip(),
            actor=actor,
            at=at,
        )

    @event("Constituted")
    def __init__(
        self,
        authority: str,
        name: str,
        term_from: date,
        term_to: date | None,
        members: list[dict[str, Any]],
        decision_ref: str,
        actor: Actor,
        at: datetime,
    ) -> None:
        self.authority, self.name = authority, name
        self.term_from, self.term_to = term_from, term_to
        self.members: tuple[CouncilMember, ...] = tuple(
            CouncilMember(m["member_id"], m["name"], CouncilRole(m["role"]), m["position"], term_from) for m in members
        )
        self.changes: tuple[dict[str, Any], ...] = ({"on": term_from, "kind": "CONSTITUTED", "ref": decision_ref},)

    # --- queries -------------------------------------------------------------------------

    def in_term(self, day: date) -> bool:
        return self.term_from <= day and (self.term_to is None or day <= self.term_to)

    def members_on(self, day: date) -> tuple[CouncilMember, ...]:
        """The council as it stood on `day`."""
        return tuple(m for m in self.members if m.serves_on(day))

    def _serving(self, member_id: str, day: date) -> CouncilMember | None:
        return next((m for m in self.members if m.member_id == member_id and m.serves_on(day)), None)

    # --- changes -------------------------------------------------------------------------

    def appoint(
        self, *, member: Mapping[str, Any], on: date, decision_ref: str, actor: Actor, at: datetime
    ) -> CouncilMember:
        """A member joins (or takes a new role) from `on`, by a decision on the council's composition."""
        errors: dict[str, str] = {}
        fields = _member_fields(member, "member", errors)
        if not str(decision_ref or "").strip():
            errors["decision_ref"] = "Bắt buộc nhập số quyết định kiện toàn Hội đồng."
        if not self.in_term(on):
            errors["on"] = "Ngày bổ nhiệm nằm ngoài nhiệm kỳ của Hội đồng."
        if fields and self._serving(fields["member_id"], on):
            errors["member.member_id"] = (
                "Thành viên này đang ở trong Hội đồng vào ngày đó; cho thôi trước khi đổi vai trò."
            )
        if (
            fields
            and fields["role"] == CouncilRole.CHAIRMAN
            and any(m.role is CouncilRole.CHAIRMAN for m in self.members_on(on))
        ):
            errors["member.role"] = "Hội đồng đã có Chủ tịch vào ngày đó."
        if errors:
            raise DossierValidationError(errors)
        assert fields is not None
        self._appointed(**fields, on=on, decision_ref=decision_ref.strip(), actor=actor, at=at)
        return self.members[-1]

    @event("MemberAppointed")
    def _appointed(
        self,
        member_id: str,
        name: str,
        role: str,
        position: str,
        on: date,
        decision_ref: str,
        actor: Actor,
        at: datetime,
    ) -> None:
        self.members = (*self.members, CouncilMember(member_id, name, CouncilRole(role), position, on))
        self.changes = (*self.changes, {"on": on, "kind": "APPOINTED", "member_id": member_id, "ref": decision_ref})

    def release(
        self, *, member_id: str, last_day: date, decision_ref: str, reason: str, actor: Actor, at: datetime
    ) -> None:
        """A member leaves the council after `last_day` (retirement, transfer, a new decision)."""
        errors: dict[str, str] = {}
        if self._serving(member_id, last_day) is None:
            errors["member_id"] = "Không có thành viên này trong Hội đồng vào ngày đó."
        if not str(reason or "").strip():
            errors["reason"] = "Phải nêu lý do."
        if not str(decision_ref or "").strip():
            errors["decision_ref"] = "Bắt buộc nhập số quyết định kiện toàn Hội đồng."
        if errors:
            raise DossierValidationError(errors)
        self._released(
            member_id=member_id, last_day=last_day, decision_ref=decision_ref.strip(), reason=reason, actor=actor, at=at
        )

    @event("MemberReleased")
    def _released(
        self, member_id: str, last_day: date, decision_ref: str, reason: str, actor: Actor, at: datetime
    ) -> None:
        self.members = tuple(
            CouncilMember(m.member_id, m.name, m.role, m.position, m.from_date, last_day)
            if m.member_id == member_id and m.serves_on(last_day)
            else m
            for m in self.members
        )
        self.changes = (
            *self.changes,
            {"on": last_day, "kind": "RELEASED", "member_id": member_id, "ref": decision_ref},
        )


@dataclass(frozen=True)
class NomineeTally:
    """One nominee's count, in the shape `Dossier.record_council_vote` records."""

    ref: str
    members_total: int
    votes_for: int
    votes_against: int
    absent_in_writing: int


@dataclass(frozen=True)
class ListVote:
    """The minutes (biên bản) of a list vote: who was there, who voted in writing, and the count."""

    meeting_date: date
    members_total: int
    present: tuple[str, ...]
    absent_in_writing: tuple[str, ...]
    absent_without_vote: tuple[str, ...]
    tallies: dict[str, NomineeTally]


def tally_list_vote(
    council: Council,
    *,
    meeting_date: date,
    refs: Sequence[str],
    present: Sequence[str],
    written: Sequence[str] = (),
    crossed_out: Mapping[str, Sequence[str]] | None = None,
) -> ListVote:
    """Count a list vote against the council as it stood on `meeting_date`.

    `present` are the members at the meeting, `written` the absent members who sent a written
    ballot; each of their ballots approves every ref of `refs` except those in `crossed_out[member]`.
    The total is the whole council on that day, whoever came."""
    if not council.in_term(meeting_date):
        raise DossierError(
            "council_out_of_term", f"Ngày họp {meeting_date:%d/%m/%Y} nằm ngoài nhiệm kỳ của {council.name}."
        )
    sitting = {m.member_id for m in council.members_on(meeting_date)}
    errors: dict[str, str] = {}
    present_ = list(dict.fromkeys(present))
    written_ = list(dict.fromkeys(written))
    if strangers := [m for m in [*present_, *written_] if m not in sitting]:
        errors["present"] = (
            f"Không phải thành viên Hội đồng vào ngày {meeting_date:%d/%m/%Y}: " + ", ".join(strangers) + "."
        )
    if both := set(present_) & set(written_):
        errors["written"] = "Thành viên có mặt không bỏ phiếu bằng văn bản: " + ", ".join(sorted(both)) + "."
    if not present_:
        errors["present"] = errors.get("present") or "Phải nêu thành viên có mặt."
    crossed = {k: set(v) for k, v in (crossed_out or {}).items()}
    voters = set(present_) | set(written_)
    if unknown := [m for m in crossed if m not in voters]:
        errors["crossed_out"] = "Phiếu của người không bỏ phiếu: " + ", ".join(unknown) + "."
    known = set(refs)
    for member, names in crossed.items():
        if extra := sorted(names - known):
            errors[f"crossed_out.{member}"] = "Không có trong danh sách: " + ", ".join(extra) + "."
    if errors:
        raise DossierValidationError(errors)
    total = len(sitting)
    tallies = {}
    for ref in refs:
        against = sum(1 for m in voters if ref in crossed.get(m, ()))
        tallies[ref] = NomineeTally(ref, total, len(voters) - against, against, len(written_))
    absent = sorted(sitting - voters)
    return ListVote(meeting_date, total, tuple(present_), tuple(written_), tuple(absent), tallies)


class CouncilMeeting(Aggregate):
    """The minutes of one council meeting that voted on a list (a round's list, or one dossier)."""

    @event("Held")
    def __init__(
        self,
        council_id: UUID,
        authority: str,
        meeting_date: date,
        minutes_ref: str,
        agenda: str,
        members_total: int,
        present: list[dict[str, Any]],
        absent_in_writing: list[dict[str, Any]],
        absent_without_vote: list[dict[str, Any]],
        crossed_out: dict[str, list[str]],
        refs: list[str],
        actor: Actor,
        at: datetime,
    ) -> None:
        self.council_id, self.authority = council_id, authority
        self.meeting_date, self.minutes_ref, self.agenda = meeting_date, minutes_ref, agenda
        self.members_total = members_total
        self.present, self.absent_in_writing, self.absent_without_vote = (
            present,
            absent_in_writing,
            absent_without_vote,
        )
        self.crossed_out, self.refs = crossed_out, refs

    @classmethod
    def record(
        cls,
        council: Council,
        vote: ListVote,
        *,
        minutes_ref: str,
        agenda: str,
        crossed_out: Mapping[str, Sequence[str]],
        actor: Actor,
        at: datetime,
    ) -> CouncilMeeting:
        if not str(minutes_ref or "").strip():
            raise DossierValidationError({"minutes_ref": "Bắt buộc nhập số biên bản họp Hội đồng."})
        by_id = {m.member_id: m for m in council.members_on(vote.meeting_date)}

        def people(ids: Sequence[str]) -> list[dict[str, Any]]:
            return [
                {"member_id": i, "name": by_id[i].name, "role": by_id[i].role.value, "position": by_id[i].position}
                for i in ids
            ]

        return cls(
            council_id=council.id,
            authority=council.authority,
            meeting_date=vote.meeting_date,
            minutes_ref=minutes_ref.strip(),
            agenda=agenda,
            members_total=vote.members_total,
            present=people(vote.present),
            absent_in_writing=people(vote.absent_in_writing),
            absent_without_vote=people(vote.absent_without_vote),
            crossed_out={k: sorted(v) for k, v in crossed_out.items() if v},
            refs=list(vote.tallies),
            actor=actor,
            at=at,
        )

    def minutes(self) -> dict[str, Any]:
        return {
            "meeting_id": str(self.id),
            "authority": self.authority,
            "meeting_date": self.meeting_date.isoformat(),
            "minutes_ref": self.minutes_ref,
            "agenda": self.agenda,
            "members_total": self.members_total,
            "present": self.present,
            "absent_in_writing": self.absent_in_writing,
            "absent_without_vote": self.absent_without_vote,
            "crossed_out": self.crossed_out,
            "nominees": len(self.refs),
        }


def council_view(council: Council, on: date | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "council_id": str(council.id),
        "authority": council.authority,
        "name": council.name,
        "term_from": council.term_from.isoformat(),
        "term_to": council.term_to.isoformat() if council.term_to else None,
        "members": [m.as_dict() for m in council.members],
        "changes": [{**c, "on": c["on"].isoformat()} for c in council.changes],
    }
    if on is not None:
        view["on"] = on.isoformat()
        view["members_on"] = [m.as_dict() for m in council.members_on(on)]
    return view
