"""A generated year of a commune's annual workload: 30 units, 5,000 nominees in their XLSX lists.

Deterministic (no randomness): unit k lists 167 or 166 people; every tenth is proposed for CSTĐCS
(rated excellent, with a recognised initiative), the others for LĐTT (rated good). Three people
of unit 1 (`P`, `Q`, `R`) have a history the next year's CSTĐ cấp tỉnh check reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.dossiers.annual.nominee_import import write_xlsx

UNITS = [f"DV{k:02d}" for k in range(1, 31)]
NOMINEES = 5000
P, Q, R = "001001000010", "001001000020", "001001000030"
"""ID numbers of three CSTĐCS nominees of DV01 (rows 10, 20, 30)."""


def id_number(unit_no: int, j: int) -> str:
    return f"0010{unit_no:02d}{j:06d}"


def people_of(unit_no: int) -> list[dict[str, Any]]:
    count = NOMINEES // len(UNITS) + (1 if unit_no <= NOMINEES % len(UNITS) else 0)
    rows = []
    for j in range(1, count + 1):
        fighter = j % 10 == 0
        rows.append(
            {
                "name": f"Người lao động {unit_no:02d}-{j:03d}",
                "kind": "Cá nhân",
                "id_number": id_number(unit_no, j),
                "gender": "Nữ" if j % 2 else "Nam",
                "position": "Chuyên viên",
                "unit": f"Đơn vị số {unit_no}",
                "award": "Chiến sĩ thi đua cơ sở" if fighter else "LĐTT",
                "rating": "Hoàn thành xuất sắc nhiệm vụ" if fighter else "Hoàn thành tốt nhiệm vụ",
                "initiative": f"Sáng kiến {unit_no}-{j}" if fighter else None,
            }
        )
    return rows


BAD_ROWS = [
    # 11 digits; an award nobody knows; no gender; the same person twice for the same title
    {"name": "Sai CCCD", "id_number": "00100200099", "gender": "Nam", "position": "CV", "unit": "ĐV2", "award": "LĐTT"},
    {"name": "Sai danh hiệu", "id_number": "001002000991", "gender": "Nữ", "position": "CV", "unit": "ĐV2",
     "award": "Anh hùng lao động"},
    {"name": "Thiếu giới tính", "id_number": "001002000992", "position": "CV", "unit": "ĐV2", "award": "LĐTT"},
    {"name": "Người lao động 02-001 (lặp)", "id_number": id_number(2, 1), "gender": "Nam", "position": "CV",
     "unit": "ĐV2", "award": "LĐTT", "rating": "Hoàn thành tốt nhiệm vụ"},
]  # fmt: skip


FIGHTERS = sum(len([p for p in people_of(k) if p["rating"].startswith("Hoàn thành xuất sắc")]) for k in range(1, 31))


def unit_file(unit_no: int, *, with_bad_rows: bool = False) -> bytes:
    return write_xlsx([*people_of(unit_no), *(BAD_ROWS if with_bad_rows else [])])


ROUND_OPENED = date(2025, 11, 3)
DEADLINE = date(2025, 12, 5)
