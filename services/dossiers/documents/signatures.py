"""The chairman's digitally signed decision: PAdES signatures checked and made with pyHanko.

A signed PDF is accepted only when every signature in it is intact (the signed bytes are the
file's bytes), cryptographically valid, made with a certificate that chains to one of the
configured trust roots (the government CA in production; a test CA in the tests), and when the
last signature covers the whole file (nothing appended after signing). The file must also be
the decision it claims to be: its text carries the decision's number. Revocation is checked
softly and without fetching (this network reaches no CRL or OCSP responder); production can
add fetching where it can reach them.

Signing "through a configured signing service" is the PKCS#12 signer below: a key and its
certificate the office keeps for the chairman (`TDKT_DOSSIERS_SIGNING_PKCS12`). Whatever signs,
the result goes through the same verification as an upload.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import pem, x509

from services.dossiers.domain.errors import DossierValidationError


class SignatureRefused(DossierValidationError):
    """The file is not a validly signed decision; the message says why, for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__({"file": message})
        self.message = message


class SigningUnavailable(RuntimeError):
    """No trust roots, or no signing key, configured."""


def load_certificates(paths: Sequence[Path]) -> list[x509.Certificate]:
    """Certificates from PEM (one or many per file) or DER files."""
    found: list[x509.Certificate] = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            found += [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        else:
            found.append(x509.Certificate.load(data))
    return found


@dataclass(frozen=True)
class VerifiedSignature:
    signer_subject: str
    signer_serial: str
    signer_issuer: str
    certificate_sha256: str
    trust_root: str
    signed_at: datetime | None
    sha256: str
    size: int


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def verify_signed_pdf(
    data: bytes, trust_roots: Sequence[x509.Certificate], *, decision_number: str | None = None
) -> VerifiedSignature:
    """Check a signed PDF (see the module docstring); raises `SignatureRefused` with the reason."""
    # pyHanko and pypdf (~25 MiB) are imported when a signature is first checked, not at start.
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext
    from pypdf import PdfReader

    if not trust_roots:
        raise SigningUnavailable(
            "Chưa cấu hình chứng thư gốc tin cậy (TDKT_DOSSIERS_SIGNATURE_TRUST_ROOTS): chưa kiểm tra được chữ ký số."
        )
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        raise SignatureRefused("Tệp không phải là tệp PDF đọc được.") from None
    if not signatures:
        raise SignatureRefused("Tệp PDF không có chữ ký số.")
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False, revocation_mode="soft-fail")
    status = None
    for signature in signatures:
        try:
            status = validate_pdf_signature(signature, signer_validation_context=context)
        except Exception as exc:  # a malformed signature dictionary or CMS blob
            raise SignatureRefused(f"Không đọc được chữ ký số trong tệp ({type(exc).__name__}).") from None
        if not status.intact:
            raise SignatureRefused("Nội dung tệp không khớp chữ ký số: tệp đã bị thay đổi sau khi ký.")
        if not status.valid:
            raise SignatureRefused("Chữ ký số không hợp lệ.")
        if not status.trusted:
            subject = status.signing_cert.subject.human_friendly if status.signing_cert else "không rõ"
            raise SignatureRefused(
                f"Chứng thư số của người ký ({subject}) không do tổ chức chứng thực được tin cậy cấp, "
                "hoặc đã hết hiệu lực."
            )
    assert status is not None
    if status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        raise SignatureRefused("Tệp có nội dung được thêm vào sau chữ ký số cuối cùng.")
    if decision_number:
        try:
            text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
        except Exception:
            text = ""
        if _normalised(decision_number) not in _normalised(text):
            raise SignatureRefused(f"Tệp đã ký không phải là Quyết định số {decision_number} (không thấy số này).")
    cert = status.signing_cert
    path = getattr(status, "validation_path", None)
    root = ""
    if path is not None:
        anchor = getattr(path, "trust_anchor", None)
        root = getattr(getattr(anchor, "authority", None), "name", None)
        root = root.human_friendly if root is not None else ""
    return VerifiedSignature(
        signer_subject=cert.subject.human_friendly,
        signer_serial=format(cert.serial_number, "x"),
        signer_issuer=cert.issuer.human_friendly,
        certificate_sha256=hashlib.sha256(cert.dump()).hexdigest(),
        trust_root=root or cert.issuer.human_friendly,
        signed_at=status.signer_reported_dt,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


class Pkcs12Signer:
    """The configured signing service: a PKCS#12 key and certificate (with its chain)."""

    def __init__(self, path: Path, passphrase: bytes | None) -> None:
        from pyhanko.sign import signers

        self.path = path
        self._signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(path), passphrase=passphrase)
        if self._signer is None:
            raise SigningUnavailable(f"Không mở được khóa ký số {path} (sai mật khẩu hoặc tệp hỏng).")

    @property
    def subject(self) -> str:
        return self._signer.signing_cert.subject.human_friendly

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        """The PDF with a PAdES signature appended (an incremental update: the original bytes stay)."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name="ChuKySo",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
        )
        return signers.sign_pdf(writer, meta, signer=self._signer).getvalue()
