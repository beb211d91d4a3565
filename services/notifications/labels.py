"""Vietnamese words for the codes that events carry, for the templates.

Events travel with stable upper-case codes (`GRASSROOTS_EMULATION_FIGHTER`, `ONE_STOP_DESK`);
a person reads "Chiến sĩ thi đua cơ sở", "Bộ phận Một cửa". This service keeps its own copy of
the words rather than importing another service's code (services share only `shared/`).
An unknown code is shown as it is, so a new code degrades to a readable notice, not an error.
"""

from __future__ import annotations

LABELS: dict[str, str] = {
    # titles and award forms
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
    # dossier kinds
    "ANNUAL_TITLE": "Danh hiệu thi đua hằng năm",
    "YEAR_END": "Khen thưởng tổng kết năm",
    "THEMATIC": "Khen thưởng phong trào thi đua theo chuyên đề",
    "AD_HOC": "Khen thưởng đột xuất",
    "ASSOCIATION": "Khen thưởng tổng kết năm cho các hội",
    "ENTERPRISE": "Khen thưởng tổng kết năm cho doanh nghiệp",
    # channels of submission
    "ONLINE_PORTAL": "Cổng Dịch vụ công trực tuyến",
    "ONE_STOP_DESK": "Bộ phận Một cửa",
    "POST": "Dịch vụ bưu chính",
    # procedures
    "NORMAL": "Thủ tục thông thường",
    "SIMPLIFIED": "Thủ tục đơn giản",
    # nominee kinds
    "INDIVIDUAL": "Cá nhân",
    "COLLECTIVE": "Tập thể",
    "HOUSEHOLD": "Hộ gia đình",
    # dossier statuses
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
    # attachments
    "SUBMISSION_MEMO": "Tờ trình",
    "ACHIEVEMENT_REPORT": "Báo cáo thành tích",
    "ACHIEVEMENT_SUMMARY": "Tóm tắt thành tích",
    "REVIEW_MINUTES": "Biên bản bình xét",
    "BALLOT_RESULT": "Biên bản kiểm phiếu",
    "INITIATIVE_CERTIFICATION": "Chứng nhận sáng kiến / xác nhận hoàn thành xuất sắc nhiệm vụ",
    "MOVEMENT_PLAN": "Kế hoạch phong trào thi đua",
    "MOVEMENT_REVIEW_REPORT": "Báo cáo sơ kết/tổng kết phong trào",
    "OTHER": "Tài liệu khác",
    # deciding levels
    "DISTRICT": "Cấp huyện",
    "COMMUNE": "Cấp xã",
    "DEPARTMENT": "Cấp phòng, ban, ngành",
    # campaign kinds and statuses (lower case in the campaign contracts)
    "regular": "Thi đua thường xuyên",
    "periodic": "Thi đua theo đợt",
    "thematic": "Thi đua theo chuyên đề",
    "draft": "Dự thảo",
    "registration_returned": "Bị trả lại hồ sơ đăng ký",
    "registered": "Đã đăng ký",
    "launched": "Đã phát động",
    "final_reviewed": "Đã tổng kết",
    "closed": "Đã kết thúc",
    "cancelled": "Đã hủy",
    # delivery channels of this service
    "email": "Thư điện tử",
    "webhook": "Webhook",
    "inbox": "Hộp thư trong ứng dụng",
}

ANNULMENT_GROUNDS: dict[str, str] = {
    "a": "khai man thành tích để được khen thưởng",
    "b": "cung cấp thông tin sai sự thật hoặc làm giả hồ sơ",
    "c": "thẩm định, xét duyệt, đề nghị khen thưởng trái pháp luật",
    "d": "kết luận của cơ quan có thẩm quyền xác định không đủ tiêu chuẩn trong thời gian được tính khen thưởng",
}
"""Grounds of Art. 93, Law 06/2022/QH15 (domain rule 28), keyed by their letter."""


def label(code: object) -> str:
    """The Vietnamese word for a code, or the code itself when there is none."""
    if code is None:
        return ""
    return LABELS.get(str(code), str(code))


def annulment_ground(code: object) -> str:
    return ANNULMENT_GROUNDS.get(str(code), str(code))
