"""Criteria and quotas: LĐTT outside the public sector, every CSTĐCS alternative, the 15 % cap over
the unit's year, the basis rule of NĐ 152 Art. 4(3), council checks where no record shows a
standard, the priority to women, and revotes on record."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.dossiers.application import Dossiers
from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.rules import RuleSet
from services.dossiers.domain.values import AnnulmentGround
from shared.workdays import local_date
from tests.support.dossiers import (
    ANNUAL,
    CHAIRMAN,
    SECRETARY,
    at,
    attachments,
    book,
    collective,
    fighter,
    given_in_appraisal,
    household,
    individual,
    next_moment,
    rules,
    submission,
    then_events,
)

FARMER = {
    "name": "Bùi Văn Tư",
    "gender": "MALE",
    "position": "Nông dân",
    "unit": "Thôn Đại Định, xã Tam Hưng",
    "sector": "OTHER",
    "performance_rating": None,
}


def appraise(dossier, rule_set_id: str, nominee_id: str = "n1"):
    dossier.appraise(rules=rules(rule_set_id), actor=SECRETARY, at=next_moment(dossier), nominee_ids=[nominee_id])
    return dossier.appraisals[nominee_id]


def council_confirms(dossier, rule_set_id: str, keys: list[str], nominee_ids=("n1",), reason: str | None = None):
    dossier.record_council_check(
        rules=rules(rule_set_id),
        nominee_ids=list(nominee_ids),
        confirmed=keys,
        meeting_date=local_date(dossier.last_at),
        minutes_ref="Biên bản họp Hội đồng 01/BB",
        actor=SECRETARY,
        at=next_moment(dossier),
        reason=reason,
    )


# --- 6. LĐTT outside the public sector; every CSTĐCS alternative --------------------------


@pytest.mark.parametrize("rule_set_id", ["2024-nd98", "2025-nd152"])
def test_an_advanced_worker_outside_the_public_sector_is_judged_without_a_rating(rule_set_id):
    """Law 06/2022 Art. 24.3: workers, farmers and others outside the public sector get LĐTT for
    productive work and exemplary conduct; they have no performance rating to ask for."""
    dossier = given_in_appraisal(rule_set_id, nominees=[individual(**FARMER)])
    council_confirms(dossier, rule_set_id, ["productive_work", "law_and_ethics"])
    finding = appraise(dossier, rule_set_id)
    assert finding.passed, finding.failures


def test_outside_the_public_sector_the_council_must_record_both_standards():
    """Law Art. 24.3(a)(b): neither standard shows in a record; the council must confirm each."""
    dossier = given_in_appraisal("2024-nd98", nominees=[individual(**FARMER)])
    council_confirms(dossier, "2024-nd98", ["productive_work"])
    finding = appraise(dossier, "2024-nd98")
    assert not finding.passed
    assert finding.failures == (
        "Hội đồng chưa xác nhận tiêu chuẩn: Gương mẫu chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của "
        "Nhà nước; có đạo đức, lối sống lành mạnh, đoàn kết, tương trợ, giúp đỡ mọi người trong cộng đồng",
    )


def test_an_official_still_needs_a_rating_for_advanced_worker():
    """Law Art. 24.1(a): "Hoàn thành tốt nhiệm vụ trở lên"."""
    dossier = given_in_appraisal("2024-nd98", nominees=[individual(performance_rating=None)])
    assert not appraise(dossier, "2024-nd98").passed


ALTERNATIVES = {
    "excellent rating": {"performance_rating": "EXCELLENT", "initiatives": []},
    "recognised initiative": {"performance_rating": "GOOD"},
    "accepted scientific work": {
        "performance_rating": "GOOD",
        "initiatives": [],
        "scientific_works": [{"title": "Đề tài cấp cơ sở về số hóa hồ sơ", "recognised_by": "Hội đồng nghiệm thu"}],
    },
    "ingenuity in combat": {
        "performance_rating": "GOOD",
        "initiatives": [],
        "combat_ingenuity": [{"title": "Cứu nạn trong lũ 2024", "recognised_by": "Ban Chỉ huy Quân sự"}],
    },
}


@pytest.mark.parametrize("rule_set_id", ["2024-nd98", "2025-nd152"])
@pytest.mark.parametrize("alternative", list(ALTERNATIVES))
def test_a_grassroots_fighter_may_meet_any_alternative_of_article_23_2(rule_set_id, alternative):
    """Law 06/2022 Art. 23.2: "Hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến được cơ sở công nhận
    hoặc có đề tài khoa học, đề án khoa học, công trình khoa học và công nghệ đã được nghiệm thu
    hoặc mưu trí, sáng tạo trong chiến đấu, phục vụ chiến đấu được đơn vị công nhận"."""
    dossier = given_in_appraisal(rule_set_id, nominees=[fighter(**ALTERNATIVES[alternative])])
    finding = appraise(dossier, rule_set_id)
    assert finding.passed, finding.failures


@pytest.mark.parametrize("alternative", ["recognised initiative", "accepted scientific work", "ingenuity in combat"])
def test_the_2023_set_keeps_the_alternatives_of_decree_91(alternative):
    """NĐ 91/2017 Art. 9.3(b): an initiative recognised by the unit, or an accepted scientific
    work applied there, or ingenuity in combat recognised by the unit."""
    dossier = given_in_appraisal("2023-nd91", nominees=[fighter(**ALTERNATIVES[alternative])])
    assert appraise(dossier, "2023-nd91").passed


def test_the_2023_set_has_no_excellent_rating_alternative():
    """NĐ 91/2017 Art. 9.3(b) names no excellent rating for officials (the Central Emulation and
    Commendation Board's reading): without an initiative, work or feat, no CSTĐCS in 2023."""
    dossier = given_in_appraisal("2023-nd91", nominees=[fighter(**ALTERNATIVES["excellent rating"])])
    assert not appraise(dossier, "2023-nd91").passed


# --- 7. the 15 % cap counts the unit's whole year -----------------------------------------


def annual(app: Dossiers, nominees: list[dict[str, Any]], day: date, unit: str = "XA-KIM-AN") -> Any:
    values = submission(proposing_unit=unit, nominees=nominees, emulation_year=2023)
    values.pop("deciding_authority", None)
    dossier = app.submit(at=at(day), **values)
    app.check_completeness(dossier.id, actor=SECRETARY, at=at(day, 10))
    app.appraise(dossier.id, actor=SECRETARY, at=at(day, 11))
    for n in app.get(dossier.id).nominees:
        if n.award == "GRASSROOTS_EMULATION_FIGHTER":
            app.record_council_vote(
                dossier.id, nominee_id=n.nominee_id, members_total=10, votes_for=10, votes_against=0,
                absent_in_writing=0, actor=SECRETARY, at=at(day, 14),
            )  # fmt: skip
    return app.get(dossier.id)


def decide_all(app: Dossiers, dossier, day: date):
    return app.decide_award(dossier.id, approve=list(dossier.nominee_ids), authority="UBND-THANH-OAI",
                            authority_level="DISTRICT", actor=CHAIRMAN, at=at(day))  # fmt: skip


def test_the_15_percent_cap_counts_every_advanced_worker_of_the_unit_in_the_year(app):
    """NĐ 91/2017 Art. 9.3: CSTĐCS at most 15 % of the individuals holding LĐTT — all of the
    unit's holders that year, not those of one decision. 10 LĐTT in March, then 1 CSTĐCS
    (who holds the LĐTT standard too) in June: 1 of 11, within 15 %."""
    march = annual(app, [individual()] * 10, date(2023, 3, 1))
    decide_all(app, march, date(2023, 3, 10))
    june = annual(app, [fighter()], date(2023, 6, 1))
    done = decide_all(app, june, date(2023, 6, 12))
    assert done.decision.number == "2/QĐ-UBND"


def test_the_15_percent_cap_counts_the_years_earlier_fighters_too(app):
    """NĐ 91/2017 Art. 9.3 over the year: 1 CSTĐCS among 8 in March, and 1 more CSTĐCS in June
    makes 2 of 9 (22 %): refused, though the June decision alone would be 1 of 1."""
    march = annual(app, [individual()] * 7 + [fighter()], date(2023, 3, 1))
    decide_all(app, march, date(2023, 3, 10))
    june = annual(app, [fighter()], date(2023, 6, 1))
    with pytest.raises(DossierValidationError) as raised:
        decide_all(app, june, date(2023, 6, 12))
    assert "(2, kể cả quyết định này)" in raised.value.field_errors["approve"]


def test_other_units_and_annulled_awards_do_not_count_toward_the_cap(app):
    """NĐ 91/2017 Art. 9.3 counts the unit's own holders: another unit's do not count, nor an
    award annulled (Law Art. 93). 10 LĐTT, 5 annulled: a lone CSTĐCS is 1 of 6 (16.7 %)."""
    decide_all(app, annual(app, [individual()] * 20, date(2023, 3, 1), unit="XA-BICH-HOA"), date(2023, 3, 10))
    mine = annual(app, [individual()] * 10, date(2023, 3, 1))
    decide_all(app, mine, date(2023, 3, 11))
    five = [f"n{i}" for i in range(1, 6)]
    app.annul_award(mine.id, ground=AnnulmentGround("a"), act_reference="KL 1", authority="UBND-THANH-OAI",
                    actor=CHAIRMAN, at=at(date(2023, 4, 3)), reason="Kê khai sai", nominee_ids=five)  # fmt: skip
    with pytest.raises(DossierValidationError):
        decide_all(app, annual(app, [fighter()], date(2023, 6, 1)), date(2023, 6, 12))
    assert decide_all(app, annual(app, [fighter(), individual()], date(2023, 6, 1)), date(2023, 6, 13)).decision


@pytest.mark.parametrize("rule_set_id", ["2024-nd98", "2025-nd152"])
def test_the_2022_law_sets_no_cap(rule_set_id):
    """Law 06/2022 and NĐ 98/2023, NĐ 152/2025 set no CSTĐCS ratio; a province's own policy would be
    rule-set data (none for Hà Nội was found)."""
    assert rules(rule_set_id).award("GRASSROOTS_EMULATION_FIGHTER").quota is None


# --- 8. NĐ 152 Art. 4(3) is a basis rule ----------------------------------------------------

THEMATIC_GIAY_KHEN = {"award": "CERTIFICATE_OF_MERIT", "award_type": "MOVEMENT", "thematic": True,
                      "year": 2024, "decision_ref": "12/QĐ-UBND"}  # fmt: skip


def test_an_award_that_merely_mentions_a_thematic_award_is_not_failed():
    """NĐ 152/2025 Art. 4(3): "Kết quả khen thưởng thành tích đột xuất, thi đua theo chuyên đề
    không dùng làm căn cứ để đề nghị cấp trên khen thưởng công trạng" — a rule about the basis of
    a proposal, not about what the file may mention."""
    dossier = given_in_appraisal("2025-nd152", nominees=[fighter(cited_awards=[THEMATIC_GIAY_KHEN])])
    assert appraise(dossier, "2025-nd152").passed


def test_an_ad_hoc_or_thematic_award_cannot_be_the_basis_of_a_higher_proposal():
    """NĐ 152/2025 Art. 4(3)."""
    dossier = given_in_appraisal(
        "2025-nd152", nominees=[fighter(cited_awards=[{**THEMATIC_GIAY_KHEN, "as_basis": True}])]
    )
    finding = appraise(dossier, "2025-nd152")
    assert not finding.passed and "khoản 3 Điều 4 Nghị định 152/2025/NĐ-CP" in finding.failures[0]


# --- 9. no empty criteria pass silently ---------------------------------------------------


@pytest.mark.parametrize(
    ("award", "nominee", "kind"),
    [
        ("ADVANCED_COLLECTIVE", collective(award="ADVANCED_COLLECTIVE"), "ANNUAL_TITLE"),
        ("CULTURAL_VILLAGE", collective(award="CULTURAL_VILLAGE", name="Thôn Đại Định"), "ANNUAL_TITLE"),
        ("CULTURAL_FAMILY", household(award="CULTURAL_FAMILY"), "ANNUAL_TITLE"),
        ("CERTIFICATE_OF_MERIT", collective(), "YEAR_END"),
    ],
)
@pytest.mark.parametrize("rule_set_id", ["2023-nd91", "2024-nd98", "2025-nd152"])
def test_a_title_without_a_recorded_check_does_not_pass(rule_set_id, award, nominee, kind):
    """Law Art. 75 (Giấy khen), the TTLĐTT standards, NĐ 86/2023 (thôn văn hóa, gia đình văn
    hóa): where no record shows a standard, the council's review must confirm it; an appraisal
    never passes a nominee on empty criteria."""
    dossier = given_in_appraisal(rule_set_id, nominees=[nominee], kind=kind, attachments=attachments(*ANNUAL))
    finding = appraise(dossier, rule_set_id)
    assert not finding.passed
    assert all(f.startswith("Hội đồng chưa xác nhận tiêu chuẩn: ") for f in finding.failures)
    keys = [c["key"] for c in dossier.required_council_checks(rules(rule_set_id))["n1"]]
    council_confirms(dossier, rule_set_id, keys)
    assert appraise(dossier, rule_set_id).passed


def test_a_rule_set_with_an_award_without_criteria_does_not_load():
    """Nothing passes silently: an award a dossier may ask for needs criteria or a council check."""
    data = book().get("2024-nd98").model_dump(mode="json")
    data["awards"]["ADVANCED_COLLECTIVE"]["criteria"] = []
    with pytest.raises(ValueError, match="ADVANCED_COLLECTIVE: no criteria"):
        RuleSet.model_validate(data)


@pytest.mark.parametrize("rule_set_id", ["2023-nd91", "2024-nd98", "2025-nd152"])
def test_the_excellent_collective_has_its_standards_and_amount_as_data(rule_set_id):
    """TTLĐXS: decided by a ministry or the province, not locally (no deciding level), its standards
    (council checks, unconfirmed) and 1.5 × the base salary (NĐ 152/2025 Art. 50.2(a)) as data."""
    award = rules(rule_set_id).award("EXCELLENT_COLLECTIVE")
    assert award.deciding_levels == [] and award.criteria
    assert str(award.rewards[0].multiplier) == "1.5"


def test_the_council_check_is_recorded_and_a_second_one_needs_a_reason():
    """The council's own record: what it confirmed, when, in which minutes; a second round for a
    nominee is a new event with its reason, the first stays in the history."""
    dossier = given_in_appraisal("2024-nd98", nominees=[collective(award="ADVANCED_COLLECTIVE")])
    council_confirms(dossier, "2024-nd98", ["tasks_done_well"])
    (event,) = then_events(dossier, "CouncilCheckRecorded")
    assert (event.confirmed, event.minutes_ref) == (["tasks_done_well"], "Biên bản họp Hội đồng 01/BB")
    with pytest.raises(DossierValidationError) as raised:
        council_confirms(dossier, "2024-nd98", ["movement_effective"])
    assert "phải nêu lý do" in raised.value.field_errors["reason"]
    council_confirms(dossier, "2024-nd98", ["tasks_done_well", "movement_effective"], reason="Họp bổ sung ngày 5/6")
    assert dossier.council_checks["n1"].round == 2


def test_a_council_check_key_the_award_does_not_ask_for_is_refused():
    dossier = given_in_appraisal("2024-nd98", nominees=[individual()])
    with pytest.raises(DossierValidationError) as raised:
        council_confirms(dossier, "2024-nd98", ["village_economy"])
    assert "village_economy" in raised.value.field_errors["confirmed.n1"]


# --- 10. priority to women, shown in the appraisal ------------------------------------------


def test_the_appraisal_shows_the_priority_to_women_when_achievements_are_equal():
    """NĐ 152/2025 Art. 4(6): "Khi có nhiều cá nhân, tập thể cùng đủ điều kiện, tiêu chuẩn thì lựa
    chọn cá nhân nữ hoặc tập thể có tỷ lệ nữ từ 70% trở lên để xét khen thưởng"."""
    dossier = given_in_appraisal(
        "2025-nd152",
        nominees=[individual(), individual(name="Lê Văn Nam", gender="MALE")],
    )
    dossier.appraise(rules=rules("2025-nd152"), actor=SECRETARY, at=next_moment(dossier))
    woman, man = then_events(dossier, "NomineeAppraised", "NomineeAppraised")
    assert woman.notes == [
        "Ưu tiên khi có nhiều đối tượng cùng đủ điều kiện, tiêu chuẩn: cá nhân nữ "
        "(khoản 6 Điều 4 Nghị định 152/2025/NĐ-CP)."
    ]
    assert man.notes == []
    assert dossier.appraisals["n1"].notes == tuple(woman.notes)


def test_a_collective_with_seventy_percent_women_has_the_priority():
    """NĐ 152/2025 Art. 4(6): collectives with at least 70 % women."""
    dossier = given_in_appraisal(
        "2025-nd152",
        nominees=[collective(award="ADVANCED_COLLECTIVE", share_of_women=0.7),
                  collective(award="ADVANCED_COLLECTIVE", share_of_women=0.69)],
    )  # fmt: skip
    keys = [c["key"] for c in dossier.required_council_checks(rules("2025-nd152"))["n1"]]
    council_confirms(dossier, "2025-nd152", keys, nominee_ids=("n1", "n2"))
    dossier.appraise(rules=rules("2025-nd152"), actor=SECRETARY, at=next_moment(dossier))
    assert "tập thể có tỷ lệ nữ từ 70% trở lên" in dossier.appraisals["n1"].notes[0]
    assert dossier.appraisals["n2"].notes == ()


# --- 11. a revote is recorded with its reason, never an overwrite ---------------------------


def vote(dossier, votes_for: int, **reason: str):
    return dossier.record_council_vote(
        rules=rules("2024-nd98"), nominee_id="n2", members_total=10, votes_for=votes_for,
        votes_against=10 - votes_for, absent_in_writing=0, actor=SECRETARY, at=next_moment(dossier), **reason,
    )  # fmt: skip


def test_a_second_council_vote_is_a_recorded_revote_with_its_reason():
    """NĐ 98/2023 Art. 30.7 (the council's ballot, minuted): a second ballot on a nominee does not
    replace the first; it is a revote, with its reason, and both stay on record."""
    dossier = given_in_appraisal()
    vote(dossier, 7)
    with pytest.raises(DossierValidationError) as raised:
        vote(dossier, 9)
    assert "bỏ phiếu lại phải nêu lý do" in raised.value.field_errors["reason"]
    second = vote(dossier, 9, reason="Thành viên vắng mặt gửi phiếu bằng văn bản sau cuộc họp")
    assert (second.ballot_round, second.passed) == (2, True)
    first, again = dossier.vote_history["n2"]
    assert (first.votes_for, first.passed, first.reason) == (7, False, None)
    assert again.reason == "Thành viên vắng mặt gửi phiếu bằng văn bản sau cuộc họp"


def test_the_latest_ballot_governs_the_decision():
    from tests.support.dossiers import powers_on, signer

    dossier = given_in_appraisal()
    vote(dossier, 9)
    vote(dossier, 6, reason="Phát hiện đơn thư phản ánh")
    dossier.appraise(rules=rules("2024-nd98"), actor=SECRETARY, at=next_moment(dossier))
    moment = next_moment(dossier)
    with pytest.raises(DossierError, match="không đạt tỷ lệ phiếu bầu"):
        dossier.decide_award(
            rules=rules("2024-nd98"), powers=powers_on(moment), authority=signer("UBND-THANH-OAI"),
            base_salary_vnd=2_340_000, number=1, approve=["n1", "n2"], actor=CHAIRMAN, at=moment,
        )  # fmt: skip
