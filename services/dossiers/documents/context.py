"""What each document says, drawn from the dossier: plain dicts a Word template fills in.

Pure (no I/O beyond reading the two YAML data files once): the same dossier, version and data
give the same words. Four documents (docs/domain.md T1, part D of the team notes):

- the proposing unit's **Tờ trình** with its list of nominees (also the deciding unit's own
  Tờ trình when it forwards a dossier upward);
- the **achievement summaries** (tóm tắt thành tích), one section per nominee;
- the council's **minutes** with its checks and its vote;
- the **decision** (Quyết định … về việc tặng …) with its annexed list and cash amounts.

Each carries the NĐ 30/2020 parts: the governing body and the issuer, number and symbol, place
and date, title and abstract, the "Căn cứ" lines citing the rule set in force, the content,
"Nơi nhận" and the signature block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from services.dossiers.documents import wording as w
from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.rules import RuleBook, RuleSet
from services.dossiers.domain.values import AuthorityLevel, Nominee, NomineeKind, label
from shared.reference.org_units import OrgUnitDirectory, UnknownUnitError

DATA_DIR = Path(__file__).parent
COMMITTEE_KINDS = frozenset({"people_committee", "commune", "ward", "township"})


@dataclass(frozen=True)
class OfficeProfile:
    """How one issuing office words its documents (`offices.yaml`)."""

    place: str
    signer_title: tuple[str, ...]
    signer_name: str = ""
    executors: str = ""
    copies_to: tuple[str, ...] = ()
    archive: str = "VT"
    fund: str = "Quỹ Thi đua, khen thưởng"
    symbol: str = ""


class OfficeBook:
    """Office profiles by org-unit code, the `default` entry filling what a unit omits."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._default = dict(data.get("default") or {})
        self._units = {str(k).upper(): dict(v or {}) for k, v in (data.get("units") or {}).items()}

    @classmethod
    def load(cls, path: Path | None = None) -> OfficeBook:
        return cls(yaml.safe_load((path or DATA_DIR / "offices.yaml").read_text(encoding="utf-8")) or {})

    def get(self, code: str | None) -> OfficeProfile:
        raw = {**self._default, **self._units.get((code or "").upper(), {})}
        return OfficeProfile(
            place=str(raw.get("place") or ""),
            signer_title=tuple(raw.get("signer_title") or ("THỦ TRƯỞNG ĐƠN VỊ",)),
            signer_name=str(raw.get("signer_name") or ""),
            executors=" ".join(str(raw.get("executors") or "").split()),
            copies_to=tuple(raw.get("copies_to") or ()),
            archive=str(raw.get("archive") or "VT"),
            fund=str(raw.get("fund") or "Quỹ Thi đua, khen thưởng"),
            symbol=str(raw.get("symbol") or ""),
        )


@cache
def _bases_data() -> dict[str, Any]:
    return yaml.safe_load((DATA_DIR / "bases.yaml").read_text(encoding="utf-8")) or {}


def legal_bases(rule_set: RuleSet) -> list[str]:
    """The "Căn cứ" lines citing every text of the rule set (NĐ 30 wording from `bases.yaml`)."""
    data = _bases_data()
    citations: Mapping[str, str] = data.get("citations") or {}
    texts = [*(data.get("before") or []), *(citations.get(t, t) for t in rule_set.legal_basis)]
    return w.bases_lines([" ".join(str(t).split()) for t in texts])


@dataclass(frozen=True)
class Issuer:
    """An issuing body as the header shows it (NĐ 30 cells 1–2), from the org-unit data."""

    code: str
    name: str
    governing: str
    lines: tuple[str, ...]
    symbol: str
    is_committee: bool

    @property
    def short(self) -> str:
        """`UBND xã Thanh Oai`."""
        return self.name.replace("Ủy ban nhân dân", "UBND", 1)


def issuer(units: OrgUnitDirectory, code: str | None, office: OfficeProfile | None = None) -> Issuer:
    """The unit `code` as an issuer: its governing body shown above it where it has one (an
    office under a people's committee), never for a people's committee itself."""
    try:
        unit = units.get(code or "")
    except UnknownUnitError:
        name = code or ""
        return Issuer(name, name, "", (name.upper(),), (office.symbol if office else "") or name, False)
    committee = unit.kind in COMMITTEE_KINDS
    governing = ""
    if not committee and unit.parent and unit.parent in units:
        parent = units.get(unit.parent)
        governing = parent.name.replace("Ủy ban nhân dân", "UBND", 1).upper()
    symbol = (office.symbol if office else "") or ("UBND" if committee else unit.code.split("-")[0])
    return Issuer(unit.code, unit.name, governing, tuple(w.issuer_lines(unit.name)), symbol, committee)


def _position_unit(n: Nominee) -> str:
    if n.kind is NomineeKind.INDIVIDUAL:
        return ", ".join(x for x in (n.position, n.unit) if x)
    if n.kind is NomineeKind.HOUSEHOLD:
        return n.address or n.unit
    return n.unit or (f"{n.size} thành viên" if n.size else "")


def _display_name(n: Nominee) -> str:
    prefix = w.honorific(n.kind, n.gender)
    return f"{prefix} {n.name}" if prefix and n.kind is NomineeKind.INDIVIDUAL else n.name


def _signature(office: OfficeProfile, title: Sequence[str] | None = None, name: str | None = None) -> dict[str, Any]:
    return {"title_lines": list(title or office.signer_title), "name": office.signer_name if name is None else name}


@dataclass(frozen=True)
class DraftOptions:
    """What a person may give a draft that the dossier does not hold."""

    number: str | None = None
    """A number already taken from the office's register (`15/TTr-UBND`)."""
    day: date | None = None
    signer_name: str | None = None
    to_authority: str | None = None
    """Whom a Tờ trình goes to, when not the dossier's deciding authority (forwarding upward)."""
    from_unit: str | None = None
    """Who proposes, when not the dossier's proposing unit (forwarding upward)."""
    extra: dict[str, Any] = field(default_factory=dict)


# --- the decision -----------------------------------------------------------------------------


def decision_rows(
    dossier: Dossier, rules: RuleSet, level: AuthorityLevel | None, base_salary: int | None
) -> list[dict[str, Any]]:
    """The annex: approved nominees with their cash, or, before the decision, the nominees the
    appraisal passed with the cash the rule set would give."""
    rows = []
    if dossier.decision is not None and dossier.decision.approvals:
        pairs = [(dossier.nominee(a.nominee_id), a.cash_reward_vnd) for a in dossier.decision.approvals]
    else:
        pairs = []
        for n in dossier.nominees:
            appraisal = dossier.appraisals.get(n.nominee_id)
            if appraisal is not None and not appraisal.passed:
                continue
            multiplier = rules.award(n.award).multiplier_for(n.kind, level) if level else None
            cash = rules.cash.amount(multiplier, base_salary) if multiplier is not None and base_salary else None
            pairs.append((n, cash))
    for i, (n, cash) in enumerate(pairs, start=1):
        rows.append(
            {
                "stt": i,
                "name": _display_name(n),
                "position_unit": _position_unit(n),
                "award": label(n.award),
                "cash": w.money(cash) if cash is not None else "Theo quy định",
                "cash_vnd": cash,
            }
        )
    return rows


def decision_context(
    dossier: Dossier,
    *,
    rules: RuleSet,
    powers: RuleSet,
    book: RuleBook,
    units: OrgUnitDirectory,
    offices: OfficeBook,
    today: date,
    options: DraftOptions | None = None,
) -> dict[str, Any]:
    """The Quyết định về việc tặng … with its annexed list; a draft (blank number and day)
    until the decision is recorded."""
    options = options or DraftOptions()
    decision = dossier.decision
    code = decision.authority if decision else dossier.deciding_authority
    office = offices.get(code)
    who = issuer(units, code, office)
    level = decision.authority_level if decision else _level(units, code)
    day = decision.decision_date if decision else options.day
    year = (day or today).year
    suffix = powers.authority_levels[level].number_suffix if level in powers.authority_levels else "QĐ"
    try:
        salary = book.base_salary_on(day or today)
    except LookupError:
        salary = None
    rows = decision_rows(dossier, rules, level, salary)
    awards = (
        [dossier.nominee(a.nominee_id).award for a in decision.approvals]
        if decision and decision.approvals
        else [n.award for n in dossier.nominees]
    )
    known = [r["cash_vnd"] for r in rows if r["cash_vnd"] is not None]
    total = sum(known)
    kinds = (
        [dossier.nominee(a.nominee_id).kind for a in decision.approvals]
        if decision and decision.approvals
        else [n.kind for n in dossier.nominees if (a := dossier.appraisals.get(n.nominee_id)) is None or a.passed]
    )
    number = decision.number if decision else options.number
    proposer = issuer(units, dossier.proposing_unit)
    considering = [f"Xét đề nghị của {proposer.name}"]
    if dossier.council_checks or dossier.votes:
        considering.append(f"đề nghị của Hội đồng Thi đua – Khen thưởng {who.short}")
    awards_text = ", ".join(w.award_phrase(a) for a in dict.fromkeys(awards))
    achievements = dossier.achievements.strip().rstrip(".")
    article_1 = (
        f"Tặng {awards_text} cho {w.headcount(kinds)} (có danh sách kèm theo), "
        f"đã có thành tích: {achievements[0].lower() + achievements[1:] if achievements else ''}."
    )
    if known and len(known) == len(rows):
        article_2 = (
            f"Kèm theo {awards_text} là tiền thưởng theo danh sách kèm theo; tổng số tiền: {w.money(total)} đồng "
            f"(Bằng chữ: {w.vnd_in_words(total)}), chi từ {office.fund}."
        )
    else:
        article_2 = (
            f"Kèm theo {awards_text} là tiền thưởng theo quy định (mức tiền thưởng ghi trong danh sách kèm "
            f"theo), chi từ {office.fund}."
        )
    executors = office.executors or "Các cơ quan, đơn vị có liên quan và các cá nhân, tập thể có tên tại Điều 1"
    article_3 = f"Quyết định này có hiệu lực kể từ ngày ký. {executors} chịu trách nhiệm thi hành Quyết định này."
    authority_title = f"CHỦ TỊCH {' '.join(who.lines)}" if who.is_committee else " ".join(who.lines)
    return {
        "draft": decision is None,
        "governing": who.governing,
        "issuer_lines": list(who.lines),
        "number": w.number_line(number, suffix),
        "place_date": w.date_line(office.place, day, year),
        "title": "QUYẾT ĐỊNH",
        "subject": w.subject_line(awards),
        "authority_title": authority_title,
        "bases": legal_bases(powers),
        "considering": "; ".join(considering) + ".",
        "articles": [
            {"heading": "Điều 1.", "text": article_1},
            {"heading": "Điều 2.", "text": article_2},
            {"heading": "Điều 3.", "text": article_3},
        ],
        "recipients": [
            "Như Điều 3;",
            *[f"{c};" for c in office.copies_to],
            *([f"{proposer.name};"] if proposer.name else []),
            f"Lưu: {office.archive}.",
        ],
        "signature": _signature(office, name=options.signer_name),
        "annex_title": "DANH SÁCH CÁ NHÂN, TẬP THỂ ĐƯỢC KHEN THƯỞNG",
        "annex_subtitle": (
            f"(Kèm theo Quyết định số {number or w.BLANK + '/' + suffix} "
            f"{'ngày ' + w.short_date(day) if day else 'ngày' + w.BLANK} của "
            f"{'Chủ tịch ' + who.name if who.is_committee else who.name})"
        ),
        "rows": rows,
        "total": w.money(total) if known else "",
        "total_words": w.vnd_in_words(total) if known and len(known) == len(rows) else "",
        "receipt_number": dossier.receipt_number,
        "rule_set_id": powers.id,
    }


def _level(units: OrgUnitDirectory, code: str | None) -> AuthorityLevel | None:
    try:
        level = units.award_level(code or "")
    except UnknownUnitError:
        return None
    return AuthorityLevel(level.code) if level else None


# --- the Tờ trình -------------------------------------------------------------------------------


def submission_memo_context(
    dossier: Dossier,
    *,
    rules: RuleSet,
    units: OrgUnitDirectory,
    offices: OfficeBook,
    today: date,
    options: DraftOptions | None = None,
    nominee_ids: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The proposing unit's Tờ trình to the deciding authority, with the list of nominees; or,
    with `options.from_unit` and `options.to_authority`, the deciding unit's own Tờ trình to the
    higher level (khen cao)."""
    options = options or DraftOptions()
    from_code = options.from_unit or dossier.proposing_unit
    office = offices.get(from_code)
    who = issuer(units, from_code, office)
    if options.to_authority:
        to_name = options.to_authority
    else:
        to = issuer(units, dossier.deciding_authority)
        to_name = f"Chủ tịch {to.name}" if to.is_committee else to.name
    chosen = [dossier.nominee(i) for i in nominee_ids] if nominee_ids else list(dossier.nominees)
    awards = [n.award for n in chosen]
    awards_text = ", ".join(w.award_phrase(a) for a in dict.fromkeys(awards))
    achievements = dossier.achievements.strip().rstrip(".")
    rows = [
        {
            "stt": i,
            "name": _display_name(n),
            "position_unit": _position_unit(n),
            "award": label(n.award),
            "note": _vote_note(dossier, n.nominee_id),
        }
        for i, n in enumerate(chosen, start=1)
    ]
    body = [
        f"{who.name} kính trình {to_name} xem xét, {w.subject_line(awards).removeprefix('Về việc ')} cho "
        f"{w.headcount([n.kind for n in chosen])} (có danh sách và tóm tắt thành tích kèm theo), đã có thành tích: "
        f"{achievements[0].lower() + achievements[1:] if achievements else ''}.",
    ]
    if dossier.votes and any(n.nominee_id in dossier.votes for n in chosen):
        body.append(
            "Các trường hợp đề nghị đã được Hội đồng Thi đua – Khen thưởng bỏ phiếu, kết quả ghi trong danh sách."
        )
    body.append(f"Kính trình {to_name} xem xét, quyết định./.")
    symbol = f"TTr-{who.symbol}"
    return {
        "draft": options.number is None,
        "governing": who.governing,
        "issuer_lines": list(who.lines),
        "number": w.number_line(options.number, symbol),
        "place_date": w.date_line(office.place, options.day, (options.day or today).year),
        "title": "TỜ TRÌNH",
        "subject": "Về việc đề nghị " + w.subject_line(awards).removeprefix("Về việc "),
        "addressee": f"Kính gửi: {to_name}.",
        "bases": legal_bases(rules),
        "body": body,
        "recipients": ["Như trên;", f"Lưu: {office.archive}."],
        "signature": _signature(
            office,
            title=office.signer_title if who.is_committee else ("THỦ TRƯỞNG ĐƠN VỊ",),
            name=options.signer_name,
        ),
        "annex_title": "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        "annex_subtitle": f"(Kèm theo Tờ trình số {options.number or w.BLANK + '/' + symbol} của {who.name})",
        "rows": rows,
        "awards_text": awards_text,
        "receipt_number": dossier.receipt_number,
        "rule_set_id": rules.id,
    }


def _vote_note(dossier: Dossier, nominee_id: str) -> str:
    vote = dossier.votes.get(nominee_id)
    nominee = dossier.nominee(nominee_id)
    notes = []
    if vote is not None:
        share = 100 * vote.votes_for / vote.members_total if vote.members_total else 0
        notes.append(f"Đồng ý {vote.votes_for}/{vote.members_total} ({share:.1f}%)".replace(".", ","))
    if nominee.kind is NomineeKind.INDIVIDUAL and nominee.gender and nominee.gender.value == "FEMALE":
        notes.append("Nữ")
    return "; ".join(notes)


# --- achievement summaries ------------------------------------------------------------------------


def achievement_summary_context(
    dossier: Dossier,
    *,
    rules: RuleSet,
    units: OrgUnitDirectory,
    offices: OfficeBook,
    today: date,
    options: DraftOptions | None = None,
) -> dict[str, Any]:
    """One section per nominee: who, where, rating, initiatives and works, and the achievements."""
    options = options or DraftOptions()
    office = offices.get(dossier.proposing_unit)
    who = issuer(units, dossier.proposing_unit, office)
    sections = []
    for i, n in enumerate(dossier.nominees, start=1):
        facts = []
        if n.kind is NomineeKind.INDIVIDUAL:
            facts.append(f"Giới tính: {'Nữ' if n.gender and n.gender.value == 'FEMALE' else 'Nam'}")
            if n.position or n.unit:
                facts.append(f"Chức vụ, đơn vị công tác: {_position_unit(n)}")
        elif n.kind is NomineeKind.COLLECTIVE:
            facts.append(f"Số thành viên: {n.size}" if n.size else "Tập thể")
            if n.share_of_women is not None:
                facts.append(f"Tỷ lệ nữ: {round(n.share_of_women * 100)}%")
        else:
            facts.append(f"Địa chỉ: {n.address or n.unit}")
        if n.performance_rating:
            facts.append(f"Kết quả đánh giá, xếp loại: {label(n.performance_rating)}")
        for initiative in n.initiatives:
            by = f" (công nhận: {initiative.recognised_by})" if initiative.recognised_by else ""
            facts.append(f"Sáng kiến: {initiative.title}{by}")
        for work in n.scientific_works:
            by = f" (nghiệm thu: {work.recognised_by})" if work.recognised_by else ""
            facts.append(f"Đề tài, đề án khoa học: {work.title}{by}")
        for cited in n.cited_awards:
            facts.append(f"Khen thưởng đã nhận: {label(cited.award)}{' năm ' + str(cited.year) if cited.year else ''}")
        sections.append(
            {
                "heading": f"{i}. {_display_name(n)}",
                "award": f"Đề nghị: {label(n.award)}",
                "facts": facts,
                "achievements": dossier.achievements,
            }
        )
    return {
        "draft": True,
        "governing": who.governing,
        "issuer_lines": list(who.lines),
        "number": "",
        "place_date": w.date_line(office.place, options.day, (options.day or today).year),
        "title": "TÓM TẮT THÀNH TÍCH",
        "subject": "Đề nghị " + w.subject_line([n.award for n in dossier.nominees]).removeprefix("Về việc "),
        "sections": sections,
        "signature": _signature(
            office, title=("THỦ TRƯỞNG ĐƠN VỊ",) if not who.is_committee else None, name=options.signer_name
        ),
        "receipt_number": dossier.receipt_number,
        "rule_set_id": rules.id,
    }


# --- the council's minutes ---------------------------------------------------------------------


def council_minutes_context(
    dossier: Dossier,
    *,
    rules: RuleSet,
    units: OrgUnitDirectory,
    offices: OfficeBook,
    today: date,
    options: DraftOptions | None = None,
) -> dict[str, Any]:
    """The council's meeting: what it confirmed for each nominee and how it voted."""
    options = options or DraftOptions()
    code = dossier.deciding_authority
    office = offices.get(code)
    who = issuer(units, code, office)
    required = dossier.required_council_checks(rules)
    meetings = [c.meeting_date for c in dossier.council_checks.values()] + [
        v.meeting_date for v in dossier.votes.values() if v.meeting_date
    ]
    meeting = max(meetings) if meetings else None
    minutes_refs = sorted({c.minutes_ref for c in dossier.council_checks.values() if c.minutes_ref})
    members = max((v.members_total for v in dossier.votes.values()), default=None)
    rows = []
    passed = 0
    for i, n in enumerate(dossier.nominees, start=1):
        check = dossier.council_checks.get(n.nominee_id)
        texts = {c["key"]: c["text"] for c in required.get(n.nominee_id, [])}
        confirmed = [texts.get(k, k) for k in (check.confirmed if check else ())]
        not_confirmed = [texts.get(k, k) for k in (check.not_confirmed if check else ())]
        vote = dossier.votes.get(n.nominee_id)
        vote_text = ""
        if vote is not None:
            share = 100 * vote.votes_for / vote.members_total if vote.members_total else 0
            vote_text = (
                f"{vote.votes_for}/{vote.members_total} đồng ý ({share:.1f}%".replace(".", ",")
                + f"; ngưỡng {vote.threshold_percent}%)"
            )
        ok = (not not_confirmed) and (vote is None or vote.passed) and (bool(confirmed) or vote is not None)
        passed += ok
        rows.append(
            {
                "stt": i,
                "name": _display_name(n),
                "award": label(n.award),
                "confirmed": "; ".join(confirmed) or "—",
                "not_confirmed": "; ".join(not_confirmed),
                "vote": vote_text or "Không bỏ phiếu",
                "result": "Đạt" if ok else "Không đạt",
            }
        )
    council = f"Hội đồng Thi đua – Khen thưởng {who.short}"
    return {
        "draft": True,
        "governing": who.short.upper(),
        "issuer_lines": ["HỘI ĐỒNG THI ĐUA", "KHEN THƯỞNG"],
        "number": w.number_line(options.number or (minutes_refs[0] if minutes_refs else None), "BB-HĐTĐKT"),
        "place_date": w.date_line(office.place, meeting, (meeting or today).year),
        "title": "BIÊN BẢN",
        "subject": f"Họp {council} xét đề nghị khen thưởng (hồ sơ số {dossier.receipt_number})",
        "opening": (
            f"Vào {w.date_line('', meeting, (meeting or today).year).removeprefix(', ')}, {council} họp xét đề nghị "
            f"khen thưởng của {issuer(units, dossier.proposing_unit).name}."
            if meeting
            else f"{council} họp xét đề nghị khen thưởng của {issuer(units, dossier.proposing_unit).name}."
        ),
        "attendance": f"Tổng số thành viên Hội đồng: {members}." if members else "",
        "rows": rows,
        "conclusion": (
            f"Hội đồng thống nhất đề nghị xét khen thưởng cho {passed:02d} trường hợp đạt; "
            f"{len(rows) - passed:02d} trường hợp không đạt."
        ),
        "closing": "Biên bản được lập xong và thông qua tại cuộc họp./.",
        "signatures": [
            {"title_lines": ["THƯ KÝ HỘI ĐỒNG"], "name": ""},
            {"title_lines": ["CHỦ TỊCH HỘI ĐỒNG"], "name": options.signer_name or office.signer_name},
        ],
        "receipt_number": dossier.receipt_number,
        "rule_set_id": rules.id,
    }
