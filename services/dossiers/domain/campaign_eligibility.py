"""The dossiers service's view of a campaign, and the thematic-eligibility rule that reads it.

The view is filled from the campaigns service's published events (`tdkt.campaign.*`), so it is
eventually consistent: a campaign the view does not know yet may simply not have arrived. That
is why `check_thematic_campaign` has a third answer, UNKNOWN, beside eligible and not eligible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

DISPATCH_147 = "Công văn số 147 (2023)"
"""How refusals cite the dispatch; its full symbol and date are unconfirmed (docs/domain.md W8)."""

THEMATIC_KIND = "THEMATIC"


@dataclass(frozen=True)
class CampaignView:
    """What the dossiers service knows of one campaign (kept by the campaign-events projection)."""

    campaign_id: str
    name: str
    kind: str
    status: str
    eligible: bool
    eligibility_reasons: list[str] = field(default_factory=list)
    version: int = 0
    launching_level: str = ""
    """The level that launched the movement (district, commune, department); empty when not known."""


CampaignLookup = Callable[[str], CampaignView | None]


class CampaignVerdict(StrEnum):
    ELIGIBLE = "ELIGIBLE"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class CampaignCheck:
    verdict: CampaignVerdict
    reasons: tuple[str, ...] = ()


def check_thematic_campaign(campaign_id: str, view: CampaignView | None) -> CampaignCheck:
    """Whether a thematic award may be considered under this campaign (dispatch 147; docs/domain.md W8).

    Not eligible when the campaign is not thematic or the campaigns service says it is not
    eligible (unregistered, no directive, no plan, no review, ill-defined plan); each reason is
    worded for the refusal slip and cites the dispatch. UNKNOWN when the view has no such campaign.
    """
    if view is None:
        return CampaignCheck(
            CampaignVerdict.UNKNOWN,
            (f"Chưa có thông tin về phong trào thi đua mã {campaign_id}; chờ đồng bộ từ hệ thống phong trào.",),
        )
    problems: list[str] = []
    if view.kind.upper() != THEMATIC_KIND:
        problems.append(f"Phong trào '{view.name}' không phải phong trào thi đua theo chuyên đề.")
    if not view.eligible:
        problems.extend(view.eligibility_reasons or [f"Phong trào '{view.name}' không đủ điều kiện khen thưởng."])
    if problems:
        return CampaignCheck(
            CampaignVerdict.NOT_ELIGIBLE,
            tuple(f"Không đủ điều kiện khen thưởng chuyên đề theo {DISPATCH_147}: {p}" for p in problems),
        )
    return CampaignCheck(CampaignVerdict.ELIGIBLE)
