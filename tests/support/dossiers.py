"""Given–when–then helpers for the dossiers tests: deterministic times, actors, and builders
that bring a `Dossier` to a given state and clear its pending events, so a test's *then*
sees only what its *when* triggered.

Shared by the unit tests of the aggregate and the integration tests that store dossiers."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from services.dossiers.application import deciding_authority, default_calendar, default_rule_book, default_units
from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.rules import RuleBook, RuleSet
from services.dossiers.domain.values import Attachment, DecidingAuthority
from services.dossiers.submission import read_submission
from shared.actor import Actor
from shared.workdays import VIETNAM_TZ, WorkingCalendar, local_date

CLERK = Actor("clerk-01", "desk_clerk", "BPMC-THANH-OAI")
SECRETARY = Actor("nv-01", "secretariat", "PHONG-NOI-VU")
UNIT_OFFICER = Actor("gv-01", "unit_officer", "THCS-KIM-BAI")
AUTHORITY = "UBND-THANH-OAI"
COMMUNE_2025 = "XA-THANH-OAI-2025"
CHAIRMAN = Actor("ct-01", "chairman", AUTHORITY)

RULE_SET_IDS = ("2023-nd91", "2024-nd98", "2025-nd152")
RECEIPT_DAY = {"2023-nd91": date(2023, 6, 1), "2024-nd98": date(2024, 6, 3), "2025-nd152": date(2025, 9, 3)}
"""A working day inside each rule set's period."""
LEVEL = {"2023-nd91": "DISTRICT", "2024-nd98": "DISTRICT", "2025-nd152": "COMMUNE"}
"""The local level that decides annual titles under each rule set (Law Art. 80; NĐ 129/2025 Art. 59)."""
DECIDER = {"2023-nd91": AUTHORITY, "2024-nd98": AUTHORITY, "2025-nd152": COMMUNE_2025}
"""The unit of that level in the packaged org-unit data, in each rule set's period."""


def signer(code: str) -> DecidingAuthority:
    """A unit as the org-unit data describes it as a signer."""
    return deciding_authority(default_units(), code)


def powers_on(moment: datetime) -> RuleSet:
    """The rule set in force on that day: who may sign what."""
    return book().for_date(local_date(moment))


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """An instant on `day` in Vietnam time."""
    return datetime.combine(day, time(hour, minute), tzinfo=VIETNAM_TZ)


def later(moment: datetime, days: int = 1) -> datetime:
    return moment + timedelta(days=days)


def book() -> RuleBook:
    return default_rule_book()


def calendar() -> WorkingCalendar:
    return default_calendar()


def rules(rule_set_id: str) -> RuleSet:
    return book().get(rule_set_id)


def individual(**overrides: Any) -> dict[str, Any]:
    nominee = {
        "kind": "INDIVIDUAL",
        "name": "Nguyễn Thị Hương",
        "award": "ADVANCED_WORKER",
        "position": "Giáo viên",
        "unit": "Trường THCS Kim Bài",
        "gender": "FEMALE",
        "is_direct_worker": True,
        "performance_rating": "GOOD",
    }
    nominee.update(overrides)
    return nominee


def fighter(**overrides: Any) -> dict[str, Any]:
    """A grassroots emulation fighter nominee meeting the criteria of every rule set."""
    values = {
        "name": "Trần Văn Minh",
        "gender": "MALE",
        "award": "GRASSROOTS_EMULATION_FIGHTER",
        "performance_rating": "EXCELLENT",
        "initiatives": [
            {"title": "Sổ điểm điện tử", "recognised_by": "Hội đồng sáng kiến cơ sở", "recognised_on": "2023-05-10"}
        ],
    }
    values.update(overrides)
    return individual(**values)


def collective(**overrides: Any) -> dict[str, Any]:
    nominee = {"kind": "COLLECTIVE", "name": "Tổ Toán – Tin", "award": "CERTIFICATE_OF_MERIT", "size": 12}
    nominee.update(overrides)
    return nominee


def household(**overrides: Any) -> dict[str, Any]:
    nominee = {"kind": "HOUSEHOLD", "name": "Hộ ông Lê Văn Tâm", "award": "CERTIFICATE_OF_MERIT"}
    nominee.update(overrides)
    return nominee


def attachment(kind: str, name: str | None = None) -> dict[str, Any]:
    name = name or f"{kind.lower()}.pdf"
    return {"name": name, "kind": kind, "size": 1024, "sha256": hashlib.sha256(name.encode()).hexdigest()}


def attachments(*kinds: str) -> list[dict[str, Any]]:
    return [attachment(k) for k in kinds]


def supplied(*kinds: str) -> list[Attachment]:
    """Attachments as the edge hands them to a supplement: typed values, not form fields."""
    return [Attachment.from_dict(a) for a in attachments(*kinds)]


ANNUAL = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION")
THEMATIC = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "MOVEMENT_PLAN", "MOVEMENT_REVIEW_REPORT")
AD_HOC = ("SUBMISSION_MEMO", "ACHIEVEMENT_SUMMARY")


def form(**overrides: Any) -> dict[str, Any]:
    """The fields of a complete annual-titles dossier (one LĐTT, one CSTĐCS), as a clerk fills them."""
    values: dict[str, Any] = {
        "channel": "ONE_STOP_DESK",
        "proposing_unit": "THCS-KIM-BAI",
        "award_type": "MOVEMENT",
        "kind": "ANNUAL_TITLE",
        "nominees": [individual(), fighter()],
        "attachments": attachments(*ANNUAL),
        "achievements": "Hoàn thành xuất sắc nhiệm vụ năm học.",
        "emulation_year": 2023,
    }
    values.update(overrides)
    return values


def submission(*, actor: Actor = CLERK, dossier_id: UUID | None = None, **overrides: Any) -> dict[str, Any]:
    """The arguments of `submit` for `form(**overrides)`: its typed command, parsed as the edge
    does (a malformed field raises here; the receipt rules are the aggregate's), and the actor."""
    arguments: dict[str, Any] = {"command": read_submission(form(**overrides)), "actor": actor}
    if dossier_id is not None:
        arguments["dossier_id"] = dossier_id
    return arguments


def given_received(rule_set_id: str = "2024-nd98", *, when: datetime | None = None, **overrides: Any) -> Dossier:
    """A dossier just received under `rule_set_id`, its events already collected."""
    moment = when or at(RECEIPT_DAY[rule_set_id])
    dossier = Dossier.submit(
        rules=rules(rule_set_id),
        calendar=calendar(),
        receipt_number="000001/TEST/TN",
        at=moment,
        **submission(**{"deciding_authority": DECIDER[rule_set_id], **overrides}),
    )
    dossier.collect_events()
    return dossier


def given_in_appraisal(rule_set_id: str = "2024-nd98", **overrides: Any) -> Dossier:
    dossier = given_received(rule_set_id, **overrides)
    dossier.accept_as_complete(rules=rules(rule_set_id), campaign=None, actor=SECRETARY, at=next_moment(dossier))
    dossier.collect_events()
    return dossier


def record_all_council_checks(dossier: Dossier, rule_set_id: str) -> None:
    """The council confirms, for each nominee, every standard only it can judge."""
    r = rules(rule_set_id)
    for nominee_id, checks in dossier.required_council_checks(r).items():
        dossier.record_council_check(
            rules=r,
            nominee_ids=[nominee_id],
            confirmed=[c["key"] for c in checks],
            meeting_date=local_date(dossier.last_at),
            minutes_ref="Biên bản họp Hội đồng số 01/BB-HĐTĐKT",
            actor=SECRETARY,
            at=next_moment(dossier),
        )


def given_appraised(
    rule_set_id: str = "2024-nd98", *, votes_for: int | None = 9, council_checks: bool = True, **overrides: Any
) -> Dossier:
    """Appraised (after the council confirmed the standards only it can judge, unless
    `council_checks` is False), and (when `votes_for` is given) voted on by a 10-member council
    for every nominee whose award needs a vote."""
    dossier = given_in_appraisal(rule_set_id, **overrides)
    r = rules(rule_set_id)
    if council_checks:
        record_all_council_checks(dossier, rule_set_id)
    dossier.appraise(rules=r, actor=SECRETARY, at=next_moment(dossier))
    if votes_for is not None:
        for n in dossier.nominees:
            if r.award(n.award).council_vote:
                dossier.record_council_vote(
                    rules=r,
                    nominee_id=n.nominee_id,
                    members_total=10,
                    votes_for=votes_for,
                    votes_against=10 - votes_for,
                    absent_in_writing=0,
                    actor=SECRETARY,
                    at=next_moment(dossier),
                )
    dossier.collect_events()
    return dossier


def given_awarded(rule_set_id: str = "2024-nd98", **overrides: Any) -> Dossier:
    dossier = given_appraised(rule_set_id, **overrides)
    moment = next_moment(dossier)
    dossier.decide_award(
        rules=rules(rule_set_id),
        powers=powers_on(moment),
        authority=signer(DECIDER[rule_set_id]),
        base_salary_vnd=2_340_000,
        number=1,
        approve=list(dossier.nominee_ids),
        actor=CHAIRMAN,
        at=moment,
    )
    dossier.collect_events()
    return dossier


def next_moment(dossier: Dossier, hours: int = 1) -> datetime:
    """An instant after the dossier's last step."""
    return dossier.last_at + timedelta(hours=hours)


def then_events(dossier: Dossier, *names: str) -> list[Any]:
    """Assert the pending events by class name, in order; return them."""
    events = dossier.collect_events()
    assert [type(e).__name__ for e in events] == list(names)
    return list(events)
