"""Published events about an award's documents (`tdkt.award.document_signed`,
`tdkt.award.certificates_printed`) and about a dossier forwarded upward (`tdkt.dossier.forwarded`,
`tdkt.dossier.higher_level_result_recorded`). Files travel as links and SHA-256 digests, never
as content: a subscriber downloads what it needs and can check it against the digest."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import published
from shared.contracts.campaigns import UnitInfo
from shared.contracts.dossiers import DocumentLink, DossierEvent


@published
class AwardDocumentSigned(DossierEvent):
    """The deciding authority's decision was signed digitally (PAdES) and its signature verified
    against the trusted certification authorities; the PDF's SHA-256 is recorded."""

    subject: ClassVar[str] = "tdkt.award.document_signed"
    decision_number: str
    sha256: str = Field(description="SHA-256 of the signed PDF, hex")
    size: int
    signer_subject: str = Field(description="Subject of the signer's certificate")
    signer_serial: str = Field(description="Serial number of the signer's certificate, hex")
    signer_issuer: str
    certificate_sha256: str = Field(description="SHA-256 of the signer's certificate (DER), hex")
    trust_root: str = Field(description="The trusted authority the certificate chains to")
    signed_at: datetime | None = Field(None, description="Signing time the signature states")
    method: str = Field(description="UPLOADED | SIGNING_SERVICE")
    document_url: str = Field(description="Where the signed PDF is downloaded")
    links: list[DocumentLink] = []


class CertificatePrintInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    nominee_id: str
    copy_number: int = Field(description="1 for the first certificate; 2, 3… for reprints")
    reprint: bool
    reprint_reason: str | None = None


@published
class AwardCertificatesPrinted(DossierEvent):
    """Certificates of this dossier's awardees were printed onto pre-printed blanks (one batch
    may span several dossiers: each gets this event with the same `batch_id`)."""

    subject: ClassVar[str] = "tdkt.award.certificates_printed"
    batch_id: str
    blank_id: str
    printed_on: date
    offset_x_mm: float
    offset_y_mm: float
    pdf_sha256: str
    prints: list[CertificatePrintInfo]


class PackageFileInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str = Field(description="Path inside the zip")
    title: str
    kind: str = Field(description="Attachment kind (SUBMISSION_MEMO, …)")
    format: str = Field(description="docx | pdf | …")
    sha256: str
    size: int


@published
class DossierForwarded(DossierEvent):
    """The unit forwarded the dossier to the higher level (khen cao) with its own proposal and
    vote; the package is a zip of every document in Word and PDF plus `manifest.json`."""

    subject: ClassVar[str] = "tdkt.dossier.forwarded"
    round: int = Field(description="1 for the first forwarding; more after a return")
    by_authority: UnitInfo
    to_authority: str
    proposal_number: str
    proposal_date: date
    nominee_ids: list[str]
    package_sha256: str
    package_size: int
    package_url: str
    files: list[PackageFileInfo] = []
    warnings: list[str] = Field([], description="Documents sent without a Word or PDF counterpart")


@published
class DossierHigherLevelResultRecorded(DossierEvent):
    """What the higher level did with a forwarded dossier: its decision, or its return with reasons."""

    subject: ClassVar[str] = "tdkt.dossier.higher_level_result_recorded"
    outcome: str = Field(description="AWARDED | RETURNED")
    decided_by: str
    decision_number: str | None = None
    decision_date: date | None = None
    awarded_ids: list[str] = []
    not_awarded: dict[str, list[str]] = {}
    reasons: list[str] = []
