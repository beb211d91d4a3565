"""The dossiers application: use cases over the event store, and the audit reads.

Commands load a dossier, call one domain method and save; a lost optimistic-concurrency race
becomes `DossierConcurrencyError` (409), an unknown id `DossierNotFound` (404). The numbered
acts (receipt, award decision, annulment decision) save the number sequence and the dossier in
ONE `save()` and retry a bounded number of times when only the sequence moved.

Listing reads the ids of all dossiers from the application's own notification log, filtered on
the `Dossier.Submitted` topic, rather than from a separate `EventSourcedLog`: the log already
holds exactly one `Submitted` per dossier in the same transaction as the dossier itself, so the
index cannot drift, costs no extra write and no extra point of contention between concurrent
submissions. The filters then run on the loaded aggregates, which is fine at a district's
volume; the reporting service owns the projections for anything heavier.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from typing import Any, ClassVar, NamedTuple, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.dossiers.annual.history import AwardYear
from services.dossiers.domain.campaign_eligibility import CampaignCheck, CampaignLookup, check_thematic_campaign
from services.dossiers.domain.commands import SubmitDossier
from services.dossiers.domain.dossier import OPEN_STATUSES, Dossier, check_at
from services.dossiers.domain.errors import (
    DossierConcurrencyError,
    DossierError,
    DossierNotFound,
    DossierValidationError,
)
from services.dossiers.domain.rules import RuleBook, RuleSet
from services.dossiers.domain.values import (
    AnnulmentGround,
    Attachment,
    AuthorityLevel,
    DecidingAuthority,
    DossierStatus,
    label,
)
from services.dossiers.numbering import (
    DecisionNumberSequence,
    NumberSequence,
    ReceiptNumberSequence,
    format_receipt_number,
    parse_decision_number,
)
from services.dossiers.representation import state_as_dict, to_json_types
from shared.actor import Actor
from shared.eventstore import TdktApplication
from shared.history import history_with_changes, version_as_of
from shared.reference.org_units import OrgUnitDirectory, UnknownUnitError, load_org_units
from shared.text import matches
from shared.topics import topics_of
from shared.workdays import WorkingCalendar, local_date

Q = TypeVar("Q", bound=NumberSequence)


class _Register(NamedTuple):
    """How a numbered act takes its number (see `Dossiers._register`)."""

    issue: Callable[[NumberSequence, Dossier], object]
    number_for: Callable[[NumberSequence], int] | None


@cache
def default_rule_book() -> RuleBook:
    return RuleBook.load()


@cache
def default_calendar() -> WorkingCalendar:
    return WorkingCalendar.from_file()


@cache
def default_units() -> OrgUnitDirectory:
    return load_org_units()


AWARDED_STATUSES = frozenset({DossierStatus.AWARDED, DossierStatus.RESULT_RETURNED, DossierStatus.ANNULLED})


def deciding_authority(units: OrgUnitDirectory, code: str) -> DecidingAuthority:
    """The unit `code` as a signer, from the org-unit data alone: its canonical code and name,
    its own award power (Law Art. 80; None when it has none), its dates, and every unit whose
    work passed to it. Raises `UnknownUnitError`."""
    unit = units.get(code)
    level = units.award_level(unit.code)
    return DecidingAuthority(
        code=unit.code,
        name=unit.name,
        level=AuthorityLevel(level.code) if level else None,
        article=level.article if level else "",
        succeeds=units.predecessors(unit.code),
        org_level=unit.authority_level,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
    )


class Dossiers(TdktApplication):
    """Use cases of the award proposal dossier (hồ sơ đề nghị khen thưởng).

    A dossier is snapshotted every 50 events (most have tens, an old contested one may have
    hundreds): its snapshots keep their enums, tuples and value objects (`Dossier.Snapshot`,
    `shared.snapshots.TypedSnapshot`), so reading one gives exactly what replaying gives. The
    receipt number sequence of an office has one event per dossier received in the year, and
    every receipt reads it: it is snapshotted, or receiving the N-th dossier of a year would
    replay N events (docs/performance.md). So is the year's award register
    (`annual.history.AwardYear`), which every receipt naming someone identifiable reads and
    writes. A decision sequence is not (its `dated` map has int keys, which JSON would turn into
    strings), and has one event per decision, far fewer.
    """

    name = "Dossiers"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {ReceiptNumberSequence: 50, AwardYear: 50, Dossier: 50}
    internal_topic_prefixes = (
        "services.dossiers.numbering:",  # the number sequences are never published
        "services.dossiers.annual.feed:",  # nor the award history's reading position
    )
    number_attempts = 10
    """How often a numbered save is retried when only the number sequence moved."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        rule_book: RuleBook | None = None,
        calendar: WorkingCalendar | None = None,
        campaign_lookup: CampaignLookup | None = None,
        receipt_office: str = "TN",
        units: OrgUnitDirectory | None = None,
        receiving_unit: str = "UBND-THANH-OAI",
        external_registers: Collection[str] = (),
    ) -> None:
        super().__init__(env)
        self.rule_book = rule_book or default_rule_book()
        self.calendar = calendar or default_calendar()
        self.campaign_lookup = campaign_lookup
        self.receipt_office = receipt_office
        self.units = units or default_units()
        self.receiving_unit = receiving_unit
        """The people's committee whose desk this is: the default deciding authority of a dossier."""
        self.council_size: Callable[[str, date | None], int | None] | None = None
        """The size of an authority's council on a day, when the council is on record (set by the
        wiring: `annual.application.AnnualWork.council_size`): a typed total must agree with it."""
        self.history_objections: Callable[[Dossier], Mapping[str, Sequence[str]]] | None = None
        """What the award history finds against a dossier's nominees (consecutive-year criteria),
        set by the service's wiring (`annual.application.AnnualWork.history_objections_for`)."""
        self._number_locks: dict[Any, threading.Lock] = {}
        self._number_locks_guard = threading.Lock()
        self.history_proposals: Callable[[Dossier, RuleSet, Actor, datetime], Sequence[Any]] | None = None
        """The award history's register with a new dossier's proposals, saved with the dossier (it
        may refuse a second proposal of a title in a year), set by the service's wiring
        (`annual.application.AnnualWork.propose_dossier`)."""
        self.external_registers = frozenset(c.strip().upper() for c in external_registers)
        """Authorities whose decision numbers come from their own document register (entered when
        a decision is issued) rather than from this system's sequence."""

    # --- plumbing ------------------------------------------------------------------------

    @staticmethod
    def _uuid(dossier_id: UUID | str) -> UUID:
        try:
            return dossier_id if isinstance(dossier_id, UUID) else UUID(str(dossier_id))
        except ValueError:
            raise DossierNotFound(dossier_id) from None

    def rules_of(self, dossier: Dossier) -> RuleSet:
        """The rule set the dossier was received under."""
        return self.rule_book.get(dossier.rule_set_id)

    def _load(self, dossier_id: UUID | str, expected_version: int | None = None) -> Dossier:
        dossier = self.get(dossier_id)
        if expected_version is not None and dossier.version != expected_version:
            raise DossierConcurrencyError()
        return dossier

    def _save(self, *aggregates: Any) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise DossierConcurrencyError() from None

    def _command(
        self, dossier_id: UUID | str, expected_version: int | None, act: Callable[[Dossier], object]
    ) -> Dossier:
        dossier = self._load(dossier_id, expected_version)
        act(dossier)
        self._save(dossier)
        return dossier

    def _sequence(self, cls: type[Q], **key: Any) -> Q:
        try:
            sequence = self.repository.get(cls.create_id(**key))
        except AggregateNotFoundError:
            return cls(**key)
        assert isinstance(sequence, cls)
        return sequence

    @contextmanager
    def _numbering(self, key: Any) -> Iterator[None]:
        """One numbered save at a time per number sequence in this process. Concurrent requests
        would all read the same next number and all but one fail to save and start again (8
        threads submitting: more than one lost save per receipt, half the rate of one thread;
        docs/performance.md); queued here, each reads the sequence as the previous left it. Other
        processes (replicas) still race, and the `IntegrityError` retry handles that."""
        with self._number_locks_guard:
            lock = self._number_locks.setdefault(key, threading.Lock())
        with lock:
            yield

    @staticmethod
    def _backoff(attempt: int) -> None:
        time.sleep(random.uniform(0, 0.002 * (attempt + 1)))

    def _numbered(
        self,
        dossier_id: UUID | str,
        expected_version: int | None,
        at: datetime,
        sequence_for: Callable[[Dossier], NumberSequence],
        act: Callable[[Dossier, int], object],
        issue: Callable[[NumberSequence, Dossier], object] | None = None,
        number_for: Callable[[NumberSequence], int] | None = None,
    ) -> Dossier:
        """Run `act` with the next number and save sequence and dossier together; `issue` takes
        the number (default `sequence.issue`), and may refuse it (a decision dated before the
        register's last one) before anything is stored; `number_for` gives a number other than
        the sequence's next (one entered from the office's own register).

        On `IntegrityError` both are read again: if the dossier moved, someone else changed it
        and that surfaces as a concurrency error; if only the sequence moved, try again.
        """
        baseline = expected_version
        for attempt in range(self.number_attempts):
            dossier = self._load(dossier_id)
            if baseline is None:
                baseline = dossier.version
            elif dossier.version != baseline:
                raise DossierConcurrencyError()
            sequence = sequence_for(dossier)
            act(dossier, number_for(sequence) if number_for else sequence.peek())
            if issue is None:
                sequence.issue(dossier.id, at)
            else:
                issue(sequence, dossier)
            try:
                self.save(sequence, dossier)
                return dossier
            except IntegrityError:
                self._backoff(attempt)
        raise DossierConcurrencyError("Đang cấp số cho nhiều văn bản cùng lúc; vui lòng thử lại.")

    # --- who decides (org-unit data, never the caller's word) ----------------------------

    def authority(self, code: str | None, field: str = "authority") -> DecidingAuthority:
        """The unit `code` as a signer (see `deciding_authority`); 422 when the code is unknown."""
        if not isinstance(code, str) or not code.strip():
            raise DossierValidationError({field: "Bắt buộc nhập mã đơn vị có thẩm quyền."})
        try:
            return deciding_authority(self.units, code)
        except UnknownUnitError as exc:
            raise DossierValidationError({field: str(exc)}) from None

    def _check_claimed_level(self, signer: DecidingAuthority, claimed: str | None) -> None:
        """A caller may still send `authority_level`: it must be what the org-unit data says."""
        if claimed is None or not claimed.strip():
            return
        value = claimed.strip().upper()
        if signer.level is None or value != signer.level.value:
            held = (
                f"cấp {signer.level.value} ({label(signer.level)})"
                if signer.level
                else "không có thẩm quyền khen thưởng"
            )
            raise DossierValidationError(
                {
                    "authority_level": f"Cấp thẩm quyền lấy theo danh mục đơn vị, không theo khai báo: {signer.name} "
                    f"là {held}; không nhận giá trị «{value}»."
                }
            )

    def _receiving_authority(self, received_on: date, proposing_unit: str, explicit: str | None) -> str | None:
        """The authority a new dossier is addressed to: the one named, else this desk's people's
        committee, or (once it has ended) the successor the proposing unit belongs to."""
        if explicit and explicit.strip():
            signer = self.authority(explicit, "deciding_authority")
            problem = None
            if not signer.is_active_on(received_on):
                problem = f"{signer.name} không hoạt động vào ngày tiếp nhận {received_on:%d/%m/%Y}."
            elif signer.level is None:
                problem = (
                    f"{signer.name} không có thẩm quyền quyết định khen thưởng (Điều 80 Luật Thi đua, khen thưởng "
                    "2022); hồ sơ gửi người có thẩm quyền."
                )
            if problem:
                raise DossierValidationError({"deciding_authority": problem})
            return signer.code
        if self.receiving_unit not in self.units:
            return None
        unit = self.units.successor_for(self.receiving_unit, received_on, via=proposing_unit)
        if unit is None:
            names = ", ".join(u.code for u in self.units.successors_on(self.receiving_unit, received_on))
            raise DossierValidationError(
                {
                    "deciding_authority": "Phải nêu cơ quan có thẩm quyền giải quyết hồ sơ"
                    + (f" (một trong: {names})." if names else ".")
                }
            )
        return unit.code

    def _ended_on(self, code: str) -> date | None:
        return self.units.get(code).valid_to if code in self.units else None

    def _hand_over_if_ended(self, dossier: Dossier, signer: DecidingAuthority, actor: Actor, at: datetime) -> None:
        """Before a successor signs for a dossier pending at a unit that has ended, record that the
        dossier passed to it (the event says so)."""
        current = dossier.deciding_authority
        if current is None or current == signer.code or current not in signer.succeeds:
            return
        ended_on = self._ended_on(current)
        if ended_on is not None and local_date(at) > ended_on:
            self._check_is_the_successor(dossier, signer, local_date(at))
            dossier.pass_to_successor(successor=signer, ended_on=ended_on, actor=actor, at=at)

    def _check_is_the_successor(self, dossier: Dossier, candidate: DecidingAuthority, day: date) -> None:
        """Where the org-unit data names one successor for this dossier (the one covering its
        proposing unit), no other may take it; where it names several, any of them may."""
        current = dossier.deciding_authority
        assert current is not None
        expected = self.units.successor_for(current, day, via=dossier.proposing_unit)
        if expected is not None and expected.code != candidate.code:
            raise DossierError(
                "not_deciding_authority",
                f"Hồ sơ của đơn vị mã «{dossier.proposing_unit}» chuyển cho {expected.name} (đơn vị kế thừa theo "
                f"danh mục), không phải {candidate.name}.",
            )

    def _earlier_awards(self, dossier: Dossier, rules: RuleSet) -> dict[str, int]:
        """Holders of each quota-counted award that the proposing unit already has in the year:
        approvals of its other decisions, not annulled, in the same emulation year."""
        counted = {a for award in rules.awards.values() if award.quota for a in award.quota.of_awards}
        if not counted:
            return {}
        year = dossier.emulation_year
        counts: dict[str, int] = {}
        for other in self.list_dossiers(proposing_unit=dossier.proposing_unit):
            if other.id == dossier.id or other.status not in AWARDED_STATUSES or other.decision is None:
                continue
            other_year = other.emulation_year or other.decision.decision_date.year
            if year is not None and other_year != year:
                continue
            for approval in other.decision.approvals:
                if approval.award in counted and approval.nominee_id not in other.annulled_ids:
                    counts[approval.award] = counts.get(approval.award, 0) + 1
        return counts

    def _launching_level(self, dossier: Dossier, rules: RuleSet) -> str | None:
        if not rules.dossier_kinds[dossier.kind].requires_campaign or dossier.campaign_id is None:
            return None
        view = self.campaign_lookup(dossier.campaign_id) if self.campaign_lookup else None
        return view.launching_level if view else None

    def _campaign_check(self, dossier: Dossier, rules: RuleSet) -> CampaignCheck | None:
        if not rules.dossier_kinds[dossier.kind].requires_campaign or dossier.campaign_id is None:
            return None
        view = self.campaign_lookup(dossier.campaign_id) if self.campaign_lookup else None
        return check_thematic_campaign(dossier.campaign_id, view)

    # --- receipt and completeness --------------------------------------------------------

    def submit(self, command: SubmitDossier, *, actor: Actor, at: datetime, dossier_id: UUID | None = None) -> Dossier:
        """Receive a dossier under the rule set in force on its receipt date, with a receipt
        number from this office's yearly sequence, the authority it is addressed to (named, or
        this desk's people's committee as the org-unit data has it on that day) and, when it is
        complete, an appointment date. Its nominees with a stable identity enter the award history
        in the same transaction (`history_proposals`)."""
        check_at(at)
        received_on = local_date(at)
        try:
            rules = self.rule_book.for_date(received_on)
        except LookupError:
            raise DossierValidationError({"at": "Không có bộ quy tắc áp dụng cho ngày tiếp nhận này."}) from None
        authority = self._receiving_authority(received_on, command.proposing_unit, command.deciding_authority)
        addressed = replace(command, deciding_authority=authority)
        new_id = dossier_id or uuid4()
        year = received_on.year
        with self._numbering((ReceiptNumberSequence, self.receipt_office, year)):
            for attempt in range(self.number_attempts):
                sequence = self._sequence(ReceiptNumberSequence, office=self.receipt_office, year=year)
                dossier = Dossier.submit(
                    rules=rules,
                    calendar=self.calendar,
                    receipt_number=format_receipt_number(sequence.peek(), year, self.receipt_office),
                    command=addressed,
                    actor=actor,
                    at=at,
                    dossier_id=new_id,
                )
                sequence.issue(dossier.id, at)
                history = self.history_proposals(dossier, rules, actor, at) if self.history_proposals else ()
                try:
                    self.save(sequence, dossier, *history)
                    return dossier
                except IntegrityError:
                    if self._exists(new_id):
                        raise DossierConcurrencyError("Hồ sơ có mã định danh này đã được tiếp nhận.") from None
                    self._backoff(attempt)
        raise DossierConcurrencyError("Đang cấp số tiếp nhận cho nhiều hồ sơ cùng lúc; vui lòng thử lại.")

    def _exists(self, dossier_id: UUID) -> bool:
        return next(iter(self.events.get(dossier_id, limit=1)), None) is not None

    def check_completeness(
        self, dossier_id: UUID | str, *, actor: Actor, at: datetime, expected_version: int | None = None
    ) -> Dossier:
        """Let the rules decide: refuse (ineligible campaign), request a supplement, await the
        campaign, or accept (see `Dossier.check_completeness`)."""

        def act(d: Dossier) -> None:
            rules = self.rules_of(d)
            d.check_completeness(rules=rules, campaign=self._campaign_check(d, rules), actor=actor, at=at)

        return self._command(dossier_id, expected_version, act)

    def request_supplement(
        self,
        dossier_id: UUID | str,
        *,
        missing: Sequence[str],
        actor: Actor,
        at: datetime,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.request_supplement(missing=missing, actor=actor, at=at, reason=reason),
        )

    def supplement(
        self,
        dossier_id: UUID | str,
        *,
        attachments: Sequence[Attachment],
        actor: Actor,
        at: datetime,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.supplement(
                rules=self.rules_of(d), calendar=self.calendar, attachments=attachments, actor=actor, at=at, note=note
            ),
        )

    def accept_as_complete(
        self, dossier_id: UUID | str, *, actor: Actor, at: datetime, expected_version: int | None = None
    ) -> Dossier:
        def act(d: Dossier) -> None:
            rules = self.rules_of(d)
            d.accept_as_complete(rules=rules, campaign=self._campaign_check(d, rules), actor=actor, at=at)

        return self._command(dossier_id, expected_version, act)

    def refuse(
        self,
        dossier_id: UUID | str,
        *,
        reasons: Sequence[str],
        actor: Actor,
        at: datetime,
        expected_version: int | None = None,
    ) -> Dossier:
        return self._command(dossier_id, expected_version, lambda d: d.refuse(reasons=reasons, actor=actor, at=at))

    # --- appraisal -----------------------------------------------------------------------

    def record_concurrence(
        self,
        dossier_id: UUID | str,
        *,
        department: str,
        agrees: bool,
        opinion: str,
        actor: Actor,
        at: datetime,
        nominee_ids: Sequence[str] = (),
        document_ref: str = "",
        expected_version: int | None = None,
    ) -> Dossier:
        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.record_concurrence(
                department=department,
                agrees=agrees,
                opinion=opinion,
                actor=actor,
                at=at,
                nominee_ids=nominee_ids,
                document_ref=document_ref,
            ),
        )

    def disclose_publicly(
        self,
        dossier_id: UUID | str,
        *,
        where: str,
        from_date: date,
        to_date: date,
        actor: Actor,
        at: datetime,
        nominee_ids: Sequence[str] = (),
        expected_version: int | None = None,
    ) -> Dossier:
        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.disclose_publicly(
                where=where, from_date=from_date, to_date=to_date, actor=actor, at=at, nominee_ids=nominee_ids
            ),
        )

    def appraise(
        self,
        dossier_id: UUID | str,
        *,
        actor: Actor,
        at: datetime,
        nominee_ids: Sequence[str] | None = None,
        objections: Mapping[str, Sequence[str]] | None = None,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.appraise(
                rules=self.rules_of(d),
                actor=actor,
                at=at,
                nominee_ids=nominee_ids,
                objections=self._with_history(d, objections),
                reason=reason,
            ),
        )

    def _with_history(
        self, dossier: Dossier, objections: Mapping[str, Sequence[str]] | None
    ) -> Mapping[str, Sequence[str]] | None:
        found = self.history_objections(dossier) if self.history_objections else {}
        if not found:
            return objections
        merged = {k: list(v) for k, v in (objections or {}).items()}
        for nominee_id, why in found.items():
            merged.setdefault(nominee_id, []).extend(why)
        return merged

    def record_council_vote(
        self,
        dossier_id: UUID | str,
        *,
        nominee_id: str,
        members_total: int,
        votes_for: int,
        votes_against: int,
        absent_in_writing: int,
        actor: Actor,
        at: datetime,
        meeting_date: date | None = None,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        def typed_total(d: Dossier) -> int:
            """Where the authority's council is on record, the total is its size on the meeting day."""
            size = self.council_size(d.deciding_authority or "", meeting_date) if self.council_size else None
            if size is not None and members_total != size:
                raise DossierValidationError(
                    {
                        "members_total": f"Hội đồng có {size} thành viên vào ngày họp {meeting_date:%d/%m/%Y} theo "
                        "danh sách Hội đồng; ghi phiếu theo thành viên (POST /dossiers/{id}/council-ballots)."
                    }
                )
            return members_total

        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.record_council_vote(
                rules=self.rules_of(d),
                nominee_id=nominee_id,
                members_total=typed_total(d),
                votes_for=votes_for,
                votes_against=votes_against,
                absent_in_writing=absent_in_writing,
                actor=actor,
                at=at,
                meeting_date=meeting_date,
                reason=reason,
            ),
        )

    def record_council_check(
        self,
        dossier_id: UUID | str,
        *,
        confirmed: Sequence[str],
        meeting_date: date,
        minutes_ref: str,
        actor: Actor,
        at: datetime,
        nominee_ids: Sequence[str] | None = None,
        not_confirmed: Sequence[str] = (),
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        """Record the council's finding on the standards only it can judge (all nominees by
        default)."""

        def act(d: Dossier) -> None:
            d.record_council_check(
                rules=self.rules_of(d),
                nominee_ids=list(nominee_ids) if nominee_ids else list(d.nominee_ids),
                confirmed=confirmed,
                not_confirmed=not_confirmed,
                meeting_date=meeting_date,
                minutes_ref=minutes_ref,
                actor=actor,
                at=at,
                reason=reason,
            )

        return self._command(dossier_id, expected_version, act)

    # --- decision ------------------------------------------------------------------------

    def _signer(self, dossier: Dossier, authority: str | None, authority_level: str | None) -> DecidingAuthority:
        """The signer of a decision on `dossier`: the unit named, else the one the dossier is
        pending at; its level comes from the org-unit data, and a level the caller claims must
        agree with it."""
        code = authority if isinstance(authority, str) and authority.strip() else dossier.deciding_authority
        signer = self.authority(code)
        self._check_claimed_level(signer, authority_level)
        return signer

    def _powers(self, day: date, field: str = "decision_date") -> RuleSet:
        """The rule set in force on the decision date: who may sign what."""
        try:
            return self.rule_book.for_date(day)
        except LookupError:
            raise DossierValidationError({field: "Không có quy định về thẩm quyền cho ngày này."}) from None

    def decide_award(
        self,
        dossier_id: UUID | str,
        *,
        approve: Sequence[str],
        actor: Actor,
        at: datetime,
        authority: str | None = None,
        authority_level: str | None = None,
        reject: Mapping[str, Sequence[str]] | None = None,
        decision_date: date | None = None,
        reason: str | None = None,
        expected_version: int | None = None,
        decision_number: str | None = None,
    ) -> Dossier:
        """Award the approved nominees under the next number of the signer's register, or under
        `decision_number` where the signer keeps its own register (`external_registers`).

        The signer is the authority the dossier is pending at unless another is named; who it is,
        its level, and whether it exists on the decision date come from the org-unit data. A
        successor signing for a unit that has ended first takes the dossier over (event
        `PassedToSuccessor`). The cash reward uses the base salary in force on the decision date.
        """
        check_at(at)
        day = decision_date or local_date(at)
        try:
            base_salary = self.rule_book.base_salary_on(day)
        except LookupError:
            raise DossierValidationError({"decision_date": "Không có mức lương cơ sở cho ngày này."}) from None
        powers = self._powers(day)
        signers: dict[str, DecidingAuthority] = {}

        def signer_of(d: Dossier) -> DecidingAuthority:
            if "s" not in signers:
                signers["s"] = self._signer(d, authority, authority_level)
            return signers["s"]

        def act(d: Dossier, number: int) -> None:
            rules = self.rules_of(d)
            signer = signer_of(d)
            self._hand_over_if_ended(d, signer, actor, at)
            d.decide_award(
                rules=rules,
                powers=powers,
                authority=signer,
                base_salary_vnd=base_salary,
                number=number,
                approve=approve,
                actor=actor,
                at=at,
                reject=reject,
                decision_date=day,
                reason=reason,
                earlier_awards=self._earlier_awards(d, rules),
                campaign_launching_level=self._launching_level(d, rules),
            )

        register = self._register(decision_number, powers, signer_of, dossier_id, at, day)
        return self._numbered(
            dossier_id,
            expected_version,
            at,
            lambda d: self._sequence(DecisionNumberSequence, authority=signer_of(d).code, year=day.year),
            act,
            register.issue,
            register.number_for,
        )

    def _register(
        self,
        entered: str | None,
        powers: RuleSet,
        signer_of: Callable[[Dossier], DecidingAuthority],
        dossier_id: UUID | str,
        at: datetime,
        day: date,
    ) -> _Register:
        """How a numbered decision takes its number: from this system's register, or, for an
        authority that keeps its own (`external_registers`), the number the office entered,
        checked for uniqueness and date order against the numbers this register knows."""
        signer = signer_of(self._load(dossier_id))
        given = entered.strip() if isinstance(entered, str) and entered.strip() else None
        if signer.code not in self.external_registers:
            if given:
                raise DossierValidationError(
                    {
                        "decision_number": f"Sổ quyết định của {signer.name} do hệ thống cấp số; "
                        "không nhập số từ bên ngoài."
                    }
                )
            return _Register(lambda seq, d: seq.issue_decision(d.id, at, day), None)  # type: ignore[attr-defined]
        if not given:
            raise DossierValidationError(
                {
                    "decision_number": f"{signer.name} cấp số quyết định theo sổ văn bản của văn thư: "
                    "nhập số quyết định khi ban hành."
                }
            )
        suffix = powers.authority_levels[signer.level].number_suffix if signer.level in powers.authority_levels else ""
        number = parse_decision_number(given, suffix or "QĐ")
        return _Register(
            lambda seq, d: seq.record_external(number, d.id, at, day),  # type: ignore[attr-defined]
            lambda seq: number,
        )

    def reject_award(
        self,
        dossier_id: UUID | str,
        *,
        reasons: Sequence[str],
        actor: Actor,
        at: datetime,
        authority: str | None = None,
        authority_level: str | None = None,
        decision_date: date | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        """Award no one: a written notice by the authority the dossier is pending at, not a
        numbered decision."""
        check_at(at)
        day = decision_date or local_date(at)
        powers = self._powers(day)

        def act(d: Dossier) -> None:
            signer = self._signer(d, authority, authority_level)
            self._hand_over_if_ended(d, signer, actor, at)
            d.reject_award(
                rules=self.rules_of(d),
                powers=powers,
                authority=signer,
                reasons=reasons,
                actor=actor,
                at=at,
                decision_date=day,
            )

        return self._command(dossier_id, expected_version, act)

    # --- succession ----------------------------------------------------------------------

    def _successor_for(self, dossier: Dossier, day: date, named: str | None) -> DecidingAuthority:
        current = dossier.deciding_authority
        if current is None or current not in self.units:
            raise DossierError("no_deciding_authority", "Hồ sơ không ghi cơ quan có thẩm quyền trong danh mục đơn vị.")
        unit = self.units.get(current)
        if unit.is_active_on(day):
            raise DossierError(
                "authority_still_in_office", f"{unit.name} còn hoạt động ngày {day:%d/%m/%Y}; không chuyển hồ sơ."
            )
        if named and named.strip():
            chosen = self.authority(named, "successor")
            self._check_is_the_successor(dossier, chosen, day)
            return chosen
        found = self.units.successor_for(current, day, via=dossier.proposing_unit)
        if found is None:
            options = ", ".join(f"{u.code} ({u.display_name})" for u in self.units.successors_on(current, day))
            raise DossierValidationError(
                {
                    "successor": f"{unit.name} có nhiều đơn vị kế thừa; phải chọn một"
                    + (f": {options}." if options else " (danh mục không ghi đơn vị kế thừa).")
                }
            )
        return self.authority(found.code, "successor")

    def pass_to_successor(
        self,
        dossier_id: UUID | str,
        *,
        actor: Actor,
        at: datetime,
        successor: str | None = None,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        """Pass a dossier pending at a unit that has ended to the unit that took over its work
        (named, or the one the org-unit data gives for the proposing unit)."""
        check_at(at)

        def act(d: Dossier) -> None:
            current = d.deciding_authority
            target = self._successor_for(d, local_date(at), successor)
            ended = self._ended_on(current) if current else None
            assert ended is not None
            d.pass_to_successor(successor=target, ended_on=ended, actor=actor, at=at, reason=reason)

        return self._command(dossier_id, expected_version, act)

    def pass_pending_to_successors(self, *, actor: Actor, at: datetime) -> list[dict[str, Any]]:
        """Every open dossier pending at a unit that has ended passes to its successor; where the
        successor is ambiguous, the dossier is listed for a clerk to choose."""
        check_at(at)
        today = local_date(at)
        results: list[dict[str, Any]] = []
        for dossier_id in self.dossier_ids():
            d = self.get(dossier_id)
            current = d.deciding_authority
            if d.status not in OPEN_STATUSES or current is None or current not in self.units:
                continue
            if self.units.get(current).is_active_on(today):
                continue
            try:
                done = self.pass_to_successor(d.id, actor=actor, at=at, expected_version=d.version)
                results.append({"id": str(d.id), "from": current, "to": done.deciding_authority, "problem": None})
            except (DossierError, DossierValidationError) as exc:
                results.append({"id": str(d.id), "from": current, "to": None, "problem": str(exc)})
        return results

    def return_result(
        self,
        dossier_id: UUID | str,
        *,
        actor: Actor,
        at: datetime,
        returned_to: str = "",
        note: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.return_result(actor=actor, at=at, returned_to=returned_to, note=note),
        )

    def extend_deadline(
        self,
        dossier_id: UUID | str,
        *,
        new_date: date,
        actor: Actor,
        at: datetime,
        reason: str,
        expected_version: int | None = None,
    ) -> Dossier:
        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.extend_deadline(calendar=self.calendar, new_date=new_date, actor=actor, at=at, reason=reason),
        )

    def withdraw(
        self, dossier_id: UUID | str, *, actor: Actor, at: datetime, reason: str, expected_version: int | None = None
    ) -> Dossier:
        return self._command(dossier_id, expected_version, lambda d: d.withdraw(actor=actor, at=at, reason=reason))

    def annul_award(
        self,
        dossier_id: UUID | str,
        *,
        ground: AnnulmentGround,
        act_reference: str,
        actor: Actor,
        at: datetime,
        reason: str,
        authority: str | None = None,
        nominee_ids: Sequence[str] | None = None,
        expected_version: int | None = None,
        decision_number: str | None = None,
    ) -> Dossier:
        """Annul (Law Art. 93) by a decision numbered from the annulling authority's register:
        the authority that decided, or the unit that took over its work once it ended (the
        number entered from its own register where it keeps one, see `decide_award`)."""
        check_at(at)
        today = local_date(at)
        powers = self._powers(today, "at")
        signers: dict[str, DecidingAuthority] = {}

        def signer_of(d: Dossier) -> DecidingAuthority:
            if "s" in signers:
                return signers["s"]
            code = authority
            decided_by = d.decision.authority if d.decision else None
            if not (isinstance(code, str) and code.strip()) and decided_by in self.units:
                found = self.units.successor_for(decided_by, today, via=d.proposing_unit)
                code = found.code if found else None
            signers["s"] = self.authority(code)
            return signers["s"]

        return self._numbered(
            dossier_id,
            expected_version,
            at,
            lambda d: self._sequence(DecisionNumberSequence, authority=signer_of(d).code, year=today.year),
            lambda d, number: d.annul_award(
                rules=self.rules_of(d),
                powers=powers,
                number=number,
                ground=ground,
                act_reference=act_reference,
                authority=signer_of(d),
                actor=actor,
                at=at,
                reason=reason,
                nominee_ids=nominee_ids,
            ),
            *self._register(decision_number, powers, signer_of, dossier_id, at, today),
        )

    def record_recovery(
        self,
        dossier_id: UUID | str,
        *,
        nominee_ids: Sequence[str],
        artefacts_returned: Sequence[str],
        amount_recovered_vnd: int,
        actor: Actor,
        at: datetime,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.record_recovery(
                nominee_ids=nominee_ids,
                artefacts_returned=artefacts_returned,
                amount_recovered_vnd=amount_recovered_vnd,
                actor=actor,
                at=at,
                note=note,
            ),
        )

    # --- audit reads ---------------------------------------------------------------------

    def get(self, dossier_id: UUID | str, version: int | None = None) -> Dossier:
        """The dossier now, or as it was at `version`."""
        try:
            dossier = self.repository.get(self._uuid(dossier_id), version=version)
        except AggregateNotFoundError:
            raise DossierNotFound(dossier_id) from None
        if not isinstance(dossier, Dossier):
            raise DossierNotFound(dossier_id)
        return dossier

    def get_as_of(self, dossier_id: UUID | str, at: datetime) -> Dossier:
        """The dossier as the record stood at `at` (`shared.history.version_as_of`)."""
        check_at(at)
        version = version_as_of(self, self._uuid(dossier_id), at)
        if version is None:
            raise DossierNotFound(dossier_id)
        return self.get(dossier_id, version=version)

    def history(self, dossier_id: UUID | str) -> list[dict[str, Any]]:
        """Every stored event in order, in the shared audit format (type, version, when recorded,
        actor, reason, data, the fields it changed), plus the declared `at`. A refusal's reasons
        are its reason."""

        def view(dossier: Any) -> dict[str, Any]:
            if not isinstance(dossier, Dossier):
                raise DossierNotFound(dossier_id)
            return state_as_dict(dossier)

        def annotate(entry: dict[str, Any], e: Any) -> None:
            entry["at"] = to_json_types(getattr(e, "at", None))
            entry["reason"] = entry["reason"] or "; ".join(getattr(e, "reasons", ())) or None

        entries = history_with_changes(self, self._uuid(dossier_id), view, annotate)
        if not entries:
            raise DossierNotFound(dossier_id)
        return entries

    def dossier_ids(self) -> Iterator[UUID]:
        """Every dossier id in submission order, from the notification log (see module docstring)."""
        topics = topics_of(Dossier.Submitted)
        start, page = 1, 500
        while True:
            batch = self.recorder.select_notifications(start=start, limit=page, topics=topics)
            for notification in batch:
                yield notification.originator_id
            if len(batch) < page:
                return
            start = batch[-1].id + 1

    def list_dossiers(
        self,
        *,
        proposing_unit: str | None = None,
        status: str | None = None,
        award_type: str | None = None,
        kind: str | None = None,
        campaign_id: str | None = None,
        year: int | None = None,
        overdue_on: date | None = None,
        nominee_name: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Dossier]:
        """Dossiers matching every given filter, in submission order.

        `year` is the receipt year; `overdue_on` keeps those past their appointment date on that
        day with the clock running; `nominee_name` matches one nominee's name word by word, with
        or without Vietnamese diacritics (`shared.text.matches`).
        """
        found: list[Dossier] = []
        for dossier_id in self.dossier_ids():
            d = self.get(dossier_id)
            if (
                (proposing_unit is None or d.proposing_unit == proposing_unit)
                and (status is None or d.status == status)
                and (award_type is None or d.award_type == award_type)
                and (kind is None or d.kind == kind)
                and (campaign_id is None or d.campaign_id == campaign_id)
                and (year is None or d.received_on.year == year)
                and (overdue_on is None or d.is_overdue(overdue_on))
                and (not nominee_name or any(matches(nominee_name, n.name) for n in d.nominees))
            ):
                found.append(d)
        return found[offset : None if limit is None else offset + limit]
