"""Use cases of the year's workload, over the dossiers' own event store.

`AnnualWork` wraps the `Dossiers` application: the council, rounds, registrations, clusters and
award-history registers are aggregates in the same store, so a round's submission saves its
dossiers, the receipt register, the year's award register and the round in ONE transaction, and
a list decision saves every dossier it decides with the decision register and the round. A lost
race (`IntegrityError`) is retried with a fresh read a bounded number of times.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from services.dossiers.annual.clusters import EmulationCluster
from services.dossiers.annual.council import Council, CouncilMeeting, council_view, tally_list_vote
from services.dossiers.annual.feed import HistoryFeed
from services.dossiers.annual.history import (
    NO_IDENTITY,
    AwardYear,
    ConsecutiveRequirement,
    HistoryStatus,
    dossier_proposals,
    history_failures,
    history_year,
    load_requirements,
    person_history,
)
from services.dossiers.annual.identity import collective_key, person_key, valid_id_number, valid_person_id
from services.dossiers.annual.nominee_import import HEADER, RowError, read_xlsx
from services.dossiers.annual.past_awards_import import read_past_awards_xlsx
from services.dossiers.annual.registration import EmulationPledge, policy_for
from services.dossiers.annual.registration_import import read_registration_xlsx
from services.dossiers.annual.rounds import AwardRound
from services.dossiers.application import Dossiers
from services.dossiers.documents.steps import DossierDocuments
from services.dossiers.domain.dossier import Dossier, check_at
from services.dossiers.domain.errors import DossierConcurrencyError, DossierError, DossierValidationError
from services.dossiers.domain.rules import RuleSet
from services.dossiers.domain.values import AWARD_VALUES, DossierKind, DossierStatus, label
from services.dossiers.numbering import DecisionNumberSequence, ReceiptNumberSequence, format_receipt_number
from services.dossiers.submission import read_submission
from shared.actor import SYSTEM_ACTOR, Actor
from shared.workdays import local_date

A = TypeVar("A", bound=Aggregate)
ROUND_KINDS = (DossierKind.ANNUAL_TITLE, DossierKind.YEAR_END, DossierKind.HIGHER_LEVEL)
"""The dossier kinds a year-end list may need, in the order a nominee's award is looked up."""


class AnnualNotFound(DossierError):
    """An unknown council, round, cluster (HTTP 404)."""

    def __init__(self, message: str) -> None:
        super().__init__("not_found", message)


class ImportRejected(DossierValidationError):
    """A list with row errors that the user did not choose to keep partly (HTTP 422)."""

    def __init__(self, errors: Sequence[RowError], summary: Mapping[str, Any]) -> None:
        field_errors: dict[str, str] = {}
        for e in errors:
            key = f"rows[{e.row}].{e.column}" if e.column else f"rows[{e.row}]"
            field_errors[key] = f"{field_errors[key]} {e.message}" if key in field_errors else e.message
        super().__init__(field_errors)
        self.summary = dict(summary)


class AnnualWork:
    """The year's workload over a `Dossiers` application (its store, rule book, org units)."""

    attempts = 10

    def __init__(self, dossiers: Dossiers, requirements: Mapping[str, list[ConsecutiveRequirement]] | None = None):
        self.app = dossiers
        self.requirements = dict(requirements if requirements is not None else load_requirements())

    @classmethod
    def wired(
        cls, dossiers: Dossiers, requirements: Mapping[str, list[ConsecutiveRequirement]] | None = None
    ) -> AnnualWork:
        """The year's workload over `dossiers`, with the hooks the dossiers' own use cases call: the
        council's size on a day, the award history's objections in appraisal, and its register
        saved with every new dossier."""
        work = cls(dossiers, requirements)
        dossiers.council_size = work.council_size
        dossiers.history_objections = work.history_objections_for
        dossiers.history_proposals = work.propose_dossier
        return work

    # --- plumbing ------------------------------------------------------------------------

    def _find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        try:
            found = self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def _retrying(self, attempt: Callable[[], Sequence[Aggregate]]) -> None:
        """Build the aggregates to save from a fresh read and save them together; retry a lost race."""
        for i in range(self.attempts):
            try:
                self.app.save(*attempt())
                return
            except IntegrityError:
                self.app._backoff(i)
        raise DossierConcurrencyError("Nhiều người cùng cập nhật; vui lòng thử lại.")

    def _ids(self, topic: str) -> list[UUID]:
        """The ids of the aggregates created with `topic`, in creation order (the store's own log)."""
        ids: list[UUID] = []
        start = 1
        while True:
            batch = self.app.recorder.select_notifications(start=start, limit=1000, topics=[topic])
            ids += [n.originator_id for n in batch]
            if len(batch) < 1000:
                return ids
            start = batch[-1].id + 1

    def _save(self, *aggregates: Aggregate) -> None:
        try:
            self.app.save(*aggregates)
        except IntegrityError:
            raise DossierConcurrencyError() from None

    # --- council -------------------------------------------------------------------------

    def constitute_council(
        self,
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
        check_at(at)
        signer = self.app.authority(authority, "authority")
        if signer.level is None:
            raise DossierValidationError(
                {
                    "authority": f"{signer.name} không có thẩm quyền khen thưởng "
                    "nên không có Hội đồng Thi đua – Khen thưởng."
                }
            )
        if self._find(Council, Council.create_id(signer.code)) is not None:
            raise DossierError("council_exists", f"{signer.name} đã có Hội đồng; dùng kiện toàn thành viên.")
        council = Council.constitute(
            authority=signer.code,
            name=name,
            term_from=term_from,
            term_to=term_to,
            members=members,
            decision_ref=decision_ref,
            actor=actor,
            at=at,
        )
        self._save(council)
        return council

    def council(self, authority: str) -> Council:
        code = str(authority or "").strip().upper()
        if code in self.app.units:
            code = self.app.units.get(code).code
        council = self._find(Council, Council.create_id(code))
        if council is None:
            raise AnnualNotFound(f"Chưa có Hội đồng Thi đua – Khen thưởng của đơn vị mã «{code}».")
        return council

    def appoint_member(
        self, authority: str, *, member: Mapping[str, Any], on: date, decision_ref: str, actor: Actor, at: datetime
    ) -> Council:
        council = self.council(authority)
        council.appoint(member=member, on=on, decision_ref=decision_ref, actor=actor, at=at)
        self._save(council)
        return council

    def release_member(
        self,
        authority: str,
        *,
        member_id: str,
        last_day: date,
        decision_ref: str,
        reason: str,
        actor: Actor,
        at: datetime,
    ) -> Council:
        council = self.council(authority)
        council.release(
            member_id=member_id, last_day=last_day, decision_ref=decision_ref, reason=reason, actor=actor, at=at
        )
        self._save(council)
        return council

    def council_size(self, authority: str, on: date | None) -> int | None:
        """How many sat on the authority's council on `on`; None when no council is on record (or no day)."""
        if on is None or not authority:
            return None
        try:
            council = self.council(authority)
        except AnnualNotFound:
            return None
        return len(council.members_on(on)) if council.in_term(on) else None

    def council_view(self, authority: str, on: date | None = None) -> dict[str, Any]:
        return council_view(self.council(authority), on)

    def meeting(self, meeting_id: UUID | str) -> CouncilMeeting:
        try:
            found = self._find(CouncilMeeting, UUID(str(meeting_id)))
        except ValueError:
            found = None
        if found is None:
            raise AnnualNotFound(f"Không tìm thấy biên bản họp Hội đồng mã {meeting_id}.")
        return found

    @staticmethod
    def _needs_vote(rules: RuleSet, dossier: Dossier, nominee_id: str) -> bool:
        return rules.award(dossier.nominee(nominee_id).award).council_vote is not None

    def vote_on_dossier(
        self,
        dossier_id: UUID | str,
        *,
        meeting_date: date,
        minutes_ref: str,
        present: Sequence[str],
        written: Sequence[str] = (),
        crossed_out: Mapping[str, Sequence[str]] | None = None,
        nominee_ids: Sequence[str] | None = None,
        reason: str | None = None,
        actor: Actor,
        at: datetime,
    ) -> tuple[Dossier, CouncilMeeting]:
        """The council of the dossier's deciding authority votes on its nominees that need a vote;
        the total is the council as it stood on the meeting date."""
        check_at(at)
        dossier = self.app.get(dossier_id)
        rules = self.app.rules_of(dossier)
        council = self.council(dossier.deciding_authority or "")
        ids = list(nominee_ids or [i for i in dossier.nominee_ids if self._needs_vote(rules, dossier, i)])
        if not ids:
            raise DossierError("vote_not_required", "Hồ sơ không có đối tượng nào cần Hội đồng bỏ phiếu.")
        vote = tally_list_vote(
            council, meeting_date=meeting_date, refs=ids, present=present, written=written, crossed_out=crossed_out
        )
        meeting = CouncilMeeting.record(
            council,
            vote,
            minutes_ref=minutes_ref,
            agenda=f"Hồ sơ {dossier.receipt_number}",
            crossed_out=crossed_out or {},
            actor=actor,
            at=at,
        )
        for i in ids:
            t = vote.tallies[i]
            dossier.record_council_vote(
                rules=rules,
                nominee_id=i,
                members_total=t.members_total,
                votes_for=t.votes_for,
                votes_against=t.votes_against,
                absent_in_writing=t.absent_in_writing,
                actor=actor,
                at=at,
                meeting_date=meeting_date,
                reason=reason,
            )
        self._save(meeting, dossier)
        return dossier, meeting

    # --- award history -------------------------------------------------------------------

    def year_register(self, year: int) -> AwardYear:
        return self._find(AwardYear, AwardYear.create_id(year)) or AwardYear(year=year)

    HISTORY_TOPICS = tuple(
        get_topic(cls)
        for cls in (
            Dossier.AwardDecided,
            Dossier.AwardRejected,
            Dossier.AwardAnnulled,
            Dossier.Withdrawn,
            Dossier.Refused,
            DossierDocuments.HigherLevelResultRecorded,  # type: ignore[attr-defined]  # (defined there, not on Dossier)
        )
    )

    def sync_history(self, *, actor: Actor | None = None) -> int:
        """Fold the decisions (the higher level's too, for khen cao), rejections, annulments and
        withdrawals stored since the last call into
        the year registers; the reading position is saved with them (exactly once). Returns how many
        dossier events were read."""
        who = actor or SYSTEM_ACTOR
        read = 0
        for _ in range(1000):
            feed = self._find(HistoryFeed, HistoryFeed.create_id()) or HistoryFeed()
            notes = self.app.recorder.select_notifications(
                start=feed.position + 1, limit=500, topics=list(self.HISTORY_TOPICS)
            )
            if not notes:
                return read
            registers: dict[int, AwardYear] = {}
            years: dict[UUID, int | None] = {}
            for n in notes:
                e = self.app.mapper.to_domain_event(n)
                if n.originator_id not in years:
                    first = self.app.get(n.originator_id, version=1)  # the year is set on receipt
                    years[n.originator_id] = history_year(first)
                year = years[n.originator_id]
                if year is None:
                    continue
                reg = registers.get(year) or self._find(AwardYear, AwardYear.create_id(year))
                if reg is None:
                    continue
                registers[year] = reg
                dossier_id = str(n.originator_id)
                mine = reg.by_dossier(dossier_id)
                if not mine:
                    continue
                outcomes, number, day = _outcomes(type(e).__name__, e, list(mine))
                reg.record_outcome(
                    dossier_id=dossier_id,
                    outcomes=outcomes,
                    decision_number=number,
                    decision_date=day,
                    actor=who,
                    at=e.at,
                )
            feed.advance(notes[-1].id)
            try:
                self.app.save(feed, *registers.values())
            except IntegrityError:
                continue  # someone else folded the same events: read again from their position
            read += len(notes)
        return read

    def import_past_awards(
        self, *, rows: Sequence[Mapping[str, Any]], source_ref: str, actor: Actor, at: datetime
    ) -> dict[str, Any]:
        """Awards decided before this system, from the office's registers: each row names the person
        (ID number, person id, or for a collective its proposing unit and name), the award and year."""
        check_at(at)
        once_a_year = self._once_a_year(at)
        errors: dict[str, str] = {}
        if not str(source_ref or "").strip():
            errors["source_ref"] = "Bắt buộc nêu nguồn (sổ khen thưởng, quyết định…)."
        by_year: dict[int, list[dict[str, Any]]] = {}
        for i, r in enumerate(rows):
            path = f"rows[{i}]"
            identity = identity_of(r, path, errors)
            award, year, name = r.get("award"), r.get("year"), str(r.get("name") or "").strip()
            if award not in AWARD_VALUES:
                errors[f"{path}.award"] = "Danh hiệu không hợp lệ."
            if not isinstance(year, int) or isinstance(year, bool) or not 1945 <= year <= local_date(at).year:
                errors[f"{path}.year"] = "Năm không hợp lệ."
            if not name:
                errors[f"{path}.name"] = "Bắt buộc nhập họ và tên (tên tập thể)."
            if identity and isinstance(year, int):
                by_year.setdefault(year, []).append(
                    {
                        "identity": identity,
                        "name": name,
                        "unit": str(r.get("unit") or ""),
                        "proposing_unit": str(r.get("proposing_unit") or "").strip().upper(),
                        "award": award,
                        "once_a_year": once_a_year(str(award)),
                        "decision_number": str(r.get("decision_number") or ""),
                        "decision_date": str(r.get("decision_date") or ""),
                    }
                )
        if not rows:
            errors["rows"] = "Không có dòng nào."
        if errors:
            raise DossierValidationError(errors)

        def build() -> list[Aggregate]:
            regs = []
            for year, items in by_year.items():
                reg = self.year_register(year)
                reg.import_past(rows=items, actor=actor, at=at, source_ref=source_ref.strip())
                regs.append(reg)
            return regs

        self._retrying(build)
        return {"imported": sum(len(v) for v in by_year.values()), "years": sorted(by_year)}

    def import_past_awards_xlsx(
        self, *, content: bytes, source_ref: str, keep_valid_rows: bool, actor: Actor, at: datetime
    ) -> dict[str, Any]:
        """Past awards from the office's XLSX register (`past_awards_import`). A file with errors
        stores nothing (422 with a message per row and column) unless `keep_valid_rows`, which
        imports the valid rows only."""
        check_at(at)
        result = read_past_awards_xlsx(content, today=local_date(at), once_a_year=self._once_a_year(at))
        valid = result.valid_rows()
        if (result.errors and not keep_valid_rows) or not valid:
            raise ImportRejected(result.errors or [RowError(0, "", "Tệp không có dòng nào hợp lệ.")], result.summary())
        try:
            out = self.import_past_awards(rows=valid, source_ref=source_ref, actor=actor, at=at)
        except DossierValidationError as exc:
            raise DossierValidationError(_by_row(exc.field_errors, valid)) from None
        return {**out, "import": result.summary()}

    def _once_a_year(self, at: datetime) -> Callable[[str], bool]:
        """Which awards the rule set in force on `at` limits to one a year (every award, as before
        the rule sets said so, when none is in force)."""
        try:
            return self.app.rule_book.for_date(local_date(at)).once_a_year
        except LookupError:
            return lambda award: True

    def propose_dossier(self, dossier: Dossier, rules: RuleSet, actor: Actor, at: datetime) -> list[Aggregate]:
        """An ordinary dossier's nominees with a stable identity enter the register of its year
        (`history_year`), to be saved with the dossier in one transaction (`Dossiers.submit`
        retries both on a lost race, reading the register again). Refused (409), naming the earlier
        dossier, when it repeats a title the rule set limits to one a year; nothing to save when no
        nominee can be identified."""
        rows = dossier_proposals(dossier, rules.once_a_year)
        if not rows:
            return []
        register = self.year_register(history_year(dossier))
        register.propose(dossier_id=str(dossier.id), rows=rows, actor=actor, at=at)
        return [register]

    def dossier_history(self, dossier: Dossier) -> dict[str, dict[str, Any]]:
        """Per nominee of the dossier: its identity's history, or why there is none to compare."""
        mine = self.year_register(history_year(dossier)).by_dossier(str(dossier.id))
        out: dict[str, dict[str, Any]] = {}
        for n in dossier.nominees:
            entry = mine.get(n.nominee_id)
            out[n.nominee_id] = {
                "name": n.name,
                "identified": entry is not None,
                "awards": self.history_of(entry.identity) if entry else [],
                "note": None if entry else NO_IDENTITY,
            }
        return out

    def history_of(self, identity: str, years: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """Every entry of one identity, oldest first (over the registers of `years`, or all)."""
        if years is None:
            topic = get_topic(AwardYear.Opened)  # type: ignore[attr-defined]
            ids = set(self._ids(topic))
            regs = [r for i in ids if (r := self._find(AwardYear, i)) is not None]
        else:
            regs = [self.year_register(y) for y in years]
        return person_history(regs, identity)

    def history_objections_for(self, dossier: Dossier) -> dict[str, list[str]]:
        """The history's objections to one dossier (for the one-dossier appraisal), after reading
        the decisions stored since the last look."""
        if not any(n.award in self.requirements for n in dossier.nominees):
            return {}
        self.sync_history()
        return self.history_objections(dossier, {})

    def history_objections(self, dossier: Dossier, registers: dict[int, AwardYear]) -> dict[str, list[str]]:
        """Per nominee, what the award history fails of its award's consecutive-year requirements.
        A nominee the register does not know (no identity: an individual without an ID number) gets
        none: the rule set's council check of the same standard still has to be recorded."""
        year = history_year(dossier)
        if year not in registers:
            registers[year] = self.year_register(year)
        mine = registers[year].by_dossier(str(dossier.id))
        found: dict[str, list[str]] = {}
        for n in dossier.nominees:
            entry = mine.get(n.nominee_id)
            for req in self.requirements.get(n.award, []):
                for y in range(year - req.years, year + 1):
                    if y not in registers:
                        registers[y] = self.year_register(y)
                if entry is None:
                    continue  # no identity (no ID number): the council's check stands alone
                if fails := history_failures(req, registers, entry.identity, year):
                    found.setdefault(n.nominee_id, []).extend(fails)
        return found

    # --- rounds --------------------------------------------------------------------------

    def open_round(
        self,
        *,
        authority: str,
        year: int,
        name: str,
        awards: Sequence[str],
        units: Sequence[str],
        submission_deadline: date,
        decision_deadline: date | None = None,
        actor: Actor,
        at: datetime,
    ) -> AwardRound:
        check_at(at)
        signer = self.app.authority(authority, "authority")
        if signer.level is None:
            raise DossierValidationError({"authority": f"{signer.name} không có thẩm quyền khen thưởng."})
        rnd = AwardRound.open(
            authority=signer.code,
            year=year,
            name=name,
            awards=awards,
            units=units,
            submission_deadline=submission_deadline,
            decision_deadline=decision_deadline,
            actor=actor,
            at=at,
        )
        self._save(rnd)
        return rnd

    def round(self, round_id: UUID | str) -> AwardRound:
        try:
            found = self._find(AwardRound, UUID(str(round_id)))
        except ValueError:
            found = None
        if found is None:
            raise AnnualNotFound(f"Không tìm thấy đợt xét khen thưởng mã {round_id}.")
        return found

    def round_ids(self) -> list[UUID]:
        topic = get_topic(AwardRound.Opened)  # type: ignore[attr-defined]
        return self._ids(topic)

    @staticmethod
    def _kind_for(rules: RuleSet, award: str) -> DossierKind | None:
        return next(
            (k for k in ROUND_KINDS if k in rules.dossier_kinds and award in rules.dossier_kinds[k].awards), None
        )

    def submit_to_round(
        self,
        round_id: UUID | str,
        *,
        unit: str,
        nominees: Sequence[Mapping[str, Any]],
        attachments: Sequence[Mapping[str, Any]],
        achievements: str,
        actor: Actor,
        at: datetime,
        channel: str = "ONLINE_PORTAL",
    ) -> dict[str, Any]:
        """A unit's one submission to the round: `nominees` are `{identity, nominee, ref}` (the
        nominee as `Dossier.submit` reads it; `ref` names it in messages, e.g. its sheet row). The
        list is split into one dossier per dossier kind it needs, checked against the unit's
        registration (the rule set's policy) and the year's award register (no second proposal of
        a title in a year), and saved with the round and the register in one transaction."""
        check_at(at)
        unit = str(unit or "").strip().upper()
        received_on = local_date(at)
        try:
            rules = self.app.rule_book.for_date(received_on)
        except LookupError:
            raise DossierValidationError({"at": "Không có bộ quy tắc áp dụng cho ngày tiếp nhận này."}) from None
        rows = [dict(r) for r in nominees]
        if not rows:
            raise DossierValidationError({"nominees": "Danh sách đề nghị không có ai."})
        errors: dict[str, str] = {}
        groups: dict[DossierKind, list[dict[str, Any]]] = {}
        for i, r in enumerate(rows):
            r.setdefault("ref", f"nominees[{i}]")
            award = str((r.get("nominee") or {}).get("award") or "")
            kind = self._kind_for(rules, award)
            if not r.get("identity"):
                errors[f"nominees[{i}].identity"] = "Thiếu mã định danh của đối tượng."
            if kind is None:
                errors[f"nominees[{i}].award"] = f"'{label(award)}' không xét trong đợt tổng kết năm ({rules.id})."
                continue
            groups.setdefault(kind, []).append(r)
        seen: dict[tuple[str, str], str] = {}
        for r in rows:
            key = (str(r.get("identity")), str((r.get("nominee") or {}).get("award")))
            if key in seen:
                errors[r["ref"]] = f"Trùng với {seen[key]}: cùng người (tập thể), cùng danh hiệu."
            seen.setdefault(key, r["ref"])
        if errors:
            raise DossierValidationError(errors)
        result: dict[str, Any] = {}

        def build() -> list[Aggregate]:
            rnd = self.round(round_id)
            rnd.check_can_submit(unit)
            if bad := [r["ref"] for r in rows if r["nominee"].get("award") not in rnd.awards]:
                raise DossierValidationError({"nominees": "Đợt xét không xét danh hiệu của: " + ", ".join(bad) + "."})
            register = self.year_register(rnd.year)
            proposals = [
                {
                    "identity": r["identity"],
                    "award": r["nominee"]["award"],
                    "once_a_year": rules.once_a_year(r["nominee"]["award"]),
                    "name": r["nominee"].get("name", ""),
                    "ref": r["ref"],
                }
                for r in rows
            ]
            if repeated := register.conflicts(proposals, None):
                raise DossierError("already_proposed", " ".join(repeated.values()))
            flags = self._registration_flags(unit, rnd.year, rows)
            if flags and policy_for(rules.id) == "BLOCK":
                raise DossierValidationError({ref: " ".join(why) for ref, why in flags.items()})
            authority = self.app._receiving_authority(received_on, unit, rnd.authority)
            sequence = self.app._sequence(ReceiptNumberSequence, office=self.app.receipt_office, year=received_on.year)
            dossiers = []
            for kind, items in groups.items():
                try:
                    command = read_submission(
                        {
                            "channel": channel,
                            "proposing_unit": unit,
                            "award_type": "MOVEMENT",
                            "kind": kind.value,
                            "nominees": [r["nominee"] for r in items],
                            "attachments": attachments,
                            "achievements": achievements,
                            "emulation_year": rnd.year,
                            "deciding_authority": authority,
                        },
                        rules=rules,
                        received_on=received_on,
                    )
                    dossier = Dossier.submit(
                        rules=rules,
                        calendar=self.app.calendar,
                        receipt_number=format_receipt_number(
                            sequence.peek(), received_on.year, self.app.receipt_office
                        ),
                        command=command,
                        actor=actor,
                        at=at,
                    )
                except DossierValidationError as exc:
                    raise DossierValidationError(_by_ref(exc.field_errors, items)) from None
                sequence.issue(dossier.id, at)
                register.propose(
                    dossier_id=str(dossier.id),
                    rows=[
                        {
                            "identity": r["identity"],
                            "award": r["nominee"]["award"],
                            "once_a_year": rules.once_a_year(r["nominee"]["award"]),
                            "name": r["nominee"].get("name", ""),
                            "unit": r["nominee"].get("unit", "") or unit,
                            "nominee_id": f"n{j + 1}",
                            "ref": r["ref"],
                            "proposing_unit": unit,
                            "receipt_number": dossier.receipt_number,
                        }
                        for j, r in enumerate(items)
                    ],
                    actor=actor,
                    at=at,
                )
                dossiers.append(dossier)
            submission = rnd.record_submission(
                unit=unit,
                dossier_ids=[d.id for d in dossiers],
                nominees=len(rows),
                on=received_on,
                flags=[f"{ref}: {' '.join(why)}" for ref, why in flags.items()],
                actor=actor,
                at=at,
            )
            result.update(
                round_id=str(rnd.id),
                unit=unit,
                dossier_ids=[str(d.id) for d in dossiers],
                receipt_numbers=[d.receipt_number for d in dossiers],
                nominees=len(rows),
                late=submission.late,
                flags=list(submission.flags),
            )
            return [sequence, *dossiers, register, rnd]

        self._retrying(build)
        return result

    def _registration_flags(self, unit: str, year: int, rows: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
        reg = self._find(EmulationPledge, EmulationPledge.create_id(unit, year))
        proposals = [
            {
                "ref": r["ref"],
                "identity": r["identity"],
                "award": r["nominee"]["award"],
                "kind": r["nominee"].get("kind", "INDIVIDUAL"),
                "name": r["nominee"].get("name", ""),
            }
            for r in rows
        ]
        if reg is None:
            reg = EmulationPledge(unit=unit, year=year)
        return reg.unregistered(proposals)

    def import_to_round(
        self,
        round_id: UUID | str,
        *,
        unit: str,
        content: bytes,
        keep_valid_rows: bool,
        attachments: Sequence[Mapping[str, Any]],
        achievements: str,
        actor: Actor,
        at: datetime,
    ) -> dict[str, Any]:
        """Import a unit's XLSX list into the round. A file with errors stores nothing (422 with a
        message per row and column) unless `keep_valid_rows`, which submits the valid rows only."""
        unit = str(unit or "").strip().upper()
        rnd = self.round(round_id)
        rnd.check_can_submit(unit)
        result = read_xlsx(content, proposing_unit=unit, awards_considered=rnd.awards)
        register = self.year_register(rnd.year)
        once_a_year = self._once_a_year(at)
        conflicts = register.conflicts(
            [
                {
                    "identity": r["identity"],
                    "award": r["nominee"]["award"],
                    "once_a_year": once_a_year(r["nominee"]["award"]),
                    "name": r["nominee"]["name"],
                    "ref": str(r["row"]),
                }
                for r in result.valid_rows()
            ],
            None,
        )
        result.errors += [RowError(int(ref), HEADER["award"], msg) for ref, msg in conflicts.items()]
        result.errors.sort(key=lambda e: (e.row, e.column))
        summary = result.summary()
        valid = result.valid_rows()
        if (result.errors and not keep_valid_rows) or not valid:
            raise ImportRejected(result.errors or [RowError(0, "", "Tệp không có dòng nào hợp lệ.")], summary)
        out = self.submit_to_round(
            round_id,
            unit=unit,
            nominees=[{"identity": r["identity"], "nominee": r["nominee"], "ref": f"dòng {r['row']}"} for r in valid],
            attachments=attachments,
            achievements=achievements,
            actor=actor,
            at=at,
        )
        out["import"] = summary
        return out

    def _round_dossiers(self, rnd: AwardRound) -> list[Dossier]:
        return [self.app.get(i) for i in rnd.dossier_ids()]

    def appraise_round(self, round_id: UUID | str, *, actor: Actor, at: datetime) -> dict[str, Any]:
        """Check every submitted dossier for completeness, then appraise it against the rule set and
        the award history (consecutive-year requirements)."""
        check_at(at)
        self.sync_history(actor=actor)
        rnd = self.round(round_id)
        registers: dict[int, AwardYear] = {}
        passed = failed = supplements = 0
        for d in self._round_dossiers(rnd):
            rules = self.app.rules_of(d)
            if d.status is DossierStatus.RECEIVED:
                d.check_completeness(rules=rules, campaign=None, actor=actor, at=at)
            if d.status is DossierStatus.IN_APPRAISAL:
                findings = d.appraise(rules=rules, actor=actor, at=at, objections=self.history_objections(d, registers))
                passed += sum(1 for f in findings if f.passed)
                failed += sum(1 for f in findings if not f.passed)
            elif d.status is DossierStatus.AWAITING_SUPPLEMENT:
                supplements += 1
            if d.pending_events:
                self._save(d)
        return {"passed": passed, "failed": failed, "awaiting_supplement": supplements}

    @staticmethod
    def _ref(dossier: Dossier, nominee_id: str) -> str:
        """How a round names a nominee: proposing unit, receipt number, nominee id."""
        return f"{dossier.proposing_unit}:{dossier.receipt_number}:{nominee_id}"

    def record_round_council_checks(
        self,
        round_id: UUID | str,
        *,
        meeting_date: date,
        minutes_ref: str,
        not_confirmed: Mapping[str, Sequence[str]] | None = None,
        actor: Actor,
        at: datetime,
    ) -> dict[str, Any]:
        """The council's review of the standards no record shows, for the whole list: every standard
        each nominee's award asks is confirmed, except those listed per ref in `not_confirmed`
        (`UNIT:receipt number:nominee id` → keys). Appraise the round afterwards."""
        check_at(at)
        rnd = self.round(round_id)
        not_confirmed = {k: list(v) for k, v in (not_confirmed or {}).items()}
        dossiers = [d for d in self._round_dossiers(rnd) if d.status is DossierStatus.IN_APPRAISAL]
        known = {self._ref(d, i) for d in dossiers for i in d.nominee_ids}
        if unknown := [r for r in not_confirmed if r not in known]:
            raise DossierValidationError({"not_confirmed": "Không có trong danh sách: " + ", ".join(unknown) + "."})
        recorded, changed = 0, []
        for d in dossiers:
            rules = self.app.rules_of(d)
            groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
            for nominee_id, checks in d.required_council_checks(rules).items():
                keys = [c["key"] for c in checks]
                no = tuple(k for k in keys if k in not_confirmed.get(self._ref(d, nominee_id), ()))
                yes = tuple(k for k in keys if k not in no)
                groups.setdefault((yes, no), []).append(nominee_id)
            for (yes, no), ids in groups.items():
                d.record_council_check(
                    rules=rules,
                    nominee_ids=ids,
                    confirmed=list(yes),
                    not_confirmed=list(no),
                    meeting_date=meeting_date,
                    minutes_ref=minutes_ref,
                    actor=actor,
                    at=at,
                    reason="Hội đồng xét lại theo danh sách" if any(i in d.council_checks for i in ids) else None,
                )
                recorded += len(ids)
            if d.pending_events:
                changed.append(d)
        if changed:
            self._save(*changed)
        return {"recorded": recorded, "dossiers": len(changed)}

    def vote_round(
        self,
        round_id: UUID | str,
        *,
        meeting_date: date,
        minutes_ref: str,
        present: Sequence[str],
        written: Sequence[str] = (),
        crossed_out: Mapping[str, Sequence[str]] | None = None,
        reason: str | None = None,
        actor: Actor,
        at: datetime,
    ) -> dict[str, Any]:
        """The council votes on the round's list by ballot (again: with a `reason`, each earlier
        ballot kept): every nominee in appraisal whose award
        needs a vote; each ballot approves the list except the refs it crosses out
        (`UNIT:receipt number:nominee id`, as `round_list` shows them)."""
        check_at(at)
        rnd = self.round(round_id)
        council = self.council(rnd.authority)
        dossiers = [d for d in self._round_dossiers(rnd) if d.status is DossierStatus.IN_APPRAISAL]
        targets: dict[str, tuple[Dossier, str]] = {}
        for d in dossiers:
            rules = self.app.rules_of(d)
            for i in d.nominee_ids:
                if self._needs_vote(rules, d, i):
                    targets[self._ref(d, i)] = (d, i)
        if not targets:
            raise DossierError("vote_not_required", f"{rnd.name} không có đối tượng nào cần Hội đồng bỏ phiếu.")
        vote = tally_list_vote(
            council,
            meeting_date=meeting_date,
            refs=list(targets),
            present=present,
            written=written,
            crossed_out=crossed_out,
        )
        meeting = CouncilMeeting.record(
            council, vote, minutes_ref=minutes_ref, agenda=rnd.name, crossed_out=crossed_out or {}, actor=actor, at=at
        )
        passed = 0
        for ref, (d, i) in targets.items():
            t = vote.tallies[ref]
            v = d.record_council_vote(
                rules=self.app.rules_of(d),
                nominee_id=i,
                members_total=t.members_total,
                votes_for=t.votes_for,
                votes_against=t.votes_against,
                absent_in_writing=t.absent_in_writing,
                actor=actor,
                at=at,
                meeting_date=meeting_date,
                reason=reason,
            )
            passed += v.passed
        rnd.record_list_vote(
            meeting_id=meeting.id, meeting_date=meeting_date, voted=len(targets), passed=passed, actor=actor, at=at
        )
        self._save(meeting, rnd, *{d.id: d for d, _ in targets.values()}.values())
        return {"meeting": meeting.minutes(), "voted": len(targets), "passed": passed}

    def decide_round(
        self,
        round_id: UUID | str,
        *,
        decision_date: date,
        actor: Actor,
        at: datetime,
        reject: Mapping[str, str] | None = None,
        reason: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """One decision for the round's list: every dossier in appraisal is decided under ONE number
        of the authority's register (its annex lists each nominee awarded); nominees that failed
        appraisal or the vote are not awarded, with the reasons; a dossier with no one to award gets
        the decision not to award. With `dry_run` nothing is stored: the answer says how many
        would be awarded and not (the summary the chairman confirms before signing)."""
        check_at(at)
        rnd = self.round(round_id)
        try:
            base_salary = self.app.rule_book.base_salary_on(decision_date)
        except LookupError:
            raise DossierValidationError({"decision_date": "Không có mức lương cơ sở cho ngày này."}) from None
        powers = self.app._powers(decision_date)
        signer = self.app.authority(rnd.authority)
        if signer.code in self.app.external_registers:
            raise DossierValidationError(
                {"decision_number": f"{signer.name} cấp số theo sổ văn bản của văn thư: quyết định từng hồ sơ."}
            )
        reject = dict(reject or {})
        result: dict[str, Any] = {}

        if dry_run:
            return self._decision_preview(rnd, reject)

        def build() -> list[Aggregate]:
            fresh = self.round(round_id)  # a submission may have come in since
            dossiers = self._pending_dossiers(fresh, reject)
            sequence = self.app._sequence(DecisionNumberSequence, authority=signer.code, year=decision_date.year)
            number = sequence.peek()
            awarded = not_awarded = 0
            number_text = None
            for d in dossiers:
                rules = self.app.rules_of(d)
                self.app._hand_over_if_ended(d, signer, actor, at)
                approve, rejections = self._outcome(d, rules, reject)
                earlier = self.app._earlier_awards(d, rules) if any(a.quota for a in rules.awards.values()) else {}
                if approve:
                    decision = d.decide_award(
                        rules=rules,
                        powers=powers,
                        authority=signer,
                        base_salary_vnd=base_salary,
                        number=number,
                        approve=approve,
                        actor=actor,
                        at=at,
                        reject=rejections,
                        decision_date=decision_date,
                        reason=reason,
                        earlier_awards=earlier,
                    )
                    number_text = decision.number
                else:
                    d.reject_award(
                        rules=rules,
                        powers=powers,
                        authority=signer,
                        reasons=["Không có đối tượng đủ điều kiện khen thưởng trong danh sách."],
                        actor=actor,
                        at=at,
                        decision_date=decision_date,
                    )
                awarded += len(approve)
                not_awarded += len(d.nominee_ids) - len(approve)
            if number_text is None:
                raise DossierError("nothing_to_award", "Danh sách không có đối tượng nào đủ điều kiện khen thưởng.")
            sequence.issue_decision(rnd.id, at, decision_date)
            fresh.record_list_decision(
                decision_number=number_text,
                decision_date=decision_date,
                authority=signer.code,
                dossier_ids=[str(d.id) for d in dossiers],
                awarded=awarded,
                not_awarded=not_awarded,
                actor=actor,
                at=at,
            )
            result.update(decision_number=number_text, awarded=awarded, not_awarded=not_awarded, dossiers=len(dossiers))
            return [sequence, *dossiers, fresh]

        self._retrying(build)
        self.sync_history(actor=actor)
        return result

    def _outcome(self, d: Dossier, rules: RuleSet, reject: Mapping[str, str]) -> tuple[list[str], dict[str, list[str]]]:
        """Who of a dossier the list decision awards, and the reasons given for those it does not
        (a nominee that failed appraisal or the vote gets its reason from the dossier itself)."""
        approve: list[str] = []
        rejections: dict[str, list[str]] = {}
        for i in d.nominee_ids:
            ref = self._ref(d, i)
            appraisal = d.appraisals.get(i)
            if ref in reject:
                rejections[i] = [reject[ref]]
            elif appraisal is None:
                rejections[i] = ["Chưa được thẩm định."]
            elif appraisal.passed and (not self._needs_vote(rules, d, i) or (i in d.votes and d.votes[i].passed)):
                approve.append(i)
            elif appraisal.passed and i not in d.votes:
                rejections[i] = ["Hội đồng chưa bỏ phiếu."]
        return approve, rejections

    def _pending_dossiers(self, rnd: AwardRound, reject: Mapping[str, str]) -> list[Dossier]:
        """The round's dossiers awaiting the decision; every ref in `reject` must be one of theirs."""
        dossiers = [d for d in self._round_dossiers(rnd) if d.status is DossierStatus.IN_APPRAISAL]
        if not dossiers:
            raise DossierError("nothing_to_decide", f"{rnd.name} không còn hồ sơ nào chờ quyết định.")
        known = {self._ref(d, i) for d in dossiers for i in d.nominee_ids}
        if unknown := [r for r in reject if r not in known]:
            raise DossierValidationError({"reject": "Không có trong danh sách chờ quyết định: " + ", ".join(unknown)})
        return dossiers

    def _decision_preview(self, rnd: AwardRound, reject: Mapping[str, str]) -> dict[str, Any]:
        awarded = not_awarded = 0
        dossiers = self._pending_dossiers(rnd, reject)
        for d in dossiers:
            approve, _ = self._outcome(d, self.app.rules_of(d), reject)
            awarded += len(approve)
            not_awarded += len(d.nominee_ids) - len(approve)
        return {
            "dry_run": True,
            "awarded": awarded,
            "not_awarded": not_awarded,
            "rejected_by_decision": len(reject),
            "dossiers": len(dossiers),
        }

    def round_list(self, round_id: UUID | str) -> list[dict[str, Any]]:
        """The round's whole list, one row per nominee (see `round_page`)."""
        return self.round_page(round_id)[0]

    def round_page(
        self, round_id: UUID | str, *, unit: str | None = None, offset: int = 0, limit: int | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """Rows `offset`…`offset + limit` of the round's list (of one `unit`'s part of it) and how
        many rows there are, one row per nominee: its number in the whole list (`stt`), ref, unit,
        name, award, appraisal, vote, outcome. Each unit's count is in the round's own record, so
        only the dossiers of the units the page reaches are loaded (a round of thousands)."""
        rnd = self.round(round_id)
        wanted = str(unit).strip().upper() if unit else None
        parts = [s for s in rnd.submissions.values() if wanted is None or s.unit == wanted]
        total = sum(s.nominees for s in parts)
        end = total if limit is None else offset + limit
        rows: list[dict[str, Any]] = []
        position = seen = 0  # rows before this unit in the whole list, and in the list asked for
        for s in rnd.submissions.values():
            if wanted is not None and s.unit != wanted:
                position += s.nominees
                continue
            if seen + s.nominees > offset and seen < end:
                unit_rows = [r for d in s.dossier_ids for r in self._list_rows(self.app.get(d))]
                rows += [{**r, "stt": position + k + 1} for k, r in enumerate(unit_rows) if offset <= seen + k < end]
            position += s.nominees
            seen += s.nominees
        return rows, total

    def _list_rows(self, d: Dossier) -> list[dict[str, Any]]:
        approved = {a.nominee_id: a for a in d.decision.approvals} if d.decision else {}
        rows = []
        for n in d.nominees:
            appraisal, vote = d.appraisals.get(n.nominee_id), d.votes.get(n.nominee_id)
            rows.append(
                {
                    "ref": self._ref(d, n.nominee_id),
                    "unit": d.proposing_unit,
                    "dossier_id": str(d.id),
                    "name": n.name,
                    "position": n.position,
                    "work_unit": n.unit,
                    "award": n.award,
                    "award_label": label(n.award),
                    "appraisal_passed": appraisal.passed if appraisal else None,
                    "failures": list(appraisal.failures) if appraisal else [],
                    "votes": f"{vote.votes_for}/{vote.members_total}" if vote else None,
                    "awarded": n.nominee_id in approved,
                    "cash_reward_vnd": approved[n.nominee_id].cash_reward_vnd if n.nominee_id in approved else None,
                    "decision_number": d.decision.number if d.decision else None,
                }
            )
        return rows

    def round_annex(self, round_id: UUID | str, rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """The annex of the list decision: every nominee awarded, numbered, by unit (from `rows`, the
        round's list, when the caller has it)."""
        rows = [r for r in (rows if rows is not None else self.round_list(round_id)) if r["awarded"]]
        return [{**r, "stt": i} for i, r in enumerate(rows, start=1)]

    def round_progress(self, round_id: UUID | str, today: date) -> dict[str, Any]:
        """Each unit's progress, from the round's own record (no dossier is loaded)."""
        rnd = self.round(round_id)
        decided = {i for d in rnd.decisions for i in d["dossier_ids"]}
        units = rnd.progress(today, decided)
        counts: dict[str, int] = {}
        for u in units:
            counts[u["status"]] = counts.get(u["status"], 0) + 1
        return {**rnd.view(), "today": today.isoformat(), "by_status": counts, "progress": units}

    # --- registration --------------------------------------------------------------------

    def register_emulation(
        self,
        *,
        unit: str,
        year: int,
        targets: Mapping[str, int],
        individuals: Sequence[Mapping[str, Any]],
        registered_on: date,
        actor: Actor,
        at: datetime,
        reason: str | None = None,
    ) -> EmulationPledge:
        """A unit's registration for a year; individuals name themselves by `identity`, or by
        `id_number` / `person_id`, hashed here (the raw ID number is never stored)."""
        check_at(at)
        unit = str(unit or "").strip().upper()
        errors: dict[str, str] = {}
        if not unit:
            errors["unit"] = "Bắt buộc nhập mã đơn vị."
        people = []
        for i, p in enumerate(individuals):
            identity = p.get("identity") or identity_of(p, f"individuals[{i}]", errors)
            people.append({"identity": identity, "name": p.get("name", ""), "award": p.get("award", "")})
        if errors:
            raise DossierValidationError(errors)
        reg = self._find(EmulationPledge, EmulationPledge.create_id(unit, year)) or EmulationPledge(
            unit=unit, year=year
        )
        reg.register(
            targets=targets, individuals=people, registered_on=registered_on, actor=actor, at=at, reason=reason
        )
        self._save(reg)
        return reg

    def import_registration(
        self,
        *,
        unit: str,
        year: int,
        content: bytes,
        targets: Mapping[str, int] | None,
        registered_on: date,
        actor: Actor,
        at: datetime,
        reason: str | None = None,
    ) -> EmulationPledge:
        """A unit's registration from its XLSX list of people and titles; the unit's targets are the
        ones given, else the count of people per title. A file with any error stores nothing."""
        result = read_registration_xlsx(content)
        if result.errors or not result.rows:
            raise ImportRejected(result.errors or [RowError(0, "", "Tệp không có dòng nào.")], result.summary())
        counted: dict[str, int] = {}
        for r in result.rows:
            counted[r["award"]] = counted.get(r["award"], 0) + 1
        return self.register_emulation(
            unit=unit,
            year=year,
            targets=dict(targets) if targets else counted,
            individuals=[{"identity": r["identity"], "name": r["name"], "award": r["award"]} for r in result.rows],
            registered_on=registered_on,
            actor=actor,
            at=at,
            reason=reason,
        )

    def registrations_of_year(self, year: int) -> list[EmulationPledge]:
        topic = get_topic(EmulationPledge.Started)  # type: ignore[attr-defined]
        ids = self._ids(topic)
        found = [r for i in ids if (r := self._find(EmulationPledge, i)) is not None]
        return [r for r in found if r.year == year]

    def registration(self, unit: str, year: int) -> EmulationPledge | None:
        return self._find(EmulationPledge, EmulationPledge.create_id(unit.strip().upper(), year))

    # --- clusters ------------------------------------------------------------------------

    def form_cluster(self, *, actor: Actor, at: datetime, **fields: Any) -> EmulationCluster:
        check_at(at)
        cluster = EmulationCluster.form(actor=actor, at=at, **fields)
        if self._find(EmulationCluster, cluster.id) is not None:
            raise DossierError("cluster_exists", f"Đã có {cluster.name} năm {cluster.year}.")
        self._save(cluster)
        return cluster

    def cluster(self, code: str, year: int) -> EmulationCluster:
        found = self._find(EmulationCluster, EmulationCluster.create_id(code, year))
        if found is None:
            raise AnnualNotFound(f"Không tìm thấy cụm, khối thi đua mã «{code}» năm {year}.")
        return found

    def cluster_command(self, code: str, year: int, act: Callable[[EmulationCluster], Any]) -> EmulationCluster:
        cluster = self.cluster(code, year)
        act(cluster)
        self._save(cluster)
        return cluster

    def cluster_ids(self) -> list[UUID]:
        topic = get_topic(EmulationCluster.Formed)  # type: ignore[attr-defined]
        return self._ids(topic)

    def clusters_of_year(self, year: int) -> list[EmulationCluster]:
        found = [c for i in self.cluster_ids() if (c := self._find(EmulationCluster, i)) is not None]
        return [c for c in found if c.year == year]


def identity_of(row: Mapping[str, Any], path: str, errors: dict[str, str]) -> str:
    """A row's stable identity: given, or from its ID number (hashed), person id, or (collective)
    proposing unit and name."""
    if row.get("identity"):
        return str(row["identity"])
    id_number, person_id = str(row.get("id_number") or "").strip(), str(row.get("person_id") or "").strip()
    if id_number:
        if not valid_id_number(id_number):
            errors[f"{path}.id_number"] = "Số CCCD phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ)."
            return ""
        return person_key(id_number)
    if person_id:
        if not valid_person_id(person_id):
            errors[f"{path}.person_id"] = "Mã cá nhân phải có dạng P-…"
            return ""
        return person_id
    if row.get("kind") in ("COLLECTIVE", "HOUSEHOLD") and row.get("proposing_unit") and row.get("name"):
        return collective_key(str(row["proposing_unit"]), str(row["name"]))
    errors[f"{path}.id_number"] = "Bắt buộc nhập số CCCD, mã cá nhân (hoặc đơn vị đề nghị với tập thể)."
    return ""


def _rekeyed(field_errors: Mapping[str, str], prefix: str, names: Sequence[str]) -> dict[str, str]:
    """Field errors of the i-th item (`nominees[3].gender`) named as the user knows the item
    (`dòng 12.gender`): `names[i]`."""
    out = {}
    for key, message in field_errors.items():
        head, _, rest = key.partition("]")
        index = head[len(prefix) :]
        if head.startswith(prefix) and index.isdigit() and int(index) < len(names):
            key = f"{names[int(index)]}{rest}"
        out[key] = message
    return out


def _by_ref(field_errors: Mapping[str, str], items: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """A dossier's field errors named by the rows they came from."""
    return _rekeyed(field_errors, "nominees[", [i["ref"] for i in items])


def _by_row(field_errors: Mapping[str, str], rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """`import_past_awards`'s field errors (`rows[3].year`) named by the sheet rows they came from."""
    return _rekeyed(field_errors, "rows[", [f"rows[{r['row']}]" for r in rows])


def _outcomes(name: str, e: Any, nominee_ids: list[str]) -> tuple[dict[str, str], str | None, date | None]:
    """What one dossier event means for the award history of its nominees."""
    if name == "AwardDecided":
        approved = {a["nominee_id"] for a in e.approvals}
        outcomes = {
            i: (HistoryStatus.DECIDED if i in approved else HistoryStatus.NOT_AWARDED).value for i in nominee_ids
        }
        return outcomes, e.decision_number, e.decision_date
    if name in ("AwardRejected", "Refused"):
        return {i: HistoryStatus.NOT_AWARDED.value for i in nominee_ids}, None, e.decision_date
    if name == "AwardAnnulled":
        return {i: HistoryStatus.ANNULLED.value for i in e.nominee_ids if i in nominee_ids}, None, None
    if name == "HigherLevelResultRecorded":  # khen cao: the higher level decided (a return changes nothing:
        if e.outcome != "AWARDED":  # the dossier may be forwarded again, or withdrawn)
            return {}, None, None
        outcomes = {i: HistoryStatus.NOT_AWARDED.value for i in e.not_awarded if i in nominee_ids}
        outcomes |= {i: HistoryStatus.DECIDED.value for i in e.awarded_ids if i in nominee_ids}
        return outcomes, e.decision_number, e.decision_date
    return {i: HistoryStatus.WITHDRAWN.value for i in nominee_ids}, None, None
