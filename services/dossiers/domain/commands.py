"""Typed command values: what a use case receives once the untrusted input was parsed at the edge
(`services.dossiers.submission`). The aggregate takes these, never raw mappings or strings to
interpret; it still guards every business rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.dossiers.domain.values import Attachment, AwardType, Channel, DossierKind, Nominee


@dataclass(frozen=True)
class SubmitDossier:
    """Receive a dossier (tiếp nhận hồ sơ): the form's fields, each of its own type."""

    channel: Channel
    proposing_unit: str
    award_type: AwardType
    kind: DossierKind
    achievements: str
    nominees: tuple[Nominee, ...]
    attachments: tuple[Attachment, ...]
    campaign_id: str | None = None
    feat_date: date | None = None
    postmark_date: date | None = None
    emulation_year: int | None = None
    deciding_authority: str | None = None
    """Org-unit code of the authority it is addressed to; None: the receiving desk's committee."""
    escalation_reason: str | None = None
