"""Statistical form 0602.N/BNV-TĐKT of Circular 02/2023/TT-BNV, as far as its fields are known.

What is known, and from where: the form's number, title ("Số lượng khen thưởng cấp Nhà nước"),
due date (15 December of the reporting year), its rows (codes 1–3 and 6–21) and its columns
(state-level orders, medals, prizes, honorary titles, the Government's emulation flag, the Prime
Minister's certificate of commendation, "Chiến sĩ thi đua toàn quốc", others) come from the
template `Mau0602.blade.php` of the lifephongphanmem "Thi đua khen thưởng" software (docs/domain.md
R3), not from the Circular's own text, which nobody here has read.

What this system can fill: it records the awards decided at the local level (Giấy khen, annual
titles), not state-level awards, so the form's own columns are reported as "no data" (null) and
the local awards are counted along the form's rows in a separate block. Every row whose mapping
is an assumption is listed in `UNCONFIRMED`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.reporting import labels as L
from services.reporting.dataset import Dataset
from services.reporting.periods import Period

FORM = "0602.N/BNV-TĐKT"
TITLE = "Số lượng khen thưởng cấp Nhà nước"
LEGAL_BASIS = "Thông tư số 02/2023/TT-BNV ngày 23/3/2023 của Bộ Nội vụ"
DUE = "Ngày 15 tháng 12 năm báo cáo"

STATE_LEVEL_COLUMNS = (
    ("1", "Tổng số"),
    ("2", "Các loại huân chương, huy chương"),
    ("3", "Giải thưởng Hồ Chí Minh"),
    ("4", "Giải thưởng Nhà nước"),
    ("5", "Danh hiệu vinh dự nhà nước"),
    ("6", "Cờ thi đua của Chính phủ"),
    ("7", "Bằng khen của Thủ tướng Chính phủ"),
    ("8", "Danh hiệu “Chiến sĩ thi đua toàn quốc”"),
    ("9", "Các hình thức khen thưởng khác"),
)

UNCONFIRMED = (
    "Cấu trúc dòng, cột của biểu lấy từ mẫu biểu trong phần mềm của lifephongphanmem, chưa đối chiếu với văn bản "
    "Thông tư 02/2023/TT-BNV.",
    "Mẫu biểu không có dòng mã số 4 và 5; nội dung hai dòng này chưa xác định.",
    "Thời kỳ số liệu của biểu: hệ thống dùng năm dương lịch (hoặc khoảng ngày được chọn); chưa xác nhận.",
    "Hệ thống không quản lý khen thưởng cấp Nhà nước: các cột của biểu để trống (null), không phải bằng 0.",
    "Dòng 10–13 (lãnh đạo các cấp, doanh nhân) cần cấp chức vụ đã mã hóa; hồ sơ chỉ ghi chức vụ dạng chữ nên để trống.",
    "Dòng 2–3 (đơn vị ban hành tờ trình Thủ tướng) không áp dụng ở cấp huyện, xã.",
    "Phương thức khen thưởng: 'Thường xuyên' gồm khen theo phong trào (trừ chuyên đề) và khen công trạng; "
    "'Chuyên đề' là hồ sơ khen thưởng chuyên đề; dòng 'Kháng chiến' không có loại hình tương ứng nên để trống.",
    "Doanh nghiệp (dòng 7): tập thể trong hồ sơ khen thưởng doanh nghiệp.",
)


@dataclass(frozen=True)
class AwardRecord:
    award: str
    nominee_kind: str
    direct_worker: bool
    dossier_kind: str
    award_type: str


Selector = Callable[[AwardRecord], bool]


@dataclass(frozen=True)
class FormRow:
    code: str
    label: str
    unit: str
    select: Selector | None  # None: the system cannot tell (reported as null)
    heading: bool = False


def _regular(a: AwardRecord) -> bool:
    return (a.award_type == "MOVEMENT" and a.dossier_kind != "THEMATIC") or a.award_type == "MERIT"


ROWS: tuple[FormRow, ...] = (
    FormRow("1", "Tổng số", "", lambda a: True),
    FormRow("", "1. Chia theo đơn vị ban hành tờ trình Thủ tướng Chính phủ về khen thưởng", "", None, True),
    FormRow("2", "- Bộ, ban, ngành, đoàn thể Trung ương", "Bộ, ngành", None),
    FormRow("3", "- Tỉnh, thành phố trực thuộc Trung ương", "Tỉnh, TP", None),
    FormRow("", "2. Chia theo đối tượng khen thưởng", "", None, True),
    FormRow("6", "- Tập thể", "Tập thể", lambda a: a.nominee_kind == "COLLECTIVE"),
    FormRow(
        "7",
        "Trong đó: Doanh nghiệp",
        "Doanh nghiệp",
        lambda a: a.nominee_kind == "COLLECTIVE" and a.dossier_kind == "ENTERPRISE",
    ),
    FormRow("8", "- Hộ gia đình", "Hộ", lambda a: a.nominee_kind == "HOUSEHOLD"),
    FormRow("9", "- Cá nhân", "Người", lambda a: a.nominee_kind == "INDIVIDUAL"),
    FormRow("10", "+ Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên", "Người", None),
    FormRow("11", "+ Lãnh đạo cấp vụ, sở, ngành và tương đương", "Người", None),
    FormRow("12", "+ Doanh nhân", "Người", None),
    FormRow("13", "+ Các cấp lãnh đạo khác từ phó phòng trở lên", "Người", None),
    FormRow(
        "14",
        "+ Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu (công nhân, nông dân,...)",
        "Người",
        lambda a: a.nominee_kind == "INDIVIDUAL" and a.direct_worker,
    ),
    FormRow("", "3. Chia theo phương thức khen thưởng", "", None, True),
    FormRow("15", "- Thường xuyên", "", _regular),
    FormRow("16", "- Chuyên đề", "", lambda a: a.dossier_kind == "THEMATIC"),
    FormRow("17", "- Đột xuất", "", lambda a: a.award_type == "AD_HOC"),
    FormRow("18", "- Đối ngoại", "", lambda a: a.award_type == "FOREIGN"),
    FormRow("19", "- Cống hiến", "", lambda a: a.award_type == "CONTRIBUTION"),
    FormRow("20", "- Niên hạn", "", lambda a: a.award_type == "SENIORITY"),
    FormRow("21", "- Kháng chiến", "", None),
)


def award_records(ds: Dataset) -> list[AwardRecord]:
    """Each award decided in the period, with what the rows need to know about it."""
    records = []
    for a in ds.approvals:
        d = ds.dossiers.get(a.dossier_id)
        n = ds.nominee(a.dossier_id, a.nominee_id)
        if d is None or n is None:
            continue
        records.append(AwardRecord(a.award, n.kind, bool(n.is_direct_worker), d.kind, d.award_type))
    return records


def build_form(ds: Dataset, period: Period, generation: int) -> dict[str, Any]:
    records = award_records(ds)
    local_awards = sorted({r.award for r in records}, key=lambda code: L.label(L.AWARDS, code))
    rows = []
    for row in ROWS:
        entry: dict[str, Any] = {"code": row.code, "label": row.label, "unit": row.unit, "heading": row.heading}
        entry["state_level"] = None if row.heading else dict.fromkeys(c for c, _ in STATE_LEVEL_COLUMNS)
        if row.heading:
            entry["local_total"], entry["local_by_award"] = None, None
        elif row.select is None:
            entry["local_total"], entry["local_by_award"] = None, dict.fromkeys(local_awards)
        else:
            chosen = [r for r in records if row.select(r)]
            entry["local_total"] = len(chosen)
            entry["local_by_award"] = {code: sum(r.award == code for r in chosen) for code in local_awards}
        rows.append(entry)
    return {
        "form": FORM,
        "title": TITLE,
        "legal_basis": LEGAL_BASIS,
        "due": DUE,
        "period": period.as_dict(),
        "generation": generation,
        "state_level_columns": [{"code": c, "label": label} for c, label in STATE_LEVEL_COLUMNS],
        "local_columns": [{"code": code, "label": L.label(L.AWARDS, code)} for code in local_awards],
        "rows": rows,
        "unconfirmed": list(UNCONFIRMED),
        "notes": [
            "Khối 'khen thưởng do hệ thống quyết định' đếm số lượt khen thưởng theo quyết định ký trong kỳ "
            "(cấp cơ sở), theo cấu trúc dòng của biểu; không thay thế số liệu khen thưởng cấp Nhà nước.",
            "Số lượt tính cả khen thưởng sau đó bị hủy bỏ; số hủy bỏ xem ở báo cáo tổng hợp.",
        ],
    }
