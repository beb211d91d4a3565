"""Demo data: the movements dispatch 147/UBND-NV (2023) of Thanh Oai names, as plain data.

Exactly the dispatch's movements, by name and lead office, and nothing else. Every document
number here is invented and marked "(dữ liệu mẫu)". `demo_commands()` yields the use-case calls
that bring each movement to a different point of its life (draft, returned, registered, launched,
reviewed, closed), so a fresh store shows every state. Run them with
`getattr(app, command.method)(**command.kwargs)`; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.campaigns.domain.campaign import (
    DocumentReference,
    MovementKind,
    ReviewResult,
    Stage,
    Target,
    campaign_id_for,
)
from shared.actor import Actor

DEMO = "(dữ liệu mẫu)"
SECRETARIAT = Actor(id="demo.pnv.thuong-truc", role="council_secretariat", unit="PNV")


@dataclass(frozen=True)
class DemoCommand:
    """One call on `Campaigns`: the method name and its keyword arguments."""

    method: str
    kwargs: dict[str, Any]


def _doc(number: str, issued_on: date, signer: str = "") -> DocumentReference:
    return DocumentReference(f"{number} {DEMO}", issued_on, signer, DEMO)


def _target(indicator: str, value: int | str, unit: str) -> Target:
    return Target(indicator, Decimal(value), unit)


_CHAIRMAN = "Chủ tịch UBND huyện"


def _movement(
    code: str,
    name: str,
    lead: str,
    kind: str,
    purpose: str,
    requirements: str,
    content: str,
    targets: list[Target],
    progress: str,
    *,
    number: int,
    start: date = date(2023, 1, 1),
    end: date = date(2023, 12, 31),
    stages: list[Stage] | None = None,
    plan: bool = True,
    directive: bool = True,
) -> dict[str, Any]:
    """One movement: its content and the point of its life the demo brings it to."""
    return {
        "code": code,
        "name": name,
        "lead_unit_id": lead,
        "kind": MovementKind(kind),
        "purpose": purpose,
        "requirements": requirements,
        "content": content,
        "targets": targets,
        "start_date": start,
        "end_date": end,
        **({"stages": stages} if stages else {}),
        "directive": _doc(f"{number:02d}/CT-UBND", date(2023, 1, 5), _CHAIRMAN) if directive else None,
        "plan": _doc(f"{number + 10:02d}/KH-UBND", date(2023, 1, 10)) if plan else None,
        "progress": progress,
    }


# The movements dispatch 147/UBND-NV (2023) names, each with the office the dispatch makes its
# lead, and nothing it does not name. Thirteen names are the dispatch's own words (as recorded in
# the research notes); two are known only from a summary of it and are worded here in the usual
# form of Hà Nội's movements, not verbatim: PT-2023-HTS (digital infrastructure, science and
# technology) and PT-2023-VD4 (site clearance for Ring Road 4). Everything else (content, targets,
# dates, document numbers) is sample data.
CAMPAIGNS: list[dict[str, Any]] = [
    _movement(
        "PT-2023-NTVT", "Người tốt, việc tốt", "PNV", "regular",
        "Phát hiện, biểu dương, nhân rộng các gương người tốt, việc tốt trong mọi tầng lớp nhân dân.",
        "Việc phát hiện, lựa chọn gương điển hình phải chính xác, công khai, kịp thời và có sức lan tỏa.",
        "Tuyên truyền, phát hiện và khen thưởng kịp thời các tập thể, cá nhân có hành động đẹp, việc làm tốt.",
        [_target("Gương người tốt, việc tốt được biểu dương", 50, "gương")],
        "closed", number=2, end=date(2023, 11, 30),
    ),
    _movement(
        "PT-2023-CCHC", "Đẩy mạnh cải cách hành chính", "PNV", "thematic",
        "Nâng cao chất lượng giải quyết thủ tục hành chính và mức độ hài lòng của người dân, doanh nghiệp.",
        "Các cơ quan, đơn vị đăng ký chỉ tiêu cụ thể, gắn trách nhiệm người đứng đầu với kết quả cải cách.",
        "Rà soát, đơn giản hóa thủ tục hành chính; đẩy mạnh dịch vụ công trực tuyến và chuyển đổi số.",
        [_target("Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", 98, "%"),
         _target("Tỷ lệ hồ sơ nộp trực tuyến", 50, "%")],
        "interim_reviewed", number=5, start=date(2023, 2, 1),
    ),
    _movement(
        "PT-2023-NTM", "Toàn dân chung sức xây dựng Nông thôn mới", "PKT", "thematic",
        "Huy động sức mạnh của cả hệ thống chính trị và nhân dân xây dựng nông thôn mới nâng cao, kiểu mẫu.",
        "Bám sát bộ tiêu chí nông thôn mới nâng cao, kiểu mẫu giai đoạn 2021–2025 của thành phố.",
        "Xây dựng hạ tầng giao thông nông thôn, chỉnh trang khu dân cư, phát triển sản xuất và nâng cao thu nhập.",
        [_target("Xã đạt chuẩn nông thôn mới nâng cao", 5, "xã"),
         _target("Xã đạt chuẩn nông thôn mới kiểu mẫu", 1, "xã")],
        "interim_reviewed", number=3, start=date(2023, 1, 15),
    ),
    _movement(
        "PT-2023-DNTD", "Doanh nghiệp Thủ đô hội nhập và phát triển", "PKT", "regular",
        "Khuyến khích doanh nghiệp trên địa bàn đổi mới, nâng cao năng lực cạnh tranh và hội nhập.",
        "Doanh nghiệp đăng ký thi đua, thực hiện đầy đủ nghĩa vụ thuế, bảo hiểm xã hội cho người lao động.",
        "Đổi mới công nghệ, xây dựng thương hiệu sản phẩm làng nghề, mở rộng thị trường xuất khẩu.",
        [_target("Doanh nghiệp đăng ký tham gia phong trào", 60, "doanh nghiệp")],
        "launched", number=8,
    ),
    _movement(
        "PT-2023-SKTD", "Sáng kiến, sáng tạo Thủ đô", "PKT", "regular",
        "Khơi dậy tinh thần sáng tạo của cán bộ, công chức, người lao động và nhân dân trong huyện.",
        "Sáng kiến phải được áp dụng thực tế, có xác nhận hiệu quả của cơ quan, đơn vị.",
        "Phát động viết, đăng ký và công nhận sáng kiến trong quản lý, sản xuất, kinh doanh và đời sống.",
        [_target("Sáng kiến được công nhận cấp cơ sở", 40, "sáng kiến")],
        "registered", number=11,
    ),
    _movement(
        "PT-2023-HTS", "Đẩy mạnh phát triển hạ tầng số, khoa học và công nghệ", "PKT", "thematic",
        "Phát triển hạ tầng số, ứng dụng khoa học và công nghệ phục vụ chính quyền số và kinh tế số.",
        "Các cơ quan, đơn vị và xã, thị trấn triển khai đồng bộ, có lộ trình và kiểm tra định kỳ.",
        "Phủ sóng cáp quang đến thôn, số hóa dữ liệu hộ tịch, đất đai; ứng dụng tiến bộ kỹ thuật trong sản xuất.",
        [_target("Thôn, tổ dân phố có cáp quang", 100, "%")],
        "draft", number=12, start=date(2023, 3, 26), plan=False, directive=False,
    ),
    _movement(
        "PT-2023-VD4", "Đẩy nhanh công tác giải phóng mặt bằng dự án đầu tư xây dựng đường Vành đai 4 – Vùng Thủ đô",
        "PTNMT", "thematic",
        "Hoàn thành bàn giao mặt bằng dự án đường Vành đai 4 – Vùng Thủ đô đúng tiến độ thành phố giao.",
        "Công khai, minh bạch, đúng pháp luật; bảo đảm quyền lợi hợp pháp của người có đất bị thu hồi.",
        "Kiểm đếm, lập, phê duyệt phương án bồi thường, hỗ trợ, tái định cư và bàn giao mặt bằng sạch.",
        [_target("Diện tích mặt bằng bàn giao", 100, "%")],
        "launched", number=14, start=date(2023, 3, 1),
    ),
    _movement(
        "PT-2023-KCHT",
        "Đẩy mạnh phát triển kết cấu hạ tầng đồng bộ, hiện đại; thực hành tiết kiệm, chống lãng phí",
        "PTCKH", "regular",
        "Huy động và sử dụng hiệu quả các nguồn lực đầu tư kết cấu hạ tầng; thực hành tiết kiệm, chống lãng phí.",
        "Giải ngân vốn đầu tư công đúng kế hoạch; công khai tài chính, ngân sách theo quy định.",
        "Đẩy nhanh tiến độ dự án hạ tầng, tiết kiệm chi thường xuyên, xử lý tài sản công dôi dư.",
        [_target("Tỷ lệ giải ngân vốn đầu tư công", 95, "%")],
        "launched", number=15,
    ),
    _movement(
        "PT-2022-TCTC", "Thực hiện chuyển đơn vị sự nghiệp công lập sang tự chủ tài chính", "PTCKH", "periodic",
        "Nâng mức tự chủ tài chính của các đơn vị sự nghiệp công lập giai đoạn 2022–2025.",
        "Mỗi đơn vị xây dựng lộ trình tự chủ theo năm, sơ kết sau mỗi năm thực hiện.",
        "Rà soát giá dịch vụ sự nghiệp công, sắp xếp bộ máy, giao quyền tự chủ theo lộ trình.",
        [_target("Đơn vị sự nghiệp tự bảo đảm chi thường xuyên", 10, "đơn vị")],
        "stage_reviewed", number=16, start=date(2022, 1, 1), end=date(2025, 12, 31),
        stages=[
            Stage(n + 1, f"Năm {y}", date(y, 1, 1), date(y, 12, 31))
            for n, y in enumerate(range(2022, 2026))
        ],
    ),
    _movement(
        "PT-2023-VNN", "Vì người nghèo - Không để ai bị bỏ lại phía sau", "PLDTBXH", "thematic",
        "Huy động nguồn lực xã hội hỗ trợ hộ nghèo, hộ cận nghèo vươn lên thoát nghèo bền vững.",
        "Hỗ trợ đúng đối tượng, công khai, minh bạch; không để hộ nghèo tái nghèo sau khi được hỗ trợ.",
        "Hỗ trợ sinh kế, xây mới và sửa chữa nhà Đại đoàn kết, trao học bổng cho con em hộ nghèo.",
        [_target("Hộ nghèo thoát nghèo", 120, "hộ"), _target("Nhà Đại đoàn kết được xây mới, sửa chữa", 15, "nhà")],
        "returned_then_launched", number=6, start=date(2023, 3, 1), plan=False,  # added after the return
    ),
    _movement(
        "PT-2023-VHCS",
        "Cán bộ, công chức, viên chức, người lao động thi đua thực hiện văn hóa công sở và nơi công cộng",
        "PVHTT", "regular",
        "Xây dựng phong cách làm việc chuyên nghiệp, văn minh của cán bộ, công chức, viên chức.",
        "Thực hiện nghiêm quy tắc ứng xử nơi công sở và nơi công cộng; người đứng đầu gương mẫu.",
        "Chuẩn hóa giao tiếp với người dân, trang phục, giờ giấc làm việc; giữ gìn cảnh quan công sở.",
        [_target("Cơ quan đạt chuẩn văn hóa công sở", 100, "%")],
        "launched", number=17,
    ),
    _movement(
        "PT-2023-DSVH", "Toàn dân đoàn kết xây dựng đời sống văn hóa", "PVHTT", "regular",
        "Xây dựng môi trường văn hóa lành mạnh, nâng cao đời sống tinh thần của nhân dân trong huyện.",
        "Gắn phong trào với xây dựng nông thôn mới và thực hiện nếp sống văn minh trong việc cưới, việc tang.",
        "Bình xét gia đình văn hóa, thôn, tổ dân phố văn hóa; xây dựng thiết chế văn hóa cơ sở.",
        [_target("Tỷ lệ hộ gia đình đạt danh hiệu Gia đình văn hóa", 90, "%"),
         _target("Tỷ lệ thôn, tổ dân phố đạt danh hiệu văn hóa", 85, "%")],
        "launched", number=4,
    ),
    _movement(
        "PT-2023-ATTP", "An toàn thực phẩm", "PYT", "thematic",
        "Bảo đảm an toàn thực phẩm, phòng ngừa ngộ độc thực phẩm trên địa bàn huyện.",
        "Các cơ sở sản xuất, kinh doanh thực phẩm cam kết và chấp hành quy định an toàn thực phẩm.",
        "Kiểm tra cơ sở kinh doanh thực phẩm, xây dựng chợ và bếp ăn tập thể an toàn, truy xuất nguồn gốc.",
        [_target("Cơ sở kinh doanh thực phẩm được kiểm tra", 100, "%")],
        "launched", number=18,
    ),
    _movement(
        "PT-2023-ANTQ", "Vì an ninh Tổ quốc", "CAH", "regular",
        "Phát huy sức mạnh toàn dân giữ vững an ninh chính trị, bảo đảm trật tự, an toàn xã hội.",
        "Xây dựng lực lượng nòng cốt ở cơ sở, gắn phong trào với các cuộc vận động của Mặt trận.",
        "Xây dựng mô hình tự quản về an ninh, trật tự; tố giác tội phạm; phòng cháy, chữa cháy.",
        [_target("Tỷ lệ thôn, tổ dân phố đạt tiêu chuẩn an toàn về an ninh, trật tự", 90, "%")],
        "launched", number=9,
    ),
    _movement(
        "PT-2023-QT", "Thi đua quyết thắng", "BCHQS", "regular",
        "Xây dựng lực lượng vũ trang huyện vững mạnh toàn diện, hoàn thành tốt nhiệm vụ quân sự, quốc phòng.",
        "Gắn thi đua với thực hiện nhiệm vụ huấn luyện, sẵn sàng chiến đấu và công tác tuyển quân.",
        "Huấn luyện dân quân tự vệ, diễn tập khu vực phòng thủ, giao quân đúng chỉ tiêu và đúng thời gian.",
        [_target("Tỷ lệ hoàn thành chỉ tiêu giao quân", 100, "%")],
        "launched", number=10,
    ),
]  # fmt: skip


def _lead(unit: str) -> Actor:
    return Actor(id=f"demo.{unit.lower()}", role="lead_unit_officer", unit=unit)


def _all_results(campaign: dict[str, Any]) -> list[ReviewResult]:
    return [ReviewResult(t.indicator, t.target_value, "Đạt chỉ tiêu") for t in campaign["targets"]]


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
        if progress == "registered":
            continue
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
                    "report": _doc(f"{100 + number}/BC-SK", date(2023, 1, 30)),
                    "summary": "Sơ kết năm thứ nhất (2022) của lộ trình tự chủ tài chính.",
                    "filed_on": date(2023, 1, 30),
                    "actor": lead,
                    "proposed_collectives": 2,
                    "proposed_individuals": 5,
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
