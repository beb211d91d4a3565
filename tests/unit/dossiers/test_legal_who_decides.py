"""Who decides: the decision date governs who may sign, the award power comes from the org-unit
data, one register of decisions per authority, and the dispatch's rule for thematic awards.

Application-level given-when-then on the in-memory store, with the packaged Thanh Oai units:
the district (UBND-THANH-OAI) ended on 30/6/2025 and its communes' successors took over.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.dossiers.application import Dossiers
from services.dossiers.domain.campaign_eligibility import CampaignView
from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.values import AnnulmentGround, DossierStatus
from shared.reference.org_units import load_org_units
from tests.support.dossiers import (
    CHAIRMAN,
    CLERK,
    SECRETARY,
    THEMATIC,
    at,
    attachments,
    collective,
    fighter,
    individual,
    submission,
)


def received(app: Dossiers, day: date, **overrides: Any):
    """Received at the desk on `day`; addressed to the authority named, else the application's
    default (this desk's people's committee as the org-unit data has it on that day)."""
    values = submission(**{"proposing_unit": "XA-KIM-AN", **overrides})
    if not overrides.get("deciding_authority"):
        values.pop("deciding_authority", None)
    return app.submit(at=at(day), **values)


def appraised(app: Dossiers, day: date, **overrides: Any):
    """Received, complete, appraised and (for a grassroots fighter) voted on, on `day` and after."""
    dossier = received(app, day, **overrides)
    app.check_completeness(dossier.id, actor=SECRETARY, at=at(day, 10))
    app.appraise(dossier.id, actor=SECRETARY, at=at(day, 11))
    for n in app.get(dossier.id).nominees:
        if n.award == "GRASSROOTS_EMULATION_FIGHTER":
            app.record_council_vote(
                dossier.id,
                nominee_id=n.nominee_id,
                members_total=10,
                votes_for=9,
                votes_against=1,
                absent_in_writing=0,
                actor=SECRETARY,
                at=at(day, 14),
            )
    return app.get(dossier.id)


def history_types(app: Dossiers, dossier_id) -> list[str]:
    return [entry["type"] for entry in app.history(dossier_id)]


# --- 1. the decision date governs who may sign --------------------------------------------


def test_the_district_chairman_cannot_sign_after_the_district_level_ended(app):
    """NĐ 129/2025/NĐ-CP Art. 59; Law 06/2022 Art. 80.2: from 1/7/2025 no district chairman exists.
    A dossier received on 25/6/2025 cannot be decided by him on 15/7/2025: the decision date, not
    the receipt date, governs who may sign."""
    dossier = appraised(app, date(2025, 6, 25), nominees=[individual()])
    with pytest.raises(DossierError) as raised:
        app.decide_award(
            dossier.id,
            approve=["n1"],
            authority="UBND-THANH-OAI",
            authority_level="DISTRICT",
            actor=CHAIRMAN,
            at=at(date(2025, 7, 15)),
        )
    assert raised.value.code == "authority_not_in_office"
    assert "15/07/2025" in raised.value.message
    assert app.get(dossier.id).version == dossier.version


def test_the_district_chairman_signs_what_he_decided_before_the_end_even_if_entered_later(app):
    """NĐ 129/2025 Art. 59 takes effect on 1/7/2025: a decision the district chairman dated
    28/6/2025 is his, whenever the clerk records it."""
    dossier = appraised(app, date(2025, 6, 23), nominees=[individual()])
    done = app.decide_award(
        dossier.id, approve=["n1"], authority="UBND-THANH-OAI", decision_date=date(2025, 6, 28), actor=CHAIRMAN,
        at=at(date(2025, 7, 2)),
    )  # fmt: skip
    assert (done.decision.authority, done.decision.authority_level.value) == ("UBND-THANH-OAI", "DISTRICT")


def test_a_pending_dossier_of_an_ended_district_passes_to_its_successor_with_an_event(app):
    """NQ 1656/NQ-UBTVQH15 Art. 1 point 64 (Kim An → xã Thanh Oai) and NĐ 129/2025 Art. 59: the
    work of the ended district passes to the commune that covers the proposing unit."""
    dossier = appraised(app, date(2025, 6, 25), nominees=[individual()])
    assert dossier.deciding_authority == "UBND-THANH-OAI"
    moved = app.pass_to_successor(dossier.id, actor=SECRETARY, at=at(date(2025, 7, 2)))
    assert moved.deciding_authority == "XA-THANH-OAI-2025"
    entry = app.history(dossier.id)[-1]
    assert entry["type"] == "PassedToSuccessor"
    assert "UBND-THANH-OAI" in entry["reason"] and "30/06/2025" in entry["reason"]


def test_the_successor_decides_under_the_powers_of_the_decision_date(app):
    """NĐ 129/2025 Art. 59: the commune chairman decides CSTĐCS from 1/7/2025 although the dossier
    was received under NĐ 98 (whose Art. 80 split gave it to the district). The receipt date keeps
    the criteria; the decision date gives the power. The hand-over is recorded first."""
    dossier = appraised(app, date(2025, 6, 25), nominees=[fighter()])
    done = app.decide_award(
        dossier.id,
        approve=["n1"],
        authority="XA-THANH-OAI-2025",
        authority_level="COMMUNE",
        actor=CHAIRMAN,
        at=at(date(2025, 7, 15)),
    )
    assert done.status is DossierStatus.AWARDED and done.rule_set_id == "2024-nd98"
    assert (done.decision.authority, done.decision.number) == ("XA-THANH-OAI-2025", "1/QĐ-UBND")
    assert history_types(app, dossier.id)[-2:] == ["PassedToSuccessor", "AwardDecided"]


def test_a_unit_that_did_not_succeed_the_pending_authority_cannot_decide(app):
    """Law Art. 80 with NQ 1656 Art. 1 point 67: xã Dân Hòa did not take over Kim An."""
    dossier = appraised(app, date(2025, 6, 25), nominees=[individual()])
    with pytest.raises(DossierError) as raised:
        app.decide_award(
            dossier.id, approve=["n1"], authority="XA-DAN-HOA-2025", actor=CHAIRMAN, at=at(date(2025, 7, 15))
        )
    assert raised.value.code == "not_deciding_authority"


def test_where_the_district_split_the_clerk_chooses_the_successor(app):
    """NQ 1656 Art. 1 points 64 and 79: Kim Thư went partly to xã Thanh Oai, partly to xã Hòa
    Phú; the successor of its dossiers is a choice the data cannot make alone."""
    dossier = appraised(app, date(2025, 6, 25), nominees=[individual()], proposing_unit="XA-KIM-THU")
    with pytest.raises(DossierValidationError) as raised:
        app.pass_to_successor(dossier.id, actor=SECRETARY, at=at(date(2025, 7, 2)))
    assert "XA-THANH-OAI-2025" in raised.value.field_errors["successor"]
    moved = app.pass_to_successor(dossier.id, actor=SECRETARY, at=at(date(2025, 7, 2)), successor="XA-HOA-PHU-2025")
    assert moved.deciding_authority == "XA-HOA-PHU-2025"


def test_every_pending_dossier_of_ended_units_is_handed_over_in_one_sweep(app):
    """NĐ 129/2025 Art. 59: a sweep hands over what it can and lists what needs a choice."""
    clear = received(app, date(2025, 6, 25), proposing_unit="XA-TAM-HUNG")
    split = received(app, date(2025, 6, 26), proposing_unit="XA-CU-KHE")
    results = {r["id"]: r for r in app.pass_pending_to_successors(actor=SECRETARY, at=at(date(2025, 7, 3)))}
    assert results[str(clear.id)]["to"] == "XA-TAM-HUNG-2025"
    assert results[str(split.id)]["to"] is None and "PHUONG-PHU-LUONG-2025" in results[str(split.id)]["problem"]


def test_the_successor_may_annul_and_its_register_numbers_the_annulment(app):
    """Law Art. 93 (the deciding authority annuls) read with NĐ 129/2025 Art. 59: once the district
    has ended, the commune that took over its work annuls its award, under its own number."""
    dossier = appraised(app, date(2025, 6, 2), nominees=[individual()])
    app.decide_award(dossier.id, approve=["n1"], authority="UBND-THANH-OAI", actor=CHAIRMAN, at=at(date(2025, 6, 20)))
    annulled = app.annul_award(
        dossier.id,
        ground=AnnulmentGround("b"),
        act_reference="Kết luận thanh tra 05/KL-TTr",
        actor=CHAIRMAN,
        at=at(date(2025, 9, 10)),
        reason="Làm giả hồ sơ",
    )
    assert annulled.annulments[0].authority == "XA-THANH-OAI-2025"
    assert annulled.annulments[0].decision_number == "1/QĐ-UBND"  # the commune's register, 2025
    recovered = app.record_recovery(
        dossier.id, nominee_ids=["n1"], artefacts_returned=["Giấy chứng nhận"], amount_recovered_vnd=710_000,
        actor=SECRETARY, at=at(date(2025, 9, 20)),
    )  # fmt: skip
    assert recovered.recovered_ids == {"n1"}


def test_the_ended_district_cannot_annul_its_award(app):
    """Law Art. 93 with NĐ 129/2025 Art. 59: on 10/9/2025 the district chairman no longer exists."""
    dossier = appraised(app, date(2025, 6, 2), nominees=[individual()])
    app.decide_award(dossier.id, approve=["n1"], authority="UBND-THANH-OAI", actor=CHAIRMAN, at=at(date(2025, 6, 20)))
    with pytest.raises(DossierError) as raised:
        app.annul_award(
            dossier.id, ground=AnnulmentGround("b"), act_reference="KL 05", authority="UBND-THANH-OAI", actor=CHAIRMAN,
            at=at(date(2025, 9, 10)), reason="Làm giả hồ sơ",
        )  # fmt: skip
    assert raised.value.code == "authority_not_in_office"


# --- 2. the authority level comes from the org-unit data --------------------------------


@pytest.mark.parametrize("office", ["PNV", "PKT", "CAH", "BCHQS"])
def test_district_offices_police_and_military_command_have_no_award_power(app, office):
    """Law 06/2022 Art. 80.1 gives award power to heads of units under ministries and provincial
    departments, not to a district office (phòng); Art. 80.5 leaves the armed forces to their
    ministries. A caller claiming DEPARTMENT for them does not make it so."""
    dossier = appraised(app, date(2024, 6, 3), nominees=[individual()])  # addressed to the district chairman
    with pytest.raises((DossierError, DossierValidationError)) as raised:
        app.decide_award(
            dossier.id, approve=["n1"], authority=office, authority_level="DEPARTMENT", actor=CHAIRMAN,
            at=at(date(2024, 6, 10)),
        )  # fmt: skip
    assert app.get(dossier.id).decision is None
    message = str(raised.value)
    assert "không có thẩm quyền" in message


def test_a_claimed_level_that_contradicts_the_org_unit_data_is_refused(app):
    """Law Art. 80.2: the district chairman acts at the district level; the request cannot make it
    a commune decision (which would change what may be awarded and the amounts)."""
    dossier = appraised(app, date(2024, 6, 3), nominees=[individual()])
    with pytest.raises(DossierValidationError) as raised:
        app.decide_award(
            dossier.id, approve=["n1"], authority="UBND-THANH-OAI", authority_level="COMMUNE", actor=CHAIRMAN,
            at=at(date(2024, 6, 10)),
        )  # fmt: skip
    assert "danh mục đơn vị" in raised.value.field_errors["authority_level"]


def test_the_level_is_taken_from_the_org_unit_data_when_the_caller_names_none(app):
    """Law Art. 80: the level of the decision is the signer's own, as the org-unit data records it."""
    dossier = appraised(app, date(2024, 6, 3), nominees=[individual()])
    done = app.decide_award(dossier.id, approve=["n1"], actor=CHAIRMAN, at=at(date(2024, 6, 10)))
    assert (done.decision.authority, done.decision.authority_level.value) == ("UBND-THANH-OAI", "DISTRICT")


def test_the_commune_chairman_keeps_exactly_his_powers_before_july_2025(app):
    """Law Art. 80.3: the commune chairman gives LĐTT, Giấy khen and Gia đình văn hóa, not CSTĐCS."""
    dossier = appraised(app, date(2024, 6, 3), nominees=[individual(), fighter()], deciding_authority="XA-KIM-AN")
    with pytest.raises(DossierError, match="không thuộc thẩm quyền của cấp COMMUNE"):
        app.decide_award(dossier.id, approve=["n1", "n2"], actor=CHAIRMAN, at=at(date(2024, 6, 10)))
    done = app.decide_award(
        dossier.id, approve=["n1"], reject={"n2": ["Vượt thẩm quyền cấp xã"]}, actor=CHAIRMAN, at=at(date(2024, 6, 10))
    )
    assert done.decision.authority_level.value == "COMMUNE"


ENTERPRISE_UNITS = """
authority_levels: [{code: province, name: Cấp tỉnh}, {code: enterprise, name: Doanh nghiệp}]
award_levels:
  - {code: DEPARTMENT, name: Thủ trưởng cơ quan, đơn vị có tư cách pháp nhân, article: khoản 1 Điều 80}
  - {code: ENTERPRISE, name: Giám đốc doanh nghiệp, article: khoản 4 Điều 80}
  - {code: ENTERPRISE_BOARD, name: Chủ tịch Hội đồng quản trị, article: khoản 4 Điều 80}
secretariat: SO-NV
units:
  - {code: SO-NV, name: Sở Nội vụ, kind: department, authority_level: province, award_level: DEPARTMENT}
  - {code: CTY-A, name: Công ty cổ phần A (Giám đốc), kind: enterprise, authority_level: enterprise,
     award_level: ENTERPRISE}
  - {code: CTY-A-HDQT, name: Hội đồng quản trị Công ty cổ phần A, kind: enterprise, authority_level: enterprise,
     award_level: ENTERPRISE_BOARD}
"""


def test_an_enterprise_director_gives_titles_and_the_board_chair_only_certificates(tmp_path):
    """Law Art. 80.4: the director decides TTLĐTT, CSTĐCS, LĐTT and Giấy khen; the chair of the
    board decides Giấy khen only. Art. 80.1: the head of a provincial department keeps his powers."""
    path = tmp_path / "units.yaml"
    path.write_text(ENTERPRISE_UNITS, encoding="utf-8")
    app = Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=load_org_units(path), receiving_unit="SO-NV")
    board = appraised(
        app, date(2024, 6, 3), nominees=[individual()], proposing_unit="CTY-A", deciding_authority="CTY-A-HDQT"
    )
    with pytest.raises(DossierError, match="không thuộc thẩm quyền của cấp ENTERPRISE_BOARD"):
        app.decide_award(board.id, approve=["n1"], actor=CHAIRMAN, at=at(date(2024, 6, 10)))
    director = appraised(
        app, date(2024, 6, 3), nominees=[individual()], proposing_unit="CTY-A", deciding_authority="CTY-A"
    )
    assert (
        app.decide_award(
            director.id, approve=["n1"], actor=CHAIRMAN, at=at(date(2024, 6, 10))
        ).decision.authority_level.value
        == "ENTERPRISE"
    )
    department = appraised(app, date(2024, 6, 3), nominees=[individual()], proposing_unit="CTY-A")
    assert (
        app.decide_award(
            department.id, approve=["n1"], actor=CHAIRMAN, at=at(date(2024, 6, 10))
        ).decision.authority_level.value
        == "DEPARTMENT"
    )


def test_a_dossier_cannot_be_addressed_to_a_unit_without_award_power(app):
    """Law Art. 80.1: a district office proposes; it is not the authority a dossier goes to."""
    with pytest.raises(DossierValidationError) as raised:
        received(app, date(2024, 6, 3), deciding_authority="PNV")
    assert "không có thẩm quyền" in raised.value.field_errors["deciding_authority"]


# --- 3. one register per canonical authority; dates never go backwards ----------------------


def test_one_register_per_authority_whatever_the_spelling_of_its_code(app):
    """NĐ 30/2020 (one register of outgoing documents per body): "ubnd-thanh-oai" and
    "UBND-THANH-OAI" are one people's committee; its decisions cannot both be 1/QĐ-UBND."""
    first = appraised(app, date(2024, 6, 3), nominees=[individual()])
    second = appraised(app, date(2024, 6, 3), nominees=[individual()])
    one = app.decide_award(first.id, approve=["n1"], authority="ubnd-thanh-oai", authority_level="DISTRICT",
                           actor=CHAIRMAN, at=at(date(2024, 6, 10)))  # fmt: skip
    two = app.decide_award(second.id, approve=["n1"], authority="UBND-THANH-OAI", authority_level="DISTRICT",
                           actor=CHAIRMAN, at=at(date(2024, 6, 11)))  # fmt: skip
    assert [one.decision.number, two.decision.number] == ["1/QĐ-UBND", "2/QĐ-UBND"]
    assert one.decision.authority == two.decision.authority == "UBND-THANH-OAI"


def test_decision_dates_never_go_backwards_within_a_register(app):
    """NĐ 30/2020 register of documents: number N+1 cannot carry a date before number N."""
    first = appraised(app, date(2024, 6, 3), nominees=[individual()])
    second = appraised(app, date(2024, 6, 3), nominees=[individual()])
    app.decide_award(first.id, approve=["n1"], authority="UBND-THANH-OAI", authority_level="DISTRICT",
                     decision_date=date(2024, 6, 20), actor=CHAIRMAN, at=at(date(2024, 6, 21)))  # fmt: skip
    with pytest.raises(DossierValidationError) as raised:
        app.decide_award(second.id, approve=["n1"], authority="UBND-THANH-OAI", authority_level="DISTRICT",
                         decision_date=date(2024, 6, 10), actor=CHAIRMAN, at=at(date(2024, 6, 21)))  # fmt: skip
    assert "20/06/2024" in raised.value.field_errors["decision_date"]
    later = app.decide_award(second.id, approve=["n1"], decision_date=date(2024, 6, 20), actor=CHAIRMAN,
                             at=at(date(2024, 6, 21)))  # fmt: skip
    assert later.decision.number == "2/QĐ-UBND"


# --- 4. dispatch 147, point 4: the level that launched a thematic movement decides ----------


def thematic_app(launching_level: str) -> Dossiers:
    view = CampaignView(
        campaign_id="c-1", name="Chung tay xây dựng nông thôn mới", kind="THEMATIC", status="launched",
        eligible=True, launching_level=launching_level,
    )  # fmt: skip
    return Dossiers(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, campaign_lookup=lambda _: view)


def thematic_dossier(app: Dossiers, **overrides: Any):
    dossier = appraised(
        app, date(2024, 6, 3), kind="THEMATIC", campaign_id="c-1", nominees=[collective()],
        attachments=attachments(*THEMATIC), **overrides,
    )  # fmt: skip
    app.record_council_check(
        dossier.id, confirmed=["certificate_merit"], meeting_date=date(2024, 6, 3), minutes_ref="BB 01",
        actor=SECRETARY, at=at(date(2024, 6, 4)),
    )  # fmt: skip
    app.appraise(dossier.id, actor=SECRETARY, at=at(date(2024, 6, 4), 10))
    return dossier


def test_a_thematic_award_of_a_commune_movement_goes_to_the_district_chairman_only_with_a_reason():
    """Dispatch 147/UBND-NV, point 4 (citing QĐ 876/QĐ-UBND of 2022): the level that launched a
    thematic movement considers its awards; it submits to the district chairman only for a large,
    district-wide impact, and that reason must be on record."""
    app = thematic_app("commune")
    dossier = thematic_dossier(app)
    with pytest.raises(DossierError) as raised:
        app.decide_award(
            dossier.id, approve=["n1"], authority="UBND-THANH-OAI", actor=CHAIRMAN, at=at(date(2024, 6, 10))
        )
    assert raised.value.code == "thematic_not_escalated"
    escalated = thematic_dossier(app, escalation_reason="Mô hình được nhân rộng ra toàn huyện")
    done = app.decide_award(escalated.id, approve=["n1"], actor=CHAIRMAN, at=at(date(2024, 6, 10)))
    assert done.status is DossierStatus.AWARDED


def test_a_thematic_award_of_a_district_movement_is_considered_by_the_district():
    """Dispatch 147, point 4: the launching level itself decides without further reason."""
    app = thematic_app("district")
    dossier = thematic_dossier(app)
    done = app.decide_award(dossier.id, approve=["n1"], actor=CHAIRMAN, at=at(date(2024, 6, 10)))
    assert done.decision.authority == "UBND-THANH-OAI"


def test_after_july_2025_the_commune_considers_a_district_movements_thematic_awards():
    """Dispatch 147, point 4 read with NĐ 129/2025 Art. 59: the commune chairman holds the
    district's former powers, so he is the level that considers a district movement's awards."""
    app = thematic_app("district")
    dossier = appraised(
        app, date(2025, 9, 3), kind="THEMATIC", campaign_id="c-1", nominees=[collective()],
        attachments=attachments(*THEMATIC), proposing_unit="XA-TAM-HUNG-2025",
    )  # fmt: skip
    app.record_council_check(
        dossier.id, confirmed=["certificate_merit"], meeting_date=date(2025, 9, 3), minutes_ref="BB 02",
        actor=SECRETARY, at=at(date(2025, 9, 4)),
    )  # fmt: skip
    app.appraise(dossier.id, actor=SECRETARY, at=at(date(2025, 9, 4), 10))
    done = app.decide_award(dossier.id, approve=["n1"], actor=CHAIRMAN, at=at(date(2025, 9, 10)))
    assert done.decision.authority == "XA-TAM-HUNG-2025"


def test_the_receipt_records_whom_the_dossier_is_addressed_to(app):
    """Law Art. 80: the clerk at the district desk receives for the district chairman; from
    1/7/2025 for the commune that covers the proposing unit (NQ 1656 Art. 1 point 66)."""
    assert received(app, date(2024, 6, 3)).deciding_authority == "UBND-THANH-OAI"
    later = received(app, date(2025, 9, 3), proposing_unit="XA-TAM-HUNG-2025")
    assert later.deciding_authority == "XA-TAM-HUNG-2025"
    assert CLERK.unit  # the desk clerk records; the authority is data
