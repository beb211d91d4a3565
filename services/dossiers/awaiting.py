"""Dossiers waiting for their campaign: find them, and let them move on once the campaign is known.

A thematic dossier whose campaign the read model did not know yet was put in AWAITING_CAMPAIGN
(`Dossier.check_completeness`). When campaign events arrive, `CampaignRecheck.run` re-runs the
completeness check, as the system actor, for every waiting dossier whose campaign the view now
knows: the rules then refuse it (campaign not eligible, with the campaign's reasons) or accept it.

Why it is safe to run any number of times, from any replica:
- it acts only on dossiers still in AWAITING_CAMPAIGN, and with `expected_version` set to the
  version it looked at, so a second run (a redelivered event, the sweep, another replica) finds
  nothing to do or loses the optimistic-concurrency race and re-reads;
- a dossier whose campaign is still unknown is left alone (the check would change nothing).

When it runs is decided elsewhere (`recheck_schedule`): only once the campaign stream has
settled, because a refusal is final and the first snapshots of a burst of campaign events are
older than its last.

The waiting dossiers are found in the application's own notification log, from the
`CampaignCheckDeferred` events (the same reasoning as `Dossiers.dossier_ids`: the log is an index
that cannot drift). The index remembers how far it read, so each run reads only new deferrals
plus the few dossiers still waiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.dossiers.application import Dossiers
from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.errors import DossierConcurrencyError, DossierError, DossierNotFound
from services.dossiers.domain.values import DossierStatus
from shared.actor import SYSTEM_ACTOR
from shared.topics import topics_of

log = logging.getLogger(__name__)

DEFERRED_TOPICS = topics_of(Dossier.CampaignCheckDeferred)
ATTEMPTS = 3


@dataclass(frozen=True)
class RecheckOutcome:
    dossier_id: UUID
    campaign_id: str
    status: DossierStatus


class AwaitingIndex:
    """Ids of dossiers that may be awaiting their campaign, read incrementally from the log."""

    def __init__(self, app: Dossiers, page: int = 500) -> None:
        self.app = app
        self.page = page
        self._position = 0
        self._candidates: dict[UUID, None] = {}  # insertion-ordered set

    def candidates(self) -> list[UUID]:
        while True:
            batch = self.app.recorder.select_notifications(
                start=self._position + 1, limit=self.page, topics=DEFERRED_TOPICS
            )
            for notification in batch:
                self._candidates[notification.originator_id] = None
            if batch:
                self._position = batch[-1].id
            if len(batch) < self.page:
                return list(self._candidates)

    def discard(self, dossier_id: UUID) -> None:
        """Forget a dossier that left AWAITING_CAMPAIGN; a new deferral would bring it back."""
        self._candidates.pop(dossier_id, None)


class CampaignRecheck:
    """Re-runs the completeness check of waiting dossiers whose campaign is now known."""

    def __init__(self, app: Dossiers, clock: Callable[[], datetime]) -> None:
        self.app = app
        self.clock = clock
        self.index = AwaitingIndex(app)
        self._lock = threading.Lock()  # one run at a time per process; replicas race safely

    def run(self) -> list[RecheckOutcome]:
        with self._lock:
            outcomes = []
            for dossier_id in self.index.candidates():
                outcome = self._recheck(dossier_id)
                if outcome is not None:
                    outcomes.append(outcome)
            return outcomes

    def _recheck(self, dossier_id: UUID) -> RecheckOutcome | None:
        for _ in range(ATTEMPTS):
            try:
                dossier = self.app.get(dossier_id)
            except DossierNotFound:
                self.index.discard(dossier_id)
                return None
            if dossier.status is not DossierStatus.AWAITING_CAMPAIGN:
                self.index.discard(dossier_id)
                return None
            campaign_id = dossier.campaign_id or ""
            if self.app.campaign_lookup is None or self.app.campaign_lookup(campaign_id) is None:
                return None
            # Never before the dossier's last step, even if this replica's clock lags.
            at = max(self.clock(), dossier.last_at)
            try:
                after = self.app.check_completeness(
                    dossier_id, actor=SYSTEM_ACTOR, at=at, expected_version=dossier.version
                )
            except DossierConcurrencyError:
                continue  # someone moved it meanwhile: look again
            except DossierError as exc:
                log.warning("re-check of dossier %s refused: %s", dossier_id, exc)
                return None
            if after.status is not DossierStatus.AWAITING_CAMPAIGN:
                self.index.discard(dossier_id)
            log.info("dossier %s re-checked after campaign %s arrived: %s", dossier_id, campaign_id, after.status)
            return RecheckOutcome(dossier_id, campaign_id, after.status)
        return None
