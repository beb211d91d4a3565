"""The catalogue of summary metrics: what each counts, in the words a report to the council uses.

Data, not code: the definitions are shown in every JSON summary and on the definitions sheet of
the exports, so a reader can check what a number means. Flows ("received", "refused", …) are
counted by the date of their own event; cohorts ("complete on first submission") by receipt date.
"""

from __future__ import annotations

from dataclasses import dataclass

CAMPAIGN_DIMS = frozenset({"lead_unit", "campaign"})
DOSSIER_DIMS = frozenset({"lead_unit", "proposing_unit", "campaign", "award_type", "award", "channel"})
NO_DIMS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Metric:
    key: str
    section: str
    label: str
    unit: str
    definition: str
    aggregate: str  # count | sum | median | p90 | ratio
    dimensions: frozenset[str] = DOSSIER_DIMS
    ratio_of: tuple[str, str] | None = None


S_CAMPAIGNS = "Phong trào thi đua"
S_DOSSIERS = "Hồ sơ đề nghị khen thưởng"
S_TIME = "Thời gian giải quyết"
S_DISPATCH = "Nội dung Công văn 147/UBND-NV yêu cầu theo dõi"
S_CASH = "Tiền thưởng"

METRICS: tuple[Metric, ...] = (
    Metric(
        "campaigns_launched",
        S_CAMPAIGNS,
        "Số phong trào được phát động",
        "phong trào",
        "Phong trào có ngày phát động trong kỳ.",
        "count",
        CAMPAIGN_DIMS,
    ),
    Metric(
        "campaigns_registered",
        S_CAMPAIGNS,
        "Số phong trào được đăng ký với Phòng Nội vụ",
        "phong trào",
        "Phong trào có ngày đăng ký trong kỳ.",
        "count",
        CAMPAIGN_DIMS,
    ),
    Metric(
        "campaigns_final_reviews_filed",
        S_CAMPAIGNS,
        "Số phong trào đã tổng kết",
        "phong trào",
        "Phong trào nộp báo cáo tổng kết trong kỳ (không tính báo cáo đính chính).",
        "count",
        CAMPAIGN_DIMS,
    ),
    Metric(
        "campaigns_reviewed_on_time",
        S_CAMPAIGNS,
        "trong đó: tổng kết đúng hạn",
        "phong trào",
        "Báo cáo tổng kết nộp trong kỳ, không muộn hơn hạn tổng kết ghi trong sự kiện.",
        "count",
        CAMPAIGN_DIMS,
    ),
    Metric(
        "campaigns_review_overdue",
        S_CAMPAIGNS,
        "Số phong trào quá hạn tổng kết",
        "phong trào",
        "Phong trào bị ghi nhận quá hạn tổng kết trong kỳ (mỗi phong trào ghi nhận một lần).",
        "count",
        CAMPAIGN_DIMS,
    ),
    Metric(
        "thematic_campaigns_not_eligible",
        S_CAMPAIGNS,
        "Số phong trào chuyên đề chưa đủ điều kiện khen thưởng",
        "phong trào",
        "Phong trào chuyên đề đã đăng ký, diễn ra trong kỳ, mà tại ngày cuối kỳ chưa đủ điều kiện "
        "khen thưởng chuyên đề theo Công văn 147 (thiếu đăng ký, văn bản chỉ đạo, kế hoạch, sơ kết/tổng kết…).",
        "count",
        CAMPAIGN_DIMS,
    ),
    Metric(
        "dossiers_received", S_DOSSIERS, "Số hồ sơ tiếp nhận", "hồ sơ", "Hồ sơ có ngày tiếp nhận trong kỳ.", "count"
    ),
    Metric(
        "dossiers_complete_first_time",
        S_DOSSIERS,
        "Số hồ sơ đầy đủ ngay lần đầu",
        "hồ sơ",
        "Trong số hồ sơ tiếp nhận trong kỳ: hồ sơ đã được nhận là đầy đủ mà chưa lần nào phải bổ sung.",
        "count",
    ),
    Metric(
        "dossiers_supplement_requested",
        S_DOSSIERS,
        "Số hồ sơ phải bổ sung, hoàn thiện",
        "hồ sơ",
        "Hồ sơ nhận phiếu yêu cầu bổ sung, hoàn thiện trong kỳ.",
        "count",
    ),
    Metric(
        "dossiers_supplemented", S_DOSSIERS, "Số hồ sơ đã bổ sung", "hồ sơ", "Hồ sơ được bổ sung trong kỳ.", "count"
    ),
    Metric(
        "dossiers_refused",
        S_DOSSIERS,
        "Số hồ sơ bị từ chối giải quyết",
        "hồ sơ",
        "Hồ sơ nhận phiếu từ chối giải quyết trong kỳ.",
        "count",
    ),
    Metric("dossiers_withdrawn", S_DOSSIERS, "Số hồ sơ rút", "hồ sơ", "Hồ sơ được rút trong kỳ.", "count"),
    Metric(
        "dossiers_decided",
        S_DOSSIERS,
        "Số hồ sơ đã có quyết định",
        "hồ sơ",
        "Hồ sơ có quyết định khen thưởng hoặc thông báo không khen thưởng ký trong kỳ.",
        "count",
    ),
    Metric(
        "dossiers_awarded",
        S_DOSSIERS,
        "trong đó: có quyết định khen thưởng",
        "hồ sơ",
        "Hồ sơ có quyết định khen thưởng ký trong kỳ.",
        "count",
    ),
    Metric(
        "dossiers_rejected",
        S_DOSSIERS,
        "trong đó: không khen thưởng",
        "hồ sơ",
        "Hồ sơ có thông báo không khen thưởng ký trong kỳ.",
        "count",
    ),
    Metric(
        "nominees_proposed",
        S_DOSSIERS,
        "Số lượt cá nhân, tập thể, hộ gia đình được đề nghị",
        "lượt",
        "Đối tượng trong các hồ sơ tiếp nhận trong kỳ.",
        "count",
    ),
    Metric(
        "nominees_awarded",
        S_DOSSIERS,
        "Số lượt được khen thưởng",
        "lượt",
        "Đối tượng được khen thưởng theo quyết định ký trong kỳ (kể cả trường hợp sau đó bị hủy bỏ).",
        "count",
    ),
    Metric(
        "awards_annulled",
        S_DOSSIERS,
        "Số lượt khen thưởng bị hủy bỏ",
        "lượt",
        "Khen thưởng bị hủy bỏ trong kỳ (Điều 93 Luật Thi đua, khen thưởng).",
        "count",
    ),
    Metric(
        "results_returned",
        S_TIME,
        "Số hồ sơ đã có kết quả",
        "hồ sơ",
        "Hồ sơ trả kết quả trong kỳ (ngày trả kết quả; với hồ sơ bị từ chối là ngày từ chối).",
        "count",
    ),
    Metric(
        "processing_days_median",
        S_TIME,
        "Thời gian giải quyết: trung vị",
        "ngày làm việc",
        "Số ngày làm việc từ ngày tiếp nhận (không tính) đến ngày có kết quả (có tính), trừ thứ Bảy, "
        "Chủ nhật, ngày lễ, Tết và trừ thời gian đơn vị bổ sung, hoàn thiện hồ sơ (từ ngày yêu cầu bổ sung "
        "đến ngày bổ sung); trung vị của các hồ sơ có kết quả trong kỳ.",
        "median",
    ),
    Metric(
        "processing_days_p90",
        S_TIME,
        "Thời gian giải quyết: phân vị 90",
        "ngày làm việc",
        "90% số hồ sơ có kết quả trong kỳ được giải quyết trong số ngày làm việc này trở xuống "
        "(phân vị theo thứ hạng gần nhất).",
        "p90",
    ),
    Metric(
        "results_on_time",
        S_TIME,
        "Số hồ sơ có kết quả đúng hẹn",
        "hồ sơ",
        "Ngày có kết quả không muộn hơn ngày hẹn trả (ngày hẹn khi tiếp nhận, hoặc khi bổ sung đủ hồ sơ; "
        "không tính ngày hẹn lại bằng phiếu xin lỗi).",
        "count",
    ),
    Metric(
        "results_with_appointment",
        S_TIME,
        "Số hồ sơ có kết quả và có ngày hẹn trả",
        "hồ sơ",
        "Mẫu số của tỷ lệ đúng hẹn.",
        "count",
    ),
    Metric(
        "results_on_time_share",
        S_TIME,
        "Tỷ lệ trả kết quả đúng hẹn",
        "%",
        "Số hồ sơ có kết quả đúng hẹn / số hồ sơ có kết quả và có ngày hẹn trả.",
        "ratio",
        ratio_of=("results_on_time", "results_with_appointment"),
    ),
    Metric(
        "awarded_individuals",
        S_DISPATCH,
        "Số lượt cá nhân được khen thưởng",
        "người",
        "Cá nhân được khen thưởng theo quyết định ký trong kỳ.",
        "count",
    ),
    Metric(
        "awarded_direct_workers",
        S_DISPATCH,
        "trong đó: người trực tiếp lao động, sản xuất, công tác",
        "người",
        "Cá nhân được khen thưởng mà hồ sơ ghi là người trực tiếp lao động, sản xuất, công tác.",
        "count",
    ),
    Metric(
        "direct_worker_share",
        S_DISPATCH,
        "Tỷ lệ người trực tiếp lao động, sản xuất, công tác",
        "%",
        "Số người trực tiếp lao động, sản xuất, công tác được khen thưởng / số cá nhân được khen thưởng.",
        "ratio",
        ratio_of=("awarded_direct_workers", "awarded_individuals"),
    ),
    Metric(
        "awarded_collectives",
        S_DISPATCH,
        "Số lượt tập thể được khen thưởng",
        "tập thể",
        "Tập thể được khen thưởng theo quyết định ký trong kỳ.",
        "count",
    ),
    Metric(
        "awarded_small_collectives",
        S_DISPATCH,
        "trong đó: tập thể nhỏ (không quá {small_collective_max} thành viên)",
        "tập thể",
        "Tập thể được khen thưởng có số thành viên không quá ngưỡng cấu hình (xem tham số small_collective_max).",
        "count",
    ),
    Metric(
        "small_collective_share",
        S_DISPATCH,
        "Tỷ lệ khen thưởng tập thể nhỏ",
        "%",
        "Số tập thể nhỏ được khen thưởng / số tập thể được khen thưởng.",
        "ratio",
        ratio_of=("awarded_small_collectives", "awarded_collectives"),
    ),
    Metric(
        "ad_hoc_dossiers",
        S_DISPATCH,
        "Số hồ sơ khen thưởng đột xuất",
        "hồ sơ",
        "Hồ sơ khen thưởng đột xuất tiếp nhận trong kỳ.",
        "count",
    ),
    Metric(
        "ad_hoc_late",
        S_DISPATCH,
        "trong đó: đề nghị muộn sau khi lập thành tích",
        "hồ sơ",
        "Hồ sơ đột xuất đề nghị muộn hơn số ngày quy định sau ngày lập thành tích (theo bộ quy tắc áp dụng cho hồ sơ).",
        "count",
    ),
    Metric(
        "ad_hoc_late_share",
        S_DISPATCH,
        "Tỷ lệ hồ sơ đột xuất đề nghị muộn",
        "%",
        "Số hồ sơ đột xuất đề nghị muộn / số hồ sơ khen thưởng đột xuất.",
        "ratio",
        ratio_of=("ad_hoc_late", "ad_hoc_dossiers"),
    ),
    Metric(
        "communes_without_advanced_worker",
        S_DISPATCH,
        "Số xã, thị trấn chưa có cá nhân đạt danh hiệu Lao động tiên tiến trong năm",
        "xã",
        "Xã, phường, thị trấn trong danh mục đơn vị còn hoạt động vào ngày cuối kỳ (sau sắp xếp đơn vị hành "
        "chính là các xã mới, không tính các xã đã sáp nhập) không có cá nhân nào được tặng danh hiệu Lao động "
        "tiên tiến cho năm đó (theo năm thi đua của hồ sơ, nếu không có thì theo năm ký quyết định; không tính "
        "khen thưởng đã bị hủy bỏ; khen thưởng của xã cũ tính cho xã kế thừa). Danh sách xã kèm theo báo cáo.",
        "count",
        NO_DIMS,
    ),
    Metric(
        "cash_reward_vnd",
        S_CASH,
        "Tổng tiền thưởng theo quyết định",
        "đồng",
        "Tổng tiền thưởng của các khen thưởng theo quyết định ký trong kỳ (hệ số × mức lương cơ sở).",
        "sum",
    ),
    Metric(
        "awards_without_cash_amount",
        S_CASH,
        "Số lượt khen thưởng chưa xác định mức tiền thưởng",
        "lượt",
        "Khen thưởng trong kỳ mà bộ quy tắc chưa xác định hệ số tiền thưởng (chưa được xác nhận).",
        "count",
    ),
    Metric(
        "cash_recovered_vnd",
        S_CASH,
        "Tiền thưởng đã thu hồi",
        "đồng",
        "Tiền thưởng thu hồi trong kỳ do khen thưởng bị hủy bỏ.",
        "sum",
    ),
)

BY_KEY = {m.key: m for m in METRICS}

GROUP_BY = {
    "none": "Toàn địa bàn",
    "lead_unit": "Đơn vị chủ trì phong trào",
    "proposing_unit": "Đơn vị trình khen",
    "campaign": "Phong trào thi đua",
    "award_type": "Loại hình khen thưởng",
    "award": "Hình thức, danh hiệu khen thưởng",
    "channel": "Kênh tiếp nhận hồ sơ",
}
"""`group_by` values with the Vietnamese name of the grouping."""
