"""Demo data: the 2023 movements that dispatch 147 lists, for Thanh Oai, as plain data.

Every document number here is invented and marked "(dữ liệu mẫu)". `demo_commands()` yields the
use-case calls that bring each movement to a different point of its life (draft, returned,
launched, reviewed, closed), so a fresh store shows every state. Run them with
`getattr(app, command.method)(**command.kwargs)`; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.campaigns.domain import campaign_id_for
from shared.actor import Actor

DEMO = "(dữ liệu mẫu)"
SECRETARIAT = Actor(id="demo.pnv.thuong-truc", role="council_secretariat", unit="PNV")


@dataclass(frozen=True)
class DemoCommand:
    """One call on `Campaigns`: the method name and its keyword arguments."""

    method: str
    kwargs: dict[str, Any]


def _doc(number: str, issued_on: date, signer: str = "") -> dict[str, Any]:
    return {"number": f"{number} {DEMO}", "issued_on": issued_on, "signer": signer, "reference": DEMO}


def _target(indicator: str, value: int | str, unit: str) -> dict[str, Any]:
    return {"indicator": indicator, "target_value": value, "unit_of_measure": unit}


_CHAIRMAN = "Chủ tịch UBND huyện"

CAMPAIGNS: list[dict[str, Any]] = [
    {
        "code": "PT-2023-NTVT",
        "name": "Người tốt, việc tốt",
        "lead_unit_id": "PNV",
        "kind": "regular",
        "purpose": ("Phát hiện, biểu dương, nhân rộng các gương người tốt, việc tốt trong mọi tầng lớp nhân dân."),
        "requirements": (
            "Việc phát hiện, lựa chọn gương điển hình phải chính xác, công khai, kịp thời và có sức lan tỏa."
        ),
        "content": (
            "Tuyên truyền, phát hiện và khen thưởng kịp thời các tập thể, cá nhân có hành động đẹp, việc làm tốt."
        ),
        "targets": [
            _target("Gương người tốt, việc tốt được biểu dương", 50, "gương"),
            _target("Xã, thị trấn có mô hình tuyên truyền gương điển hình", 21, "xã, thị trấn"),
        ],
        "start_date": date(2023, 1, 1),
        "end_date": date(2023, 11, 30),
        "directive": _doc("02/CT-UBND", date(2023, 1, 5), _CHAIRMAN),
        "plan": _doc("08/KH-UBND", date(2023, 1, 10)),
        "progress": "closed",
    },
    {
        "code": "PT-2023-CCHC",
        "name": "Đẩy mạnh cải cách hành chính",
        "lead_unit_id": "PNV",
        "kind": "thematic",
        "purpose": (
            "Nâng cao chất lượng giải quyết thủ tục hành chính và mức độ hài lòng của người dân, doanh nghiệp."
        ),
        "requirements": (
            "Các cơ quan, đơn vị đăng ký chỉ tiêu cụ thể, gắn trách nhiệm người đứng đầu với kết quả cải cách."
        ),
        "content": ("Rà soát, đơn giản hóa thủ tục hành chính; đẩy mạnh dịch vụ công trực tuyến và chuyển đổi số."),
        "targets": [
            _target("Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", 98, "%"),
            _target("Tỷ lệ hồ sơ nộp trực tuyến", 50, "%"),
        ],
        "start_date": date(2023, 2, 1),
        "end_date": date(2023, 12, 31),
        "directive": _doc("05/CT-UBND", date(2023, 1, 20), _CHAIRMAN),
        "plan": _doc("21/KH-UBND", date(2023, 1, 28)),
        "progress": "interim_reviewed",
    },
    {
        "code": "PT-2023-NTM",
        "name": "Toàn dân chung sức xây dựng Nông thôn mới",
        "lead_unit_id": "PKT",
        "kind": "thematic",
        "purpose": (
            "Huy động sức mạnh của cả hệ thống chính trị và nhân dân xây dựng nông thôn mới nâng cao, kiểu mẫu."
        ),
        "requirements": ("Bám sát bộ tiêu chí nông thôn mới nâng cao, kiểu mẫu giai đoạn 2021–2025 của thành phố."),
        "content": (
            "Xây dựng hạ tầng giao thông nông thôn, chỉnh trang khu dân cư, phát triển sản xuất và nâng cao thu nhập."
        ),
        "targets": [
            _target("Xã đạt chuẩn nông thôn mới nâng cao", 5, "xã"),
            _target("Xã đạt chuẩn nông thôn mới kiểu mẫu", 1, "xã"),
        ],
        "start_date": date(2023, 1, 15),
        "end_date": date(2023, 12, 31),
        "directive": _doc("03/CT-UBND", date(2023, 1, 9), _CHAIRMAN),
        "plan": _doc("15/KH-UBND", date(2023, 1, 12)),
        "progress": "interim_reviewed",
    },
    {
        "code": "PT-2023-DSVH",
        "name": "Toàn dân đoàn kết xây dựng đời sống văn hóa",
        "lead_unit_id": "PVHTT",
        "kind": "regular",
        "purpose": ("Xây dựng môi trường văn hóa lành mạnh, nâng cao đời sống tinh thần của nhân dân trong huyện."),
        "requirements": (
            "Gắn phong trào với xây dựng nông thôn mới và thực hiện nếp sống văn minh trong việc cưới, việc tang."
        ),
        "content": ("Bình xét gia đình văn hóa, thôn, tổ dân phố văn hóa; xây dựng thiết chế văn hóa cơ sở."),
        "targets": [
            _target("Tỷ lệ hộ gia đình đạt danh hiệu Gia đình văn hóa", 90, "%"),
            _target("Tỷ lệ thôn, tổ dân phố đạt danh hiệu văn hóa", 85, "%"),
        ],
        "start_date": date(2023, 1, 1),
        "end_date": date(2023, 12, 31),
        "directive": _doc("04/CT-UBND", date(2023, 1, 12), _CHAIRMAN),
        "plan": _doc("18/KH-UBND", date(2023, 1, 16)),
        "progress": "launched",
    },
    {
        "code": "PT-2023-VNN",
        "name": "Chung tay vì người nghèo – Không để ai bị bỏ lại phía sau",
        "lead_unit_id": "PLDTBXH",
        "kind": "thematic",
        "purpose": ("Huy động nguồn lực xã hội hỗ trợ hộ nghèo, hộ cận nghèo vươn lên thoát nghèo bền vững."),
        "requirements": (
            "Hỗ trợ đúng đối tượng, công khai, minh bạch; không để hộ nghèo tái nghèo sau khi được hỗ trợ."
        ),
        "content": ("Hỗ trợ sinh kế, xây mới và sửa chữa nhà Đại đoàn kết, trao học bổng cho con em hộ nghèo."),
        "targets": [
            _target("Hộ nghèo thoát nghèo", 120, "hộ"),
            _target("Nhà Đại đoàn kết được xây mới, sửa chữa", 15, "nhà"),
        ],
        "start_date": date(2023, 3, 1),
        "end_date": date(2023, 12, 31),
        "directive": _doc("06/CT-UBND", date(2023, 2, 10), _CHAIRMAN),
        "plan": None,  # added after the secretariat returns the registration
        "progress": "returned_then_launched",
    },
    {
        "code": "PT-2023-DTHT",
        "name": "Thi đua dạy tốt, học tốt",
        "lead_unit_id": "PGDDT",
        "kind": "periodic",
        "purpose": "Nâng cao chất lượng dạy và học, đổi mới phương pháp giảng dạy trong các nhà trường.",
        "requirements": "Mỗi trường đăng ký chỉ tiêu thi đua theo học kỳ, sơ kết sau mỗi đợt thi đua.",
        "content": ("Thi giáo viên dạy giỏi, phong trào học sinh giỏi, xây dựng trường đạt chuẩn quốc gia."),
        "targets": [
            _target("Tỷ lệ học sinh lên lớp", 99, "%"),
            _target("Trường được công nhận đạt chuẩn quốc gia", 3, "trường"),
        ],
        "start_date": date(2023, 1, 3),
        "end_date": date(2023, 12, 31),
        "stages": [
            {
                "number": 1,
                "name": "Học kỳ II năm học 2022–2023",
                "start_date": date(2023, 1, 3),
                "end_date": date(2023, 5, 31),
            },
            {
                "number": 2,
                "name": "Học kỳ I năm học 2023–2024",
                "start_date": date(2023, 9, 5),
                "end_date": date(2023, 12, 31),
            },
        ],
        "directive": _doc("07/CT-UBND", date(2022, 12, 20), _CHAIRMAN),
        "plan": _doc("02/KH-PGDĐT", date(2022, 12, 26)),
        "progress": "stage_reviewed",
    },
    {
        "code": "PT-2023-ANTQ",
        "name": "Toàn dân bảo vệ an ninh Tổ quốc",
        "lead_unit_id": "CAH",
        "kind": "regular",
        "purpose": ("Phát huy sức mạnh toàn dân giữ vững an ninh chính trị, bảo đảm trật tự, an toàn xã hội."),
        "requirements": ("Xây dựng lực lượng nòng cốt ở cơ sở, gắn phong trào với các cuộc vận động của Mặt trận."),
        "content": ("Xây dựng mô hình tự quản về an ninh, trật tự; tố giác tội phạm; phòng cháy, chữa cháy."),
        "targets": [_target("Tỷ lệ thôn, tổ dân phố đạt tiêu chuẩn an toàn về an ninh, trật tự", 90, "%")],
        "start_date": date(2023, 1, 1),
        "end_date": date(2023, 12, 31),
        "directive": _doc("09/CT-UBND", date(2023, 1, 6), _CHAIRMAN),
        "plan": _doc("11/KH-CAH", date(2023, 1, 11)),
        "progress": "launched",
    },
    {
        "code": "PT-2023-QT",
        "name": "Thi đua quyết thắng",
        "lead_unit_id": "BCHQS",
        "kind": "regular",
        "purpose": (
            "Xây dựng lực lượng vũ trang huyện vững mạnh toàn diện, hoàn thành tốt nhiệm vụ quân sự, quốc phòng."
        ),
        "requirements": ("Gắn thi đua với thực hiện nhiệm vụ huấn luyện, sẵn sàng chiến đấu và công tác tuyển quân."),
        "content": (
            "Huấn luyện dân quân tự vệ, diễn tập khu vực phòng thủ, giao quân đúng chỉ tiêu và đúng thời gian."
        ),
        "targets": [_target("Tỷ lệ hoàn thành chỉ tiêu giao quân", 100, "%")],
        "start_date": date(2023, 1, 1),
        "end_date": date(2023, 12, 31),
        "directive": _doc("10/CT-UBND", date(2023, 1, 6), _CHAIRMAN),
        "plan": _doc("05/KH-BCHQS", date(2023, 1, 13)),
        "progress": "launched",
    },
    {
        "code": "PT-2023-RLTT",
        "name": "Toàn dân rèn luyện thân thể theo gương Bác Hồ vĩ đại",
        "lead_unit_id": "TTVHTTTT",
        "kind": "regular",
        "purpose": "Phát triển phong trào thể dục thể thao quần chúng, nâng cao sức khỏe nhân dân.",
        "requirements": ("Tổ chức hoạt động thể thao phù hợp từng lứa tuổi, huy động nguồn lực xã hội hóa."),
        "content": "Tổ chức giải thể thao cấp huyện, xây dựng câu lạc bộ thể thao ở thôn, tổ dân phố.",
        "targets": [_target("Tỷ lệ người dân tập luyện thể dục thể thao thường xuyên", 40, "%")],
        "start_date": date(2023, 3, 26),
        "end_date": date(2023, 12, 31),
        "directive": None,
        "plan": None,
        "progress": "draft",
    },
]


def _lead(unit: str) -> Actor:
    return Actor(id=f"demo.{unit.lower()}", role="lead_unit_officer", unit=unit)


def _all_results(campaign: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"indicator": t["indicator"], "achieved_value": t["target_value"], "note": "Đạt chỉ tiêu"}
        for t in campaign["targets"]
    ]


def _draft_kwargs(campaign: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in campaign.items() if k != "progress"}
    return {"launching_level": "district", "actor": _lead(campaign["lead_unit_id"]), **fields}


def demo_commands() -> Iterator[DemoCommand]:
    """The calls that load the demo movements, in order; ids come from the codes."""
    for number, campaign in enumerate(CAMPAIGNS, start=1):
        progress = campaign["progress"]
        cid = campaign_id_for(campaign["code"])
        lead = _lead(campaign["lead_unit_id"])
        yield DemoCommand("draft", _draft_kwargs(campaign))
        if progress == "draft":
            continue
        if progress == "returned_then_launched":
            yield DemoCommand(
                "return_registration",
                {
                    "campaign_id": cid,
                    "returned_on": date(2023, 2, 20),
                    "actor": SECRETARIAT,
                    "reasons": ["Chưa có kế hoạch tổ chức phong trào."],
                },
            )
            yield DemoCommand(
                "amend",
                {
                    "campaign_id": cid,
                    "actor": lead,
                    "reason": "Bổ sung kế hoạch theo yêu cầu của Phòng Nội vụ.",
                    "plan": _doc("30/KH-UBND", date(2023, 2, 24)),
                },
            )
        registered_on = date(2023, 2, 28) if progress == "returned_then_launched" else date(2023, 1, 18)
        yield DemoCommand(
            "register",
            {
                "campaign_id": cid,
                "registration_number": f"{number:02d}/ĐK-PNV {DEMO}",
                "registered_on": registered_on,
                "actor": SECRETARIAT,
            },
        )
        launched_on = max(registered_on, campaign["start_date"])
        yield DemoCommand("launch", {"campaign_id": cid, "launched_on": launched_on, "actor": lead})
        if progress in ("interim_reviewed", "closed"):
            yield DemoCommand(
                "file_interim_review",
                {
                    "campaign_id": cid,
                    "report": _doc(f"{100 + number}/BC-SK", date(2023, 7, 10)),
                    "summary": "Sơ kết 6 tháng đầu năm 2023: các chỉ tiêu đạt trên 50% kế hoạch năm.",
                    "filed_on": date(2023, 7, 10),
                    "actor": lead,
                },
            )
        if progress == "stage_reviewed":
            yield DemoCommand(
                "file_interim_review",
                {
                    "campaign_id": cid,
                    "stage": 1,
                    "report": _doc(f"{100 + number}/BC-SK", date(2023, 6, 15)),
                    "summary": "Sơ kết học kỳ II năm học 2022–2023.",
                    "filed_on": date(2023, 6, 15),
                    "actor": lead,
                    "proposed_collectives": 4,
                    "proposed_individuals": 25,
                },
            )
        if progress == "closed":
            yield DemoCommand(
                "file_final_review",
                {
                    "campaign_id": cid,
                    "report": _doc(f"{200 + number}/BC-TK", date(2023, 12, 15)),
                    "summary": "Tổng kết phong trào năm 2023: hoàn thành toàn bộ chỉ tiêu đề ra.",
                    "results": _all_results(campaign),
                    "filed_on": date(2023, 12, 15),
                    "actor": lead,
                    "proposed_collectives": 6,
                    "proposed_individuals": 30,
                },
            )
            yield DemoCommand("close_campaign", {"campaign_id": cid, "closed_on": date(2023, 12, 28), "actor": lead})
