"""`tdkt seed-demo` holds the movements dispatch 147/UBND-NV (2023) names, each with the office the
dispatch makes its lead, and nothing the dispatch does not name."""

from __future__ import annotations

from services.campaigns.application import Campaigns
from services.campaigns.demo import CAMPAIGNS
from services.campaigns.domain.campaign import CampaignStatus
from services.campaigns.seed import seed_demo

DISPATCH_147 = {
    "Người tốt, việc tốt": "PNV",
    "Đẩy mạnh cải cách hành chính": "PNV",
    "Toàn dân chung sức xây dựng Nông thôn mới": "PKT",
    "Doanh nghiệp Thủ đô hội nhập và phát triển": "PKT",
    "Sáng kiến, sáng tạo Thủ đô": "PKT",
    "Đẩy mạnh phát triển hạ tầng số, khoa học và công nghệ": "PKT",
    "Đẩy nhanh công tác giải phóng mặt bằng dự án đầu tư xây dựng đường Vành đai 4 – Vùng Thủ đô": "PTNMT",
    "Đẩy mạnh phát triển kết cấu hạ tầng đồng bộ, hiện đại; thực hành tiết kiệm, chống lãng phí": "PTCKH",
    "Thực hiện chuyển đơn vị sự nghiệp công lập sang tự chủ tài chính": "PTCKH",
    "Vì người nghèo - Không để ai bị bỏ lại phía sau": "PLDTBXH",
    "Cán bộ, công chức, viên chức, người lao động thi đua thực hiện văn hóa công sở và nơi công cộng": "PVHTT",
    "Toàn dân đoàn kết xây dựng đời sống văn hóa": "PVHTT",
    "An toàn thực phẩm": "PYT",
    "Vì an ninh Tổ quốc": "CAH",
    "Thi đua quyết thắng": "BCHQS",
}
"""The movements of dispatch 147 by their names and lead offices. Two names (digital
infrastructure, Ring Road 4) are known only from a summary of the dispatch: see `demo.py`."""


def seeded() -> Campaigns:
    app = Campaigns(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    assert seed_demo(app) == len(DISPATCH_147)
    return app


def test_seed_demo_holds_exactly_the_movements_dispatch_147_names_with_their_lead_offices() -> None:
    """Dispatch 147/UBND-NV (2023) of UBND huyện Thanh Oai lists its movements and their leads."""
    app = seeded()
    assert {c.name: c.lead_unit_id for c in app.queries.search()} == DISPATCH_147


def test_the_demo_shows_every_state_of_a_movements_life() -> None:
    app = seeded()
    states = {c.status for c in app.queries.search()}
    assert states >= {
        CampaignStatus.DRAFT,
        CampaignStatus.REGISTERED,
        CampaignStatus.LAUNCHED,
        CampaignStatus.CLOSED,
    }
    assert any(c.registration_returns for c in app.queries.search())
    assert any(c.interim_reviews and c.stages for c in app.queries.search())


def test_every_demo_document_is_marked_as_sample_data() -> None:
    for campaign in CAMPAIGNS:
        for doc in (campaign["directive"], campaign["plan"]):
            assert doc is None or "dữ liệu mẫu" in doc.number


def test_seeding_twice_adds_nothing() -> None:
    app = seeded()
    assert seed_demo(app) == 0
