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
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from services.dossiers.campaign_view import CampaignCheck, CampaignLookup, check_thematic_campaign
from services.dossiers.domain import Dossier, check_at, state_as_dict, to_json_types
from services.dossiers.errors import DossierConcurrencyError, DossierNotFound, DossierValidationError
from services.dossiers.model import (
    AnnulmentGround,
    Attachment,
    AuthorityLevel,
    AwardType,
    Channel,
    DossierKind,
    Nominee,
)
from services.dossiers.numbering import (
    DecisionNumberSequence,
    NumberSequence,
    ReceiptNumberSequence,
    format_receipt_number,
)
from services.dossiers.rules import RuleBook, RuleSet
from shared.actor import Actor
from shared.eventstore import TdktApplication
from shared.history import event_history
from shared.text import matches
from shared.workdays import WorkingCalendar, local_date

Q = TypeVar("Q", bound=NumberSequence)


@cache
def default_rule_book() -> RuleBook:
    return RuleBook.load()


@cache
def default_calendar() -> WorkingCalendar:
    return WorkingCalendar.from_file()


class Dossiers(TdktApplication):
    """Use cases of the award proposal dossier (hồ sơ đề nghị khen thưởng).

    No snapshotting: a dossier has tens of events, and its state holds value objects the
    transcoder does not know (register transcodings first if that ever changes).
    """

    name = "Dossiers"
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
    ) -> None:
        super().__init__(env)
        self.rule_book = rule_book or default_rule_book()
        self.calendar = calendar or default_calendar()
        self.campaign_lookup = campaign_lookup
        self.receipt_office = receipt_office

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
    ) -> Dossier:
        """Run `act` with the next number and save sequence and dossier together.

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
            act(dossier, sequence.peek())
            sequence.issue(dossier.id, at)
            try:
                self.save(sequence, dossier)
                return dossier
            except IntegrityError:
                self._backoff(attempt)
        raise DossierConcurrencyError("Đang cấp số cho nhiều văn bản cùng lúc; vui lòng thử lại.")

    def _campaign_check(self, dossier: Dossier, rules: RuleSet) -> CampaignCheck | None:
        if not rules.dossier_kinds[dossier.kind].requires_campaign or dossier.campaign_id is None:
            return None
        view = self.campaign_lookup(dossier.campaign_id) if self.campaign_lookup else None
        return check_thematic_campaign(dossier.campaign_id, view)

    # --- receipt and completeness --------------------------------------------------------

    def submit(
        self,
        *,
        channel: Channel | str,
        proposing_unit: str,
        award_type: AwardType | str,
        kind: DossierKind | str,
        nominees: Sequence[Nominee | Mapping[str, Any]],
        attachments: Sequence[Attachment | Mapping[str, Any]],
        achievements: str,
        actor: Actor,
        at: datetime,
        campaign_id: str | None = None,
        feat_date: date | None = None,
        postmark_date: date | None = None,
        emulation_year: int | None = None,
        dossier_id: UUID | None = None,
    ) -> Dossier:
        """Receive a dossier under the rule set in force on its receipt date, with a receipt
        number from this office's yearly sequence and an appointment date."""
        check_at(at)
        received_on = local_date(at)
        try:
            rules = self.rule_book.for_date(received_on)
        except LookupError:
            raise DossierValidationError({"at": "Không có bộ quy tắc áp dụng cho ngày tiếp nhận này."}) from None
        new_id = dossier_id or uuid4()
        year = received_on.year
        for attempt in range(self.number_attempts):
            sequence = self._sequence(ReceiptNumberSequence, office=self.receipt_office, year=year)
            dossier = Dossier.submit(
                rules=rules,
                calendar=self.calendar,
                receipt_number=format_receipt_number(sequence.peek(), year, self.receipt_office),
                channel=channel,
                proposing_unit=proposing_unit,
                award_type=award_type,
                kind=kind,
                nominees=nominees,
                attachments=attachments,
                achievements=achievements,
                actor=actor,
                at=at,
                campaign_id=campaign_id,
                feat_date=feat_date,
                postmark_date=postmark_date,
                emulation_year=emulation_year,
                dossier_id=new_id,
            )
            sequence.issue(dossier.id, at)
            try:
                self.save(sequence, dossier)
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
        attachments: Sequence[Attachment | Mapping[str, Any]],
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
                objections=objections,
                reason=reason,
            ),
        )

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
        expected_version: int | None = None,
    ) -> Dossier:
        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.record_council_vote(
                rules=self.rules_of(d),
                nominee_id=nominee_id,
                members_total=members_total,
                votes_for=votes_for,
                votes_against=votes_against,
                absent_in_writing=absent_in_writing,
                actor=actor,
                at=at,
                meeting_date=meeting_date,
            ),
        )

    # --- decision ------------------------------------------------------------------------

    def decide_award(
        self,
        dossier_id: UUID | str,
        *,
        approve: Sequence[str],
        authority: str,
        authority_level: AuthorityLevel | str,
        actor: Actor,
        at: datetime,
        reject: Mapping[str, Sequence[str] | str] | None = None,
        decision_date: date | None = None,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        """Award the approved nominees under the next number of the authority's yearly sequence;
        the cash reward uses the base salary in force on the decision date."""
        check_at(at)
        if isinstance(decision_date, str):
            try:
                decision_date = date.fromisoformat(decision_date)
            except ValueError:
                raise DossierValidationError({"decision_date": "Ngày không hợp lệ (định dạng YYYY-MM-DD)."}) from None
        day = decision_date or local_date(at)
        try:
            base_salary = self.rule_book.base_salary_on(day)
        except LookupError:
            raise DossierValidationError({"decision_date": "Không có mức lương cơ sở cho ngày này."}) from None
        return self._numbered(
            dossier_id,
            expected_version,
            at,
            lambda d: self._sequence(DecisionNumberSequence, authority=str(authority).strip(), year=day.year),
            lambda d, number: d.decide_award(
                rules=self.rules_of(d),
                base_salary_vnd=base_salary,
                number=number,
                approve=approve,
                authority=authority,
                authority_level=authority_level,
                actor=actor,
                at=at,
                reject=reject,
                decision_date=decision_date,
                reason=reason,
            ),
        )

    def reject_award(
        self,
        dossier_id: UUID | str,
        *,
        reasons: Sequence[str],
        authority: str,
        authority_level: AuthorityLevel | str,
        actor: Actor,
        at: datetime,
        decision_date: date | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        """Award no one: a written notice, not a numbered decision."""
        return self._command(
            dossier_id,
            expected_version,
            lambda d: d.reject_award(
                rules=self.rules_of(d),
                reasons=reasons,
                authority=authority,
                authority_level=authority_level,
                actor=actor,
                at=at,
                decision_date=decision_date,
            ),
        )

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
        ground: AnnulmentGround | str,
        act_reference: str,
        authority: str,
        actor: Actor,
        at: datetime,
        reason: str,
        nominee_ids: Sequence[str] | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        """Annul (Law Art. 93) by a decision numbered from the deciding authority's sequence."""
        check_at(at)
        year = local_date(at).year
        return self._numbered(
            dossier_id,
            expected_version,
            at,
            lambda d: self._sequence(
                DecisionNumberSequence, authority=d.decision.authority if d.decision else "", year=year
            ),
            lambda d, number: d.annul_award(
                rules=self.rules_of(d),
                number=number,
                ground=ground,
                act_reference=act_reference,
                authority=authority,
                actor=actor,
                at=at,
                reason=reason,
                nominee_ids=nominee_ids,
            ),
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
        """The dossier as the record stood at `at`: the last event RECORDED at or before it.

        It uses the store's recording timestamps, not the events' declared `at`, because `at`
        may be back-dated (a posted dossier entered on arrival) and need not grow with the
        version, whereas the recording time does.
        """
        check_at(at)
        version = None
        for e in self.events.get(self._uuid(dossier_id)):
            if e.timestamp > at:
                break
            version = e.originator_version
        if version is None:
            raise DossierNotFound(dossier_id)
        return self.get(dossier_id, version=version)

    def history(self, dossier_id: UUID | str) -> list[dict[str, Any]]:
        """Every stored event in order, in the shared audit format (type, version, when recorded,
        actor, reason, data), plus the declared `at` and the dossier fields each event changed
        (before and after). A refusal's reasons are its reason."""
        uid = self._uuid(dossier_id)
        entries = event_history(self, uid)
        dossier: Any = None
        before: dict[str, Any] = {}
        for entry, e in zip(entries, self.events.get(uid), strict=True):
            dossier = e.mutate(dossier)
            if not isinstance(dossier, Dossier):
                raise DossierNotFound(dossier_id)
            after = state_as_dict(dossier)
            entry["at"] = to_json_types(getattr(e, "at", None))
            entry["reason"] = entry["reason"] or "; ".join(getattr(e, "reasons", ())) or None
            entry["changes"] = {
                k: {"before": before.get(k), "after": v}
                for k, v in after.items()
                if before.get(k) != v and k not in ("version", "modified_on")
            }
            before = after
        if not entries:
            raise DossierNotFound(dossier_id)
        return entries

    def dossier_ids(self) -> Iterator[UUID]:
        """Every dossier id in submission order, from the notification log (see module docstring)."""
        topic = get_topic(Dossier.Submitted)
        start, page = 1, 500
        while True:
            batch = self.recorder.select_notifications(start=start, limit=page, topics=[topic])
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
