"""Use cases of the campaigns service over the event store: the commands, and the reads of one
campaign (now, at a version, as of a moment, its history).

Listing and searching live in `queries.py`, over the events folded in log order
(`self.queries`); the JSON view in `representation.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.campaigns.domain.campaign import (
    DEFAULT_REVIEW_DUE_DAYS,
    Campaign,
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

    def draft(self, *, actor: Actor, at: datetime | None = None, **fields: Any) -> Campaign:
        """Drafts a campaign (`fields` as `Campaign.draft` takes them); its code must be new and
        its lead unit and level known."""
        reference_errors = self._reference_errors(
            fields.get("lead_unit_id"), fields.get("launching_level"), fields.get("start_date")
        )
        try:
            campaign = Campaign.draft(actor=actor, at=at or self.clock(), **fields)
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
        **changes: Any,
    ) -> Campaign:
        """Amends content before launch (keys of `AMENDABLE_FIELDS`); saves nothing when nothing changed."""
        campaign = self._load(campaign_id, expected_version)
        reference_errors = self._reference_errors(
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
    # it (`expected_version`); each takes `actor`, `at` and `expected_version` besides its own
    # fields, which are the aggregate method's (see `Campaign`).

    def attach_documents(self, campaign_id: UUID, **command: Any) -> Campaign:
        """Records directive and/or plan references, also after launch."""
        return self._act(campaign_id, "attach_documents", command)

    def register(self, campaign_id: UUID, **command: Any) -> Campaign:
        """Registers the movement under `registration_number` on `registered_on` (default: today)."""
        return self._act(campaign_id, "register", command, dated="registered_on")

    def return_registration(self, campaign_id: UUID, **command: Any) -> Campaign:
        """Returns the registration with `reasons` on `returned_on` (default: today)."""
        return self._act(campaign_id, "return_registration", command, dated="returned_on")

    def launch(self, campaign_id: UUID, **command: Any) -> Campaign:
        """Launches the movement on `launched_on` (default: today)."""
        return self._act(campaign_id, "launch", command, dated="launched_on")

    def file_interim_review(self, campaign_id: UUID, **command: Any) -> Campaign:
        """Files an interim review (sơ kết), per stage when the campaign has stages."""
        return self._act(campaign_id, "file_interim_review", command, dated="filed_on")

    def file_final_review(self, campaign_id: UUID, **command: Any) -> Campaign:
        """Files the final review (tổng kết) with a result for every target."""
        return self._act(campaign_id, "file_final_review", command, dated="filed_on")

    def correct_final_review(self, campaign_id: UUID, **command: Any) -> Campaign:
        """Replaces the final review by a corrected one (a new event; history keeps both)."""
        return self._act(campaign_id, "correct_final_review", command, dated="filed_on")

    def close_campaign(self, campaign_id: UUID, **command: Any) -> Campaign:
        """Closes the campaign on `closed_on` (default: today); named so because
        `Application.close()` releases the database."""
        return self._act(campaign_id, "close", command, dated="closed_on")

    def cancel(self, campaign_id: UUID, **command: Any) -> Campaign:
        """Cancels the campaign with a `reason` on `cancelled_on` (default: today)."""
        return self._act(campaign_id, "cancel", command, dated="cancelled_on")

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

    def _act(self, campaign_id: UUID, method: str, command: dict[str, Any], *, dated: str | None = None) -> Campaign:
        """Run `Campaign.<method>` with `command`: its `at` defaults to the clock's time and its
        legal date `dated` (if any) to the Vietnam date of `at`."""
        expected_version = command.pop("expected_version", None)
        at = command.pop("at", None) or self.clock()
        if dated is not None and command.get(dated) is None:
            command[dated] = local_date(at)
        campaign = self._load(campaign_id, expected_version)
        getattr(campaign, method)(at=at, **command)
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

    def _reference_errors(self, unit_code: Any, level: Any, start: Any) -> dict[str, str]:
        """The lead unit and the launching level must exist in the org-unit directory (data, not code)."""
        errors: dict[str, str] = {}
        if isinstance(unit_code, str) and unit_code.strip():
            if unit_code not in self.units:
                errors["lead_unit_id"] = f"Không tìm thấy đơn vị có mã «{unit_code}»."
            elif isinstance(start, date) and not self.units.get(unit_code).is_active_on(start):
                unit = self.units.get(unit_code)
                errors["lead_unit_id"] = (
                    f"Đơn vị «{unit.display_name}» không hoạt động vào ngày bắt đầu {start.strftime('%d/%m/%Y')}."
                )
        levels = {lv.code: lv.name for lv in self.units.authority_levels()}
        if isinstance(level, str) and level.strip() and level.strip().lower() not in levels:
            allowed = ", ".join(f"{code} ({name})" for code, name in levels.items())
            errors["launching_level"] = f"Cấp phát động không hợp lệ: «{level}». Chọn một trong: {allowed}."
        return errors
