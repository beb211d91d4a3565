"""Events as the other services publish them, built with the contract classes in `shared/contracts`.

One builder per event type the notifications service handles; the integration and end-to-end
tests reuse them to publish real messages. Dates are those of the Thanh Oai 2023 demo data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.contracts import campaigns as c
from shared.contracts import documents as docs
from shared.contracts import dossiers as d
from shared.contracts.base import ActorInfo, EventContract

SECRETARIAT_CLERK = ActorInfo(id="cv.phongnoivu", role="council_secretariat", unit="PNV")
SYSTEM = ActorInfo(id="system", role="system", unit="")
OCCURRED = datetime(2023, 6, 1, 2, 30, tzinfo=UTC)  # 09:30 in Vietnam
DOSSIER_ID = "5b1c7f0e-9d1e-4d55-9a77-3a1f2b6c8e01"
CAMPAIGN_ID = "0f8e2d4c-6a1b-4e3d-8c2b-1a9f7e6d5c40"


def envelope(event_id: str, aggregate_id: str, version: int, actor: ActorInfo = SECRETARIAT_CLERK) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "source": "/services/dossiers",
        "occurred_at": OCCURRED,
        "actor": actor,
        "aggregate_id": aggregate_id,
        "aggregate_version": version,
    }


def nominees() -> list[d.NomineeInfo]:
    return [
        d.NomineeInfo(
            nominee_id="n1",
            kind="INDIVIDUAL",
            name="Nguyễn Thị Hương",
            award="GRASSROOTS_EMULATION_FIGHTER",
            position="Giáo viên",
            unit="Trường THCS Kim Bài",
            gender="FEMALE",
            email="huong.nt@thcskimbai.example",
        ),
        d.NomineeInfo(
            nominee_id="n2",
            kind="COLLECTIVE",
            name="Tổ Khoa học tự nhiên",
            award="ADVANCED_COLLECTIVE",
            unit="Trường THCS Kim Bài",
            size=12,
            share_of_women=0.75,
        ),
    ]


def dossier(
    *,
    dossier_id: str = DOSSIER_ID,
    status: str = "RECEIVED",
    kind: str = "ANNUAL_TITLE",
    appointment: date | None = date(2023, 6, 15),
    unit: str = "PGDDT",
    unit_name: str = "Phòng Giáo dục và Đào tạo",
    **extra: Any,
) -> d.DossierSnapshot:
    return d.DossierSnapshot(
        dossier_id=dossier_id,
        receipt_number="000.00.19.H26-230601-0007",
        status=status,
        channel="ONE_STOP_DESK",
        proposing_unit=c.UnitInfo(code=unit, name=unit_name),
        award_type="MOVEMENT" if kind == "THEMATIC" else "MERIT",
        kind=kind,
        procedure="NORMAL",
        campaign_id=CAMPAIGN_ID if kind == "THEMATIC" else None,
        emulation_year=2023,
        rule_set_id="2023-nd91",
        received_on=date(2023, 6, 1),
        appointment_date=appointment,
        nominees=nominees(),
        **extra,
    )


def campaign(*, status: str = "launched", end: date = date(2023, 12, 31)) -> c.CampaignSnapshot:
    return c.CampaignSnapshot(
        campaign_id=CAMPAIGN_ID,
        code="PT-2023-CDS",
        name="Chuyển đổi số trong cơ quan hành chính",
        kind="thematic",
        status=status,
        lead_unit=c.UnitInfo(code="PVHTT", name="Phòng Văn hóa và Thông tin"),
        launching_level="district",
        start_date=date(2023, 3, 1),
        end_date=end,
        has_directive=True,
        has_plan=True,
        registration_number="12/ĐK-PNV",
        registered_on=date(2023, 2, 28),
        review_due_on=date(2024, 1, 30),
        eligibility=c.EligibilityInfo(
            eligible=False,
            reasons=[c.EligibilityReasonInfo(code="no_review", message="Chưa có báo cáo sơ kết hoặc tổng kết")],
        ),
    )


def dossier_submitted(event_id: str = "dossiers-1", **snapshot: Any) -> d.DossierSubmitted:
    return d.DossierSubmitted(
        **envelope(event_id, snapshot.get("dossier_id", DOSSIER_ID), 1),
        dossier=dossier(**snapshot),
        attachments=[
            d.AttachmentInfo(name="To-trinh-07.pdf", kind="SUBMISSION_MEMO", size=120_000, sha256="ab" * 32),
            d.AttachmentInfo(name="Bao-cao-thanh-tich.docx", kind="ACHIEVEMENT_REPORT", size=80_000, sha256="cd" * 32),
        ],
    )


def supplement_requested(event_id: str = "dossiers-2") -> d.DossierSupplementRequested:
    return d.DossierSupplementRequested(
        **envelope(event_id, DOSSIER_ID, 2),
        dossier=dossier(status="AWAITING_SUPPLEMENT", appointment=None),
        missing=["Biên bản bình xét", "Chứng nhận sáng kiến / xác nhận hoàn thành xuất sắc nhiệm vụ"],
        reason="Thiếu biên bản họp Hội đồng thi đua của trường",
    )


def refused(event_id: str = "dossiers-3", kind: str = "THEMATIC") -> d.DossierRefused:
    return d.DossierRefused(
        **envelope(event_id, DOSSIER_ID, 3),
        dossier=dossier(status="REFUSED", kind=kind),
        reasons=[
            "Không đủ điều kiện khen thưởng chuyên đề theo Công văn số 147 (2023): "
            "Phong trào chưa có báo cáo sơ kết hoặc tổng kết"
        ],
    )


def awaiting_campaign(event_id: str = "dossiers-4") -> d.DossierAwaitingCampaign:
    return d.DossierAwaitingCampaign(
        **envelope(event_id, DOSSIER_ID, 2),
        dossier=dossier(status="AWAITING_CAMPAIGN", kind="THEMATIC"),
        campaign_id=CAMPAIGN_ID,
        reasons=[f"Chưa có thông tin về phong trào thi đua mã {CAMPAIGN_ID}; chờ đồng bộ từ hệ thống phong trào."],
    )


def council_vote(event_id: str = "dossiers-5", passed: bool = True) -> d.DossierCouncilVoteRecorded:
    return d.DossierCouncilVoteRecorded(
        **envelope(event_id, DOSSIER_ID, 5),
        dossier=dossier(status="IN_APPRAISAL"),
        nominee_id="n1",
        members_total=9,
        votes_for=8 if passed else 6,
        votes_against=1 if passed else 3,
        absent_in_writing=1,
        threshold_percent=80.0,
        passed=passed,
        meeting_date=date(2023, 6, 8),
    )


def council_check(event_id: str = "dossiers-10", not_confirmed: bool = False) -> d.DossierCouncilCheckRecorded:
    return d.DossierCouncilCheckRecorded(
        **envelope(event_id, DOSSIER_ID, 5),
        dossier=dossier(status="IN_APPRAISAL"),
        nominee_id="n2",
        confirmed=[] if not_confirmed else ["movement_effective"],
        not_confirmed=["movement_effective"] if not_confirmed else [],
        meeting_date=date(2023, 6, 8),
        minutes_ref="Biên bản số 05/BB-HĐTĐKT",
        reason="Hội đồng họp lại sau ý kiến của Phòng Giáo dục" if not_confirmed else None,
    )


def passed_to_successor(event_id: str = "dossiers-11") -> d.DossierPassedToSuccessor:
    """The district ended on 30/6/2025; xã Thanh Oai took over the dossier (NĐ 129/2025 Art. 59)."""
    return d.DossierPassedToSuccessor(
        **envelope(event_id, DOSSIER_ID, 4, actor=SYSTEM),
        dossier=dossier(
            status="IN_APPRAISAL",
            unit="XA-BICH-HOA",
            unit_name="Ủy ban nhân dân xã Bích Hòa",
            appointment=date(2025, 7, 10),
            deciding_authority=c.UnitInfo(code="XA-BINH-MINH-2025", name="Ủy ban nhân dân xã Bình Minh"),
        ),
        from_authority=c.UnitInfo(code="UBND-THANH-OAI", name="Ủy ban nhân dân huyện Thanh Oai"),
        to_authority=c.UnitInfo(code="XA-BINH-MINH-2025", name="Ủy ban nhân dân xã Bình Minh"),
        ended_on=date(2025, 6, 30),
        reason="Nghị quyết 1656/NQ-UBTVQH15 về sắp xếp đơn vị hành chính cấp xã",
    )


def award_decided(event_id: str = "dossiers-6") -> d.AwardDecided:
    return d.AwardDecided(
        **envelope(event_id, DOSSIER_ID, 6),
        dossier=dossier(status="AWARDED", decision_number="125/QĐ-UBND", decision_date=date(2023, 6, 12)),
        decision_number="125/QĐ-UBND",
        decision_date=date(2023, 6, 12),
        authority="Chủ tịch UBND huyện Thanh Oai",
        authority_level="DISTRICT",
        approvals=[
            d.ApprovalInfo(
                nominee_id="n1",
                award="GRASSROOTS_EMULATION_FIGHTER",
                multiplier="1.0",
                base_salary_vnd=1_490_000,
                cash_reward_vnd=1_490_000,
            )
        ],
        rejections={"n2": ["Chưa đủ tỷ lệ hoàn thành xuất sắc nhiệm vụ"]},
    )


def award_rejected(event_id: str = "dossiers-7") -> d.AwardRejected:
    return d.AwardRejected(
        **envelope(event_id, DOSSIER_ID, 6),
        dossier=dossier(status="REJECTED"),
        decision_date=date(2023, 6, 12),
        authority="Chủ tịch UBND huyện Thanh Oai",
        authority_level="DISTRICT",
        rejections={"n1": ["Không đạt tỷ lệ phiếu đồng ý của Hội đồng"], "n2": ["Hồ sơ thiếu biên bản bình xét"]},
    )


def deadline_extended(event_id: str = "dossiers-8") -> d.DossierDeadlineExtended:
    return d.DossierDeadlineExtended(
        **envelope(event_id, DOSSIER_ID, 4),
        dossier=dossier(status="IN_APPRAISAL", appointment=date(2023, 6, 22)),
        previous_date=date(2023, 6, 15),
        new_date=date(2023, 6, 22),
        reason="Chờ ý kiến hiệp y của Phòng Tư pháp",
    )


def award_annulled(event_id: str = "dossiers-9") -> d.AwardAnnulled:
    return d.AwardAnnulled(
        **envelope(event_id, DOSSIER_ID, 8),
        dossier=dossier(status="ANNULLED", decision_number="125/QĐ-UBND"),
        nominee_ids=["n1"],
        ground="b",
        act_reference="Kết luận thanh tra số 15/KL-TTr ngày 02/10/2023",
        decision_number="125/QĐ-UBND",
        authority="Chủ tịch UBND huyện Thanh Oai",
        reason="Hồ sơ sáng kiến không trung thực",
    )


def document_signed(event_id: str = "dossiers-10") -> docs.AwardDocumentSigned:
    base = f"https://tdkt.example/dossiers/{DOSSIER_ID}"
    return docs.AwardDocumentSigned(
        **envelope(event_id, DOSSIER_ID, 7),
        dossier=dossier(status="AWARDED", decision_number="125/QĐ-UBND", decision_date=date(2023, 6, 12)),
        decision_number="125/QĐ-UBND",
        sha256="ab" * 32,
        size=65_000,
        signer_subject="Common Name: Trần Văn Bình",
        signer_serial="1f",
        signer_issuer="Common Name: Test CA",
        certificate_sha256="cd" * 32,
        trust_root="Common Name: Test CA",
        method="UPLOADED",
        document_url=f"{base}/signed-decision.pdf",
        links=[
            d.DocumentLink(kind="signed_decision", title="Quyết định đã ký số", url=f"{base}/signed-decision.pdf"),
            d.DocumentLink(kind="certificate", title="Giấy khen (bản điện tử)", url=f"{base}/certificates/n1.pdf"),
        ],
    )


def forwarded(event_id: str = "dossiers-11") -> docs.DossierForwarded:
    return docs.DossierForwarded(
        **envelope(event_id, DOSSIER_ID, 7),
        dossier=dossier(status="FORWARDED"),
        round=1,
        by_authority={"code": "UBND-THANH-OAI", "name": "Ủy ban nhân dân huyện Thanh Oai"},
        to_authority="Chủ tịch UBND thành phố Hà Nội",
        proposal_number="15/TTr-UBND",
        proposal_date=date(2023, 6, 20),
        nominee_ids=["n1"],
        package_sha256="ef" * 32,
        package_size=120_000,
        package_url=f"https://tdkt.example/dossiers/{DOSSIER_ID}/forwarding/package.zip",
    )


def higher_level_result(event_id: str = "dossiers-12", awarded: bool = True) -> docs.DossierHigherLevelResultRecorded:
    return docs.DossierHigherLevelResultRecorded(
        **envelope(event_id, DOSSIER_ID, 8),
        dossier=dossier(status="HIGHER_LEVEL_AWARDED" if awarded else "HIGHER_LEVEL_RETURNED"),
        outcome="AWARDED" if awarded else "RETURNED",
        decided_by="Chủ tịch UBND thành phố Hà Nội",
        decision_number="3456/QĐ-UBND" if awarded else None,
        decision_date=date(2023, 7, 20) if awarded else None,
        awarded_ids=["n1"] if awarded else [],
        reasons=[] if awarded else ["Thiếu xác nhận của cơ quan thuế"],
    )


def registration_returned(event_id: str = "campaigns-3") -> c.CampaignRegistrationReturned:
    return c.CampaignRegistrationReturned(
        **{**envelope(event_id, CAMPAIGN_ID, 2), "source": "/services/campaigns"},
        campaign=campaign(status="registration_returned"),
        reasons=["Kế hoạch chưa nêu chỉ tiêu cụ thể", "Thiếu văn bản chỉ đạo"],
        returned_on=date(2023, 2, 27),
    )


def review_overdue(event_id: str = "campaigns-9") -> c.CampaignReviewOverdue:
    return c.CampaignReviewOverdue(
        **{**envelope(event_id, CAMPAIGN_ID, 6, SYSTEM), "source": "/services/campaigns"},
        campaign=campaign(status="launched"),
        review_due_on=date(2024, 1, 30),
        flagged_on=date(2024, 1, 31),
        review_due_days=30,
    )


def launched(event_id: str = "campaigns-4", *, end: date = date(2023, 12, 31)) -> c.CampaignLaunched:
    return c.CampaignLaunched(
        **{**envelope(event_id, CAMPAIGN_ID, 3), "source": "/services/campaigns"},
        campaign=campaign(status="launched", end=end),
        launched_on=date(2023, 3, 1),
    )


ALL_HANDLED: dict[str, EventContract] = {
    e.subject: e
    for e in (
        dossier_submitted(),
        supplement_requested(),
        refused(),
        awaiting_campaign(),
        council_vote(),
        council_check(),
        passed_to_successor(),
        award_decided(),
        award_rejected(),
        deadline_extended(),
        award_annulled(),
        document_signed(),
        forwarded(),
        higher_level_result(),
        registration_returned(),
        review_overdue(),
    )
}
"""One sample of every event type the catalogue names."""


def payload(event: EventContract) -> dict[str, Any]:
    """As it travels on the wire (JSON types)."""
    return event.payload()
