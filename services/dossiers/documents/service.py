"""The documents of a dossier as use cases: drafts in Word and PDF, the signed decision,
certificate batches, and forwarding upward with the higher level's result.

It reads dossiers from the `Dossiers` application and records what happened on them through the
application's command plumbing (optimistic concurrency, 409 on a lost race); the files go to the
blob store (content-addressed), so every recorded SHA-256 can be downloaded and checked.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.dossiers.application import Dossiers
from services.dossiers.blobs import BlobStore
from services.dossiers.documents import context as ctx
from services.dossiers.documents import wording as w
from services.dossiers.documents.certificates import (
    Blank,
    BlankBook,
    BlankCalibration,
    CertificateText,
    calibration_page,
    print_batch,
)
from services.dossiers.documents.package import PackageEntry, build_package, file_format, slug
from services.dossiers.documents.records import HigherLevelOutcome, SignedDocument, SigningMethod, document_links
from services.dossiers.documents.render import DOCX_TYPE, PDF_TYPE, DocumentRenderer
from services.dossiers.documents.signatures import Pkcs12Signer, SigningUnavailable, verify_signed_pdf
from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.errors import DossierConcurrencyError, DossierError, DossierValidationError
from services.dossiers.domain.values import NomineeKind, Title, label
from shared.actor import Actor
from shared.reference.org_units import OrgUnitDirectory
from shared.workdays import local_date

KINDS: dict[str, str] = {
    "to-trinh": "Tờ trình đề nghị khen thưởng",
    "tom-tat-thanh-tich": "Tóm tắt thành tích",
    "bien-ban-hop-hoi-dong": "Biên bản họp Hội đồng Thi đua – Khen thưởng",
    "quyet-dinh": "Quyết định khen thưởng",
}
FORMATS = {"docx": DOCX_TYPE, "pdf": PDF_TYPE}


@dataclass(frozen=True)
class RenderedFile:
    data: bytes
    filename: str
    content_type: str


class DocumentService:
    def __init__(
        self,
        app: Dossiers,
        units: OrgUnitDirectory,
        blobs: BlobStore,
        *,
        renderer: DocumentRenderer,
        offices: ctx.OfficeBook,
        blanks: BlankBook,
        trust_roots: Sequence[Any] = (),
        signer: Pkcs12Signer | None = None,
        public_url: str = "",
    ) -> None:
        self.app, self.units, self.blobs = app, units, blobs
        self.renderer, self.offices, self.blanks = renderer, offices, blanks
        self.trust_roots = list(trust_roots)
        self.signer = signer
        self.public_url = public_url.rstrip("/")
        self._pdf_cache: OrderedDict[str, bytes] = OrderedDict()

    # --- drafts ----------------------------------------------------------------------------------

    def context(
        self, kind: str, dossier: Dossier, today: date, options: ctx.DraftOptions | None = None
    ) -> dict[str, Any]:
        rules = self.app.rules_of(dossier)
        common = {"rules": rules, "units": self.units, "offices": self.offices, "today": today, "options": options}
        if kind == "to-trinh":
            return ctx.submission_memo_context(dossier, **common)
        if kind == "tom-tat-thanh-tich":
            return ctx.achievement_summary_context(dossier, **common)
        if kind == "bien-ban-hop-hoi-dong":
            return ctx.council_minutes_context(dossier, **common)
        if kind == "quyet-dinh":
            day = dossier.decision.decision_date if dossier.decision else today
            powers = self.app.rule_book.for_date(day)
            return ctx.decision_context(dossier, powers=powers, book=self.app.rule_book, **common)
        raise DossierValidationError({"document": "Văn bản không hợp lệ; chọn một trong: " + ", ".join(KINDS) + "."})

    def render(
        self, dossier: Dossier, kind: str, fmt: str, today: date, options: ctx.DraftOptions | None = None
    ) -> RenderedFile:
        if fmt not in FORMATS:
            raise DossierValidationError({"format": "Định dạng phải là docx hoặc pdf."})
        context = self.context(kind, dossier, today, options)
        docx = self.renderer.docx(kind, context)
        data = docx if fmt == "docx" else self._pdf(kind, context, docx)
        name = f"{kind}-{slug(dossier.receipt_number)}.{fmt}"
        return RenderedFile(data, name, FORMATS[fmt])

    def _cache_key(self, kind: str, context: Mapping[str, Any]) -> str:
        template = self.renderer.template_path(kind).read_bytes()
        body = json.dumps(context, ensure_ascii=False, sort_keys=True, default=str).encode()
        return hashlib.sha256(template + b"\0" + body).hexdigest()

    def _pdf(self, kind: str, context: Mapping[str, Any], docx: bytes) -> bytes:
        """The PDF of a draft; the same words on the same template are converted once."""
        key = self._cache_key(kind, context)
        if key in self._pdf_cache:
            self._pdf_cache.move_to_end(key)
            return self._pdf_cache[key]
        pdf = self.renderer.pdf(docx)
        self._pdf_cache[key] = pdf
        while len(self._pdf_cache) > 64:
            self._pdf_cache.popitem(last=False)
        return pdf

    def links(self, dossier: Dossier) -> list[dict[str, str]]:
        """Where a person downloads this dossier's documents (links for notifications)."""
        return document_links(dossier, self.public_url)

    # --- the signed decision ----------------------------------------------------------------------

    def _verify(self, data: bytes, dossier: Dossier) -> Any:
        if not self.trust_roots:
            raise SigningUnavailable(
                "Chưa cấu hình chứng thư gốc tin cậy (TDKT_DOSSIERS_SIGNATURE_TRUST_ROOTS): "
                "chưa nhận được quyết định đã ký số."
            )
        number = dossier.decision.number if dossier.decision else None
        if not number:
            raise DossierError("no_decision_number", "Hồ sơ chưa có quyết định khen thưởng được cấp số.")
        return verify_signed_pdf(data, self.trust_roots, decision_number=number)

    def accept_signed(
        self,
        dossier_id: str,
        data: bytes,
        *,
        name: str,
        method: SigningMethod,
        actor: Actor,
        at: datetime,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        """Verify a signed decision PDF, keep it, and record it on the dossier; refused (422) when
        the signature does not verify, nothing stored then."""
        dossier = self.app.get(dossier_id)
        verified = self._verify(data, dossier)
        info = self.blobs.put(io.BytesIO(data), name=name, content_type=PDF_TYPE)
        assert dossier.decision is not None and dossier.decision.number
        document = SignedDocument(
            sha256=info.sha256,
            size=info.size,
            name=name,
            decision_number=dossier.decision.number,
            signer_subject=verified.signer_subject,
            signer_serial=verified.signer_serial,
            signer_issuer=verified.signer_issuer,
            certificate_sha256=verified.certificate_sha256,
            trust_root=verified.trust_root,
            signed_at=verified.signed_at,
            method=method,
        )
        return self.app._command(
            dossier_id,
            expected_version,
            lambda d: d.record_signed_decision(document=document, actor=actor, at=at, reason=reason),
        )

    def sign_with_service(
        self,
        dossier_id: str,
        *,
        actor: Actor,
        at: datetime,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        """Sign the issued decision through the configured signing service, then accept it as an upload."""
        if self.signer is None:
            raise SigningUnavailable("Chưa cấu hình dịch vụ ký số (TDKT_DOSSIERS_SIGNING_PKCS12).")
        dossier = self.app.get(dossier_id)
        if dossier.decision is None or not dossier.decision.number:
            raise DossierError("no_decision_number", "Hồ sơ chưa có quyết định khen thưởng được cấp số.")
        pdf = self.render(dossier, "quyet-dinh", "pdf", local_date(at)).data
        place = self.offices.get(dossier.decision.authority).place
        signed = self.signer.sign(pdf, reason=f"Ký ban hành Quyết định số {dossier.decision.number}", location=place)
        name = f"quyet-dinh-{slug(dossier.decision.number)}-da-ky.pdf"
        return self.accept_signed(
            dossier_id,
            signed,
            name=name,
            method=SigningMethod.SIGNING_SERVICE,
            actor=actor,
            at=at,
            reason=reason,
            expected_version=expected_version,
        )

    # --- certificates -------------------------------------------------------------------------------

    def _calibration(self, blank: Blank) -> BlankCalibration | None:
        try:
            found = self.app.repository.get(BlankCalibration.create_id(blank.id))
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, BlankCalibration) else None

    def offset(self, blank: Blank) -> tuple[float, float]:
        calibration = self._calibration(blank)
        if calibration is None or calibration.calibrated_at is None:
            return blank.offset_x_mm, blank.offset_y_mm
        return calibration.offset_x_mm, calibration.offset_y_mm

    def blank_view(self, blank: Blank) -> dict[str, Any]:
        calibration = self._calibration(blank)
        dx, dy = self.offset(blank)
        return {
            "id": blank.id,
            "name": blank.name,
            "awards": list(blank.awards),
            "page_mm": {"width": blank.width_mm, "height": blank.height_mm},
            "offset_mm": {"x": dx, "y": dy},
            "calibrated_by": calibration.calibrated_by.as_dict() if calibration and calibration.calibrated_by else None,
            "calibrated_at": calibration.calibrated_at.isoformat()
            if calibration and calibration.calibrated_at
            else None,
            "note": calibration.note if calibration else "",
            "fields": [f.__dict__ for f in blank.fields],
        }

    def calibrate(self, blank_id: str, *, x: float, y: float, note: str, actor: Actor, at: datetime) -> Blank:
        blank = self.blanks.get(blank_id)
        if abs(x) > 30 or abs(y) > 30:
            raise DossierValidationError({"offset": "Độ lệch hiệu chỉnh phải trong khoảng ±30 mm."})
        calibration = self._calibration(blank) or BlankCalibration(blank_id=blank.id)
        calibration.calibrate(offset_x_mm=float(x), offset_y_mm=float(y), note=note or "", actor=actor, at=at)
        try:
            self.app.save(calibration)
        except IntegrityError:
            raise DossierConcurrencyError() from None
        return blank

    def calibration_page(self, blank_id: str) -> bytes:
        blank = self.blanks.get(blank_id)
        return calibration_page(blank, offset=self.offset(blank))

    def certificate_text(self, dossier: Dossier, nominee_id: str, copy: int = 1) -> CertificateText:
        """What the certificate of one awardee says."""
        nominee = dossier.nominee(nominee_id)
        decision = dossier.decision
        code = decision.authority if decision else dossier.deciding_authority
        office = self.offices.get(code)
        who = ctx.issuer(self.units, code, office)
        day = decision.decision_date if decision else None
        is_title = nominee.award in {t.value for t in Title}
        prefix = w.honorific(nominee.kind, nominee.gender)
        name = f"{prefix} {nominee.name}" if nominee.kind is NomineeKind.INDIVIDUAL else nominee.name
        index = dossier.nominee_ids.index(nominee_id) + 1
        values = {
            "national_title": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "motto": "Độc lập - Tự do - Hạnh phúc",
            "issuer_title": f"CHỦ TỊCH {' '.join(who.lines)}" if who.is_committee else " ".join(who.lines),
            "heading": "GIẤY CHỨNG NHẬN" if is_title else "GIẤY KHEN",
            "verb": "Công nhận" if is_title else "Tặng",
            "title": f"Danh hiệu “{label(nominee.award)}”" if is_title else "",
            "name": name,
            "position_unit": ctx._position_unit(nominee),
            "achievement": "Đã có thành tích "
            + dossier.achievements.strip().rstrip(".")[:1].lower()
            + dossier.achievements.strip().rstrip(".")[1:],
            "year": f"Năm {dossier.emulation_year}" if dossier.emulation_year else "",
            "place_date": w.date_line(office.place, day, day.year) if day else "",
            "signer_title": " ".join(office.signer_title),
            "signer_name": office.signer_name,
            "decision_ref": f"Quyết định số {decision.number} ngày {w.short_date(day)}" if decision and day else "",
            "register_number": f"Số vào sổ: {decision.number.split('/')[0] if decision and decision.number else ''}"
            f"/{index:02d}",
        }
        return CertificateText(nominee_id, values)

    def certificate_copy(self, dossier_id: str, nominee_id: str) -> bytes:
        """The digital copy of an awardee's certificate (every field, the blank's frame drawn)."""
        dossier = self.app.get(dossier_id)
        if nominee_id not in dossier.awarded_ids:
            raise DossierError("not_awarded", "Người này không có quyết định khen thưởng còn hiệu lực trong hồ sơ.")
        blank = self.blank_for(dossier.nominee(nominee_id).award)
        return print_batch(blank, [self.certificate_text(dossier, nominee_id)], offset=(0, 0), digital_copy=True)

    def blank_for(self, award: str) -> Blank:
        for blank in self.blanks.all():
            if award in blank.awards:
                return blank
        raise DossierError("no_blank", f"Chưa có mẫu phôi in cho '{label(award)}'.")

    def print_certificates(
        self,
        *,
        blank_id: str,
        items: Sequence[tuple[str, Sequence[str] | None]],
        actor: Actor,
        at: datetime,
        reprint_reason: str | None = None,
    ) -> tuple[str, bytes, list[Dossier]]:
        """One batch: every listed awardee's certificate on one PDF, recorded on each dossier in
        one save (all or nothing). Returns the batch id, the PDF and the dossiers after it."""
        blank = self.blanks.get(blank_id)
        if not items:
            raise DossierValidationError({"items": "Phải chọn ít nhất một hồ sơ để in."})
        dossiers: list[Dossier] = []
        chosen: list[tuple[Dossier, list[str]]] = []
        errors: dict[str, str] = {}
        for i, (dossier_id, nominee_ids) in enumerate(items):
            dossier = self.app.get(dossier_id)
            ids = list(nominee_ids) if nominee_ids else list(dossier.awarded_ids)
            wrong = [n for n in ids if n in dossier.nominee_ids and dossier.nominee(n).award not in blank.awards]
            if wrong:
                errors[f"items[{i}].nominee_ids"] = (
                    f"Phôi «{blank.name}» không dùng cho: "
                    + ", ".join(f"{dossier.nominee(n).name} ({label(dossier.nominee(n).award)})" for n in wrong)
                    + "."
                )
            dossiers.append(dossier)
            chosen.append((dossier, ids))
        if errors:
            raise DossierValidationError(errors)
        texts = [self.certificate_text(d, n) for d, ids in chosen for n in ids if n in d.nominee_ids]
        dx, dy = self.offset(blank)
        pdf = print_batch(blank, texts, offset=(dx, dy))
        info = self.blobs.put(io.BytesIO(pdf), name=f"in-giay-khen-{local_date(at):%Y%m%d}.pdf", content_type=PDF_TYPE)
        batch_id = str(uuid4())
        for i, (dossier, ids) in enumerate(chosen):
            try:
                dossier.record_certificate_prints(
                    batch_id=batch_id,
                    blank_id=blank.id,
                    offset_x_mm=dx,
                    offset_y_mm=dy,
                    pdf_sha256=info.sha256,
                    nominee_ids=ids,
                    actor=actor,
                    at=at,
                    reprint_reason=reprint_reason,
                )
            except DossierValidationError as exc:
                raise DossierValidationError({f"items[{i}].{k}": v for k, v in exc.field_errors.items()}) from None
        try:
            self.app.save(*dossiers)
        except IntegrityError:
            raise DossierConcurrencyError() from None
        return batch_id, pdf, dossiers

    # --- forwarding upward (khen cao) ------------------------------------------------------------

    def _attachment_entries(self, dossier: Dossier) -> tuple[list[PackageEntry], list[str]]:
        """The dossier's own files, each in Word and PDF where it can be had: a Word file is
        converted to PDF; a PDF is paired with a Word file of the same kind and name; a PDF or
        image with no Word counterpart is sent as it is and named in the warnings."""
        entries: list[PackageEntry] = []
        warnings: list[str] = []
        files = []
        for a in dossier.attachments:
            data = b"".join(self.blobs.open(a.sha256))
            files.append((a, data, file_format(a.name, data)))
        to_convert = []
        for a, data, fmt in files:
            stem = slug(a.name.rsplit(".", 1)[0])
            title = f"{label(a.kind)}: {a.name}"
            entries.append(PackageEntry("04-ho-so-cua-don-vi", stem, title, a.kind.value, fmt, data))
            base = (a.kind, a.name.rsplit(".", 1)[0].lower())
            if fmt in ("docx", "doc"):
                has_pdf = any((x.kind, x.name.rsplit(".", 1)[0].lower()) == base and f == "pdf" for x, _, f in files)
                if not has_pdf:
                    to_convert.append((stem, title, a.kind.value, data))
            elif fmt == "pdf":
                if not any(
                    (x.kind, x.name.rsplit(".", 1)[0].lower()) == base and f in ("docx", "doc") for x, _, f in files
                ):
                    warnings.append(f"Thiếu bản Word của «{a.name}» ({label(a.kind)}): chỉ gửi bản PDF.")
            else:
                warnings.append(f"«{a.name}» ({label(a.kind)}) là tệp {fmt}: không có bản Word và PDF.")
        if to_convert:
            pdfs = self.renderer.pdfs([data for _, _, _, data in to_convert])
            for (stem, title, kind, _), pdf in zip(to_convert, pdfs, strict=True):
                entries.append(PackageEntry("04-ho-so-cua-don-vi", stem, title + " (bản PDF)", kind, "pdf", pdf))
        return entries, warnings

    def forward(
        self,
        dossier_id: str,
        *,
        to_authority: str,
        proposal_number: str,
        proposal_date: date | None,
        actor: Actor,
        at: datetime,
        nominee_ids: Sequence[str] | None = None,
        signer_name: str | None = None,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Dossier:
        """Forward the dossier upward: check it may go, build the package (the unit's own Tờ
        trình, the achievement summaries, the council's minutes with its vote, and the unit's
        files, each in Word and PDF, with a manifest), keep it, and record the forwarding."""
        dossier = self.app.get(dossier_id)
        if expected_version is not None and dossier.version != expected_version:
            raise DossierConcurrencyError()
        day = local_date(at)
        proposal_day = proposal_date or day
        rules = self.app.rules_of(dossier)
        powers = self.app.rule_book.for_date(day)
        authority = self.app.authority(dossier.deciding_authority)
        chosen = dossier.forwardable(rules=rules, powers=powers, authority=authority, nominee_ids=nominee_ids)
        if not isinstance(to_authority, str) or not to_authority.strip():
            raise DossierValidationError(
                {"to_authority": "Phải nêu cấp trên nhận hồ sơ, ví dụ: Chủ tịch UBND thành phố Hà Nội."}
            )
        if not isinstance(proposal_number, str) or not proposal_number.strip():
            raise DossierValidationError(
                {"proposal_number": "Phải nêu số tờ trình của đơn vị (theo sổ văn bản), ví dụ 15/TTr-UBND."}
            )
        options = ctx.DraftOptions(
            number=proposal_number.strip(),
            day=proposal_day,
            signer_name=signer_name,
            to_authority=to_authority.strip(),
            from_unit=authority.code,
        )
        memo = ctx.submission_memo_context(
            dossier, rules=rules, units=self.units, offices=self.offices, today=day, options=options, nominee_ids=chosen
        )
        summary = self.context("tom-tat-thanh-tich", dossier, day)
        minutes = self.context("bien-ban-hop-hoi-dong", dossier, day)
        generated = [
            ("01-to-trinh", "to-trinh", "Tờ trình " + proposal_number.strip(), "SUBMISSION_MEMO", memo),
            ("02-tom-tat-thanh-tich", "tom-tat-thanh-tich", "Tóm tắt thành tích", "ACHIEVEMENT_SUMMARY", summary),
            (
                "03-bien-ban-hop-hoi-dong",
                "bien-ban-hop-hoi-dong",
                "Biên bản họp Hội đồng Thi đua – Khen thưởng (kết quả bỏ phiếu)",
                "REVIEW_MINUTES",
                minutes,
            ),
        ]
        words = [self.renderer.docx(template, context) for _, template, _, _, context in generated]
        pdfs = self.renderer.pdfs(words)
        entries: list[PackageEntry] = []
        for (folder, template, title, kind, _), docx, pdf in zip(generated, words, pdfs, strict=True):
            entries.append(PackageEntry(folder, template, title, kind, "docx", docx))
            entries.append(PackageEntry(folder, template, title, kind, "pdf", pdf))
        own, warnings = self._attachment_entries(dossier)
        entries += own
        manifest = self._manifest(
            dossier,
            authority.code,
            authority.name,
            to_authority.strip(),
            proposal_number.strip(),
            proposal_day,
            chosen,
            rules.id,
            warnings,
        )
        data, files = build_package(entries, manifest, generated_at=at)
        info = self.blobs.put(
            io.BytesIO(data),
            name=f"ho-so-trinh-khen-{slug(dossier.receipt_number)}.zip",
            content_type="application/zip",
        )
        return self.app._command(
            dossier_id,
            dossier.version,
            lambda d: d.forward_upward(
                rules=rules,
                powers=powers,
                authority=authority,
                to_authority=to_authority,
                proposal_number=proposal_number,
                proposal_date=proposal_day,
                nominee_ids=list(chosen),
                package_sha256=info.sha256,
                package_size=info.size,
                files=files,
                warnings=warnings,
                actor=actor,
                at=at,
                reason=reason,
            ),
        )

    def _manifest(
        self,
        dossier: Dossier,
        by_code: str,
        by_name: str,
        to: str,
        number: str,
        day: date,
        chosen: Sequence[str],
        rule_set_id: str,
        warnings: list[str],
    ) -> dict[str, Any]:
        nominees = []
        for i in chosen:
            n = dossier.nominee(i)
            vote = dossier.votes.get(i)
            check = dossier.council_checks.get(i)
            nominees.append(
                {
                    "nominee_id": i,
                    "kind": n.kind.value,
                    "name": n.name,
                    "award": n.award,
                    "award_label": label(n.award),
                    "position": n.position,
                    "unit": n.unit,
                    "gender": n.gender.value if n.gender else None,
                    "council_vote": None
                    if vote is None
                    else {
                        "members_total": vote.members_total,
                        "votes_for": vote.votes_for,
                        "votes_against": vote.votes_against,
                        "absent_in_writing": vote.absent_in_writing,
                        "threshold_percent": vote.threshold_percent,
                        "passed": vote.passed,
                        "meeting_date": vote.meeting_date,
                        "ballot_round": vote.ballot_round,
                    },
                    "council_checks": None
                    if check is None
                    else {
                        "confirmed": list(check.confirmed),
                        "meeting_date": check.meeting_date,
                        "minutes_ref": check.minutes_ref,
                    },
                }
            )
        return {
            "dossier_id": str(dossier.id),
            "receipt_number": dossier.receipt_number,
            "proposing_unit": {
                "code": dossier.proposing_unit,
                "name": ctx.issuer(self.units, dossier.proposing_unit).name,
            },
            "forwarded_by": {"code": by_code, "name": by_name},
            "to_authority": to,
            "proposal": {"number": number, "date": day.isoformat()},
            "rule_set_id": rule_set_id,
            "achievements": dossier.achievements,
            "nominees": nominees,
            "warnings": warnings,
        }

    def record_higher_result(
        self,
        dossier_id: str,
        *,
        outcome: HigherLevelOutcome,
        decided_by: str,
        actor: Actor,
        at: datetime,
        decision_number: str | None = None,
        decision_date: date | None = None,
        awarded_ids: Sequence[str] | None = None,
        not_awarded: Mapping[str, Sequence[str]] | None = None,
        reasons: Sequence[str] = (),
        expected_version: int | None = None,
    ) -> Dossier:
        return self.app._command(
            dossier_id,
            expected_version,
            lambda d: d.record_higher_level_result(
                outcome=outcome,
                decided_by=decided_by,
                actor=actor,
                at=at,
                decision_number=decision_number,
                decision_date=decision_date,
                awarded_ids=awarded_ids,
                not_awarded=not_awarded,
                reasons=reasons,
            ),
        )
