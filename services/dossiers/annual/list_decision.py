"""The Word (and PDF) of a round's list decision: ONE Quyết định for every dossier it decided, its
annex listing every nominee awarded across the units, with the total cash.

It reuses the packaged decision template (`documents/templates/quyet-dinh.docx`) and the decision
wording of one dossier (`documents.context.decision_context`), replacing what a list changes: who
proposed (the units of the round), the headcount, the annex and the total."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.dossiers.annual.application import AnnualWork
from services.dossiers.documents import wording as w
from services.dossiers.documents.context import decision_rows
from services.dossiers.documents.service import DocumentService
from services.dossiers.domain.errors import DossierError
from services.dossiers.domain.values import AuthorityLevel


def list_decision_context(work: AnnualWork, docs: DocumentService, round_id: str, today: date) -> dict[str, Any]:
    rnd = work.round(round_id)
    if not rnd.decisions:
        raise DossierError("not_decided", f"{rnd.name} chưa có quyết định.")
    last = rnd.decisions[-1]
    dossiers = [work.app.get(i) for i in last["dossier_ids"]]
    awarded = [d for d in dossiers if d.decision is not None and d.decision.approvals]
    if not awarded:
        raise DossierError("not_decided", f"Quyết định của {rnd.name} không khen thưởng ai.")
    context = docs.context("quyet-dinh", awarded[0], today)
    rows: list[dict[str, Any]] = []
    kinds, awards = [], []
    for d in awarded:
        assert d.decision is not None
        level = AuthorityLevel(d.decision.authority_level)
        for row in decision_rows(d, work.app.rules_of(d), level, None):
            rows.append({**row, "stt": len(rows) + 1})
        kinds += [d.nominee(a.nominee_id).kind for a in d.decision.approvals]
        awards += [d.nominee(a.nominee_id).award for a in d.decision.approvals]
    known = [r["cash_vnd"] for r in rows if r["cash_vnd"] is not None]
    total = sum(known)
    awards_text = ", ".join(w.award_phrase(a) for a in dict.fromkeys(awards))
    units = sorted({d.proposing_unit for d in awarded})
    articles = list(context["articles"])
    articles[0] = {
        "heading": "Điều 1.",
        "text": f"Tặng {awards_text} cho {w.headcount(kinds)} của {len(units):02d} cơ quan, đơn vị (có danh sách "
        f"kèm theo), đã có thành tích trong phong trào thi đua năm {rnd.year}.",
    }
    if known and len(known) == len(rows):
        fund = articles[1]["text"].rsplit("chi từ ", 1)[-1]
        articles[1] = {
            "heading": "Điều 2.",
            "text": f"Kèm theo {awards_text} là tiền thưởng theo danh sách kèm theo; tổng số tiền: {w.money(total)} "
            f"đồng (Bằng chữ: {w.vnd_in_words(total)}), chi từ {fund}",
        }
    return {
        **context,
        "subject": w.subject_line(awards),
        "considering": f"Xét đề nghị của các cơ quan, đơn vị trong {rnd.name} và của Hội đồng Thi đua – Khen thưởng.",
        "articles": articles,
        "recipients": ["Như Điều 3;", "Các cơ quan, đơn vị có tên trong danh sách;", context["recipients"][-1]],
        "rows": rows,
        "total": w.money(total) if known else "",
        "total_words": w.vnd_in_words(total) if known and len(known) == len(rows) else "",
        "receipt_number": last["decision_number"],
    }


def render_list_decision(work: AnnualWork, docs: DocumentService, round_id: str, today: date, fmt: str) -> bytes:
    context = list_decision_context(work, docs, round_id, today)
    docx = docs.renderer.docx("quyet-dinh", context)
    return docx if fmt == "docx" else docs.renderer.pdf(docx)
