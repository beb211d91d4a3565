"""A generated dossier history, made through the dossiers application itself (its real rules and
store), so the service's own answers and its published events must agree.

Every path a dossier commonly takes: awarded and returned, supplemented first, refused,
withdrawn, partly rejected, still in appraisal; receipts spread over 2024 so that every quarter
has some. Deterministic for a count.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from services.dossiers.application import Dossiers
from tests.support.dossiers import AUTHORITY, CHAIRMAN, CLERK, SECRETARY, at, submission, supplied

FIRST_DAY = date(2024, 1, 8)


def _vote(app: Dossiers, dossier_id: Any, day: date) -> None:
    app.record_council_vote(
        dossier_id,
        nominee_id="n2",
        members_total=9,
        votes_for=8,
        votes_against=0,
        absent_in_writing=1,
        actor=SECRETARY,
        at=at(day, 11),
    )


def dossier_path(app: Dossiers, i: int, decided_on: date | None = None) -> int:
    """One dossier along path `i % 6`; returns the number of its events. Decisions are dated
    `decided_on` when given (writers racing on one register keep its dates in order), else
    two days after the vote."""
    day = FIRST_DAY + timedelta(days=i // 2)  # two a day: 600 dossiers fill 2024, decisions in date order
    dossier = app.submit(at=at(day, 8 + i % 3), **submission(proposing_unit="THCS-KIM-BAI"))
    d = dossier.id
    path = i % 6
    if path == 2:
        return app.refuse(d, reasons=["Hồ sơ không thuộc thẩm quyền"], actor=CLERK, at=at(day, 14)).version
    if path == 3:
        app.check_completeness(d, actor=SECRETARY, at=at(day, 10))
        return app.withdraw(d, actor=CLERK, at=at(day + timedelta(days=1)), reason="Đơn vị xin rút hồ sơ").version
    if path == 1:
        app.request_supplement(d, missing=["BALLOT_RESULT"], actor=SECRETARY, at=at(day, 10), reason="Thiếu biên bản")
        app.supplement(d, attachments=supplied("BALLOT_RESULT"), actor=CLERK, at=at(day + timedelta(days=1), 9))
        day += timedelta(days=1)
    app.check_completeness(d, actor=SECRETARY, at=at(day, 15))
    if path == 5:
        return app.get(d).version
    app.appraise(d, actor=SECRETARY, at=at(day + timedelta(days=1), 10))
    _vote(app, d, day + timedelta(days=1))
    approve, reject = (["n1"], {"n2": ["Chưa đủ tiêu chuẩn"]}) if path == 4 else (["n1", "n2"], None)
    decided = decided_on or day + timedelta(days=2)
    app.decide_award(d, approve=approve, reject=reject, authority=AUTHORITY, actor=CHAIRMAN, at=at(decided, 16))
    return app.return_result(d, actor=CLERK, at=at(decided + timedelta(days=1), 9)).version


def generate(app: Dossiers, dossiers: int, decided_on: date | None = None) -> int:
    """`dossiers` more dossiers (their days follow those already in the store); returns how many
    dossier events were stored (number sequences aside)."""
    start = sum(1 for _ in app.dossier_ids())
    return sum(dossier_path(app, i, decided_on) for i in range(start, start + dossiers))
