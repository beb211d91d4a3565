"""Vietnamese words for the codes that published events carry, for what people read.

Events travel with stable codes (`GRASSROOTS_EMULATION_FIGHTER`, `ONE_STOP_DESK`, `thematic`);
a person reads "Chiến sĩ thi đua cơ sở", "Bộ phận Một cửa", "Thi đua theo chuyên đề". These words
belong to the published language, so every subscriber shows the same ones. A code without a
word is shown as it is, so a new code degrades to a readable text, not an error.
"""

from __future__ import annotations

AWARDS: dict[str, str] = {
    "ADVANCED_WORKER": "Lao động tiên tiến",
    "ADVANCED_SOLDIER": "Chiến sĩ tiên tiến",
    "GRASSROOTS_EMULATION_FIGHTER": "Chiến sĩ thi đua cơ sở",
    "ADVANCED_COLLECTIVE": "Tập thể lao động tiên tiến",
    "EXCELLENT_COLLECTIVE": "Tập thể lao động xuất sắc",
    "CULTURAL_VILLAGE": "Thôn, tổ dân phố văn hóa",
    "MODEL_COMMUNE": "Xã, phường, thị trấn tiêu biểu",
    "CULTURAL_FAMILY": "Gia đình văn hóa",
    "CERTIFICATE_OF_MERIT": "Giấy khen",
    "COMMENDATION": "Bằng khen",
    "PROVINCIAL_EMULATION_FIGHTER": "Chiến sĩ thi đua cấp tỉnh",
    "PRIME_MINISTER_COMMENDATION": "Bằng khen của Thủ tướng Chính phủ",
}
AWARD_TYPES: dict[str, str] = {
    "MERIT": "Khen thưởng công trạng",
    "AD_HOC": "Khen thưởng đột xuất",
    "MOVEMENT": "Khen thưởng theo phong trào thi đua",
    "CONTRIBUTION": "Khen thưởng quá trình cống hiến",
    "SENIORITY": "Khen thưởng theo niên hạn",
    "FOREIGN": "Khen thưởng đối ngoại",
}
DOSSIER_KINDS: dict[str, str] = {
    "ANNUAL_TITLE": "Danh hiệu thi đua hằng năm",
    "YEAR_END": "Khen thưởng tổng kết năm",
    "THEMATIC": "Khen thưởng phong trào thi đua theo chuyên đề",
    "AD_HOC": "Khen thưởng đột xuất",
    "ASSOCIATION": "Khen thưởng tổng kết năm cho các hội",
    "ENTERPRISE": "Khen thưởng tổng kết năm cho doanh nghiệp",
    "HIGHER_LEVEL": "Đề nghị cấp trên khen thưởng",
}
CHANNELS: dict[str, str] = {
    "ONLINE_PORTAL": "Cổng Dịch vụ công trực tuyến",
    "ONE_STOP_DESK": "Bộ phận Một cửa",
    "POST": "Dịch vụ bưu chính",
}
PROCEDURES: dict[str, str] = {"NORMAL": "Thủ tục thông thường", "SIMPLIFIED": "Thủ tục đơn giản"}
NOMINEE_KINDS: dict[str, str] = {"INDIVIDUAL": "Cá nhân", "COLLECTIVE": "Tập thể", "HOUSEHOLD": "Hộ gia đình"}
DOSSIER_STATUSES: dict[str, str] = {
    "RECEIVED": "Đã tiếp nhận",
    "AWAITING_SUPPLEMENT": "Chờ bổ sung, hoàn thiện hồ sơ",
    "AWAITING_CAMPAIGN": "Chờ thông tin phong trào thi đua",
    "IN_APPRAISAL": "Đang thẩm định",
    "REFUSED": "Từ chối giải quyết",
    "AWARDED": "Đã quyết định khen thưởng",
    "REJECTED": "Không khen thưởng",
    "RESULT_RETURNED": "Đã trả kết quả",
    "WITHDRAWN": "Đã rút hồ sơ",
    "ANNULLED": "Đã hủy bỏ quyết định khen thưởng",
    "FORWARDED": "Đã trình cấp trên khen thưởng",
    "HIGHER_LEVEL_AWARDED": "Cấp trên đã quyết định khen thưởng",
    "HIGHER_LEVEL_RETURNED": "Cấp trên trả lại hồ sơ",
}
ATTACHMENT_KINDS: dict[str, str] = {
    "SUBMISSION_MEMO": "Tờ trình",
    "ACHIEVEMENT_REPORT": "Báo cáo thành tích",
    "ACHIEVEMENT_SUMMARY": "Tóm tắt thành tích",
    "REVIEW_MINUTES": "Biên bản bình xét",
    "BALLOT_RESULT": "Biên bản kiểm phiếu",
    "INITIATIVE_CERTIFICATION": "Chứng nhận sáng kiến / xác nhận hoàn thành xuất sắc nhiệm vụ",
    "MOVEMENT_PLAN": "Kế hoạch phong trào thi đua",
    "MOVEMENT_REVIEW_REPORT": "Báo cáo sơ kết/tổng kết phong trào",
    "OTHER": "Tài liệu khác",
}
AUTHORITY_LEVELS: dict[str, str] = {"DISTRICT": "Cấp huyện", "COMMUNE": "Cấp xã", "DEPARTMENT": "Cấp phòng, ban, ngành"}
CAMPAIGN_KINDS: dict[str, str] = {
    "regular": "Thi đua thường xuyên",
    "periodic": "Thi đua theo đợt",
    "thematic": "Thi đua theo chuyên đề",
}
CAMPAIGN_STATUSES: dict[str, str] = {
    "draft": "Dự thảo",
    "registration_returned": "Bị trả lại hồ sơ đăng ký",
    "registered": "Đã đăng ký",
    "launched": "Đã phát động",
    "final_reviewed": "Đã tổng kết",
    "closed": "Đã kết thúc",
    "cancelled": "Đã hủy",
}
ELIGIBILITY_REASONS: dict[str, str] = {
    "not_registered": "Chưa đăng ký với cơ quan thường trực (Phòng Nội vụ)",
    "no_directive_document": "Chưa có văn bản chỉ đạo",
    "no_plan": "Chưa có kế hoạch",
    "no_review": "Chưa có báo cáo sơ kết, tổng kết",
    "purpose_unclear": "Mục đích chưa rõ",
    "requirements_unclear": "Yêu cầu chưa rõ",
    "content_unclear": "Nội dung chưa rõ",
    "targets_unclear": "Chỉ tiêu chưa rõ",
    "timeline_unclear": "Thời gian chưa rõ",
    "cancelled": "Phong trào đã hủy",
}
ANNULMENT_GROUNDS: dict[str, str] = {
    "a": "khai man thành tích để được khen thưởng",
    "b": "cung cấp thông tin sai sự thật hoặc làm giả hồ sơ",
    "c": "thẩm định, xét duyệt, đề nghị khen thưởng trái pháp luật",
    "d": "kết luận của cơ quan có thẩm quyền xác định không đủ tiêu chuẩn trong thời gian được tính khen thưởng",
}
"""Grounds of Art. 93, Law 06/2022/QH15 (docs/domain.md W5), keyed by their letter."""

ALL_CODES: dict[str, str] = {
    **AWARD_TYPES,
    **DOSSIER_KINDS,
    **AWARDS,
    **CHANNELS,
    **PROCEDURES,
    **NOMINEE_KINDS,
    **DOSSIER_STATUSES,
    **ATTACHMENT_KINDS,
    **AUTHORITY_LEVELS,
    **CAMPAIGN_KINDS,
    **CAMPAIGN_STATUSES,
}
"""Every code's word; where a code is in two tables (AD_HOC) the words agree."""


def label(code: object, table: dict[str, str] = ALL_CODES) -> str:
    """The Vietnamese word for a code, or the code itself when there is none."""
    if code is None:
        return ""
    return table.get(str(code), str(code))
