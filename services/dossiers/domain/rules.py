"""Rule sets: the law as versioned data, keyed by effective date (docs/domain.md, part A).

One YAML file per legal regime in `rulesets/` (`2023-nd91.yaml`, `2024-nd98.yaml`,
`2025-nd152.yaml`). Which rule set applies depends on what is being judged:
- the dossier, its components and its criteria follow the rule set in force on the RECEIPT date
  (the dossier stores its id and every later step asks `RuleBook.get(id)`);
- who may sign, and what each level may award, follow the rule set in force on the DECISION date
  (`RuleBook.for_date(decision_date)`): from 1/7/2025 no district chairman exists, whatever the
  dossier's receipt date;
- the cash reward is the receipt rule set's multiplier for the deciding level × the base salary in
  force on the decision date (one table, `rulesets/base_salary.yaml`).

Every entry names its article (`article`) and says whether that article's text was read
(`confirmed`); `tests/unit/dossiers/test_dossier_rules.py` keeps it so.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path
from typing import Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.dossiers.domain.values import (
    AWARD_VALUES,
    AttachmentKind,
    AuthorityLevel,
    AwardType,
    DossierKind,
    NomineeKind,
    PerformanceRating,
    Procedure,
    Sector,
)

RULESETS_DIR = Path(__file__).parent.parent / "rulesets"
RULE_SET_GLOB = "[0-9][0-9][0-9][0-9]-*.yaml"
"""Rule-set files start with their year; `base_salary.yaml` is other data."""


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Sourced(_Rule):
    """An entry that names its legal source and whether its text was read."""

    article: str = Field(min_length=3)
    confirmed: bool


# --- criteria (interpreted by services.dossiers.domain.appraisal) -------------------------------------
# A top-level criterion names its article; alternatives nested in `any_of` / `by_sector` share it.


class _Criterion(_Rule):
    article: str = ""
    confirmed: bool | None = None


class MinRating(_Criterion):
    """Performance rating at least this good."""

    min_rating: PerformanceRating


class MinRecognisedInitiatives(_Criterion):
    """At least this many initiatives recognised by the unit (sáng kiến được công nhận)."""

    min_recognised_initiatives: int = Field(ge=1)


class MinAcceptedScientificWorks(_Criterion):
    """At least this many scientific projects, schemes or works accepted (đã được nghiệm thu)."""

    min_accepted_scientific_works: int = Field(ge=1)


class RecognisedCombatIngenuity(_Criterion):
    """Ingenuity and creativity in combat or combat support, recognised by the unit."""

    recognised_combat_ingenuity: bool = True


class StandardOf(_Criterion):
    """Meets every criterion of another award (CSTĐCS includes the LĐTT standard)."""

    standard_of: str


class CouncilCheck(_Criterion):
    """A criterion no record can show (tasks done well, a unit's unity, a family's life): it holds
    only when the council's review recorded it for the nominee (`Dossier.record_council_check`)."""

    council_check: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=5)


class AnyOf(_Criterion):
    """At least one of the alternatives holds."""

    any_of: list[Criterion] = Field(min_length=1)


class BySector(_Criterion):
    """Different criteria for people in the public sector (and the armed forces) and for workers,
    farmers and others outside it (Law Art. 24.1–24.3)."""

    by_sector: dict[Sector, list[Criterion]]


Criterion = Union[  # noqa: UP007 (recursive alias)
    MinRating,
    MinRecognisedInitiatives,
    MinAcceptedScientificWorks,
    RecognisedCombatIngenuity,
    StandardOf,
    CouncilCheck,
    AnyOf,
    BySector,
]
AnyOf.model_rebuild()
BySector.model_rebuild()


def council_checks_of(criteria: list[Criterion]) -> list[CouncilCheck]:
    """Every council check among these criteria, nested ones included."""
    found: list[CouncilCheck] = []
    for c in criteria:
        if isinstance(c, CouncilCheck):
            found.append(c)
        elif isinstance(c, AnyOf):
            found += council_checks_of(c.any_of)
        elif isinstance(c, BySector):
            for alternatives in c.by_sector.values():
                found += council_checks_of(alternatives)
    return found


# --- the parts of a rule set ---------------------------------------------------------------


class ProcedureRule(_Sourced):
    working_days: int = Field(ge=1)


class KindRule(_Sourced):
    """What a dossier of one kind may contain and must attach."""

    award_types: list[AwardType]
    procedure: Procedure
    awards: list[str]
    required_attachments: list[AttachmentKind]
    requires_campaign: bool = False
    concurrence_departments: list[str] = []


class VoteRule(_Sourced):
    """Council vote: passes when votes for reach this share of the WHOLE membership."""

    threshold_percent: int = Field(ge=1, le=100)


class QuotaRule(_Sourced):
    """At most `max_percent` of the holders of `of_awards` in the same proposing unit and year
    may get this award (all decisions of that unit and year count, not just one)."""

    max_percent: int = Field(ge=0, le=100)
    of_awards: list[str]


class OnceAYear(_Sourced):
    """At most one proposal of this award per person (collective) and emulation year: a title for
    the year's results. Giấy khen and Bằng khen reward an achievement, and one person may get
    several in a year, so they carry no such entry (docs/domain.md, Y3)."""


class RewardRule(_Sourced):
    """Cash multiplier of the base salary for one kind of nominee, at the given deciding levels
    (all levels when none are named). `multiplier: null` means the figure is not known, unless
    it is `times` the multiplier of another kind (a household's Giấy khen: 1.5 × an individual's)."""

    nominee_kind: NomineeKind
    levels: list[AuthorityLevel] = []
    multiplier: Decimal | None
    times: Decimal | None = None
    of_kind: NomineeKind | None = None

    @model_validator(mode="after")
    def _derived_or_given(self) -> RewardRule:
        if (self.times is None) != (self.of_kind is None):
            raise ValueError("`times` and `of_kind` go together")
        if self.times is not None and self.multiplier is not None:
            raise ValueError("a multiplier is either given or derived (`times` … `of_kind`), not both")
        return self


class AwardRule(_Sourced):
    nominee_kinds: list[NomineeKind]
    criteria: list[Criterion] = []
    required_attachments: list[AttachmentKind] = []
    council_vote: VoteRule | None = None
    quota: QuotaRule | None = None
    once_a_year: OnceAYear | None = None
    rewards: list[RewardRule] = []
    deciding_levels: list[AuthorityLevel]

    def reward_for(self, kind: NomineeKind, level: AuthorityLevel) -> RewardRule | None:
        """The first reward entry for this kind of nominee and this deciding level."""
        for reward in self.rewards:
            if reward.nominee_kind is kind and (not reward.levels or level in reward.levels):
                return reward
        return None

    def multiplier_for(self, kind: NomineeKind, level: AuthorityLevel) -> Decimal | None:
        """The multiplier for this kind at this level: given, derived from another kind's, or None."""
        reward = self.reward_for(kind, level)
        if reward is None:
            return None
        if reward.multiplier is not None or reward.of_kind is None or reward.times is None:
            return reward.multiplier
        base = self.reward_for(reward.of_kind, level)
        return reward.times * base.multiplier if base and base.multiplier is not None else None


class AuthorityRule(_Sourced):
    name: str
    number_suffix: str


class AdHocRule(_Sourced):
    late_after_days: int = Field(ge=0)


class Principle(_Sourced):
    applies: bool


class WomenPriority(Principle):
    """Equal achievements: a woman, or a collective with at least this share of women, first."""

    min_share_of_women: float = Field(ge=0, le=1)


class Principles(_Rule):
    hold_blocks_award: Principle
    ad_hoc_and_thematic_not_grounds: Principle
    women_priority: WomenPriority
    thematic_decided_by_launching_level: Principle


class DisclosureRule(_Sourced):
    required_before_decision: bool


class Rounding(StrEnum):
    UP = "up"
    NEAREST = "nearest"


class CashRule(_Sourced):
    """How a cash reward is rounded: to a multiple of `round_to_vnd`, up or to the nearest."""

    round_to_vnd: int = Field(ge=1)
    rounding: Rounding

    def amount(self, multiplier: Decimal, base_salary_vnd: int) -> int:
        steps = multiplier * base_salary_vnd / self.round_to_vnd
        mode = ROUND_CEILING if self.rounding is Rounding.UP else ROUND_HALF_UP
        return int(steps.to_integral_value(rounding=mode) * self.round_to_vnd)


class RuleSet(_Rule):
    id: str
    name: str
    legal_basis: list[str]
    valid_from: date
    valid_to: date | None = None
    procedures: dict[Procedure, ProcedureRule]
    ad_hoc: AdHocRule
    principles: Principles
    public_disclosure: DisclosureRule
    cash: CashRule
    authority_levels: dict[AuthorityLevel, AuthorityRule]
    dossier_kinds: dict[DossierKind, KindRule]
    awards: dict[str, AwardRule]

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        unknown = set(self.awards) - AWARD_VALUES
        if unknown:
            raise ValueError(f"unknown awards {sorted(unknown)}")
        for kind, rule in self.dossier_kinds.items():
            if rule.procedure not in self.procedures:
                raise ValueError(f"{kind}: procedure {rule.procedure} has no deadline")
            if missing := set(rule.awards) - set(self.awards):
                raise ValueError(f"{kind}: awards without rules {sorted(missing)}")
            for name in rule.awards:
                if not self.awards[name].criteria:
                    # Nothing may pass silently: where no text gives criteria, the rule set asks
                    # the council to record its own check (a `council_check` criterion).
                    raise ValueError(f"{name}: no criteria; give them, or a council_check")
        for name, award in self.awards.items():
            if missing := set(award.deciding_levels) - set(self.authority_levels):
                raise ValueError(f"{name}: unknown authority levels {sorted(missing)}")
            for criterion in award.criteria:
                if not criterion.article or criterion.confirmed is None:
                    raise ValueError(f"{name}: every criterion names its article and whether it was confirmed")
                if isinstance(criterion, StandardOf) and criterion.standard_of not in self.awards:
                    raise ValueError(f"{name}: standard_of {criterion.standard_of} has no rule")
            keys = [c.council_check for c in council_checks_of(award.criteria)]
            if len(keys) != len(set(keys)):
                raise ValueError(f"{name}: a council_check key is used twice")
        return self

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def award(self, award: str) -> AwardRule:
        return self.awards[award]

    def once_a_year(self, award: str) -> bool:
        """Whether a person (collective) may be proposed for `award` only once per emulation year."""
        rule = self.awards.get(award)
        return rule is not None and rule.once_a_year is not None

    def working_days(self, procedure: Procedure) -> int:
        return self.procedures[procedure].working_days


class BaseSalary(_Rule):
    valid_from: date = Field(alias="from")
    amount_vnd: int = Field(gt=0)
    article: str = Field(min_length=3)
    confirmed: bool


class RuleBook:
    """Every rule set, and the base-salary table; chooses by date or by id."""

    def __init__(self, rule_sets: list[RuleSet], base_salaries: list[BaseSalary]) -> None:
        self.rule_sets = sorted(rule_sets, key=lambda r: r.valid_from)
        self.base_salaries = sorted(base_salaries, key=lambda b: b.valid_from)
        self._by_id = {r.id: r for r in self.rule_sets}
        for earlier, later in zip(self.rule_sets, self.rule_sets[1:], strict=False):
            if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
                raise ValueError(f"rule sets {earlier.id} and {later.id} overlap")

    @classmethod
    def load(cls, directory: Path = RULESETS_DIR) -> RuleBook:
        rule_sets = [
            RuleSet.model_validate(yaml.safe_load(p.read_text(encoding="utf-8")))
            for p in sorted(directory.glob(RULE_SET_GLOB))
        ]
        salaries = yaml.safe_load((directory / "base_salary.yaml").read_text(encoding="utf-8"))
        return cls(rule_sets, [BaseSalary.model_validate(s) for s in salaries])

    def for_date(self, day: date) -> RuleSet:
        """The rule set in force on `day` (a receipt date for the dossier, a decision date for
        who may sign)."""
        for rule_set in self.rule_sets:
            if rule_set.in_force_on(day):
                return rule_set
        raise LookupError(f"no rule set in force on {day.isoformat()}")

    def get(self, rule_set_id: str) -> RuleSet:
        return self._by_id[rule_set_id]

    def base_salary_on(self, day: date) -> int:
        """The base salary (mức lương cơ sở) in force on `day`, in VND."""
        amount = None
        for salary in self.base_salaries:
            if salary.valid_from <= day:
                amount = salary.amount_vnd
        if amount is None:
            raise LookupError(f"no base salary in force on {day.isoformat()}")
        return amount
