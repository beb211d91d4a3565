"""Enums and value objects of an award proposal dossier (names from docs/domain.md, part 1).

Events store these as plain dicts and strings, because the transcoder knows only primitives,
dicts, lists, UUID, Decimal, datetime, date and Actor; each value object therefore has
`as_dict()` and `from_dict()`. `from_dict()` trusts its input (it reads stored events);
untrusted input is parsed at the edge (`services.dossiers.forms`, the HTTP request models).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    ONLINE_PORTAL = "ONLINE_PORTAL"
    ONE_STOP_DESK = "ONE_STOP_DESK"
    POST = "POST"


class AwardType(StrEnum):
    """Legal type of commendation (Law Art. 8)."""

    MERIT = "MERIT"
    AD_HOC = "AD_HOC"
    MOVEMENT = "MOVEMENT"
    CONTRIBUTION = "CONTRIBUTION"
    SENIORITY = "SENIORITY"
    FOREIGN = "FOREIGN"


class DossierKind(StrEnum):
    """The round or procedure a dossier belongs to; the rule set keys its attachments by it."""

    ANNUAL_TITLE = "ANNUAL_TITLE"  # danh hiệu thi đua hằng năm (LĐTT, CSTĐCS, TTLĐTT…)
    YEAR_END = "YEAR_END"  # khen thưởng tổng kết năm (AwardRound YEAR_END)
    THEMATIC = "THEMATIC"  # khen thưởng phong trào thi đua theo chuyên đề
    AD_HOC = "AD_HOC"  # khen thưởng đột xuất (thủ tục đơn giản)
    ASSOCIATION = "ASSOCIATION"  # khen thưởng tổng kết năm cho các hội
    ENTERPRISE = "ENTERPRISE"  # khen thưởng tổng kết năm cho doanh nghiệp
    HIGHER_LEVEL = "HIGHER_LEVEL"  # đề nghị cấp trên khen thưởng (khen cao): voted here, forwarded upward


class Procedure(StrEnum):
    NORMAL = "NORMAL"
    SIMPLIFIED = "SIMPLIFIED"


class NomineeKind(StrEnum):
    INDIVIDUAL = "INDIVIDUAL"
    COLLECTIVE = "COLLECTIVE"
    HOUSEHOLD = "HOUSEHOLD"


class Gender(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


class Sector(StrEnum):
    """Whom Law Art. 24 speaks of: officials, employees and the armed forces (Art. 24.1–24.2,
    judged with a performance rating), or workers, farmers and others outside the public sector
    (Art. 24.3, who have no rating)."""

    PUBLIC = "PUBLIC"
    OTHER = "OTHER"


class PerformanceRating(StrEnum):
    """Annual rating of officials and employees; `rank` orders them."""

    EXCELLENT = "EXCELLENT"  # hoàn thành xuất sắc nhiệm vụ
    GOOD = "GOOD"  # hoàn thành tốt nhiệm vụ
    COMPLETED = "COMPLETED"  # hoàn thành nhiệm vụ
    NOT_COMPLETED = "NOT_COMPLETED"  # không hoàn thành nhiệm vụ

    @property
    def rank(self) -> int:
        return _RATING_RANK[self]


_RATING_RANK = {
    PerformanceRating.EXCELLENT: 3,
    PerformanceRating.GOOD: 2,
    PerformanceRating.COMPLETED: 1,
    PerformanceRating.NOT_COMPLETED: 0,
}


class Title(StrEnum):
    """Emulation titles (Law Art. 19–20)."""

    ADVANCED_WORKER = "ADVANCED_WORKER"
    ADVANCED_SOLDIER = "ADVANCED_SOLDIER"
    GRASSROOTS_EMULATION_FIGHTER = "GRASSROOTS_EMULATION_FIGHTER"
    ADVANCED_COLLECTIVE = "ADVANCED_COLLECTIVE"
    EXCELLENT_COLLECTIVE = "EXCELLENT_COLLECTIVE"
    CULTURAL_VILLAGE = "CULTURAL_VILLAGE"
    MODEL_COMMUNE = "MODEL_COMMUNE"
    CULTURAL_FAMILY = "CULTURAL_FAMILY"
    PROVINCIAL_EMULATION_FIGHTER = "PROVINCIAL_EMULATION_FIGHTER"  # decided by the province: forwarded


class AwardForm(StrEnum):
    CERTIFICATE_OF_MERIT = "CERTIFICATE_OF_MERIT"
    COMMENDATION = "COMMENDATION"  # Bằng khen of the provincial chairman (khen cao: forwarded)
    PRIME_MINISTER_COMMENDATION = "PRIME_MINISTER_COMMENDATION"  # national (khen cao: forwarded)


class AttachmentKind(StrEnum):
    SUBMISSION_MEMO = "SUBMISSION_MEMO"
    ACHIEVEMENT_REPORT = "ACHIEVEMENT_REPORT"
    ACHIEVEMENT_SUMMARY = "ACHIEVEMENT_SUMMARY"
    REVIEW_MINUTES = "REVIEW_MINUTES"
    BALLOT_RESULT = "BALLOT_RESULT"
    INITIATIVE_CERTIFICATION = "INITIATIVE_CERTIFICATION"
    MOVEMENT_PLAN = "MOVEMENT_PLAN"
    MOVEMENT_REVIEW_REPORT = "MOVEMENT_REVIEW_REPORT"
    OTHER = "OTHER"


class AuthorityLevel(StrEnum):
    """Award power of the deciding authority (Law Art. 80); which level decides what is rule-set
    data, and which unit holds which level is org-unit data (`award_level`), never the caller's.

    DEPARTMENT is the head of a legal-entity unit under a ministry or central body, or of a
    provincial specialised agency (sở) (Art. 80.1), not a district office (phòng), which has none.
    """

    DISTRICT = "DISTRICT"
    COMMUNE = "COMMUNE"
    DEPARTMENT = "DEPARTMENT"
    ENTERPRISE = "ENTERPRISE"
    ENTERPRISE_BOARD = "ENTERPRISE_BOARD"


class AnnulmentGround(StrEnum):
    """Grounds of Law Art. 93 (docs/domain.md W5), valued by their letter."""

    FRAUDULENT_DECLARATION = "a"
    FALSE_INFORMATION_OR_FORGERY = "b"
    UNLAWFUL_APPRAISAL_OR_PROPOSAL = "c"
    CRITERIA_NOT_MET_PER_COMPETENT_ACT = "d"


class DossierStatus(StrEnum):
    RECEIVED = "RECEIVED"
    AWAITING_SUPPLEMENT = "AWAITING_SUPPLEMENT"
    AWAITING_CAMPAIGN = "AWAITING_CAMPAIGN"
    IN_APPRAISAL = "IN_APPRAISAL"
    REFUSED = "REFUSED"
    AWARDED = "AWARDED"
    REJECTED = "REJECTED"
    RESULT_RETURNED = "RESULT_RETURNED"
    WITHDRAWN = "WITHDRAWN"
    ANNULLED = "ANNULLED"
    FORWARDED = "FORWARDED"  # khen cao: with the higher level, which decides
    HIGHER_LEVEL_AWARDED = "HIGHER_LEVEL_AWARDED"
    HIGHER_LEVEL_RETURNED = "HIGHER_LEVEL_RETURNED"


LABELS: dict[str, str] = {
    # statuses
    DossierStatus.RECEIVED: "Đã tiếp nhận",
    DossierStatus.AWAITING_SUPPLEMENT: "Chờ bổ sung, hoàn thiện hồ sơ",
    DossierStatus.AWAITING_CAMPAIGN: "Chờ thông tin phong trào thi đua",
    DossierStatus.IN_APPRAISAL: "Đang thẩm định",
    DossierStatus.REFUSED: "Từ chối giải quyết",
    DossierStatus.AWARDED: "Đã quyết định khen thưởng",
    DossierStatus.REJECTED: "Không khen thưởng",
    DossierStatus.RESULT_RETURNED: "Đã trả kết quả",
    DossierStatus.WITHDRAWN: "Đã rút hồ sơ",
    DossierStatus.ANNULLED: "Đã hủy bỏ quyết định khen thưởng",
    DossierStatus.FORWARDED: "Đã trình cấp trên khen thưởng",
    DossierStatus.HIGHER_LEVEL_AWARDED: "Cấp trên đã quyết định khen thưởng",
    DossierStatus.HIGHER_LEVEL_RETURNED: "Cấp trên trả lại hồ sơ",
    # titles and forms
    Title.ADVANCED_WORKER: "Lao động tiên tiến",
    Title.ADVANCED_SOLDIER: "Chiến sĩ tiên tiến",
    Title.GRASSROOTS_EMULATION_FIGHTER: "Chiến sĩ thi đua cơ sở",
    Title.ADVANCED_COLLECTIVE: "Tập thể lao động tiên tiến",
    Title.EXCELLENT_COLLECTIVE: "Tập thể lao động xuất sắc",
    Title.CULTURAL_VILLAGE: "Thôn, tổ dân phố văn hóa",
    Title.MODEL_COMMUNE: "Xã, phường, thị trấn tiêu biểu",
    Title.CULTURAL_FAMILY: "Gia đình văn hóa",
    Title.PROVINCIAL_EMULATION_FIGHTER: "Chiến sĩ thi đua cấp tỉnh",
    AwardForm.CERTIFICATE_OF_MERIT: "Giấy khen",
    AwardForm.COMMENDATION: "Bằng khen",
    AwardForm.PRIME_MINISTER_COMMENDATION: "Bằng khen của Thủ tướng Chính phủ",
    # ratings
    PerformanceRating.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    PerformanceRating.GOOD: "Hoàn thành tốt nhiệm vụ",
    PerformanceRating.COMPLETED: "Hoàn thành nhiệm vụ",
    PerformanceRating.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
    # attachments
    AttachmentKind.SUBMISSION_MEMO: "Tờ trình",
    AttachmentKind.ACHIEVEMENT_REPORT: "Báo cáo thành tích",
    AttachmentKind.ACHIEVEMENT_SUMMARY: "Tóm tắt thành tích",
    AttachmentKind.REVIEW_MINUTES: "Biên bản bình xét",
    AttachmentKind.BALLOT_RESULT: "Biên bản kiểm phiếu (kết quả bỏ phiếu)",
    AttachmentKind.INITIATIVE_CERTIFICATION: "Chứng nhận sáng kiến / xác nhận hoàn thành xuất sắc nhiệm vụ",
    AttachmentKind.MOVEMENT_PLAN: "Kế hoạch phong trào thi đua",
    AttachmentKind.MOVEMENT_REVIEW_REPORT: "Báo cáo sơ kết/tổng kết phong trào",
    AttachmentKind.OTHER: "Tài liệu khác",
    # levels
    AuthorityLevel.DISTRICT: "Chủ tịch UBND cấp huyện",
    AuthorityLevel.COMMUNE: "Chủ tịch UBND cấp xã",
    AuthorityLevel.DEPARTMENT: "Thủ trưởng cơ quan, đơn vị có tư cách pháp nhân",
    AuthorityLevel.ENTERPRISE: "Giám đốc doanh nghiệp, hợp tác xã",
    AuthorityLevel.ENTERPRISE_BOARD: "Chủ tịch Hội đồng quản trị, Hội đồng thành viên",
}


def label(value: str) -> str:
    """The Vietnamese label of an enum value, or the value itself."""
    return LABELS.get(value, str(value))


AWARD_VALUES: frozenset[str] = frozenset({*Title, *AwardForm})
"""Every title or award form a nominee may be proposed for (the keys of a rule set's `awards`)."""


# --- value objects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Initiative:
    """An initiative (sáng kiến); it counts only once recognised by someone (Law Art. 3.4)."""

    title: str
    recognised_by: str = ""
    recognised_on: date | None = None

    @property
    def recognised(self) -> bool:
        return bool(self.recognised_by.strip())

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "recognised_by": self.recognised_by, "recognised_on": self.recognised_on}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Initiative:
        return cls(d["title"], d.get("recognised_by", ""), d.get("recognised_on"))


@dataclass(frozen=True)
class CitedAward:
    """An earlier award the proposal mentions; `as_basis` when the proposal rests on it, which an
    ad hoc or thematic award may not be (NĐ 152/2025 Art. 4(3)). Stored events written before
    the flag existed are read as `as_basis` (their meaning then; see `Dossier.Submitted`)."""

    award: str
    award_type: AwardType
    thematic: bool = False
    year: int | None = None
    decision_ref: str = ""
    as_basis: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "award": self.award,
            "award_type": self.award_type.value,
            "thematic": self.thematic,
            "year": self.year,
            "decision_ref": self.decision_ref,
            "as_basis": self.as_basis,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CitedAward:
        return cls(
            d["award"],
            AwardType(d["award_type"]),
            d.get("thematic", False),
            d.get("year"),
            d.get("decision_ref", ""),
            d.get("as_basis", False),
        )


@dataclass(frozen=True)
class Nominee:
    """One person, collective or household proposed for one title or award form.

    One class for the three kinds (the kind-specific fields are optional) keeps the stored
    shape flat; `services.dossiers.forms.parse_nominee` enforces what each kind needs.
    """

    nominee_id: str
    kind: NomineeKind
    name: str
    award: str  # a Title or AwardForm value
    position: str = ""
    unit: str = ""
    gender: Gender | None = None
    is_direct_worker: bool = False
    performance_rating: PerformanceRating | None = None
    initiatives: tuple[Initiative, ...] = ()
    size: int | None = None
    share_of_women: float | None = None
    address: str = ""
    under_discipline_or_inspection: bool = False
    cited_awards: tuple[CitedAward, ...] = ()
    sector: Sector = Sector.PUBLIC
    scientific_works: tuple[Initiative, ...] = ()
    """Scientific projects, schemes or works; `recognised_by` is who accepted them (nghiệm thu)."""
    combat_ingenuity: tuple[Initiative, ...] = ()
    """Feats of ingenuity in combat or combat support; `recognised_by` is the recognising unit."""
    id_number: str = ""
    """Citizen ID (CCCD, 12 digits) or old ID card (9 digits): personal data (NĐ 13/2023), kept
    only in the encrypted event store, never published (shared.pii)."""
    date_of_birth: str = ""
    """ISO date; personal data like `id_number`."""
    person_id: str = ""
    """The office's own person id (`P-…`), where it keeps one: with the ID number, what identifies
    the person in the award history (services/dossiers/annual/identity.py)."""

    @property
    def recognised_initiatives(self) -> int:
        return sum(1 for i in self.initiatives if i.recognised)

    @property
    def accepted_scientific_works(self) -> int:
        return sum(1 for w in self.scientific_works if w.recognised)

    @property
    def recognised_combat_ingenuity(self) -> bool:
        return any(c.recognised for c in self.combat_ingenuity)

    def is_women_priority(self, min_share_of_women: float) -> bool:
        """A woman, or a collective with at least this share of women (NĐ 152/2025 Art. 4(6))."""
        if self.kind is NomineeKind.INDIVIDUAL:
            return self.gender is Gender.FEMALE
        return self.share_of_women is not None and self.share_of_women >= min_share_of_women

    def as_dict(self) -> dict[str, Any]:
        return {
            "nominee_id": self.nominee_id,
            "kind": self.kind.value,
            "name": self.name,
            "award": self.award,
            "position": self.position,
            "unit": self.unit,
            "gender": self.gender.value if self.gender else None,
            "is_direct_worker": self.is_direct_worker,
            "performance_rating": self.performance_rating.value if self.performance_rating else None,
            "initiatives": [i.as_dict() for i in self.initiatives],
            "size": self.size,
            "share_of_women": self.share_of_women,
            "address": self.address,
            "under_discipline_or_inspection": self.under_discipline_or_inspection,
            "cited_awards": [c.as_dict() for c in self.cited_awards],
            "sector": self.sector.value,
            "scientific_works": [w.as_dict() for w in self.scientific_works],
            "combat_ingenuity": [c.as_dict() for c in self.combat_ingenuity],
            **({"id_number": self.id_number} if self.id_number else {}),
            **({"date_of_birth": self.date_of_birth} if self.date_of_birth else {}),
            **({"person_id": self.person_id} if self.person_id else {}),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Nominee:
        return cls(
            nominee_id=d["nominee_id"],
            kind=NomineeKind(d["kind"]),
            name=d["name"],
            award=d["award"],
            position=d.get("position", ""),
            unit=d.get("unit", ""),
            gender=Gender(d["gender"]) if d.get("gender") else None,
            is_direct_worker=d.get("is_direct_worker", False),
            performance_rating=PerformanceRating(d["performance_rating"]) if d.get("performance_rating") else None,
            initiatives=tuple(Initiative.from_dict(i) for i in d.get("initiatives", [])),
            size=d.get("size"),
            share_of_women=d.get("share_of_women"),
            address=d.get("address", ""),
            under_discipline_or_inspection=d.get("under_discipline_or_inspection", False),
            cited_awards=tuple(CitedAward.from_dict(c) for c in d.get("cited_awards", [])),
            sector=Sector(d.get("sector") or Sector.PUBLIC),
            scientific_works=tuple(Initiative.from_dict(w) for w in d.get("scientific_works", [])),
            combat_ingenuity=tuple(Initiative.from_dict(c) for c in d.get("combat_ingenuity", [])),
            id_number=d.get("id_number", ""),
            date_of_birth=d.get("date_of_birth", ""),
            person_id=d.get("person_id", ""),
        )


@dataclass(frozen=True)
class Attachment:
    """Metadata of a stored file; the blob itself lives elsewhere (addressed by sha256)."""

    name: str
    kind: AttachmentKind
    size: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind.value, "size": self.size, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Attachment:
        return cls(d["name"], AttachmentKind(d["kind"]), d["size"], d["sha256"])


@dataclass(frozen=True)
class Appraisal:
    """The secretariat's latest finding on one nominee; `notes` say what the decision should weigh
    without failing anyone (the priority to women when achievements are equal)."""

    nominee_id: str
    passed: bool
    failures: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CouncilVote:
    """A council ballot on one nominee; `passed` was computed against the dossier's rule set.
    `ballot_round` counts the ballots on this nominee; a later one carries its `reason`."""

    nominee_id: str
    members_total: int
    votes_for: int
    votes_against: int
    absent_in_writing: int
    threshold_percent: int
    passed: bool
    meeting_date: date | None = None
    ballot_round: int = 1
    reason: str | None = None


@dataclass(frozen=True)
class CouncilCheck:
    """The council's recorded finding on criteria that no record shows (a `council_check` of the
    rule set): which it confirmed, which it did not, from which meeting."""

    nominee_id: str
    confirmed: tuple[str, ...]
    not_confirmed: tuple[str, ...]
    meeting_date: date
    minutes_ref: str
    round: int = 1
    reason: str | None = None


@dataclass(frozen=True)
class DecidingAuthority:
    """Who signs, as the org-unit data says on the signing date: the unit's code and name, its
    own award power (None: it has none), the article giving it, and the units whose work passed
    to it (so it may decide their pending dossiers and annul their awards)."""

    code: str
    name: str
    level: AuthorityLevel | None
    article: str = ""
    succeeds: frozenset[str] = frozenset()
    org_level: str = ""
    """The org unit's own `authority_level` (district, commune, department): compared with the
    level that launched a thematic movement (dispatch 147, point 4)."""
    valid_from: date | None = None
    valid_to: date | None = None

    def is_active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Concurrence:
    """An opinion (hiệp y) of a functional department; no nominee ids means the whole dossier."""

    department: str
    agrees: bool
    opinion: str
    nominee_ids: tuple[str, ...] = ()
    document_ref: str = ""

    def covers(self, nominee_id: str) -> bool:
        return not self.nominee_ids or nominee_id in self.nominee_ids


@dataclass(frozen=True)
class Disclosure:
    """A public disclosure (công khai) of the nominees; no nominee ids means all of them."""

    where: str
    from_date: date
    to_date: date
    nominee_ids: tuple[str, ...] = ()

    def covers(self, nominee_id: str) -> bool:
        return not self.nominee_ids or nominee_id in self.nominee_ids


@dataclass(frozen=True)
class Approval:
    """One nominee's award in a decision, with its cash reward (None where the rule set knows no
    multiplier), and where the multiplier comes from (absent in decisions stored before)."""

    nominee_id: str
    award: str
    multiplier: str | None
    base_salary_vnd: int
    cash_reward_vnd: int | None
    multiplier_article: str = ""
    multiplier_confirmed: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "nominee_id": self.nominee_id,
            "award": self.award,
            "multiplier": self.multiplier,
            "base_salary_vnd": self.base_salary_vnd,
            "cash_reward_vnd": self.cash_reward_vnd,
            "multiplier_article": self.multiplier_article,
            "multiplier_confirmed": self.multiplier_confirmed,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Approval:
        return cls(
            d["nominee_id"],
            d["award"],
            d["multiplier"],
            d["base_salary_vnd"],
            d["cash_reward_vnd"],
            d.get("multiplier_article", ""),
            d.get("multiplier_confirmed"),
        )


@dataclass(frozen=True)
class Decision:
    """The deciding authority's act: numbered when it awards anyone, unnumbered when it rejects all."""

    number: str | None
    decision_date: date
    authority: str
    authority_level: AuthorityLevel
    approvals: tuple[Approval, ...]
    rejections: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Annulment:
    nominee_ids: tuple[str, ...]
    ground: AnnulmentGround
    act_reference: str
    decision_number: str
    authority: str


REQUIRED = "Bắt buộc nhập."
"""The message for a field a clerk left empty, wherever it is found (edge or domain)."""

PERSON_ID = re.compile(r"^P-[0-9A-Za-z-]{3,40}$")
"""The office's person id: `P-` and 3 to 40 letters, digits or hyphens."""
