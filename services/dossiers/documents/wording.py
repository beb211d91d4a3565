"""Vietnamese wording of administrative documents (NĐ 30/2020/NĐ-CP Phụ lục I), plain functions.

The date line writes a zero before days under 10 and months 1 and 2; the "Căn cứ" lines end with
";" and the last with "."; money is whole dong with dots between thousands and, for totals, in
words as decisions write it ("Bằng chữ: …").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services.dossiers.domain.values import Gender, NomineeKind, Title, label

BLANK = "\u2002" * 6
"""Room left for a number or a day a clerk writes in by hand (a draft before it is issued)."""

_CULTURAL = {Title.CULTURAL_FAMILY.value, Title.CULTURAL_VILLAGE.value}


def date_line(place: str, day: date | None, year: int) -> str:
    """`Thanh Oai, ngày 05 tháng 02 năm 2026`; without a day (a draft), room to write it in."""
    if day is None:
        return f"{place}, ngày{BLANK}tháng{BLANK}năm {year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def number_line(number: str | None, symbol: str) -> str:
    """`Số: 12/QĐ-UBND`, or `Số:      /QĐ-UBND` before the number is given."""
    return f"Số: {number}" if number else f"Số:{BLANK}/{symbol}"


def bases_lines(texts: Sequence[str]) -> list[str]:
    """`Căn cứ …;` for each text, the last ending with a full stop."""
    lines = [f"Căn cứ {t.strip().rstrip(';.')}" for t in texts if t and t.strip()]
    return [line + ("." if i == len(lines) - 1 else ";") for i, line in enumerate(lines)]


def money(amount: int | None) -> str:
    """`1.420.000`; empty when unknown."""
    return "" if amount is None else f"{int(amount):,}".replace(",", ".")


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three(n: int, full: bool) -> str:
    """Words of 0..999; `full` when a higher group precedes (so 5 reads "không trăm linh năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens > 1:
            words.append("mốt")
        elif units == 5 and tens > 0:
            words.append("lăm")
        elif units == 4 and tens > 1:
            words.append("tư")
        else:
            words.append(_DIGITS[units])
    return " ".join(words)


def vnd_in_words(amount: int) -> str:
    """`Một triệu bốn trăm hai mươi nghìn đồng` (amounts up to 999 billion)."""
    if amount == 0:
        return "Không đồng"
    groups = []
    n = amount
    while n:
        groups.append(n % 1000)
        n //= 1000
    names = ["", "nghìn", "triệu", "tỷ"]
    words: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        if groups[i] == 0:
            continue
        words.append(_three(groups[i], full=i < len(groups) - 1))
        if names[i]:
            words.append(names[i])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def award_phrase(award: str) -> str:
    """`Giấy khen`, `danh hiệu "Lao động tiên tiến"` — titles are named as titles."""
    if award in {t.value for t in Title}:
        return f"danh hiệu “{label(award)}”"
    return label(award)


def subject_line(awards: Sequence[str]) -> str:
    """The abstract of a decision: `Về việc tặng Giấy khen`, `Về việc công nhận danh hiệu …`."""
    distinct = list(dict.fromkeys(awards))
    verb = "công nhận" if distinct and all(a in _CULTURAL for a in distinct) else "tặng"
    return f"Về việc {verb} " + ", ".join(award_phrase(a) for a in distinct)


def honorific(kind: NomineeKind, gender: Gender | None) -> str:
    if kind is NomineeKind.INDIVIDUAL:
        return "Bà" if gender is Gender.FEMALE else "Ông"
    return "Hộ gia đình" if kind is NomineeKind.HOUSEHOLD else ""


def headcount(kinds: Sequence[NomineeKind]) -> str:
    """`02 cá nhân và 01 tập thể`."""
    names = {NomineeKind.INDIVIDUAL: "cá nhân", NomineeKind.COLLECTIVE: "tập thể", NomineeKind.HOUSEHOLD: "hộ gia đình"}
    parts = [f"{kinds.count(k):02d} {names[k]}" for k in names if kinds.count(k)]
    return " và ".join(parts)


def issuer_lines(name: str) -> list[str]:
    """The issuing body as NĐ 30 lays it out, upper case: `Ủy ban nhân dân xã Thanh Oai` →
    `ỦY BAN NHÂN DÂN` / `XÃ THANH OAI`."""
    prefix = "Ủy ban nhân dân "
    if name.lower().startswith(prefix.lower()):
        return [prefix.strip().upper(), name[len(prefix) :].upper()]
    return [name.upper()]
