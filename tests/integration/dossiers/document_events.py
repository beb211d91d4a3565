"""Dossiers through the document events (signed decision, certificates printed, forwarded
upward, the higher level's result) at the application level, with the files' metadata given
directly: what is published is tested here, the files themselves in the documents tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from services.dossiers.application import Dossiers
from services.dossiers.documents.records import HigherLevelOutcome, PackageFile, SignedDocument, SigningMethod
from tests.support.dossiers import AUTHORITY, CHAIRMAN, CLERK, SECRETARY, at, attachments, submission

KHEN_CAO = [
    {
        "kind": "INDIVIDUAL",
        "name": "Lê Thị Mai",
        "award": "COMMENDATION",
        "position": "Công chức",
        "unit": "UBND xã Bích Hòa",
        "gender": "FEMALE",
    }
]


def signed_document(number: str) -> SignedDocument:
    return SignedDocument(
        sha256="a" * 64,
        size=1234,
        name="quyet-dinh-da-ky.pdf",
        decision_number=number,
        signer_subject="Common Name: Trần Văn Bình",
        signer_serial="1f",
        signer_issuer="Common Name: Test CA",
        certificate_sha256="b" * 64,
        trust_root="Common Name: Test CA",
        signed_at=datetime(2024, 6, 12, 9, tzinfo=UTC),
        method=SigningMethod.UPLOADED,
    )


def document_events(app: Dossiers, decided: Any) -> None:
    """`decided`: an awarded dossier of 2024 (its number N/QĐ-UBND)."""
    number = decided.decision.number
    app._command(
        decided.id,
        None,
        lambda d: d.record_signed_decision(document=signed_document(number), actor=CHAIRMAN, at=at(date(2024, 6, 13))),
    )
    app._command(
        decided.id,
        None,
        lambda d: d.record_certificate_prints(
            batch_id="batch-1",
            blank_id="giay-khen-a4-ngang",
            offset_x_mm=0.5,
            offset_y_mm=-1.0,
            pdf_sha256="c" * 64,
            nominee_ids=["n1"],
            actor=CLERK,
            at=at(date(2024, 6, 14)),
        ),
    )
    h = app.submit(
        at=at(date(2024, 6, 3)),
        **submission(
            proposing_unit="XA-BICH-HOA",
            kind="HIGHER_LEVEL",
            award_type="MERIT",
            nominees=KHEN_CAO,
            attachments=attachments("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES"),
        ),
    )
    app.check_completeness(h.id, actor=SECRETARY, at=at(date(2024, 6, 4)))
    app.record_council_check(
        h.id,
        confirmed=["commendation_merit"],
        meeting_date=date(2024, 6, 4),
        minutes_ref="04/BB-HĐTĐKT",
        actor=SECRETARY,
        at=at(date(2024, 6, 4), 10),
    )
    app.record_council_vote(
        h.id,
        nominee_id="n1",
        members_total=10,
        votes_for=9,
        votes_against=1,
        absent_in_writing=0,
        actor=SECRETARY,
        at=at(date(2024, 6, 4), 11),
    )
    app.appraise(h.id, actor=SECRETARY, at=at(date(2024, 6, 4), 12))
    rules = app.rules_of(app.get(h.id))
    powers = app.rule_book.for_date(date(2024, 6, 5))
    signer = app.authority(AUTHORITY)
    app._command(
        h.id,
        None,
        lambda d: d.forward_upward(
            rules=rules,
            powers=powers,
            authority=signer,
            to_authority="Chủ tịch UBND thành phố Hà Nội",
            proposal_number="15/TTr-UBND",
            proposal_date=date(2024, 6, 5),
            nominee_ids=["n1"],
            package_sha256="d" * 64,
            package_size=4096,
            files=[PackageFile("01-to-trinh/to-trinh.docx", "Tờ trình", "SUBMISSION_MEMO", "docx", "e" * 64, 100)],
            actor=SECRETARY,
            at=at(date(2024, 6, 5)),
        ),
    )
    app._command(
        h.id,
        None,
        lambda d: d.record_higher_level_result(
            outcome=HigherLevelOutcome.AWARDED,
            decided_by="Chủ tịch UBND thành phố Hà Nội",
            decision_number="3456/QĐ-UBND",
            decision_date=date(2024, 7, 1),
            actor=SECRETARY,
            at=at(date(2024, 7, 3)),
        ),
    )
