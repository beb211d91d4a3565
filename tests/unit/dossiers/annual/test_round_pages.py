"""A round's list a page at a time (a round of thousands: only the units a page reaches are read),
each row numbered in the whole list; the decision's dry run says how many would be awarded and
not, stores nothing, and the decision then matches it."""

from __future__ import annotations

from datetime import date

import pytest

from services.dossiers.annual.application import AnnualWork
from services.dossiers.annual.identity import person_key
from services.dossiers.application import Dossiers
from services.dossiers.domain.errors import DossierValidationError
from tests.support.dossiers import ANNUAL, COMMUNE_2025, SECRETARY, at, attachments, individual

SIZES = {"DV01": 3, "DV02": 4, "DV03": 2}


def round_of(work: AnnualWork) -> str:
    rnd = work.open_round(
        authority=COMMUNE_2025, year=2025, name="Tổng kết 2025", awards=["ADVANCED_WORKER"],
        units=list(SIZES), submission_deadline=date(2025, 12, 5), actor=SECRETARY, at=at(date(2025, 11, 3)),
    )  # fmt: skip
    n = 0
    for unit, size in SIZES.items():
        work.register_emulation(
            unit=unit, year=2025, targets={"ADVANCED_WORKER": size}, individuals=[],
            registered_on=date(2025, 1, 5), actor=SECRETARY, at=at(date(2025, 1, 5)),
        )  # fmt: skip
        rows = []
        for _ in range(size):
            n += 1
            rows.append({"identity": person_key(f"0010900{n:05d}"), "nominee": individual(name=f"{unit} người {n}")})
        work.submit_to_round(
            rnd.id, unit=unit, nominees=rows, attachments=attachments(*ANNUAL), achievements="…",
            actor=SECRETARY, at=at(date(2025, 11, 20)),
        )  # fmt: skip
    return str(rnd.id)


def test_a_page_of_the_list_with_its_total_and_numbers_in_the_whole_list(app: Dossiers) -> None:
    work = AnnualWork(app)
    round_id = round_of(work)
    everyone = work.round_list(round_id)
    assert [r["stt"] for r in everyone] == list(range(1, 10))
    assert [r["unit"] for r in everyone] == ["DV01"] * 3 + ["DV02"] * 4 + ["DV03"] * 2

    rows, total = work.round_page(round_id, offset=2, limit=3)
    assert total == 9 and [r["stt"] for r in rows] == [3, 4, 5]
    assert [r["ref"] for r in rows] == [r["ref"] for r in everyone[2:5]]

    rows, total = work.round_page(round_id, unit="dv02", offset=1, limit=2)
    assert total == 4 and [r["stt"] for r in rows] == [5, 6] and {r["unit"] for r in rows} == {"DV02"}
    assert work.round_page(round_id, offset=8, limit=5)[0][0]["name"] == "DV03 người 9"
    assert work.round_page(round_id, offset=20, limit=5) == ([], 9)
    assert work.round_page(round_id, unit="DV09") == ([], 0)


def test_the_decision_s_dry_run_stores_nothing_and_the_decision_matches_it(app: Dossiers) -> None:
    work = AnnualWork(app)
    round_id = round_of(work)
    work.appraise_round(round_id, actor=SECRETARY, at=at(date(2025, 12, 1)))
    refs = [r["ref"] for r in work.round_list(round_id)]
    reject = {refs[1]: "Vi phạm kỷ luật trong năm.", refs[7]: "Chuyển công tác."}
    moment = at(date(2025, 12, 5))

    with pytest.raises(DossierValidationError) as refused:
        work.decide_round(
            round_id, decision_date=date(2025, 12, 5), reject={"DV01:x:n9": "?"}, dry_run=True, actor=SECRETARY,
            at=moment,
        )  # fmt: skip
    assert "DV01:x:n9" in refused.value.field_errors["reject"]

    preview = work.decide_round(
        round_id, decision_date=date(2025, 12, 5), reject=reject, dry_run=True, actor=SECRETARY, at=moment
    )
    assert preview == {"dry_run": True, "awarded": 7, "not_awarded": 2, "rejected_by_decision": 2, "dossiers": 3}
    assert not work.round(round_id).decisions
    assert all(r["decision_number"] is None for r in work.round_list(round_id))

    done = work.decide_round(round_id, decision_date=date(2025, 12, 5), reject=reject, actor=SECRETARY, at=moment)
    assert (done["awarded"], done["not_awarded"]) == (preview["awarded"], preview["not_awarded"])
    outcome = {r["ref"]: r["awarded"] for r in work.round_list(round_id)}
    assert [ref for ref, awarded in outcome.items() if not awarded] == [refs[1], refs[7]]
