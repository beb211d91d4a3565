"""Rule sets: the law as versioned data, keyed by effective date (domain.md §0).

One YAML file per legal regime in `rulesets/` (`2023-nd91.yaml`, `2024-nd98.yaml`,
`2025-nd152.yaml`). A dossier keeps the id of the rule set in force on its receipt date and
every later step asks `RuleBook.get(id)`, so a dossier received under NĐ 98 is decided under
NĐ 98 even after NĐ 152 came into force. The base salary is not part of a rule set: the cash
reward uses the base salary in force on the decision date whatever the regime, so it is one
table (`rulesets/base_salary.yaml`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.dossiers.model import (
    AWARD_VALUES,
    AttachmentKind,
    AuthorityLevel,
    AwardType,
    DossierKind,
    NomineeKind,
    PerformanceRating,
    Procedure,
)

RULESETS_DIR = Path(__file__).parent / "rulesets"
RULE_SET_GLOB = "[0-9][0-9][0-9][0-9]-*.yaml"
"""Rule-set files start with their year; `base_salary.yaml` is other data."""


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- criteria (interpreted by services.dossiers.appraisal) -------------------------------------


class MinRating(_Rule):
    """Performance rating at least this good."""

    min_rating: PerformanceRating


class MinRecognisedInitiatives(_Rule):
    """At least this many recognised initiatives."""

    min_recognised_initiatives: int = Field(ge=1)


class StandardOf(_Rule):
    """Meets every criterion of another award (CSTĐCS includes the LĐTT standard)."""

    standard_of: str


class AnyOf(_Rule):
    """At least one of the alternatives holds."""

    any_of: list[Criterion] = Field(min_length=1)


Criterion = Union[MinRating, MinRecognisedInitiatives, StandardOf, AnyOf]  # noqa: UP007 (recursive alias)
AnyOf.model_rebuild()


# --- the parts of a rule set ---------------------------------------------------------------


class ProcedureRule(_Rule):
    working_days: int = Field(ge=1)


class KindRule(_Rule):
    """What a dossier of one kind may contain and must attach."""

    award_types: list[AwardType]
    procedure: Procedure
    awards: list[str]
    required_attachments: list[AttachmentKind]
    requires_campaign: bool = False
    concurrence_departments: list[str] = []


class VoteRule(_Rule):
    """Council vote: passes when votes for reach this share of the WHOLE membership."""

    threshold_percent: int = Field(ge=1, le=100)


class QuotaRule(_Rule):
    """At most `max_percent` of the nominees approved for `of_awards` may get this award."""

    max_percent: int = Field(ge=0, le=100)
    of_awards: list[str]


class AwardRule(_Rule):
    nominee_kinds: list[NomineeKind]
    criteria: list[Criterion] = []
    required_attachments: list[AttachmentKind] = []
    council_vote: VoteRule | None = None
    quota: QuotaRule | None = None
    reward_multipliers: dict[NomineeKind, Decimal | None] = {}
    deciding_levels: list[AuthorityLevel]


class AuthorityRule(_Rule):
    name: str
    number_suffix: str


class AdHocRule(_Rule):
    late_after_days: int = Field(ge=0)


class Principle(_Rule):
    applies: bool
    citation: str


class Principles(_Rule):
    hold_blocks_award: Principle
    ad_hoc_and_thematic_not_grounds: Principle


class DisclosureRule(_Rule):
    required_before_decision: bool


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
    reward_rounding_vnd: int = Field(default=1, ge=1)
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
        for name, award in self.awards.items():
            if missing := set(award.deciding_levels) - set(self.authority_levels):
                raise ValueError(f"{name}: unknown authority levels {sorted(missing)}")
            for criterion in award.criteria:
                if isinstance(criterion, StandardOf) and criterion.standard_of not in self.awards:
                    raise ValueError(f"{name}: standard_of {criterion.standard_of} has no rule")
        return self

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def award(self, award: str) -> AwardRule:
        return self.awards[award]

    def working_days(self, procedure: Procedure) -> int:
        return self.procedures[procedure].working_days


class BaseSalary(_Rule):
    valid_from: date = Field(alias="from")
    amount_vnd: int = Field(gt=0)


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
        """The rule set in force on `day` (a dossier's receipt date)."""
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
