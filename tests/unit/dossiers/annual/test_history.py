"""The award history's pure logic: which dossier nominees enter it and under which year, which awards
the rule sets limit to one a year, and how the year's register keeps limited and unlimited awards."""

from __future__ import annotations

from datetime import date

import pytest

from services.dossiers.annual.history import AwardYear, HistoryStatus, dossier_proposals, history_year
from services.dossiers.annual.identity import collective_key, nominee_identity, person_key
from services.dossiers.domain.errors import DossierError, DossierValidationError
from tests.support.dossiers import (
    AD_HOC,
    RULE_SET_IDS,
    SECRETARY,
    at,
    attachments,
    collective,
    given_received,
    individual,
    rules,
)

X = "001090000301"
LDTT, GK = "ADVANCED_WORKER", "CERTIFICATE_OF_MERIT"
MOMENT = at(date(2024, 6, 3))


@pytest.mark.parametrize("rule_set_id", RULE_SET_IDS)
def test_titles_are_one_a_year_and_certificates_are_not(rule_set_id: str) -> None:
    r = rules(rule_set_id)
    assert r.once_a_year("ADVANCED_WORKER") and r.once_a_year("GRASSROOTS_EMULATION_FIGHTER")
    assert r.once_a_year("ADVANCED_COLLECTIVE")
    assert not r.once_a_year("CERTIFICATE_OF_MERIT")
    assert not r.once_a_year("NO_SUCH_AWARD")
    if "COMMENDATION" in r.awards:
        assert not r.once_a_year("COMMENDATION")


def test_only_nominees_with_a_stable_identity_enter() -> None:
    dossier = given_received(
        nominees=[
            individual(id_number=X),
            individual(name="Không số"),
            collective(award="ADVANCED_COLLECTIVE"),
            individual(name="Mã riêng", person_id="P-0042"),
        ]
    )
    rows = dossier_proposals(dossier, rules("2024-nd98").once_a_year)
    assert [(r["nominee_id"], r["identity"], r["once_a_year"]) for r in rows] == [
        ("n1", person_key(X), True),
        ("n3", collective_key(dossier.proposing_unit, "Tổ Toán – Tin"), True),
        ("n4", "P-0042", True),
    ]
    assert rows[0]["receipt_number"] == dossier.receipt_number and rows[0]["proposing_unit"] == "THCS-KIM-BAI"


def test_the_same_person_twice_for_one_award_in_a_dossier_is_422() -> None:
    dossier = given_received(nominees=[individual(id_number=X), individual(id_number=X, name="Nguyễn T. Hương")])
    with pytest.raises(DossierValidationError) as refused:
        dossier_proposals(dossier, rules("2024-nd98").once_a_year)
    assert refused.value.field_errors == {
        "nominees[1].id_number": "Trùng với đối tượng thứ 1: cùng người (tập thể), cùng danh hiệu."
    }


def test_identity_of_a_dossier_nominee() -> None:
    def of(kind: str = "INDIVIDUAL", id_number: str = "", person_id: str = "", name: str = "A") -> str | None:
        return nominee_identity(kind=kind, id_number=id_number, person_id=person_id, name=name, proposing_unit="u1")

    assert of(id_number="001 090 000 301", person_id="P-0042") == person_key(X)
    assert of(person_id="P-0042") == "P-0042"
    assert of() is None and of(id_number="123") is None and of(person_id="0042") is None
    assert of("HOUSEHOLD", name="Hộ ông Tâm") == collective_key("U1", "hộ  ông tâm")


def test_the_year_is_the_emulation_year_else_the_year_of_receipt() -> None:
    assert history_year(given_received(emulation_year=2023)) == 2023
    ad_hoc = given_received(
        kind="AD_HOC", award_type="AD_HOC", emulation_year=None, feat_date="2024-05-30",
        nominees=[individual(award=GK)], attachments=attachments(*AD_HOC),
    )  # fmt: skip
    assert history_year(ad_hoc) == 2024


def row(award: str, once_a_year: bool, nominee_id: str = "n1", **kw: object) -> dict:
    return {"identity": "H-x", "award": award, "once_a_year": once_a_year, "name": "X", "nominee_id": nominee_id, **kw}


def test_a_limited_title_is_refused_naming_the_earlier_dossier_by_its_receipt_number() -> None:
    register = AwardYear(year=2023)
    register.propose(dossier_id="d1", rows=[row(LDTT, True, receipt_number="000007/2024/TN")], actor=SECRETARY,
                     at=MOMENT)  # fmt: skip
    with pytest.raises(DossierError) as refused:
        register.propose(dossier_id="d2", rows=[row(LDTT, True)], actor=SECRETARY, at=MOMENT)
    assert refused.value.code == "already_proposed"
    assert refused.value.message == (
        "X đã được đề nghị 'Lao động tiên tiến' năm 2023 (đang đề nghị; hồ sơ số 000007/2024/TN)."
    )
    # Not awarded: the title may be proposed again, and the new dossier holds it.
    register.record_outcome(dossier_id="d1", outcomes={"n1": "NOT_AWARDED"}, decision_number=None,
                            decision_date=None, actor=SECRETARY, at=MOMENT)  # fmt: skip
    register.propose(dossier_id="d2", rows=[row(LDTT, True)], actor=SECRETARY, at=MOMENT)
    assert register.entry("H-x", LDTT).dossier_id == "d2"  # type: ignore[union-attr]


def test_certificates_are_kept_per_dossier_and_never_conflict() -> None:
    register = AwardYear(year=2024)
    register.propose(dossier_id="d1", rows=[row(GK, False)], actor=SECRETARY, at=MOMENT)
    assert register.conflicts([row(GK, False)], "d2") == {}
    register.propose(dossier_id="d2", rows=[row(GK, False)], actor=SECRETARY, at=MOMENT)
    register.record_outcome(dossier_id="d2", outcomes={"n1": "DECIDED"}, decision_number="5/QĐ-UBND",
                            decision_date=date(2024, 7, 1), actor=SECRETARY, at=MOMENT)  # fmt: skip
    held = sorted((e.dossier_id, e.status, e.decision_number) for e in register.entries.values())
    assert held == [("d1", HistoryStatus.PROPOSED, None), ("d2", HistoryStatus.DECIDED, "5/QĐ-UBND")]


def test_two_imported_certificates_without_decision_numbers_are_both_kept() -> None:
    register = AwardYear(year=2021)
    past = {"identity": "H-x", "name": "X", "award": GK, "once_a_year": False}
    register.import_past(rows=[past, dict(past)], actor=SECRETARY, at=MOMENT, source_ref="Sổ khen thưởng 2021")
    assert len(register.entries) == 2
    register.import_past(rows=[past, dict(past)], actor=SECRETARY, at=MOMENT, source_ref="Sổ khen thưởng 2021")
    assert len(register.entries) == 2  # the same register imported again replaces its rows


def test_rows_stored_before_the_flag_are_limited() -> None:
    register = AwardYear(year=2023)
    register.propose(dossier_id="d1", rows=[{k: v for k, v in row(GK, False).items() if k != "once_a_year"}],
                     actor=SECRETARY, at=MOMENT)  # fmt: skip
    assert register.conflicts([{"identity": "H-x", "award": GK, "name": "X"}], "d2") != {}


def test_a_person_id_not_in_the_offices_form_is_422() -> None:
    with pytest.raises(DossierValidationError) as refused:
        given_received(nominees=[individual(person_id="0042")])
    assert refused.value.field_errors == {
        "nominees[0].person_id": "Mã cá nhân phải có dạng P-… (chữ, số, dấu gạch ngang)."
    }
