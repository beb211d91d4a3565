"""Use cases of the campaigns service over the event store: the commands, and the reads of one
campaign (now, at a version, as of a moment, its history).

Listing and searching live in `queries.py`, over the events folded in log order
(`self.queries`); the JSON view in `representation.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Unpack
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.campaigns.domain.campaign import (
    DEFAULT_REVIEW_DUE_DAYS,
    Campaign,
    CampaignContent,
    CampaignDraft,
    DocumentReference,
    ReviewReport,
    campaign_id_for,
    default_calendar,
    is_review_overdue,
    review_due_date,
)
from services.campaigns.domain.errors import CampaignError, CampaignNotFound, CampaignValidationError
from services.campaigns.queries import CampaignQueries
from services.campaigns.representation import state_as_dict
from shared.actor import SYSTEM_ACTOR, Actor
from shared.eventstore import TdktApplication
from shared.history import history_with_changes, version_as_of
from shared.reference.org_units import OrgUnitDirectory, load_org_units
from shared.workdays import WorkingCalendar, local_date

STALE = "Phong trào vừa được người khác cập nhật; hãy tải lại và thử lại."


def utc_now() -> datetime:
    return datetime.now(UTC)


class Campaigns(TdktApplication):
    """The campaigns application. `units` (org-unit directory), `review_due_days` (working days),
    the working-day `calendar` and the `clock` are injected.

    Every command records when it happened (`at`, on each event): the caller's time (the HTTP
    layer passes the service clock's), else the clock's. A legal date the caller leaves out
    (`registered_on`, `launched_on`, …) is the Vietnam date of `at`."""

    name = "Campaigns"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        units: OrgUnitDirectory | None = None,
        review_due_days: int = DEFAULT_REVIEW_DUE_DAYS,
        calendar: WorkingCalendar | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.calendar = calendar or default_calendar()
        self.clock = clock
        review_due_date(date(2000, 1, 1), review_due_days, self.calendar)  # fail fast on a bad setting
        super().__init__(env)
        self.units = units or load_org_units()
        self.review_due_days = review_due_days
        self.queries = CampaignQueries(self, self.state_as_dict)
        """The reads (`queries.py`): search and listing over the folded events."""

    # ----------------------------------------------------------------- commands

    def draft(self, *, actor: Actor, at: datetime | None = None, **draft: Unpack[CampaignDraft]) -> Campaign:
        """Drafts a campaign; its code must be new and its lead unit and level known."""
        reference_errors = self.reference_problems(
            draft["lead_unit_id"], draft["launching_level"], draft.get("start_date")
        )
        try:
            campaign = Campaign.draft(actor=actor, at=at or self.clock(), **draft)
        except CampaignValidationError as exc:
            raise CampaignValidationError({**reference_errors, **exc.field_errors}) from None
        if reference_errors:
            raise CampaignValidationError(reference_errors)
        if campaign.id in self.repository:
            raise CampaignError("duplicate_code", f"Mã phong trào «{campaign.code}» đã được sử dụng.")
        self._save(campaign)
        return campaign

    def amend(
        self,
        campaign_id: UUID,
        *,
        actor: Actor,
        at: datetime | None = None,
        expected_version: int | None = None,
        reason: str = "",
        **changes: Unpack[CampaignContent],
    ) -> Campaign:
        """Amends content before launch (keys of `AMENDABLE_FIELDS`); saves nothing when nothing changed."""
        campaign = self._load(campaign_id, expected_version)
        reference_errors = self.reference_problems(
            changes.get("lead_unit_id", campaign.lead_unit_id),
            changes.get("launching_level"),
            changes.get("start_date", campaign.start_date),
        )
        try:
            changed = campaign.amend(actor=actor, at=at or self.clock(), reason=reason, **changes)
        except CampaignValidationError as exc:
            raise CampaignValidationError({**reference_errors, **exc.field_errors}) from None
        if reference_errors:
            raise CampaignValidationError(reference_errors)
        if changed:
            self._save(campaign)
        return campaign

    # The commands below run one method of the aggregate on the campaign as the client last saw
    # it (`expected_version`); each takes `actor`, `at` (default: the clock's time) and
    # `expected_version` besides its own fields, and a legal date left out is the Vietnam date
    # of `at`.

    def attach_documents(
        self,
        campaign_id: UUID,
        *,
        actor: Actor,
        at: datetime | None = None,
        expected_version: int | None = None,
        directive: DocumentReference | None = None,
        plan: DocumentReference | None = None,
        reason: str = "",
    ) -> Campaign:
        """Records directive and/or plan references, also after launch."""
        return self._act(
            campaign_id,
            expected_version,
            at,
            lambda c, at: c.attach_documents(directive=directive, plan=plan, reason=reason, actor=actor, at=at),
        )

    def register(
        self,
        campaign_id: UUID,
        *,
        registration_number: str,
        actor: Actor,
        registered_on: date | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Campaign:
        """Registers the movement under `registration_number` on `registered_on` (default: today)."""
        return self._act(
            campaign_id,
            expected_version,
            at,
            lambda c, at: c.register(
                registration_number=registration_number,
                registered_on=registered_on or local_date(at),
                actor=actor,
                at=at,
            ),
        )

    def return_registration(
        self,
        campaign_id: UUID,
        *,
        reasons: Sequence[str],
        actor: Actor,
        returned_on: date | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Campaign:
        """Returns the registration with `reasons` on `returned_on` (default: today)."""
        return self._act(
            campaign_id,
            expected_version,
            at,
            lambda c, at: c.return_registration(
                reasons=reasons, returned_on=returned_on or local_date(at), actor=actor, at=at
            ),
        )

    def launch(
        self,
        campaign_id: UUID,
        *,
        actor: Actor,
        launched_on: date | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Campaign:
        """Launches the movement on `launched_on` (default: today)."""
        return self._act(
            campaign_id,
            expected_version,
            at,
            lambda c, at: c.launch(launched_on=launched_on or local_date(at), actor=actor, at=at),
        )

    def file_interim_review(
        self,
        campaign_id: UUID,
        *,
        actor: Actor,
        filed_on: date | None = None,
        stage: int | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
        **report: Unpack[ReviewReport],
    ) -> Campaign:
        """Files an interim review (sơ kết) on `filed_on` (default: today), per stage when the
        campaign has stages."""
        return self._act(
            campaign_id,
            expected_version,
            at,
            lambda c, at: c.file_interim_review(
                filed_on=filed_on or local_date(at), stage=stage, actor=actor, at=at, **report
            ),
        )

    def file_final_review(
        self,
        campaign_id: UUID,
        *,
        actor: Actor,
        filed_on: date | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
        **report: Unpack[ReviewReport],
    ) -> Campaign:
        """Files the final review (tổng kết) with a result for every target."""
        return self._act(
            campaign_id,
            expected_version,
            at,
            lambda c, at: c.file_final_review(filed_on=filed_on or local_date(at), actor=actor, at=at, **report),
        )

    def correct_final_review(
        self,
        campaign_id: UUID,
        *,
        reason: str,
        actor: Actor,
        filed_on: date | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
        **report: Unpack[ReviewReport],
    ) -> Campaign:
        """Replaces the final review by a corrected one (a new event; history keeps both)."""
        return self._act(
            campaign_id,
            expected_version,
            at,
            lambda c, at: c.correct_final_review(
                reason=reason, filed_on=filed_on or local_date(at), actor=actor, at=at, **report
            ),
        )

    def close_campaign(
        self,
        campaign_id: UUID,
        *,
        actor: Actor,
        closed_on: date | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Campaign:
        """Closes the campaign on `closed_on` (default: today); named so because
        `Application.close()` releases the database."""
        return self._act(
            campaign_id,
            expected_version,
            at,
            lambda c, at: c.close(closed_on=closed_on or local_date(at), actor=actor, at=at),
        )

    def cancel(
        self,
        campaign_id: UUID,
        *,
        reason: str,
        actor: Actor,
        cancelled_on: date | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Campaign:
        """Cancels the campaign with a `reason` on `cancelled_on` (default: today)."""
        return self._act(
            campaign_id,
            expected_version,
            at,
            lambda c, at: c.cancel(reason=reason, cancelled_on=cancelled_on or local_date(at), actor=actor, at=at),
        )

    def flag_review_overdue(self, campaign_id: UUID, *, on: date, actor: Actor = SYSTEM_ACTOR) -> Campaign:
        """Flags a missing final review; a no-op when already flagged (the event happens once)."""
        campaign, _ = self._flag_once(campaign_id, on=on, actor=actor)
        return campaign

    def flag_overdue_reviews(self, *, on: date, actor: Actor = SYSTEM_ACTOR) -> list[UUID]:
        """The scheduler's sweep: flags every campaign newly overdue on `on`; returns the ids it flagged.

        Safe on several replicas: a campaign another replica flagged first is either seen as
        flagged on reload or lost as a concurrent save, and is not returned here.
        """
        flagged = []
        for campaign in self.queries.campaigns():
            overdue = is_review_overdue(campaign, on, self.review_due_days, self.calendar)
            if campaign.review_overdue_flagged_on is None and overdue:
                try:
                    _, changed = self._flag_once(campaign.id, on=on, actor=actor)
                except CampaignError as error:
                    if error.code != "concurrent_update":
                        raise
                    continue
                if changed:
                    flagged.append(campaign.id)
        return flagged

    def _flag_once(self, campaign_id: UUID, *, on: date, actor: Actor) -> tuple[Campaign, bool]:
        campaign = self.get(campaign_id)
        changed = campaign.flag_review_overdue(
            on=on, review_due_days=self.review_due_days, actor=actor, at=self.clock(), calendar=self.calendar
        )
        if changed:
            self._save(campaign)
        return campaign, changed

    # ----------------------------------------------------------------- queries

    def get(self, campaign_id: UUID, *, version: int | None = None) -> Campaign:
        """The campaign now, or as it was at `version` (for audit and for per-event eligibility)."""
        try:
            return self.repository.get(campaign_id, version=version)
        except AggregateNotFoundError:
            raise CampaignNotFound(campaign_id) from None

    def get_as_of(self, campaign_id: UUID, moment: datetime) -> Campaign:
        """The campaign as the record stood at `moment` (`shared.history.version_as_of`)."""
        version = version_as_of(self, campaign_id, moment)
        if version is None:
            raise CampaignNotFound(campaign_id)
        return self.get(campaign_id, version=version)

    def history(self, campaign_id: UUID) -> list[dict[str, Any]]:
        """Every stored event in the shared audit format, with the fields each one changed."""
        self.get(campaign_id)
        return history_with_changes(self, campaign_id, self.state_as_dict)

    def get_by_code(self, code: str) -> Campaign:
        return self.get(campaign_id_for(code))

    def state_as_dict(self, campaign: Campaign) -> dict[str, Any]:
        """The campaign's JSON view (`representation.py`) with this service's review period."""
        return state_as_dict(campaign, review_due_days=self.review_due_days, calendar=self.calendar)

    # ----------------------------------------------------------------- plumbing

    def _load(self, campaign_id: UUID, expected_version: int | None) -> Campaign:
        """The campaign, provided it is still at the version the client last saw (`If-Match`)."""
        campaign = self.get(campaign_id)
        if expected_version is not None and campaign.version != expected_version:
            raise CampaignError("concurrent_update", STALE)
        return campaign

    def _act(
        self,
        campaign_id: UUID,
        expected_version: int | None,
        at: datetime | None,
        step: Callable[[Campaign, datetime], None],
    ) -> Campaign:
        """Run `step` on the campaign as the client last saw it, at `at` (default: the clock's
        time), and save what it recorded."""
        campaign = self._load(campaign_id, expected_version)
        step(campaign, at or self.clock())
        self._save(campaign)
        return campaign

    def _save(self, campaign: Campaign) -> None:
        try:
            self.save(campaign)
        except IntegrityError:
            raise CampaignError(
                "concurrent_update",
                "Phong trào vừa được cập nhật bởi người khác (hoặc mã đã được sử dụng); hãy tải lại và thử lại.",
            ) from None

    def reference_problems(self, unit_code: str | None, level: str | None, start: date | None) -> dict[str, str]:
        """The lead unit and the launching level must exist in the org-unit directory (data, not
        code). The edge asks too, with the fields of a form that parsed, to report every problem at once."""
        errors: dict[str, str] = {}
        if unit_code and unit_code.strip():
            if unit_code not in self.units:
                errors["lead_unit_id"] = f"Không tìm thấy đơn vị có mã «{unit_code}»."
            elif start is not None and not self.units.get(unit_code).is_active_on(start):
                unit = self.units.get(unit_code)
                errors["lead_unit_id"] = (
                    f"Đơn vị «{unit.display_name}» không hoạt động vào ngày bắt đầu {start.strftime('%d/%m/%Y')}."
                )
        levels = {lv.code: lv.name for lv in self.units.authority_levels()}
        if level and level.strip() and level.strip().lower() not in levels:
            allowed = ", ".join(f"{code} ({name})" for code, name in levels.items())
            errors["launching_level"] = f"Cấp phát động không hợp lệ: «{level}». Chọn một trong: {allowed}."
        return errors
